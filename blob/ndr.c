/*
 * NDR20 primitives and the [MS-RPCE] 2.2.6 type serialization envelope.
 * Every read is checked against the stream's declared length before it
 * happens; every count is checked against the limits in blob_model.h before
 * anything is allocated for it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ndr.h"
#include "unicode.h"

/* ------------------------------------------------------------------ reading */

odj_result odj_ndr_pull_fail(struct odj_ndr_pull *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char reason[256];
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	odj_fail(p->ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
		 "The provisioning blob is damaged or not an offline join blob.");
	odj_error_detail(p->ctx, "NDR offset 0x%zx in %s (stream depth %u): %s",
			 p->abs_base + p->off, p->what ? p->what : "?", p->depth, reason);
	return ODJ_E_INPUT;
}

static odj_result need(struct odj_ndr_pull *p, size_t n)
{
	if (p->off > p->len || n > p->len - p->off)
		return odj_ndr_pull_fail(p, "needs %zu bytes, %zu left", n,
				     p->off > p->len ? 0 : p->len - p->off);
	return ODJ_OK;
}

odj_result odj_ndr_pull_align(struct odj_ndr_pull *p, size_t n)
{
	size_t pad = (n - (p->off % n)) % n;
	NDR_CHECK(need(p, pad));
	p->off += pad;
	return ODJ_OK;
}

odj_result odj_ndr_pull_raw(struct odj_ndr_pull *p, size_t n, const uint8_t **bytes)
{
	NDR_CHECK(need(p, n));
	*bytes = p->data + p->off;
	p->off += n;
	return ODJ_OK;
}

odj_result odj_ndr_pull_u16(struct odj_ndr_pull *p, uint16_t *v)
{
	const uint8_t *b;
	NDR_CHECK(odj_ndr_pull_align(p, 2));
	NDR_CHECK(odj_ndr_pull_raw(p, 2, &b));
	*v = (uint16_t)(b[0] | (b[1] << 8));
	return ODJ_OK;
}

odj_result odj_ndr_pull_u32(struct odj_ndr_pull *p, uint32_t *v)
{
	const uint8_t *b;
	NDR_CHECK(odj_ndr_pull_align(p, 4));
	NDR_CHECK(odj_ndr_pull_raw(p, 4, &b));
	*v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
	return ODJ_OK;
}

odj_result odj_ndr_pull_guid(struct odj_ndr_pull *p, struct odj_guid *g)
{
	const uint8_t *b;
	NDR_CHECK(odj_ndr_pull_u32(p, &g->d1));
	NDR_CHECK(odj_ndr_pull_u16(p, &g->d2));
	NDR_CHECK(odj_ndr_pull_u16(p, &g->d3));
	NDR_CHECK(odj_ndr_pull_raw(p, 8, &b));
	memcpy(g->d4, b, 8);
	return ODJ_OK;
}

odj_result odj_ndr_pull_filetime(struct odj_ndr_pull *p, uint64_t *v)
{
	uint32_t low, high;
	NDR_CHECK(odj_ndr_pull_u32(p, &low));
	NDR_CHECK(odj_ndr_pull_u32(p, &high));
	*v = (uint64_t)high << 32 | low;
	return ODJ_OK;
}

odj_result odj_ndr_check_count(struct odj_ndr_pull *p, uint32_t count, uint32_t ref, const char *field)
{
	if (count > ODJ_BLOB_MAX_ITEMS)
		return odj_ndr_pull_fail(p, "%s: %u items, more than the limit of %u", field, count,
				     ODJ_BLOB_MAX_ITEMS);
	if (count > 0 && ref == 0)
		return odj_ndr_pull_fail(p, "%s: %u items behind a NULL pointer", field, count);
	return ODJ_OK;
}

