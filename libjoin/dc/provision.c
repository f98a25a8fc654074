/*
 * odj_provision_account: the join plan (plan.c) for one machine, with
 * writes; and the blob a provision ends with (shared with bulk).
 */
#include <string.h>
#include <time.h>

#include <odj/blob_build.h>
#include <odj/prepare.h>

#include "plan.h"
#include "provision.h"

odj_result odj_provision_blob(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_dc_session *s,
			      const struct odj_provision_blob_in *in, struct odj_secret **file,
			      struct odj_secret **base64)
{
	const struct odj_domain_facts *f = s->facts;
	struct odj_provision_facts pf = {
		.domain_dns = f->dns_domain,
		.domain_netbios = f->netbios,
		.forest = f->forest,
		.domain_guid = f->guid,
		.domain_sid = &f->sid,
		.machine_name = in->netbios_name,
		.password_utf16 = in->password_utf16,
		.dc_name = s->dc.host,
		.dc_address = s->dc.address,
		.dc_flags = s->dc.flags,
		.dc_site = s->dc.dc_site,
		.client_site = s->dc.client_site,
		/* Windows writes 0 for a random password, 4 with /defpwd. */
		.options = in->defpwd ? ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD : 0,
		.rid = in->rid,
		.machine_sid = in->machine_sid,
		.linux_part = in->windows ? NULL : in->linux_part,
	};
	struct odj_provision *prov = NULL;
	odj_result r = odj_provision_build(ctx, mem, &pf, &prov);
	struct odj_blob_encode_options eo = ODJ_BLOB_ENCODE_OPTIONS_INIT;
	if (in->windows) {
		eo.referents = ODJ_REFERENTS_WINDOWS;
		eo.omit_linux_part = true;
	}
	struct odj_secret *ndr = NULL;
	if (r == ODJ_OK)
		r = odj_blob_encode(ctx, mem, prov, &eo, &ndr);
	if (r == ODJ_OK)
		r = odj_blob_text_encode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), file);
	if (r == ODJ_OK && base64 != NULL)
		r = odj_blob_base64_encode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), base64);
	talloc_free(prov);
	talloc_free(ndr);
	return r;
}

struct odj_linux_part odj_provision_make_linux_part(const struct odj_dc_session *s, uint32_t kvno,
						uint32_t enctypes, const char *sam,
						const char *dns_host_name, char **spns,
						const char *upn, const char *salt,
						int64_t pwd_last_set)
{
	size_t nspns = 0;
	while (spns && spns[nspns])
		nspns++;
	/* 100 ns ticks since 1601-01-01, as AD stores times */
	uint64_t now_filetime = ((uint64_t)time(NULL) + 11644473600ull) * 10000000ull;
	struct odj_linux_part lp = {
		.kvno = kvno,
		.enctypes = enctypes,
		.sam_account_name = (char *)sam,
		.dns_host_name = (char *)dns_host_name,
		.spn_count = (uint32_t)nspns,
		.spns = spns,
		.upn = (char *)upn,
		.realm = s->realm,
		.salt = (char *)salt,
		.pwd_last_set = (uint64_t)pwd_last_set,
		.created = now_filetime,
		.dc_name = s->dc.host,
	};
	return lp;
}

odj_result odj_provision_account(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_provision_req *req)
{
	odj_result r = odj_version_check(ctx, "odj_provision_req", req ? req->in.version : 0,
					 ODJ_PROVISION_VERSION);
	if (r != ODJ_OK)
		return r;
	memset(&req->out, 0, sizeof(req->out));
	struct odj_plan p = {.ctx = ctx, .mem = mem, .writes = true, .req = req};
	return odj_plan_run(&p);
}
