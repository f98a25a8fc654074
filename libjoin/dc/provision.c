/*
 * odj_provision_account: [MS-WKST] 3.2.4.13.3 steps 23-33 against the pinned
 * DC, then the proof of the password and the blob.
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <odj/blob_build.h>
#include <odj/fileio.h>
#include <odj/join.h>
#include <odj/keys.h>
#include <odj/prepare.h>

#include "account.h"
#include "kpasswd.h"
#include "provision.h"
#include "session.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Names: --machine NAME or FQDN, with --netbios-name / --dns-host-name
 * overriding.  A first label longer than 15 characters is refused unless
 * --netbios-name says what the NetBIOS name is: no silent truncation.
 */
static odj_result names(struct odj_ctx *ctx, const struct odj_provision_req *req,
			struct odj_join_request *jr)
{
	const char *m = req->in.machine;
	if (m == NULL && req->in.netbios_name == NULL && req->in.dns_host_name == NULL)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"which machine? give --machine NAME or FQDN");
	const char *fqdn = req->in.dns_host_name;
	const char *netbios = req->in.netbios_name;
	if (m != NULL && strchr(m, '.') != NULL) {
		if (fqdn == NULL)
			fqdn = m;
	} else if (m != NULL && netbios == NULL) {
		netbios = m;
	}
	if (netbios == NULL && fqdn != NULL) {
		size_t label = strcspn(fqdn, ".");
		if (label > ODJ_NETBIOS_NAME_MAX)
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_InvalidComputer,
					"the host name %.*s has %zu characters; a NetBIOS name has at "
					"most 15: give --netbios-name (odj does not truncate)",
					(int)label, fqdn, label);
	}
	if (netbios != NULL && strlen(netbios) > ODJ_NETBIOS_NAME_MAX)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_InvalidComputer,
				"the NetBIOS name %s has %zu characters, at most 15 are allowed "
				"(give --netbios-name and --dns-host-name for a longer host name)",
				netbios, strlen(netbios));
	jr->in.machine_name = netbios;
	jr->in.dns_host_name = fqdn;
	return ODJ_OK;
}

odj_result odj_provision_validate(struct odj_ctx *ctx, TALLOC_CTX *mem,
				  const struct odj_provision_req *req, struct odj_join_request *jr)
{
	memset(jr, 0, sizeof(*jr));
	odj_result r = names(ctx, req, jr);
	if (r != ODJ_OK)
		return r;
	jr->in.domain = req->in.domain;
	jr->in.dc = req->in.dc;
	jr->in.ou = req->in.ou;
	jr->in.account_name = req->in.creds.user ? req->in.creds.user : "(ccache)";
	jr->in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_ACCT_CREATE;
	if (req->in.reuse)
		jr->in.provision_options |= ODJ_NETSETUP_PROVISION_REUSE_ACCOUNT;
	if (req->in.defpwd)
		jr->in.provision_options |= ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD;
	jr->in.enctypes = req->in.allow_rc4 ? ODJ_ENCTYPES_DEFAULT | ODJ_ENCTYPE_RC4_HMAC
					    : ODJ_ENCTYPES_DEFAULT;
	struct odj_password_opts po = ODJ_PASSWORD_OPTS_INIT;
	jr->in.password_opts = po;
	return odj_join_check(ctx, mem, jr);
}

/* SPNs of steps 27-28 plus --spn, without duplicates. */
const char **odj_provision_spns(TALLOC_CTX *mem, const struct odj_join_request *jr,
				const char *const *extra)
{
	size_t n = jr->out.n_spns, k = 0;
	for (size_t i = 0; extra && extra[i]; i++)
		n++;
	const char **out = talloc_zero_array(mem, const char *, n + 1);
	for (size_t i = 0; out && i < jr->out.n_spns; i++)
		out[k++] = jr->out.spns[i];
	for (size_t i = 0; out && extra && extra[i]; i++) {
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = strcasecmp(out[j], extra[i]) == 0;
		if (!dup)
			out[k++] = extra[i];
	}
	return out;
}

static bool dn_in_container(const char *dn, const char *container)
{
	const char *comma = strchr(dn, ',');
	return comma != NULL && strcasecmp(comma + 1, container) == 0;
}

