/*
 * OP_PACKAGE, OP_PACKAGE_PART_COLLECTION and OP_PACKAGE_PART (format note
 * 3.6-3.8).  A part's bytes are a nested stream whose type PartType
 * chooses; unknown parts are kept as raw bytes so they are written back.
 */
#include "odj_structs.h"

#define PART_SCALAR 36u

/* The part types odj decodes: GUID, stream body functions, model size. */
struct part_type {
	enum odj_part_kind kind;
	const struct odj_guid *guid;
	const char *what;
	size_t size;
	ndr_stream_pull_fn pull;
	ndr_stream_push_fn push;
};

static const struct part_type part_types[] = {
	{ODJ_PART_JOIN_PROVIDER, &odj_guid_join_provider, "ODJ_WIN7BLOB (JOIN_PROVIDER part)",
	 sizeof(struct odj_win7blob), odj_pull_win7blob, odj_push_win7blob},
	{ODJ_PART_JOIN_PROVIDER2, &odj_guid_join_provider2, "OP_JOINPROV2_PART",
	 sizeof(struct odj_joinprov2), odj_pull_joinprov2, odj_push_joinprov2},
	{ODJ_PART_JOIN_PROVIDER3, &odj_guid_join_provider3, "OP_JOINPROV3_PART",
	 sizeof(struct odj_joinprov3), odj_pull_joinprov3, odj_push_joinprov3},
	{ODJ_PART_JOIN_PROVIDER4, &odj_guid_join_provider4, "OP_JOINPROV4_PART",
	 sizeof(struct odj_joinprov4), odj_pull_joinprov4, odj_push_joinprov4},
	{ODJ_PART_CERT, &odj_guid_cert_provider, "OP_CERT_PART", sizeof(struct odj_cert_part),
	 odj_pull_cert, odj_push_cert},
	{ODJ_PART_POLICY, &odj_guid_policy_provider, "OP_POLICY_PART",
	 sizeof(struct odj_policy_part), odj_pull_policy, odj_push_policy},
	{ODJ_PART_LINUX, &odj_guid_linux_provider, "OP_ODJ_LINUX_PART",
	 sizeof(struct odj_linux_part), odj_pull_linux_part, odj_push_linux_part},
};

static const struct part_type *part_type_of(enum odj_part_kind kind)
{
	for (size_t i = 0; i < sizeof(part_types) / sizeof(part_types[0]); i++) {
		if (part_types[i].kind == kind)
			return &part_types[i];
	}
	return NULL;
}

enum odj_part_kind odj_part_kind_of(const struct odj_guid *type)
{
	for (size_t i = 0; i < sizeof(part_types) / sizeof(part_types[0]); i++) {
		if (odj_guid_equal(type, part_types[i].guid))
			return part_types[i].kind;
	}
	return ODJ_PART_UNKNOWN;
}

/* The decoded structure behind a part (all union members are object pointers). */
static const void *part_obj(const struct odj_part *part)
{
	switch (part->kind) {
	case ODJ_PART_JOIN_PROVIDER: return part->u.win7;
	case ODJ_PART_JOIN_PROVIDER2: return part->u.jp2;
	case ODJ_PART_JOIN_PROVIDER3: return part->u.jp3;
	case ODJ_PART_JOIN_PROVIDER4: return part->u.jp4;
	case ODJ_PART_CERT: return part->u.cert;
	case ODJ_PART_POLICY: return part->u.policy;
	case ODJ_PART_LINUX: return part->u.linux_part;
	case ODJ_PART_UNKNOWN: break;
	}
	return NULL;
}

static void set_part_obj(struct odj_part *part, void *obj)
{
	switch (part->kind) {
	case ODJ_PART_JOIN_PROVIDER: part->u.win7 = obj; break;
	case ODJ_PART_JOIN_PROVIDER2: part->u.jp2 = obj; break;
	case ODJ_PART_JOIN_PROVIDER3: part->u.jp3 = obj; break;
	case ODJ_PART_JOIN_PROVIDER4: part->u.jp4 = obj; break;
	case ODJ_PART_CERT: part->u.cert = obj; break;
	case ODJ_PART_POLICY: part->u.policy = obj; break;
	case ODJ_PART_LINUX: part->u.linux_part = obj; break;
	case ODJ_PART_UNKNOWN: break;
	}
}

