/*
 * odj_apply: the blob's join committed onto a target root in one
 * transaction ([MS-WKST] 3.2.4.13.3 steps 8 and 35-37 on the target side).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <odj/bundle.h>
#include <odj/bundle_seal.h>
#include <odj/join.h>
#include <odj/seal.h>
#include <odj/status.h>
#include <odj/trace.h>

#include "apply_internal.h"
#include "apply_keytab.h"
#include "apply_samba.h"
#include "commit_internal.h"
#include "target_config.h"

#define FN "NetpProcessOfflineJoin"

struct apply_run {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem; /* req->out lives here */
	TALLOC_CTX *tmp; /* everything else; the blob and the keys are wiped with it */
	struct odj_apply_req *req;
	const char *root;
	const char *keytab;
	struct apply_facts f;
	struct apply_root *target;
	struct apply_record record;
	struct apply_file keytab_file;
	struct odj_keytab *old_keytab;
	bool same_account;      /* the target holds this very join already */
	char **others;          /* other joins found ("X$@REALM", or a description) */
	size_t n_others;
	char **principals;
	size_t n_principals;
	char *backup_dir;       /* a rejoin's copies of what it replaces; NULL otherwise */
	struct odj_commit *tx;
	double ms_keys;         /* where the time goes (the trace's last line) */
	struct apply_envelope envelope;
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* A line the output must show (fallbacks taken, the host name, backups). */
#define note(a, ...) odj_apply_push((a)->mem, &(a)->req->out.notes, &(a)->req->out.n_notes, __VA_ARGS__)

/*
 * A part the blob marks essential (OPSPI_PACKAGE_PART_ESSENTIAL) is one the
 * join needs: Microsoft documents that the whole operation fails when no
 * provider handles it.  If odj cannot read its type, the join it would
 * commit may be incomplete.
 */
static odj_result check_essential(struct apply_run *a, const struct odj_provision *prov)
{
	for (uint32_t b = 0; b < prov->count; b++) {
		const struct odj_package *pkg = prov->blobs[b].package;
		const struct odj_part_collection *c = pkg ? pkg->collection : NULL;
		for (uint32_t i = 0; c != NULL && i < c->count; i++) {
			const struct odj_part *part = &c->parts[i];
			if (part->kind != ODJ_PART_UNKNOWN || !(part->flags & ODJ_PART_FLAG_ESSENTIAL))
				continue;
			char *g = odj_guid_string(a->tmp, &part->type);
			if (a->req->in.ignore_unknown_essential) {
				odj_apply_push(a->mem, &a->req->out.warnings, &a->req->out.n_warnings,
					       "part %u {%s} is marked essential but its type is "
					       "unknown: ignored (--ignore-unknown-essential); the "
					       "join may lack what it carries",
					       i, g ? g : "?");
				continue;
			}
			odj_fail(a->ctx, ODJ_E_INPUT, ODJ_ERROR_NOT_SUPPORTED,
				 "the blob %s has a part {%s} (part %u) marked essential whose type "
				 "odj does not know",
				 a->req->in.blob_path, g ? g : "?", i);
			odj_error_detail(a->ctx, "an essential part is one the join needs; without "
						 "it the join may be incomplete");
			odj_error_advice(a->ctx, "ask whoever provisioned the blob what part {%s} "
						 "is; give --ignore-unknown-essential to apply "
						 "the join without it",
					 g ? g : "?");
			return ODJ_E_INPUT;
		}
	}
	return ODJ_OK;
}

