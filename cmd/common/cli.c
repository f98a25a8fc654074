/* Reporting for the front ends: errors (text and JSON), --explain, --verbose, --version. */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <odj/catalogue.h>

#include "cli.h"
#include "odj_build_version.h"

void cli_print_error(const char *tool, const struct odj_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *text = odj_error_format(tmp, ctx);
	fprintf(stderr, "%s: %s\n", tool, text ? text : "out of memory");
	talloc_free(tmp);
}

json_object *cli_jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void cli_json_add_strs(json_object *o, ...)
{
	va_list ap;
	va_start(ap, o);
	for (const char *key = va_arg(ap, const char *); key != NULL; key = va_arg(ap, const char *))
		json_object_object_add(o, key, cli_jstr(va_arg(ap, const char *)));
	va_end(ap);
}

void cli_json_add_doubles(json_object *o, ...)
{
	va_list ap;
	va_start(ap, o);
	for (const char *key = va_arg(ap, const char *); key != NULL; key = va_arg(ap, const char *))
		json_object_object_add(o, key, json_object_new_double(va_arg(ap, double)));
	va_end(ap);
}

json_object *cli_jstrs(char *const *items, size_t n)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	return a;
}

json_object *cli_jstrv(char *const *items)
{
	size_t n = 0;
	while (items != NULL && items[n] != NULL)
		n++;
	return cli_jstrs(items, n);
}

json_object *cli_json_result(void)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "schema_version", json_object_new_int(CLI_JSON_SCHEMA_VERSION));
	return o;
}

json_object *cli_json_ok(bool ok)
{
	json_object *o = cli_json_result();
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	return o;
}

void cli_json_print(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void cli_json_print_result(json_object *o, const struct odj_ctx *error_ctx)
{
	if (error_ctx != NULL)
		json_object_object_add(o, "error", cli_json_error(error_ctx));
	cli_json_print(o);
}

/* status, hex, symbol, text and row of a status code. */
static void add_status(json_object *o, odj_status st)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	json_object_object_add(o, "status", json_object_new_int64(st));
	json_object_object_add(o, "hex", cli_jstr(talloc_asprintf(tmp, "0x%X", st)));
	json_object_object_add(o, "symbol", cli_jstr(odj_status_symbol(st)));
	json_object_object_add(o, "text", cli_jstr(odj_status_text(st)));
	json_object_object_add(o, "row", cli_jstr(odj_status_row(tmp, st)));
	talloc_free(tmp);
}

json_object *cli_json_error(const struct odj_ctx *ctx)
{
	const struct odj_error *e = odj_error_get(ctx);
	json_object *err = json_object_new_object();
	add_status(err, e->status);
	json_object_object_add(err, "category", cli_jstr(odj_result_name(e->result)));
	json_object_object_add(err, "exit", json_object_new_int(e->result));
	json_object_object_add(err, "doing", cli_jstr(e->doing));
	json_object_object_add(err, "message", cli_jstr(e->message));
	json_object_object_add(err, "detail", cli_jstr(e->detail));
	json_object_object_add(err, "advice", cli_jstr(e->advice));
	return err;
}

int cli_finish(struct cli *cli, int r)
{
	if (r == ODJ_OK)
		return r;
	if (odj_error_get(cli->ctx)->result == ODJ_OK) /* a tool's bug: say so, never nothing */
		odj_fail(cli->ctx, (odj_result)r, ODJ_ERROR_CAN_NOT_COMPLETE, "failed without a reason");
	cli_print_error(cli->tool->name, cli->ctx);
	if (cli->json && !cli->json_printed) {
		json_object *o = cli_json_result();
		json_object_object_add(o, "ok", json_object_new_boolean(false));
		json_object_object_add(o, "exit", json_object_new_int(r));
		json_object_object_add(o, "error", cli_json_error(cli->ctx));
		cli_json_print(o);
		cli->json_printed = true;
	}
	return r;
}

