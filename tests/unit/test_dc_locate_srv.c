/* The DNS SRV answer parser, on answers built here byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <odj/locate.h>

#include "unit_main.h"

#define QNAME "_ldap._tcp.dc._msdcs.odj.test"
#define QNAME_OFFSET 12

struct msg {
	uint8_t b[2048];
	size_t len;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->len + n <= sizeof(m->b));
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void put16(struct msg *m, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(m, b, 2);
}

static void put_name(struct msg *m, const char *dotted)
{
	char copy[256];
	strcpy(copy, dotted);
	for (char *save, *label = strtok_r(copy, ".", &save); label; label = strtok_r(NULL, ".", &save)) {
		uint8_t n = (uint8_t)strlen(label);
		put(m, &n, 1);
		put(m, label, n);
	}
	uint8_t zero = 0;
	put(m, &zero, 1);
}

/* Header (response, rcode) and the question; answers are added after. */
static void start(struct msg *m, unsigned rcode, unsigned answers)
{
	m->len = 0;
	put16(m, 0x4242);
	put16(m, 0x8180 | rcode);
	put16(m, 1);
	put16(m, answers);
	put16(m, 0);
	put16(m, 0);
	put_name(m, QNAME);
	put16(m, 33);
	put16(m, 1);
}

/*
 * An SRV answer for the question name.  suffix_ptr, if not 0, is where
 * "odj.test" was written before: the target is then label + pointer.
 */
static void add_srv(struct msg *m, unsigned prio, unsigned weight, unsigned port,
		    const char *label, size_t suffix_ptr)
{
	put16(m, 0xc000 | QNAME_OFFSET);
	put16(m, 33);
	put16(m, 1);
	put16(m, 0);
	put16(m, 600);
	size_t rdlen_at = m->len;
	put16(m, 0);
	put16(m, prio);
	put16(m, weight);
	put16(m, port);
	if (suffix_ptr) {
		uint8_t n = (uint8_t)strlen(label);
		put(m, &n, 1);
		put(m, label, n);
		put16(m, 0xc000 | suffix_ptr);
	} else {
		put_name(m, label);
	}
	size_t rdlen = m->len - rdlen_at - 2;
	m->b[rdlen_at] = (uint8_t)(rdlen >> 8);
	m->b[rdlen_at + 1] = (uint8_t)rdlen;
}

/* Offset of "odj.test" inside the question name. */
static size_t suffix_offset(void)
{
	return QNAME_OFFSET + strlen("_ldap._tcp.dc._msdcs.") + 0;
}

static void sorted_by_priority_then_weight(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct msg m;
	start(&m, 0, 5);
	add_srv(&m, 10, 0, 389, "dc4", suffix_offset());
	add_srv(&m, 0, 50, 389, "dc2", suffix_offset());
	add_srv(&m, 0, 100, 389, "dc1.odj.test", 0);
	add_srv(&m, 10, 5, 3268, "dc3", suffix_offset());
	add_srv(&m, 0, 50, 389, "dc2b", suffix_offset());
	struct odj_srv_list *list;
	assert_int_equal(odj_dns_srv_parse(ctx, mem, m.b, m.len, &list), ODJ_OK);
	assert_int_equal(list->count, 5);
	const char *want[] = {"dc1.odj.test", "dc2.odj.test", "dc2b.odj.test", "dc3.odj.test",
			      "dc4.odj.test"};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(list->records[i].target, want[i]);
	assert_int_equal(list->records[0].priority, 0);
	assert_int_equal(list->records[0].weight, 100);
	assert_int_equal(list->records[3].port, 3268);
	assert_int_equal(list->records[4].priority, 10);
	talloc_free(mem);
}

