#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <odj/catalogue.h>
#include <odj/trace.h>

#include "cli.h"
#include "odj_build_version.h"

void cli_print_error(const char *tool, const struct odj_ctx *ctx)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *text = odj_error_format(tmp, ctx);
	fprintf(stderr, "%s: %s\n", tool, text ? text : "out of memory");
	talloc_free(tmp);
}

int cli_explain(FILE *out, const char *tool, const char *code)
{
	odj_status st;
	if (!odj_status_parse(code, &st)) {
		fprintf(stderr, "%s: --explain: '%s' is not a known status (hex, decimal or symbol)\n",
			tool, code);
		return ODJ_E_INPUT;
	}
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *text = odj_catalogue_explain(tmp, st);
	fprintf(out, "%s\n", text ? text : "out of memory");
	talloc_free(tmp);
	return odj_status_symbol(st) ? ODJ_OK : ODJ_E_INPUT;
}

int cli_trace_open(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *tool, const char *path)
{
	struct odj_trace_file *tf = NULL;
	odj_result r = odj_trace_file_open(ctx, mem, path, &tf);
	if (r != ODJ_OK) {
		cli_print_error(tool, ctx);
		return r;
	}
	odj_trace_begin(ctx, tool);
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

void cli_verbose(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *tool)
{
	struct verbose_sink *v = talloc_zero(mem, struct verbose_sink);
	if (v == NULL)
		return;
	v->tool = tool;
	odj_ctx_get_trace(ctx, &v->next, &v->next_priv);
	odj_ctx_set_trace(ctx, verbose_line, v);
}

static json_object *json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *cli_json_error(const struct odj_ctx *ctx)
{
	const struct odj_error *e = odj_error_get(ctx);
	json_object *err = json_object_new_object();
	json_object_object_add(err, "status", json_object_new_int64(e->status));
	json_object_object_add(err, "symbol", json_str(odj_status_symbol(e->status)));
	json_object_object_add(err, "text", json_str(odj_status_text(e->status)));
	json_object_object_add(err, "doing", json_str(e->doing));
	json_object_object_add(err, "message", json_str(e->message));
	json_object_object_add(err, "detail", json_str(e->detail));
	json_object_object_add(err, "advice", json_str(e->advice));
	return err;
}

void cli_protect_process(void)
{
	prctl(PR_SET_DUMPABLE, 0);
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
}
