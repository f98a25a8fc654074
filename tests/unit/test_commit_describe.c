/* The dry run: unified diffs, binary and secret files, and that it touches nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/commit.h>

#include "commit_internal.h"
#include "unit_tmp.h"

static char *diff_of(TALLOC_CTX *mem, const char *old, const char *new_text, unsigned ctx)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_true(odj_commit_diff(mem, out, "/etc/f", old, old ? strlen(old) : 0, new_text,
				strlen(new_text), ctx));
	fclose(out);
	char *s = talloc_strdup(mem, buf);
	free(buf);
	return s;
}

static void diff_replaces_and_keeps_context(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	const char *old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
	const char *new_text = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\n";
	assert_string_equal(diff_of(mem, old, new_text, 1), "--- a/etc/f\n"
							    "+++ b/etc/f\n"
							    "@@ -4,3 +4,3 @@\n"
							    " d\n"
							    "-e\n"
							    "+E\n"
							    " f\n"
							    "@@ -10,1 +10,2 @@\n"
							    " j\n"
							    "+k\n");
	/* Close changes share one hunk. */
	assert_string_equal(diff_of(mem, "1\n2\n3\n4\n", "1\nX\n3\nY\n", 1), "--- a/etc/f\n"
									     "+++ b/etc/f\n"
									     "@@ -1,4 +1,4 @@\n"
									     " 1\n"
									     "-2\n"
									     "+X\n"
									     " 3\n"
									     "-4\n"
									     "+Y\n");
	talloc_free(mem);
}

static void diff_new_file_and_missing_newline(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	assert_string_equal(diff_of(mem, NULL, "x\ny\n", 3), "--- /dev/null\n"
							      "+++ b/etc/f\n"
							      "@@ -0,0 +1,2 @@\n"
							      "+x\n"
							      "+y\n");
	assert_string_equal(diff_of(mem, "x\n", "x\ny", 3), "--- a/etc/f\n"
							   "+++ b/etc/f\n"
							   "@@ -1,1 +1,2 @@\n"
							   " x\n"
							   "+y\n"
							   "\\ No newline at end of file\n");
	/* Identical texts: headers only. */
	assert_string_equal(diff_of(mem, "same\n", "same\n", 3), "--- a/etc/f\n+++ b/etc/f\n");
	talloc_free(mem);
}

static void write_path(const char *full, const void *data, size_t len, mode_t mode)
{
	int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static bool keytab_describer(void *priv, FILE *out, const char *path, const uint8_t *old,
			     size_t old_len, const uint8_t *new_data, size_t new_len)
{
	int *calls = priv;
	(*calls)++;
	(void)old, (void)new_data;
	fprintf(out, "  keytab %s: %zu -> %zu bytes of entries\n", path, old_len, new_len);
	return true;
}

static void describe_touches_nothing(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	char base[64];
	unit_tmpdir(base, sizeof(base), "test-describe");
	char *etc = talloc_asprintf(mem, "%s/etc", base);
	assert_int_equal(mkdir(etc, 0755), 0);
	write_path(talloc_asprintf(mem, "%s/hosts", etc), "127.0.0.1 localhost\n", 20, 0644);
	write_path(talloc_asprintf(mem, "%s/hostname", etc), "same\n", 5, 0644);
	write_path(talloc_asprintf(mem, "%s/krb5.keytab", etc), "\x05\x02\0\0", 4, 0600);
	write_path(talloc_asprintf(mem, "%s/old.ldb", etc), "ldb", 3, 0600);
	static const char hosts[] = "127.0.0.1 localhost\n192.0.2.10 client1.odj.test client1\n";
	static const uint8_t bin[] = {0x05, 0x02, 0, 1, 2, 3, 0, 4};

	struct odj_commit *tx = odj_commit_begin(mem, ctx, base);
	uid_t u = getuid();
	gid_t g = getgid();
	struct odj_secret *pw = odj_secret_dup(mem, "hunter2-password\n", 17);
	assert_int_equal(odj_commit_mkdir(tx, "/etc/sssd", 0711), ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/etc/hosts", hosts, strlen(hosts), 0644, u, g), ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/etc/hostname", "same\n", 5, 0644, u, g), ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/etc/krb5.keytab", bin, sizeof(bin), 0600, u, g),
			 ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/etc/sssd/new.bin", bin, sizeof(bin), 0600, u, g),
			 ODJ_OK);
	assert_int_equal(odj_commit_put_secret(tx, "/etc/sssd/pw", pw, 0600, u, g), ODJ_OK);
	assert_int_equal(odj_commit_remove(tx, "/etc/old.ldb"), ODJ_OK);
	assert_int_equal(odj_commit_remove(tx, "/etc/never.ldb"), ODJ_OK);

	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_int_equal(odj_commit_describe(tx, out, NULL), ODJ_OK);
	fclose(out);
	assert_non_null(strstr(buf, "/etc/sssd/: create directory, mode 0711\n"));
	assert_non_null(strstr(buf, "/etc/hosts: replace\n--- a/etc/hosts\n+++ b/etc/hosts\n"
				    "@@ -1,1 +1,2 @@\n 127.0.0.1 localhost\n"
				    "+192.0.2.10 client1.odj.test client1\n"));
	assert_non_null(strstr(buf, "/etc/hostname: unchanged\n"));
	assert_non_null(strstr(buf, "/etc/krb5.keytab: replace\n  binary, 4 bytes -> 8 bytes\n"));
	assert_non_null(strstr(buf, "/etc/sssd/new.bin: create\n  mode 0600"));
	assert_non_null(strstr(buf, "secret, 0 bytes -> 17 bytes (contents not shown)"));
	assert_null(strstr(buf, "hunter2"));
	assert_non_null(strstr(buf, "/etc/old.ldb: remove (3 bytes)\n"));
	assert_non_null(strstr(buf, "/etc/never.ldb: remove: not present, nothing to do\n"));
	free(buf);

	/* A describer callback takes over binary files. */
	int calls = 0;
	struct odj_commit_describe_opts opts = ODJ_COMMIT_DESCRIBE_INIT;
	opts.describer = keytab_describer;
	opts.describer_priv = &calls;
	out = open_memstream(&buf, &len);
	assert_int_equal(odj_commit_describe(tx, out, &opts), ODJ_OK);
	fclose(out);
	assert_int_equal(calls, 2);
	assert_non_null(strstr(buf, "  keytab /etc/krb5.keytab: 4 -> 8 bytes of entries\n"));
	free(buf);

	/* Nothing was touched: no state directory, no new directory, same files. */
	struct stat st;
	assert_int_not_equal(lstat(talloc_asprintf(mem, "%s/var", base), &st), 0);
	assert_int_not_equal(lstat(talloc_asprintf(mem, "%s/etc/sssd", base), &st), 0);
	assert_int_equal(lstat(talloc_asprintf(mem, "%s/etc/old.ldb", base), &st), 0);
	assert_int_equal(lstat(talloc_asprintf(mem, "%s/etc/krb5.keytab", base), &st), 0);
	assert_int_equal(st.st_size, 4);
	unit_rmtree(base);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(diff_replaces_and_keeps_context),
	cmocka_unit_test(diff_new_file_and_missing_newline),
	cmocka_unit_test(describe_touches_nothing),
)
