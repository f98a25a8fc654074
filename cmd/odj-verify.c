/*
 * odj-verify: does this machine's join work?  Checks the join record and
 * keytab, finds a DC, compares clocks, gets a TGT and a host/ ticket with the
 * machine's own keys, reads the account and checks sssd.conf, in that order.
 * Parses options, calls odj_verify(), prints each step.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include <odj/verify.h>

#include "cli.h"
#include "odj-verify-usage.h"

/* What the command line fills: the request itself. */
struct options {
	struct odj_verify_req req;
};

/* The request in cli->priv, which the command line filled and the run completes. */
static struct odj_verify_req *request(const struct cli *cli)
{
	return &((struct options *)cli->priv)->req;
}

static const char *state_name(enum odj_verify_state s)
{
	return s == ODJ_VERIFY_PASSED ? "ok" : s == ODJ_VERIFY_FAILED ? "FAILED" : "skipped";
}

/* --verbose: one line per step as it finishes. */
static void print_step(void *priv, const struct odj_verify_step *s)
{
	(void)priv;
	fprintf(stderr, "%s: %d/%d %-7s %-6s %s (%.0f ms)\n", CLI_USAGE_NAME, (int)s->id + 1,
		ODJ_VERIFY_STEPS, s->name, state_name(s->state), s->summary ? s->summary : "", s->ms);
}

static bool print_json(struct cli *cli, odj_result r)
{
	const struct odj_verify_req *q = request(cli);
	json_object *o = cli_json_ok(r == ODJ_OK);
	json_object_object_add(o, "sam_account_name", cli_jstr(q->out.sam_account_name));
	json_object_object_add(o, "domain", cli_jstr(q->out.domain));
	json_object_object_add(o, "dc", cli_jstr(q->out.dc_name));
	json_object_object_add(o, "dc_address", cli_jstr(q->out.dc_address));
	json_object_object_add(o, "site", cli_jstr(q->out.site));
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
		json_object_object_add(js, "step", cli_jstr(s->name));
		json_object_object_add(js, "state", cli_jstr(s->state == ODJ_VERIFY_PASSED   ? "passed"
							 : s->state == ODJ_VERIFY_FAILED ? "failed"
											 : "skipped"));
		json_object_object_add(js, "summary", cli_jstr(s->summary));
		json_object_object_add(js, "ms", json_object_new_double(s->ms));
		if (s->state == ODJ_VERIFY_FAILED)
			json_object_object_add(js, "error", cli_json_error(cli->ctx));
		json_object_array_add(steps, js);
	}
	json_object_object_add(o, "steps", steps);
	cli_json_print(o);
	return true;
}

static void print_text(struct cli *cli, odj_result r)
{
	const struct odj_verify_req *q = request(cli);
	if (r == ODJ_OK)
		printf("%s: the join of %s to %s works: %d steps passed (DC %s, keytab kvno %u)\n",
		       CLI_USAGE_NAME, q->out.sam_account_name, q->out.domain, ODJ_VERIFY_STEPS,
		       q->out.dc_name, q->out.keytab_kvno);
	else if (q->out.failed >= 0)
		fprintf(stderr, "%s: step %d/%d (%s) failed\n", CLI_USAGE_NAME, q->out.failed + 1,
			ODJ_VERIFY_STEPS, odj_verify_step_name(q->out.failed));
}

static const struct cli_option options[] = {
	{"dc", 0, "HOST", "the DC to ask (default: the join record's, then DNS SRV and CLDAP)",
	 CLI_KEEP(CLI_TEXT, req.in.dc)},
	{"root", 0, "DIR", "where the join record and keytab are (default /)",
	 CLI_KEEP(CLI_TEXT, req.in.root)},
	{"ccache", 0, "CCACHE", "where the machine's tickets go (default: a private memory cache)",
	 CLI_KEEP(CLI_TEXT, req.in.ccache)},
	CLI_END,
};

/* The work: the engine, its progress on stderr with --verbose. */
static odj_result run(struct cli *cli)
{
	request(cli)->in.on_step = cli->verbose ? print_step : NULL;
	return odj_verify(cli->ctx, cli->mem, request(cli));
}

/* it holds the keytab's keys: cli_main makes it undumpable first */
CLI_MAIN({.req = ODJ_VERIFY_REQ_INIT}, .print_json = print_json, .print_text = print_text)
