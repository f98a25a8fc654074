/*
 * Recovery: finishing the journal an interrupted transaction left.
 *
 *   planned     nothing was renamed yet: remove staged files and new directories
 *   prepared    renames may have begun: put every previous version back (after
 *               checking every copy), remove new files, staged files and new
 *               directories, then record "rolled-back"
 *   committed   every rename was done: finish removals
 *   rolled-back only the clean-up was left
 *
 * and in every case remove the previous versions, then the journal.  Every
 * step can be repeated, so a recovery that is itself interrupted is simply
 * run again.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "commit_internal.h"

#define JOURNAL_MAX_BYTES (4u << 20)
#define PREVIOUS_MAX_BYTES (256u << 20)

struct recovery {
	struct commit_site *site;
	TALLOC_CTX *mem;
	struct commit_journal j;
};

/* Opens the directory holding path; -1 with errno ENOENT if it is gone. */
static int open_parent(struct recovery *rc, const char *path, char **leaf)
{
	char *dir;
	if (!odj_commit_path_split(rc->mem, path, &dir, leaf)) {
		errno = EINVAL;
		return -1;
	}
	return odj_commit_open_dir(rc->site->rootfd, dir, rc->site->resolve);
}

/*
 * Removes the entry's file, or its staged copy, and syncs its directory; a
 * file that is gone already is fine (a rerun of the recovery finds it so).
 */
static odj_result remove_file(struct recovery *rc, const struct commit_jentry *e, bool staged)
{
	char *leaf;
	int pfd = open_parent(rc, e->path, &leaf);
	if (pfd < 0)
		return errno == ENOENT ? ODJ_OK : odj_commit_fail_errno(rc->site, errno, e->path, "open");
	const char *name = staged ? odj_commit_temp_name(rc->mem, leaf) : leaf;
	odj_result r = ODJ_OK;
	if (odj_commit_fault(rc->site->faults, staged ? "unlink staged" : "unlink target") ||
	    unlinkat(pfd, name, 0) != 0) {
		if (errno != ENOENT)
			r = odj_commit_fail_errno(rc->site, errno, e->path,
						  staged ? "remove the staged copy of" : "remove");
	} else if (odj_commit_fault(rc->site->faults, "fsync dir") || fsync(pfd) != 0) {
		r = odj_commit_fail_errno(rc->site, errno, e->path, "sync the directory of");
	}
	close(pfd);
	return r;
}

static odj_result remove_staged(struct recovery *rc, const struct commit_jentry *e)
{
	return remove_file(rc, e, true);
}

static odj_result remove_new_dirs(struct recovery *rc)
{
	for (size_t i = rc->j.n_dirs; i-- > 0;) {
		const char *path = rc->j.dirs[i].path;
		char *leaf;
		int pfd = open_parent(rc, path, &leaf);
		if (pfd < 0) {
			if (errno == ENOENT)
				continue;
			return odj_commit_fail_errno(rc->site, errno, path, "open the parent of");
		}
		int bad = 0;
		if (odj_commit_fault(rc->site->faults, "rmdir new dir") ||
		    unlinkat(pfd, leaf, AT_REMOVEDIR) != 0) {
			/* Gone, not ours (a symlink), or holding others' files: leave it. */
			if (errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST &&
			    errno != ENOTDIR)
				bad = errno;
		} else if (odj_commit_fault(rc->site->faults, "fsync dir") || fsync(pfd) != 0) {
			bad = errno;
		}
		close(pfd);
		if (bad)
			return odj_commit_fail_errno(rc->site, bad, path, "remove directory");
	}
	return ODJ_OK;
}

