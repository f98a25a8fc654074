/* A provisioning blob built from prepare's facts, in the shape Windows and Samba write. */
#include <string.h>

#include <odj/blob_build.h>

/* DsGetDcName adds these to the netlogon flags; Windows and Samba write them. */
#define DNS_FLAGS 0xe0000000u

static struct odj_win7blob *build_win7(TALLOC_CTX *mem, const struct odj_provision_facts *f)
{
	struct odj_win7blob *w = talloc_zero(mem, struct odj_win7blob);
	if (w == NULL)
		return NULL;
	w->domain = talloc_strdup(w, f->domain_dns);
	w->machine_name = talloc_strdup(w, f->machine_name);
	w->machine_password = odj_secret_dup(w, odj_secret_data(f->password_utf16),
					     odj_secret_len(f->password_utf16));
	w->dns_domain_info.name.value = talloc_strdup(w, f->domain_netbios);
	w->dns_domain_info.dns_domain_name.value = talloc_strdup(w, f->domain_dns);
	w->dns_domain_info.dns_forest_name.value = talloc_strdup(w, f->forest);
	w->dns_domain_info.domain_guid = f->domain_guid;
	if (f->domain_sid != NULL) {
		w->dns_domain_info.sid = talloc(w, struct odj_sid);
		if (w->dns_domain_info.sid != NULL)
			*w->dns_domain_info.sid = *f->domain_sid;
	}
	w->dc_info.dc_name = talloc_asprintf(w, "\\\\%s", f->dc_name);
	w->dc_info.dc_address = talloc_asprintf(w, "\\\\%s", f->dc_address);
	w->dc_info.dc_address_type = ODJ_DS_INET_ADDRESS;
	w->dc_info.domain_guid = f->domain_guid;
	w->dc_info.domain_name = talloc_strdup(w, f->domain_dns);
	w->dc_info.dns_forest_name = talloc_strdup(w, f->forest);
	w->dc_info.flags = f->dc_flags | DNS_FLAGS;
	w->dc_info.dc_site_name = f->dc_site ? talloc_strdup(w, f->dc_site) : NULL;
	w->dc_info.client_site_name = f->client_site ? talloc_strdup(w, f->client_site) : NULL;
	w->options = f->options;
	if (w->domain == NULL || w->machine_name == NULL || w->machine_password == NULL ||
	    w->dc_info.dc_name == NULL || w->dc_info.dc_address == NULL)
		return NULL;
	return w;
}

odj_result odj_provision_build(struct odj_ctx *ctx, TALLOC_CTX *mem,
			       const struct odj_provision_facts *f, struct odj_provision **out)
{
	*out = NULL;
	if (f->domain_dns == NULL || f->domain_netbios == NULL || f->forest == NULL ||
	    f->machine_name == NULL || f->password_utf16 == NULL || f->dc_name == NULL ||
	    f->dc_address == NULL || f->machine_sid == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_NERR_CantCreateJoinInfo,
				"the provisioning facts are incomplete");
	struct odj_provision *p = talloc_zero(mem, struct odj_provision);
	if (p == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	p->version = 1;
	p->count = 2;
	p->blobs = talloc_zero_array(p, struct odj_blob_entry, 2);
	uint32_t nparts = f->linux_part ? 3 : 2;
	struct odj_package *pkg = talloc_zero(p, struct odj_package);
	struct odj_part_collection *coll = pkg ? talloc_zero(pkg, struct odj_part_collection) : NULL;
	struct odj_part *parts = coll ? talloc_zero_array(coll, struct odj_part, nparts) : NULL;
	struct odj_joinprov3 *jp3 = parts ? talloc_zero(parts, struct odj_joinprov3) : NULL;
	struct odj_win7blob *win7 = p->blobs ? build_win7(p, f) : NULL;
	struct odj_win7blob *win7_part = parts ? build_win7(parts, f) : NULL;
	if (p->blobs == NULL || jp3 == NULL || win7 == NULL || win7_part == NULL) {
		talloc_free(p);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	p->blobs[0].format = 1;
	p->blobs[0].win7 = win7;
	p->blobs[1].format = 2;
	p->blobs[1].package = pkg;
	pkg->collection = coll;
	coll->count = nparts;
	coll->parts = parts;
	parts[0].type = odj_guid_join_provider;
	parts[0].kind = ODJ_PART_JOIN_PROVIDER;
	parts[0].flags = ODJ_PART_FLAG_ESSENTIAL;
	parts[0].u.win7 = win7_part;
	jp3->rid = f->rid;
	jp3->sid = talloc_strdup(jp3, f->machine_sid);
	parts[1].type = odj_guid_join_provider3;
	parts[1].kind = ODJ_PART_JOIN_PROVIDER3;
	parts[1].flags = 0;
	parts[1].u.jp3 = jp3;
	if (f->linux_part != NULL) {
		struct odj_linux_part *lp = talloc_zero(parts, struct odj_linux_part);
		if (lp == NULL) {
			talloc_free(p);
			return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					"out of memory");
		}
		*lp = *f->linux_part; /* strings stay the caller's: the model is encoded, not kept */
		lp->version = ODJ_LINUX_PART_VERSION;
		parts[2].type = odj_guid_linux_provider;
		parts[2].kind = ODJ_PART_LINUX;
		parts[2].flags = 0; /* non-essential: Windows and Samba skip it */
		parts[2].u.linux_part = lp;
	}
	*out = p;
	return ODJ_OK;
}
