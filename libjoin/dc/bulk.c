/*
 * odj_bulk_provision: the event loop of a bulk run.  One thread; LDAP
 * operations are asynchronous on `parallel` connections spread over the DCs
 * (bulk_dcs.c), key proofs are asynchronous over odj's KDC transport to the
 * DC that created the account, and each machine moves through
 * QUEUED -> READY -> ADDING -> READING -> PROVING -> DONE (or FAILED, after
 * removing an account it created).
 */
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <odj/keys.h>

#include "bulk_internal.h"
#include "facts.h"
#include "plan.h"

#define BATCH 32
#define MAX_PARALLEL 16
#define MAX_WINDOW 64
#define MAX_PROOFS 32

double bulk_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void bulk_queue_push(struct bulk_queue *q, struct bulk_account *a)
{
	a->next = NULL;
	if (q->tail)
		q->tail->next = a;
	else
		q->head = a;
	q->tail = a;
	q->n++;
}

struct bulk_account *bulk_queue_pop(struct bulk_queue *q)
{
	struct bulk_account *a = q->head;
	if (a == NULL)
		return NULL;
	q->head = a->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->n--;
	a->next = NULL;
	return a;
}

/* ------------------------------------------------------------ reporting */

static void report(struct bulk_run *run, const struct odj_bulk_item *it)
{
	if (run->req->in.item)
		run->req->in.item(run->req->in.priv, it);
}

static void progress(struct bulk_run *run)
{
	struct odj_bulk_req *req = run->req;
	if (req->in.progress == NULL)
		return;
	struct odj_bulk_progress p = {
		.total = req->in.n_names,
		.done = run->done,
		.failed = run->failed,
		.skipped = run->skipped,
		.elapsed_s = (bulk_now_ms() - run->t0) / 1e3,
		.eta_s = -1,
	};
	if (p.elapsed_s > 0)
		p.rate = (double)p.done / p.elapsed_s;
	size_t left = p.total - p.done - p.failed - p.skipped;
	if (p.rate > 0)
		p.eta_s = (double)left / p.rate;
	else if (left == 0)
		p.eta_s = 0;
	req->in.progress(req->in.priv, &p);
}

/* One line: message, detail, advice. */
static char *one_line(TALLOC_CTX *mem, const struct odj_error *e)
{
	char *s = talloc_strdup(mem, e->message ? e->message : "failed");
	if (e->detail)
		s = talloc_asprintf_append(s, " (%s)", e->detail);
	if (e->advice)
		s = talloc_asprintf_append(s, "; check: %s", e->advice);
	return s;
}

static void finish_failure(struct bulk_run *run, struct bulk_account *a)
{
	struct odj_bulk_req *req = run->req;
	const char *machine = req->in.names[a->index];
	req->out.failures = talloc_realloc(run->mem, req->out.failures, struct odj_bulk_failure,
					   req->out.n_failures + 1);
	struct odj_bulk_failure *f = &req->out.failures[req->out.n_failures++];
	f->machine = talloc_strdup(req->out.failures, machine);
	f->status = a->fail_status;
	f->message = talloc_strdup(req->out.failures, a->fail_message);
	struct odj_bulk_item it = {.machine = machine, .status = a->fail_status,
				   .message = a->fail_message, .dn = a->dn};
	report(run, &it);
	run->failed++;
	a->state = BULK_FAILED;
	if (a->in_pipeline)
		run->pending--;
	talloc_free(a->mem);
}

static odj_result conn_op(struct bulk_run *run, int conn, int msgid, struct bulk_account *a)
{
	struct bulk_conn *c = &run->conns[conn];
	c->ops = talloc_realloc(run->conns, c->ops, struct bulk_op, c->n_ops + 1);
	c->ops[c->n_ops].msgid = msgid;
	c->ops[c->n_ops].a = a;
	if (c->n_ops++ == 0)
		c->last_progress = bulk_now_ms();
	return ODJ_OK;
}

