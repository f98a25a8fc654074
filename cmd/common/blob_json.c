/*
 * What odj-inspect prints for scripts: a provisioning blob or a bundle's
 * manifest in the JSON vocabulary of man/odj-json.schema.json (the names,
 * types and units the join record and odj-apply --json use too).
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "blob_print.h"

static void jadd(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *jint(int64_t v)
{
	return json_object_new_int64(v);
}

/* A "\\dc1.odj.test" UNC name or address as the name alone. */
static json_object *jhost(const char *unc)
{
	if (unc == NULL)
		return NULL;
	while (*unc == '\\')
		unc++;
	return json_object_new_string(unc);
}

/* "A|B|C" as ["A", "B", "C"]. */
static json_object *jnames(TALLOC_CTX *mem, const char *joined)
{
	json_object *a = json_object_new_array();
	char *copy = talloc_strdup(mem, joined ? joined : ""), *save = NULL;
	for (char *t = copy ? strtok_r(copy, "|", &save) : NULL; t; t = strtok_r(NULL, "|", &save))
		json_object_array_add(a, json_object_new_string(t));
	return a;
}

/* A FILETIME as UTC ISO 8601, null when it is 0 or out of range. */
static json_object *jtime(TALLOC_CTX *mem, uint64_t ft)
{
	char *s = cli_filetime_string(mem, ft);
	return s && strchr(s, 'T') ? json_object_new_string(s) : NULL;
}

