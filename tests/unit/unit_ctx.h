/*
 * The fixture of tests that need a talloc context and an odj_ctx on it: fresh
 * for each test, and freed after it even when an assertion ends it early.
 */
#ifndef ODJ_TEST_UNIT_CTX_H
#define ODJ_TEST_UNIT_CTX_H

#include <talloc.h>

#include <odj/odj.h>

#include "unit_main.h"
#include "unit_tmp.h"

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

/*
 * The start of a fixture F that is a talloc context (unit_talloc_teardown
 * frees it): *MEM a new context below F, *CTX an odj_ctx on it and *DIR a new
 * directory /tmp/odj-NAME-XXXXXX, removed when *MEM is freed.
 */
static inline void unit_fixture_open(void *f, TALLOC_CTX **mem, struct odj_ctx **ctx, char **dir,
				     const char *name)
{
	*mem = talloc_new(f);
	*ctx = odj_ctx_new(*mem);
	*dir = unit_tmpdir_in(*mem, name);
}

/* A test whose state is a struct unit_ctx. */
#define CTX_TEST(fn) cmocka_unit_test_setup_teardown(fn, unit_ctx_setup, unit_ctx_teardown)

#endif
