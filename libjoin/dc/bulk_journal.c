/*
 * The in-flight journal of a bulk run: PATH.inflight beside the bundle (or
 * .odj-inflight in the out-dir), 0600, append-only.  "+ NAME DC" is written
 * before an add is sent, "- NAME" once its outcome is settled (blob written,
 * add refused, or the account removed again).  A run killed with SIGKILL, or
 * a DC that died with adds in flight, leaves "+" lines without "-": those
 * accounts may exist without a blob.  The rerun with --skip-existing removes
 * each of them (on its DC and every other writable DC that has it) before it
 * makes the machine again, and says which; nothing is listed as an existing
 * account without a blob.  The file goes when every entry is settled.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bulk_internal.h"

static char *journal_path(TALLOC_CTX *mem, const struct odj_bulk_req *req)
{
	if (req->in.bundle != NULL)
		return talloc_asprintf(mem, "%s.inflight", req->in.bundle);
	return talloc_asprintf(mem, "%s/.odj-inflight", req->in.out_dir);
}

/* The names the journal left unsettled: prev_dc[i] is the DC of name i's add, or NULL. */
static void read_journal(struct bulk_run *run, const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	const struct odj_bulk_req *req = run->req;
	char line[512];
	while (fgets(line, sizeof(line), f) != NULL) {
		char name[256] = "", dc[256] = "";
		char op = line[0];
		if ((op != '+' && op != '-') || sscanf(line + 1, " %255s %255s", name, dc) < 1)
			continue;
		for (size_t i = 0; i < req->in.n_names; i++) {
			if (strcasecmp(req->in.names[i], name) != 0)
				continue;
			TALLOC_FREE(run->prev_dc[i]);
			if (op == '+')
				run->prev_dc[i] = talloc_strdup(run->prev_dc, dc[0] ? dc : "?");
			break;
		}
	}
	fclose(f);
}

odj_result bulk_journal_open(struct bulk_run *run)
{
	run->journal_path = journal_path(run, run->req);
	run->prev_dc = talloc_zero_array(run, char *, run->req->in.n_names);
	if (run->journal_path == NULL || run->prev_dc == NULL)
		return odj_fail(run->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	odj_doing(run->ctx, "opening the in-flight journal %s", run->journal_path);
	read_journal(run, run->journal_path);
	run->journal_fd = open(run->journal_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			       0600);
	if (run->journal_fd < 0)
		return odj_fail(run->ctx, ODJ_E_CONFIG, ODJ_ERROR_WRITE_FAULT,
				"cannot open the in-flight journal %s: %s", run->journal_path,
				strerror(errno));
	return ODJ_OK;
}

static void journal_line(struct bulk_run *run, const char *line)
{
	if (run->journal_fd < 0)
		return;
	size_t len = strlen(line);
	if (write(run->journal_fd, line, len) != (ssize_t)len)
		odj_trace(run->ctx, "bulk: writing the in-flight journal %s failed: %s",
			  run->journal_path, strerror(errno));
}

void bulk_journal_add(struct bulk_run *run, struct bulk_account *a)
{
	char *line = talloc_asprintf(a->mem, "+ %s %s\n", run->req->in.names[a->index],
				     run->conns[a->conn].s->dc.host);
	if (line != NULL)
		journal_line(run, line);
	a->journaled = true;
	run->unsettled++;
}

void bulk_journal_settled(struct bulk_run *run, struct bulk_account *a)
{
	if (!a->journaled)
		return;
	char *line = talloc_asprintf(a->mem, "- %s\n", run->req->in.names[a->index]);
	if (line != NULL)
		journal_line(run, line);
	a->journaled = false;
	run->unsettled--;
}

/* Removes dn on one DC if it is there; false (error on a->ctx) if it is there and stays. */
static bool remove_on(struct odj_ldap *c, struct bulk_account *a, const char *host, bool *removed)
{
	LDAP *ld = odj_ldap_handle(c);
	int rc = ldap_delete_ext_s(ld, a->dn, NULL, NULL);
	if (rc == LDAP_SUCCESS) {
		*removed = true;
		return true;
	}
	if (rc == LDAP_NO_SUCH_OBJECT)
		return true;
	odj_ldap_fail_on(c, a->ctx, rc, "removing %s, left in flight by an earlier run, on %s failed",
			 a->dn, host);
	return false;
}

bool bulk_journal_settle_prev(struct bulk_run *run, struct bulk_account *a)
{
	const char *prev = run->prev_dc[a->index];
	if (prev == NULL)
		return true;
	/* any DC still answering: its session reaches every other writable DC */
	const struct odj_dc_session *s = bulk_dcs_live_session(run);
	if (s == NULL) {
		odj_fail(a->ctx, ODJ_E_NETWORK, ODJ_ERROR_NETNAME_DELETED,
			 "every LDAP connection to the run's DCs was lost");
		return false;
	}
	bool removed = false, ok = remove_on(s->ldap, a, s->dc.host, &removed);
	for (size_t p = 0; ok && p < s->n_peers; p++)
		ok = remove_on(s->peers[p].ldap, a, s->peers[p].host, &removed);
	if (!ok)
		return false;
	/* the earlier entry is settled: the account is gone everywhere we can see */
	journal_line(run, talloc_asprintf(a->mem, "- %s\n", run->req->in.names[a->index]));
	struct odj_bulk_req *req = run->req;
	char *what = talloc_asprintf(run->mem, "%s: %s (its add was in flight on %s when an earlier run "
					       "ended)",
				     req->in.names[a->index],
				     removed ? "the account it may have left was removed"
					     : "no account was left",
				     prev);
	req->out.settled = talloc_realloc(run->mem, req->out.settled, char *, req->out.n_settled + 1);
	if (req->out.settled != NULL && what != NULL)
		req->out.settled[req->out.n_settled++] = what;
	TALLOC_FREE(run->prev_dc[a->index]);
	return true;
}

void bulk_journal_close(struct bulk_run *run)
{
	if (run->journal_fd < 0)
		return;
	close(run->journal_fd);
	run->journal_fd = -1;
	bool left = run->unsettled > 0;
	for (size_t i = 0; !left && i < run->req->in.n_names; i++)
		left = run->prev_dc[i] != NULL;
	if (!left)
		unlink(run->journal_path);
	else
		run->req->out.journal = run->journal_path;
}
