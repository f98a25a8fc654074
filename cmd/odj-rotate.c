/*
 * odj-rotate: changes this machine's password with its own Kerberos keys
 * (kpasswd) and commits the new keys, crash-safe (a rerun finishes or undoes
 * an interrupted rotation).  Parses options, calls odj_rotate(), prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <odj/rotate.h>

#include "cli.h"

#define TOOL "odj-rotate"

static void usage(FILE *out)
{
	fprintf(out, "usage: odj-rotate [--dc HOST] [--root DIR] [--recover-only] [--wait-for-dc SECONDS]\n"
		     "                  [--verbose] [--json] [--trace FILE]\n"
		     "       odj-rotate --explain CODE\n"
		     "       odj-rotate --version\n");
}

static void print_phase(void *priv, enum odj_rotate_phase p, const char *line)
{
	(void)priv;
	(void)p;
	fprintf(stderr, "%s: %s\n", TOOL, line);
}

static char *kvnos(const struct odj_rotate_req *q)
{
	static char buf[128];
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < q->out.n_keytab_kvnos && used < sizeof(buf) - 12; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%u", i ? " " : "",
					 q->out.keytab_kvnos[i]);
	return buf;
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void print_json(const struct odj_rotate_req *q, odj_result r, const struct odj_ctx *ctx)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(r == ODJ_OK));
	json_object_object_add(o, "sam_account_name", jstr(q->out.sam_account_name));
	json_object_object_add(o, "dc", jstr(q->out.dc_name));
	json_object_object_add(o, "dc_address", jstr(q->out.dc_address));
	json_object_object_add(o, "rotated", json_object_new_boolean(q->out.rotated));
	json_object_object_add(o, "recovered", jstr(q->out.recovered));
	json_object_object_add(o, "kvno_before", json_object_new_int64(q->out.kvno_before));
	json_object_object_add(o, "kvno_after", json_object_new_int64(q->out.kvno_after));
	json_object *kv = json_object_new_array();
	for (size_t i = 0; i < q->out.n_keytab_kvnos; i++)
		json_object_array_add(kv, json_object_new_int64(q->out.keytab_kvnos[i]));
	json_object_object_add(o, "keytab_kvnos", kv);
	if (r != ODJ_OK)
		json_object_object_add(o, "error", cli_json_error(ctx));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int main(int argc, char **argv)
{
	cli_protect_process(); /* it holds the new password and the keytab's keys */
	static const struct option opts[] = {
		{"dc", required_argument, NULL, 'd'},	   {"root", required_argument, NULL, 'r'},
		{"recover-only", no_argument, NULL, 'R'}, {"trace", required_argument, NULL, 't'},
		{"verbose", no_argument, NULL, 'v'},	   {"json", no_argument, NULL, 'j'},
		{"explain", required_argument, NULL, 'E'}, {"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},	   {"wait-for-dc", required_argument, NULL, 'w'},
		{NULL, 0, NULL, 0},
	};
	struct odj_rotate_req req = ODJ_ROTATE_REQ_INIT;
	const char *trace = NULL;
	bool as_json = false;
	int c;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			req.in.dc = optarg;
			break;
		case 'r':
			req.in.root = optarg;
			break;
		case 'R':
			req.in.recover_only = true;
			break;
		case 'w': {
			char *end = NULL;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v < 0 || v > 7 * 86400) {
				fprintf(stderr, "%s: --wait-for-dc needs seconds from 0 to 604800\n",
					TOOL);
				return ODJ_E_INPUT;
			}
			req.in.wait_for_dc_s = (int)v;
			break;
		}
		case 't':
			trace = optarg;
			break;
		case 'v':
			req.in.on_phase = print_phase;
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
	if (optind != argc) {
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
	odj_result r = odj_rotate(ctx, mem, &req);
	if (as_json) {
		print_json(&req, r, ctx);
	} else if (r == ODJ_OK) {
		if (req.out.recovered)
			printf("an interrupted rotation of %s was %s\n", req.out.sam_account_name,
			       req.out.recovered);
		if (req.out.rotated || req.out.kvno_after != req.out.kvno_before)
			printf("rotated the password of %s at %s: kvno %u -> %u; keytab kvnos: %s\n",
			       req.out.sam_account_name, req.out.dc_name, req.out.kvno_before,
			       req.out.kvno_after, kvnos(&req));
		else
			printf("%s: nothing to rotate; keytab kvnos: %s\n", req.out.sam_account_name,
			       kvnos(&req));
	}
	if (r != ODJ_OK)
		cli_print_error(TOOL, ctx);
	talloc_free(mem);
	return r;
}
