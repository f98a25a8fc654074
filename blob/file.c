/*
 * The file and text layer (format note 1): what djoin and Samba write is
 * FF FE, one line of base64 in UTF-16LE, then 00 00.  The reader is more
 * lenient than Samba (BOM or not, UTF-16LE or 8-bit text, whitespace and
 * NULs anywhere) but never truncates silently: a non-base64 character is an
 * error.  Every buffer here holds the password in some form, so all of
 * them are odj_secrets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/blob.h>

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(unsigned c)
{
	if (c >= 'A' && c <= 'Z')
		return (int)(c - 'A');
	if (c >= 'a' && c <= 'z')
		return (int)(c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (int)(c - '0' + 52);
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static bool is_space(unsigned c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static odj_result bad_text(struct odj_ctx *ctx, const char *what, const char *fmt, ...)
	ODJ_PRINTF(3, 4);
static odj_result bad_text(struct odj_ctx *ctx, const char *what, const char *fmt, ...)
{
	char why[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo, "%s is not valid base64 text.",
		 what);
	odj_error_detail(ctx, "%s", why);
	return ODJ_E_INPUT;
}

static odj_result no_memory(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

/* Base64 text (alphabet and '=' only) to bytes. */
static odj_result b64_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *what,
			     const uint8_t *text, size_t n, struct odj_secret **out)
{
	size_t pad = 0;
	while (pad < n && pad < 3 && text[n - 1 - pad] == '=')
		pad++;
	if (pad > 2 || (pad > 0 && n % 4 != 0) || (n - pad) % 4 == 1)
		return bad_text(ctx, what, "text of %zu characters with %zu '=' cannot be base64", n,
				pad);
	size_t chars = n - pad;
	size_t bytes = chars / 4 * 3 + (chars % 4 ? chars % 4 - 1 : 0);
	if (bytes > ODJ_BLOB_MAX_NDR)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
				"%s decodes to %zu bytes, more than the limit of %u.", what,
				bytes, ODJ_BLOB_MAX_NDR);
	struct odj_secret *s = odj_secret_new(mem, bytes);
	if (s == NULL)
		return no_memory(ctx);
	uint8_t *o = odj_secret_data(s);
	uint32_t acc = 0;
	size_t bits = 0, pos = 0;
	for (size_t i = 0; i < chars; i++) {
		int v = b64_value(text[i]);
		if (v < 0) {
			talloc_free(s);
			return bad_text(ctx, what, "'=' inside the text at character %zu", i);
		}
		acc = (acc << 6 | (uint32_t)v) & 0xFFFFFF;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[pos++] = (uint8_t)(acc >> bits);
		}
	}
	acc = 0;
	*out = s;
	return ODJ_OK;
}

/* what: "The provisioning blob file /tmp/x.odj", the subject of every message. */
static odj_result text_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *what,
			      const uint8_t *file, size_t len, struct odj_secret **ndr)
{
	*ndr = NULL;
	odj_doing(ctx, "reading the provisioning blob text");
	if (len == 0)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_NoOfflineJoinInfo, "%s is empty.", what);
	if (len > ODJ_BLOB_MAX_FILE)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
				"%s is %zu bytes, more than the limit of %u.", what, len,
				ODJ_BLOB_MAX_FILE);
	size_t start = 0;
	bool utf16 = false;
	if (len >= 2 && file[0] == 0xFF && file[1] == 0xFE) {
		start = 2, utf16 = true;
	} else if (len >= 2 && file[0] == 0xFE && file[1] == 0xFF) {
		return bad_text(ctx, what,
				"UTF-16 big-endian text (byte order mark FE FF) is not supported");
	} else if (len >= 3 && file[0] == 0xEF && file[1] == 0xBB && file[2] == 0xBF) {
		start = 3;
	} else if (len >= 2 && file[0] != 0 && file[1] == 0) {
		utf16 = true; /* "A\0R\0..." without a byte order mark */
	}
	if (utf16 && (len - start) % 2 != 0)
		return bad_text(ctx, what, "UTF-16 text ends in half a character (%zu bytes)", len);

	struct odj_secret *text = odj_secret_new(mem, utf16 ? (len - start) / 2 : len - start);
	if (text == NULL)
		return no_memory(ctx);
	uint8_t *t = odj_secret_data(text);
	size_t n = 0;
	for (size_t i = start; i < len; i += utf16 ? 2 : 1) {
		unsigned c = utf16 ? (unsigned)(file[i] | file[i + 1] << 8) : file[i];
		if (c == 0 || is_space(c))
			continue;
		if (c != '=' && b64_value(c) < 0) {
			talloc_free(text);
			return bad_text(ctx, what, "byte offset %zu: character U+%04X is not base64",
					i, c);
		}
		t[n++] = (uint8_t)c;
	}
	odj_result r;
	if (n == 0)
		r = odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_NoOfflineJoinInfo,
			     "%s holds no base64 text.", what);
	else
		r = b64_decode(ctx, mem, what, t, n, ndr);
	talloc_free(text);
	if (r == ODJ_OK)
		odj_doing(ctx, NULL);
	return r;
}

