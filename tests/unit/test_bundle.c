/* Bundles: written incrementally, listed by tar, read back, and refused when damaged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <odj/bundle.h>
#include <odj/odj.h>

#include "test_bundle_fixture.h"
#include "unit_main.h"

#define fixture bundle_fixture

static int setup(void **state)
{
	*state = bundle_fixture_new(sizeof(struct fixture));
	return 0;
}

static int teardown(void **state)
{
	return bundle_fixture_teardown(state);
}

/* A stand-in blob: distinct bytes per machine, sizes off the 512 grid. */
static struct odj_secret *fake_blob(TALLOC_CTX *mem, int i)
{
	size_t n = 5000 + (size_t)i * 37;
	struct odj_secret *s = odj_secret_new(mem, n);
	uint8_t *p = odj_secret_data(s);
	for (size_t k = 0; k < n; k++)
		p[k] = (uint8_t)(k * 31 + (size_t)i * 7);
	return s;
}

static void write_bundle(struct fixture *f, int n, const char *dup)
{
	struct odj_bundle_info info = {"odj.test", "dc1.odj.test"};
	struct odj_bundle_writer *w = NULL;
	assert_int_equal(odj_bundle_create(f->ctx, f->mem, f->path, &info, &w), ODJ_OK);
	for (int i = 0; i < n; i++) {
		char name[16], dns[64], sid[64];
		snprintf(name, sizeof(name), "CI-%04d", i);
		snprintf(dns, sizeof(dns), "ci-%04d.odj.test", i);
		snprintf(sid, sizeof(sid), "S-1-5-21-1-2-3-%d", 1100 + i);
		struct odj_bundle_machine m = {name, dns, sid, 1, NULL};
		struct odj_secret *b = fake_blob(f->mem, i);
		assert_int_equal(odj_bundle_add(w, &m, odj_secret_data(b), odj_secret_len(b)), ODJ_OK);
	}
	if (dup != NULL) {
		struct odj_bundle_machine m = {dup, NULL, NULL, 1, NULL};
		assert_int_equal(odj_bundle_add(w, &m, (const uint8_t *)"x", 1), ODJ_OK);
	}
	/* nothing at the final path before finish */
	struct stat st;
	assert_int_not_equal(stat(f->path, &st), 0);
	assert_int_equal(odj_bundle_finish(w), ODJ_OK);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	talloc_free(w);
}

static struct odj_secret *load(struct fixture *f)
{
	struct odj_secret *b = NULL;
	assert_int_equal(odj_bundle_read_file(f->ctx, f->mem, f->path, &b), ODJ_OK);
	return b;
}

static void test_roundtrip_and_tar_listing(void **state)
{
	struct fixture *f = *state;
	write_bundle(f, 3, NULL);
	char *cmd = talloc_asprintf(f->mem, "tar tzf '%s'", f->path);
	FILE *p = popen(cmd, "r");
	char listing[256] = "";
	size_t got = fread(listing, 1, sizeof(listing) - 1, p);
	listing[got] = '\0';
	assert_int_equal(pclose(p), 0);
	assert_string_equal(listing, "CI-0000.odj\nCI-0001.odj\nCI-0002.odj\nmanifest.json\n");

	struct odj_secret *b = load(f);
	struct odj_bundle_manifest *m = NULL;
	assert_int_equal(odj_bundle_read_manifest(f->ctx, f->mem, odj_secret_data(b),
						  odj_secret_len(b), &m),
			 ODJ_OK);
	assert_int_equal(m->count, 3);
	assert_string_equal(m->domain, "odj.test");
	assert_string_equal(m->dc, "dc1.odj.test");
	assert_string_equal(m->machines[1].machine, "CI-0001");
	assert_string_equal(m->machines[1].dns_host_name, "ci-0001.odj.test");
	assert_string_equal(m->machines[1].sid, "S-1-5-21-1-2-3-1101");
	assert_int_equal(m->machines[1].kvno, 1);
	assert_string_equal(m->machines[1].file, "CI-0001.odj");

	/* by NetBIOS name in any case, or by FQDN */
	const char *names[] = {"CI-0002", "ci-0002", "ci-0002.odj.test"};
	struct odj_secret *want = fake_blob(f->mem, 2);
	for (size_t i = 0; i < 3; i++) {
		struct odj_secret *blob = NULL;
		assert_int_equal(odj_bundle_extract(f->ctx, f->mem, odj_secret_data(b),
						    odj_secret_len(b), names[i], &blob),
				 ODJ_OK);
		assert_true(odj_secret_equal(blob, want));
	}
	struct odj_secret *none = NULL;
	assert_int_equal(odj_bundle_extract(f->ctx, f->mem, odj_secret_data(b), odj_secret_len(b),
					    "CI-0009", &none),
			 ODJ_E_INPUT);
	assert_int_equal(odj_error_get(f->ctx)->status, ODJ_NERR_NoOfflineJoinInfo);
	assert_null(none);
}

