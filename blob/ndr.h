/*
 * NDR20 primitives for the ODJ blob: a bounds-checked read cursor, a write
 * buffer that wipes what it discards, and the [MS-RPCE] 2.2.6 type
 * serialization envelope.  Private to blob/.
 *
 * Alignment is counted from the first byte of the stream (header included),
 * so every nested stream restarts its own count.
 */
#ifndef ODJ_BLOB_NDR_H
#define ODJ_BLOB_NDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <odj/blob.h>

#define NDR_STREAM_HEADER 16u
#define NDR_TOP_REFERENT 0x00020000u
#define NDR_SAMBA_PASSWORD_REFERENT 0xFFFFFFFFu

/* Propagates a non-OK odj_result. */
#define NDR_CHECK(expr)                          \
	do {                                     \
		odj_result ndr_r_ = (expr);      \
		if (ndr_r_ != ODJ_OK)            \
			return ndr_r_;           \
	} while (0)

struct odj_ndr_pull {
	struct odj_ctx *ctx;
	const uint8_t *data; /* the stream, header included */
	size_t len;          /* 16 + ObjectBufferLength */
	size_t off;
	size_t abs_base;     /* offset of data[0] in the outermost buffer (messages) */
	unsigned depth;      /* nesting of this stream, 1 = outermost */
	const char *what;    /* the structure being read (messages) */
	uint32_t top_ref;    /* the stream's top-level referent */
	struct odj_provision *warn_to; /* where remarks go (may be NULL) */
	bool strict_linux_part;        /* a damaged Linux part fails the blob */
};

struct odj_ndr_push {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;     /* temporary: nested streams, freed (wiped) by the caller */
	uint8_t *buf;        /* talloc, wiped before it is freed or moved */
	size_t len;
	size_t cap;
	uint32_t next_ref;
	enum odj_referent_style style;
	unsigned depth;
	bool omit_linux_part;
};

/* ---- reading ---- */

/* Records NERR_BadOfflineJoinInfo with "offset, structure: reason" as detail. */
odj_result odj_ndr_pull_fail(struct odj_ndr_pull *p, const char *fmt, ...) ODJ_PRINTF(2, 3);

odj_result odj_ndr_pull_align(struct odj_ndr_pull *p, size_t n);
odj_result odj_ndr_pull_u16(struct odj_ndr_pull *p, uint16_t *v);
odj_result odj_ndr_pull_u32(struct odj_ndr_pull *p, uint32_t *v);
odj_result odj_ndr_pull_guid(struct odj_ndr_pull *p, struct odj_guid *g);
/* A FILETIME {dwLowDateTime, dwHighDateTime}: two aligned uint32. */
odj_result odj_ndr_pull_filetime(struct odj_ndr_pull *p, uint64_t *v);
/* n raw bytes, no alignment; *bytes points into the stream. */
odj_result odj_ndr_pull_raw(struct odj_ndr_pull *p, size_t n, const uint8_t **bytes);

/*
 * The max_count of a deferred conformant array of structures: must equal
 * count, count <= ODJ_BLOB_MAX_ITEMS, and count * elem_size bytes must remain.
 */
odj_result odj_ndr_pull_array_count(struct odj_ndr_pull *p, uint32_t count, size_t elem_size,
				const char *field);
/* A count field checked against ODJ_BLOB_MAX_ITEMS and against its pointer. */
odj_result odj_ndr_check_count(struct odj_ndr_pull *p, uint32_t count, uint32_t ref, const char *field);

/* Deferred part of a [string] wchar_t*: name rules (no NUL, no unpaired surrogate). */
odj_result odj_ndr_pull_string(struct odj_ndr_pull *p, TALLOC_CTX *mem, const char *field, char **out);
/* Same, kept as UTF-16LE code units (without the NUL) in a secret: the password. */
odj_result odj_ndr_pull_string_secret(struct odj_ndr_pull *p, TALLOC_CTX *mem, const char *field,
				  struct odj_secret **out);
/* Deferred part of a pointer the scalar part announced: reads it if ref != 0. */
odj_result odj_ndr_pull_string_ptr(struct odj_ndr_pull *p, TALLOC_CTX *mem, uint32_t ref,
			       const char *field, char **out);

/* Scalar and deferred halves of ODJ_UNICODE_STRING. */
struct ndr_ustring_wire {
	uint16_t length;
	uint16_t maximum_length;
	uint32_t ref;
};
odj_result odj_ndr_pull_ustring_scalar(struct odj_ndr_pull *p, struct ndr_ustring_wire *w);
odj_result odj_ndr_pull_ustring_deferred(struct odj_ndr_pull *p, TALLOC_CTX *mem,
				     const struct ndr_ustring_wire *w, const char *field,
				     struct odj_ustring *out);

/* Deferred RPC_SID. */
odj_result odj_ndr_pull_sid(struct odj_ndr_pull *p, TALLOC_CTX *mem, struct odj_sid **out);

