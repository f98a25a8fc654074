/*
 * ODJ_PROVISION_DATA and ODJ_BLOB (format note 3.2, 3.3): the outermost
 * stream, and the decode/encode entry points of the NDR codec.
 */
#include <string.h>

#include "odj_structs.h"

#define BLOB_SCALAR 12u

static odj_result pull_blob_content(struct odj_ndr_pull *p, TALLOC_CTX *mem, uint32_t ref,
				    struct odj_blob_entry *e)
{
	const uint8_t *bytes;
	NDR_CHECK(odj_ndr_pull_bytes_view(p, e->wire_cb, ref, "ODJ_BLOB.pBlob", &bytes));
	if (bytes != NULL && e->format == ODJ_WIN7_FORMAT) {
		ODJ_NEW(p->ctx, mem, struct odj_win7blob, &e->win7);
		return odj_ndr_pull_nested(p->ctx, p, e->win7, bytes, e->wire_cb, "ODJ_WIN7BLOB",
				       odj_pull_win7blob, e->win7, &e->wire_obl);
	}
	if (bytes != NULL && e->format == ODJ_WIN8_FORMAT) {
		ODJ_NEW(p->ctx, mem, struct odj_package, &e->package);
		return odj_ndr_pull_nested(p->ctx, p, e->package, bytes, e->wire_cb, "OP_PACKAGE",
				       odj_pull_package, e->package, &e->wire_obl);
	}
	/* Another format (or no bytes): kept as it is, as Samba does. */
	e->raw.len = e->wire_cb;
	e->raw.present = bytes != NULL;
	if (bytes != NULL) {
		e->raw.data = e->wire_cb ? talloc_memdup(mem, bytes, e->wire_cb)
					 : talloc_zero_size(mem, 1);
		if (e->raw.data == NULL)
			return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					"out of memory");
		odj_wipe_on_free(e->raw.data);
		odj_ndr_pull_warn(p, "blob format %u is unknown; kept as raw bytes", e->format);
	}
	return ODJ_OK;
}

/* ODJ_PROVISION_DATA: ulVersion, ulcBlobs, pBlobs; blob scalars; blob contents. */
static odj_result pull_provision(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_provision *prov = obj;
	uint32_t r_blobs, r_blob[ODJ_BLOB_MAX_ITEMS];
	NDR_CHECK(odj_ndr_pull_u32(p, &prov->version));
	if (prov->version != 1) {
		odj_fail(p->ctx, ODJ_E_INPUT, ODJ_NERR_ProvisioningBlobUnsupported,
			 "The provisioning blob has version %u; only version 1 is supported.",
			 prov->version);
		odj_error_detail(p->ctx, "NDR offset 0x%zx in ODJ_PROVISION_DATA: ulVersion %u",
				 p->abs_base + p->off - 4, prov->version);
		return ODJ_E_INPUT;
	}
	NDR_CHECK(odj_ndr_pull_u32(p, &prov->count));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_blobs));
	NDR_CHECK(odj_ndr_check_count(p, prov->count, r_blobs, "ulcBlobs"));
	if (prov->count == 0)
		return odj_ndr_pull_fail(p, "no blobs");
	NDR_CHECK(odj_ndr_pull_array_count(p, prov->count, BLOB_SCALAR, "pBlobs"));
	ODJ_NEW_ARRAY(p->ctx, mem, struct odj_blob_entry, prov->count, &prov->blobs);
	for (uint32_t i = 0; i < prov->count; i++) {
		struct odj_blob_entry *e = &prov->blobs[i];
		NDR_CHECK(odj_ndr_pull_u32(p, &e->format));
		NDR_CHECK(odj_ndr_pull_u32(p, &e->wire_cb));
		NDR_CHECK(odj_ndr_pull_u32(p, &r_blob[i]));
	}
	for (uint32_t i = 0; i < prov->count; i++)
		NDR_CHECK(pull_blob_content(p, mem, r_blob[i], &prov->blobs[i]));
	return ODJ_OK;
}

