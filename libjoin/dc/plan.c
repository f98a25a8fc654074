/*
 * The join plan: one definition per step, run in this order by the check
 * (writes off), the provision of one machine, and (its session steps) a bulk
 * run.  A step that does not apply (no machine named, another password
 * method) is reported as skipped; with writes off a write step, and the
 * steps that need its write, only say what they would do.
 */
#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <odj/blob_build.h>
#include <odj/fileio.h>
#include <odj/keys.h>

#include "facts.h"
#include "kpasswd.h"
#include "plan.h"
#include "plan_settle.h"
#include "provision.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static struct odj_provision_req *R(struct odj_plan *p)
{
	return p->req;
}

/* ------------------------------------------------------------ check-names */

static odj_result check_names(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	const struct odj_account_request *a = &req->in.account;
	p->machine = a->machine || a->netbios_name || a->dns_host_name;
	req->out.password_method =
		req->in.password_method == ODJ_PASSWORD_METHOD_KPASSWD ? "kpasswd" : "ldap";
	if (!p->machine && p->writes && !p->bulk) /* a provision needs a machine ("which machine?") */
		return odj_rule_names(p->ctx, p->mem, &req->in.conn, a, &p->jr);
	if (!p->machine) {
		/* the connection only: the domain's name (steps 9 and 12) */
		memset(&p->jr, 0, sizeof(p->jr));
		char *domain = NULL, *dc = NULL;
		odj_result r = odj_join_split_domain(p->ctx, p->mem, req->in.conn.domain, &domain, &dc);
		if (r == ODJ_OK)
			r = odj_join_check_domain(p->ctx, domain, NULL, NULL, NULL);
		p->jr.out.domain = domain;
		p->jr.out.dc = dc ? dc : (req->in.conn.dc ? talloc_strdup(p->mem, req->in.conn.dc) : NULL);
		return r;
	}
	odj_result r = odj_rule_names(p->ctx, p->mem, &req->in.conn, a, &p->jr);
	if (r != ODJ_OK)
		return r;
	const struct odj_join_request *jr = &p->jr;
	req->out.sam_account_name = jr->out.sam_account_name;
	req->out.netbios_name = jr->out.netbios_name;
	req->out.dns_host_name = jr->out.dns_host_name;
	req->out.enctypes = jr->out.enctypes;
	req->out.spns = jr->out.write_spns ? (char **)odj_rule_spns(p->mem, jr, a->extra_spns) : NULL;
	return odj_password_utf16(p->ctx, p->mem, (const char *)odj_secret_data(jr->out.password),
				  odj_secret_len(jr->out.password), &p->pw_utf16);
}

static char *names_what(struct odj_plan *p)
{
	if (!p->machine)
		return talloc_asprintf(p->mem, "domain %s", p->jr.out.domain);
	return talloc_asprintf(p->mem, "%s, dNSHostName %s", R(p)->out.sam_account_name,
			       R(p)->out.dns_host_name);
}

/* ------------------------------------------------------------ check-seal */

static bool has_seal(const struct odj_plan *p)
{
	return p->req->in.seal.key != NULL;
}

/* A sealed blob is only worth an account when the request can still take it. */
static odj_result check_seal(struct odj_plan *p)
{
	const struct odj_request *rq = R(p)->in.seal.request;
	if (rq == NULL)
		return ODJ_OK;
	const char *name = R(p)->out.netbios_name;
	if (name == NULL || strcasecmp(rq->machine, name) != 0) {
		odj_fail(p->ctx, ODJ_E_INPUT, ODJ_NERR_InvalidComputer,
			 "The request is for machine %s, not for %s.", rq->machine, name ? name : "?");
		odj_error_advice(p->ctx, "Leave out the machine name: --for provisions the machine the "
					 "request names.");
		return ODJ_E_INPUT;
	}
	if (rq->expires <= time(NULL)) {
		odj_fail(p->ctx, ODJ_E_INPUT, ODJ_CERT_E_EXPIRED,
			 "The request for %s has expired; a blob sealed to it could never be applied.",
			 rq->machine);
		odj_error_advice(p->ctx, "Ask the target for a new request (odj-apply --request).");
		return ODJ_E_INPUT;
	}
	return ODJ_OK;
}

