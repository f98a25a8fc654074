/*
 * odj_rotate: the machine password changed with the machine's own keys,
 * crash-safe.  The new keys reach the keytab (as kvno N+1, with the join
 * record's "rotation" mark) before the DC is told; a later run asks the KDC
 * which keys it takes and finishes or undoes the rotation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <odj/blob.h>
#include <odj/catalogue.h>
#include <odj/commit.h>
#include <odj/join.h>
#include <odj/keys.h>
#include <odj/password.h>
#include <odj/rotate.h>

#include "joined.h"
#include "kpasswd.h"
#include "rotate_internal.h"
#include "session.h"

static void phase(struct rotate_run *r, enum odj_rotate_phase p, const char *fmt, ...)
	ODJ_PRINTF(3, 4);
static void phase(struct rotate_run *r, enum odj_rotate_phase p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = talloc_vasprintf(r->mem, fmt, ap);
	va_end(ap);
	odj_trace(r->ctx, "NetpRotate: %s", line);
	if (r->req->in.on_phase != NULL)
		r->req->in.on_phase(r->req->in.on_phase_priv, p, line);
}

/* A fresh Kerberos session that logs in with the keytab's keys at kvno only. */
static odj_result login(struct rotate_run *r, uint32_t kvno, const char *service)
{
	talloc_free(r->krb);
	r->krb = NULL;
	odj_result rc = odj_joined_krb(r->ctx, r->mem, r->j, r->req->out.dc_address, &r->d, &r->krb);
	if (rc != ODJ_OK)
		return rc;
	krb5_context kctx = odj_krb_context(r->krb);
	krb5_keytab kt = NULL;
	char *name = NULL;
	rc = odj_joined_memory_keytab(r->ctx, r->j, kctx, kvno, &name, &kt, r->mem);
	if (rc == ODJ_OK)
		rc = odj_krb_login_keytab(r->krb, r->j->principal, name, service);
	odj_joined_memory_keytab_free(kctx, kt);
	return rc;
}

static bool keys_refused(const struct odj_ctx *ctx)
{
	const struct odj_error *e = odj_error_get(ctx);
	return e->source == ODJ_SRC_KRB5 && (e->source_code == KRB5KDC_ERR_PREAUTH_FAILED ||
					     e->source_code == KRB5KRB_AP_ERR_BAD_INTEGRITY ||
					     e->source_code == KRB5_PREAUTH_FAILED);
}

/*
 * Which of the two kvnos does the KDC take?  *which is new_kvno, old_kvno,
 * or 0 (neither: the error is on ctx).  A DC that cannot be asked is an error.
 */
static odj_result kdc_takes(struct rotate_run *r, uint32_t new_kvno, uint32_t old_kvno,
			    uint32_t *which)
{
	*which = 0;
	odj_result rc = login(r, new_kvno, NULL);
	if (rc == ODJ_OK) {
		*which = new_kvno;
		return ODJ_OK;
	}
	if (!keys_refused(r->ctx))
		return rc;
	rc = login(r, old_kvno, NULL);
	if (rc == ODJ_OK) {
		*which = old_kvno;
		return ODJ_OK;
	}
	if (keys_refused(r->ctx))
		odj_joined_clone_diagnosis(r->ctx, r->j, 0, odj_joined_error_line(r->mem, r->ctx));
	return rc;
}

/* The kvno the KDC issues the machine's host/ tickets at (after a login). */
static odj_result account_kvno(struct rotate_run *r, uint32_t *kvno)
{
	char *service = talloc_asprintf(r->mem, "host/%s", r->j->fqdn);
	krb5_data *der = NULL;
	odj_result rc = odj_krb_fresh_ticket(r->krb, service, ODJ_ERROR_NO_LOGON_SERVERS, r->mem, &der);
	krb5_ticket *t = NULL;
	if (rc == ODJ_OK && krb5_decode_ticket(der, &t) != 0)
		rc = odj_fail(r->ctx, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA,
			      "the KDC's ticket for %s cannot be decoded", service);
	if (rc == ODJ_OK) {
		*kvno = t->enc_part.kvno;
		krb5_free_ticket(odj_krb_context(r->krb), t);
	}
	return rc;
}

/*
 * Finishes a rotation the DC took: the keys at pending go into the keytab
 * at once (every moment before that commit, the keytab lags the DC), then
 * the kvno the KDC issues tickets at is read and the keys relabeled if it
 * is not pending.
 */
static odj_result finish(struct rotate_run *r, uint32_t pending, uint32_t previous)
{
	odj_result rc = odj_rotate_commit(r, pending, pending, previous, false);
	if (rc != ODJ_OK)
		return rc;
	uint32_t kvno = pending;
	rc = login(r, pending, NULL);
	if (rc == ODJ_OK)
		rc = account_kvno(r, &kvno);
	if (rc == ODJ_OK && kvno != pending)
		rc = odj_rotate_commit(r, pending, kvno, previous, false);
	if (rc == ODJ_OK) {
		r->req->out.kvno_after = kvno;
		phase(r, ODJ_ROTATE_COMMITTED,
		      "committed: keytab kvno %u (kvno %u kept for tickets in flight), join record "
		      "kvno %u%s",
		      kvno, previous, kvno,
		      r->samba_tdb ? ", Samba's secrets.tdb (a running winbindd keeps the file it "
				     "opened: restart it)"
				   : "");
	}
	return rc;
}