/* The account failed; its error is on a->ctx. */
static void bulk_account_fail(struct bulk_run *run, struct bulk_account *a)
{
	const struct odj_error *e = odj_error_get(a->ctx);
	if (a->state != BULK_REMOVING) {
		a->fail_status = e->status ? e->status : ODJ_ERROR_CAN_NOT_COMPLETE;
		a->fail_message = one_line(a->mem, e);
	}
	odj_error_clear(a->ctx);
	if (a->created && a->state != BULK_REMOVING && run->conns[a->conn].dead) {
		/* its DC is gone: the journal keeps the add for the rerun to settle */
		a->fail_message = talloc_asprintf_append(
			a->fail_message, "; the account %s this run created could not be removed: the "
					 "connection to %s was lost",
			a->dn, run->conns[a->conn].s->dc.host);
	} else if (a->created && a->state != BULK_REMOVING) {
		/* Remove what this run created: a machine without a blob must not keep an account. */
		a->state = BULK_REMOVING;
		a->t_issued = bulk_now_ms();
		if (bulk_delete_start(run, a) == LDAP_SUCCESS) {
			conn_op(run, a->conn, a->msgid, a);
			return;
		}
		a->fail_message = talloc_asprintf_append(a->fail_message,
							 "; the account %s could not be removed", a->dn);
	}
	finish_failure(run, a);
}

static void bulk_account_ready(struct bulk_run *run, struct bulk_account *a)
{
	a->state = BULK_READY;
	a->in_pipeline = true;
	run->pending++;
	bulk_queue_push(&run->ready, a);
}

/* The verdict of an asynchronous step (bulk_ldap.c, bulk_kdc.c) on one account. */
static void search_verdict(struct bulk_run *run, struct bulk_account *a, bool ok)
{
	if (ok)
		bulk_account_ready(run, a);
	else
		bulk_account_fail(run, a);
}

/* ------------------------------------------------------------ the steps */

/* A machine of the run, with its own error context (and the run's trace sink). */
static struct bulk_account *account_new(struct bulk_run *run, size_t index)
{
	struct bulk_account *a = talloc_zero(run->mem, struct bulk_account);
	a->mem = a;
	a->index = index;
	a->state = BULK_QUEUED;
	a->ctx = odj_ctx_new(a);
	odj_trace_fn fn = NULL;
	void *priv = NULL;
	odj_ctx_get_trace(run->ctx, &fn, &priv);
	if (fn != NULL)
		odj_ctx_set_trace(a->ctx, fn, priv);
	return a;
}

/* The plan's per-machine rules of a provision, offline: names, step 13, password. */
static odj_result account_rules(struct bulk_run *run, struct bulk_account *a)
{
	const struct odj_domain_facts *f = run->s->facts;
	struct odj_account_request acct = run->tmpl.in.account;
	acct.machine = run->req->in.names[a->index];
	odj_result r = odj_rule_names(a->ctx, a, &run->tmpl.in.conn, &acct, &a->jr);
	if (r == ODJ_OK)
		r = odj_join_check_domain(a->ctx, a->jr.out.domain, f->dns_domain, f->netbios,
					  a->jr.out.netbios_name);
	if (r == ODJ_OK)
		r = odj_password_utf16(a->ctx, a, (const char *)odj_secret_data(a->jr.out.password),
				       odj_secret_len(a->jr.out.password), &a->pw_utf16);
	if (r != ODJ_OK)
		return r;
	a->spns = odj_rule_spns(a, &a->jr, NULL);
	a->salt = odj_krb5_salt(a, run->s->realm, a->jr.out.sam_account_name);
	a->dn = odj_account_dn(a, a->jr.out.netbios_name, run->container);
	return ODJ_OK;
}

/* The live connection with the fewest operations queued, of DC d (any DC: SIZE_MAX); windowed: below the window. */
static int least_busy_conn_of(struct bulk_run *run, size_t d, bool windowed)
{
	int best = -1;
	for (size_t c = 0; c < run->n_conns; c++)
		if (!run->conns[c].dead && (d == SIZE_MAX || run->conns[c].dc == d) &&
		    (!windowed || run->conns[c].n_ops < run->window) &&
		    (best < 0 || run->conns[c].n_ops < run->conns[best].n_ops))
			best = (int)c;
	return best;
}

