/*
 * Every copy of the machine password the codec makes (the file bytes, the
 * base64 text, the NDR bytes, both decoded copies, the encoder's streams,
 * the UTF-8 form) is wiped when freed.  The whole round trip runs inside a
 * talloc pool, whose memory stays allocated after the free, so the test
 * can search all of it for any form of the password afterwards.
 */
#include "test_blob_util.h"

#include <odj/blob.h>
#include <odj/odj.h>

#include "unit_main.h"

#define POOL_SIZE (1u << 20)
#define VEC "samba-4.17-net-offlinejoin-ODJCLI01"

static bool contains(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++) {
		if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
			return true;
	}
	return false;
}

/* The 32 base64 characters that encode password bytes only, in ASCII and in UTF-16LE. */
static void password_base64(TALLOC_CTX *mem, const uint8_t *bin, size_t bin_len,
			    const uint8_t *pw, size_t pw_len, uint8_t **ascii, uint8_t **utf16)
{
	size_t at = 0;
	assert_true(pw_len >= 64);
	for (at = 0; at + pw_len <= bin_len && memcmp(bin + at, pw, pw_len) != 0; at++)
		;
	assert_true(at + pw_len <= bin_len);
	size_t txt_len;
	uint8_t *txt = vec_file(mem, VEC ".txt", &txt_len);
	size_t c = (at + 2) / 3 * 4; /* first character group wholly inside the password */
	*ascii = talloc_memdup(mem, txt + c, 32);
	*utf16 = talloc_zero_size(mem, 64);
	for (size_t i = 0; i < 32; i++)
		(*utf16)[2 * i] = (*ascii)[i];
}

static void every_copy_is_wiped(void **state)
{
	(void)state;
	TALLOC_CTX *keep = talloc_new(NULL);
	size_t bin_len, n;
	uint8_t *bin = vec_file(keep, VEC ".bin", &bin_len);
	/* The password as the vector's .md gives it (UTF-16LE, then UTF-8). */
	uint8_t *pw16 = unhex(keep,
			      "8ebfe9ed0a3bc06887664b25af778873f1b9af2c4000f73643a73dbf9efd0ffd"
			      "fcb3152b59fecfaa0c2e3bec8ae0572a4ebac730c1fa47678ead44fd183726fc",
			      &n);
	uint8_t *pw8 = unhex(keep, "ebbe8eeeb7a9e3ac8ae6a380e69a87e2958be79eafe78e88eba7b1e2b2af40e3",
			     &n);
	assert_int_equal(n, 32);
	uint8_t *b64, *b64_16;
	password_base64(keep, bin, bin_len, pw16, 64, &b64, &b64_16);
	char *path = talloc_asprintf(keep, "%s/%s.odj", getenv("ODJ_TESTDATA"), VEC);

	uint8_t *pool = talloc_pool(NULL, POOL_SIZE);
	assert_non_null(pool);
	TALLOC_CTX *mem = talloc_new(pool);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_secret *file, *ndr, *text, *out, *utf8;
	struct odj_provision *prov;
	assert_int_equal(odj_blob_read_file(ctx, mem, path, &file), ODJ_OK);
	assert_int_equal(odj_blob_load(ctx, mem, odj_secret_data(file), odj_secret_len(file), &prov),
			 ODJ_OK);
	assert_int_equal(odj_blob_text_decode(ctx, mem, odj_secret_data(file),
					      odj_secret_len(file), &ndr),
			 ODJ_OK);
	assert_int_equal(odj_blob_base64_encode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr),
						&text),
			 ODJ_OK);
	assert_int_equal(odj_blob_save(ctx, mem, prov, NULL, &out), ODJ_OK);
	assert_int_equal(odj_password_utf8(ctx, mem, odj_provision_win7(prov)->machine_password,
					   &utf8),
			 ODJ_OK);

	/* While alive, the pool does hold every form: the search can see them. */
	assert_true(contains(pool, POOL_SIZE / 2, pw16, 64));
	assert_true(contains(pool, POOL_SIZE / 2, pw8, 32));
	assert_true(contains(pool, POOL_SIZE / 2, b64, 32));
	assert_true(contains(pool, POOL_SIZE / 2, b64_16, 64));

	talloc_free(mem);
	assert_false(contains(pool, POOL_SIZE / 2, pw16, 64));
	assert_false(contains(pool, POOL_SIZE / 2, pw8, 32));
	assert_false(contains(pool, POOL_SIZE / 2, b64, 32));
	assert_false(contains(pool, POOL_SIZE / 2, b64_16, 64));
	talloc_free(pool);
	talloc_free(keep);
}

