/*
 * odj's own Linux part (blob/FORMAT.md): known answers from the vector
 * odj-part-ODJCLI02, the encoder option that leaves it out, a newer version
 * with added fields, and tampered copies: a damaged part is dropped with a
 * warning (the rest of the blob decodes and re-encodes unchanged) unless the
 * caller decodes strictly.
 */
#include "test_blob_util.h"

#include <json-c/json.h>

#include <odj/blob.h>
#include <odj/odj.h>

#include "unit_main.h"

#define VEC "odj-part-ODJCLI02"

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("expect.json lacks '%s'", key);
	return v;
}

static const char *jstr(json_object *o, const char *key)
{
	return json_object_get_string(jget(o, key));
}

static void assert_same(const char *what, const char *want, const char *got)
{
	if (got == NULL || strcmp(want, got) != 0)
		fail_msg("%s: expected '%s', got '%s'", what, want, got ? got : "(null)");
}

static const struct odj_part *part_of_kind(const struct odj_provision *prov, enum odj_part_kind k)
{
	const struct odj_part_collection *c = prov->blobs[1].package->collection;
	for (uint32_t i = 0; i < c->count; i++) {
		if (c->parts[i].kind == k)
			return &c->parts[i];
	}
	return NULL;
}

static void check_linux_fields(json_object *exp, const struct odj_linux_part *l)
{
	json_object *x = jget(exp, "linux");
	assert_non_null(l);
	assert_int_equal(l->version, json_object_get_int(jget(x, "version")));
	assert_int_equal(l->kvno, json_object_get_int(jget(x, "kvno")));
	assert_int_equal(l->enctypes, json_object_get_int(jget(x, "enctypes")));
	assert_same("sAMAccountName", jstr(x, "sam_account_name"), l->sam_account_name);
	assert_same("dNSHostName", jstr(x, "dns_host_name"), l->dns_host_name);
	assert_same("UPN", jstr(x, "upn"), l->upn);
	assert_same("realm", jstr(x, "realm"), l->realm);
	assert_same("salt", jstr(x, "salt"), l->salt);
	assert_same("DC", jstr(x, "dc_name"), l->dc_name);
	assert_true(l->pwd_last_set == strtoull(jstr(x, "pwd_last_set"), NULL, 10));
	assert_true(l->created == strtoull(jstr(x, "created"), NULL, 10));
	json_object *spns = jget(x, "spns");
	assert_int_equal(l->spn_count, json_object_array_length(spns));
	for (uint32_t i = 0; i < l->spn_count; i++)
		assert_same("SPN", json_object_get_string(json_object_array_get_idx(spns, i)),
			    l->spns[i]);
}

static void known_answers(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t n, bin_len, odj_len, txt_len;
	json_object *exp = json_tokener_parse((char *)vec_file(mem, VEC ".expect.json", &n));
	assert_non_null(exp);
	uint8_t *bin = vec_file(mem, VEC ".bin", &bin_len);
	uint8_t *odj = vec_file(mem, VEC ".odj", &odj_len);
	uint8_t *txt = vec_file(mem, VEC ".txt", &txt_len);

	struct odj_provision *prov, *from_file;
	assert_int_equal(odj_blob_decode(ctx, mem, bin, bin_len, &prov), ODJ_OK);
	assert_int_equal(odj_blob_load(ctx, mem, odj, odj_len, &from_file), ODJ_OK);
	assert_int_equal(prov->nwarnings, 0);
	check_linux_fields(exp, odj_provision_linux_part(prov));
	check_linux_fields(exp, odj_provision_linux_part(from_file));
	assert_int_equal(odj_provision_linux_part(prov)->wire_trailing, 0);

	/* The part as the format says: odj's GUID, flags 0, third in the collection. */
	json_object *join = jget(exp, "join"), *parts = jget(exp, "parts");
	const struct odj_part_collection *c = prov->blobs[1].package->collection;
	assert_int_equal(c->count, json_object_array_length(parts));
	for (uint32_t i = 0; i < c->count; i++) {
		json_object *pj = json_object_array_get_idx(parts, i);
		assert_same("part type", jstr(pj, "type"), odj_guid_string(mem, &c->parts[i].type));
		assert_int_equal(c->parts[i].flags, json_object_get_int(jget(pj, "flags")));
	}
	assert_int_equal(c->parts[2].kind, ODJ_PART_LINUX);
	assert_same("GUID constant", "ee3c23a1-bbbe-4990-913a-f271f2e24190",
		    odj_guid_string(mem, &odj_guid_linux_provider));

	/* The Windows fields next to it. */
	const struct odj_win7blob *w = odj_provision_win7(prov);
	assert_same("domain", jstr(join, "domain"), w->domain);
	assert_same("machine", jstr(join, "machine_name"), w->machine_name);
	assert_same("NetBIOS domain", jstr(join, "netbios_domain"), w->dns_domain_info.name.value);
	assert_same("domain SID", jstr(join, "domain_sid"),
		    odj_sid_string(mem, w->dns_domain_info.sid));
	assert_int_equal(odj_provision_joinprov3(prov)->rid,
			 json_object_get_int(jget(join, "machine_rid")));
	struct odj_secret *pw;
	assert_int_equal(odj_password_utf8(ctx, mem, w->machine_password, &pw), ODJ_OK);
	assert_same("password", jstr(join, "machine_password_utf8"),
		    (const char *)odj_secret_data(pw));

	/* Re-encoding gives the same bytes in all three forms. */
	struct odj_secret *again, *file, *text;
	assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &again), ODJ_OK);
	assert_int_equal(odj_secret_len(again), bin_len);
	assert_memory_equal(odj_secret_data(again), bin, bin_len);
	assert_int_equal(odj_blob_save(ctx, mem, prov, NULL, &file), ODJ_OK);
	assert_int_equal(odj_secret_len(file), odj_len);
	assert_memory_equal(odj_secret_data(file), odj, odj_len);
	assert_int_equal(odj_blob_base64_encode(ctx, mem, bin, bin_len, &text), ODJ_OK);
	assert_int_equal(odj_secret_len(text), txt_len);
	assert_memory_equal(odj_secret_data(text), txt, txt_len);
	json_object_put(exp);
	talloc_free(mem);
}

