/* Shared state of the bulk engine (bulk.c, bulk_dcs.c, bulk_ldap.c, bulk_kdc.c, bulk_out.c). */
#ifndef ODJ_DC_BULK_INTERNAL_H
#define ODJ_DC_BULK_INTERNAL_H

#include <krb5.h>
#include <ldap.h>
#include <poll.h>
#include <stdbool.h>

#include <odj/bulk.h>
#include <odj/bundle.h>
#include <odj/join.h>

#include "account.h"
#include "plan.h"
#include "session.h"

enum bulk_state {
	BULK_QUEUED,   /* named, not yet checked against the directory */
	BULK_READY,    /* no conflict: may be added */
	BULK_ADDING,   /* add in flight */
	BULK_READING,  /* read-back in flight */
	BULK_PROVING,  /* waiting for, or in, its key proof (a TGS exchange) */
	BULK_REMOVING, /* a later step failed: delete in flight */
	BULK_DONE,
	BULK_FAILED,
};

/*
 * One machine while it is in the pipeline; everything hangs off mem.  Its
 * failures are recorded on its own ctx: a machine's error never passes
 * through the run's context, which holds only the run's own error.
 */
struct bulk_account {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	size_t index; /* into the names */
	enum bulk_state state;
	struct odj_join_request jr;
	struct odj_secret *pw_utf16;
	const char **spns;
	char *dn;
	char *salt;
	int conn;  /* connection of its LDAP operations */
	int msgid; /* its LDAP operation in flight */
	double t_issued;
	struct odj_account_readback rb;
	bool created;
	bool in_pipeline; /* counted in run->pending */
	bool journaled;   /* its "+" line is in the in-flight journal, not yet settled */
	/* a failure, kept until the delete of a created account has finished */
	odj_status fail_status;
	char *fail_message;
	struct bulk_account *next; /* queue links */
};

struct bulk_queue {
	struct bulk_account *head, *tail;
	size_t n;
};

void bulk_queue_push(struct bulk_queue *q, struct bulk_account *a);
struct bulk_account *bulk_queue_pop(struct bulk_queue *q);

/* An LDAP operation in flight; a == NULL is the batch's conflict search. */
struct bulk_op {
	int msgid;
	struct bulk_account *a;
};

struct bulk_conn {
	struct odj_ldap *ldap;
	struct odj_dc_session *s; /* the session of its DC */
	size_t dc;                /* its DC, into run->dcs */
	struct bulk_op *ops;
	size_t n_ops;
	double last_progress;
	bool dead;
};

struct bulk_kdc;   /* the proofs in flight, bulk_kdc.c */
struct bulk_carry; /* earlier bundles carried over, bulk_out.c */

/*
 * One DC the run was given (bulk_dcs.c).  Every DC that answers at the start
 * gets its own session, a share of the connections and a KDC transport; an
 * account stays with the DC that created it: its read-back, its key proof
 * (the other DCs may not have it yet) and the DC named in its blob.
 */
struct bulk_dc {
	const char *given;         /* as the caller named it */
	struct odj_dc_session *s;  /* NULL: not opened (yet) */
	char *container;
	struct bulk_kdc *kdc;
	struct bulk_queue proving; /* created here, waiting for a key proof from its KDC */
	size_t created;            /* accounts created here whose blob was written */
	char *error;               /* why it did not answer at the start, or NULL */
	odj_status error_status;   /* and its Win32 row */
	const char *same_as;       /* the host of an earlier DC of the run it is (named twice) */
	bool tried;                /* an open was attempted */
	bool reopened;             /* tried again once every other DC was lost */
	bool lost;                 /* every connection to it was lost mid-run */
};

struct bulk_run {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	struct odj_bulk_req *req;
	struct odj_dc_session *s;      /* the first DC's session: the domain's facts, realm */
	struct odj_provision_req tmpl; /* the connection and the per-machine inputs shared by all */
	char *container;
	struct bulk_dc *dcs;
	size_t n_dcs;
	struct bulk_conn *conns; /* over every DC opened; conns[i].dc names it */
	size_t n_conns, want_conns;
	unsigned window, max_proofs;
	bool *skip; /* per name: already provisioned */
	size_t next_name;       /* next name to take into a batch */
	struct bulk_queue ready;
	struct bulk_account **batch; /* accounts of the conflict search in flight */
	size_t batch_n;
	int batch_conn;        /* the connection whose DC searched first (a conflict elsewhere names it) */
	size_t batch_pending;  /* the batch's searches not yet answered: one per DC of the run */
	double batch_issued;
	struct odj_bundle_writer *bundle;
	struct bulk_carry *carry;
	size_t pending; /* accounts in the pipeline after QUEUED */
	double t0, next_add_at;
	size_t done, failed, skipped;
	bool halted; /* an output cannot take more blobs: start no more machines */
	/* failover: a DC not opened yet is left to try when every connection is lost */
	bool can_move;
	size_t *retake; /* names whose conflict search was lost: checked again on the next DC */
	size_t n_retake;
	/* the in-flight journal (bulk_journal.c) */
	char *journal_path;
	int journal_fd;
	char **prev_dc;   /* per name: the DC of an add an earlier run left unsettled, or NULL */
	size_t unsettled; /* this run's adds not yet settled */
};

double bulk_now_ms(void);

/* ---- bulk_ldap.c: asynchronous LDAP operations ---- */