/*
 * Opaque bytes the decoder copies out (a PFX store's PKCS#12, with its
 * private key) are wiped too: a blob whose PFX holds 96 marked bytes is
 * decoded and freed inside a pool, which must not hold them afterwards.
 */
static void opaque_pfx_bytes_are_wiped(void **state)
{
	(void)state;
	TALLOC_CTX *keep = talloc_new(NULL);
	struct odj_ctx *kctx = odj_ctx_new(keep);
	size_t bin_len;
	uint8_t *bin = vec_file(keep, "synthetic-policy-and-cert-parts.bin", &bin_len);
	struct odj_provision *prov;
	assert_int_equal(odj_blob_decode(kctx, keep, bin, bin_len, &prov), ODJ_OK);
	uint8_t marked[96];
	for (size_t i = 0; i < sizeof(marked); i++)
		marked[i] = (uint8_t)(0xA5 ^ (i * 7));
	size_t stores = 0;
	for (uint32_t b = 0; b < prov->count; b++) {
		struct odj_package *pkg = prov->blobs[b].package;
		for (uint32_t i = 0; pkg && pkg->collection && i < pkg->collection->count; i++) {
			struct odj_part *part = &pkg->collection->parts[i];
			for (uint32_t k = 0; part->kind == ODJ_PART_CERT && k < part->u.cert->pfx_count;
			     k++, stores++) {
				struct odj_bytes *pfx = &part->u.cert->pfx[k].pfx;
				pfx->data = talloc_memdup(keep, marked, sizeof(marked));
				pfx->len = sizeof(marked);
				pfx->present = true;
			}
		}
	}
	assert_int_equal(stores, 1);
	struct odj_secret *ndr;
	assert_int_equal(odj_blob_encode(kctx, keep, prov, NULL, &ndr), ODJ_OK);

	uint8_t *pool = talloc_pool(NULL, POOL_SIZE);
	assert_non_null(pool);
	TALLOC_CTX *mem = talloc_new(pool);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *again;
	assert_int_equal(odj_blob_decode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), &again),
			 ODJ_OK);
	assert_true(contains(pool, POOL_SIZE / 2, marked, sizeof(marked)));
	talloc_free(mem);
	assert_false(contains(pool, POOL_SIZE / 2, marked, sizeof(marked)));
	talloc_free(pool);
	talloc_free(keep);
}

/* The same after a failed decode: the damage is after the password. */
static void failed_decode_wipes_too(void **state)
{
	(void)state;
	TALLOC_CTX *keep = talloc_new(NULL);
	size_t bin_len, n;
	uint8_t *bin = vec_file(keep, VEC ".bin", &bin_len);
	uint8_t *pw16 = unhex(keep, "8ebfe9ed0a3bc06887664b25af778873f1b9af2c4000f73643a73dbf9efd0ffd",
			      &n);
	/* lpSid of JOINPROV3, the last part: both password copies are decoded before it. */
	static const char sid[] = "S-1-5-21-1004336348-1177238915-682003330-1103";
	uint8_t sid16[2 * sizeof(sid)] = {0};
	for (size_t i = 0; i < sizeof(sid) - 1; i++)
		sid16[2 * i] = (uint8_t)sid[i];
	size_t at = 0;
	while (at + sizeof(sid16) <= bin_len && memcmp(bin + at, sid16, sizeof(sid16)) != 0)
		at++;
	assert_true(at + sizeof(sid16) <= bin_len);
	memset(bin + at - 4, 0, 4); /* actual_count 0: no terminating NUL */
	uint8_t *pool = talloc_pool(NULL, POOL_SIZE);
	TALLOC_CTX *mem = talloc_new(pool);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_secret *file;
	struct odj_provision *prov;
	assert_int_equal(odj_blob_text_encode(ctx, mem, bin, bin_len, &file), ODJ_OK);
	assert_int_equal(odj_blob_load(ctx, mem, odj_secret_data(file), odj_secret_len(file), &prov),
			 ODJ_E_INPUT);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_NERR_BadOfflineJoinInfo);
	assert_non_null(strstr(odj_error_get(ctx)->detail, "lpSid"));
	talloc_free(mem);
	assert_false(contains(pool, POOL_SIZE / 2, pw16, 32));
	talloc_free(pool);
	talloc_free(keep);
}

UNIT_MAIN(
	cmocka_unit_test(every_copy_is_wiped),
	cmocka_unit_test(failed_decode_wipes_too),
	cmocka_unit_test(opaque_pfx_bytes_are_wiped),
)
