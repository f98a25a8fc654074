/*
 * Foreign error codes to the catalogue: Kerberos (com_err values of
 * <krb5/krb5.h>), LDAP result codes (odj's own constants: this library
 * links no libldap) and AD's diagnostic strings.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <krb5/krb5.h>

#include <odj/catalogue.h>

static const struct {
	long krb5;
	odj_status status;
} krb5_map[] = {
	{KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, ODJ_ERROR_NO_SUCH_USER},
	{KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, ODJ_ERROR_NO_SUCH_USER},
	{KRB5KDC_ERR_PREAUTH_FAILED, ODJ_ERROR_LOGON_FAILURE},
	{KRB5KRB_AP_ERR_BAD_INTEGRITY, ODJ_ERROR_LOGON_FAILURE},
	{KRB5_PREAUTH_FAILED, ODJ_ERROR_LOGON_FAILURE},
	{KRB5KDC_ERR_CLIENT_REVOKED, ODJ_ERROR_ACCOUNT_DISABLED},
	{KRB5KDC_ERR_KEY_EXP, ODJ_ERROR_PASSWORD_EXPIRED},
	{KRB5KDC_ERR_POLICY, ODJ_ERROR_ACCOUNT_RESTRICTION},
	{KRB5KDC_ERR_ETYPE_NOSUPP, ODJ_ERROR_NOT_SUPPORTED},
	{KRB5KRB_AP_ERR_SKEW, ODJ_ERROR_TIME_SKEW},
	{KRB5KRB_AP_ERR_TKT_NYV, ODJ_ERROR_TIME_SKEW},
	{KRB5_KDCREP_SKEW, ODJ_ERROR_TIME_SKEW},
	{KRB5_KDC_UNREACH, ODJ_ERROR_NO_LOGON_SERVERS},
	{KRB5_REALM_UNKNOWN, ODJ_ERROR_NO_SUCH_DOMAIN},
	{KRB5_REALM_CANT_RESOLVE, ODJ_ERROR_NO_SUCH_DOMAIN},
	{KRB5KDC_ERR_WRONG_REALM, ODJ_ERROR_NO_SUCH_DOMAIN},
	/* A reply cut short on the way: what Windows reports as 0x40. */
	{KRB5KRB_ERR_RESPONSE_TOO_BIG, ODJ_ERROR_NETNAME_DELETED},
	{KRB5_KT_NOTFOUND, ODJ_ERROR_NO_TRUST_SAM_ACCOUNT},
	{KRB5KRB_AP_ERR_MODIFIED, ODJ_ERROR_TRUSTED_RELATIONSHIP_FAILURE},
};

odj_status odj_status_from_krb5(long code)
{
	if (code == 0)
		return ODJ_ERROR_SUCCESS;
	for (size_t i = 0; i < sizeof(krb5_map) / sizeof(krb5_map[0]); i++) {
		if (krb5_map[i].krb5 == code)
			return krb5_map[i].status;
	}
	return ODJ_ERROR_CAN_NOT_COMPLETE;
}

