/*
 * Proof that the test DC is a real AD DC: a TGT for the administrator from
 * its KDC, a SASL GSSAPI bind with a security layer, whoami, and the domain
 * object's SID and GUID.  libkrb5 and libldap only, no shelling out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <krb5.h>
#include <lber.h>
#include <ldap.h>
#include <sasl/sasl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *need_env(const char *name)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0') {
		fprintf(stderr, "%s is not set: run inside 'testdc run'\n", name);
		exit(2);
	}
	return v;
}

/* A TGT for administrator into a MEMORY ccache that the SASL bind then uses. */
static void get_admin_tgt(void)
{
	krb5_context k = NULL;
	krb5_principal client = NULL;
	krb5_creds creds;
	krb5_ccache cc = NULL;
	char *principal = NULL;
	memset(&creds, 0, sizeof(creds));

	assert_int_equal(krb5_init_context(&k), 0);
	assert_true(asprintf(&principal, "administrator@%s", need_env("TESTDC_REALM")) > 0);
	assert_int_equal(krb5_parse_name(k, principal, &client), 0);
	krb5_error_code ret = krb5_get_init_creds_password(
		k, &creds, client, need_env("TESTDC_ADMINPASS"), NULL, NULL, 0, NULL, NULL);
	if (ret != 0) {
		const char *msg = krb5_get_error_message(k, ret);
		fprintf(stderr, "kinit %s: %s\n", principal, msg);
		krb5_free_error_message(k, msg);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(krb5_cc_resolve(k, "MEMORY:testdc-proof", &cc), 0);
	assert_int_equal(krb5_cc_initialize(k, cc, client), 0);
	assert_int_equal(krb5_cc_store_cred(k, cc, &creds), 0);
	/* The GSSAPI mechanism reads the default ccache of this process. */
	setenv("KRB5CCNAME", "MEMORY:testdc-proof", 1);

	krb5_free_cred_contents(k, &creds);
	krb5_free_principal(k, client);
	krb5_cc_close(k, cc); /* a MEMORY ccache lives on while the process does */
	krb5_free_context(k);
	free(principal);
}

static int sasl_defaults(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	(void)ld;
	(void)flags;
	(void)defaults;
	for (sasl_interact_t *i = in; i->id != SASL_CB_LIST_END; i++) {
		i->result = i->defresult ? i->defresult : "";
		i->len = (unsigned)strlen(i->result);
	}
	return LDAP_SUCCESS;
}

static char *sid_to_string(const struct berval *bv)
{
	const unsigned char *b = (const unsigned char *)bv->bv_val;
	assert_true(bv->bv_len >= 8);
	unsigned count = b[1];
	assert_int_equal(bv->bv_len, 8 + 4 * count);
	uint64_t auth = 0;
	for (int i = 2; i < 8; i++)
		auth = (auth << 8) | b[i];
	static char out[256];
	int n = snprintf(out, sizeof(out), "S-%u-%llu", b[0], (unsigned long long)auth);
	for (unsigned i = 0; i < count; i++) {
		const unsigned char *s = b + 8 + 4 * i;
		uint32_t v = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
		n += snprintf(out + n, sizeof(out) - (size_t)n, "-%u", v);
	}
	return out;
}

static char *guid_to_string(const struct berval *bv)
{
	const unsigned char *g = (const unsigned char *)bv->bv_val;
	assert_int_equal(bv->bv_len, 16);
	static char out[37];
	snprintf(out, sizeof(out),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2],
		 g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14],
		 g[15]);
	return out;
}

static char *first_value(LDAP *ld, LDAPMessage *res, const char *attr)
{
	LDAPMessage *e = ldap_first_entry(ld, res);
	assert_non_null(e);
	struct berval **v = ldap_get_values_len(ld, e, attr);
	assert_non_null(v);
	char *out = strndup(v[0]->bv_val, v[0]->bv_len);
	ldap_value_free_len(v);
	return out;
}

/*
 * The bound identity's account name.  The "Who am I?" extended operation
 * (RFC 4532) is asked first; Samba 4.17 answers it with protocolError
 * "not supported", so then the identity is read the AD way: the rootDSE's
 * tokenGroups lists the caller's own SID first, and the account holding
 * that SID is looked up.
 */