/* An interrupted rotation in the record: finish or undo it. */
static odj_result recover(struct rotate_run *r)
{
	struct odj_joined *j = r->j;
	uint32_t pending = j->pending_kvno, previous = 0;
	for (size_t i = 0; i < j->kt->n; i++)
		if (j->kt->entries[i].kvno < pending && j->kt->entries[i].kvno > previous)
			previous = j->kt->entries[i].kvno;
	if (!odj_joined_keytab_has(j, pending, NULL, r->mem)) {
		/* no staged password: the DC was never told (kpasswd needs it) */
		r->req->out.recovered = "undone";
		phase(r, ODJ_ROTATE_LOCATED,
		      "an interrupted rotation to kvno %u left no password staged; undoing it",
		      pending);
		r->req->out.kvno_after = previous;
		return odj_rotate_commit(r, pending, 0, previous, true);
	}
	odj_doing(r->ctx, "asking the KDC which keys of %s it takes (kvno %u or %u)", j->sam, pending,
		  previous);
	uint32_t which = 0;
	odj_result rc = kdc_takes(r, pending, previous, &which);
	if (rc != ODJ_OK) {
		odj_error_detail(r->ctx, "an interrupted rotation to kvno %u is pending; nothing "
					 "was changed",
				 pending);
		return rc;
	}
	if (which == pending) {
		r->req->out.recovered = "finished";
		phase(r, ODJ_ROTATE_DC_CHANGED,
		      "an interrupted rotation: the DC has the kvno %u keys; finishing it", pending);
		return finish(r, pending, previous);
	}
	r->req->out.recovered = "undone";
	phase(r, ODJ_ROTATE_LOCATED,
	      "an interrupted rotation: the DC never got the kvno %u keys; undoing it", pending);
	rc = odj_rotate_commit(r, pending, 0, previous, true);
	r->req->out.kvno_after = previous;
	return rc;
}

/* Steps 1-3 for a machine with no rotation pending. */
static odj_result rotate(struct rotate_run *r)
{
	/* r->j is reloaded by every commit: never keep a pointer to it */
	uint32_t current = r->j->kt_kvno, next = current + 1;
	/* The initial kadmin/changepw ticket proves the current keys before anything changes. */
	odj_result rc = login(r, current, "kadmin/changepw");
	if (rc != ODJ_OK) {
		if (keys_refused(r->ctx))
			odj_joined_clone_diagnosis(r->ctx, r->j, 0,
						   odj_joined_error_line(r->mem, r->ctx));
		odj_error_detail(r->ctx, "nothing was changed");
		return rc;
	}
	phase(r, ODJ_ROTATE_LOCATED, "DC %s (%s) takes the keytab's kvno %u keys",
	      r->req->out.dc_name, r->req->out.dc_address, current);
	struct odj_secret *pw = NULL, *pw16 = NULL;
	rc = odj_password_random(r->ctx, r->mem, NULL, &pw);
	if (rc == ODJ_OK)
		rc = odj_password_utf16(r->ctx, r->mem, (const char *)odj_secret_data(pw),
					odj_secret_len(pw), &pw16);
	if (rc == ODJ_OK)
		rc = odj_rotate_stage(r, pw16, next);
	talloc_free(pw16);
	if (rc != ODJ_OK) {
		talloc_free(pw);
		return rc;
	}
	phase(r, ODJ_ROTATE_KEYS_STAGED,
	      "new password staged for kvno %u in %s (the keytab keeps kvno %u until the DC takes "
	      "it); join record marks the rotation",
	      next, ODJ_ROTATE_PASSWORD, current);
	rc = odj_kpasswd_change(r->ctx, r->krb, r->j->realm, r->req->out.dc_address, pw,
				r->req->in.kpasswd_ms > 0 ? r->req->in.kpasswd_ms : 15000);
	talloc_free(pw);
	if (rc != ODJ_OK) {
		/* The DC may have taken it before the failure: ask, then finish or undo. */
		odj_result failed = rc;
		odj_status status = odj_error_get(r->ctx)->status;
		char *why = talloc_strdup(r->mem, odj_error_get(r->ctx)->message);
		uint32_t which = 0;
		if (kdc_takes(r, next, current, &which) == ODJ_OK && which == next) {
			r->req->out.rotated = true;
			return finish(r, next, current);
		}
		if (which == current) {
			odj_rotate_commit(r, next, 0, current, true);
			r->req->out.kvno_after = current;
		}
		odj_doing(r->ctx, "changing the password of %s with kpasswd at %s:464", r->j->sam,
			  r->req->out.dc_address);
		odj_fail(r->ctx, failed, status, "the DC did not take the new password: %s", why);
		odj_error_advice(r->ctx, which == current
			? "The rotation was undone; the machine keeps its kvno %u keys. Run odj-rotate "
			  "again."
			: "The new keys stay staged as kvno %u: run odj-rotate again when the DC "
			  "answers; it finishes or undoes the rotation.",
			 which == current ? current : next);
		return failed;
	}
	r->req->out.rotated = true;
	phase(r, ODJ_ROTATE_DC_CHANGED, "kpasswd: the DC %s accepted the new password",
	      r->req->out.dc_name);
	return finish(r, next, current);
}

