/*
 * Bulk provisioning for clone fleets (libodj-dc): many computer accounts in
 * one session per DC given; each account is pinned to the DC that made it.
 *
 *   names (template or file, checked offline, duplicates refused)
 *   -> one session per DC: locate, Kerberos, IPC$, sealed LDAP, facts
 *   -> per batch, one LDAP search with an OR filter for existing accounts
 *      and holders of the new names
 *   -> pipelined asynchronous adds (with unicodePwd) on `parallel`
 *      connections spread over the DCs, each followed by an asynchronous
 *      read-back on the same DC
 *   -> key proofs pipelined over odj's own KDC transport, overlapping the
 *      next adds: a service ticket for each account (TGS with the session's
 *      TGT) must open with the key derived from its password; no logon is
 *      recorded on the account, and no write queues behind the adds
 *   -> each blob written as soon as it is proven (out-dir file, bundle
 *      member), then forgotten: memory does not grow with the fleet.
 *
 * A machine that fails does not stop the others; its failure is reported
 * and the call returns ODJ_E_PARTIAL.
 */
#ifndef ODJ_BULK_H
#define ODJ_BULK_H

#include <odj/api.h>

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <odj/error.h>
#include <odj/seal.h>
#include <odj/prepare.h>

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many machines per call. */
#define ODJ_BULK_MAX_MACHINES 100000

/*
 * Names from a template: only "%0Nd" (N 1..9) or "%d" is interpreted, once;
 * "%%" is a percent sign.  ci-%04d, first 1, count 3: ci-0001 ci-0002 ci-0003.
 */
ODJ_API odj_result odj_bulk_names_template(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *tmpl,
				   unsigned first, unsigned count, char ***names);

/* Names from a file, one per line; blank lines and "#" comments skipped. */
ODJ_API odj_result odj_bulk_names_file(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			       char ***names, size_t *n);

/* ERROR_DUP_NAME when two names are equal ignoring case (NetBIOS names are). */
ODJ_API odj_result odj_bulk_names_unique(struct odj_ctx *ctx, char *const *names, size_t n);

/* Progress, reported a few times a second and once at the end. */
struct odj_bulk_progress {
	size_t total;   /* machines asked for */
	size_t done;    /* provisioned in this run */
	size_t failed;
	size_t skipped; /* already provisioned (--skip-existing) */
	double elapsed_s;
	double rate;    /* provisioned per second so far */
	double eta_s;   /* < 0: unknown */
};

/* One machine's outcome, reported as it ends. */
struct odj_bulk_item {
	const char *machine;
	bool ok;
	bool skipped;
	const char *dns_host_name;
	const char *dn;
	const char *sid;
	uint32_t kvno;
	const char *file;    /* the out-dir file, or NULL */
	odj_status status;   /* a failure's Win32 row */
	const char *message; /* a failure's message with its detail */
};

/* A failure, kept in out.failures. */
struct odj_bulk_failure {
	char *machine;
	odj_status status;
	char *message;
};

/* One DC of the run (in.conn.dc, then each of in.conn.more_dcs), in out.dcs. */
struct odj_bulk_dc {
	const char *host;      /* as it names itself; as given when it never answered */
	size_t created;        /* accounts it created whose blob was written */
	bool lost;             /* it stopped answering mid-run: the others took the rest */
	const char *unreached; /* it did not answer at the start: why (then NULL: it did later) */
	const char *same_as;   /* the DC of an earlier entry, named again (by its address or
				* another name): its machines are counted there, not here */
};

/* Where the time went, summed over the machines (milliseconds). */
struct odj_bulk_profile {
	double add_latency;   /* LDAP add issued -> result (includes queueing at the DC) */
	double read_latency;  /* read-back issued -> result */
	double derive;        /* client PBKDF2 of the key, and opening the ticket with it */
	double proof_latency; /* TGS exchanges of the key proofs, request -> ticket */
	double blob;          /* building and writing the blobs */
	double search;        /* the batched conflict searches */
	size_t adds, batches;
};

#define ODJ_BULK_VERSION 1

struct odj_bulk_req {
	struct {
		unsigned version;    /* ODJ_BULK_VERSION */
		struct odj_connection conn;
		char *const *names;  /* NetBIOS names or FQDNs */
		size_t n_names;
		unsigned parallel;   /* LDAP connections, round robin over the DCs
				      * (at least one each); 0: 1 */
		unsigned window;     /* adds in flight per connection; 0: 4 */
		unsigned proofs;     /* key proofs (TGS exchanges) in flight; 0: 4 */
		double max_rate;     /* at most this many adds per second; 0: no limit */
		bool skip_existing;  /* skip machines whose blob out_dir or bundle already has */
		const char *out_dir; /* one NAME.odj per machine (0600) */
		const char *bundle;  /* one gzip'd tar of all blobs and manifest.json */
		const struct odj_secret *bundle_passphrase; /* set: the bundle is sealed (odj/bundle_seal.h) */
		const struct odj_signing_key *signing_key;  /* set: every blob is signed (odj/seal.h) */
		const struct odj_request *const *requests;  /* with signing_key: names[i]'s blob is
							     * sealed to requests[i] */
		bool allow_rc4;
		bool windows;
		const char *description;
		const char *os_name;
		const char *os_version;
		void (*progress)(void *priv, const struct odj_bulk_progress *p);
		void (*item)(void *priv, const struct odj_bulk_item *it);
		void *priv;
		/*
		 * Set to non-zero (e.g. by a SIGINT handler) to stop: no machine is
		 * started after that, those in flight are finished and written,
		 * the outputs are completed; out.stopped, out.not_started.
		 */
		const volatile sig_atomic_t *stop;
	} in;
	struct {
		/* the run got past its checks (DCs, rights, outputs) to its adds; false:
		 * it was refused before, nothing was tried and the counts below are 0 */
		bool started;
		struct odj_dc_choice dc;
		struct odj_domain_facts *facts;
		char *realm;
		char *container_dn;
		size_t created, failed, skipped;
		size_t salvaged;      /* blobs carried over from unfinished bundles of earlier runs */
		bool stopped;         /* in.stop was seen */
		size_t not_started;   /* machines a stop left untouched */
		/* when the bundle could not be finished: the file holding its blobs
		 * (odj_bundle_salvage; a rerun with skip_existing carries them over) */
		const char *partial_bundle;
		/* as odj_provision_req's: writable DCs the names were not checked on */
		const char *unchecked_dcs;
		/* the DCs that took over when a DC stopped answering ("dc2.odj.test"), or NULL */
		char *moved_to;
		/* every DC given, in order, with what it created (the run spreads over them) */
		struct odj_bulk_dc *dcs;
		size_t n_dcs;
		/* machines an earlier run left with an add in flight (its in-flight
		 * journal), settled by this rerun with skip_existing: one line each */
		char **settled;
		size_t n_settled;
		/* the in-flight journal, when this run left adds unsettled, or NULL */
		const char *journal;
		struct odj_bulk_failure *failures;
		size_t n_failures;
		struct odj_bulk_profile profile;
		double ms_session, ms_total;
	} out;
};

#define ODJ_BULK_REQ_INIT {.in = {.version = ODJ_BULK_VERSION}}

/*
 * Provisions every machine of in.names.  ODJ_OK when all were provisioned
 * (or skipped); ODJ_E_PARTIAL when some failed (out.failures lists them);
 * another result when nothing could start (no session, no right to create
 * computers, an existing bundle without skip_existing, ...).
 */
ODJ_API odj_result odj_bulk_provision(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_bulk_req *req);

#ifdef __cplusplus
}
#endif
#endif
