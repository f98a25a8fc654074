/*
 * The DCs of a bulk run.  Every DC given (--dc, repeatable) that answers at
 * the start gets a session of its own (the plan's session steps: its own
 * Kerberos login, its own check-dcs connections to the other writable DCs),
 * a share of the LDAP connections (connection i goes to the i-th open DC,
 * round robin, at least one each) and a KDC transport for the key proofs of
 * the accounts it created.  A batch's names are checked on every writable DC
 * whichever connection searches them, so an account may be added on any DC;
 * from its add on it stays there.  A DC that stops answering mid-run takes no
 * more work (the others take the rest); a DC that did not answer at the
 * start is tried once more when every other is lost.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "bulk_internal.h"

/* The plan's session steps on DC d; its session on success (the run's error context holds a failure). */
static odj_result open_session(struct bulk_run *run, size_t d)
{
	struct bulk_dc *dc = &run->dcs[d];
	struct odj_provision_req *t = &run->tmpl;
	dc->tried = true;
	t->in.conn.dc = dc->given;
	struct odj_plan plan = {.ctx = run->ctx, .mem = run, .writes = true, .bulk = true, .req = t};
	odj_result r = odj_plan_run(&plan);
	if (r != ODJ_OK) {
		if (run->s == NULL && d == 0) {
			/* what the first DC said, for the report */
			run->req->out.dc = t->out.dc;
			run->req->out.realm = t->out.realm;
		}
		return r;
	}
	dc->s = plan.s;
	dc->container = plan.where.dn;
	if (run->s == NULL) {
		struct odj_bulk_req *req = run->req;
		run->s = plan.s;
		run->container = plan.where.dn;
		req->out.dc = t->out.dc;
		req->out.facts = t->out.facts;
		req->out.realm = t->out.realm;
		req->out.unchecked_dcs = t->out.unchecked_dcs;
	}
	return ODJ_OK;
}

