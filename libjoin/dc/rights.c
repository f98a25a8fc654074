/*
 * check-rights: what the caller may do, read before any write.
 *
 * Whose account it is decides where a right comes from.  A new account: the
 * add needs only Create Computer objects on the container (the DC checks no
 * attribute of an add), and the creator then holds what the computer class's
 * defaultSecurityDescriptor gives CREATOR OWNER (on Samba 4.17 and Windows:
 * all control access rights, so Reset Password, and both validated writes)
 * plus what the container passes down.  An existing account: its own DACL
 * says it, whether the caller made it (the CREATOR OWNER ACEs became the
 * caller's) or someone else did (only delegated ACEs count).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan.h"
#include "rights.h"
#include "sd_access.h"

#define G_COMPUTER "bf967a86-0de6-11d0-a285-00aa003049e2"

static const struct right_def {
	const char *name;    /* what the caller may not do */
	uint32_t mask;
	const char *guid;    /* the right, validated write, property or property set */
	const char *ace;     /* SDDL rights of the ACE that grants it */
	const char *dsacls;  /* dsacls permission */
	const char *attr;    /* the attribute it writes (allowedAttributesEffective) */
} defs[ODJ_RIGHT_COUNT] = {
	[ODJ_RIGHT_CREATE] = {"create computer objects", ODJ_DS_CREATE_CHILD, G_COMPUTER, "CC",
			      "CC;computer", NULL},
	[ODJ_RIGHT_RESET_PASSWORD] = {"reset their passwords", ODJ_DS_CONTROL_ACCESS,
				      "00299570-246d-11d0-a768-00aa006e0529", "CR",
				      "CA;Reset Password;computer", NULL},
	[ODJ_RIGHT_DNS_HOST_NAME] = {"write their DNS host name (validated write)", ODJ_DS_SELF,
				     "72e39547-7b18-11d1-adef-00c04fd8d5cd", "SW",
				     "WS;Validated write to DNS host name;computer", "dNSHostName"},
	[ODJ_RIGHT_SPN] = {"write their service principal names (validated write)", ODJ_DS_SELF,
			   "f3a64788-5306-11d1-a9c5-0000f80367c1", "SW",
			   "WS;Validated write to service principal name;computer",
			   "servicePrincipalName"},
	[ODJ_RIGHT_ACCOUNT_RESTRICTIONS] = {"write their account restrictions (userAccountControl)",
					    ODJ_DS_WRITE_PROP,
					    "4c164200-20c0-11d0-a768-00aa006e0529", "RPWP",
					    "RPWP;Account Restrictions;computer", "userAccountControl"},
	[ODJ_RIGHT_ENCTYPES] = {"write their msDS-SupportedEncryptionTypes", ODJ_DS_WRITE_PROP,
				"20119867-1d04-4ab7-9371-cfc3d5df0afd", "WP",
				"WP;msDS-SupportedEncryptionTypes;computer",
				"msDS-SupportedEncryptionTypes"},
};

const char *odj_right_name(enum odj_right right)
{
	return right < ODJ_RIGHT_COUNT ? defs[right].name : "?";
}

const char *odj_account_case_name(enum odj_account_case whose)
{
	switch (whose) {
	case ODJ_ACCOUNT_NEW: return "a new account";
	case ODJ_ACCOUNT_OWN: return "its own account";
	default: return "someone else's account";
	}
}

static bool dacl_grants(const struct odj_dacl *d, const char *const *token, bool creator,
			enum odj_right right)
{
	struct odj_guid object, cls;
	odj_guid_parse(defs[right].guid, &object);
	odj_guid_parse(G_COMPUTER, &cls);
	struct odj_access_want w = {defs[right].mask, &object, NULL, &cls};
	return odj_sd_access(d, token, creator, &w);
}

/* The caller's own SID: the objectSid of its sAMAccountName (the principal's name part). */
static void read_caller(struct odj_ldap *c, TALLOC_CTX *mem, const struct odj_rights_in *in,
			struct odj_rights *out)
{
	const char *client = in->client ? in->client : "";
	const char *at = strchr(client, '@');
	out->caller_name = talloc_strndup(mem, client, at ? (size_t)(at - client) : strlen(client));
	LDAP *ld = odj_ldap_handle(c);
	char *value = out->caller_name ? odj_ldap_filter_value(mem, out->caller_name) : NULL;
	char *filter = value ? talloc_asprintf(mem, "(sAMAccountName=%s)", value) : NULL;
	char *want[] = {"objectSid", NULL};
	LDAPMessage *res = NULL;
	if (filter != NULL && in->default_nc != NULL &&
	    ldap_search_ext_s(ld, in->default_nc, LDAP_SCOPE_SUBTREE, filter, want, 0, NULL, NULL,
			      NULL, 2, &res) == LDAP_SUCCESS) {
		LDAPMessage *e = ldap_first_entry(ld, res);
		struct berval **v = e ? ldap_get_values_len(ld, e, "objectSid") : NULL;
		struct odj_sid sid;
		if (v && v[0] && odj_sid_from_binary(&sid, (const uint8_t *)v[0]->bv_val, v[0]->bv_len))
			out->caller_sid = odj_sid_string(mem, &sid);
		ldap_value_free_len(v);
	}
	ldap_msgfree(res);
	if (out->caller_sid == NULL && in->token && in->token[0]) /* tokenGroups lists the user first */
		out->caller_sid = talloc_strdup(mem, in->token[0]);
}

