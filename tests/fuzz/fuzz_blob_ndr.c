/*
 * Fuzz target: the NDR decoder and encoder on raw bytes (the base64-decoded
 * blob), seeded with the vectors' .bin files.  Checked besides memory
 * safety: a failure leaves no output and a blob status; what decodes
 * re-encodes, and encoding is stable (encode(decode(encode(x))) ==
 * encode(x)); strict decoding of odj's Linux part never accepts what the
 * default decoding rejects.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/odj.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision *prov = (void *)mem, *strict = (void *)mem;
	struct odj_blob_decode_options strict_opts = ODJ_BLOB_DECODE_OPTIONS_INIT;
	strict_opts.strict_linux_part = true;

	odj_result r = odj_blob_decode(ctx, mem, data, size, &prov);
	if (r != ODJ_OK) {
		const struct odj_error *e = odj_error_get(ctx);
		check(r == ODJ_E_INPUT && prov == NULL && e->message != NULL);
		check(e->status == ODJ_NERR_BadOfflineJoinInfo || e->status == ODJ_NERR_NoOfflineJoinInfo ||
		      e->status == ODJ_NERR_ProvisioningBlobUnsupported);
	}
	odj_error_clear(ctx);
	odj_result rs = odj_blob_decode_opts(ctx, mem, data, size, &strict_opts, &strict);
	check(rs != ODJ_OK || r == ODJ_OK);
	odj_error_clear(ctx);

	if (r == ODJ_OK) {
		struct odj_secret *once, *twice;
		struct odj_provision *again;
		check(odj_blob_encode(ctx, mem, prov, NULL, &once) == ODJ_OK);
		check(odj_blob_decode(ctx, mem, odj_secret_data(once), odj_secret_len(once), &again) ==
		      ODJ_OK);
		check(odj_blob_encode(ctx, mem, again, NULL, &twice) == ODJ_OK);
		check(odj_secret_equal(once, twice));
	}
	talloc_free(mem);
	return 0;
}
