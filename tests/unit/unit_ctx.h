/*
 * The fixture of tests that need a talloc context and an odj_ctx on it: fresh
 * for each test, and freed after it even when an assertion ends it early.
 */
#ifndef ODJ_TEST_UNIT_CTX_H
#define ODJ_TEST_UNIT_CTX_H

#include <talloc.h>

#include <odj/odj.h>

#include "unit_main.h"

struct unit_ctx {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
};

static inline int unit_ctx_setup(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct unit_ctx *u = talloc(mem, struct unit_ctx);
	u->mem = mem;
	u->ctx = odj_ctx_new(mem);
	*state = u;
	return 0;
}

static inline int unit_ctx_teardown(void **state)
{
	struct unit_ctx *u = *state;
	talloc_free(u->mem);
	return 0;
}

/* A test whose state is a struct unit_ctx. */
#define CTX_TEST(fn) cmocka_unit_test_setup_teardown(fn, unit_ctx_setup, unit_ctx_teardown)

#endif
