/*
 * Text conversions of the blob.  Names go through the context's iconv
 * handles.  The password does not: it is arbitrary UTF-16 (Samba draws
 * random code units), and the KDC derives keys from its UTF-8 form with
 * every unpaired surrogate replaced by U+FFFD, which iconv cannot do.
 */
#include <errno.h>
#include <string.h>

#include <odj/blob.h>

#include "ctx_internal.h"
#include "unicode.h"

static uint16_t unit_at(const uint8_t *p, size_t i)
{
	return (uint16_t)(p[2 * i] | (p[2 * i + 1] << 8));
}

static bool is_high(uint16_t u)
{
	return u >= 0xD800 && u <= 0xDBFF;
}

static bool is_low(uint16_t u)
{
	return u >= 0xDC00 && u <= 0xDFFF;
}

const char *odj_utf16_name_problem(const uint8_t *utf16, size_t units)
{
	for (size_t i = 0; i < units; i++) {
		uint16_t u = unit_at(utf16, i);
		if (u == 0)
			return "embedded NUL";
		if (is_high(u)) {
			if (i + 1 < units && is_low(unit_at(utf16, i + 1))) {
				i++;
				continue;
			}
			return "unpaired high surrogate";
		}
		if (is_low(u))
			return "unpaired low surrogate";
	}
	return NULL;
}

/* Runs the whole input through cd into a talloc buffer of out_max bytes. */
static char *convert(iconv_t cd, TALLOC_CTX *mem, const void *in, size_t in_len, size_t out_max,
		     size_t *out_len)
{
	if (cd == (iconv_t)-1)
		return NULL;
	char *out = talloc_size(mem, out_max + 2);
	if (out == NULL)
		return NULL;
	char *src = (char *)in; /* iconv's prototype is not const-correct */
	char *dst = out;
	size_t src_left = in_len, dst_left = out_max;
	if (iconv(cd, &src, &src_left, &dst, &dst_left) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &dst, &dst_left) == (size_t)-1) {
		talloc_free(out);
		return NULL;
	}
	*out_len = out_max - dst_left;
	out[*out_len] = 0;
	out[*out_len + 1] = 0;
	return out;
}

char *odj_utf16_to_utf8(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *utf16, size_t units)
{
	size_t n;
	/* One UTF-16 unit becomes at most 3 UTF-8 bytes (a pair: 4 for 2 units). */
	return convert(odj_ctx_iconv(ctx, ODJ_ICONV_UTF16LE_TO_UTF8), mem, utf16, units * 2,
		       units * 3, &n);
}

uint8_t *odj_utf8_to_utf16(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *utf8, size_t *units)
{
	size_t len = strlen(utf8), n;
	/* One UTF-8 byte becomes at most one unit (2 bytes). */
	char *out = convert(odj_ctx_iconv(ctx, ODJ_ICONV_UTF8_TO_UTF16LE), mem, utf8, len, len * 2,
			    &n);
	if (out == NULL)
		return NULL;
	*units = n / 2;
	return (uint8_t *)out;
}

static size_t put_utf8(uint8_t *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xC0 | (cp >> 6));
		out[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xE0 | (cp >> 12));
		out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (uint8_t)(0xF0 | (cp >> 18));
	out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

odj_result odj_password_utf8(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_secret *utf16,
			     struct odj_secret **utf8)
{
	size_t bytes = odj_secret_len(utf16);
	if (utf16 == NULL || bytes % 2 != 0)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD,
				"the machine password is not a whole number of UTF-16 code units");
	size_t units = bytes / 2;
	const uint8_t *in = odj_secret_data(utf16);
	/* First pass: the exact length, so the secret is allocated once. */
	size_t need = 0;
	uint8_t tmp[4];
	for (size_t i = 0; i < units; i++) {
		uint16_t u = unit_at(in, i);
		if (is_high(u) && i + 1 < units && is_low(unit_at(in, i + 1))) {
			need += 4;
			i++;
		} else if (is_high(u) || is_low(u)) {
			need += 3; /* U+FFFD */
		} else {
			need += put_utf8(tmp, u);
		}
	}
	odj_wipe(tmp, sizeof(tmp));
	struct odj_secret *out = odj_secret_new(mem, need);
	if (out == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	uint8_t *o = odj_secret_data(out);
	size_t pos = 0;
	for (size_t i = 0; i < units; i++) {
		uint16_t u = unit_at(in, i);
		uint32_t cp = u;
		if (is_high(u) && i + 1 < units && is_low(unit_at(in, i + 1))) {
			cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) + (unit_at(in, i + 1) - 0xDC00);
			i++;
		} else if (is_high(u) || is_low(u)) {
			cp = 0xFFFD;
		}
		pos += put_utf8(o + pos, cp);
	}
	*utf8 = out;
	return ODJ_OK;
}

/* Decodes one UTF-8 sequence at s (len bytes left); 0 on an invalid sequence. */
static size_t get_utf8(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint8_t c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

odj_result odj_password_utf16(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *utf8, size_t len,
			      struct odj_secret **utf16)
{
	const uint8_t *s = (const uint8_t *)utf8;
	size_t units = 0;
	uint32_t cp = 0;
	for (size_t i = 0; i < len;) {
		size_t n = get_utf8(s + i, len - i, &cp);
		if (n == 0 || cp == 0)
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD,
					"the password is not valid UTF-8 (byte %zu)", i);
		units += cp >= 0x10000 ? 2 : 1;
		i += n;
	}
	struct odj_secret *out = odj_secret_new(mem, units * 2);
	if (out == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	uint8_t *o = odj_secret_data(out);
	size_t pos = 0;
	for (size_t i = 0; i < len;) {
		i += get_utf8(s + i, len - i, &cp);
		uint16_t u[2];
		size_t k = 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			u[0] = (uint16_t)(0xD800 + (cp >> 10));
			u[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
			k = 2;
		} else {
			u[0] = (uint16_t)cp;
		}
		for (size_t j = 0; j < k; j++) {
			o[pos++] = (uint8_t)(u[j] & 0xFF);
			o[pos++] = (uint8_t)(u[j] >> 8);
		}
	}
	cp = 0;
	*utf16 = out;
	return ODJ_OK;
}