odj_result odj_blob_text_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *file,
				size_t len, struct odj_secret **ndr)
{
	return text_decode(ctx, mem, "The provisioning blob file", file, len, ndr);
}

odj_result odj_blob_base64_encode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *ndr,
				  size_t len, struct odj_secret **text)
{
	if (len > ODJ_BLOB_MAX_NDR)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_CantCreateJoinInfo,
				"the blob is larger than %u bytes", ODJ_BLOB_MAX_NDR);
	struct odj_secret *s = odj_secret_new(mem, (len + 2) / 3 * 4);
	if (s == NULL)
		return no_memory(ctx);
	uint8_t *o = odj_secret_data(s);
	size_t pos = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)ndr[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)ndr[i + 1] << 8;
		if (i + 2 < len)
			v |= ndr[i + 2];
		o[pos++] = (uint8_t)b64_alphabet[v >> 18 & 63];
		o[pos++] = (uint8_t)b64_alphabet[v >> 12 & 63];
		o[pos++] = i + 1 < len ? (uint8_t)b64_alphabet[v >> 6 & 63] : '=';
		o[pos++] = i + 2 < len ? (uint8_t)b64_alphabet[v & 63] : '=';
		v = 0;
	}
	*text = s;
	return ODJ_OK;
}

odj_result odj_blob_text_encode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *ndr,
				size_t len, struct odj_secret **file)
{
	struct odj_secret *text;
	odj_result r = odj_blob_base64_encode(ctx, mem, ndr, len, &text);
	if (r != ODJ_OK)
		return r;
	size_t n = odj_secret_len(text);
	struct odj_secret *f = odj_secret_new(mem, 2 + 2 * n + 2);
	if (f == NULL) {
		talloc_free(text);
		return no_memory(ctx);
	}
	uint8_t *o = odj_secret_data(f);
	const uint8_t *t = odj_secret_data(text);
	o[0] = 0xFF;
	o[1] = 0xFE;
	for (size_t i = 0; i < n; i++)
		o[2 + 2 * i] = t[i]; /* high bytes and the final NUL are already zero */
	talloc_free(text);
	*file = f;
	return ODJ_OK;
}

static odj_result read_error(struct odj_ctx *ctx, const char *path, int err)
{
	odj_status st = err == ENOENT ? ODJ_ERROR_FILE_NOT_FOUND
		      : err == EACCES ? ODJ_ERROR_ACCESS_DENIED
				      : ODJ_ERROR_READ_FAULT;
	odj_fail(ctx, ODJ_E_INPUT, st, "Cannot read the provisioning blob file %s.", path);
	odj_error_detail(ctx, "%s", strerror(err));
	odj_error_source(ctx, ODJ_SRC_ERRNO, err);
	return ODJ_E_INPUT;
}

