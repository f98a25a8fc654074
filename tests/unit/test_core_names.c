/* Name validation: [MS-WKST] 3.2.4.16 codes and odj's stricter rules, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/names.h>

#include "unit_main.h"

struct name_case {
	enum odj_name_type type;
	const char *name;
	odj_status expect;
};

#define M ODJ_NETSETUP_MACHINE
#define W ODJ_NETSETUP_WORKGROUP
#define D ODJ_NETSETUP_DOMAIN
#define N ODJ_NETSETUP_NONEXISTENT_DOMAIN
#define H ODJ_NETSETUP_DNS_MACHINE
#define OK ODJ_ERROR_SUCCESS

static const struct name_case cases[] = {
	/* NetSetupMachine: [MS-WKST] rules give NERR_InvalidComputer. */
	{M, "ODJCLI01", OK},
	{M, "a", OK},
	{M, "WEB-01", OK},
	{M, "ABCDEFGHIJKLMNO", OK},                 /* 15 characters */
	{M, "ABCDEFGHIJKLMNOP", ODJ_NERR_InvalidComputer}, /* 16 */
	{M, "", ODJ_NERR_InvalidComputer},
	{M, "BAD\x01NAME", ODJ_NERR_InvalidComputer},
	{M, "BAD\x1fNAME", ODJ_NERR_InvalidComputer},
	{M, "A\"B", ODJ_NERR_InvalidComputer},
	{M, "A/B", ODJ_NERR_InvalidComputer},
	{M, "A\\B", ODJ_NERR_InvalidComputer},
	{M, "A[B", ODJ_NERR_InvalidComputer},
	{M, "A]B", ODJ_NERR_InvalidComputer},
	{M, "A:B", ODJ_NERR_InvalidComputer},
	{M, "A|B", ODJ_NERR_InvalidComputer},
	{M, "A<B", ODJ_NERR_InvalidComputer},
	{M, "A>B", ODJ_NERR_InvalidComputer},
	{M, "A+B", ODJ_NERR_InvalidComputer},
	{M, "A=B", ODJ_NERR_InvalidComputer},
	{M, "A;B", ODJ_NERR_InvalidComputer},
	{M, "A,B", ODJ_NERR_InvalidComputer},
	{M, "A?B", ODJ_NERR_InvalidComputer},
	{M, "A*B", ODJ_NERR_InvalidComputer},
	{M, "...", ODJ_NERR_InvalidComputer},
	{M, ". .", ODJ_NERR_InvalidComputer},
	{M, " LEAD", ODJ_NERR_InvalidComputer},
	{M, "TRAIL ", ODJ_NERR_InvalidComputer},
	/* odj: LDH, ASCII, no edge hyphen, not only digits. */
	{M, "HAS SPACE", ODJ_NERR_InvalidComputer},
	{M, "UNDER_SCORE", ODJ_NERR_InvalidComputer},
	{M, "DOT.TED", ODJ_NERR_InvalidComputer},
	{M, "-LEAD", ODJ_NERR_InvalidComputer},
	{M, "TRAIL-", ODJ_NERR_InvalidComputer},
	{M, "12345", ODJ_NERR_InvalidComputer},
	{M, "0", ODJ_NERR_InvalidComputer},
	{M, "1A", OK},
	{M, "CAF\xc3\x89", ODJ_NERR_InvalidComputer}, /* CAFÉ */
	{M, "A!B", ODJ_NERR_InvalidComputer},
	/* NetSetupWorkgroup. */
	{W, "WORKGROUP", OK},
	{W, "MY GROUP", OK},
	{W, "", ODJ_NERR_InvalidWorkgroupName},
	{W, "WORKGROUPWORKGRO", ODJ_NERR_InvalidWorkgroupName},
	{W, "WORK*GROUP", OK}, /* '*' is only forbidden in machine names */
	{W, "WORK/GROUP", ODJ_NERR_InvalidWorkgroupName},
	{W, "..", ODJ_NERR_InvalidWorkgroupName},
	{W, "G\x7f", OK},
	{W, "G\x02", ODJ_NERR_InvalidWorkgroupName},
	{W, "GR\xc3\x9c", ODJ_NERR_InvalidWorkgroupName},
	/* NetSetupDomain: NetBIOS form, else the DNS rules. */
	{D, "ODJ", OK},
	{D, "odj.test", OK},
	{D, "corp.example.com", OK},
	{D, "a-very-long-domain-name.example.com", OK},
	{D, "...", ODJ_ERROR_INVALID_NAME},
	{D, " . ", ODJ_ERROR_INVALID_NAME},
	{D, "builtin", ODJ_NERR_InvalidComputer},
	{D, "BUILTIN", ODJ_NERR_InvalidComputer},
	{D, "", ODJ_ERROR_INVALID_NAME},
	{D, "bad..example.com", ODJ_ERROR_INVALID_NAME},
	{D, "a..b", ODJ_ERROR_INVALID_NAME}, /* short, but dotted: checked as DNS */
	{D, ".example.com.long-enough", ODJ_ERROR_INVALID_NAME},
	{D, "exa mple.example.com", ODJ_DNS_ERROR_INVALID_NAME_CHAR},
	{D, "a/b.example.example.com", ODJ_DNS_ERROR_INVALID_NAME_CHAR},
	{D, "under_score.example.com", ODJ_DNS_ERROR_NON_RFC_NAME},
	{D, "-lead.example.example.com", ODJ_DNS_ERROR_NON_RFC_NAME},
	{D, "D\xc3\x96M", ODJ_ERROR_INVALID_DOMAINNAME},
	/* NetSetupNonExistentDomain: also RFC 1035 characters only. */
	{N, "NEWDOM", OK},
	{N, "new.example.com", OK},
	{N, "NEW DOM", ODJ_DNS_ERROR_NON_RFC_NAME},
	{N, "NEW_DOM", ODJ_DNS_ERROR_NON_RFC_NAME},
	{N, "builtin", ODJ_NERR_InvalidComputer},
	{N, "...", ODJ_ERROR_INVALID_NAME},
	/* NetSetupDnsMachine. */
	{H, "odjcli01.odj.test", OK},
	{H, "odjcli01.odj.test.", OK},
	{H, "host", OK},
	{H, "a-b.c-d.example", OK},
	{H, "", ODJ_ERROR_INVALID_NAME},
	{H, ".lead.example", ODJ_ERROR_INVALID_NAME},
	{H, "two..dots", ODJ_ERROR_INVALID_NAME},
	{H, "ctl\x03.example", ODJ_ERROR_INVALID_NAME},
	{H, "has space.example", ODJ_DNS_ERROR_INVALID_NAME_CHAR},
	{H, "at@example", ODJ_DNS_ERROR_INVALID_NAME_CHAR},
	{H, "ex!cl.example", ODJ_DNS_ERROR_INVALID_NAME_CHAR},
	{H, "hash#.example", ODJ_DNS_ERROR_INVALID_NAME_CHAR},
	{H, "star*.example", ODJ_DNS_ERROR_INVALID_NAME_CHAR},
	{H, "brace{.example", ODJ_DNS_ERROR_INVALID_NAME_CHAR},
	{H, "under_score.example", ODJ_DNS_ERROR_NON_RFC_NAME},
	{H, "amp&.example", ODJ_DNS_ERROR_NON_RFC_NAME},
	{H, "-lead.example", ODJ_DNS_ERROR_NON_RFC_NAME},
	{H, "trail-.example", ODJ_DNS_ERROR_NON_RFC_NAME},
	{H, "caf\xc3\xa9.example", ODJ_DNS_ERROR_NON_RFC_NAME},
	{H, "12345.odj.test", ODJ_DNS_ERROR_NUMERIC_NAME},
	{H, "12345", ODJ_DNS_ERROR_NUMERIC_NAME},
	{H, "host1.123", OK}, /* only the host label must not be numeric */
	/* Workgroup names have no LDH rule: their own character rules must hold. */
	{ODJ_NETSETUP_WORKGROUP, "WORK,GROUP", ODJ_NERR_InvalidWorkgroupName},
	{ODJ_NETSETUP_WORKGROUP, "WORK\x1fGRP", ODJ_NERR_InvalidWorkgroupName},
	{ODJ_NETSETUP_WORKGROUP, "WORK\x0eGRP", ODJ_NERR_InvalidWorkgroupName},
	{H, "ctl\x1f.example", ODJ_ERROR_INVALID_NAME},
	/* Unknown type. */
	{ODJ_NETSETUP_UNKNOWN, "ODJ", ODJ_ERROR_INVALID_PARAMETER},
	{(enum odj_name_type)9, "ODJ", ODJ_ERROR_INVALID_PARAMETER},
};

