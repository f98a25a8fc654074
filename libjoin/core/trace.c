/* The netsetup.log-style trace file and step tracing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/trace.h>

struct odj_trace_file {
	int fd;
	struct odj_ctx *ctx; /* whose sink points at us, unhooked on free */
};

char *odj_trace_format_line(TALLOC_CTX *mem, const struct timespec *when, const char *line)
{
	struct tm tm;
	if (gmtime_r(&when->tv_sec, &tm) == NULL)
		return NULL;
	char *out = talloc_asprintf(mem, "%02d/%02d/%04d %02d:%02d:%02d:%03ld %s", tm.tm_mon + 1,
				    tm.tm_mday, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
				    when->tv_nsec / 1000000, line ? line : "");
	if (out == NULL)
		return NULL;
	/* One event, one line: names from the command line cannot forge lines. */
	for (unsigned char *p = (unsigned char *)out; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			*p = '?';
	}
	return out;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* a trace must never make the join fail */
		buf += n;
		len -= (size_t)n;
	}
}

static void file_sink(void *priv, const char *line)
{
	struct odj_trace_file *tf = priv;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	char *text = odj_trace_format_line(tf, &now, line);
	if (text == NULL)
		return;
	text = talloc_strdup_append(text, "\n");
	if (text != NULL)
		write_all(tf->fd, text, strlen(text));
	talloc_free(text);
}

static int trace_file_destructor(struct odj_trace_file *tf)
{
	if (tf->ctx != NULL)
		odj_ctx_set_trace(tf->ctx, NULL, NULL);
	if (tf->fd >= 0)
		close(tf->fd);
	tf->fd = -1;
	return 0;
}

odj_result odj_trace_file_open(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			       struct odj_trace_file **out)
{
	if (path == NULL || path[0] == '\0')
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"no trace file name was given");
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		      0600);
	if (fd < 0) {
		int err = errno;
		odj_fail(ctx, ODJ_E_CONFIG, err == ELOOP ? ODJ_ERROR_ACCESS_DENIED
							 : ODJ_ERROR_WRITE_FAULT,
			 "cannot open the trace file '%s': %s%s", path, strerror(err),
			 err == ELOOP ? " (it is a symbolic link)" : "");
		odj_error_source(ctx, ODJ_SRC_ERRNO, err);
		return ODJ_E_CONFIG;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
				"the trace file '%s' is not a regular file", path);
	}
	/* An existing file may have been readable by others: passwords never
	 * go to the trace, but names and DNs are nobody else's business. */
	if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
		int err = errno;
		close(fd);
		odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
			 "cannot restrict the trace file '%s' to mode 0600: %s", path,
			 strerror(err));
		odj_error_source(ctx, ODJ_SRC_ERRNO, err);
		return ODJ_E_CONFIG;
	}
	struct odj_trace_file *tf = talloc_zero(mem, struct odj_trace_file);
	if (tf == NULL) {
		close(fd);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	tf->fd = fd;
	tf->ctx = ctx;
	talloc_set_destructor(tf, trace_file_destructor);
	odj_ctx_set_trace(ctx, file_sink, tf);
	if (out != NULL)
		*out = tf;
	return ODJ_OK;
}

void odj_trace_begin(struct odj_ctx *ctx, const char *operation)
{
	odj_trace(ctx, "-----------------------------------------------------------------");
	odj_trace(ctx, "%s", operation ? operation : "odj");
}

void odj_trace_status(struct odj_ctx *ctx, const char *func, odj_status status,
		      const char *fmt, ...)
{
	if (!odj_ctx_tracing(ctx))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = talloc_vasprintf(ctx, fmt, ap);
	va_end(ap);
	if (msg == NULL)
		return;
	odj_trace(ctx, "%s: %s: 0x%x", func, msg, status);
	talloc_free(msg);
}
