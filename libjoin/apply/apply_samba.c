/*
 * The Samba part of a join: when the root has smbd or winbindd (or
 * --samba), smb.conf's [global], secrets.tdb, sssd's drop-in that keeps
 * Samba's secret in step with adcli's rotations, and the removal of the old
 * identity's Samba caches, all in apply's one commit transaction.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/status.h>
#include <odj/trace.h>

#include "apply_samba.h"
#include "commit_internal.h"

/* secrets.tdb larger than this is not a member's (Samba's own stays far below). */
#define SECRETS_MAX_BYTES (64u << 20)

#define note(in, req, ...)                                                                     \
	odj_apply_push((in)->report_mem, &(req)->out.notes, &(req)->out.n_notes, __VA_ARGS__)

/* "2026-12-02T13:10:08Z" (the join record's time) as Unix time; 0 if absent. */
static int64_t unix_time(const char *iso)
{
	struct tm tm = {0};
	const char *end = iso ? strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	return end != NULL && *end == '\0' ? (int64_t)timegm(&tm) : 0;
}

/* A regular file or a symbolic link at path in the root (links are not followed). */
static bool present(struct apply_root *r, TALLOC_CTX *mem, const char *path)
{
	char *dir, *leaf;
	struct stat st;
	if (!odj_commit_path_split(mem, path, &dir, &leaf))
		return false;
	int dfd = odj_commit_open_dir(r->rootfd, dir, COMMIT_RESOLVE_AUTO);
	bool found = dfd >= 0 && fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		     !S_ISDIR(st.st_mode);
	if (dfd >= 0)
		close(dfd);
	return found;
}

/* The Samba daemon found in the root, or NULL. */
static const char *samba_daemon(struct apply_root *r, TALLOC_CTX *mem)
{
	static const char *const daemons[] = {"/usr/sbin/smbd", "/usr/sbin/winbindd", "/sbin/smbd",
					      "/sbin/winbindd", NULL};
	for (size_t i = 0; daemons[i] != NULL; i++)
		if (present(r, mem, daemons[i]))
			return daemons[i];
	return NULL;
}

static odj_result put_keeping(struct odj_commit *tx, const char *path, const struct apply_file *old,
			      const void *data, size_t len, const struct odj_secret *secret,
			      mode_t mode)
{
	uid_t uid = old->exists ? old->st.st_uid : 0;
	gid_t gid = old->exists ? old->st.st_gid : 0;
	if (old->exists)
		mode = old->st.st_mode & 07777;
	if (secret != NULL)
		return odj_commit_put_secret(tx, path, secret, mode, uid, gid);
	return odj_commit_put(tx, path, data, len, mode, uid, gid);
}

/* The caches of the identity the join replaces (Samba recreates them). */
static odj_result old_identity(TALLOC_CTX *mem, const struct apply_samba_in *in,
			       const struct samba_conf_result *c, struct odj_apply_req *req)
{
	if (in->same_account && !in->rejoined)
		return ODJ_OK;
	const char *files[] = {
		talloc_asprintf(mem, "%s/netlogon_creds_cli.tdb", c->private_dir), /* schannel */
		talloc_asprintf(mem, "%s/winbindd_cache.tdb", c->cache_dir),
		talloc_asprintf(mem, "%s/gencache.tdb", c->cache_dir),
		talloc_asprintf(mem, "%s/winbindd_idmap.tdb", c->state_dir), /* "*" allocations */
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i] == NULL || !present(in->target, mem, files[i]))
			continue;
		odj_result r = odj_commit_remove(in->tx, files[i]);
		if (r != ODJ_OK)
			return r;
		odj_apply_push(in->report_mem, &req->out.removed, &req->out.n_removed, "%s",
			       files[i]);
	}
	return ODJ_OK;
}

