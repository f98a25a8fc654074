/*
 * odj-inspect: shows a provisioning blob (djoin / net offlinejoin / odj
 * format) for a person or, with --json, for scripts; explains status codes.
 * The machine password is never printed.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include <odj/blob.h>
#include <odj/bundle.h>

#include "cli.h"

#define TOOL "odj-inspect"
#define REDACTED "<redacted>"

static void usage(FILE *out)
{
	fprintf(out, "usage: odj-inspect [--json] FILE|-\n"
		     "       odj-inspect [--json] --bundle FILE [--name NAME]   (list, or one machine)\n"
		     "       odj-inspect --explain CODE\n"
		     "       odj-inspect --version\n"
		     "\n"
		     "Shows a provisioning blob (djoin, net offlinejoin or odj-prepare; the file form\n"
		     "or bare base64; - reads standard input) with its password redacted.\n"
		     "  --json          the same as JSON, for scripts\n"
		     "  --explain CODE  the status row (hex, decimal or symbol), likely causes and\n"
		     "                  what to check\n"
		     "  --version       the version\n");
}

/* NETSETUP_PROVISION_* names of the Options bits, "|"-separated. */
static char *options_string(TALLOC_CTX *mem, uint32_t options)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{0x00000001, "DOWNLEVEL_PRIV_SUPPORT"}, {0x00000002, "REUSE_ACCOUNT"},
		{0x00000004, "USE_DEFAULT_PASSWORD"},   {0x00000008, "SKIP_ACCOUNT_SEARCH"},
		{0x00000010, "ROOT_CA_CERTS"},          {0x00000020, "PERSISTENTSITE"},
		{0x40000000, "ONLINE_CALLER"},          {0x80000000, "CHECK_PWD_ONLY"},
	};
	char *s = talloc_strdup(mem, "");
	uint32_t rest = options;
	for (size_t i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		if (options & names[i].bit) {
			s = talloc_asprintf_append(s, "%s%s", *s ? "|" : "", names[i].name);
			rest &= ~names[i].bit;
		}
	}
	if (s != NULL && rest != 0)
		s = talloc_asprintf_append(s, "%s0x%08" PRIx32, *s ? "|" : "", rest);
	return s;
}