/* Takes the next names into a batch: offline checks, then one conflict search per DC. */
static void next_batch(struct bulk_run *run)
{
	struct odj_bulk_req *req = run->req;
	run->batch_n = 0;
	while ((run->n_retake > 0 || run->next_name < req->in.n_names) && run->batch_n < BATCH) {
		size_t i = run->n_retake > 0 ? run->retake[--run->n_retake] : run->next_name++;
		if (run->skip[i]) {
			run->skipped++;
			struct odj_bulk_item it = {.machine = req->in.names[i], .ok = true, .skipped = true};
			report(run, &it);
			continue;
		}
		struct bulk_account *a = account_new(run, i);
		if (account_rules(run, a) != ODJ_OK ||
		    (req->in.skip_existing && !bulk_journal_settle_prev(run, a))) {
			bulk_account_fail(run, a);
			continue;
		}
		run->batch[run->batch_n++] = a;
	}
	if (run->batch_n == 0)
		return;
	/* the connection with the fewest operations queued answers first */
	int best = least_busy_conn_of(run, SIZE_MAX, false);
	if (best < 0) {
		for (size_t k = 0; k < run->batch_n; k++) {
			odj_fail(run->batch[k]->ctx, ODJ_E_NETWORK, ODJ_ERROR_NETNAME_DELETED,
				 "every LDAP connection to the run's DCs was lost");
			bulk_account_fail(run, run->batch[k]);
		}
		run->batch_n = 0;
		return;
	}
	/*
	 * The writable DCs the run does not write to are searched now, through
	 * the session's peer connections; the run's own DCs asynchronously, one
	 * search each on its least busy connection, so no DC's queue of adds
	 * holds up the loop.
	 */
	run->batch_conn = best;
	bulk_search_peers(run, search_verdict);
	if (run->batch_n == 0)
		return;
	run->batch_issued = bulk_now_ms();
	run->req->out.profile.batches++;
	for (size_t d = 0; d < run->n_dcs; d++) {
		int c = d == run->conns[best].dc ? best : least_busy_conn_of(run, d, false);
		if (c < 0)
			continue; /* not opened, or lost */
		int msgid = -1;
		if (bulk_search_batch(run, run->batch, run->batch_n, c, &msgid) != ODJ_OK) {
			/* the check would be incomplete: each account's error is on its own context */
			for (size_t k = 0; k < run->batch_n; k++)
				bulk_account_fail(run, run->batch[k]);
			run->batch_n = 0; /* searches already sent are answered into an empty batch */
			return;
		}
		conn_op(run, c, msgid, NULL);
		run->batch_pending++;
	}
}


static void conn_lost(struct bulk_run *run, int conn, const char *why);

static void start_adds(struct bulk_run *run)
{
	double now = bulk_now_ms();
	while (run->ready.n > 0) {
		if (run->req->in.max_rate > 0 && now < run->next_add_at)
			return;
		int c = least_busy_conn_of(run, SIZE_MAX, true);
		if (c < 0)
			return;
		struct bulk_account *a = bulk_queue_pop(&run->ready);
		a->conn = c;
		a->state = BULK_ADDING;
		a->t_issued = now;
		bulk_journal_add(run, a);
		odj_result r = bulk_add_start(run, a);
		if (r != ODJ_OK) {
			bulk_journal_settled(run, a); /* never sent */
			if (r != ODJ_E_NETWORK) {
				bulk_account_fail(run, a);
				continue;
			}
			/* not sent: the connection is gone; another connection or DC takes it */
			odj_error_clear(a->ctx);
			a->state = BULK_READY;
			a->next = run->ready.head;
			run->ready.head = a;
			if (run->ready.tail == NULL)
				run->ready.tail = a;
			run->ready.n++;
			conn_lost(run, c, "broke");
			continue;
		}
		conn_op(run, c, a->msgid, a);
		if (run->req->in.max_rate > 0)
			run->next_add_at = (run->next_add_at > now - 1e3 ? run->next_add_at : now) +
					   1e3 / run->req->in.max_rate;
	}
}