static odj_result load_blob(struct apply_run *a)
{
	struct odj_secret *file;
	struct odj_provision *prov;
	odj_doing(a->ctx, "reading the provisioning blob %s", a->req->in.blob_path);
	odj_result r = odj_blob_read_file(a->ctx, a->tmp, a->req->in.blob_path, &file);
	if (r == ODJ_OK && a->req->in.bundle_name != NULL) {
		struct odj_secret *bundle = file;
		odj_doing(a->ctx, "opening the bundle %s", a->req->in.blob_path);
		r = odj_bundle_open_bytes(a->ctx, a->tmp, file, a->req->in.bundle_passphrase, false,
					  &bundle);
		odj_doing(a->ctx, "taking the blob of %s from the bundle %s", a->req->in.bundle_name,
			  a->req->in.blob_path);
		if (r == ODJ_OK)
			r = odj_bundle_extract(a->ctx, a->tmp, odj_secret_data(bundle), odj_secret_len(bundle),
				       a->req->in.bundle_name, &file);
	}
	if (r == ODJ_OK)
		r = odj_apply_open_envelope(a->ctx, a->tmp, a->mem, a->req, a->root, a->req->in.blob_path, &file,
					    &a->envelope);
	if (r == ODJ_OK) {
		const char *name = a->req->in.bundle_name == NULL
					   ? a->req->in.blob_path
					   : talloc_asprintf(a->tmp, "%s (the blob of %s in the bundle)",
							     a->req->in.blob_path,
							     a->req->in.bundle_name);
		odj_doing(a->ctx, "decoding the provisioning blob");
		r = odj_blob_load_named(a->ctx, a->tmp, name, odj_secret_data(file),
					odj_secret_len(file), &prov);
	}
	if (r == ODJ_OK) {
		odj_doing(a->ctx, "checking the parts of the provisioning blob");
		r = check_essential(a, prov);
	}
	if (r == ODJ_OK) {
		odj_doing(a->ctx, "checking the provisioning blob's join data");
		r = odj_apply_facts(a->ctx, a->mem, prov, &a->f);
	}
	if (r == ODJ_OK)
		r = odj_apply_envelope_machine(a->ctx, &a->envelope, a->f.machine);
	const struct odj_error *e = odj_error_get(a->ctx);
	odj_trace_status(a->ctx, FN, r == ODJ_OK ? 0 : e->status, "loading the blob %s",
			 a->req->in.blob_path);
	return r;
}

/* What the output reports about the join; the fallbacks for a blob without odj's part. */
static void describe_join(struct apply_run *a)
{
	struct odj_apply_req *req = a->req;
	const struct apply_facts *f = &a->f;
	req->out.domain = f->domain;
	req->out.realm = f->realm;
	req->out.netbios_domain = f->netbios_domain;
	req->out.machine = f->machine;
	req->out.sam_account_name = f->sam;
	req->out.dns_host_name = f->fqdn;
	req->out.domain_sid = f->domain_sid;
	req->out.machine_sid = f->machine_sid;
	req->out.source = f->have_odj_part ? "odj" : "windows-or-samba";
	req->out.enctypes = f->have_enctypes ? (f->enctypes & ODJ_ENCTYPES_ALLOWED) : 0;
	if (req->out.enctypes == 0) {
		req->out.enctypes = ODJ_ENCTYPES_DEFAULT;
		note(a, "enctypes: the blob carries none (djoin or net offlinejoin): AES256 and "
			"AES128 written");
	}
	if (req->in.kvno != 0) {
		req->out.kvnos[0] = req->in.kvno;
		req->out.n_kvnos = 1;
	} else if (f->have_kvno) {
		req->out.kvnos[0] = f->kvno;
		req->out.n_kvnos = 1;
	} else {
		req->out.kvnos[0] = 1;
		req->out.kvnos[1] = 2;
		req->out.n_kvnos = 2;
		req->out.kvno_guessed = true;
		note(a, "kvno: the blob carries none (djoin or net offlinejoin): the same keys are "
			"written at kvno 1 and 2; give --kvno N for the account's "
			"msDS-KeyVersionNumber");
	}
	/* The flag alone says little (Samba's net offlinejoin sets it on every blob,
	 * with a random password); the password itself tells whether it is the
	 * guessable default. */
	bool flagged = (f->options & ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD) != 0;
	req->out.defpwd = flagged && f->password_is_name;
	if (req->out.defpwd)
		odj_apply_push(a->mem, &req->out.warnings, &req->out.n_warnings,
			       "the blob uses the default machine password (djoin /defpwd): it is "
			       "the machine name, anyone can guess it; rotate it at once (adcli "
			       "update --computer-password-lifetime=0 as soon as a DC is reachable)");
	else if (flagged)
		note(a, "the blob is flagged USE_DEFAULT_PASSWORD (Options 0x%x, as Samba's net "
			"offlinejoin flags every blob) but its password is not the machine name: "
			"nothing to rotate",
		     f->options);
	odj_trace_status(a->ctx, FN, 0, "machine %s, account %s, domain %s (%s), kvno %u%s",
			 f->machine, f->sam, f->domain, f->netbios_domain, req->out.kvnos[0],
			 req->out.kvno_guessed ? " and 2" : "");
}