odj_result odj_blob_read_file(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			      struct odj_secret **bytes)
{
	*bytes = NULL;
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "(standard input)" : path;
	odj_doing(ctx, "reading %s", name);
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return read_error(ctx, name, errno);
	struct stat st;
	size_t cap = 64 * 1024;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= ODJ_BLOB_MAX_FILE)
		cap = (size_t)st.st_size + 1; /* +1: a read of 0 confirms the end */
	struct odj_secret *buf = odj_secret_new(mem, cap);
	size_t len = 0;
	odj_result r = buf ? ODJ_OK : no_memory(ctx);
	while (r == ODJ_OK) {
		if (len == cap) {
			if (cap > ODJ_BLOB_MAX_FILE) {
				r = odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
					     "%s is larger than the limit of %u bytes.", name,
					     ODJ_BLOB_MAX_FILE);
				break;
			}
			/* Grow by copying, so the old buffer is wiped when freed. */
			struct odj_secret *grown = odj_secret_new(mem, cap * 2);
			if (grown != NULL)
				memcpy(odj_secret_data(grown), odj_secret_data(buf), len);
			if (grown == NULL) {
				r = no_memory(ctx);
				break;
			}
			talloc_free(buf);
			buf = grown;
			cap *= 2;
		}
		ssize_t got = read(fd, odj_secret_data(buf) + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			r = read_error(ctx, name, errno);
		else if (got == 0)
			break;
		else
			len += (size_t)got;
	}
	if (!is_stdin)
		close(fd);
	if (r == ODJ_OK) {
		*bytes = odj_secret_dup(mem, odj_secret_data(buf), len);
		if (*bytes == NULL)
			r = no_memory(ctx);
	}
	talloc_free(buf);
	if (r == ODJ_OK)
		odj_doing(ctx, NULL);
	return r;
}

odj_result odj_blob_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *file, size_t len,
			 struct odj_provision **out)
{
	return odj_blob_load_named(ctx, mem, NULL, file, len, out);
}

/* The recorded error again, its message led by where the blob came from. */
static void name_error(struct odj_ctx *ctx, const char *name)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const struct odj_error *e = odj_error_get(ctx);
	struct odj_error was = *e;
	char *message = talloc_strdup(tmp, e->message ? e->message : "");
	char *detail = e->detail ? talloc_strdup(tmp, e->detail) : NULL;
	char *advice = e->advice ? talloc_strdup(tmp, e->advice) : NULL;
	if (tmp != NULL && message != NULL) {
		odj_fail(ctx, was.result, was.status, "%s: %s", name, message);
		if (detail != NULL)
			odj_error_detail(ctx, "%s", detail);
		if (advice != NULL)
			odj_error_advice(ctx, "%s", advice);
		if (was.source != ODJ_SRC_NONE)
			odj_error_source(ctx, was.source, was.source_code);
	}
	talloc_free(tmp);
}

odj_result odj_blob_load_named(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *name,
			       const uint8_t *file, size_t len, struct odj_provision **out)
{
	struct odj_secret *ndr;
	*out = NULL;
	char *what;
	if (name == NULL)
		what = talloc_strdup(mem, "The provisioning blob file");
	else if (strcmp(name, "-") == 0)
		what = talloc_strdup(mem, "The provisioning blob on standard input");
	else
		what = talloc_asprintf(mem, "The provisioning blob file %s", name);
	if (what == NULL)
		return no_memory(ctx);
	odj_result r = text_decode(ctx, mem, what, file, len, &ndr);
	if (r == ODJ_OK) {
		r = odj_blob_decode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), out);
		talloc_free(ndr);
		if (r != ODJ_OK && name != NULL)
			name_error(ctx, strcmp(name, "-") == 0 ? "standard input" : name);
	}
	talloc_free(what);
	return r;
}

odj_result odj_blob_save(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_provision *prov,
			 const struct odj_blob_encode_options *opts, struct odj_secret **file)
{
	struct odj_secret *ndr;
	*file = NULL;
	odj_result r = odj_blob_encode(ctx, mem, prov, opts, &ndr);
	if (r != ODJ_OK)
		return r;
	r = odj_blob_text_encode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), file);
	talloc_free(ndr);
	return r;
}
