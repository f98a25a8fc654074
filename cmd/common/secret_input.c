/* Passwords from standard input, a 0600 file or the terminal; never argv. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "secret_input.h"

#define MAX_PASSWORD 1024 /* bytes, with the terminating NUL */

enum { LINE_TOO_LONG = -2, LINE_HAS_NUL = -3 };

/*
 * Reads one line from fd into buf (NUL-terminated, line end removed).  A line
 * that does not fit, or holds a NUL, is refused rather than cut: a cut
 * password would fail later as a wrong one, far from the cause.
 */
static ssize_t read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	bool nul = false, more = false;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n + 1 >= size) {
			more = true; /* drain the rest of the line, keep nothing of it */
			continue;
		}
		nul |= c == '\0';
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (more)
		return LINE_TOO_LONG;
	return nul ? LINE_HAS_NUL : (ssize_t)n;
}

static ssize_t read_from_terminal(const char *prompt, char *buf, size_t size)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	ssize_t w = write(fd, prompt, strlen(prompt));
	(void)w;
	ssize_t n = read_line(fd, buf, size);
	w = write(fd, "\n", 1);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);
	return n;
}

odj_result cli_read_password(struct odj_ctx *ctx, TALLOC_CTX *mem, enum cli_password_source src,
			     const char *file, const char *prompt, struct odj_secret **out)
{
	char buf[MAX_PASSWORD];
	ssize_t n = -1;
	*out = NULL;
	switch (src) {
	case CLI_PASSWORD_STDIN:
		n = read_line(STDIN_FILENO, buf, sizeof(buf));
		break;
	case CLI_PASSWORD_FILE: {
		int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		struct stat st;
		if (fd < 0)
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_FILE_NOT_FOUND,
					"cannot open the password file %s: %s", file, strerror(errno));
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
			close(fd);
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_ACCESS_DENIED,
					"the password file %s must be a regular file readable only by "
					"its owner (chmod 600)",
					file);
		}
		n = read_line(fd, buf, sizeof(buf));
		close(fd);
		break;
	}
	case CLI_PASSWORD_PROMPT:
		n = read_from_terminal(prompt, buf, sizeof(buf));
		if (n == -1)
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD,
					"no terminal to ask for the password: use --password-stdin "
					"or --password-file");
		break; /* too long, NUL, empty: below, after the buffer is wiped */
	case CLI_PASSWORD_NONE:
		break;
	}
	if (n <= 0) {
		odj_wipe(buf, sizeof(buf));
		if (n == LINE_TOO_LONG)
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD,
					"the password is longer than %d bytes", MAX_PASSWORD - 1);
		if (n == LINE_HAS_NUL)
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD,
					"the password contains a NUL byte");
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD, "the password is empty");
	}
	*out = odj_secret_dup(mem, buf, (size_t)n);
	odj_wipe(buf, sizeof(buf));
	return *out ? ODJ_OK : odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

bool cli_parse_password_method(struct cli *cli, const char *arg, enum odj_password_method *out)
{
	if (strcmp(arg, "ldap") == 0)
		*out = ODJ_PASSWORD_METHOD_LDAP;
	else if (strcmp(arg, "kpasswd") == 0)
		*out = ODJ_PASSWORD_METHOD_KPASSWD;
	else if (strcmp(arg, "auto") == 0)
		*out = ODJ_PASSWORD_METHOD_AUTO;
	else {
		cli_bad_usage(cli, "--password-method is ldap, kpasswd or auto");
		return false;
	}
	return true;
}