static void add_other(struct apply_run *a, const char *what)
{
	for (size_t i = 0; i < a->n_others; i++)
		if (strcmp(a->others[i], what) == 0)
			return;
	odj_apply_push(a->tmp, &a->others, &a->n_others, "%s", what);
}

/* Step 8: is the target joined already, and to what? */
static odj_result check_joined(struct apply_run *a)
{
	struct apply_file rf;
	odj_doing(a->ctx, "reading the join record and the keytab in %s", a->root);
	odj_result r = odj_apply_read(a->target, a->tmp, ODJ_APPLY_JOIN_RECORD, 1u << 20, &rf);
	if (r != ODJ_OK)
		return r;
	odj_apply_record_read(a->tmp, &rf, &a->record);
	r = odj_apply_read(a->target, a->tmp, a->keytab, ODJ_KEYTAB_MAX_BYTES, &a->keytab_file);
	if (r != ODJ_OK)
		return r;
	if (a->keytab_file.exists) {
		odj_doing(a->ctx, "reading the keytab %s in %s", a->keytab, a->root);
		r = odj_keytab_parse(a->ctx, a->tmp, a->keytab_file.data, a->keytab_file.len,
				     &a->old_keytab);
		if (r != ODJ_OK) {
			odj_error_advice(a->ctx, "move the damaged keytab %s aside and apply again",
					 a->keytab);
			return r;
		}
	}
	odj_doing(a->ctx, "checking whether %s is joined already", a->root);
	char *mine = talloc_asprintf(a->tmp, "%s@%s", a->f.sam, a->f.realm);
	if (a->record.damaged) {
		add_other(a, "an unreadable join record " ODJ_APPLY_JOIN_RECORD);
	} else if (a->record.exists) {
		if (strcasecmp(a->record.sam, a->f.sam) == 0 &&
		    strcasecmp(a->record.realm, a->f.realm) == 0)
			a->same_account = true;
		else
			add_other(a, talloc_asprintf(a->tmp, "%s@%s", a->record.sam,
						     a->record.realm));
	}
	size_t n;
	char **machines = odj_apply_keytab_machines(a->tmp, a->old_keytab, &n);
	for (size_t i = 0; machines != NULL && i < n; i++) {
		if (strcmp(machines[i], mine) == 0)
			a->same_account = true;
		else
			add_other(a, machines[i]);
	}
	bool joined = a->n_others > 0;
	r = odj_join_check_joined(a->ctx,
				  a->req->in.rejoin ? ODJ_NETSETUP_DOMAIN_JOIN_IF_JOINED : 0,
				  joined);
	if (r != ODJ_OK) {
		char *list = talloc_strdup(a->tmp, "");
		for (size_t i = 0; i < a->n_others; i++)
			list = talloc_asprintf_append(list, "%s%s", i ? ", " : "", a->others[i]);
		odj_fail(a->ctx, r, ODJ_NERR_SetupAlreadyJoined,
			 "%s is already joined as %s; this blob joins %s", a->root, list, mine);
		odj_error_advice(a->ctx, "give --rejoin to replace that join (every file it "
					 "changes is backed up below " ODJ_APPLY_BACKUP_DIR ")");
		return r;
	}
	a->req->out.rejoined = joined;
	if (joined)
		for (size_t i = 0; i < a->n_others; i++)
			note(a, "rejoin: %s is replaced (backed up first)", a->others[i]);
	if (a->same_account && !joined)
		note(a, "%s is already joined as %s: applied again", a->root, mine);
	return ODJ_OK;
}

