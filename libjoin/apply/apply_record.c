/* The join record: what was joined, for the next apply and for people. */
#include <string.h>

#include <json-c/json.h>

#include "apply_internal.h"
#include "json_fields.h"

#define RECORD_VERSION 1

void odj_apply_record_read(TALLOC_CTX *mem, const struct apply_file *f, struct apply_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	if (!f->exists)
		return;
	rec->exists = true;
	char *text = talloc_strndup(mem, (const char *)f->data, f->len);
	json_object *o = text ? json_tokener_parse(text) : NULL;
	talloc_free(text);
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		rec->damaged = true;
		json_object_put(o);
		return;
	}
	rec->domain = odj_json_str(mem, o, "domain");
	rec->realm = odj_json_str(mem, o, "realm");
	rec->sam = odj_json_str(mem, o, "sam_account_name");
	rec->joined_at = odj_json_str(mem, o, "joined_at");
	rec->principals = odj_json_strv(mem, o, "principals", &rec->n_principals);
	if (rec->domain == NULL || rec->sam == NULL || rec->realm == NULL)
		rec->damaged = true;
	json_object_put(o);
}

static void add_str(json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

char *odj_apply_record_text(TALLOC_CTX *mem, const struct apply_facts *f,
			    const struct odj_apply_req *req, char *const *principals,
			    size_t n_principals, const char *keytab, const char *joined_at)
{
	json_object *o = json_object_new_object();
	/* names, types and units of man/odj-json.schema.json, like every odj JSON */
	json_object_object_add(o, "schema_version", json_object_new_int(1));
	json_object_object_add(o, "version", json_object_new_int(RECORD_VERSION));
	add_str(o, "domain", f->domain);
	add_str(o, "realm", f->realm);
	add_str(o, "netbios_domain", f->netbios_domain);
	add_str(o, "forest", f->forest);
	add_str(o, "domain_sid", f->domain_sid);
	add_str(o, "domain_guid", f->domain_guid);
	add_str(o, "machine", f->machine);
	add_str(o, "sam_account_name", f->sam);
	add_str(o, "dns_host_name", f->fqdn);
	add_str(o, "machine_sid", f->machine_sid);
	json_object_object_add(o, "machine_rid",
			       f->machine_sid ? json_object_new_int64(f->rid) : NULL);
	json_object *kv = json_object_new_array();
	for (size_t i = 0; i < req->out.n_kvnos; i++)
		json_object_array_add(kv, json_object_new_int64(req->out.kvnos[i]));
	json_object_object_add(o, "kvno", json_object_new_int64(req->out.kvnos[0]));
	json_object_object_add(o, "kvnos", kv);
	add_str(o, "kvno_source", req->in.kvno ? "--kvno" : req->out.kvno_guessed ? "fallback" : "blob");
	json_object_object_add(o, "enctypes", json_object_new_int64(req->out.enctypes));
	add_str(o, "keytab", keytab);
	json_object *pr = json_object_new_array();
	for (size_t i = 0; i < n_principals; i++)
		json_object_array_add(pr, json_object_new_string(principals[i]));
	json_object_object_add(o, "principals", pr);
	if (req->out.samba) {
		json_object *sf = json_object_new_array();
		for (size_t i = 0; i < req->out.n_samba_files; i++)
			json_object_array_add(sf, json_object_new_string(req->out.samba_files[i]));
		json_object_object_add(o, "samba_files", sf);
	}
	add_str(o, "dc", f->dc_name);
	add_str(o, "site", f->site);
	add_str(o, "blob_source", req->out.source);
	json_object_object_add(o, "default_password", json_object_new_boolean(req->out.defpwd));
	add_str(o, "joined_at", joined_at);
	char *text = talloc_asprintf(mem, "%s\n",
				     json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
									       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}
