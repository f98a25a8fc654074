/*
 * The joined machine as odj-verify and odj-rotate read it (libjoin/dc/joined.c):
 * a join record and keytab below a temporary root, good and hostile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/error.h>
#include <odj/keytab.h>
#include <odj/status.h>

#include "joined.h"
#include "unit_tmp.h"

#define RECORD                                                                                     \
	"{\"domain\":\"odj.test\",\"realm\":\"ODJ.TEST\",\"netbios_domain\":\"ODJ\","               \
	"\"sam_account_name\":\"PC1$\",\"dns_host_name\":\"pc1.odj.test\",\"kvno\":%u,"          \
	"\"enctypes\":24,\"keytab\":\"/etc/krb5.keytab\",\"principals\":[\"PC1$@ODJ.TEST\","     \
	"\"host/pc1.odj.test@ODJ.TEST\"],\"dc\":\"dc1.odj.test\"}\n"

struct fixture {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	char root[64];
};

static void write_file(const char *root, const char *path, const void *data, size_t len,
		       mode_t mode)
{
	char full[256], dir[256];
	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(dir, sizeof(dir), "%s", full);
	for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = 0;
		mkdir(dir, 0755);
		*p = '/';
	}
	unlink(full);
	int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	fchmod(fd, mode);
	close(fd);
}

/* A keytab with both principals, AES256 and AES128, at each kvno given (0 ends). */
static void write_keytab(struct fixture *f, mode_t mode, const char *skip_principal, ...)
{
	struct odj_keytab *kt = odj_keytab_new(f->mem);
	const char *principals[] = {"PC1$@ODJ.TEST", "host/pc1.odj.test@ODJ.TEST"};
	uint8_t key[32];
	va_list ap;
	va_start(ap, skip_principal);
	for (unsigned kvno; (kvno = va_arg(ap, unsigned)) != 0;) {
		memset(key, (int)kvno, sizeof(key));
		for (size_t p = 0; p < 2; p++) {
			if (skip_principal && strcmp(skip_principal, principals[p]) == 0)
				continue;
			assert_int_equal(odj_keytab_add(f->ctx, kt, principals[p], kvno, 18, key, 32, 1), ODJ_OK);
			assert_int_equal(odj_keytab_add(f->ctx, kt, principals[p], kvno, 17, key, 16, 1), ODJ_OK);
		}
	}
	va_end(ap);
	struct odj_secret *bytes = NULL;
	assert_int_equal(odj_keytab_serialize(f->ctx, f->mem, kt, &bytes), ODJ_OK);
	write_file(f->root, "/etc/krb5.keytab", odj_secret_data(bytes), odj_secret_len(bytes), mode);
}

static void write_record(struct fixture *f, unsigned kvno, mode_t mode)
{
	char text[1024];
	int n = snprintf(text, sizeof(text), RECORD, kvno);
	write_file(f->root, "/var/lib/odj/join.json", text, (size_t)n, mode);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->mem = talloc_new(NULL);
	f->ctx = odj_ctx_new(f->mem);
	unit_tmpdir(f->root, sizeof(f->root), "joined");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(unit_rmtree(f->root), 0);
	talloc_free(f->mem);
	free(f);
	return 0;
}

/* A good join at kvno 3 (its keytab holds kvnos 2 and 3), loaded. */
static struct odj_joined *joined_kvno3(struct fixture *f)
{
	write_record(f, 3, 0644);
	write_keytab(f, 0600, NULL, 2u, 3u, 0u);
	struct odj_joined *j = NULL;
	assert_int_equal(odj_joined_load(f->ctx, f->mem, f->root, &j), ODJ_OK);
	return j;
}

static void test_good_join(void **state)
{
	struct fixture *f = *state;
	struct odj_joined *j = joined_kvno3(f);
	assert_string_equal(j->principal, "PC1$@ODJ.TEST");
	assert_string_equal(j->netbios_domain, "ODJ");
	assert_int_equal(j->kvno, 3);
	assert_int_equal(j->kt_kvno, 3);
	assert_int_equal(j->pending_kvno, 0);
	char *missing = NULL;
	assert_true(odj_joined_keytab_has(j, 3, &missing, f->mem));
	assert_true(odj_joined_keytab_has(j, 2, &missing, f->mem));
	assert_false(odj_joined_keytab_has(j, 4, &missing, f->mem));
	assert_string_equal(missing, "PC1$@ODJ.TEST kvno 4 aes256-cts-hmac-sha1-96");
}

