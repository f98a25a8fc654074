/*
 * Running the transaction.  The order is what makes it all-or-nothing:
 *
 *   1. lock <root>/var/lib/odj, recover an earlier journal
 *   2. journal: the plan (directories, files, their new size and checksum), fsync
 *   3. create .previous (0700) and the missing directories
 *   4. stage every new file as ".<name>.odj-new" in its directory: owner,
 *      mode, contents
 *   5. copy every file about to be replaced or removed into .previous/<i>
 *      (0600); then fsync all of 3-5 together; journal: their owner, mode,
 *      size, checksum, "prepared"
 *   6. rename the staged files into place, remove the removed ones, fsync
 *      each directory
 *   7. journal: "committed" (the commit point)
 *   8. remove .previous, then the journal
 *
 * Within a step nothing depends on the order of its writes, so they are all
 * issued first and synced after (writeback started on each file as it is
 * written): the file system then commits its journal once per step rather
 * than once per file.  Only the order between steps matters.
 *
 * A failure before 7 rolls back through the same recovery code that a later
 * run would use after a crash; a failure after 7 leaves only clean-up,
 * which the next recovery finishes.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "commit_tx.h"

#define FILE_MAX_BYTES (256u << 20)

struct commit_faults *commit_tx_faults(struct odj_commit *tx)
{
	return &tx->faults;
}

void odj_commit_tx_set_resolve(struct odj_commit *tx, enum commit_resolve how)
{
	tx->site.resolve = how;
}

static bool list_has(const struct commit_jdir *dirs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(dirs[i].path, path) == 0)
			return true;
	return false;
}

int odj_commit_plan_dirs(TALLOC_CTX *mem, struct odj_commit *tx, struct commit_jdir **dirs,
		     size_t *n, const char **bad_path)
{
	*dirs = NULL;
	*n = 0;
	size_t wanted = tx->n_mkdirs + tx->n_items;
	for (size_t w = 0; w < wanted; w++) {
		const char *want;
		if (w < tx->n_mkdirs)
			want = tx->mkdirs[w].path;
		else if (tx->items[w - tx->n_mkdirs].op == COMMIT_OP_PUT)
			want = tx->items[w - tx->n_mkdirs].dir;
		else
			continue; /* nothing to remove in a missing directory */
		const char **missing = NULL;
		size_t n_missing = 0;
		if (odj_commit_missing_dirs(mem, tx->site.rootfd, tx->site.resolve, want, &missing,
					&n_missing) != 0) {
			*bad_path = want;
			return -1;
		}
		for (size_t i = 0; i < n_missing; i++) {
			if (list_has(*dirs, *n, missing[i]))
				continue;
			struct commit_jdir *g = talloc_realloc(mem, *dirs, struct commit_jdir, *n + 1);
			if (g == NULL) {
				errno = ENOMEM;
				*bad_path = want;
				return -1;
			}
			*dirs = g;
			g[*n].path = missing[i];
			g[*n].mode = ODJ_COMMIT_DIR_MODE;
			for (size_t k = 0; k < tx->n_mkdirs; k++)
				if (strcmp(tx->mkdirs[k].path, missing[i]) == 0)
					g[*n].mode = tx->mkdirs[k].mode;
			(*n)++;
		}
	}
	return 0;
}

/* A file or directory written in this step, synced at its end. */
struct pending {
	int fd;
	const char *path; /* for the message */
	const char *what; /* "stage the new version of" ... */
};

#define PENDING_MAX 64 /* open descriptors kept at most; then a sync point */

struct run {
	struct odj_commit *tx;
	struct commit_site *site;
	struct commit_faults *f;
	TALLOC_CTX *mem;
	struct commit_journal j;
	int jfd;    /* the journal, open for appending */
	int prevfd; /* .previous */
	size_t prepared_len;
	struct pending pending[PENDING_MAX];
	size_t n_pending;
};

#define FAULT(what) odj_commit_fault(rn->f, what)

