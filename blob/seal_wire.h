/*
 * The envelope's wire layout and the small key/request text formats
 * (blob/FORMAT.md "Envelopes").  Codec only: no key is used here.
 * Internal to libodj.
 */
#ifndef ODJ_SEAL_WIRE_H
#define ODJ_SEAL_WIRE_H

#include <odj/seal.h>

#define ODJ_ENVELOPE_MAGIC "ODJENV"
#define ODJ_ENVELOPE_VERSION 1
#define ODJ_SIG_ED25519 1
#define ODJ_SEAL_NONE 0
#define ODJ_SEAL_X25519_XCHACHA20POLY1305 1
#define ODJ_SEAL_TAG_LEN 16

/* Offsets of the fixed header. */
#define ODJ_ENV_OFF_SIGNER 12
#define ODJ_ENV_OFF_RECIPIENT 44
#define ODJ_ENV_OFF_NONCE 52
#define ODJ_ENV_OFF_CREATED 68
#define ODJ_ENV_OFF_EXPIRES 76
#define ODJ_ENV_OFF_NAMELEN 84
#define ODJ_ENV_FIXED 85

/* Little-endian 64-bit fields (envelope times, bundle KDF limits). */
void odj_le64_put(uint8_t *p, uint64_t v);
uint64_t odj_le64_get(const uint8_t *p);

/* n bytes of A-Z a-z 0-9 . _ - only (names in envelopes, requests and bundles). */
bool odj_portable_chars(const char *s, size_t n);

/* The largest armored file odj reads as an envelope. */
#define ODJ_ENVELOPE_MAX_FILE (2u * 1024 * 1024)

/*
 * The binary envelope up to and including the payload (the signature is
 * appended by the caller over exactly these bytes).  env->payload must be set;
 * signed_part/bytes are ignored.  Returns NULL on out of memory.
 */
uint8_t *odj_envelope_encode_unsigned(TALLOC_CTX *mem, const struct odj_envelope *env,
				      size_t *len);
/* Where the payload starts in the unsigned encoding of env (the AEAD's associated data). */
size_t odj_envelope_header_len(const struct odj_envelope *env);

/* The armored text of a binary envelope (kind decides the label). */
struct odj_secret *odj_envelope_armor(TALLOC_CTX *mem, enum odj_envelope_kind kind,
				      const uint8_t *bin, size_t len);

bool odj_seal_machine_valid(const char *name);

/* A key's id: the first 8 bytes of BLAKE2b-256("odj-keyid-v1" || public key). */
void odj_keyid_of(const uint8_t public_key[32], uint8_t keyid[ODJ_KEYID_LEN]);

/* ---- "name value" text files ---- */

struct odj_kv_field {
	const char *name;
	char *value; /* set by the parser (on mem) */
};

/*
 * Parses "HEADER\nname value\n..." with exactly the named fields, each once,
 * in any order; CR before LF is tolerated (mail).  what names the file in
 * messages.  Values of fields named "secret" are wiped when mem is freed.
 */
odj_result odj_kv_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *what, const uint8_t *text,
			size_t len, const char *header, struct odj_kv_field *fields, size_t nfields);

/* Strict base64 of exactly want bytes into out. */
bool odj_kv_b64(const char *value, uint8_t *out, size_t want);
bool odj_kv_hex(const char *value, uint8_t *out, size_t want);
bool odj_kv_time(const char *value, int64_t *out);
char *odj_kv_time_format(TALLOC_CTX *mem, int64_t t);
char *odj_kv_b64_format(TALLOC_CTX *mem, const uint8_t *p, size_t len);

/* The request file's check line: 8 hex digits over the lines before it. */
void odj_request_check(const char *text, size_t len, char out[9]);

#endif