static void encoder_leaves_it_out(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	uint8_t *bin = vec_file(mem, VEC ".bin", &len);
	struct odj_provision *prov, *without;
	assert_int_equal(odj_blob_decode(ctx, mem, bin, len, &prov), ODJ_OK);
	struct odj_blob_encode_options opts = ODJ_BLOB_ENCODE_OPTIONS_INIT;
	opts.omit_linux_part = true;
	struct odj_secret *ndr;
	assert_int_equal(odj_blob_encode(ctx, mem, prov, &opts, &ndr), ODJ_OK);
	assert_true(odj_secret_len(ndr) < len);
	assert_int_equal(odj_blob_decode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), &without),
			 ODJ_OK);
	assert_null(odj_provision_linux_part(without));
	const struct odj_part_collection *c = without->blobs[1].package->collection;
	assert_int_equal(c->count, 2);
	assert_int_equal(c->parts[0].kind, ODJ_PART_JOIN_PROVIDER);
	assert_int_equal(c->parts[1].kind, ODJ_PART_JOIN_PROVIDER3);
	assert_int_equal(without->nwarnings, 0);

	/* Version 1 of the options has no such field: the part stays. */
	struct odj_blob_encode_options v1 = {1, ODJ_REFERENTS_SAMBA, true};
	struct odj_secret *with;
	assert_int_equal(odj_blob_encode(ctx, mem, prov, &v1, &with), ODJ_OK);
	assert_int_equal(odj_secret_len(with), len);
	assert_memory_equal(odj_secret_data(with), bin, len);
	talloc_free(mem);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* Offset of the Linux part's stream in the vector: its header, version 1, kvno 2, enctypes 0x1c. */
static size_t linux_stream_at(const uint8_t *b, size_t len, uint32_t *stream_len)
{
	static const uint8_t head[8] = {0x01, 0x10, 0x08, 0x00, 0xCC, 0xCC, 0xCC, 0xCC};
	for (size_t i = 4; i + 32 <= len; i++) {
		if (memcmp(b + i, head, 8) == 0 && le32(b + i + 20) == 1 && le32(b + i + 24) == 2 &&
		    le32(b + i + 28) == 0x1c) {
			*stream_len = 16 + le32(b + i + 8);
			assert_int_equal(le32(b + i - 4), *stream_len); /* its max_count = cbBlob */
			return i;
		}
	}
	fail_msg("the Linux part's stream is not in the vector");
	return 0;
}

