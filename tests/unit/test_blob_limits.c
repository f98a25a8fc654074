/*
 * The decoder's limits (blob_model.h, argued in blob/FORMAT.md), each hit
 * exactly: at the limit accepted, one over rejected with an error that
 * names the limit.  Over-limit inputs are made by patching an at-limit
 * encoding, because the encoder refuses to write them.
 */
#include "test_blob_util.h"

#include <odj/blob.h>
#include <odj/odj.h>

#include "ndr.h"
#include "unit_main.h"

#define MiB (1024u * 1024u)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static struct odj_provision *base_model(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *vec)
{
	size_t len;
	uint8_t *bin = vec_file(mem, vec, &len);
	struct odj_provision *prov;
	assert_int_equal(odj_blob_decode(ctx, mem, bin, len, &prov), ODJ_OK);
	return prov;
}

static struct odj_secret *encode(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_provision *p)
{
	struct odj_secret *ndr;
	odj_result r = odj_blob_encode(ctx, mem, p, NULL, &ndr);
	if (r != ODJ_OK)
		fail_msg("encode: %s", odj_error_format(mem, ctx));
	return ndr;
}

/* Decoding fails with NERR_BadOfflineJoinInfo and the message or detail holds want. */
static void assert_rejected(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *b, size_t len,
			    const struct odj_blob_decode_options *opts, const char *want)
{
	struct odj_provision *prov = (void *)mem;
	odj_result r = odj_blob_decode_opts(ctx, mem, b, len, opts, &prov);
	const struct odj_error *e = odj_error_get(ctx);
	if (r != ODJ_E_INPUT || e->status != ODJ_NERR_BadOfflineJoinInfo)
		fail_msg("expected a rejection naming '%s', got %d: %s", want, r,
			 odj_error_format(mem, ctx));
	assert_null(prov);
	if (strstr(e->message, want) == NULL && (e->detail == NULL || strstr(e->detail, want) == NULL))
		fail_msg("the error does not name '%s': %s", want, odj_error_format(mem, ctx));
	odj_error_clear(ctx);
}

static void assert_decodes(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *b, size_t len)
{
	struct odj_provision *prov;
	if (odj_blob_decode(ctx, mem, b, len, &prov) != ODJ_OK)
		fail_msg("expected to decode: %s", odj_error_format(mem, ctx));
}

/* A stream of the encoding whose body holds want at body offset off (after the header). */
static uint8_t *stream_with(uint8_t *b, size_t len, size_t off, uint32_t want, uint32_t top_ref)
{
	static const uint8_t head[8] = {0x01, 0x10, 0x08, 0x00, 0xCC, 0xCC, 0xCC, 0xCC};
	for (size_t i = 0; i + 16 + off + 4 <= len; i++) {
		if (memcmp(b + i, head, 8) == 0 && le32(b + i + 16) == top_ref &&
		    le32(b + i + 16 + off) == want)
			return b + i;
	}
	fail_msg("no stream with %u at body offset %zu", want, off);
	return NULL;
}

/* ---------------------------------------------------------------- size */

