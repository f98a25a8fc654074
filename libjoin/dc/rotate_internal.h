/* Internals of odj_rotate (libjoin/dc/rotate*.c). Not installed. */
#ifndef ODJ_DC_ROTATE_INTERNAL_H
#define ODJ_DC_ROTATE_INTERNAL_H

#include <odj/rotate.h>
#include <odj/secret.h>

#include "joined.h"
#include "krb.h"

struct rotate_run {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	struct odj_rotate_req *req;
	struct odj_joined *j; /* reloaded after every commit */
	struct odj_deadlines d;
	struct odj_krb *krb;
};

/*
 * Step 1: one commit puts the keys of password_utf16 into the keytab as kvno
 * next for every principal of the join record (the current keys stay) and
 * marks the rotation pending in the join record.
 */
odj_result odj_rotate_stage(struct rotate_run *r, const struct odj_secret *password_utf16,
			    uint32_t next);

/*
 * Ends a pending rotation in one commit.  undo: the keys at pending go, the
 * record is as before.  Otherwise the keys at pending become kvno, keys older
 * than previous go, and the record says kvno.
 */
odj_result odj_rotate_commit(struct rotate_run *r, uint32_t pending, uint32_t kvno,
			     uint32_t previous, bool undo);

/* Refuses while Samba's secrets.tdb holds this machine's password (winbind would keep the old one). */
odj_result odj_rotate_samba_check(struct rotate_run *r);

/* Fills out.keytab_kvnos from the keytab as it is now. */
void odj_rotate_keytab_kvnos(struct rotate_run *r);

#endif