/* Reads and checks every previous version before any is put back. */
static odj_result check_previous(struct recovery *rc, uint8_t ***copies)
{
	int prevfd = openat(rc->site->statefd, ".previous",
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*copies = talloc_zero_array(rc->mem, uint8_t *, rc->j.n_entries + 1);
	if (*copies == NULL)
		return odj_commit_fail_errno(rc->site, ENOMEM, ODJ_COMMIT_PREVIOUS, "read");
	for (size_t i = 0; i < rc->j.n_entries; i++) {
		const struct commit_old *o = &rc->j.entries[i].old;
		if (!o->present)
			continue;
		char name[32];
		uint8_t *data = NULL;
		size_t len = 0;
		struct stat st;
		snprintf(name, sizeof(name), "%zu", i);
		if (prevfd < 0 ||
		    odj_commit_read_file(rc->mem, prevfd, name, PREVIOUS_MAX_BYTES, &data, &len, &st) != 0 ||
		    len != o->size || commit_crc32(data, len) != o->crc) {
			if (prevfd >= 0)
				close(prevfd);
			odj_fail(rc->site->ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
				 "cannot roll back: the previous version of %s is missing or damaged",
				 rc->j.entries[i].path);
			odj_error_detail(rc->site->ctx, "%s%s/%s", rc->site->root,
					 ODJ_COMMIT_PREVIOUS, name);
			odj_error_advice(rc->site->ctx,
					 "nothing was changed by this recovery; restore %s by hand, "
					 "then remove %s",
					 rc->j.entries[i].path, ODJ_COMMIT_JOURNAL);
			return ODJ_E_CONFIG;
		}
		(*copies)[i] = data;
	}
	if (prevfd >= 0)
		close(prevfd);
	return ODJ_OK;
}

/* Puts the previous version back: staged copy with old owner and mode, then rename. */
static odj_result restore_one(struct recovery *rc, const struct commit_jentry *e,
			      const uint8_t *data)
{
	char *leaf;
	int pfd = open_parent(rc, e->path, &leaf);
	if (pfd < 0)
		return odj_commit_fail_errno(rc->site, errno, e->path, "open the directory of");
	char *tmp = odj_commit_temp_name(rc->mem, leaf);
	struct commit_faults *f = rc->site->faults;
	odj_result r = ODJ_OK;
	int fd = -1;
	if ((odj_commit_fault(f, "unlink staged") || unlinkat(pfd, tmp, 0) != 0) && errno != ENOENT)
		goto fail;
	if (odj_commit_fault(f, "create restore") ||
	    (fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0 ||
	    odj_commit_fault(f, "chown restore") || fchown(fd, e->old.uid, e->old.gid) != 0 ||
	    odj_commit_fault(f, "chmod restore") || fchmod(fd, e->old.mode) != 0 ||
	    odj_commit_fault(f, "write restore") || odj_commit_write_all(fd, data, e->old.size) != 0 ||
	    odj_commit_fault(f, "fsync restore") || fsync(fd) != 0)
		goto fail;
	close(fd);
	fd = -1;
	if (odj_commit_fault(f, "rename restore") || renameat(pfd, tmp, pfd, leaf) != 0 ||
	    odj_commit_fault(f, "fsync dir") || fsync(pfd) != 0)
		goto fail;
	close(pfd);
	return ODJ_OK;
fail:
	r = odj_commit_fail_errno(rc->site, errno, e->path, "restore the previous version of");
	if (fd >= 0)
		close(fd);
	close(pfd);
	return r;
}

static odj_result unlink_target(struct recovery *rc, const struct commit_jentry *e)
{
	return remove_file(rc, e, false);
}

static odj_result append_record(struct recovery *rc, const char *payload)
{
	char *line = odj_commit_journal_line(rc->mem, payload);
	int fd = openat(rc->site->statefd, ".journal", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	odj_result r = ODJ_OK;
	if (line == NULL || fd < 0 ||
	    odj_commit_fault(rc->site->faults, "truncate journal") ||
	    ftruncate(fd, (off_t)rc->j.valid_len) != 0 ||
	    lseek(fd, (off_t)rc->j.valid_len, SEEK_SET) < 0 ||
	    odj_commit_fault(rc->site->faults, "write journal") ||
	    odj_commit_write_all(fd, line, strlen(line)) != 0 ||
	    odj_commit_fault(rc->site->faults, "fsync journal") || fsync(fd) != 0)
		r = odj_commit_fail_errno(rc->site, line ? errno : ENOMEM, ODJ_COMMIT_JOURNAL, "update");
	if (fd >= 0)
		close(fd);
	return r;
}

static odj_result roll_back(struct recovery *rc)
{
	uint8_t **copies;
	odj_result r = check_previous(rc, &copies);
	for (size_t i = 0; r == ODJ_OK && i < rc->j.n_entries; i++) {
		const struct commit_jentry *e = &rc->j.entries[i];
		if (e->old.present)
			r = restore_one(rc, e, copies[i]);
		else if (e->op == COMMIT_OP_PUT)
			r = unlink_target(rc, e);
		if (r == ODJ_OK && e->op == COMMIT_OP_PUT)
			r = remove_staged(rc, e);
	}
	if (r == ODJ_OK)
		r = remove_new_dirs(rc);
	if (r == ODJ_OK)
		r = append_record(rc, "rolled-back");
	return r;
}

static odj_result roll_forward(struct recovery *rc)
{
	/* Every rename happened before "committed"; a staged copy still here is one to finish. */
	for (size_t i = 0; i < rc->j.n_entries; i++) {
		const struct commit_jentry *e = &rc->j.entries[i];
		odj_result r;
		if (e->op == COMMIT_OP_DEL) {
			r = unlink_target(rc, e);
		} else {
			char *leaf;
			int pfd = open_parent(rc, e->path, &leaf);
			if (pfd < 0)
				return odj_commit_fail_errno(rc->site, errno, e->path, "open the directory of");
			char *tmp = odj_commit_temp_name(rc->mem, leaf);
			r = ODJ_OK;
			if (odj_commit_fault(rc->site->faults, "rename staged") ||
			    renameat(pfd, tmp, pfd, leaf) != 0) {
				if (errno != ENOENT)
					r = odj_commit_fail_errno(rc->site, errno, e->path, "finish");
			} else if (odj_commit_fault(rc->site->faults, "fsync dir") || fsync(pfd) != 0) {
				r = odj_commit_fail_errno(rc->site, errno, e->path, "sync the directory of");
			}
			close(pfd);
		}
		if (r != ODJ_OK)
			return r;
	}
	return ODJ_OK;
}

static odj_result finish(struct recovery *rc)
{
	odj_result r = odj_commit_previous_wipe(rc->site, false);
	if (r != ODJ_OK)
		return r;
	if (odj_commit_fault(rc->site->faults, "unlink journal") ||
	    (unlinkat(rc->site->statefd, ".journal", 0) != 0 && errno != ENOENT) ||
	    odj_commit_fault(rc->site->faults, "fsync state") || fsync(rc->site->statefd) != 0)
		return odj_commit_fail_errno(rc->site, errno, ODJ_COMMIT_JOURNAL, "remove");
	return ODJ_OK;
}

odj_result odj_commit_recover_site(struct commit_site *site, bool *found)
{
	struct recovery rc = {.site = site};
	uint8_t *text = NULL;
	size_t len = 0;
	struct stat st;
	char *why = NULL;
	odj_result r;
	if (found)
		*found = false;
	if (site->statefd < 0)
		return ODJ_OK;
	rc.mem = talloc_new(NULL);
	if (rc.mem == NULL)
		return odj_commit_fail_errno(site, ENOMEM, ODJ_COMMIT_JOURNAL, "read");
	if (odj_commit_read_file(rc.mem, site->statefd, ".journal", JOURNAL_MAX_BYTES, &text, &len,
			     &st) != 0) {
		if (errno == ENOENT) {
			/* No journal: previous versions can only be litter. */
			r = odj_commit_previous_wipe(site, true);
			goto out;
		}
		r = odj_commit_fail_errno(site, errno, ODJ_COMMIT_JOURNAL, "read");
		goto out;
	}
	if (found)
		*found = true;
	if (odj_commit_journal_parse(rc.mem, (const char *)text, len, &rc.j, &why) != 0) {
		odj_fail(site->ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
			 "cannot recover the interrupted transaction: its journal is not valid");
		odj_error_detail(site->ctx, "%s%s: %s", site->root, ODJ_COMMIT_JOURNAL,
				 why ? why : "unreadable");
		odj_error_advice(site->ctx, "nothing was changed; inspect %s and %s by hand",
				 ODJ_COMMIT_JOURNAL, ODJ_COMMIT_PREVIOUS);
		r = ODJ_E_CONFIG;
		goto out;
	}
	static const char *const names[] = {"empty", "planned", "prepared", "committed",
					    "rolled-back"};
	odj_trace(site->ctx, "commit: finishing the journal of an interrupted run (%s)",
		  names[rc.j.state]);
	switch (rc.j.state) {
	case COMMIT_J_NONE:
	case COMMIT_J_ROLLED_BACK:
		r = ODJ_OK;
		break;
	case COMMIT_J_PLANNED:
		r = ODJ_OK;
		for (size_t i = 0; r == ODJ_OK && i < rc.j.n_entries; i++)
			if (rc.j.entries[i].op == COMMIT_OP_PUT)
				r = remove_staged(&rc, &rc.j.entries[i]);
		if (r == ODJ_OK)
			r = remove_new_dirs(&rc);
		break;
	case COMMIT_J_PREPARED:
		r = roll_back(&rc);
		break;
	case COMMIT_J_COMMITTED:
		r = roll_forward(&rc);
		break;
	default:
		r = ODJ_E_UNEXPECTED;
		break;
	}
	if (r == ODJ_OK)
		r = finish(&rc);
out:
	talloc_free(rc.mem);
	return r;
}