/*
 * The verdict on one account of an asynchronous step: ok, or failed with its
 * error on a->ctx.  The steps report through it; they never change the
 * account's state themselves.
 */
typedef void (*bulk_verdict_fn)(struct bulk_run *run, struct bulk_account *a, bool ok);

/* One OR search, on connection conn, for the batch's accounts and every holder of their names. */
odj_result bulk_search_batch(struct bulk_run *run, struct bulk_account **batch, size_t n, int conn,
			     int *msgid);
/*
 * The batch's names on every writable DC that is not one of the run's (one
 * OR search per DC, synchronous: the run's DCs are searched by
 * bulk_search_batch; one that stopped answering is not searched): each
 * account that conflicts there, or whose check failed, gets its verdict and
 * leaves the batch.
 */
void bulk_search_peers(struct bulk_run *run, bulk_verdict_fn verdict);
/*
 * One DC's answer (on connection conn) to the batch's search: an account
 * that conflicts there, or all of them when the search failed, gets its
 * verdict and leaves the batch; once every DC has answered (batch_pending
 * 0), those left are ready.
 */
void bulk_search_result(struct bulk_run *run, int conn, LDAPMessage *res, bulk_verdict_fn verdict);

odj_result bulk_add_start(struct bulk_run *run, struct bulk_account *a);
/* The refused add of a as its error (ERROR_ACCESS_DENIED naming the attributes for want of a right). */
void bulk_add_failed(struct bulk_run *run, struct bulk_account *a, int rc);
odj_result bulk_read_start(struct bulk_run *run, struct bulk_account *a);
bool bulk_read_parse(struct bulk_run *run, struct bulk_account *a, LDAPMessage *res);
int bulk_delete_start(struct bulk_run *run, struct bulk_account *a);

/* ---- bulk_kdc.c: key proofs pipelined over odj's own KDC transport ---- */

/* The KDC transport to s's DC, with s's ticket cache. */
odj_result bulk_kdc_open(struct bulk_run *run, struct odj_dc_session *s, struct bulk_kdc **out);
size_t bulk_kdc_in_flight(const struct bulk_kdc *k);
/* Sends the TGS request of the account's key proof. */
odj_result bulk_kdc_start(struct bulk_kdc *k, struct bulk_account *a);
/* pollfds of the exchanges in flight (at most max); returns how many. */
size_t bulk_kdc_pollfds(struct bulk_kdc *k, struct pollfd *fds, size_t max);
/* Advances every exchange; one verdict for each that ended. */
void bulk_kdc_advance(struct bulk_kdc *k, bulk_verdict_fn verdict);

/* ---- bulk_out.c: skip sets and outputs ---- */

odj_result bulk_out_prepare(struct bulk_run *run);
odj_result bulk_out_write(struct bulk_run *run, struct bulk_account *a);
odj_result bulk_out_finish(struct bulk_run *run);

/* ---- bulk_journal.c: adds in flight, settled by the rerun ---- */

/* Reads what earlier runs left unsettled (prev_dc) and opens the journal for this run. */
odj_result bulk_journal_open(struct bulk_run *run);
/* "+ NAME DC": written before the add is sent. */
void bulk_journal_add(struct bulk_run *run, struct bulk_account *a);
/* "- NAME": the add's outcome is settled (blob written, add refused, account removed). */
void bulk_journal_settled(struct bulk_run *run, struct bulk_account *a);
/*
 * A name an earlier run left in flight: removes its account on this DC and
 * every other writable DC that has it, and records that in out.settled.
 * false: it could not be removed (error on a->ctx).
 */
bool bulk_journal_settle_prev(struct bulk_run *run, struct bulk_account *a);
/* Closes the journal; removes it when nothing is left unsettled (else out.journal names it). */
void bulk_journal_close(struct bulk_run *run);

/* ---- bulk_dcs.c: the DCs of the run ---- */

/*
 * Opens every DC of the request (in.conn.dc and more_dcs) that answers, with
 * its share of the connections.  A DC that does not answer is left for later
 * (bulk_dcs_reopen); any other failure, or none answering, ends the run.
 */
odj_result bulk_dcs_open(struct bulk_run *run);
/* Every connection of every DC is lost, and none may be opened. */
bool bulk_dcs_all_dead(const struct bulk_run *run);
/* Every connection to DC d is lost: it takes no more work. */
void bulk_dc_lost(struct bulk_run *run, size_t d);
/* Opens a DC not opened yet, once every other is lost; false: none is left. */
bool bulk_dcs_reopen(struct bulk_run *run);
/* Is host one of the run's DCs (searched by bulk_search_batch, or lost)? */
bool bulk_dcs_is_ours(const struct bulk_run *run, const char *host);
/* The session of a DC still answering (for work not tied to a DC), or NULL. */
struct odj_dc_session *bulk_dcs_live_session(const struct bulk_run *run);
/* The DC of account a: the DC of its connection. */
struct bulk_dc *bulk_dc_of(const struct bulk_run *run, const struct bulk_account *a);
/* Proofs: starts those the KDCs take; pollfds of all; advances all. */
void bulk_dcs_start_proofs(struct bulk_run *run, bulk_verdict_fn fail);
size_t bulk_dcs_pollfds(struct bulk_run *run, struct pollfd *fds, size_t max);
void bulk_dcs_advance(struct bulk_run *run, bulk_verdict_fn verdict);
/* out.dcs: what each DC created; frees the KDC transports. */
void bulk_dcs_finish(struct bulk_run *run);

#endif
