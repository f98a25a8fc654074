/*
 * odj-prepare's engine (libodj-dc): everything next to the DC.
 *
 * One join plan (libjoin/dc/plan.c) serves the three verbs: its steps, in
 * [MS-WKST] 3.2.4.13.3 order, are defined once each:
 *   check-names      offline validation of names and options (steps 1-13, 20-33, core)
 *   check-seal       with in.seal: the request is for this machine and not expired
 *   check-savefile   the blob's directory takes the file (before any directory write)
 *   locate           find and pin the DC (DNS SRV + CLDAP netlogon ping)
 *   kerberos         Kerberos AS for the credentials over odj's own transport
 *   ipc-session      cifs/ ticket and the SMB session to \\dc\IPC$ (steps 14-17)
 *   ldap-bind        ldap/ ticket, the sealed LDAP bind and the domain's facts
 *   check-domain     step 13 again with the domain's real names
 *   check-clock      the clock skew Kerberos allows
 *   check-dcs        connect to every other writable DC (names are unique per DC
 *                    until replication: check-conflicts searches each)
 *   check-container  the target container, and the right to create in it
 *   find-account     the existing account and the rules for reusing it
 *   check-conflicts  no other account holds one of the new names, on any writable DC
 *   create-or-reset  (writes) the one add, or the reset of the existing account
 *   set-password     (writes) the kpasswd exchange, with --password-method kpasswd
 *   read-back        kvno, pwdLastSet and SID as the directory has them
 *   prove-key        a service ticket for the account opens with the new keys
 *   write-blob       (writes) the provisioning blob (signed or sealed with in.seal)
 * odj_prepare_check() runs it with writes off (and says what each write step
 * would do), odj_provision_account() for one machine, odj_bulk_provision()
 * (odj/bulk.h) for many, batched and pipelined, with the same rules.
 */
#ifndef ODJ_PREPARE_H
#define ODJ_PREPARE_H

#include <odj/api.h>

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <odj/blob.h>
#include <odj/error.h>
#include <odj/seal.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Who binds: a ccache (kinit'ed before), or a user with a password. */
struct odj_credentials {
	const char *ccache;               /* "FILE:/tmp/krb5cc_0"; NULL: use user + password */
	const char *user;                 /* "administrator" or "administrator@ODJ.TEST" */
	const struct odj_secret *password;
};

/* Deadlines of every network step, in milliseconds (0: the default). */
struct odj_deadlines {
	int cldap_ms;       /* per netlogon ping try, default 1000 (3 tries) */
	int kdc_connect_ms; /* TCP connect to the KDC, default 3000 */
	int kdc_reply_ms;   /* a KDC reply after the request was sent, default 10000 */
	int smb_ms;         /* the whole IPC$ session set-up, default 15000 */
	int ldap_ms;        /* per LDAP operation, default 30000 */
};

/* The facts the DC reports about its domain. */
struct odj_domain_facts {
	char *default_nc; /* DC=odj,DC=test */
	char *config_nc;
	char *root_nc;
	char *dns_domain; /* odj.test */
	char *forest;
	char *netbios;    /* ODJ */
	char *dc_dns_host;
	char *server_dn;
	char *site;       /* the DC's site */
	struct odj_sid sid;
	char *sid_str;
	struct odj_guid guid;
	char *guid_str;
	int domain_level, forest_level, dc_level; /* msDS-Behavior-Version */
	time_t dc_time;
	double skew_seconds; /* the DC's clock minus ours */
};

/* The pinned DC. */
struct odj_dc_choice {
	char *host;       /* dc1.odj.test */
	char *address;    /* 127.0.0.2 */
	const char *found_by; /* "given" or "SRV" */
	uint32_t flags;   /* DS_* flags of its netlogon answer */
	char *flags_text; /* "PDC|GC|LDAP|..." */
	char *dc_site;
	char *client_site;
	char *netbios_domain;
	char *netbios_dc;
};

/*
 * How to reach the domain: the settings check, provision and bulk share.
 * Zeroed fields take their defaults (locate a DC, the Computers container,
 * the default deadlines).
 */