static void proof_done(struct bulk_run *run, struct bulk_account *a, bool ok)
{
	if (!ok) {
		bulk_account_fail(run, a);
		return;
	}
	double t = bulk_now_ms();
	odj_result r = bulk_out_write(run, a);
	run->req->out.profile.blob += bulk_now_ms() - t;
	if (r != ODJ_OK) {
		bulk_account_fail(run, a);
		return;
	}
	bulk_journal_settled(run, a);
	bulk_dc_of(run, a)->created++;
	run->done++;
	run->req->out.created++;
	a->state = BULK_DONE;
	run->pending--;
	talloc_free(a->mem);
}

static int ldap_rc(LDAP *ld, LDAPMessage *msg)
{
	int rc = LDAP_OTHER;
	if (ldap_parse_result(ld, msg, &rc, NULL, NULL, NULL, NULL, 0) != LDAP_SUCCESS)
		return LDAP_OTHER;
	return rc;
}

static void dispatch(struct bulk_run *run, int conn, LDAPMessage *msg)
{
	struct bulk_conn *c = &run->conns[conn];
	int msgid = ldap_msgid(msg);
	struct bulk_account *a = NULL;
	bool found = false;
	for (size_t i = 0; i < c->n_ops; i++)
		if (c->ops[i].msgid == msgid) {
			a = c->ops[i].a;
			c->ops[i] = c->ops[--c->n_ops];
			found = true;
			break;
		}
	if (!found)
		return;
	c->last_progress = bulk_now_ms();
	struct odj_bulk_profile *prof = &run->req->out.profile;
	LDAP *ld = odj_ldap_handle(c->ldap);
	if (a == NULL) {
		/* one DC's answer for the batch (none left in it: a failure emptied it) */
		run->batch_pending--;
		if (run->batch_pending == 0)
			prof->search += bulk_now_ms() - run->batch_issued;
		if (run->batch_n > 0)
			bulk_search_result(run, conn, msg, search_verdict);
		if (run->batch_pending == 0)
			run->batch_n = 0;
		return;
	}
	double latency = bulk_now_ms() - a->t_issued;
	int rc;
	switch (a->state) {
	case BULK_ADDING:
		prof->add_latency += latency;
		prof->adds++;
		rc = ldap_rc(ld, msg);
		if (rc != LDAP_SUCCESS) {
			bulk_add_failed(run, a, rc);
			bulk_journal_settled(run, a); /* the DC refused it: nothing was made */
			bulk_account_fail(run, a);
			return;
		}
		a->created = true;
		a->state = BULK_READING;
		a->t_issued = bulk_now_ms();
		if (bulk_read_start(run, a) != ODJ_OK) {
			bulk_account_fail(run, a);
			return;
		}
		conn_op(run, conn, a->msgid, a);
		break;
	case BULK_READING:
		prof->read_latency += latency;
		if (!bulk_read_parse(run, a, msg)) {
			bulk_account_fail(run, a);
			return;
		}
		a->state = BULK_PROVING;
		bulk_queue_push(&bulk_dc_of(run, a)->proving, a); /* its DC's KDC has the account */
		break;
	case BULK_REMOVING:
		rc = ldap_rc(ld, msg);
		if (rc == LDAP_SUCCESS)
			bulk_journal_settled(run, a);
		a->fail_message = talloc_asprintf_append(
			a->fail_message, rc == LDAP_SUCCESS ? "; the account %s this run created was removed again"
							    : "; the account %s this run created could not be removed: %s",
			a->dn, ldap_err2string(rc));
		finish_failure(run, a);
		break;
	default:
		break;
	}
}