static void other_types_and_dot_targets_are_skipped(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct msg m;
	start(&m, 0, 3);
	/* A CNAME on the way, then "." (not offered), then one real record. */
	put16(&m, 0xc000 | QNAME_OFFSET);
	put16(&m, 5);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 60);
	put16(&m, 2);
	put16(&m, 0xc000 | suffix_offset());
	add_srv(&m, 0, 0, 0, "", 0);
	add_srv(&m, 5, 1, 389, "dc9", suffix_offset());
	struct odj_srv_list *list;
	assert_int_equal(odj_dns_srv_parse(ctx, mem, m.b, m.len, &list), ODJ_OK);
	assert_int_equal(list->count, 1);
	assert_string_equal(list->records[0].target, "dc9.odj.test");

	/* Only the question: an empty list, not an error. */
	start(&m, 0, 0);
	assert_int_equal(odj_dns_srv_parse(ctx, mem, m.b, m.len, &list), ODJ_OK);
	assert_int_equal(list->count, 0);
	talloc_free(mem);
}

static void nxdomain_is_no_such_domain(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct msg m;
	start(&m, 3, 0);
	struct odj_srv_list *list = NULL;
	assert_int_equal(odj_dns_srv_parse(ctx, mem, m.b, m.len, &list), ODJ_E_NETWORK);
	assert_null(list);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_NO_SUCH_DOMAIN);
	assert_non_null(strstr(odj_error_get(ctx)->message, "NXDOMAIN"));
	talloc_free(mem);
}

static void truncated_answers_are_rejected(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct msg m;
	start(&m, 0, 2);
	add_srv(&m, 0, 100, 389, "dc1", suffix_offset());
	add_srv(&m, 0, 100, 389, "dc2.odj.test", 0);
	for (size_t cut = 0; cut < m.len; cut++) {
		uint8_t *copy = talloc_memdup(mem, m.b, cut ? cut : 1);
		struct odj_srv_list *list = NULL;
		odj_result rc = odj_dns_srv_parse(ctx, mem, copy, cut, &list);
		assert_int_equal(rc, ODJ_E_NETWORK);
		assert_null(list);
		assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_INVALID_DATA);
		talloc_free(copy);
	}
	talloc_free(mem);
}

static void bad_target_names_are_rejected(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_srv_list *list = NULL;
	struct msg m;
	/*
	 * An rdlength that ends inside the target name: the name's pointer is
	 * the owner name of the next record (an additional A record), so the
	 * message as a whole is consistent.
	 */
	start(&m, 0, 1);
	m.b[11] = 1; /* ARCOUNT */
	put16(&m, 0xc000 | QNAME_OFFSET);
	put16(&m, 33);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 60);
	put16(&m, 6 + 4);
	put16(&m, 0);
	put16(&m, 100);
	put16(&m, 389);
	put(&m, "\x03" "dc1", 4);
	put16(&m, 0xc000 | suffix_offset());
	put16(&m, 1);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 60);
	put16(&m, 4);
	put(&m, "\x7f\x00\x00\x04", 4);
	assert_int_equal(odj_dns_srv_parse(ctx, mem, m.b, m.len, &list), ODJ_E_NETWORK);
	assert_non_null(strstr(odj_error_get(ctx)->message, "bad target name"));
	/* A target pointer looping on itself. */
	start(&m, 0, 1);
	add_srv(&m, 0, 100, 389, "x", 0);
	size_t at = m.len - 3; /* the "x" label */
	m.b[at] = 0xc0;
	m.b[at + 1] = (uint8_t)at;
	m.b[at + 2] = 0;
	assert_int_equal(odj_dns_srv_parse(ctx, mem, m.b, m.len, &list), ODJ_E_NETWORK);
	/* Too short for priority, weight and port. */
	start(&m, 0, 1);
	put16(&m, 0xc000 | QNAME_OFFSET);
	put16(&m, 33);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 60);
	put16(&m, 4);
	put16(&m, 0);
	put16(&m, 0);
	assert_int_equal(odj_dns_srv_parse(ctx, mem, m.b, m.len, &list), ODJ_E_NETWORK);
	assert_null(list);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_INVALID_DATA);
	/* Nothing at all. */
	assert_int_equal(odj_dns_srv_parse(ctx, mem, NULL, 0, &list), ODJ_E_NETWORK);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(sorted_by_priority_then_weight),
	cmocka_unit_test(other_types_and_dot_targets_are_skipped),
	cmocka_unit_test(nxdomain_is_no_such_domain),
	cmocka_unit_test(truncated_answers_are_rejected),
	cmocka_unit_test(bad_target_names_are_rejected),
)
