/*
 * Paths inside the target root.
 *
 * Directories are opened with openat2(RESOLVE_IN_ROOT): the kernel resolves
 * every symlink as if the root were "/", so an image's absolute symlink
 * (/etc -> /mnt/other) stays inside the image.  Where the kernel lacks
 * openat2 the same resolution is done by hand: each component is examined
 * with AT_SYMLINK_NOFOLLOW, symlinks are expanded against the root, ".." is
 * clamped at the root, and each directory is opened with O_NOFOLLOW so that
 * a symlink swapped in meanwhile is refused rather than followed.  The leaf
 * file is always handled with *at() calls and O_NOFOLLOW in its directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "commit_internal.h"

#define WALK_MAX_DEPTH 64
#define WALK_MAX_LINKS 40

const char *odj_commit_path_problem(const char *path)
{
	if (path == NULL || path[0] == '\0')
		return "it is empty";
	if (path[0] != '/')
		return "it is not an absolute path (it must start with '/')";
	if (strlen(path) >= PATH_MAX)
		return "it is longer than PATH_MAX";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "it holds a control character";
	const char *c = path + 1;
	if (*c == '\0')
		return NULL; /* the root itself */
	while (*c) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n == 0)
			return "it has an empty component ('//')";
		if (n > NAME_MAX)
			return "a component is longer than NAME_MAX";
		if (n == 1 && c[0] == '.')
			return "it has a '.' component";
		if (n == 2 && c[0] == '.' && c[1] == '.')
			return "it has a '..' component (a path in the target never climbs)";
		if (!e)
			break;
		c = e + 1;
		if (*c == '\0')
			return "it ends in '/'";
	}
	return NULL;
}

bool odj_commit_path_valid(const char *path)
{
	return odj_commit_path_problem(path) == NULL;
}

bool odj_commit_path_split(TALLOC_CTX *mem, const char *path, char **dir, char **leaf)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL || slash[1] == '\0')
		return false;
	*dir = slash == path ? talloc_strdup(mem, "/") : talloc_strndup(mem, path, slash - path);
	*leaf = talloc_strdup(mem, slash + 1);
	return *dir != NULL && *leaf != NULL;
}

static int open_dir_openat2(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = path[1] ? path + 1 : ".";
	for (int tries = 0; tries < 8; tries++) {
		long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			return (int)fd;
	}
	return -1;
}