/* Step 29 as odj does it, and the reuse rules. */
static odj_result check_existing(struct odj_ctx *ctx, const struct odj_provision_req *req,
				 const struct odj_account *have, const char *container)
{
	if (have == NULL)
		return ODJ_OK;
	if (!have->is_computer)
		return odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
				"%s exists and is not a computer (%s): odj never reuses it",
				have->sam_account_name, have->dn);
	/* UF_PARTIAL_SECRETS_ACCOUNT: a read-only DC's account */
	if (have->user_account_control & (ODJ_UF_SERVER_TRUST_ACCOUNT | 0x04000000u))
		return odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
				"%s is a domain controller's account (%s): odj never reuses it",
				have->sam_account_name, have->dn);
	if (!req->in.reuse) {
		odj_result r = odj_join_check_existing(ctx, ODJ_NETSETUP_ACCT_CREATE, 0, true);
		odj_error_detail(ctx, "existing object: %s", have->dn);
		odj_error_advice(ctx, "Add --reuse to reset this account (its old keys stop working), or "
				      "choose another name.");
		return r;
	}
	if (req->in.ou != NULL && !dn_in_container(have->dn, container)) {
		odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
			 "%s exists in another container (%s), not in %s", have->sam_account_name,
			 have->dn, container);
		odj_error_advice(ctx, "Drop --ou to reuse it where it is, or move the account first.");
		return ODJ_E_DIRECTORY;
	}
	return ODJ_OK;
}

/*
 * Proof before the blob: a fresh service ticket for the account (one of its
 * SPNs, else its sAMAccountName) must open with the key derived like the
 * KDC's from the new password and salt (odj_keys_verify_ticket).  A TGS
 * exchange with the session's TGT records no logon on the new account, as
 * an AS exchange as NAME$ would (lastLogonTimestamp would make a machine
 * that never joined look alive to stale-account clean-ups).
 */
static odj_result prove(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_dc_session *s,
			struct odj_provision_req *req, const struct odj_secret *pw_utf16)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	const char *service = req->out.spns && req->out.spns[0] ? req->out.spns[0]
								: req->out.sam_account_name;
	odj_doing(ctx, "proving the new password of %s with a ticket for %s", req->out.sam_account_name,
		  service);
	krb5_data *ticket = NULL;
	odj_result r = odj_krb_fresh_ticket(s->krb, service, ODJ_ERROR_NO_LOGON_SERVERS, tmp, &ticket);
	if (r == ODJ_OK) {
		r = odj_keys_verify_ticket(ctx, odj_krb_context(s->krb), ticket, pw_utf16,
					   req->out.salt, req->out.enctypes, req->out.kvno);
		req->out.proven = r == ODJ_OK; /* a failure carries its advice from keys.c */
	}
	odj_trace(ctx,
		  "NetpProvisionComputerAccount: status of the key proof for '%s' (ticket for %s): 0x%x",
		  req->out.sam_account_name, service, r == ODJ_OK ? 0 : odj_error_get(ctx)->status);
	talloc_free(tmp);
	return r;
}

odj_result odj_provision_blob(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_dc_session *s,
			      const struct odj_provision_blob_in *in, struct odj_secret **file,
			      struct odj_secret **base64)
{
	const struct odj_domain_facts *f = s->facts;
	struct odj_provision_facts pf = {
		.domain_dns = f->dns_domain,
		.domain_netbios = f->netbios,
		.forest = f->forest,
		.domain_guid = f->guid,
		.domain_sid = &f->sid,
		.machine_name = in->netbios_name,
		.password_utf16 = in->password_utf16,
		.dc_name = s->dc.host,
		.dc_address = s->dc.address,
		.dc_flags = s->dc.flags,
		.dc_site = s->dc.dc_site,
		.client_site = s->dc.client_site,
		/* Windows writes 0 for a random password, 4 with /defpwd. */
		.options = in->defpwd ? ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD : 0,
		.rid = in->rid,
		.machine_sid = in->machine_sid,
		.linux_part = in->windows ? NULL : in->linux_part,
	};
	struct odj_provision *prov = NULL;
	odj_result r = odj_provision_build(ctx, mem, &pf, &prov);
	struct odj_blob_encode_options eo = ODJ_BLOB_ENCODE_OPTIONS_INIT;
	if (in->windows) {
		eo.referents = ODJ_REFERENTS_WINDOWS;
		eo.omit_linux_part = true;
	}
	struct odj_secret *ndr = NULL;
	if (r == ODJ_OK)
		r = odj_blob_encode(ctx, mem, prov, &eo, &ndr);
	if (r == ODJ_OK)
		r = odj_blob_text_encode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), file);
	if (r == ODJ_OK && base64 != NULL)
		r = odj_blob_base64_encode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), base64);
	talloc_free(prov);
	talloc_free(ndr);
	return r;
}

