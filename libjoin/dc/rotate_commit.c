/* odj_rotate's file changes: keytab and join record in one commit transaction each time. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include <odj/apply.h>
#include <odj/catalogue.h>
#include <odj/commit.h>
#include <odj/join.h>
#include <odj/keys.h>

#include <odj/samba.h>

#include "rotate_internal.h"

#define SECRETS_TDB_MAX (64u * 1024u * 1024u)

enum commit_mode { COMMIT_STAGE, COMMIT_FINISH, COMMIT_UNDO };

static bool ours(const struct odj_joined *j, const struct odj_keytab_entry *e, TALLOC_CTX *mem)
{
	char *p = odj_keytab_principal(mem, e);
	for (size_t i = 0; p != NULL && i < j->n_principals; i++)
		if (strcmp(p, j->principals[i]) == 0)
			return true;
	return false;
}

static char *iso_now(TALLOC_CTX *mem)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	return talloc_strdup(mem, buf);
}

/* The keys of the staged password, at the pending kvno, into the join's keytab in memory. */
static odj_result merge_staged(struct rotate_run *r)
{
	struct odj_joined *j = r->j;
	TALLOC_FREE(r->staged_pw16);
	if (j->pending_kvno == 0)
		return ODJ_OK;
	struct stat st;
	char *file = strcmp(j->root, "/") == 0 ? talloc_strdup(r->mem, ODJ_ROTATE_PASSWORD)
					       : talloc_asprintf(r->mem, "%s%s", j->root,
								 ODJ_ROTATE_PASSWORD);
	if (lstat(file, &st) != 0 && errno == ENOENT)
		return ODJ_OK; /* nothing staged: the pending rotation can only be undone */
	odj_result rc = odj_joined_read_secret(r->ctx, r->mem, j->root, ODJ_ROTATE_PASSWORD, 1024,
					       "staged password", &r->staged_pw16);
	if (rc != ODJ_OK)
		return rc;
	uint32_t bits = j->enctypes & 0x1c ? j->enctypes & 0x1c : 0x18;
	char *salt = odj_krb5_salt(r->mem, j->realm, j->sam);
	struct odj_keyset *ks = NULL;
	krb5_context kctx = NULL;
	if (krb5_init_context(&kctx) != 0)
		return odj_fail(r->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"cannot start a Kerberos context");
	rc = odj_keys_derive(r->ctx, r->mem, kctx, r->staged_pw16, salt, bits, &ks);
	uint32_t stamp = (uint32_t)time(NULL);
	for (size_t p = 0; rc == ODJ_OK && p < j->n_principals; p++)
		for (size_t k = 0; rc == ODJ_OK && k < ks->n; k++)
			rc = odj_keytab_add(r->ctx, j->kt, j->principals[p], j->pending_kvno,
					    ks->keys[k].enctype, ks->keys[k].block.contents,
					    ks->keys[k].block.length, stamp);
	talloc_free(ks);
	krb5_free_context(kctx);
	return rc;
}

odj_result odj_rotate_load(struct rotate_run *r)
{
	const char *root = r->j ? r->j->root : (r->req->in.root ? r->req->in.root : "/");
	struct odj_joined *fresh = NULL;
	odj_result rc = odj_joined_load(r->ctx, r->mem, root, &fresh);
	if (rc != ODJ_OK)
		return rc;
	talloc_free(r->j);
	r->j = fresh;
	return merge_staged(r);
}

/* secrets.tdb with the password of the rotation, for the commit that finishes it. */
static odj_result samba_put(struct rotate_run *r, struct odj_commit *tx)
{
	if (r->samba_tdb == NULL || r->j->pending_kvno == 0)
		return ODJ_OK; /* (a kvno relabeled after the rotation: the password is the same) */
	if (r->staged_pw16 == NULL)
		return odj_fail(r->ctx, ODJ_E_CONFIG, ODJ_ERROR_NOT_SUPPORTED,
				"Samba's %s holds this machine's password, and the password of the "
				"pending rotation is not staged: secrets.tdb cannot follow",
				r->samba_tdb);
	struct odj_secret *old = NULL, *tdb = NULL;
	odj_doing(r->ctx, "changing the machine password in Samba's %s", r->samba_tdb);
	odj_result rc = odj_joined_read_secret(r->ctx, r->mem, r->j->root, r->samba_tdb,
					       SECRETS_TDB_MAX, "Samba secrets file", &old);
	if (rc == ODJ_OK)
		rc = odj_samba_secrets_rotate(r->ctx, r->mem, odj_secret_data(old),
					      odj_secret_len(old), r->j->netbios_domain,
					      r->staged_pw16, time(NULL), &tdb);
	if (rc == ODJ_OK)
		rc = odj_commit_put_secret(tx, r->samba_tdb, tdb, 0600, 0, 0);
	talloc_free(old);
	talloc_free(tdb);
	return rc;
}

