/* The join record and keytab of a joined machine, and a DC to check them with. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include <json-c/json.h>

#include <odj/apply.h>
#include <odj/catalogue.h>
#include <odj/locate.h>

#include "joined.h"
#include "json_fields.h"
#include "session.h"

#define RECORD_MAX (256u * 1024u)

static char *below(TALLOC_CTX *mem, const char *root, const char *path)
{
	if (root == NULL || strcmp(root, "/") == 0)
		return talloc_strdup(mem, path);
	size_t n = strlen(root);
	return talloc_asprintf(mem, "%.*s%s", (int)(root[n - 1] == '/' ? n - 1 : n), root, path);
}

/*
 * Reads a file only root may change; deny is the mode bits others must not
 * have (077 for the keytab: its keys are the machine's password; 022 for the
 * join record, which holds no secret).
 */
static odj_result read_private(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path, size_t max,
			       mode_t deny, uint8_t **data, size_t *len, struct stat *st,
			       const char *what)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		odj_fail(ctx, ODJ_E_CONFIG,
			 errno == ENOENT ? ODJ_NERR_SetupNotJoined : ODJ_ERROR_ACCESS_DENIED,
			 "cannot open the %s %s: %s", what, path, strerror(errno));
		return ODJ_E_CONFIG;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || (size_t)st->st_size > max) {
		close(fd);
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
				"the %s %s is not a regular file of at most %zu bytes", what, path,
				max);
	}
	if (st->st_uid != 0 || (st->st_mode & deny) != 0) {
		close(fd);
		odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
			 "the %s %s is not %s only by root (owner %u, mode %04o)", what, path,
			 deny == 077 ? "readable" : "writable", (unsigned)st->st_uid,
			 (unsigned)(st->st_mode & 07777));
		odj_error_advice(ctx, "chown root:root %s && chmod %s %s%s", path,
				 deny == 077 ? "600" : "644", path,
				 deny == 077 ? "; others could read the machine's keys: rotate the "
					       "machine password (odj-rotate)."
					     : ".");
		return ODJ_E_CONFIG;
	}
	*data = talloc_size(mem, (size_t)st->st_size + 1);
	ssize_t n = *data ? read(fd, *data, (size_t)st->st_size) : -1;
	close(fd);
	if (n != (ssize_t)st->st_size)
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_READ_FAULT, "cannot read the %s %s",
				what, path);
	(*data)[n] = 0;
	*len = (size_t)n;
	return ODJ_OK;
}

static uint32_t num(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	int64_t n = json_object_get_int64(v);
	return n > 0 && n <= UINT32_MAX ? (uint32_t)n : 0;
}

static odj_result parse_record(struct odj_ctx *ctx, struct odj_joined *j)
{
	json_object *o = json_tokener_parse(j->record_text);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_NERR_SetupNotJoined,
				"the join record %s is not a JSON object", j->record_file);
	}
	j->domain = odj_json_str(j, o, "domain");
	j->realm = odj_json_str(j, o, "realm");
	j->sam = odj_json_str(j, o, "sam_account_name");
	j->fqdn = odj_json_str(j, o, "dns_host_name");
	j->dc = odj_json_str(j, o, "dc");
	j->site = odj_json_str(j, o, "site");
	j->netbios_domain = odj_json_str(j, o, "netbios_domain");
	j->keytab = odj_json_str(j, o, "keytab");
	j->kvno = num(o, "kvno");
	j->enctypes = num(o, "enctypes");
	json_object *rot;
	if (json_object_object_get_ex(o, "rotation", &rot) && json_object_is_type(rot, json_type_object))
		j->pending_kvno = num(rot, "pending_kvno");
	j->principals = odj_json_strv(j, o, "principals", &j->n_principals);
	json_object_put(o);
	if (j->domain == NULL || j->realm == NULL || j->sam == NULL || j->fqdn == NULL ||
	    j->kvno == 0 || j->n_principals == 0)
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_NERR_SetupNotJoined,
				"the join record %s lacks the domain, realm, account, host name, "
				"kvno or principals",
				j->record_file);
	if (j->keytab == NULL)
		j->keytab = talloc_strdup(j, ODJ_APPLY_DEFAULT_KEYTAB);
	j->principal = talloc_asprintf(j, "%s@%s", j->sam, j->realm);
	return ODJ_OK;
}

