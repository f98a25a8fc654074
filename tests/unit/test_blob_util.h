/* Helpers shared by the blob tests: files of the vector directory, hex. */
#ifndef ODJ_TEST_BLOB_UTIL_H
#define ODJ_TEST_BLOB_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

/* The bytes of tests/vectors/<name> (ODJ_TESTDATA), NUL-terminated; fails the test if absent. */
static inline uint8_t *vec_file(TALLOC_CTX *mem, const char *name, size_t *len)
{
	const char *dir = getenv("ODJ_TESTDATA");
	assert_non_null(dir);
	char *path = talloc_asprintf(mem, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	uint8_t *buf = NULL;
	size_t n = 0;
	uint8_t chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = talloc_realloc(mem, buf, uint8_t, n + got + 1);
		memcpy(buf + n, chunk, got);
		n += got;
	}
	fclose(f);
	if (buf == NULL)
		buf = talloc_zero_size(mem, 1);
	buf[n] = 0;
	*len = n;
	return buf;
}

static inline uint8_t *unhex(TALLOC_CTX *mem, const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *out = talloc_zero_size(mem, n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	*len = n;
	return out;
}

static inline char *tohex(TALLOC_CTX *mem, const uint8_t *p, size_t n)
{
	char *s = talloc_zero_size(mem, 2 * n + 1);
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	return s;
}

#endif
