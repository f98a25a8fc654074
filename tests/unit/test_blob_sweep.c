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

#include "unit_main.h"

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
	/* decoded: the changed byte is in the model / is padding / made a pointer's referent */
	size_t meaningful, ignored, referent;
};

/* The NDR bytes of a decoded model (fails the test if it cannot be encoded). */
static struct odj_secret *reencode(struct odj_ctx *ctx, TALLOC_CTX *mem,
				   const struct odj_provision *prov)
{
	struct odj_secret *ndr = NULL;
	if (odj_blob_encode(ctx, mem, prov, NULL, &ndr) != ODJ_OK)
		fail_msg("a decoded blob does not encode again: %s", odj_error_format(mem, ctx));
	return ndr;
}

static bool same_bytes(const struct odj_secret *s, const uint8_t *b, size_t len)
{
	return odj_secret_len(s) == len && memcmp(odj_secret_data(s), b, len) == 0;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * A pointer's referent id is opaque in NDR: any non-zero value means
 * "present", and the encoder numbers its own (0x0002xxxx).  True if the
 * re-encoding differs from the damaged bytes only in such words.
 */
static bool only_referents_differ(const struct odj_secret *again, const uint8_t *b, size_t len)
{
	const uint8_t *e = odj_secret_data(again);
	if (odj_secret_len(again) != len)
		return false;
	for (size_t w = 0; w + 4 <= len; w += 4)
		if (memcmp(e + w, b + w, 4) != 0 && ((le32(e + w) >> 16) != 0x0002 || le32(b + w) == 0))
			return false;
	return true;
}

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
	struct odj_provision *base;
	assert_int_equal(odj_blob_decode(ctx, mem, orig, len, &base), ODJ_OK);
	assert_true(same_bytes(reencode(ctx, mem, base), orig, len));
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
			if (r == ODJ_OK) {
				/*
				 * Decoded damage is accepted only for what it is: the
				 * model, encoded again, gives the damaged bytes (a name,
				 * GUID or flag took the new value), the original ones (the
				 * byte was padding), or the damaged ones with the encoder's
				 * own referent ids (a NULL pointer made present).  Anything
				 * else was misread.
				 */
				struct odj_secret *again = reencode(ctx, tmp, prov);
				if (same_bytes(again, b, len))
					t.meaningful++;
				else if (same_bytes(again, orig, len))
					t.ignored++;
				else if (only_referents_differ(again, b, len))
					t.referent++;
				else
					fail_msg("offset 0x%zx = 0x%02x decodes to a model that is "
						 "neither the damaged nor the original blob",
						 i, v);
			}
			talloc_free(tmp);
		}
		b[i] = orig[i];
	}
	assert_int_equal(t.decoded + t.rejected, len * 255);
	assert_int_equal(t.meaningful + t.ignored + t.referent, t.decoded);
	print_message("%zu offsets x 255 values: %zu decoded (%zu as a changed value, %zu as "
		      "padding, %zu as a pointer made present), %zu rejected cleanly\n",
		      len, t.decoded, t.meaningful, t.ignored, t.referent, t.rejected);
	/* Names, GUIDs, flags and padding take any value; lengths, counts and headers do not. */
	assert_true(t.rejected > 0 && t.meaningful > 0);
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
	size_t n_vectors = 0;
	for (size_t k = 0; k < sizeof(vectors) / sizeof(vectors[0]); k++) {
		/* The vector's own model, as NDR: what a decoded cut must still be. */
		size_t blen;
		const uint8_t *bin = vec_file(mem, talloc_asprintf(mem, "%s.bin", vectors[k]), &blen);
		n_vectors++;
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
				/* A text form decodes cut only where nothing but its tail of
				 * white space was lost: the same blob, byte for byte. */
				if (r == ODJ_OK) {
					struct odj_provision *full;
					assert_int_equal(odj_blob_decode(ctx, tmp, bin, blen, &full), ODJ_OK);
					struct odj_secret *want = reencode(ctx, tmp, full);
					if (!same_bytes(reencode(ctx, tmp, prov), odj_secret_data(want),
							odj_secret_len(want)))
						fail_msg("%s cut to %zu bytes decodes to another blob", name,
							 cut);
					t.ignored++;
				}
				talloc_free(tmp);
			}
			total += len;
		}
	}
	assert_int_equal(n_vectors, 10);
	assert_int_equal(t.decoded + t.rejected, total);
	assert_int_equal(t.ignored, t.decoded);
	print_message("%zu truncations of %zu vectors (.bin, .odj, .txt): %zu decoded, %zu "
		      "rejected cleanly\n",
		      total, sizeof(vectors) / sizeof(vectors[0]), t.decoded, t.rejected);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(all_values_at_every_offset),
	cmocka_unit_test(every_truncation_of_every_vector),
)
