/*
 * odj_verify's Kerberos steps: the clock against the KDC, a TGT from the
 * keytab, and a ticket for the machine's own host/ that the keytab must open.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <odj/catalogue.h>

#include "verify_internal.h"

/*
 * The KDC's time from its answer to an AS request without pre-authentication:
 * the KRB-ERROR (PREAUTH_REQUIRED) carries stime.  Nothing is logged on the
 * account: no key is used.
 */
odj_result odj_verify_clock(struct verify_run *v)
{
	krb5_context kctx = odj_krb_context(v->krb);
	const struct odj_kdc_target *t = odj_krb_target(v->krb);
	krb5_principal client = NULL;
	krb5_init_creds_context icc = NULL;
	krb5_data in = {0}, out = {0}, realm = {0};
	unsigned int flags = 0;
	odj_doing(v->ctx, "asking the KDC at %s:%u for its time", t->address, t->port);
	krb5_error_code ret = krb5_parse_name(kctx, v->j->principal, &client);
	if (ret == 0)
		ret = krb5_init_creds_init(kctx, client, NULL, NULL, 0, NULL, &icc);
	if (ret == 0)
		ret = krb5_init_creds_step(kctx, icc, &in, &out, &realm, &flags);
	odj_result r = ODJ_OK;
	if (ret != 0) {
		const char *msg = krb5_get_error_message(kctx, ret);
		r = odj_fail_krb5(v->ctx, ret, msg, "cannot build an AS request for %s",
				  v->j->principal);
		krb5_free_error_message(kctx, msg);
	}
	uint8_t *reply = NULL;
	size_t reply_len = 0;
	struct odj_kdc_report rep;
	if (r == ODJ_OK && !odj_kdc_exchange(v->mem, t, (const uint8_t *)out.data, out.length, &reply,
					     &reply_len, &rep)) {
		r = odj_fail(v->ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_LOGON_SERVERS,
			     "the KDC at %s:%u did not answer an AS request", t->address, t->port);
		odj_error_detail(v->ctx, "%s", odj_kdc_report_describe(v->mem, t, &rep));
		odj_error_advice(v->ctx, "Check that TCP port %u is open between this host and the DC.",
				 t->port);
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	double now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	krb5_error *err = NULL;
	krb5_data rd = {.magic = KV5M_DATA, .length = (unsigned)reply_len, .data = (char *)reply};
	if (r == ODJ_OK && krb5_rd_error(kctx, &rd, &err) == 0) {
		double skew = (double)err->stime + err->susec / 1e6 - now;
		v->req->out.skew_s = skew;
		int max = v->req->in.max_skew_s > 0 ? v->req->in.max_skew_s : 300;
		if (skew > max || skew < -max) {
			r = odj_fail(v->ctx, ODJ_E_CONFIG, ODJ_ERROR_TIME_SKEW,
				     "this host's clock is %.0f s %s the DC's (Kerberos allows %d s)",
				     skew < 0 ? -skew : skew, skew < 0 ? "ahead of" : "behind", max);
			odj_error_advice(v->ctx, "Synchronise the clock with the DC (chrony or "
						 "systemd-timesyncd with the DC as server).");
		} else {
			v->summary = talloc_asprintf(v->mem, "%+.1f s against the KDC at %s (limit %d s)",
						     skew, t->address, max);
		}
	} else if (r == ODJ_OK) {
		v->summary = talloc_asprintf(v->mem, "not measured: the KDC at %s answered without an "
						     "error (no pre-authentication required)",
					     t->address);
	}
	if (err != NULL)
		krb5_free_error(kctx, err);
	krb5_free_data_contents(kctx, &out);
	krb5_free_data_contents(kctx, &realm);
	if (icc != NULL)
		krb5_init_creds_free(kctx, icc);
	krb5_free_principal(kctx, client);
	return r;
}

static bool refused_keys(const struct odj_error *e)
{
	return e->source == ODJ_SRC_KRB5 &&
	       (e->source_code == KRB5KDC_ERR_PREAUTH_FAILED ||
		e->source_code == KRB5KRB_AP_ERR_BAD_INTEGRITY ||
		e->source_code == KRB5_PREAUTH_FAILED);
}

/* AS with only the keytab's keys at kvno (MIT takes the highest one otherwise). */
static odj_result login_at(struct verify_run *v, uint32_t kvno)
{
	krb5_context kctx = odj_krb_context(v->krb);
	krb5_keytab kt = NULL;
	char *name = NULL;
	odj_result r = odj_joined_memory_keytab(v->ctx, v->j, kctx, kvno, &name, &kt, v->mem);
	if (r == ODJ_OK)
		r = odj_krb_login_keytab(v->krb, v->j->principal, name, NULL);
	odj_joined_memory_keytab_free(kctx, kt);
	return r;
}

odj_result odj_verify_tgt(struct verify_run *v)
{
	struct odj_joined *j = v->j;
	odj_result r = login_at(v, j->kt_kvno);
	if (r == ODJ_OK) {
		v->summary = talloc_asprintf(v->mem, "TGT for %s with the keytab's kvno %u keys",
					     j->principal, j->kt_kvno);
		return ODJ_OK;
	}
	if (!refused_keys(odj_error_get(v->ctx)))
		return r;
	char *kdc_said = odj_joined_error_line(v->mem, v->ctx);
	/* Older keys the KDC still takes: an interrupted rotation (or one not yet replicated). */
	uint32_t older = 0;
	for (size_t i = 0; i < j->kt->n; i++)
		if (j->kt->entries[i].kvno < j->kt_kvno && j->kt->entries[i].kvno > older)
			older = j->kt->entries[i].kvno;
	if (older > 0 && login_at(v, older) == ODJ_OK) {
		v->req->out.account_kvno = older;
		odj_fail(v->ctx, ODJ_E_CONFIG, ODJ_ERROR_TRUSTED_RELATIONSHIP_FAILURE,
			 "keytab kvno %u, account kvno %u: the keytab's newest keys were never accepted "
			 "by the DC%s",
			 j->kt_kvno, older,
			 j->pending_kvno ? " (an interrupted odj-rotate)" : "");
		odj_error_advice(v->ctx, "Run odj-rotate: it finishes or undoes the interrupted "
					 "rotation. Until then, kinit -k and sssd take the newest "
					 "keys and fail.");
		return ODJ_E_CONFIG;
	}
	if (j->pending_kvno != 0) {
		/* odj-rotate writes the keytab after the DC's change: a kill between the two */
		odj_fail(v->ctx, ODJ_E_CONFIG, ODJ_ERROR_TRUSTED_RELATIONSHIP_FAILURE,
			 "keytab kvno %u: the KDC refuses these keys, and an interrupted odj-rotate "
			 "staged a new password for kvno %u: the DC took it before the keytab was "
			 "written",
			 j->kt_kvno, j->pending_kvno);
		odj_error_detail(v->ctx, "%s", kdc_said);
		odj_error_advice(v->ctx, "Run odj-rotate: it asks the KDC and finishes the rotation "
					 "(the keytab gets the staged password's keys); "
					 "odj-rotate.service does it at the next boot.");
		return ODJ_E_CONFIG;
	}
	uint32_t account = v->req->in.ccache ? odj_verify_account_kvno_with(v, v->req->in.ccache) : 0;
	v->req->out.account_kvno = account;
	odj_doing(v->ctx, "getting a ticket-granting ticket for %s with the keytab %s", j->principal,
		  j->keytab_file);
	odj_joined_clone_diagnosis(v->ctx, j, account, kdc_said);
	return ODJ_E_CREDENTIALS;
}

/* The keytab's key of principal at kvno and enctype, or NULL. */
static const struct odj_keytab_entry *find_key(const struct odj_joined *j, const char *principal,
					       uint32_t kvno, int32_t enctype, TALLOC_CTX *mem)
{
	for (size_t i = 0; i < j->kt->n; i++) {
		const struct odj_keytab_entry *e = &j->kt->entries[i];
		if (e->kvno != kvno || e->enctype != enctype)
			continue;
		char *p = odj_keytab_principal(mem, e);
		if (p != NULL && strcasecmp(p, principal) == 0)
			return e;
	}
	return NULL;
}

odj_result odj_verify_ticket(struct verify_run *v)
{
	struct odj_joined *j = v->j;
	krb5_context kctx = odj_krb_context(v->krb);
	char *service = talloc_asprintf(v->mem, "host/%s", j->fqdn);
	char *principal = talloc_asprintf(v->mem, "%s@%s", service, j->realm);
	krb5_data *der = NULL;
	odj_result r = odj_krb_fresh_ticket(v->krb, service, ODJ_ERROR_NO_LOGON_SERVERS, v->mem, &der);
	if (r != ODJ_OK)
		return r;
	krb5_ticket *t = NULL;
	if (krb5_decode_ticket(der, &t) != 0)
		return odj_fail(v->ctx, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA,
				"the KDC's ticket for %s cannot be decoded", principal);
	uint32_t kvno = t->enc_part.kvno;
	int32_t enctype = t->enc_part.enctype;
	v->req->out.account_kvno = kvno;
	odj_doing(v->ctx, "opening the KDC's ticket for %s (kvno %u, %s) with the keytab %s",
		  principal, kvno, odj_enctype_name(enctype), j->keytab_file);
	const struct odj_keytab_entry *e = find_key(j, principal, kvno, enctype, v->mem);
	if (e == NULL) {
		if (kvno > j->kt_kvno) {
			odj_joined_clone_diagnosis(v->ctx, j, kvno, NULL);
			r = ODJ_E_CREDENTIALS;
		} else {
			r = odj_fail(v->ctx, ODJ_E_CONFIG, ODJ_ERROR_LOGON_FAILURE,
				     "the keytab has no %s key of %s at kvno %u (its newest is %u)",
				     odj_enctype_name(enctype), principal, kvno, j->kt_kvno);
			odj_error_advice(v->ctx, "A GSSAPI service (sshd, ...) would refuse this "
						 "ticket. Apply the machine's blob again, or "
						 "provision it anew.");
		}
		krb5_free_ticket(kctx, t);
		return r;
	}
	krb5_keyblock key = {.magic = KV5M_KEYBLOCK,
			     .enctype = e->enctype,
			     .length = (unsigned)odj_secret_len(e->key),
			     .contents = (krb5_octet *)odj_secret_data(e->key)};
	/* the integrity check of the ticket is the proof; its contents do not matter */
	krb5_data plain = {.magic = KV5M_DATA, .length = t->enc_part.ciphertext.length};
	plain.data = talloc_size(v->mem, plain.length ? plain.length : 1);
	krb5_error_code ret = plain.data == NULL ? ENOMEM
						  : krb5_c_decrypt(kctx, &key, KRB5_KEYUSAGE_KDC_REP_TICKET,
								   NULL, &t->enc_part, &plain);
	if (plain.data != NULL)
		explicit_bzero(plain.data, t->enc_part.ciphertext.length); /* a session key */
	if (ret != 0) {
		const char *msg = krb5_get_error_message(kctx, ret);
		r = odj_fail_krb5(v->ctx, ret, msg,
				  "the keytab's kvno %u key does not open the KDC's ticket for %s", kvno,
				  principal);
		krb5_free_error_message(kctx, msg);
		odj_error_advice(v->ctx, "The account's key at kvno %u is not the keytab's: the "
					 "password was set again without a kvno change, or the keytab "
					 "was built with a wrong salt. Provision the machine anew.",
				 kvno);
	} else {
		v->summary = talloc_asprintf(v->mem, "%s: kvno %u %s, opened with the keytab's key",
					     principal, kvno, odj_enctype_name(enctype));
	}
	krb5_free_ticket(kctx, t);
	return r;
}