/* "40" is decimal to strtoul, but a reader of "0x40 64 ERROR_..." may mean the hex. */
static const char *decimal_note(TALLOC_CTX *mem, const char *code, odj_status st)
{
	for (const char *p = code; *p; p++)
		if (!isdigit((unsigned char)*p))
			return NULL;
	char *note = talloc_asprintf(mem, "read as decimal %s = 0x%X", code, st);
	odj_status hex;
	char *as_hex = talloc_asprintf(mem, "0x%s", code);
	if (note != NULL && as_hex != NULL && odj_status_parse(as_hex, &hex) &&
	    odj_status_symbol(hex) != NULL)
		note = talloc_asprintf_append(note, "; for %s (%s) write --explain %s", as_hex,
					      odj_status_symbol(hex), as_hex);
	return note;
}

int cli_explain(struct cli *cli, const char *code)
{
	odj_status st;
	if (!odj_status_parse(code, &st))
		return cli_bad_usage(cli, "--explain: '%s' is not a known status (0x hex, decimal or "
					  "symbol)", code);
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *note = decimal_note(tmp, code, st);
	if (odj_status_symbol(st) == NULL) {
		if (!cli->json)
			printf("%s%s%s0x%X %u (unknown status)\n", note ? "(" : "", note ? note : "",
			       note ? ")\n" : "", st, st);
		cli_bad_usage(cli, "--explain: 0x%X %u is not a status odj knows%s%s%s", st, st,
			      note ? " (" : "", note ? note : "", note ? ")" : "");
		talloc_free(tmp);
		return ODJ_E_INPUT;
	}
	struct odj_catalogue_entry e;
	bool in_catalogue = odj_catalogue_get(st, &e);
	if (cli->json) {
		json_object *o = cli_json_result();
		add_status(o, st);
		json_object_object_add(o, "category",
				       cli_jstr(odj_result_name(odj_status_category(st))));
		json_object_object_add(o, "causes", cli_jstr(in_catalogue ? e.causes : NULL));
		json_object_object_add(o, "check", cli_jstr(in_catalogue ? e.check : NULL));
		json_object_object_add(o, "note", cli_jstr(note));
		cli_json_print(o);
		cli->json_printed = true;
	} else {
		char *text = odj_catalogue_explain(tmp, st);
		if (note != NULL)
			printf("(%s)\n", note);
		printf("%s\n", text ? text : "out of memory");
	}
	talloc_free(tmp);
	return ODJ_OK;
}

void cli_print_version(FILE *out, const char *tool)
{
	fprintf(out, "%s (odj) %s\n", tool, ODJ_BUILD_VERSION);
}

struct verbose_sink {
	const char *tool;
	odj_trace_fn next;
	void *next_priv;
};

static void verbose_line(void *priv, const char *line)
{
	struct verbose_sink *v = priv;
	fprintf(stderr, "%s: %s\n", v->tool, line);
	if (v->next != NULL)
		v->next(v->next_priv, line);
}

void cli_verbose(struct cli *cli)
{
	struct verbose_sink *v = talloc_zero(cli->mem, struct verbose_sink);
	if (v == NULL)
		return;
	v->tool = cli->tool->name;
	odj_ctx_get_trace(cli->ctx, &v->next, &v->next_priv);
	odj_ctx_set_trace(cli->ctx, verbose_line, v);
}

bool cli_protect_process(const char *tool)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		fprintf(stderr, "%s: cannot make the process undumpable (prctl PR_SET_DUMPABLE): %m\n",
			tool);
		return false;
	}
	struct rlimit none = {0, 0};
	if (setrlimit(RLIMIT_CORE, &none) != 0) {
		fprintf(stderr, "%s: cannot turn core files off (setrlimit RLIMIT_CORE): %m\n", tool);
		return false;
	}
	return true;
}

void cli_print_secret(const char *tool, const char *text, size_t len)
{
	/* The one documented place a secret reaches stdout: djoin /printblob. */
	fprintf(stderr, "%s: warning: the blob on stdout holds the machine password; keep it "
			"out of logs and shared files\n",
		tool);
	fwrite(text, 1, len, stdout);
	fputc('\n', stdout);
}