static const struct {
	int ldap;
	const char *name;
	odj_status status;
} ldap_map[] = {
	{ODJ_LDAP_SUCCESS, "success", ODJ_ERROR_SUCCESS},
	{ODJ_LDAP_OPERATIONS_ERROR, "operationsError", ODJ_ERROR_CAN_NOT_COMPLETE},
	{ODJ_LDAP_PROTOCOL_ERROR, "protocolError", ODJ_ERROR_INVALID_DATA},
	{ODJ_LDAP_TIMELIMIT_EXCEEDED, "timeLimitExceeded", ODJ_ERROR_TIMEOUT},
	{ODJ_LDAP_SIZELIMIT_EXCEEDED, "sizeLimitExceeded", ODJ_ERROR_CAN_NOT_COMPLETE},
	{ODJ_LDAP_AUTH_METHOD_NOT_SUPPORTED, "authMethodNotSupported", ODJ_ERROR_DS_INAPPROPRIATE_AUTH},
	{ODJ_LDAP_STRONGER_AUTH_REQUIRED, "strongerAuthRequired", ODJ_ERROR_DS_STRONG_AUTH_REQUIRED},
	{ODJ_LDAP_REFERRAL, "referral", ODJ_ERROR_INVALID_DOMAIN_ROLE},
	{ODJ_LDAP_ADMINLIMIT_EXCEEDED, "adminLimitExceeded", ODJ_ERROR_CAN_NOT_COMPLETE},
	{ODJ_LDAP_UNAVAILABLE_CRITICAL_EXTENSION, "unavailableCriticalExtension",
	 ODJ_ERROR_NOT_SUPPORTED},
	{ODJ_LDAP_CONFIDENTIALITY_REQUIRED, "confidentialityRequired",
	 ODJ_ERROR_DS_CONFIDENTIALITY_REQUIRED},
	{ODJ_LDAP_NO_SUCH_ATTRIBUTE, "noSuchAttribute", ODJ_ERROR_DS_NO_ATTRIBUTE_OR_VALUE},
	{ODJ_LDAP_UNDEFINED_TYPE, "undefinedAttributeType", ODJ_ERROR_DS_NO_ATTRIBUTE_OR_VALUE},
	{ODJ_LDAP_CONSTRAINT_VIOLATION, "constraintViolation", ODJ_ERROR_DS_CONSTRAINT_VIOLATION},
	{ODJ_LDAP_TYPE_OR_VALUE_EXISTS, "attributeOrValueExists",
	 ODJ_ERROR_DS_ATTRIBUTE_OR_VALUE_EXISTS},
	{ODJ_LDAP_INVALID_SYNTAX, "invalidAttributeSyntax", ODJ_ERROR_INVALID_PARAMETER},
	{ODJ_LDAP_NO_SUCH_OBJECT, "noSuchObject", ODJ_ERROR_DS_NO_SUCH_OBJECT},
	{ODJ_LDAP_INVALID_DN_SYNTAX, "invalidDNSyntax", ODJ_ERROR_DS_INVALID_DN_SYNTAX},
	{ODJ_LDAP_INAPPROPRIATE_AUTH, "inappropriateAuthentication", ODJ_ERROR_DS_INAPPROPRIATE_AUTH},
	{ODJ_LDAP_INVALID_CREDENTIALS, "invalidCredentials", ODJ_ERROR_LOGON_FAILURE},
	{ODJ_LDAP_INSUFFICIENT_ACCESS, "insufficientAccessRights", ODJ_ERROR_DS_INSUFF_ACCESS_RIGHTS},
	{ODJ_LDAP_BUSY, "busy", ODJ_ERROR_TIMEOUT},
	{ODJ_LDAP_UNAVAILABLE, "unavailable", ODJ_ERROR_DS_SERVER_DOWN},
	{ODJ_LDAP_UNWILLING_TO_PERFORM, "unwillingToPerform", ODJ_ERROR_DS_UNWILLING_TO_PERFORM},
	{ODJ_LDAP_NAMING_VIOLATION, "namingViolation", ODJ_ERROR_DS_INVALID_DN_SYNTAX},
	{ODJ_LDAP_OBJECT_CLASS_VIOLATION, "objectClassViolation", ODJ_ERROR_DS_CONSTRAINT_VIOLATION},
	{ODJ_LDAP_ALREADY_EXISTS, "entryAlreadyExists", ODJ_ERROR_DS_OBJ_STRING_NAME_EXISTS},
	{ODJ_LDAP_OTHER, "other", ODJ_ERROR_CAN_NOT_COMPLETE},
	{ODJ_LDAP_SERVER_DOWN, "server down", ODJ_ERROR_DS_SERVER_DOWN},
	{ODJ_LDAP_LOCAL_ERROR, "local error", ODJ_ERROR_CAN_NOT_COMPLETE},
	{ODJ_LDAP_TIMEOUT, "timeout", ODJ_ERROR_TIMEOUT},
	{ODJ_LDAP_AUTH_UNKNOWN, "unknown authentication method", ODJ_ERROR_DS_INAPPROPRIATE_AUTH},
	{ODJ_LDAP_CONNECT_ERROR, "connect error", ODJ_ERROR_CONNECTION_REFUSED},
};