static void newer_version_still_decodes(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	uint32_t slen;
	uint8_t *bin = vec_file(mem, VEC ".bin", &len);
	size_t at = linux_stream_at(bin, len, &slen);

	/* Version 2 = the version-1 stream with version 2 and 16 bytes of added fields. */
	uint8_t *v2 = talloc_zero_size(mem, slen + 16);
	memcpy(v2, bin + at, slen);
	put_le32(v2 + 20, 2);
	memset(v2 + slen, 0x5A, 16);
	put_le32(v2 + 8, slen + 16 - 16);

	/* Put it in as an opaque part with odj's GUID, so the encoder writes it as it is. */
	struct odj_provision *prov, *got;
	assert_int_equal(odj_blob_decode(ctx, mem, bin, len, &prov), ODJ_OK);
	struct odj_part *part = &prov->blobs[1].package->collection->parts[2];
	part->kind = ODJ_PART_UNKNOWN;
	part->raw = (struct odj_bytes){.present = true, .len = slen + 16, .data = v2};
	struct odj_secret *ndr;
	assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &ndr), ODJ_OK);

	struct odj_blob_decode_options strict = ODJ_BLOB_DECODE_OPTIONS_INIT;
	strict.strict_linux_part = true;
	assert_int_equal(odj_blob_decode_opts(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr),
					      &strict, &got),
			 ODJ_OK);
	const struct odj_linux_part *l = odj_provision_linux_part(got);
	assert_non_null(l);
	assert_int_equal(l->version, 2);
	assert_int_equal(l->wire_trailing, 16);
	assert_same("sAMAccountName", "ODJCLI02$", l->sam_account_name);
	assert_int_equal(l->spn_count, 4);
	assert_int_equal(got->nwarnings, 1);
	assert_non_null(strstr(got->warnings[0], "version 2 is newer than 1"));
	talloc_free(mem);
}

struct damage {
	const char *name;
	size_t offset;        /* in the part's stream; SIZE_MAX: see find */
	const char *find;     /* UTF-16 text whose terminating NUL is overwritten */
	uint32_t value;
	const char *reason;   /* in the warning and in the strict error */
};

static void tampered_part_is_dropped_unless_strict(void **state)
{
	(void)state;
	static const struct damage damages[] = {
		{"version 0", 20, NULL, 0, "Version 0 is not valid"},
		{"65 SPNs", 40, NULL, 65, "cSpns: 65 items, more than the limit of 64"},
		{"SPN count against its array", 40, NULL, 5, "pSpns: array size 4 does not match its count 5"},
		{"pSpns NULL with 4 SPNs", 44, NULL, 0, "cSpns: 4 items behind a NULL pointer"},
		{"header version", 0, NULL, 2, "serialization version 2 is not 1"},
		{"ObjectBufferLength", 8, NULL, 0x10000, "ObjectBufferLength 65536 exceeds"},
		{"unterminated name", SIZE_MAX, "ODJCLI02$", 0x58, "lpSamAccountName: string does not end with NUL"},
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	uint32_t slen;
	const uint8_t *orig = vec_file(mem, VEC ".bin", &len);
	size_t at = linux_stream_at(orig, len, &slen);
	struct odj_blob_decode_options strict = ODJ_BLOB_DECODE_OPTIONS_INIT;
	strict.strict_linux_part = true;

	for (size_t k = 0; k < sizeof(damages) / sizeof(damages[0]); k++) {
		const struct damage *d = &damages[k];
		uint8_t *b = talloc_memdup(mem, orig, len);
		if (d->find == NULL) {
			if (d->offset == 0)
				b[at] = (uint8_t)d->value;
			else
				put_le32(b + at + d->offset, d->value);
		} else {
			size_t units = strlen(d->find);
			uint8_t *pat = talloc_zero_size(mem, 2 * units + 2);
			for (size_t i = 0; i < units; i++)
				pat[2 * i] = (uint8_t)d->find[i];
			uint8_t *hit = memmem(b + at, slen, pat, 2 * units + 2);
			assert_non_null(hit);
			hit[2 * units] = (uint8_t)d->value;
		}

		struct odj_provision *prov = NULL;
		odj_result r = odj_blob_decode(ctx, mem, b, len, &prov);
		if (r != ODJ_OK)
			fail_msg("%s: %s", d->name, odj_error_format(mem, ctx));
		assert_null(odj_provision_linux_part(prov));
		assert_non_null(odj_provision_win7(prov));
		assert_int_equal(odj_provision_joinprov3(prov)->rid, 1105);
		assert_int_equal(prov->nwarnings, 1);
		if (strstr(prov->warnings[0], "odj's Linux part, is damaged and ignored") == NULL ||
		    strstr(prov->warnings[0], d->reason) == NULL)
			fail_msg("%s: warning '%s' lacks '%s'", d->name, prov->warnings[0], d->reason);
		/* The dropped part is kept as bytes: the blob re-encodes unchanged. */
		struct odj_secret *again;
		assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &again), ODJ_OK);
		assert_int_equal(odj_secret_len(again), len);
		assert_memory_equal(odj_secret_data(again), b, len);

		struct odj_provision *s = (void *)mem;
		assert_int_equal(odj_blob_decode_opts(ctx, mem, b, len, &strict, &s), ODJ_E_INPUT);
		assert_null(s);
		const struct odj_error *e = odj_error_get(ctx);
		assert_int_equal(e->status, ODJ_NERR_BadOfflineJoinInfo);
		if (strstr(e->detail, d->reason) == NULL || strstr(e->detail, "OP_ODJ_LINUX_PART") == NULL)
			fail_msg("%s: strict detail '%s' lacks '%s'", d->name, e->detail, d->reason);
		odj_error_clear(ctx);
	}
	talloc_free(mem);
}

