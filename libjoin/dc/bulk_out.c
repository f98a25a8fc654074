/*
 * Outputs of a bulk run: one NAME.odj per machine in the out-dir, and the
 * bundle, each written as soon as a machine is proven.  With skip_existing
 * they also say which machines an earlier run already provisioned: those
 * accounts are not touched again (a reset would make their blobs stale).
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (stat(dir, &st) != 0) {
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

/* Carries a machine of the earlier bundle into the new one, and skips it. */
static odj_result copy_machine(void *priv, const struct odj_bundle_machine *m, const uint8_t *blob,
			       size_t len)
{
	struct bulk_run *run = priv;
	for (size_t i = 0; i < run->req->in.n_names; i++) {
		const char *n = run->req->in.names[i];
		size_t label = strcspn(n, ".");
		if (strlen(m->machine) == label && strncasecmp(n, m->machine, label) == 0)
			run->skip[i] = true;
	}
	return odj_bundle_add(run->bundle, m, blob, len);
}

static odj_result prepare_bundle(struct bulk_run *run)
{
	const char *path = run->req->in.bundle;
	struct odj_bundle_info info = {run->s->facts->dns_domain, run->s->dc.host};
	struct stat st;
	bool exists = lstat(path, &st) == 0;
	if (exists && !run->req->in.skip_existing) {
		odj_fail(run->ctx, ODJ_E_INPUT, ODJ_ERROR_FILE_EXISTS,
			 "the bundle %s exists; odj does not overwrite the blobs it holds", path);
		odj_error_advice(run->ctx, "Add --skip-existing to complete it, or choose another file.");
		return ODJ_E_INPUT;
	}
	struct odj_secret *old = NULL;
	odj_result r = ODJ_OK;
	if (exists)
		r = odj_bundle_read_file(run->ctx, run, path, &old);
	if (r == ODJ_OK)
		r = odj_bundle_create(run->ctx, run, path, &info, &run->bundle);
	if (r == ODJ_OK && old != NULL)
		r = odj_bundle_foreach(run->ctx, run, odj_secret_data(old), odj_secret_len(old),
				       copy_machine, run);
	talloc_free(old);
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
	struct odj_linux_part lp = odj_provision_make_linux_part(
		run->s, a->rb.kvno, a->rb.enctypes ? a->rb.enctypes : a->jr.out.enctypes,
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
	odj_result r = odj_provision_blob(run->ctx, a->mem, run->s, &in, &file, NULL);
	char *path = NULL;
	if (r == ODJ_OK && req->in.out_dir != NULL) {
		path = talloc_asprintf(a->mem, "%s/%s", req->in.out_dir,
				       blob_name(a->mem, a->jr.out.netbios_name));
		odj_doing(run->ctx, "writing the provisioning blob to %s", path);
		r = odj_write_file_atomic(run->ctx, path, odj_secret_data(file), odj_secret_len(file));
	}
	struct odj_bundle_machine m = {
		.machine = a->jr.out.netbios_name,
		.dns_host_name = a->jr.out.dns_host_name,
		.sid = a->rb.sid_str,
		.kvno = a->rb.kvno,
	};
	if (r == ODJ_OK && run->bundle != NULL)
		r = odj_bundle_add(run->bundle, &m, odj_secret_data(file), odj_secret_len(file));
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
	return odj_bundle_finish(run->bundle);
}
