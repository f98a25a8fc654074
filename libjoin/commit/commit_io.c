/* File helpers of the commit transaction: I/O, the state directory, fault points. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <zlib.h>

#include "commit_internal.h"

#ifdef ODJ_FAULT_INJECTION
void odj_commit_faults_init(struct commit_faults *f)
{
	const char *at = getenv("ODJ_FAULT_AT");
	const char *mode = getenv("ODJ_FAULT_MODE");
	memset(f, 0, sizeof(*f));
	f->at = at ? strtol(at, NULL, 10) : 0;
	f->mode = COMMIT_FAULT_EIO;
	if (mode && strcmp(mode, "enospc") == 0)
		f->mode = COMMIT_FAULT_ENOSPC;
	else if (mode && strcmp(mode, "kill") == 0)
		f->mode = COMMIT_FAULT_KILL;
}

bool odj_commit_fault(struct commit_faults *f, const char *what)
{
	(void)what;
	if (f == NULL)
		return false;
	if (++f->step != f->at)
		return false;
	f->hit = true;
	if (f->mode == COMMIT_FAULT_KILL)
		raise(SIGKILL);
	errno = f->mode == COMMIT_FAULT_ENOSPC ? ENOSPC : EIO;
	return true;
}
#endif

int odj_commit_write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;
	while (len > 0) {
		ssize_t n = write(fd, b, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

int odj_commit_read_file(TALLOC_CTX *mem, int dirfd, const char *name, size_t max, uint8_t **data,
		     size_t *len, struct stat *st)
{
	/* Never open a device or FIFO: opening one can have effects of its own. */
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (!S_ISREG(st->st_mode)) {
		errno = S_ISLNK(st->st_mode) ? ELOOP : EINVAL;
		return -1;
	}
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int saved = 0;
	uint8_t *buf = NULL;
	if (fstat(fd, st) != 0)
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if ((uint64_t)st->st_size > max) {
		errno = EFBIG;
		goto fail;
	}
	size_t want = (size_t)st->st_size, got = 0;
	buf = talloc_size(mem, want + 1);
	if (buf == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	odj_wipe_on_free(buf);
	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break; /* shrank while reading: take what is there */
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	*data = buf;
	*len = got;
	return 0;
fail:
	saved = errno;
	talloc_free(buf);
	close(fd);
	errno = saved;
	return -1;
}

struct sync_share {
	const int *fds;
	int *errs;
	size_t n, first, stride;
};

static void *sync_share_run(void *arg)
{
	struct sync_share *sh = arg;
	for (size_t i = sh->first; i < sh->n; i += sh->stride)
		if (sh->fds[i] >= 0 && sh->errs[i] == 0)
			sh->errs[i] = fsync(sh->fds[i]) == 0 ? 0 : errno;
	return NULL;
}

#define SYNC_THREADS 8

void odj_commit_sync_all(const int *fds, size_t n, int *errs)
{
	size_t shares = n < SYNC_THREADS ? n : SYNC_THREADS;
	struct sync_share sh[SYNC_THREADS];
	pthread_t th[SYNC_THREADS];
	bool started[SYNC_THREADS] = {false};
	for (size_t t = 0; t < shares; t++) {
		sh[t] = (struct sync_share){fds, errs, n, t, shares};
		/* The caller's thread takes share 0, and any share no thread could take. */
		if (t > 0)
			started[t] = pthread_create(&th[t], NULL, sync_share_run, &sh[t]) == 0;
	}
	for (size_t t = 0; t < shares; t++)
		if (!started[t])
			sync_share_run(&sh[t]);
	for (size_t t = 1; t < shares; t++)
		if (started[t])
			pthread_join(th[t], NULL);
}

uint32_t commit_crc32(const void *p, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	const Bytef *b = p;
	while (len > 0) {
		uInt chunk = len > (1u << 30) ? (1u << 30) : (uInt)len;
		crc = crc32(crc, b, chunk);
		b += chunk;
		len -= chunk;
	}
	return (uint32_t)crc;
}

char *odj_commit_temp_name(TALLOC_CTX *mem, const char *leaf)
{
	return talloc_asprintf(mem, ".%s.odj-new", leaf);
}

/* The number of components of an absolute path ("/var/lib" is 2). */
static unsigned components(const char *path)
{
	unsigned n = 0;
	for (const char *p = path; *p; p++)
		n += *p == '/' && p[1] != '\0';
	return n;
}

static odj_result state_dir_create(struct commit_site *site)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char **missing = NULL;
	size_t n = 0;
	odj_result r = ODJ_OK;
	if (odj_commit_missing_dirs(tmp, site->rootfd, site->resolve, ODJ_COMMIT_STATE_DIR, &missing,
				&n) != 0) {
		r = odj_commit_fail_errno(site, errno, ODJ_COMMIT_STATE_DIR, "look up");
		goto out;
	}
	/* Their parents are synced with the journal's plan (odj_commit_made_parents). */
	for (size_t i = 0; i < n && r == ODJ_OK; i++) {
		char *parent, *leaf;
		if (!odj_commit_path_split(tmp, missing[i], &parent, &leaf)) {
			r = odj_commit_fail_errno(site, ENOMEM, missing[i], "create");
			break;
		}
		int pfd = odj_commit_open_dir(site->rootfd, parent, site->resolve);
		bool made = false;
		if (pfd < 0 || odj_commit_fault(site->faults, "mkdir state") ||
		    !(made = mkdirat(pfd, leaf, ODJ_COMMIT_DIR_MODE) == 0))
			r = odj_commit_fail_mkdir(site, pfd, leaf, missing[i], errno);
		if (made) {
			unsigned depth = components(missing[i]);
			if (site->made_from == 0)
				site->made_from = depth;
			site->made_to = depth;
		}
		if (pfd >= 0)
			close(pfd);
	}