struct odj_linux_part odj_provision_make_linux_part(const struct odj_dc_session *s, uint32_t kvno,
						uint32_t enctypes, const char *sam,
						const char *dns_host_name, char **spns,
						const char *upn, const char *salt,
						int64_t pwd_last_set)
{
	size_t nspns = 0;
	while (spns && spns[nspns])
		nspns++;
	/* 100 ns ticks since 1601-01-01, as AD stores times */
	uint64_t now_filetime = ((uint64_t)time(NULL) + 11644473600ull) * 10000000ull;
	struct odj_linux_part lp = {
		.kvno = kvno,
		.enctypes = enctypes,
		.sam_account_name = (char *)sam,
		.dns_host_name = (char *)dns_host_name,
		.spn_count = (uint32_t)nspns,
		.spns = spns,
		.upn = (char *)upn,
		.realm = s->realm,
		.salt = (char *)salt,
		.pwd_last_set = (uint64_t)pwd_last_set,
		.created = now_filetime,
		.dc_name = s->dc.host,
	};
	return lp;
}

static odj_result write_blob(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_dc_session *s,
			     struct odj_provision_req *req, const struct odj_secret *pw_utf16)
{
	struct odj_linux_part lp = odj_provision_make_linux_part(
		s, req->out.kvno, req->out.enctypes, req->out.sam_account_name, req->out.dns_host_name,
		req->out.spns, req->in.upn, req->out.salt, req->out.pwd_last_set);
	struct odj_provision_blob_in in = {
		.linux_part = &lp,
		.netbios_name = req->out.netbios_name,
		.password_utf16 = pw_utf16,
		.rid = req->out.rid,
		.machine_sid = req->out.machine_sid,
		.defpwd = req->in.defpwd,
		.windows = req->in.windows,
	};
	odj_result r = odj_provision_blob(ctx, mem, s, &in, &req->out.blob_file, &req->out.blob_base64);
	if (r == ODJ_OK && req->in.savefile != NULL) {
		odj_doing(ctx, "writing the provisioning blob to %s", req->in.savefile);
		r = odj_write_file_atomic(ctx, req->in.savefile, odj_secret_data(req->out.blob_file),
					  odj_secret_len(req->out.blob_file));
	}
	odj_trace(ctx, "NetpProvisionComputerAccount: status of writing the blob%s%s: 0x%x",
		  req->in.savefile ? " to " : "", req->in.savefile ? req->in.savefile : "",
		  r == ODJ_OK ? 0 : odj_error_get(ctx)->status);
	return r;
}

/* Sets the password with kpasswd after the account exists without one. */
static odj_result kpasswd(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_dc_session *s,
			  struct odj_provision_req *req, const struct odj_secret *pw_utf16)
{
	struct odj_secret *utf8 = NULL;
	odj_result r = odj_password_utf8(ctx, mem, pw_utf16, &utf8);
	if (r != ODJ_OK)
		return r;
	char *principal = talloc_asprintf(mem, "%s@%s", req->out.sam_account_name, s->realm);
	/* MIT's own transport: bounded by a deadline of three KDC replies. */
	r = odj_kpasswd_set(ctx, s->krb, s->realm, s->dc.address, principal, utf8,
			    3 * req->in.deadlines.kdc_reply_ms);
	talloc_free(utf8);
	return r;
}