/* Syncs (together) and closes every pending descriptor; the first failure is reported. */
static odj_result sync_pending(struct run *rn)
{
	int fds[PENDING_MAX] = {0}, errs[PENDING_MAX] = {0};
	size_t n = rn->n_pending;
	for (size_t i = 0; i < n; i++) {
		fds[i] = rn->pending[i].fd;
		if (FAULT("fsync"))
			errs[i] = errno;
	}
	odj_commit_sync_all(fds, n, errs);
	odj_result r = ODJ_OK;
	for (size_t i = 0; i < n; i++) {
		if (r == ODJ_OK && errs[i] != 0)
			r = odj_commit_fail_errno(rn->site, errs[i], rn->pending[i].path,
						  rn->pending[i].what);
		close(fds[i]);
	}
	rn->n_pending = 0;
	return r;
}

/* Takes fd (a file just written, or a directory changed) to sync at the step's end. */
static odj_result defer_sync(struct run *rn, int fd, const char *path, const char *what,
			     bool file)
{
	if (file)
		(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); /* start it now */
	if (rn->n_pending == PENDING_MAX) {
		odj_result r = sync_pending(rn);
		if (r != ODJ_OK) {
			close(fd);
			return r;
		}
	}
	rn->pending[rn->n_pending++] = (struct pending){fd, path, what};
	return ODJ_OK;
}

/* Defers the sync of directory path (for its new or changed entries). */
static odj_result defer_dir_sync(struct run *rn, const char *path, const char *what)
{
	for (size_t i = 0; i < rn->n_pending; i++)
		if (strcmp(rn->pending[i].path, path) == 0 && rn->pending[i].what == what)
			return ODJ_OK;
	int fd = odj_commit_open_dir(rn->site->rootfd, path, rn->site->resolve);
	if (fd < 0)
		return odj_commit_fail_errno(rn->site, errno, path, what);
	return defer_sync(rn, fd, path, what, false);
}

/* Checks targets: each a regular file or absent, no two the same file. */
static odj_result check_targets(struct run *rn)
{
	struct odj_commit *tx = rn->tx;
	struct seen {
		dev_t dev;
		ino_t ino;
		const char *leaf;
	} *seen = talloc_zero_array(rn->mem, struct seen, tx->n_items + 1);
	if (seen == NULL)
		return odj_commit_fail_errno(rn->site, ENOMEM, "/", "plan");
	for (size_t i = 0; i < tx->n_items; i++) {
		const struct commit_item *it = &tx->items[i];
		int pfd = odj_commit_open_dir(rn->site->rootfd, it->dir, rn->site->resolve);
		if (pfd < 0) {
			if (errno == ENOENT)
				continue;
			return odj_commit_fail_errno(rn->site, errno, it->dir, "open directory");
		}
		struct stat dst, st;
		int rc = fstat(pfd, &dst);
		int lrc = fstatat(pfd, it->leaf, &st, AT_SYMLINK_NOFOLLOW);
		int err = errno;
		close(pfd);
		if (rc != 0 || (lrc != 0 && err != ENOENT))
			return odj_commit_fail_errno(rn->site, rc != 0 ? errno : err, it->path, "look at");
		if (lrc == 0 && !S_ISREG(st.st_mode)) {
			odj_fail(rn->site->ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_NAME,
				 "%s%s is not a regular file; refusing to replace it",
				 strcmp(rn->site->root, "/") ? rn->site->root : "", it->path);
			odj_error_advice(rn->site->ctx,
					 "a symlink, directory or device is never followed or replaced; "
					 "remove it from the image first");
			return ODJ_E_CONFIG;
		}
		for (size_t k = 0; k < i; k++)
			if (seen[k].leaf && seen[k].dev == dst.st_dev && seen[k].ino == dst.st_ino &&
			    strcmp(seen[k].leaf, it->leaf) == 0)
				return odj_fail(rn->site->ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
						"%s and %s are the same file", tx->items[k].path,
						it->path);
		seen[i] = (struct seen){dst.st_dev, dst.st_ino, it->leaf};
	}
	return ODJ_OK;
}

