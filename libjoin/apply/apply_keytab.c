/* The new keytab: the target's entries of other principals kept, the machine's written anew. */
#include <ctype.h>
#include <string.h>

#include <odj/status.h>

#include "apply_internal.h"
#include "apply_keytab.h"

char **odj_apply_keytab_machines(TALLOC_CTX *mem, const struct odj_keytab *kt, size_t *n)
{
	char **list = talloc_zero_array(mem, char *, 1);
	*n = 0;
	for (size_t i = 0; list != NULL && kt != NULL && i < kt->n; i++) {
		const struct odj_keytab_entry *e = &kt->entries[i];
		size_t l = strlen(e->components[0]);
		if (e->n_components != 1 || l < 2 || e->components[0][l - 1] != '$')
			continue;
		char *p = odj_keytab_principal(list, e);
		bool seen = false;
		for (size_t j = 0; p && j < *n; j++)
			seen = seen || strcmp(list[j], p) == 0;
		if (p == NULL || seen)
			continue;
		char **grown = talloc_realloc(mem, list, char *, *n + 2);
		if (grown == NULL)
			break;
		list = grown;
		list[(*n)++] = p;
		list[*n] = NULL;
	}
	return list;
}

/* The host of a service principal's instance ("x.dom:443" -> "x.dom"), compared with a machine. */
static bool instance_is_machine(const char *inst, const char *short_lower)
{
	size_t hl = strcspn(inst, ":");
	size_t sl = strlen(short_lower);
	if (hl < sl || strncasecmp(inst, short_lower, sl) != 0)
		return false;
	return hl == sl || inst[sl] == '.';
}

/* Whether e belongs to machine "X$@REALM" (its account or one of its host's services). */
static bool entry_of_machine(const struct odj_keytab_entry *e, const char *machine)
{
	const char *at = strrchr(machine, '@');
	if (at == NULL || strcmp(e->realm, at + 1) != 0)
		return false;
	size_t nl = (size_t)(at - machine);
	if (e->n_components == 1)
		return strlen(e->components[0]) == nl && strncmp(e->components[0], machine, nl) == 0;
	if (e->n_components != 2 || nl < 2)
		return false;
	char short_lower[64];
	if (nl - 1 >= sizeof(short_lower))
		return false;
	for (size_t i = 0; i < nl - 1; i++)
		short_lower[i] = (char)tolower((unsigned char)machine[i]);
	short_lower[nl - 1] = '\0';
	return instance_is_machine(e->components[1], short_lower);
}

static bool in_list(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* The timestamp of an identical old entry (same principal, kvno, enctype, key), else now. */
static uint32_t old_timestamp(const struct odj_keytab *old, const char *principal, uint32_t kvno,
			      int32_t enctype, const krb5_keyblock *key, uint32_t now)
{
	for (size_t i = 0; old != NULL && i < old->n; i++) {
		const struct odj_keytab_entry *e = &old->entries[i];
		if (e->kvno != kvno || e->enctype != enctype ||
		    odj_secret_len(e->key) != key->length ||
		    memcmp(odj_secret_data(e->key), key->contents, key->length) != 0)
			continue;
		char *p = odj_keytab_principal(NULL, e);
		bool same = p != NULL && strcmp(p, principal) == 0;
		talloc_free(p);
		if (same)
			return e->timestamp;
	}
	return now;
}

static void plan_line(TALLOC_CTX *mem, struct odj_apply_req *req, const char *principal,
		      uint32_t kvno, int32_t enctype, const char *action)
{
	struct odj_apply_key *k =
		talloc_realloc(mem, req->out.keys, struct odj_apply_key, req->out.n_keys + 1);
	if (k == NULL)
		return;
	req->out.keys = k;
	k[req->out.n_keys].principal = talloc_strdup(k, principal);
	k[req->out.n_keys].kvno = kvno;
	k[req->out.n_keys].enctype = enctype;
	k[req->out.n_keys].enctype_name = odj_enctype_name(enctype);
	k[req->out.n_keys].action = action;
	req->out.n_keys++;
}

odj_result odj_apply_keytab_build(struct odj_ctx *ctx, TALLOC_CTX *mem,
				  const struct apply_keytab_in *in, struct odj_apply_req *req,
				  struct odj_secret **out)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	struct odj_keytab *kt = odj_keytab_new(tmp);
	odj_result r = ODJ_OK;
	if (tmp == NULL || kt == NULL) {
		talloc_free(tmp);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	/* Other principals' entries stay, in their order. */
	for (size_t i = 0; in->old != NULL && i < in->old->n; i++) {
		const struct odj_keytab_entry *e = &in->old->entries[i];
		char *p = odj_keytab_principal(tmp, e);
		if (p == NULL) {
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				     "out of memory");
			goto out;
		}
		bool drop = in_list(in->principals, in->n_principals, p);
		for (size_t m = 0; !drop && m < in->n_replaced; m++)
			drop = entry_of_machine(e, in->replaced[m]) ||
			       in_list(in->replaced, in->n_replaced, p);
		if (drop) {
			if (!in_list(in->principals, in->n_principals, p))
				plan_line(in->report_mem, req, p, e->kvno, e->enctype, "remove");
			continue;
		}
		r = odj_keytab_add(ctx, kt, p, e->kvno, e->enctype, odj_secret_data(e->key),
				   odj_secret_len(e->key), e->timestamp);
		if (r != ODJ_OK)
			goto out;
		kt->entries[kt->n - 1].name_type = e->name_type;
		plan_line(in->report_mem, req, p, e->kvno, e->enctype, "keep");
	}
	/* The machine's entries: principal by principal, kvno, then the enctypes strongest first. */
	for (size_t p = 0; p < in->n_principals; p++) {
		for (size_t v = 0; v < in->n_kvnos; v++) {
			for (size_t k = 0; k < in->keys->n; k++) {
				const struct odj_key *key = &in->keys->keys[k];
				uint32_t ts = old_timestamp(in->old, in->principals[p], in->kvnos[v],
							    key->enctype, &key->block, in->now);
				r = odj_keytab_add(ctx, kt, in->principals[p], in->kvnos[v],
						   key->enctype, key->block.contents,
						   key->block.length, ts);
				if (r != ODJ_OK)
					goto out;
				plan_line(in->report_mem, req, in->principals[p], in->kvnos[v], key->enctype,
					  "add");
			}
		}
	}
	r = odj_keytab_serialize(ctx, mem, kt, out);
out:
	talloc_free(tmp);
	return r;
}