/* A part kept as the bytes it came in (unknown type, or a dropped damaged part). */
static odj_result keep_raw(struct odj_ndr_pull *p, TALLOC_CTX *mem, const uint8_t *bytes,
			   struct odj_part *part)
{
	part->kind = ODJ_PART_UNKNOWN;
	part->raw.len = part->wire_cb;
	part->raw.present = bytes != NULL;
	if (bytes == NULL)
		return ODJ_OK;
	part->raw.data = part->wire_cb ? talloc_memdup(mem, bytes, part->wire_cb)
				       : talloc_zero_size(mem, 1);
	if (part->raw.data == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	odj_wipe_on_free(part->raw.data);
	return ODJ_OK;
}

/*
 * odj's Linux part is non-essential: Windows and Samba skip it, so a damaged
 * one must not cost the join.  Unless the caller asked for strictness, it is
 * kept as raw bytes (written back unchanged) with a warning naming the damage.
 */
static odj_result pull_linux_part_tolerant(struct odj_ndr_pull *p, TALLOC_CTX *mem, uint32_t index,
					   const struct part_type *t, const uint8_t *bytes,
					   struct odj_part *part)
{
	void *obj = talloc_zero_size(mem, t->size);
	if (obj == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	odj_result r = odj_ndr_pull_nested(p->ctx, p, obj, bytes, part->wire_cb, t->what, t->pull,
					   obj, &part->wire_obl);
	if (r == ODJ_OK) {
		set_part_obj(part, obj);
		return ODJ_OK;
	}
	talloc_free(obj);
	if (r != ODJ_E_INPUT || p->strict_linux_part)
		return r;
	const struct odj_error *e = odj_error_get(p->ctx);
	odj_ndr_pull_warn(p, "part %u, odj's Linux part, is damaged and ignored: %s", index,
		      e->detail ? e->detail : e->message ? e->message : "?");
	odj_error_clear(p->ctx);
	part->wire_obl = 0;
	return keep_raw(p, mem, bytes, part);
}

static odj_result pull_part_content(struct odj_ndr_pull *p, TALLOC_CTX *mem, uint32_t index,
				    uint32_t ref, struct odj_part *part)
{
	const uint8_t *bytes;
	NDR_CHECK(odj_ndr_pull_bytes_view(p, part->wire_cb, ref, "OP_PACKAGE_PART.Part", &bytes));
	const struct part_type *t = part_type_of(part->kind);
	if (t == NULL || bytes == NULL) {
		if (part->flags & ODJ_PART_FLAG_ESSENTIAL) {
			char *g = odj_guid_string(mem, &part->type);
			odj_ndr_pull_warn(p, "part %u {%s} is marked essential but %s", index,
				      g ? g : "?", t ? "is empty" : "its type is unknown");
			talloc_free(g);
		}
		return keep_raw(p, mem, bytes, part);
	}
	if (part->kind == ODJ_PART_LINUX)
		return pull_linux_part_tolerant(p, mem, index, t, bytes, part);
	void *obj = talloc_zero_size(mem, t->size);
	if (obj == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	NDR_CHECK(odj_ndr_pull_nested(p->ctx, p, obj, bytes, part->wire_cb, t->what, t->pull, obj,
				  &part->wire_obl));
	set_part_obj(part, obj);
	return ODJ_OK;
}

/* OP_PACKAGE_PART_COLLECTION: cParts, pParts, Extension; parts; part contents. */
static odj_result pull_collection(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_part_collection *c = obj;
	uint32_t r_parts, r_ext, r_part[ODJ_BLOB_MAX_ITEMS], r_pext[ODJ_BLOB_MAX_ITEMS];
	NDR_CHECK(odj_ndr_pull_u32(p, &c->count));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_parts));
	NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &c->extension, &r_ext));
	NDR_CHECK(odj_ndr_check_count(p, c->count, r_parts, "cParts"));
	if (r_parts != 0) {
		NDR_CHECK(odj_ndr_pull_array_count(p, c->count, PART_SCALAR, "pParts"));
		ODJ_NEW_ARRAY(p->ctx, mem, struct odj_part, c->count, &c->parts);
		for (uint32_t i = 0; i < c->count; i++) {
			struct odj_part *part = &c->parts[i];
			struct odj_bytes content;
			NDR_CHECK(odj_ndr_pull_guid(p, &part->type));
			NDR_CHECK(odj_ndr_pull_u32(p, &part->flags));
			NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &content, &r_part[i]));
			NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &part->extension, &r_pext[i]));
			part->wire_cb = content.len;
			part->kind = odj_part_kind_of(&part->type);
		}
		for (uint32_t i = 0; i < c->count; i++) {
			struct odj_part *part = &c->parts[i];
			NDR_CHECK(pull_part_content(p, mem, i, r_part[i], part));
			NDR_CHECK(odj_ndr_pull_bytes_deferred(p, mem, r_pext[i],
							  "OP_PACKAGE_PART.Extension",
							  &part->extension));
		}
	}
	return odj_ndr_pull_bytes_deferred(p, mem, r_ext, "OP_PACKAGE_PART_COLLECTION.Extension",
				       &c->extension);
}

/* Whether the part is left out of this encoding (odj's part, by request). */
static bool omitted(const struct odj_ndr_push *p, const struct odj_part *part)
{
	return p->omit_linux_part && odj_guid_equal(&part->type, &odj_guid_linux_provider);
}