struct odj_connection {
	const char *domain;   /* DNS name; "domain\dc" pins the DC ([MS-WKST] step 9) */
	const char *dc;       /* host name or address of the DC to pin; NULL: find one */
	/*
	 * Further DCs (--dc given again), NULL-terminated: a provision uses the
	 * first of dc, more_dcs[0], ... that answers; a bulk run spreads its
	 * connections over every one that answers, and when one stops answering
	 * the others take the machines it has not started.
	 */
	const char *const *more_dcs;
	const char *ou;       /* DN of the container for new accounts; NULL: Computers */
	struct odj_credentials creds;
	bool ldaps;           /* TLS on 636 with channel binding instead of GSSAPI sealing */
	const char *ca_file;  /* with ldaps: the trust anchors; NULL: the system's */
	struct odj_deadlines deadlines;
	/*
	 * The names are checked on every writable DC of the domain; a DC that
	 * cannot be reached refuses the run unless this is set (then only the
	 * DCs that answer are checked).
	 */
	bool allow_unreachable_dc;
};

/* What the computer account is to be: a provision makes it so, a check says what it would do. */
struct odj_account_request {
	const char *machine;       /* NAME or FQDN; a check without one checks the connection only */
	const char *netbios_name;  /* overrides the name derived from machine */
	const char *dns_host_name; /* overrides the FQDN derived from machine */
	bool reuse;                /* reset an existing computer account */
	bool defpwd;               /* the well-known default password (djoin /defpwd) */
	bool allow_rc4;            /* msDS-SupportedEncryptionTypes 28 instead of 24 */
	const char *const *extra_spns; /* NULL-terminated, may be NULL */
	const char *upn;
	const char *description;
	const char *os_name;
	const char *os_version;
	/*
	 * With reuse: SIDs ("S-1-5-21-...-1105") whose accounts may be taken
	 * over although the caller did not create them (the "Allow computer
	 * account re-use during domain join" list of KB5020276); NULL-terminated,
	 * may be NULL.
	 */
	const char *const *trusted_owners;
};

/*
 * One step of the join plan as it ran: check, provision and bulk run the
 * same steps (locate, connect, check-names, check-clock, ...).  With writes
 * off (a check) a write step does not run; `what` says what it would do.
 */
struct odj_plan_step {
	const char *name;   /* "create-or-reset" */
	bool writes;        /* changes the directory or a file */
	bool ran;           /* false: skipped (writes off, or nothing to do) */
	odj_result result;  /* of a step that ran */
	char *what;         /* what it did, or with writes off would do; may be NULL */
};

/* How the session with the DC was made: its LDAP security layer, the time of each part. */
struct odj_session_report {
	unsigned ldap_ssf;      /* GSSAPI layer; 0 with TLS */
	bool ldap_tls;
	double ms_locate, ms_kerberos, ms_smb, ms_ldap;
	/* the address the SMB session went to (libsmbclient resolves the DC's
	 * name itself: another address of the DC than dc.address is possible) */
	char *smb_peer;
};

/* Where a new account goes, and whether the bound identity may create it there. */
struct odj_container_report {
	char *dn;               /* the OU given, or the domain's Computers container */
	bool may_create;        /* allowedChildClassesEffective has computer */
	bool by_quota;          /* !may_create in Computers: the add relies on the quota */
	int machine_account_quota; /* with by_quota: ms-DS-MachineAccountQuota */
	unsigned quota_used;    /* with by_quota: computers whose mS-DS-CreatorSID is the caller */
};

/*
 * What a provision reports (odj_provision_account), and a check up to the
 * first write step (odj_check_req.out.plan).
 */
struct odj_provision_out {
	struct odj_dc_choice dc;
	struct odj_domain_facts *facts;
	char *realm;
	char *client;
	char *dn;
	char *sam_account_name;
	char *netbios_name;
	char *dns_host_name;
	char **spns;           /* NULL-terminated */
	uint32_t enctypes;
	bool created;          /* a new account */
	bool reused;           /* an existing one was reset */
	char **changes;        /* on reuse: what changed, NULL-terminated */
	const char *password_method; /* "ldap" or "kpasswd" */
	uint32_t kvno;
	int64_t pwd_last_set;
	char *machine_sid;
	uint32_t rid;
	char *salt;
	bool proven;           /* a service ticket for the account opened with the new keys */
	struct odj_secret *blob_file;   /* the blob's file bytes */
	struct odj_secret *blob_base64; /* the bare base64 (djoin /printblob) */
	struct odj_secret *envelope_file; /* in.seal.key: the signed or sealed file written */
	char *left_behind;     /* an object this run created but could not remove */
	/* an add that was not answered, and what the DC said when asked again */
	char *settled;
	/* with in.conn.allow_unreachable_dc: the writable DCs the names
	 * could not be checked on ("host: error; ..."), or NULL */
	char *unchecked_dcs;
	struct odj_plan_step *steps; /* every step of the plan, in order */
	size_t n_steps;
	double ms_session, ms_write, ms_proof, ms_total;
};