/* Removes what this run created after a later step failed. */
static void roll_back(struct odj_ctx *ctx, struct odj_dc_session *s, struct odj_provision_req *req)
{
	if (req->out.reused && req->out.dn != NULL) {
		/* its old password is gone and cannot come back: say so */
		odj_error_detail(ctx, "the existing account %s was already reset by this run", req->out.dn);
		odj_error_advice(ctx, "Fix the cause and rerun with --reuse: until then the machine that "
				      "used %s has no valid keys.",
				 req->out.dn);
		return;
	}
	if (!req->out.created || req->out.dn == NULL)
		return;
	/* The failure that brought us here stays the error; the removal is a detail. */
	int rc = odj_account_remove(s->ldap, req->out.dn);
	if (rc == LDAP_SUCCESS) {
		odj_error_detail(ctx, "the account %s this run created was removed again", req->out.dn);
		req->out.created = false;
	} else {
		req->out.left_behind = req->out.dn;
		odj_error_detail(ctx, "the account %s this run created could not be removed: %s",
				 req->out.dn, ldap_err2string(rc));
		odj_error_advice(ctx, "Finish the job with: odj-prepare --reuse --domain %s --machine %s "
				      "--savefile FILE (or remove %s by hand).",
				 s->facts->dns_domain, req->out.netbios_name, req->out.dn);
	}
	odj_trace(ctx, "NetpProvisionComputerAccount: rollback of '%s': %s", req->out.dn,
		  rc == LDAP_SUCCESS ? "removed" : "left behind");
}