/* A connection that stopped answering: its operations fail, the run goes on without it. */
static void conn_lost(struct bulk_run *run, int conn, const char *why)
{
	struct bulk_conn *c = &run->conns[conn];
	const char *host = c->s->dc.host;
	/* another connection, or a DC not opened yet, may take this one's work */
	bool elsewhere = run->can_move;
	for (size_t i = 0; i < run->n_conns; i++)
		elsewhere |= i != (size_t)conn && !run->conns[i].dead;
	c->dead = true; /* no more work goes here (a failed account is not removed over it) */
	while (c->n_ops > 0) {
		struct bulk_op op = c->ops[--c->n_ops];
		ldap_abandon_ext(odj_ldap_handle(c->ldap), op.msgid, NULL, NULL);
		if (op.a == NULL)
			run->batch_pending--;
		if (op.a == NULL && elsewhere) {
			/* nothing was added yet: another DC checks these names again */
			for (size_t i = 0; i < run->batch_n; i++) {
				if (run->batch[i] == NULL)
					continue; /* failed on an earlier answer */
				run->retake[run->n_retake++] = run->batch[i]->index;
				talloc_free(run->batch[i]->mem);
			}
			run->batch_n = 0;
		} else if (op.a == NULL) {
			for (size_t i = 0; i < run->batch_n; i++) {
				if (run->batch[i] == NULL)
					continue;
				odj_fail(run->batch[i]->ctx, ODJ_E_NETWORK, ODJ_ERROR_NETNAME_DELETED,
					 "the LDAP connection to %s %s", host, why);
				bulk_account_fail(run, run->batch[i]);
			}
			run->batch_n = 0;
		} else if (op.a->state == BULK_REMOVING) {
			op.a->fail_message = talloc_asprintf_append(
				op.a->fail_message, "; the account %s this run created could not be removed",
				op.a->dn);
			finish_failure(run, op.a);
		} else {
			odj_fail(op.a->ctx, ODJ_E_NETWORK, ODJ_ERROR_NETNAME_DELETED,
				 "the LDAP connection to %s %s", host, why);
			if (op.a->state == BULK_ADDING)
				odj_error_detail(op.a->ctx, "the add of %s was in flight: whether %s has "
							    "the account is unknown until it answers",
						 op.a->dn, host);
			else if (op.a->created)
				odj_error_detail(op.a->ctx, "the account %s this run created could not be "
							    "removed over the lost connection",
						 op.a->dn);
			op.a->created = false;
			bulk_account_fail(run, op.a);
		}
	}
	bulk_dc_lost(run, c->dc);
}

static void drain_ldap(struct bulk_run *run)
{
	struct timeval zero = {0, 0};
	double now = bulk_now_ms();
	for (size_t i = 0; i < run->n_conns; i++) {
		struct bulk_conn *c = &run->conns[i];
		if (c->n_ops == 0 || c->dead)
			continue;
		LDAP *ld = odj_ldap_handle(c->ldap);
		LDAPMessage *msg = NULL;
		int rc;
		while (c->n_ops > 0 && (rc = ldap_result(ld, LDAP_RES_ANY, LDAP_MSG_ALL, &zero, &msg)) > 0) {
			dispatch(run, (int)i, msg);
			ldap_msgfree(msg);
			msg = NULL;
		}
		if (c->n_ops > 0 && rc < 0)
			conn_lost(run, (int)i, "broke");
		else if (c->n_ops > 0 && now - c->last_progress > run->req->in.conn.deadlines.ldap_ms)
			conn_lost(run, (int)i, "gave no answer within the LDAP deadline");
	}
}

