/*
 * odj-rotate's engine: changes the machine password with the machine's own
 * Kerberos credentials (kpasswd change-password, RFC 3244) and commits the new
 * keys, crash-safe:
 *
 *   1. a new random password ([MS-WKST] 3.2.4.13.3 step 21) is committed to
 *      ODJ_ROTATE_PASSWORD (0600) and the join record marks the rotation
 *      pending; the keytab still holds only what the DC has;
 *   2. kpasswd tells the DC (initial kadmin/changepw ticket from the kvno N keys);
 *   3. at once, one commit puts the password's keys (the account's salt)
 *      into the keytab as kvno N+1 and, on a Samba member, the password into
 *      secrets.tdb (the old one as the previous password); keys older than N
 *      go (N stays for tickets in flight and replication, as adcli does);
 *      the staged password and the pending mark go.
 *
 * MIT Kerberos logs in with the keytab's highest kvno only (kinit -k, sssd),
 * so the keytab cannot work for both the DC's old and new password: it
 * follows the DC.  A kill before the DC takes the new password leaves a
 * machine that logs in as before; between the DC's change and step 3's
 * commit (the kpasswd reply in flight, or lost) the keytab lags the DC until
 * the next run.  The next run (the unit runs while ODJ_ROTATE_PENDING
 * exists) asks the KDC which keys it takes and finishes (N+1 accepted) or
 * undoes (N accepted) the rotation.  A DC that cannot be reached before
 * step 1 changes nothing.
 */
#ifndef ODJ_ROTATE_H
#define ODJ_ROTATE_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include <odj/api.h>
#include <odj/error.h>
#include <odj/prepare.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Exists from step 1 to step 3 (in the same commits as the keys): the
 * first-contact unit also runs while it exists, so a boot after a crash
 * finishes or undoes the rotation by itself.
 */
#define ODJ_ROTATE_PENDING "/var/lib/odj/rotation-pending"

/* The password of a pending rotation (UTF-16LE, 0600), from step 1 to step 3. */
#define ODJ_ROTATE_PASSWORD "/var/lib/odj/rotation-password"

enum odj_rotate_phase {
	ODJ_ROTATE_LOCATED,        /* a DC answered, the keytab's keys work */
	ODJ_ROTATE_KEYS_STAGED,    /* step 1 committed: new password staged, DC not told */
	ODJ_ROTATE_DC_CHANGED,     /* step 2 done: the DC has the new password */
	ODJ_ROTATE_COMMITTED,      /* step 3 committed */
	ODJ_ROTATE_WAITING,        /* no DC answered; waiting before the next try */
};

/* Called at each phase (for --verbose lines); may be NULL. */
typedef void (*odj_rotate_phase_fn)(void *priv, enum odj_rotate_phase phase, const char *line);

/* Sleeps ms milliseconds between tries. */
typedef void (*odj_sleep_fn)(int ms);

#define ODJ_ROTATE_VERSION 1

struct odj_rotate_req {
	struct {
		unsigned version;    /* ODJ_ROTATE_VERSION */
		const char *root;    /* NULL: "/" */
		const char *dc;      /* NULL: the recorded DC, then DNS SRV */
		bool recover_only;   /* finish or undo an interrupted rotation, start none */
		struct odj_deadlines deadlines;
		int kpasswd_ms;      /* the kpasswd exchange; 0: 15000 */
		int wait_for_dc_s;   /* while no DC answers (ODJ_E_NETWORK), try again with
					backoff (5 s doubling to 5 min) for this long; 0: once */
		odj_sleep_fn sleep;  /* NULL: nanosleep (tests pass their own) */
		odj_rotate_phase_fn on_phase;
		void *on_phase_priv;
	} in;
	struct {
		char *sam_account_name;
		char *dc_name;
		char *dc_address;
		uint32_t kvno_before;   /* the account's kvno before (keytab) */
		uint32_t kvno_after;    /* the account's kvno now */
		bool rotated;           /* this run changed the password */
		const char *recovered;  /* NULL, "finished" or "undone": an earlier run's rotation */
		unsigned tries;         /* attempts made (more than 1 with wait_for_dc_s) */
		uint32_t *keytab_kvnos; /* kvnos of NAME$ in the keytab afterwards */
		size_t n_keytab_kvnos;
	} out;
};

#define ODJ_ROTATE_REQ_INIT {.in = {.version = ODJ_ROTATE_VERSION}}

ODJ_API odj_result odj_rotate(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_rotate_req *req);

#ifdef __cplusplus
}
#endif
#endif
