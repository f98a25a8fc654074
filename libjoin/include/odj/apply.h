/*
 * odj-apply's engine: commits an offline domain join onto a Linux system or
 * a mounted image root, with no network.
 *
 *   blob -> facts (standard ODJ fields; odj's own part when present)
 *        -> checks against the target (already joined? the same account?)
 *        -> one commit transaction: keytab, krb5.conf, sssd.conf,
 *           /etc/hostname, /etc/hosts, the join record, removal of clone state.
 *
 * Every file goes through odj_commit_* (journaled, all or nothing, confined
 * to the root).  Paths written into configuration files are target paths.
 */
#ifndef ODJ_APPLY_H
#define ODJ_APPLY_H

#include <odj/api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ODJ_APPLY_VERSION 1
#define ODJ_APPLY_REQ_INIT {.in = {.version = ODJ_APPLY_VERSION}}

#define ODJ_APPLY_DEFAULT_KEYTAB "/etc/krb5.keytab"
#define ODJ_APPLY_JOIN_RECORD "/var/lib/odj/join.json"
#define ODJ_APPLY_BACKUP_DIR "/var/lib/odj/backup"
/* Left by every new join; odj-rotate.service rotates the password and removes it. */
#define ODJ_APPLY_FIRST_CONTACT "/var/lib/odj/first-contact"

/* Whether apply makes the target a Samba domain member (smb.conf, secrets.tdb). */
enum odj_apply_samba {
	ODJ_APPLY_SAMBA_AUTO = 0, /* when smbd or winbindd is installed in the root */
	ODJ_APPLY_SAMBA_ON,       /* --samba */
	ODJ_APPLY_SAMBA_OFF,      /* --no-samba */
};

/* One keytab line of the plan (never key bytes). */
struct odj_apply_key {
	char *principal; /* "host/odjcli01.odj.test@ODJ.TEST" */
	uint32_t kvno;
	int32_t enctype;
	const char *enctype_name;
	const char *action; /* "add", "keep" (another principal's), "remove" */
};

struct odj_apply_req {
	struct {
		unsigned version;      /* ODJ_APPLY_VERSION */
		const char *blob_path; /* "-": standard input */
		const char *bundle_name; /* set: blob_path is a bundle, apply this machine's blob */
		const char *root;      /* NULL: "/" */
		const char *keytab;    /* target path; NULL: ODJ_APPLY_DEFAULT_KEYTAB */
		uint32_t kvno;         /* 0: the blob's, or 1 and 2 when it carries none */
		bool rejoin;           /* replace another machine's join (backed up first) */
		bool dry_run;          /* describe, change nothing */
		bool consume;          /* wipe and remove the blob file after success */
		bool ignore_unknown_essential; /* apply although a part marked essential
						  has a type odj does not know (a warning) */
		int64_t now;           /* the join time (Unix seconds); 0: the clock */
		enum odj_apply_samba samba;
		const struct odj_secret *bundle_passphrase; /* a sealed bundle's (odj/bundle_seal.h) */
	} in;
	struct {
		char *domain;          /* odj.test */
		char *realm;           /* ODJ.TEST */
		char *netbios_domain;
		char *machine;         /* ODJCLI01 */
		char *sam_account_name;
		char *dns_host_name;
		char *domain_sid;
		char *machine_sid;     /* NULL without a JOIN_PROVIDER3 part */
		const char *source;    /* "odj" or "windows-or-samba" (no odj part) */
		uint32_t kvnos[2];
		size_t n_kvnos;
		bool kvno_guessed;     /* the blob carries no kvno: 1 and 2 written */
		uint32_t enctypes;     /* msDS-SupportedEncryptionTypes bits written */
		bool defpwd;           /* NETSETUP_PROVISION_USE_DEFAULT_PASSWORD */
		char *old_hostname;    /* the root's host name before, NULL if none */
		bool already_applied;  /* the same join was there: nothing changed */
		bool rejoined;         /* another machine's join was replaced */
		bool consumed;
		struct odj_apply_key *keys;
		size_t n_keys;
		char **files;          /* "<path>: create|replace|unchanged|remove ..." lines */
		size_t n_files;
		char **removed;        /* clone state removed (target paths) */
		size_t n_removed;
		char **notes;          /* what the output must say (fallbacks, host name) */
		size_t n_notes;
		char **warnings;
		size_t n_warnings;
		char *plan;            /* the full description of the transaction (diffs) */
		bool samba;            /* smb.conf and secrets.tdb are part of the join */
		char **samba_files;    /* the Samba files the join writes (target paths) */
		size_t n_samba_files;
		char **samba_secrets;  /* "set KEY" / "delete KEY" for secrets.tdb (never a value) */
		size_t n_samba_secrets;
	} out;
};

/*
 * Applies the blob.  ODJ_OK: committed (or, with dry_run, described).
 * An invalid blob: ODJ_E_INPUT with the codec's status (NERR_BadOfflineJoinInfo
 * ...); another machine or domain already joined: ODJ_E_CONFIG with
 * NERR_SetupAlreadyJoined unless in.rejoin.  On failure nothing is changed.
 */
ODJ_API odj_result odj_apply(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_apply_req *req);

#ifdef __cplusplus
}
#endif
#endif
