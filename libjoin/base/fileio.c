/* Atomic, private file writes. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/fileio.h>

#include "fileio_internal.h"

static odj_status status_of(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return ODJ_ERROR_DISK_FULL;
	case EACCES:
	case EPERM:
	case EROFS:
		return ODJ_ERROR_ACCESS_DENIED;
	case ENOENT:
	case ENOTDIR:
		return ODJ_ERROR_FILE_NOT_FOUND;
	default:
		return ODJ_ERROR_WRITE_FAULT;
	}
}

odj_result odj_write_file_atomic(struct odj_ctx *ctx, const char *path, const uint8_t *data,
				 size_t len)
{
	char *copy = talloc_strdup(ctx, path);
	char *dir = talloc_strdup(ctx, dirname(copy));
	uint8_t rnd[6];
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 0, sizeof(rnd));
	char *tmp = talloc_asprintf(ctx, "%s.odj-%02x%02x%02x%02x%02x%02x.tmp", path, rnd[0], rnd[1],
				    rnd[2], rnd[3], rnd[4], rnd[5]);
	int err = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		err = errno;
	for (size_t off = 0; err == 0 && off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno != EINTR)
			err = errno;
		else if (n > 0)
			off += (size_t)n;
	}
	if (err == 0 && fsync(fd) != 0)
		err = errno;
	if (fd >= 0 && close(fd) != 0 && err == 0)
		err = errno;
	if (err == 0 && rename(tmp, path) != 0)
		err = errno;
	if (err != 0) {
		if (fd >= 0)
			unlink(tmp);
	} else {
		/* The rename is durable only once the directory is: a blob that may
		 * vanish in a crash must not count as written (the caller then rolls
		 * the account back), so it is removed again. */
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		/* a directory we may write but not read (mode 1733), or a file system
		 * without directory fsync, cannot be synced: that is not a failure */
		if (dfd >= 0 && fsync(dfd) != 0 && errno != EINVAL && errno != EROFS) {
			err = errno;
			unlink(path);
		}
		if (dfd >= 0)
			close(dfd);
	}
	talloc_free(copy);
	talloc_free(dir);
	talloc_free(tmp);
	if (err != 0)
		return odj_fail(ctx, ODJ_E_CONFIG, status_of(err), "cannot write %s: %s", path,
				strerror(err));
	return ODJ_OK;
}

int odj_open_input(struct odj_ctx *ctx, const char *path, const char *what, bool stdin_ok)
{
	int fd = stdin_ok && strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		odj_fail(ctx, ODJ_E_INPUT, e == ENOENT ? ODJ_ERROR_FILE_NOT_FOUND : ODJ_ERROR_ACCESS_DENIED,
			 "cannot open the %s %s: %s", what, path, strerror(e));
		odj_error_source(ctx, ODJ_SRC_ERRNO, e);
	}
	return fd;
}

odj_result odj_read_input(struct odj_ctx *ctx, const char *path, const char *what, bool stdin_ok,
			  bool owner_only, uint8_t *buf, size_t cap, size_t *len)
{
	*len = 0;
	int fd = odj_open_input(ctx, path, what, stdin_ok);
	if (fd < 0)
		return ODJ_E_INPUT;
	odj_result r = ODJ_OK;
	struct stat st;
	if (owner_only && (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0)) {
		r = odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_ACCESS_DENIED,
			     "The %s %s is readable by group or others.", what, path);
		odj_error_advice(ctx, "chmod 600 %s", path);
	} else {
		*len = odj_read_upto(fd, buf, cap);
	}
	if (fd != STDIN_FILENO) /* standard input stays open for the caller */
		close(fd);
	return r;
}

size_t odj_read_upto(int fd, uint8_t *buf, size_t cap)
{
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += (size_t)n) == cap)
			return len;
	}
}
