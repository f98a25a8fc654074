/*
 * The join trace: netsetup.log-style lines, a 0600 file that refuses
 * symlinks, and no password in it in any encoding.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/join.h>
#include <odj/trace.h>

#include "unit_tmp.h"

struct fixture {
	TALLOC_CTX *mem;
	char dir[64];
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);
	unit_tmpdir(f->dir, sizeof(f->dir), "trace");
	f->mem = talloc_new(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(unit_rmtree(f->dir), 0);
	talloc_free(f);
	return 0;
}

static char *path_in(struct fixture *f, const char *name)
{
	return talloc_asprintf(f->mem, "%s/%s", f->dir, name);
}

static uint8_t *slurp(TALLOC_CTX *mem, const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	uint8_t *buf = talloc_size(mem, 1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, fp);
	buf[*len] = 0;
	fclose(fp);
	return buf;
}

static void line_format_is_netsetup_like(void **state)
{
	struct fixture *f = *state;
	struct timespec when = {1796082901, 123456789}; /* 2026-11-30 23:55:01.123 UTC */
	char *line = odj_trace_format_line(f->mem, &when, "NetpJoinDomain: x");
	assert_string_equal(line, "11/30/2026 23:55:01:123 NetpJoinDomain: x");
	/* A name with a newline cannot forge a second line. */
	line = odj_trace_format_line(f->mem, &when, "name 'a\nb\r\x1b'");
	assert_string_equal(line, "11/30/2026 23:55:01:123 name 'a?b?" "?'");
}

static void file_is_0600_and_gets_step_lines(void **state)
{
	struct fixture *f = *state;
	struct odj_ctx *ctx = odj_ctx_new(f->mem);
	char *path = path_in(f, "netsetup.log");
	struct odj_trace_file *tf = NULL;
	assert_int_equal(odj_trace_file_open(ctx, f->mem, path, &tf), ODJ_OK);
	assert_true(odj_ctx_tracing(ctx));
	odj_trace_begin(ctx, "odj-prepare");
	odj_trace_status(ctx, "NetpJoinDomain", 0, "status of connecting to dc '\\\\%s'",
			 "dc1.odj.test");
	odj_trace_status(ctx, "NetpJoinDomain", ODJ_NERR_UserExists, "creating account");
	talloc_free(tf);
	assert_false(odj_ctx_tracing(ctx)); /* freeing the writer unhooks it */
	odj_trace(ctx, "dropped");

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	size_t len;
	char *text = (char *)slurp(f->mem, path, &len);
	assert_non_null(strstr(text, " NetpJoinDomain: status of connecting to dc "
				     "'\\\\dc1.odj.test': 0x0\n"));
	assert_non_null(strstr(text, " NetpJoinDomain: creating account: 0x8b0\n"));
	assert_non_null(strstr(text, " odj-prepare\n"));
	assert_null(strstr(text, "dropped"));
	/* Every line starts with "MM/DD/YYYY HH:MM:SS:mmm ". */
	for (char *l = text; *l; l = strchr(l, '\n') + 1) {
		assert_true(l[2] == '/' && l[5] == '/' && l[10] == ' ' && l[13] == ':' &&
			    l[19] == ':' && l[23] == ' ');
	}
}

static void existing_file_is_restricted_and_appended(void **state)
{
	struct fixture *f = *state;
	char *path = path_in(f, "old.log");
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	assert_int_equal(write(fd, "old line\n", 9), 9);
	close(fd);
	struct odj_ctx *ctx = odj_ctx_new(f->mem);
	assert_int_equal(odj_trace_file_open(ctx, f->mem, path, NULL), ODJ_OK);
	odj_trace(ctx, "new line");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	size_t len;
	char *text = (char *)slurp(f->mem, path, &len);
	assert_memory_equal(text, "old line\n", 9);
	assert_non_null(strstr(text, " new line\n"));
}

static void symlink_and_directory_are_refused(void **state)
{
	struct fixture *f = *state;
	char *target = path_in(f, "victim");
	int fd = open(target, O_WRONLY | O_CREAT, 0644);
	close(fd);
	char *link = path_in(f, "link.log");
	assert_int_equal(symlink(target, link), 0);
	struct odj_ctx *ctx = odj_ctx_new(f->mem);
	assert_int_equal(odj_trace_file_open(ctx, f->mem, link, NULL), ODJ_E_CONFIG);
	assert_int_equal(odj_error_get(ctx)->source_code, ELOOP);
	assert_non_null(strstr(odj_error_get(ctx)->message, "symbolic link"));
	assert_false(odj_ctx_tracing(ctx));
	struct stat st;
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(st.st_mode & 0777, 0644); /* untouched */

	assert_int_equal(odj_trace_file_open(ctx, f->mem, f->dir, NULL), ODJ_E_CONFIG);
	assert_int_equal(odj_trace_file_open(ctx, f->mem, "", NULL), ODJ_E_INPUT);
	assert_int_equal(odj_trace_file_open(ctx, f->mem, "/nonexistent-dir/x.log", NULL),
			 ODJ_E_CONFIG);
}

/* --- the leak check ------------------------------------------------------ */

