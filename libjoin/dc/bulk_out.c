/*
 * Outputs of a bulk run: one NAME.odj per machine in the out-dir, and the
 * bundle, each written as soon as a machine is proven.  With skip_existing
 * they also say which machines an earlier run already provisioned: those
 * accounts are not touched again (a reset would make their blobs stale).
 * That includes the blobs in the partial file of an earlier run that never
 * finished its bundle: they are carried into the new bundle, and the partial
 * file is removed only once the new bundle is in place.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/bundle_seal.h>
#include <odj/fileio.h>

#include "bulk_internal.h"
#include "provision.h"

/* NAME.odj, NAME being the NetBIOS name the blob is for (upper case). */
static char *blob_name(TALLOC_CTX *mem, const char *machine)
{
	size_t label = strcspn(machine, ".");
	char *s = talloc_asprintf(mem, "%.*s.odj", (int)label, machine);
	for (size_t i = 0; s && i < label; i++)
		s[i] = (char)toupper((unsigned char)s[i]);
	return s;
}

static odj_result prepare_dir(struct bulk_run *run)
{
	const char *dir = run->req->in.out_dir;
	struct stat st;
	odj_doing(run->ctx, "checking the out-dir %s", dir);
	if (stat(dir, &st) != 0) {
		odj_doing(run->ctx, "creating the out-dir %s", dir);
		if (errno != ENOENT || mkdir(dir, 0700) != 0)
			return odj_fail(run->ctx, ODJ_E_CONFIG, ODJ_ERROR_FILE_NOT_FOUND,
					"cannot create the out-dir %s: %s", dir, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		return odj_fail(run->ctx, ODJ_E_CONFIG, ODJ_ERROR_FILE_NOT_FOUND,
				"the out-dir %s is not a directory", dir);
	}
	if (!run->req->in.skip_existing)
		return ODJ_OK;
	for (size_t i = 0; i < run->req->in.n_names; i++) {
		char *path = talloc_asprintf(run, "%s/%s", dir, blob_name(run, run->req->in.names[i]));
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			run->skip[i] = true;
		talloc_free(path);
	}
	return ODJ_OK;
}

/*
 * Machine names (NetBIOS label, any case) of the run and of what is carried
 * over, in one open-addressing table: a carried machine is looked up once,
 * not against every name (bundles hold up to ODJ_BUNDLE_MAX_MACHINES).
 */
struct name_slot {
	char *key;     /* the first label, as written; NULL: empty */
	ssize_t index; /* into the run's names, -1 if not one of them */
	bool carried;  /* already in the new bundle */
};

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)toupper((unsigned char)s[i])) * 1099511628211u;
	return h;
}

/* The slot of the first label of name: its own, or the empty one it would take. */
static struct name_slot *name_slot(struct name_slot *t, size_t cap, const char *name)
{
	size_t n = strcspn(name, ".");
	for (size_t i = name_hash(name, n) & (cap - 1);; i = (i + 1) & (cap - 1))
		if (t[i].key == NULL || (strlen(t[i].key) == n && strncasecmp(t[i].key, name, n) == 0))
			return &t[i];
}

/* Earlier bundle files carried into this run's bundle. */
struct bulk_carry {
	struct name_slot *names; /* the run's names and every carried machine */
	size_t cap, used;
	char **partials; /* unfinished bundles read, removed after finishing */
	int *fds;        /* their flock()s, held for the run */
	size_t n_partials;
};

static int carry_destructor(struct bulk_carry *c)
{
	for (size_t i = 0; i < c->n_partials; i++)
		close(c->fds[i]);
	return 0;
}

/* Carries a machine of an earlier bundle into the new one, and skips it. */
static odj_result copy_machine(void *priv, const struct odj_bundle_machine *m, const uint8_t *blob,
			       size_t len)
{
	struct bulk_run *run = priv;
	struct bulk_carry *c = run->carry;
	if (2 * (c->used + 1) > c->cap) { /* keep the table at most half full */
		struct name_slot *old = c->names;
		size_t old_cap = c->cap;
		c->cap = c->cap ? 2 * c->cap : 64;
		c->names = talloc_zero_array(c, struct name_slot, c->cap);
		if (c->names == NULL)
			return odj_fail(run->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					"out of memory");
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].key != NULL)
				*name_slot(c->names, c->cap, old[i].key) = old[i];
		talloc_free(old);
	}
	struct name_slot *e = name_slot(c->names, c->cap, m->machine);
	if (e->key != NULL && e->carried)
		return ODJ_OK; /* in the finished bundle and a partial one */
	if (e->key == NULL) {
		*e = (struct name_slot){talloc_strndup(c, m->machine, strcspn(m->machine, ".")), -1,
					false};
		c->used++;
	}
	e->carried = true;
	if (e->index >= 0)
		run->skip[e->index] = true;
	return odj_bundle_add(run->bundle, m, blob, len);
}

