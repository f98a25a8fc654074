/* Who owns a computer account, and who the bound identity is: the inputs of the reuse rule. */
#include <stdlib.h>
#include <string.h>

#include "account.h"

char *odj_sd_owner_sid(TALLOC_CTX *mem, const uint8_t *sd, size_t len)
{
	/* self-relative SECURITY_DESCRIPTOR: revision 1, sbz1, control (2), then
	   the offsets of owner, group, SACL and DACL (4 bytes each, little-endian) */
	if (sd == NULL || len < 20 || sd[0] != 1)
		return NULL;
	size_t off = (size_t)sd[4] | (size_t)sd[5] << 8 | (size_t)sd[6] << 16 | (size_t)sd[7] << 24;
	if (off < 20 || off + 8 > len)
		return NULL;
	size_t sid_len = 8 + 4 * (size_t)sd[off + 1];
	struct odj_sid sid;
	if (off + sid_len > len || !odj_sid_from_binary(&sid, sd + off, sid_len))
		return NULL;
	return odj_sid_string(mem, &sid);
}

static char *sid_of(TALLOC_CTX *mem, const struct berval *v)
{
	struct odj_sid sid;
	if (v == NULL || !odj_sid_from_binary(&sid, (const uint8_t *)v->bv_val, v->bv_len))
		return NULL;
	return odj_sid_string(mem, &sid);
}

/* The sAMAccountName of the object with that SID (<SID=...> base search); NULL if none. */
static char *name_of(struct odj_ldap *c, TALLOC_CTX *mem, const char *sid)
{
	if (sid == NULL)
		return NULL;
	LDAP *ld = odj_ldap_handle(c);
	char *base = talloc_asprintf(mem, "<SID=%s>", sid);
	char *want[] = {"sAMAccountName", NULL};
	LDAPMessage *res = NULL;
	char *name = NULL;
	if (base != NULL && ldap_search_ext_s(ld, base, LDAP_SCOPE_BASE, "(objectClass=*)", want, 0,
					      NULL, NULL, NULL, 0, &res) == LDAP_SUCCESS) {
		LDAPMessage *e = ldap_first_entry(ld, res);
		name = e ? odj_ldap_first_value(mem, ld, e, "sAMAccountName") : NULL;
	}
	ldap_msgfree(res);
	talloc_free(base);
	return name;
}

/* The first value of a SID attribute as a string; NULL if none. */
static char *first_sid(TALLOC_CTX *mem, LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *sid = v && v[0] ? sid_of(mem, v[0]) : NULL;
	ldap_value_free_len(v);
	return sid;
}

/* LDAP_SERVER_SD_FLAGS_OID with SEQUENCE { INTEGER flags }: which parts of nTSecurityDescriptor. */
static LDAPControl *sd_flags_control(TALLOC_CTX *mem, uint8_t flags)
{
	LDAPControl *ctrl = talloc_zero(mem, LDAPControl);
	char *value = talloc_array(ctrl, char, 5);
	if (ctrl == NULL || value == NULL)
		return NULL;
	memcpy(value, (const char[]){0x30, 0x03, 0x02, 0x01, (char)flags}, 5);
	ctrl->ldctl_oid = (char *)"1.2.840.113556.1.4.801";
	ctrl->ldctl_value.bv_val = value;
	ctrl->ldctl_value.bv_len = 5;
	ctrl->ldctl_iscritical = 1;
	return ctrl;
}

odj_result odj_account_read_sd(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn, uint8_t flags,
			       struct berval **sd, char **creator)
{
	*sd = NULL;
	if (creator)
		*creator = NULL;
	LDAP *ld = odj_ldap_handle(c);
	LDAPControl *ctrl = sd_flags_control(mem, flags);
	LDAPControl *ctrls[] = {ctrl, NULL};
	char *const want[] = {"nTSecurityDescriptor", "mS-DS-CreatorSID", NULL};
	LDAPMessage *res = NULL, *e = NULL;
	odj_result r = ctrl ? odj_ldap_read_entry(c, dn, want, ctrls, &res, &e,
						  "reading the security descriptor of %s", dn)
			    : odj_fail(odj_ldap_ctx(c), ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				       "out of memory");
	talloc_free(ctrl);
	if (r != ODJ_OK)
		return r;
	struct berval **v = ldap_get_values_len(ld, e, "nTSecurityDescriptor");
	if (v && v[0]) {
		*sd = talloc_zero(mem, struct berval);
		if (*sd != NULL) {
			(*sd)->bv_val = talloc_memdup(*sd, v[0]->bv_val, v[0]->bv_len ? v[0]->bv_len : 1);
			(*sd)->bv_len = v[0]->bv_len;
		}
	}
	ldap_value_free_len(v);
	if (creator)
		*creator = first_sid(mem, ld, e, "mS-DS-CreatorSID");
	ldap_msgfree(res);
	return ODJ_OK;
}