odj_result odj_joined_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *root,
			   struct odj_joined **out)
{
	*out = NULL;
	struct odj_joined *j = talloc_zero(mem, struct odj_joined);
	j->root = talloc_strdup(j, root ? root : "/");
	j->record_file = below(j, j->root, ODJ_APPLY_JOIN_RECORD);
	odj_doing(ctx, "reading the join record %s", j->record_file);
	uint8_t *data = NULL;
	size_t len = 0;
	odj_result r = read_private(ctx, j, j->record_file, RECORD_MAX, 022, &data, &len, &j->record_st,
				    "join record");
	if (r != ODJ_OK) {
		if (odj_error_get(ctx)->status == ODJ_NERR_SetupNotJoined)
			odj_error_advice(ctx, "This machine was not joined by odj-apply (or --root "
					      "points elsewhere): join it first.");
		talloc_free(j);
		return r;
	}
	j->record_text = (char *)data;
	if ((r = parse_record(ctx, j)) != ODJ_OK) {
		talloc_free(j);
		return r;
	}
	j->keytab_file = below(j, j->root, j->keytab);
	odj_doing(ctx, "reading the keytab %s", j->keytab_file);
	if ((r = read_private(ctx, j, j->keytab_file, ODJ_KEYTAB_MAX_BYTES, 077, &data, &len,
			      &j->keytab_st, "keytab")) != ODJ_OK ||
	    (r = odj_keytab_parse(ctx, j, data, len, &j->kt)) != ODJ_OK) {
		talloc_free(j);
		return r;
	}
	for (size_t i = 0; i < j->kt->n; i++) {
		char *p = odj_keytab_principal(j, &j->kt->entries[i]);
		if (p != NULL && strcasecmp(p, j->principal) == 0 && j->kt->entries[i].kvno > j->kt_kvno)
			j->kt_kvno = j->kt->entries[i].kvno;
		talloc_free(p);
	}
	*out = j;
	return ODJ_OK;
}

static bool has_entry(const struct odj_joined *j, const char *principal, uint32_t kvno,
		      int32_t enctype)
{
	for (size_t i = 0; i < j->kt->n; i++) {
		const struct odj_keytab_entry *e = &j->kt->entries[i];
		if (e->kvno != kvno || (enctype != 0 && e->enctype != enctype))
			continue;
		char *p = odj_keytab_principal(NULL, e);
		bool same = p != NULL && strcmp(p, principal) == 0;
		talloc_free(p);
		if (same)
			return true;
	}
	return false;
}

bool odj_joined_keytab_has(const struct odj_joined *j, uint32_t kvno, char **missing,
			   TALLOC_CTX *mem)
{
	static const struct {
		uint32_t bit;
		int32_t enctype;
	} types[] = {{0x10, 18}, {0x8, 17}, {0x4, 23}};
	for (size_t p = 0; p < j->n_principals; p++) {
		bool any = false;
		for (size_t t = 0; t < 3; t++) {
			if (!(j->enctypes & types[t].bit))
				continue;
			any = true;
			if (!has_entry(j, j->principals[p], kvno, types[t].enctype)) {
				*missing = talloc_asprintf(mem, "%s kvno %u %s", j->principals[p], kvno,
							   odj_enctype_name(types[t].enctype));
				return false;
			}
		}
		if (!any && !has_entry(j, j->principals[p], kvno, 0)) {
			*missing = talloc_asprintf(mem, "%s kvno %u", j->principals[p], kvno);
			return false;
		}
	}
	return true;
}

odj_result odj_joined_memory_keytab(struct odj_ctx *ctx, const struct odj_joined *j,
				    krb5_context kctx, uint32_t kvno, char **name, krb5_keytab *kt,
				    TALLOC_CTX *mem)
{
	uint8_t rnd[8];
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE, "getrandom failed");
	*name = talloc_asprintf(mem, "MEMORY:odj-kt-%d-%02x%02x%02x%02x%02x%02x%02x%02x", getpid(),
				rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	krb5_error_code ret = krb5_kt_resolve(kctx, *name, kt);
	size_t added = 0;
	for (size_t i = 0; ret == 0 && i < j->kt->n; i++) {
		const struct odj_keytab_entry *e = &j->kt->entries[i];
		if (e->kvno != kvno)
			continue;
		char *p = odj_keytab_principal(mem, e);
		krb5_keytab_entry ke;
		memset(&ke, 0, sizeof(ke));
		ret = krb5_parse_name(kctx, p, &ke.principal);
		if (ret != 0)
			break;
		ke.vno = kvno;
		ke.key.magic = KV5M_KEYBLOCK;
		ke.key.enctype = e->enctype;
		ke.key.length = (unsigned)odj_secret_len(e->key);
		ke.key.contents = (krb5_octet *)odj_secret_data(e->key);
		ret = krb5_kt_add_entry(kctx, *kt, &ke); /* copies the key */
		krb5_free_principal(kctx, ke.principal);
		added++;
	}
	if (ret != 0 || added == 0) {
		if (*kt != NULL)
			odj_joined_memory_keytab_free(kctx, *kt);
		*kt = NULL;
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
				"the keytab %s has no usable keys at kvno %u", j->keytab_file, kvno);
	}
	return ODJ_OK;
}

void odj_joined_memory_keytab_free(krb5_context kctx, krb5_keytab kt)
{
	if (kt != NULL)
		krb5_kt_close(kctx, kt); /* the last handle of a MEMORY keytab frees (and wipes) it */
}