/*
 * One rotation at a time per root: a second run (the unit and a person) would
 * stage a second set of keys under the same kvno.  The lock is an abstract
 * socket named after the root's inode: no file to leave behind, and the
 * kernel drops it when the process dies.
 */
static int lock_rotation(struct odj_ctx *ctx, const char *root)
{
	struct stat st;
	if (stat(root, &st) != 0) {
		odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_FILE_NOT_FOUND, "cannot use the root %s: %s",
			 root, strerror(errno));
		return -1;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int n = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "odj-rotate:%llx:%llx",
			 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa,
			    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)) == 0)
		return fd;
	int err = errno;
	if (fd >= 0)
		close(fd);
	odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_SHARING_VIOLATION,
		 "another odj-rotate is running on %s (%s)", root, strerror(err));
	odj_error_advice(ctx, "Wait for it (systemctl status odj-rotate), then run odj-verify.");
	return -1;
}

static odj_result attempt(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_rotate_req *req)
{
	struct rotate_run r = {.ctx = ctx, .mem = mem, .req = req, .d = req->in.deadlines};
	odj_deadlines_default(&r.d);
	const char *root = req->in.root ? req->in.root : "/";
	/* The rotation lock comes before the commit recovery: a second run that
	 * looked at the commit state first would meet the first run's commit lock
	 * and be refused as a stranger's transaction, not as a second rotation. */
	int lock = lock_rotation(ctx, root);
	if (lock < 0)
		return odj_error_get(ctx)->result;
	/* a commit this tool (or odj-apply) left half done comes first */
	odj_result rc = odj_commit_recover(ctx, root, NULL);
	if (rc == ODJ_OK)
		rc = odj_rotate_load(&r);
	if (rc == ODJ_OK)
		rc = odj_rotate_samba_find(&r);
	if (rc != ODJ_OK) {
		close(lock);
		return rc;
	}
	req->out.sam_account_name = talloc_strdup(mem, r.j->sam); /* r.j is reloaded */
	req->out.kvno_before = r.j->pending_kvno ? r.j->kvno : r.j->kt_kvno;
	req->out.kvno_after = req->out.kvno_before;
	char *site = NULL;
	const char *how = NULL;
	rc = odj_joined_locate(ctx, mem, r.j, req->in.dc, &r.d, &req->out.dc_name,
			       &req->out.dc_address, &site, &how);
	if (rc != ODJ_OK) {
		odj_error_detail(ctx, "nothing was changed");
		goto out;
	}
	if (r.j->pending_kvno != 0) {
		rc = recover(&r);
		bool undone = req->out.recovered && strcmp(req->out.recovered, "undone") == 0;
		if (rc != ODJ_OK || req->in.recover_only || !undone)
			goto out;
		if ((rc = odj_rotate_load(&r)) != ODJ_OK)
			goto out;
	}
	if (!req->in.recover_only)
		rc = rotate(&r);
out:
	odj_rotate_keytab_kvnos(&r);
	talloc_free(r.krb);
	close(lock); /* after the last commit */
	return rc;
}

static void default_sleep(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static double monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

odj_result odj_rotate(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_rotate_req *req)
{
	if (req == NULL || req->in.version != ODJ_ROTATE_VERSION)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"odj_rotate: unknown request version");
	odj_sleep_fn pause = req->in.sleep ? req->in.sleep : default_sleep;
	double until = monotonic_s() + (req->in.wait_for_dc_s > 0 ? req->in.wait_for_dc_s : 0);
	int backoff_ms = 5000;
	for (req->out.tries = 1;; req->out.tries++) {
		odj_error_clear(ctx);
		odj_result r = attempt(ctx, mem, req);
		double left = until - monotonic_s();
		if (r != ODJ_E_NETWORK || left <= 0)
			return r;
		int wait_ms = backoff_ms < left * 1000 ? backoff_ms : (int)(left * 1000) + 1;
		odj_trace(ctx, "NetpRotate: no DC answered (try %u): %s; next try in %d s", req->out.tries,
			  odj_error_get(ctx)->message, wait_ms / 1000);
		if (req->in.on_phase != NULL) {
			char *line = talloc_asprintf(mem, "no DC answered (try %u): %s; trying again in %d s",
						     req->out.tries, odj_error_get(ctx)->message,
						     wait_ms / 1000);
			req->in.on_phase(req->in.on_phase_priv, ODJ_ROTATE_WAITING, line);
			talloc_free(line);
		}
		pause(wait_ms);
		backoff_ms = backoff_ms >= 150000 ? 300000 : backoff_ms * 2;
	}
}
