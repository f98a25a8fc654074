/* The fixture of the bundle tests: a context and a private directory for FILE. */
#ifndef ODJ_TEST_BUNDLE_FIXTURE_H
#define ODJ_TEST_BUNDLE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/odj.h>

#include "unit_tmp.h"

struct bundle_fixture {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	char dir[64];
	char *path; /* DIR/fleet.tgz, not yet there */
};

static inline void bundle_fixture_open(struct bundle_fixture *f)
{
	f->mem = talloc_new(NULL);
	f->ctx = odj_ctx_new(f->mem);
	unit_tmpdir(f->dir, sizeof(f->dir), "bundle");
	f->path = talloc_asprintf(f->mem, "%s/fleet.tgz", f->dir);
}

static inline void bundle_fixture_close(struct bundle_fixture *f)
{
	assert_int_equal(unit_rmtree(f->dir), 0);
	talloc_free(f->mem);
}

/*
 * setup() and teardown() of the bundle test files, whose struct fixture starts
 * with a struct bundle_fixture: SIZE zeroed bytes, opened; closed and freed.
 */
static inline void *bundle_fixture_new(size_t size)
{
	struct bundle_fixture *f = calloc(1, size);
	assert_non_null(f);
	bundle_fixture_open(f);
	return f;
}

static inline int bundle_fixture_teardown(void **state)
{
	struct bundle_fixture *f = *state;
	bundle_fixture_close(f);
	free(f);
	return 0;
}

/* A blob file of tests/vectors (ODJ_TESTDATA), read as odj-apply reads one; fails the test if it cannot. */
static inline struct odj_secret *bundle_fixture_vector(struct bundle_fixture *f, const char *name)
{
	const char *dir = getenv("ODJ_TESTDATA");
	assert_non_null(dir);
	struct odj_secret *s = NULL;
	char *path = talloc_asprintf(f->mem, "%s/%s", dir, name);
	assert_int_equal(odj_blob_read_file(f->ctx, f->mem, path, &s), ODJ_OK);
	return s;
}

#endif
