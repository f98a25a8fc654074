/*
 * An unfinished bundle keeps every blob added before the writer died, and
 * odj_bundle_salvage reads them back with manifest entries rebuilt from the
 * blobs: after each add, at every truncation, and past damage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <odj/blob.h>
#include <odj/bundle.h>
#include <odj/odj.h>

#include "test_bundle_fixture.h"
#include "unit_main.h"

#define DOMAIN_SID "S-1-5-21-1004336348-1177238915-682003330"

struct fixture {
	struct bundle_fixture b; /* first: mem, ctx, dir, path */
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	char *path;
	struct odj_secret *cli01, *cli02; /* real blob files: Samba's, and odj's with its part */
};

static int setup(void **state)
{
	struct fixture *f = bundle_fixture_new(sizeof(*f));
	f->mem = f->b.mem;
	f->ctx = f->b.ctx;
	f->path = f->b.path;
	f->cli01 = bundle_fixture_vector(&f->b, "samba-4.17-net-offlinejoin-ODJCLI01.odj");
	f->cli02 = bundle_fixture_vector(&f->b, "odj-part-ODJCLI02.odj");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	return bundle_fixture_teardown(state);
}

struct seen {
	TALLOC_CTX *mem;
	size_t n;
	char *machine[4], *sid[4], *dns[4];
	uint32_t kvno[4];
};

static odj_result collect(void *priv, const struct odj_bundle_machine *m, const uint8_t *blob,
			  size_t len)
{
	struct seen *s = priv;
	(void)blob;
	assert_true(len > 0);
	assert_true(s->n < 4);
	s->machine[s->n] = talloc_strdup(s->mem, m->machine);
	s->sid[s->n] = talloc_strdup(s->mem, m->sid);
	s->dns[s->n] = talloc_strdup(s->mem, m->dns_host_name);
	s->kvno[s->n] = m->kvno;
	s->n++;
	return ODJ_OK;
}

static struct odj_secret *read_file(struct fixture *f, const char *path)
{
	struct odj_secret *s = NULL;
	assert_int_equal(odj_blob_read_file(f->ctx, f->mem, path, &s), ODJ_OK);
	return s;
}

static off_t size_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* A new writer for f->path; returns its partial file. */
static char *start(struct fixture *f, struct odj_bundle_writer **w)
{
	assert_int_equal(odj_bundle_create(f->ctx, f->mem, f->path, NULL, w), ODJ_OK);
	return talloc_strdup(f->mem, odj_bundle_partial_path(*w));
}

