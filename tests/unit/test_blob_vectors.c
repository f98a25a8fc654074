/*
 * Known-answer tests: every vector in tests/vectors is decoded and every
 * field is compared with <vector>.expect.json (written from the vector's
 * .md).  Samba-style vectors must re-encode byte for byte (.bin, .odj and
 * .txt); the Windows vectors re-encode to the same length and decode to the
 * same fields.
 */
#include "test_blob_util.h"

#include <json-c/json.h>

#include <odj/blob.h>
#include <odj/odj.h>

static const char *const vectors[] = {
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

struct vec {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	const char *name;
	json_object *exp;
	uint8_t *bin, *odj, *txt;
	size_t bin_len, odj_len, txt_len;
	bool check_referents;
	json_object *win7_of_blob0; /* for parts that are "byte-identical to pBlobs[0]" */
};

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v))
		fail_msg("expected file has no '%s'", key);
	return v;
}

static void eq_str(json_object *o, const char *key, const char *actual)
{
	json_object *v = jget(o, key);
	if (json_object_is_type(v, json_type_null)) {
		if (actual != NULL)
			fail_msg("%s: expected null, decoded '%s'", key, actual);
		return;
	}
	if (actual == NULL)
		fail_msg("%s: expected '%s', decoded NULL", key, json_object_get_string(v));
	if (strcmp(json_object_get_string(v), actual) != 0)
		fail_msg("%s: expected '%s', decoded '%s'", key, json_object_get_string(v), actual);
}

static void eq_int(json_object *o, const char *key, uint64_t actual)
{
	json_object *v = jget(o, key);
	uint64_t e;
	if (json_object_is_type(v, json_type_string)) /* "0x..." */
		e = strtoull(json_object_get_string(v), NULL, 0);
	else
		e = (uint64_t)json_object_get_int64(v);
	if (e != actual)
		fail_msg("%s: expected %llu (0x%llx), decoded %llu (0x%llx)", key,
			 (unsigned long long)e, (unsigned long long)e, (unsigned long long)actual,
			 (unsigned long long)actual);
}

static void eq_guid(json_object *o, const char *key, const struct odj_guid *g)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	eq_str(o, key, odj_guid_string(tmp, g));
	talloc_free(tmp);
}

static void eq_hexbytes(json_object *o, const char *key, const struct odj_bytes *b)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	assert_true(b->present);
	eq_str(o, key, tohex(tmp, b->data, b->len));
	talloc_free(tmp);
}

/* {"cb": n, "ptr": 0|1}: the Extension-style OP_BLOBs, all empty in the vectors. */
static void eq_opblob(json_object *o, const char *key, const struct odj_bytes *b)
{
	json_object *e = jget(o, key);
	eq_int(e, "cb", b->len);
	eq_int(e, "ptr", b->present ? 1 : 0);
}

static size_t utf16_units(const char *utf8)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)utf8; *p; p++) {
		if ((*p & 0xC0) != 0x80)
			n += (*p >= 0xF0) ? 2 : 1;
	}
	return n;
}

static void eq_ustring(json_object *o, const char *key, const struct odj_ustring *s)
{
	json_object *e = jget(o, key);
	eq_str(e, "value", s->value);
	size_t length = utf16_units(s->value) * 2;
	eq_int(e, "Length", length);
	eq_int(e, "MaximumLength", s->maximum_length);
	json_object *wire = jget(e, "wire");
	assert_int_equal(json_object_get_int(json_object_array_get_idx(wire, 0)),
			 s->maximum_length / 2);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(wire, 1)), 0);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(wire, 2)), length / 2);
}

