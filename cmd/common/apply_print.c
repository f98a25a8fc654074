/* What odj-apply prints: the join it committed (or would commit), for a person or as JSON. */
#include <inttypes.h>
#include <string.h>

#include "apply_print.h"

static void print_list(const char *title, char *const *items, size_t n)
{
	if (n == 0)
		return;
	printf("%s\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  %s\n", items[i]);
}

/* A re-apply changes nothing: its keys are already in the keytab, not added. */
static const char *key_action(const struct odj_apply_req *req, size_t i)
{
	return req->out.already_applied && !req->in.dry_run && strcmp(req->out.keys[i].action, "add") == 0
		       ? "present"
		       : req->out.keys[i].action;
}

static const char *keytab_path(const struct odj_apply_req *req)
{
	return req->in.keytab ? req->in.keytab : ODJ_APPLY_DEFAULT_KEYTAB;
}

/* Where the kvno came from, the join record's words: "blob", "--kvno" or "fallback". */
static const char *kvno_source(const struct odj_apply_req *req)
{
	return req->in.kvno ? "--kvno" : req->out.kvno_guessed ? "fallback" : "blob";
}

void cli_print_apply(const struct odj_apply_req *req, char *const *extra_warnings, size_t n_extra)
{
	const char *root = req->in.root ? req->in.root : "/";
	if (req->in.dry_run)
		printf("dry run: nothing was changed in %s; this is what apply would do\n", root);
	else if (req->out.already_applied)
		printf("%s is already joined as %s to %s: nothing to change\n", root,
		       req->out.sam_account_name, req->out.domain);
	else
		printf("joined %s to %s (realm %s) in %s\n", req->out.sam_account_name,
		       req->out.domain, req->out.realm, root);
	printf("machine:     %s (%s)\n", req->out.machine, req->out.dns_host_name);
	printf("domain:      %s, NetBIOS %s, SID %s\n", req->out.domain, req->out.netbios_domain,
	       req->out.domain_sid);
	if (req->out.machine_sid)
		printf("machine SID: %s\n", req->out.machine_sid);
	printf("kvno:        %" PRIu32 "%s\n", req->out.kvnos[0],
	       req->out.n_kvnos > 1 ? " and 2 (the blob carries none)" : "");
	for (size_t i = 0; i < req->out.n_notes; i++)
		printf("note: %s\n", req->out.notes[i]);
	for (size_t i = 0; i < req->out.n_warnings; i++)
		printf("warning: %s\n", req->out.warnings[i]);
	for (size_t i = 0; i < n_extra; i++)
		printf("warning: %s\n", extra_warnings[i]);
	printf("keytab %s:\n", keytab_path(req));
	for (size_t i = 0; i < req->out.n_keys; i++)
		printf("  %-6s kvno %-3" PRIu32 " %-24s %s\n", key_action(req, i), req->out.keys[i].kvno,
		       req->out.keys[i].enctype_name, req->out.keys[i].principal);
	if (req->in.dry_run) {
		printf("changes:\n%s", req->out.plan ? req->out.plan : "");
		if (req->in.consume)
			printf("%s: would be wiped and removed after success\n", req->in.blob_path);
	} else {
		print_list("files:", req->out.files, req->out.n_files);
	}
	if (req->out.samba) {
		print_list("samba files:", req->out.samba_files, req->out.n_samba_files);
		print_list("secrets.tdb keys (values never shown):", req->out.samba_secrets,
			   req->out.n_samba_secrets);
	}
	print_list("clone state removed (must not survive into a new join):", req->out.removed,
		   req->out.n_removed);
	if (req->out.consumed)
		printf("blob %s: wiped and removed\n", req->in.blob_path);
}