/*
 * One transaction, then the join is loaded again.  stage: the record with
 * its rotation mark, the staged password (0600) and the unit's pending mark;
 * the keytab is not touched, so the machine keeps logging in with the keys
 * the DC has.  finish and undo: the keytab, the record, secrets.tdb (finish,
 * a Samba member), the staged password and the pending mark removed.
 */
static odj_result commit(struct rotate_run *r, json_object *record, enum commit_mode mode,
			 const struct odj_secret *stage_pw16)
{
	struct odj_joined *j = r->j;
	struct odj_secret *kt = NULL;
	odj_result rc = mode == COMMIT_STAGE ? ODJ_OK
					     : odj_keytab_serialize(r->ctx, r->mem, j->kt, &kt);
	if (rc != ODJ_OK)
		return rc;
	const char *text = json_object_to_json_string_ext(record, JSON_C_TO_STRING_PRETTY |
									  JSON_C_TO_STRING_NOSLASHESCAPE);
	char *record_text = talloc_asprintf(r->mem, "%s\n", text);
	struct odj_commit *tx = odj_commit_begin(r->mem, r->ctx, j->root);
	if (tx == NULL)
		return odj_error_get(r->ctx)->result;
	if (kt != NULL)
		rc = odj_commit_put_secret(tx, j->keytab, kt, 0600, 0, 0);
	if (rc == ODJ_OK && mode == COMMIT_FINISH)
		rc = samba_put(r, tx);
	if (rc == ODJ_OK)
		rc = odj_commit_put(tx, ODJ_APPLY_JOIN_RECORD, record_text, strlen(record_text),
				    j->record_st.st_mode & 0644, 0, 0);
	static const char mark[] = "odj-rotate has staged a new password; the next run finishes "
				   "or undoes the rotation\n";
	if (rc == ODJ_OK && mode == COMMIT_STAGE)
		rc = odj_commit_put_secret(tx, ODJ_ROTATE_PASSWORD, stage_pw16, 0600, 0, 0);
	else if (rc == ODJ_OK)
		rc = odj_commit_remove(tx, ODJ_ROTATE_PASSWORD);
	if (rc == ODJ_OK)
		rc = mode == COMMIT_STAGE
			     ? odj_commit_put(tx, ODJ_ROTATE_PENDING, mark, sizeof(mark) - 1, 0644, 0, 0)
			     : odj_commit_remove(tx, ODJ_ROTATE_PENDING);
	if (rc == ODJ_OK)
		rc = odj_commit_run(tx);
	talloc_free(tx);
	talloc_free(kt);
	return rc == ODJ_OK ? odj_rotate_load(r) : rc;
}

static json_object *parse_record(struct rotate_run *r)
{
	json_object *o = json_tokener_parse(r->j->record_text);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		odj_fail(r->ctx, ODJ_E_CONFIG, ODJ_NERR_SetupNotJoined,
			 "the join record %s is not a JSON object", r->j->record_file);
		return NULL;
	}
	return o;
}

odj_result odj_rotate_stage(struct rotate_run *r, const struct odj_secret *password_utf16,
			    uint32_t next)
{
	struct odj_joined *j = r->j;
	odj_doing(r->ctx, "staging the new password of %s for kvno %u in %s", j->sam, next,
		  ODJ_ROTATE_PASSWORD);
	json_object *o = parse_record(r);
	if (o == NULL)
		return odj_error_get(r->ctx)->result;
	json_object *rot = json_object_new_object();
	json_object_object_add(rot, "pending_kvno", json_object_new_int64(next));
	json_object_object_add(rot, "from_kvno", json_object_new_int64(j->kt_kvno));
	json_object_object_add(rot, "started_at", json_object_new_string(iso_now(r->mem)));
	json_object_object_add(o, "rotation", rot);
	odj_result rc = commit(r, o, COMMIT_STAGE, password_utf16);
	json_object_put(o);
	return rc;
}