/* Whatever happens inside the part's stream, the blob decodes: at worst without the part. */
static void no_damage_inside_the_part_fails_the_blob(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	uint32_t slen;
	const uint8_t *orig = vec_file(mem, VEC ".bin", &len);
	size_t at = linux_stream_at(orig, len, &slen);
	uint8_t *b = talloc_memdup(mem, orig, len);
	struct odj_blob_decode_options strict = ODJ_BLOB_DECODE_OPTIONS_INIT;
	strict.strict_linux_part = true;
	size_t dropped = 0, kept = 0;
	for (size_t i = at; i < at + slen; i++) {
		for (unsigned v = 0; v < 256; v++) {
			if (v == orig[i])
				continue;
			b[i] = (uint8_t)v;
			TALLOC_CTX *tmp = talloc_new(mem);
			struct odj_provision *prov, *s = NULL;
			if (odj_blob_decode(ctx, tmp, b, len, &prov) != ODJ_OK)
				fail_msg("byte %zu = 0x%02x: %s", i - at, v, odj_error_format(tmp, ctx));
			assert_int_equal(odj_provision_joinprov3(prov)->rid, 1105);
			if (odj_provision_linux_part(prov) == NULL) {
				/* Dropped: with a warning, and strict decoding refuses it. */
				assert_true(prov->nwarnings >= 1);
				assert_int_equal(odj_blob_decode_opts(ctx, tmp, b, len, &strict, &s),
						 ODJ_E_INPUT);
				assert_null(s);
				odj_error_clear(ctx);
				dropped++;
			} else {
				kept++;
			}
			talloc_free(tmp);
		}
		b[i] = orig[i];
	}
	print_message("%u offsets x 255 values in the Linux part: %zu decoded with it, %zu without\n",
		      slen, kept, dropped);
	assert_true(kept > 0 && dropped > 0);
	talloc_free(mem);
}

static void built_model_round_trip(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	uint8_t *bin = vec_file(mem, VEC ".bin", &len);
	struct odj_provision *prov, *got;
	assert_int_equal(odj_blob_decode(ctx, mem, bin, len, &prov), ODJ_OK);
	/* No SPNs, no UPN, no strings at all: everything optional stays absent. */
	struct odj_linux_part *l = prov->blobs[1].package->collection->parts[2].u.linux_part;
	*l = (struct odj_linux_part){.kvno = 7, .enctypes = 0x18, .pwd_last_set = UINT64_MAX,
				     .created = 1};
	struct odj_secret *ndr;
	assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &ndr), ODJ_OK);
	assert_int_equal(odj_blob_decode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), &got),
			 ODJ_OK);
	const struct odj_linux_part *g = odj_provision_linux_part(got);
	assert_non_null(g);
	assert_int_equal(g->version, ODJ_LINUX_PART_VERSION);
	assert_int_equal(g->kvno, 7);
	assert_int_equal(g->enctypes, 0x18);
	assert_true(g->pwd_last_set == UINT64_MAX);
	assert_true(g->created == 1);
	assert_int_equal(g->spn_count, 0);
	assert_null(g->sam_account_name);
	assert_null(g->upn);
	assert_null(g->dc_name);
	/* An SPN array with a NULL entry cannot be encoded. */
	l->spn_count = 1;
	l->spns = talloc_zero_array(mem, char *, 1);
	assert_int_equal(odj_blob_encode(ctx, mem, prov, NULL, &ndr), ODJ_E_INPUT);
	assert_null(part_of_kind(got, ODJ_PART_UNKNOWN));
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(known_answers),
	cmocka_unit_test(encoder_leaves_it_out),
	cmocka_unit_test(newer_version_still_decodes),
	cmocka_unit_test(tampered_part_is_dropped_unless_strict),
	cmocka_unit_test(no_damage_inside_the_part_fails_the_blob),
	cmocka_unit_test(built_model_round_trip),
)
