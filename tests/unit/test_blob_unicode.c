/*
 * Passwords and names: the password's UTF-8 form for key derivation
 * (unpaired surrogates become U+FFFD, as the KDC does), UTF-8 to UTF-16,
 * GUID/SID text, DC flag names, and a blob built from scratch with
 * non-ASCII names going through encode and decode.
 */
#include "test_blob_util.h"

#include <odj/blob.h>
#include <odj/odj.h>

#include "unit_ctx.h"

static struct odj_secret *units(TALLOC_CTX *mem, const uint16_t *u, size_t n)
{
	struct odj_secret *s = odj_secret_new(mem, n * 2);
	for (size_t i = 0; i < n; i++) {
		odj_secret_data(s)[2 * i] = (uint8_t)u[i];
		odj_secret_data(s)[2 * i + 1] = (uint8_t)(u[i] >> 8);
	}
	return s;
}

static void expect_utf8(struct odj_ctx *ctx, const uint16_t *u, size_t n, const char *want)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_secret *out;
	assert_int_equal(odj_password_utf8(ctx, mem, units(mem, u, n), &out), ODJ_OK);
	assert_int_equal(odj_secret_len(out), strlen(want));
	assert_memory_equal(odj_secret_data(out), want, strlen(want));
	assert_int_equal(odj_secret_data(out)[odj_secret_len(out)], 0);
	talloc_free(mem);
}

