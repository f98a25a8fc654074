/*
 * odj_secret: the one home of passwords and keys.
 *
 * A talloc-owned buffer that is wiped with explicit_bzero when it is freed
 * (with its parent or on its own).  The type is opaque and is not a char
 * pointer, so it cannot be handed to printf-style functions by mistake: every
 * printer and trace function in odj is format-checked, and passing a secret
 * to "%s" fails the -Werror build.
 */
#ifndef ODJ_SECRET_H
#define ODJ_SECRET_H

#include <odj/api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#ifdef __cplusplus
extern "C" {
#endif

struct odj_secret;

/* A zero-filled secret of len bytes (len may be 0). NULL on out of memory. */
ODJ_API struct odj_secret *odj_secret_new(TALLOC_CTX *mem, size_t len);

/* A copy of len bytes at p. */
ODJ_API struct odj_secret *odj_secret_dup(TALLOC_CTX *mem, const void *p, size_t len);

/* The bytes; valid until the secret is freed. */
ODJ_API uint8_t *odj_secret_data(const struct odj_secret *s);
ODJ_API size_t odj_secret_len(const struct odj_secret *s);

/* Constant-time comparison of contents (lengths are not secret). */
ODJ_API bool odj_secret_equal(const struct odj_secret *a, const struct odj_secret *b);

/* Wipes memory the compiler may not optimize away; for buffers outside odj_secret. */
ODJ_API void odj_wipe(void *p, size_t len);

/*
 * Attaches a wipe-on-free destructor to any talloc buffer (for temporary
 * copies that libraries hand back, e.g. a base64 text holding a password).
 */
ODJ_API void odj_wipe_on_free(void *talloc_ptr);

#ifdef __cplusplus
}
#endif
#endif
