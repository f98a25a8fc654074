/* SIDs and GUIDs of the test domain, from the binary values LDAP returns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/blob.h>

#include "unit_main.h"

/* objectSid of DC=odj,DC=test (base64 AQQAAAAAAAUVAAAA3PTcO4M9K0aCi6Yo) */
static const uint8_t domain_sid[] = {0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x15, 0x00, 0x00, 0x00,
				     0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82, 0x8b, 0xa6, 0x28};
/* objectGUID (Pm8NSxxaXk+cYSp7jg0NAQ==) */
static const uint8_t domain_guid[] = {0x3e, 0x6f, 0x0d, 0x4b, 0x1c, 0x5a, 0x5e, 0x4f,
				      0x9c, 0x61, 0x2a, 0x7b, 0x8e, 0x0d, 0x0d, 0x01};

static void sid_of_the_test_domain(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_sid sid;
	assert_true(odj_sid_from_binary(&sid, domain_sid, sizeof(domain_sid)));
	assert_string_equal(odj_sid_string(mem, &sid), "S-1-5-21-1004336348-1177238915-682003330");
	assert_int_equal(sid.sub_auths[sid.num_auths - 1], 682003330);
	talloc_free(mem);
}

static void bad_sids_are_refused(void **state)
{
	(void)state;
	struct odj_sid sid;
	assert_false(odj_sid_from_binary(&sid, domain_sid, sizeof(domain_sid) - 1));
	assert_false(odj_sid_from_binary(&sid, domain_sid, 7));
	assert_false(odj_sid_from_binary(&sid, NULL, 0));
	uint8_t wrong_rev[sizeof(domain_sid)];
	memcpy(wrong_rev, domain_sid, sizeof(wrong_rev));
	wrong_rev[0] = 2;
	assert_false(odj_sid_from_binary(&sid, wrong_rev, sizeof(wrong_rev)));
	uint8_t too_many[8 + 4 * 16] = {1, 16};
	assert_false(odj_sid_from_binary(&sid, too_many, sizeof(too_many)));
}

static void guid_of_the_test_domain(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_guid g;
	odj_guid_from_wire(&g, domain_guid);
	assert_string_equal(odj_guid_string(mem, &g), "4b0d6f3e-5a1c-4f5e-9c61-2a7b8e0d0d01");
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(sid_of_the_test_domain),
	cmocka_unit_test(bad_sids_are_refused),
	cmocka_unit_test(guid_of_the_test_domain),
)
