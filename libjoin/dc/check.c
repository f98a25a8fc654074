/* odj_prepare_check: the join plan with writes off. */
#include <string.h>

#include <odj/prepare.h>

#include "plan.h"

static void copy_out(struct odj_check_req *req, const struct odj_plan *p)
{
	const struct odj_provision_req *pr = p->req;
	const struct odj_dc_session *s = p->s;
	req->out.dc = pr->out.dc;
	req->out.facts = pr->out.facts;
	req->out.realm = pr->out.realm;
	req->out.client = pr->out.client;
	req->out.container_dn = p->container;
	req->out.may_create = p->may_create;
	req->out.by_quota = p->by_quota;
	req->out.machine_account_quota = p->quota;
	req->out.quota_used = p->quota_used;
	req->out.machine_checked = p->account_checked;
	req->out.sam_account_name = pr->out.sam_account_name;
	req->out.account_exists = p->have != NULL;
	req->out.would_reset = p->have != NULL && pr->in.account.reuse;
	if (p->account_checked)
		req->out.account_dn = p->have ? p->have->dn
					      : odj_account_dn(p->mem, p->jr.out.netbios_name,
							       p->container);
	req->out.spns = pr->out.spns;
	req->out.steps = pr->out.steps;
	req->out.n_steps = pr->out.n_steps;
	req->out.ms_total = pr->out.ms_total;
	if (s == NULL)
		return;
	req->out.ldap_ssf = s->ldap ? odj_ldap_ssf(s->ldap) : 0;
	req->out.ldap_tls = s->ldap ? odj_ldap_tls(s->ldap) : false;
	req->out.ms_locate = s->ms_locate;
	req->out.ms_kerberos = s->ms_kerberos;
	req->out.ms_smb = s->ms_smb;
	req->out.smb_peer = s->smb_peer;
	req->out.ms_ldap = s->ms_ldap;
}

odj_result odj_prepare_check(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_check_req *req)
{
	odj_result r = odj_version_check(ctx, "odj_check_req", req ? req->in.version : 0,
					 ODJ_CHECK_VERSION);
	if (r != ODJ_OK)
		return r;
	memset(&req->out, 0, sizeof(req->out));
	/* the plan of a provision of the same machine, every write step left out */
	struct odj_provision_req *pr = talloc_zero(mem, struct odj_provision_req);
	if (pr == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	pr->in.version = ODJ_PROVISION_VERSION;
	pr->in.conn = req->in.conn;
	pr->in.account = req->in.account;
	struct odj_plan p = {.ctx = ctx, .mem = mem, .writes = false, .req = pr};
	r = odj_plan_run(&p);
	copy_out(req, &p);
	return r;
}
