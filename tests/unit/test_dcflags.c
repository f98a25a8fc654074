/* Names of the domain controller flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/dcflags.h>

#include "unit_main.h"

static void names_a_samba_pdc(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	assert_string_equal(odj_dcflags_names(mem, 0x000013fd, NULL),
			    "DS_PDC_FLAG|DS_GC_FLAG|DS_LDAP_FLAG|DS_DS_FLAG|DS_KDC_FLAG|"
			    "DS_TIMESERV_FLAG|DS_CLOSEST_FLAG|DS_WRITABLE_FLAG|DS_GOOD_TIMESERV_FLAG|"
			    "DS_FULL_SECRET_DOMAIN_6_FLAG");
	/* The blob value adds the three DNS bits. */
	char *blob = odj_dcflags_names(mem, 0xe00013fd, ", ");
	assert_non_null(strstr(blob, "DS_FULL_SECRET_DOMAIN_6_FLAG, DS_DNS_CONTROLLER_FLAG, "
				     "DS_DNS_DOMAIN_FLAG, DS_DNS_FOREST_FLAG"));
	talloc_free(mem);
}

static void names_a_windows_2019_pdc(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	char *s = odj_dcflags_names(mem, 0xE003F3FD, "|");
	assert_non_null(strstr(s, "DS_WS_FLAG|DS_DS_8_FLAG|DS_DS_9_FLAG|DS_DS_10_FLAG|DS_KEY_LIST_FLAG"));
	assert_null(strstr(s, "0x"));
	talloc_free(mem);
}

static void unnamed_bits_are_kept_as_hex(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	assert_string_equal(odj_dcflags_names(mem, 0, NULL), "");
	assert_string_equal(odj_dcflags_names(mem, 0x00100002, NULL), "0x100002");
	assert_string_equal(odj_dcflags_names(mem, 0x00000102, " "), "DS_WRITABLE_FLAG 0x2");
	talloc_free(mem);
}

static void table_is_in_bit_order_with_single_bits(void **state)
{
	(void)state;
	assert_int_equal(odj_dcflag_count(), 21);
	uint32_t seen = 0, prev = 0;
	for (size_t i = 0; i < odj_dcflag_count(); i++) {
		const struct odj_dcflag *f = odj_dcflag_at(i);
		assert_int_equal(f->bit & (f->bit - 1), 0); /* one bit */
		assert_true(f->bit > prev);
		assert_int_equal(seen & f->bit, 0);
		assert_true(strncmp(f->name, "DS_", 3) == 0);
		assert_ptr_equal(odj_dcflag_find(f->bit), f);
		seen |= f->bit;
		prev = f->bit;
	}
	assert_null(odj_dcflag_at(odj_dcflag_count()));
	assert_null(odj_dcflag_find(0x2));
	assert_null(odj_dcflag_find(0x3));
	assert_string_equal(odj_dcflag_find(ODJ_DS_WRITABLE_FLAG)->name, "DS_WRITABLE_FLAG");
}

UNIT_MAIN(
	cmocka_unit_test(names_a_samba_pdc),
	cmocka_unit_test(names_a_windows_2019_pdc),
	cmocka_unit_test(unnamed_bits_are_kept_as_hex),
	cmocka_unit_test(table_is_in_bit_order_with_single_bits),
)
