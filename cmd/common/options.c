/* The option tables of the front ends: parsing, the shared options and --help. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <odj/trace.h>

#include "cli.h"

#define COMMON(how, member) .store = (how), .field = offsetof(struct cli, member)

/* The options every tool has, defined once; they are kept in struct cli. */
static const struct cli_option common_options[] = {
	{"help", 'h', NULL, "show this help and exit", COMMON(CLI_FLAG, help)},
	{"version", 0, NULL, "show the version and exit", COMMON(CLI_FLAG, version)},
	{"explain", 0, "CODE", "explain a status code (0x hex, decimal or symbol) and exit",
	 COMMON(CLI_TEXT, explain)},
	{"json", 'j', NULL, "JSON on stdout for scripts, a failure's error object included",
	 COMMON(CLI_FLAG, json)},
	{"trace", 0, "FILE", "append a netsetup.log-style trace of the run to FILE (0600)",
	 COMMON(CLI_TEXT, trace)},
	{"verbose", 'v', NULL, "log each step and decision on stderr", COMMON(CLI_FLAG, verbose)},
	CLI_END,
};

static bool is_end(const struct cli_option *o)
{
	return o->name == NULL && o->help == NULL;
}

static size_t count_options(const struct cli_option *t)
{
	size_t n = 0;
	for (; !is_end(t); t++)
		n += t->name != NULL;
	return n;
}

/* Entries of a table, headings included. */
static size_t count_rows(const struct cli_option *t)
{
	size_t n = 0;
	while (!is_end(&t[n]))
		n++;
	return n;
}

static bool is_short(int key)
{
	return key > 0 && key < 128 && isalpha(key);
}

static void print_table(FILE *out, const struct cli_option *t)
{
	for (; !is_end(t); t++) {
		if (t->name == NULL) {
			fprintf(out, "%s\n", t->help);
			continue;
		}
		char left[80];
		if (is_short(t->key))
			snprintf(left, sizeof(left), "-%c, --%s%s%s", t->key, t->name, t->arg ? " " : "",
				 t->arg ? t->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", t->name, t->arg ? " " : "",
				 t->arg ? t->arg : "");
		/* one line per option: a long one pushes its description right */
		fprintf(out, "  %-24s %s\n", left, t->help);
	}
}

static void print_help(FILE *out, const struct cli_tool *tool)
{
	const char *s = tool->synopsis;
	for (bool first = true; *s != '\0'; first = false) {
		size_t len = strcspn(s, "\n");
		fprintf(out, "%s%.*s\n", first ? "usage: " : "       ", (int)len, s);
		s += len + (s[len] == '\n');
	}
	fprintf(out, "\n%s\n\noptions:\n", tool->summary);
	print_table(out, tool->options);
	fprintf(out, "common options:\n");
	print_table(out, common_options);
}

/* The synopsis's first form on one line: its continuation lines joined with a space. */
static const char *first_form(TALLOC_CTX *mem, const char *synopsis)
{
	char *form = talloc_strdup(mem, "");
	for (const char *s = synopsis; form != NULL && *s != '\0' && *s != '\n';) {
		size_t len = strcspn(s, "\n");
		form = talloc_asprintf_append(form, "%s%.*s", *form ? " " : "", (int)len, s);
		s += len;
		if (s[0] == '\n' && s[1] == ' ')
			s += 1 + strspn(s + 1, " ");
	}
	return form != NULL ? form : "(out of memory)";
}

int cli_bad_usage(struct cli *cli, const char *fmt, ...)
{
	if (odj_error_get(cli->ctx)->result != ODJ_OK)
		return ODJ_E_INPUT; /* the first mistake is the one to report */
	va_list ap;
	va_start(ap, fmt);
	odj_doing(cli->ctx, "reading the command line");
	odj_failv(cli->ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER, fmt, ap);
	va_end(ap);
	odj_error_advice(cli->ctx, "%s --help lists every option", cli->tool->name);
	return ODJ_E_INPUT;
}

