/*
 * The LDAP connection to the pinned DC: odj opens the TCP connection to the
 * DC's address itself (so no resolver or referral can move it to another DC)
 * and hands it to libldap with the DC's host name, which SASL GSSAPI needs for
 * the ldap/<host> ticket.  The bind uses the tickets odj fetched beforehand,
 * so it causes no KDC traffic, and always has a security layer: GSSAPI
 * sealing on ldap://, or TLS with channel binding on ldaps://.  Never a
 * simple bind.
 */
#ifndef ODJ_DC_LDAP_CONN_H
#define ODJ_DC_LDAP_CONN_H

#include <ldap.h>
#include <stdbool.h>
#include <stdint.h>

#include <odj/error.h>

#include "krb.h"

struct odj_ldap;

struct odj_ldap_options {
	unsigned version;
	const char *dc_host;    /* "dc1.odj.test": the name in ldap/<host> */
	const char *dc_address; /* the pinned address to connect to */
	bool ldaps;             /* TLS on 636 with SASL at SSF 0 plus channel binding */
	const char *ca_file;    /* for ldaps: trust anchors; NULL: system default */
	int connect_timeout_ms;
	int op_timeout_ms; /* per LDAP operation */
};

#define ODJ_LDAP_OPTIONS_VERSION 1
#define ODJ_LDAP_OPTIONS_INIT {ODJ_LDAP_OPTIONS_VERSION, NULL, NULL, false, NULL, 3000, 30000}

/*
 * Makes the connection of ld wipe each request's encoding once it is sent
 * (the add or modify with unicodePwd among them): libldap frees it unwiped.
 * Returns 0, or -1 if the layer could not be added.
 */
int odj_ldap_wipe_sent(LDAP *ld);

/* Connects and binds with the Kerberos session's tickets (ldap/<host> must be in it). */
odj_result odj_ldap_connect(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_ldap_options *o,
			    struct odj_krb *krb, struct odj_ldap **out);

LDAP *odj_ldap_handle(const struct odj_ldap *c);
struct odj_ctx *odj_ldap_ctx(const struct odj_ldap *c);

/* Security strength of the bind's layer (GSSAPI), or 0 with TLS. */
unsigned odj_ldap_ssf(const struct odj_ldap *c);
bool odj_ldap_tls(const struct odj_ldap *c);
const char *odj_ldap_uri(const struct odj_ldap *c);

/*
 * Records an LDAP failure with the connection's diagnostic message (the
 * catalogue decodes AD's "0000202F: ..." text into the Win32 row and detail).
 */
odj_result odj_ldap_fail(struct odj_ldap *c, int rc, const char *fmt, ...) ODJ_PRINTF(3, 4);

/* The same, recorded on ctx (one machine's own context in a bulk run). */
odj_result odj_ldap_fail_on(struct odj_ldap *c, struct odj_ctx *ctx, int rc, const char *fmt, ...)
	ODJ_PRINTF(4, 5);

#endif
