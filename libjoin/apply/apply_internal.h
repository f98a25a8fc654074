/* Internals of odj_apply (libjoin/apply/apply*.c). Not installed. */
#ifndef ODJ_APPLY_INTERNAL_H
#define ODJ_APPLY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <odj/apply.h>
#include <odj/blob.h>
#include <odj/commit.h>
#include <odj/keytab.h>

/*
 * What apply needs to know about the join, filled from the blob: the
 * standard fields (ODJ_WIN7BLOB, JOIN_PROVIDER3) always; the have_* fields
 * only from odj's own part, with a fallback when it is absent.
 */
struct apply_facts {
	char *domain;          /* DNS domain, lower case */
	char *realm;           /* upper case */
	char *netbios_domain;
	char *forest;
	char *domain_sid;
	char *domain_guid;
	char *machine;         /* NetBIOS name, upper case, no '$' */
	char *sam;             /* NAME$ */
	char *short_name;      /* lower case: the host name */
	char *fqdn;            /* lower case */
	char *machine_sid;     /* NULL without JOIN_PROVIDER3 */
	uint32_t rid;
	const struct odj_secret *password; /* UTF-16LE */
	uint32_t options;      /* ODJ_WIN7BLOB.Options */
	bool password_is_name; /* the password is the machine name: djoin /defpwd's default */
	char *dc_name;
	char *site;
	char *salt;
	/* odj's own part (optional). */
	bool have_odj_part;
	bool have_kvno;
	uint32_t kvno;
	bool have_enctypes;
	uint32_t enctypes;
	char **extra_spns;     /* registered SPNs beyond the default four */
	size_t n_extra_spns;
};

/* Fills facts from the decoded blob; an unusable blob is ODJ_E_INPUT, NERR_BadOfflineJoinInfo. */
odj_result odj_apply_facts(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_provision *prov,
			   struct apply_facts *facts);

/*
 * The keytab principals of the machine, in adcli's order: NAME$, host/NAME,
 * host/fqdn, RestrictedKrbHost/NAME, RestrictedKrbHost/fqdn, then every
 * extra SPN (short host names upper case, FQDNs lower case), each @REALM.
 */
char **odj_apply_principals(TALLOC_CTX *mem, const struct apply_facts *f, size_t *n);

/* A file of the root, read without leaving it. */
struct apply_file {
	bool exists;
	uint8_t *data;
	size_t len;
	struct stat st;
};

/* The root as apply sees it while planning. */
struct apply_root {
	struct odj_ctx *ctx;
	const char *root;
	int rootfd;
};

odj_result odj_apply_root_open(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *root,
			       struct apply_root **out);
/* Reads path (absolute target path) into f; a missing file is f->exists = false. */
odj_result odj_apply_read(struct apply_root *r, TALLOC_CTX *mem, const char *path, size_t max,
			  struct apply_file *f);
/* Whether path is a directory in the root. */
bool odj_apply_is_dir(struct apply_root *r, const char *path);
/* Regular files directly in dir whose names start with prefix (target paths), sorted. */
char **odj_apply_list(struct apply_root *r, TALLOC_CTX *mem, const char *dir, const char *prefix,
		      size_t *n);

/* Packages whose absence gets a warning (sssd-ad, libnss-sss, adcli). */
void odj_apply_check_packages(struct apply_root *r, TALLOC_CTX *mem, struct odj_apply_req *req);

/* Appends a formatted string to a talloc string array. */
void odj_apply_push(TALLOC_CTX *mem, char ***list, size_t *n, const char *fmt, ...)
	ODJ_PRINTF(4, 5);

/* New contents of the configuration files. */
odj_result odj_apply_krb5_conf(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_facts *f,
			       const struct apply_file *old, bool sssd_includedir, char **out);
odj_result odj_apply_sssd_conf(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_facts *f,
			       const struct apply_file *old, const char *keytab,
			       const char *replaced_domain, char **out);

/* The join record (/var/lib/odj/join.json) a previous apply left. */
struct apply_record {
	bool exists;
	bool damaged;          /* not a record odj can read: someone's join, unknown whose */
	char *domain;
	char *realm;
	char *sam;             /* "NAME$" */
	char *joined_at;
	char **principals;
	size_t n_principals;
};

void odj_apply_record_read(TALLOC_CTX *mem, const struct apply_file *f, struct apply_record *rec);

/* The record's text (pretty JSON with a final newline); no password, no key. */
char *odj_apply_record_text(TALLOC_CTX *mem, const struct apply_facts *f,
			    const struct odj_apply_req *req, char *const *principals,
			    size_t n_principals, const char *keytab, const char *joined_at);

/* What odj_apply_open_envelope found (libjoin/apply/apply_envelope.c). */
struct apply_envelope {
	bool was_envelope;
	bool sealed;
	bool request_key_used; /* remove ROOT/var/lib/odj/request.key after the commit */
	char machine[64];
};

/*
 * The target's policy on signed and sealed blobs: replaces *file by the
 * plain blob inside an envelope, or refuses (nothing written).
 */
odj_result odj_apply_open_envelope(struct odj_ctx *ctx, TALLOC_CTX *mem, TALLOC_CTX *out_mem,
				   struct odj_apply_req *req,
				   const char *root, const char *name, struct odj_secret **file,
				   struct apply_envelope *out);
/* The envelope's machine must be the blob's. */
odj_result odj_apply_envelope_machine(struct odj_ctx *ctx, const struct apply_envelope *env,
				      const char *blob_machine);

#endif
