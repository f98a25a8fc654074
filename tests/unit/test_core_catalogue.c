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

#include "unit_main.h"

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
	const char *inspect = getenv("ODJ_INSPECT"); /* the build's own path of the tool */
	assert_non_null(inspect);
	char *cmd = talloc_asprintf(mem, "%s %s 2>&1", inspect, args);
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
		/* AD's answer to an add beyond ms-DS-MachineAccountQuota (the documented form) */
		{53, "0000216D: SvcErr: DSID-031A1236, problem 5003 (WILL_NOT_PERFORM), data 0\n",
		 ODJ_ERROR_DS_MACHINE_ACCOUNT_QUOTA_EXCEEDED},
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

/* Occurrences of needle in libjoin/core/catalogue_map.c: the rows of its maps. */
static size_t rows_in_map_source(const char *needle)
{
	const char *src = getenv("ODJ_SOURCE_DIR");
	assert_non_null(src);
	char path[4096];
	snprintf(path, sizeof(path), "%s/libjoin/core/catalogue_map.c", src);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	char line[512];
	size_t n = 0;
	while (fgets(line, sizeof(line), f))
		for (const char *p = line; (p = strstr(p, needle)) != NULL; p++)
			n++;
	fclose(f);
	return n;
}

/*
 * Every row of the krb5 map, with the Win32 row written as a number and a
 * symbol (not through the ODJ_ constants the map itself uses), so a row
 * pointing at the wrong constant shows.
 */
