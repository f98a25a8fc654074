/*
 * A signed or sealed blob, a request and a request key as they come from
 * outside (a USB stick, a mail, an image root) through their parsers.  What
 * decodes must re-encode to the same bytes: the layout has one form.
 * Covers: blob/seal_wire.c blob/seal_text.c libjoin/core/seal_request.c
 */
#include <string.h>

#include <odj/odj.h>
#include <odj/seal.h>

#include "seal_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_envelope *env;
	if (odj_envelope_decode(ctx, mem, data, size, &env) == ODJ_OK) {
		size_t len;
		uint8_t *again = odj_envelope_encode_unsigned(mem, env, &len);
		if (again == NULL || len != env->signed_len || memcmp(again, env->bytes, len) != 0 ||
		    env->payload_len > ODJ_SEAL_PAYLOAD_MAX || env->signed_len + 64 != env->len)
			__builtin_trap();
	}
	struct odj_request *req;
	if (odj_request_parse(ctx, mem, data, size, &req) == ODJ_OK) {
		char *text = odj_request_format(mem, req);
		struct odj_request *back;
		if (text == NULL ||
		    odj_request_parse(ctx, mem, (const uint8_t *)text, strlen(text), &back) != ODJ_OK ||
		    memcmp(back, req, sizeof(*req)) != 0)
			__builtin_trap();
	}
	struct odj_kv_field f[] = {{"machine", NULL}, {"secret", NULL}};
	(void)odj_kv_parse(ctx, mem, "fuzz", data, size, "odj-request-key 1", f, 2);
	talloc_free(mem);
	return 0;
}