const char *odj_ldap_result_name(int rc)
{
	for (size_t i = 0; i < sizeof(ldap_map) / sizeof(ldap_map[0]); i++) {
		if (ldap_map[i].ldap == rc)
			return ldap_map[i].name;
	}
	return NULL;
}

/*
 * ATTRTYP of the attributes odj writes: the [MS-DRSR] 5.16.4 prefix table
 * index in the high 16 bits (0: 2.5.4, 2: 1.2.840.113556.1.2,
 * 9: 1.2.840.113556.1.4) and the last OID arc in the low 16 bits.
 */
static const struct {
	uint32_t attid;
	const char *name;
} attributes[] = {
	{0x00000000, "objectClass"},
	{0x00000003, "cn"},
	{0x0000000D, "description"},
	{0x0002000D, "displayName"},
	{0x00020119, "nTSecurityDescriptor"},
	{0x00090008, "userAccountControl"},
	{0x0009005A, "unicodePwd"},
	{0x00090060, "pwdLastSet"},
	{0x0009009F, "accountExpires"},
	{0x000900DD, "sAMAccountName"},
	{0x000900DE, "location"},
	{0x0009016B, "operatingSystem"},
	{0x0009016C, "operatingSystemServicePack"},
	{0x0009016D, "operatingSystemVersion"},
	{0x0009026B, "dNSHostName"},
	{0x0009028D, "managedBy"},
	{0x00090290, "userPrincipalName"},
	{0x00090303, "servicePrincipalName"},
	{0x000906B5, "msDS-AdditionalDnsHostName"},
	{0x000907AB, "msDS-SupportedEncryptionTypes"},
	{0x00090918, "msDS-KeyCredentialLink"},
};

const char *odj_ad_attribute_name(uint32_t attid)
{
	for (size_t i = 0; i < sizeof(attributes) / sizeof(attributes[0]); i++) {
		if (attributes[i].attid == attid)
			return attributes[i].name;
	}
	return NULL;
}

