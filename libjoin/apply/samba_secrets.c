/*
 * secrets.tdb for a domain member, built with libtdb in memory.
 *
 * The keys are Samba's legacy machine-account keys (stable since Samba 3;
 * [SAMBA] source3/passdb/machine_account_secrets.c builds each as
 * "<PREFIX>/<NAME>", upper case, no NUL).  Samba reads them and writes its
 * own MACHINE_DOMAIN_INFO record from them on first use
 * (secrets_fetch_or_upgrade_domain_info), which needs the change time.
 * The file is staged whole: apply's commit transaction puts it in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <tdb.h>

#include <odj/blob.h>
#include <odj/samba.h>
#include <odj/status.h>

#include "apply_samba.h"
#include "commit_internal.h"

#define SEC_CHAN_WKSTA 2u
#define DOM_SID_BYTES 68 /* struct dom_sid: 15 sub-authorities, unused ones zero */

struct record {
	char *key;
	uint8_t *value; /* wiped on free */
	size_t len;
	bool remove;
};

struct plan {
	struct record *v;
	size_t n;
};

static bool add(TALLOC_CTX *mem, struct plan *p, char *key, const void *value, size_t len,
		bool remove)
{
	struct record *grown = talloc_realloc(mem, p->v, struct record, p->n + 1);
	if (grown == NULL || key == NULL)
		return false;
	p->v = grown;
	struct record *r = &p->v[p->n];
	*r = (struct record){.key = key, .len = len, .remove = remove};
	if (!remove) {
		r->value = talloc_size(grown, len ? len : 1);
		if (r->value == NULL)
			return false;
		odj_wipe_on_free(r->value);
		memcpy(r->value, value, len);
	}
	p->n++;
	return true;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Samba keeps these structs raw, in host order: little-endian on every target odj supports. */
static void sid_bytes(const struct odj_sid *sid, uint8_t out[DOM_SID_BYTES])
{
	memset(out, 0, DOM_SID_BYTES);
	out[0] = sid->revision;
	out[1] = sid->num_auths;
	memcpy(out + 2, sid->id_auth, 6);
	for (unsigned i = 0; i < sid->num_auths && i < ODJ_SID_MAX_SUB_AUTHS; i++)
		put_le32(out + 8 + 4 * i, sid->sub_auths[i]);
}

static void guid_bytes(const struct odj_guid *g, uint8_t out[16])
{
	put_le32(out, g->d1);
	out[4] = (uint8_t)g->d2;
	out[5] = (uint8_t)(g->d2 >> 8);
	out[6] = (uint8_t)g->d3;
	out[7] = (uint8_t)(g->d3 >> 8);
	memcpy(out + 8, g->d4, 8);
}

/* A memory file that libtdb opens by name (/proc/self/fd/N). */
struct memfile {
	int fd;
	char path[64];
};

static int memfile_destructor(struct memfile *m)
{
	if (m->fd >= 0) {
		/* The pages held the machine password: zero them before they go. */
		struct stat st;
		if (fstat(m->fd, &st) == 0 && st.st_size > 0) {
			static const uint8_t zeros[4096];
			for (off_t o = 0; o < st.st_size; o += (off_t)sizeof(zeros))
				if (pwrite(m->fd, zeros, sizeof(zeros), o) < 0)
					break;
		}
		close(m->fd);
	}
	return 0;
}

static struct memfile *memfile_new(TALLOC_CTX *mem, const uint8_t *data, size_t len)
{
	struct memfile *m = talloc_zero(mem, struct memfile);
	if (m == NULL)
		return NULL;
	m->fd = memfd_create("odj-secrets.tdb", MFD_CLOEXEC);
	talloc_set_destructor(m, memfile_destructor);
	if (m->fd < 0) {
		talloc_free(m);
		return NULL;
	}
	snprintf(m->path, sizeof(m->path), "/proc/self/fd/%d", m->fd);
	size_t done = 0;
	while (done < len) {
		ssize_t w = pwrite(m->fd, data + done, len - done, (off_t)done);
		if (w <= 0) {
			talloc_free(m);
			return NULL;
		}
		done += (size_t)w;
	}
	return m;
}

static TDB_DATA tdb_key(const char *key)
{
	return (TDB_DATA){.dptr = (unsigned char *)key, .dsize = strlen(key)};
}

/* The keys and values of the join. */
static odj_result plan_join(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_facts *f,
			    uint32_t change_time, const char *old_domain, struct plan *p)
{
	struct odj_sid sid;
	struct odj_guid guid;
	if (!odj_sid_parse(f->domain_sid, &sid) || !odj_guid_parse(f->domain_guid, &guid))
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
				"the blob's domain SID or GUID cannot be stored for Samba");
	struct odj_secret *pw;
	odj_result r = odj_password_utf8(ctx, mem, f->password, &pw);
	if (r != ODJ_OK)
		return r;
	uint8_t sidb[DOM_SID_BYTES], guidb[16], when[4], chan[4];
	sid_bytes(&sid, sidb);
	guid_bytes(&guid, guidb);
	put_le32(when, change_time);
	put_le32(chan, SEC_CHAN_WKSTA);
	const char *dom = f->netbios_domain;
	/* host/<name>.<realm>@REALM, lower case before the '@': AD's salt for the account. */
	char *salt = talloc_asprintf(mem, "host/%s.%s@%s", f->short_name, f->domain, f->realm);
	bool ok = salt != NULL &&
		  add(mem, p, talloc_asprintf(mem, "SECRETS/SID/%s", dom), sidb, sizeof(sidb),
		      false) &&
		  add(mem, p, talloc_asprintf(mem, "SECRETS/DOMGUID/%s", dom), guidb,
		      sizeof(guidb), false) &&
		  add(mem, p, talloc_asprintf(mem, "SECRETS/MACHINE_PASSWORD/%s", dom),
		      odj_secret_data(pw), odj_secret_len(pw) + 1, false) &&
		  add(mem, p, talloc_asprintf(mem, "SECRETS/MACHINE_LAST_CHANGE_TIME/%s", dom),
		      when, sizeof(when), false) &&
		  add(mem, p, talloc_asprintf(mem, "SECRETS/MACHINE_SEC_CHANNEL_TYPE/%s", dom),
		      chan, sizeof(chan), false) &&
		  add(mem, p, talloc_asprintf(mem, "SECRETS/SALTING_PRINCIPAL/DES/%s", f->realm),
		      salt, strlen(salt) + 1, false) &&
		  /* Samba's own record of an earlier join would win over the keys above. */
		  add(mem, p, talloc_asprintf(mem, "SECRETS/MACHINE_DOMAIN_INFO/%s", dom), NULL, 0,
		      true) &&
		  add(mem, p, talloc_asprintf(mem, "SECRETS/PROTECT/IDS/%s", dom), NULL, 0, true) &&
		  add(mem, p, talloc_asprintf(mem, "SECRETS/MACHINE_PASSWORD.PREV/%s", dom), NULL, 0,
		      true);
	/* A domain left behind: none of its machine secret stays in the file. */
	static const char *const old_keys[] = {
		"SECRETS/MACHINE_PASSWORD/",	     "SECRETS/MACHINE_PASSWORD.PREV/",
		"SECRETS/MACHINE_LAST_CHANGE_TIME/", "SECRETS/MACHINE_SEC_CHANNEL_TYPE/",
		"SECRETS/MACHINE_DOMAIN_INFO/",	     "SECRETS/PROTECT/IDS/",
		"SECRETS/SID/",			     "SECRETS/DOMGUID/",
		"SECRETS/$MACHINE.ACC/",
	};
	for (size_t i = 0; ok && old_domain != NULL && i < sizeof(old_keys) / sizeof(old_keys[0]);
	     i++)
		ok = add(mem, p, talloc_asprintf(mem, "%s%s", old_keys[i], old_domain), NULL, 0, true);
	talloc_free(pw);
	return ok ? ODJ_OK
		  : odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

static const struct record *planned(const struct plan *p, const TDB_DATA *key)
{
	for (size_t i = 0; i < p->n; i++)
		if (strlen(p->v[i].key) == key->dsize && memcmp(p->v[i].key, key->dptr, key->dsize) == 0)
			return &p->v[i];
	return NULL;
}

static void free_wiped(TDB_DATA *d)
{
	if (d->dptr != NULL) {
		odj_wipe(d->dptr, d->dsize);
		free(d->dptr);
	}
	d->dptr = NULL;
}

/* Whether old already holds exactly the planned state. */
static bool old_is_current(struct tdb_context *old, const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		TDB_DATA v = tdb_fetch(old, tdb_key(p->v[i].key));
		bool same = p->v[i].remove ? v.dptr == NULL
					   : v.dptr != NULL && v.dsize == p->v[i].len &&
						     memcmp(v.dptr, p->v[i].value, v.dsize) == 0;
		free_wiped(&v);
		if (!same)
			return false;
	}
	return true;
}

