/* Reading the target root while planning: every path resolved inside it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <odj/status.h>

#include "apply_internal.h"
#include "commit_internal.h"

static int root_destructor(struct apply_root *r)
{
	if (r->rootfd >= 0)
		close(r->rootfd);
	return 0;
}

odj_result odj_apply_root_open(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *root,
			       struct apply_root **out)
{
	struct apply_root *r = talloc_zero(mem, struct apply_root);
	if (r == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	r->ctx = ctx;
	r->root = talloc_strdup(r, root);
	r->rootfd = odj_commit_open_root(ctx, root);
	talloc_set_destructor(r, root_destructor);
	if (r->rootfd < 0) {
		talloc_free(r);
		return ODJ_E_CONFIG;
	}
	*out = r;
	return ODJ_OK;
}

odj_result odj_apply_read(struct apply_root *r, TALLOC_CTX *mem, const char *path, size_t max,
			  struct apply_file *f)
{
	memset(f, 0, sizeof(*f));
	char *dir, *leaf;
	if (!odj_commit_path_split(mem, path, &dir, &leaf))
		return odj_fail(r->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"bad target path %s", path);
	int dfd = odj_commit_open_dir(r->rootfd, dir, COMMIT_RESOLVE_AUTO);
	int rc = -1, err;
	char link[256] = "";
	if (dfd >= 0) {
		rc = odj_commit_read_file(mem, dfd, leaf, max, &f->data, &f->len, &f->st);
		err = errno;
		if (rc != 0 && err == ELOOP) {
			ssize_t n = readlinkat(dfd, leaf, link, sizeof(link) - 1);
			link[n > 0 ? n : 0] = '\0';
		}
		close(dfd);
	} else {
		err = errno;
	}
	talloc_free(dir);
	talloc_free(leaf);
	if (rc == 0) {
		f->exists = true;
		return ODJ_OK;
	}
	if (err == ENOENT)
		return ODJ_OK;
	if (err == ELOOP) {
		odj_fail(r->ctx, ODJ_E_CONFIG, odj_commit_errno_status(err),
			 "%s in %s is a symbolic link%s%s: odj never follows one in the target", path,
			 r->root, link[0] ? " to " : "", link);
		odj_error_advice(r->ctx, "a link in an image can lead out of it; replace %s in %s "
					 "by the file itself",
				 path, r->root);
		return ODJ_E_CONFIG;
	}
	odj_fail(r->ctx, ODJ_E_CONFIG, odj_commit_errno_status(err), "cannot read %s in %s", path,
		 r->root);
	odj_error_detail(r->ctx, "%s: %s", path,
			 err == EINVAL	? "not a regular file (a device, FIFO or directory)"
			 : err == EFBIG ? "larger than odj reads for it"
					: strerror(err));
	return ODJ_E_CONFIG;
}

bool odj_apply_is_dir(struct apply_root *r, const char *path)
{
	int fd = odj_commit_open_dir(r->rootfd, path, COMMIT_RESOLVE_AUTO);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **odj_apply_list(struct apply_root *r, TALLOC_CTX *mem, const char *dir, const char *prefix,
		      size_t *n)
{
	*n = 0;
	char **list = talloc_zero_array(mem, char *, 1);
	int fd = odj_commit_open_dir(r->rootfd, dir, COMMIT_RESOLVE_AUTO);
	if (fd < 0 || list == NULL) {
		if (fd >= 0)
			close(fd);
		return list;
	}
	DIR *d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return list;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		char **grown = talloc_realloc(mem, list, char *, *n + 2);
		if (grown == NULL)
			break;
		list = grown;
		list[*n] = talloc_asprintf(list, "%s/%s", dir, de->d_name);
		list[++*n] = NULL;
	}
	closedir(d);
	qsort(list, *n, sizeof(char *), cmp_str);
	return list;
}

void odj_apply_push(TALLOC_CTX *mem, char ***list, size_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = talloc_vasprintf(mem, fmt, ap);
	va_end(ap);
	char **grown = s ? talloc_realloc(mem, *list, char *, *n + 1) : NULL;
	if (grown == NULL)
		return;
	*list = grown;
	talloc_steal(grown, s);
	grown[(*n)++] = s;
}

/* "Status: install ok installed" in the stanza of package in the dpkg status file. */
static bool dpkg_installed(const struct apply_file *status, const char *package)
{
	if (!status->exists)
		return false;
	const char *p = (const char *)status->data, *end = p + status->len;
	char want[128];
	snprintf(want, sizeof(want), "Package: %s\n", package);
	size_t wl = strlen(want);
	while (p < end) {
		const char *stanza_end = NULL;
		for (const char *q = p; q + 1 < end; q++)
			if (q[0] == '\n' && q[1] == '\n') {
				stanza_end = q + 1;
				break;
			}
		if (stanza_end == NULL)
			stanza_end = end;
		if ((size_t)(stanza_end - p) >= wl && memcmp(p, want, wl) == 0) {
			const char *s = memmem(p, (size_t)(stanza_end - p), "\nStatus: ", 9);
			if (s != NULL) {
				const char *eol = memchr(s + 1, '\n', (size_t)(stanza_end - s - 1));
				size_t l = eol ? (size_t)(eol - s) : (size_t)(stanza_end - s);
				if (memmem(s, l, " installed", 10) != NULL &&
				    memmem(s, l, "not-installed", 13) == NULL)
					return true;
			}
		}
		p = stanza_end + 1;
	}
	return false;
}