static void password_utf8_replaces_unpaired_surrogates(void **state)
{
	struct unit_ctx *u = *state;
	const uint16_t ascii[] = {'w', 'u', 'r', 's', 't', '2'};
	expect_utf8(u->ctx, ascii, 6, "wurst2");
	/* "Päss€-𝄞-日本-1": BMP, a surrogate pair, CJK (prepare-probes.md 5). */
	const uint16_t mixed[] = {'P', 0xE4, 's', 's', 0x20AC, '-', 0xD834, 0xDD1E,
				  '-', 0x65E5, 0x672C, '-', '1'};
	expect_utf8(u->ctx, mixed, 13, "P\xC3\xA4ss\xE2\x82\xAC-\xF0\x9D\x84\x9E-\xE6\x97\xA5\xE6\x9C\xAC-1");
	/* D800 followed by a letter, then a lone DC00: each becomes EF BF BD. */
	const uint16_t unpaired[] = {0xD800, 'a', 0xDC00};
	expect_utf8(u->ctx, unpaired, 3, "\xEF\xBF\xBD" "a" "\xEF\xBF\xBD");
	const uint16_t high_at_end[] = {'x', 0xDBFF};
	expect_utf8(u->ctx, high_at_end, 2, "x\xEF\xBF\xBD");
	const uint16_t reversed_pair[] = {0xDC00, 0xD800};
	expect_utf8(u->ctx, reversed_pair, 2, "\xEF\xBF\xBD\xEF\xBF\xBD");
	const uint16_t edges[] = {0x7F, 0x80, 0x7FF, 0x800, 0xFFFF};
	expect_utf8(u->ctx, edges, 5, "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
	expect_utf8(u->ctx, edges, 0, "");

	struct odj_secret *odd = odj_secret_dup(u->mem, "abc", 3), *out;
	assert_int_equal(odj_password_utf8(u->ctx, u->mem, odd, &out), ODJ_E_INPUT);
	assert_int_equal(odj_error_get(u->ctx)->status, ODJ_ERROR_INVALID_PASSWORD);
}

static void password_utf16_from_utf8(void **state)
{
	struct unit_ctx *u = *state;
	const char *pw = "P\xC3\xA4ss\xE2\x82\xAC-\xF0\x9D\x84\x9E";
	struct odj_secret *u16, *back;
	assert_int_equal(odj_password_utf16(u->ctx, u->mem, pw, strlen(pw), &u16), ODJ_OK);
	const uint16_t want[] = {'P', 0xE4, 's', 's', 0x20AC, '-', 0xD834, 0xDD1E};
	assert_true(odj_secret_equal(u16, units(u->mem, want, 8)));
	assert_int_equal(odj_password_utf8(u->ctx, u->mem, u16, &back), ODJ_OK);
	assert_string_equal((const char *)odj_secret_data(back), pw);
	static const char *const bad[] = {"\xC3(", "\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80",
					  "a\xE2\x82"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(odj_password_utf16(u->ctx, u->mem, bad[i], strlen(bad[i]), &u16),
				 ODJ_E_INPUT);
		assert_int_equal(odj_error_get(u->ctx)->status, ODJ_ERROR_INVALID_PASSWORD);
	}
	assert_int_equal(odj_password_utf16(u->ctx, u->mem, "a\0b", 3, &u16), ODJ_E_INPUT);
}

static void guid_sid_and_flags_text(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_guid g;
	assert_true(odj_guid_parse("{631C7621-5289-4321-BC9E-80F843F868C3}", &g));
	assert_true(odj_guid_equal(&g, &odj_guid_join_provider));
	assert_string_equal(odj_guid_string(mem, &g), "631c7621-5289-4321-bc9e-80f843f868c3");
	assert_int_equal(odj_part_kind_of(&g), ODJ_PART_JOIN_PROVIDER);
	assert_string_equal(odj_part_kind_name(odj_part_kind_of(&odj_guid_policy_provider)),
			    "POLICY_PROVIDER");
	assert_false(odj_guid_parse("631c7621-5289-4321-bc9e-80f843f868c", &g));
	assert_false(odj_guid_parse("631c7621+5289-4321-bc9e-80f843f868c3", &g));
	assert_false(odj_guid_parse("631c7621-5289-4321-bc9e-80f843f868cg", &g));

	struct odj_sid sid;
	assert_true(odj_sid_parse("S-1-5-21-1004336348-1177238915-682003330-1103", &sid));
	assert_int_equal(sid.num_auths, 5);
	assert_int_equal(sid.id_auth[5], 5);
	assert_int_equal(sid.sub_auths[4], 1103);
	assert_string_equal(odj_sid_string(mem, &sid),
			    "S-1-5-21-1004336348-1177238915-682003330-1103");
	assert_false(odj_sid_parse("S-1-5-21-4294967296", &sid));
	assert_false(odj_sid_parse("S-1-5-", &sid));
	assert_false(odj_sid_parse("S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16", &sid));
	assert_false(odj_sid_parse("X-1-5", &sid));

	assert_string_equal(odj_dc_flags_string(mem, 0xe00013fd),
			    "PDC|GC|LDAP|DS|KDC|TIMESERV|CLOSEST|WRITABLE|GOOD_TIMESERV|"
			    "FULL_SECRET_DOMAIN_6|DNS_CONTROLLER|DNS_DOMAIN|DNS_FOREST");
	assert_string_equal(odj_dc_flags_string(mem, 0x00100002), "0x00100002");
	assert_string_equal(odj_dc_flags_string(mem, 0), "");
	talloc_free(mem);
}

/* A blob as a provisioner builds it: names in UTF-8, MaximumLength left to the encoder. */
static void built_model_round_trips(void **state)
{
	struct unit_ctx *u = *state;
	struct odj_win7blob *w = talloc_zero(u->mem, struct odj_win7blob);
	w->domain = talloc_strdup(w, "r\xC3\xA9seau.test");
	w->machine_name = talloc_strdup(w, "PC-\xE6\x97\xA5");
	const char *pw = "p\xF0\x9D\x84\x9Ew";
	assert_int_equal(odj_password_utf16(u->ctx, w, pw, strlen(pw), &w->machine_password), ODJ_OK);
	w->dns_domain_info.name.value = talloc_strdup(w, "RESEAU");
	w->dns_domain_info.dns_domain_name.value = w->domain;
	w->dns_domain_info.dns_forest_name.value = w->domain;
	w->dns_domain_info.sid = talloc_zero(w, struct odj_sid);
	assert_true(odj_sid_parse("S-1-5-21-1-2-3", w->dns_domain_info.sid));
	w->dc_info.dc_name = talloc_strdup(w, "\\\\dc1.r\xC3\xA9seau.test");
	w->dc_info.dc_address = talloc_strdup(w, "\\\\::1");
	w->dc_info.dc_address_type = ODJ_DS_INET_ADDRESS;
	w->dc_info.dc_site_name = talloc_strdup(w, "Z\xC3\xBCrich");
	struct odj_joinprov3 *j3 = talloc_zero(u->mem, struct odj_joinprov3);
	j3->rid = 1200;
	j3->sid = talloc_strdup(j3, "S-1-5-21-1-2-3-1200");
	struct odj_part parts[2] = {
		{.type = odj_guid_join_provider, .kind = ODJ_PART_JOIN_PROVIDER,
		 .flags = ODJ_PART_FLAG_ESSENTIAL, .u.win7 = w},
		{.type = odj_guid_join_provider3, .kind = ODJ_PART_JOIN_PROVIDER3, .u.jp3 = j3},
	};
	struct odj_part_collection coll = {.count = 2, .parts = parts};
	struct odj_package pkg = {.collection = &coll};
	struct odj_blob_entry blobs[2] = {{.format = ODJ_WIN7_FORMAT, .win7 = w},
					  {.format = ODJ_WIN8_FORMAT, .package = &pkg}};
	struct odj_provision prov = {.version = 1, .count = 2, .blobs = blobs};

	struct odj_secret *file;
	struct odj_provision *back;
	assert_int_equal(odj_blob_save(u->ctx, u->mem, &prov, NULL, &file), ODJ_OK);
	assert_int_equal(odj_blob_load(u->ctx, u->mem, odj_secret_data(file), odj_secret_len(file), &back),
			 ODJ_OK);
	const struct odj_win7blob *b = odj_provision_win7(back);
	assert_ptr_equal(b, back->blobs[0].win7);
	assert_int_equal(back->nwarnings, 0); /* the two copies agree */
	assert_string_equal(b->domain, w->domain);
	assert_string_equal(b->machine_name, w->machine_name);
	assert_true(odj_secret_equal(b->machine_password, w->machine_password));
	assert_string_equal(b->dns_domain_info.dns_domain_name.value, "r\xC3\xA9seau.test");
	/* 11 UTF-16 units: Length 22, MaximumLength Length + 2 as Windows and Samba write. */
	assert_int_equal(b->dns_domain_info.dns_domain_name.maximum_length, 24);
	assert_string_equal(b->dc_info.dc_site_name, "Z\xC3\xBCrich");
	assert_null(b->dc_info.client_site_name);
	assert_null(b->dc_info.domain_name);
	assert_int_equal(odj_provision_joinprov3(back)->rid, 1200);
	assert_int_equal(b->wire_style, ODJ_REFERENTS_SAMBA);

	/* Invalid UTF-8 in a name cannot be encoded. */
	w->machine_name = talloc_strdup(w, "PC\xFF");
	struct odj_secret *ndr = (void *)u->mem;
	assert_int_equal(odj_blob_encode(u->ctx, u->mem, &prov, NULL, &ndr), ODJ_E_INPUT);
	assert_int_equal(odj_error_get(u->ctx)->status, ODJ_NERR_CantCreateJoinInfo);
	assert_null(ndr);
}

/* The decoder says so when the two copies of the ODJ_WIN7BLOB disagree. */
static void copies_that_differ_are_reported(void **state)
{
	struct unit_ctx *u = *state;
	size_t len;
	uint8_t *bin = vec_file(u->mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin", &len);
	struct odj_provision *prov, *back;
	assert_int_equal(odj_blob_decode(u->ctx, u->mem, bin, len, &prov), ODJ_OK);
	struct odj_win7blob *copy = prov->blobs[1].package->collection->parts[0].u.win7;
	copy->machine_name = talloc_strdup(copy, "OTHER001");
	struct odj_secret *ndr;
	assert_int_equal(odj_blob_encode(u->ctx, u->mem, prov, NULL, &ndr), ODJ_OK);
	assert_int_equal(odj_blob_decode(u->ctx, u->mem, odj_secret_data(ndr), odj_secret_len(ndr), &back),
			 ODJ_OK);
	assert_int_equal(back->nwarnings, 1);
	assert_non_null(strstr(back->warnings[0], "lpMachineName"));
	assert_string_equal(odj_provision_win7(back)->machine_name, "ODJCLI01");
}

UNIT_MAIN(
	CTX_TEST(password_utf8_replaces_unpaired_surrogates),
	CTX_TEST(password_utf16_from_utf8),
	cmocka_unit_test(guid_sid_and_flags_text),
	CTX_TEST(built_model_round_trips),
	CTX_TEST(copies_that_differ_are_reported),
)