static void total_size(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *prov = base_model(ctx, mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin");
	/* A third blob of an unknown format, kept as bytes, sized to make exactly 4 MiB. */
	struct odj_blob_entry *blobs = talloc_zero_array(mem, struct odj_blob_entry, 3);
	memcpy(blobs, prov->blobs, 2 * sizeof(*blobs));
	prov->blobs = blobs;
	prov->count = 3;
	struct odj_bytes *raw = &blobs[2].raw;
	blobs[2].format = 3;
	*raw = (struct odj_bytes){.present = true, .len = 8, .data = talloc_zero_size(mem, 4 * MiB)};
	for (int i = 0; i < 4; i++) {
		struct odj_secret *ndr = encode(ctx, mem, prov);
		raw->len += 4 * MiB - (uint32_t)odj_secret_len(ndr);
		talloc_free(ndr);
	}
	struct odj_secret *ndr = encode(ctx, mem, prov);
	size_t len = odj_secret_len(ndr);
	assert_int_equal(len, ODJ_BLOB_MAX_NDR);
	assert_decodes(ctx, mem, odj_secret_data(ndr), len);

	uint8_t *over = talloc_zero_size(mem, len + 1);
	memcpy(over, odj_secret_data(ndr), len);
	assert_rejected(ctx, mem, over, len + 1, NULL, "more than the limit of 4194304");
	raw->len += 8;
	struct odj_secret *no;
	assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &no), ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(ctx)->message, "exceed 4194304 bytes"));
	odj_error_clear(ctx);

	/* The text layer: base64 of 4 MiB decodes, of 4 MiB + 3 bytes not. */
	struct odj_secret *text, *back;
	assert_int_equal(odj_blob_base64_encode(ctx, mem, odj_secret_data(ndr), len, &text), ODJ_OK);
	assert_int_equal(odj_blob_text_decode(ctx, mem, odj_secret_data(text), odj_secret_len(text),
					      &back),
			 ODJ_OK);
	assert_int_equal(odj_secret_len(back), len);
	uint8_t *long_text = talloc_zero_size(mem, odj_secret_len(text) + 4);
	memcpy(long_text, odj_secret_data(text), odj_secret_len(text));
	memcpy(long_text + odj_secret_len(text), "AAAA", 4);
	assert_int_equal(odj_blob_text_decode(ctx, mem, long_text, odj_secret_len(text) + 4, &back),
			 ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(ctx)->message, "more than the limit of 4194304"));
	odj_error_clear(ctx);

	/* The file layer: the djoin form of that blob, padded with spaces to exactly 16 MiB. */
	struct odj_secret *file;
	assert_int_equal(odj_blob_text_encode(ctx, mem, odj_secret_data(ndr), len, &file), ODJ_OK);
	size_t flen = odj_secret_len(file);
	assert_true(flen < ODJ_BLOB_MAX_FILE);
	uint8_t *big = talloc_zero_size(mem, ODJ_BLOB_MAX_FILE + 2);
	memcpy(big, odj_secret_data(file), flen);
	for (size_t i = flen; i + 1 < ODJ_BLOB_MAX_FILE + 2; i += 2)
		big[i] = ' ';
	struct odj_provision *loaded;
	assert_int_equal(odj_blob_load(ctx, mem, big, ODJ_BLOB_MAX_FILE, &loaded), ODJ_OK);
	assert_int_equal(odj_blob_load(ctx, mem, big, ODJ_BLOB_MAX_FILE + 2, &loaded), ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(ctx)->message, "more than the limit of 16777216"));
	talloc_free(mem);
}

/* ---------------------------------------------------------------- nesting */

/*
 * The ODJ structures nest exactly 4 streams deep (provision, package,
 * part collection, part), so the depth limit is tested on a stream type
 * made for it: a byte buffer holding another such stream, or none.
 */
static odj_result pull_doll(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	unsigned *deepest = obj;
	uint32_t cb, ref, obl;
	const uint8_t *inner;
	if (p->depth > *deepest)
		*deepest = p->depth;
	NDR_CHECK(odj_ndr_pull_u32(p, &cb));
	NDR_CHECK(odj_ndr_pull_u32(p, &ref));
	NDR_CHECK(odj_ndr_pull_bytes_view(p, cb, ref, "doll", &inner));
	if (inner == NULL)
		return ODJ_OK;
	return odj_ndr_pull_nested(p->ctx, p, mem, inner, cb, "doll", pull_doll, obj, &obl);
}

/* levels streams, each holding the next in its byte buffer. */
static uint8_t *dolls(TALLOC_CTX *mem, unsigned levels, size_t *len)
{
	uint8_t *inner = NULL;
	size_t inner_len = 0;
	for (unsigned i = 0; i < levels; i++) {
		size_t body = 12 + (inner ? 4 + inner_len : 0);
		size_t padded = (body + 7) & ~(size_t)7;
		uint8_t *s = talloc_zero_size(mem, 16 + padded);
		memcpy(s, "\x01\x10\x08\x00\xCC\xCC\xCC\xCC", 8);
		put_le32(s + 8, (uint32_t)padded);
		put_le32(s + 16, 0x20000);
		put_le32(s + 20, (uint32_t)inner_len);
		put_le32(s + 24, inner ? 0x20004 : 0);
		if (inner != NULL) {
			put_le32(s + 28, (uint32_t)inner_len);
			memcpy(s + 32, inner, inner_len);
		}
		inner = s;
		inner_len = 16 + padded;
	}
	*len = inner_len;
	return inner;
}

