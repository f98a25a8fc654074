/*
 * The offline domain join provisioning blob: file layer, NDR codec, helpers.
 *
 * Layers, bottom up:
 *   NDR bytes  <->  struct odj_provision        odj_blob_decode / odj_blob_encode
 *   file bytes <->  NDR bytes                   odj_blob_text_decode / odj_blob_text_encode
 *   a path     ->   file bytes (read(2))         odj_blob_read_file
 * Every buffer that holds the machine password (file bytes, base64 text, NDR
 * bytes) is an odj_secret.  Decode failures return ODJ_E_INPUT with status
 * NERR_BadOfflineJoinInfo (detail: offset, structure, reason),
 * NERR_ProvisioningBlobUnsupported (ulVersion != 1) or NERR_NoOfflineJoinInfo
 * (empty input).
 */
#ifndef ODJ_BLOB_H
#define ODJ_BLOB_H

#include <odj/api.h>

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <odj/blob_model.h>
#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- NDR codec ---- */

/* Decodes one ODJ_PROVISION_DATA type-serialization stream (the base64-decoded bytes). */
ODJ_API odj_result odj_blob_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *ndr, size_t len,
			   struct odj_provision **out);

#define ODJ_BLOB_DECODE_OPTIONS_VERSION 1
struct odj_blob_decode_options {
	unsigned version;          /* ODJ_BLOB_DECODE_OPTIONS_VERSION */
	/*
	 * A damaged odj Linux part is by default dropped with a warning (it is
	 * non-essential, as Windows and Samba treat it); strict makes it an error.
	 */
	bool strict_linux_part;
};
#define ODJ_BLOB_DECODE_OPTIONS_INIT {ODJ_BLOB_DECODE_OPTIONS_VERSION, false}

/* odj_blob_decode with options (NULL: defaults). */
ODJ_API odj_result odj_blob_decode_opts(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *ndr, size_t len,
				const struct odj_blob_decode_options *opts,
				struct odj_provision **out);

#define ODJ_BLOB_ENCODE_OPTIONS_VERSION 2
struct odj_blob_encode_options {
	unsigned version;                 /* ODJ_BLOB_ENCODE_OPTIONS_VERSION (1 is still accepted) */
	enum odj_referent_style referents;/* Samba style by default */
	/* Version 2: leave odj's Linux part out (blobs for Windows, unattend files). */
	bool omit_linux_part;
};
#define ODJ_BLOB_ENCODE_OPTIONS_INIT {ODJ_BLOB_ENCODE_OPTIONS_VERSION, ODJ_REFERENTS_SAMBA, false}

/* Encodes the model into NDR bytes (opts NULL: defaults). */
ODJ_API odj_result odj_blob_encode(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_provision *prov,
			   const struct odj_blob_encode_options *opts, struct odj_secret **ndr);

/* ---- file and text layer ---- */

/*
 * File bytes to NDR bytes.  Accepts FF FE + UTF-16LE, UTF-16LE without BOM,
 * UTF-8 with or without BOM and ASCII; strips whitespace and NULs; any other
 * non-base64 character is an error (nothing is silently truncated).
 */
ODJ_API odj_result odj_blob_text_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *file,
				size_t len, struct odj_secret **ndr);

/* NDR bytes to the file form: FF FE, one line of UTF-16LE base64, 00 00. */
ODJ_API odj_result odj_blob_text_encode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *ndr,
				size_t len, struct odj_secret **file);

/* NDR bytes to bare base64 (for --print and unattend AccountData), NUL-terminated. */
ODJ_API odj_result odj_blob_base64_encode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *ndr,
				  size_t len, struct odj_secret **text);

/* Reads a whole file ("-" = standard input) with read(2) into a secret. */
ODJ_API odj_result odj_blob_read_file(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			      struct odj_secret **bytes);

/* File bytes to the model (text layer + NDR). */
ODJ_API odj_result odj_blob_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *file, size_t len,
			 struct odj_provision **out);