static odj_result push_provision(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_provision *prov = obj;
	struct ndr_nested content[ODJ_BLOB_MAX_ITEMS];
	if (prov->count == 0 || prov->blobs == NULL)
		return odj_ndr_push_fail(p, "a provisioning blob needs at least one blob");
	NDR_CHECK(odj_ndr_push_u32(p, prov->version));
	NDR_CHECK(odj_ndr_push_u32(p, prov->count));
	NDR_CHECK(odj_ndr_push_ref(p, true));
	NDR_CHECK(odj_ndr_push_array_count(p, prov->count));
	for (uint32_t i = 0; i < prov->count; i++) {
		const struct odj_blob_entry *e = &prov->blobs[i];
		NDR_CHECK(odj_ndr_push_u32(p, e->format));
		if (e->format == ODJ_WIN7_FORMAT && e->win7 != NULL)
			NDR_CHECK(odj_ndr_push_nested(p, odj_push_win7blob, e->win7, &content[i]));
		else if (e->format == ODJ_WIN8_FORMAT && e->package != NULL)
			NDR_CHECK(odj_ndr_push_nested(p, odj_push_package, e->package, &content[i]));
		else
			NDR_CHECK(odj_ndr_push_bytes_scalar(p, &e->raw));
	}
	for (uint32_t i = 0; i < prov->count; i++) {
		const struct odj_blob_entry *e = &prov->blobs[i];
		if ((e->format == ODJ_WIN7_FORMAT && e->win7 != NULL) ||
		    (e->format == ODJ_WIN8_FORMAT && e->package != NULL))
			NDR_CHECK(odj_ndr_push_nested_deferred(p, &content[i]));
		else
			NDR_CHECK(odj_ndr_push_bytes_deferred(p, &e->raw));
	}
	return ODJ_OK;
}

static const struct odj_part_collection *first_collection(const struct odj_provision *prov)
{
	for (uint32_t i = 0; prov != NULL && i < prov->count; i++) {
		const struct odj_package *pkg = prov->blobs[i].package;
		if (prov->blobs[i].format == ODJ_WIN8_FORMAT && pkg != NULL)
			return pkg->collection;
	}
	return NULL;
}

static const struct odj_part *first_part(const struct odj_provision *prov, enum odj_part_kind k)
{
	const struct odj_part_collection *c = first_collection(prov);
	for (uint32_t i = 0; c != NULL && i < c->count; i++) {
		if (c->parts[i].kind == k)
			return &c->parts[i];
	}
	return NULL;
}

const struct odj_win7blob *odj_provision_win7(const struct odj_provision *prov)
{
	for (uint32_t i = 0; prov != NULL && i < prov->count; i++) {
		if (prov->blobs[i].format == ODJ_WIN7_FORMAT && prov->blobs[i].win7 != NULL)
			return prov->blobs[i].win7;
	}
	const struct odj_part *part = first_part(prov, ODJ_PART_JOIN_PROVIDER);
	return part ? part->u.win7 : NULL;
}

const struct odj_joinprov3 *odj_provision_joinprov3(const struct odj_provision *prov)
{
	const struct odj_part *part = first_part(prov, ODJ_PART_JOIN_PROVIDER3);
	return part ? part->u.jp3 : NULL;
}

const struct odj_linux_part *odj_provision_linux_part(const struct odj_provision *prov)
{
	const struct odj_part *part = first_part(prov, ODJ_PART_LINUX);
	return part ? part->u.linux_part : NULL;
}

static bool same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The format-1 blob and the JOIN_PROVIDER part are written as copies; say so if not. */
static void cross_check(struct odj_provision *prov)
{
	const struct odj_win7blob *a = NULL;
	for (uint32_t i = 0; i < prov->count && a == NULL; i++) {
		if (prov->blobs[i].format == ODJ_WIN7_FORMAT)
			a = prov->blobs[i].win7;
	}
	const struct odj_part *part = first_part(prov, ODJ_PART_JOIN_PROVIDER);
	const struct odj_win7blob *b = part ? part->u.win7 : NULL;
	if (a == NULL || b == NULL)
		return;
	const char *what = NULL;
	if (!same_text(a->domain, b->domain))
		what = "lpDomain";
	else if (!same_text(a->machine_name, b->machine_name))
		what = "lpMachineName";
	else if ((a->machine_password == NULL) != (b->machine_password == NULL) ||
		 (a->machine_password != NULL &&
		  !odj_secret_equal(a->machine_password, b->machine_password)))
		what = "lpMachinePassword";
	if (what == NULL)
		return;
	char *w = talloc_asprintf(prov, "the format-1 blob and the JOIN_PROVIDER part differ in "
					"%s; the format-1 blob is used",
				  what);
	char **list = talloc_realloc(prov, prov->warnings, char *, prov->nwarnings + 1);
	if (w == NULL || list == NULL)
		return;
	prov->warnings = list;
	list[prov->nwarnings++] = talloc_steal(list, w);
}