/* The computer class's defaultSecurityDescriptor (SDDL); NULL if unreadable. */
static char *default_sd(struct odj_ldap *c, TALLOC_CTX *mem, const char *config_nc)
{
	LDAP *ld = odj_ldap_handle(c);
	char *base = talloc_asprintf(mem, "CN=Schema,%s", config_nc);
	char *want[] = {"defaultSecurityDescriptor", NULL};
	LDAPMessage *res = NULL;
	char *sddl = NULL;
	if (base && ldap_search_ext_s(ld, base, LDAP_SCOPE_ONELEVEL,
				      "(&(objectClass=classSchema)(lDAPDisplayName=computer))", want,
				      0, NULL, NULL, NULL, 2, &res) == LDAP_SUCCESS) {
		LDAPMessage *e = ldap_first_entry(ld, res);
		sddl = e ? odj_ldap_first_value(mem, ld, e, "defaultSecurityDescriptor") : NULL;
	}
	ldap_msgfree(res);
	return sddl;
}

/* A new account's DACL: the class's default ACEs, then what the container passes down. */
static odj_result new_account_dacl(struct odj_ldap *c, TALLOC_CTX *mem,
				   const struct odj_rights_in *in, struct odj_dacl **out)
{
	*out = NULL;
	char *sddl = default_sd(c, mem, in->config_nc);
	struct odj_dacl *def = sddl ? odj_sddl_parse(mem, sddl, in->domain_sid) : NULL;
	if (def == NULL)
		return ODJ_OK; /* unknown: the DC decides at the write */
	struct berval *sd = NULL;
	odj_result r = odj_account_read_sd(c, mem, in->container, 0x4, &sd, NULL);
	if (r != ODJ_OK)
		return r;
	struct odj_dacl *parent = sd ? odj_sd_parse(mem, (const uint8_t *)sd->bv_val, sd->bv_len)
				     : NULL;
	struct odj_guid cls;
	odj_guid_parse(G_COMPUTER, &cls);
	*out = odj_sd_concat(mem, def, parent ? odj_sd_inheritable(mem, parent, &cls) : NULL);
	return ODJ_OK;
}

static odj_result read_new(struct odj_ldap *c, TALLOC_CTX *mem, const struct odj_rights_in *in,
			   struct odj_rights *out)
{
	out->needed[ODJ_RIGHT_CREATE] = true;
	out->missing[ODJ_RIGHT_CREATE] = !in->may_create && !in->by_quota;
	if (!in->sets_password_after)
		return ODJ_OK; /* the add carries the password and every attribute */
	out->needed[ODJ_RIGHT_RESET_PASSWORD] = true;
	struct odj_dacl *d = NULL;
	odj_result r = new_account_dacl(c, mem, in, &d);
	if (r == ODJ_OK && d == NULL)
		out->unread = true;
	else if (r == ODJ_OK)
		out->missing[ODJ_RIGHT_RESET_PASSWORD] =
			!dacl_grants(d, in->token, true, ODJ_RIGHT_RESET_PASSWORD);
	return r;
}

static enum odj_right right_of(const char *attr)
{
	for (int k = 0; k < ODJ_RIGHT_COUNT; k++)
		if (defs[k].attr && strcasecmp(defs[k].attr, attr) == 0)
			return (enum odj_right)k;
	return ODJ_RIGHT_COUNT;
}

