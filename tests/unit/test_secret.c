/* odj_secret: contents, comparison, and the wipe when freed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/secret.h>

#include "unit_main.h"

static void dup_copies_and_terminates(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_secret *s = odj_secret_dup(mem, "Odj-Admin-Pass1", 15);
	assert_non_null(s);
	assert_int_equal(odj_secret_len(s), 15);
	assert_memory_equal(odj_secret_data(s), "Odj-Admin-Pass1", 15);
	assert_int_equal(odj_secret_data(s)[15], 0);
	struct odj_secret *empty = odj_secret_new(mem, 0);
	assert_int_equal(odj_secret_len(empty), 0);
	assert_int_equal(odj_secret_data(empty)[0], 0);
	talloc_free(mem);
}

static void equal_compares_contents(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_secret *a = odj_secret_dup(mem, "abc", 3);
	struct odj_secret *b = odj_secret_dup(mem, "abc", 3);
	struct odj_secret *c = odj_secret_dup(mem, "abd", 3);
	struct odj_secret *d = odj_secret_dup(mem, "ab", 2);
	assert_true(odj_secret_equal(a, b));
	assert_false(odj_secret_equal(a, c));
	assert_false(odj_secret_equal(a, d));
	assert_false(odj_secret_equal(a, NULL));
	talloc_free(mem);
}

/*
 * A talloc pool keeps the memory of freed children allocated, so the test can
 * look at the bytes after the free without touching freed heap memory.
 */
static void freeing_wipes_the_bytes(void **state)
{
	(void)state;
	static const char pw[] = "correct horse battery staple";
	TALLOC_CTX *pool = talloc_pool(NULL, 4096);
	TALLOC_CTX *parent = talloc_new(pool);
	struct odj_secret *s = odj_secret_dup(parent, pw, sizeof(pw) - 1);
	uint8_t *bytes = odj_secret_data(s);
	assert_memory_equal(bytes, pw, sizeof(pw) - 1);
	talloc_free(parent); /* frees the secret with its parent */
	for (size_t i = 0; i < sizeof(pw); i++)
		assert_int_equal(bytes[i], 0);
	talloc_free(pool);
}

static void wipe_on_free_covers_plain_buffers(void **state)
{
	(void)state;
	TALLOC_CTX *pool = talloc_pool(NULL, 4096);
	char *copy = talloc_strdup(pool, "base64-of-a-password");
	size_t n = strlen(copy);
	odj_wipe_on_free(copy);
	talloc_free(copy);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(copy[i], 0);
	talloc_free(pool);
}

UNIT_MAIN(
	cmocka_unit_test(dup_copies_and_terminates),
	cmocka_unit_test(equal_compares_contents),
	cmocka_unit_test(freeing_wipes_the_bytes),
	cmocka_unit_test(wipe_on_free_covers_plain_buffers),
)