static odj_result push_collection(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_part_collection *c = obj;
	if (c->count > 0 && c->parts == NULL)
		return odj_ndr_push_fail(p, "%u parts without a part array", c->count);
	if (c->count > ODJ_BLOB_MAX_ITEMS)
		return odj_ndr_push_fail(p, "%u parts, more than the limit of %u", c->count,
				     ODJ_BLOB_MAX_ITEMS);
	struct ndr_nested content[ODJ_BLOB_MAX_ITEMS];
	uint32_t count = 0;
	for (uint32_t i = 0; i < c->count; i++)
		count += !omitted(p, &c->parts[i]);
	NDR_CHECK(odj_ndr_push_u32(p, count));
	NDR_CHECK(odj_ndr_push_ref(p, count > 0));
	NDR_CHECK(odj_ndr_push_bytes_scalar(p, &c->extension));
	if (count == 0)
		return odj_ndr_push_bytes_deferred(p, &c->extension);
	NDR_CHECK(odj_ndr_push_array_count(p, count));
	for (uint32_t i = 0; i < c->count; i++) {
		const struct odj_part *part = &c->parts[i];
		if (omitted(p, part))
			continue;
		const struct part_type *t = part_type_of(part->kind);
		NDR_CHECK(odj_ndr_push_guid(p, &part->type));
		NDR_CHECK(odj_ndr_push_u32(p, part->flags));
		if (t != NULL && part_obj(part) != NULL)
			NDR_CHECK(odj_ndr_push_nested(p, t->push, part_obj(part), &content[i]));
		else if (t != NULL)
			return odj_ndr_push_fail(p, "part %u has no content", i);
		else
			NDR_CHECK(odj_ndr_push_bytes_scalar(p, &part->raw));
		NDR_CHECK(odj_ndr_push_bytes_scalar(p, &part->extension));
	}
	for (uint32_t i = 0; i < c->count; i++) {
		const struct odj_part *part = &c->parts[i];
		if (omitted(p, part))
			continue;
		if (part_type_of(part->kind) != NULL)
			NDR_CHECK(odj_ndr_push_nested_deferred(p, &content[i]));
		else
			NDR_CHECK(odj_ndr_push_bytes_deferred(p, &part->raw));
		NDR_CHECK(odj_ndr_push_bytes_deferred(p, &part->extension));
	}
	return odj_ndr_push_bytes_deferred(p, &c->extension);
}

/* OP_PACKAGE: EncryptionType, EncryptionContext, WrappedPartCollection,
 * cbDecryptedPartCollection, Extension. */
odj_result odj_pull_package(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_package *pkg = obj;
	struct odj_bytes wrapped;
	uint32_t r_ctx, r_wrapped, r_ext;
	NDR_CHECK(odj_ndr_pull_guid(p, &pkg->encryption_type));
	NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &pkg->encryption_context, &r_ctx));
	NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &wrapped, &r_wrapped));
	NDR_CHECK(odj_ndr_pull_u32(p, &pkg->cb_decrypted_part_collection));
	NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &pkg->extension, &r_ext));
	pkg->wire_collection_cb = wrapped.len;

	NDR_CHECK(odj_ndr_pull_bytes_deferred(p, mem, r_ctx, "OP_PACKAGE.EncryptionContext",
					  &pkg->encryption_context));
	const uint8_t *bytes;
	NDR_CHECK(odj_ndr_pull_bytes_view(p, wrapped.len, r_wrapped, "OP_PACKAGE.WrappedPartCollection",
				      &bytes));
	pkg->collection = NULL;
	if (bytes != NULL) {
		ODJ_NEW(p->ctx, mem, struct odj_part_collection, &pkg->collection);
		NDR_CHECK(odj_ndr_pull_nested(p->ctx, p, pkg->collection, bytes, wrapped.len,
					  "OP_PACKAGE_PART_COLLECTION", pull_collection,
					  pkg->collection, &pkg->wire_collection_obl));
	}
	return odj_ndr_pull_bytes_deferred(p, mem, r_ext, "OP_PACKAGE.Extension", &pkg->extension);
}

odj_result odj_push_package(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_package *pkg = obj;
	struct ndr_nested wrapped;
	NDR_CHECK(odj_ndr_push_guid(p, &pkg->encryption_type));
	NDR_CHECK(odj_ndr_push_bytes_scalar(p, &pkg->encryption_context));
	if (pkg->collection != NULL) {
		NDR_CHECK(odj_ndr_push_nested(p, push_collection, pkg->collection, &wrapped));
	} else {
		NDR_CHECK(odj_ndr_push_u32(p, 0));
		NDR_CHECK(odj_ndr_push_ref(p, false));
	}
	NDR_CHECK(odj_ndr_push_u32(p, pkg->cb_decrypted_part_collection));
	NDR_CHECK(odj_ndr_push_bytes_scalar(p, &pkg->extension));
	NDR_CHECK(odj_ndr_push_bytes_deferred(p, &pkg->encryption_context));
	if (pkg->collection != NULL)
		NDR_CHECK(odj_ndr_push_nested_deferred(p, &wrapped));
	return odj_ndr_push_bytes_deferred(p, &pkg->extension);
}