odj_result odj_provision_account(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_provision_req *req)
{
	if (req == NULL || req->in.version != ODJ_PROVISION_VERSION)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"odj_provision_req version %u, this library knows %u",
				req ? req->in.version : 0, ODJ_PROVISION_VERSION);
	memset(&req->out, 0, sizeof(req->out));
	double t0 = now_ms();
	odj_deadlines_default(&req->in.deadlines);
	struct odj_join_request jr;
	odj_result r = odj_provision_validate(ctx, mem, req, &jr);
	if (r != ODJ_OK)
		return r;
	req->out.sam_account_name = jr.out.sam_account_name;
	req->out.netbios_name = jr.out.netbios_name;
	req->out.dns_host_name = jr.out.dns_host_name;
	req->out.enctypes = jr.out.enctypes;

	struct odj_session_params sp = odj_session_params_for(&jr, &req->in.creds, req->in.ldaps,
							      req->in.ca_file, &req->in.deadlines);
	struct odj_dc_session *s = NULL;
	r = odj_dc_session_open(ctx, mem, &sp, &s);
	if (s != NULL) {
		req->out.dc = s->dc;
		req->out.facts = s->facts;
		req->out.realm = s->realm;
		req->out.client = s->krb ? (char *)odj_krb_client(s->krb) : NULL;
	}
	req->out.ms_session = now_ms() - t0;
	if (r != ODJ_OK)
		return r;
	const struct odj_domain_facts *f = s->facts;
	/* Step 13 with the domain's real names; the realm and salt of the DC. */
	r = odj_join_check_domain(ctx, jr.out.domain, f->dns_domain, f->netbios, jr.out.netbios_name);
	if (r != ODJ_OK)
		return r;
	req->out.salt = odj_krb5_salt(mem, s->realm, jr.out.sam_account_name);

	/* The blob's directory must take the file: known before any write to the directory. */
	if (req->in.savefile != NULL) {
		char *copy = talloc_strdup(mem, req->in.savefile);
		const char *dir = copy ? dirname(copy) : ".";
		if (access(dir, W_OK | X_OK) != 0)
			return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
					"the blob cannot be written to %s: %s", dir, strerror(errno));
	}

	/* Steps 23-24: the container, and the right to create in it. */
	odj_doing(ctx, "checking the container %s and the right to create computers in it",
		  req->in.ou ? req->in.ou : "Computers");
	char *container = NULL;
	bool may_create = false;
	r = odj_container_check(s->ldap, mem, f->default_nc, req->in.ou, &container, &may_create);
	if (r != ODJ_OK)
		return r;
	struct odj_account *have = NULL;
	odj_doing(ctx, "looking up the account %s", jr.out.sam_account_name);
	r = odj_account_find(s->ldap, mem, f->default_nc, jr.out.sam_account_name, &have);
	if (r == ODJ_OK)
		r = check_existing(ctx, req, have, container);
	if (r != ODJ_OK)
		return r;
	if (have == NULL && !may_create) {
		odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED,
			 "%s may not create computer objects in %s", req->out.client, container);
		odj_error_advice(ctx, "Use an account allowed to create computer objects there, or "
				      "pick an OU where it is (--ou).");
		return ODJ_E_CREDENTIALS;
	}

	/* Steps 25-33: what the account carries. */
	bool by_kpasswd = req->in.password_method == ODJ_PASSWORD_METHOD_KPASSWD;
	req->out.password_method = by_kpasswd ? "kpasswd" : "ldap";
	struct odj_secret *pw_utf16 = NULL;
	r = odj_password_utf16(ctx, mem, (const char *)odj_secret_data(jr.out.password),
			       odj_secret_len(jr.out.password), &pw_utf16);
	if (r != ODJ_OK)
		return r;
	const char **spns = jr.out.write_spns ? odj_provision_spns(mem, &jr, req->in.extra_spns) : NULL;
	req->out.spns = (char **)spns;
	struct odj_account_spec spec = {
		.sam_account_name = jr.out.sam_account_name,
		.dns_host_name = jr.out.write_spns ? jr.out.dns_host_name : NULL,
		.spns = spns,
		.user_account_control = jr.out.user_account_control,
		.enctypes = jr.out.enctypes,
		.upn = req->in.upn,
		.description = req->in.description,
		.os_name = req->in.os_name,
		.os_version = req->in.os_version,
		.password_utf16 = by_kpasswd ? NULL : pw_utf16,
	};
	char *holder = NULL;
	odj_doing(ctx, "looking for other accounts holding %s's names", jr.out.sam_account_name);
	r = odj_account_conflicts(s->ldap, mem, f->default_nc, &spec, have ? have->dn : NULL, &holder);
	if (r == ODJ_OK && holder != NULL) {
		odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST,
			 "another account already uses a name of %s: %s", jr.out.sam_account_name,
			 holder);
		odj_error_advice(ctx, "Remove the name from that account, or choose another machine "
				      "name; two accounts with one SPN break Kerberos for both.");
		return ODJ_E_DIRECTORY;
	}
	if (r != ODJ_OK)
		return r;

	double tw = now_ms();
	if (have == NULL) {
		req->out.dn = odj_account_dn(mem, jr.out.netbios_name, container);
		odj_doing(ctx, "creating the computer account %s", req->out.dn);
		r = odj_account_create(s->ldap, mem, req->out.dn, &spec);
		req->out.created = r == ODJ_OK;
		odj_trace(ctx, "NetpProvisionComputerAccount: status of creating '%s': 0x%x", req->out.dn,
			  r == ODJ_OK ? 0 : odj_error_get(ctx)->status);
	} else {
		req->out.dn = have->dn;
		odj_doing(ctx, "resetting the computer account %s", have->dn);
		r = odj_account_update(s->ldap, mem, have, &spec, &req->out.changes);
		req->out.reused = r == ODJ_OK;
		odj_trace(ctx, "NetpProvisionComputerAccount: status of resetting '%s': 0x%x", have->dn,
			  r == ODJ_OK ? 0 : odj_error_get(ctx)->status);
	}
	if (r == ODJ_OK && by_kpasswd)
		r = kpasswd(ctx, mem, s, req, pw_utf16);
	struct odj_account_readback rb;
	if (r == ODJ_OK) {
		odj_doing(ctx, "reading back %s", req->out.dn);
		r = odj_account_read_back(s->ldap, mem, req->out.dn, &rb);
	}
	req->out.ms_write = now_ms() - tw;
	if (r == ODJ_OK) {
		req->out.kvno = rb.kvno;
		req->out.pwd_last_set = rb.pwd_last_set;
		req->out.machine_sid = rb.sid_str;
		req->out.rid = rb.rid;
		if (rb.enctypes != 0)
			req->out.enctypes = rb.enctypes;
		double tp = now_ms();
		r = prove(ctx, mem, s, req, pw_utf16);
		req->out.ms_proof = now_ms() - tp;
	}
	if (r == ODJ_OK)
		r = write_blob(ctx, mem, s, req, pw_utf16);
	if (r != ODJ_OK)
		roll_back(ctx, s, req);
	talloc_free(pw_utf16);
	req->out.ms_total = now_ms() - t0;
	return r;
}
