/*
 * An add whose answer never came (the connection dropped, or the DC did not
 * answer within the LDAP deadline) may or may not have created the account.
 * The plan does not guess: it asks the same DC again over a new connection.
 * The account is there and the caller owns it: the add took effect, and the
 * plan finishes it (read-back, key proof, blob; a later failure removes it
 * as usual).  It is not there: nothing was created.  The DC cannot be asked:
 * the outcome stays unknown, and the error names the account and what to do.
 */
#include <string.h>
#include <strings.h>

#include <ldap.h>

#include "plan_settle.h"

/* Did the add end without an answer from the DC? */
bool odj_plan_add_unanswered(const struct odj_ctx *ctx)
{
	const struct odj_error *e = odj_error_get(ctx);
	return e->source == ODJ_SRC_LDAP &&
	       (e->source_code == LDAP_SERVER_DOWN || e->source_code == LDAP_TIMEOUT);
}

struct lost_add {
	char *doing;
	odj_status status;
	char *message;
	char *detail;
};

/* The add's own failure, again as the error, with what the read-back found. */
static odj_result fail_again(struct odj_plan *p, const struct lost_add *lost, const char *found,
			     const char *advice)
{
	odj_doing(p->ctx, "%s", lost->doing);
	odj_fail(p->ctx, ODJ_E_NETWORK, lost->status, "%s", lost->message);
	if (lost->detail != NULL)
		odj_error_detail(p->ctx, "%s", lost->detail);
	odj_error_detail(p->ctx, "%s", found);
	if (advice != NULL)
		odj_error_advice(p->ctx, "%s", advice);
	return ODJ_E_NETWORK;
}

odj_result odj_plan_settle_add(struct odj_plan *p)
{
	struct odj_provision_req *req = p->req;
	struct odj_dc_session *s = p->s;
	const struct odj_error *e = odj_error_get(p->ctx);
	struct lost_add lost = {
		.doing = talloc_strdup(p->mem, e->doing ? e->doing : "creating the computer account"),
		.status = e->status,
		.message = talloc_strdup(p->mem, e->message ? e->message : "the add was not answered"),
		.detail = e->detail ? talloc_strdup(p->mem, e->detail) : NULL,
	};
	const char *dn = req->out.dn;
	odj_trace(p->ctx, "NetpProvisionComputerAccount: the add of '%s' was not answered: asking "
			  "%s again", dn, s->dc.host);

	/* a new connection to the same DC: the old one is gone or out of step */
	talloc_free(s->ldap);
	s->ldap = NULL;
	odj_result r = odj_session_directory(s, &p->sp);
	struct odj_account *now = NULL;
	if (r == ODJ_OK) {
		odj_doing(p->ctx, "looking up %s on %s after its add went unanswered",
			  p->jr.out.sam_account_name, s->dc.host);
		r = odj_account_find(s->ldap, p->mem, s->facts->default_nc,
				     p->jr.out.sam_account_name, &now);
	}
	if (r != ODJ_OK) {
		const char *why = odj_error_get(p->ctx)->message;
		req->out.left_behind = talloc_asprintf(p->mem, "%s (perhaps: the add's outcome is "
							       "unknown)", dn);
		return fail_again(
			p, &lost,
			talloc_asprintf(p->mem, "whether %s was created is unknown: %s could not be "
						"asked again (%s)",
					dn, s->dc.host, why ? why : "no answer"),
			talloc_asprintf(p->mem, "When %s answers again, look for %s: rerun with --reuse "
						"to finish it (nobody knows its password), or remove it.",
					s->dc.host, dn));
	}
	if (now == NULL) {
		req->out.settled = talloc_asprintf(p->mem, "the add of %s was not answered; %s does "
							   "not have it: nothing was created",
						   dn, s->dc.host);
		return fail_again(p, &lost,
				  talloc_asprintf(p->mem, "%s does not have %s (asked again over a new "
							  "connection): nothing was created",
						  s->dc.host, dn),
				  "Rerun when the DC answers in time (--kdc-timeout does not apply to "
				  "LDAP; a busy DC may need a moment).");
	}
	struct odj_account_owner owner;
	const char *const *token = NULL;
	r = odj_account_read_owner(s->ldap, p->mem, now->dn, &owner);
	if (r == ODJ_OK)
		r = odj_plan_token(p, &token);
	if (r != ODJ_OK)
		return r;
	bool made_by_caller = odj_sid_in(owner.owner, token) || odj_sid_in(owner.creator, token);
	if (strcasecmp(now->dn, dn) != 0 || !made_by_caller) {
		/* somebody else's: not this run's to finish or to remove */
		odj_fail(p->ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
			 "the add of %s was not answered, and %s now has %s owned by %s: not made by "
			 "this run, so it is left as it is",
			 dn, s->dc.host, now->dn,
			 owner.owner_name ? owner.owner_name : owner.owner ? owner.owner : "(unknown)");
		return ODJ_E_DIRECTORY;
	}
	req->out.created = true; /* from here on a failure removes it again */
	req->out.settled = talloc_asprintf(p->mem, "the add of %s was not answered; %s has it, made "
						   "by this run: finished",
					   dn, s->dc.host);
	odj_error_clear(p->ctx);
	odj_trace(p->ctx, "NetpProvisionComputerAccount: '%s' exists on %s: the add took effect",
		  dn, s->dc.host);
	return ODJ_OK;
}
