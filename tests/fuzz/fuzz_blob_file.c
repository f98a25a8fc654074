/*
 * Fuzz target: the file and text layer and the NDR decoder behind it
 * (odj_blob_load), as odj-apply meets a blob file.  Whatever loads must
 * save again, and what is saved must load again; whatever fails must fail
 * with a blob status and no output.
 */
#include <stdint.h>
#include <stdlib.h>

#include <odj/blob.h>
#include <odj/odj.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *prov = (void *)mem;
	odj_result r = odj_blob_load(ctx, mem, data, size, &prov);
	if (r != ODJ_OK) {
		const struct odj_error *e = odj_error_get(ctx);
		check(r == ODJ_E_INPUT && prov == NULL && e->message != NULL);
		check(e->status == ODJ_NERR_BadOfflineJoinInfo || e->status == ODJ_NERR_NoOfflineJoinInfo ||
		      e->status == ODJ_NERR_ProvisioningBlobUnsupported);
	} else {
		struct odj_secret *file;
		struct odj_provision *again;
		check(odj_blob_save(ctx, mem, prov, NULL, &file) == ODJ_OK);
		check(odj_blob_load(ctx, mem, odj_secret_data(file), odj_secret_len(file), &again) ==
		      ODJ_OK);
		check(again->count == prov->count);
	}
	talloc_free(mem);
	return 0;
}