/* PATH.partial-XXXXXX files next to the bundle: what earlier runs left unfinished. */
static char **find_partials(TALLOC_CTX *mem, const char *path, size_t *n)
{
	*n = 0;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? talloc_strndup(mem, path, slash == path ? 1 : (size_t)(slash - path))
			  : talloc_strdup(mem, ".");
	char *prefix = talloc_asprintf(mem, "%s" ODJ_BUNDLE_PARTIAL, slash ? slash + 1 : path);
	size_t plen = strlen(prefix);
	char **out = NULL;
	DIR *d = opendir(dir);
	for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
		if (strncmp(e->d_name, prefix, plen) != 0 || strlen(e->d_name) != plen + 6)
			continue;
		out = talloc_realloc(mem, out, char *, *n + 1);
		out[(*n)++] = talloc_asprintf(out, "%s/%s", dir, e->d_name);
	}
	if (d != NULL)
		closedir(d);
	return out;
}

/* Takes the partial files over: locked (not a live run's), read, carried. */
static odj_result carry_partials(struct bulk_run *run, const char *path)
{
	struct bulk_carry *c = run->carry;
	size_t n = 0;
	char **found = find_partials(c, path, &n);
	const char *own = odj_bundle_partial_path(run->bundle);
	const char *own_base = own && strrchr(own, '/') ? strrchr(own, '/') + 1 : own;
	for (size_t i = 0; i < n; i++) {
		if (own_base != NULL && strcmp(strrchr(found[i], '/') + 1, own_base) == 0)
			continue; /* this run's own file */
		int fd = open(found[i], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue; /* gone meanwhile: its run finished it */
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close(fd);
			return odj_fail(run->ctx, ODJ_E_INPUT, ODJ_ERROR_SHARING_VIOLATION,
					"another odj-prepare is writing the bundle %s (%s is locked)",
					path, found[i]);
		}
		c->partials = talloc_realloc(c, c->partials, char *, c->n_partials + 1);
		c->fds = talloc_realloc(c, c->fds, int, c->n_partials + 1);
		c->partials[c->n_partials] = talloc_strdup(c->partials, found[i]);
		c->fds[c->n_partials++] = fd;
		if (!run->req->in.skip_existing) {
			odj_fail(run->ctx, ODJ_E_INPUT, ODJ_ERROR_FILE_EXISTS,
				 "an earlier run did not finish the bundle %s: %s holds the blobs of "
				 "the accounts it made",
				 path, found[i]);
			odj_error_advice(run->ctx, "Rerun with --skip-existing: those blobs go into the "
						   "bundle and their accounts are not touched again.");
			return ODJ_E_INPUT;
		}
		struct odj_secret *bytes = NULL;
		size_t got = 0;
		odj_result r = odj_bundle_read_file(run->ctx, c, found[i], &bytes);
		if (r == ODJ_OK)
			r = odj_bundle_salvage(run->ctx, c, odj_secret_data(bytes), odj_secret_len(bytes),
					       copy_machine, run, &got);
		talloc_free(bytes);
		if (r != ODJ_OK) {
			odj_error_advice(run->ctx, "Move %s aside to start without it; it may hold blobs "
						   "of accounts that exist.",
					 found[i]);
			return r;
		}
		run->req->out.salvaged += got;
	}
	return ODJ_OK;
}

