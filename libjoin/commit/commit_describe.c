/* The dry run: what odj_commit_run would change, read from the root without touching it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "commit_tx.h"

#define DESCRIBE_MAX_BYTES (64u << 20)

static bool is_binary(const uint8_t *p, size_t len)
{
	return p != NULL && memchr(p, '\0', len) != NULL;
}

static void describe_owner_mode(FILE *out, const struct stat *old, const struct commit_item *it)
{
	if (old == NULL) {
		fprintf(out, "  mode %04o, owner %u:%u\n", (unsigned)it->mode, (unsigned)it->uid,
			(unsigned)it->gid);
		return;
	}
	if ((old->st_mode & 07777) != it->mode)
		fprintf(out, "  mode %04o -> %04o\n", (unsigned)(old->st_mode & 07777),
			(unsigned)it->mode);
	if (old->st_uid != it->uid || old->st_gid != it->gid)
		fprintf(out, "  owner %u:%u -> %u:%u\n", (unsigned)old->st_uid,
			(unsigned)old->st_gid, (unsigned)it->uid, (unsigned)it->gid);
}

static void describe_put(TALLOC_CTX *mem, FILE *out, const struct commit_item *it,
			 const uint8_t *old, size_t old_len, const struct stat *ost,
			 const struct odj_commit_describe_opts *o)
{
	bool changed = old == NULL || old_len != it->len || memcmp(old, it->data, it->len) != 0 ||
		       (ost->st_mode & 07777) != it->mode || ost->st_uid != it->uid ||
		       ost->st_gid != it->gid;
	if (!changed) {
		fprintf(out, "%s: unchanged\n", it->path);
		return;
	}
	fprintf(out, "%s: %s\n", it->path, old ? "replace" : "create");
	describe_owner_mode(out, old ? ost : NULL, it);
	if (old && old_len == it->len && memcmp(old, it->data, it->len) == 0)
		return; /* only owner or mode change */
	if (it->secret) {
		fprintf(out, "  secret, %zu bytes -> %zu bytes (contents not shown)\n", old_len,
			it->len);
		return;
	}
	if (is_binary(old, old_len) || is_binary(it->data, it->len)) {
		if (o->describer == NULL ||
		    !o->describer(o->describer_priv, out, it->path, old, old_len, it->data, it->len))
			fprintf(out, "  binary, %zu bytes -> %zu bytes\n", old ? old_len : 0, it->len);
		return;
	}
	if (!odj_commit_diff(mem, out, it->path, (const char *)old, old_len, (const char *)it->data,
			 it->len, o->context_lines))
		fprintf(out, "  text, %zu bytes -> %zu bytes (too large to diff)\n", old_len, it->len);
}

odj_result odj_commit_describe(struct odj_commit *tx, FILE *out,
			       const struct odj_commit_describe_opts *opts)
{
	struct odj_commit_describe_opts defaults = ODJ_COMMIT_DESCRIBE_INIT;
	if (tx == NULL || out == NULL)
		return ODJ_E_UNEXPECTED;
	if (opts == NULL)
		opts = &defaults;
	odj_result vr = odj_version_check(tx->site.ctx, "odj_commit_describe_opts", opts->version,
					  ODJ_COMMIT_DESCRIBE_VERSION);
	if (vr != ODJ_OK)
		return vr;
	TALLOC_CTX *mem = talloc_new(NULL);
	odj_result r = ODJ_OK;
	struct commit_jdir *dirs;
	size_t n_dirs;
	const char *bad = NULL;
	if (mem == NULL)
		return odj_fail(tx->site.ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");

	int sfd = odj_commit_open_dir(tx->site.rootfd, ODJ_COMMIT_STATE_DIR, tx->site.resolve);
	if (sfd >= 0) {
		struct stat st;
		if (fstatat(sfd, ".journal", &st, AT_SYMLINK_NOFOLLOW) == 0)
			fprintf(out, "an interrupted transaction left %s: it is finished or undone "
				     "first\n",
				ODJ_COMMIT_JOURNAL);
		close(sfd);
	}
	if (odj_commit_plan_dirs(mem, tx, &dirs, &n_dirs, &bad) != 0) {
		r = odj_commit_fail_errno(&tx->site, errno, bad, "look up directory");
		goto out;
	}
	for (size_t i = 0; i < n_dirs; i++)
		fprintf(out, "%s/: create directory, mode %04o\n", dirs[i].path,
			(unsigned)dirs[i].mode);
	for (size_t i = 0; i < tx->n_items; i++) {
		const struct commit_item *it = &tx->items[i];
		uint8_t *old = NULL;
		size_t old_len = 0;
		struct stat st;
		int pfd = odj_commit_open_dir(tx->site.rootfd, it->dir, tx->site.resolve);
		int rc = -1, err = ENOENT;
		if (pfd >= 0) {
			rc = odj_commit_read_file(mem, pfd, it->leaf, DESCRIBE_MAX_BYTES, &old, &old_len,
					      &st);
			err = errno;
			close(pfd);
		} else {
			err = errno;
		}
		if (rc != 0 && err != ENOENT) {
			fprintf(out, "%s: refused: %s\n", it->path,
				err == EINVAL	? "not a regular file"
				: err == ELOOP ? "a symbolic link (never followed)"
					       : strerror(err));
			continue;
		}
		if (it->op == COMMIT_OP_DEL) {
			if (rc != 0)
				fprintf(out, "%s: remove: not present, nothing to do\n", it->path);
			else
				fprintf(out, "%s: remove (%zu bytes)\n", it->path, old_len);
			continue;
		}
		describe_put(mem, out, it, rc == 0 ? old : NULL, old_len, rc == 0 ? &st : NULL,
			     opts);
		if (old != NULL)
			talloc_free(old);
	}
out:
	talloc_free(mem);
	return r;
}
