/*
 * What the odj front ends share: one option table format with the options
 * every tool has (--help, --version, --explain, --json, --trace, --verbose),
 * --help generated from the tables, and one way to report a failure (text on
 * stderr, and with --json the same error object on stdout in every tool).
 */
#ifndef ODJ_CLI_H
#define ODJ_CLI_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <odj/odj.h>

struct cli;

/* How an option's value is kept (in cli->priv; the common options' in struct cli). */
enum cli_store {
	CLI_TEXT,     /* const char *: the argument */
	CLI_FLAG,     /* bool: true */
	CLI_SET,      /* an enum: value */
	CLI_UINT,     /* unsigned: a number from min to max */
	CLI_POSITIVE, /* double: a number above 0, at most max */
	CLI_LIST,     /* const char *[max + 1], NULL-terminated; the count (size_t) at count */
	CLI_CALL,     /* call(cli, field, arg): a rule of the tool's own */
};

/*
 * One option of a tool's table: its name, help and where its value goes
 * (field: offsetof in the tool's struct options).  key is a short option's
 * letter (-n), else 0.  An entry with no name is a heading in --help
 * ("credentials:").  The table ends with an entry whose name and help are
 * both NULL.
 */
struct cli_option {
	const char *name; /* without "--" */
	int key;
	const char *arg;  /* the argument's name in --help; NULL: the option takes none */
	const char *help; /* one line */
	enum cli_store store;
	size_t field;
	int value;              /* CLI_SET */
	unsigned min, max;      /* CLI_UINT; max for CLI_POSITIVE and CLI_LIST */
	size_t count;           /* CLI_LIST */
	int (*call)(struct cli *cli, void *field, const char *arg); /* CLI_CALL */
};

/* Where a tool's option goes: a member of its struct options, kept as how says. */
#define CLI_FIELD(member) offsetof(struct options, member)
#define CLI_KEEP(how, member) .store = (how), .field = CLI_FIELD(member)

/* A heading in --help, and the end of a table. */
#define CLI_HEADING(text) {.help = (text)}
#define CLI_END {.name = NULL, .help = NULL}

/*
 * A tool: its usage (CLI_USAGE), its option table, its work, and how it
 * prints the result the work leaves in cli->priv.
 */
struct cli_tool {
	const char *name;
	const char *synopsis; /* the usage lines, a form a line (continued: indented), no "usage: " */
	const char *summary;  /* what the tool does, a line */
	const struct cli_option *options;
	unsigned min_args, max_args; /* positional arguments (omitted: none) */
	/* The work, once the command line is read; returns the exit status. */
	odj_result (*run)(struct cli *cli);
	/*
	 * Called by cli_main with run's result, before a failure is reported:
	 * print_json with --json (true: it printed the result object, which
	 * then carries the error, and cli_finish prints none), print_text
	 * without.  NULL: run prints what there is to print.
	 */
	bool (*print_json)(struct cli *cli, odj_result r);
	void (*print_text)(struct cli *cli, odj_result r);
};

/*
 * A tool's name, usage lines and summary, from its man page: the header
 * <tool>-usage.h that cmd/common/usage.awk makes of man/<tool>.1 at build
 * time defines CLI_USAGE_NAME, CLI_USAGE_SYNOPSIS and CLI_USAGE_SUMMARY.
 */
#define CLI_USAGE \
	.name = CLI_USAGE_NAME, .synopsis = CLI_USAGE_SYNOPSIS, .summary = CLI_USAGE_SUMMARY

struct cli {
	const struct cli_tool *tool;
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	void *priv;           /* the tool's struct options, which its table fills */
	bool help, version;   /* --help, --version */
	bool json, verbose;   /* --json, --verbose */
	const char *trace;    /* --trace FILE */
	const char *explain;  /* --explain CODE */
	unsigned n_own;       /* how many of the tool's own options were given */
	unsigned *given;      /* how often each entry of the tool's table was given */
	char **args;          /* the positional arguments */
	unsigned n_args;
	bool json_printed;    /* the tool printed its JSON result (with the error in it) */
};

/* Parses the command line; --help, --version and --explain are done here. */
enum cli_start { CLI_RUN, CLI_EXIT };

/*
 * Parses argv with the common options and the tool's table, answers --help,
 * --version and --explain, checks the number of positional arguments, opens
 * the --trace file and starts --verbose.  CLI_RUN: the tool does its work.
 * CLI_EXIT: *rc is the exit status (a usage error has been reported).
 */
enum cli_start cli_start(struct cli *cli, const struct cli_tool *tool, TALLOC_CTX *mem,
			 void *priv, int argc, char **argv, int *rc);

/*
 * A tool's main(): hardens the process (cli_protect_process), parses the
 * command line into priv (cli_start), runs the tool, prints its result (the
 * tool's print_json or print_text) and reports its failure (cli_finish).
 * Everything on the run's talloc context is freed (secrets wiped) before it
 * returns the exit status.
 */
int cli_main(const struct cli_tool *tool, void *priv, int argc, char **argv);