odj_result odj_joined_locate(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_joined *j,
			     const char *dc, const struct odj_deadlines *d, char **dc_name,
			     char **dc_address, char **site, const char **how)
{
	const char *tries[2] = {dc ? dc : j->dc, NULL};
	const char *labels[2] = {dc ? "given" : "recorded by the join", "DNS SRV and CLDAP"};
	odj_result r = ODJ_E_NETWORK;
	for (int i = (tries[0] == NULL); i < 2; i++) {
		if (i == 1 && dc != NULL)
			break; /* a DC the caller named is not replaced */
		struct odj_locate_dc_req lr = {.in = {.domain = j->domain,
						      .dc = tries[i],
						      .account = j->sam,
						      .timeout_ms = (unsigned)d->cldap_ms}};
		odj_doing(ctx, "finding a domain controller of %s (%s)", j->domain, labels[i]);
		r = odj_locate_dc(ctx, mem, &lr);
		if (r != ODJ_OK)
			continue;
		*dc_name = lr.out.dc_name;
		*dc_address = lr.out.dc_address;
		*site = lr.out.info && lr.out.info->client_site ? lr.out.info->client_site
			: lr.out.info && lr.out.info->dc_site  ? lr.out.info->dc_site
							       : NULL;
		*how = labels[i];
		if (lr.out.info && !lr.out.info->user_exists) {
			odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_ComputerAccountNotFound,
				 "the DC %s has no account %s", *dc_name, j->sam);
			odj_error_advice(ctx, "The computer account was deleted: provision the "
					      "machine again (odj-prepare) and apply with --rejoin.");
			return ODJ_E_DIRECTORY;
		}
		return ODJ_OK;
	}
	return r;
}

odj_result odj_joined_krb(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_joined *j,
			  const char *address, const struct odj_deadlines *d, struct odj_krb **out)
{
	struct odj_krb_options ko = ODJ_KRB_OPTIONS_INIT;
	ko.realm = j->realm;
	ko.kdc_address = address;
	ko.connect_timeout_ms = d->kdc_connect_ms;
	ko.reply_timeout_ms = d->kdc_reply_ms;
	return odj_krb_open(ctx, mem, &ko, out);
}

char *odj_joined_error_line(TALLOC_CTX *mem, const struct odj_ctx *ctx)
{
	const struct odj_error *e = odj_error_get(ctx);
	if (e->result == ODJ_OK)
		return NULL;
	return talloc_asprintf(mem, "%s%s%s", e->message ? e->message : "", e->detail ? ": " : "",
			       e->detail ? e->detail : "");
}

void odj_joined_clone_diagnosis(struct odj_ctx *ctx, const struct odj_joined *j,
				uint32_t account_kvno, const char *kdc_said)
{
	if (account_kvno > 0)
		odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_TRUSTED_RELATIONSHIP_FAILURE,
			 "keytab kvno %u, account kvno %u: the account's password was changed after "
			 "this keytab was written — another machine uses this identity (a clone), or "
			 "this system was restored from a snapshot",
			 j->kt_kvno, account_kvno);
	else
		odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_TRUSTED_RELATIONSHIP_FAILURE,
			 "keytab kvno %u: the KDC refuses this keytab's keys for %s — the account's "
			 "password was changed after this keytab was written: another machine uses "
			 "this identity (a clone), or this system was restored from a snapshot",
			 j->kt_kvno, j->sam);
	size_t n = strlen(j->sam);
	odj_error_advice(ctx,
			 "Give this machine its own identity again: provision it anew next to a DC "
			 "(odj-prepare --reuse %.*s) and apply that blob here with odj-apply --rejoin. "
			 "On the machine that keeps the account (the one whose keys the KDC takes), "
			 "odj-rotate makes every other copy of its keys worthless.%s",
			 (int)(n > 0 && j->sam[n - 1] == '$' ? n - 1 : n), j->sam,
			 account_kvno ? "" : " odj-verify --ccache with any domain user's credentials "
					     "names the account's kvno.");
	if (kdc_said != NULL)
		odj_error_detail(ctx, "with the keytab's kvno %u keys: %s", j->kt_kvno, kdc_said);
}

odj_result odj_joined_read_secret(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *root,
				  const char *path, size_t max, const char *what,
				  struct odj_secret **out)
{
	char *file = below(mem, root, path);
	uint8_t *data = NULL;
	size_t len = 0;
	struct stat st;
	odj_result r = read_private(ctx, mem, file, max, 077, &data, &len, &st, what);
	if (r == ODJ_OK) {
		*out = odj_secret_new(mem, len);
		if (*out == NULL)
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
		else
			memcpy(odj_secret_data(*out), data, len);
	}
	if (data != NULL)
		odj_wipe(data, len);
	talloc_free(data);
	talloc_free(file);
	return r;
}
