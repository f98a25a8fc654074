/*
 * The join plan: the DC side of a join as a list of named steps, each
 * defined once (plan.c), and the rules those steps apply (plan_rules.c).
 * odj_prepare_check runs the plan with writes off, odj_provision_account
 * runs it for one machine; odj_bulk_provision runs its session steps once
 * and applies the same rules to each machine of its batched pipeline.
 */
#ifndef ODJ_DC_PLAN_H
#define ODJ_DC_PLAN_H

#include <odj/join.h>
#include <odj/prepare.h>

#include "account.h"
#include "rights.h"
#include "session.h"

/* One machine's way through the plan; everything hangs off mem. */
struct odj_plan {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	bool writes;                   /* false: a check (write steps say what they would do) */
	bool bulk;                     /* the session steps of a bulk run: no machine, always creates */
	struct odj_provision_req *req; /* the inputs, and the outputs as the steps learn them */
	bool machine;                  /* a machine is named (else: the connection only) */
	struct odj_join_request jr;
	struct odj_session_params sp;
	struct odj_dc_session *s;
	struct odj_container_report where; /* check-container, and the quota when a create relies on it */
	bool account_checked;          /* find-account ran */
	struct odj_account *have;      /* the existing account, NULL: one would be created */
	struct odj_account_spec spec;
	struct odj_secret *pw_utf16;
	struct odj_account_readback rb;
	struct odj_rights rights;      /* check-rights: whose account, which rights are missing */
	char **token;                  /* the caller's SIDs (odj_plan_token), NULL until read */
	double t0, t_write;
};

/*
 * Runs every step of the plan in order; stops at the first failure (its
 * error is on ctx).  Each step is named as it runs (odj_trace: --verbose,
 * --trace) and reported in p->req->out.steps.  A failure after a write
 * removes the account this run created again.
 */
odj_result odj_plan_run(struct odj_plan *p);

/* ---- the rules (plan_rules.c), shared with the bulk pipeline ---- */

/* Is sid (case-insensitive; NULL: no) one of list's (a token's SIDs)? */
bool odj_sid_in(const char *sid, const char *const *list);

/* The SIDs of the bound identity's token, read once per plan (the caller does not change). */
odj_result odj_plan_token(struct odj_plan *p, const char *const **token);

/*
 * check-names: [MS-WKST] steps 1-13 and 20-33 for the machine of a,
 * offline (core's odj_join_check; a host label longer than 15 characters
 * gives its first 15 as the NetBIOS name, as SPEC.md says).
 */
odj_result odj_rule_names(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_connection *conn,
			  const struct odj_account_request *a, struct odj_join_request *jr);

/* SPNs of steps 27-28 plus extra ones, without duplicates; NULL-terminated. */
const char **odj_rule_spns(TALLOC_CTX *mem, const struct odj_join_request *jr,
			   const char *const *extra);

/* check-clock: the DC's clock within the skew Kerberos allows (ERROR_TIME_SKEW). */
odj_result odj_rule_clock(struct odj_ctx *ctx, const struct odj_dc_session *s);

/* check-rights: creating an account needs the right to create computers in the container. */
odj_result odj_rule_may_create(struct odj_ctx *ctx, const char *client, const char *container,
			       bool may_create);

/*
 * check-rights, for a reset: missing names the first attribute the reset
 * would change that the bound identity may not write (NULL: none).
 */
odj_result odj_rule_may_reset(struct odj_ctx *ctx, const char *client, const char *dn,
			      const char *missing);

/*
 * find-account: may the existing account `have` be taken over?  Only a
 * computer account that is no DC's, with reuse, and (with an OU given) in
 * that OU.  can_reuse false (bulk) refuses every existing account, with
 * advice that fits.
 */
odj_result odj_rule_existing(struct odj_ctx *ctx, const struct odj_account *have, bool reuse,
			     bool can_reuse, const char *ou, const char *container);

/*
 * find-account, on reuse: KB5020276.  Taking over the existing account dn
 * is allowed when its owner or mS-DS-CreatorSID is in the caller's token
 * (the caller made it), when the caller is a member of Domain Admins,
 * Enterprise Admins or BUILTIN\\Administrators, or when the owner or the
 * creator is one of trusted (--trusted-owner); otherwise
 * NERR_AccountReuseBlockedByPolicy naming the owner.  token and trusted are
 * NULL-terminated SID strings (either may be NULL).
 */
odj_result odj_rule_reuse_owner(struct odj_ctx *ctx, const char *client, const char *dn,
				const struct odj_account_owner *o, const char *const *token,
				const char *const *trusted);

/* The names an account to be created or reset claims in the directory. */
struct odj_claim {
	const char *sam_account_name;
	const char *dns_host_name; /* NULL with DEFER_SPN_SET */
	const char *const *spns;   /* NULL-terminated, may be NULL */
	const char *own_dn;        /* the account being reset: its own names conflict with nothing */
};

/*
 * The OR terms that find every holder of c's names (sAMAccountName and
 * servicePrincipalName: indexed attributes only), appended to filter.
 * dNSHostName is not indexed (AD's searchFlags, Samba's @INDEXLIST): one
 * unindexed term would scan the domain partition; HOST/<dNSHostName> among
 * the SPNs finds an account answering to the host name, and a dNSHostName
 * that comes back with an entry is still compared (odj_claim_held).
 */
char *odj_claim_filter_terms(TALLOC_CTX *mem, char *filter, const struct odj_claim *c);

/* The attributes odj_claim_held compares: odj_account_attrs. */

/*
 * Which of c's names the entry holds ("sAMAccountName", "dNSHostName",
 * "servicePrincipalName") and its value; NULL if none, or if the entry is
 * c's own account.
 */
const char *odj_claim_held(LDAP *ld, LDAPMessage *e, const struct odj_claim *c, const char **value);

/*
 * Records the conflict of an entry that holds one of c's names: an existing
 * account of that sAMAccountName goes through odj_rule_existing (bulk:
 * can_reuse false); another holder of an SPN or the dNSHostName is
 * ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST.  where names the DC the entry
 * was found on when it is not the one written to (NULL: that one).
 */
odj_result odj_claim_conflict(struct odj_ctx *ctx, LDAP *ld, LDAPMessage *e,
			      const struct odj_claim *c, bool can_reuse, const char *attr,
			      const char *value, const char *where);

/* "dc2.odj.test (not yet replicated to dc1.odj.test)", for a holder found on another DC. */
char *odj_claim_where(TALLOC_CTX *mem, const char *holder_dc, const char *write_dc);

/*
 * check-conflicts for one account: one search on each of the n connections
 * (every DC the account's names must be unique on; hosts[0] is the DC
 * written to, a conflict on another names both).
 */
odj_result odj_claim_check(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_ldap *const *conns,
			   const char *const *hosts, size_t n, const char *base,
			   const struct odj_claim *c);

#endif
