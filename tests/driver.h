/* Helpers of the small test drivers: the programs below tests/ that the tests run. */
#ifndef ODJ_TEST_DRIVER_H
#define ODJ_TEST_DRIVER_H

#include <stdio.h>
#include <stdlib.h>

/* A driver's first step: with fewer than MIN_ARGC arguments, "usage: USAGE" and exit status 2. */
static inline void driver_need_args(int argc, int min_argc, const char *usage)
{
	if (argc < min_argc) {
		fprintf(stderr, "usage: %s\n", usage);
		exit(2);
	}
}

#endif
