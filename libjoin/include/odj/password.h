/*
 * Machine account passwords ([MS-WKST] 3.2.4.13.3 steps 20 and 21).
 *
 * Both generators return an odj_secret: the text is never in a plain
 * char buffer that could reach a printer.
 */
#ifndef ODJ_PASSWORD_H
#define ODJ_PASSWORD_H

#include <odj/api.h>

#include <stddef.h>
#include <stdint.h>

#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Step 21: 120 characters, each with a code from 32 to 122. */
#define ODJ_PASSWORD_LENGTH 120
#define ODJ_PASSWORD_MIN_CHAR 32
#define ODJ_PASSWORD_MAX_CHAR 122
/* Step 20: the default password is at most 14 characters. */
#define ODJ_DEFAULT_PASSWORD_MAX 14

/*
 * A source of random bytes: fills buf with len bytes and returns 0, or
 * returns an errno value.  The default is getrandom(2).
 */
typedef int (*odj_random_fn)(void *priv, uint8_t *buf, size_t len);

#define ODJ_PASSWORD_OPTS_VERSION 1

struct odj_password_opts {
	unsigned int version;   /* ODJ_PASSWORD_OPTS_VERSION */
	size_t length;          /* characters; 0 means ODJ_PASSWORD_LENGTH */
	odj_random_fn random;   /* NULL means getrandom(2); tests inject their own */
	void *random_priv;
};

#define ODJ_PASSWORD_OPTS_INIT {ODJ_PASSWORD_OPTS_VERSION, 0, NULL, NULL}

/*
 * Step 21: a random password of opts->length characters from 32..122,
 * drawn without modulo bias (bytes that would bias the draw are rejected
 * and drawn again).  opts may be NULL for the defaults.  A source that keeps
 * returning only rejected bytes fails with ERROR_CAN_NOT_COMPLETE instead of
 * looping forever.
 */
ODJ_API odj_result odj_password_random(struct odj_ctx *ctx, TALLOC_CTX *mem,
			       const struct odj_password_opts *opts, struct odj_secret **out);

/*
 * Step 20 (NETSETUP_JOIN_UNSECURE, and what djoin /defpwd and
 * NETSETUP_PROVISION_USE_DEFAULT_PASSWORD mean): the first 14 characters of
 * the NetBIOS machine name in lowercase.  The name must be a valid
 * NetSetupMachine name.
 */
ODJ_API odj_result odj_password_default(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *netbios_name,
				struct odj_secret **out);

/* The byte-to-character step of odj_password_random, exposed for tests:
 * true and *c set when byte b is accepted, false when it must be redrawn. */
ODJ_API bool odj_password_char_from_byte(uint8_t b, char *c);

#ifdef __cplusplus
}
#endif
#endif
