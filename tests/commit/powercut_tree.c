/* Trees of the power-cut explorer: read from disk, written to disk, compared. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "powercut.h"

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct pc_node *)a)->path, ((const struct pc_node *)b)->path);
}

void pc_tree_sort(struct pc_tree *t)
{
	qsort(t->n, t->count, sizeof(*t->n), by_path);
}

static bool read_all(TALLOC_CTX *mem, const char *path, size_t size, uint8_t **data)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	*data = talloc_size(mem, size + 1);
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, *data + got, size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return got == size;
}

static bool read_dir(TALLOC_CTX *mem, const char *root, const char *rel, struct pc_tree *t,
		     char **why)
{
	char *full = talloc_asprintf(mem, "%s%s", root, strcmp(rel, "/") ? rel : "");
	struct stat st;
	if (lstat(full, &st) != 0) {
		*why = talloc_asprintf(mem, "%s: %s", full, strerror(errno));
		return false;
	}
	struct pc_node nd = {.path = talloc_strdup(mem, rel), .dir = S_ISDIR(st.st_mode),
			     .mode = st.st_mode & 07777, .uid = st.st_uid, .gid = st.st_gid};
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
		*why = talloc_asprintf(mem, "%s is neither a file nor a directory", full);
		return false;
	}
	if (S_ISREG(st.st_mode)) {
		nd.len = (size_t)st.st_size;
		if (!read_all(mem, full, nd.len, &nd.data)) {
			*why = talloc_asprintf(mem, "cannot read %s", full);
			return false;
		}
	}
	t->n = talloc_realloc(mem, t->n, struct pc_node, t->count + 1);
	t->n[t->count++] = nd;
	if (!S_ISDIR(st.st_mode))
		return true;
	struct dirent **names;
	int n = scandir(full, &names, NULL, alphasort);
	if (n < 0) {
		*why = talloc_asprintf(mem, "cannot list %s", full);
		return false;
	}
	bool ok = true;
	for (int i = 0; i < n; i++) {
		if (ok && strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			char *child = talloc_asprintf(mem, "%s/%s", strcmp(rel, "/") ? rel : "",
						      names[i]->d_name);
			ok = read_dir(mem, root, child, t, why);
		}
		free(names[i]);
	}
	free(names);
	return ok;
}

bool pc_tree_read(TALLOC_CTX *mem, const char *root, struct pc_tree *out, char **why)
{
	*out = (struct pc_tree){0};
	if (!read_dir(mem, root, "/", out, why))
		return false;
	pc_tree_sort(out);
	return true;
}

bool pc_tree_write(const struct pc_tree *t, const char *root, char **why)
{
	/* Parents come before children in path order; modes are set last. */
	for (size_t i = 0; i < t->count; i++) {
		const struct pc_node *nd = &t->n[i];
		char full[8192];
		snprintf(full, sizeof(full), "%s%s", root, strcmp(nd->path, "/") ? nd->path : "");
		if (nd->dir) {
			if (mkdir(full, 0700) != 0)
				goto fail;
			continue;
		}
		int fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			goto fail;
		bool ok = nd->len == 0 || write(fd, nd->data, nd->len) == (ssize_t)nd->len;
		ok = ok && fchown(fd, nd->uid, nd->gid) == 0 && fchmod(fd, nd->mode) == 0;
		close(fd);
		if (!ok)
			goto fail;
		continue;
	fail:
		*why = talloc_asprintf(NULL, "%s: %s", full, strerror(errno));
		return false;
	}
	for (size_t i = t->count; i-- > 0;) {
		const struct pc_node *nd = &t->n[i];
		char full[8192];
		snprintf(full, sizeof(full), "%s%s", root, strcmp(nd->path, "/") ? nd->path : "");
		if (nd->dir && (chown(full, nd->uid, nd->gid) != 0 || chmod(full, nd->mode) != 0)) {
			*why = talloc_asprintf(NULL, "%s: %s", full, strerror(errno));
			return false;
		}
	}
	return true;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

void pc_tree_remove(const char *root)
{
	/* Directories may be 0500: open them up first. */
	nftw(root, remove_one, 32, FTW_DEPTH | FTW_PHYS);
}

static bool node_equal(const struct pc_node *a, const struct pc_node *b)
{
	return strcmp(a->path, b->path) == 0 && a->dir == b->dir && a->mode == b->mode &&
	       a->uid == b->uid && a->gid == b->gid && a->len == b->len &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

bool pc_tree_equal(const struct pc_tree *a, const struct pc_tree *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (!node_equal(&a->n[i], &b->n[i]))
			return false;
	return true;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

uint64_t pc_tree_hash(const struct pc_tree *t)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < t->count; i++) {
		const struct pc_node *nd = &t->n[i];
		uint32_t meta[4] = {nd->dir, nd->mode, nd->uid, nd->gid};
		h = fnv(h, nd->path, strlen(nd->path) + 1);
		h = fnv(h, meta, sizeof(meta));
		h = fnv(h, &nd->len, sizeof(nd->len));
		if (nd->len)
			h = fnv(h, nd->data, nd->len);
	}
	return h;
}

static const char *describe(TALLOC_CTX *mem, const struct pc_node *n)
{
	if (n == NULL)
		return "absent";
	if (n->dir)
		return talloc_asprintf(mem, "directory %o %u:%u", (unsigned)n->mode, (unsigned)n->uid,
				       (unsigned)n->gid);
	return talloc_asprintf(mem, "file %o %u:%u, %zu bytes", (unsigned)n->mode, (unsigned)n->uid,
			       (unsigned)n->gid, n->len);
}

char *pc_tree_diff(TALLOC_CTX *mem, const struct pc_tree *a, const struct pc_tree *b)
{
	size_t i = 0, j = 0;
	char *out = talloc_strdup(mem, "");
	int shown = 0;
	while ((i < a->count || j < b->count) && shown < 4) {
		int c = i == a->count ? 1 : j == b->count ? -1 : strcmp(a->n[i].path, b->n[j].path);
		if (c == 0 && node_equal(&a->n[i], &b->n[j])) {
			i++, j++;
			continue;
		}
		const struct pc_node *x = c <= 0 ? &a->n[i] : NULL, *y = c >= 0 ? &b->n[j] : NULL;
		out = talloc_asprintf_append(out, "\n      %s: %s, expected %s", (x ? x : y)->path,
					     describe(mem, x), describe(mem, y));
		if (x && y && !x->dir && !y->dir && x->len == y->len)
			out = talloc_asprintf_append(out, " (other bytes)");
		i += c <= 0, j += c >= 0;
		shown++;
	}
	return out;
}