odj_result odj_rotate_commit(struct rotate_run *r, uint32_t pending, uint32_t kvno,
			     uint32_t previous, bool undo)
{
	struct odj_joined *j = r->j;
	odj_doing(r->ctx, "%s the rotation of %s to kvno %u in %s", undo ? "undoing" : "committing",
		  j->sam, undo ? pending : kvno, j->keytab_file);
	for (size_t i = j->kt->n; i-- > 0;) {
		struct odj_keytab_entry *e = &j->kt->entries[i];
		if (!ours(j, e, r->mem))
			continue;
		if (undo ? e->kvno == pending : e->kvno < previous)
			odj_keytab_remove(j->kt, i);
		else if (!undo && e->kvno == pending)
			e->kvno = kvno;
	}
	json_object *o = parse_record(r);
	if (o == NULL)
		return odj_error_get(r->ctx)->result;
	json_object_object_del(o, "rotation");
	if (!undo) {
		json_object *kv = json_object_new_array();
		json_object_array_add(kv, json_object_new_int64(kvno));
		json_object_object_add(o, "kvno", json_object_new_int64(kvno));
		json_object_object_add(o, "kvnos", kv);
		json_object_object_add(o, "kvno_source", json_object_new_string("odj-rotate"));
		json_object_object_add(o, "rotated_at", json_object_new_string(iso_now(r->mem)));
	}
	odj_result rc = commit(r, o, undo ? COMMIT_UNDO : COMMIT_FINISH, NULL);
	json_object_put(o);
	return rc;
}

void odj_rotate_keytab_kvnos(struct rotate_run *r)
{
	struct odj_rotate_req *q = r->req;
	q->out.n_keytab_kvnos = 0;
	if (r->j == NULL)
		return;
	q->out.keytab_kvnos = talloc_zero_array(r->mem, uint32_t, r->j->kt->n + 1);
	for (size_t i = 0; q->out.keytab_kvnos && i < r->j->kt->n; i++) {
		const struct odj_keytab_entry *e = &r->j->kt->entries[i];
		char *p = odj_keytab_principal(r->mem, e);
		if (p == NULL || strcasecmp(p, r->j->principal) != 0)
			continue;
		bool seen = false;
		for (size_t k = 0; k < q->out.n_keytab_kvnos; k++)
			seen = seen || q->out.keytab_kvnos[k] == e->kvno;
		if (!seen)
			q->out.keytab_kvnos[q->out.n_keytab_kvnos++] = e->kvno;
	}
}

odj_result odj_rotate_samba_find(struct rotate_run *r)
{
	static const char *const paths[] = {"/var/lib/samba/private/secrets.tdb",
					    "/var/lib/samba/secrets.tdb"};
	struct odj_joined *j = r->j;
	r->samba_tdb = NULL;
	if (j->netbios_domain == NULL)
		return ODJ_OK;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *file = strcmp(j->root, "/") == 0
				     ? talloc_strdup(r->mem, paths[i])
				     : talloc_asprintf(r->mem, "%s%s", j->root, paths[i]);
		struct stat st;
		if (lstat(file, &st) != 0)
			continue;
		/*
		 * Proves now, before anything changes, that the file can follow the
		 * rotation: libtdb reads it and it holds this domain's machine
		 * password (a throwaway password; the result is dropped).
		 */
		odj_doing(r->ctx, "reading Samba's secrets.tdb %s", file);
		struct odj_secret *old = NULL, *probe = NULL, *tdb = NULL;
		odj_result rc = odj_joined_read_secret(r->ctx, r->mem, j->root, paths[i],
						       SECRETS_TDB_MAX, "Samba secrets file", &old);
		if (rc == ODJ_OK && (probe = odj_secret_new(r->mem, 2)) == NULL)
			rc = odj_fail(r->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				      "out of memory");
		if (rc == ODJ_OK) {
			memcpy(odj_secret_data(probe), "x", 2);
			rc = odj_samba_secrets_rotate(r->ctx, r->mem, odj_secret_data(old),
						      odj_secret_len(old), j->netbios_domain, probe,
						      0, &tdb);
		}
		talloc_free(old);
		talloc_free(probe);
		talloc_free(tdb);
		if (rc == ODJ_OK) {
			r->samba_tdb = talloc_strdup(r->mem, paths[i]);
			return ODJ_OK;
		}
		if (odj_error_get(r->ctx)->status == ODJ_ERROR_FILE_NOT_FOUND) {
			odj_error_clear(r->ctx); /* Samba's file, another domain's or none */
			continue;
		}
		odj_error_detail(r->ctx, "odj-rotate changes the machine password in secrets.tdb "
					 "together with the keytab, and this file cannot be changed; "
					 "nothing was changed");
		return rc;
	}
	return ODJ_OK;
}