static char *base64(TALLOC_CTX *mem, const uint8_t *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = talloc_size(mem, (n + 2) / 3 * 4 + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static bool contains(const uint8_t *hay, size_t hlen, const void *needle, size_t nlen)
{
	return nlen > 0 && memmem(hay, hlen, needle, nlen) != NULL;
}

/* The base64 text of bytes, at all three alignments, without the groups
 * that would mix in neighbouring bytes. */
static bool contains_base64(TALLOC_CTX *mem, const uint8_t *hay, size_t hlen, const uint8_t *p,
			    size_t n)
{
	for (size_t shift = 0; shift < 3; shift++) {
		uint8_t *buf = talloc_zero_size(mem, n + shift);
		memcpy(buf + shift, p, n);
		char *enc = base64(mem, buf, n + shift);
		size_t len = strlen(enc);
		size_t from = shift ? 4 : 0, to = len - 4;
		if (to > from && contains(hay, hlen, enc + from, to - from))
			return true;
	}
	return false;
}

static void assert_not_in_trace(TALLOC_CTX *mem, const uint8_t *trace, size_t tlen,
				const struct odj_secret *pw)
{
	const uint8_t *p = odj_secret_data(pw);
	size_t n = odj_secret_len(pw);
	assert_true(n >= 8);
	/* UTF-8, whole and any 12-character window of it. */
	assert_false(contains(trace, tlen, p, n));
	for (size_t i = 0; n >= 12 && i + 12 <= n; i++)
		assert_false(contains(trace, tlen, p + i, 12));
	/* UTF-16LE, as the blob and unicodePwd carry it. */
	iconv_t cd = iconv_open("UTF-16LE", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t cap = n * 4, left = cap, inleft = n;
	uint8_t *u16 = talloc_size(mem, cap);
	char *in = (char *)p, *outp = (char *)u16;
	assert_true(iconv(cd, &in, &inleft, &outp, &left) != (size_t)-1);
	iconv_close(cd);
	size_t u16len = cap - left;
	assert_int_equal(u16len, 2 * n);
	assert_false(contains(trace, tlen, u16, u16len));
	/* base64 of both. */
	assert_false(contains_base64(mem, trace, tlen, p, n));
	assert_false(contains_base64(mem, trace, tlen, u16, u16len));
}

static void trace_of_a_join_holds_no_password(void **state)
{
	struct fixture *f = *state;
	struct odj_ctx *ctx = odj_ctx_new(f->mem);
	char *path = path_in(f, "join.log");
	assert_int_equal(odj_trace_file_open(ctx, f->mem, path, NULL), ODJ_OK);
	odj_trace_begin(ctx, "odj-prepare");

	/* 1: a known machine password passed in (unsecure join). */
	const char *known = "Kn0wn-Machine-Pw/7f3a9c+Q";
	struct odj_join_request a = {0};
	a.in.domain = "odj.test\\dc1.odj.test";
	a.in.machine_name = "ODJCLI01";
	a.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_JOIN_UNSECURE |
			    ODJ_NETSETUP_MACHINE_PWD_PASSED;
	a.in.password = odj_secret_dup(f->mem, known, strlen(known));
	assert_int_equal(odj_join_check(ctx, f->mem, &a), ODJ_OK);

	/* 2: a generated random password. */
	struct odj_join_request b = {0};
	b.in.domain = "odj.test";
	b.in.dns_host_name = "web-01.odj.test";
	b.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_ACCT_CREATE;
	assert_int_equal(odj_join_check(ctx, f->mem, &b), ODJ_OK);
	assert_int_equal(odj_secret_len(b.out.password), ODJ_PASSWORD_LENGTH);

	/* 3: a failing request that still carries a password. */
	struct odj_join_request c = a;
	memset(&c.out, 0, sizeof(c.out));
	c.in.account_name = "administrator";
	assert_int_equal(odj_join_check(ctx, f->mem, &c), ODJ_E_INPUT);

	/* 4: a plain random password, outside a join. */
	struct odj_secret *d = NULL;
	assert_int_equal(odj_password_random(ctx, f->mem, NULL, &d), ODJ_OK);

	odj_ctx_set_trace(ctx, NULL, NULL);
	size_t len;
	uint8_t *trace = slurp(f->mem, path, &len);
	/* The trace is not empty: every step left its line. */
	assert_non_null(strstr((char *)trace, "NetpJoinDomain: step 4: using the machine password"));
	assert_non_null(strstr((char *)trace, "NetpJoinDomain: step 21: random machine password "
					      "of 120 characters: 0x0"));
	assert_non_null(strstr((char *)trace, "NetpJoinDomain: step 2: "));
	assert_non_null(strstr((char *)trace, "NetpJoinDomain: status: 0x57"));
	assert_non_null(strstr((char *)trace, "steps 25-28: account 'WEB-01$', dNSHostName "
					      "'web-01.odj.test', 4 SPNs: 0x0"));

	assert_true(odj_secret_equal(a.out.password, a.in.password));
	assert_not_in_trace(f->mem, trace, len, a.in.password);
	assert_not_in_trace(f->mem, trace, len, b.out.password);
	assert_not_in_trace(f->mem, trace, len, d);
	/* The checker itself finds a password that is there. */
	struct odj_ctx *leaky = odj_ctx_new(f->mem);
	char *lpath = path_in(f, "leak.log");
	assert_int_equal(odj_trace_file_open(leaky, f->mem, lpath, NULL), ODJ_OK);
	char *b64 = base64(f->mem, odj_secret_data(d), odj_secret_len(d));
	odj_trace(leaky, "x%sx", b64);
	odj_ctx_set_trace(leaky, NULL, NULL);
	uint8_t *ltrace = slurp(f->mem, lpath, &len);
	assert_true(contains_base64(f->mem, ltrace, len, odj_secret_data(d), odj_secret_len(d)));
}

UNIT_MAIN(
	FIXTURE_TEST(line_format_is_netsetup_like),
	FIXTURE_TEST(file_is_0600_and_gets_step_lines),
	FIXTURE_TEST(existing_file_is_restricted_and_appended),
	FIXTURE_TEST(symlink_and_directory_are_refused),
	FIXTURE_TEST(trace_of_a_join_holds_no_password),
)
