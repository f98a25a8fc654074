/* The add that was not answered (plan_settle.c). */
#ifndef ODJ_DC_PLAN_SETTLE_H
#define ODJ_DC_PLAN_SETTLE_H
#include "plan.h"

/* Did the add recorded as the error on ctx end without an answer from the DC? */
bool odj_plan_add_unanswered(const struct odj_ctx *ctx);

/*
 * Asks the DC again, over a new connection, whether the unanswered add of
 * p->req->out.dn took effect: ODJ_OK (out.created set, the error cleared)
 * when the account is there and the caller made it; otherwise the add's
 * error again, with what was found (out.settled) or that the outcome is
 * unknown (out.left_behind).
 */
odj_result odj_plan_settle_add(struct odj_plan *p);
#endif
