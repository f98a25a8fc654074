/* The commit transaction: collecting the changes (begin, put, remove, mkdir) and recovery. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "commit_tx.h"

static odj_result no_memory(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

static int tx_destructor(struct odj_commit *tx)
{
	if (tx->site.rootfd >= 0)
		close(tx->site.rootfd);
	tx->site.rootfd = -1;
	return 0;
}

static odj_result open_root(struct commit_site *site, struct odj_ctx *ctx, const char *root)
{
	site->ctx = ctx;
	site->root = root;
	site->statefd = -1;
	site->rootfd = -1;
	if (root == NULL || root[0] == '\0')
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER, "no target root given");
	site->rootfd = odj_commit_open_root(ctx, root);
	return site->rootfd < 0 ? ODJ_E_CONFIG : ODJ_OK;
}

struct odj_commit *odj_commit_begin(TALLOC_CTX *mem, struct odj_ctx *ctx, const char *root)
{
	struct odj_commit *tx = talloc_zero(mem, struct odj_commit);
	if (tx == NULL) {
		no_memory(ctx);
		return NULL;
	}
	tx->site.rootfd = -1;
	talloc_set_destructor(tx, tx_destructor);
	char *root_copy = talloc_strdup(tx, root ? root : "");
	if (root_copy == NULL || open_root(&tx->site, ctx, root_copy) != ODJ_OK) {
		if (root_copy == NULL)
			no_memory(ctx);
		talloc_free(tx);
		return NULL;
	}
	odj_commit_faults_init(&tx->faults);
	tx->site.faults = &tx->faults;
	return tx;
}

static bool path_taken(const struct odj_commit *tx, const char *path)
{
	for (size_t i = 0; i < tx->n_items; i++)
		if (strcmp(tx->items[i].path, path) == 0)
			return true;
	for (size_t i = 0; i < tx->n_mkdirs; i++)
		if (strcmp(tx->mkdirs[i].path, path) == 0)
			return true;
	return false;
}

/* The journal and previous versions belong to the transaction itself. */
static bool path_reserved(const char *path)
{
	static const char *const own[] = {ODJ_COMMIT_JOURNAL, ODJ_COMMIT_PREVIOUS};
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		size_t n = strlen(own[i]);
		if (strncmp(path, own[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

static odj_result check_new_path(struct odj_commit *tx, const char *path, bool is_dir)
{
	struct odj_ctx *ctx = tx->site.ctx;
	if (tx->ran)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"the transaction has already run");
	if (!odj_commit_path_valid(path) || strcmp(path, "/") == 0) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_NAME,
			 "not an absolute path inside the root: %s", path ? path : "(null)");
		odj_error_advice(ctx, "use a path such as /etc/krb5.conf, without '.', '..', "
				      "empty components or control characters");
		return ODJ_E_INPUT;
	}
	if (path_reserved(path))
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_NAME,
				"%s belongs to the commit journal", path);
	char *dir, *leaf;
	TALLOC_CTX *tmp = talloc_new(NULL);
	bool ok = odj_commit_path_split(tmp, path, &dir, &leaf);
	size_t leaf_len = ok ? strlen(leaf) : 0;
	talloc_free(tmp);
	if (!ok)
		return no_memory(ctx);
	/* The staged copy is ".<name>.odj-new" and must fit NAME_MAX. */
	if (!is_dir && leaf_len + strlen("..odj-new") > NAME_MAX)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_NAME, "file name too long: %s",
				path);
	if (path_taken(tx, path))
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"%s appears twice in one transaction", path);
	return ODJ_OK;
}

/* A new path of the transaction, with a mode of permission bits only. */
static odj_result check_new_entry(struct odj_commit *tx, const char *path, bool dir, mode_t mode)
{
	odj_result r = check_new_path(tx, path, dir);
	if (r != ODJ_OK)
		return r;
	if (mode & ~(mode_t)07777)
		return odj_fail(tx->site.ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"mode %o of %s has bits beyond the permission bits", (unsigned)mode,
				path);
	return ODJ_OK;
}