static void check_win7(struct vec *v, json_object *w, const struct odj_win7blob *b,
		       uint32_t obl)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	assert_non_null(b);
	eq_int(w, "object_buffer_length", obl);
	if (v->check_referents) {
		json_object *refs = jget(w, "referents");
		for (int i = 0; i < 4; i++)
			assert_int_equal(strtoul(json_object_get_string(
						 json_object_array_get_idx(refs, i)), NULL, 0),
					 b->wire_refs[i]);
		assert_int_equal(b->wire_style, b->wire_refs[3] == 0xFFFFFFFFu
							? ODJ_REFERENTS_SAMBA
							: ODJ_REFERENTS_WINDOWS);
	}
	eq_str(w, "lpDomain", b->domain);
	eq_str(w, "lpMachineName", b->machine_name);

	/* The password, through the API only. */
	json_object *pw = jget(w, "lpMachinePassword");
	size_t n;
	uint8_t *u16 = unhex(tmp, json_object_get_string(jget(pw, "utf16le_hex")), &n);
	eq_int(pw, "units", odj_secret_len(b->machine_password) / 2);
	struct odj_secret *want = odj_secret_dup(tmp, u16, n);
	assert_true(odj_secret_equal(want, b->machine_password));
	struct odj_secret *utf8;
	assert_int_equal(odj_password_utf8(v->ctx, tmp, b->machine_password, &utf8), ODJ_OK);
	uint8_t *u8 = unhex(tmp, json_object_get_string(jget(pw, "utf8_hex")), &n);
	assert_int_equal(odj_secret_len(utf8), n);
	assert_memory_equal(odj_secret_data(utf8), u8, n);
	json_object *js;
	if (json_object_object_get_ex(pw, "json", &js))
		assert_string_equal((const char *)odj_secret_data(utf8), json_object_get_string(js));

	json_object *dn = jget(w, "DnsDomainInfo");
	eq_ustring(dn, "Name", &b->dns_domain_info.name);
	eq_ustring(dn, "DnsDomainName", &b->dns_domain_info.dns_domain_name);
	eq_ustring(dn, "DnsForestName", &b->dns_domain_info.dns_forest_name);
	eq_guid(dn, "DomainGuid", &b->dns_domain_info.domain_guid);
	assert_non_null(b->dns_domain_info.sid);
	eq_str(dn, "Sid", odj_sid_string(tmp, b->dns_domain_info.sid));

	json_object *dc = jget(w, "DcInfo");
	eq_str(dc, "DomainControllerName", b->dc_info.dc_name);
	eq_str(dc, "DomainControllerAddress", b->dc_info.dc_address);
	eq_int(dc, "DomainControllerAddressType", b->dc_info.dc_address_type);
	eq_guid(dc, "DomainGuid", &b->dc_info.domain_guid);
	eq_str(dc, "DomainName", b->dc_info.domain_name);
	eq_str(dc, "DnsForestName", b->dc_info.dns_forest_name);
	eq_int(dc, "Flags", b->dc_info.flags);
	eq_str(dc, "DcSiteName", b->dc_info.dc_site_name);
	eq_str(dc, "ClientSiteName", b->dc_info.client_site_name);
	eq_int(w, "Options", b->options);
	talloc_free(tmp);
}

static void check_policy(json_object *e, const struct odj_policy_part *pol)
{
	eq_int(e, "cElementLists", pol->count);
	json_object *lists = jget(e, "lists");
	assert_int_equal(json_object_array_length(lists), pol->count);
	for (uint32_t i = 0; i < pol->count; i++) {
		json_object *l = json_object_array_get_idx(lists, i);
		const struct odj_policy_list *pl = &pol->lists[i];
		eq_str(l, "pSource", pl->source);
		eq_int(l, "ulRootKeyId", pl->root_key_id);
		eq_int(l, "cElements", pl->count);
		json_object *els = jget(l, "elements");
		assert_int_equal(json_object_array_length(els), pl->count);
		for (uint32_t j = 0; j < pl->count; j++) {
			json_object *el = json_object_array_get_idx(els, j);
			const struct odj_policy_element *pe = &pl->elements[j];
			eq_str(el, "pKeyPath", pe->key_path);
			eq_str(el, "pValueName", pe->value_name);
			eq_int(el, "ulValueType", pe->value_type);
			eq_int(el, "cbValueData", pe->value.len);
			eq_hexbytes(el, "pValueData", &pe->value);
		}
	}
	assert_false(pol->extension.present);
}