struct copy_state {
	struct tdb_context *dst;
	const struct plan *p;
	int failed;
};

static int copy_record(struct tdb_context *src, TDB_DATA key, TDB_DATA value, void *priv)
{
	(void)src;
	struct copy_state *c = priv;
	if (planned(c->p, &key) != NULL)
		return 0;
	if (tdb_store(c->dst, key, value, TDB_INSERT) != 0) {
		c->failed = 1;
		return -1;
	}
	return 0;
}

static odj_result tdb_failed(struct odj_ctx *ctx, struct tdb_context *t, const char *what)
{
	odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_DATA, "libtdb: %s failed", what);
	if (t != NULL)
		odj_error_detail(ctx, "%s", tdb_errorstr(t));
	return ODJ_E_UNEXPECTED;
}

/*
 * The new file, fresh (so no freed record keeps an old secret), inside a tdb
 * transaction in a memfd: old's records the plan does not name, then the
 * plan's values.  *tdb is its bytes, on mem.
 */
static odj_result write_tdb(struct odj_ctx *ctx, TALLOC_CTX *mem, TALLOC_CTX *tmp,
			    struct tdb_context *old, const struct plan *p, struct odj_secret **tdb)
{
	struct memfile *newf = memfile_new(tmp, NULL, 0);
	struct tdb_context *dst =
		newf ? tdb_open(newf->path, 0, TDB_DEFAULT, O_RDWR | O_CREAT, 0600) : NULL;
	if (dst == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, odj_commit_errno_status(errno),
				"cannot create secrets.tdb in memory");
	odj_result r = ODJ_OK;
	struct copy_state c = {.dst = dst, .p = p};
	if (tdb_transaction_start(dst) != 0)
		r = tdb_failed(ctx, dst, "starting a transaction");
	else if (old != NULL && (tdb_traverse_read(old, copy_record, &c) < 0 || c.failed))
		r = tdb_failed(ctx, c.failed ? dst : old, "copying the old records");
	for (size_t i = 0; r == ODJ_OK && i < p->n; i++) {
		if (p->v[i].remove)
			continue;
		TDB_DATA v = {.dptr = p->v[i].value, .dsize = p->v[i].len};
		if (tdb_store(dst, tdb_key(p->v[i].key), v, TDB_REPLACE) != 0)
			r = tdb_failed(ctx, dst, "storing a key");
	}
	if (r != ODJ_OK) {
		tdb_transaction_cancel(dst);
		tdb_close(dst);
		return r;
	}
	if (tdb_transaction_commit(dst) != 0) {
		r = tdb_failed(ctx, dst, "committing the transaction");
		tdb_close(dst);
		return r;
	}
	tdb_close(dst);
	struct stat st;
	if (fstat(newf->fd, &st) != 0 || (*tdb = odj_secret_new(mem, (size_t)st.st_size)) == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	for (size_t have = 0; have < (size_t)st.st_size;) {
		ssize_t got = pread(newf->fd, odj_secret_data(*tdb) + have, (size_t)st.st_size - have,
				    (off_t)have);
		if (got <= 0) {
			TALLOC_FREE(*tdb);
			return odj_fail(ctx, ODJ_E_UNEXPECTED, odj_commit_errno_status(errno ? errno : EIO),
					"cannot read back the staged secrets.tdb");
		}
		have += (size_t)got;
	}
	return ODJ_OK;
}

/* The machine secret the old file holds for the domain, beside the planned one. */
struct old_secret {
	bool present;   /* a MACHINE_PASSWORD is there */
	bool same;      /* and it is the planned password */
	bool has_time;
	uint32_t changed; /* its MACHINE_LAST_CHANGE_TIME */
};

static struct old_secret old_secret(struct tdb_context *old, const struct apply_facts *f,
				    const struct plan *fresh)
{
	struct old_secret o = {0};
	if (old == NULL)
		return o;
	char key[96];
	snprintf(key, sizeof(key), "SECRETS/MACHINE_PASSWORD/%s", f->netbios_domain);
	const struct record *want = NULL;
	for (size_t i = 0; i < fresh->n; i++)
		if (strcmp(fresh->v[i].key, key) == 0)
			want = &fresh->v[i];
	TDB_DATA pw = tdb_fetch(old, tdb_key(key));
	o.present = pw.dptr != NULL;
	o.same = want != NULL && o.present && pw.dsize == want->len &&
		 memcmp(pw.dptr, want->value, pw.dsize) == 0;
	free_wiped(&pw);
	snprintf(key, sizeof(key), "SECRETS/MACHINE_LAST_CHANGE_TIME/%s", f->netbios_domain);
	TDB_DATA t = tdb_fetch(old, tdb_key(key));
	o.has_time = t.dptr != NULL && t.dsize == 4;
	if (o.has_time)
		o.changed = (uint32_t)t.dptr[0] | (uint32_t)t.dptr[1] << 8 |
			    (uint32_t)t.dptr[2] << 16 | (uint32_t)t.dptr[3] << 24;
	free(t.dptr);
	return o;
}

odj_result odj_samba_secrets(struct odj_ctx *ctx, TALLOC_CTX *mem,
			     const struct samba_secrets_in *in, struct samba_secrets_out *out)
{
	memset(out, 0, sizeof(*out));
	TALLOC_CTX *tmp = talloc_new(mem);
	struct tdb_context *old = NULL;
	struct memfile *oldf = NULL;
	struct plan p = {0};
	odj_result r = ODJ_OK;
	if (tmp == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	if (in->old->exists && in->old->len > 0) {
		oldf = memfile_new(tmp, in->old->data, in->old->len);
		old = oldf ? tdb_open(oldf->path, 0, TDB_DEFAULT, O_RDONLY, 0600) : NULL;
		if (old == NULL) {
			r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
				     "secrets.tdb in the root is not a TDB file libtdb can read");
			odj_error_advice(ctx, "move the damaged secrets.tdb aside and apply again");
			goto done;
		}
	}
	uint32_t now = (uint32_t)in->now;
	const char *gone = in->old_domain && strcasecmp(in->old_domain, in->f->netbios_domain) != 0
				   ? in->old_domain
				   : NULL;
	if ((r = plan_join(ctx, tmp, in->f, now, gone, &p)) != ODJ_OK)
		goto done;
	struct old_secret o = old_secret(old, in->f, &p);
	/*
	 * Samba or adcli changed the password after this join was applied: the
	 * blob's is out of date and must not replace it.
	 */
	if (in->same_account && o.present && !o.same && o.has_time && in->joined_at > 0 &&
	    (int64_t)o.changed > in->joined_at) {
		out->rotated = true; /* out->tdb stays NULL: the file is kept as it is */
		goto done;
	}
	/* A re-apply of the same password keeps its change time. */
	uint32_t when = in->same_account && o.same && o.has_time ? o.changed : now;
	if (when != now) {
		p.n = 0;
		if ((r = plan_join(ctx, tmp, in->f, when, gone, &p)) != ODJ_OK)
			goto done;
	}
	for (size_t i = 0; i < p.n; i++) {
		if (p.v[i].remove) {
			TDB_DATA v = old ? tdb_fetch(old, tdb_key(p.v[i].key)) : (TDB_DATA){0};
			bool there = v.dptr != NULL;
			free_wiped(&v);
			if (!there)
				continue;
		}
		odj_apply_push(mem, &out->keys, &out->n_keys, "%s %s",
			       p.v[i].remove ? "delete" : "set", p.v[i].key);
	}
	if (old != NULL && old_is_current(old, &p))
		goto done; /* out->tdb stays NULL: nothing to change */

	r = write_tdb(ctx, mem, tmp, old, &p, &out->tdb);
done:
	if (old != NULL)
		tdb_close(old);
	talloc_free(tmp); /* the planned values and both memory files, wiped */
	return r;
}

odj_result odj_samba_secrets_rotate(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *old_tdb,
				    size_t old_len, const char *netbios_domain,
				    const struct odj_secret *password_utf16, int64_t now,
				    struct odj_secret **tdb)
{
	*tdb = NULL;
	TALLOC_CTX *tmp = talloc_new(mem);
	struct memfile *oldf = tmp ? memfile_new(tmp, old_tdb, old_len) : NULL;
	struct tdb_context *old =
		oldf ? tdb_open(oldf->path, 0, TDB_DEFAULT, O_RDONLY, 0600) : NULL;
	if (old == NULL) {
		talloc_free(tmp);
		odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
			 "secrets.tdb is not a TDB file libtdb can read");
		return ODJ_E_CONFIG;
	}
	char *pw_key = talloc_asprintf(tmp, "SECRETS/MACHINE_PASSWORD/%s", netbios_domain);
	TDB_DATA prev = tdb_fetch(old, tdb_key(pw_key));
	struct odj_secret *pw = NULL;
	odj_result r = ODJ_OK;
	if (prev.dptr == NULL)
		r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_FILE_NOT_FOUND,
			     "secrets.tdb holds no machine password for %s", netbios_domain);
	else
		r = odj_password_utf8(ctx, tmp, password_utf16, &pw);
	uint8_t when[4];
	put_le32(when, (uint32_t)now);
	struct plan p = {0};
	/*
	 * What net ads changetrustpw leaves in the legacy keys: the new password,
	 * the one before it, the change time.  Samba's MACHINE_DOMAIN_INFO would
	 * win over them: it goes, and Samba builds it again from these keys.
	 */
	if (r == ODJ_OK &&
	    !(add(tmp, &p, pw_key, odj_secret_data(pw), odj_secret_len(pw) + 1, false) &&
	      add(tmp, &p, talloc_asprintf(tmp, "SECRETS/MACHINE_PASSWORD.PREV/%s", netbios_domain),
		  prev.dptr, prev.dsize, false) &&
	      add(tmp, &p,
		  talloc_asprintf(tmp, "SECRETS/MACHINE_LAST_CHANGE_TIME/%s", netbios_domain), when,
		  sizeof(when), false) &&
	      add(tmp, &p, talloc_asprintf(tmp, "SECRETS/MACHINE_DOMAIN_INFO/%s", netbios_domain),
		  NULL, 0, true) &&
	      add(tmp, &p, talloc_asprintf(tmp, "SECRETS/PROTECT/IDS/%s", netbios_domain), NULL, 0,
		  true)))
		r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	free_wiped(&prev);
	if (r == ODJ_OK)
		r = write_tdb(ctx, mem, tmp, old, &p, tdb);
	tdb_close(old);
	talloc_free(tmp); /* the passwords and both memory files, wiped */
	return r;
}
