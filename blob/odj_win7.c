/*
 * ODJ_WIN7BLOB with its ODJ_POLICY_DNS_DOMAIN_INFO and DOMAIN_CONTROLLER_INFOW
 * (format note 3.4, 3.5).  Scalar part 112 bytes with the top-level
 * referent, then the deferred strings in field order.
 */
#include "odj_structs.h"

/* Referents of the scalar part, in wire order. */
struct win7_refs {
	uint32_t domain, machine, password;
	struct ndr_ustring_wire name, dns_domain, dns_forest;
	uint32_t sid;
	uint32_t dc_name, dc_address, domain_name, forest_name, dc_site, client_site;
};

odj_result odj_pull_win7blob(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj)
{
	struct odj_win7blob *b = obj;
	struct odj_dns_domain_info *dn = &b->dns_domain_info;
	struct odj_dc_info *dc = &b->dc_info;
	struct win7_refs r;

	NDR_CHECK(odj_ndr_pull_u32(p, &r.domain));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.machine));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.password));
	NDR_CHECK(odj_ndr_pull_ustring_scalar(p, &r.name));
	NDR_CHECK(odj_ndr_pull_ustring_scalar(p, &r.dns_domain));
	NDR_CHECK(odj_ndr_pull_ustring_scalar(p, &r.dns_forest));
	NDR_CHECK(odj_ndr_pull_guid(p, &dn->domain_guid));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.sid));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.dc_name));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.dc_address));
	NDR_CHECK(odj_ndr_pull_u32(p, &dc->dc_address_type));
	NDR_CHECK(odj_ndr_pull_guid(p, &dc->domain_guid));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.domain_name));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.forest_name));
	NDR_CHECK(odj_ndr_pull_u32(p, &dc->flags));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.dc_site));
	NDR_CHECK(odj_ndr_pull_u32(p, &r.client_site));
	NDR_CHECK(odj_ndr_pull_u32(p, &b->options));

	b->wire_refs[0] = p->top_ref;
	b->wire_refs[1] = r.domain;
	b->wire_refs[2] = r.machine;
	b->wire_refs[3] = r.password;
	b->wire_style = r.password == NDR_SAMBA_PASSWORD_REFERENT ? ODJ_REFERENTS_SAMBA
								   : ODJ_REFERENTS_WINDOWS;

	NDR_CHECK(odj_ndr_pull_string_ptr(p, b, r.domain, "lpDomain", &b->domain));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, b, r.machine, "lpMachineName", &b->machine_name));
	b->machine_password = NULL;
	if (r.password != 0)
		NDR_CHECK(odj_ndr_pull_string_secret(p, b, "lpMachinePassword", &b->machine_password));
	NDR_CHECK(odj_ndr_pull_ustring_deferred(p, b, &r.name, "DnsDomainInfo.Name", &dn->name));
	NDR_CHECK(odj_ndr_pull_ustring_deferred(p, b, &r.dns_domain, "DnsDomainInfo.DnsDomainName",
					    &dn->dns_domain_name));
	NDR_CHECK(odj_ndr_pull_ustring_deferred(p, b, &r.dns_forest, "DnsDomainInfo.DnsForestName",
					    &dn->dns_forest_name));
	dn->sid = NULL;
	if (r.sid != 0)
		NDR_CHECK(odj_ndr_pull_sid(p, b, &dn->sid));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, b, r.dc_name, "DcInfo.DomainControllerName",
				      &dc->dc_name));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, b, r.dc_address, "DcInfo.DomainControllerAddress",
				      &dc->dc_address));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, b, r.domain_name, "DcInfo.DomainName",
				      &dc->domain_name));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, b, r.forest_name, "DcInfo.DnsForestName",
				      &dc->dns_forest_name));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, b, r.dc_site, "DcInfo.DcSiteName", &dc->dc_site_name));
	NDR_CHECK(odj_ndr_pull_string_ptr(p, b, r.client_site, "DcInfo.ClientSiteName",
				      &dc->client_site_name));
	(void)mem;
	return ODJ_OK;
}

