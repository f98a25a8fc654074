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
	struct odj_secret *staged_pw16; /* a pending rotation's password (UTF-16LE), or NULL */
	char *samba_tdb; /* secrets.tdb holding this machine's password (target path), or NULL */
};

/*
 * Loads the join (again) below the request's root; a pending rotation's
 * staged password becomes keys at the pending kvno in r->j->kt (in memory
 * only: the keytab file keeps the keys the DC had when it was written).
 */
odj_result odj_rotate_load(struct rotate_run *r);

/*
 * Step 1: one commit stages password_utf16 in ODJ_ROTATE_PASSWORD (0600) for
 * kvno next and marks the rotation pending in the join record; the keytab
 * is not touched.
 */
odj_result odj_rotate_stage(struct rotate_run *r, const struct odj_secret *password_utf16,
			    uint32_t next);

/*
 * Ends a pending rotation in one commit.  undo: the keys at pending go, the
 * record is as before.  Otherwise the keys at pending become kvno in the
 * keytab, keys older than previous go, the record says kvno, and Samba's
 * secrets.tdb (r->samba_tdb) gets the new password.  Both remove the staged
 * password and the pending mark.
 */
odj_result odj_rotate_commit(struct rotate_run *r, uint32_t pending, uint32_t kvno,
			     uint32_t previous, bool undo);

/*
 * Sets r->samba_tdb when Samba's secrets.tdb holds this machine's password;
 * one libtdb cannot read, or not change, is refused before anything changes.
 */
odj_result odj_rotate_samba_find(struct rotate_run *r);

/* Fills out.keytab_kvnos from the keytab as it is now. */
void odj_rotate_keytab_kvnos(struct rotate_run *r);

#endif