static odj_result read_existing(struct odj_ldap *c, TALLOC_CTX *mem,
				const struct odj_rights_in *in, struct odj_rights *out)
{
	const char *dn = in->have->dn;
	struct berval *sd = NULL;
	char *creator = NULL;
	odj_result r = odj_account_read_sd(c, mem, dn, 0x1 | 0x4, &sd, &creator);
	if (r != ODJ_OK)
		return r;
	struct odj_dacl *d = sd ? odj_sd_parse(mem, (const uint8_t *)sd->bv_val, sd->bv_len) : NULL;
	out->owner = d && d->owner ? talloc_strdup(mem, d->owner) : NULL;
	out->whose = odj_sid_in(out->owner, in->token) || odj_sid_in(creator, in->token) ? ODJ_ACCOUNT_OWN
									       : ODJ_ACCOUNT_OTHERS;
	out->unread = d == NULL;
	/* every reset sets a new password: a control access right, not in allowedAttributesEffective */
	out->needed[ODJ_RIGHT_RESET_PASSWORD] = true;
	if (d != NULL)
		out->missing[ODJ_RIGHT_RESET_PASSWORD] =
			!dacl_grants(d, in->token, false, ODJ_RIGHT_RESET_PASSWORD);
	for (size_t i = 0; in->attrs && in->attrs[i]; i++) {
		enum odj_right k = right_of(in->attrs[i]);
		const char *one[] = {in->attrs[i], NULL}, *missing = NULL;
		r = odj_account_may_write(c, mem, dn, one, &missing);
		if (r != ODJ_OK)
			return r;
		if (k == ODJ_RIGHT_COUNT) {
			if (missing != NULL) /* an attribute of no named right: the plain write */
				return odj_rule_may_reset(odj_ldap_ctx(c), in->client, dn, missing);
			continue;
		}
		out->needed[k] = true;
		/* a validated write stands for writing the attribute */
		bool validated = defs[k].mask == ODJ_DS_SELF && d != NULL &&
				 dacl_grants(d, in->token, false, k);
		out->missing[k] = missing != NULL && !validated;
	}
	return ODJ_OK;
}

odj_result odj_rights_read(struct odj_ldap *c, TALLOC_CTX *mem, const struct odj_rights_in *in,
			   struct odj_rights *out)
{
	memset(out, 0, sizeof(*out));
	out->whose = in->have ? ODJ_ACCOUNT_OTHERS : ODJ_ACCOUNT_NEW;
	read_caller(c, mem, in, out);
	return in->have ? read_existing(c, mem, in, out) : read_new(c, mem, in, out);
}

/* Where the ACE goes: the container of a new account, the parent of an existing one. */
static const char *ace_target(const struct odj_rights_in *in)
{
	if (in->have == NULL)
		return in->container;
	const char *comma = strchr(in->have->dn, ',');
	return comma ? comma + 1 : in->have->dn;
}

static char *ace_sddl(TALLOC_CTX *mem, enum odj_right k, const char *sid)
{
	if (k == ODJ_RIGHT_CREATE)
		return talloc_asprintf(mem, "(OA;;%s;%s;;%s)", defs[k].ace, defs[k].guid, sid);
	return talloc_asprintf(mem, "(OA;CIIO;%s;%s;%s;%s)", defs[k].ace, defs[k].guid, G_COMPUTER,
			       sid);
}

odj_result odj_rights_refuse(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_rights_in *in,
			     const struct odj_rights *r)
{
	const char *sid = r->caller_sid ? r->caller_sid : "SID";
	const char *target = ace_target(in);
	char *names = NULL, *grants = NULL;
	for (int k = 0; k < ODJ_RIGHT_COUNT; k++) {
		if (!r->missing[k])
			continue;
		char *ace = ace_sddl(mem, (enum odj_right)k, sid);
		if (k != ODJ_RIGHT_CREATE)
			names = names ? talloc_asprintf_append(names, "; nor %s %s", defs[k].name, ace)
				      : talloc_asprintf(mem, "%s %s", defs[k].name, ace);
		char *grant = talloc_asprintf(
			mem, "%s: samba-tool dsacl set --objectdn='%s' --sddl='%s', or dsacls \"%s\"%s /G \"%s\\%s:%s\"",
			defs[k].name, target, ace, target, k == ODJ_RIGHT_CREATE ? "" : " /I:S",
			in->netbios ? in->netbios : "DOMAIN", r->caller_name ? r->caller_name : "user",
			defs[k].dsacls);
		grants = grants ? talloc_asprintf_append(grants, "; %s", grant) : grant;
	}
	if (grants == NULL)
		return ODJ_OK;
	const char *client = in->client ? in->client : "the bound identity";
	if (r->missing[ODJ_RIGHT_CREATE])
		odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED,
			 "%s may not create computer objects in %s: %s%s%s", client, in->container,
			 ace_sddl(mem, ODJ_RIGHT_CREATE, sid), names ? "; nor " : "", names ? names : "");
	else if (in->have == NULL)
		odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED,
			 "%s may create computers in %s but may not %s", client, in->container, names);
	else
		odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED,
			 "%s may not, on %s (%s, owner %s): %s", client, in->have->dn,
			 odj_account_case_name(r->whose), r->owner ? r->owner : "unreadable", names);
	odj_error_detail(ctx, "grant %s", grants);
	odj_error_advice(ctx, "Nothing was written. Grant the rights named (samba-tool dsacl set or "
			      "dsacls, as shown) on %s, or run as an identity that has them.",
			 target);
	return ODJ_E_CREDENTIALS;
}