/* Prepends "<target>/" to the unresolved rest (in rest, of size PATH_MAX). */
static int walk_push_link(char *rest, const char *target)
{
	size_t tl = strlen(target), rl = strlen(rest);
	if (tl + 1 + rl + 1 > PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memmove(rest + tl + 1, rest, rl + 1);
	memcpy(rest, target, tl);
	rest[tl] = '/';
	return 0;
}

static int open_dir_walk(int rootfd, const char *path)
{
	int stack[WALK_MAX_DEPTH]; /* stack[0] is the root (not ours to close) */
	int depth = 0, links = 0, saved;
	char rest[PATH_MAX], target[PATH_MAX];
	if (strlen(path) >= sizeof(rest)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(rest, path);
	stack[0] = rootfd;
	while (rest[0] != '\0') {
		char *comp = rest;
		while (*comp == '/')
			comp++;
		size_t n = strcspn(comp, "/");
		char name[NAME_MAX + 1];
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		memcpy(name, comp, n);
		name[n] = '\0';
		memmove(rest, comp + n, strlen(comp + n) + 1);
		if (n == 0 || strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if (depth > 0)
				close(stack[depth--]);
			continue;
		}
		struct stat st;
		if (fstatat(stack[depth], name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			goto fail;
		if (S_ISLNK(st.st_mode)) {
			ssize_t tl = readlinkat(stack[depth], name, target, sizeof(target) - 1);
			if (tl < 0)
				goto fail;
			target[tl] = '\0';
			if (++links > WALK_MAX_LINKS) {
				errno = ELOOP;
				goto fail;
			}
			if (target[0] == '/')
				while (depth > 0)
					close(stack[depth--]);
			if (walk_push_link(rest, target) != 0)
				goto fail;
			continue;
		}
		if (depth + 1 >= WALK_MAX_DEPTH) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		int fd = openat(stack[depth], name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			goto fail;
		stack[++depth] = fd;
	}
	if (depth == 0)
		return fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	for (int i = 1; i < depth; i++)
		close(stack[i]);
	return stack[depth];
fail:
	saved = errno;
	while (depth > 0)
		close(stack[depth--]);
	errno = saved;
	return -1;
}

int odj_commit_open_dir(int rootfd, const char *path, enum commit_resolve how)
{
	if (!odj_commit_path_valid(path)) {
		errno = EINVAL;
		return -1;
	}
	if (how == COMMIT_RESOLVE_AUTO) {
		int fd = open_dir_openat2(rootfd, path);
		/* ENOSYS: kernel before 5.6; EPERM: a seccomp filter that does not know it. */
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
			return fd;
	}
	return open_dir_walk(rootfd, path);
}

int odj_commit_missing_dirs(TALLOC_CTX *mem, int rootfd, enum commit_resolve how, const char *dir,
			const char ***list, size_t *n)
{
	/* Find the deepest existing prefix; everything below it is missing. */
	char *prefix = talloc_strdup(mem, dir);
	size_t first_missing = *n;
	if (prefix == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (;;) {
		int fd = odj_commit_open_dir(rootfd, prefix, how);
		if (fd >= 0) {
			close(fd);
			break;
		}
		if (errno != ENOENT)
			return -1;
		const char **grown = talloc_realloc(mem, *list, const char *, *n + 1);
		if (grown == NULL) {
			errno = ENOMEM;
			return -1;
		}
		*list = grown;
		(*list)[(*n)++] = talloc_strdup(mem, prefix);
		/* Up one level; the root itself always opens, which ends the loop. */
		char *slash = strrchr(prefix, '/');
		if (slash == prefix)
			prefix[1] = '\0';
		else
			*slash = '\0';
	}
	/* Found deepest first; the caller wants parents first. */
	for (size_t i = first_missing, j = *n; i + 1 < j; i++, j--) {
		const char *t = (*list)[i];
		(*list)[i] = (*list)[j - 1];
		(*list)[j - 1] = t;
	}
	return 0;
}

odj_status odj_commit_errno_status(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return ODJ_ERROR_DISK_FULL;
	case EIO:
		return ODJ_ERROR_WRITE_FAULT;
	case EACCES:
	case EPERM:
	case EROFS:
		return ODJ_ERROR_ACCESS_DENIED;
	case ENOENT:
		return ODJ_ERROR_FILE_NOT_FOUND;
	case EEXIST:
	case ENOTEMPTY:
		return ODJ_ERROR_ALREADY_EXISTS;
	case ENOMEM:
		return ODJ_ERROR_NOT_ENOUGH_MEMORY;
	case ELOOP:
	case ENOTDIR:
	case EISDIR:
	case ENAMETOOLONG:
	case EINVAL:
		return ODJ_ERROR_INVALID_NAME;
	default:
		return ODJ_ERROR_CAN_NOT_COMPLETE;
	}
}

int odj_commit_open_root(struct odj_ctx *ctx, const char *root)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		odj_fail(ctx, ODJ_E_CONFIG, odj_commit_errno_status(err),
			 "cannot open the target root %s", root);
		odj_error_detail(ctx, "%s: %s", root, strerror(err));
		odj_error_source(ctx, ODJ_SRC_ERRNO, err);
	}
	return fd;
}

odj_result odj_commit_fail_errno(struct commit_site *site, int err, const char *path,
			     const char *what)
{
	const char *root = strcmp(site->root, "/") == 0 ? "" : site->root;
	odj_result r = err == ENOMEM ? ODJ_E_UNEXPECTED : ODJ_E_CONFIG;
	odj_fail(site->ctx, r, odj_commit_errno_status(err), "cannot %s %s%s", what, root, path);
	odj_error_detail(site->ctx, "%s%s: %s", root, path, strerror(err));
	odj_error_source(site->ctx, ODJ_SRC_ERRNO, err);
	return r;
}

odj_result odj_commit_fail_mkdir(struct commit_site *site, int parentfd, const char *leaf,
				 const char *path, int err)
{
	char link[256] = "";
	if (err == EEXIST && parentfd >= 0) {
		ssize_t n = readlinkat(parentfd, leaf, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
	}
	if (link[0] == '\0')
		return odj_commit_fail_errno(site, err, path, "create directory");
	const char *root = strcmp(site->root, "/") ? site->root : "";
	odj_fail(site->ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_NAME,
		 "%s%s is a symbolic link to %s, which leads to no directory inside the root", root,
		 path, link);
	odj_error_advice(site->ctx,
			 "links in the target are resolved as if %s were /, so a link out of the "
			 "image is never followed; make %s a directory of the image",
			 site->root, path);
	return ODJ_E_CONFIG;
}
