/* Building the machine's keytab for odj_apply. Not installed. */
#ifndef ODJ_APPLY_KEYTAB_H
#define ODJ_APPLY_KEYTAB_H

#include <odj/keys.h>

#include "apply_internal.h"

struct apply_keytab_in {
	const struct odj_keytab *old;  /* the target's keytab, NULL if none */
	char *const *principals;       /* the machine's, written anew */
	size_t n_principals;
	const uint32_t *kvnos;
	size_t n_kvnos;
	const struct odj_keyset *keys;
	char *const *replaced;         /* machines ("X$@REALM") whose entries go (rejoin) */
	size_t n_replaced;
	uint32_t now;                  /* timestamp of new entries */
	TALLOC_CTX *report_mem;        /* where req->out.keys lives */
};

/* The distinct "X$@REALM" machine accounts with entries in kt (NULL-terminated). */
char **odj_apply_keytab_machines(TALLOC_CTX *mem, const struct odj_keytab *kt, size_t *n);

/*
 * The new keytab, serialized: old entries of other principals kept, old
 * entries of the machine's principals and of replaced machines dropped,
 * then one entry per principal, kvno and key.  Each entry is listed in
 * req->out.keys.  An identical old entry keeps its timestamp, so applying
 * the same blob again writes the same bytes.
 */
odj_result odj_apply_keytab_build(struct odj_ctx *ctx, TALLOC_CTX *mem,
				  const struct apply_keytab_in *in, struct odj_apply_req *req,
				  struct odj_secret **out);

#endif
