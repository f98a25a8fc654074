/*
 * Sealed bundles (blob/bundle_seal.c): the round trip, one clear error for a
 * wrong or missing passphrase, the partial file of a killed run, and
 * damage anywhere refused.
 */
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

#include <odj/blob.h>
#include <odj/bundle.h>
#include <odj/bundle_seal.h>
#include <odj/odj.h>

#include "test_bundle_fixture.h"
#include "unit_main.h"

struct fixture {
	struct bundle_fixture b; /* first: see bundle_fixture_new */
	struct odj_secret *cli01, *cli02, *pass, *wrong;
};

static struct odj_secret *file(struct fixture *f, const char *path)
{
	struct odj_secret *s = NULL;
	assert_int_equal(odj_bundle_read_file(f->b.ctx, f->b.mem, path, &s), ODJ_OK);
	return s;
}

static int setup(void **state)
{
	struct fixture *f = bundle_fixture_new(sizeof(*f));
	f->cli01 = bundle_fixture_vector(&f->b, "samba-4.17-net-offlinejoin-ODJCLI01.odj");
	f->cli02 = bundle_fixture_vector(&f->b, "odj-part-ODJCLI02.odj");
	f->pass = odj_secret_dup(f->b.mem, "correct horse battery staple", 28);
	f->wrong = odj_secret_dup(f->b.mem, "correct horse battery stapler", 29);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	return bundle_fixture_teardown(state);
}

static struct odj_bundle_writer *sealed_writer(struct fixture *f)
{
	struct odj_bundle_writer *w;
	struct odj_bundle_info info = {"odj.test", "dc1.odj.test"};
	assert_int_equal(odj_bundle_create(f->b.ctx, f->b.mem, f->b.path, &info, &w), ODJ_OK);
	assert_int_equal(odj_bundle_seal_with(w, f->pass), ODJ_OK);
	struct odj_bundle_machine m1 = {"ODJCLI01", NULL, NULL, 1, NULL};
	assert_int_equal(odj_bundle_add(w, &m1, odj_secret_data(f->cli01), odj_secret_len(f->cli01)), ODJ_OK);
	return w;
}

static void round_trip(void **state)
{
	struct fixture *f = *state;
	struct odj_bundle_writer *w = sealed_writer(f);
	struct odj_bundle_machine m2 = {"ODJCLI02", NULL, NULL, 2, NULL};
	assert_int_equal(odj_bundle_add(w, &m2, odj_secret_data(f->cli02), odj_secret_len(f->cli02)), ODJ_OK);
	assert_int_equal(odj_bundle_finish(w), ODJ_OK);
	struct odj_secret *bytes = file(f, f->b.path);
	assert_true(odj_bundle_is_sealed(odj_secret_data(bytes), odj_secret_len(bytes)));
	struct odj_secret *plain;
	assert_int_equal(odj_bundle_open_bytes(f->b.ctx, f->b.mem, bytes, f->pass, false, &plain), ODJ_OK);
	/*
	 * Nothing of the plain bundle is in the file: not its gzip header (magic,
	 * method, flags, time: 10 bytes; two bytes alone would turn up in random
	 * ciphertext by chance), not the start of a blob.
	 */
	assert_true(odj_secret_len(plain) > 10 && odj_secret_len(f->cli02) > 32);
	assert_null(memmem(odj_secret_data(bytes), odj_secret_len(bytes), odj_secret_data(plain), 10));
	assert_null(memmem(odj_secret_data(bytes), odj_secret_len(bytes), odj_secret_data(f->cli02), 32));
	struct odj_bundle_manifest *man;
	assert_int_equal(odj_bundle_read_manifest(f->b.ctx, f->b.mem, odj_secret_data(plain),
						  odj_secret_len(plain), &man),
			 ODJ_OK);
	assert_int_equal(man->count, 2);
	struct odj_secret *blob;
	assert_int_equal(odj_bundle_extract(f->b.ctx, f->b.mem, odj_secret_data(plain), odj_secret_len(plain),
					    "ODJCLI02", &blob),
			 ODJ_OK);
	assert_true(odj_secret_equal(blob, f->cli02));
	/* A plain bundle passes through open_bytes untouched. */
	struct odj_secret *same;
	assert_int_equal(odj_bundle_open_bytes(f->b.ctx, f->b.mem, plain, NULL, false, &same), ODJ_OK);
	assert_ptr_equal(same, plain);
}

static void wrong_or_missing_passphrase_is_one_clear_error(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(odj_bundle_finish(sealed_writer(f)), ODJ_OK);
	struct odj_secret *bytes = file(f, f->b.path), *plain;
	assert_int_equal(odj_bundle_open_bytes(f->b.ctx, f->b.mem, bytes, f->wrong, false, &plain), ODJ_E_INPUT);
	assert_int_equal(odj_error_get(f->b.ctx)->status, ODJ_ERROR_DECRYPTION_FAILED);
	assert_non_null(strstr(odj_error_get(f->b.ctx)->message, "passphrase does not open"));
	assert_int_equal(odj_bundle_open_bytes(f->b.ctx, f->b.mem, bytes, NULL, false, &plain), ODJ_E_INPUT);
	assert_int_equal(odj_error_get(f->b.ctx)->status, ODJ_ERROR_DECRYPTION_FAILED);
	assert_non_null(strstr(odj_error_get(f->b.ctx)->advice, "--bundle-passphrase-file"));
}