bool cli_parse_uint(struct cli *cli, const char *arg, unsigned min, unsigned max, const char *opt,
		    unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (!isdigit((unsigned char)*arg) || *end != '\0' || errno != 0 || v < min || v > max) {
		cli_bad_usage(cli, "%s takes a number from %u to %u", opt, min, max);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

bool cli_append(struct cli *cli, const char **list, size_t *n, size_t max, const char *opt,
		const char *arg)
{
	if (*n >= max) {
		cli_bad_usage(cli, "at most %zu %s", max, opt);
		return false;
	}
	list[(*n)++] = arg;
	list[*n] = NULL;
	return true;
}

bool cli_parse_positive(struct cli *cli, const char *arg, double max, const char *opt,
			double *out)
{
	char *end;
	double v = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || !(v > 0) || v > max) {
		cli_bad_usage(cli, "%s takes a number above 0, at most %g", opt, max);
		return false;
	}
	*out = v;
	return true;
}

/* getopt's value for entry t, row i of table k (0: the tool's, 1: the common one). */
static int getopt_value(const struct cli_option *t, int k, ptrdiff_t i)
{
	return is_short(t->key) ? t->key : 0x100 + (k << 16) + (int)i;
}

/* getopt_long's table and short-option string for both tables. */
static bool build_getopt(struct cli *cli, struct option **longs, char **shorts)
{
	const struct cli_option *tables[] = {cli->tool->options, common_options};
	size_t n = count_options(tables[0]) + count_options(tables[1]);
	*longs = talloc_zero_array(cli->mem, struct option, n + 1);
	*shorts = talloc_strdup(cli->mem, ":"); /* ':' first: a missing argument is ours to report */
	size_t i = 0;
	for (int k = 0; k < 2 && *longs != NULL && *shorts != NULL; k++) {
		for (const struct cli_option *t = tables[k]; !is_end(t); t++) {
			if (t->name == NULL)
				continue;
			(*longs)[i++] = (struct option){t->name, t->arg ? required_argument : no_argument,
							NULL, getopt_value(t, k, t - tables[k])};
			if (is_short(t->key) && *shorts != NULL)
				*shorts = talloc_asprintf_append(*shorts, "%c%s", t->key,
								 t->arg ? ":" : "");
		}
	}
	return *longs != NULL && *shorts != NULL;
}

/* The entry getopt's value c stands for, and whether it is the tool's (*own). */
static const struct cli_option *entry_of(const struct cli *cli, int c, bool *own)
{
	const struct cli_option *tables[] = {cli->tool->options, common_options};
	for (int k = 0; k < 2; k++) {
		*own = k == 0;
		for (const struct cli_option *t = tables[k]; !is_end(t); t++)
			if (t->name != NULL && getopt_value(t, k, t - tables[k]) == c)
				return t;
	}
	return NULL;
}

/* The name of an option's argument, for "needs an argument (FILE)". */
static const char *option_arg(const struct cli *cli, int c)
{
	bool own;
	const struct cli_option *t = entry_of(cli, c, &own);
	return t != NULL && t->arg != NULL ? t->arg : "a value";
}

bool cli_given(const struct cli *cli, const char *name)
{
	for (const struct cli_option *t = cli->tool->options; !is_end(t); t++)
		if (t->name != NULL && strcmp(t->name, name) == 0)
			return cli->given != NULL && cli->given[t - cli->tool->options] > 0;
	return false;
}

/* Keeps an option's value where its entry says, in base (the tool's options or struct cli). */
static void store(struct cli *cli, const struct cli_option *t, void *base, const char *arg)
{
	void *field = (char *)base + t->field;
	const char *opt = talloc_asprintf(cli->mem, "--%s", t->name);
	switch (t->store) {
	case CLI_TEXT: *(const char **)field = arg; break;
	case CLI_FLAG: *(bool *)field = true; break;
	case CLI_SET: *(int *)field = t->value; break;
	case CLI_UINT: cli_parse_uint(cli, arg, t->min, t->max, opt, field); break;
	case CLI_POSITIVE: cli_parse_positive(cli, arg, t->max, opt, field); break;
	case CLI_LIST:
		cli_append(cli, field, (size_t *)((char *)base + t->count), t->max, opt, arg);
		break;
	case CLI_CALL: t->call(cli, field, arg); break;
	}
}

/* Every option is read even after a mistake, so that --json is known when it is reported. */
static void parse(struct cli *cli, int argc, char **argv)
{
	struct option *longs;
	char *shorts;
	cli->given = talloc_zero_array(cli->mem, unsigned, count_rows(cli->tool->options));
	if (cli->given == NULL || !build_getopt(cli, &longs, &shorts)) {
		odj_fail(cli->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
		return;
	}
	opterr = 0;
	optind = 1;
	int c;
	bool own;
	const struct cli_option *t;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == '?') {
			if (is_short(optopt) && strncmp(argv[optind - 1], "--", 2) != 0)
				cli_bad_usage(cli, "unrecognized option '-%c'", optopt);
			else if (optopt != 0)
				cli_bad_usage(cli, "option '%s' takes no argument", argv[optind - 1]);
			else
				cli_bad_usage(cli, "unrecognized option '%s'", argv[optind - 1]);
		} else if (c == ':') {
			cli_bad_usage(cli, "option '%s' needs an argument (%s)", argv[optind - 1],
				      option_arg(cli, optopt));
		} else if ((t = entry_of(cli, c, &own)) != NULL) {
			if (own) {
				cli->n_own++;
				cli->given[t - cli->tool->options]++;
			}
			store(cli, t, own ? cli->priv : (void *)cli, optarg);
		}
	}
	cli->args = argv + optind;
	cli->n_args = (unsigned)(argc - optind);
}

