/* The error catalogue: completeness, the 0x40 explanation, krb5/LDAP maps, AD diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ldap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <krb5/krb5.h>

#include <odj/catalogue.h>

static void every_status_row_has_causes_and_advice(void **state)
{
	(void)state;
	size_t n = odj_status_count();
	int missing = 0;
	for (size_t i = 0; i < n; i++) {
		odj_status c = odj_status_at(i);
		struct odj_catalogue_entry e;
		if (!odj_catalogue_get(c, &e) || e.causes == NULL || e.check == NULL ||
		    strlen(e.causes) < 10 || strlen(e.check) < 10) {
			print_error("no causes/advice for 0x%X %s\n", c, odj_status_symbol(c));
			missing++;
			continue;
		}
		assert_int_equal(e.code, c);
		assert_string_equal(e.symbol, odj_status_symbol(c));
		assert_string_equal(e.text, odj_status_text(c));
		assert_int_equal(e.causes[strlen(e.causes) - 1], '.');
		assert_int_equal(e.check[strlen(e.check) - 1], '.');
	}
	assert_int_equal(missing, 0);
	struct odj_catalogue_entry e;
	assert_false(odj_catalogue_get(0xBEEF, &e));
	assert_null(e.symbol);
}

static void explain_0x40_like_the_article(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	char *text = odj_catalogue_explain(mem, ODJ_ERROR_NETNAME_DELETED);
	const char *first = "0x40 64 ERROR_NETNAME_DELETED The specified network name is no "
			    "longer available.\nlikely causes: ";
	assert_memory_equal(text, first, strlen(first));
	assert_non_null(strstr(text, "firewall"));
	assert_non_null(strstr(text, "WAN accelerator"));
	assert_non_null(strstr(text, "\nwhat to check: "));
	assert_non_null(strstr(text, "tcpdump"));
	/* Unknown codes still print their row, and nothing more. */
	assert_string_equal(odj_catalogue_explain(mem, 0xBEEF), "0xBEEF 48879 (unknown status)");
	talloc_free(mem);
}

static char *run(TALLOC_CTX *mem, const char *args, int *status)
{
	const char *bin = getenv("ODJ_BINARY_DIR");
	assert_non_null(bin);
	char *cmd = talloc_asprintf(mem, "%s/odj-inspect %s 2>&1", bin, args);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = talloc_strdup(mem, "");
	char buf[512];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		out = talloc_strndup_append(out, buf, n);
	*status = pclose(p);
	return out;
}

static void inspect_explain_accepts_hex_decimal_symbol(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	int st;
	char *hex = run(mem, "--explain 0x40", &st);
	assert_int_equal(st, 0);
	char *dec = run(mem, "--explain 64", &st);
	char *sym = run(mem, "--explain error_netname_deleted", &st);
	/* a number without 0x is decimal, and the output says so first */
	const char *note = "(read as decimal 64 = 0x40)\n";
	assert_memory_equal(dec, note, strlen(note));
	assert_string_equal(hex, dec + strlen(note));
	assert_string_equal(hex, sym);
	assert_non_null(strstr(hex, "what to check:"));
	char *spn = run(mem, "--explain ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST", &st);
	assert_memory_equal(spn, "0x21C7 8647 ", 12);
	assert_non_null(strstr(spn, "setspn -Q"));
	run(mem, "--explain 0x7fff0000", &st);
	assert_int_equal(WEXITSTATUS(st), ODJ_E_INPUT);
	run(mem, "--explain no-such-thing", &st);
	assert_int_equal(WEXITSTATUS(st), ODJ_E_INPUT);
	talloc_free(mem);
}

static void krb5_codes_map_to_win32(void **state)
{
	(void)state;
	/* The com_err values themselves, so a renumbering would show. */
	assert_int_equal(KRB5KDC_ERR_PREAUTH_FAILED, -1765328360L);
	assert_int_equal(KRB5KRB_AP_ERR_SKEW, -1765328347L);
	assert_int_equal(odj_status_from_krb5(KRB5KDC_ERR_PREAUTH_FAILED), ODJ_ERROR_LOGON_FAILURE);
	assert_int_equal(odj_status_from_krb5(KRB5KRB_AP_ERR_SKEW), ODJ_ERROR_TIME_SKEW);
	assert_int_equal(odj_status_from_krb5(KRB5_KDC_UNREACH), ODJ_ERROR_NO_LOGON_SERVERS);
	assert_int_equal(odj_status_from_krb5(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN),
			 ODJ_ERROR_NO_SUCH_USER);
	assert_int_equal(odj_status_from_krb5(KRB5KDC_ERR_CLIENT_REVOKED),
			 ODJ_ERROR_ACCOUNT_DISABLED);
	assert_int_equal(odj_status_from_krb5(KRB5KDC_ERR_KEY_EXP), ODJ_ERROR_PASSWORD_EXPIRED);
	assert_int_equal(odj_status_from_krb5(KRB5_REALM_UNKNOWN), ODJ_ERROR_NO_SUCH_DOMAIN);
	assert_int_equal(odj_status_from_krb5(0), ODJ_ERROR_SUCCESS);
	assert_int_equal(odj_status_from_krb5(12345), ODJ_ERROR_CAN_NOT_COMPLETE);
	assert_int_equal(odj_status_category(ODJ_ERROR_TIME_SKEW), ODJ_E_CREDENTIALS);
	assert_int_equal(odj_status_category(ODJ_ERROR_NO_LOGON_SERVERS), ODJ_E_NETWORK);
}

