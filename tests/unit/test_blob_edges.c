/*
 * The decoder's bounds, each hit by an input of exactly the wrong size: one
 * byte more than what remains, a string one unit longer than its declared
 * size.  Each is refused with NERR_BadOfflineJoinInfo (0xA96) and a detail
 * that says what did not fit; the same input one byte/unit smaller is read.
 */
#include "test_blob_util.h"

#include <odj/blob.h>
#include <odj/odj.h>

#include "ndr.h"
#include "unit_ctx.h"

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The last call failed with 0xA96 and its detail holds want. */
static void assert_refused(struct odj_ctx *ctx, TALLOC_CTX *mem, odj_result r, const char *want)
{
	const struct odj_error *e = odj_error_get(ctx);
	if (r != ODJ_E_INPUT || e->status != 0xA96)
		fail_msg("expected 0xA96 naming '%s', got %d: %s", want, r,
			 odj_error_format(mem, ctx));
	assert_string_equal(odj_status_symbol(e->status), "NERR_BadOfflineJoinInfo");
	if (e->detail == NULL || strstr(e->detail, want) == NULL)
		fail_msg("the detail does not say '%s': %s", want, odj_error_format(mem, ctx));
	odj_error_clear(ctx);
}

/*
 * A stream of len bytes inside a larger buffer, so that reading one byte
 * past the stream's end does not leave the buffer: only the bounds check
 * can tell.
 */
static struct odj_ndr_pull stream_of(struct odj_ctx *ctx, const uint8_t *data, size_t len)
{
	return (struct odj_ndr_pull){.ctx = ctx, .data = data, .len = len, .depth = 1,
				     .what = "fixture"};
}

/* A conformant byte array [size_is(cb)] whose bytes stop one short of cb. */
static void byte_array_one_byte_longer_than_what_remains(void **state)
{
	struct unit_ctx *u = *state;
	uint8_t buf[64] = {0};
	const uint32_t remain = 7;
	for (uint32_t cb = remain - 1; cb <= remain + 1; cb++) {
		put_le32(buf, cb); /* max_count, then the bytes */
		struct odj_ndr_pull p = stream_of(u->ctx, buf, 4 + remain);
		const uint8_t *bytes = NULL;
		odj_result r = odj_ndr_pull_bytes_view(&p, cb, 1, "pContext", &bytes);
		if (cb <= remain) {
			if (r != ODJ_OK)
				fail_msg("%u bytes of %u: %s", cb, remain, odj_error_format(u->mem, u->ctx));
			assert_ptr_equal(bytes, buf + 4);
			assert_int_equal(p.off, 4 + cb);
		} else {
			assert_refused(u->ctx, u->mem, r, "needs 8 bytes, 7 left");
		}
	}
	/* The same limit for a raw read at the very end of a stream. */
	struct odj_ndr_pull p = stream_of(u->ctx, buf, 12);
	const uint8_t *b;
	assert_int_equal(odj_ndr_pull_raw(&p, 11, &b), ODJ_OK);
	assert_refused(u->ctx, u->mem, odj_ndr_pull_raw(&p, 2, &b), "needs 2 bytes, 1 left");
	assert_int_equal(odj_ndr_pull_raw(&p, 1, &b), ODJ_OK);
	assert_refused(u->ctx, u->mem, odj_ndr_pull_raw(&p, 1, &b), "needs 1 bytes, 0 left");
}

/* A [string] header (max, offset, actual) followed by actual UTF-16 units ending in NUL. */
static size_t string_fixture(uint8_t *buf, uint32_t max, uint32_t actual)
{
	put_le32(buf, max);
	put_le32(buf + 4, 0);
	put_le32(buf + 8, actual);
	for (uint32_t i = 0; i < actual; i++) {
		buf[12 + 2 * i] = i + 1 < actual ? (uint8_t)('a' + i) : 0;
		buf[12 + 2 * i + 1] = 0;
	}
	return 12 + 2 * (size_t)actual;
}

static void string_actual_count_over_max_count(void **state)
{
	struct unit_ctx *u = *state;
	uint8_t buf[128] = {0};
	const uint32_t n = 5;
	/* (n, 0, n): "abcd" */
	struct odj_ndr_pull p = stream_of(u->ctx, buf, string_fixture(buf, n, n));
	char *s = NULL;
	assert_int_equal(odj_ndr_pull_string(&p, u->mem, "lpDomain", &s), ODJ_OK);
	assert_string_equal(s, "abcd");
	/* (n-1, 0, n): one unit more than the declared size. */
	p = stream_of(u->ctx, buf, string_fixture(buf, n - 1, n));
	s = NULL;
	assert_refused(u->ctx, u->mem, odj_ndr_pull_string(&p, u->mem, "lpDomain", &s),
		       "lpDomain: string length 5 exceeds its size 4");
	assert_null(s);
	/* (n-2, 0, n) as well. */
	p = stream_of(u->ctx, buf, string_fixture(buf, n - 2, n));
	assert_refused(u->ctx, u->mem, odj_ndr_pull_string(&p, u->mem, "lpDomain", &s),
		       "lpDomain: string length 5 exceeds its size 3");
}

/* The same header in a real blob: the whole decoder refuses it and prints nothing of it. */
static void blob_with_string_header_n_minus_1_0_n(void **state)
{
	struct unit_ctx *u = *state;
	size_t len;
	uint8_t *b = vec_file(u->mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin", &len);
	struct odj_provision *prov;
	assert_int_equal(odj_blob_decode(u->ctx, u->mem, b, len, &prov), ODJ_OK);
	/* lpMachineName "ODJCLI01": (9, 0, 9) followed by "O\0D\0J\0C\0". */
	static const uint8_t units[8] = {'O', 0, 'D', 0, 'J', 0, 'C', 0};
	size_t found = 0;
	uint8_t *h = NULL;
	for (size_t i = 0; i + 20 <= len; i += 4)
		if (le32(b + i) == 9 && le32(b + i + 4) == 0 && le32(b + i + 8) == 9 &&
		    memcmp(b + i + 12, units, sizeof(units)) == 0) {
			h = b + i;
			found++;
		}
	assert_true(found >= 1);
	put_le32(h, 8);
	prov = (void *)u->mem;
	odj_result r = odj_blob_decode(u->ctx, u->mem, b, len, &prov);
	assert_null(prov);
	assert_refused(u->ctx, u->mem, r, "string length 9 exceeds its size 8");
}

UNIT_MAIN(
	CTX_TEST(byte_array_one_byte_longer_than_what_remains),
	CTX_TEST(string_actual_count_over_max_count),
	CTX_TEST(blob_with_string_header_n_minus_1_0_n),
)
