/*
 * The MIT FILE keytab format, version 0x0502 (krb5 doc/formats/keytab_file_format.rst),
 * read and written in memory so that a new keytab goes through the commit
 * transaction like every other file.
 *
 *   05 02, then records: int32 BE length (> 0 entry, < 0 hole, 0 end), each entry:
 *   uint16 component count, realm and components as uint16 length + bytes,
 *   uint32 name type, uint32 timestamp, uint8 kvno, uint16 enctype,
 *   uint16 key length + key, optional uint32 kvno (wins when non-zero).
 *
 * Keys live in odj_secret buffers (wiped when freed); the serialized keytab
 * is an odj_secret too.
 */
#ifndef ODJ_KEYTAB_H
#define ODJ_KEYTAB_H

#include <odj/api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the parser: anything beyond them is refused as damaged. */
#define ODJ_KEYTAB_MAX_BYTES (4u * 1024u * 1024u)
#define ODJ_KEYTAB_MAX_ENTRIES 4096u
#define ODJ_KEYTAB_MAX_COMPONENTS 16u

/* KRB5_NT_PRINCIPAL: what krb5_parse_name, adcli and ktutil write. */
#define ODJ_KRB5_NT_PRINCIPAL 1u

struct odj_keytab_entry {
	char *realm;
	uint32_t n_components;
	char **components;
	uint32_t name_type;
	uint32_t timestamp;
	uint32_t kvno;           /* the 32-bit kvno when present and non-zero, else the 8-bit one */
	int32_t enctype;
	struct odj_secret *key;
};

struct odj_keytab {
	size_t n;
	struct odj_keytab_entry *entries; /* talloc array on the keytab */
};

/* An empty keytab on mem. */
ODJ_API struct odj_keytab *odj_keytab_new(TALLOC_CTX *mem);

/*
 * Parses a FILE keytab.  Holes are skipped; a version other than 0x0502,
 * a record that runs past the end or past its own length, or a limit
 * exceeded is ODJ_E_CONFIG (a target's file) with ERROR_INVALID_DATA and
 * the offset in the detail.  An empty input is an empty keytab.
 */
ODJ_API odj_result odj_keytab_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *data, size_t len,
			    struct odj_keytab **out);

/* Writes the keytab (0x0502, every entry with its 32-bit kvno). */
ODJ_API odj_result odj_keytab_serialize(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_keytab *kt,
				struct odj_secret **out);

/*
 * Appends an entry for "comp1/comp2@REALM" (principal without escapes:
 * components split at '/', the realm after the last '@').  The key is copied.
 */
ODJ_API odj_result odj_keytab_add(struct odj_ctx *ctx, struct odj_keytab *kt, const char *principal,
			  uint32_t kvno, int32_t enctype, const uint8_t *key, size_t key_len,
			  uint32_t timestamp);

/* Removes entry i (keeps the order of the others). */
ODJ_API void odj_keytab_remove(struct odj_keytab *kt, size_t i);

/* "host/NAME@REALM" of an entry. */
ODJ_API char *odj_keytab_principal(TALLOC_CTX *mem, const struct odj_keytab_entry *e);

/* "aes256-cts-hmac-sha1-96" ... or "enctype-N". */
ODJ_API const char *odj_enctype_name(int32_t enctype);

#ifdef __cplusplus
}
#endif
#endif
