/*
 * Fuzz target: the bundle reader (odj-inspect --bundle, odj-apply --bundle).
 * Covers: blob/bundle.c
 * A bundle that reads must give every machine of its manifest back by name,
 * the same bytes foreach sees; one that fails must fail with a bundle status
 * and no output.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <odj/bundle.h>
#include <odj/odj.h>

#include "fuzz.h"

struct seen {
	struct odj_ctx *ctx;
	const uint8_t *data;
	size_t size;
	size_t n;
};

static odj_result each(void *priv, const struct odj_bundle_machine *m, const uint8_t *blob, size_t len)
{
	struct seen *s = priv;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_secret *got = NULL;
	check(odj_bundle_extract(s->ctx, mem, s->data, s->size, m->machine, &got) == ODJ_OK);
	check(odj_secret_len(got) == len && memcmp(odj_secret_data(got), blob, len) == 0);
	talloc_free(mem);
	s->n++;
	return ODJ_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_bundle_manifest *m = (void *)mem;
	odj_result r = odj_bundle_read_manifest(ctx, mem, data, size, &m);
	if (r != ODJ_OK) {
		const struct odj_error *e = odj_error_get(ctx);
		check(r == ODJ_E_INPUT && m == NULL && e->message != NULL);
		check(e->status == ODJ_NERR_BadOfflineJoinInfo);
		struct odj_secret *blob = (void *)mem;
		check(odj_bundle_extract(ctx, mem, data, size, "PC1", &blob) == ODJ_E_INPUT &&
		      blob == NULL);
	} else {
		check(m->count <= ODJ_BUNDLE_MAX_MACHINES);
		struct seen s = {ctx, data, size, 0};
		check(odj_bundle_foreach(ctx, mem, data, size, each, &s) == ODJ_OK);
		check(s.n == m->count);
	}
	talloc_free(mem);
	return 0;
}