odj_result odj_ndr_pull_array_count(struct odj_ndr_pull *p, uint32_t count, size_t elem_size,
				const char *field)
{
	uint32_t max_count;
	NDR_CHECK(odj_ndr_pull_u32(p, &max_count));
	if (max_count != count)
		return odj_ndr_pull_fail(p, "%s: array size %u does not match its count %u", field,
				     max_count, count);
	if (count > ODJ_BLOB_MAX_ITEMS)
		return odj_ndr_pull_fail(p, "%s: %u items, more than the limit of %u", field, count,
				     ODJ_BLOB_MAX_ITEMS);
	if ((size_t)count * elem_size > p->len - p->off)
		return odj_ndr_pull_fail(p, "%s: %u items do not fit in the stream", field, count);
	return ODJ_OK;
}

/* The conformant-varying header of a [string]: returns the units without the NUL. */
static odj_result pull_string_units(struct odj_ndr_pull *p, const char *field, const uint8_t **units,
				    uint32_t *n)
{
	uint32_t max_count, offset, actual;
	NDR_CHECK(odj_ndr_pull_u32(p, &max_count));
	NDR_CHECK(odj_ndr_pull_u32(p, &offset));
	NDR_CHECK(odj_ndr_pull_u32(p, &actual));
	if (offset != 0)
		return odj_ndr_pull_fail(p, "%s: string offset %u is not 0", field, offset);
	if (actual > max_count)
		return odj_ndr_pull_fail(p, "%s: string length %u exceeds its size %u", field, actual,
				     max_count);
	if (actual == 0)
		return odj_ndr_pull_fail(p, "%s: string without its terminating NUL", field);
	if (actual > ODJ_BLOB_MAX_STRING / 2)
		return odj_ndr_pull_fail(p, "%s: string of %zu bytes, more than the limit of %u bytes",
				     field, (size_t)actual * 2, ODJ_BLOB_MAX_STRING);
	const uint8_t *b;
	NDR_CHECK(odj_ndr_pull_raw(p, (size_t)actual * 2, &b));
	if (b[2 * (actual - 1)] != 0 || b[2 * (actual - 1) + 1] != 0)
		return odj_ndr_pull_fail(p, "%s: string does not end with NUL", field);
	*units = b;
	*n = actual - 1;
	return ODJ_OK;
}

static odj_result units_to_name(struct odj_ndr_pull *p, TALLOC_CTX *mem, const char *field,
				const uint8_t *units, size_t n, char **out)
{
	const char *problem = odj_utf16_name_problem(units, n);
	if (problem != NULL)
		return odj_ndr_pull_fail(p, "%s: %s in a name", field, problem);
	*out = odj_utf16_to_utf8(p->ctx, mem, units, n);
	if (*out == NULL)
		return odj_ndr_pull_fail(p, "%s: cannot convert the name from UTF-16", field);
	return ODJ_OK;
}

odj_result odj_ndr_pull_string(struct odj_ndr_pull *p, TALLOC_CTX *mem, const char *field, char **out)
{
	const uint8_t *units;
	uint32_t n;
	NDR_CHECK(pull_string_units(p, field, &units, &n));
	return units_to_name(p, mem, field, units, n, out);
}

odj_result odj_ndr_pull_string_ptr(struct odj_ndr_pull *p, TALLOC_CTX *mem, uint32_t ref,
			       const char *field, char **out)
{
	*out = NULL;
	return ref == 0 ? ODJ_OK : odj_ndr_pull_string(p, mem, field, out);
}

