/*
 * odj-apply: commits an offline domain join from a provisioning blob onto
 * this system or a mounted image root (--root), with no network.
 * Parses options, calls odj_apply(), prints what it did.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <odj/apply.h>
#include <odj/keytab.h>

#include "cli.h"

#define TOOL "odj-apply"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: odj-apply --blob FILE|- [--root DIR] [--keytab PATH] [--kvno N] [--rejoin]\n"
		"                 [--dry-run] [--consume] [--ignore-unknown-essential]\n"
		"                 [--samba|--no-samba] [--trace FILE] [--verbose] [--json]\n"
		"       odj-apply --bundle FILE --name NAME [options]   (a machine of a bundle)\n"
		"       odj-apply --explain CODE\n"
		"       odj-apply --version\n");
}

static void print_list(const char *title, char **items, size_t n)
{
	if (n == 0)
		return;
	printf("%s\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  %s\n", items[i]);
}

static void print_text(const struct odj_apply_req *req)
{
	const char *root = req->in.root ? req->in.root : "/";
	const char *keytab = req->in.keytab ? req->in.keytab : ODJ_APPLY_DEFAULT_KEYTAB;
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
	printf("keytab %s:\n", keytab);
	for (size_t i = 0; i < req->out.n_keys; i++)
		printf("  %-6s kvno %-3" PRIu32 " %-24s %s\n", req->out.keys[i].action,
		       req->out.keys[i].kvno, req->out.keys[i].enctype_name,
		       req->out.keys[i].principal);
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

static json_object *jstrs(char **items, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	return a;
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void print_json(const struct odj_apply_req *req)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "dry_run", json_object_new_boolean(req->in.dry_run));
	json_object_object_add(o, "root", jstr(req->in.root ? req->in.root : "/"));
	json_object_object_add(o, "domain", jstr(req->out.domain));
	json_object_object_add(o, "realm", jstr(req->out.realm));
	json_object_object_add(o, "netbios_domain", jstr(req->out.netbios_domain));
	json_object_object_add(o, "machine", jstr(req->out.machine));
	json_object_object_add(o, "sam_account_name", jstr(req->out.sam_account_name));
	json_object_object_add(o, "dns_host_name", jstr(req->out.dns_host_name));
	json_object_object_add(o, "old_hostname", jstr(req->out.old_hostname));
	json_object_object_add(o, "domain_sid", jstr(req->out.domain_sid));
	json_object_object_add(o, "machine_sid", jstr(req->out.machine_sid));
	json_object_object_add(o, "blob_source", jstr(req->out.source));
	json_object *kv = json_object_new_array();
	for (size_t i = 0; i < req->out.n_kvnos; i++)
		json_object_array_add(kv, json_object_new_int64(req->out.kvnos[i]));
	json_object_object_add(o, "kvnos", kv);
	json_object_object_add(o, "kvno_guessed", json_object_new_boolean(req->out.kvno_guessed));
	json_object_object_add(o, "enctypes", json_object_new_int64(req->out.enctypes));
	json_object_object_add(o, "default_password", json_object_new_boolean(req->out.defpwd));
	json_object_object_add(o, "already_applied",
			       json_object_new_boolean(req->out.already_applied));
	json_object_object_add(o, "rejoined", json_object_new_boolean(req->out.rejoined));
	json_object_object_add(o, "consumed", json_object_new_boolean(req->out.consumed));
	json_object *keys = json_object_new_array();
	for (size_t i = 0; i < req->out.n_keys; i++) {
		json_object *k = json_object_new_object();
		json_object_object_add(k, "action", jstr(req->out.keys[i].action));
		json_object_object_add(k, "principal", jstr(req->out.keys[i].principal));
		json_object_object_add(k, "kvno", json_object_new_int64(req->out.keys[i].kvno));
		json_object_object_add(k, "enctype", json_object_new_int(req->out.keys[i].enctype));
		json_object_object_add(k, "enctype_name", jstr(req->out.keys[i].enctype_name));
		json_object_array_add(keys, k);
	}
	json_object_object_add(o, "keytab", keys);
	json_object_object_add(o, "files", jstrs(req->out.files, req->out.n_files));
	json_object_object_add(o, "removed", jstrs(req->out.removed, req->out.n_removed));
	json_object_object_add(o, "samba", json_object_new_boolean(req->out.samba));
	json_object_object_add(o, "samba_files", jstrs(req->out.samba_files, req->out.n_samba_files));
	json_object_object_add(o, "samba_secrets",
			       jstrs(req->out.samba_secrets, req->out.n_samba_secrets));
	json_object_object_add(o, "notes", jstrs(req->out.notes, req->out.n_notes));
	json_object_object_add(o, "warnings", jstrs(req->out.warnings, req->out.n_warnings));
	if (req->in.dry_run)
		json_object_object_add(o, "plan", jstr(req->out.plan));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static bool parse_kvno(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

int main(int argc, char **argv)
{
	cli_protect_process(); /* it holds the blob's machine password and the keys */
	static const struct option opts[] = {
		{"blob", required_argument, NULL, 'b'},	{"root", required_argument, NULL, 'r'},
		{"keytab", required_argument, NULL, 'k'},	{"kvno", required_argument, NULL, 'K'},
		{"rejoin", no_argument, NULL, 'R'},		{"dry-run", no_argument, NULL, 'n'},
		{"consume", no_argument, NULL, 'C'},		{"trace", required_argument, NULL, 't'},
		{"verbose", no_argument, NULL, 'v'},		{"json", no_argument, NULL, 'j'},
		{"explain", required_argument, NULL, 'E'}, {"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},		{"bundle", required_argument, NULL, 'B'},
		{"name", required_argument, NULL, 'N'},
		{"ignore-unknown-essential", no_argument, NULL, 'I'},
		{"samba", no_argument, NULL, 'S'},	{"no-samba", no_argument, NULL, 'X'},
		{NULL, 0, NULL, 0},
	};
	struct odj_apply_req req = {.in = {.version = ODJ_APPLY_VERSION}};
	const char *trace = NULL;
	bool as_json = false, verbose = false;
	const char *bundle = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "hnv", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			req.in.blob_path = optarg;
			break;
		case 'B':
			bundle = optarg;
			break;
		case 'N':
			req.in.bundle_name = optarg;
			break;
		case 'r':
			req.in.root = optarg;
			break;
		case 'k':
			req.in.keytab = optarg;
			break;
		case 'K':
			if (!parse_kvno(optarg, &req.in.kvno)) {
				fprintf(stderr, "%s: --kvno needs a number from 1 to 4294967295\n",
					TOOL);
				return ODJ_E_INPUT;
			}
			break;
		case 'R':
			req.in.rejoin = true;
			break;
		case 'n':
			req.in.dry_run = true;
			break;
		case 'C':
			req.in.consume = true;
			break;
		case 'I':
			req.in.ignore_unknown_essential = true;
			break;
		case 'S':
			req.in.samba = ODJ_APPLY_SAMBA_ON;
			break;
		case 'X':
			req.in.samba = ODJ_APPLY_SAMBA_OFF;
			break;
		case 't':
			trace = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'j':
			as_json = true;
			break;
		case 'E':
			return cli_explain(stdout, TOOL, optarg);
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
	if (bundle != NULL && req.in.blob_path == NULL && req.in.bundle_name != NULL)
		req.in.blob_path = bundle;
	else if (bundle != NULL || req.in.bundle_name != NULL) {
		fprintf(stderr, "%s: --bundle FILE and --name NAME go together, without --blob\n", TOOL);
		return ODJ_E_INPUT;
	}
	if (optind != argc || req.in.blob_path == NULL) {
		usage(stderr);
		return ODJ_E_INPUT;
	}
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	int rc = trace ? cli_trace_open(ctx, mem, TOOL, trace) : 0;
	if (rc != 0) {
		talloc_free(mem);
		return rc;
	}
	if (verbose)
		cli_verbose(ctx, mem, TOOL);
	odj_result r = odj_apply(ctx, mem, &req);
	if (r == ODJ_OK || (r == ODJ_E_PARTIAL && req.out.domain != NULL)) {
		if (as_json)
			print_json(&req);
		else
			print_text(&req);
	}
	if (r != ODJ_OK)
		cli_print_error(TOOL, ctx);
	talloc_free(mem);
	return r;
}
