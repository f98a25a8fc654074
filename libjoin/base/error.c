/* The per-call context and its error record. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <odj/error.h>

#include "ctx_internal.h"

struct odj_ctx {
	struct odj_error err;
	TALLOC_CTX *err_mem; /* owns the strings of err; replaced on each odj_fail */
	char *doing;
	odj_trace_fn trace_fn;
	void *trace_priv;
	iconv_t cd[ODJ_ICONV_N];
};

static const char *const result_names[] = {
	[ODJ_OK] = "ok",
	[ODJ_E_UNEXPECTED] = "unexpected",
	[ODJ_E_INPUT] = "input",
	[ODJ_E_CREDENTIALS] = "credentials",
	[ODJ_E_DIRECTORY] = "directory",
	[ODJ_E_NETWORK] = "network",
	[ODJ_E_CONFIG] = "config",
	[ODJ_E_PARTIAL] = "partial",
};

const char *odj_result_name(odj_result r)
{
	if ((unsigned)r > ODJ_RESULT_MAX)
		return "invalid";
	return result_names[r];
}

static int ctx_destructor(struct odj_ctx *ctx)
{
	for (int i = 0; i < ODJ_ICONV_N; i++) {
		if (ctx->cd[i] != (iconv_t)-1)
			iconv_close(ctx->cd[i]);
		ctx->cd[i] = (iconv_t)-1;
	}
	return 0;
}

struct odj_ctx *odj_ctx_new(TALLOC_CTX *mem)
{
	struct odj_ctx *ctx = talloc_zero(mem, struct odj_ctx);
	if (ctx == NULL)
		return NULL;
	for (int i = 0; i < ODJ_ICONV_N; i++)
		ctx->cd[i] = (iconv_t)-1;
	talloc_set_destructor(ctx, ctx_destructor);
	return ctx;
}

iconv_t odj_ctx_iconv(struct odj_ctx *ctx, enum odj_iconv_dir dir)
{
	static const char *const names[ODJ_ICONV_N][2] = {
		[ODJ_ICONV_UTF8_TO_UTF16LE] = {"UTF-16LE", "UTF-8"},
		[ODJ_ICONV_UTF16LE_TO_UTF8] = {"UTF-8", "UTF-16LE"},
	};
	if ((unsigned)dir >= ODJ_ICONV_N)
		return (iconv_t)-1;
	if (ctx->cd[dir] == (iconv_t)-1)
		ctx->cd[dir] = iconv_open(names[dir][0], names[dir][1]);
	if (ctx->cd[dir] != (iconv_t)-1)
		iconv(ctx->cd[dir], NULL, NULL, NULL, NULL);
	return ctx->cd[dir];
}

odj_result odj_failv(struct odj_ctx *ctx, odj_result r, odj_status status, const char *fmt,
		     va_list ap)
{
	if (ctx == NULL)
		return r;
	TALLOC_FREE(ctx->err_mem);
	memset(&ctx->err, 0, sizeof(ctx->err));
	ctx->err_mem = talloc_new(ctx);
	ctx->err.result = r;
	ctx->err.status = status;
	if (ctx->err_mem == NULL)
		return r; /* result and status still tell the story */
	ctx->err.message = talloc_vasprintf(ctx->err_mem, fmt, ap);
	if (ctx->doing != NULL)
		ctx->err.doing = talloc_strdup(ctx->err_mem, ctx->doing);
	return r;
}

odj_result odj_fail(struct odj_ctx *ctx, odj_result r, odj_status status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	odj_failv(ctx, r, status, fmt, ap);
	va_end(ap);
	return r;
}

odj_result odj_version_check(struct odj_ctx *ctx, const char *what, unsigned version,
			      unsigned current)
{
	if (version >= 1 && version <= current)
		return ODJ_OK;
	/* the category is the catalogue's for ERROR_INVALID_LEVEL: a caller's bug */
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_LEVEL,
			"%s version %u: this library knows versions 1 to %u", what, version, current);
}

void odj_doing(struct odj_ctx *ctx, const char *fmt, ...)
{
	if (ctx == NULL)
		return;
	TALLOC_FREE(ctx->doing);
	if (fmt == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	ctx->doing = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
}

void odj_error_detail(struct odj_ctx *ctx, const char *fmt, ...)
{
	if (ctx == NULL || ctx->err_mem == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *more = talloc_vasprintf(ctx->err_mem, fmt, ap);
	va_end(ap);
	if (more == NULL)
		return;
	if (ctx->err.detail == NULL)
		ctx->err.detail = more;
	else
		ctx->err.detail = talloc_asprintf(ctx->err_mem, "%s; %s", ctx->err.detail, more);
}

void odj_error_advice(struct odj_ctx *ctx, const char *fmt, ...)
{
	if (ctx == NULL || ctx->err_mem == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	ctx->err.advice = talloc_vasprintf(ctx->err_mem, fmt, ap);
	va_end(ap);
}

void odj_error_source(struct odj_ctx *ctx, enum odj_error_source src, long code)
{
	if (ctx == NULL)
		return;
	ctx->err.source = src;
	ctx->err.source_code = code;
}

const struct odj_error *odj_error_get(const struct odj_ctx *ctx)
{
	static const struct odj_error none; /* const: no mutable state */
	return ctx ? &ctx->err : &none;
}

void odj_error_clear(struct odj_ctx *ctx)
{
	if (ctx == NULL)
		return;
	TALLOC_FREE(ctx->err_mem);
	memset(&ctx->err, 0, sizeof(ctx->err));
}

char *odj_error_format(TALLOC_CTX *mem, const struct odj_ctx *ctx)
{
	const struct odj_error *e = odj_error_get(ctx);
	char *row = odj_status_row(mem, e->status);
	char *out = row;
	if (e->doing != NULL)
		out = talloc_asprintf_append(out, "\nwhile: %s", e->doing);
	if (e->message != NULL)
		out = talloc_asprintf_append(out, "\n%s", e->message);
	if (e->detail != NULL)
		out = talloc_asprintf_append(out, "\ndetail: %s", e->detail);
	if (e->advice != NULL)
		out = talloc_asprintf_append(out, "\ncheck: %s", e->advice);
	return out;
}

void odj_ctx_set_trace(struct odj_ctx *ctx, odj_trace_fn fn, void *priv)
{
	ctx->trace_fn = fn;
	ctx->trace_priv = priv;
}

void odj_ctx_get_trace(const struct odj_ctx *ctx, odj_trace_fn *fn, void **priv)
{
	*fn = ctx ? ctx->trace_fn : NULL;
	*priv = ctx ? ctx->trace_priv : NULL;
}

bool odj_ctx_tracing(const struct odj_ctx *ctx)
{
	return ctx != NULL && ctx->trace_fn != NULL;
}

void odj_trace(struct odj_ctx *ctx, const char *fmt, ...)
{
	if (!odj_ctx_tracing(ctx))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *line = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
	if (line == NULL)
		return;
	ctx->trace_fn(ctx->trace_priv, line);
	talloc_free(line);
}
