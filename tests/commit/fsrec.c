/*
 * An LD_PRELOAD recorder of the file-system calls that change a tree.
 *
 * ODJ_FSREC_ROOT=<absolute dir> ODJ_FSREC_LOG=<file> LD_PRELOAD=libodj_fsrec.so cmd
 *
 * Every successful call that changes something below the root (or makes it
 * durable) appends one line to the log, paths relative to the root
 * ("/etc/krb5.conf", "/" for the root itself):
 *
 *   create <path> <mode> <uid> <gid>   a new regular file (mode as created)
 *   mkdir <path> <mode> <uid> <gid>
 *   write <path> <offset> <hex bytes>
 *   truncate <path> <size>
 *   chmod <path> <mode>
 *   chown <path> <uid> <gid>
 *   fsync <path>                       fsync or fdatasync, file or directory
 *   rename <from> <to>
 *   unlink <path>
 *   rmdir <path>
 *   link <from> <to> | symlink <to>    (not modelled: the explorer refuses them)
 *
 * Paths come from /proc/self/fd, so whatever way a directory was opened
 * (openat2, an O_NOFOLLOW walk) the recorded path is the one the kernel
 * resolved.  The log is written with raw system calls, never through the
 * functions recorded.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define REAL(name) ((__typeof__(&name))real_fn(#name))

static void *real_fn(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);
	if (f == NULL) {
		static const char msg[] = "fsrec: a libc function is missing\n";
		syscall(SYS_write, 2, msg, sizeof(msg) - 1);
		abort();
	}
	return f;
}

static int log_fd = -1;
static char root[PATH_MAX];
static size_t root_len;

static bool ready(void)
{
	if (log_fd >= 0)
		return true;
	const char *r = getenv("ODJ_FSREC_ROOT"), *l = getenv("ODJ_FSREC_LOG");
	if (r == NULL || l == NULL || strlen(r) >= sizeof(root))
		return false;
	strcpy(root, r);
	root_len = strlen(root);
	while (root_len > 1 && root[root_len - 1] == '/')
		root[--root_len] = '\0';
	log_fd = (int)syscall(SYS_openat, AT_FDCWD, l, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			      0600);
	return log_fd >= 0;
}

/* The path of fd (or of name below dirfd) relative to the root; false if outside. */
static bool rel_path(int dirfd, const char *name, char *out, size_t outlen)
{
	char full[PATH_MAX * 2];
	if (name != NULL && name[0] == '/') {
		snprintf(full, sizeof(full), "%s", name);
	} else {
		char link[64], dir[PATH_MAX];
		ssize_t n;
		if (dirfd == AT_FDCWD) {
			if (getcwd(dir, sizeof(dir)) == NULL)
				return false;
			n = (ssize_t)strlen(dir);
		} else {
			snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
			n = (ssize_t)syscall(SYS_readlink, link, dir, sizeof(dir) - 1);
			if (n <= 0)
				return false;
			dir[n] = '\0';
		}
		if (strstr(dir, " (deleted)") != NULL)
			return false;
		if (name == NULL || name[0] == '\0')
			snprintf(full, sizeof(full), "%s", dir);
		else
			snprintf(full, sizeof(full), "%s/%s", strcmp(dir, "/") ? dir : "", name);
	}
	if (strncmp(full, root, root_len) != 0 || (full[root_len] != '/' && full[root_len] != '\0'))
		return false;
	snprintf(out, outlen, "%s", full[root_len] ? full + root_len : "/");
	return true;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line of the log; errno is kept, so that a wrapper returns the call's own. */
static void emit(const char *fmt, ...)
{
	int saved = errno;
	char line[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		abort(); /* never log half a call */
	line[n++] = '\n';
	syscall(SYS_write, log_fd, line, (size_t)n);
	errno = saved;
}

/*
 * Whether a call that succeeded (ok) is recorded: p gets the path of fd, or
 * of name below dirfd, when it is below the root.  errno is kept.
 */
static bool recorded(bool ok, int dirfd, const char *name, char p[PATH_MAX])
{
	int saved = errno;
	bool rec = ok && ready() && rel_path(dirfd, name, p, PATH_MAX);
	errno = saved;
	return rec;
}

/* fstatat(dirfd, name, flags), or fstat(dirfd) without a name, as a bool; errno is kept. */
static bool stat_at(int dirfd, const char *name, int flags, struct stat *st)
{
	int saved = errno;
	bool ok = (name == NULL ? fstat(dirfd, st) : fstatat(dirfd, name, st, flags)) == 0;
	errno = saved;
	return ok;
}

static void emit_write(const char *path, off_t off, const void *buf, size_t len)
{
	/* Long writes are logged in chunks, each one line. */
	const uint8_t *b = buf;
	for (size_t done = 0; done < len;) {
		size_t n = len - done > 2048 ? 2048 : len - done;
		char hex[4097];
		for (size_t i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, "%02x", b[done + i]);
		emit("write %s %lld %s", path, (long long)(off + (off_t)done), hex);
		done += n;
	}
}

static void after_open(int fd, const char *path_in, int dirfd, bool existed, int flags)
{
	char p[PATH_MAX];
	struct stat st;
	if (fd < 0 || !ready() || !rel_path(dirfd, path_in, p, sizeof(p)) || fstat(fd, &st) != 0)
		return;
	if (!existed && (flags & O_CREAT))
		emit("create %s %o %u %u", p, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		     (unsigned)st.st_gid);
	else if ((flags & O_TRUNC) && S_ISREG(st.st_mode) && (flags & O_ACCMODE) != O_RDONLY)
		emit("truncate %s 0", p);
}

static bool exists_at(int dirfd, const char *path)
{
	struct stat st;
	return fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	bool existed = (flags & O_CREAT) ? exists_at(dirfd, path) : true;
	int fd = (int)syscall(SYS_openat, dirfd, path, flags, mode);
	if (fd < 0)
		return -1;
	int saved = errno;
	after_open(fd, path, dirfd, existed, flags);
	errno = saved;
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

/* open, openat and their 64-bit names: one body; the mode is there with O_CREAT or O_TMPFILE. */
#define OPEN_WRAPPER(name, params, dirfd_arg)                  \
	int name params                                        \
	{                                                      \
		va_list ap;                                    \
		va_start(ap, flags);                           \
		mode_t m = mode_arg(flags, ap);                \
		va_end(ap);                                    \
		return do_openat(dirfd_arg, path, flags, m);   \
	}

OPEN_WRAPPER(open, (const char *path, int flags, ...), AT_FDCWD)
OPEN_WRAPPER(open64, (const char *path, int flags, ...), AT_FDCWD)
OPEN_WRAPPER(openat, (int dirfd, const char *path, int flags, ...), dirfd)
OPEN_WRAPPER(openat64, (int dirfd, const char *path, int flags, ...), dirfd)

/*
 * The fortified entry points (_FORTIFY_SOURCE), declared here as glibc does
 * not export a prototype: no mode argument.
 */
#define FORTIFIED_OPEN_WRAPPER(name, params, dirfd_arg) \
	int name params;                                \
	int name params                                 \
	{                                               \
		return do_openat(dirfd_arg, path, flags, 0); \
	}

FORTIFIED_OPEN_WRAPPER(__open_2, (const char *path, int flags), AT_FDCWD)
FORTIFIED_OPEN_WRAPPER(__open64_2, (const char *path, int flags), AT_FDCWD)
FORTIFIED_OPEN_WRAPPER(__openat_2, (int dirfd, const char *path, int flags), dirfd)
FORTIFIED_OPEN_WRAPPER(__openat64_2, (int dirfd, const char *path, int flags), dirfd)

int creat(const char *path, mode_t mode)
{
	return do_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int creat64(const char *path, mode_t mode)
{
	return do_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	char p[PATH_MAX];
	bool rec = ready() && rel_path(fd, NULL, p, sizeof(p));
	off_t off = rec ? lseek(fd, 0, SEEK_CUR) : 0;
	if (rec && (fcntl(fd, F_GETFL) & O_APPEND)) {
		struct stat st;
		off = fstat(fd, &st) == 0 ? st.st_size : 0;
	}
	ssize_t n = REAL(write)(fd, buf, len);
	if (rec && n > 0 && off >= 0)
		emit_write(p, off, buf, (size_t)n);
	return n;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	char p[PATH_MAX];
	ssize_t n = REAL(pwrite)(fd, buf, len, off);
	if (recorded(n > 0, fd, NULL, p))
		emit_write(p, off, buf, (size_t)n);
	return n;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	ssize_t total = 0;
	for (int i = 0; i < cnt; i++) {
		ssize_t n = write(fd, iov[i].iov_base, iov[i].iov_len);
		if (n < 0)
			return total > 0 ? total : -1;
		total += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	return total;
}

int ftruncate(int fd, off_t len)
{
	char p[PATH_MAX];
	int rc = REAL(ftruncate)(fd, len);
	if (recorded(rc == 0, fd, NULL, p))
		emit("truncate %s %lld", p, (long long)len);
	return rc;
}

int ftruncate64(int fd, off_t len)
{
	return ftruncate(fd, len);
}

static void after_sync(int rc, int fd)
{
	char p[PATH_MAX];
	if (recorded(rc == 0, fd, NULL, p))
		emit("fsync %s", p);
}

int fsync(int fd)
{
	int rc = REAL(fsync)(fd);
	after_sync(rc, fd);
	return rc;
}

int fdatasync(int fd)
{
	int rc = REAL(fdatasync)(fd);
	after_sync(rc, fd);
	return rc;
}

/* The paths of a call with two (rename, link), resolved before it runs. */
struct two_paths {
	bool rec;
	char a[PATH_MAX], b[PATH_MAX];
};

static void two_paths_resolve(struct two_paths *t, int ofd, const char *old, int nfd,
			      const char *new_)
{
	t->rec = ready() && rel_path(ofd, old, t->a, sizeof(t->a)) &&
		 rel_path(nfd, new_, t->b, sizeof(t->b));
}

/* "VERB A B" for a call that succeeded; returns its rc with errno kept. */
static int two_paths_emit(const struct two_paths *t, int rc, const char *verb)
{
	if (rc == 0 && t->rec)
		emit("%s %s %s", verb, t->a, t->b);
	return rc;
}

int renameat2(int ofd, const char *old, int nfd, const char *new_, unsigned flags)
{
	struct two_paths t;
	two_paths_resolve(&t, ofd, old, nfd, new_);
	return two_paths_emit(&t, REAL(renameat2)(ofd, old, nfd, new_, flags), "rename");
}

int renameat(int ofd, const char *old, int nfd, const char *new_)
{
	return renameat2(ofd, old, nfd, new_, 0);
}

int rename(const char *old, const char *new_)
{
	return renameat2(AT_FDCWD, old, AT_FDCWD, new_, 0);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	char p[PATH_MAX];
	bool rec = ready() && rel_path(dirfd, path, p, sizeof(p));
	int rc = REAL(unlinkat)(dirfd, path, flags);
	if (rc == 0 && rec)
		emit("%s %s", (flags & AT_REMOVEDIR) ? "rmdir" : "unlink", p);
	return rc;
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	char p[PATH_MAX];
	int rc = REAL(mkdirat)(dirfd, path, mode);
	struct stat st;
	if (recorded(rc == 0, dirfd, path, p) && stat_at(dirfd, path, AT_SYMLINK_NOFOLLOW, &st))
		emit("mkdir %s %o %u %u", p, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		     (unsigned)st.st_gid);
	return rc;
}

int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int fchmod(int fd, mode_t mode)
{
	char p[PATH_MAX];
	int rc = REAL(fchmod)(fd, mode);
	if (recorded(rc == 0, fd, NULL, p))
		emit("chmod %s %o", p, (unsigned)(mode & 07777));
	return rc;
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	char p[PATH_MAX];
	int rc = REAL(fchmodat)(dirfd, path, mode, flags);
	if (recorded(rc == 0, dirfd, path, p))
		emit("chmod %s %o", p, (unsigned)(mode & 07777));
	return rc;
}

int chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int fchown(int fd, uid_t uid, gid_t gid)
{
	char p[PATH_MAX];
	int rc = REAL(fchown)(fd, uid, gid);
	struct stat st;
	if (recorded(rc == 0, fd, NULL, p) && stat_at(fd, NULL, 0, &st))
		emit("chown %s %u %u", p, (unsigned)st.st_uid, (unsigned)st.st_gid);
	return rc;
}

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	char p[PATH_MAX];
	int rc = REAL(fchownat)(dirfd, path, uid, gid, flags);
	struct stat st;
	if (recorded(rc == 0, dirfd, path, p) && stat_at(dirfd, path, flags & AT_SYMLINK_NOFOLLOW, &st))
		emit("chown %s %u %u", p, (unsigned)st.st_uid, (unsigned)st.st_gid);
	return rc;
}

int chown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, 0);
}

int lchown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int linkat(int ofd, const char *old, int nfd, const char *new_, int flags)
{
	struct two_paths t;
	two_paths_resolve(&t, ofd, old, nfd, new_);
	return two_paths_emit(&t, REAL(linkat)(ofd, old, nfd, new_, flags), "link");
}

int link(const char *old, const char *new_)
{
	return linkat(AT_FDCWD, old, AT_FDCWD, new_, 0);
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	char p[PATH_MAX];
	int rc = REAL(symlinkat)(target, dirfd, path);
	if (recorded(rc == 0, dirfd, path, p))
		emit("symlink %s", p);
	return rc;
}

int symlink(const char *target, const char *path)
{
	return symlinkat(target, AT_FDCWD, path);
}