static void wait_for_io(struct bulk_run *run)
{
	size_t max = run->n_conns + run->n_dcs * run->max_proofs;
	struct pollfd *fds = talloc_array(run, struct pollfd, max);
	if (fds == NULL)
		return;
	size_t n = 0;
	for (size_t i = 0; i < run->n_conns; i++) {
		int fd = -1;
		if (run->conns[i].n_ops > 0 &&
		    ldap_get_option(odj_ldap_handle(run->conns[i].ldap), LDAP_OPT_DESC, &fd) ==
			    LDAP_OPT_SUCCESS &&
		    fd >= 0) {
			fds[n].fd = fd;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
	}
	n += bulk_dcs_pollfds(run, fds + n, max - n);
	int timeout = 50;
	if (run->req->in.max_rate > 0 && run->ready.n > 0) {
		double wait = run->next_add_at - bulk_now_ms();
		if (wait < timeout)
			timeout = wait > 0 ? (int)wait + 1 : 0;
	}
	poll(fds, n, timeout);
	talloc_free(fds);
}

/* ------------------------------------------------------------ the call */

static odj_result check_request(struct odj_ctx *ctx, struct odj_bulk_req *req)
{
	odj_result r = odj_version_check(ctx, "odj_bulk_req", req ? req->in.version : 0,
					 ODJ_BULK_VERSION);
	if (r != ODJ_OK)
		return r;
	if (req->in.names == NULL || req->in.n_names == 0 || req->in.n_names > ODJ_BULK_MAX_MACHINES)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"a bulk run takes 1 to %d machines", ODJ_BULK_MAX_MACHINES);
	if (req->in.out_dir == NULL && req->in.bundle == NULL)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"where should the blobs go? give --out-dir DIR or --bundle FILE");
	if (req->in.parallel > MAX_PARALLEL || req->in.window > MAX_WINDOW ||
	    req->in.proofs > MAX_PROOFS || req->in.max_rate < 0)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"at most %d connections, %d adds in flight per connection and %d key "
				"proofs in flight; the rate must not be negative",
				MAX_PARALLEL, MAX_WINDOW, MAX_PROOFS);
	return odj_bulk_names_unique(ctx, req->in.names, req->in.n_names);
}

/* A stop: machines not yet added are dropped, those in flight go on to the end. */
static void drop_ready(struct bulk_run *run)
{
	struct bulk_account *a;
	while ((a = bulk_queue_pop(&run->ready)) != NULL) {
		run->req->out.not_started++;
		run->pending--;
		talloc_free(a->mem);
	}
}

/* Stopped on request, or an output takes no more blobs: start no more machines. */
static bool halting(struct bulk_run *run)
{
	struct odj_bulk_req *req = run->req;
	if (!req->out.stopped && req->in.stop != NULL && *req->in.stop)
		req->out.stopped = true;
	return req->out.stopped || run->halted;
}

/* The batch's searches are in flight, or its accounts not yet ready. */
static bool batch_busy(const struct bulk_run *run)
{
	return run->batch_n > 0 || run->batch_pending > 0;
}

static odj_result run_loop(struct bulk_run *run)
{
	struct odj_bulk_req *req = run->req;
	double last_progress = 0;
	for (;;) {
		bool halt = halting(run);
		if (halt)
			drop_ready(run);
		else if (!batch_busy(run) && run->ready.n < BATCH &&
			 (run->next_name < req->in.n_names || run->n_retake > 0) &&
			 !(run->can_move && bulk_dcs_all_dead(run)))
			next_batch(run);
		start_adds(run);
		if (bulk_dcs_all_dead(run) && run->can_move) {
			/* every machine in flight on the lost DC has ended: move the rest */
			if (!batch_busy(run) && run->pending == run->ready.n)
				return ODJ_OK;
		} else if (bulk_dcs_all_dead(run))
			while (run->ready.n > 0) {
				struct bulk_account *a = bulk_queue_pop(&run->ready);
				odj_fail(a->ctx, ODJ_E_NETWORK, ODJ_ERROR_NETNAME_DELETED,
					 "every LDAP connection to the run's DCs was lost");
				bulk_account_fail(run, a);
			}
		bulk_dcs_start_proofs(run, proof_done);
		if ((halt || (run->next_name >= req->in.n_names && run->n_retake == 0)) &&
		    !batch_busy(run) && run->pending == 0)
			break;
		wait_for_io(run);
		drain_ldap(run);
		bulk_dcs_advance(run, proof_done);
		double now = bulk_now_ms();
		if (now - last_progress >= 250) {
			progress(run);
			last_progress = now;
		}
	}
	/* the flag as the loop last saw it: a signal after the last machine stops nothing */
	bool halted = req->out.stopped || run->halted;
	for (size_t i = run->next_name; halted && i < req->in.n_names; i++) {
		if (run->skip[i])
			run->skipped++; /* done by an earlier run: not waiting for a rerun */
		else
			req->out.not_started++;
	}
	progress(run);
	return ODJ_OK;
}