static odj_result prepare_bundle(struct bulk_run *run)
{
	const char *path = run->req->in.bundle;
	odj_doing(run->ctx, "preparing the bundle %s", path);
	struct odj_bundle_info info = {run->s->facts->dns_domain, run->s->dc.host};
	struct stat st;
	bool exists = lstat(path, &st) == 0;
	if (exists && !run->req->in.skip_existing) {
		odj_fail(run->ctx, ODJ_E_INPUT, ODJ_ERROR_FILE_EXISTS,
			 "the bundle %s exists; odj does not overwrite the blobs it holds", path);
		odj_error_advice(run->ctx, "Add --skip-existing to complete it, or choose another file.");
		return ODJ_E_INPUT;
	}
	struct bulk_carry *c = run->carry = talloc_zero(run, struct bulk_carry);
	talloc_set_destructor(c, carry_destructor);
	/* the run's names first: a carried machine finds its index in one lookup */
	for (c->cap = 64; c->cap < 2 * (run->req->in.n_names + 1);)
		c->cap *= 2;
	c->names = talloc_zero_array(c, struct name_slot, c->cap);
	if (c->names == NULL)
		return odj_fail(run->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	for (size_t i = 0; i < run->req->in.n_names; i++) {
		const char *name = run->req->in.names[i];
		struct name_slot *e = name_slot(c->names, c->cap, name);
		if (e->key == NULL) { /* names are unique (odj_bulk_names_unique) */
			*e = (struct name_slot){talloc_strndup(c, name, strcspn(name, ".")),
						(ssize_t)i, false};
			c->used++;
		}
	}
	struct odj_secret *old = NULL;
	odj_result r = ODJ_OK;
	if (exists)
		r = odj_bundle_read_file(run->ctx, run, path, &old);
	if (r == ODJ_OK && old != NULL && run->req->in.bundle_passphrase != NULL)
		r = odj_bundle_open_bytes(run->ctx, run, old, run->req->in.bundle_passphrase, false, &old);
	if (r == ODJ_OK)
		r = odj_bundle_create(run->ctx, run, path, &info, &run->bundle);
	if (r == ODJ_OK && run->req->in.bundle_passphrase != NULL)
		r = odj_bundle_seal_with(run->bundle, run->req->in.bundle_passphrase);
	if (r == ODJ_OK && old != NULL)
		r = odj_bundle_foreach(run->ctx, run, odj_secret_data(old), odj_secret_len(old),
				       copy_machine, run);
	talloc_free(old);
	if (r == ODJ_OK)
		r = carry_partials(run, path);
	if (r != ODJ_OK && run->bundle != NULL) {
		/* no account was made yet: what it holds are copies of blobs kept elsewhere */
		odj_bundle_discard(run->bundle);
		run->bundle = NULL;
	}
	return r;
}

odj_result bulk_out_prepare(struct bulk_run *run)
{
	odj_result r = ODJ_OK;
	if (run->req->in.out_dir != NULL)
		r = prepare_dir(run);
	if (r == ODJ_OK && run->req->in.bundle != NULL)
		r = prepare_bundle(run);
	return r;
}

odj_result bulk_out_write(struct bulk_run *run, struct bulk_account *a)
{
	const struct odj_bulk_req *req = run->req;
	struct odj_dc_session *s = run->conns[a->conn].s; /* the DC that created it */
	struct odj_linux_part lp = odj_provision_make_linux_part(
		s, a->rb.kvno, a->rb.enctypes ? a->rb.enctypes : a->jr.out.enctypes,
		a->jr.out.sam_account_name, a->jr.out.dns_host_name, (char **)a->spns, NULL, a->salt,
		a->rb.pwd_last_set);
	struct odj_provision_blob_in in = {
		.linux_part = &lp,
		.netbios_name = a->jr.out.netbios_name,
		.password_utf16 = a->pw_utf16,
		.rid = a->rb.rid,
		.machine_sid = a->rb.sid_str,
		.windows = req->in.windows,
	};
	struct odj_secret *file = NULL;
	odj_result r = odj_provision_blob(a->ctx, a->mem, s, &in, &file, NULL);
	if (r == ODJ_OK && req->in.signing_key != NULL) {
		struct odj_envelope_make e = ODJ_ENVELOPE_MAKE_INIT;
		e.in.blob_file = file;
		e.in.key = req->in.signing_key;
		e.in.request = req->in.requests ? req->in.requests[a->index] : NULL;
		e.in.machine = a->jr.out.netbios_name;
		r = odj_envelope_make(a->ctx, a->mem, &e);
		talloc_free(file);
		file = e.out.file;
	}
	char *path = NULL;
	if (r == ODJ_OK && req->in.out_dir != NULL) {
		path = talloc_asprintf(a->mem, "%s/%s", req->in.out_dir,
				       blob_name(a->mem, a->jr.out.netbios_name));
		odj_doing(a->ctx, "writing the provisioning blob to %s", path);
		r = odj_write_file_atomic(a->ctx, path, odj_secret_data(file), odj_secret_len(file));
	}
	struct odj_bundle_machine m = {
		.machine = a->jr.out.netbios_name,
		.dns_host_name = a->jr.out.dns_host_name,
		.sid = a->rb.sid_str,
		.kvno = a->rb.kvno,
	};
	if (r == ODJ_OK && run->bundle != NULL) {
		r = odj_bundle_add(run->bundle, &m, odj_secret_data(file), odj_secret_len(file));
		if (r != ODJ_OK) {
			run->halted = true; /* the bundle takes no more: new accounts would be lost */
			/* the bundle's failure is the run's (its context) and this machine's */
			const struct odj_error *e = odj_error_get(run->ctx);
			odj_fail(a->ctx, e->result, e->status, "%s", e->message ? e->message : "");
			if (e->detail)
				odj_error_detail(a->ctx, "%s", e->detail);
		}
	}
	talloc_free(file);
	if (r != ODJ_OK)
		return r;
	struct odj_bulk_item it = {
		.machine = req->in.names[a->index],
		.ok = true,
		.dns_host_name = m.dns_host_name,
		.dn = a->dn,
		.sid = m.sid,
		.kvno = m.kvno,
		.file = path,
	};
	if (req->in.item)
		req->in.item(req->in.priv, &it);
	return ODJ_OK;
}

odj_result bulk_out_finish(struct bulk_run *run)
{
	if (run->bundle == NULL)
		return ODJ_OK;
	odj_result r = odj_bundle_finish(run->bundle);
	if (r != ODJ_OK) {
		/* the writer keeps its file once it holds a blob: say where */
		const char *partial = odj_bundle_partial_path(run->bundle);
		if (partial != NULL && odj_bundle_count(run->bundle) > 0) {
			run->req->out.partial_bundle = talloc_strdup(run->mem, partial);
			odj_error_advice(run->ctx, "The blobs of the accounts this run made are in %s; "
						   "rerun with --skip-existing to carry them into the "
						   "bundle.",
					 partial);
		}
		return r;
	}
	/* every carried blob is in the finished bundle now */
	for (size_t i = 0; run->carry != NULL && i < run->carry->n_partials; i++)
		unlink(run->carry->partials[i]);
	return ODJ_OK;
}
