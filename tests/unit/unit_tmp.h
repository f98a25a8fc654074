/* A test's private directory below /tmp: made for it, removed with all it holds. */
#ifndef ODJ_TEST_UNIT_TMP_H
#define ODJ_TEST_UNIT_TMP_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <talloc.h>

#include "unit_main.h"

/* DIR (SIZE bytes) becomes a new directory /tmp/odj-NAME-XXXXXX; fails the test if it cannot. */
static inline void unit_tmpdir(char *dir, size_t size, const char *name)
{
	int n = snprintf(dir, size, "/tmp/odj-%s-XXXXXX", name);
	assert_true(n > 0 && (size_t)n < size);
	assert_non_null(mkdtemp(dir));
}

static inline int unit_rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

/* Removes DIR and everything below it, links not followed: 0, or -1 when something stayed. */
static inline int unit_rmtree(const char *dir)
{
	return nftw(dir, unit_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static inline int unit_tmpdir_destructor(char *dir)
{
	unit_rmtree(dir);
	return 0;
}

/* A new directory /tmp/odj-NAME-XXXXXX that goes, with all it holds, when MEM is freed. */
static inline char *unit_tmpdir_in(TALLOC_CTX *mem, const char *name)
{
	char *dir = talloc_asprintf(mem, "/tmp/odj-%s-XXXXXX", name);
	assert_non_null(mkdtemp(dir));
	talloc_set_destructor(dir, unit_tmpdir_destructor);
	return dir;
}

/* The teardown of a fixture that is a talloc context: frees it with all it owns. */
static inline int unit_talloc_teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

#endif
