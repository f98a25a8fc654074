/* odj_prepare_check: every step of a provision before the directory write. */
#include <math.h>
#include <string.h>
#include <time.h>

#include <odj/join.h>
#include <odj/names.h>
#include <odj/prepare.h>

#include "account.h"
#include "session.h"

/* Kerberos' default allowed clock skew. */
#define MAX_SKEW_SECONDS 300.0

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Steps 1-13 and 20-33 of the core, before any network use. */
static odj_result validate_offline(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_check_req *req,
				   struct odj_join_request *jr)
{
	memset(jr, 0, sizeof(*jr));
	jr->in.domain = req->in.domain;
	jr->in.dc = req->in.dc;
	jr->in.ou = req->in.ou;
	jr->in.account_name = req->in.creds.user ? req->in.creds.user : "(ccache)";
	jr->in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_ACCT_CREATE;
	struct odj_password_opts po = ODJ_PASSWORD_OPTS_INIT;
	jr->in.password_opts = po;
	if (req->in.machine != NULL) {
		if (strchr(req->in.machine, '.') != NULL)
			jr->in.dns_host_name = req->in.machine;
		else
			jr->in.machine_name = req->in.machine;
		return odj_join_check(ctx, mem, jr);
	}
	char *domain = NULL, *dc = NULL;
	odj_result r = odj_join_split_domain(ctx, mem, req->in.domain, &domain, &dc);
	if (r == ODJ_OK)
		r = odj_join_check_domain(ctx, domain, NULL, NULL, NULL);
	jr->out.domain = domain;
	jr->out.dc = dc ? dc : (req->in.dc ? talloc_strdup(mem, req->in.dc) : NULL);
	return r;
}

static void copy_session(struct odj_check_req *req, const struct odj_dc_session *s)
{
	req->out.dc = s->dc;
	req->out.facts = s->facts;
	req->out.realm = s->realm;
	req->out.client = s->krb ? (char *)odj_krb_client(s->krb) : NULL;
	req->out.ldap_ssf = s->ldap ? odj_ldap_ssf(s->ldap) : 0;
	req->out.ldap_tls = s->ldap ? odj_ldap_tls(s->ldap) : false;
	req->out.ms_locate = s->ms_locate;
	req->out.ms_kerberos = s->ms_kerberos;
	req->out.ms_smb = s->ms_smb;
	req->out.smb_peer = s->smb_peer;
	req->out.ms_ldap = s->ms_ldap;
}

odj_result odj_prepare_check(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_check_req *req)
{
	if (req == NULL || req->in.version != ODJ_CHECK_VERSION)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"odj_check_req version %u, this library knows %u", req ? req->in.version : 0,
				ODJ_CHECK_VERSION);
	memset(&req->out, 0, sizeof(req->out));
	double t0 = now_ms();
	struct odj_join_request jr;
	odj_result r = validate_offline(ctx, mem, req, &jr);
	if (r != ODJ_OK)
		return r;

	struct odj_session_params sp = odj_session_params_for(&jr, &req->in.creds, req->in.ldaps,
							      req->in.ca_file, &req->in.deadlines);
	struct odj_dc_session *s = NULL;
	r = odj_dc_session_open(ctx, mem, &sp, &s);
	if (s != NULL)
		copy_session(req, s);
	if (r == ODJ_OK && jr.out.netbios_name != NULL)
		/* step 13 again, now that the domain's NetBIOS name is known */
		r = odj_join_check_domain(ctx, jr.out.domain, s->facts->dns_domain, s->facts->netbios,
					  jr.out.netbios_name);
	if (r == ODJ_OK) {
		odj_doing(ctx, "checking the container for the computer account");
		r = odj_container_check(s->ldap, mem, s->facts->default_nc, req->in.ou,
					&req->out.container_dn, &req->out.may_create);
	}
	if (r == ODJ_OK && jr.out.sam_account_name != NULL) {
		struct odj_account *existing = NULL;
		odj_doing(ctx, "looking up the account %s", jr.out.sam_account_name);
		req->out.sam_account_name = jr.out.sam_account_name;
		r = odj_account_find(s->ldap, mem, s->facts->default_nc, jr.out.sam_account_name,
				     &existing);
		req->out.machine_checked = r == ODJ_OK;
		req->out.account_exists = existing != NULL;
		if (r == ODJ_OK && existing != NULL) {
			r = odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
				     "the account %s already exists (%s)", jr.out.sam_account_name,
				     existing->dn);
			odj_error_advice(ctx, "Choose another name, or let odj-prepare --reuse reset the "
					      "existing account (its old keys stop working).");
		}
	}
	if (r == ODJ_OK && !req->out.may_create) {
		r = odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED,
			     "%s may not create computer objects in %s", req->out.client,
			     req->out.container_dn);
		odj_error_advice(ctx, "Use an account with the right to create computer objects in that "
				      "container, or delegate it (e.g. samba-tool dsacl set, or the "
				      "Delegation of Control wizard).");
	}
	if (r == ODJ_OK && fabs(s->facts->skew_seconds) > MAX_SKEW_SECONDS) {
		r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_TIME_SKEW,
			     "this host's clock differs from %s's by %.0f s (Kerberos allows %.0f s)",
			     s->dc.host, s->facts->skew_seconds, MAX_SKEW_SECONDS);
		odj_error_advice(ctx, "Synchronise the clock with the DC (chrony or ntpsec pointing at "
				      "the DC) before provisioning.");
	}
	req->out.ms_total = now_ms() - t0;
	return r;
}