/* A rejoin keeps the replaced smb.conf and secrets.tdb beside apply's backup of the keytab. */
static odj_result backup(const struct apply_samba_in *in, TALLOC_CTX *mem, int64_t now,
			 const struct apply_file *smbconf, const struct apply_file *secrets,
			 struct odj_apply_req *req)
{
	if (!in->rejoined)
		return ODJ_OK;
	time_t t = (time_t)now;
	struct tm tm;
	char stamp[32];
	if (gmtime_r(&t, &tm) == NULL || strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return odj_fail(in->target->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"the join time cannot be written as a date");
	odj_result r = ODJ_OK;
	if (smbconf->exists) {
		char *p = talloc_asprintf(mem, ODJ_APPLY_BACKUP_DIR "/%s/smb.conf", stamp);
		r = odj_commit_put(in->tx, p, smbconf->data, smbconf->len, 0600, 0, 0);
		if (r == ODJ_OK)
			note(in, req, "backup: the old smb.conf goes to %s", p);
	}
	if (r == ODJ_OK && secrets->exists) {
		char *p = talloc_asprintf(mem, ODJ_APPLY_BACKUP_DIR "/%s/secrets.tdb", stamp);
		struct odj_secret *copy = odj_secret_dup(mem, secrets->data, secrets->len);
		r = copy ? odj_commit_put_secret(in->tx, p, copy, 0600, 0, 0)
			 : odj_fail(in->target->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				    "out of memory");
		if (r == ODJ_OK)
			note(in, req, "backup: the old secrets.tdb goes to %s", p);
	}
	return r;
}

/*
 * On the running system, Samba daemons that run now keep the old secrets.tdb
 * open (the new one is renamed over it): they must be restarted.
 */
static void running_daemons(const struct apply_samba_in *in, TALLOC_CTX *mem,
			    struct odj_apply_req *req)
{
	struct stat root_st, slash_st;
	if (fstat(in->target->rootfd, &root_st) != 0 || stat("/", &slash_st) != 0 ||
	    root_st.st_dev != slash_st.st_dev || root_st.st_ino != slash_st.st_ino)
		return;
	static const char *const daemons[] = {"smbd", "winbindd", "nmbd"};
	for (size_t i = 0; i < sizeof(daemons) / sizeof(daemons[0]); i++) {
		struct apply_file pidf;
		char *path = talloc_asprintf(mem, "/run/samba/%s.pid", daemons[i]);
		if (path == NULL || odj_apply_read(in->target, mem, path, 64, &pidf) != ODJ_OK) {
			odj_error_clear(in->target->ctx);
			continue;
		}
		char *text = pidf.exists ? talloc_strndup(mem, (const char *)pidf.data, pidf.len) : NULL;
		long pid = text ? strtol(text, NULL, 10) : 0;
		if (pid > 1 && kill((pid_t)pid, 0) == 0)
			odj_apply_push(in->report_mem, &req->out.warnings, &req->out.n_warnings,
				       "samba: %s runs (pid %ld) with the old secrets.tdb open: restart "
				       "smbd and winbindd after the join",
				       daemons[i], pid);
	}
}

static odj_result sssd_dropin(const struct apply_samba_in *in, TALLOC_CTX *mem,
			      struct odj_apply_req *req)
{
	/* sssd's adcli runs then update secrets.tdb too (net changesecretpw). */
	char *text = talloc_asprintf(mem,
				     "# odj-apply: this machine is also a Samba member; sssd's\n"
				     "# machine password renewal updates Samba's secret too.\n"
				     "[domain/%s]\n"
				     "ad_update_samba_machine_account_password = true\n",
				     in->f->domain);
	if (text == NULL)
		return odj_fail(in->target->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	odj_result r = odj_commit_mkdir(in->tx, "/etc/sssd/conf.d", 0711);
	if (r == ODJ_OK)
		r = odj_commit_put(in->tx, ODJ_SAMBA_SSSD_DROPIN, text, strlen(text), 0600, 0, 0);
	if (r == ODJ_OK)
		odj_apply_push(in->report_mem, &req->out.samba_files, &req->out.n_samba_files, "%s",
			       ODJ_SAMBA_SSSD_DROPIN);
	return r;
}

odj_result odj_apply_samba(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_samba_in *in,
			   struct odj_apply_req *req)
{
	if (req->in.samba == ODJ_APPLY_SAMBA_OFF)
		return ODJ_OK;
	const char *daemon = samba_daemon(in->target, mem);
	if (req->in.samba == ODJ_APPLY_SAMBA_AUTO && daemon == NULL)
		return ODJ_OK;
	req->out.samba = true;
	if (daemon != NULL && req->in.samba == ODJ_APPLY_SAMBA_AUTO)
		note(in, req, "samba: %s is installed in the root: smb.conf and secrets.tdb join "
			      "it too (--no-samba leaves Samba alone)",
		     daemon);