static bool parse_hex(const char *s, size_t maxdigits, uint32_t *out, const char **end)
{
	size_t n = 0;
	uint64_t v = 0;
	while (n < maxdigits && isxdigit((unsigned char)s[n])) {
		int c = tolower((unsigned char)s[n]);
		v = v * 16 + (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
		n++;
	}
	if (n == 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	if (end)
		*end = s + n;
	return true;
}

/* "(NAME)" right after p (spaces allowed): a copy of NAME, or NULL. */
static const char *paren_word(TALLOC_CTX *mem, const char *p)
{
	while (*p == ' ')
		p++;
	if (*p != '(')
		return NULL;
	size_t n = strcspn(p + 1, ")\n");
	if (p[1 + n] != ')' || n == 0 || n > 128)
		return NULL;
	return talloc_strndup(mem, p + 1, n);
}

bool odj_ad_diag_parse(TALLOC_CTX *mem, const char *text, struct odj_ad_diag *out)
{
	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return false;
	const char *end = NULL;
	if (parse_hex(text, 8, &out->code, &end) && end == text + 8 && *end == ':') {
		out->has_code = true;
		const char *k = end + 1;
		while (*k == ' ')
			k++;
		size_t n = strcspn(k, ":, \n");
		if (n >= 6 && n <= 8 && strncmp(k + n - 3, "Err", 3) == 0 && k[n] == ':')
			out->kind = talloc_strndup(mem, k, n);
	}
	const char *p = strstr(text, "DSID-");
	if (p != NULL) {
		size_t n = 5 + strspn(p + 5, "0123456789abcdefABCDEF");
		if (n > 5)
			out->dsid = talloc_strndup(mem, p, n);
	}
	p = strstr(text, "problem ");
	if (p != NULL) {
		char *e = NULL;
		unsigned long v = strtoul(p + 8, &e, 10);
		if (e != p + 8 && v < 100000) {
			out->has_problem = true;
			out->problem = (unsigned)v;
			out->problem_name = paren_word(mem, e);
		}
	}
	p = strstr(text, "data ");
	if (p != NULL && parse_hex(p + 5, 8, &out->data, NULL))
		out->has_data = true;
	p = strstr(text, "Att ");
	if (p != NULL && parse_hex(p + 4, 8, &out->att, &end)) {
		out->has_att = true;
		/* AD names the attribute itself; odj's table covers terse servers. */
		out->attribute = paren_word(mem, end);
		if (out->attribute == NULL)
			out->attribute = odj_ad_attribute_name(out->att);
	}
	return out->has_code || out->dsid != NULL || out->has_problem || out->has_att;
}

/* Samba words an exhausted RID pool (its code is the generic 0x2035, unwilling to perform). */
static bool samba_out_of_rids(const char *diagnostic)
{
	return diagnostic != NULL && (strstr(diagnostic, "NO RID values available") != NULL ||
				      strstr(diagnostic, "RID Set refresh needed") != NULL);
}

odj_status odj_status_from_ldap(int rc, const char *diagnostic)
{
	if (samba_out_of_rids(diagnostic))
		return ODJ_ERROR_DS_NO_RIDS_ALLOCATED;
	struct odj_ad_diag d;
	TALLOC_CTX *tmp = talloc_new(NULL);
	bool parsed = odj_ad_diag_parse(tmp, diagnostic, &d);
	talloc_free(tmp);
	if (parsed) {
		/* A failed bind carries the logon error in "data" (52e, 533, 775 ...). */
		if (rc == ODJ_LDAP_INVALID_CREDENTIALS && d.has_data && d.data != 0 &&
		    odj_status_symbol(d.data) != NULL)
			return d.data;
		if (d.has_code && d.code != 0 && odj_status_symbol(d.code) != NULL)
			return d.code;
	}
	for (size_t i = 0; i < sizeof(ldap_map) / sizeof(ldap_map[0]); i++) {
		if (ldap_map[i].ldap == rc)
			return ldap_map[i].status;
	}
	return ODJ_ERROR_CAN_NOT_COMPLETE;
}

odj_result odj_fail_ldap(struct odj_ctx *ctx, int rc, const char *diagnostic, const char *fmt,
			 ...)
{
	odj_status st = odj_status_from_ldap(rc, diagnostic);
	odj_result r = odj_status_category(st);
	if (r == ODJ_OK)
		r = ODJ_E_UNEXPECTED;
	va_list ap;
	va_start(ap, fmt);
	odj_failv(ctx, r, st, fmt, ap);
	va_end(ap);
	odj_error_source(ctx, ODJ_SRC_LDAP, rc);
	const char *name = odj_ldap_result_name(rc);
	odj_error_detail(ctx, "LDAP %d (%s)", rc, name ? name : "unknown");
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_ad_diag d;
	if (diagnostic != NULL && diagnostic[0] != '\0') {
		odj_error_detail(ctx, "server said: %s", diagnostic);
		if (odj_ad_diag_parse(tmp, diagnostic, &d) && d.has_att)
			odj_error_detail(ctx, "attribute 0x%x = %s", d.att,
					 d.attribute ? d.attribute : "(not in odj's table)");
	}
	talloc_free(tmp);
	return r;
}

odj_result odj_fail_krb5(struct odj_ctx *ctx, long code, const char *krb5_message,
			 const char *fmt, ...)
{
	odj_status st = odj_status_from_krb5(code);
	odj_result r = odj_status_category(st);
	if (r == ODJ_OK)
		r = ODJ_E_UNEXPECTED;
	va_list ap;
	va_start(ap, fmt);
	odj_failv(ctx, r, st, fmt, ap);
	va_end(ap);
	odj_error_source(ctx, ODJ_SRC_KRB5, code);
	odj_error_detail(ctx, "Kerberos %ld: %s", code, krb5_message ? krb5_message : "");
	return r;
}
