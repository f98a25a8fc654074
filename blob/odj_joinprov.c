/* OP_JOINPROV2_PART, OP_JOINPROV3_PART, OP_JOINPROV4_PART (format note 3.9). */
#include "odj_structs.h"

/* JOINPROV2: dwFlags, lpNetbiosName, lpSiteName, lpPrimaryDNSDomain, dwReserved, lpReserved. */
odj_result odj_pull_joinprov2(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_joinprov2 *j = obj;
	uint32_t r_netbios, r_site, r_dns, r_reserved;
	NDR_CHECK(odj_ndr_pull_u32(p, &j->flags));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_netbios));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_site));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_dns));
	NDR_CHECK(odj_ndr_pull_u32(p, &j->reserved));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_reserved));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_netbios, "lpNetbiosName", &j->netbios_name));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_site, "lpSiteName", &j->site_name));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_dns, "lpPrimaryDNSDomain", &j->primary_dns_domain));
	return odj_ndr_pull_string_ptr(p, mem, r_reserved, "lpReserved", &j->reserved_ptr);
}

odj_result odj_push_joinprov2(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_joinprov2 *j = obj;
	NDR_CHECK(odj_ndr_push_u32(p, j->flags));
	NDR_CHECK(odj_ndr_push_ref(p, j->netbios_name != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, j->site_name != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, j->primary_dns_domain != NULL));
	NDR_CHECK(odj_ndr_push_u32(p, j->reserved));
	NDR_CHECK(odj_ndr_push_ref(p, j->reserved_ptr != NULL));
	NDR_CHECK(odj_ndr_push_string(p, j->netbios_name, "lpNetbiosName"));
	NDR_CHECK(odj_ndr_push_string(p, j->site_name, "lpSiteName"));
	NDR_CHECK(odj_ndr_push_string(p, j->primary_dns_domain, "lpPrimaryDNSDomain"));
	return odj_ndr_push_string(p, j->reserved_ptr, "lpReserved");
}

/* JOINPROV3: Rid, lpSid. */
odj_result odj_pull_joinprov3(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_joinprov3 *j = obj;
	uint32_t r_sid;
	NDR_CHECK(odj_ndr_pull_u32(p, &j->rid));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_sid));
	return odj_ndr_pull_string_ptr(p, mem, r_sid, "lpSid", &j->sid);
}

odj_result odj_push_joinprov3(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_joinprov3 *j = obj;
	NDR_CHECK(odj_ndr_push_u32(p, j->rid));
	NDR_CHECK(odj_ndr_push_ref(p, j->sid != NULL));
	return odj_ndr_push_string(p, j->sid, "lpSid");
}

/* JOINPROV4: Rid, lpSid, ObjectGuid. */
odj_result odj_pull_joinprov4(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_joinprov4 *j = obj;
	uint32_t r_sid;
	NDR_CHECK(odj_ndr_pull_u32(p, &j->rid));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_sid));
	NDR_CHECK(odj_ndr_pull_guid(p, &j->object_guid));
	return odj_ndr_pull_string_ptr(p, mem, r_sid, "lpSid", &j->sid);
}

odj_result odj_push_joinprov4(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_joinprov4 *j = obj;
	NDR_CHECK(odj_ndr_push_u32(p, j->rid));
	NDR_CHECK(odj_ndr_push_ref(p, j->sid != NULL));
	NDR_CHECK(odj_ndr_push_guid(p, &j->object_guid));
	return odj_ndr_push_string(p, j->sid, "lpSid");
}