static char *seal_what(struct odj_plan *p)
{
	const struct odj_provision_req *req = R(p);
	char *signer = odj_keyid_hex(p->mem, req->in.seal.key->keyid);
	if (req->in.seal.request == NULL)
		return talloc_asprintf(p->mem, "signed by key %s", signer);
	char *to = odj_keyid_hex(p->mem, req->in.seal.request->keyid);
	return talloc_asprintf(p->mem, "sealed to request key %s of %s, signed by key %s", to,
			       req->in.seal.request->machine, signer);
}

/* ------------------------------------------------------------ check-savefile */

static bool has_savefile(const struct odj_plan *p)
{
	return p->req->in.savefile != NULL;
}

static odj_result check_savefile(struct odj_plan *p)
{
	/* the blob's directory must take the file: known before any write to the directory */
	char *copy = talloc_strdup(p->mem, R(p)->in.savefile);
	const char *dir = copy ? dirname(copy) : ".";
	if (access(dir, W_OK | X_OK) != 0)
		return odj_fail(p->ctx, ODJ_E_CONFIG, ODJ_ERROR_WRITE_FAULT,
				"the blob cannot be written to %s: %s", dir, strerror(errno));
	return ODJ_OK;
}

/* ------------------------------------------------------------ the session */

static odj_result locate(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	p->sp = odj_session_params_for(&p->jr, &req->in.conn.creds, req->in.conn.ldaps,
				       req->in.conn.ca_file, &req->in.conn.deadlines);
	p->s = odj_dc_session_new(p->ctx, p->mem, &p->sp);
	if (p->s == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	odj_result r = odj_session_locate(p->s, &p->sp);
	/* further DCs given: the first that answers */
	const char *const *more = req->in.conn.more_dcs;
	char *notes = NULL;
	for (size_t i = 0; r == ODJ_E_NETWORK && p->sp.dc && more && more[i]; i++) {
		const struct odj_error *e = odj_error_get(p->ctx);
		char *note = talloc_asprintf(p->mem, "%s: %s", p->sp.dc, e->message ? e->message : "?");
		notes = notes ? talloc_asprintf_append(notes, "; %s", note) : note;
		odj_trace(p->ctx, "plan: %s does not answer, trying %s", p->sp.dc, more[i]);
		odj_error_clear(p->ctx);
		p->sp.dc = more[i];
		r = odj_session_locate(p->s, &p->sp);
	}
	if (r != ODJ_OK && notes != NULL)
		odj_error_detail(p->ctx, "also tried %s", notes);
	req->out.dc = p->s->dc;
	req->out.realm = p->s->realm;
	return r;
}

static char *locate_what(struct odj_plan *p)
{
	return talloc_asprintf(p->mem, "%s (%s), %s", p->s->dc.host, p->s->dc.address,
			       p->s->dc.found_by);
}

static odj_result kerberos(struct odj_plan *p)
{
	odj_result r = odj_session_kerberos(p->s, &p->sp);
	R(p)->out.client = p->s->krb ? (char *)odj_krb_client(p->s->krb) : NULL;
	return r;
}

static char *kerberos_what(struct odj_plan *p)
{
	return talloc_asprintf(p->mem, "TGT for %s", R(p)->out.client);
}

static odj_result ipc_session(struct odj_plan *p)
{
	return odj_session_ipc(p->s, &p->sp);
}

static odj_result ldap_bind(struct odj_plan *p)
{
	odj_result r = odj_session_directory(p->s, &p->sp);
	R(p)->out.facts = p->s->facts;
	R(p)->out.ms_session = now_ms() - p->t0;
	return r;
}

static char *ldap_what(struct odj_plan *p)
{
	return talloc_asprintf(p->mem, "%s, domain %s (%s)", odj_ldap_uri(p->s->ldap),
			       p->s->facts->dns_domain, p->s->facts->netbios);
}

/* ------------------------------------------------------------ checks against the DC */

/* Every writable DC of the domain: a name must be unique on each, not only on this one. */
static odj_result check_dcs(struct odj_plan *p)
{
	odj_result r = odj_session_peers(p->s, &p->sp, R(p)->in.conn.allow_unreachable_dc);
	R(p)->out.unchecked_dcs = p->s->unreached;
	return r;
}

static char *dcs_what(struct odj_plan *p)
{
	const struct odj_dc_session *s = p->s;
	char *what = talloc_asprintf(p->mem, "%zu writable DC%s: %s", s->n_dcs,
				     s->n_dcs == 1 ? "" : "s", s->dc.host);
	for (size_t i = 0; what && i < s->n_peers; i++)
		what = talloc_asprintf_append(what, ", %s", s->peers[i].host);
	if (what && s->unreached)
		what = talloc_asprintf_append(what, "; NOT CHECKED (unreachable, allowed): %s",
					      s->unreached);
	return what;
}

static bool has_machine(const struct odj_plan *p)
{
	return p->machine;
}

static odj_result check_domain(struct odj_plan *p)
{
	const struct odj_domain_facts *f = p->s->facts;
	/* step 13 again, now that the domain's NetBIOS name is known */
	odj_result r = odj_join_check_domain(p->ctx, p->jr.out.domain, f->dns_domain, f->netbios,
					     p->jr.out.netbios_name);
	R(p)->out.salt = odj_krb5_salt(p->mem, p->s->realm, p->jr.out.sam_account_name);
	return r;
}

static odj_result check_clock(struct odj_plan *p)
{
	return odj_rule_clock(p->ctx, p->s);
}

static char *clock_what(struct odj_plan *p)
{
	return talloc_asprintf(p->mem, "offset %+.1f s", p->s->facts->skew_seconds);
}

static odj_result check_container(struct odj_plan *p)
{
	const char *ou = R(p)->in.conn.ou;
	odj_doing(p->ctx, "checking the container %s and the right to create computers in it",
		  ou ? ou : "Computers");
	return odj_container_check(p->s->ldap, p->mem, p->s->facts->default_nc, ou, &p->where.dn,
				   &p->where.may_create);
}

static char *container_what(struct odj_plan *p)
{
	return talloc_asprintf(p->mem, "%s (may create computers: %s)", p->where.dn,
			       p->where.may_create ? "yes" : "no");
}

odj_result odj_plan_token(struct odj_plan *p, const char *const **token)
{
	odj_result r = p->token ? ODJ_OK : odj_ldap_token_sids(p->s->ldap, p->mem, &p->token);
	*token = (const char *const *)p->token;
	return r;
}

/* May the caller take over the existing account?  (KB5020276: its owner decides.) */
static odj_result check_reuse_owner(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	odj_doing(p->ctx, "reading who owns %s and who the caller is", p->have->dn);
	struct odj_account_owner owner;
	const char *const *token = NULL;
	odj_result r = odj_account_read_owner(p->s->ldap, p->mem, p->have->dn, &owner);
	if (r == ODJ_OK)
		r = odj_plan_token(p, &token);
	if (r == ODJ_OK)
		r = odj_rule_reuse_owner(p->ctx, req->out.client, p->have->dn, &owner, token,
					 req->in.account.trusted_owners);
	return r;
}

static odj_result find_account(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	odj_doing(p->ctx, "looking up the account %s", p->jr.out.sam_account_name);
	odj_result r = odj_account_find(p->s->ldap, p->mem, p->s->facts->default_nc,
					p->jr.out.sam_account_name, &p->have);
	p->account_checked = r == ODJ_OK;
	if (r == ODJ_OK)
		r = odj_rule_existing(p->ctx, p->have, req->in.account.reuse, true, req->in.conn.ou,
				      p->where.dn);
	if (r == ODJ_OK && p->have != NULL)
		r = check_reuse_owner(p);
	return r;
}

static char *account_what(struct odj_plan *p)
{
	return p->have ? talloc_asprintf(p->mem, "%s exists: %s", p->jr.out.sam_account_name,
					 p->have->dn)
		       : talloc_asprintf(p->mem, "%s does not exist yet", p->jr.out.sam_account_name);
}

/* What the account is to carry (steps 25-33 and odj's additions). */
static void make_spec(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	const struct odj_join_request *jr = &p->jr;
	bool by_kpasswd = req->in.password_method == ODJ_PASSWORD_METHOD_KPASSWD;
	struct odj_account_spec spec = {
		.sam_account_name = jr->out.sam_account_name,
		.dns_host_name = jr->out.write_spns ? jr->out.dns_host_name : NULL,
		.spns = (const char *const *)req->out.spns,
		.user_account_control = jr->out.user_account_control,
		.enctypes = jr->out.enctypes,
		.upn = req->in.account.upn,
		.description = req->in.account.description,
		.os_name = req->in.account.os_name,
		.os_version = req->in.account.os_version,
		.password_utf16 = by_kpasswd ? NULL : p->pw_utf16,
	};
	p->spec = spec;
}

/*
 * No delegated right to create computers in the default container: any
 * authenticated user may still add up to ms-DS-MachineAccountQuota there
 * ("Add workstations to domain"), which allowedChildClassesEffective does
 * not show.  The add is left to the DC unless the quota is 0 or used up.
 */
static odj_result check_quota(struct odj_plan *p)
{
	const char *client = R(p)->out.client ? R(p)->out.client : "the bound identity";
	odj_doing(p->ctx, "reading ms-DS-MachineAccountQuota and the computers %s created", client);
	const char *const *token = NULL;
	odj_result r = odj_plan_token(p, &token);
	if (r == ODJ_OK)
		r = odj_quota_read(p->s->ldap, p->mem, p->s->facts->default_nc, token,
				   &p->where.machine_account_quota, &p->where.quota_used);
	if (r != ODJ_OK)
		return r;
	if (p->where.machine_account_quota <= 0)
		return odj_rule_may_create(p->ctx, client, p->where.dn, false);
	if (p->where.quota_used >= (unsigned)p->where.machine_account_quota) {
		odj_fail(p->ctx, ODJ_E_DIRECTORY, ODJ_ERROR_DS_MACHINE_ACCOUNT_QUOTA_EXCEEDED,
			 "%s may not create computer objects in %s and has used its machine account "
			 "quota: %u of ms-DS-MachineAccountQuota %d",
			 client, p->where.dn, p->where.quota_used, p->where.machine_account_quota);
		return ODJ_E_DIRECTORY;
	}
	p->where.by_quota = true;
	return ODJ_OK;
}

/*
 * Every right the later steps need, for a new account, the caller's own or
 * someone else's (rights.c), before the first write.
 */
static odj_result check_rights(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	if (p->have == NULL && !p->where.may_create && req->in.conn.ou == NULL && !p->bulk) {
		odj_result r = check_quota(p);
		if (r != ODJ_OK)
			return r;
	}
	const char **attrs = NULL;
	if (p->have != NULL) {
		make_spec(p);
		attrs = odj_account_reset_attrs(p->mem, p->have, &p->spec);
	}
	const struct odj_domain_facts *f = p->s->facts;
	struct odj_rights_in in = {
		.client = req->out.client,
		.domain_sid = f->sid_str,
		.netbios = f->netbios,
		.default_nc = f->default_nc,
		.config_nc = f->config_nc,
		.container = p->where.dn,
		.may_create = p->where.may_create,
		.by_quota = p->where.by_quota,
		.sets_password_after = req->in.password_method == ODJ_PASSWORD_METHOD_KPASSWD,
		.have = p->have,
		.attrs = attrs,
	};
	odj_doing(p->ctx, "reading the rights of %s on %s", req->out.client ? req->out.client : "the caller",
		  p->have ? p->have->dn : p->where.dn);
	odj_result r = odj_plan_token(p, &in.token);
	if (r == ODJ_OK)
		r = odj_rights_read(p->s->ldap, p->mem, &in, &p->rights);
	return r == ODJ_OK ? odj_rights_refuse(p->ctx, p->mem, &in, &p->rights) : r;
}

static char *rights_what(struct odj_plan *p)
{
	const struct odj_rights *rt = &p->rights;
	if (p->where.by_quota)
		return talloc_asprintf(p->mem,
				       "no right to create computers in %s: relies on "
				       "ms-DS-MachineAccountQuota, %u of %d used by %s",
				       p->where.dn, p->where.quota_used, p->where.machine_account_quota,
				       R(p)->out.client ? R(p)->out.client : "the caller");
	char *what = p->have ? talloc_asprintf(p->mem, "may reset %s (%s)", p->have->dn,
					       odj_account_case_name(rt->whose))
			     : talloc_asprintf(p->mem, "may create computers in %s", p->where.dn);
	const char *sep = ": ";
	for (int k = ODJ_RIGHT_RESET_PASSWORD; what && k < ODJ_RIGHT_COUNT; k++)
		if (rt->needed[k]) {
			what = talloc_asprintf_append(what, "%s%s", sep, odj_right_name((enum odj_right)k));
			sep = ", ";
		}
	if (what && rt->unread)
		what = talloc_asprintf_append(what, " (security descriptor not readable: the DC decides)");
	return what;
}

static odj_result check_conflicts(struct odj_plan *p)
{
	make_spec(p);
	const struct odj_account_spec spec = p->spec;
	struct odj_claim claim = {
		.sam_account_name = spec.sam_account_name,
		.dns_host_name = spec.dns_host_name,
		.spns = spec.spns,
		.own_dn = p->have ? p->have->dn : NULL,
	};
	odj_doing(p->ctx, "looking for other accounts holding %s's names", claim.sam_account_name);
	size_t max = 1 + p->s->n_peers;
	struct odj_ldap **conns = talloc_array(p->mem, struct odj_ldap *, max);
	const char **hosts = talloc_array(p->mem, const char *, max);
	if (conns == NULL || hosts == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	size_t n = odj_session_ldaps(p->s, conns, hosts, max);
	return odj_claim_check(p->ctx, p->mem, conns, hosts, n, p->s->facts->default_nc, &claim);
}

/* ------------------------------------------------------------ the writes */

static char *spn_list(TALLOC_CTX *mem, char **spns)
{
	char *s = talloc_strdup(mem, "");
	for (size_t i = 0; s && spns && spns[i]; i++)
		s = talloc_asprintf_append(s, "%s%s", i ? " " : "", spns[i]);
	return s && s[0] ? s : talloc_strdup(mem, "(none: DEFER_SPN_SET)");
}

static odj_result create_or_reset(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	p->t_write = now_ms();
	odj_result r;
	if (p->have == NULL) {
		req->out.dn = odj_account_dn(p->mem, p->jr.out.netbios_name, p->where.dn);
		odj_doing(p->ctx, "creating the computer account %s", req->out.dn);
		r = odj_account_create(p->s->ldap, p->mem, req->out.dn, &p->spec);
		req->out.created = r == ODJ_OK;
		if (r != ODJ_OK && odj_plan_add_unanswered(p->ctx))
			r = odj_plan_settle_add(p);
		if (r != ODJ_OK && p->where.by_quota &&
		    odj_error_get(p->ctx)->status == ODJ_ERROR_ACCESS_DENIED)
			odj_error_advice(p->ctx,
					 "The add relied on ms-DS-MachineAccountQuota (%u of %d used): "
					 "this DC does not grant it (Samba does not over LDAP). Delegate "
					 "Create Computer objects on an OU (--ou), or pre-create the account.",
					 p->where.quota_used, p->where.machine_account_quota);
	} else {
		req->out.dn = p->have->dn;
		odj_doing(p->ctx, "resetting the computer account %s", p->have->dn);
		r = odj_account_update(p->s->ldap, p->mem, p->have, &p->spec, &req->out.changes);
		req->out.reused = r == ODJ_OK;
	}
	odj_trace(p->ctx, "NetpProvisionComputerAccount: status of %s '%s': 0x%x",
		  p->have ? "resetting" : "creating", req->out.dn,
		  r == ODJ_OK ? 0 : odj_error_get(p->ctx)->status);
	return r;
}

static char *create_or_reset_what(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	if (p->have == NULL) {
		char *dn = odj_account_dn(p->mem, p->jr.out.netbios_name, p->where.dn);
		return talloc_asprintf(p->mem, "create %s in %s with SPNs %s", dn, p->where.dn,
				       spn_list(p->mem, req->out.spns));
	}
	char **changes = p->writes ? req->out.changes
				   : odj_account_reset_changes(p->mem, p->have, &p->spec);
	char *what = talloc_asprintf(p->mem, "reset %s (SPNs %s)", p->have->dn,
				     spn_list(p->mem, req->out.spns));
	for (size_t i = 0; what && changes && changes[i]; i++)
		what = talloc_asprintf_append(what, "%s%s", i ? ", " : ": ", changes[i]);
	return what;
}

static bool by_kpasswd(const struct odj_plan *p)
{
	return p->machine && p->req->in.password_method == ODJ_PASSWORD_METHOD_KPASSWD;
}

static odj_result set_password(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	struct odj_secret *utf8 = NULL;
	odj_result r = odj_password_utf8(p->ctx, p->mem, p->pw_utf16, &utf8);
	if (r != ODJ_OK)
		return r;
	char *principal = talloc_asprintf(p->mem, "%s@%s", req->out.sam_account_name, p->s->realm);
	/* MIT's own transport: bounded by a deadline of three KDC replies. */
	r = odj_kpasswd_set(p->ctx, p->s->krb, p->s->realm, p->s->dc.address, principal, utf8,
			    3 * p->sp.deadlines.kdc_reply_ms);
	talloc_free(utf8);
	return r;
}

static char *set_password_what(struct odj_plan *p)
{
	return talloc_asprintf(p->mem, "set the password of %s@%s with kpasswd at %s:464",
			       R(p)->out.sam_account_name, p->s->realm, p->s->dc.address);
}

static odj_result read_back(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	odj_doing(p->ctx, "reading back %s", req->out.dn);
	odj_result r = odj_account_read_back(p->s->ldap, p->mem, req->out.dn, &p->rb);
	req->out.ms_write = now_ms() - p->t_write;
	if (r != ODJ_OK)
		return r;
	req->out.kvno = p->rb.kvno;
	req->out.pwd_last_set = p->rb.pwd_last_set;
	req->out.machine_sid = p->rb.sid_str;
	req->out.rid = p->rb.rid;
	if (p->rb.enctypes != 0)
		req->out.enctypes = p->rb.enctypes;
	return ODJ_OK;
}

static char *read_back_what(struct odj_plan *p)
{
	if (p->writes)
		return talloc_asprintf(p->mem, "kvno %u, RID %u", R(p)->out.kvno, R(p)->out.rid);
	return talloc_strdup(p->mem, "read back kvno, pwdLastSet and objectSid");
}

static const char *proof_service(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	return req->out.spns && req->out.spns[0] ? req->out.spns[0] : req->out.sam_account_name;
}

/*
 * Proof before the blob: a fresh service ticket for the account (one of its
 * SPNs, else its sAMAccountName) must open with the key derived like the
 * KDC's from the new password and salt (odj_keys_verify_ticket).  A TGS
 * exchange with the session's TGT records no logon on the new account, as
 * an AS exchange as NAME$ would (lastLogonTimestamp would make a machine
 * that never joined look alive to stale-account clean-ups).
 */
static odj_result prove_key(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	TALLOC_CTX *tmp = talloc_new(p->mem);
	const char *service = proof_service(p);
	double t0 = now_ms();
	odj_doing(p->ctx, "proving the new password of %s with a ticket for %s",
		  req->out.sam_account_name, service);
	krb5_data *ticket = NULL;
	odj_result r = odj_krb_fresh_ticket(p->s->krb, service, ODJ_ERROR_NO_LOGON_SERVERS, tmp,
					    &ticket);
	if (r == ODJ_OK) {
		r = odj_keys_verify_ticket(p->ctx, odj_krb_context(p->s->krb), ticket, p->pw_utf16,
					   req->out.salt, req->out.enctypes, req->out.kvno);
		req->out.proven = r == ODJ_OK; /* a failure carries its advice from keys.c */
	}
	odj_trace(p->ctx,
		  "NetpProvisionComputerAccount: status of the key proof for '%s' (ticket for %s): 0x%x",
		  req->out.sam_account_name, service, r == ODJ_OK ? 0 : odj_error_get(p->ctx)->status);
	talloc_free(tmp);
	req->out.ms_proof = now_ms() - t0;
	return r;
}

static char *prove_key_what(struct odj_plan *p)
{
	return talloc_asprintf(p->mem, "%s the new keys with a service ticket for %s",
			       p->writes ? "proved" : "prove", proof_service(p));
}

static odj_result write_blob(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	struct odj_linux_part lp = odj_provision_make_linux_part(
		p->s, req->out.kvno, req->out.enctypes, req->out.sam_account_name,
		req->out.dns_host_name, req->out.spns, req->in.account.upn, req->out.salt,
		req->out.pwd_last_set);
	struct odj_provision_blob_in in = {
		.linux_part = &lp,
		.netbios_name = req->out.netbios_name,
		.password_utf16 = p->pw_utf16,
		.rid = req->out.rid,
		.machine_sid = req->out.machine_sid,
		.defpwd = req->in.account.defpwd,
		.windows = req->in.windows,
	};
	odj_result r = odj_provision_blob(p->ctx, p->mem, p->s, &in, &req->out.blob_file,
					  &req->out.blob_base64);
	const struct odj_secret *file = req->out.blob_file;
	if (r == ODJ_OK && req->in.seal.key != NULL) {
		struct odj_envelope_make m = ODJ_ENVELOPE_MAKE_INIT;
		m.in.blob_file = req->out.blob_file;
		m.in.key = req->in.seal.key;
		m.in.request = req->in.seal.request;
		m.in.machine = req->out.netbios_name;
		m.in.valid_days = req->in.seal.valid_days ? req->in.seal.valid_days : 30;
		r = odj_envelope_make(p->ctx, p->mem, &m);
		file = req->out.envelope_file = m.out.file;
	}
	if (r == ODJ_OK && req->in.savefile != NULL) {
		odj_doing(p->ctx, "writing the provisioning blob to %s", req->in.savefile);
		r = odj_write_file_atomic(p->ctx, req->in.savefile, odj_secret_data(file),
					  odj_secret_len(file));
	}
	odj_trace(p->ctx, "NetpProvisionComputerAccount: status of writing the blob%s%s: 0x%x",
		  req->in.savefile ? " to " : "", req->in.savefile ? req->in.savefile : "",
		  r == ODJ_OK ? 0 : odj_error_get(p->ctx)->status);
	return r;
}

static char *write_blob_what(struct odj_plan *p)
{
	const char *file = R(p)->in.savefile;
	return talloc_asprintf(p->mem, "%s the provisioning blob%s%s%s%s", p->writes ? "wrote" : "write",
			       file ? " to " : "", file ? file : "", has_seal(p) ? ", " : "",
			       has_seal(p) ? seal_what(p) : "");
}

/* ------------------------------------------------------------ the plan */

enum step_kind {
	STEP_READ,  /* reads only: runs in a check */
	STEP_WRITE, /* changes the directory or a file */
	STEP_AFTER, /* reads what a write step wrote: needs the writes */
};

struct step {
	const char *name;
	enum step_kind kind;
	bool (*applies)(const struct odj_plan *p); /* NULL: always */
	bool bulk;                                 /* a bulk run's session runs it too */
	odj_result (*run)(struct odj_plan *p);
	char *(*what)(struct odj_plan *p);          /* what it did, or would do; may be NULL */
};

static const struct step steps[] = {
	{"check-names", STEP_READ, NULL, true, check_names, names_what},
	{"check-seal", STEP_READ, has_seal, false, check_seal, seal_what},
	{"check-savefile", STEP_READ, has_savefile, false, check_savefile, NULL},
	{"locate", STEP_READ, NULL, true, locate, locate_what},
	{"kerberos", STEP_READ, NULL, true, kerberos, kerberos_what},
	{"ipc-session", STEP_READ, NULL, true, ipc_session, NULL},
	{"ldap-bind", STEP_READ, NULL, true, ldap_bind, ldap_what},
	{"check-domain", STEP_READ, has_machine, false, check_domain, NULL},
	{"check-clock", STEP_READ, NULL, true, check_clock, clock_what},
	{"check-dcs", STEP_READ, NULL, true, check_dcs, dcs_what},
	{"check-container", STEP_READ, NULL, true, check_container, container_what},
	{"find-account", STEP_READ, has_machine, false, find_account, account_what},
	{"check-rights", STEP_READ, NULL, true, check_rights, rights_what},
	{"check-conflicts", STEP_READ, has_machine, false, check_conflicts, NULL},
	{"create-or-reset", STEP_WRITE, has_machine, false, create_or_reset, create_or_reset_what},
	{"set-password", STEP_WRITE, by_kpasswd, false, set_password, set_password_what},
	{"read-back", STEP_AFTER, has_machine, false, read_back, read_back_what},
	{"prove-key", STEP_AFTER, has_machine, false, prove_key, prove_key_what},
	{"write-blob", STEP_WRITE, has_machine, false, write_blob, write_blob_what},
};

#define N_STEPS (sizeof(steps) / sizeof(steps[0]))

/* Removes what this run created after a later step failed. */
static void roll_back(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	struct odj_ctx *ctx = p->ctx;
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
	int rc = odj_account_remove(p->s->ldap, req->out.dn);
	if (rc == LDAP_SUCCESS) {
		odj_error_detail(ctx, "the account %s this run created was removed again", req->out.dn);
		req->out.created = false;
	} else {
		req->out.left_behind = req->out.dn;
		odj_error_detail(ctx, "the account %s this run created could not be removed: %s",
				 req->out.dn, ldap_err2string(rc));
		odj_error_advice(ctx, "Finish the job with: odj-prepare --reuse --domain %s --machine %s "
				      "--savefile FILE (or remove %s by hand).",
				 p->s->facts->dns_domain, req->out.netbios_name, req->out.dn);
	}
	odj_trace(ctx, "NetpProvisionComputerAccount: rollback of '%s': %s", req->out.dn,
		  rc == LDAP_SUCCESS ? "removed" : "left behind");
}

odj_result odj_plan_run(struct odj_plan *p)
{
	struct odj_provision_req *req = R(p);
	p->t0 = now_ms();
	req->out.steps = talloc_zero_array(p->mem, struct odj_plan_step, N_STEPS);
	req->out.n_steps = 0;
	odj_result r = ODJ_OK;
	for (size_t i = 0; i < N_STEPS && r == ODJ_OK && req->out.steps; i++) {
		const struct step *st = &steps[i];
		if (p->bulk && !st->bulk)
			continue;
		struct odj_plan_step *out = &req->out.steps[req->out.n_steps++];
		out->name = st->name;
		out->writes = st->kind == STEP_WRITE;
		if (st->applies != NULL && !st->applies(p)) {
			odj_trace(p->ctx, "plan: step %s: skipped (does not apply)", st->name);
			continue;
		}
		if (st->kind != STEP_READ && !p->writes) {
			out->what = st->what ? st->what(p) : NULL;
			odj_trace(p->ctx, "plan: step %s: writes off, would %s", st->name,
				  out->what ? out->what : "run");
			continue;
		}
		odj_trace(p->ctx, "plan: step %s", st->name);
		r = st->run(p);
		out->ran = true;
		out->result = r;
		if (r == ODJ_OK && st->what != NULL)
			out->what = st->what(p);
		odj_trace(p->ctx, "plan: step %s: %s%s%s", st->name,
			  r == ODJ_OK ? "ok" : odj_result_name(r), out->what ? ": " : "",
			  out->what ? out->what : "");
	}
	if (r != ODJ_OK && p->writes && p->s != NULL)
		roll_back(p);
	req->out.ms_total = now_ms() - p->t0;
	return r;
}
