/* The status catalogue: rows, lookup, parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/status.h>

#include "unit_main.h"

static void row_is_printed_like_the_articles(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	assert_string_equal(odj_status_row(mem, ODJ_ERROR_NETNAME_DELETED),
			    "0x40 64 ERROR_NETNAME_DELETED The specified network name is no longer available.");
	assert_string_equal(odj_status_row(mem, ODJ_NERR_UserExists),
			    "0x8B0 2224 NERR_UserExists The user account already exists.");
	assert_string_equal(odj_status_row(mem, 0xBEEF), "0xBEEF 48879 (unknown status)");
	talloc_free(mem);
}

static void known_values_match_winerror(void **state)
{
	(void)state;
	assert_int_equal(ODJ_NERR_BadOfflineJoinInfo, 0x0A96);
	assert_int_equal(ODJ_NERR_ProvisioningBlobUnsupported, 0x0A9F);
	assert_int_equal(ODJ_NERR_SetupAlreadyJoined, 2691);
	assert_int_equal(ODJ_ERROR_INVALID_DOMAINNAME, 1212);
	assert_int_equal(ODJ_DNS_ERROR_NUMERIC_NAME, 9561);
	assert_int_equal(ODJ_DNS_ERROR_INVALID_NAME, ODJ_ERROR_INVALID_NAME);
	assert_string_equal(odj_status_symbol(2351), "NERR_InvalidComputer");
	assert_null(odj_status_symbol(0x12345678));
	assert_null(odj_status_text(0x12345678));
}

static void every_row_is_unique_and_complete(void **state)
{
	(void)state;
	size_t n = odj_status_count();
	assert_true(n >= 70);
	for (size_t i = 0; i < n; i++) {
		odj_status c = odj_status_at(i);
		const char *sym = odj_status_symbol(c);
		const char *text = odj_status_text(c);
		assert_non_null(sym);
		assert_non_null(text);
		assert_true(strlen(text) > 5);
		assert_true(text[strlen(text) - 1] == '.');
		for (size_t j = i + 1; j < n; j++) {
			assert_int_not_equal(c, odj_status_at(j));
			assert_string_not_equal(sym, odj_status_symbol(odj_status_at(j)));
		}
		/* Every symbol parses back to its code. */
		odj_status back = 0;
		assert_true(odj_status_parse(sym, &back));
		assert_int_equal(back, c);
	}
}

static void parse_accepts_hex_decimal_and_symbols(void **state)
{
	(void)state;
	odj_status s = 0;
	assert_true(odj_status_parse("0x40", &s));
	assert_int_equal(s, 64);
	assert_true(odj_status_parse("0X0A96", &s));
	assert_int_equal(s, 0xA96);
	assert_true(odj_status_parse("2224", &s));
	assert_int_equal(s, 2224);
	assert_true(odj_status_parse("error_netname_deleted", &s));
	assert_int_equal(s, 64);
	assert_true(odj_status_parse("ODJ_NERR_UserExists", &s));
	assert_int_equal(s, 2224);
	assert_true(odj_status_parse("DNS_ERROR_INVALID_NAME", &s));
	assert_int_equal(s, 123);
	assert_false(odj_status_parse("", &s));
	assert_false(odj_status_parse(NULL, &s));
	assert_false(odj_status_parse("0x", &s));
	assert_false(odj_status_parse("12abc", &s));
	assert_false(odj_status_parse("-1", &s));
	assert_false(odj_status_parse("0x100000000", &s));
	assert_false(odj_status_parse("ERROR_NO_SUCH_THING", &s));
}

UNIT_MAIN(
	cmocka_unit_test(row_is_printed_like_the_articles),
	cmocka_unit_test(known_values_match_winerror),
	cmocka_unit_test(every_row_is_unique_and_complete),
	cmocka_unit_test(parse_accepts_hex_decimal_and_symbols),
)
