/*
 * The small text files of signed and sealed blobs: signing keys, requests
 * and request keys (blob/FORMAT.md "Envelopes").  Each is a header line and
 * "name value" lines, short enough for a mail or a QR code.  The parser is
 * strict: exactly the fields the header promises, each once, within limits.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "seal_wire.h"

#define KV_MAX_FILE 4096
#define KV_MAX_LINE 256

static odj_result kv_bad(struct odj_ctx *ctx, const char *what, unsigned line, const char *why)
{
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo, "%s is not valid: %s.", what, why);
	if (line > 0)
		odj_error_detail(ctx, "line %u", line);
	return ODJ_E_INPUT;
}

static int secret_value_destructor(char *v)
{
	sodium_memzero(v, talloc_get_size(v));
	return 0;
}

odj_result odj_kv_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *what, const uint8_t *text,
			size_t len, const char *header, struct odj_kv_field *fields, size_t nfields)
{
	for (size_t f = 0; f < nfields; f++)
		fields[f].value = NULL;
	if (len == 0)
		return kv_bad(ctx, what, 0, "it is empty");
	if (len > KV_MAX_FILE)
		return kv_bad(ctx, what, 0, "it is longer than 4096 bytes");
	if (memchr(text, '\0', len) != NULL)
		return kv_bad(ctx, what, 0, "it holds a NUL byte");
	size_t at = 0;
	unsigned lineno = 0;
	bool header_seen = false;
	while (at < len) {
		const uint8_t *nl = memchr(text + at, '\n', len - at);
		size_t line_len = nl ? (size_t)(nl - (text + at)) : len - at;
		size_t next = at + line_len + (nl ? 1 : 0);
		lineno++;
		if (line_len > 0 && text[at + line_len - 1] == '\r')
			line_len--;
		if (line_len > KV_MAX_LINE)
			return kv_bad(ctx, what, lineno, "a line is longer than 256 bytes");
		char line[KV_MAX_LINE + 1];
		memcpy(line, text + at, line_len);
		line[line_len] = '\0';
		at = next;
		if (!header_seen) {
			if (strcmp(line, header) != 0) {
				char why[KV_MAX_LINE + 64];
				snprintf(why, sizeof(why), "the first line is not \"%s\"", header);
				sodium_memzero(line, sizeof(line));
				return kv_bad(ctx, what, lineno, why);
			}
			header_seen = true;
			continue;
		}
		if (line_len == 0)
			continue; /* blank lines, as mail adds them */
		char *sp = strchr(line, ' ');
		if (sp == NULL || sp == line || sp[1] == '\0') {
			sodium_memzero(line, sizeof(line));
			return kv_bad(ctx, what, lineno, "a line is not \"name value\"");
		}
		*sp = '\0';
		size_t f = 0;
		while (f < nfields && strcmp(fields[f].name, line) != 0)
			f++;
		if (f == nfields) {
			char why[KV_MAX_LINE + 32];
			snprintf(why, sizeof(why), "unknown field \"%s\"", line);
			sodium_memzero(line, sizeof(line));
			return kv_bad(ctx, what, lineno, why);
		}
		if (fields[f].value != NULL) {
			char why[KV_MAX_LINE + 32];
			snprintf(why, sizeof(why), "the field \"%s\" appears twice", line);
			sodium_memzero(line, sizeof(line));
			return kv_bad(ctx, what, lineno, why);
		}
		fields[f].value = talloc_strdup(mem, sp + 1);
		sodium_memzero(line, sizeof(line));
		if (fields[f].value == NULL)
			return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
		if (strcmp(fields[f].name, "secret") == 0)
			talloc_set_destructor(fields[f].value, secret_value_destructor);
	}
	if (!header_seen)
		return kv_bad(ctx, what, 0, "it is empty");
	for (size_t f = 0; f < nfields; f++) {
		if (fields[f].value == NULL) {
			char why[96];
			snprintf(why, sizeof(why), "the field \"%s\" is missing", fields[f].name);
			return kv_bad(ctx, what, 0, why);
		}
	}
	return ODJ_OK;
}

bool odj_kv_b64(const char *value, uint8_t *out, size_t want)
{
	size_t got = 0;
	const char *end = NULL;
	if (sodium_base642bin(out, want, value, strlen(value), NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		return false;
	return got == want && end != NULL && *end == '\0';
}

bool odj_kv_hex(const char *value, uint8_t *out, size_t want)
{
	size_t got = 0;
	const char *end = NULL;
	if (strlen(value) != 2 * want)
		return false;
	if (sodium_hex2bin(out, want, value, strlen(value), NULL, &got, &end) != 0)
		return false;
	return got == want && end != NULL && *end == '\0';
}

/* "2026-12-02T13:00:00Z", nothing else. */
bool odj_kv_time(const char *value, int64_t *out)
{
	unsigned y, mo, d, h, mi, s;
	char z = 0, extra = 0;
	if (strlen(value) != 20 ||
	    sscanf(value, "%4u-%2u-%2uT%2u:%2u:%2u%c%c", &y, &mo, &d, &h, &mi, &s, &z, &extra) != 7 ||
	    z != 'Z')
		return false;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return false;
	struct tm tm = {0};
	tm.tm_year = (int)y - 1900;
	tm.tm_mon = (int)mo - 1;
	tm.tm_mday = (int)d;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)s;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return false;
	/* timegm normalizes 31 February into March: refuse what does not round-trip. */
	struct tm back;
	if (gmtime_r(&t, &back) == NULL || back.tm_mday != (int)d || back.tm_mon != (int)mo - 1)
		return false;
	*out = (int64_t)t;
	return true;
}

char *odj_kv_time_format(TALLOC_CTX *mem, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL)
		return NULL;
	char buf[32];
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return talloc_strdup(mem, buf);
}

char *odj_kv_b64_format(TALLOC_CTX *mem, const uint8_t *p, size_t len)
{
	size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *out = talloc_array(mem, char, cap);
	if (out != NULL)
		sodium_bin2base64(out, cap, p, len, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

void odj_request_check(const char *text, size_t len, char out[9])
{
	uint8_t h[4];
	crypto_generichash(h, sizeof(h), (const uint8_t *)text, len, NULL, 0);
	sodium_bin2hex(out, 9, h, sizeof(h));
}
