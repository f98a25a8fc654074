/* Reading a password for a front end: never from argv. */
#ifndef ODJ_SECRET_INPUT_H
#define ODJ_SECRET_INPUT_H

#include <odj/odj.h>
#include <odj/prepare.h>

#include "cli.h"

enum cli_password_source {
	CLI_PASSWORD_NONE,
	CLI_PASSWORD_STDIN, /* --password-stdin: the first line of standard input */
	CLI_PASSWORD_FILE,  /* --password-file FILE: its first line */
	CLI_PASSWORD_PROMPT /* a prompt on the terminal, echo off */
};

/*
 * Reads the password (without the line end) into an odj_secret on mem.
 * A password file readable by group or others is refused.  Every buffer the
 * password passed through is wiped.  Returns ODJ_OK or records the error.
 */
odj_result cli_read_password(struct odj_ctx *ctx, TALLOC_CTX *mem, enum cli_password_source src,
			     const char *file, const char *prompt, struct odj_secret **out);

/* --password-method ldap|kpasswd|auto; else a usage error and false. */
bool cli_parse_password_method(struct cli *cli, const char *arg, enum odj_password_method *out);

#endif
