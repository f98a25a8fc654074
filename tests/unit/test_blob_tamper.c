/*
 * Hostile input: the hand-damaged fixtures of tests/vectors/tampered (each
 * with its exact status and the detail it must name), and every
 * single-byte change (three flips) of three synthetic vectors: each either
 * decodes and re-encodes, or fails cleanly with a blob status and no output.
 * The exhaustive sweeps (all values, all truncations) are in test_blob_sweep.c.
 */
#include "test_blob_util.h"

#include <json-c/json.h>

#include <odj/blob.h>
#include <odj/odj.h>

#include "unit_main.h"

static void tampered_fixtures(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t n;
	json_object *cases = json_tokener_parse((char *)vec_file(mem, "tampered/expect.json", &n));
	assert_non_null(cases);
	assert_true(json_object_array_length(cases) >= 10);
	for (size_t i = 0; i < json_object_array_length(cases); i++) {
		json_object *c = json_object_array_get_idx(cases, i), *file, *status, *detail;
		assert_true(json_object_object_get_ex(c, "file", &file));
		assert_true(json_object_object_get_ex(c, "status", &status));
		assert_true(json_object_object_get_ex(c, "detail", &detail));
		const char *name = json_object_get_string(file);
		uint8_t *bytes = vec_file(mem, talloc_asprintf(mem, "tampered/%s", name), &n);
		struct odj_ctx *ctx = odj_ctx_new(mem);
		struct odj_provision *prov = (void *)ctx;
		odj_result r = odj_blob_load(ctx, mem, bytes, n, &prov);
		const struct odj_error *e = odj_error_get(ctx);
		odj_status want = (odj_status)strtoul(json_object_get_string(status), NULL, 0);
		if (r != ODJ_E_INPUT || e->status != want)
			fail_msg("%s: result %d status 0x%X, expected 0x%X: %s", name, r, e->status,
				 want, odj_error_format(mem, ctx));
		assert_null(prov);
		assert_non_null(e->message);
		if (!json_object_is_type(detail, json_type_null)) {
			assert_non_null(e->detail);
			if (strstr(e->detail, json_object_get_string(detail)) == NULL)
				fail_msg("%s: detail '%s' lacks '%s'", name, e->detail,
					 json_object_get_string(detail));
		}
	}
	json_object_put(cases);
	talloc_free(mem);
}

static bool blob_status(odj_status st)
{
	return st == ODJ_NERR_BadOfflineJoinInfo || st == ODJ_NERR_ProvisioningBlobUnsupported ||
	       st == ODJ_NERR_NoOfflineJoinInfo;
}

static void decode_or_fail_cleanly(struct odj_ctx *ctx, const uint8_t *b, size_t len)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_provision *prov = (void *)mem;
	odj_result r = odj_blob_decode(ctx, mem, b, len, &prov);
	if (r == ODJ_OK) {
		assert_non_null(prov);
		/* Whatever decodes also encodes. */
		struct odj_secret *again;
		assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &again), ODJ_OK);
	} else {
		assert_int_equal(r, ODJ_E_INPUT);
		assert_null(prov);
		assert_true(blob_status(odj_error_get(ctx)->status));
	}
	talloc_free(mem);
}

static void every_byte_changed(void **state)
{
	(void)state;
	static const char *const names[] = {"synthetic-win7-format-only.bin",
					    "synthetic-policy-and-cert-parts.bin",
					    "synthetic-extra-parts.bin"};
	static const uint8_t flips[] = {0x01, 0x80, 0xFF};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t failures = 0, total = 0;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		size_t len;
		uint8_t *b = vec_file(mem, names[k], &len);
		for (size_t i = 0; i < len; i++) {
			for (size_t f = 0; f < sizeof(flips); f++) {
				b[i] ^= flips[f];
				decode_or_fail_cleanly(ctx, b, len);
				failures += odj_error_get(ctx)->result != ODJ_OK;
				odj_error_clear(ctx);
				b[i] ^= flips[f];
				total++;
			}
		}
	}
	/* Many changes hit a checked field; changes in values, names and padding do not. */
	print_message("%zu of %zu single-byte changes rejected\n", failures, total);
	assert_true(failures > total / 10 && failures < total);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(tampered_fixtures),
	cmocka_unit_test(every_byte_changed),
)
