/* odj_prepare_check: the join plan with writes off. */
#include <string.h>

#include <odj/prepare.h>

#include "plan.h"

/* The check reports what the provision's plan learnt, and what it found on the way. */
static void copy_out(struct odj_check_req *req, const struct odj_plan *p)
{
	req->out.plan = p->req->out;
	req->out.container = p->where;
	if (p->s != NULL)
		req->out.session = p->s->report;
	req->out.machine_checked = p->account_checked;
	req->out.account_exists = p->have != NULL;
	req->out.would_reset = p->have != NULL && p->req->in.account.reuse;
	if (p->account_checked)
		req->out.account_dn = p->have ? p->have->dn
					      : odj_account_dn(p->mem, p->jr.out.netbios_name,
							       p->where.dn);
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
