/*
 * OP_ODJ_LINUX_PART, odj's own package part (blob/FORMAT.md): the account
 * facts a Linux target needs for its keytab, krb5.conf and sssd.conf.
 *   Version, KeyVersionNumber, SupportedEncryptionTypes, lpSamAccountName,
 *   lpDnsHostName, cSpns, pSpns, lpUserPrincipalName, lpRealm, lpSalt,
 *   PwdLastSet, CreationTime, lpDcName
 * Version 1 fields come first with all their deferred data; a later
 * version appends its fields after them, so a version-1 reader stops there
 * and ignores the rest of the stream.
 */
#include "odj_structs.h"

static odj_result pull_spns(struct odj_ndr_pull *p, TALLOC_CTX *mem, struct odj_linux_part *l)
{
	uint32_t refs[ODJ_BLOB_MAX_ITEMS];
	NDR_CHECK(odj_ndr_pull_array_count(p, l->spn_count, 4, "pSpns"));
	ODJ_NEW_ARRAY(p->ctx, mem, char *, l->spn_count, &l->spns);
	for (uint32_t i = 0; i < l->spn_count; i++)
		NDR_CHECK(odj_ndr_pull_u32(p, &refs[i]));
	for (uint32_t i = 0; i < l->spn_count; i++) {
		if (refs[i] == 0)
			return odj_ndr_pull_fail(p, "pSpns[%u]: NULL service principal name", i);
		NDR_CHECK(odj_ndr_pull_string(p, mem, "pSpns[]", &l->spns[i]));
	}
	return ODJ_OK;
}

odj_result odj_pull_linux_part(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_linux_part *l = obj;
	uint32_t r_sam, r_dns, r_spns, r_upn, r_realm, r_salt, r_dc;
	NDR_CHECK(odj_ndr_pull_u32(p, &l->version));
	if (l->version == 0)
		return odj_ndr_pull_fail(p, "Version 0 is not valid");
	NDR_CHECK(odj_ndr_pull_u32(p, &l->kvno));
	NDR_CHECK(odj_ndr_pull_u32(p, &l->enctypes));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_sam));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_dns));
	NDR_CHECK(odj_ndr_pull_u32(p, &l->spn_count));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_spns));
	NDR_CHECK(odj_ndr_check_count(p, l->spn_count, r_spns, "cSpns"));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_upn));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_realm));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_salt));
	NDR_CHECK(odj_ndr_pull_filetime(p, &l->pwd_last_set));
	NDR_CHECK(odj_ndr_pull_filetime(p, &l->created));
	NDR_CHECK(odj_ndr_pull_u32(p, &r_dc));

	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_sam, "lpSamAccountName", &l->sam_account_name));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_dns, "lpDnsHostName", &l->dns_host_name));
	l->spns = NULL;
	if (r_spns != 0)
		NDR_CHECK(pull_spns(p, mem, l));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_upn, "lpUserPrincipalName", &l->upn));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_realm, "lpRealm", &l->realm));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_salt, "lpSalt", &l->salt));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, mem, r_dc, "lpDcName", &l->dc_name));

	/* Fields of a later version follow (after the padding); this reader knows version 1. */
	size_t known_end = (p->off + 7) & ~(size_t)7;
	l->wire_trailing = known_end < p->len ? (uint32_t)(p->len - known_end) : 0;
	if (l->version > ODJ_LINUX_PART_VERSION)
		odj_ndr_pull_warn(p, "odj Linux part version %u is newer than %u; its %u added bytes "
				     "are ignored",
			      l->version, ODJ_LINUX_PART_VERSION, l->wire_trailing);
	p->off = p->len;
	return ODJ_OK;
}

odj_result odj_push_linux_part(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_linux_part *l = obj;
	if (l->spn_count > 0 && l->spns == NULL)
		return odj_ndr_push_fail(p, "%u SPNs without an SPN array", l->spn_count);
	for (uint32_t i = 0; i < l->spn_count; i++) {
		if (l->spns[i] == NULL)
			return odj_ndr_push_fail(p, "SPN %u is NULL", i);
	}
	NDR_CHECK(odj_ndr_push_u32(p, ODJ_LINUX_PART_VERSION));
	NDR_CHECK(odj_ndr_push_u32(p, l->kvno));
	NDR_CHECK(odj_ndr_push_u32(p, l->enctypes));
	NDR_CHECK(odj_ndr_push_ref(p, l->sam_account_name != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, l->dns_host_name != NULL));
	NDR_CHECK(odj_ndr_push_u32(p, l->spn_count));
	NDR_CHECK(odj_ndr_push_ref(p, l->spn_count > 0));
	NDR_CHECK(odj_ndr_push_ref(p, l->upn != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, l->realm != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, l->salt != NULL));
	NDR_CHECK(odj_ndr_push_filetime(p, l->pwd_last_set));
	NDR_CHECK(odj_ndr_push_filetime(p, l->created));
	NDR_CHECK(odj_ndr_push_ref(p, l->dc_name != NULL));

	NDR_CHECK(odj_ndr_push_string(p, l->sam_account_name, "lpSamAccountName"));
	NDR_CHECK(odj_ndr_push_string(p, l->dns_host_name, "lpDnsHostName"));
	if (l->spn_count > 0) {
		NDR_CHECK(odj_ndr_push_array_count(p, l->spn_count));
		for (uint32_t i = 0; i < l->spn_count; i++)
			NDR_CHECK(odj_ndr_push_ref(p, true));
		for (uint32_t i = 0; i < l->spn_count; i++)
			NDR_CHECK(odj_ndr_push_string(p, l->spns[i], "pSpns[]"));
	}
	NDR_CHECK(odj_ndr_push_string(p, l->upn, "lpUserPrincipalName"));
	NDR_CHECK(odj_ndr_push_string(p, l->realm, "lpRealm"));
	NDR_CHECK(odj_ndr_push_string(p, l->salt, "lpSalt"));
	return odj_ndr_push_string(p, l->dc_name, "lpDcName");
}