static odj_result count_blob(void *priv, const struct odj_bundle_machine *m, const uint8_t *b, size_t l)
{
	(void)m;
	(void)b;
	(void)l;
	(*(size_t *)priv)++;
	return ODJ_OK;
}

static void partial_file_of_a_killed_run_gives_its_blobs(void **state)
{
	struct fixture *f = *state;
	struct odj_bundle_writer *w = sealed_writer(f);
	char *partial = talloc_strdup(f->b.mem, odj_bundle_partial_path(w));
	talloc_free(w); /* killed: never finished */
	struct odj_secret *bytes = file(f, partial), *plain;
	/* Read as a finished bundle, it is refused: the final chunk is missing. */
	assert_int_equal(odj_bundle_open_bytes(f->b.ctx, f->b.mem, bytes, f->pass, false, &plain), ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(f->b.ctx)->message, "final chunk is missing"));
	assert_int_equal(odj_bundle_open_bytes(f->b.ctx, f->b.mem, bytes, f->pass, true, &plain), ODJ_OK);
	size_t n = 0, count = 0;
	assert_int_equal(odj_bundle_salvage(f->b.ctx, f->b.mem, odj_secret_data(plain), odj_secret_len(plain),
					    count_blob, &n, &count),
			 ODJ_OK);
	assert_int_equal(count, 1);
	assert_int_equal(n, 1);
}

static void damage_is_refused(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(odj_bundle_finish(sealed_writer(f)), ODJ_OK);
	struct odj_secret *bytes = file(f, f->b.path), *plain;
	size_t len = odj_secret_len(bytes);
	/* A byte flipped in the header's key check, salt, stream header, or any chunk. */
	size_t tried = 0, refused = 0;
	for (size_t i = 12; i < len; i += (i < 84 ? 8 : 61)) {
		struct odj_secret *c = odj_secret_dup(f->b.mem, odj_secret_data(bytes), len);
		odj_secret_data(c)[i] ^= 0x20;
		tried++;
		if (odj_bundle_open_bytes(f->b.ctx, f->b.mem, c, f->pass, false, &plain) != ODJ_OK)
			refused++;
		else
			print_message("flip at %zu of %zu not refused\n", i, len);
		talloc_free(c);
	}
	assert_true(tried > 10);
	assert_int_equal(refused, tried);
	/* Cut anywhere after the header: refused unless read as a partial file. */
	size_t cuts = 0;
	for (size_t l = 84; l < len; l += 97) {
		struct odj_secret *c = odj_secret_dup(f->b.mem, odj_secret_data(bytes), l);
		assert_int_equal(odj_bundle_open_bytes(f->b.ctx, f->b.mem, c, f->pass, false, &plain), ODJ_E_INPUT);
		assert_int_equal(odj_error_get(f->b.ctx)->status, ODJ_NERR_BadOfflineJoinInfo);
		talloc_free(c);
		cuts++;
	}
	assert_true(cuts > 5);
	/* A byte after the final chunk. */
	struct odj_secret *longer = odj_secret_new(f->b.mem, len + 1);
	memcpy(odj_secret_data(longer), odj_secret_data(bytes), len);
	assert_int_equal(odj_bundle_open_bytes(f->b.ctx, f->b.mem, longer, f->pass, false, &plain), ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(f->b.ctx)->message, "after the final chunk"));
}

static void passphrase_file_rules(void **state)
{
	struct fixture *f = *state;
	char *p = talloc_asprintf(f->b.mem, "%s/pass", f->b.dir);
	FILE *fp = fopen(p, "w");
	fputs("correct horse battery staple\nsecond line ignored\n", fp);
	fclose(fp);
	struct odj_secret *s;
	chmod(p, 0644);
	assert_int_equal(odj_passphrase_read_file(f->b.ctx, f->b.mem, p, &s), ODJ_E_INPUT);
	assert_int_equal(odj_error_get(f->b.ctx)->status, ODJ_ERROR_ACCESS_DENIED);
	chmod(p, 0600);
	assert_int_equal(odj_passphrase_read_file(f->b.ctx, f->b.mem, p, &s), ODJ_OK);
	assert_true(odj_secret_equal(s, f->pass));
	fp = fopen(p, "w");
	fputs("short\n", fp);
	fclose(fp);
	assert_int_equal(odj_passphrase_read_file(f->b.ctx, f->b.mem, p, &s), ODJ_E_INPUT);
	assert_int_equal(odj_error_get(f->b.ctx)->status, ODJ_ERROR_INVALID_PASSWORD);
}

UNIT_MAIN(
	FIXTURE_TEST(round_trip),
	FIXTURE_TEST(wrong_or_missing_passphrase_is_one_clear_error),
	FIXTURE_TEST(partial_file_of_a_killed_run_gives_its_blobs),
	FIXTURE_TEST(damage_is_refused),
	FIXTURE_TEST(passphrase_file_rules),
)