odj_result odj_bulk_provision(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_bulk_req *req)
{
	odj_result r = check_request(ctx, req);
	if (r != ODJ_OK)
		return r;
	memset(&req->out, 0, sizeof(req->out));
	odj_deadlines_default(&req->in.conn.deadlines);
	struct bulk_run *run = talloc_zero(mem, struct bulk_run);
	run->ctx = ctx;
	run->mem = run;
	run->req = req;
	run->t0 = bulk_now_ms();
	run->window = req->in.window ? req->in.window : 4;
	run->max_proofs = req->in.proofs ? req->in.proofs : 4;
	run->want_conns = req->in.parallel ? req->in.parallel : 1;
	run->batch = talloc_zero_array(run, struct bulk_account *, BATCH);
	run->journal_fd = -1;
	run->skip = talloc_zero_array(run, bool, req->in.n_names);
	struct odj_provision_req *t = &run->tmpl;
	t->in.version = ODJ_PROVISION_VERSION;
	t->in.conn = req->in.conn;
	t->in.account.allow_rc4 = req->in.allow_rc4;
	t->in.windows = req->in.windows;

	run->retake = talloc_zero_array(run, size_t, BATCH);
	r = bulk_dcs_open(run);
	req->out.ms_session = bulk_now_ms() - run->t0;
	req->out.container_dn = run->container;
	if (r == ODJ_OK)
		r = bulk_out_prepare(run);
	if (r == ODJ_OK)
		r = bulk_journal_open(run);
	for (size_t i = 0; r == ODJ_OK && i < req->in.n_names; i++)
		if (run->skip[i]) /* its blob exists: nothing in flight to settle */
			TALLOC_FREE(run->prev_dc[i]);
	if (r == ODJ_OK) {
		run->t0 = bulk_now_ms(); /* rates count from the first add */
		req->out.started = true;
		r = run_loop(run);
	}
	/* every DC stopped answering: one that did not answer at the start takes the rest */
	while (r == ODJ_OK && run->can_move && bulk_dcs_all_dead(run))
		if (bulk_dcs_reopen(run) || !run->can_move)
			r = run_loop(run);
	bulk_journal_close(run);
	if (r == ODJ_OK)
		r = bulk_out_finish(run);
	req->out.failed = run->failed;
	req->out.skipped = run->skipped;
	req->out.ms_total = bulk_now_ms() - run->t0 + req->out.ms_session;
	if (r == ODJ_OK && req->out.stopped) {
		odj_doing(ctx, "provisioning %zu machines", req->in.n_names);
		odj_fail(ctx, ODJ_E_PARTIAL, ODJ_ERROR_CANCELLED,
			 "stopped on request: %zu created, %zu failed, %zu not started",
			 req->out.created, run->failed, req->out.not_started);
		r = ODJ_E_PARTIAL;
	} else if (r == ODJ_OK && run->failed > 0) {
		const struct odj_bulk_failure *f = &req->out.failures[0];
		odj_doing(ctx, "provisioning %zu machines", req->in.n_names);
		odj_fail(ctx, ODJ_E_PARTIAL, f->status, "%zu of %zu machines failed (the first: %s)",
			 run->failed, req->in.n_names, f->machine);
		r = ODJ_E_PARTIAL;
	}
	/* out points into the run (session facts, failures): it stays on mem */
	if (run->dcs != NULL)
		bulk_dcs_finish(run);
	return r;
}