static void check_cert(json_object *e, const struct odj_cert_part *c)
{
	eq_int(e, "cPfxStores", c->pfx_count);
	json_object *pfx = jget(e, "pfx");
	assert_int_equal(json_object_array_length(pfx), c->pfx_count);
	for (uint32_t i = 0; i < c->pfx_count; i++) {
		json_object *s = json_object_array_get_idx(pfx, i);
		eq_str(s, "pTemplateName", c->pfx[i].template_name);
		eq_int(s, "ulPrivateKeyExportPolicy", c->pfx[i].private_key_export_policy);
		eq_str(s, "pPolicyServerUrl", c->pfx[i].policy_server_url);
		eq_int(s, "ulPolicyServerUrlFlags", c->pfx[i].policy_server_url_flags);
		eq_str(s, "pPolicyServerId", c->pfx[i].policy_server_id);
		eq_int(s, "cbPfx", c->pfx[i].pfx.len);
		eq_hexbytes(s, "pPfx", &c->pfx[i].pfx);
	}
	eq_int(e, "cSstStores", c->sst_count);
	json_object *sst = jget(e, "sst");
	assert_int_equal(json_object_array_length(sst), c->sst_count);
	for (uint32_t i = 0; i < c->sst_count; i++) {
		json_object *s = json_object_array_get_idx(sst, i);
		eq_int(s, "StoreLocation", c->sst[i].store_location);
		eq_str(s, "pStoreName", c->sst[i].store_name);
		eq_int(s, "cbSst", c->sst[i].sst.len);
		eq_hexbytes(s, "pSst", &c->sst[i].sst);
	}
}

static void check_part(struct vec *v, json_object *pj, const struct odj_part *part)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	eq_guid(pj, "PartType", &part->type);
	const char *kind = odj_part_kind_name(part->kind);
	eq_str(pj, "name", kind ? kind : "UNKNOWN");
	eq_int(pj, "ulFlags", part->flags);
	eq_int(pj, "cbBlob", part->wire_cb);
	eq_opblob(pj, "Extension", &part->extension);
	json_object *c = jget(pj, "content"), *e;
	if (json_object_object_get_ex(c, "same_as", &e)) {
		assert_string_equal(json_object_get_string(e), "pBlobs[0]");
		assert_int_equal(part->kind, ODJ_PART_JOIN_PROVIDER);
		check_win7(v, v->win7_of_blob0, part->u.win7, part->wire_obl);
	} else if (json_object_object_get_ex(c, "win7", &e)) {
		assert_int_equal(part->kind, ODJ_PART_JOIN_PROVIDER);
		check_win7(v, e, part->u.win7, part->wire_obl);
	} else if (json_object_object_get_ex(c, "joinprov3", &e)) {
		assert_int_equal(part->kind, ODJ_PART_JOIN_PROVIDER3);
		eq_int(e, "object_buffer_length", part->wire_obl);
		eq_int(e, "Rid", part->u.jp3->rid);
		eq_str(e, "lpSid", part->u.jp3->sid);
	} else if (json_object_object_get_ex(c, "joinprov4", &e)) {
		assert_int_equal(part->kind, ODJ_PART_JOIN_PROVIDER4);
		eq_int(e, "object_buffer_length", part->wire_obl);
		eq_int(e, "Rid", part->u.jp4->rid);
		eq_str(e, "lpSid", part->u.jp4->sid);
		eq_guid(e, "ObjectGuid", &part->u.jp4->object_guid);
	} else if (json_object_object_get_ex(c, "joinprov2", &e)) {
		assert_int_equal(part->kind, ODJ_PART_JOIN_PROVIDER2);
		eq_int(e, "object_buffer_length", part->wire_obl);
		eq_int(e, "dwFlags", part->u.jp2->flags);
		eq_int(e, "dwReserved", part->u.jp2->reserved);
		eq_str(e, "lpNetbiosName", part->u.jp2->netbios_name);
		eq_str(e, "lpSiteName", part->u.jp2->site_name);
		eq_str(e, "lpPrimaryDNSDomain", part->u.jp2->primary_dns_domain);
		eq_str(e, "lpReserved", part->u.jp2->reserved_ptr);
	} else if (json_object_object_get_ex(c, "policy", &e)) {
		assert_int_equal(part->kind, ODJ_PART_POLICY);
		eq_int(e, "object_buffer_length", part->wire_obl);
		check_policy(e, part->u.policy);
	} else if (json_object_object_get_ex(c, "cert", &e)) {
		assert_int_equal(part->kind, ODJ_PART_CERT);
		eq_int(e, "object_buffer_length", part->wire_obl);
		check_cert(e, part->u.cert);
	} else if (json_object_object_get_ex(c, "unknown_hex", &e)) {
		assert_int_equal(part->kind, ODJ_PART_UNKNOWN);
		eq_hexbytes(c, "unknown_hex", &part->raw);
	} else {
		fail_msg("part content of an unknown form: %s", json_object_to_json_string(c));
	}
	talloc_free(tmp);
}