static void nesting_depth(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	uint32_t obl;
	unsigned deepest = 0;
	uint8_t *ok = dolls(mem, ODJ_BLOB_MAX_DEPTH, &len);
	assert_int_equal(odj_ndr_pull_nested(ctx, NULL, mem, ok, len, "doll", pull_doll, &deepest, &obl),
			 ODJ_OK);
	assert_int_equal(deepest, ODJ_BLOB_MAX_DEPTH);

	uint8_t *over = dolls(mem, ODJ_BLOB_MAX_DEPTH + 1, &len);
	assert_int_equal(odj_ndr_pull_nested(ctx, NULL, mem, over, len, "doll", pull_doll, &deepest, &obl),
			 ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(ctx)->detail, "streams nested deeper than 16"));
	talloc_free(mem);
}

/* ---------------------------------------------------------------- counts */

static void blob_count(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *prov = base_model(ctx, mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin");
	uint32_t n = ODJ_BLOB_MAX_ITEMS + 1;
	struct odj_blob_entry *blobs = talloc_zero_array(mem, struct odj_blob_entry, n);
	memcpy(blobs, prov->blobs, 2 * sizeof(*blobs));
	for (uint32_t i = 2; i < n; i++)
		blobs[i] = (struct odj_blob_entry){
			.format = 3, .raw = {.present = true, .len = 4, .data = (uint8_t *)"odj!"}};
	prov->blobs = blobs;
	prov->count = ODJ_BLOB_MAX_ITEMS;
	struct odj_secret *ndr = encode(ctx, mem, prov);
	uint8_t *b = odj_secret_data(ndr);
	size_t len = odj_secret_len(ndr);
	assert_decodes(ctx, mem, b, len);

	put_le32(b + 24, ODJ_BLOB_MAX_ITEMS + 1); /* ulcBlobs */
	assert_rejected(ctx, mem, b, len, NULL, "ulcBlobs: 65 items, more than the limit of 64");
	prov->count = ODJ_BLOB_MAX_ITEMS + 1;
	struct odj_secret *no;
	assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &no), ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(ctx)->message, "65 items, more than the limit of 64"));
	talloc_free(mem);
}

