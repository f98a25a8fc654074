/*
 * The file and text layer: the encodings a reader accepts (format note
 * 1.3, more lenient than Samba), the ones it rejects, and the writer's
 * exact form.  Every accepted variant of the ODJCLI01 text must give the
 * .bin bytes.
 */
#include "test_blob_util.h"

#include <odj/blob.h>
#include <odj/odj.h>

#include "unit_main.h"

#define VEC "samba-4.17-net-offlinejoin-ODJCLI01"

struct fixture {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	uint8_t *bin, *txt;
	size_t bin_len, txt_len;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);
	f->mem = f;
	f->ctx = odj_ctx_new(f);
	f->bin = vec_file(f, VEC ".bin", &f->bin_len);
	f->txt = vec_file(f, VEC ".txt", &f->txt_len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

/* Builds bytes: optional prefix, then each text byte as 1 byte or 2 (UTF-16LE/BE), suffix. */
static uint8_t *encode_as(struct fixture *f, const char *prefix, size_t prefix_len,
			  const uint8_t *text, size_t n, int width, bool big_endian,
			  const char *suffix, size_t suffix_len, size_t *out_len)
{
	uint8_t *b = talloc_zero_size(f->mem, prefix_len + n * 2 + suffix_len + 1);
	size_t pos = 0;
	memcpy(b, prefix, prefix_len);
	pos = prefix_len;
	for (size_t i = 0; i < n; i++) {
		if (width == 2 && big_endian)
			b[pos++] = 0;
		b[pos++] = text[i];
		if (width == 2 && !big_endian)
			b[pos++] = 0;
	}
	memcpy(b + pos, suffix, suffix_len);
	*out_len = pos + suffix_len;
	return b;
}

static void expect_bin(struct fixture *f, const uint8_t *file, size_t len, const char *what)
{
	struct odj_secret *ndr;
	odj_result r = odj_blob_text_decode(f->ctx, f->mem, file, len, &ndr);
	if (r != ODJ_OK)
		fail_msg("%s: %s", what, odj_error_format(f->mem, f->ctx));
	assert_int_equal(odj_secret_len(ndr), f->bin_len);
	assert_memory_equal(odj_secret_data(ndr), f->bin, f->bin_len);
}

static void expect_status(struct fixture *f, const uint8_t *file, size_t len, odj_status st,
			  const char *detail)
{
	struct odj_secret *ndr = (void *)f;
	assert_int_equal(odj_blob_text_decode(f->ctx, f->mem, file, len, &ndr), ODJ_E_INPUT);
	assert_null(ndr);
	assert_int_equal(odj_error_get(f->ctx)->status, st);
	if (detail != NULL)
		assert_non_null(strstr(odj_error_get(f->ctx)->detail, detail));
}

static void accepted_encodings(void **state)
{
	struct fixture *f = *state;
	size_t len;
	uint8_t *b;
	b = encode_as(f, "\xFF\xFE", 2, f->txt, f->txt_len, 2, false, "\0\0", 2, &len);
	expect_bin(f, b, len, "BOM + UTF-16LE + NUL");
	b = encode_as(f, "\xFF\xFE", 2, f->txt, f->txt_len, 2, false, "", 0, &len);
	expect_bin(f, b, len, "BOM + UTF-16LE");
	b = encode_as(f, "", 0, f->txt, f->txt_len, 2, false, "\0\0", 2, &len);
	expect_bin(f, b, len, "UTF-16LE without BOM");
	b = encode_as(f, "", 0, f->txt, f->txt_len, 1, false, "", 0, &len);
	expect_bin(f, b, len, "ASCII");
	b = encode_as(f, "", 0, f->txt, f->txt_len, 1, false, "\r\n", 2, &len);
	expect_bin(f, b, len, "ASCII + CRLF");
	b = encode_as(f, "\xEF\xBB\xBF", 3, f->txt, f->txt_len, 1, false, "\n", 1, &len);
	expect_bin(f, b, len, "UTF-8 BOM + ASCII");
	/* Wrapped every 76 characters with CRLF: Samba truncates here, odj does not. */
	uint8_t *wrapped = talloc_zero_size(f->mem, f->txt_len * 2);
	size_t w = 0;
	for (size_t i = 0; i < f->txt_len; i++) {
		wrapped[w++] = f->txt[i];
		if (i % 76 == 75) {
			wrapped[w++] = '\r';
			wrapped[w++] = '\n';
		}
	}
	expect_bin(f, wrapped, w, "wrapped at 76");
	b = encode_as(f, "\xFF\xFE", 2, wrapped, w, 2, false, "\0\0", 2, &len);
	expect_bin(f, b, len, "wrapped UTF-16LE");
}

static void rejected_encodings(void **state)
{
	struct fixture *f = *state;
	size_t len;
	uint8_t *b;
	b = encode_as(f, "\xFE\xFF", 2, f->txt, f->txt_len, 2, true, "\0\0", 2, &len);
	expect_status(f, b, len, ODJ_NERR_BadOfflineJoinInfo, "big-endian");
	b = encode_as(f, "\xFF\xFE", 2, f->txt, f->txt_len, 2, false, "\0", 1, &len);
	expect_status(f, b, len, ODJ_NERR_BadOfflineJoinInfo, "half a character");
	b = encode_as(f, "", 0, f->txt, f->txt_len, 1, false, "\xC3\xA9", 2, &len);
	expect_status(f, b, len, ODJ_NERR_BadOfflineJoinInfo, "U+00C3 is not base64");
	b = encode_as(f, "", 0, f->txt, f->txt_len, 1, false, "-", 1, &len);
	expect_status(f, b, len, ODJ_NERR_BadOfflineJoinInfo, "U+002D is not base64");
	b = encode_as(f, "", 0, f->txt, f->txt_len - 2, 1, false, "=", 1, &len);
	expect_status(f, b, len, ODJ_NERR_BadOfflineJoinInfo, "cannot be base64");
	b = encode_as(f, "", 0, (const uint8_t *)"QUJD=", 5, 1, false, "", 0, &len);
	expect_status(f, b, len, ODJ_NERR_BadOfflineJoinInfo, "cannot be base64");
	b = encode_as(f, "", 0, (const uint8_t *)"QUJDR", 5, 1, false, "", 0, &len);
	expect_status(f, b, len, ODJ_NERR_BadOfflineJoinInfo, "cannot be base64");
	expect_status(f, (const uint8_t *)"", 0, ODJ_NERR_NoOfflineJoinInfo, NULL);
	expect_status(f, (const uint8_t *)" \r\n\t", 4, ODJ_NERR_NoOfflineJoinInfo, NULL);
	expect_status(f, (const uint8_t *)"\xFF\xFE\0\0", 4, ODJ_NERR_NoOfflineJoinInfo, NULL);
}

static void base64_edges(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *text, *bytes;
		size_t n;
	} cases[] = {
		{"", "", 0}, {"QQ==", "A", 1}, {"QUI=", "AB", 2}, {"QUJD", "ABC", 3},
		{"QQ", "A", 1}, {"QUI", "AB", 2}, {"+/8=", "\xFB\xFF", 2},
	};
	for (size_t i = 1; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct odj_secret *s;
		assert_int_equal(odj_blob_text_decode(f->ctx, f->mem, (const uint8_t *)cases[i].text,
						      strlen(cases[i].text), &s),
				 ODJ_OK);
		assert_int_equal(odj_secret_len(s), cases[i].n);
		assert_memory_equal(odj_secret_data(s), cases[i].bytes, cases[i].n);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strlen(cases[i].text) % 4 != 0)
			continue;
		struct odj_secret *s;
		assert_int_equal(odj_blob_base64_encode(f->ctx, f->mem,
							(const uint8_t *)cases[i].bytes,
							cases[i].n, &s),
				 ODJ_OK);
		assert_string_equal((const char *)odj_secret_data(s), cases[i].text);
	}
}