static void check_package(struct vec *v, json_object *pj, const struct odj_blob_entry *entry)
{
	const struct odj_package *pkg = entry->package;
	assert_non_null(pkg);
	eq_int(pj, "object_buffer_length", entry->wire_obl);
	eq_guid(pj, "EncryptionType", &pkg->encryption_type);
	eq_opblob(pj, "EncryptionContext", &pkg->encryption_context);
	eq_int(pj, "WrappedPartCollection_cbBlob", pkg->wire_collection_cb);
	eq_int(pj, "cbDecryptedPartCollection", pkg->cb_decrypted_part_collection);
	eq_opblob(pj, "Extension", &pkg->extension);
	json_object *cj = jget(pj, "collection");
	const struct odj_part_collection *c = pkg->collection;
	assert_non_null(c);
	eq_int(cj, "object_buffer_length", pkg->wire_collection_obl);
	eq_int(cj, "cParts", c->count);
	eq_opblob(cj, "Extension", &c->extension);
	json_object *parts = jget(cj, "parts");
	assert_int_equal(json_object_array_length(parts), c->count);
	for (uint32_t i = 0; i < c->count; i++)
		check_part(v, json_object_array_get_idx(parts, i), &c->parts[i]);
}

static void check_provision(struct vec *v, const struct odj_provision *prov)
{
	json_object *exp = v->exp;
	eq_int(jget(exp, "outer"), "object_buffer_length", prov->wire_obl);
	eq_int(exp, "ulVersion", prov->version);
	eq_int(exp, "ulcBlobs", prov->count);
	eq_int(jget(exp, "expect"), "warnings", prov->nwarnings);
	json_object *blobs = jget(exp, "blobs");
	assert_int_equal(json_object_array_length(blobs), prov->count);
	v->win7_of_blob0 = NULL;
	json_object *w;
	if (json_object_object_get_ex(json_object_array_get_idx(blobs, 0), "win7", &w))
		v->win7_of_blob0 = w;
	for (uint32_t i = 0; i < prov->count; i++) {
		json_object *bj = json_object_array_get_idx(blobs, i);
		const struct odj_blob_entry *e = &prov->blobs[i];
		eq_int(bj, "ulODJFormat", e->format);
		eq_int(bj, "cbBlob", e->wire_cb);
		if (e->format == ODJ_WIN7_FORMAT)
			check_win7(v, jget(bj, "win7"), e->win7, e->wire_obl);
		else
			check_package(v, jget(bj, "package"), e);
	}
}

static void load_vector(struct vec *v, const char *name)
{
	v->mem = talloc_new(NULL);
	v->ctx = odj_ctx_new(v->mem);
	v->name = name;
	size_t n;
	char *json = (char *)vec_file(v->mem, talloc_asprintf(v->mem, "%s.expect.json", name), &n);
	v->exp = json_tokener_parse(json);
	assert_non_null(v->exp);
	eq_str(v->exp, "vector", name);
	v->bin = vec_file(v->mem, talloc_asprintf(v->mem, "%s.bin", name), &v->bin_len);
	v->odj = vec_file(v->mem, talloc_asprintf(v->mem, "%s.odj", name), &v->odj_len);
	v->txt = vec_file(v->mem, talloc_asprintf(v->mem, "%s.txt", name), &v->txt_len);
	json_object *files = jget(v->exp, "files");
	eq_int(files, "bin_size", v->bin_len);
	eq_int(files, "odj_size", v->odj_len);
	eq_int(files, "txt_chars", v->txt_len);
	v->check_referents = true;
}