/* Writes two blobs and dies (frees the writer unfinished); returns the partial file. */
static char *unfinished(struct fixture *f, off_t *after_first)
{
	struct odj_bundle_writer *w = NULL;
	char *partial = start(f, &w);
	assert_non_null(strstr(partial, "/fleet.tgz" ODJ_BUNDLE_PARTIAL));
	struct odj_bundle_machine m1 = {"ODJCLI01", NULL, NULL, 1, NULL};
	struct odj_bundle_machine m2 = {"ODJCLI02", NULL, NULL, 2, NULL};
	assert_int_equal(odj_bundle_add(w, &m1, odj_secret_data(f->cli01), odj_secret_len(f->cli01)),
			 ODJ_OK);
	*after_first = size_of(partial); /* flushed and synced: on disk now */
	assert_int_equal(odj_bundle_add(w, &m2, odj_secret_data(f->cli02), odj_secret_len(f->cli02)),
			 ODJ_OK);
	talloc_free(w);
	assert_int_equal(access(f->path, F_OK), -1); /* the bundle itself never appeared */
	assert_int_equal(access(partial, F_OK), 0);  /* its blobs did not vanish with the run */
	struct stat st;
	assert_int_equal(stat(partial, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	return partial;
}

static void test_partial_file_gives_back_every_blob(void **state)
{
	struct fixture *f = *state;
	off_t first = 0;
	struct odj_secret *b = read_file(f, unfinished(f, &first));
	struct seen s = {.mem = f->mem};
	size_t count = 0;
	assert_int_equal(odj_bundle_salvage(f->ctx, f->mem, odj_secret_data(b), odj_secret_len(b),
					    collect, &s, &count),
			 ODJ_OK);
	assert_int_equal(count, 2);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.machine[0], "ODJCLI01");
	assert_string_equal(s.sid[0], DOMAIN_SID "-1103");
	assert_null(s.dns[0]); /* Samba's blob has no Linux part */
	assert_int_equal(s.kvno[0], 0);
	assert_string_equal(s.machine[1], "ODJCLI02");
	assert_string_equal(s.sid[1], DOMAIN_SID "-1105");
	assert_string_equal(s.dns[1], "odjcli02.odj.test");
	assert_int_equal(s.kvno[1], 2);
	/* what was on disk after the first add holds the first blob whole */
	struct seen s1 = {.mem = f->mem};
	assert_int_equal(odj_bundle_salvage(f->ctx, f->mem, odj_secret_data(b), (size_t)first, collect,
					    &s1, &count),
			 ODJ_OK);
	assert_int_equal(count, 1);
	assert_string_equal(s1.machine[0], "ODJCLI01");
	/* the strict reader still refuses it: it is not a bundle */
	struct odj_bundle_manifest *mf = NULL;
	assert_int_not_equal(odj_bundle_read_manifest(f->ctx, f->mem, odj_secret_data(b),
						      odj_secret_len(b), &mf),
			     ODJ_OK);
	odj_error_clear(f->ctx);
}

static void test_every_truncation_is_clean(void **state)
{
	struct fixture *f = *state;
	off_t first = 0;
	struct odj_secret *b = read_file(f, unfinished(f, &first));
	size_t len = odj_secret_len(b), last = 0;
	for (size_t n = 0; n <= len; n++) {
		struct seen s = {.mem = talloc_new(f->mem)};
		size_t count = 99;
		assert_int_equal(odj_bundle_salvage(f->ctx, s.mem, odj_secret_data(b), n, collect, &s,
						    &count),
				 ODJ_OK);
		assert_true(count >= last && count <= 2); /* never loses a blob it had, never invents */
		if ((off_t)n >= first)
			assert_true(count >= 1);
		last = count;
		talloc_free(s.mem);
	}
	assert_int_equal(last, 2);
}

static void test_damage_stops_or_is_named(void **state)
{
	struct fixture *f = *state;
	off_t first = 0;
	struct odj_secret *b = read_file(f, unfinished(f, &first));
	size_t len = odj_secret_len(b);
	uint8_t *p = odj_secret_data(b);
	/* every byte after the first blob's flush point flipped in turn: the first blob survives
	 * whole, the walk never crashes, and the only error is a named bad member */
	for (size_t i = (size_t)first; i < len; i++) {
		p[i] ^= 0x55;
		struct seen s = {.mem = talloc_new(f->mem)};
		size_t count = 0;
		odj_result r = odj_bundle_salvage(f->ctx, s.mem, p, len, collect, &s, &count);
		if (r != ODJ_OK) {
			assert_int_equal(odj_error_get(f->ctx)->status, ODJ_NERR_BadOfflineJoinInfo);
			odj_error_clear(f->ctx);
		}
		assert_true(s.n >= 1);
		assert_string_equal(s.machine[0], "ODJCLI01");
		p[i] ^= 0x55;
		talloc_free(s.mem);
	}
}

static void test_blob_under_another_name_is_refused(void **state)
{
	struct fixture *f = *state;
	struct odj_bundle_writer *w = NULL;
	char *partial = start(f, &w);
	struct odj_bundle_machine m = {"OTHER01", NULL, NULL, 1, NULL};
	assert_int_equal(odj_bundle_add(w, &m, odj_secret_data(f->cli01), odj_secret_len(f->cli01)),
			 ODJ_OK);
	talloc_free(w);
	struct odj_secret *b = read_file(f, partial);
	struct seen s = {.mem = f->mem};
	assert_int_equal(odj_bundle_salvage(f->ctx, f->mem, odj_secret_data(b), odj_secret_len(b),
					    collect, &s, NULL),
			 ODJ_E_INPUT);
	const struct odj_error *e = odj_error_get(f->ctx);
	assert_int_equal(e->status, ODJ_NERR_BadOfflineJoinInfo);
	assert_non_null(strstr(e->message, "OTHER01.odj"));
	assert_int_equal(s.n, 0);
}

/* A write that fails half-way (the file size limit here, a full disk in life)
 * leaves the writer broken: nothing more goes in, it does not finish, and its
 * partial file still gives back the blob written before. */
static void test_failed_write_breaks_the_writer(void **state)
{
	struct fixture *f = *state;
	struct odj_bundle_writer *w = NULL;
	char *partial = start(f, &w);
	struct odj_bundle_machine m1 = {"ODJCLI01", NULL, NULL, 1, NULL};
	struct odj_bundle_machine m2 = {"ODJCLI02", NULL, NULL, 2, NULL};
	assert_int_equal(odj_bundle_add(w, &m1, odj_secret_data(f->cli01), odj_secret_len(f->cli01)),
			 ODJ_OK);
	struct rlimit old, small = {.rlim_cur = (rlim_t)size_of(partial) + 100};
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	void (*was)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	odj_result r = odj_bundle_add(w, &m2, odj_secret_data(f->cli02), odj_secret_len(f->cli02));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, was);
	assert_int_not_equal(r, ODJ_OK);
	odj_error_clear(f->ctx);
	/* the disk has room again: still nothing goes in, and it does not finish */
	assert_int_not_equal(odj_bundle_add(w, &m2, odj_secret_data(f->cli02), odj_secret_len(f->cli02)),
			     ODJ_OK);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "failed to be written earlier"));
	odj_error_clear(f->ctx);
	assert_int_not_equal(odj_bundle_finish(w), ODJ_OK);
	odj_error_clear(f->ctx);
	talloc_free(w);
	assert_int_equal(access(f->path, F_OK), -1);
	struct odj_secret *b = read_file(f, partial);
	struct seen s = {.mem = f->mem};
	size_t count = 0;
	assert_int_equal(odj_bundle_salvage(f->ctx, f->mem, odj_secret_data(b), odj_secret_len(b),
					    collect, &s, &count),
			 ODJ_OK);
	assert_int_equal(count, 1);
	assert_string_equal(s.machine[0], "ODJCLI01");
}

