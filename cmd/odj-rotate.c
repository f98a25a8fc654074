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
#include "odj-rotate-usage.h"

/* What the command line fills: the request itself. */
struct options {
	struct odj_rotate_req req;
};

/* The request in cli->priv, which the command line filled and the run completes. */
static struct odj_rotate_req *request(const struct cli *cli)
{
	return &((struct options *)cli->priv)->req;
}

static void print_phase(void *priv, enum odj_rotate_phase p, const char *line)
{
	(void)priv;
	(void)p;
	fprintf(stderr, "%s: %s\n", CLI_USAGE_NAME, line);
}

/* "1 2": the kvnos the keytab holds now. */
static const char *kvnos(TALLOC_CTX *mem, const struct odj_rotate_req *q)
{
	char *s = talloc_strdup(mem, "");
	for (size_t i = 0; s != NULL && i < q->out.n_keytab_kvnos; i++)
		s = talloc_asprintf_append(s, "%s%u", i ? " " : "", q->out.keytab_kvnos[i]);
	return s != NULL ? s : "(out of memory)";
}

static bool print_json(struct cli *cli, odj_result r)
{
	const struct odj_rotate_req *q = request(cli);
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
	cli_json_print_result(o, r != ODJ_OK ? cli->ctx : NULL);
	return true;
}

static void print_text(struct cli *cli, odj_result r)
{
	const struct odj_rotate_req *q = request(cli);
	if (r != ODJ_OK)
		return;
	if (q->out.recovered)
		printf("an interrupted rotation of %s was %s\n", q->out.sam_account_name,
		       q->out.recovered);
	if (q->out.rotated || q->out.kvno_after != q->out.kvno_before)
		printf("rotated the password of %s at %s: kvno %u -> %u; keytab kvnos: %s\n",
		       q->out.sam_account_name, q->out.dc_name, q->out.kvno_before, q->out.kvno_after,
		       kvnos(cli->mem, q));
	else
		printf("%s: nothing to rotate; keytab kvnos: %s\n", q->out.sam_account_name,
		       kvnos(cli->mem, q));
}

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

/* The work: the engine, its progress on stderr with --verbose. */
static odj_result run(struct cli *cli)
{
	request(cli)->in.on_phase = cli->verbose ? print_phase : NULL;
	return odj_rotate(cli->ctx, cli->mem, request(cli));
}

/* it holds the new password and the keytab's keys: cli_main makes it undumpable first */
CLI_MAIN({.req = ODJ_ROTATE_REQ_INIT}, .print_json = print_json, .print_text = print_text)