odj_result odj_ndr_pull_string_secret(struct odj_ndr_pull *p, TALLOC_CTX *mem, const char *field,
				  struct odj_secret **out)
{
	const uint8_t *units;
	uint32_t n;
	NDR_CHECK(pull_string_units(p, field, &units, &n));
	for (uint32_t i = 0; i < n; i++) {
		if (units[2 * i] == 0 && units[2 * i + 1] == 0)
			return odj_ndr_pull_fail(p, "%s: embedded NUL in the password", field);
	}
	*out = odj_secret_dup(mem, units, (size_t)n * 2);
	if (*out == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	return ODJ_OK;
}

odj_result odj_ndr_pull_ustring_scalar(struct odj_ndr_pull *p, struct ndr_ustring_wire *w)
{
	NDR_CHECK(odj_ndr_pull_u16(p, &w->length));
	NDR_CHECK(odj_ndr_pull_u16(p, &w->maximum_length));
	return odj_ndr_pull_u32(p, &w->ref);
}

odj_result odj_ndr_pull_ustring_deferred(struct odj_ndr_pull *p, TALLOC_CTX *mem,
				     const struct ndr_ustring_wire *w, const char *field,
				     struct odj_ustring *out)
{
	out->value = NULL;
	out->maximum_length = w->maximum_length;
	if (w->length % 2 != 0 || w->length > w->maximum_length)
		return odj_ndr_pull_fail(p, "%s: Length %u / MaximumLength %u are not valid", field,
				     w->length, w->maximum_length);
	if (w->length > ODJ_BLOB_MAX_STRING)
		return odj_ndr_pull_fail(p, "%s: string of %u bytes, more than the limit of %u bytes",
				     field, w->length, ODJ_BLOB_MAX_STRING);
	if (w->ref == 0)
		return w->length == 0 ? ODJ_OK
				      : odj_ndr_pull_fail(p, "%s: Length %u with a NULL buffer", field,
						      w->length);
	uint32_t max_count, offset, actual;
	NDR_CHECK(odj_ndr_pull_u32(p, &max_count));
	NDR_CHECK(odj_ndr_pull_u32(p, &offset));
	NDR_CHECK(odj_ndr_pull_u32(p, &actual));
	if (max_count != w->maximum_length / 2u || offset != 0 || actual != w->length / 2u)
		return odj_ndr_pull_fail(p, "%s: array header (%u, %u, %u) does not match Length %u, "
					"MaximumLength %u",
				     field, max_count, offset, actual, w->length, w->maximum_length);
	const uint8_t *b;
	NDR_CHECK(odj_ndr_pull_raw(p, w->length, &b));
	return units_to_name(p, mem, field, b, actual, &out->value);
}

odj_result odj_ndr_pull_sid(struct odj_ndr_pull *p, TALLOC_CTX *mem, struct odj_sid **out)
{
	uint32_t count;
	const uint8_t *b;
	NDR_CHECK(odj_ndr_pull_u32(p, &count));
	NDR_CHECK(odj_ndr_pull_raw(p, 8, &b));
	if (b[0] != 1)
		return odj_ndr_pull_fail(p, "SID revision %u is not 1", b[0]);
	if (b[1] != count || count > ODJ_SID_MAX_SUB_AUTHS)
		return odj_ndr_pull_fail(p, "SID with %u sub-authorities (array size %u)", b[1], count);
	struct odj_sid *sid = talloc_zero(mem, struct odj_sid);
	if (sid == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	sid->revision = b[0];
	sid->num_auths = b[1];
	memcpy(sid->id_auth, b + 2, 6);
	for (uint32_t i = 0; i < count; i++)
		NDR_CHECK(odj_ndr_pull_u32(p, &sid->sub_auths[i]));
	*out = sid;
	return ODJ_OK;
}

odj_result odj_ndr_pull_bytes_scalar(struct odj_ndr_pull *p, struct odj_bytes *b, uint32_t *ref)
{
	NDR_CHECK(odj_ndr_pull_u32(p, &b->len));
	NDR_CHECK(odj_ndr_pull_u32(p, ref));
	b->present = *ref != 0;
	b->data = NULL;
	return ODJ_OK;
}

odj_result odj_ndr_pull_bytes_view(struct odj_ndr_pull *p, uint32_t cb, uint32_t ref, const char *field,
			       const uint8_t **bytes)
{
	*bytes = NULL;
	if (ref == 0) {
		if (cb != 0)
			return odj_ndr_pull_fail(p, "%s: %u bytes behind a NULL pointer", field, cb);
		return ODJ_OK;
	}
	uint32_t max_count;
	NDR_CHECK(odj_ndr_pull_u32(p, &max_count));
	if (max_count != cb)
		return odj_ndr_pull_fail(p, "%s: array size %u does not match cbBlob %u", field,
				     max_count, cb);
	return odj_ndr_pull_raw(p, cb, bytes);
}

odj_result odj_ndr_pull_bytes_deferred(struct odj_ndr_pull *p, TALLOC_CTX *mem, uint32_t ref,
				   const char *field, struct odj_bytes *b)
{
	const uint8_t *src;
	NDR_CHECK(odj_ndr_pull_bytes_view(p, b->len, ref, field, &src));
	if (src == NULL)
		return ODJ_OK;
	b->data = b->len ? talloc_memdup(mem, src, b->len) : talloc_zero_size(mem, 1);
	if (b->data == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	/* Opaque bytes (PFX keys, parts odj does not know) may be secret. */
	odj_wipe_on_free(b->data);
	return ODJ_OK;
}

odj_result odj_ndr_pull_stream_begin(struct odj_ctx *ctx, const struct odj_ndr_pull *parent,
				 const uint8_t *bytes, size_t len, const char *what,
				 struct odj_ndr_pull *child, uint32_t *object_buffer_length)
{
	*child = (struct odj_ndr_pull){
		.ctx = ctx,
		.data = bytes,
		.len = len,
		.abs_base = parent ? parent->abs_base + (size_t)(bytes - parent->data) : 0,
		.depth = parent ? parent->depth + 1 : 1,
		.what = what,
		.warn_to = parent ? parent->warn_to : NULL,
		.strict_linux_part = parent ? parent->strict_linux_part : false,
	};
	if (child->depth > ODJ_BLOB_MAX_DEPTH)
		return odj_ndr_pull_fail(child, "streams nested deeper than %u", ODJ_BLOB_MAX_DEPTH);
	if (len < NDR_STREAM_HEADER)
		return odj_ndr_pull_fail(child, "%zu bytes cannot hold a type serialization header",
				     len);
	if (bytes[0] != 1)
		return odj_ndr_pull_fail(child, "serialization version %u is not 1", bytes[0]);
	if (bytes[1] != 0x10)
		return odj_ndr_pull_fail(child, "data representation 0x%02x is not little-endian 0x10",
				     bytes[1]);
	if (bytes[2] != 8 || bytes[3] != 0)
		return odj_ndr_pull_fail(child, "common header length %u is not 8",
				     bytes[2] | (bytes[3] << 8));
	/* The filler 0xCCCCCCCC and the private filler are ignored, as RPCE says. */
	child->off = 8;
	uint32_t obl, filler;
	NDR_CHECK(odj_ndr_pull_u32(child, &obl));
	NDR_CHECK(odj_ndr_pull_u32(child, &filler));
	if (obl % 8 != 0)
		return odj_ndr_pull_fail(child, "ObjectBufferLength %u is not a multiple of 8", obl);
	if (obl > len - NDR_STREAM_HEADER)
		return odj_ndr_pull_fail(child, "ObjectBufferLength %u exceeds the %zu bytes present",
				     obl, len - NDR_STREAM_HEADER);
	child->len = NDR_STREAM_HEADER + (size_t)obl;
	*object_buffer_length = obl;
	NDR_CHECK(odj_ndr_pull_u32(child, &child->top_ref));
	if (child->top_ref == 0)
		return odj_ndr_pull_fail(child, "NULL top-level pointer");
	return ODJ_OK;
}

odj_result odj_ndr_pull_stream_end(struct odj_ndr_pull *p)
{
	if (p->len - p->off >= 8)
		return odj_ndr_pull_fail(p, "%zu unread bytes after the structure", p->len - p->off);
	return ODJ_OK;
}

odj_result odj_ndr_pull_nested(struct odj_ctx *ctx, const struct odj_ndr_pull *parent, TALLOC_CTX *mem,
			   const uint8_t *bytes, size_t len, const char *what,
			   ndr_stream_pull_fn fn, void *obj, uint32_t *object_buffer_length)
{
	struct odj_ndr_pull child;
	NDR_CHECK(odj_ndr_pull_stream_begin(ctx, parent, bytes, len, what, &child,
					object_buffer_length));
	NDR_CHECK(fn(&child, mem, obj));
	return odj_ndr_pull_stream_end(&child);
}

void odj_ndr_pull_warn(struct odj_ndr_pull *p, const char *fmt, ...)
{
	struct odj_provision *prov = p->warn_to;
	if (prov == NULL)
		return;
	char **list = talloc_realloc(prov, prov->warnings, char *, prov->nwarnings + 1);
	if (list == NULL)
		return;
	prov->warnings = list;
	va_list ap;
	va_start(ap, fmt);
	char *w = talloc_vasprintf(list, fmt, ap);
	va_end(ap);
	if (w != NULL)
		list[prov->nwarnings++] = w;
}

/* ------------------------------------------------------------------ writing */

odj_result odj_ndr_push_fail(struct odj_ndr_push *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char reason[256];
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return odj_fail(p->ctx, ODJ_E_INPUT, ODJ_NERR_CantCreateJoinInfo,
			"Cannot encode the provisioning blob: %s", reason);
}

static int push_buf_destructor(uint8_t *buf)
{
	odj_wipe(buf, talloc_get_size(buf));
	return 0;
}

odj_result odj_ndr_push_init(struct odj_ndr_push *p, struct odj_ctx *ctx, TALLOC_CTX *mem,
			 enum odj_referent_style style, unsigned depth)
{
	*p = (struct odj_ndr_push){.ctx = ctx, .mem = mem, .style = style, .depth = depth,
			       .next_ref = NDR_TOP_REFERENT};
	p->cap = 1024;
	p->buf = talloc_zero_size(mem, p->cap);
	if (p->buf == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	talloc_set_destructor(p->buf, push_buf_destructor);
	return ODJ_OK;
}

/* Grows by copying into a new buffer and wiping the old one (talloc_realloc would not). */
static odj_result reserve(struct odj_ndr_push *p, size_t n)
{
	if (n <= p->cap - p->len)
		return ODJ_OK;
	if (n > ODJ_BLOB_MAX_NDR || p->len + n > ODJ_BLOB_MAX_NDR)
		return odj_ndr_push_fail(p, "the blob would exceed %u bytes", ODJ_BLOB_MAX_NDR);
	size_t cap = p->cap;
	while (cap - p->len < n)
		cap *= 2;
	uint8_t *nb = talloc_zero_size(p->mem, cap);
	if (nb == NULL)
		return odj_fail(p->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	talloc_set_destructor(nb, push_buf_destructor);
	memcpy(nb, p->buf, p->len);
	talloc_free(p->buf);
	p->buf = nb;
	p->cap = cap;
	return ODJ_OK;
}

odj_result odj_ndr_push_raw(struct odj_ndr_push *p, const void *bytes, size_t n)
{
	NDR_CHECK(reserve(p, n));
	if (n > 0)
		memcpy(p->buf + p->len, bytes, n);
	p->len += n;
	return ODJ_OK;
}

odj_result odj_ndr_push_align(struct odj_ndr_push *p, size_t n)
{
	size_t pad = (n - (p->len % n)) % n;
	NDR_CHECK(reserve(p, pad));
	memset(p->buf + p->len, 0, pad);
	p->len += pad;
	return ODJ_OK;
}

odj_result odj_ndr_push_u16(struct odj_ndr_push *p, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	NDR_CHECK(odj_ndr_push_align(p, 2));
	return odj_ndr_push_raw(p, b, 2);
}

odj_result odj_ndr_push_u32(struct odj_ndr_push *p, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	NDR_CHECK(odj_ndr_push_align(p, 4));
	return odj_ndr_push_raw(p, b, 4);
}

odj_result odj_ndr_push_guid(struct odj_ndr_push *p, const struct odj_guid *g)
{
	NDR_CHECK(odj_ndr_push_u32(p, g->d1));
	NDR_CHECK(odj_ndr_push_u16(p, g->d2));
	NDR_CHECK(odj_ndr_push_u16(p, g->d3));
	return odj_ndr_push_raw(p, g->d4, 8);
}

odj_result odj_ndr_push_filetime(struct odj_ndr_push *p, uint64_t v)
{
	NDR_CHECK(odj_ndr_push_u32(p, (uint32_t)v));
	return odj_ndr_push_u32(p, (uint32_t)(v >> 32));
}

odj_result odj_ndr_push_ref(struct odj_ndr_push *p, bool present)
{
	if (!present)
		return odj_ndr_push_u32(p, 0);
	uint32_t ref = p->next_ref;
	p->next_ref += 4;
	return odj_ndr_push_u32(p, ref);
}

odj_result odj_ndr_push_array_count(struct odj_ndr_push *p, uint32_t count)
{
	if (count > ODJ_BLOB_MAX_ITEMS)
		return odj_ndr_push_fail(p, "%u items, more than the limit of %u", count,
				     ODJ_BLOB_MAX_ITEMS);
	return odj_ndr_push_u32(p, count);
}

odj_result odj_ndr_push_string_units(struct odj_ndr_push *p, const uint8_t *utf16, size_t units)
{
	if (units + 1 > ODJ_BLOB_MAX_STRING / 2)
		return odj_ndr_push_fail(p, "a string of %zu units is too long", units);
	uint32_t n = (uint32_t)units + 1;
	NDR_CHECK(odj_ndr_push_u32(p, n));
	NDR_CHECK(odj_ndr_push_u32(p, 0));
	NDR_CHECK(odj_ndr_push_u32(p, n));
	NDR_CHECK(odj_ndr_push_raw(p, utf16, units * 2));
	return odj_ndr_push_raw(p, "\0", 2);
}

/* UTF-8 to checked UTF-16 code units on a temporary context. */
static odj_result name_units(struct odj_ndr_push *p, TALLOC_CTX *tmp, const char *utf8,
			     const char *field, uint8_t **units, size_t *n)
{
	*units = odj_utf8_to_utf16(p->ctx, tmp, utf8, n);
	if (*units == NULL)
		return odj_ndr_push_fail(p, "%s is not valid UTF-8", field);
	if (*n * 2 > ODJ_BLOB_MAX_STRING)
		return odj_ndr_push_fail(p, "%s is longer than %u bytes", field, ODJ_BLOB_MAX_STRING);
	return ODJ_OK;
}

odj_result odj_ndr_push_string(struct odj_ndr_push *p, const char *utf8, const char *field)
{
	if (utf8 == NULL)
		return ODJ_OK;
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t *units;
	size_t n;
	odj_result r = name_units(p, tmp, utf8, field, &units, &n);
	if (r == ODJ_OK)
		r = odj_ndr_push_string_units(p, units, n);
	talloc_free(tmp);
	return r;
}

/* The Length of an ODJ_UNICODE_STRING is that of its value in UTF-16. */
static odj_result ustring_lengths(struct odj_ndr_push *p, const struct odj_ustring *s,
				  const char *field, TALLOC_CTX *tmp, uint8_t **units,
				  uint16_t *length, uint16_t *maximum_length)
{
	*units = NULL;
	*length = 0;
	*maximum_length = s->maximum_length;
	if (s->value == NULL)
		return ODJ_OK;
	size_t n;
	NDR_CHECK(name_units(p, tmp, s->value, field, units, &n));
	if (n * 2 + 2 > UINT16_MAX)
		return odj_ndr_push_fail(p, "%s is too long for a UNICODE_STRING", field);
	*length = (uint16_t)(n * 2);
	if (*maximum_length == 0)
		*maximum_length = (uint16_t)(*length + 2);
	if (*maximum_length < *length)
		return odj_ndr_push_fail(p, "%s: MaximumLength %u is below Length %u", field,
				     *maximum_length, *length);
	return ODJ_OK;
}

odj_result odj_ndr_push_ustring_scalar(struct odj_ndr_push *p, const struct odj_ustring *s,
				   const char *field)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t *units;
	uint16_t length, maximum_length;
	odj_result r = ustring_lengths(p, s, field, tmp, &units, &length, &maximum_length);
	talloc_free(tmp);
	NDR_CHECK(r);
	NDR_CHECK(odj_ndr_push_u16(p, length));
	NDR_CHECK(odj_ndr_push_u16(p, maximum_length));
	return odj_ndr_push_ref(p, s->value != NULL);
}

odj_result odj_ndr_push_ustring_deferred(struct odj_ndr_push *p, const struct odj_ustring *s,
				     const char *field)
{
	if (s->value == NULL)
		return ODJ_OK;
	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t *units;
	uint16_t length, maximum_length;
	odj_result r = ustring_lengths(p, s, field, tmp, &units, &length, &maximum_length);
	if (r == ODJ_OK)
		r = odj_ndr_push_u32(p, maximum_length / 2u);
	if (r == ODJ_OK)
		r = odj_ndr_push_u32(p, 0);
	if (r == ODJ_OK)
		r = odj_ndr_push_u32(p, length / 2u);
	if (r == ODJ_OK)
		r = odj_ndr_push_raw(p, units, length);
	talloc_free(tmp);
	return r;
}

odj_result odj_ndr_push_sid(struct odj_ndr_push *p, const struct odj_sid *sid)
{
	if (sid->num_auths > ODJ_SID_MAX_SUB_AUTHS)
		return odj_ndr_push_fail(p, "a SID with %u sub-authorities", sid->num_auths);
	NDR_CHECK(odj_ndr_push_u32(p, sid->num_auths));
	uint8_t head[2] = {sid->revision, sid->num_auths};
	NDR_CHECK(odj_ndr_push_raw(p, head, 2));
	NDR_CHECK(odj_ndr_push_raw(p, sid->id_auth, 6));
	for (unsigned i = 0; i < sid->num_auths; i++)
		NDR_CHECK(odj_ndr_push_u32(p, sid->sub_auths[i]));
	return ODJ_OK;
}

odj_result odj_ndr_push_bytes_scalar(struct odj_ndr_push *p, const struct odj_bytes *b)
{
	if (!b->present && b->len != 0)
		return odj_ndr_push_fail(p, "%u bytes without a buffer", b->len);
	NDR_CHECK(odj_ndr_push_u32(p, b->len));
	return odj_ndr_push_ref(p, b->present);
}

odj_result odj_ndr_push_bytes_deferred(struct odj_ndr_push *p, const struct odj_bytes *b)
{
	if (!b->present)
		return ODJ_OK;
	NDR_CHECK(odj_ndr_push_u32(p, b->len));
	return odj_ndr_push_raw(p, b->data, b->len);
}

odj_result odj_ndr_push_stream_begin(struct odj_ndr_push *p)
{
	static const uint8_t header[16] = {0x01, 0x10, 0x08, 0x00, 0xCC, 0xCC, 0xCC, 0xCC};
	NDR_CHECK(odj_ndr_push_raw(p, header, sizeof(header)));
	return odj_ndr_push_ref(p, true);
}

odj_result odj_ndr_push_stream_end(struct odj_ndr_push *p)
{
	NDR_CHECK(odj_ndr_push_align(p, 8));
	uint32_t obl = (uint32_t)(p->len - NDR_STREAM_HEADER);
	p->buf[8] = (uint8_t)obl;
	p->buf[9] = (uint8_t)(obl >> 8);
	p->buf[10] = (uint8_t)(obl >> 16);
	p->buf[11] = (uint8_t)(obl >> 24);
	return ODJ_OK;
}

odj_result odj_ndr_push_nested(struct odj_ndr_push *parent, ndr_stream_push_fn fn, const void *obj,
			   struct ndr_nested *out)
{
	if (parent->depth + 1 > ODJ_BLOB_MAX_DEPTH)
		return odj_ndr_push_fail(parent, "streams nested deeper than %u", ODJ_BLOB_MAX_DEPTH);
	struct odj_ndr_push child;
	NDR_CHECK(odj_ndr_push_init(&child, parent->ctx, parent->mem, parent->style, parent->depth + 1));
	child.omit_linux_part = parent->omit_linux_part;
	NDR_CHECK(odj_ndr_push_stream_begin(&child));
	NDR_CHECK(fn(&child, obj));
	NDR_CHECK(odj_ndr_push_stream_end(&child));
	out->buf = child.buf;
	out->len = (uint32_t)child.len;
	NDR_CHECK(odj_ndr_push_u32(parent, out->len));
	return odj_ndr_push_ref(parent, true);
}

odj_result odj_ndr_push_nested_deferred(struct odj_ndr_push *p, const struct ndr_nested *n)
{
	NDR_CHECK(odj_ndr_push_u32(p, n->len));
	return odj_ndr_push_raw(p, n->buf, n->len);
}
