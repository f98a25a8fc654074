/* Shared state of the bulk engine (bulk.c, bulk_ldap.c, bulk_kdc.c, bulk_out.c). */
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
	struct bulk_op *ops;
	size_t n_ops;
	double last_progress;
	bool dead;
};

struct bulk_kdc;   /* the proofs in flight, bulk_kdc.c */
struct bulk_carry; /* earlier bundles carried over, bulk_out.c */

struct bulk_run {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	struct odj_bulk_req *req;
	struct odj_dc_session *s;
	struct odj_provision_req tmpl; /* the connection and the per-machine inputs shared by all */
	char *container;
	struct bulk_conn *conns;
	size_t n_conns;
	unsigned window, max_proofs;
	bool *skip; /* per name: already provisioned */
	size_t next_name;       /* next name to take into a batch */
	struct bulk_queue ready, proving;
	struct bulk_account **batch; /* accounts of the conflict search in flight */
	size_t batch_n;
	int batch_msgid, batch_conn;
	double batch_issued;
	struct bulk_kdc *kdc;
	struct odj_bundle_writer *bundle;
	struct bulk_carry *carry;
	size_t pending; /* accounts in the pipeline after QUEUED */
	double t0, next_add_at;
	size_t done, failed, skipped;
	bool halted; /* an output cannot take more blobs: start no more machines */
	/* failover: another DC is left to move to when every connection is lost */
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

/* One OR search for the batch's accounts and every holder of their names. */
odj_result bulk_search_batch(struct bulk_run *run, struct bulk_account **batch, size_t n, int conn,
			     int *msgid);
/*
 * The batch's names on every other writable DC (one OR search per DC,
 * synchronous: the DC written to is searched by bulk_search_batch): each
 * account that conflicts there, or whose check failed, gets its verdict and
 * leaves the batch.
 */
void bulk_search_peers(struct bulk_run *run, bulk_verdict_fn verdict);
/* Matches the search's entries against the batch: one verdict per account. */
void bulk_search_result(struct bulk_run *run, LDAPMessage *res, bulk_verdict_fn verdict);

odj_result bulk_add_start(struct bulk_run *run, struct bulk_account *a);
odj_result bulk_read_start(struct bulk_run *run, struct bulk_account *a);
bool bulk_read_parse(struct bulk_run *run, struct bulk_account *a, LDAPMessage *res);
int bulk_delete_start(struct bulk_run *run, struct bulk_account *a);

/* ---- bulk_kdc.c: key proofs pipelined over odj's own KDC transport ---- */

odj_result bulk_kdc_open(struct bulk_run *run, struct bulk_kdc **out);
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

#endif
