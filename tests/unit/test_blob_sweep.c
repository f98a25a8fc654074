/*
 * Exhaustive damage sweeps (run under ASan+UBSan in the sanitizer build):
 * all 255 other values at every byte offset of the Samba 4.17 vector, and
 * every truncation of every vector in all three forms (.bin, .odj, .txt).
 * Each input must either decode or fail cleanly: ODJ_E_INPUT, a blob
 * status, a message, and no output.  Each damaged copy is a buffer of its
 * own exact size, so a read past its end is a sanitizer report.
 */
#include "test_blob_util.h"

#include <odj/blob.h>
#include <odj/odj.h>

static const char *const vectors[] = {
	"odj-part-ODJCLI02",
	"samba-4.17-net-offlinejoin-ODJCLI01",
	"samba-net-offlinejoin-tranquilit-test-al1",
	"synthetic-bad-ulversion-2",
	"synthetic-extra-parts",
	"synthetic-package-only",
	"synthetic-policy-and-cert-parts",
	"synthetic-win7-format-only",
	"windows-2019-djoin-defpwd-samba-torture",
	"windows-djoin-tranquilit-TESTSF88",
};

struct tally {
	size_t decoded, rejected;
};

static void clean_outcome(struct odj_ctx *ctx, odj_result r, const struct odj_provision *prov,
			  struct tally *t)
{
	if (r == ODJ_OK) {
		assert_non_null(prov);
		assert_true(prov->count >= 1 && prov->count <= ODJ_BLOB_MAX_ITEMS);
		t->decoded++;
		return;
	}
	const struct odj_error *e = odj_error_get(ctx);
	assert_int_equal(r, ODJ_E_INPUT);
	assert_null(prov);
	assert_non_null(e->message);
	assert_true(e->status == ODJ_NERR_BadOfflineJoinInfo ||
		    e->status == ODJ_NERR_ProvisioningBlobUnsupported ||
		    e->status == ODJ_NERR_NoOfflineJoinInfo);
	odj_error_clear(ctx);
	t->rejected++;
}

static void all_values_at_every_offset(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	const uint8_t *orig = vec_file(mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin", &len);
	uint8_t *b = talloc_memdup(mem, orig, len); /* exactly len bytes */
	struct tally t = {0};
	for (size_t i = 0; i < len; i++) {
		for (unsigned v = 0; v < 256; v++) {
			if (v == orig[i])
				continue;
			b[i] = (uint8_t)v;
			TALLOC_CTX *tmp = talloc_new(mem);
			struct odj_provision *prov = (void *)tmp;
			odj_result r = odj_blob_decode(ctx, tmp, b, len, &prov);
			clean_outcome(ctx, r, prov, &t);
			talloc_free(tmp);
		}
		b[i] = orig[i];
	}
	assert_int_equal(t.decoded + t.rejected, len * 255);
	print_message("%zu offsets x 255 values: %zu decoded, %zu rejected cleanly\n", len,
		      t.decoded, t.rejected);
	/* Names, GUIDs, flags and padding take any value; lengths, counts and headers do not. */
	assert_true(t.rejected > 0 && t.decoded > 0);
	talloc_free(mem);
}

static void every_truncation_of_every_vector(void **state)
{
	(void)state;
	static const char *const forms[] = {"bin", "odj", "txt"};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct tally t = {0};
	size_t total = 0;
	for (size_t k = 0; k < sizeof(vectors) / sizeof(vectors[0]); k++) {
		for (size_t f = 0; f < 3; f++) {
			size_t len;
			const char *name = talloc_asprintf(mem, "%s.%s", vectors[k], forms[f]);
			const uint8_t *whole = vec_file(mem, name, &len);
			for (size_t cut = 0; cut < len; cut++) {
				TALLOC_CTX *tmp = talloc_new(mem);
				uint8_t *part = talloc_memdup(tmp, whole, cut ? cut : 1);
				struct odj_provision *prov = (void *)tmp;
				odj_result r = f == 0 ? odj_blob_decode(ctx, tmp, part, cut, &prov)
						      : odj_blob_load(ctx, tmp, part, cut, &prov);
				/* NDR bytes cut short never decode: the header's length says so. */
				if (f == 0)
					assert_int_equal(r, ODJ_E_INPUT);
				clean_outcome(ctx, r, prov, &t);
				talloc_free(tmp);
			}
			total += len;
		}
	}
	assert_int_equal(t.decoded + t.rejected, total);
	print_message("%zu truncations of %zu vectors (.bin, .odj, .txt): %zu decoded, %zu "
		      "rejected cleanly\n",
		      total, sizeof(vectors) / sizeof(vectors[0]), t.decoded, t.rejected);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_values_at_every_offset),
		cmocka_unit_test(every_truncation_of_every_vector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
