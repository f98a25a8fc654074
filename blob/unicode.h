/* UTF-16LE <-> UTF-8 for blob names (iconv, one handle per context). Private to blob/. */
#ifndef ODJ_BLOB_UNICODE_H
#define ODJ_BLOB_UNICODE_H

#include <stddef.h>
#include <stdint.h>

#include <odj/error.h>

/* NULL if the code units are a valid name (no NUL, no unpaired surrogate); else why not. */
const char *odj_utf16_name_problem(const uint8_t *utf16, size_t units);

/* Converts checked code units to NUL-terminated UTF-8; NULL on failure. */
char *odj_utf16_to_utf8(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *utf16, size_t units);

/* Converts UTF-8 to UTF-16LE code units (no NUL); NULL on invalid UTF-8 or no memory. */
uint8_t *odj_utf8_to_utf16(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *utf8,
			   size_t *units);

#endif