static char *whoami(LDAP *ld)
{
	struct berval *authzid = NULL;
	int rc = ldap_whoami_s(ld, &authzid, NULL, NULL);
	if (rc == LDAP_SUCCESS && authzid != NULL) {
		/* "u:ODJ\\Administrator" */
		char *s = strndup(authzid->bv_val, authzid->bv_len);
		ber_bvfree(authzid);
		char *slash = strrchr(s, '\\');
		char *name = strdup(slash ? slash + 1 : s);
		free(s);
		return name;
	}
	char *diag = NULL;
	ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	printf("whoami extended operation: %s (%s); using rootDSE tokenGroups\n", ldap_err2string(rc),
	       diag ? diag : "");
	assert_int_equal(rc, LDAP_PROTOCOL_ERROR);
	assert_non_null(diag);
	assert_non_null(strstr(diag, "not supported"));
	ldap_memfree(diag);

	char *tg_attrs[] = {"tokenGroups", NULL};
	LDAPMessage *res = NULL;
	assert_int_equal(ldap_search_ext_s(ld, "", LDAP_SCOPE_BASE, "(objectClass=*)", tg_attrs, 0,
					   NULL, NULL, NULL, 0, &res),
			 LDAP_SUCCESS);
	LDAPMessage *e = ldap_first_entry(ld, res);
	assert_non_null(e);
	struct berval **sids = ldap_get_values_len(ld, e, "tokenGroups");
	assert_non_null(sids);
	struct berval escaped = {0};
	assert_int_equal(ldap_bv2escaped_filter_value(sids[0], &escaped), 0);
	char *filter = NULL;
	assert_true(asprintf(&filter, "(objectSid=%.*s)", (int)escaped.bv_len, escaped.bv_val) > 0);
	ldap_value_free_len(sids);
	ber_memfree(escaped.bv_val);
	ldap_msgfree(res);

	char *name_attrs[] = {"sAMAccountName", NULL};
	assert_int_equal(ldap_search_ext_s(ld, need_env("TESTDC_BASEDN"), LDAP_SCOPE_SUBTREE, filter,
					   name_attrs, 0, NULL, NULL, NULL, 0, &res),
			 LDAP_SUCCESS);
	char *name = first_value(ld, res, "sAMAccountName");
	ldap_msgfree(res);
	free(filter);
	return name;
}

static void bind_gssapi_and_read_domain(void **state)
{
	(void)state;
	get_admin_tgt();

	LDAP *ld = NULL;
	char *uri = NULL;
	assert_true(asprintf(&uri, "ldap://%s", need_env("TESTDC_DC")) > 0);
	assert_int_equal(ldap_initialize(&ld, uri), LDAP_SUCCESS);
	int v3 = LDAP_VERSION3;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);

	int rc = ldap_sasl_interactive_bind_s(ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET,
					      sasl_defaults, NULL);
	if (rc != LDAP_SUCCESS) {
		char *diag = NULL;
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
		fprintf(stderr, "SASL GSSAPI bind to %s: %s (%s)\n", uri, ldap_err2string(rc),
			diag ? diag : "");
		ldap_memfree(diag);
	}
	assert_int_equal(rc, LDAP_SUCCESS);

	ber_len_t ssf = 0; /* OpenLDAP writes a ber_len_t for LDAP_OPT_X_SASL_SSF */
	assert_int_equal(ldap_get_option(ld, LDAP_OPT_X_SASL_SSF, &ssf), LDAP_OPT_SUCCESS);
	printf("SASL GSSAPI bind: SSF %u\n", (unsigned)ssf);
	assert_true(ssf >= 56);

	char *who = whoami(ld);
	printf("whoami: %s\n", who);
	assert_string_equal(who, "Administrator");
	free(who);

	char *attrs[] = {"objectSid", "objectGUID", NULL};
	LDAPMessage *res = NULL;
	rc = ldap_search_ext_s(ld, need_env("TESTDC_BASEDN"), LDAP_SCOPE_BASE, "(objectClass=domain)",
			       attrs, 0, NULL, NULL, NULL, 0, &res);
	assert_int_equal(rc, LDAP_SUCCESS);
	LDAPMessage *e = ldap_first_entry(ld, res);
	assert_non_null(e);
	struct berval **sid = ldap_get_values_len(ld, e, "objectSid");
	struct berval **guid = ldap_get_values_len(ld, e, "objectGUID");
	assert_non_null(sid);
	assert_non_null(guid);
	printf("domain SID %s\n", sid_to_string(sid[0]));
	assert_string_equal(sid_to_string(sid[0]), need_env("TESTDC_SID"));
	printf("domain GUID %s\n", guid_to_string(guid[0]));
	assert_string_equal(guid_to_string(guid[0]), need_env("TESTDC_GUID"));
	ldap_value_free_len(sid);
	ldap_value_free_len(guid);
	ldap_msgfree(res);
	ldap_unbind_ext_s(ld, NULL, NULL);
	free(uri);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bind_gssapi_and_read_domain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
