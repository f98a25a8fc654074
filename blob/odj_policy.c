/*
 * OP_POLICY_PART (format note 3.10): element lists of registry values.
 *   part:    cElementLists, pElementLists, Extension{cb, ref}
 *   list:    pSource, ulRootKeyId, cElements, pElements        (16 bytes)
 *   element: pKeyPath, pValueName, ulValueType, cbValueData, pValueData (20 bytes)
 * Deferred data is depth-first: each list's source and elements (each
 * element's strings and data) before the next list.
 */
#include "odj_structs.h"

#define LIST_SCALAR 16u
#define ELEMENT_SCALAR 20u

static odj_result pull_elements(struct odj_ndr_pull *p, TALLOC_CTX *mem, struct odj_policy_list *l)
{
	uint32_t r_key[ODJ_BLOB_MAX_ITEMS], r_name[ODJ_BLOB_MAX_ITEMS], r_data[ODJ_BLOB_MAX_ITEMS];
	NDR_CHECK(odj_ndr_pull_array_count(p, l->count, ELEMENT_SCALAR, "pElements"));
	ODJ_NEW_ARRAY(p->ctx, mem, struct odj_policy_element, l->count, &l->elements);
	for (uint32_t i = 0; i < l->count; i++) {
		struct odj_policy_element *e = &l->elements[i];
		NDR_CHECK(odj_ndr_pull_u32(p, &r_key[i]));
		NDR_CHECK(odj_ndr_pull_u32(p, &r_name[i]));
		NDR_CHECK(odj_ndr_pull_u32(p, &e->value_type));
		NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &e->value, &r_data[i]));
	}
	for (uint32_t i = 0; i < l->count; i++) {
		struct odj_policy_element *e = &l->elements[i];
		NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_key[i], "pKeyPath", &e->key_path));
		NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_name[i], "pValueName", &e->value_name));
		NDR_CHECK(odj_ndr_pull_bytes_deferred(p, mem, r_data[i], "pValueData", &e->value));
	}
	return ODJ_OK;
}

odj_result odj_pull_policy(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_policy_part *pol = obj;
	uint32_t r_lists, r_ext;
	uint32_t r_source[ODJ_BLOB_MAX_ITEMS], r_elems[ODJ_BLOB_MAX_ITEMS];
	NDR_CHECK(odj_ndr_pull_u32(p, &pol->count));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_lists));
	NDR_CHECK(odj_ndr_pull_bytes_scalar(p, &pol->extension, &r_ext));
	NDR_CHECK(odj_ndr_check_count(p, pol->count, r_lists, "cElementLists"));
	if (r_lists != 0) {
		NDR_CHECK(odj_ndr_pull_array_count(p, pol->count, LIST_SCALAR, "pElementLists"));
		ODJ_NEW_ARRAY(p->ctx, mem, struct odj_policy_list, pol->count, &pol->lists);
		for (uint32_t i = 0; i < pol->count; i++) {
			struct odj_policy_list *l = &pol->lists[i];
			NDR_CHECK(odj_ndr_pull_u32(p, &r_source[i]));
			NDR_CHECK(odj_ndr_pull_u32(p, &l->root_key_id));
			NDR_CHECK(odj_ndr_pull_u32(p, &l->count));
			NDR_CHECK(odj_ndr_pull_u32(p, &r_elems[i]));
			NDR_CHECK(odj_ndr_check_count(p, l->count, r_elems[i], "cElements"));
		}
		for (uint32_t i = 0; i < pol->count; i++) {
			struct odj_policy_list *l = &pol->lists[i];
			NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_source[i], "pSource", &l->source));
			if (r_elems[i] != 0)
				NDR_CHECK(pull_elements(p, mem, l));
		}
	}
	return odj_ndr_pull_bytes_deferred(p, mem, r_ext, "Extension", &pol->extension);
}

static odj_result push_elements(struct odj_ndr_push *p, const struct odj_policy_list *l)
{
	NDR_CHECK(odj_ndr_push_array_count(p, l->count));
	for (uint32_t i = 0; i < l->count; i++) {
		const struct odj_policy_element *e = &l->elements[i];
		NDR_CHECK(odj_ndr_push_ref(p, e->key_path != NULL));
		NDR_CHECK(odj_ndr_push_ref(p, e->value_name != NULL));
		NDR_CHECK(odj_ndr_push_u32(p, e->value_type));
		NDR_CHECK(odj_ndr_push_bytes_scalar(p, &e->value));
	}
	for (uint32_t i = 0; i < l->count; i++) {
		const struct odj_policy_element *e = &l->elements[i];
		NDR_CHECK(odj_ndr_push_string(p, e->key_path, "pKeyPath"));
		NDR_CHECK(odj_ndr_push_string(p, e->value_name, "pValueName"));
		NDR_CHECK(odj_ndr_push_bytes_deferred(p, &e->value));
	}
	return ODJ_OK;
}

odj_result odj_push_policy(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_policy_part *pol = obj;
	NDR_CHECK(odj_ndr_push_u32(p, pol->count));
	NDR_CHECK(odj_ndr_push_ref(p, pol->count > 0));
	NDR_CHECK(odj_ndr_push_bytes_scalar(p, &pol->extension));
	if (pol->count > 0) {
		NDR_CHECK(odj_ndr_push_array_count(p, pol->count));
		for (uint32_t i = 0; i < pol->count; i++) {
			const struct odj_policy_list *l = &pol->lists[i];
			NDR_CHECK(odj_ndr_push_ref(p, l->source != NULL));
			NDR_CHECK(odj_ndr_push_u32(p, l->root_key_id));
			NDR_CHECK(odj_ndr_push_u32(p, l->count));
			NDR_CHECK(odj_ndr_push_ref(p, l->count > 0));
		}
		for (uint32_t i = 0; i < pol->count; i++) {
			const struct odj_policy_list *l = &pol->lists[i];
			NDR_CHECK(odj_ndr_push_string(p, l->source, "pSource"));
			if (l->count > 0)
				NDR_CHECK(push_elements(p, l));
		}
	}
	return odj_ndr_push_bytes_deferred(p, &pol->extension);
}
