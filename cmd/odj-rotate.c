/*
 * odj-rotate: changes this machine's password with its own Kerberos keys
 * (kpasswd) and commits the new keys, crash-safe (a rerun finishes or undoes
 * an interrupted rotation).  Parses options, calls odj_rotate(), prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <odj/rotate.h>

#include "cli.h"

#define TOOL "odj-rotate"

static void print_phase(void *priv, enum odj_rotate_phase p, const char *line)
{
	(void)priv;
	(void)p;
	fprintf(stderr, "%s: %s\n", TOOL, line);
}

/* "1 2": the kvnos the keytab holds now. */
static const char *kvnos(TALLOC_CTX *mem, const struct odj_rotate_req *q)
{
	char *s = talloc_strdup(mem, "");
	for (size_t i = 0; s != NULL && i < q->out.n_keytab_kvnos; i++)
		s = talloc_asprintf_append(s, "%s%u", i ? " " : "", q->out.keytab_kvnos[i]);
	return s != NULL ? s : "(out of memory)";
}

static void print_json(const struct odj_rotate_req *q, odj_result r, const struct odj_ctx *ctx)
{
	json_object *o = cli_json_ok(r == ODJ_OK);
	cli_json_add_strs(o, "sam_account_name", q->out.sam_account_name, "dc", q->out.dc_name,
			  "dc_address", q->out.dc_address, NULL);
	json_object_object_add(o, "rotated", json_object_new_boolean(q->out.rotated));
	json_object_object_add(o, "recovered", cli_jstr(q->out.recovered));
	json_object_object_add(o, "kvno_before", json_object_new_int64(q->out.kvno_before));
	json_object_object_add(o, "kvno_after", json_object_new_int64(q->out.kvno_after));
	json_object *kv = json_object_new_array();
	for (size_t i = 0; i < q->out.n_keytab_kvnos; i++)
		json_object_array_add(kv, json_object_new_int64(q->out.keytab_kvnos[i]));
	json_object_object_add(o, "keytab_kvnos", kv);
	cli_json_print_result(o, r != ODJ_OK ? ctx : NULL);
}

struct options {
	struct odj_rotate_req req;
};

static const struct cli_option options[] = {
	{"dc", 0, "HOST", "the DC to use (default: the join record's, then DNS SRV)",
	 CLI_KEEP(CLI_TEXT, req.in.dc)},
	{"root", 0, "DIR", "the joined root whose keytab and join record change (default /)",
	 CLI_KEEP(CLI_TEXT, req.in.root)},
	{"recover-only", 0, NULL, "finish or undo an interrupted rotation, start none",
	 CLI_KEEP(CLI_FLAG, req.in.recover_only)},
	/* an int field: the range fits it */
	{"wait-for-dc", 0, "SECONDS", "retry with backoff while no DC answers (0 to 604800)",
	 CLI_KEEP(CLI_UINT, req.in.wait_for_dc_s), .min = 0, .max = 7 * 86400},
	CLI_END,
};

static odj_result run(struct cli *cli)
{
	struct options *o = cli->priv;
	struct odj_rotate_req *q = &o->req;
	if (cli->verbose)
		q->in.on_phase = print_phase;
	odj_result r = odj_rotate(cli->ctx, cli->mem, q);
	if (cli->json) {
		print_json(q, r, cli->ctx);
		cli->json_printed = true;
	} else if (r == ODJ_OK) {
		if (q->out.recovered)
			printf("an interrupted rotation of %s was %s\n", q->out.sam_account_name,
			       q->out.recovered);
		if (q->out.rotated || q->out.kvno_after != q->out.kvno_before)
			printf("rotated the password of %s at %s: kvno %u -> %u; keytab kvnos: %s\n",
			       q->out.sam_account_name, q->out.dc_name, q->out.kvno_before,
			       q->out.kvno_after, kvnos(cli->mem, q));
		else
			printf("%s: nothing to rotate; keytab kvnos: %s\n", q->out.sam_account_name,
			       kvnos(cli->mem, q));
	}
	return r;
}

static const struct cli_tool tool = {
	.name = TOOL,
	.synopsis = "odj-rotate [--dc HOST] [--root DIR] [--recover-only] [--wait-for-dc SECONDS]\n"
		    "           [--verbose] [--json] [--trace FILE]\n"
		    "odj-rotate --explain CODE [--json]",
	.summary = "Changes this machine's password with its own Kerberos keys (kpasswd) and commits\n"
		   "the new keys to the keytab and the join record, crash-safe: a rerun finishes or\n"
		   "undoes an interrupted rotation.",
	.options = options,
	.run = run,
};

/* it holds the new password and the keytab's keys: cli_main makes it undumpable first */
CLI_MAIN(tool, {.req = ODJ_ROTATE_REQ_INIT})