static odj_result write_plan(struct run *rn)
{
	struct odj_commit *tx = rn->tx;
	const char *bad = NULL;
	if (odj_commit_plan_dirs(rn->mem, tx, &rn->j.dirs, &rn->j.n_dirs, &bad) != 0)
		return odj_commit_fail_errno(rn->site, errno, bad, "create directory");
	rn->j.entries = talloc_zero_array(rn->mem, struct commit_jentry, tx->n_items + 1);
	if (rn->j.entries == NULL)
		return odj_commit_fail_errno(rn->site, ENOMEM, ODJ_COMMIT_JOURNAL, "write");
	rn->j.n_entries = tx->n_items;
	for (size_t i = 0; i < tx->n_items; i++) {
		const struct commit_item *it = &tx->items[i];
		rn->j.entries[i] = (struct commit_jentry){
			.op = it->op, .path = it->path, .mode = it->mode, .uid = it->uid,
			.gid = it->gid, .size = it->len, .crc = commit_crc32(it->data, it->len)};
	}
	char *text = odj_commit_journal_plan_text(rn->mem, &rn->j);
	if (text == NULL)
		return odj_commit_fail_errno(rn->site, ENOMEM, ODJ_COMMIT_JOURNAL, "write");
	if (FAULT("create journal") ||
	    (rn->jfd = openat(rn->site->statefd, ".journal",
			      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return odj_commit_fail_errno(rn->site, errno, ODJ_COMMIT_JOURNAL, "create");
	rn->prepared_len = strlen(text);
	if (FAULT("write plan") || odj_commit_write_all(rn->jfd, text, rn->prepared_len) != 0)
		return odj_commit_fail_errno(rn->site, errno, ODJ_COMMIT_JOURNAL, "write");
	/* The journal, its directory, and the directories that lead to it if this run made them. */
	int fds[8] = {rn->jfd, rn->site->statefd}, errs[8] = {0};
	size_t n = 2 + odj_commit_made_parents(rn->site, fds + 2, 6);
	for (size_t i = 0; i < n; i++)
		if (fds[i] < 0)
			errs[i] = EIO;
		else if (FAULT(i == 0 ? "fsync journal" : "fsync state"))
			errs[i] = errno;
	odj_commit_sync_all(fds, n, errs);
	int err = 0;
	for (size_t i = 0; i < n; i++) {
		if (err == 0)
			err = errs[i];
		if (i >= 2 && fds[i] >= 0)
			close(fds[i]);
	}
	if (err != 0)
		return odj_commit_fail_errno(rn->site, err, ODJ_COMMIT_JOURNAL, "write");
	return ODJ_OK;
}

static const char SYNC_DIR[] = "sync the directory";

static odj_result make_dirs(struct run *rn)
{
	if (FAULT("mkdir previous") || mkdirat(rn->site->statefd, ".previous", 0700) != 0 ||
	    (rn->prevfd = openat(rn->site->statefd, ".previous",
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fchmod(rn->prevfd, 0700) != 0)
		return odj_commit_fail_errno(rn->site, errno, ODJ_COMMIT_PREVIOUS, "create");
	odj_result r = defer_dir_sync(rn, ODJ_COMMIT_STATE_DIR, SYNC_DIR);
	if (r != ODJ_OK)
		return r;
	for (size_t i = 0; i < rn->j.n_dirs; i++) {
		const struct commit_jdir *d = &rn->j.dirs[i];
		char *parent, *leaf;
		if (!odj_commit_path_split(rn->mem, d->path, &parent, &leaf))
			return odj_commit_fail_errno(rn->site, ENOMEM, d->path, "create directory");
		int pfd = odj_commit_open_dir(rn->site->rootfd, parent, rn->site->resolve);
		int fd = -1, bad = 0;
		if (pfd < 0 || FAULT("mkdir") || mkdirat(pfd, leaf, 0700) != 0 ||
		    (fd = openat(pfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
		    FAULT("chmod dir") || fchmod(fd, d->mode) != 0)
			bad = errno;
		if (fd >= 0)
			close(fd);
		if (bad) {
			odj_result fr = odj_commit_fail_mkdir(rn->site, pfd, leaf, d->path, bad);
			if (pfd >= 0)
				close(pfd);
			return fr;
		}
		close(pfd);
		r = defer_dir_sync(rn, parent, SYNC_DIR);
		if (r != ODJ_OK)
			return r;
	}
	return ODJ_OK;
}

/* A file that could not be written (errno bad): closed if it was opened, the failure reported. */
static odj_result write_failed(struct run *rn, int fd, int bad, const char *path, const char *what)
{
	if (fd >= 0)
		close(fd);
	return odj_commit_fail_errno(rn->site, bad, path, what);
}

static odj_result stage_one(struct run *rn, const struct commit_item *it)
{
	int pfd = odj_commit_open_dir(rn->site->rootfd, it->dir, rn->site->resolve);
	if (pfd < 0)
		return odj_commit_fail_errno(rn->site, errno, it->dir, "open directory");
	char *tmp = odj_commit_temp_name(rn->mem, it->leaf);
	int fd = -1, bad = 0;
	if (tmp == NULL)
		bad = ENOMEM;
	else if ((FAULT("unlink stale staged") || unlinkat(pfd, tmp, 0) != 0) && errno != ENOENT)
		bad = errno;
	else if (FAULT("create staged") ||
		 (fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			      0600)) < 0 ||
		 FAULT("chown staged") || fchown(fd, it->uid, it->gid) != 0 ||
		 FAULT("chmod staged") || fchmod(fd, it->mode) != 0 || FAULT("write staged") ||
		 odj_commit_write_all(fd, it->data, it->len) != 0)
		bad = errno;
	close(pfd);
	if (bad)
		return write_failed(rn, fd, bad, it->path, "stage the new version of");
	odj_result r = defer_sync(rn, fd, it->path, "stage the new version of", true);
	return r == ODJ_OK ? defer_dir_sync(rn, it->dir, SYNC_DIR) : r;
}

/* Copies the current file (if any) into .previous/<i> and records it. */
static odj_result keep_previous(struct run *rn, size_t i)
{
	const struct commit_item *it = &rn->tx->items[i];
	struct commit_old *old = &rn->j.entries[i].old;
	*old = (struct commit_old){.present = false};
	int pfd = odj_commit_open_dir(rn->site->rootfd, it->dir, rn->site->resolve);
	if (pfd < 0)
		return errno == ENOENT && it->op == COMMIT_OP_DEL
			       ? ODJ_OK
			       : odj_commit_fail_errno(rn->site, errno, it->dir, "open directory");
	uint8_t *data = NULL;
	size_t len = 0;
	struct stat st;
	int rc = odj_commit_read_file(rn->mem, pfd, it->leaf, FILE_MAX_BYTES, &data, &len, &st);
	int err = errno;
	close(pfd);
	if (rc != 0)
		return err == ENOENT ? ODJ_OK
				     : odj_commit_fail_errno(rn->site, err, it->path, "keep the previous version of");
	*old = (struct commit_old){.present = true, .mode = st.st_mode & 07777,
				   .uid = st.st_uid, .gid = st.st_gid, .size = len,
				   .crc = commit_crc32(data, len)};
	char name[32];
	snprintf(name, sizeof(name), "%zu", i);
	int fd = -1, bad = 0;
	if (FAULT("create previous") ||
	    (fd = openat(rn->prevfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 0600)) < 0 ||
	    FAULT("write previous") || odj_commit_write_all(fd, data, len) != 0)
		bad = errno;
	talloc_free(data);
	if (bad)
		return write_failed(rn, fd, bad, it->path, "keep the previous version of");
	return defer_sync(rn, fd, it->path, "keep the previous version of", true);
}

static odj_result prepare(struct run *rn)
{
	odj_result r = ODJ_OK;
	for (size_t i = 0; r == ODJ_OK && i < rn->tx->n_items; i++)
		if (rn->tx->items[i].op == COMMIT_OP_PUT)
			r = stage_one(rn, &rn->tx->items[i]);
	for (size_t i = 0; r == ODJ_OK && i < rn->tx->n_items; i++)
		r = keep_previous(rn, i);
	if (r == ODJ_OK)
		r = defer_dir_sync(rn, ODJ_COMMIT_PREVIOUS, SYNC_DIR);
	if (r == ODJ_OK)
		r = sync_pending(rn);
	if (r != ODJ_OK)
		return r;
	char *text = odj_commit_journal_prepared_text(rn->mem, &rn->j);
	if (text == NULL)
		return odj_commit_fail_errno(rn->site, ENOMEM, ODJ_COMMIT_JOURNAL, "write");
	if (FAULT("write prepared") || odj_commit_write_all(rn->jfd, text, strlen(text)) != 0 ||
	    FAULT("fsync journal") || fsync(rn->jfd) != 0)
		return odj_commit_fail_errno(rn->site, errno, ODJ_COMMIT_JOURNAL, "write");
	rn->prepared_len += strlen(text);
	return ODJ_OK;
}

static odj_result switch_files(struct run *rn)
{
	for (size_t i = 0; i < rn->tx->n_items; i++) {
		const struct commit_item *it = &rn->tx->items[i];
		if (it->op == COMMIT_OP_DEL && !rn->j.entries[i].old.present)
			continue;
		int pfd = odj_commit_open_dir(rn->site->rootfd, it->dir, rn->site->resolve);
		int bad = 0;
		if (pfd < 0)
			bad = errno;
		else if (it->op == COMMIT_OP_PUT &&
			 (FAULT("rename") ||
			  renameat(pfd, odj_commit_temp_name(rn->mem, it->leaf), pfd, it->leaf) != 0))
			bad = errno;
		else if (it->op == COMMIT_OP_DEL &&
			 (FAULT("unlink removed") || unlinkat(pfd, it->leaf, 0) != 0))
			bad = errno;
		if (pfd >= 0)
			close(pfd);
		if (bad)
			return odj_commit_fail_errno(rn->site, bad, it->path,
						 it->op == COMMIT_OP_PUT ? "replace" : "remove");
	}
	/* Every directory synced once, with the commit mark (mark_committed). */
	for (size_t i = 0; i < rn->tx->n_items; i++) {
		const struct commit_item *it = &rn->tx->items[i];
		if (it->op == COMMIT_OP_DEL && !rn->j.entries[i].old.present)
			continue; /* nothing was removed; its directory may not exist */
		odj_result r = defer_dir_sync(rn, it->dir, SYNC_DIR);
		if (r != ODJ_OK)
			return r;
	}
	return ODJ_OK;
}

static odj_result mark_committed(struct run *rn)
{
	char *line = odj_commit_journal_line(rn->mem, "committed");
	if (line == NULL)
		return odj_commit_fail_errno(rn->site, ENOMEM, ODJ_COMMIT_JOURNAL, "write");
	/*
	 * The renamed files' directories first: the mark is written only once
	 * every rename is durable, so a power cut never finds the mark with a
	 * rename missing.
	 */
	odj_result synced = sync_pending(rn);
	if (synced != ODJ_OK)
		return synced;
	int err = 0;
	const char *bad_path = ODJ_COMMIT_JOURNAL, *bad_what = "commit";
	if (FAULT("write committed") || odj_commit_write_all(rn->jfd, line, strlen(line)) != 0) {
		err = errno;
	} else {
		/* The mark (the directories were synced above; nothing is pending). */
		int fds[PENDING_MAX + 1] = {0}, errs[PENDING_MAX + 1] = {0};
		size_t n = rn->n_pending;
		for (size_t i = 0; i < n; i++) {
			fds[i] = rn->pending[i].fd;
			if (FAULT("fsync dir"))
				errs[i] = errno;
		}
		fds[n] = rn->jfd;
		if (FAULT("fsync committed"))
			errs[n] = errno;
		odj_commit_sync_all(fds, n + 1, errs);
		for (size_t i = 0; i <= n && err == 0; i++) {
			err = errs[i];
			if (err != 0 && i < n) {
				bad_path = rn->pending[i].path;
				bad_what = rn->pending[i].what;
			}
		}
	}
	if (err != 0) {
		/*
		 * The mark may be on disk although the call failed: take it back
		 * before rolling back, or a crash during the rollback would be
		 * rolled forward over half-restored files.
		 */
		if (ftruncate(rn->jfd, (off_t)rn->prepared_len) != 0 || fsync(rn->jfd) != 0) {
			close(rn->jfd);
			rn->jfd = -2; /* cannot tell: leave it to the next recovery */
		}
		return odj_commit_fail_errno(rn->site, err, bad_path, bad_what);
	}
	return ODJ_OK;
}

static odj_result clean_up(struct run *rn)
{
	if (rn->prevfd >= 0)
		close(rn->prevfd);
	rn->prevfd = -1;
	/*
	 * Not synced: the files are in place.  Should a crash undo the removals,
	 * the next recovery finds the journal "committed" and finishes again
	 * (the staged copies are gone, so only the removals are repeated).
	 */
	odj_result r = odj_commit_previous_wipe(rn->site, false);
	if (r == ODJ_OK &&
	    (FAULT("unlink journal") || unlinkat(rn->site->statefd, ".journal", 0) != 0))
		r = odj_commit_fail_errno(rn->site, errno, ODJ_COMMIT_JOURNAL, "remove");
	return r;
}

/* Undoes a failed run through recovery, keeping the first error for the caller. */
static void drop_pending(struct run *rn)
{
	for (size_t i = 0; i < rn->n_pending; i++)
		close(rn->pending[i].fd);
	rn->n_pending = 0;
}

static odj_result abort_run(struct run *rn, odj_result failed)
{
	drop_pending(rn);
	if (rn->prevfd >= 0)
		close(rn->prevfd);
	rn->prevfd = -1;
	bool undecided = rn->jfd == -2;
	if (rn->jfd >= 0)
		close(rn->jfd);
	rn->jfd = -1;
	if (undecided) {
		odj_error_advice(rn->site->ctx, "the next odj-apply finishes or undoes this "
						"transaction before anything else");
		return failed;
	}
	struct odj_error first = *odj_error_get(rn->site->ctx);
	char *msg = talloc_strdup(rn->mem, first.message ? first.message : "");
	if (odj_commit_recover_site(rn->site, NULL) != ODJ_OK) {
		odj_error_detail(rn->site->ctx, "while undoing a failed transaction: %s", msg);
		odj_error_advice(rn->site->ctx,
				 "the next odj-apply retries the rollback before anything else");
	}
	return failed;
}

odj_result odj_commit_run(struct odj_commit *tx)
{
	if (tx == NULL)
		return ODJ_E_UNEXPECTED;
	if (tx->ran)
		return odj_fail(tx->site.ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"the transaction has already run");
	tx->ran = true;
	struct run rn = {.tx = tx, .site = &tx->site, .f = &tx->faults, .jfd = -1, .prevfd = -1};
	rn.mem = talloc_new(NULL);
	if (rn.mem == NULL)
		return odj_fail(tx->site.ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	odj_result r = odj_commit_site_open(&tx->site, true);
	if (r == ODJ_OK)
		r = odj_commit_recover_site(&tx->site, NULL);
	if (r == ODJ_OK)
		r = check_targets(&rn);
	if (r != ODJ_OK)
		goto out;
	r = write_plan(&rn);
	if (r == ODJ_OK)
		r = make_dirs(&rn);
	if (r == ODJ_OK)
		r = prepare(&rn);
	if (r == ODJ_OK)
		r = switch_files(&rn);
	if (r == ODJ_OK)
		r = mark_committed(&rn);
	if (r != ODJ_OK) {
		if (rn.jfd != -1)
			r = abort_run(&rn, r);
		goto out;
	}
	close(rn.jfd);
	rn.jfd = -1;
	odj_trace(tx->site.ctx, "commit: %zu file(s) committed below %s", tx->n_items,
		  tx->site.root);
	if (clean_up(&rn) != ODJ_OK) {
		/* Committed: the files are in place; the next recovery removes what is left. */
		odj_trace(tx->site.ctx, "commit: clean-up left for the next run: %s",
			  odj_error_get(tx->site.ctx)->message);
		odj_error_clear(tx->site.ctx);
	}
out:
	drop_pending(&rn);
	if (rn.prevfd >= 0)
		close(rn.prevfd);
	if (rn.jfd >= 0)
		close(rn.jfd);
	if (r != ODJ_OK)
		odj_commit_site_unmake(&tx->site); /* the root is left as it was found */
	odj_commit_site_close(&tx->site);
	talloc_free(rn.mem);
	return r;
}