static void test_finished_bundle_salvages_too(void **state)
{
	struct fixture *f = *state;
	struct odj_bundle_writer *w = NULL;
	assert_int_equal(odj_bundle_create(f->ctx, f->mem, f->path, NULL, &w), ODJ_OK);
	struct odj_bundle_machine m = {"ODJCLI02", NULL, NULL, 2, NULL};
	assert_int_equal(odj_bundle_add(w, &m, odj_secret_data(f->cli02), odj_secret_len(f->cli02)),
			 ODJ_OK);
	assert_int_equal(odj_bundle_finish(w), ODJ_OK);
	assert_null(odj_bundle_partial_path(w));
	struct odj_secret *b = read_file(f, f->path);
	struct seen s = {.mem = f->mem};
	size_t count = 0;
	assert_int_equal(odj_bundle_salvage(f->ctx, f->mem, odj_secret_data(b), odj_secret_len(b),
					    collect, &s, &count),
			 ODJ_OK);
	assert_int_equal(count, 1); /* the manifest is skipped, not taken for a blob */
	char *cmd = talloc_asprintf(f->mem, "test \"$(ls '%s')\" = fleet.tgz", f->b.dir);
	assert_int_equal(system(cmd), 0); /* no partial file left behind */
}

UNIT_MAIN(
	FIXTURE_TEST(test_partial_file_gives_back_every_blob),
	FIXTURE_TEST(test_every_truncation_is_clean),
	FIXTURE_TEST(test_damage_stops_or_is_named),
	FIXTURE_TEST(test_blob_under_another_name_is_refused),
	FIXTURE_TEST(test_failed_write_breaks_the_writer),
	FIXTURE_TEST(test_finished_bundle_salvages_too),
)
