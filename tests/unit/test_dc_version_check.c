/*
 * One version check for every versioned request and options struct: each
 * entry point accepts the versions 1 to its current one and refuses any
 * other the same way (ODJ_E_UNEXPECTED, ERROR_INVALID_LEVEL, "<struct>
 * version N: this library knows versions 1 to C"), before anything else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <odj/apply.h>
#include <odj/blob.h>
#include <odj/bulk.h>
#include <odj/password.h>
#include <odj/prepare.h>

#include "unit_main.h"

struct entry {
	const char *what;
	unsigned current;
	/* calls the entry point with the request at version v */
	odj_result (*call)(struct odj_ctx *ctx, TALLOC_CTX *mem, unsigned v);
};

/* The verbs: an otherwise empty request, which fails after the version check. */
#define VERB(fn, type, init, entry)                                                   \
	static odj_result fn(struct odj_ctx *ctx, TALLOC_CTX *mem, unsigned v)         \
	{                                                                              \
		struct type req = init;                                                \
		req.in.version = v;                                                    \
		return entry(ctx, mem, &req);                                          \
	}
VERB(check, odj_check_req, ODJ_CHECK_REQ_INIT, odj_prepare_check)
VERB(provision, odj_provision_req, ODJ_PROVISION_REQ_INIT, odj_provision_account)
VERB(bulk, odj_bulk_req, ODJ_BULK_REQ_INIT, odj_bulk_provision)
VERB(apply, odj_apply_req, ODJ_APPLY_REQ_INIT, odj_apply)

static odj_result password(struct odj_ctx *ctx, TALLOC_CTX *mem, unsigned v)
{
	struct odj_password_opts opts = ODJ_PASSWORD_OPTS_INIT;
	opts.version = v;
	struct odj_secret *out = NULL;
	return odj_password_random(ctx, mem, &opts, &out);
}

static odj_result decode(struct odj_ctx *ctx, TALLOC_CTX *mem, unsigned v)
{
	struct odj_blob_decode_options opts = ODJ_BLOB_DECODE_OPTIONS_INIT;
	opts.version = v;
	struct odj_provision *out = NULL;
	static const uint8_t junk[4];
	return odj_blob_decode_opts(ctx, mem, junk, sizeof(junk), &opts, &out);
}

static odj_result encode(struct odj_ctx *ctx, TALLOC_CTX *mem, unsigned v)
{
	struct odj_blob_encode_options opts = ODJ_BLOB_ENCODE_OPTIONS_INIT;
	opts.version = v;
	struct odj_provision prov;
	memset(&prov, 0, sizeof(prov));
	struct odj_secret *out = NULL;
	return odj_blob_encode(ctx, mem, &prov, &opts, &out);
}

static const struct entry entries[] = {
	{"odj_check_req", ODJ_CHECK_VERSION, check},
	{"odj_provision_req", ODJ_PROVISION_VERSION, provision},
	{"odj_bulk_req", ODJ_BULK_VERSION, bulk},
	{"odj_apply_req", ODJ_APPLY_VERSION, apply},
	{"odj_password_opts", ODJ_PASSWORD_OPTS_VERSION, password},
	{"odj_blob_decode_options", ODJ_BLOB_DECODE_OPTIONS_VERSION, decode},
	{"odj_blob_encode_options", ODJ_BLOB_ENCODE_OPTIONS_VERSION, encode},
};

static void unknown_versions_fail_alike(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		const struct entry *e = &entries[i];
		unsigned bad[] = {0, e->current + 1, 0xffffffffu};
		for (size_t k = 0; k < 3; k++) {
			TALLOC_CTX *mem = talloc_new(NULL);
			struct odj_ctx *ctx = odj_ctx_new(mem);
			odj_result r = e->call(ctx, mem, bad[k]);
			const struct odj_error *err = odj_error_get(ctx);
			char want[128];
			snprintf(want, sizeof(want), "%s version %u: this library knows versions 1 to %u",
				 e->what, bad[k], e->current);
			assert_int_equal(r, ODJ_E_UNEXPECTED);
			assert_int_equal(err->status, ODJ_ERROR_INVALID_LEVEL);
			assert_string_equal(err->message, want);
			talloc_free(mem);
		}
	}
}

static void known_versions_pass_the_check(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		const struct entry *e = &entries[i];
		for (unsigned v = 1; v <= e->current; v++) {
			TALLOC_CTX *mem = talloc_new(NULL);
			struct odj_ctx *ctx = odj_ctx_new(mem);
			e->call(ctx, mem, v); /* may fail later, on the empty request: not on its version */
			assert_int_not_equal(odj_error_get(ctx)->status, ODJ_ERROR_INVALID_LEVEL);
			talloc_free(mem);
		}
	}
}

UNIT_MAIN(
	cmocka_unit_test(unknown_versions_fail_alike),
	cmocka_unit_test(known_versions_pass_the_check),
)