static void free_vector(struct vec *v)
{
	json_object_put(v->exp);
	talloc_free(v->mem);
}

static void vector_known_answers(void **state)
{
	const char *name = *state;
	struct vec v;
	load_vector(&v, name);
	json_object *expect = jget(v.exp, "expect");
	odj_status want = (odj_status)strtoul(json_object_get_string(jget(expect, "decode_status")),
					      NULL, 0);

	/* The text layer gives the .bin bytes from both the .odj file and the bare .txt. */
	struct odj_secret *ndr;
	assert_int_equal(odj_blob_text_decode(v.ctx, v.mem, v.odj, v.odj_len, &ndr), ODJ_OK);
	assert_int_equal(odj_secret_len(ndr), v.bin_len);
	assert_memory_equal(odj_secret_data(ndr), v.bin, v.bin_len);
	assert_int_equal(odj_blob_text_decode(v.ctx, v.mem, v.txt, v.txt_len, &ndr), ODJ_OK);
	assert_memory_equal(odj_secret_data(ndr), v.bin, v.bin_len);

	struct odj_provision *prov = (void *)&v; /* must be reset to NULL on failure */
	odj_result r = odj_blob_decode(v.ctx, v.mem, v.bin, v.bin_len, &prov);
	if (want != ODJ_ERROR_SUCCESS) {
		assert_int_equal(r, ODJ_E_INPUT);
		assert_null(prov);
		assert_int_equal(odj_error_get(v.ctx)->status, want);
		assert_non_null(odj_error_get(v.ctx)->detail);
		/* The same answer through the file layer. */
		assert_int_equal(odj_blob_load(v.ctx, v.mem, v.odj, v.odj_len, &prov), ODJ_E_INPUT);
		assert_int_equal(odj_error_get(v.ctx)->status, want);
		free_vector(&v);
		return;
	}
	if (r != ODJ_OK)
		fail_msg("%s: %s", name, odj_error_format(v.mem, v.ctx));
	check_provision(&v, prov);

	struct odj_secret *again, *file, *text;
	bool exact = json_object_get_boolean(jget(expect, "reencode_byte_exact"));
	struct odj_blob_encode_options opts = ODJ_BLOB_ENCODE_OPTIONS_INIT;
	if (exact) {
		assert_int_equal(odj_blob_encode(v.ctx, v.mem, prov, NULL, &again), ODJ_OK);
		assert_int_equal(odj_secret_len(again), v.bin_len);
		assert_memory_equal(odj_secret_data(again), v.bin, v.bin_len);
		assert_int_equal(odj_blob_save(v.ctx, v.mem, prov, NULL, &file), ODJ_OK);
		assert_int_equal(odj_secret_len(file), v.odj_len);
		assert_memory_equal(odj_secret_data(file), v.odj, v.odj_len);
		assert_int_equal(odj_blob_base64_encode(v.ctx, v.mem, v.bin, v.bin_len, &text),
				 ODJ_OK);
		assert_int_equal(odj_secret_len(text), v.txt_len);
		assert_memory_equal(odj_secret_data(text), v.txt, v.txt_len);
	} else {
		/* Windows numbering reproduces all but the heap-address referents of ODJ_WIN7BLOB. */
		opts.referents = ODJ_REFERENTS_WINDOWS;
		assert_int_equal(odj_blob_encode(v.ctx, v.mem, prov, &opts, &again), ODJ_OK);
		assert_int_equal(odj_secret_len(again), v.bin_len);
		size_t words_differ = 0;
		for (size_t i = 0; i < v.bin_len; i += 4)
			words_differ += memcmp(odj_secret_data(again) + i, v.bin + i, 4) != 0;
		assert_in_range(words_differ, 1, 2 * 14);
	}
	/* Whatever the numbering, the re-encoded blob decodes to the same fields. */
	struct odj_provision *back;
	assert_int_equal(odj_blob_decode(v.ctx, v.mem, odj_secret_data(again),
					 odj_secret_len(again), &back),
			 ODJ_OK);
	v.check_referents = exact;
	check_provision(&v, back);
	free_vector(&v);
}

