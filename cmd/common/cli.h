/* Helpers shared by the odj front ends: printing errors and explaining codes. */
#ifndef ODJ_CLI_H
#define ODJ_CLI_H

#include <json-c/json.h>
#include <stdio.h>

#include <odj/odj.h>

/* Prints the context's error to stderr as "<tool>: <row>\n while: ...". */
void cli_print_error(const char *tool, const struct odj_ctx *ctx);

/*
 * --explain CODE: prints the catalogue entry for CODE (hex, decimal or
 * symbol) to out: the row, the likely causes and what to check.  Returns the exit status (0, or ODJ_E_INPUT for an
 * unknown code, with a message on stderr).
 */
int cli_explain(FILE *out, const char *tool, const char *code);

/*
 * --trace FILE: appends a netsetup.log-style trace of this run to FILE
 * (mode 0600, symlinks refused).  The writer lives on mem.  Returns the exit
 * status (0, or the failure's category after printing the error).
 */
int cli_trace_open(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *tool, const char *path);

/*
 * --verbose: every trace line (each decision and step) also goes to stderr
 * as "<tool>: <line>", in front of any --trace file.  Call after cli_trace_open.
 */
void cli_verbose(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *tool);

/* The context's error as a JSON object: status, symbol, text, doing, message, detail, advice. */
json_object *cli_json_error(const struct odj_ctx *ctx);

/* Prints "<tool> (odj) <version>". */
void cli_print_version(FILE *out, const char *tool);

/*
 * For a tool that holds passwords: no core file and no ptrace by other
 * processes of the same user (PR_SET_DUMPABLE 0, RLIMIT_CORE 0).  Copies that
 * libraries free without wiping (libldap's BER of an add with unicodePwd)
 * then stay out of reach until the memory is reused or the process ends.
 */
void cli_protect_process(void);

#endif