static void part_count(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *prov = base_model(ctx, mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin");
	struct odj_part_collection *c = prov->blobs[1].package->collection;
	struct odj_part *parts = talloc_zero_array(mem, struct odj_part, ODJ_BLOB_MAX_ITEMS);
	memcpy(parts, c->parts, 2 * sizeof(*parts));
	for (uint32_t i = 2; i < ODJ_BLOB_MAX_ITEMS; i++) {
		parts[i].type = (struct odj_guid){.d1 = i};
		parts[i].raw = (struct odj_bytes){.present = true, .len = 3, .data = (uint8_t *)"odj"};
	}
	c->parts = parts;
	c->count = ODJ_BLOB_MAX_ITEMS;
	struct odj_secret *ndr = encode(ctx, mem, prov);
	uint8_t *b = odj_secret_data(ndr);
	size_t len = odj_secret_len(ndr);
	assert_decodes(ctx, mem, b, len);

	uint8_t *coll = stream_with(b, len, 4, ODJ_BLOB_MAX_ITEMS, 0x20000);
	put_le32(coll + 20, ODJ_BLOB_MAX_ITEMS + 1); /* cParts */
	assert_rejected(ctx, mem, b, len, NULL, "cParts: 65 items, more than the limit of 64");
	talloc_free(mem);
}

static void spn_count(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *prov = base_model(ctx, mem, "odj-part-ODJCLI02.bin");
	struct odj_linux_part *l = prov->blobs[1].package->collection->parts[2].u.linux_part;
	l->spn_count = ODJ_BLOB_MAX_ITEMS;
	l->spns = talloc_zero_array(mem, char *, ODJ_BLOB_MAX_ITEMS);
	for (uint32_t i = 0; i < ODJ_BLOB_MAX_ITEMS; i++)
		l->spns[i] = talloc_asprintf(mem, "HOST/alias%u.odj.test", i);
	struct odj_secret *ndr = encode(ctx, mem, prov);
	uint8_t *b = odj_secret_data(ndr);
	size_t len = odj_secret_len(ndr);
	struct odj_provision *got;
	assert_int_equal(odj_blob_decode(ctx, mem, b, len, &got), ODJ_OK);
	assert_int_equal(odj_provision_linux_part(got)->spn_count, ODJ_BLOB_MAX_ITEMS);

	uint8_t *part = stream_with(b, len, 24, ODJ_BLOB_MAX_ITEMS, 0x20000);
	put_le32(part + 40, ODJ_BLOB_MAX_ITEMS + 1); /* cSpns */
	struct odj_blob_decode_options strict = ODJ_BLOB_DECODE_OPTIONS_INIT;
	strict.strict_linux_part = true;
	assert_rejected(ctx, mem, b, len, &strict, "cSpns: 65 items, more than the limit of 64");
	/* Not strict: the part is dropped, and the warning names the limit. */
	assert_int_equal(odj_blob_decode(ctx, mem, b, len, &got), ODJ_OK);
	assert_null(odj_provision_linux_part(got));
	assert_non_null(strstr(got->warnings[0], "cSpns: 65 items, more than the limit of 64"));
	talloc_free(mem);
}

/* ---------------------------------------------------------------- strings */

static char *letters(TALLOC_CTX *mem, size_t n)
{
	char *s = talloc_zero_size(mem, n + 1);
	memset(s, 'A', n);
	return s;
}

/* The first conformant-varying header (n, 0, n) in the encoding. */
static uint8_t *string_header(uint8_t *b, size_t len, uint32_t n)
{
	for (size_t i = 0; i + 12 <= len; i += 4) {
		if (le32(b + i) == n && le32(b + i + 4) == 0 && le32(b + i + 8) == n)
			return b + i;
	}
	fail_msg("no string header (%u, 0, %u)", n, n);
	return NULL;
}

static void string_length(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *prov = base_model(ctx, mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin");
	const uint32_t units = ODJ_BLOB_MAX_STRING / 2; /* with the NUL: 32768 bytes */
	prov->blobs[0].win7->machine_name = letters(mem, units - 1);
	struct odj_secret *ndr = encode(ctx, mem, prov);
	uint8_t *b = odj_secret_data(ndr);
	size_t len = odj_secret_len(ndr);
	struct odj_provision *got;
	assert_int_equal(odj_blob_decode(ctx, mem, b, len, &got), ODJ_OK);
	assert_int_equal(strlen(got->blobs[0].win7->machine_name), units - 1);

	uint8_t *h = string_header(b, len, units);
	put_le32(h, units + 1);
	put_le32(h + 8, units + 1);
	assert_rejected(ctx, mem, b, len, NULL,
			"lpMachineName: string of 32770 bytes, more than the limit of 32768 bytes");
	prov->blobs[0].win7->machine_name = letters(mem, units);
	struct odj_secret *no;
	assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &no), ODJ_E_INPUT);
	odj_error_clear(ctx);
	talloc_free(mem);
}

static void unicode_string_length(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *prov = base_model(ctx, mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin");
	/* ODJ_UNICODE_STRING carries no NUL: Length 32768 is the limit. */
	struct odj_ustring *name = &prov->blobs[0].win7->dns_domain_info.name;
	name->value = letters(mem, ODJ_BLOB_MAX_STRING / 2);
	name->maximum_length = 0;
	struct odj_secret *ndr = encode(ctx, mem, prov);
	uint8_t *b = odj_secret_data(ndr);
	size_t len = odj_secret_len(ndr);
	assert_decodes(ctx, mem, b, len);

	/* Scalar Length/MaximumLength 32768/32770 in the format-1 blob -> 32770/32772. */
	static const uint8_t at_limit[4] = {0x00, 0x80, 0x02, 0x80};
	uint8_t *s = memmem(b, len, at_limit, 4);
	assert_non_null(s);
	s[0] = 0x02, s[2] = 0x04;
	assert_rejected(ctx, mem, b, len, NULL,
			"DnsDomainInfo.Name: string of 32770 bytes, more than the limit of 32768 bytes");
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(total_size),
	cmocka_unit_test(nesting_depth),
	cmocka_unit_test(blob_count),
	cmocka_unit_test(part_count),
	cmocka_unit_test(spn_count),
	cmocka_unit_test(string_length),
	cmocka_unit_test(unicode_string_length),
)
