/* The steps of odj_verify (libjoin/dc/verify*.c). Not installed. */
#ifndef ODJ_DC_VERIFY_INTERNAL_H
#define ODJ_DC_VERIFY_INTERNAL_H

#include <odj/verify.h>

#include "joined.h"
#include "krb.h"

struct verify_run {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	struct odj_verify_req *req;
	struct odj_joined *j;
	struct odj_deadlines d;
	struct odj_krb *krb;
	char *summary; /* the current step's line, set by the step */
};

/* Each step returns ODJ_OK and sets run->summary, or fails on run->ctx. */
odj_result odj_verify_clock(struct verify_run *v);
odj_result odj_verify_tgt(struct verify_run *v);
odj_result odj_verify_ticket(struct verify_run *v);
odj_result odj_verify_account(struct verify_run *v);

/*
 * The account's msDS-KeyVersionNumber read with the credentials of ccache
 * (any domain user), for the clone diagnosis; 0 if it cannot be read.
 */
uint32_t odj_verify_account_kvno_with(struct verify_run *v, const char *ccache);

#endif
