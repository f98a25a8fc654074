/* The libFuzzer entry point every tests/fuzz/fuzz_<name>.c defines. */
#ifndef ODJ_FUZZ_H
#define ODJ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property of the target that must hold: a crash libFuzzer reports. */
static inline void check(int ok)
{
	if (!ok)
		abort();
}

#endif