static odj_result count_each(void *priv, const struct odj_bundle_machine *m, const uint8_t *blob,
			     size_t len)
{
	int *n = priv;
	assert_int_equal(len, 5000 + (size_t)*n * 37);
	char name[16];
	snprintf(name, sizeof(name), "CI-%04d", *n);
	assert_string_equal(m->machine, name);
	assert_int_equal(blob[1], (uint8_t)(31 + *n * 7));
	(*n)++;
	return ODJ_OK;
}

static void test_foreach_in_order(void **state)
{
	struct fixture *f = *state;
	write_bundle(f, 5, NULL);
	struct odj_secret *b = load(f);
	int n = 0;
	assert_int_equal(odj_bundle_foreach(f->ctx, f->mem, odj_secret_data(b), odj_secret_len(b),
					    count_each, &n),
			 ODJ_OK);
	assert_int_equal(n, 5);
}

static void test_empty_bundle_is_valid(void **state)
{
	struct fixture *f = *state;
	write_bundle(f, 0, NULL);
	struct odj_secret *b = load(f);
	struct odj_bundle_manifest *m = NULL;
	assert_int_equal(odj_bundle_read_manifest(f->ctx, f->mem, odj_secret_data(b),
						  odj_secret_len(b), &m),
			 ODJ_OK);
	assert_int_equal(m->count, 0);
}

static void expect_bad(struct fixture *f, const uint8_t *p, size_t n)
{
	struct odj_bundle_manifest *m = (void *)f; /* must be reset */
	assert_int_equal(odj_bundle_read_manifest(f->ctx, f->mem, p, n, &m), ODJ_E_INPUT);
	assert_null(m);
	assert_int_equal(odj_error_get(f->ctx)->status, ODJ_NERR_BadOfflineJoinInfo);
}

static void test_damage_is_refused(void **state)
{
	struct fixture *f = *state;
	write_bundle(f, 2, NULL);
	struct odj_secret *b = load(f);
	size_t n = odj_secret_len(b);
	uint8_t *copy = talloc_memdup(f->mem, odj_secret_data(b), n);
	/* truncated anywhere */
	for (size_t cut = 0; cut < n; cut += n / 13 + 1)
		expect_bad(f, copy, cut);
	expect_bad(f, copy, n - 1);
	/* a flipped bit in the deflate data (not its last byte, whose padding bits
	 * are ignored) or in the CRC of the trailer */
	for (size_t at = 12; at < n - 9; at += n / 17 + 1) {
		copy[at] ^= 0x10;
		expect_bad(f, copy, n);
		copy[at] ^= 0x10;
	}
	copy[n - 8] ^= 0x01;
	expect_bad(f, copy, n);
	copy[n - 8] ^= 0x01;
	/* bytes after the gzip stream */
	uint8_t *longer = talloc_size(f->mem, n + 1);
	memcpy(longer, copy, n);
	longer[n] = 0;
	expect_bad(f, longer, n + 1);
	/* not gzip at all */
	expect_bad(f, (const uint8_t *)"manifest.json plain text here", 30);
}

static void test_duplicate_machine_is_refused(void **state)
{
	struct fixture *f = *state;
	write_bundle(f, 2, "ci-0001");
	struct odj_secret *b = load(f);
	expect_bad(f, odj_secret_data(b), odj_secret_len(b));
	assert_non_null(strstr(odj_error_get(f->ctx)->detail, "twice"));
}

static void test_foreign_tar_is_refused(void **state)
{
	struct fixture *f = *state;
	/* a tar made by GNU tar with a directory member: not what odj writes */
	char *cmd = talloc_asprintf(f->mem,
				    "cd '%s' && mkdir d && echo x > d/A.odj && tar czf '%s' d",
				    f->dir, f->path);
	assert_int_equal(system(cmd), 0);
	struct odj_secret *b = load(f);
	expect_bad(f, odj_secret_data(b), odj_secret_len(b));
}

static void test_unfinished_writer_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct odj_bundle_writer *w = NULL;
	assert_int_equal(odj_bundle_create(f->ctx, f->mem, f->path, NULL, &w), ODJ_OK);
	struct odj_bundle_machine bad_name = {"../x", NULL, NULL, 1, NULL};
	assert_int_equal(odj_bundle_add(w, &bad_name, (const uint8_t *)"blob", 4), ODJ_E_INPUT);
	talloc_free(w); /* no blob in it: nothing to keep (with blobs: test_bundle_salvage) */
	char *cmd = talloc_asprintf(f->mem, "test -z \"$(ls -A '%s')\"", f->dir);
	assert_int_equal(system(cmd), 0);
}

UNIT_MAIN(
	FIXTURE_TEST(test_roundtrip_and_tar_listing),
	FIXTURE_TEST(test_foreach_in_order),
	FIXTURE_TEST(test_empty_bundle_is_valid),
	FIXTURE_TEST(test_damage_is_refused),
	FIXTURE_TEST(test_duplicate_machine_is_refused),
	FIXTURE_TEST(test_foreign_tar_is_refused),
	FIXTURE_TEST(test_unfinished_writer_leaves_nothing),
)