/* Scalar and deferred halves of a [size_is(cb)] byte buffer (OP_BLOB and kin). */
odj_result odj_ndr_pull_bytes_scalar(struct odj_ndr_pull *p, struct odj_bytes *b, uint32_t *ref);
odj_result odj_ndr_pull_bytes_deferred(struct odj_ndr_pull *p, TALLOC_CTX *mem, uint32_t ref,
				   const char *field, struct odj_bytes *b);
/* Deferred bytes without copying (a nested stream is parsed in place). */
odj_result odj_ndr_pull_bytes_view(struct odj_ndr_pull *p, uint32_t cb, uint32_t ref, const char *field,
			       const uint8_t **bytes);

/*
 * Opens the type-serialization stream held in bytes[0..len) as a child of
 * parent (NULL for the outermost), checks the header, and reads the
 * top-level referent.  odj_ndr_pull_stream_end checks that only padding is left.
 */
odj_result odj_ndr_pull_stream_begin(struct odj_ctx *ctx, const struct odj_ndr_pull *parent,
				 const uint8_t *bytes, size_t len, const char *what,
				 struct odj_ndr_pull *child, uint32_t *object_buffer_length);
odj_result odj_ndr_pull_stream_end(struct odj_ndr_pull *p);

/* begin + fn(body) + end for a nested stream (parent NULL: the outermost, needs ctx). */
typedef odj_result (*ndr_stream_pull_fn)(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_ndr_pull_nested(struct odj_ctx *ctx, const struct odj_ndr_pull *parent, TALLOC_CTX *mem,
			   const uint8_t *bytes, size_t len, const char *what,
			   ndr_stream_pull_fn fn, void *obj, uint32_t *object_buffer_length);

/* Adds a decoder remark to the provision being decoded. */
void odj_ndr_pull_warn(struct odj_ndr_pull *p, const char *fmt, ...) ODJ_PRINTF(2, 3);

/* ---- writing ---- */

odj_result odj_ndr_push_init(struct odj_ndr_push *p, struct odj_ctx *ctx, TALLOC_CTX *mem,
			 enum odj_referent_style style, unsigned depth);
odj_result odj_ndr_push_fail(struct odj_ndr_push *p, const char *fmt, ...) ODJ_PRINTF(2, 3);
odj_result odj_ndr_push_align(struct odj_ndr_push *p, size_t n);
odj_result odj_ndr_push_u16(struct odj_ndr_push *p, uint16_t v);
odj_result odj_ndr_push_u32(struct odj_ndr_push *p, uint32_t v);
odj_result odj_ndr_push_guid(struct odj_ndr_push *p, const struct odj_guid *g);
odj_result odj_ndr_push_filetime(struct odj_ndr_push *p, uint64_t v);
odj_result odj_ndr_push_raw(struct odj_ndr_push *p, const void *bytes, size_t n);
/* A unique pointer: 0 when absent, else the next referent of the stream. */
odj_result odj_ndr_push_ref(struct odj_ndr_push *p, bool present);

odj_result odj_ndr_push_array_count(struct odj_ndr_push *p, uint32_t count);
odj_result odj_ndr_push_string(struct odj_ndr_push *p, const char *utf8, const char *field);
odj_result odj_ndr_push_string_units(struct odj_ndr_push *p, const uint8_t *utf16, size_t units);
odj_result odj_ndr_push_ustring_scalar(struct odj_ndr_push *p, const struct odj_ustring *s,
				   const char *field);
odj_result odj_ndr_push_ustring_deferred(struct odj_ndr_push *p, const struct odj_ustring *s,
				     const char *field);
odj_result odj_ndr_push_sid(struct odj_ndr_push *p, const struct odj_sid *sid);
odj_result odj_ndr_push_bytes_scalar(struct odj_ndr_push *p, const struct odj_bytes *b);
odj_result odj_ndr_push_bytes_deferred(struct odj_ndr_push *p, const struct odj_bytes *b);

/* Stream envelope: header placeholder + top-level referent / padding + lengths. */
odj_result odj_ndr_push_stream_begin(struct odj_ndr_push *p);
odj_result odj_ndr_push_stream_end(struct odj_ndr_push *p);

/* Encodes a nested stream with its own numbering and appends it as a
 * [size_is] byte buffer's scalar (cb, ref) now and its bytes later. */
struct ndr_nested {
	uint8_t *buf; /* wiped with the push that owns it */
	uint32_t len;
};
typedef odj_result (*ndr_stream_push_fn)(struct odj_ndr_push *p, const void *obj);
odj_result odj_ndr_push_nested(struct odj_ndr_push *parent, ndr_stream_push_fn fn, const void *obj,
			   struct ndr_nested *out);
odj_result odj_ndr_push_nested_deferred(struct odj_ndr_push *p, const struct ndr_nested *n);

#endif
