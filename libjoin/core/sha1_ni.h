/* SHA-1 compression on the CPU's SHA instructions (x86-64). Not installed. */
#ifndef ODJ_SHA1_NI_H
#define ODJ_SHA1_NI_H

#include <stdbool.h>
#include <stdint.h>

/* Does this CPU have the SHA extensions (and SSSE3, SSE4.1) that odj_sha1_ni_compress uses? */
bool odj_sha1_ni_usable(void);

/* One SHA-1 block into h; call only where odj_sha1_ni_usable() said yes. */
void odj_sha1_ni_compress(uint32_t h[5], const uint8_t block[64]);

#endif