#define ODJ_CHECK_VERSION 1

struct odj_check_req {
	struct {
		unsigned version; /* ODJ_CHECK_VERSION */
		struct odj_connection conn;
		struct odj_account_request account;
	} in;
	struct {
		/* what a provision would report up to its first write: the DC,
		 * domain facts, bind identity, account name, SPNs, the steps */
		struct odj_provision_out plan;
		struct odj_session_report session;
		struct odj_container_report container;
		bool machine_checked;   /* machine given: the next fields are meaningful */
		bool account_exists;
		bool would_reset;       /* it exists and in.account.reuse: a provision resets it */
		char *account_dn;       /* the existing account, or the one a provision would create */
	} out;
};

#define ODJ_CHECK_REQ_INIT {.in = {.version = ODJ_CHECK_VERSION}}

/*
 * Runs the join plan with writes off: every step a provision runs before it
 * writes, in [MS-WKST] 3.2.4.13.3 order, and for each write step what it
 * would do.  ODJ_OK when a provision would pass every step before the
 * directory write; otherwise the first failing step's error is on ctx (and
 * out holds what was learnt up to there).  A bind identity that may not
 * create the computer object a provision would create, an existing account
 * without in.account.reuse, another account holding one of the names, or a
 * clock skew of more than 5 minutes are failures too (ERROR_ACCESS_DENIED,
 * NERR_UserExists, ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST, ERROR_TIME_SKEW),
 * exactly as in a provision.
 */
ODJ_API odj_result odj_prepare_check(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_check_req *req);

/* How the machine password is set. */
enum odj_password_method {
	ODJ_PASSWORD_METHOD_AUTO = 0, /* LDAP (the connection is always sealed or TLS) */
	ODJ_PASSWORD_METHOD_LDAP,     /* unicodePwd in the add, or a replace on reuse */
	ODJ_PASSWORD_METHOD_KPASSWD,  /* the kpasswd protocol (port 464) within a deadline */
};

#define ODJ_PROVISION_VERSION 1

struct odj_provision_req {
	struct {
		unsigned version;      /* ODJ_PROVISION_VERSION */
		struct odj_connection conn;
		struct odj_account_request account;
		enum odj_password_method password_method;
		const char *savefile;  /* where the blob goes (0600, atomically); may be NULL */
		bool windows;          /* no odj part, Windows referents (for Windows targets) */
		/* An envelope (odj/seal.h) instead of the plain blob in savefile. */
		struct {
			const struct odj_signing_key *key; /* set: the blob is signed */
			const struct odj_request *request; /* set too: sealed to it; its
							    * machine must be the account's */
			unsigned valid_days;               /* signed only: 0 is 30 */
		} seal;
	} in;
	struct odj_provision_out out;
};

#define ODJ_PROVISION_REQ_INIT {.in = {.version = ODJ_PROVISION_VERSION}}

/*
 * Creates (or with in.account.reuse resets) the computer account on the
 * pinned DC, sets a new machine password, reads back kvno, pwdLastSet and
 * SID, proves the password (a fresh service ticket for the account opens
 * with the key derived like the KDC's: odj_keys_verify_ticket; no logon
 * recorded), and only then builds the blob (written to in.savefile).  A
 * failure after the account was created removes it again; where that is not
 * allowed, out.left_behind names the object.
 */
ODJ_API odj_result odj_provision_account(struct odj_ctx *ctx, TALLOC_CTX *mem,
					 struct odj_provision_req *req);

/* "OpenLDAP 20513, libsmbclient 4.17.12-Debian" */
ODJ_API char *odj_dc_library_versions(TALLOC_CTX *mem);

#ifdef __cplusplus
}
#endif
#endif