static json_object *json_keys(const struct odj_apply_req *req)
{
	json_object *keys = json_object_new_array();
	for (size_t i = 0; i < req->out.n_keys; i++) {
		json_object *k = json_object_new_object();
		json_object_object_add(k, "action", cli_jstr(key_action(req, i)));
		json_object_object_add(k, "principal", cli_jstr(req->out.keys[i].principal));
		json_object_object_add(k, "kvno", json_object_new_int64(req->out.keys[i].kvno));
		json_object_object_add(k, "enctype", json_object_new_int(req->out.keys[i].enctype));
		json_object_object_add(k, "enctype_name", cli_jstr(req->out.keys[i].enctype_name));
		json_object_array_add(keys, k);
	}
	return keys;
}

void cli_print_apply_json(const struct odj_apply_req *req, char *const *extra_warnings,
			  size_t n_extra, json_object *error)
{
	json_object *o = cli_json_result();
	json_object_object_add(o, "ok", json_object_new_boolean(error == NULL));
	json_object_object_add(o, "dry_run", json_object_new_boolean(req->in.dry_run));
	json_object_object_add(o, "root", cli_jstr(req->in.root ? req->in.root : "/"));
	json_object_object_add(o, "domain", cli_jstr(req->out.domain));
	json_object_object_add(o, "realm", cli_jstr(req->out.realm));
	json_object_object_add(o, "netbios_domain", cli_jstr(req->out.netbios_domain));
	json_object_object_add(o, "domain_sid", cli_jstr(req->out.domain_sid));
	json_object_object_add(o, "machine", cli_jstr(req->out.machine));
	json_object_object_add(o, "sam_account_name", cli_jstr(req->out.sam_account_name));
	json_object_object_add(o, "dns_host_name", cli_jstr(req->out.dns_host_name));
	json_object_object_add(o, "machine_sid", cli_jstr(req->out.machine_sid));
	json_object_object_add(o, "old_hostname", cli_jstr(req->out.old_hostname));
	json_object_object_add(o, "blob_source", cli_jstr(req->out.source));
	json_object_object_add(o, "kvno", json_object_new_int64(req->out.kvnos[0]));
	json_object *kv = json_object_new_array();
	for (size_t i = 0; i < req->out.n_kvnos; i++)
		json_object_array_add(kv, json_object_new_int64(req->out.kvnos[i]));
	json_object_object_add(o, "kvnos", kv);
	json_object_object_add(o, "kvno_source", cli_jstr(kvno_source(req)));
	json_object_object_add(o, "enctypes", json_object_new_int64(req->out.enctypes));
	json_object_object_add(o, "default_password", json_object_new_boolean(req->out.defpwd));
	json_object_object_add(o, "already_applied",
			       json_object_new_boolean(req->out.already_applied));
	json_object_object_add(o, "rejoined", json_object_new_boolean(req->out.rejoined));
	json_object_object_add(o, "consumed", json_object_new_boolean(req->out.consumed));
	json_object_object_add(o, "keytab", cli_jstr(keytab_path(req)));
	json_object_object_add(o, "keys", json_keys(req));
	json_object_object_add(o, "files", cli_jstrs(req->out.files, req->out.n_files));
	json_object_object_add(o, "removed", cli_jstrs(req->out.removed, req->out.n_removed));
	json_object_object_add(o, "samba", json_object_new_boolean(req->out.samba));
	json_object_object_add(o, "samba_files", cli_jstrs(req->out.samba_files, req->out.n_samba_files));
	json_object_object_add(o, "samba_secrets",
			       cli_jstrs(req->out.samba_secrets, req->out.n_samba_secrets));
	json_object_object_add(o, "notes", cli_jstrs(req->out.notes, req->out.n_notes));
	json_object *w = cli_jstrs(req->out.warnings, req->out.n_warnings);
	for (size_t i = 0; i < n_extra; i++)
		json_object_array_add(w, json_object_new_string(extra_warnings[i]));
	json_object_object_add(o, "warnings", w);
	if (req->in.dry_run)
		json_object_object_add(o, "plan", cli_jstr(req->out.plan));
	if (error != NULL)
		json_object_object_add(o, "error", error);
	cli_json_print(o);
}
