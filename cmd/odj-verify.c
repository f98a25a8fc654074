/*
 * odj-verify: does this machine's join work?  Checks the join record and
 * keytab, finds a DC, compares clocks, gets a TGT and a host/ ticket with the
 * machine's own keys, reads the account and checks sssd.conf, in that order.
 * Parses options, calls odj_verify(), prints each step.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include <odj/verify.h>

#include "cli.h"

#define TOOL "odj-verify"

static void usage(FILE *out)
{
	fprintf(out, "usage: odj-verify [--dc HOST] [--root DIR] [--ccache CCACHE] [--verbose] [--json]\n"
		     "                  [--trace FILE]\n"
		     "       odj-verify --explain CODE\n"
		     "       odj-verify --version\n");
}

static const char *state_name(enum odj_verify_state s)
{
	return s == ODJ_VERIFY_PASSED ? "ok" : s == ODJ_VERIFY_FAILED ? "FAILED" : "skipped";
}

/* --verbose: one line per step as it finishes. */
static void print_step(void *priv, const struct odj_verify_step *s)
{
	(void)priv;
	fprintf(stderr, "%s: %d/%d %-7s %-6s %s (%.0f ms)\n", TOOL, (int)s->id + 1, ODJ_VERIFY_STEPS,
		s->name, state_name(s->state), s->summary ? s->summary : "", s->ms);
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void print_json(const struct odj_verify_req *q, odj_result r, const struct odj_ctx *ctx)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(r == ODJ_OK));
	json_object_object_add(o, "sam_account_name", jstr(q->out.sam_account_name));
	json_object_object_add(o, "domain", jstr(q->out.domain));
	json_object_object_add(o, "dc", jstr(q->out.dc_name));
	json_object_object_add(o, "dc_address", jstr(q->out.dc_address));
	json_object_object_add(o, "site", jstr(q->out.site));
	json_object_object_add(o, "skew_s", json_object_new_double(q->out.skew_s));
	json_object_object_add(o, "keytab_kvno", json_object_new_int64(q->out.keytab_kvno));
	json_object_object_add(o, "account_kvno",
			       q->out.account_kvno ? json_object_new_int64(q->out.account_kvno) : NULL);
	json_object_object_add(o, "rotation_pending",
			       json_object_new_boolean(q->out.rotation_pending));
	json_object *steps = json_object_new_array();
	for (int i = 0; i < ODJ_VERIFY_STEPS; i++) {
		const struct odj_verify_step *s = &q->out.steps[i];
		json_object *js = json_object_new_object();
		json_object_object_add(js, "step", jstr(s->name));
		json_object_object_add(js, "state", jstr(s->state == ODJ_VERIFY_PASSED   ? "passed"
							 : s->state == ODJ_VERIFY_FAILED ? "failed"
											 : "skipped"));
		json_object_object_add(js, "summary", jstr(s->summary));
		json_object_object_add(js, "ms", json_object_new_double(s->ms));
		if (s->state == ODJ_VERIFY_FAILED)
			json_object_object_add(js, "error", cli_json_error(ctx));
		json_object_array_add(steps, js);
	}
	json_object_object_add(o, "steps", steps);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int main(int argc, char **argv)
{
	cli_protect_process(); /* it holds the keytab's keys */
	static const struct option opts[] = {
		{"dc", required_argument, NULL, 'd'},	  {"root", required_argument, NULL, 'r'},
		{"ccache", required_argument, NULL, 'c'}, {"trace", required_argument, NULL, 't'},
		{"verbose", no_argument, NULL, 'v'},	  {"json", no_argument, NULL, 'j'},
		{"explain", required_argument, NULL, 'E'}, {"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	struct odj_verify_req req = ODJ_VERIFY_REQ_INIT;
	const char *trace = NULL;
	bool as_json = false, verbose = false;
	int c;
	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			req.in.dc = optarg;
			break;
		case 'r':
			req.in.root = optarg;
			break;
		case 'c':
			req.in.ccache = optarg;
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
	if (verbose)
		req.in.on_step = print_step;
	odj_result r = odj_verify(ctx, mem, &req);
	if (as_json)
		print_json(&req, r, ctx);
	else if (r == ODJ_OK)
		printf("%s: the join of %s to %s works: %d steps passed (DC %s, keytab kvno %u)\n",
		       TOOL, req.out.sam_account_name, req.out.domain, ODJ_VERIFY_STEPS,
		       req.out.dc_name, req.out.keytab_kvno);
	if (r != ODJ_OK) {
		if (req.out.failed >= 0 && !as_json)
			fprintf(stderr, "%s: step %d/%d (%s) failed\n", TOOL, req.out.failed + 1,
				ODJ_VERIFY_STEPS, odj_verify_step_name(req.out.failed));
		cli_print_error(TOOL, ctx);
	}
	talloc_free(mem);
	return r;
}