odj_result odj_account_read_owner(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn,
				  struct odj_account_owner *out)
{
	memset(out, 0, sizeof(*out));
	struct berval *sd = NULL;
	/* OWNER_SECURITY_INFORMATION only: no READ_CONTROL on the DACL needed */
	odj_result r = odj_account_read_sd(c, mem, dn, 0x1, &sd, &out->creator);
	if (r != ODJ_OK)
		return r;
	if (sd != NULL)
		out->owner = odj_sd_owner_sid(mem, (const uint8_t *)sd->bv_val, sd->bv_len);
	talloc_free(sd);
	out->owner_name = name_of(c, mem, out->owner);
	out->creator_name = name_of(c, mem, out->creator);
	return ODJ_OK;
}

odj_result odj_ldap_token_sids(struct odj_ldap *c, TALLOC_CTX *mem, char ***sids)
{
	*sids = NULL;
	LDAP *ld = odj_ldap_handle(c);
	char *const want[] = {"tokenGroups", NULL};
	LDAPMessage *res = NULL, *e = NULL;
	odj_result r = odj_ldap_read_entry(c, "", want, NULL, &res, &e, "%s",
					   "reading the caller's tokenGroups from the rootDSE");
	if (r != ODJ_OK)
		return r;
	struct berval **v = ldap_get_values_len(ld, e, "tokenGroups");
	size_t n = 0, nv = v ? (size_t)ldap_count_values_len(v) : 0;
	char **out = talloc_zero_array(mem, char *, nv + 1);
	for (size_t i = 0; out && i < nv; i++)
		if ((out[n] = sid_of(out, v[i])) != NULL)
			n++;
	ldap_value_free_len(v);
	ldap_msgfree(res);
	if (out == NULL)
		return odj_fail(odj_ldap_ctx(c), ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	*sids = out;
	return ODJ_OK;
}

/* A SID string as an LDAP filter value: its binary form, every byte \\xx. */
static char *sid_filter_value(TALLOC_CTX *mem, const char *str)
{
	struct odj_sid sid;
	if (!odj_sid_parse(str, &sid))
		return NULL;
	char *f = talloc_asprintf(mem, "\\%02x\\%02x", sid.revision, sid.num_auths);
	for (int i = 0; f && i < 6; i++)
		f = talloc_asprintf_append(f, "\\%02x", sid.id_auth[i]);
	for (unsigned i = 0; f && i < sid.num_auths; i++)
		for (unsigned k = 0; f && k < 4; k++)
			f = talloc_asprintf_append(f, "\\%02x", (sid.sub_auths[i] >> (8 * k)) & 0xff);
	return f;
}

odj_result odj_quota_read(struct odj_ldap *c, TALLOC_CTX *mem, const char *default_nc,
			  const char *const *token, int *quota, unsigned *used)
{
	*quota = -1;
	*used = 0;
	LDAP *ld = odj_ldap_handle(c);
	char *const want[] = {"ms-DS-MachineAccountQuota", NULL};
	LDAPMessage *res = NULL, *e = NULL;
	odj_result r = odj_ldap_read_entry(c, default_nc, want, NULL, &res, &e,
					   "reading ms-DS-MachineAccountQuota of %s", default_nc);
	if (r != ODJ_OK)
		return r;
	char *q = odj_ldap_first_value(mem, ld, e, "ms-DS-MachineAccountQuota");
	if (q != NULL)
		*quota = atoi(q);
	talloc_free(q);
	ldap_msgfree(res);
	TALLOC_CTX *tmp = talloc_new(mem);
	char *filter = talloc_strdup(tmp, "(&(objectClass=computer)(|");
	for (size_t i = 0; filter && token && token[i]; i++) {
		char *value = sid_filter_value(tmp, token[i]);
		if (value != NULL)
			filter = talloc_asprintf_append(filter, "(mS-DS-CreatorSID=%s)", value);
	}
	filter = filter ? talloc_strdup_append(filter, "))") : NULL;
	char *none[] = {"1.1", NULL};
	res = NULL;
	int rc = filter ? ldap_search_ext_s(ld, default_nc, LDAP_SCOPE_SUBTREE, filter, none, 0, NULL,
					NULL, NULL, 0, &res)
		    : LDAP_NO_MEMORY;
	talloc_free(tmp);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return odj_ldap_fail(c, rc, "counting the computers the caller created failed");
	}
	*used = (unsigned)ldap_count_entries(ld, res);
	ldap_msgfree(res);
	return ODJ_OK;
}
