/*
 * The machine's join as odj-apply (or odj-rotate) left it: the join record
 * and the keytab it names, read from a root.  odj-verify checks it and
 * odj-rotate changes it; both talk to a DC with the keytab's own keys.
 */
#ifndef ODJ_DC_JOINED_H
#define ODJ_DC_JOINED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <odj/error.h>
#include <odj/keytab.h>
#include <odj/prepare.h>
#include <odj/secret.h>

#include "krb.h"

struct odj_joined {
	const char *root;
	char *record_file;    /* below the root */
	char *record_text;
	char *keytab;         /* the target path the record names */
	char *keytab_file;    /* below the root */
	char *domain, *realm, *sam, *fqdn, *dc, *site, *netbios_domain;
	char *principal;      /* NAME$@REALM */
	uint32_t kvno;        /* the record's */
	uint32_t enctypes;    /* msDS-SupportedEncryptionTypes bits of the keys written */
	uint32_t pending_kvno; /* a rotation that did not finish; 0: none */
	char **principals;
	size_t n_principals;
	struct odj_keytab *kt;
	uint32_t kt_kvno;     /* highest kvno of NAME$ in the keytab */
	struct stat record_st, keytab_st;
};

/*
 * Reads the join record and its keytab below root.  A missing or damaged
 * record is NERR_SetupNotJoined; a file others can read is ERROR_ACCESS_DENIED.
 */
odj_result odj_joined_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *root,
			   struct odj_joined **out);

/*
 * Reads path below root (a file only root may read, of at most max bytes)
 * into a secret on mem; ENOENT is NERR_SetupNotJoined.
 */
odj_result odj_joined_read_secret(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *root,
				  const char *path, size_t max, const char *what,
				  struct odj_secret **out);

/* Whether the keytab holds every principal of the record at kvno, for every enctype. */
bool odj_joined_keytab_has(const struct odj_joined *j, uint32_t kvno, char **missing,
			   TALLOC_CTX *mem);

/*
 * A MEMORY keytab with the keytab's entries at kvno only (MIT's AS takes the
 * highest kvno of a keytab; this makes it take the one asked for).  Destroy
 * it with odj_joined_memory_keytab_free before the krb5 context goes.
 */
odj_result odj_joined_memory_keytab(struct odj_ctx *ctx, const struct odj_joined *j,
				    krb5_context kctx, uint32_t kvno, char **name, krb5_keytab *kt,
				    TALLOC_CTX *mem);
void odj_joined_memory_keytab_free(krb5_context kctx, krb5_keytab kt);

/* A DC for the join: dc, else the recorded one, else DNS SRV.  Fills the outs on mem. */
odj_result odj_joined_locate(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_joined *j,
			     const char *dc, const struct odj_deadlines *d, char **dc_name,
			     char **dc_address, char **site, const char **how);

/* A Kerberos session to the DC at address under the deadlines. */
odj_result odj_joined_krb(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_joined *j,
			  const char *address, const struct odj_deadlines *d, struct odj_krb **out);

/*
 * The clone/snapshot diagnosis on the recorded error: the KDC's kvno
 * (account_kvno; 0 if unknown) is above the keytab's.  kdc_said (may be NULL)
 * is what the KDC answered, kept as the detail.
 */
void odj_joined_clone_diagnosis(struct odj_ctx *ctx, const struct odj_joined *j,
				uint32_t account_kvno, const char *kdc_said);

/* The recorded error as one line ("message: detail") on mem, for a later detail. */
char *odj_joined_error_line(TALLOC_CTX *mem, const struct odj_ctx *ctx);

#endif