/* One more LDAP connection to DC d (its session's own is the first). */
static odj_result add_conn(struct bulk_run *run, size_t d, bool first)
{
	struct odj_dc_session *s = run->dcs[d].s;
	const struct odj_bulk_req *req = run->req;
	struct bulk_conn *conns = talloc_realloc(run, run->conns, struct bulk_conn, run->n_conns + 1);
	if (conns == NULL)
		return odj_fail(run->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	run->conns = conns;
	struct bulk_conn *c = &conns[run->n_conns];
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->dc = d;
	if (first) {
		c->ldap = s->ldap;
	} else {
		struct odj_ldap_options lo = ODJ_LDAP_OPTIONS_INIT;
		lo.dc_host = s->dc.host;
		lo.dc_address = s->dc.address;
		lo.ldaps = req->in.conn.ldaps;
		lo.ca_file = req->in.conn.ca_file;
		lo.connect_timeout_ms = req->in.conn.deadlines.kdc_connect_ms;
		lo.op_timeout_ms = req->in.conn.deadlines.ldap_ms;
		odj_doing(run->ctx, "opening LDAP connection %zu of %zu (to %s)", run->n_conns + 1,
			  run->want_conns, s->dc.host);
		odj_result r = odj_ldap_connect(run->ctx, run->mem, &lo, s->krb, &c->ldap);
		if (r != ODJ_OK)
			return r;
	}
	run->n_conns++;
	return ODJ_OK;
}

/* The connections of the DCs listed in open (n of them), round robin, and their KDC transports. */
static odj_result connect_dcs(struct bulk_run *run, const size_t *open, size_t n, size_t want)
{
	size_t total = want > n ? want : n;
	for (size_t i = 0; i < total; i++) {
		odj_result r = add_conn(run, open[i % n], i < n);
		if (r != ODJ_OK)
			return r;
	}
	for (size_t i = 0; i < n; i++) {
		odj_result r = bulk_kdc_open(run, run->dcs[open[i]].s, &run->dcs[open[i]].kdc);
		if (r != ODJ_OK)
			return r;
	}
	return ODJ_OK;
}

/* The run's DC other than DC `but` whose host is host, or NULL. */
static const struct bulk_dc *ours_but(const struct bulk_run *run, const char *host, size_t but)
{
	for (size_t d = 0; d < run->n_dcs; d++)
		if (d != but && run->dcs[d].s != NULL && strcasecmp(run->dcs[d].s->dc.host, host) == 0)
			return &run->dcs[d];
	return NULL;
}

static const char *given_name(const struct bulk_run *run, size_t d)
{
	return run->dcs[d].given ? run->dcs[d].given : "the DC located";
}

/*
 * None of several DCs answered: the run's error names each one's reason, not
 * only the last one's.  Their common Win32 row, or ERROR_DOMAIN_CONTROLLER_NOT_FOUND.
 */
static odj_result none_answered(struct bulk_run *run)
{
	odj_status st = run->dcs[0].error_status;
	for (size_t d = 1; d < run->n_dcs; d++)
		if (run->dcs[d].error_status != st)
			st = ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND;
	odj_error_clear(run->ctx);
	odj_doing(run->ctx, "opening a session on each of the %zu DCs given", run->n_dcs);
	odj_fail(run->ctx, ODJ_E_NETWORK, st, "none of the %zu DCs given answers", run->n_dcs);
	for (size_t d = 0; d < run->n_dcs; d++)
		odj_error_detail(run->ctx, "%s: %s", given_name(run, d), run->dcs[d].error);
	odj_error_advice(run->ctx, "is any of them a domain controller of the domain, reachable from "
				   "this host? (the detail gives each DC's reason)");
	return ODJ_E_NETWORK;
}

odj_result bulk_dcs_open(struct bulk_run *run)
{
	struct odj_bulk_req *req = run->req;
	const char *const *more = req->in.conn.more_dcs;
	size_t n = 1;
	while (more && more[n - 1])
		n++;
	run->dcs = talloc_zero_array(run, struct bulk_dc, n);
	size_t *open = talloc_zero_array(run, size_t, n);
	if (run->dcs == NULL || open == NULL)
		return odj_fail(run->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	run->n_dcs = n;
	run->dcs[0].given = req->in.conn.dc;
	for (size_t d = 1; d < n; d++)
		run->dcs[d].given = more[d - 1];
	run->tmpl.in.conn.more_dcs = NULL; /* the run spreads over them itself */
	size_t n_open = 0;
	odj_result r = ODJ_OK;
	for (size_t d = 0; d < n; d++) {
		r = open_session(run, d);
		const struct bulk_dc *same = r == ODJ_OK ? ours_but(run, run->dcs[d].s->dc.host, d) : NULL;
		if (same != NULL) {
			/* the same DC named twice (a name and its address): one session is enough */
			odj_trace(run->ctx, "bulk: %s is %s again", run->dcs[d].given, run->dcs[d].s->dc.host);
			run->dcs[d].same_as = same->s->dc.host;
			run->dcs[d].s = NULL;
			run->dcs[d].reopened = true; /* never tried again */
			continue;
		}
		if (r == ODJ_OK) {
			open[n_open++] = d;
			continue;
		}
		if (r != ODJ_E_NETWORK)
			return r; /* not a DC that is down: the run cannot start */
		const struct odj_error *e = odj_error_get(run->ctx);
		run->dcs[d].error = talloc_strdup(run->dcs, e->message ? e->message : "no answer");
		run->dcs[d].error_status = e->status;
		odj_trace(run->ctx, "bulk: %s does not answer: %s", given_name(run, d), run->dcs[d].error);
		if (d + 1 < n)
			odj_error_clear(run->ctx);
	}
	if (n_open == 0)
		return n > 1 ? none_answered(run) : r;
	odj_error_clear(run->ctx);
	run->can_move = false; /* every DC was tried: those that failed may be retried later */
	for (size_t d = 0; d < n; d++)
		run->can_move |= run->dcs[d].s == NULL;
	return connect_dcs(run, open, n_open, run->want_conns);
}

bool bulk_dcs_all_dead(const struct bulk_run *run)
{
	for (size_t i = 0; i < run->n_conns; i++)
		if (!run->conns[i].dead)
			return false;
	return true;
}

/* ", host" for each DC still answering, appended to out.moved_to once. */
static void note_moved(struct bulk_run *run)
{
	struct odj_bulk_req *req = run->req;
	for (size_t d = 0; d < run->n_dcs; d++) {
		const struct bulk_dc *dc = &run->dcs[d];
		if (dc->s == NULL || dc->lost)
			continue;
		const char *host = dc->s->dc.host, *have = req->out.moved_to;
		bool listed = false;
		for (const char *p = have; p && (p = strstr(p, host)) != NULL; p += strlen(host))
			if ((p == have || p[-1] == ' ') && (p[strlen(host)] == ',' || p[strlen(host)] == 0))
				listed = true;
		if (!listed)
			req->out.moved_to = have ? talloc_asprintf_append(req->out.moved_to, ", %s", host)
						 : talloc_strdup(run, host);
	}
}

void bulk_dc_lost(struct bulk_run *run, size_t d)
{
	struct bulk_dc *dc = &run->dcs[d];
	if (dc->lost)
		return;
	for (size_t i = 0; i < run->n_conns; i++)
		if (run->conns[i].dc == d && !run->conns[i].dead)
			return;
	dc->lost = true;
	odj_trace(run->ctx, "bulk: every connection to %s is lost; the other DCs take the rest",
		  dc->s->dc.host);
	/* from now on the names are not checked there (bulk_search_peers skips it) */
	struct odj_bulk_req *req = run->req;
	const char *was = req->out.unchecked_dcs;
	req->out.unchecked_dcs = talloc_asprintf(run, "%s%s%s: stopped answering mid-run", was ? was : "",
						 was ? "; " : "", dc->s->dc.host);
	note_moved(run);
}

bool bulk_dcs_reopen(struct bulk_run *run)
{
	run->tmpl.in.conn.allow_unreachable_dc = true; /* the lost DCs cannot check names now */
	bool opened = false;
	for (size_t d = 0; d < run->n_dcs && !opened; d++) {
		struct bulk_dc *dc = &run->dcs[d];
		if (dc->s != NULL || dc->reopened)
			continue;
		dc->reopened = true;
		odj_trace(run->ctx, "bulk: every DC is lost, trying %s", dc->given);
		size_t first = run->n_conns;
		odj_result r = open_session(run, d);
		if (r == ODJ_OK)
			r = connect_dcs(run, &d, 1, run->want_conns);
		if (r != ODJ_OK) {
			odj_trace(run->ctx, "bulk: %s cannot take over", dc->given);
			odj_error_clear(run->ctx);
			for (size_t i = first; i < run->n_conns; i++)
				run->conns[i].dead = true;
			if (dc->s != NULL)
				dc->lost = true;
			continue;
		}
		dc->error = NULL;
		run->req->out.unchecked_dcs = run->tmpl.out.unchecked_dcs;
		note_moved(run);
		opened = true;
	}
	run->can_move = false;
	for (size_t d = 0; d < run->n_dcs; d++)
		run->can_move |= run->dcs[d].s == NULL && !run->dcs[d].reopened;
	return opened;
}

bool bulk_dcs_is_ours(const struct bulk_run *run, const char *host)
{
	return ours_but(run, host, SIZE_MAX) != NULL;
}

struct odj_dc_session *bulk_dcs_live_session(const struct bulk_run *run)
{
	for (size_t i = 0; i < run->n_conns; i++)
		if (!run->conns[i].dead)
			return run->conns[i].s;
	return NULL;
}

struct bulk_dc *bulk_dc_of(const struct bulk_run *run, const struct bulk_account *a)
{
	return &run->dcs[run->conns[a->conn].dc];
}

void bulk_dcs_start_proofs(struct bulk_run *run, bulk_verdict_fn fail)
{
	for (size_t d = 0; d < run->n_dcs; d++) {
		struct bulk_dc *dc = &run->dcs[d];
		while (dc->kdc && dc->proving.n > 0 && bulk_kdc_in_flight(dc->kdc) < run->max_proofs) {
			struct bulk_account *a = bulk_queue_pop(&dc->proving);
			if (bulk_kdc_start(dc->kdc, a) != ODJ_OK)
				fail(run, a, false);
		}
	}
}

size_t bulk_dcs_pollfds(struct bulk_run *run, struct pollfd *fds, size_t max)
{
	size_t n = 0;
	for (size_t d = 0; d < run->n_dcs; d++)
		if (run->dcs[d].kdc)
			n += bulk_kdc_pollfds(run->dcs[d].kdc, fds + n, max - n);
	return n;
}

void bulk_dcs_advance(struct bulk_run *run, bulk_verdict_fn verdict)
{
	for (size_t d = 0; d < run->n_dcs; d++)
		if (run->dcs[d].kdc)
			bulk_kdc_advance(run->dcs[d].kdc, verdict);
}

void bulk_dcs_finish(struct bulk_run *run)
{
	struct odj_bulk_req *req = run->req;
	req->out.dcs = talloc_zero_array(run, struct odj_bulk_dc, run->n_dcs);
	for (size_t d = 0; req->out.dcs && d < run->n_dcs; d++) {
		struct bulk_dc *dc = &run->dcs[d];
		struct odj_bulk_dc *o = &req->out.dcs[d];
		o->host = dc->s ? dc->s->dc.host : dc->given ? dc->given : "(located)";
		o->created = dc->created;
		o->lost = dc->lost;
		o->unreached = dc->error;
		o->same_as = dc->same_as;
		req->out.n_dcs++;
		/* the proofs' Kerberos contexts go now; out points into the sessions */
		TALLOC_FREE(dc->kdc);
	}
}