/* A known part type that was not decoded was damaged and dropped (odj's Linux part). */
static const char *part_name(const struct odj_part *part)
{
	const char *n = odj_part_kind_name(part->kind);
	if (n != NULL)
		return n;
	return odj_part_kind_name(odj_part_kind_of(&part->type)) ? "DAMAGED" : "UNKNOWN";
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

/* A FILETIME (100 ns since 1601) as UTC ISO 8601; "0" and out-of-range values as numbers. */
static char *filetime_string(TALLOC_CTX *mem, uint64_t ft)
{
	const uint64_t unix_epoch = 116444736000000000ull;
	if (ft < unix_epoch)
		return talloc_asprintf(mem, "%" PRIu64, ft);
	time_t t = (time_t)((ft - unix_epoch) / 10000000u);
	struct tm tm;
	char buf[32];
	if (gmtime_r(&t, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return talloc_asprintf(mem, "%" PRIu64, ft);
	return talloc_strdup(mem, buf);
}

static void print_linux_part(TALLOC_CTX *mem, const struct odj_linux_part *l)
{
	printf(": version %" PRIu32 ", kvno %" PRIu32 "\n", l->version, l->kvno);
	printf("        sAMAccountName %s, dNSHostName %s\n", or_none(l->sam_account_name),
	       or_none(l->dns_host_name));
	printf("        realm %s, salt %s, UPN %s\n", or_none(l->realm), or_none(l->salt),
	       or_none(l->upn));
	printf("        enctypes 0x%" PRIx32 ", pwdLastSet %s, created %s, by DC %s\n", l->enctypes,
	       filetime_string(mem, l->pwd_last_set), filetime_string(mem, l->created),
	       or_none(l->dc_name));
	for (uint32_t i = 0; i < l->spn_count; i++)
		printf("        SPN %s\n", l->spns[i]);
	if (l->wire_trailing > 0)
		printf("        (%" PRIu32 " bytes of a newer version ignored)\n", l->wire_trailing);
}

/* ------------------------------------------------------------ for a person */

static void print_part(TALLOC_CTX *mem, uint32_t i, const struct odj_part *part)
{
	printf("      part %u: %s {%s} flags 0x%" PRIx32 "%s, %" PRIu32 " bytes", i, part_name(part),
	       odj_guid_string(mem, &part->type), part->flags,
	       (part->flags & ODJ_PART_FLAG_ESSENTIAL) ? " (ESSENTIAL)" : "", part->wire_cb);
	switch (part->kind) {
	case ODJ_PART_JOIN_PROVIDER:
		printf(": machine %s, domain %s\n", or_none(part->u.win7->machine_name),
		       or_none(part->u.win7->domain));
		break;
	case ODJ_PART_JOIN_PROVIDER2:
		printf(": NetBIOS name %s, site %s%s, primary DNS domain %s\n",
		       or_none(part->u.jp2->netbios_name), or_none(part->u.jp2->site_name),
		       (part->u.jp2->flags & ODJ_JP2_FLAG_PERSISTENTSITE) ? " (persistent)" : "",
		       or_none(part->u.jp2->primary_dns_domain));
		break;
	case ODJ_PART_JOIN_PROVIDER3:
		printf(": RID %" PRIu32 ", SID %s\n", part->u.jp3->rid, or_none(part->u.jp3->sid));
		break;
	case ODJ_PART_JOIN_PROVIDER4:
		printf(": RID %" PRIu32 ", SID %s, object GUID %s\n", part->u.jp4->rid,
		       or_none(part->u.jp4->sid), odj_guid_string(mem, &part->u.jp4->object_guid));
		break;
	case ODJ_PART_POLICY:
		printf(": %" PRIu32 " element list(s)\n", part->u.policy->count);
		for (uint32_t l = 0; l < part->u.policy->count; l++) {
			const struct odj_policy_list *pl = &part->u.policy->lists[l];
			printf("        source %s, root key 0x%08" PRIx32 ", %" PRIu32 " value(s)\n",
			       or_none(pl->source), pl->root_key_id, pl->count);
			for (uint32_t e = 0; e < pl->count; e++)
				printf("          %s\\%s (type %" PRIu32 ", %" PRIu32 " bytes)\n",
				       or_none(pl->elements[e].key_path),
				       or_none(pl->elements[e].value_name),
				       pl->elements[e].value_type, pl->elements[e].value.len);
		}
		break;
	case ODJ_PART_CERT:
		printf(": %" PRIu32 " PFX store(s), %" PRIu32 " SST store(s)\n",
		       part->u.cert->pfx_count, part->u.cert->sst_count);
		for (uint32_t s = 0; s < part->u.cert->pfx_count; s++)
			printf("        PFX template %s, %" PRIu32 " bytes\n",
			       or_none(part->u.cert->pfx[s].template_name),
			       part->u.cert->pfx[s].pfx.len);
		for (uint32_t s = 0; s < part->u.cert->sst_count; s++)
			printf("        SST store %s at 0x%08" PRIx32 ", %" PRIu32 " bytes\n",
			       or_none(part->u.cert->sst[s].store_name),
			       part->u.cert->sst[s].store_location, part->u.cert->sst[s].sst.len);
		break;
	case ODJ_PART_LINUX:
		print_linux_part(mem, part->u.linux_part);
		break;
	case ODJ_PART_UNKNOWN:
		printf(": not decoded%s\n", odj_part_kind_of(&part->type) ? " (see the warning)" : "");
		break;
	}
}

static void print_text(TALLOC_CTX *mem, const struct odj_provision *prov)
{
	const struct odj_win7blob *w = odj_provision_win7(prov);
	const struct odj_joinprov3 *j3 = odj_provision_joinprov3(prov);
	printf("Provisioning blob, version %" PRIu32 ", %" PRIu32 " blob(s)\n", prov->version,
	       prov->count);
	if (w != NULL) {
		const struct odj_dns_domain_info *dn = &w->dns_domain_info;
		const struct odj_dc_info *dc = &w->dc_info;
		printf("  Domain:          %s\n", or_none(w->domain));
		printf("  NetBIOS domain:  %s\n", or_none(dn->name.value));
		printf("  DNS domain:      %s\n", or_none(dn->dns_domain_name.value));
		printf("  DNS forest:      %s\n", or_none(dn->dns_forest_name.value));
		printf("  Domain GUID:     %s\n", odj_guid_string(mem, &dn->domain_guid));
		printf("  Domain SID:      %s\n", dn->sid ? odj_sid_string(mem, dn->sid) : "(none)");
		printf("  Machine:         %s\n", or_none(w->machine_name));
		printf("  Password:        %s (%zu UTF-16 code units)\n", REDACTED,
		       odj_secret_len(w->machine_password) / 2);
		if (j3 != NULL) {
			printf("  Machine RID:     %" PRIu32 "\n", j3->rid);
			printf("  Machine SID:     %s\n", or_none(j3->sid));
		} else {
			printf("  Machine RID:     (no JOIN_PROVIDER3 part)\n");
		}
		printf("  DC:              %s\n", or_none(dc->dc_name));
		printf("  DC address:      %s (type %" PRIu32 "%s)\n", or_none(dc->dc_address),
		       dc->dc_address_type,
		       dc->dc_address_type == ODJ_DS_INET_ADDRESS	  ? ", INET"
		       : dc->dc_address_type == ODJ_DS_NETBIOS_ADDRESS ? ", NETBIOS"
								   : "");
		printf("  DC domain GUID:  %s\n", odj_guid_string(mem, &dc->domain_guid));
		printf("  DC domain:       %s (forest %s)\n", or_none(dc->domain_name),
		       or_none(dc->dns_forest_name));
		printf("  DC flags:        0x%08" PRIx32 " %s\n", dc->flags,
		       odj_dc_flags_string(mem, dc->flags));
		printf("  DC site:         %s\n", or_none(dc->dc_site_name));
		printf("  Client site:     %s\n", or_none(dc->client_site_name));
		printf("  Options:         0x%08" PRIx32 " %s\n", w->options,
		       options_string(mem, w->options));
		printf("  Referents:       %s style\n",
		       w->wire_style == ODJ_REFERENTS_SAMBA ? "Samba" : "Windows");
	} else {
		printf("  (no ODJ_WIN7BLOB: nothing to join with)\n");
	}
	printf("  Blobs:\n");
	for (uint32_t i = 0; i < prov->count; i++) {
		const struct odj_blob_entry *e = &prov->blobs[i];
		const char *fmt = e->format == ODJ_WIN7_FORMAT	 ? "ODJ_WIN7_FORMAT"
				  : e->format == ODJ_WIN8_FORMAT ? "ODJ_WIN8_FORMAT"
								 : "unknown";
		printf("    [%u] format %" PRIu32 " (%s), %" PRIu32 " bytes\n", i, e->format, fmt,
		       e->wire_cb);
		const struct odj_part_collection *c = e->package ? e->package->collection : NULL;
		for (uint32_t p = 0; c != NULL && p < c->count; p++)
			print_part(mem, p, &c->parts[p]);
	}
	for (uint32_t i = 0; i < prov->nwarnings; i++)
		printf("  Warning: %s\n", prov->warnings[i]);
}

/* ------------------------------------------------------------ for scripts */

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *jhex32(TALLOC_CTX *mem, uint32_t v)
{
	return json_object_new_string(talloc_asprintf(mem, "0x%08" PRIx32, v));
}

static void jadd(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *json_win7(TALLOC_CTX *mem, const struct odj_win7blob *w)
{
	json_object *o = json_object_new_object();
	const struct odj_dns_domain_info *dn = &w->dns_domain_info;
	const struct odj_dc_info *dc = &w->dc_info;
	jadd(o, "domain", jstr(w->domain));
	jadd(o, "machine_name", jstr(w->machine_name));
	jadd(o, "machine_password", w->machine_password ? json_object_new_string(REDACTED) : NULL);
	jadd(o, "machine_password_units",
	     json_object_new_int64((int64_t)odj_secret_len(w->machine_password) / 2));
	jadd(o, "netbios_domain", jstr(dn->name.value));
	jadd(o, "dns_domain", jstr(dn->dns_domain_name.value));
	jadd(o, "dns_forest", jstr(dn->dns_forest_name.value));
	jadd(o, "domain_guid", jstr(odj_guid_string(mem, &dn->domain_guid)));
	jadd(o, "domain_sid", dn->sid ? jstr(odj_sid_string(mem, dn->sid)) : NULL);
	json_object *d = json_object_new_object();
	jadd(d, "name", jstr(dc->dc_name));
	jadd(d, "address", jstr(dc->dc_address));
	jadd(d, "address_type", json_object_new_int64(dc->dc_address_type));
	jadd(d, "domain_guid", jstr(odj_guid_string(mem, &dc->domain_guid)));
	jadd(d, "domain_name", jstr(dc->domain_name));
	jadd(d, "dns_forest_name", jstr(dc->dns_forest_name));
	jadd(d, "flags", jhex32(mem, dc->flags));
	jadd(d, "flag_names", jstr(odj_dc_flags_string(mem, dc->flags)));
	jadd(d, "site", jstr(dc->dc_site_name));
	jadd(d, "client_site", jstr(dc->client_site_name));
	jadd(o, "dc", d);
	jadd(o, "options", jhex32(mem, w->options));
	jadd(o, "option_names", jstr(options_string(mem, w->options)));
	jadd(o, "referent_style",
	     json_object_new_string(w->wire_style == ODJ_REFERENTS_SAMBA ? "samba" : "windows"));
	return o;
}

static json_object *json_linux(TALLOC_CTX *mem, const struct odj_linux_part *l)
{
	json_object *o = json_object_new_object();
	jadd(o, "version", json_object_new_int64(l->version));
	jadd(o, "kvno", json_object_new_int64(l->kvno));
	jadd(o, "enctypes", jhex32(mem, l->enctypes));
	jadd(o, "sam_account_name", jstr(l->sam_account_name));
	jadd(o, "dns_host_name", jstr(l->dns_host_name));
	json_object *spns = json_object_new_array();
	for (uint32_t i = 0; i < l->spn_count; i++)
		json_object_array_add(spns, json_object_new_string(l->spns[i]));
	jadd(o, "spns", spns);
	jadd(o, "upn", jstr(l->upn));
	jadd(o, "realm", jstr(l->realm));
	jadd(o, "salt", jstr(l->salt));
	jadd(o, "pwd_last_set", json_object_new_string(talloc_asprintf(mem, "%" PRIu64, l->pwd_last_set)));
	jadd(o, "pwd_last_set_utc", jstr(filetime_string(mem, l->pwd_last_set)));
	jadd(o, "created", json_object_new_string(talloc_asprintf(mem, "%" PRIu64, l->created)));
	jadd(o, "created_utc", jstr(filetime_string(mem, l->created)));
	jadd(o, "dc_name", jstr(l->dc_name));
	jadd(o, "ignored_bytes", json_object_new_int64(l->wire_trailing));
	return o;
}

static json_object *json_part(TALLOC_CTX *mem, const struct odj_part *part)
{
	json_object *o = json_object_new_object();
	jadd(o, "type", jstr(odj_guid_string(mem, &part->type)));
	jadd(o, "name", jstr(part_name(part)));
	jadd(o, "flags", jhex32(mem, part->flags));
	jadd(o, "essential", json_object_new_boolean(part->flags & ODJ_PART_FLAG_ESSENTIAL));
	jadd(o, "size", json_object_new_int64(part->wire_cb));
	switch (part->kind) {
	case ODJ_PART_JOIN_PROVIDER:
		jadd(o, "win7blob", json_win7(mem, part->u.win7));
		break;
	case ODJ_PART_JOIN_PROVIDER2:
		jadd(o, "persistent_site",
		     json_object_new_boolean(part->u.jp2->flags & ODJ_JP2_FLAG_PERSISTENTSITE));
		jadd(o, "netbios_name", jstr(part->u.jp2->netbios_name));
		jadd(o, "site_name", jstr(part->u.jp2->site_name));
		jadd(o, "primary_dns_domain", jstr(part->u.jp2->primary_dns_domain));
		break;
	case ODJ_PART_JOIN_PROVIDER3:
		jadd(o, "rid", json_object_new_int64(part->u.jp3->rid));
		jadd(o, "sid", jstr(part->u.jp3->sid));
		break;
	case ODJ_PART_JOIN_PROVIDER4:
		jadd(o, "rid", json_object_new_int64(part->u.jp4->rid));
		jadd(o, "sid", jstr(part->u.jp4->sid));
		jadd(o, "object_guid", jstr(odj_guid_string(mem, &part->u.jp4->object_guid)));
		break;
	case ODJ_PART_POLICY: {
		json_object *lists = json_object_new_array();
		for (uint32_t l = 0; l < part->u.policy->count; l++) {
			const struct odj_policy_list *pl = &part->u.policy->lists[l];
			json_object *lj = json_object_new_object(), *els = json_object_new_array();
			jadd(lj, "source", jstr(pl->source));
			jadd(lj, "root_key", jhex32(mem, pl->root_key_id));
			for (uint32_t e = 0; e < pl->count; e++) {
				json_object *ej = json_object_new_object();
				jadd(ej, "key_path", jstr(pl->elements[e].key_path));
				jadd(ej, "value_name", jstr(pl->elements[e].value_name));
				jadd(ej, "value_type", json_object_new_int64(pl->elements[e].value_type));
				jadd(ej, "value_size", json_object_new_int64(pl->elements[e].value.len));
				json_object_array_add(els, ej);
			}
			jadd(lj, "elements", els);
			json_object_array_add(lists, lj);
		}
		jadd(o, "element_lists", lists);
		break;
	}
	case ODJ_PART_CERT:
		jadd(o, "pfx_stores", json_object_new_int64(part->u.cert->pfx_count));
		jadd(o, "sst_stores", json_object_new_int64(part->u.cert->sst_count));
		break;
	case ODJ_PART_LINUX:
		jadd(o, "linux", json_linux(mem, part->u.linux_part));
		break;
	case ODJ_PART_UNKNOWN:
		break;
	}
	return o;
}

static void print_json(TALLOC_CTX *mem, const struct odj_provision *prov)
{
	json_object *root = json_object_new_object();
	const struct odj_win7blob *w = odj_provision_win7(prov);
	const struct odj_joinprov3 *j3 = odj_provision_joinprov3(prov);
	jadd(root, "version", json_object_new_int64(prov->version));
	jadd(root, "join", w ? json_win7(mem, w) : NULL);
	jadd(root, "machine_rid", j3 ? json_object_new_int64(j3->rid) : NULL);
	jadd(root, "machine_sid", j3 ? jstr(j3->sid) : NULL);
	const struct odj_linux_part *lp = odj_provision_linux_part(prov);
	jadd(root, "linux", lp ? json_linux(mem, lp) : NULL);
	json_object *blobs = json_object_new_array();
	for (uint32_t i = 0; i < prov->count; i++) {
		const struct odj_blob_entry *e = &prov->blobs[i];
		json_object *bj = json_object_new_object();
		jadd(bj, "format", json_object_new_int64(e->format));
		jadd(bj, "size", json_object_new_int64(e->wire_cb));
		const struct odj_part_collection *c = e->package ? e->package->collection : NULL;
		if (c != NULL) {
			json_object *parts = json_object_new_array();
			for (uint32_t p = 0; p < c->count; p++)
				json_object_array_add(parts, json_part(mem, &c->parts[p]));
			jadd(bj, "parts", parts);
		}
		json_object_array_add(blobs, bj);
	}
	jadd(root, "blobs", blobs);
	json_object *warnings = json_object_new_array();
	for (uint32_t i = 0; i < prov->nwarnings; i++)
		json_object_array_add(warnings, json_object_new_string(prov->warnings[i]));
	jadd(root, "warnings", warnings);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

static int inspect(const char *path, bool as_json)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_secret *file;
	struct odj_provision *prov;
	odj_result r = odj_blob_read_file(ctx, mem, path, &file);
	if (r == ODJ_OK)
		r = odj_blob_load(ctx, mem, odj_secret_data(file), odj_secret_len(file), &prov);
	if (r != ODJ_OK)
		cli_print_error(TOOL, ctx);
	else if (as_json)
		print_json(mem, prov);
	else
		print_text(mem, prov);
	talloc_free(mem);
	return r;
}

static void print_manifest(const struct odj_bundle_manifest *m, bool as_json)
{
	if (!as_json) {
		printf("Bundle: %zu machine%s, domain %s, DC %s, created %s\n", m->count,
		       m->count == 1 ? "" : "s", or_none(m->domain), or_none(m->dc), or_none(m->created));
		for (size_t i = 0; i < m->count; i++) {
			const struct odj_bundle_machine *e = &m->machines[i];
			printf("  %-15s %-40s %-45s kvno %u  %s\n", e->machine, or_none(e->dns_host_name),
			       or_none(e->sid), e->kvno, e->file);
		}
		return;
	}
	json_object *root = json_object_new_object();
	jadd(root, "domain", jstr(m->domain));
	jadd(root, "dc", jstr(m->dc));
	jadd(root, "created", jstr(m->created));
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < m->count; i++) {
		const struct odj_bundle_machine *e = &m->machines[i];
		json_object *o = json_object_new_object();
		jadd(o, "machine", jstr(e->machine));
		jadd(o, "dNSHostName", jstr(e->dns_host_name));
		jadd(o, "SID", jstr(e->sid));
		jadd(o, "kvno", json_object_new_int64(e->kvno));
		jadd(o, "file", jstr(e->file));
		json_object_array_add(arr, o);
	}
	jadd(root, "machines", arr);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

static int inspect_bundle(const char *path, const char *name, bool as_json)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_secret *bytes = NULL, *file = NULL;
	struct odj_bundle_manifest *m = NULL;
	struct odj_provision *prov = NULL;
	odj_result r = odj_bundle_read_file(ctx, mem, path, &bytes);
	if (r == ODJ_OK && name == NULL)
		r = odj_bundle_read_manifest(ctx, mem, odj_secret_data(bytes), odj_secret_len(bytes), &m);
	if (r == ODJ_OK && name != NULL)
		r = odj_bundle_extract(ctx, mem, odj_secret_data(bytes), odj_secret_len(bytes), name,
				       &file);
	if (r == ODJ_OK && file != NULL)
		r = odj_blob_load(ctx, mem, odj_secret_data(file), odj_secret_len(file), &prov);
	if (r != ODJ_OK)
		cli_print_error(TOOL, ctx);
	else if (m != NULL)
		print_manifest(m, as_json);
	else if (as_json)
		print_json(mem, prov);
	else
		print_text(mem, prov);
	talloc_free(mem);
	return r;
}

int main(int argc, char **argv)
{
	cli_protect_process(); /* it reads blobs: machine passwords */
	static const struct option opts[] = {
		{"explain", required_argument, NULL, 'E'},
		{"json", no_argument, NULL, 'j'},
		{"bundle", required_argument, NULL, 'b'},
		{"name", required_argument, NULL, 'n'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool as_json = false;
	const char *bundle = NULL, *name = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (c) {
		case 'E':
			return cli_explain(stdout, TOOL, optarg);
		case 'j':
			as_json = true;
			break;
		case 'b':
			bundle = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'V':
			cli_print_version(stdout, TOOL);
			return ODJ_OK;
		case 'h':
			usage(stdout);
			return ODJ_OK;
		default:
			usage(stderr);
			return ODJ_E_INPUT;
		}
	}
	if (bundle != NULL && optind == argc)
		return inspect_bundle(bundle, name, as_json);
	if (bundle != NULL || name != NULL || optind != argc - 1) {
		usage(stderr);
		return ODJ_E_INPUT;
	}
	return inspect(argv[optind], as_json);
}
