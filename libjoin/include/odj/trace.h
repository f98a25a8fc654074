/*
 * The join trace: a netsetup.log-style file.
 *
 *   11/30/2026 23:55:01:123 NetpJoinDomain: status of connecting to dc '\\dc1.odj.test': 0x0
 *
 * odj_trace_file_open() plugs a file writer into the context's trace sink
 * (odj_ctx_set_trace); every odj_trace() line then lands in the file with a
 * timestamp.  All trace functions are printf-checked, so an odj_secret
 * cannot be formatted into a line (the build fails).
 */
#ifndef ODJ_TRACE_H
#define ODJ_TRACE_H

#include <odj/api.h>

#include <time.h>

#include <odj/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct odj_trace_file;

/*
 * Opens path for appending (created with mode 0600, O_NOFOLLOW: a symlink
 * is refused; anything but a regular file is refused) and installs it as
 * the trace sink of ctx.  The writer lives on mem; freeing it closes the
 * file and removes the sink from ctx.  ODJ_E_CONFIG on failure.
 */
ODJ_API odj_result odj_trace_file_open(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			       struct odj_trace_file **out);

/* Writes a separator line, as netsetup.log does at the start of each run. */
ODJ_API void odj_trace_begin(struct odj_ctx *ctx, const char *operation);

/*
 * One step with its outcome: "<func>: <message>: 0x<status>".
 *   odj_trace_status(ctx, "NetpJoinDomain", 0, "status of connecting to dc '\\\\%s'", dc);
 */
ODJ_API void odj_trace_status(struct odj_ctx *ctx, const char *func, odj_status status,
		      const char *fmt, ...) ODJ_PRINTF(4, 5);

/*
 * The line as written to the file, for a given time (exposed for tests):
 * "MM/DD/YYYY HH:MM:SS:mmm <line>" with control characters shown as '?'.
 */
ODJ_API char *odj_trace_format_line(TALLOC_CTX *mem, const struct timespec *when, const char *line);

#ifdef __cplusplus
}
#endif
#endif
