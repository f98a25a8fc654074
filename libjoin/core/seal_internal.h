/* Internals of signed and sealed blobs (libjoin/core/seal_*.c). Not installed. */
#ifndef ODJ_SEAL_INTERNAL_H
#define ODJ_SEAL_INTERNAL_H

#include <odj/seal.h>

/* A pending request on a target root: its public half and its X25519 secret. */
struct odj_pending_request {
	struct odj_request request;
	struct odj_secret *secret; /* 32 bytes */
	char *path;
};

/* ROOT/var/lib/odj/request.key; ODJ_E_CONFIG + NTE_BAD_KEYSET when there is none. */
odj_result odj_pending_request_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *root,
				    struct odj_pending_request **out);

/* The AEAD key of a sealed envelope: BLAKE2b-256("odj-seal-v1" || X25519 || eph pk || recipient pk). */
int odj_seal_derive_key(uint8_t key[32], const uint8_t shared[32], const uint8_t eph_pk[32],
			const uint8_t recipient_pk[32]);

int64_t odj_seal_now(int64_t given);

/* libsodium initialised, else ODJ_E_UNEXPECTED (ERROR_CAN_NOT_COMPLETE). */
odj_result odj_seal_ready(struct odj_ctx *ctx);

/*
 * The start of a seal call: its request's version (odj_version_check), then
 * odj_seal_ready.  what is the call's __func__: each request struct is named
 * after its call (struct odj_envelope_make for odj_envelope_make).
 */
odj_result odj_seal_begin(struct odj_ctx *ctx, const char *what, unsigned version,
			  unsigned current);

/* The end of a loader: obj (a talloc object) when r is ODJ_OK; otherwise it is freed and NULL. */
void *odj_keep_if_ok(odj_result r, void *obj);

#endif