/*
 * A tool's struct cli_tool and main(): its usage from its man page
 * (CLI_USAGE), its table `options`, its `run` and the other fields given
 * (.max_args, .print_json, .print_text); main() is cli_main with the tool's
 * `struct options` starting as init: {0}, or {.member = a request's _INIT}
 * (no comma of its own: it is one macro argument).
 */
#define CLI_MAIN(init, ...)                                                                  \
	static const struct cli_tool cli_tool_ = {CLI_USAGE, .options = options, .run = run, \
						  __VA_ARGS__};                              \
	int main(int argc, char **argv)                                                      \
	{                                                                                    \
		struct options o = init;                                                     \
		return cli_main(&cli_tool_, &o, argc, argv);                                 \
	}

/*
 * A usage error: recorded in the context as ERROR_INVALID_PARAMETER (exit 2)
 * while "reading the command line", unless an earlier one is recorded.
 * Returns ODJ_E_INPUT.
 */
int cli_bad_usage(struct cli *cli, const char *fmt, ...) ODJ_PRINTF(2, 3);

/* Whether the tool's option NAME (without "--") was given. */
bool cli_given(const struct cli *cli, const char *name);

/*
 * An option's number: decimal digits only, from min to max; else a usage
 * error "OPT takes a number from MIN to MAX" and false.
 */
bool cli_parse_uint(struct cli *cli, const char *arg, unsigned min, unsigned max, const char *opt,
		    unsigned *out);

/*
 * A repeatable option: appends arg to list (kept NULL-terminated, room for
 * max + 1); one more than max is a usage error "at most MAX OPT" and false.
 */
bool cli_append(struct cli *cli, const char **list, size_t *n, size_t max, const char *opt,
		const char *arg);

/* An option's positive number (seconds, a rate), at most max; else a usage error and false. */
bool cli_parse_positive(struct cli *cli, const char *arg, double max, const char *opt,
			double *out);

/*
 * The end of a run: for r != ODJ_OK prints the context's error to stderr and,
 * with --json unless the tool printed its result object, {"ok": false,
 * "exit": r, "error": {...}} on stdout.  Returns r.
 */
int cli_finish(struct cli *cli, int r);

/*
 * --explain CODE: the catalogue entry for CODE (0x hex, decimal or symbol):
 * the row, the likely causes and what to check; with --json as an object.
 * A decimal number is said to be one ("decimal 40 = 0x28"), with the hex
 * reading of the same digits when that is a known status.  Returns the exit
 * status (ODJ_E_INPUT for a code that is not known).
 */
int cli_explain(struct cli *cli, const char *code);

/*
 * --verbose: every trace line (each decision and step) also goes to stderr
 * as "<tool>: <line>", in front of any --trace file.
 */
void cli_verbose(struct cli *cli);

/* Prints "<tool>: <row>\nwhile: ..." for the context's error on stderr. */
void cli_print_error(const char *tool, const struct odj_ctx *ctx);

/*
 * The context's error as the JSON object every tool uses: status (number),
 * hex, symbol, text, row, category and exit (the odj_result), doing,
 * message, detail, advice.
 */
json_object *cli_json_error(const struct odj_ctx *ctx);

/* Prints a JSON document (pretty, no escaped slashes) on stdout; takes o. */
void cli_json_print(json_object *o);

/* A JSON string or null. */
json_object *cli_jstr(const char *s);

/* An array of strings. */
json_object *cli_jstrs(char *const *items, size_t n);

/*
 * Adds string members to o in the order given: key, value pairs ended by a
 * NULL key (a NULL value is null).
 */
void cli_json_add_strs(json_object *o, ...);

/* Adds number members (doubles: milliseconds, seconds) as cli_json_add_strs adds strings. */
void cli_json_add_doubles(json_object *o, ...);

/* An array of the strings of a NULL-terminated list (NULL: empty). */
json_object *cli_jstrv(char *const *items);

/* The version of the JSON vocabulary (man/odj-json.schema.json) every output carries. */
#define CLI_JSON_SCHEMA_VERSION 1

/* A new JSON result object that starts with "schema_version". */
json_object *cli_json_result(void);

/* A verb's JSON result: "schema_version", then "ok". */
json_object *cli_json_ok(bool ok);

/* Adds the context's error object as "error" when ctx is not NULL, then prints o (and takes it). */
void cli_json_print_result(json_object *o, const struct odj_ctx *error_ctx);

/* Prints "<tool> (odj) <version>": the one place the version text is made. */
void cli_print_version(FILE *out, const char *tool);

/*
 * For a tool that holds passwords: no core file and no ptrace by other
 * processes of the same user (PR_SET_DUMPABLE 0, RLIMIT_CORE 0).  Copies that
 * libraries may free without wiping then stay out of reach until the memory
 * is reused or the process ends.
 * Returns false (after a message on stderr) when either call failed: the
 * tool must not go on to read a secret.
 */
bool cli_protect_process(const char *tool);

/*
 * Writes a secret to standard output (the one documented place: --print),
 * after the warning on stderr that it holds the machine password.
 */
void cli_print_secret(const char *tool, const char *text, size_t len);

#endif