	struct apply_file smbconf, sssd;
	odj_result r;
	if ((r = odj_apply_read(in->target, mem, ODJ_SAMBA_CONF, ODJ_CONFIG_MAX_BYTES + 1,
				&smbconf)) != ODJ_OK ||
	    (r = odj_apply_read(in->target, mem, "/etc/sssd/sssd.conf", ODJ_CONFIG_MAX_BYTES + 1,
				&sssd)) != ODJ_OK)
		return r;
	struct samba_conf_result c;
	if ((r = odj_samba_conf(ctx, mem, in->f, &smbconf, &sssd, &c)) != ODJ_OK)
		return r;
	for (size_t i = 0; i < c.n_replaced; i++)
		note(in, req, "smb.conf [global]: %s (contradicted the join: replaced)",
		     c.replaced[i]);
	if (c.registry)
		odj_apply_push(in->report_mem, &req->out.warnings, &req->out.n_warnings,
			       "samba: smb.conf says config backend = registry, so Samba reads its "
			       "[global] settings from the registry, not from the lines written here: "
			       "set them with net conf setparm too");
	if (strcmp(in->keytab, ODJ_APPLY_DEFAULT_KEYTAB) != 0)
		odj_apply_push(in->report_mem, &req->out.warnings, &req->out.n_warnings,
			       "samba: kerberos method = secrets and keytab reads the system keytab "
			       "(%s), not %s: smbd accepts tickets with secrets.tdb's keys alone",
			       ODJ_APPLY_DEFAULT_KEYTAB, in->keytab);
	note(in, req, "smb.conf idmap: %s -> rid %u-%u (sssd's ID-mapping slice of %s: "
		      "nss_winbind and nss_sss give a user the same UNIX id)",
	     in->f->netbios_domain, (unsigned)c.range_low, (unsigned)c.range_high,
	     in->f->domain_sid);

	char *secrets_path = talloc_asprintf(mem, "%s/secrets.tdb", c.private_dir);
	if (secrets_path == NULL || !odj_commit_path_valid(c.private_dir) ||
	    strcmp(c.private_dir, "/") == 0)
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_PARAMETER,
				"smb.conf's private dir '%s' is not a path odj-apply writes to",
				c.private_dir);
	struct apply_file secrets;
	if ((r = odj_apply_read(in->target, mem, secrets_path, SECRETS_MAX_BYTES, &secrets)) != ODJ_OK)
		return r;
	struct samba_secrets_in sin = {.f = in->f,
				       .old = &secrets,
				       .now = req->in.now,
				       .same_account = in->same_account,
				       .old_domain = c.old_workgroup,
				       .joined_at = unix_time(in->joined_at)};
	struct samba_secrets_out sout;
	if ((r = odj_samba_secrets(ctx, mem, &sin, &sout)) != ODJ_OK)
		return r;
	for (size_t i = 0; i < sout.n_keys; i++)
		odj_apply_push(in->report_mem, &req->out.samba_secrets, &req->out.n_samba_secrets,
			       "%s", sout.keys[i]);
	if (sout.rotated)
		odj_apply_push(in->report_mem, &req->out.warnings, &req->out.n_warnings,
			       "samba: secrets.tdb holds a machine password changed after this join "
			       "(Samba or adcli rotated it): kept; this blob's password is out of date");

	if ((r = odj_commit_mkdir(in->tx, "/etc/samba", 0755)) != ODJ_OK ||
	    (r = put_keeping(in->tx, ODJ_SAMBA_CONF, &smbconf, c.text, strlen(c.text), NULL,
			     0644)) != ODJ_OK ||
	    (strcmp(c.private_dir, "/etc/samba") != 0 &&
	     (r = odj_commit_mkdir(in->tx, c.private_dir, 0700)) != ODJ_OK))
		return r;
	if (sout.tdb != NULL &&
	    (r = put_keeping(in->tx, secrets_path, &secrets, NULL, 0, sout.tdb, 0600)) != ODJ_OK)
		return r;
	odj_apply_push(in->report_mem, &req->out.samba_files, &req->out.n_samba_files, "%s",
		       ODJ_SAMBA_CONF);
	odj_apply_push(in->report_mem, &req->out.samba_files, &req->out.n_samba_files, "%s",
		       secrets_path);
	if ((r = sssd_dropin(in, mem, req)) != ODJ_OK ||
	    (r = backup(in, mem, req->in.now, &smbconf, &secrets, req)) != ODJ_OK ||
	    (r = old_identity(mem, in, &c, req)) != ODJ_OK)
		return r;
	running_daemons(in, mem, req);
	odj_trace_status(ctx, "NetpProcessOfflineJoin", 0,
			 "samba member: %s, %s (%zu key(s) set or deleted), idmap rid %u-%u",
			 ODJ_SAMBA_CONF, secrets_path, sout.n_keys, (unsigned)c.range_low,
			 (unsigned)c.range_high);
	return ODJ_OK;
}
