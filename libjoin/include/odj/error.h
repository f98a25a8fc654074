/*
 * Results and the per-call error context.
 *
 * Every library function that can fail returns an odj_result: a small
 * category that is also the tools' exit status.  What went wrong in detail
 * (the Win32 row, what was being done, the LDAP/Kerberos/errno text, advice)
 * lives in the struct odj_ctx the caller passed in: never in a global.
 */
#ifndef ODJ_ERROR_H
#define ODJ_ERROR_H

#include <odj/api.h>

#include <stdarg.h>
#include <stdbool.h>
#include <talloc.h>

#include <odj/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ODJ_PRINTF(fmt_idx, first_arg) __attribute__((format(printf, fmt_idx, first_arg)))

/*
 * Result categories.  The numeric values are the exit status of every odj
 * tool (README "Exit status"), so they never change meaning.
 */
typedef enum odj_result {
	ODJ_OK = 0,           /* success */
	ODJ_E_UNEXPECTED = 1, /* a bug, out of memory, an impossible state */
	ODJ_E_INPUT = 2,      /* bad option, name, blob or other input */
	ODJ_E_CREDENTIALS = 3,/* authentication failed or not allowed */
	ODJ_E_DIRECTORY = 4,  /* the directory refused or lacks something */
	ODJ_E_NETWORK = 5,    /* DC not found, unreachable, timed out */
	ODJ_E_CONFIG = 6,     /* local system or target root state */
	ODJ_E_PARTIAL = 7,    /* some items of a batch failed or were not started, others succeeded */
} odj_result;

#define ODJ_RESULT_MAX ODJ_E_PARTIAL

/* "ok", "unexpected", "input", ... */
ODJ_API const char *odj_result_name(odj_result r);

/* Where a foreign error code in the detail came from. */
enum odj_error_source {
	ODJ_SRC_NONE = 0,
	ODJ_SRC_ERRNO,
	ODJ_SRC_LDAP,
	ODJ_SRC_KRB5,
	ODJ_SRC_SMB,
};

struct odj_error {
	odj_result result;            /* ODJ_OK when no error is recorded */
	odj_status status;            /* the Win32/NERR/DNS row */
	const char *doing;            /* what was being done ("binding to ldap://dc1") */
	const char *message;          /* one human sentence */
	const char *detail;           /* technical detail: library text, offsets */
	const char *advice;           /* what to check; NULL: the catalogue's advice */
	enum odj_error_source source; /* origin of source_code */
	long source_code;             /* errno, LDAP result, krb5_error_code, ... */
};

/* The per-call context: error state, conversion handles, trace sink. */
struct odj_ctx;

/* A trace sink gets one finished line (no newline) per event. */
typedef void (*odj_trace_fn)(void *priv, const char *line);

ODJ_API struct odj_ctx *odj_ctx_new(TALLOC_CTX *mem);

/*
 * Records an error and returns r, so callers can write
 *   return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_InvalidComputer, "name too long");
 * The message is formatted on the context; the current "doing" is captured.
 * A later odj_fail replaces the earlier error.
 */
ODJ_API odj_result odj_fail(struct odj_ctx *ctx, odj_result r, odj_status status, const char *fmt, ...)
	ODJ_PRINTF(4, 5);
ODJ_API odj_result odj_failv(struct odj_ctx *ctx, odj_result r, odj_status status, const char *fmt,
		     va_list ap) ODJ_PRINTF(4, 0);

/*
 * The one version check of every versioned request and options struct
 * (in.version = ODJ_<NAME>_VERSION, or its _INIT macro): versions 1 to
 * current are accepted; anything else is ODJ_E_UNEXPECTED /
 * ERROR_INVALID_LEVEL ("odj_check_req version 7: this library knows 1 to 1").
 */
ODJ_API odj_result odj_version_check(struct odj_ctx *ctx, const char *what, unsigned version,
				     unsigned current);

/* Sets what is being done now ("connecting to dc1.odj.test:389"); NULL clears. */
ODJ_API void odj_doing(struct odj_ctx *ctx, const char *fmt, ...) ODJ_PRINTF(2, 3);

/* Appends technical detail to the recorded error ("; "-separated). */
ODJ_API void odj_error_detail(struct odj_ctx *ctx, const char *fmt, ...) ODJ_PRINTF(2, 3);

/* Sets the advice ("what to check") of the recorded error. */
ODJ_API void odj_error_advice(struct odj_ctx *ctx, const char *fmt, ...) ODJ_PRINTF(2, 3);

/* Records the foreign error code behind the recorded error. */
ODJ_API void odj_error_source(struct odj_ctx *ctx, enum odj_error_source src, long code);

/* The recorded error; result is ODJ_OK if there is none.  Never NULL. */
ODJ_API const struct odj_error *odj_error_get(const struct odj_ctx *ctx);

ODJ_API void odj_error_clear(struct odj_ctx *ctx);

/*
 * The error for a person, several lines:
 *   0x40 64 ERROR_NETNAME_DELETED The specified network name is no longer available.
 *   while: <doing>
 *   <message>
 *   detail: <detail>
 *   check: <advice>
 */
ODJ_API char *odj_error_format(TALLOC_CTX *mem, const struct odj_ctx *ctx);

/* Trace sink; every odj_trace line goes there (no sink: dropped). */
ODJ_API void odj_ctx_set_trace(struct odj_ctx *ctx, odj_trace_fn fn, void *priv);
ODJ_API bool odj_ctx_tracing(const struct odj_ctx *ctx);
/* The installed sink (fn NULL if none), to chain another one in front of it. */
ODJ_API void odj_ctx_get_trace(const struct odj_ctx *ctx, odj_trace_fn *fn, void **priv);
ODJ_API void odj_trace(struct odj_ctx *ctx, const char *fmt, ...) ODJ_PRINTF(2, 3);

#ifdef __cplusplus
}
#endif
#endif