/* Whether any of paths exists in the root (a symlink counts: it is not followed). */
static bool any_file(struct apply_root *r, TALLOC_CTX *mem, const char *const *paths)
{
	for (size_t i = 0; paths[i] != NULL; i++) {
		char *dir, *leaf;
		struct stat st;
		if (!odj_commit_path_split(mem, paths[i], &dir, &leaf))
			continue;
		int dfd = odj_commit_open_dir(r->rootfd, dir, COMMIT_RESOLVE_AUTO);
		bool found = dfd >= 0 && fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0;
		if (dfd >= 0)
			close(dfd);
		if (found)
			return true;
	}
	return false;
}

#define LIBDIRS(x)                                                                             \
	"/usr/lib/x86_64-linux-gnu/" x, "/lib/x86_64-linux-gnu/" x,                            \
		"/usr/lib/aarch64-linux-gnu/" x, "/lib/aarch64-linux-gnu/" x, "/usr/lib64/" x,   \
		"/lib64/" x, "/usr/lib/" x, "/lib/" x

void odj_apply_check_packages(struct apply_root *r, TALLOC_CTX *mem, struct odj_apply_req *req)
{
	static const char *const adcli[] = {"/usr/sbin/adcli", "/usr/bin/adcli", NULL};
	static const char *const sssd_ad[] = {LIBDIRS("sssd/libsss_ad.so"), NULL};
	static const char *const nss_sss[] = {LIBDIRS("libnss_sss.so.2"), NULL};
	static const struct {
		const char *package;
		const char *const *files;
		const char *why;
	} checks[] = {
		{"sssd-ad", sssd_ad, "sssd's AD provider: the domain's users cannot be resolved"},
		{"libnss-sss", nss_sss, "the NSS module: the system will not see the domain's users"},
		{"adcli", adcli,
		 "sssd then never rotates the machine password (it runs adcli update)"},
	};
	TALLOC_CTX *tmp = talloc_new(mem);
	struct apply_file status;
	if (odj_apply_read(r, tmp, "/var/lib/dpkg/status", 256u << 20, &status) != ODJ_OK)
		status.exists = false;
	odj_error_clear(r->ctx);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (dpkg_installed(&status, checks[i].package) || any_file(r, tmp, checks[i].files))
			continue;
		odj_apply_push(mem, &req->out.warnings, &req->out.n_warnings,
			       "%s is not installed in the root: %s", checks[i].package,
			       checks[i].why);
	}
	odj_error_clear(r->ctx);
	talloc_free(tmp);
}