odj_result odj_blob_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *ndr, size_t len,
			   struct odj_provision **out)
{
	return odj_blob_decode_opts(ctx, mem, ndr, len, NULL, out);
}

odj_result odj_blob_decode_opts(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *ndr, size_t len,
				const struct odj_blob_decode_options *opts,
				struct odj_provision **out)
{
	static const struct odj_blob_decode_options defaults = ODJ_BLOB_DECODE_OPTIONS_INIT;
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	odj_result vr = odj_version_check(ctx, "odj_blob_decode_options", opts->version,
					  ODJ_BLOB_DECODE_OPTIONS_VERSION);
	if (vr != ODJ_OK)
		return vr;
	odj_doing(ctx, "decoding the provisioning blob");
	if (len == 0)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_NoOfflineJoinInfo,
				"The provisioning blob is empty.");
	if (len > ODJ_BLOB_MAX_NDR)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
				"The provisioning blob is %zu bytes, more than the limit of %u.",
				len, ODJ_BLOB_MAX_NDR);
	struct odj_provision *prov = talloc_zero(mem, struct odj_provision);
	if (prov == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	struct odj_ndr_pull outer;
	odj_result r = odj_ndr_pull_stream_begin(ctx, NULL, ndr, len, "ODJ_PROVISION_DATA", &outer,
					     &prov->wire_obl);
	if (r == ODJ_OK) {
		outer.warn_to = prov;
		outer.strict_linux_part = opts->strict_linux_part;
		r = pull_provision(&outer, prov, prov);
	}
	if (r == ODJ_OK)
		r = odj_ndr_pull_stream_end(&outer);
	if (r != ODJ_OK) {
		talloc_free(prov);
		return r;
	}
	cross_check(prov);
	odj_doing(ctx, NULL);
	*out = prov;
	return ODJ_OK;
}

odj_result odj_blob_encode(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_provision *prov,
			   const struct odj_blob_encode_options *opts, struct odj_secret **ndr)
{
	static const struct odj_blob_encode_options defaults = ODJ_BLOB_ENCODE_OPTIONS_INIT;
	*ndr = NULL;
	if (opts == NULL)
		opts = &defaults;
	odj_result vr = odj_version_check(ctx, "odj_blob_encode_options", opts->version,
					  ODJ_BLOB_ENCODE_OPTIONS_VERSION);
	if (vr != ODJ_OK)
		return vr;
	/* Version 1 callers have no omit_linux_part field. */
	bool omit_linux_part = opts->version >= 2 && opts->omit_linux_part;
	odj_doing(ctx, "encoding the provisioning blob");
	/* Every intermediate stream holds the password: all of it is wiped with tmp. */
	TALLOC_CTX *tmp = talloc_new(mem);
	struct odj_ndr_push p;
	odj_result r = odj_ndr_push_init(&p, ctx, tmp, opts->referents, 1);
	p.omit_linux_part = omit_linux_part;
	if (r == ODJ_OK)
		r = odj_ndr_push_stream_begin(&p);
	if (r == ODJ_OK)
		r = push_provision(&p, prov);
	if (r == ODJ_OK)
		r = odj_ndr_push_stream_end(&p);
	if (r == ODJ_OK) {
		*ndr = odj_secret_dup(mem, p.buf, p.len);
		if (*ndr == NULL)
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				     "out of memory");
	}
	talloc_free(tmp);
	if (r == ODJ_OK)
		odj_doing(ctx, NULL);
	return r;
}
