/*
 * Fuzz target: salvage of an unfinished bundle (odj-prepare --skip-existing
 * reading FILE.partial-XXXXXX).
 * Covers: blob/bundle.c blob/bundle_salvage.c
 * Salvage never fails on a truncated or damaged tail; what it gives back is
 * the blobs of a prefix: cutting the input shorter never yields more, and
 * each machine it names decodes from its own blob.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/bundle.h>
#include <odj/odj.h>

#include "fuzz.h"

struct seen {
	struct odj_ctx *ctx;
	size_t n;
};

static odj_result each(void *priv, const struct odj_bundle_machine *m, const uint8_t *blob, size_t len)
{
	struct seen *s = priv;
	check(m->machine != NULL && m->file != NULL && len > 0);
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_provision *p = NULL;
	check(odj_blob_load(s->ctx, mem, blob, len, &p) == ODJ_OK);
	talloc_free(mem);
	s->n++;
	return ODJ_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct seen all = {ctx, 0};
	size_t count = 0;
	odj_result r = odj_bundle_salvage(ctx, mem, data, size, each, &all, &count);
	if (r != ODJ_OK) {
		const struct odj_error *e = odj_error_get(ctx);
		check(r == ODJ_E_INPUT && e->status == ODJ_NERR_BadOfflineJoinInfo);
		odj_error_clear(ctx);
	}
	check(count == all.n);
	if (r == ODJ_OK && size > 0) {
		struct seen half = {ctx, 0};
		size_t n2 = 0;
		odj_result r2 = odj_bundle_salvage(ctx, mem, data, size / 2, each, &half, &n2);
		check(r2 == ODJ_OK && n2 <= count); /* a prefix of good data is good data */
	}
	talloc_free(mem);
	return 0;
}