/* A machine name as the vocabulary has it: upper case, without the $ some blobs carry. */
static json_object *jmachine(TALLOC_CTX *mem, const char *name)
{
	if (name == NULL)
		return NULL;
	char *m = talloc_strdup(mem, name);
	size_t len = m ? strlen(m) : 0;
	if (len > 0 && m[len - 1] == '$')
		m[len - 1] = '\0';
	for (char *p = m; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return cli_jstr(m);
}

/* The ODJ_WIN7BLOB's facts, added to o. */
static void add_win7(TALLOC_CTX *mem, json_object *o, const struct odj_win7blob *w)
{
	const struct odj_dns_domain_info *dn = &w->dns_domain_info;
	const struct odj_dc_info *dc = &w->dc_info;
	jadd(o, "domain", cli_jstr(dn->dns_domain_name.value ? dn->dns_domain_name.value : w->domain));
	jadd(o, "domain_given", cli_jstr(w->domain));
	jadd(o, "netbios_domain", cli_jstr(dn->name.value));
	jadd(o, "forest", cli_jstr(dn->dns_forest_name.value));
	jadd(o, "domain_sid", dn->sid ? cli_jstr(odj_sid_string(mem, dn->sid)) : NULL);
	jadd(o, "domain_guid", cli_jstr(odj_guid_string(mem, &dn->domain_guid)));
	jadd(o, "machine", jmachine(mem, w->machine_name));
	jadd(o, "machine_password", w->machine_password ? json_object_new_string(CLI_REDACTED) : NULL);
	jadd(o, "machine_password_units", jint((int64_t)odj_secret_len(w->machine_password) / 2));
	jadd(o, "dc", jhost(dc->dc_name));
	jadd(o, "dc_address", jhost(dc->dc_address));
	jadd(o, "dc_site", cli_jstr(dc->dc_site_name));
	jadd(o, "site", cli_jstr(dc->client_site_name));
	json_object *d = json_object_new_object();
	jadd(d, "address_type", jint(dc->dc_address_type));
	jadd(d, "domain", cli_jstr(dc->domain_name));
	jadd(d, "domain_guid", cli_jstr(odj_guid_string(mem, &dc->domain_guid)));
	jadd(d, "forest", cli_jstr(dc->dns_forest_name));
	jadd(d, "flags", jint(dc->flags));
	jadd(d, "flag_names", jnames(mem, odj_dc_flags_string(mem, dc->flags)));
	jadd(o, "dc_info", d);
	jadd(o, "options", jint(w->options));
	jadd(o, "option_names", jnames(mem, cli_options_string(mem, w->options)));
	jadd(o, "referent_style",
	     json_object_new_string(w->wire_style == ODJ_REFERENTS_SAMBA ? "samba" : "windows"));
}

/* The machine account of JOIN_PROVIDER3 and 4. */
static void add_machine_account(json_object *o, uint32_t rid, const char *sid)
{
	jadd(o, "machine_rid", jint(rid));
	jadd(o, "machine_sid", cli_jstr(sid));
}

static json_object *json_linux(TALLOC_CTX *mem, const struct odj_linux_part *l)
{
	json_object *o = json_object_new_object();
	jadd(o, "version", jint(l->version));
	jadd(o, "kvno", jint(l->kvno));
	jadd(o, "enctypes", jint(l->enctypes));
	cli_json_add_strs(o, "sam_account_name", l->sam_account_name, "dns_host_name", l->dns_host_name,
			  NULL);
	jadd(o, "spns", cli_jstrs(l->spns, l->spn_count));
	cli_json_add_strs(o, "upn", l->upn, "realm", l->realm, "salt", l->salt, NULL);
	jadd(o, "pwd_last_set", jtime(mem, l->pwd_last_set));
	jadd(o, "pwd_last_set_filetime", json_object_new_uint64(l->pwd_last_set));
	jadd(o, "created", jtime(mem, l->created));
	jadd(o, "created_filetime", json_object_new_uint64(l->created));
	jadd(o, "dc", cli_jstr(l->dc_name));
	jadd(o, "ignored_bytes", jint(l->wire_trailing));
	return o;
}

static json_object *json_policy(const struct odj_part *part)
{
	json_object *lists = json_object_new_array();
	for (uint32_t l = 0; l < part->u.policy->count; l++) {
		const struct odj_policy_list *pl = &part->u.policy->lists[l];
		json_object *lj = json_object_new_object(), *els = json_object_new_array();
		jadd(lj, "source", cli_jstr(pl->source));
		jadd(lj, "root_key", jint(pl->root_key_id));
		for (uint32_t e = 0; e < pl->count; e++) {
			json_object *ej = json_object_new_object();
			jadd(ej, "key_path", cli_jstr(pl->elements[e].key_path));
			jadd(ej, "value_name", cli_jstr(pl->elements[e].value_name));
			jadd(ej, "value_type", jint(pl->elements[e].value_type));
			jadd(ej, "size", jint(pl->elements[e].value.len));
			json_object_array_add(els, ej);
		}
		jadd(lj, "elements", els);
		json_object_array_add(lists, lj);
	}
	return lists;
}

static json_object *json_part(TALLOC_CTX *mem, const struct odj_part *part)
{
	json_object *o = json_object_new_object();
	jadd(o, "type", cli_jstr(odj_guid_string(mem, &part->type)));
	jadd(o, "name", cli_jstr(cli_part_name(part)));
	jadd(o, "flags", jint(part->flags));
	jadd(o, "essential", json_object_new_boolean(part->flags & ODJ_PART_FLAG_ESSENTIAL));
	jadd(o, "size", jint(part->wire_cb));
	switch (part->kind) {
	case ODJ_PART_JOIN_PROVIDER:
		add_win7(mem, o, part->u.win7);
		break;
	case ODJ_PART_JOIN_PROVIDER2:
		jadd(o, "persistent_site",
		     json_object_new_boolean(part->u.jp2->flags & ODJ_JP2_FLAG_PERSISTENTSITE));
		cli_json_add_strs(o, "netbios_name", part->u.jp2->netbios_name, "site",
				  part->u.jp2->site_name, "primary_dns_domain",
				  part->u.jp2->primary_dns_domain, NULL);
		break;
	case ODJ_PART_JOIN_PROVIDER3:
		add_machine_account(o, part->u.jp3->rid, part->u.jp3->sid);
		break;
	case ODJ_PART_JOIN_PROVIDER4:
		add_machine_account(o, part->u.jp4->rid, part->u.jp4->sid);
		jadd(o, "object_guid", cli_jstr(odj_guid_string(mem, &part->u.jp4->object_guid)));
		break;
	case ODJ_PART_POLICY:
		jadd(o, "element_lists", json_policy(part));
		break;
	case ODJ_PART_CERT:
		jadd(o, "pfx_stores", jint(part->u.cert->pfx_count));
		jadd(o, "sst_stores", jint(part->u.cert->sst_count));
		break;
	case ODJ_PART_LINUX:
		jadd(o, "linux", json_linux(mem, part->u.linux_part));
		break;
	case ODJ_PART_UNKNOWN:
		break;
	}
	return o;
}

static json_object *json_entries(TALLOC_CTX *mem, const struct odj_provision *prov)
{
	json_object *entries = json_object_new_array();
	for (uint32_t i = 0; i < prov->count; i++) {
		const struct odj_blob_entry *e = &prov->blobs[i];
		json_object *bj = json_object_new_object();
		jadd(bj, "format", jint(e->format));
		jadd(bj, "format_name", cli_jstr(e->format == ODJ_WIN7_FORMAT	  ? "ODJ_WIN7_FORMAT"
						 : e->format == ODJ_WIN8_FORMAT ? "ODJ_WIN8_FORMAT"
										: NULL));
		jadd(bj, "size", jint(e->wire_cb));
		const struct odj_part_collection *c = e->package ? e->package->collection : NULL;
		json_object *parts = json_object_new_array();
		for (uint32_t p = 0; c != NULL && p < c->count; p++)
			json_object_array_add(parts, json_part(mem, &c->parts[p]));
		jadd(bj, "parts", parts);
		json_object_array_add(entries, bj);
	}
	return entries;
}

void cli_print_blob_json(TALLOC_CTX *mem, const struct odj_provision *prov, json_object *envelope)
{
	json_object *root = cli_json_result();
	const struct odj_win7blob *w = odj_provision_win7(prov);
	const struct odj_joinprov3 *j3 = odj_provision_joinprov3(prov);
	const struct odj_linux_part *lp = odj_provision_linux_part(prov);
	jadd(root, "blob_version", jint(prov->version));
	jadd(root, "joinable", json_object_new_boolean(w != NULL));
	if (w != NULL)
		add_win7(mem, root, w);
	json_object *machine = w ? jmachine(mem, w->machine_name) : NULL;
	jadd(root, "sam_account_name",
	     lp && lp->sam_account_name ? cli_jstr(lp->sam_account_name)
	     : machine ? cli_jstr(talloc_asprintf(mem, "%s$", json_object_get_string(machine)))
		       : NULL);
	json_object_put(machine);
	jadd(root, "dns_host_name", cli_jstr(lp ? lp->dns_host_name : NULL));
	jadd(root, "realm", cli_jstr(lp ? lp->realm : NULL));
	jadd(root, "machine_rid", j3 ? jint(j3->rid) : NULL);
	jadd(root, "machine_sid", j3 ? cli_jstr(j3->sid) : NULL);
	jadd(root, "kvno", lp ? jint(lp->kvno) : NULL);
	jadd(root, "enctypes", lp ? jint(lp->enctypes) : NULL);
	jadd(root, "linux", lp ? json_linux(mem, lp) : NULL);
	jadd(root, "entries", json_entries(mem, prov));
	json_object *warnings = json_object_new_array();
	for (uint32_t i = 0; i < prov->nwarnings; i++)
		json_object_array_add(warnings, json_object_new_string(prov->warnings[i]));
	jadd(root, "warnings", warnings);
	if (envelope != NULL)
		jadd(root, "envelope", envelope);
	cli_json_print(root);
}

void cli_print_manifest_json(const struct odj_bundle_manifest *m)
{
	json_object *root = cli_json_result();
	jadd(root, "format", json_object_new_string("odj-bundle"));
	jadd(root, "version", jint(m->version));
	cli_json_add_strs(root, "domain", m->domain, "dc", m->dc, "created", m->created, NULL);
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < m->count; i++) {
		const struct odj_bundle_machine *e = &m->machines[i];
		json_object *o = json_object_new_object();
		cli_json_add_strs(o, "machine", e->machine, "dns_host_name", e->dns_host_name,
				  "machine_sid", e->sid, NULL);
		jadd(o, "kvno", jint(e->kvno));
		jadd(o, "file", cli_jstr(e->file));
		json_object_array_add(arr, o);
	}
	jadd(root, "machines", arr);
	cli_json_print(root);
}
