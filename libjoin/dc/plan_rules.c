/*
 * The rules of the join plan, each written once: check, provision and bulk
 * apply these and no copies of them.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include <odj/catalogue.h>

#include "plan.h"

/* Kerberos' default allowed clock skew. */
#define MAX_SKEW_SECONDS 300.0

odj_result odj_rule_names(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_connection *conn,
			  const struct odj_account_request *a, struct odj_join_request *jr)
{
	memset(jr, 0, sizeof(*jr));
	const char *m = a->machine;
	if (m == NULL && a->netbios_name == NULL && a->dns_host_name == NULL)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"which machine? give --machine NAME or FQDN");
	/* --machine is a NetBIOS name or an FQDN; --netbios-name and
	 * --dns-host-name override.  The core derives what is missing: a host
	 * label longer than 15 characters gives its first 15 (SPEC.md). */
	jr->in.machine_name = a->netbios_name;
	jr->in.dns_host_name = a->dns_host_name;
	if (m != NULL && strchr(m, '.') != NULL) {
		if (jr->in.dns_host_name == NULL)
			jr->in.dns_host_name = m;
	} else if (m != NULL && jr->in.machine_name == NULL) {
		jr->in.machine_name = m;
	}
	jr->in.domain = conn->domain;
	jr->in.dc = conn->dc;
	jr->in.ou = conn->ou;
	jr->in.account_name = conn->creds.user ? conn->creds.user : "(ccache)";
	jr->in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_ACCT_CREATE;
	if (a->reuse)
		jr->in.provision_options |= ODJ_NETSETUP_PROVISION_REUSE_ACCOUNT;
	if (a->defpwd)
		jr->in.provision_options |= ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD;
	jr->in.enctypes = a->allow_rc4 ? ODJ_ENCTYPES_DEFAULT | ODJ_ENCTYPE_RC4_HMAC
				       : ODJ_ENCTYPES_DEFAULT;
	struct odj_password_opts po = ODJ_PASSWORD_OPTS_INIT;
	jr->in.password_opts = po;
	return odj_join_check(ctx, mem, jr);
}

const char **odj_rule_spns(TALLOC_CTX *mem, const struct odj_join_request *jr,
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

odj_result odj_rule_clock(struct odj_ctx *ctx, const struct odj_dc_session *s)
{
	odj_doing(ctx, "comparing this host's clock with %s's", s->dc.host);
	if (fabs(s->facts->skew_seconds) <= MAX_SKEW_SECONDS)
		return ODJ_OK;
	/* the catalogue's category of ERROR_TIME_SKEW, as a Kerberos skew error gets it */
	odj_fail(ctx, odj_status_category(ODJ_ERROR_TIME_SKEW), ODJ_ERROR_TIME_SKEW,
		 "this host's clock differs from %s's by %.0f s (Kerberos allows %.0f s)", s->dc.host,
		 s->facts->skew_seconds, MAX_SKEW_SECONDS);
	odj_error_advice(ctx, "Synchronise the clock with the DC (chrony or ntpsec pointing at the DC) "
			      "before provisioning.");
	return odj_error_get(ctx)->result;
}

odj_result odj_rule_may_create(struct odj_ctx *ctx, const char *client, const char *container,
			       bool may_create)
{
	if (may_create)
		return ODJ_OK;
	odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED,
		 "%s may not create computer objects in %s", client ? client : "the bound identity",
		 container);
	odj_error_advice(ctx, "Use an account with the right to create computer objects in that "
			      "container, pick an OU where it has it (--ou), or delegate it (e.g. "
			      "samba-tool dsacl set, or the Delegation of Control wizard).");
	return ODJ_E_CREDENTIALS;
}

odj_result odj_rule_may_reset(struct odj_ctx *ctx, const char *client, const char *dn,
			      const char *missing)
{
	if (missing == NULL)
		return ODJ_OK;
	odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED, "%s may not write %s of %s",
		 client ? client : "the bound identity", missing, dn);
	odj_error_advice(ctx, "Resetting an account needs write access to the attributes odj "
			      "changes and the right to reset its password (not the right to create "
			      "computers): use an identity that has them on %s, or delegate them.",
			 dn);
	return ODJ_E_CREDENTIALS;
}

static bool dn_in_container(const char *dn, const char *container)
{
	const char *comma = strchr(dn, ',');
	return comma != NULL && strcasecmp(comma + 1, container) == 0;
}

