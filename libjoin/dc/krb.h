/*
 * Kerberos under odj's control: AS and TGS exchanges run with MIT's step APIs
 * over odj's own transport to the pinned KDC (kdc_transport.h), into a private
 * MEMORY ccache.  Service tickets are fetched up front, so libldap's GSSAPI
 * bind and the SMB session later need no KDC traffic of their own.
 */
#ifndef ODJ_DC_KRB_H
#define ODJ_DC_KRB_H

#include <krb5.h>
#include <stdint.h>

#include <odj/error.h>
#include <odj/secret.h>

#include "kdc_transport.h"

struct odj_krb;

struct odj_krb_options {
	unsigned version;
	const char *realm;       /* "ODJ.TEST" */
	const char *kdc_address; /* numeric address of the pinned DC */
	uint16_t kdc_port;
	int connect_timeout_ms;
	int reply_timeout_ms;
};

#define ODJ_KRB_OPTIONS_VERSION 1
#define ODJ_KRB_OPTIONS_INIT {ODJ_KRB_OPTIONS_VERSION, NULL, NULL, 88, 3000, 10000}

/* A Kerberos session against one KDC; freed with mem (context and ccache too). */
odj_result odj_krb_open(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_krb_options *opts,
			struct odj_krb **out);

/* AS exchange with a password; the TGT is never forwardable (see smb.c). */
odj_result odj_krb_login_password(struct odj_krb *k, const char *principal,
				  const struct odj_secret *password);

/*
 * AS exchange with the keys of a keytab ("FILE:/etc/krb5.keytab",
 * "MEMORY:..."): a TGT, or with service ("kadmin/changepw") an initial
 * ticket for that service, as kpasswd's change-password needs.
 */
odj_result odj_krb_login_keytab(struct odj_krb *k, const char *principal, const char *keytab_name,
				const char *service);

/* Where the session's KDC exchanges go (address, port, deadlines). */
const struct odj_kdc_target *odj_krb_target(const struct odj_krb *k);

/* Takes the credentials (the TGT) of an existing ccache, e.g. from kinit. */
odj_result odj_krb_login_ccache(struct odj_krb *k, const char *ccache_name);

/*
 * TGS exchange for service ("cifs/dc1.odj.test"; the realm is added).  A KDC
 * that takes the request but never answers is reported with unreachable (the
 * Win32 row the caller's step would show, e.g. ERROR_NETNAME_DELETED for the
 * IPC$ session's ticket).
 */
odj_result odj_krb_service_ticket(struct odj_krb *k, const char *service, odj_status unreachable);

/*
 * The same exchange for a ticket that is neither taken from nor stored in the
 * ccache (a key proof must see the DC's current key, not a cached ticket):
 * *ticket gets the ticket's DER on mem.
 */
odj_result odj_krb_fresh_ticket(struct odj_krb *k, const char *service, odj_status unreachable,
				TALLOC_CTX *mem, krb5_data **ticket);

/* The client principal of the session ("administrator@ODJ.TEST"), or NULL. */
const char *odj_krb_client(const struct odj_krb *k);

/* "MEMORY:odj-…": the ccache holding the TGT and service tickets. */
const char *odj_krb_ccache_name(const struct odj_krb *k);

krb5_context odj_krb_context(const struct odj_krb *k);
krb5_ccache odj_krb_ccache(const struct odj_krb *k);

/*
 * Writes a FILE ccache at path (0600) holding only the tickets for the given
 * services, no TGT: a library with its own Kerberos (libsmbclient's Heimdal)
 * can use them, and cannot go to the KDC for more.
 */
odj_result odj_krb_export_tickets(struct odj_krb *k, const char *path, const char *const *services);

#endif