/* MIT's AS takes a keytab's highest kvno: the MEMORY keytab holds only the one asked for. */
static void test_memory_keytab_one_kvno(void **state)
{
	struct fixture *f = *state;
	struct odj_joined *j = joined_kvno3(f);
	krb5_context kctx;
	assert_int_equal(krb5_init_context(&kctx), 0);
	krb5_keytab kt = NULL;
	char *name = NULL;
	assert_int_equal(odj_joined_memory_keytab(f->ctx, j, kctx, 2, &name, &kt, f->mem), ODJ_OK);
	krb5_kt_cursor cur;
	krb5_keytab_entry e;
	int n = 0;
	assert_int_equal(krb5_kt_start_seq_get(kctx, kt, &cur), 0);
	while (krb5_kt_next_entry(kctx, kt, &e, &cur) == 0) {
		assert_int_equal(e.vno, 2);
		assert_int_equal(e.key.contents[0], 2);
		krb5_free_keytab_entry_contents(kctx, &e);
		n++;
	}
	krb5_kt_end_seq_get(kctx, kt, &cur);
	assert_int_equal(n, 4);
	odj_joined_memory_keytab_free(kctx, kt);
	/* no keys at a kvno: an error, not an empty keytab */
	assert_int_equal(odj_joined_memory_keytab(f->ctx, j, kctx, 7, &name, &kt, f->mem), ODJ_E_CONFIG);
	assert_null(kt);
	krb5_free_context(kctx);
}

static void expect_failure(struct fixture *f, odj_status status, const char *in_message)
{
	struct odj_joined *j = NULL;
	assert_int_equal(odj_joined_load(f->ctx, f->mem, f->root, &j), ODJ_E_CONFIG);
	assert_null(j);
	const struct odj_error *e = odj_error_get(f->ctx);
	assert_int_equal(e->status, status);
	if (strstr(e->message, in_message) == NULL)
		fail_msg("'%s' not in '%s'", in_message, e->message);
}

static void test_not_joined(void **state)
{
	struct fixture *f = *state;
	expect_failure(f, ODJ_NERR_SetupNotJoined, "join.json");
}

static void test_keytab_others_can_read(void **state)
{
	struct fixture *f = *state;
	write_record(f, 3, 0644);
	write_keytab(f, 0644, NULL, 3u, 0u);
	expect_failure(f, ODJ_ERROR_ACCESS_DENIED, "is not readable only by root");
}

static void test_record_others_can_write(void **state)
{
	struct fixture *f = *state;
	write_record(f, 3, 0666);
	write_keytab(f, 0600, NULL, 3u, 0u);
	expect_failure(f, ODJ_ERROR_ACCESS_DENIED, "is not writable only by root");
}

static void test_damaged_record(void **state)
{
	struct fixture *f = *state;
	write_file(f->root, "/var/lib/odj/join.json", "{\"domain\":", 10, 0644);
	write_keytab(f, 0600, NULL, 3u, 0u);
	expect_failure(f, ODJ_NERR_SetupNotJoined, "is not a JSON object");
	write_file(f->root, "/var/lib/odj/join.json", "{\"domain\":\"odj.test\"}", 21, 0644);
	expect_failure(f, ODJ_NERR_SetupNotJoined, "lacks");
}

static void test_keytab_symlink_refused(void **state)
{
	struct fixture *f = *state;
	write_record(f, 3, 0644);
	write_keytab(f, 0600, NULL, 3u, 0u);
	char real[256], link[256];
	snprintf(real, sizeof(real), "%s/etc/real.keytab", f->root);
	snprintf(link, sizeof(link), "%s/etc/krb5.keytab", f->root);
	assert_int_equal(rename(link, real), 0);
	assert_int_equal(symlink(real, link), 0);
	expect_failure(f, ODJ_ERROR_ACCESS_DENIED, "cannot open the keytab");
}

static void test_keytab_lacks_principal(void **state)
{
	struct fixture *f = *state;
	write_record(f, 3, 0644);
	write_keytab(f, 0600, "host/pc1.odj.test@ODJ.TEST", 3u, 0u);
	struct odj_joined *j = NULL;
	assert_int_equal(odj_joined_load(f->ctx, f->mem, f->root, &j), ODJ_OK);
	char *missing = NULL;
	assert_false(odj_joined_keytab_has(j, 3, &missing, f->mem));
	assert_string_equal(missing, "host/pc1.odj.test@ODJ.TEST kvno 3 aes256-cts-hmac-sha1-96");
}

UNIT_MAIN(
	FIXTURE_TEST(test_good_join),
	FIXTURE_TEST(test_memory_keytab_one_kvno),
	FIXTURE_TEST(test_not_joined),
	FIXTURE_TEST(test_keytab_others_can_read),
	FIXTURE_TEST(test_record_others_can_write),
	FIXTURE_TEST(test_damaged_record),
	FIXTURE_TEST(test_keytab_symlink_refused),
	FIXTURE_TEST(test_keytab_lacks_principal),
)
