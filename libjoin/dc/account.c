/* Computer accounts: lookup by sAMAccountName. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"

static char *escaped_filter_value(TALLOC_CTX *mem, const char *value)
{
	struct berval in = {strlen(value), (char *)value}, out = {0, NULL};
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return NULL;
	char *s = talloc_strndup(mem, out.bv_val, out.bv_len);
	ber_memfree(out.bv_val);
	return s;
}

static char *first_value(TALLOC_CTX *mem, LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *s = v && v[0] ? talloc_strndup(mem, v[0]->bv_val, v[0]->bv_len) : NULL;
	ldap_value_free_len(v);
	return s;
}

odj_result odj_account_find(struct odj_ldap *c, TALLOC_CTX *mem, const char *base, const char *sam,
			    struct odj_account **out)
{
	*out = NULL;
	LDAP *ld = odj_ldap_handle(c);
	char *value = escaped_filter_value(mem, sam);
	if (value == NULL)
		return odj_fail(odj_ldap_ctx(c), ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	char *filter = talloc_asprintf(mem, "(sAMAccountName=%s)", value);
	char *attrs[] = {"sAMAccountName", "userAccountControl", "objectClass", "dNSHostName",
			 "servicePrincipalName", "objectSid", "msDS-KeyVersionNumber",
			 "msDS-SupportedEncryptionTypes", NULL};
	LDAPMessage *res = NULL;
	int rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, NULL, 0,
				   &res);
	talloc_free(value);
	talloc_free(filter);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return odj_ldap_fail(c, rc, "looking up the account %s failed", sam);
	}
	LDAPMessage *e = ldap_first_entry(ld, res);
	if (e == NULL) {
		ldap_msgfree(res);
		return ODJ_OK;
	}
	struct odj_account *a = talloc_zero(mem, struct odj_account);
	char *dn = ldap_get_dn(ld, e);
	a->dn = talloc_strdup(a, dn);
	ldap_memfree(dn);
	a->sam_account_name = first_value(a, ld, e, "sAMAccountName");
	char *v;
	if ((v = first_value(a, ld, e, "userAccountControl")) != NULL)
		a->user_account_control = (uint32_t)strtoul(v, NULL, 10);
	if ((v = first_value(a, ld, e, "msDS-KeyVersionNumber")) != NULL)
		a->kvno = (uint32_t)strtoul(v, NULL, 10);
	if ((v = first_value(a, ld, e, "msDS-SupportedEncryptionTypes")) != NULL)
		a->enctypes = (uint32_t)strtoul(v, NULL, 10);
	a->dns_host_name = first_value(a, ld, e, "dNSHostName");
	struct berval **oc = ldap_get_values_len(ld, e, "objectClass");
	for (int i = 0; oc && oc[i]; i++)
		if (oc[i]->bv_len == 8 && strncasecmp(oc[i]->bv_val, "computer", 8) == 0)
			a->is_computer = true;
	ldap_value_free_len(oc);
	struct berval **spn = ldap_get_values_len(ld, e, "servicePrincipalName");
	int n = spn ? ldap_count_values_len(spn) : 0;
	a->spns = talloc_zero_array(a, char *, (size_t)n + 1);
	for (int i = 0; i < n; i++)
		a->spns[i] = talloc_strndup(a->spns, spn[i]->bv_val, spn[i]->bv_len);
	a->n_spns = (size_t)n;
	ldap_value_free_len(spn);
	struct berval **sid = ldap_get_values_len(ld, e, "objectSid");
	if (sid && sid[0])
		odj_sid_from_binary(&a->sid, (const uint8_t *)sid[0]->bv_val, sid[0]->bv_len);
	ldap_value_free_len(sid);
	ldap_msgfree(res);
	*out = a;
	return ODJ_OK;
}
