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

#include "rotate_internal.h"

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

/*
 * Writes the keytab and the record in one transaction, with the pending mark
 * for the unit created (pending) or removed, then reloads the join.
 */
static odj_result commit(struct rotate_run *r, json_object *record, bool pending)
{
	struct odj_joined *j = r->j;
	struct odj_secret *kt = NULL;
	odj_result rc = odj_keytab_serialize(r->ctx, r->mem, j->kt, &kt);
	if (rc != ODJ_OK)
		return rc;
	const char *text = json_object_to_json_string_ext(record, JSON_C_TO_STRING_PRETTY |
									  JSON_C_TO_STRING_NOSLASHESCAPE);
	char *record_text = talloc_asprintf(r->mem, "%s\n", text);
	struct odj_commit *tx = odj_commit_begin(r->mem, r->ctx, j->root);
	if (tx == NULL)
		return odj_error_get(r->ctx)->result;
	rc = odj_commit_put_secret(tx, j->keytab, kt, 0600, 0, 0);
	if (rc == ODJ_OK)
		rc = odj_commit_put(tx, ODJ_APPLY_JOIN_RECORD, record_text, strlen(record_text),
				    j->record_st.st_mode & 0644, 0, 0);
	static const char mark[] = "odj-rotate has staged new keys; the next run finishes or "
				   "undoes the rotation\n";
	if (rc == ODJ_OK)
		rc = pending ? odj_commit_put(tx, ODJ_ROTATE_PENDING, mark, sizeof(mark) - 1, 0644, 0, 0)
			     : odj_commit_remove(tx, ODJ_ROTATE_PENDING);
	if (rc == ODJ_OK)
		rc = odj_commit_run(tx);
	talloc_free(tx);
	talloc_free(kt);
	if (rc != ODJ_OK)
		return rc;
	const char *root = j->root;
	struct odj_joined *fresh = NULL;
	rc = odj_joined_load(r->ctx, r->mem, root, &fresh);
	if (rc == ODJ_OK) {
		talloc_free(r->j);
		r->j = fresh;
	}
	return rc;
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
	uint32_t bits = j->enctypes & 0x1c ? j->enctypes & 0x1c : 0x18;
	char *salt = odj_krb5_salt(r->mem, j->realm, j->sam);
	krb5_context kctx = odj_krb_context(r->krb);
	struct odj_keyset *ks = NULL;
	odj_doing(r->ctx, "staging the new keys of %s as kvno %u in %s", j->sam, next,
		  j->keytab_file);
	odj_result rc = odj_keys_derive(r->ctx, r->mem, kctx, password_utf16, salt, bits, &ks);
	uint32_t stamp = (uint32_t)time(NULL);
	for (size_t p = 0; rc == ODJ_OK && p < j->n_principals; p++)
		for (size_t k = 0; rc == ODJ_OK && k < ks->n; k++)
			rc = odj_keytab_add(r->ctx, j->kt, j->principals[p], next, ks->keys[k].enctype,
					    ks->keys[k].block.contents, ks->keys[k].block.length,
					    stamp);
	talloc_free(ks);
	json_object *o = rc == ODJ_OK ? parse_record(r) : NULL;
	if (o == NULL)
		return rc != ODJ_OK ? rc : odj_error_get(r->ctx)->result;
	json_object *rot = json_object_new_object();
	json_object_object_add(rot, "pending_kvno", json_object_new_int64(next));
	json_object_object_add(rot, "from_kvno", json_object_new_int64(j->kt_kvno));
	json_object_object_add(rot, "started_at", json_object_new_string(iso_now(r->mem)));
	json_object_object_add(o, "rotation", rot);
	rc = commit(r, o, true);
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
	odj_result rc = commit(r, o, false);
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

#define SECRETS_TDB_MAX (64u * 1024u * 1024u)

odj_result odj_rotate_samba_check(struct rotate_run *r)
{
	static const char *const paths[] = {"/var/lib/samba/private/secrets.tdb",
					    "/var/lib/samba/secrets.tdb"};
	struct odj_joined *j = r->j;
	if (j->netbios_domain == NULL)
		return ODJ_OK;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *path = strcmp(j->root, "/") == 0 ? talloc_strdup(r->mem, paths[i])
						       : talloc_asprintf(r->mem, "%s%s", j->root, paths[i]);
		int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (fd < 0)
			continue;
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > SECRETS_TDB_MAX) {
			close(fd);
			continue;
		}
		char *data = talloc_size(r->mem, (size_t)st.st_size + 1);
		ssize_t n = data ? read(fd, data, (size_t)st.st_size) : -1;
		close(fd);
		/* The keys Samba keeps the machine password under (TDB stores keys verbatim). */
		const char *found = NULL;
		const char *keys[] = {"SECRETS/MACHINE_PASSWORD/", "SECRETS/MACHINE_DOMAIN_INFO/"};
		for (size_t k = 0; n > 0 && found == NULL && k < 2; k++) {
			char *key = talloc_asprintf(r->mem, "%s%s", keys[k], j->netbios_domain);
			if (memmem(data, (size_t)n, key, strlen(key)) != NULL)
				found = key;
		}
		if (found == NULL)
			continue;
		odj_doing(r->ctx, "checking Samba's secrets.tdb %s", path);
		odj_fail(r->ctx, ODJ_E_CONFIG, ODJ_ERROR_NOT_SUPPORTED,
			 "Samba's %s holds this machine's password (%s): odj-rotate does not write "
			 "secrets.tdb, and changing the password here would leave winbind with the "
			 "old one; nothing was changed",
			 path, found);
		odj_error_advice(r->ctx, "Rotate with Samba's own tool, which updates secrets.tdb and "
					 "the keytab together (net ads changetrustpw with 'kerberos "
					 "method = secrets and keytab'), or let one rotator do it for "
					 "both (sssd with ad_update_samba_machine_account_password).");
		return ODJ_E_CONFIG;
	}
	return ODJ_OK;
}