static void ldap_codes_are_libldap_values(void **state)
{
	(void)state;
	/* Own constants (the offline library links no libldap), same numbers. */
	assert_int_equal(ODJ_LDAP_STRONGER_AUTH_REQUIRED, LDAP_STRONG_AUTH_REQUIRED);
	assert_int_equal(ODJ_LDAP_CONSTRAINT_VIOLATION, LDAP_CONSTRAINT_VIOLATION);
	assert_int_equal(ODJ_LDAP_NO_SUCH_OBJECT, LDAP_NO_SUCH_OBJECT);
	assert_int_equal(ODJ_LDAP_INVALID_CREDENTIALS, LDAP_INVALID_CREDENTIALS);
	assert_int_equal(ODJ_LDAP_INSUFFICIENT_ACCESS, LDAP_INSUFFICIENT_ACCESS);
	assert_int_equal(ODJ_LDAP_UNWILLING_TO_PERFORM, LDAP_UNWILLING_TO_PERFORM);
	assert_int_equal(ODJ_LDAP_ALREADY_EXISTS, LDAP_ALREADY_EXISTS);
	assert_int_equal(ODJ_LDAP_SERVER_DOWN, LDAP_SERVER_DOWN);
	assert_int_equal(ODJ_LDAP_TIMEOUT, LDAP_TIMEOUT);
	assert_int_equal(ODJ_LDAP_CONNECT_ERROR, LDAP_CONNECT_ERROR);
	assert_int_equal(ODJ_LDAP_CONFIDENTIALITY_REQUIRED, LDAP_CONFIDENTIALITY_REQUIRED);
	assert_int_equal(ODJ_LDAP_TYPE_OR_VALUE_EXISTS, LDAP_TYPE_OR_VALUE_EXISTS);
}

static void ldap_codes_map_to_win32(void **state)
{
	(void)state;
	struct {
		int rc;
		const char *diag;
		odj_status want;
	} cases[] = {
		{8, NULL, ODJ_ERROR_DS_STRONG_AUTH_REQUIRED},
		{19, "", ODJ_ERROR_DS_CONSTRAINT_VIOLATION},
		{32, NULL, ODJ_ERROR_DS_NO_SUCH_OBJECT},
		{49, NULL, ODJ_ERROR_LOGON_FAILURE},
		{50, NULL, ODJ_ERROR_DS_INSUFF_ACCESS_RIGHTS},
		{53, NULL, ODJ_ERROR_DS_UNWILLING_TO_PERFORM},
		{68, NULL, ODJ_ERROR_DS_OBJ_STRING_NAME_EXISTS},
		{-1, NULL, ODJ_ERROR_DS_SERVER_DOWN},
		{-5, NULL, ODJ_ERROR_TIMEOUT},
		{999, NULL, ODJ_ERROR_CAN_NOT_COMPLETE},
		/* AD's own Win32 code wins over the LDAP code. */
		{19,
		 "000021C7: AtrErr: DSID-03200E96, #1:\n\t0: 000021C7: DSID-03200E96, problem 1005 "
		 "(CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)\n",
		 ODJ_ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST},
		{19, "0000052D: Constraint violation - check_password_restrictions: the password is "
		     "too short",
		 ODJ_ERROR_PASSWORD_RESTRICTION},
		/* A failed bind: the logon error is in "data". */
		{49, "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data "
		     "52e, v4563",
		 ODJ_ERROR_LOGON_FAILURE},
		{49, "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data "
		     "533, v4563",
		 ODJ_ERROR_ACCOUNT_DISABLED},
		{49, "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data "
		     "775, v4563",
		 ODJ_ERROR_ACCOUNT_LOCKED_OUT},
		{8, "00002028: LdapErr: DSID-0C090259, comment: The server requires binds to turn "
		    "on integrity checking if SSL\\TLS are not already active on the connection, "
		    "data 0, v4563",
		 ODJ_ERROR_DS_STRONG_AUTH_REQUIRED},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		odj_status got = odj_status_from_ldap(cases[i].rc, cases[i].diag);
		if (got != cases[i].want)
			print_error("case %zu: LDAP %d: got 0x%x, want 0x%x\n", i, cases[i].rc, got,
				    cases[i].want);
		assert_int_equal(got, cases[i].want);
	}
	assert_string_equal(odj_ldap_result_name(8), "strongerAuthRequired");
	assert_null(odj_ldap_result_name(4242));
}

