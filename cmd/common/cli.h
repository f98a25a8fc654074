/* Helpers shared by the odj front ends: printing errors and explaining codes. */
#ifndef ODJ_CLI_H
#define ODJ_CLI_H

#include <stdio.h>

#include <odj/odj.h>

/* Prints the context's error to stderr as "<tool>: <row>\n while: ...". */
void cli_print_error(const char *tool, const struct odj_ctx *ctx);

/*
 * --explain CODE: prints the catalogue row for CODE (hex, decimal or
 * symbol) to out.  Returns the exit status (0, or ODJ_E_INPUT for an
 * unknown code, with a message on stderr).
 */
int cli_explain(FILE *out, const char *tool, const char *code);

/* Prints "<tool> (odj) <version>". */
void cli_print_version(FILE *out, const char *tool);

#endif
