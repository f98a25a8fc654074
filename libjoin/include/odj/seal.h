/*
 * Signed and sealed provisioning blobs (blob/FORMAT.md "Envelopes").
 *
 * A plain blob carries its machine's password in clear and says nothing of
 * who made it.  An envelope wraps the plain blob file:
 *   signed  the blob as it is, signed with a provisioning signing key
 *           (Ed25519): authenticity without secrecy;
 *   sealed  the blob encrypted to the X25519 key of one request made on the
 *           target, bound to that request's nonce and machine name, and
 *           signed: only that target can open it, once.
 *
 * Three small text formats go with it, each one screen long: the signing
 * key (secret, 0600) and its .pub, the request a target hands to the
 * administrators, and the request's private half kept on the target
 * (ROOT/var/lib/odj/request.key, 0600).
 *
 * Failures carry the rows an administrator knows from Authenticode:
 * TRUST_E_NOSIGNATURE (unsigned where a signature is required),
 * TRUST_E_BAD_DIGEST (a signature that does not verify: the file was
 * changed), TRUST_E_SUBJECT_NOT_TRUSTED (signed by a key the target does not
 * trust), CERT_E_EXPIRED (past its expiry), ERROR_DECRYPTION_FAILED (the
 * request key does not open it), NTE_BAD_KEYSET (no pending request: used
 * already), NERR_BadOfflineJoinInfo (malformed, or for another machine).
 */
#ifndef ODJ_SEAL_H
#define ODJ_SEAL_H

#include <odj/api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>

#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ODJ_KEYID_LEN 8
#define ODJ_SEAL_NONCE_LEN 16
#define ODJ_SEAL_MACHINE_MAX 63
/* Largest payload an envelope may carry (a blob is a few KiB). */
#define ODJ_SEAL_PAYLOAD_MAX (1u << 20)

enum odj_envelope_kind {
	ODJ_ENVELOPE_SIGNED = 1, /* the plain blob file, signed */
	ODJ_ENVELOPE_SEALED = 2, /* the plain blob file encrypted to a request key, signed */
};

/* ---- keys ---- */

/* A provisioning signing key (Ed25519); its secret half is an odj_secret. */
struct odj_signing_key {
	uint8_t keyid[ODJ_KEYID_LEN];
	uint8_t public_key[32];
	struct odj_secret *secret; /* 64 bytes: libsodium's seed || public key */
};

/* A public signing key, as read from FILE.pub or ROOT/etc/odj/trusted.d. */
struct odj_signing_pub {
	uint8_t keyid[ODJ_KEYID_LEN];
	uint8_t public_key[32];
	const char *path; /* where it was read from, for messages */
};

struct odj_trusted_keys {
	size_t count;
	struct odj_signing_pub *keys;
	const char *dir;
};

/* Hex of a key id (16 characters), on mem. */
ODJ_API char *odj_keyid_hex(TALLOC_CTX *mem, const uint8_t keyid[ODJ_KEYID_LEN]);

/*
 * Makes a signing key: path (0600, refused if it exists) and path.pub
 * (0644).  keyid (may be NULL) receives the new key's id.
 */
ODJ_API odj_result odj_signing_key_generate(struct odj_ctx *ctx, const char *path,
				    uint8_t keyid[ODJ_KEYID_LEN]);

ODJ_API odj_result odj_signing_key_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
				struct odj_signing_key **out);
ODJ_API odj_result odj_signing_pub_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
				struct odj_signing_pub **out);

/*
 * Every *.pub in dir.  A missing directory is no error (count 0); a file
 * that is not a public signing key is (a typo must not silently drop the
 * trust requirement).
 */
ODJ_API odj_result odj_trusted_keys_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *dir,
				 struct odj_trusted_keys **out);

/* ---- requests ---- */

struct odj_request {
	char machine[ODJ_SEAL_MACHINE_MAX + 1];
	uint8_t public_key[32];
	uint8_t keyid[ODJ_KEYID_LEN];
	uint8_t nonce[ODJ_SEAL_NONCE_LEN];
	int64_t created; /* seconds since the epoch, UTC */
	int64_t expires;
};

/* Parses a request's text (as odj_request_create writes it). */
ODJ_API odj_result odj_request_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *text,
			     size_t len, struct odj_request **out);
ODJ_API odj_result odj_request_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			    struct odj_request **out);

/*
 * The requests of paths: each a request file ("-": standard input) or a
 * directory of them (every regular file not starting with ".", by name).
 * out: n_out requests, NULL-terminated.
 */
ODJ_API odj_result odj_requests_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *const *paths,
				     size_t n_paths, struct odj_request ***out, size_t *n_out);

/* The request's text form. */
ODJ_API char *odj_request_format(TALLOC_CTX *mem, const struct odj_request *req);

#define ODJ_REQUEST_CREATE_VERSION 1
struct odj_request_create {
	unsigned version; /* ODJ_REQUEST_CREATE_VERSION */
	struct {
		const char *root;     /* the target root ("/" for the running system) */
		const char *machine;  /* the NetBIOS machine name the request is for; NULL: the
				       * first label of ROOT/etc/hostname */
		unsigned valid_days;  /* 1..3650 */
		int64_t now;          /* 0: the clock */
	} in;
	struct {
		struct odj_request *request; /* its public half */
		char *text;                  /* the request file's text */
		char *key_path;              /* ROOT/var/lib/odj/request.key */
	} out;
};
#define ODJ_REQUEST_CREATE_INIT {ODJ_REQUEST_CREATE_VERSION, {NULL, NULL, 30, 0}, {NULL, NULL, NULL}}

