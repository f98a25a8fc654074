/*
 * The Samba side of a join (libjoin/apply/apply_samba.c, samba_conf.c,
 * samba_secrets.c): smb.conf's [global] for a domain member and the
 * machine secret in secrets.tdb, both in apply's commit transaction.
 * Not installed; the unit tests include it.
 */
#ifndef ODJ_APPLY_SAMBA_H
#define ODJ_APPLY_SAMBA_H

#include <stdbool.h>
#include <stdint.h>

#include "apply_internal.h"
#include "target_config.h"

/* Debian's compiled-in defaults (smbd -b). */
#define ODJ_SAMBA_CONF "/etc/samba/smb.conf"
#define ODJ_SAMBA_PRIVATE_DIR "/var/lib/samba/private"
#define ODJ_SAMBA_STATE_DIR "/var/lib/samba"
#define ODJ_SAMBA_CACHE_DIR "/var/cache/samba"
/* sssd's drop-in that lets its adcli runs update secrets.tdb too. */
#define ODJ_SAMBA_SSSD_DROPIN "/etc/sssd/conf.d/odj-samba.conf"

/* idmap ranges: Samba's default domain "*" below sssd's first slice, above local ids. */
#define ODJ_SAMBA_DEFAULT_RANGE_LOW 100000u
#define ODJ_SAMBA_DEFAULT_RANGE_HIGH 199999u
#define ODJ_SAMBA_LOCAL_ID_MAX 65535u

/* sssd's ID mapping (sssd-ldap(5) ldap_idmap_range_*); its defaults. */
struct odj_idmap_slices {
	uint32_t min;  /* ldap_idmap_range_min, 200000 */
	uint32_t max;  /* ldap_idmap_range_max, 2000200000 */
	uint32_t size; /* ldap_idmap_range_size, 200000 */
};
#define ODJ_IDMAP_SLICES_DEFAULT {200000u, 2000200000u, 200000u}

/* MurmurHash3 (x86, 32 bits): what sssd hashes a domain SID with. */
uint32_t odj_murmur3_32(const void *data, size_t len, uint32_t seed);

/*
 * The UNIX id range sssd's ID mapping gives the domain's primary slice
 * (no collision with another domain assumed): [*low, *high].  false when the
 * settings make no slice.
 */
bool odj_idmap_sssd_range(const char *domain_sid, const struct odj_idmap_slices *s,
			  uint32_t *low, uint32_t *high);

/* What the smb.conf merge produced. */
struct samba_conf_result {
	char *text;
	char *private_dir; /* target path: "private dir", or the default */
	char *state_dir;
	char *cache_dir;
	uint32_t range_low, range_high; /* the domain's idmap range */
	bool registry;   /* "config backend = registry": Samba reads its registry, not the file */
	char *old_workgroup; /* the workgroup before the merge (upper case), NULL if none */
	char **replaced; /* "realm = OLD.TEST -> ODJ.TEST" lines (contradictions) */
	size_t n_replaced;
};

/*
 * smb.conf with the member's [global] merged in (old may be absent).  The
 * parameter names are matched as Samba does (any case, blanks ignored);
 * shares and other settings stay.  sssd_conf (may be absent) gives sssd's
 * ID-mapping settings, so that both map a SID to the same UNIX id.
 */
odj_result odj_samba_conf(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_facts *f,
			  const struct apply_file *old, const struct apply_file *sssd_conf,
			  struct samba_conf_result *out);

/* secrets.tdb's keys for the join ([SAMBA] source3/passdb/machine_account_secrets.c). */
struct samba_secrets_in {
	const struct apply_facts *f;
	const struct apply_file *old; /* the root's secrets.tdb, if any */
	int64_t now;                  /* MACHINE_LAST_CHANGE_TIME */
	bool same_account;            /* re-applying this join: keep its change time */
	const char *old_domain;       /* another NetBIOS domain joined before: its keys go */
	int64_t joined_at;            /* when this join was applied before (Unix time), 0 */
};

struct samba_secrets_out {
	struct odj_secret *tdb; /* the new file; NULL: the old one is already right */
	bool rotated;           /* the password changed after the join: the old file stays */
	char **keys;            /* "set KEY" / "delete KEY" */
	size_t n_keys;
};

/*
 * Builds the new secrets.tdb with libtdb, inside a tdb transaction, in
 * memory (a memfd): the old file's other records copied, the join's keys
 * set, a stale MACHINE_DOMAIN_INFO, PROTECT/IDS and MACHINE_PASSWORD.PREV of
 * the domain deleted.  A fresh file, so no freed record keeps an old secret.
 */
odj_result odj_samba_secrets(struct odj_ctx *ctx, TALLOC_CTX *mem,
			     const struct samba_secrets_in *in, struct samba_secrets_out *out);

/* The inputs of the Samba step of odj_apply. */
struct apply_samba_in {
	struct apply_root *target;
	struct odj_commit *tx;
	const struct apply_facts *f;
	bool same_account; /* the target holds this very join already */
	bool rejoined;
	const char *joined_at; /* the join record's time of this join, or NULL */
	const char *keytab;
	TALLOC_CTX *report_mem; /* where req->out's lists live */
};

/*
 * Decides whether the join includes Samba (req->in.samba, or smbd/winbindd
 * in the root) and adds smb.conf, secrets.tdb, sssd's drop-in and the
 * removal of an old identity's Samba caches to the transaction.  Fills
 * req->out.samba*, notes and removed.
 */
odj_result odj_apply_samba(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_samba_in *in,
			   struct odj_apply_req *req);

#endif
