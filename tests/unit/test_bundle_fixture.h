/* The fixture of the bundle tests: a context and a private directory for FILE. */
#ifndef ODJ_TEST_BUNDLE_FIXTURE_H
#define ODJ_TEST_BUNDLE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include <odj/odj.h>

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
	strcpy(f->dir, "/tmp/odj-bundle-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->path = talloc_asprintf(f->mem, "%s/fleet.tgz", f->dir);
}

static inline void bundle_fixture_close(struct bundle_fixture *f)
{
	char *cmd = talloc_asprintf(f->mem, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	talloc_free(f->mem);
}

#endif