/*
 * odj_blob_load, every error naming where the bytes came from: name is the
 * path ("-": standard input), or NULL for no name.
 */
ODJ_API odj_result odj_blob_load_named(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *name,
			       const uint8_t *file, size_t len, struct odj_provision **out);

/* The model to file bytes (NDR + text layer). */
ODJ_API odj_result odj_blob_save(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_provision *prov,
			 const struct odj_blob_encode_options *opts, struct odj_secret **file);

/* ---- what a consumer wants from the model ---- */

/*
 * The ODJ_WIN7BLOB to join with: the first format-1 blob, else the
 * JOIN_PROVIDER part of the first format-2 blob (Samba's rule).  NULL if none.
 */
ODJ_API const struct odj_win7blob *odj_provision_win7(const struct odj_provision *prov);

/* The first JOIN_PROVIDER3 part (the account RID), or NULL. */
ODJ_API const struct odj_joinprov3 *odj_provision_joinprov3(const struct odj_provision *prov);

/* The first odj Linux part that decoded, or NULL (absent, or damaged and dropped). */
ODJ_API const struct odj_linux_part *odj_provision_linux_part(const struct odj_provision *prov);

/* ---- passwords, names, identifiers ---- */

/*
 * The machine password (UTF-16LE code units) as UTF-8 for key derivation:
 * each unpaired surrogate becomes U+FFFD, as the KDC does.  NUL-terminated.
 */
ODJ_API odj_result odj_password_utf8(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_secret *utf16,
			     struct odj_secret **utf8);

/* A UTF-8 password as UTF-16LE code units (for building a blob); invalid UTF-8 is an error. */
ODJ_API odj_result odj_password_utf16(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *utf8, size_t len,
			      struct odj_secret **utf16);

/* "4b0d6f3e-5a1c-4f5e-9c61-2a7b8e0d0d01" (lowercase, no braces). */
ODJ_API char *odj_guid_string(TALLOC_CTX *mem, const struct odj_guid *g);
/* Parses that form, with or without braces, any case. */
ODJ_API bool odj_guid_parse(const char *s, struct odj_guid *g);
ODJ_API bool odj_guid_equal(const struct odj_guid *a, const struct odj_guid *b);

/* "S-1-5-21-..." */
ODJ_API char *odj_sid_string(TALLOC_CTX *mem, const struct odj_sid *sid);
/* The binary form AD stores in objectSid: exactly 8 + 4 * count bytes. */
ODJ_API bool odj_sid_from_binary(struct odj_sid *sid, const uint8_t *p, size_t len);
/* The 16 bytes of objectGUID (and of NDR): d1..d3 little-endian. */
ODJ_API void odj_guid_from_wire(struct odj_guid *g, const uint8_t wire[16]);
ODJ_API bool odj_sid_parse(const char *s, struct odj_sid *sid);

/* The well-known part GUIDs and their names ("JOIN_PROVIDER3", ...; NULL if unknown). */
ODJ_API extern const struct odj_guid odj_guid_join_provider;
ODJ_API extern const struct odj_guid odj_guid_join_provider2;
ODJ_API extern const struct odj_guid odj_guid_join_provider3;
ODJ_API extern const struct odj_guid odj_guid_join_provider4;
ODJ_API extern const struct odj_guid odj_guid_cert_provider;
ODJ_API extern const struct odj_guid odj_guid_policy_provider;
/* odj's own part, {ee3c23a1-bbbe-4990-913a-f271f2e24190} (blob/FORMAT.md). */
ODJ_API extern const struct odj_guid odj_guid_linux_provider;
ODJ_API enum odj_part_kind odj_part_kind_of(const struct odj_guid *type);
ODJ_API const char *odj_part_kind_name(enum odj_part_kind kind);

/* DS_*_FLAG names of the set bits, "|"-separated ("PDC|GC|..."); unknown bits in hex. */
ODJ_API char *odj_dc_flags_string(TALLOC_CTX *mem, uint32_t flags);

#ifdef __cplusplus
}
#endif
#endif