odj_result odj_push_win7blob(struct odj_ndr_push *p, const void *obj)
{
	const struct odj_win7blob *b = obj;
	const struct odj_dns_domain_info *dn = &b->dns_domain_info;
	const struct odj_dc_info *dc = &b->dc_info;
	const struct odj_secret *pw = b->machine_password;

	if (pw != NULL && odj_secret_len(pw) % 2 != 0)
		return odj_ndr_push_fail(p, "the machine password is not whole UTF-16 code units");
	NDR_CHECK(odj_ndr_push_ref(p, b->domain != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, b->machine_name != NULL));
	/* Samba writes a constant here, outside the numbering; Windows numbers it. */
	if (pw != NULL && p->style == ODJ_REFERENTS_SAMBA)
		NDR_CHECK(odj_ndr_push_u32(p, NDR_SAMBA_PASSWORD_REFERENT));
	else
		NDR_CHECK(odj_ndr_push_ref(p, pw != NULL));
	NDR_CHECK(odj_ndr_push_ustring_scalar(p, &dn->name, "DnsDomainInfo.Name"));
	NDR_CHECK(odj_ndr_push_ustring_scalar(p, &dn->dns_domain_name, "DnsDomainInfo.DnsDomainName"));
	NDR_CHECK(odj_ndr_push_ustring_scalar(p, &dn->dns_forest_name, "DnsDomainInfo.DnsForestName"));
	NDR_CHECK(odj_ndr_push_guid(p, &dn->domain_guid));
	NDR_CHECK(odj_ndr_push_ref(p, dn->sid != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, dc->dc_name != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, dc->dc_address != NULL));
	NDR_CHECK(odj_ndr_push_u32(p, dc->dc_address_type));
	NDR_CHECK(odj_ndr_push_guid(p, &dc->domain_guid));
	NDR_CHECK(odj_ndr_push_ref(p, dc->domain_name != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, dc->dns_forest_name != NULL));
	NDR_CHECK(odj_ndr_push_u32(p, dc->flags));
	NDR_CHECK(odj_ndr_push_ref(p, dc->dc_site_name != NULL));
	NDR_CHECK(odj_ndr_push_ref(p, dc->client_site_name != NULL));
	NDR_CHECK(odj_ndr_push_u32(p, b->options));

	NDR_CHECK(odj_ndr_push_string(p, b->domain, "lpDomain"));
	NDR_CHECK(odj_ndr_push_string(p, b->machine_name, "lpMachineName"));
	if (pw != NULL)
		NDR_CHECK(odj_ndr_push_string_units(p, odj_secret_data(pw), odj_secret_len(pw) / 2));
	NDR_CHECK(odj_ndr_push_ustring_deferred(p, &dn->name, "DnsDomainInfo.Name"));
	NDR_CHECK(odj_ndr_push_ustring_deferred(p, &dn->dns_domain_name, "DnsDomainInfo.DnsDomainName"));
	NDR_CHECK(odj_ndr_push_ustring_deferred(p, &dn->dns_forest_name, "DnsDomainInfo.DnsForestName"));
	if (dn->sid != NULL)
		NDR_CHECK(odj_ndr_push_sid(p, dn->sid));
	NDR_CHECK(odj_ndr_push_string(p, dc->dc_name, "DcInfo.DomainControllerName"));
	NDR_CHECK(odj_ndr_push_string(p, dc->dc_address, "DcInfo.DomainControllerAddress"));
	NDR_CHECK(odj_ndr_push_string(p, dc->domain_name, "DcInfo.DomainName"));
	NDR_CHECK(odj_ndr_push_string(p, dc->dns_forest_name, "DcInfo.DnsForestName"));
	NDR_CHECK(odj_ndr_push_string(p, dc->dc_site_name, "DcInfo.DcSiteName"));
	return odj_ndr_push_string(p, dc->client_site_name, "DcInfo.ClientSiteName");
}
