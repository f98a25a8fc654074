/* The bundle writer's sealing layer (blob/bundle_seal.c). Internal to libodj. */
#ifndef ODJ_BUNDLE_SEAL_INTERNAL_H
#define ODJ_BUNDLE_SEAL_INTERNAL_H

#include <odj/bundle_seal.h>

#define ODJ_BUNDLE_SEAL_HEADER 84

struct odj_bundle_sealer;

/* A sealer for passphrase and the file header it needs written first. */
odj_result odj_bundle_sealer_start(struct odj_ctx *ctx, TALLOC_CTX *mem,
				   const struct odj_secret *passphrase, struct odj_bundle_sealer **out,
				   uint8_t header[ODJ_BUNDLE_SEAL_HEADER]);

/* One chunk (length prefix + ciphertext) of n plain bytes; final tags the stream's end. */
uint8_t *odj_bundle_sealer_chunk(struct odj_bundle_sealer *s, TALLOC_CTX *mem, const uint8_t *plain,
				 size_t n, bool final, size_t *out_len);

#endif
