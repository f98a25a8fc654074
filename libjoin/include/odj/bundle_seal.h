/*
 * Sealed bundles: a bundle (odj/bundle.h) encrypted with a passphrase.
 *
 * The passphrase is stretched with Argon2id; the bundle's gzip stream is cut
 * into chunks at the points where the writer syncs (one per blob, and the
 * end), each chunk sealed with XChaCha20-Poly1305 in libsodium's
 * secretstream, the last one tagged final.  So a partial file of a killed
 * run still yields every blob whose chunk reached the disk, and a truncated
 * or reordered file is detected.  blob/FORMAT.md "Sealed bundles".
 */
#ifndef ODJ_BUNDLE_SEAL_H
#define ODJ_BUNDLE_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <odj/bundle.h>
#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ODJ_BUNDLE_SEAL_MAGIC "ODJBSEAL"
/* A passphrase shorter than this is refused. */
#define ODJ_BUNDLE_PASSPHRASE_MIN 12

/* True when bytes start like a sealed bundle. */
bool odj_bundle_is_sealed(const uint8_t *bytes, size_t len);

/*
 * Reads a passphrase file: its first line (at most 1023 bytes, no NUL),
 * at least ODJ_BUNDLE_PASSPHRASE_MIN characters.  The file must not be
 * readable by group or others.
 */
odj_result odj_passphrase_read_file(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
				    struct odj_secret **out);

/*
 * Makes the writer seal everything it writes with passphrase.  Call it right
 * after odj_bundle_create, before the first odj_bundle_add.
 */
odj_result odj_bundle_seal_with(struct odj_bundle_writer *w, const struct odj_secret *passphrase);

/*
 * The plain bundle (gzip stream) inside a sealed one.  A wrong passphrase is
 * ERROR_DECRYPTION_FAILED before any chunk is read.  complete: the final
 * chunk was found.  With partial_ok, a file that ends inside or after a
 * chunk (a killed run's partial file) gives the chunks before; otherwise it
 * is NERR_BadOfflineJoinInfo.  Bytes that are not a sealed bundle are
 * refused with the advice that they need no passphrase.
 */
odj_result odj_bundle_unseal(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bytes, size_t len,
			     const struct odj_secret *passphrase, bool partial_ok,
			     struct odj_secret **plain, bool *complete);

/*
 * What readers call on a bundle file's bytes: the input itself when it is
 * not sealed (passphrase NULL or not), the plain bundle when it is and a
 * passphrase is given; a sealed bundle without a passphrase is
 * ERROR_DECRYPTION_FAILED with the advice to give one.
 */
odj_result odj_bundle_open_bytes(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_secret *bytes,
				 const struct odj_secret *passphrase, bool partial_ok,
				 struct odj_secret **plain);

#ifdef __cplusplus
}
#endif
#endif