/*
 * Makes an X25519 key pair and a nonce, keeps the private half with the
 * request in ROOT/var/lib/odj/request.key (0600; a pending request is
 * replaced) and returns the request.
 */
ODJ_API odj_result odj_request_create(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_request_create *req);

/* Wipes and removes ROOT/var/lib/odj/request.key (after a successful join). */
ODJ_API odj_result odj_request_key_remove(struct odj_ctx *ctx, const char *root);

/* ---- envelopes ---- */

/* An envelope as read, before any key is used. */
struct odj_envelope {
	enum odj_envelope_kind kind;
	uint8_t signer_key[32];              /* Ed25519 public key of the signer */
	uint8_t signer_keyid[ODJ_KEYID_LEN]; /* derived from signer_key */
	uint8_t recipient_keyid[ODJ_KEYID_LEN]; /* zero when signed only */
	uint8_t nonce[ODJ_SEAL_NONCE_LEN];      /* the request's; zero when signed only */
	int64_t created;
	int64_t expires;
	char machine[ODJ_SEAL_MACHINE_MAX + 1];
	uint8_t ephemeral_key[32]; /* sealed only */
	uint8_t aead_nonce[24];    /* sealed only */
	const uint8_t *payload;    /* into bytes */
	size_t payload_len;
	const uint8_t *signed_part; /* everything the signature covers */
	size_t signed_len;
	uint8_t signature[64];
	const uint8_t *bytes; /* the binary envelope (armor removed) */
	size_t len;
};

/* True when a file's first bytes are an envelope's armor. */
ODJ_API bool odj_envelope_detect(const uint8_t *file, size_t len);

/*
 * Reads an envelope file (armor + binary layout) with every limit checked;
 * no key is used.  NERR_BadOfflineJoinInfo with offset and field on damage.
 */
ODJ_API odj_result odj_envelope_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *file,
			       size_t len, struct odj_envelope **out);

#define ODJ_ENVELOPE_MAKE_VERSION 1
struct odj_envelope_make {
	unsigned version; /* ODJ_ENVELOPE_MAKE_VERSION */
	struct {
		const struct odj_secret *blob_file;    /* a plain blob file */
		const struct odj_signing_key *key;
		const struct odj_request *request;     /* NULL: signed only */
		const char *machine;                   /* signed only: the blob's machine */
		int64_t now;                           /* 0: the clock */
		unsigned valid_days;                   /* signed only (sealed: the request's expiry) */
		/* Tests only: fixed ephemeral key seed and AEAD nonce for known answers. */
		const uint8_t *test_ephemeral_seed;    /* 32 bytes */
		const uint8_t *test_aead_nonce;        /* 24 bytes */
	} in;
	struct {
		struct odj_secret *file; /* the armored envelope (it may hold the blob in clear) */
	} out;
};
#define ODJ_ENVELOPE_MAKE_INIT {ODJ_ENVELOPE_MAKE_VERSION, {NULL, NULL, NULL, NULL, 0, 30, NULL, NULL}, {NULL}}

ODJ_API odj_result odj_envelope_make(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_envelope_make *req);

#define ODJ_ENVELOPE_OPEN_VERSION 1
struct odj_envelope_open {
	unsigned version; /* ODJ_ENVELOPE_OPEN_VERSION */
	struct {
		const uint8_t *file; /* what was read: an envelope or a plain blob */
		size_t len;
		const char *name;    /* the file's name, for messages */
		const char *root;    /* where the pending request key lives */
		const struct odj_trusted_keys *trusted; /* count 0: no signature required */
		int64_t now;         /* 0: the clock */
	} in;
	struct {
		struct odj_secret *blob_file; /* the plain blob file to apply */
		bool was_envelope;
		enum odj_envelope_kind kind;
		char signer[2 * ODJ_KEYID_LEN + 1]; /* hex key id, "" when unsigned */
		const char *signer_path;            /* the trusted key that verified it; NULL: none trusted */
		char machine[ODJ_SEAL_MACHINE_MAX + 1]; /* the envelope's machine ("" for a plain blob) */
		int64_t expires;
		bool request_key_used;              /* remove it after a successful join */
	} out;
};
#define ODJ_ENVELOPE_OPEN_INIT {ODJ_ENVELOPE_OPEN_VERSION, {NULL, 0, NULL, "/", NULL, 0}, {NULL, false, 0, "", NULL, "", 0, false}}

/*
 * Applies the target's policy and returns the plain blob file:
 *  - a plain blob passes when no key is trusted, and is refused otherwise;
 *  - a signed or sealed blob needs a signature by a trusted key when one is
 *    trusted (without trusted keys, a signature cannot be checked against
 *    anything and the envelope is refused: trust is configured first);
 *  - not expired;
 *  - a sealed blob needs the pending request key of ROOT, whose nonce and
 *    machine match, to open it.
 * Nothing is written.
 */
ODJ_API odj_result odj_envelope_open(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_envelope_open *req);

#ifdef __cplusplus
}
#endif
#endif