/* The default numbering is Samba's, with the 0xFFFFFFFF password pointer; Windows numbers it. */
static void referent_styles(void **state)
{
	(void)state;
	struct vec v;
	load_vector(&v, "windows-djoin-tranquilit-TESTSF88");
	struct odj_provision *prov, *back;
	struct odj_secret *ndr;
	assert_int_equal(odj_blob_decode(v.ctx, v.mem, v.bin, v.bin_len, &prov), ODJ_OK);
	assert_int_equal(prov->blobs[0].win7->wire_style, ODJ_REFERENTS_WINDOWS);
	assert_int_equal(odj_blob_encode(v.ctx, v.mem, prov, NULL, &ndr), ODJ_OK);
	assert_int_equal(odj_blob_decode(v.ctx, v.mem, odj_secret_data(ndr), odj_secret_len(ndr),
					 &back),
			 ODJ_OK);
	const uint32_t samba[4] = {0x20000, 0x20004, 0x20008, 0xFFFFFFFF};
	assert_memory_equal(back->blobs[0].win7->wire_refs, samba, sizeof(samba));
	assert_int_equal(back->blobs[0].win7->wire_style, ODJ_REFERENTS_SAMBA);
	struct odj_blob_encode_options opts = ODJ_BLOB_ENCODE_OPTIONS_INIT;
	opts.referents = ODJ_REFERENTS_WINDOWS;
	assert_int_equal(odj_blob_encode(v.ctx, v.mem, prov, &opts, &ndr), ODJ_OK);
	assert_int_equal(odj_blob_decode(v.ctx, v.mem, odj_secret_data(ndr), odj_secret_len(ndr),
					 &back),
			 ODJ_OK);
	const uint32_t windows[4] = {0x20000, 0x20004, 0x20008, 0x2000C};
	assert_memory_equal(back->blobs[0].win7->wire_refs, windows, sizeof(windows));
	free_vector(&v);
}

/* Consumers get the format-1 blob, or the JOIN_PROVIDER part when there is none. */
static void consumer_view(void **state)
{
	(void)state;
	struct vec v;
	load_vector(&v, "synthetic-package-only");
	struct odj_provision *prov;
	assert_int_equal(odj_blob_decode(v.ctx, v.mem, v.bin, v.bin_len, &prov), ODJ_OK);
	const struct odj_win7blob *w = odj_provision_win7(prov);
	assert_ptr_equal(w, prov->blobs[0].package->collection->parts[0].u.win7);
	assert_string_equal(w->machine_name, "ODJCLI01");
	assert_int_equal(odj_provision_joinprov3(prov)->rid, 1103);
	free_vector(&v);

	load_vector(&v, "synthetic-win7-format-only");
	assert_int_equal(odj_blob_decode(v.ctx, v.mem, v.bin, v.bin_len, &prov), ODJ_OK);
	assert_ptr_equal(odj_provision_win7(prov), prov->blobs[0].win7);
	assert_null(odj_provision_joinprov3(prov));
	free_vector(&v);

	load_vector(&v, "synthetic-extra-parts");
	assert_int_equal(odj_blob_decode(v.ctx, v.mem, v.bin, v.bin_len, &prov), ODJ_OK);
	assert_int_equal(prov->nwarnings, 1);
	assert_non_null(strstr(prov->warnings[0], "deadbeef-0000-0000-0000-000000000001"));
	assert_non_null(strstr(prov->warnings[0], "essential"));
	free_vector(&v);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(vectors) / sizeof(vectors[0]) + 3];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(vector_known_answers,
									(void *)vectors[i]);
		tests[n++].name = vectors[i];
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(referent_styles);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(consumer_view);
	return _cmocka_run_group_tests("blob_vectors", tests, n, NULL, NULL);
}
