/* Library-internal access to the per-call context. Not installed. */
#ifndef ODJ_CTX_INTERNAL_H
#define ODJ_CTX_INTERNAL_H

#include <iconv.h>

#include <odj/error.h>

enum odj_iconv_dir {
	ODJ_ICONV_UTF8_TO_UTF16LE = 0,
	ODJ_ICONV_UTF16LE_TO_UTF8 = 1,
	ODJ_ICONV_N
};

/*
 * The context's conversion handle for dir, opened on first use and closed
 * when the context is freed (one iconv_t per context and direction).
 * Returns (iconv_t)-1 if iconv cannot open it.  The handle is reset to its
 * initial shift state before it is returned.
 */
iconv_t odj_ctx_iconv(struct odj_ctx *ctx, enum odj_iconv_dir dir);

#endif