/* --explain is a question of its own: with anything but --json it is a mistake. */
static int explain(struct cli *cli)
{
	if (cli->n_own > 0 || cli->n_args > 0 || cli->trace || cli->verbose)
		return cli_finish(cli, cli_bad_usage(cli, "--explain CODE takes no other option or "
							  "argument than --json (got '%s')",
						     cli->n_args ? cli->args[0] : "an option"));
	odj_result r = cli_explain(cli, cli->explain);
	return cli_finish(cli, r);
}

enum cli_start cli_start(struct cli *cli, const struct cli_tool *tool, TALLOC_CTX *mem,
			 void *priv, int argc, char **argv, int *rc)
{
	memset(cli, 0, sizeof(*cli));
	cli->tool = tool;
	cli->mem = mem;
	cli->priv = priv;
	cli->ctx = odj_ctx_new(mem);
	if (cli->ctx == NULL) {
		fprintf(stderr, "%s: out of memory\n", tool->name);
		*rc = ODJ_E_UNEXPECTED;
		return CLI_EXIT;
	}
	parse(cli, argc, argv);
	if (odj_error_get(cli->ctx)->result != ODJ_OK) {
		*rc = cli_finish(cli, odj_error_get(cli->ctx)->result);
		return CLI_EXIT;
	}
	*rc = ODJ_OK;
	if (cli->help) {
		print_help(stdout, tool);
		return CLI_EXIT;
	}
	if (cli->version) {
		cli_print_version(stdout, tool->name);
		return CLI_EXIT;
	}
	if (cli->explain != NULL) {
		*rc = explain(cli);
		return CLI_EXIT;
	}
	if (cli->n_args < tool->min_args || cli->n_args > tool->max_args) {
		if (cli->n_args > tool->max_args)
			cli_bad_usage(cli, "unexpected argument '%s'", cli->args[tool->max_args]);
		else
			cli_bad_usage(cli, "missing argument: usage: %s", first_form(mem, tool->synopsis));
		*rc = cli_finish(cli, ODJ_E_INPUT);
		return CLI_EXIT;
	}
	if (cli->trace != NULL) {
		struct odj_trace_file *tf = NULL;
		odj_result r = odj_trace_file_open(cli->ctx, mem, cli->trace, &tf);
		if (r != ODJ_OK) {
			*rc = cli_finish(cli, r);
			return CLI_EXIT;
		}
	}
	if (cli->verbose)
		cli_verbose(cli);
	return CLI_RUN;
}

int cli_main(const struct cli_tool *tool, void *priv, int argc, char **argv)
{
	if (!cli_protect_process(tool->name))
		return ODJ_E_CONFIG;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct cli cli;
	int rc;
	if (cli_start(&cli, tool, mem, priv, argc, argv, &rc) == CLI_RUN) {
		odj_result r = tool->run(&cli);
		if (cli.json && tool->print_json != NULL)
			cli.json_printed = tool->print_json(&cli, r);
		else if (!cli.json && tool->print_text != NULL)
			tool->print_text(&cli, r);
		rc = cli_finish(&cli, r);
	}
	talloc_free(mem); /* wipes the passwords and blobs the run read */
	return rc;
}
