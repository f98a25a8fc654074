/*
 * odj-verify's engine: does this machine's join work?  Checked step by step
 * against a DC, with the machine's own keys, in this order:
 *
 *   record   the join record and keytab exist, are readable only by root and agree
 *   locate   a DC: the one the join recorded first, then DNS SRV + CLDAP (with the site)
 *   clock    this host's clock against the DC's (the KDC's own time)
 *   tgt      a TGT as NAME$ from the keytab
 *   ticket   a service ticket for host/<fqdn> that the keytab's key must open
 *   account  the account read with the machine's own credentials: enabled,
 *            dNSHostName, SPNs and enctypes as the join record says
 *   sssd     sssd.conf names this domain and keytab
 *
 * The first failing step stops the run; its error (status row, doing,
 * detail, advice) is on the context, the later steps are "skipped".
 */
#ifndef ODJ_VERIFY_H
#define ODJ_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include <odj/api.h>
#include <odj/error.h>
#include <odj/prepare.h>

#ifdef __cplusplus
extern "C" {
#endif

enum odj_verify_step_id {
	ODJ_VERIFY_RECORD = 0,
	ODJ_VERIFY_LOCATE,
	ODJ_VERIFY_CLOCK,
	ODJ_VERIFY_TGT,
	ODJ_VERIFY_TICKET,
	ODJ_VERIFY_ACCOUNT,
	ODJ_VERIFY_SSSD,
	ODJ_VERIFY_STEPS
};

enum odj_verify_state { ODJ_VERIFY_SKIPPED = 0, ODJ_VERIFY_PASSED, ODJ_VERIFY_FAILED };

struct odj_verify_step {
	enum odj_verify_step_id id;
	const char *name;            /* "record", "locate", ... */
	enum odj_verify_state state;
	char *summary;               /* one line: what was found, or why it failed */
	double ms;
};

/* Called after each step (for --verbose); may be NULL. */
typedef void (*odj_verify_step_fn)(void *priv, const struct odj_verify_step *step);

#define ODJ_VERIFY_VERSION 1

struct odj_verify_req {
	struct {
		unsigned version;       /* ODJ_VERIFY_VERSION */
		const char *root;       /* where the join's files are; NULL: "/" */
		const char *dc;         /* NULL: the recorded DC, then DNS SRV */
		const char *ccache;     /* optional: any domain user's credentials, used only
					   to read the account's kvno when the keytab's keys
					   are refused (the clone diagnosis) */
		int max_skew_s;         /* 0: 300 (Kerberos' clockskew) */
		struct odj_deadlines deadlines;
		odj_verify_step_fn on_step;
		void *on_step_priv;
	} in;
	struct {
		struct odj_verify_step steps[ODJ_VERIFY_STEPS];
		int failed;             /* index of the failed step, -1: none */
		char *sam_account_name; /* from the join record */
		char *domain;
		char *dc_name;
		char *dc_address;
		char *site;             /* the client's site the DC named */
		double skew_s;          /* DC time minus this host's */
		uint32_t keytab_kvno;   /* highest kvno of NAME$ in the keytab */
		uint32_t account_kvno;  /* the kvno the KDC issues tickets at; 0: unknown */
		bool rotation_pending;  /* the keytab holds keys of an interrupted odj-rotate */
	} out;
};

#define ODJ_VERIFY_REQ_INIT {.in = {.version = ODJ_VERIFY_VERSION}, .out = {.failed = -1}}

/* "record", "locate", ... */
ODJ_API const char *odj_verify_step_name(enum odj_verify_step_id id);

/* ODJ_OK only if every step passed. */
ODJ_API odj_result odj_verify(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_verify_req *req);

#ifdef __cplusplus
}
#endif
#endif
