/* The main() every unit test file ends with: its cmocka tests, run as one group. */
#ifndef ODJ_TEST_UNIT_MAIN_H
#define ODJ_TEST_UNIT_MAIN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/*
 * UNIT_MAIN(cmocka_unit_test(a), FIXTURE_TEST(b), ...) defines main(): it runs
 * the tests in order and returns how many failed (0: all passed).
 */
#define UNIT_MAIN(...)                                                                             \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = {__VA_ARGS__};                                   \
		return cmocka_run_group_tests(tests, NULL, NULL);                                  \
	}

/* A test that gets a fresh fixture: the file's own setup() before it, teardown() after. */
#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

#endif