static void table_of_names(void **state)
{
	(void)state;
	size_t n = sizeof(cases) / sizeof(cases[0]);
	assert_true(n >= 60);
	int failures = 0;
	for (size_t i = 0; i < n; i++) {
		odj_status got = odj_name_status(cases[i].name, cases[i].type);
		if (got != cases[i].expect) {
			print_error("case %zu: %s '%s': got 0x%x, want 0x%x\n", i,
				    odj_name_type_name(cases[i].type), cases[i].name, got,
				    cases[i].expect);
			failures++;
		}
		/* Every refusal explains itself. */
		if (cases[i].expect != ODJ_ERROR_SUCCESS)
			assert_non_null(odj_name_rule(cases[i].name, cases[i].type));
	}
	assert_int_equal(failures, 0);
}

static void length_limits_of_dns_names(void **state)
{
	(void)state;
	char label[70], name[300];
	memset(label, 'a', 63);
	label[63] = '\0';
	assert_int_equal(odj_name_status(label, ODJ_NETSETUP_DNS_MACHINE), ODJ_ERROR_SUCCESS);
	memset(label, 'a', 64);
	label[64] = '\0';
	assert_int_equal(odj_name_status(label, ODJ_NETSETUP_DNS_MACHINE), ODJ_ERROR_INVALID_NAME);
	/* 4 labels of 63 + 3 dots = 255 octets: the limit. */
	memset(name, 'a', sizeof(name));
	for (int i = 63; i < 255; i += 64)
		name[i] = '.';
	name[255] = '\0';
	assert_int_equal(odj_name_status(name, ODJ_NETSETUP_DNS_MACHINE), ODJ_ERROR_SUCCESS);
	name[255] = 'a';
	name[256] = '\0';
	assert_int_equal(odj_name_status(name, ODJ_NETSETUP_DNS_MACHINE), ODJ_ERROR_INVALID_NAME);
}

static void null_name_is_invalid_parameter(void **state)
{
	(void)state;
	assert_int_equal(odj_name_status(NULL, ODJ_NETSETUP_MACHINE), ODJ_ERROR_INVALID_PARAMETER);
}

static void check_records_status_and_rule(void **state)
{
	(void)state;
	struct odj_ctx *ctx = odj_ctx_new(NULL);
	assert_int_equal(odj_name_check(ctx, "machine name", "ODJCLI01", ODJ_NETSETUP_MACHINE),
			 ODJ_OK);
	assert_int_equal(odj_name_check(ctx, "machine name", "1234", ODJ_NETSETUP_MACHINE),
			 ODJ_E_INPUT);
	const struct odj_error *e = odj_error_get(ctx);
	assert_int_equal(e->status, ODJ_NERR_InvalidComputer);
	assert_non_null(strstr(e->message, "only of digits"));
	assert_non_null(strstr(e->message, "'1234'"));
	talloc_free(ctx);
}

UNIT_MAIN(
	cmocka_unit_test(table_of_names),
	cmocka_unit_test(length_limits_of_dns_names),
	cmocka_unit_test(null_name_is_invalid_parameter),
	cmocka_unit_test(check_records_status_and_rule),
)