static void writer_form(void **state)
{
	struct fixture *f = *state;
	struct odj_secret *file;
	assert_int_equal(odj_blob_text_encode(f->ctx, f->mem, f->bin, f->bin_len, &file), ODJ_OK);
	const uint8_t *b = odj_secret_data(file);
	size_t len = odj_secret_len(file);
	assert_int_equal(len, 2 + 2 * f->txt_len + 2);
	assert_int_equal(b[0], 0xFF);
	assert_int_equal(b[1], 0xFE);
	for (size_t i = 0; i < f->txt_len; i++) {
		assert_int_equal(b[2 + 2 * i], f->txt[i]);
		assert_int_equal(b[3 + 2 * i], 0);
	}
	assert_int_equal(b[len - 2], 0);
	assert_int_equal(b[len - 1], 0);
}

static void read_file_uses_the_whole_file(void **state)
{
	struct fixture *f = *state;
	const char *dir = getenv("ODJ_TESTDATA");
	struct odj_secret *bytes;
	char *path = talloc_asprintf(f->mem, "%s/%s.odj", dir, VEC);
	assert_int_equal(odj_blob_read_file(f->ctx, f->mem, path, &bytes), ODJ_OK);
	assert_int_equal(odj_secret_len(bytes), 2 + 2 * f->txt_len + 2);
	assert_int_equal(odj_blob_read_file(f->ctx, f->mem, "/nonexistent/blob.odj", &bytes),
			 ODJ_E_INPUT);
	assert_int_equal(odj_error_get(f->ctx)->status, ODJ_ERROR_FILE_NOT_FOUND);
	assert_null(bytes);
}

UNIT_MAIN(
	FIXTURE_TEST(accepted_encodings),
	FIXTURE_TEST(rejected_encodings),
	FIXTURE_TEST(base64_edges),
	FIXTURE_TEST(writer_form),
	FIXTURE_TEST(read_file_uses_the_whole_file),
)