odj_result odj_rule_existing(struct odj_ctx *ctx, const struct odj_account *have, bool reuse,
			     bool can_reuse, const char *ou, const char *container)
{
	if (have == NULL)
		return ODJ_OK;
	const char *sam = have->sam_account_name ? have->sam_account_name : "the account";
	if (!have->is_computer)
		return odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
				"%s exists and is not a computer (%s): odj never reuses it", sam,
				have->dn);
	/* UF_PARTIAL_SECRETS_ACCOUNT: a read-only DC's account */
	if (have->user_account_control & (ODJ_UF_SERVER_TRUST_ACCOUNT | 0x04000000u))
		return odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
				"%s is a domain controller's account (%s): odj never reuses it", sam,
				have->dn);
	if (!can_reuse) {
		odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists, "the account %s already exists (%s)",
			 sam, have->dn);
		odj_error_advice(ctx, "A bulk run never resets an account. --skip-existing skips only "
				      "machines whose blob is in the out-dir or bundle; for this one use "
				      "odj-prepare --reuse, or choose another name.");
		return ODJ_E_DIRECTORY;
	}
	if (!reuse) {
		odj_result r = odj_join_check_existing(ctx, ODJ_NETSETUP_ACCT_CREATE, 0, true);
		odj_error_detail(ctx, "existing object: %s", have->dn);
		odj_error_advice(ctx, "Add --reuse to reset this account (its old keys stop working), or "
				      "choose another name.");
		return r;
	}
	if (ou != NULL && container != NULL && !dn_in_container(have->dn, container)) {
		odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
			 "%s exists in another container (%s), not in %s", sam, have->dn, container);
		odj_error_advice(ctx, "Drop --ou to reuse it where it is, or move the account first.");
		return ODJ_E_DIRECTORY;
	}
	return ODJ_OK;
}

/* ---- reuse of an account someone else made (KB5020276) ---- */

bool odj_sid_in(const char *sid, const char *const *list)
{
	for (size_t i = 0; sid && list && list[i]; i++)
		if (strcasecmp(sid, list[i]) == 0)
			return true;
	return false;
}

static bool rid_is(const char *sid, const char *rid)
{
	size_t n = strlen(sid), k = strlen(rid);
	return strncmp(sid, "S-1-5-21-", 9) == 0 && n > k + 1 && sid[n - k - 1] == '-' &&
	       strcmp(sid + n - k, rid) == 0;
}

/* Domain Admins, Enterprise Admins or BUILTIN\Administrators: the groups Windows trusts. */
static bool admin_group(const char *sid)
{
	return strcmp(sid, "S-1-5-32-544") == 0 || rid_is(sid, "512") || rid_is(sid, "519");
}

static char *who(TALLOC_CTX *mem, const char *sid, const char *name)
{
	return name ? talloc_asprintf(mem, "%s (%s)", name, sid) : talloc_strdup(mem, sid);
}

odj_result odj_rule_reuse_owner(struct odj_ctx *ctx, const char *client, const char *dn,
				const struct odj_account_owner *o, const char *const *token,
				const char *const *trusted)
{
	if (odj_sid_in(o->owner, token) || odj_sid_in(o->creator, token))
		return ODJ_OK; /* the caller's own account */
	for (size_t i = 0; token && token[i]; i++)
		if (admin_group(token[i]))
			return ODJ_OK;
	if (odj_sid_in(o->owner, trusted) || odj_sid_in(o->creator, trusted))
		return ODJ_OK;
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *owner = o->owner ? who(tmp, o->owner, o->owner_name) : "an owner odj may not read";
	const char *creator = o->creator ? talloc_asprintf(tmp, ", mS-DS-CreatorSID %s",
							   who(tmp, o->creator, o->creator_name))
					 : "";
	odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_AccountReuseBlockedByPolicy,
		 "%s may not reuse %s: it is owned by %s%s, not by the caller, and that owner is "
		 "not trusted",
		 client ? client : "the bound identity", dn, owner, creator);
	odj_error_advice(ctx, "Run as the account's owner or a domain admin, or name the owner as "
			      "trusted with --trusted-owner %s (the \"Allow computer account re-use "
			      "during domain join\" list), or delete the old account first.",
			 o->owner ? o->owner : o->creator ? o->creator : "SID");
	talloc_free(tmp);
	return ODJ_E_DIRECTORY;
}

/* ---- conflicts: other holders of the names ---- */

char *odj_claim_filter_terms(TALLOC_CTX *mem, char *filter, const struct odj_claim *c)
{
	if (filter == NULL)
		return NULL;
	filter = talloc_asprintf_append(filter, "(sAMAccountName=%s)",
					odj_ldap_filter_value(mem, c->sam_account_name));
	for (size_t i = 0; filter && c->spns && c->spns[i]; i++)
		filter = talloc_asprintf_append(filter, "(servicePrincipalName=%s)",
						odj_ldap_filter_value(mem, c->spns[i]));
	return filter;
}