static odj_result keytab_change(struct apply_run *a)
{
	krb5_context kctx;
	if (krb5_init_context(&kctx) != 0)
		return odj_fail(a->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"cannot initialise libkrb5");
	TALLOC_CTX *keys_mem = talloc_new(a->tmp);
	struct odj_keyset *ks;
	odj_doing(a->ctx, "deriving the machine keys (salt %s)", a->f.salt);
	double t0 = now_ms();
	odj_result r = odj_keys_derive(a->ctx, keys_mem, kctx, a->f.password, a->f.salt,
				       a->req->out.enctypes, &ks);
	a->ms_keys = now_ms() - t0;
	if (r == ODJ_OK)
		odj_doing(a->ctx, "building the keytab %s in %s", a->keytab, a->root);
	a->principals = odj_apply_principals(a->tmp, &a->f, &a->n_principals);
	if (r == ODJ_OK && a->principals == NULL)
		r = odj_fail(a->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	struct odj_secret *kt = NULL;
	if (r == ODJ_OK) {
		/* A rejoin drops the replaced machines' entries and what their record listed. */
		char **replaced = NULL;
		size_t n_replaced = 0;
		for (size_t i = 0; i < a->n_others; i++)
			odj_apply_push(a->tmp, &replaced, &n_replaced, "%s", a->others[i]);
		for (size_t i = 0; !a->same_account && i < a->record.n_principals; i++)
			odj_apply_push(a->tmp, &replaced, &n_replaced, "%s",
				       a->record.principals[i]);
		struct apply_keytab_in in = {
			.old = a->old_keytab,
			.principals = a->principals,
			.n_principals = a->n_principals,
			.kvnos = a->req->out.kvnos,
			.n_kvnos = a->req->out.n_kvnos,
			.keys = ks,
			.replaced = replaced,
			.n_replaced = n_replaced,
			.now = (uint32_t)a->req->in.now,
			.report_mem = a->mem,
		};
		r = odj_apply_keytab_build(a->ctx, a->tmp, &in, a->req, &kt);
	}
	talloc_free(keys_mem);
	krb5_free_context(kctx);
	if (r == ODJ_OK)
		r = odj_commit_put_secret(a->tx, a->keytab, kt, 0600, 0, 0);
	odj_trace_status(a->ctx, FN, r == ODJ_OK ? 0 : odj_error_get(a->ctx)->status,
			 "keytab %s: %zu principal(s), %zu kvno(s), enctypes 0x%x", a->keytab,
			 a->n_principals, a->req->out.n_kvnos, a->req->out.enctypes);
	return r;
}

/* A rejoin keeps the file it is about to change below its backup directory. */
static odj_result keep_old(struct apply_run *a, const char *path, const struct apply_file *old,
			   const char *text)
{
	if (a->backup_dir == NULL || !old->exists ||
	    (strlen(text) == old->len && memcmp(text, old->data, old->len) == 0))
		return ODJ_OK;
	const char *leaf = strrchr(path, '/') + 1;
	char *copy = talloc_asprintf(a->tmp, "%s/%s", a->backup_dir, leaf);
	if (copy == NULL)
		return odj_fail(a->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	odj_result r = odj_commit_put(a->tx, copy, old->data, old->len, 0600, 0, 0);
	if (r == ODJ_OK)
		note(a, "backup: the old %s goes to %s", path, copy);
	return r;
}

/* A text file: the new contents keep the old file's mode and owner, else mode and root. */
static odj_result put_text(struct apply_run *a, const char *path, const struct apply_file *old,
			   const char *text, mode_t mode)
{
	if (text == NULL)
		return odj_fail(a->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	odj_result r = keep_old(a, path, old, text);
	if (r != ODJ_OK)
		return r;
	if (old->exists)
		return odj_commit_put(a->tx, path, text, strlen(text), old->st.st_mode & 07777,
				      old->st.st_uid, old->st.st_gid);
	return odj_commit_put(a->tx, path, text, strlen(text), mode, 0, 0);
}

static odj_result config_changes(struct apply_run *a)
{
	struct apply_file krb5, sssd, hostname, hosts;
	odj_result r;
	odj_doing(a->ctx, "reading the configuration files in %s", a->root);
	if ((r = odj_apply_read(a->target, a->tmp, "/etc/krb5.conf", ODJ_CONFIG_MAX_BYTES + 1,
				&krb5)) != ODJ_OK ||
	    (r = odj_apply_read(a->target, a->tmp, "/etc/sssd/sssd.conf", ODJ_CONFIG_MAX_BYTES + 1,
				&sssd)) != ODJ_OK ||
	    (r = odj_apply_read(a->target, a->tmp, "/etc/hostname", 4096, &hostname)) != ODJ_OK ||
	    (r = odj_apply_read(a->target, a->tmp, "/etc/hosts", ODJ_CONFIG_MAX_BYTES + 1,
				&hosts)) != ODJ_OK)
		return r;
	char *krb5_text, *sssd_text;
	bool incdir = odj_apply_is_dir(a->target, "/var/lib/sss/pubconf/krb5.include.d");
	if ((r = odj_apply_krb5_conf(a->ctx, a->tmp, &a->f, &krb5, incdir, &krb5_text)) != ODJ_OK ||
	    (r = odj_apply_sssd_conf(a->ctx, a->tmp, &a->f, &sssd, a->keytab,
				     a->req->out.rejoined ? a->record.domain : NULL, &sssd_text)) !=
		    ODJ_OK)
		return r;
	char *old_section = a->record.domain
				    ? talloc_asprintf(a->tmp, "[domain/%s]", a->record.domain)
				    : NULL;
	if (a->req->out.rejoined && old_section != NULL && sssd.exists &&
	    strcasecmp(a->record.domain, a->f.domain) != 0 &&
	    strcasestr((const char *)sssd.data, old_section) != NULL) /* read NUL-terminated */
		note(a, "rejoin: the section %s of /etc/sssd/sssd.conf is removed and %s taken out "
			"of its domains list",
		     old_section, a->record.domain);
	if (hosts.exists && memchr(hosts.data, '\0', hosts.len) != NULL)
		return odj_fail(a->ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
				"/etc/hosts in %s is not a text file; it is left alone", a->root);
	char *hosts_text = odj_hosts_update(a->tmp, hosts.exists ? (const char *)hosts.data : "",
					    hosts.exists ? hosts.len : 0, a->f.fqdn,
					    a->f.short_name);
	char *old_name = hostname.exists ? odj_hostname_read(a->mem, (const char *)hostname.data,
							    hostname.len)
					 : NULL;
	a->req->out.old_hostname = old_name;
	if (old_name == NULL || strcmp(old_name, a->f.short_name) != 0)
		note(a, "host name: %s -> %s (the blob's machine name)", old_name ? old_name : "(none)",
		     a->f.short_name);
	else
		note(a, "host name: %s (the blob's machine name) is already set", old_name);
	char *hostname_text = talloc_asprintf(a->tmp, "%s\n", a->f.short_name);

	if ((r = put_text(a, "/etc/krb5.conf", &krb5, krb5_text, 0644)) != ODJ_OK ||
	    (r = odj_commit_mkdir(a->tx, "/etc/sssd", 0711)) != ODJ_OK ||
	    (r = keep_old(a, "/etc/sssd/sssd.conf", &sssd, sssd_text)) != ODJ_OK ||
	    (r = odj_commit_put(a->tx, "/etc/sssd/sssd.conf", sssd_text, strlen(sssd_text), 0600, 0,
				0)) != ODJ_OK ||
	    (r = put_text(a, "/etc/hostname", &hostname, hostname_text, 0644)) != ODJ_OK ||
	    (r = put_text(a, "/etc/hosts", &hosts, hosts_text, 0644)) != ODJ_OK)
		return r;
	return ODJ_OK;
}

/* smb.conf and secrets.tdb when the root is (or is to be) a Samba member. */
static odj_result samba_changes(struct apply_run *a)
{
	struct apply_samba_in in = {.target = a->target, .tx = a->tx, .f = &a->f,
				    .same_account = a->same_account,
				    .rejoined = a->req->out.rejoined, .keytab = a->keytab,
				    .joined_at = a->record.joined_at,
				    .report_mem = a->mem};
	return odj_apply_samba(a->ctx, a->tmp, &in, a->req);
}

static char *iso_time(TALLOC_CTX *mem, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return talloc_strdup(mem, "1970-01-01T00:00:00Z");
	return talloc_strdup(mem, buf);
}

/* The join record; re-applying the same join keeps the first time, so nothing changes. */
static odj_result record_change(struct apply_run *a)
{
	struct apply_file old;
	odj_result r = odj_apply_read(a->target, a->tmp, ODJ_APPLY_JOIN_RECORD, 1u << 20, &old);
	if (r != ODJ_OK)
		return r;
	char *text = NULL;
	if (a->same_account && a->record.joined_at != NULL) {
		text = odj_apply_record_text(a->tmp, &a->f, a->req, a->principals, a->n_principals,
					     a->keytab, a->record.joined_at);
		if (text && (strlen(text) != old.len || memcmp(text, old.data, old.len) != 0))
			text = NULL;
	}
	if (text == NULL) {
		/* A new join: its first contact with a DC rotates the password the blob carried. */
		static const char marker[] = "odj-rotate.service changes the machine password at the "
					     "first contact with a DC and removes this file\n";
		text = odj_apply_record_text(a->tmp, &a->f, a->req, a->principals, a->n_principals,
					     a->keytab, iso_time(a->tmp, a->req->in.now));
		r = odj_commit_put(a->tx, ODJ_APPLY_FIRST_CONTACT, marker, sizeof(marker) - 1, 0644,
				   0, 0);
		if (r != ODJ_OK)
			return r;
	}
	return put_text(a, ODJ_APPLY_JOIN_RECORD, &(struct apply_file){0}, text, 0644);
}

/* A rejoin keeps the old keytab and record below the backup directory (the configuration
 * files it changes follow in keep_old). */
static odj_result backup_old(struct apply_run *a)
{
	if (!a->req->out.rejoined)
		return ODJ_OK;
	char *stamp = iso_time(a->tmp, a->req->in.now);
	char *dir = talloc_asprintf(a->tmp, ODJ_APPLY_BACKUP_DIR "/%s", stamp);
	a->backup_dir = dir;
	odj_result r = odj_commit_mkdir(a->tx, ODJ_APPLY_BACKUP_DIR, 0700);
	if (r == ODJ_OK)
		r = odj_commit_mkdir(a->tx, dir, 0700);
	if (r == ODJ_OK && a->keytab_file.exists) {
		struct odj_secret *copy =
			odj_secret_dup(a->tmp, a->keytab_file.data, a->keytab_file.len);
		r = odj_commit_put_secret(a->tx, talloc_asprintf(a->tmp, "%s/krb5.keytab", dir),
					  copy, 0600, 0, 0);
		if (r == ODJ_OK)
			note(a, "backup: the old keytab goes to %s/krb5.keytab", dir);
	}
	struct apply_file rec;
	if (r == ODJ_OK)
		r = odj_apply_read(a->target, a->tmp, ODJ_APPLY_JOIN_RECORD, 1u << 20, &rec);
	if (r == ODJ_OK && rec.exists) {
		r = odj_commit_put(a->tx, talloc_asprintf(a->tmp, "%s/join.json", dir), rec.data,
				   rec.len, 0600, 0, 0);
		if (r == ODJ_OK)
			note(a, "backup: the old join record goes to %s/join.json", dir);
	}
	return r;
}

/* State of the image's previous identity that must not survive a (new) join ([P3]). */
static odj_result clone_state(struct apply_run *a)
{
	if (a->same_account && !a->req->out.rejoined)
		return ODJ_OK;
	static const struct {
		const char *dir, *prefix;
		bool image_only; /* on a running system, people's own */
	} where[] = {
		{"/var/lib/sss/db", "", false},		/* sssd caches and its ccaches */
		{"/var/lib/sss/mc", "", false},		/* the memory caches */
		{"/var/lib/sss/pubconf", "kdcinfo.", false}, /* the old domain's KDCs */
		{"/tmp", "krb5cc_", true},			/* old credential caches */
	};
	/* A live system's /tmp holds the tickets of people logged in now (and is
	 * emptied at boot, so a clone's first boot has none from the image). */
	struct stat root_st, slash_st;
	bool live = stat(a->root, &root_st) == 0 && stat("/", &slash_st) == 0 &&
		    root_st.st_dev == slash_st.st_dev && root_st.st_ino == slash_st.st_ino;
	for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
		size_t n;
		char **files = odj_apply_list(a->target, a->tmp, where[w].dir, where[w].prefix, &n);
		if (live && where[w].image_only) {
			if (files != NULL && n > 0)
				note(a, "left %zu credential cache%s in %s: tickets of this running "
					"system's users (kdestroy those of the old domain)",
				     n, n == 1 ? "" : "s", where[w].dir);
			continue;
		}
		for (size_t i = 0; files != NULL && i < n; i++) {
			odj_result r = odj_commit_remove(a->tx, files[i]);
			if (r != ODJ_OK)
				return r;
			odj_apply_push(a->mem, &a->req->out.removed, &a->req->out.n_removed, "%s",
				       files[i]);
		}
	}
	return ODJ_OK;
}

/* The description of the transaction; its header lines become out.files. */
static odj_result describe(struct apply_run *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (out == NULL)
		return odj_fail(a->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	odj_result r = odj_commit_describe(a->tx, out, NULL);
	fclose(out);
	if (r != ODJ_OK) {
		free(buf);
		return r;
	}
	struct odj_apply_req *req = a->req;
	req->out.plan = talloc_strndup(a->mem, buf, len);
	free(buf);
	bool changes = false;
	char *save = NULL, *copy = talloc_strdup(a->tmp, req->out.plan ? req->out.plan : "");
	for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		if (strchr(" +-@", l[0]) != NULL)
			continue;
		odj_apply_push(a->mem, &req->out.files, &req->out.n_files, "%s", l);
		if (strstr(l, ": unchanged") == NULL && strstr(l, "nothing to do") == NULL)
			changes = true;
	}
	req->out.already_applied = a->same_account && !changes;
	return ODJ_OK;
}

/* --consume: the blob holds the machine password; overwrite it, then remove it. */
static odj_result consume_blob(struct apply_run *a)
{
	const char *path = a->req->in.blob_path;
	if (strcmp(path, "-") == 0) {
		note(a, "consume: the blob came from standard input; nothing to remove");
		return ODJ_OK;
	}
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	int err = 0;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		err = fd < 0 ? errno : EINVAL;
	} else {
		static const uint8_t zeros[4096];
		for (off_t done = 0; err == 0 && done < st.st_size;) {
			size_t n = (size_t)(st.st_size - done) < sizeof(zeros)
					   ? (size_t)(st.st_size - done)
					   : sizeof(zeros);
			ssize_t w = pwrite(fd, zeros, n, done);
			if (w <= 0)
				err = w < 0 ? errno : EIO;
			else
				done += w;
		}
		if (err == 0 && fsync(fd) != 0)
			err = errno;
	}
	if (fd >= 0)
		close(fd);
	if (err == 0 && unlink(path) != 0)
		err = errno;
	if (err != 0) {
		odj_fail(a->ctx, ODJ_E_PARTIAL, odj_commit_errno_status(err),
			 "the join is committed, but the blob %s could not be wiped and removed",
			 path);
		odj_error_detail(a->ctx, "%s: %s", path, strerror(err));
		odj_error_advice(a->ctx, "remove the blob by hand: it holds the machine password");
		return ODJ_E_PARTIAL;
	}
	a->req->out.consumed = true;
	odj_trace_status(a->ctx, FN, 0, "blob %s wiped and removed", path);
	return ODJ_OK;
}

static odj_result check_request(struct odj_ctx *ctx, struct odj_apply_req *req)
{
	odj_result vr = odj_version_check(ctx, "odj_apply_req", req->in.version, ODJ_APPLY_VERSION);
	if (vr != ODJ_OK)
		return vr;
	if (req->in.blob_path == NULL || req->in.blob_path[0] == '\0')
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_NoOfflineJoinInfo,
				"no provisioning blob given");
	if (req->in.bundle_name != NULL && req->in.consume)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"--consume would remove the whole bundle: take the machine's blob out "
				"of it instead (odj-inspect --bundle)");
	const char *kt = req->in.keytab ? req->in.keytab : ODJ_APPLY_DEFAULT_KEYTAB;
	const char *why = odj_commit_path_problem(kt);
	if (why == NULL && strcmp(kt, "/") == 0)
		why = "it is the root itself, not a file";
	if (why != NULL) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
			 "the keytab path '%s' is not usable: %s", kt, why);
		odj_error_advice(ctx, "give --keytab as a plain absolute path in the target, "
				      "such as /etc/krb5.keytab");
		return ODJ_E_INPUT;
	}
	return ODJ_OK;
}