static void ad_diagnostic_is_decoded(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ad_diag d;
	assert_true(odj_ad_diag_parse(
		mem,
		"0000202F: AtrErr: DSID-03200BBA, #1:\n\t0: 0000202F: DSID-03200BBA, problem 1005 "
		"(CONSTRAINT_ATT_TYPE), data 0, Att 907ab (msDS-SupportedEncryptionTypes)\n",
		&d));
	assert_true(d.has_code);
	assert_int_equal(d.code, 0x202F);
	assert_string_equal(d.kind, "AtrErr");
	assert_string_equal(d.dsid, "DSID-03200BBA");
	assert_int_equal(d.problem, 1005);
	assert_string_equal(d.problem_name, "CONSTRAINT_ATT_TYPE");
	assert_true(d.has_data);
	assert_int_equal(d.data, 0);
	assert_int_equal(d.att, 0x907AB);
	assert_string_equal(d.attribute, "msDS-SupportedEncryptionTypes");

	/* Without AD's name, odj's table names the attributes it writes. */
	assert_true(odj_ad_diag_parse(mem, "00002098: SecErr: DSID-03150F94, problem 4003 "
					   "(INSUFF_ACCESS_RIGHTS), data 0, Att 90303",
				      &d));
	assert_string_equal(d.kind, "SecErr");
	assert_string_equal(d.attribute, "servicePrincipalName");
	assert_string_equal(odj_ad_attribute_name(0x900DD), "sAMAccountName");
	assert_string_equal(odj_ad_attribute_name(0x9026B), "dNSHostName");
	assert_string_equal(odj_ad_attribute_name(0x9005A), "unicodePwd");
	assert_string_equal(odj_ad_attribute_name(0x90008), "userAccountControl");
	assert_string_equal(odj_ad_attribute_name(0x907AB), "msDS-SupportedEncryptionTypes");
	assert_string_equal(odj_ad_attribute_name(0x90290), "userPrincipalName");
	assert_null(odj_ad_attribute_name(0x12345));

	/* The bind data code is hex. */
	assert_true(odj_ad_diag_parse(mem, "80090308: LdapErr: DSID-0C09041C, comment: "
					   "AcceptSecurityContext error, data 52e, v4563",
				      &d));
	assert_int_equal(d.code, 0x80090308);
	assert_int_equal(d.data, 0x52E);
	assert_false(d.has_att);

	/* Hostile or foreign text: no crash, nothing invented. */
	const char *junk[] = {"", "hello", "Att ", "problem (", "DSID-", "Att zz (x",
			      "problem 99999999999 (X)", "Att 123456789abc (y)", "0000202F",
			      "data ", "Att 90303 (unterminated"};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		odj_ad_diag_parse(mem, junk[i], &d);
		if (d.has_att && strcmp(junk[i], "Att 90303 (unterminated") == 0)
			assert_string_equal(d.attribute, "servicePrincipalName");
	}
	assert_false(odj_ad_diag_parse(mem, NULL, &d));
	assert_false(odj_ad_diag_parse(mem, "hello", &d));
	talloc_free(mem);
}

static void fail_ldap_records_everything(void **state)
{
	(void)state;
	struct odj_ctx *ctx = odj_ctx_new(NULL);
	odj_result r = odj_fail_ldap(
		ctx, 19,
		"000021C7: AtrErr: DSID-03200E96, #1:\n\t0: 000021C7: DSID-03200E96, problem 1005 "
		"(CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)",
		"adding SPNs to %s", "CN=ODJCLI01,CN=Computers,DC=odj,DC=test");
	assert_int_equal(r, ODJ_E_DIRECTORY);
	const struct odj_error *e = odj_error_get(ctx);
	assert_int_equal(e->status, ODJ_ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST);
	assert_int_equal(e->source, ODJ_SRC_LDAP);
	assert_int_equal(e->source_code, 19);
	assert_non_null(strstr(e->detail, "LDAP 19 (constraintViolation)"));
	assert_non_null(strstr(e->detail, "attribute 0x90303 = servicePrincipalName"));

	r = odj_fail_krb5(ctx, KRB5KRB_AP_ERR_SKEW, "Clock skew too great", "kinit %s",
			  "admin@ODJ.TEST");
	assert_int_equal(r, ODJ_E_CREDENTIALS);
	e = odj_error_get(ctx);
	assert_int_equal(e->status, ODJ_ERROR_TIME_SKEW);
	assert_int_equal(e->source, ODJ_SRC_KRB5);
	assert_non_null(strstr(e->detail, "Clock skew too great"));
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_status_row_has_causes_and_advice),
		cmocka_unit_test(explain_0x40_like_the_article),
		cmocka_unit_test(inspect_explain_accepts_hex_decimal_symbol),
		cmocka_unit_test(krb5_codes_map_to_win32),
		cmocka_unit_test(ldap_codes_are_libldap_values),
		cmocka_unit_test(ldap_codes_map_to_win32),
		cmocka_unit_test(ad_diagnostic_is_decoded),
		cmocka_unit_test(fail_ldap_records_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