/* A map's answer got is the row's Win32 status want, named symbol; the input is FMT. */
static void assert_maps_to(odj_status got, odj_status want, const char *symbol, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void assert_maps_to(odj_status got, odj_status want, const char *symbol, const char *fmt, ...)
{
	if (got != want) {
		char input[64];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(input, sizeof(input), fmt, ap);
		va_end(ap);
		fail_msg("%s: got 0x%X %s, want 0x%X %s", input, got, odj_status_symbol(got), want, symbol);
	}
	assert_string_equal(odj_status_symbol(got), symbol);
}

static void every_krb5_row_maps_to_its_win32_row(void **state)
{
	(void)state;
	static const struct {
		long krb5;
		odj_status want;
		const char *symbol;
	} rows[] = {
		{KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, 0x525, "ERROR_NO_SUCH_USER"},
		{KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, 0x525, "ERROR_NO_SUCH_USER"},
		{KRB5KDC_ERR_PREAUTH_FAILED, 0x52E, "ERROR_LOGON_FAILURE"},
		{KRB5KRB_AP_ERR_BAD_INTEGRITY, 0x52E, "ERROR_LOGON_FAILURE"},
		{KRB5_PREAUTH_FAILED, 0x52E, "ERROR_LOGON_FAILURE"},
		{KRB5KDC_ERR_CLIENT_REVOKED, 0x533, "ERROR_ACCOUNT_DISABLED"},
		{KRB5KDC_ERR_KEY_EXP, 0x532, "ERROR_PASSWORD_EXPIRED"},
		{KRB5KDC_ERR_POLICY, 0x52F, "ERROR_ACCOUNT_RESTRICTION"},
		{KRB5KDC_ERR_ETYPE_NOSUPP, 0x32, "ERROR_NOT_SUPPORTED"},
		{KRB5KRB_AP_ERR_SKEW, 0x576, "ERROR_TIME_SKEW"},
		{KRB5KRB_AP_ERR_TKT_NYV, 0x576, "ERROR_TIME_SKEW"},
		{KRB5_KDCREP_SKEW, 0x576, "ERROR_TIME_SKEW"},
		{KRB5_KDC_UNREACH, 0x51F, "ERROR_NO_LOGON_SERVERS"},
		{KRB5_REALM_UNKNOWN, 0x54B, "ERROR_NO_SUCH_DOMAIN"},
		{KRB5_REALM_CANT_RESOLVE, 0x54B, "ERROR_NO_SUCH_DOMAIN"},
		{KRB5KDC_ERR_WRONG_REALM, 0x54B, "ERROR_NO_SUCH_DOMAIN"},
		{KRB5KRB_ERR_RESPONSE_TOO_BIG, 0x40, "ERROR_NETNAME_DELETED"},
		{KRB5_KT_NOTFOUND, 0x6FB, "ERROR_NO_TRUST_SAM_ACCOUNT"},
		{KRB5KRB_AP_ERR_MODIFIED, 0x6FD, "ERROR_TRUSTED_RELATIONSHIP_FAILURE"},
	};
	size_t n = sizeof(rows) / sizeof(rows[0]), checked = 0;
	assert_int_equal(n, rows_in_map_source("{KRB5"));
	for (size_t i = 0; i < n; i++) {
		assert_maps_to(odj_status_from_krb5(rows[i].krb5), rows[i].want, rows[i].symbol, "krb5 %ld",
			       rows[i].krb5);
		checked++;
	}
	assert_int_equal(checked, 19);
}

/* Every row of the LDAP map: libldap's number, the RFC 4511 name, the Win32 row. */
static void every_ldap_row_maps_to_its_name_and_win32_row(void **state)
{
	(void)state;
	static const struct {
		int rc;
		const char *name;
		odj_status want;
		const char *symbol;
	} rows[] = {
		{0, "success", 0x0, "ERROR_SUCCESS"},
		{1, "operationsError", 0x3EB, "ERROR_CAN_NOT_COMPLETE"},
		{2, "protocolError", 0xD, "ERROR_INVALID_DATA"},
		{3, "timeLimitExceeded", 0x5B4, "ERROR_TIMEOUT"},
		{4, "sizeLimitExceeded", 0x3EB, "ERROR_CAN_NOT_COMPLETE"},
		{7, "authMethodNotSupported", 0x2029, "ERROR_DS_INAPPROPRIATE_AUTH"},
		{8, "strongerAuthRequired", 0x2028, "ERROR_DS_STRONG_AUTH_REQUIRED"},
		{10, "referral", 0x54A, "ERROR_INVALID_DOMAIN_ROLE"},
		{11, "adminLimitExceeded", 0x3EB, "ERROR_CAN_NOT_COMPLETE"},
		{12, "unavailableCriticalExtension", 0x32, "ERROR_NOT_SUPPORTED"},
		{13, "confidentialityRequired", 0x202D, "ERROR_DS_CONFIDENTIALITY_REQUIRED"},
		{16, "noSuchAttribute", 0x200A, "ERROR_DS_NO_ATTRIBUTE_OR_VALUE"},
		{17, "undefinedAttributeType", 0x200A, "ERROR_DS_NO_ATTRIBUTE_OR_VALUE"},
		{19, "constraintViolation", 0x202F, "ERROR_DS_CONSTRAINT_VIOLATION"},
		{20, "attributeOrValueExists", 0x200D, "ERROR_DS_ATTRIBUTE_OR_VALUE_EXISTS"},
		{21, "invalidAttributeSyntax", 0x57, "ERROR_INVALID_PARAMETER"},
		{32, "noSuchObject", 0x2030, "ERROR_DS_NO_SUCH_OBJECT"},
		{34, "invalidDNSyntax", 0x2032, "ERROR_DS_INVALID_DN_SYNTAX"},
		{48, "inappropriateAuthentication", 0x2029, "ERROR_DS_INAPPROPRIATE_AUTH"},
		{49, "invalidCredentials", 0x52E, "ERROR_LOGON_FAILURE"},
		{50, "insufficientAccessRights", 0x2098, "ERROR_DS_INSUFF_ACCESS_RIGHTS"},
		{51, "busy", 0x5B4, "ERROR_TIMEOUT"},
		{52, "unavailable", 0x203A, "ERROR_DS_SERVER_DOWN"},
		{53, "unwillingToPerform", 0x2035, "ERROR_DS_UNWILLING_TO_PERFORM"},
		{64, "namingViolation", 0x2032, "ERROR_DS_INVALID_DN_SYNTAX"},
		{65, "objectClassViolation", 0x202F, "ERROR_DS_CONSTRAINT_VIOLATION"},
		{68, "entryAlreadyExists", 0x2071, "ERROR_DS_OBJ_STRING_NAME_EXISTS"},
		{80, "other", 0x3EB, "ERROR_CAN_NOT_COMPLETE"},
		{-1, "server down", 0x203A, "ERROR_DS_SERVER_DOWN"},
		{-2, "local error", 0x3EB, "ERROR_CAN_NOT_COMPLETE"},
		{-5, "timeout", 0x5B4, "ERROR_TIMEOUT"},
		{-6, "unknown authentication method", 0x2029, "ERROR_DS_INAPPROPRIATE_AUTH"},
		{-11, "connect error", 0x4C9, "ERROR_CONNECTION_REFUSED"},
	};
	size_t n = sizeof(rows) / sizeof(rows[0]), checked = 0;
	assert_int_equal(n, rows_in_map_source("{ODJ_LDAP_"));
	for (size_t i = 0; i < n; i++) {
		const char *name = odj_ldap_result_name(rows[i].rc);
		if (name == NULL || strcmp(name, rows[i].name) != 0)
			fail_msg("LDAP %d: named '%s', want '%s'", rows[i].rc, name ? name : "(none)",
				 rows[i].name);
		/* No diagnostic text: the map alone decides. */
		assert_maps_to(odj_status_from_ldap(rows[i].rc, NULL), rows[i].want, rows[i].symbol,
			       "LDAP %d", rows[i].rc);
		checked++;
	}
	assert_int_equal(checked, 33);
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
	static const struct {
		const char *text;
		bool parsed;
		uint32_t att; /* 0: no attribute */
		const char *attribute;
	} junk[] = {
		{"", false, 0, NULL},
		{"hello", false, 0, NULL},
		{"Att ", false, 0, NULL},
		{"problem (", false, 0, NULL},
		{"DSID-", false, 0, NULL},
		{"Att zz (x", false, 0, NULL},
		{"problem 99999999999 (X)", false, 0, NULL},
		/* An over-long number is cut at 8 digits, not refused; no name is made up. */
		{"Att 123456789abc (y)", true, 0x12345678, NULL},
		{"0000202F", false, 0, NULL},
		{"data ", false, 0, NULL},
		{"Att 90303 (unterminated", true, 0x90303, "servicePrincipalName"},
	};
	size_t checked = 0;
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		bool parsed = odj_ad_diag_parse(mem, junk[i].text, &d);
		if (parsed != junk[i].parsed)
			fail_msg("'%s': parsed %d, want %d", junk[i].text, parsed, junk[i].parsed);
		assert_false(d.has_code);
		assert_false(d.has_problem);
		assert_false(d.has_data);
		assert_null(d.kind);
		assert_null(d.dsid);
		assert_int_equal(d.has_att, junk[i].att != 0);
		if (junk[i].att != 0)
			assert_int_equal(d.att, junk[i].att);
		if (junk[i].attribute)
			assert_string_equal(d.attribute, junk[i].attribute);
		else
			assert_null(d.attribute);
		checked++;
	}
	assert_int_equal(checked, 11);
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

UNIT_MAIN(
	cmocka_unit_test(every_status_row_has_causes_and_advice),
	cmocka_unit_test(explain_0x40_like_the_article),
	cmocka_unit_test(inspect_explain_accepts_hex_decimal_symbol),
	cmocka_unit_test(krb5_codes_map_to_win32),
	cmocka_unit_test(ldap_codes_are_libldap_values),
	cmocka_unit_test(ldap_codes_map_to_win32),
	cmocka_unit_test(every_krb5_row_maps_to_its_win32_row),
	cmocka_unit_test(every_ldap_row_maps_to_its_name_and_win32_row),
	cmocka_unit_test(ad_diagnostic_is_decoded),
	cmocka_unit_test(fail_ldap_records_everything),
)