static odj_result add_item(struct odj_commit *tx, enum commit_op op, const char *path,
			   const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
			   bool secret)
{
	odj_result r = check_new_entry(tx, path, false, mode);
	if (r != ODJ_OK)
		return r;
	if (uid == (uid_t)-1 || gid == (gid_t)-1)
		return odj_fail(tx->site.ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"no owner given for %s", path);
	struct commit_item *grown =
		talloc_realloc(tx, tx->items, struct commit_item, tx->n_items + 1);
	if (grown == NULL)
		return no_memory(tx->site.ctx);
	tx->items = grown;
	struct commit_item *it = &tx->items[tx->n_items];
	*it = (struct commit_item){.op = op, .mode = mode, .uid = uid, .gid = gid,
				   .secret = secret, .len = len};
	it->path = talloc_strdup(tx->items, path);
	bool ok = it->path && odj_commit_path_split(tx->items, path, &it->dir, &it->leaf);
	if (ok && op == COMMIT_OP_PUT) {
		/* Every in-memory copy is wiped: it may hold keys. */
		it->data = talloc_size(tx->items, len ? len : 1);
		if (it->data != NULL) {
			odj_wipe_on_free(it->data);
			if (len)
				memcpy(it->data, data, len);
		}
		ok = it->data != NULL;
	}
	if (!ok)
		return no_memory(tx->site.ctx);
	tx->n_items++;
	return ODJ_OK;
}

odj_result odj_commit_put(struct odj_commit *tx, const char *path, const void *data, size_t len,
			  mode_t mode, uid_t uid, gid_t gid)
{
	if (tx == NULL)
		return ODJ_E_UNEXPECTED;
	if (data == NULL && len > 0)
		return odj_fail(tx->site.ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"no data for %s", path ? path : "(null)");
	return add_item(tx, COMMIT_OP_PUT, path, data, len, mode, uid, gid, false);
}

odj_result odj_commit_put_secret(struct odj_commit *tx, const char *path,
				 const struct odj_secret *data, mode_t mode, uid_t uid, gid_t gid)
{
	if (tx == NULL)
		return ODJ_E_UNEXPECTED;
	if (data == NULL)
		return odj_fail(tx->site.ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"no data for %s", path ? path : "(null)");
	return add_item(tx, COMMIT_OP_PUT, path, odj_secret_data(data), odj_secret_len(data), mode,
			uid, gid, true);
}

odj_result odj_commit_remove(struct odj_commit *tx, const char *path)
{
	if (tx == NULL)
		return ODJ_E_UNEXPECTED;
	return add_item(tx, COMMIT_OP_DEL, path, NULL, 0, 0, 0, 0, false);
}

odj_result odj_commit_mkdir(struct odj_commit *tx, const char *path, mode_t mode)
{
	if (tx == NULL)
		return ODJ_E_UNEXPECTED;
	odj_result r = check_new_entry(tx, path, true, mode);
	if (r != ODJ_OK)
		return r;
	struct commit_mkdir *grown =
		talloc_realloc(tx, tx->mkdirs, struct commit_mkdir, tx->n_mkdirs + 1);
	if (grown == NULL)
		return no_memory(tx->site.ctx);
	tx->mkdirs = grown;
	tx->mkdirs[tx->n_mkdirs].path = talloc_strdup(tx->mkdirs, path);
	tx->mkdirs[tx->n_mkdirs].mode = mode;
	if (tx->mkdirs[tx->n_mkdirs].path == NULL)
		return no_memory(tx->site.ctx);
	tx->n_mkdirs++;
	return ODJ_OK;
}

odj_result odj_commit_recover_root(struct odj_ctx *ctx, const char *root, enum commit_resolve how,
			       struct commit_faults *faults, bool *found)
{
	struct commit_site site = {.resolve = how, .faults = faults};
	if (found)
		*found = false;
	odj_result r = open_root(&site, ctx, root);
	if (r == ODJ_OK)
		r = odj_commit_site_open(&site, false);
	if (r == ODJ_OK)
		r = odj_commit_recover_site(&site, found);
	odj_commit_site_close(&site);
	if (site.rootfd >= 0)
		close(site.rootfd);
	return r;
}

odj_result odj_commit_recover(struct odj_ctx *ctx, const char *root, bool *found)
{
	struct commit_faults faults;
	odj_commit_faults_init(&faults);
	return odj_commit_recover_root(ctx, root, COMMIT_RESOLVE_AUTO, &faults, found);
}