static bool ci_equal(const struct berval *v, const char *s)
{
	return s != NULL && v->bv_len == strlen(s) && strncasecmp(v->bv_val, s, v->bv_len) == 0;
}

/* The first value of attr in e equal (ignoring case) to one of want[0..n). */
static const char *holds(LDAP *ld, LDAPMessage *e, const char *attr, const char *const *want,
			 size_t n)
{
	const char *found = NULL;
	struct berval **v = ldap_get_values_len(ld, e, attr);
	for (int i = 0; v && v[i] && !found; i++)
		for (size_t k = 0; want && k < n && want[k] && !found; k++)
			if (ci_equal(v[i], want[k]))
				found = want[k];
	ldap_value_free_len(v);
	return found;
}

const char *odj_claim_held(LDAP *ld, LDAPMessage *e, const struct odj_claim *c, const char **value)
{
	char *dn = ldap_get_dn(ld, e);
	bool own = dn && c->own_dn && strcasecmp(dn, c->own_dn) == 0;
	ldap_memfree(dn);
	if (own)
		return NULL;
	const char *attr = NULL;
	if ((*value = holds(ld, e, "sAMAccountName", &c->sam_account_name, 1)) != NULL)
		attr = "sAMAccountName";
	else if ((*value = holds(ld, e, "dNSHostName", &c->dns_host_name, 1)) != NULL)
		attr = "dNSHostName";
	else if ((*value = holds(ld, e, "servicePrincipalName", c->spns, SIZE_MAX)) != NULL)
		attr = "servicePrincipalName";
	return attr;
}

char *odj_claim_where(TALLOC_CTX *mem, const char *holder_dc, const char *write_dc)
{
	return talloc_asprintf(mem, "%s (not yet replicated to %s)", holder_dc, write_dc);
}

odj_result odj_claim_conflict(struct odj_ctx *ctx, LDAP *ld, LDAPMessage *e,
			      const struct odj_claim *c, bool can_reuse, const char *attr,
			      const char *value, const char *where)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_account *holder = odj_account_from_entry(tmp, ld, e);
	if (holder != NULL && where != NULL) /* every message that names the holder names its DC */
		holder->dn = talloc_asprintf(tmp, "%s on %s", holder->dn ? holder->dn : "?", where);
	odj_result r;
	if (strcmp(attr, "sAMAccountName") == 0) {
		/* its account exists: the existing-account rule says why it cannot be taken */
		r = odj_rule_existing(ctx, holder, false, can_reuse, NULL, NULL);
	} else {
		r = odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST,
			     "another account already uses a name of %s: %s holds %s %s",
			     c->sam_account_name, holder && holder->dn ? holder->dn : "?", attr, value);
		odj_error_advice(ctx, "Remove the name from that account, or choose another machine "
				      "name; two accounts with one SPN break Kerberos for both.");
	}
	talloc_free(tmp);
	return r;
}

odj_result odj_claim_check(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_ldap *const *conns,
			   const char *const *hosts, size_t n, const char *base,
			   const struct odj_claim *c)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	char *filter = talloc_strdup(tmp, "(|");
	filter = odj_claim_filter_terms(tmp, filter, c);
	filter = filter ? talloc_asprintf_append(filter, ")") : NULL;
	odj_result r = filter ? ODJ_OK
			      : odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					 "out of memory");
	for (size_t i = 0; r == ODJ_OK && i < n; i++) {
		LDAP *ld = odj_ldap_handle(conns[i]);
		LDAPMessage *res = NULL;
		int rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter,
					   (char **)odj_account_attrs, 0, NULL, NULL, NULL, 0, &res);
		if (rc != LDAP_SUCCESS)
			r = odj_ldap_fail(conns[i], rc, "searching for accounts holding the names of %s "
							"failed",
					  c->sam_account_name);
		for (LDAPMessage *e = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
		     e && r == ODJ_OK; e = ldap_next_entry(ld, e)) {
			const char *value = NULL, *attr = odj_claim_held(ld, e, c, &value);
			if (attr != NULL)
				r = odj_claim_conflict(ctx, ld, e, c, true, attr, value,
						       i ? odj_claim_where(tmp, hosts[i], hosts[0])
							 : NULL);
		}
		ldap_msgfree(res);
	}
	talloc_free(tmp);
	return r;
}