static odj_result plan_and_commit(struct apply_run *a, double t_start, double t_blob)
{
	odj_result r;
	odj_doing(a->ctx, "opening the target root %s", a->root);
	if ((r = odj_apply_root_open(a->ctx, a->tmp, a->root, &a->target)) != ODJ_OK ||
	    (r = check_joined(a)) != ODJ_OK)
		return r;
	odj_apply_check_packages(a->target, a->mem, a->req);
	double t_target = now_ms();
	odj_doing(a->ctx, "planning the changes in %s", a->root);
	a->tx = odj_commit_begin(a->tmp, a->ctx, a->root);
	if (a->tx == NULL)
		return odj_error_get(a->ctx)->result;
	if ((r = backup_old(a)) != ODJ_OK || (r = keytab_change(a)) != ODJ_OK ||
	    (r = config_changes(a)) != ODJ_OK || (r = samba_changes(a)) != ODJ_OK ||
	    (r = record_change(a)) != ODJ_OK ||
	    (r = clone_state(a)) != ODJ_OK || (r = describe(a)) != ODJ_OK)
		return r;
	double t_plan = now_ms();
	if (a->req->in.dry_run) {
		odj_trace_status(a->ctx, FN, 0, "dry run: nothing changed in %s", a->root);
		return ODJ_OK;
	}
	odj_doing(a->ctx, "committing the join in %s", a->root);
	r = odj_commit_run(a->tx);
	double t_commit = now_ms();
	odj_trace_status(a->ctx, FN, r == ODJ_OK ? 0 : odj_error_get(a->ctx)->status,
			 "committing the join of %s in %s", a->f.sam, a->root);
	odj_trace(a->ctx, "%s: time in ms: blob %.2f, target %.2f, keys %.2f, plan %.2f, "
			  "commit %.2f",
		  FN, t_blob - t_start, t_target - t_blob, a->ms_keys, t_plan - t_target - a->ms_keys,
		  t_commit - t_plan);
	if (r == ODJ_OK && a->envelope.request_key_used)
		r = odj_request_key_remove(a->ctx, a->root);
	if (r == ODJ_OK && a->req->in.consume)
		r = consume_blob(a);
	return r;
}

odj_result odj_apply(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_apply_req *req)
{
	memset(&req->out, 0, sizeof(req->out));
	odj_result r = check_request(ctx, req);
	if (r != ODJ_OK)
		return r;
	struct apply_run a = {
		.ctx = ctx,
		.mem = mem,
		.tmp = talloc_new(mem),
		.req = req,
		.root = req->in.root ? req->in.root : "/",
		.keytab = req->in.keytab ? req->in.keytab : ODJ_APPLY_DEFAULT_KEYTAB,
	};
	if (a.tmp == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	if (req->in.now == 0)
		req->in.now = (int64_t)time(NULL);
	odj_trace_begin(ctx, "odj-apply");
	double t_start = now_ms();
	r = load_blob(&a);
	if (r == ODJ_OK) {
		describe_join(&a);
		r = plan_and_commit(&a, t_start, now_ms());
	}
	talloc_free(a.tmp); /* wipes the blob, the keys and the staged keytab */
	return r;
}
