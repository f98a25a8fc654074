/* The per-call error context. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/error.h>

#include "unit_main.h"

static void fail_records_row_message_and_doing(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	assert_int_equal(odj_error_get(ctx)->result, ODJ_OK);

	odj_doing(ctx, "getting a ticket for %s", "cifs/dc1.odj.test");
	odj_result r = odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NETNAME_DELETED,
				"the KDC at %s did not answer", "127.0.0.2:88");
	assert_int_equal(r, ODJ_E_NETWORK);
	odj_error_detail(ctx, "sent %d bytes", 1791);
	odj_error_detail(ctx, "acknowledged");
	odj_error_advice(ctx, "a firewall dropping Kerberos replies");
	odj_error_source(ctx, ODJ_SRC_KRB5, -1765328228L);

	const struct odj_error *e = odj_error_get(ctx);
	assert_int_equal(e->result, ODJ_E_NETWORK);
	assert_int_equal(e->status, 0x40);
	assert_string_equal(e->doing, "getting a ticket for cifs/dc1.odj.test");
	assert_string_equal(e->message, "the KDC at 127.0.0.2:88 did not answer");
	assert_string_equal(e->detail, "sent 1791 bytes; acknowledged");
	assert_int_equal(e->source, ODJ_SRC_KRB5);
	assert_int_equal(e->source_code, -1765328228L);

	char *text = odj_error_format(mem, ctx);
	assert_string_equal(text,
			    "0x40 64 ERROR_NETNAME_DELETED The specified network name is no longer available.\n"
			    "while: getting a ticket for cifs/dc1.odj.test\n"
			    "the KDC at 127.0.0.2:88 did not answer\n"
			    "detail: sent 1791 bytes; acknowledged\n"
			    "check: a firewall dropping Kerberos replies");
	talloc_free(mem);
}

static void a_later_failure_replaces_the_earlier(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_InvalidComputer, "first");
	odj_error_detail(ctx, "first detail");
	odj_doing(ctx, NULL);
	odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists, "second");
	const struct odj_error *e = odj_error_get(ctx);
	assert_int_equal(e->result, ODJ_E_DIRECTORY);
	assert_string_equal(e->message, "second");
	assert_null(e->detail);
	assert_null(e->doing);
	odj_error_clear(ctx);
	assert_int_equal(odj_error_get(ctx)->result, ODJ_OK);
	assert_int_equal(odj_error_get(ctx)->status, 0);
	talloc_free(mem);
}

static void results_are_the_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(ODJ_OK, 0);
	assert_int_equal(ODJ_E_UNEXPECTED, 1);
	assert_int_equal(ODJ_E_INPUT, 2);
	assert_int_equal(ODJ_E_CREDENTIALS, 3);
	assert_int_equal(ODJ_E_DIRECTORY, 4);
	assert_int_equal(ODJ_E_NETWORK, 5);
	assert_int_equal(ODJ_E_CONFIG, 6);
	assert_int_equal(ODJ_E_PARTIAL, 7);
	assert_string_equal(odj_result_name(ODJ_E_PARTIAL), "partial");
	assert_string_equal(odj_result_name((odj_result)99), "invalid");
}

struct trace_sink {
	int lines;
	char last[128];
};

static void sink(void *priv, const char *line)
{
	struct trace_sink *t = priv;
	t->lines++;
	strncpy(t->last, line, sizeof(t->last) - 1);
}

static void trace_goes_to_the_sink_only_when_set(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct trace_sink t = {0};
	odj_trace(ctx, "dropped %d", 1);
	assert_false(odj_ctx_tracing(ctx));
	odj_ctx_set_trace(ctx, sink, &t);
	odj_trace(ctx, "NetpJoinDomain: status of connecting to dc '%s': 0x%x", "\\\\dc1", 0);
	assert_int_equal(t.lines, 1);
	assert_string_equal(t.last, "NetpJoinDomain: status of connecting to dc '\\\\dc1': 0x0");
	talloc_free(mem);
}

static void contexts_are_independent(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *a = odj_ctx_new(mem), *b = odj_ctx_new(mem);
	odj_fail(a, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER, "a");
	assert_int_equal(odj_error_get(b)->result, ODJ_OK);
	assert_null(odj_error_get(b)->message);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(fail_records_row_message_and_doing),
	cmocka_unit_test(a_later_failure_replaces_the_earlier),
	cmocka_unit_test(results_are_the_exit_codes),
	cmocka_unit_test(trace_goes_to_the_sink_only_when_set),
	cmocka_unit_test(contexts_are_independent),
)
