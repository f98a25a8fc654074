/*
 * OP_CERT_PART (format note 3.10): PFX and SST certificate stores.
 *   part: cPfxStores, pPfxStores, cSstStores, pSstStores, Extension{cb, ref}
 *   pfx:  pTemplateName, ulPrivateKeyExportPolicy, pPolicyServerUrl,
 *         ulPolicyServerUrlFlags, pPolicyServerId, cbPfx, pPfx     (28 bytes)
 *   sst:  StoreLocation, pStoreName, cbSst, pSst                   (16 bytes)
 * PFX bytes may hold private keys: like all decoded bytes, they are wiped when freed.
 */
#include "odj_structs.h"

#define PFX_SCALAR 28u
#define SST_SCALAR 16u

static odj_result pull_pfx(struct odj_ndr_pull *p, TALLOC_CTX *mem, struct odj_cert_part *c)
{
	uint32_t r_tmpl[ODJ_BLOB_MAX_ITEMS], r_url[ODJ_BLOB_MAX_ITEMS], r_id[ODJ_BLOB_MAX_ITEMS],
		r_pfx[ODJ_BLOB_MAX_ITEMS];
	NDR_CHECK(odj_ndr_pull_array_count(p, c->pfx_count, PFX_SCALAR, "pPfxStores"));
	ODJ_NEW_ARRAY(p->ctx, mem, struct odj_cert_pfx_store, c->pfx_count, &c->pfx);
	for (uint32_t i = 0; i < c->pfx_count; i++) {
		struct odj_cert_pfx_store *s = &c->pfx[i];
		NDR_CHECK(odj_ndr_pull_u32(p, &r_tmpl[i]));
		NDR_CHECK(odj_ndr_pull_u32(p, &s->private_key_export_policy));
		NDR_CHECK(odj_ndr_pull_u32(p, &r_url[i]));
		NDR_CHECK(odj_ndr_pull_u32(p, &s->policy_server_url_flags));
		NDR_CHECK(odj_ndr_pull_u32(p, &r_id[i]));
		NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &s->pfx, &r_pfx[i]));
	}
	for (uint32_t i = 0; i < c->pfx_count; i++) {
		struct odj_cert_pfx_store *s = &c->pfx[i];
		NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_tmpl[i], "pTemplateName", &s->template_name));
		NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_url[i], "pPolicyServerUrl",
					      &s->policy_server_url));
		NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_id[i], "pPolicyServerId",
					      &s->policy_server_id));
		NDR_CHECK(odj_ndr_pull_bytes_deferred(p, mem, r_pfx[i], "pPfx", &s->pfx));
	}
	return ODJ_OK;
}

static odj_result pull_sst(struct odj_ndr_pull *p, TALLOC_CTX *mem, struct odj_cert_part *c)
{
	uint32_t r_name[ODJ_BLOB_MAX_ITEMS], r_sst[ODJ_BLOB_MAX_ITEMS];
	NDR_CHECK(odj_ndr_pull_array_count(p, c->sst_count, SST_SCALAR, "pSstStores"));
	ODJ_NEW_ARRAY(p->ctx, mem, struct odj_cert_sst_store, c->sst_count, &c->sst);
	for (uint32_t i = 0; i < c->sst_count; i++) {
		struct odj_cert_sst_store *s = &c->sst[i];
		NDR_CHECK(odj_ndr_pull_u32(p, &s->store_location));
		NDR_CHECK(odj_ndr_pull_u32(p, &r_name[i]));
		NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &s->sst, &r_sst[i]));
	}
	for (uint32_t i = 0; i < c->sst_count; i++) {
		struct odj_cert_sst_store *s = &c->sst[i];
		NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_name[i], "pStoreName", &s->store_name));
		NDR_CHECK(odj_ndr_pull_bytes_deferred(p, mem, r_sst[i], "pSst", &s->sst));
	}
	return ODJ_OK;
}

odj_result odj_pull_cert(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_cert_part *c = obj;
	uint32_t r_pfx, r_sst, r_ext;
	NDR_CHECK(odj_ndr_pull_u32(p, &c->pfx_count));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_pfx));
	NDR_CHECK(odj_ndr_pull_u32(p, &c->sst_count));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_sst));
	NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &c->extension, &r_ext));
	NDR_CHECK(odj_ndr_check_count(p, c->pfx_count, r_pfx, "cPfxStores"));
	NDR_CHECK(odj_ndr_check_count(p, c->sst_count, r_sst, "cSstStores"));
	if (r_pfx != 0)
		NDR_CHECK(pull_pfx(p, mem, c));
	if (r_sst != 0)
		NDR_CHECK(pull_sst(p, mem, c));
	return odj_ndr_pull_bytes_deferred(p, mem, r_ext, "Extension", &c->extension);
}

odj_result odj_push_cert(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_cert_part *c = obj;
	NDR_CHECK(odj_ndr_push_u32(p, c->pfx_count));
	NDR_CHECK(odj_ndr_push_ref(p, c->pfx_count > 0));
	NDR_CHECK(odj_ndr_push_u32(p, c->sst_count));
	NDR_CHECK(odj_ndr_push_ref(p, c->sst_count > 0));
	NDR_CHECK(odj_ndr_push_bytes_scalar(p, &c->extension));
	if (c->pfx_count > 0) {
		NDR_CHECK(odj_ndr_push_array_count(p, c->pfx_count));
		for (uint32_t i = 0; i < c->pfx_count; i++) {
			const struct odj_cert_pfx_store *s = &c->pfx[i];
			NDR_CHECK(odj_ndr_push_ref(p, s->template_name != NULL));
			NDR_CHECK(odj_ndr_push_u32(p, s->private_key_export_policy));
			NDR_CHECK(odj_ndr_push_ref(p, s->policy_server_url != NULL));
			NDR_CHECK(odj_ndr_push_u32(p, s->policy_server_url_flags));
			NDR_CHECK(odj_ndr_push_ref(p, s->policy_server_id != NULL));
			NDR_CHECK(odj_ndr_push_bytes_scalar(p, &s->pfx));
		}
		for (uint32_t i = 0; i < c->pfx_count; i++) {
			const struct odj_cert_pfx_store *s = &c->pfx[i];
			NDR_CHECK(odj_ndr_push_string(p, s->template_name, "pTemplateName"));
			NDR_CHECK(odj_ndr_push_string(p, s->policy_server_url, "pPolicyServerUrl"));
			NDR_CHECK(odj_ndr_push_string(p, s->policy_server_id, "pPolicyServerId"));
			NDR_CHECK(odj_ndr_push_bytes_deferred(p, &s->pfx));
		}
	}
	if (c->sst_count > 0) {
		NDR_CHECK(odj_ndr_push_array_count(p, c->sst_count));
		for (uint32_t i = 0; i < c->sst_count; i++) {
			const struct odj_cert_sst_store *s = &c->sst[i];
			NDR_CHECK(odj_ndr_push_u32(p, s->store_location));
			NDR_CHECK(odj_ndr_push_ref(p, s->store_name != NULL));
			NDR_CHECK(odj_ndr_push_bytes_scalar(p, &s->sst));
		}
		for (uint32_t i = 0; i < c->sst_count; i++) {
			const struct odj_cert_sst_store *s = &c->sst[i];
			NDR_CHECK(odj_ndr_push_string(p, s->store_name, "pStoreName"));
			NDR_CHECK(odj_ndr_push_bytes_deferred(p, &s->sst));
		}
	}
	return odj_ndr_push_bytes_deferred(p, &c->extension);
}