out:
	talloc_free(tmp);
	return r;
}

odj_result odj_commit_site_open(struct commit_site *site, bool create)
{
	site->statefd = odj_commit_open_dir(site->rootfd, ODJ_COMMIT_STATE_DIR, site->resolve);
	if (site->statefd < 0 && errno == ENOENT && create) {
		odj_result r = state_dir_create(site);
		if (r != ODJ_OK)
			return r;
		site->statefd = odj_commit_open_dir(site->rootfd, ODJ_COMMIT_STATE_DIR, site->resolve);
	}
	if (site->statefd < 0) {
		if (errno == ENOENT && !create)
			return ODJ_OK; /* no state directory: nothing to recover */
		return odj_commit_fail_errno(site, errno, ODJ_COMMIT_STATE_DIR, "open");
	}
	if (flock(site->statefd, LOCK_EX | LOCK_NB) != 0) {
		int err = errno;
		close(site->statefd);
		site->statefd = -1;
		if (err == EWOULDBLOCK) {
			odj_fail(site->ctx, ODJ_E_CONFIG, ODJ_ERROR_CAN_NOT_COMPLETE,
				 "another odj transaction is running on %s", site->root);
			odj_error_advice(site->ctx, "wait for the other odj-apply or odj-rotate to finish");
			return ODJ_E_CONFIG;
		}
		return odj_commit_fail_errno(site, err, ODJ_COMMIT_STATE_DIR, "lock");
	}
	return ODJ_OK;
}

void odj_commit_site_close(struct commit_site *site)
{
	if (site->statefd >= 0)
		close(site->statefd); /* drops the flock */
	site->statefd = -1;
}

size_t odj_commit_made_parents(struct commit_site *site, int *fds, size_t max)
{
	size_t n = 0;
	for (unsigned depth = site->made_from; site->made_from != 0 && depth <= site->made_to &&
					       n < max;
	     depth++) {
		char path[] = ODJ_COMMIT_STATE_DIR, *end = path;
		for (unsigned c = 0; c + 1 < depth && end != NULL; c++)
			end = strchr(end + 1, '/');
		if (depth == 1)
			path[1] = '\0';
		else if (end != NULL)
			*end = '\0';
		fds[n++] = odj_commit_open_dir(site->rootfd, path, site->resolve);
	}
	return n;
}

void odj_commit_site_unmake(struct commit_site *site)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	for (unsigned depth = site->made_to; tmp != NULL && site->made_from != 0 &&
					     depth >= site->made_from;
	     depth--) {
		char path[] = ODJ_COMMIT_STATE_DIR, *parent, *leaf, *end = path;
		for (unsigned c = 0; c < depth && end != NULL; c++)
			end = strchr(end + 1, '/');
		if (end != NULL)
			*end = '\0';
		if (!odj_commit_path_split(tmp, path, &parent, &leaf))
			break;
		int pfd = odj_commit_open_dir(site->rootfd, parent, site->resolve);
		bool gone = pfd >= 0 && unlinkat(pfd, leaf, AT_REMOVEDIR) == 0;
		if (gone)
			(void)fsync(pfd);
		if (pfd >= 0)
			close(pfd);
		if (!gone)
			break; /* not empty (a journal left for recovery, someone's files): kept */
	}
	talloc_free(tmp);
	site->made_from = site->made_to = 0;
}

odj_result odj_commit_previous_wipe(struct commit_site *site, bool sync)
{
	int dfd = openat(site->statefd, ".previous", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT)
			return ODJ_OK;
		return odj_commit_fail_errno(site, errno, ODJ_COMMIT_PREVIOUS, "open");
	}
	DIR *d = fdopendir(dfd);
	if (d == NULL) {
		int err = errno;
		close(dfd);
		return odj_commit_fail_errno(site, err, ODJ_COMMIT_PREVIOUS, "read");
	}
	odj_result r = ODJ_OK;
	struct dirent *de;
	while (r == ODJ_OK && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (odj_commit_fault(site->faults, "unlink previous") ||
		    unlinkat(dirfd(d), de->d_name, 0) != 0)
			r = odj_commit_fail_errno(site, errno, ODJ_COMMIT_PREVIOUS, "remove a file in");
	}
	closedir(d);
	if (r != ODJ_OK)
		return r;
	if (odj_commit_fault(site->faults, "rmdir previous") ||
	    unlinkat(site->statefd, ".previous", AT_REMOVEDIR) != 0 ||
	    (sync && (odj_commit_fault(site->faults, "fsync state") || fsync(site->statefd) != 0)))
		return odj_commit_fail_errno(site, errno, ODJ_COMMIT_PREVIOUS, "remove");
	return ODJ_OK;
}
