/*
 * The netlogon ping over a real UDP socket, against a fake DC in a thread
 * that answers with the recorded replies (tests/vectors/cldap), and the
 * argument checks of odj_locate_dc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <odj/locate.h>

#include "unit_main.h"

enum fake_mode {
	FAKE_ANSWER,        /* a stale reply, then the recorded one */
	FAKE_SILENT,        /* reads requests, never answers */
	FAKE_WRONG_DOMAIN,  /* SearchResultDone only */
	FAKE_GARBAGE,       /* a datagram that is not LDAP */
};

struct fake_dc {
	int fd;
	int family; /* AF_INET (127.0.0.1) or AF_INET6 (::1) */
	uint16_t port;
	enum fake_mode mode;
	uint8_t reply[512];
	size_t reply_len;
	unsigned requests;
	pthread_t thread;
};

static void load(struct fake_dc *dc, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/cldap/%s", getenv("ODJ_TESTDATA"), name);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	dc->reply_len = fread(dc->reply, 1, sizeof(dc->reply), fp);
	fclose(fp);
}

/*
 * The recorded reply with its message id 0x1267 replaced by id (encoded as
 * the request encoded it).  Every message there starts 30 LL 02 02 12 67.
 */
static size_t with_msgid(const struct fake_dc *dc, const uint8_t *id, size_t id_len,
			 uint8_t *out)
{
	size_t n = 0;
	for (size_t pos = 0; pos < dc->reply_len;) {
		size_t size = 2 + dc->reply[pos + 1];
		size_t rest = size - 6;
		out[n++] = 0x30;
		out[n++] = (uint8_t)(2 + id_len + rest);
		out[n++] = 0x02;
		out[n++] = (uint8_t)id_len;
		memcpy(out + n, id, id_len);
		n += id_len;
		memcpy(out + n, dc->reply + pos + 6, rest);
		n += rest;
		pos += size;
	}
	return n;
}

static void *fake_dc_main(void *arg)
{
	struct fake_dc *dc = arg;
	for (;;) {
		uint8_t req[512], out[600];
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof(from);
		ssize_t n = recvfrom(dc->fd, req, sizeof(req), 0, (struct sockaddr *)&from, &fromlen);
		if (n <= 0 || req[0] != 0x30)
			return NULL; /* shut down, or the stop datagram */
		dc->requests++;
		const uint8_t *id = req + 4;
		size_t id_len = req[3];
		if (dc->mode == FAKE_SILENT)
			continue;
		if (dc->mode == FAKE_GARBAGE) {
			sendto(dc->fd, "\x04\x02hi", 4, 0, (struct sockaddr *)&from, fromlen);
			continue;
		}
		/* First an answer to some other request: it must be skipped. */
		uint8_t other[2] = {0x7f, 0x7f};
		size_t len = with_msgid(dc, other, 2, out);
		sendto(dc->fd, out, len, 0, (struct sockaddr *)&from, fromlen);
		len = with_msgid(dc, id, id_len, out);
		sendto(dc->fd, out, len, 0, (struct sockaddr *)&from, fromlen);
	}
}

/* The loopback address of family, on port. */
static socklen_t loopback(int family, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s4->sin_port = htons(port);
	return sizeof(*s4);
}

static struct fake_dc *fake_dc_start_on(int family, enum fake_mode mode, const char *vector)
{
	struct fake_dc *dc = calloc(1, sizeof(*dc));
	dc->mode = mode;
	dc->family = family;
	if (vector)
		load(dc, vector);
	dc->fd = socket(family, SOCK_DGRAM, 0);
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, 0, &ss);
	assert_int_equal(bind(dc->fd, (struct sockaddr *)&ss, len), 0);
	getsockname(dc->fd, (struct sockaddr *)&ss, &len);
	dc->port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					    : ((struct sockaddr_in *)&ss)->sin_port);
	assert_int_equal(pthread_create(&dc->thread, NULL, fake_dc_main, dc), 0);
	return dc;
}

static struct fake_dc *fake_dc_start(enum fake_mode mode, const char *vector)
{
	return fake_dc_start_on(AF_INET, mode, vector);
}

static void fake_dc_stop(struct fake_dc *dc)
{
	/* A datagram that is not a request ends the thread. */
	int s = socket(dc->family, SOCK_DGRAM, 0);
	struct sockaddr_storage ss;
	socklen_t len = loopback(dc->family, dc->port, &ss);
	sendto(s, "x", 1, 0, (struct sockaddr *)&ss, len);
	close(s);
	pthread_join(dc->thread, NULL);
	close(dc->fd);
	free(dc);
}

static void ping_skips_stale_replies_and_decodes_the_answer(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct fake_dc *dc = fake_dc_start(FAKE_ANSWER, "reply-msgid-1267.dgram");
	struct odj_cldap_ping_req req = {
		.in = {.address = "127.0.0.1", .port = dc->port, .domain = "odj.test"}};
	assert_int_equal(odj_cldap_ping(ctx, mem, &req), ODJ_OK);
	assert_int_equal(req.out.tries, 1);
	assert_int_equal(req.out.info->flags, 0x13fd);
	assert_string_equal(req.out.info->dc_host, "dc1.odj.test");
	assert_string_equal(req.out.info->netbios_domain, "ODJ");
	fake_dc_stop(dc);
	talloc_free(mem);
}

/* A DC given by an IPv6 address is pinged over IPv6. */
static void ping_over_ipv6(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct fake_dc *dc = fake_dc_start_on(AF_INET6, FAKE_ANSWER, "reply-msgid-1267.dgram");
	struct odj_cldap_ping_req req = {.in = {.address = "::1", .port = dc->port, .domain = "odj.test"}};
	assert_int_equal(odj_cldap_ping(ctx, mem, &req), ODJ_OK);
	assert_string_equal(req.out.info->dc_host, "dc1.odj.test");
	assert_int_equal(dc->requests, 1);
	fake_dc_stop(dc);
	talloc_free(mem);
}

static void ping_reports_an_unknown_account(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct fake_dc *dc = fake_dc_start(FAKE_ANSWER, "reply-user-unknown.dgram");
	struct odj_cldap_ping_req req = {
		.in = {.address = "127.0.0.1", .port = dc->port, .domain = "odj.test", .user = "NOPE$"}};
	assert_int_equal(odj_cldap_ping(ctx, mem, &req), ODJ_OK);
	assert_false(req.out.info->user_exists);
	assert_string_equal(req.out.info->user, "NOPE$");
	fake_dc_stop(dc);
	talloc_free(mem);
}

static void a_silent_dc_times_out_after_every_try(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct fake_dc *dc = fake_dc_start(FAKE_SILENT, NULL);
	struct odj_cldap_ping_req req = {.in = {.address = "127.0.0.1",
						.port = dc->port,
						.domain = "odj.test",
						.timeout_ms = 100,
						.tries = 3}};
	assert_int_equal(odj_cldap_ping(ctx, mem, &req), ODJ_E_NETWORK);
	const struct odj_error *e = odj_error_get(ctx);
	assert_int_equal(e->status, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND);
	assert_non_null(strstr(e->message, "no domain controller at 127.0.0.1 answered"));
	assert_non_null(strstr(e->detail, "3 of 3 tries"));
	assert_int_equal(req.out.tries, 3);
	assert_true(req.out.elapsed_ms >= 300 && req.out.elapsed_ms < 1500);
	fake_dc_stop(dc);
	talloc_free(mem);
}

static void a_dc_of_another_domain_is_no_such_domain(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct fake_dc *dc = fake_dc_start(FAKE_WRONG_DOMAIN, "reply-wrong-domain.dgram");
	struct odj_cldap_ping_req req = {
		.in = {.address = "127.0.0.1", .port = dc->port, .domain = "nosuch.example"}};
	assert_int_equal(odj_cldap_ping(ctx, mem, &req), ODJ_E_NETWORK);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_NO_SUCH_DOMAIN);
	assert_string_equal(odj_error_get(ctx)->message,
			    "the DC at 127.0.0.1 does not serve nosuch.example");
	fake_dc_stop(dc);
	talloc_free(mem);
}

static void garbage_from_the_dc_is_invalid_data(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct fake_dc *dc = fake_dc_start(FAKE_GARBAGE, NULL);
	struct odj_cldap_ping_req req = {
		.in = {.address = "127.0.0.1", .port = dc->port, .domain = "odj.test"}};
	assert_int_equal(odj_cldap_ping(ctx, mem, &req), ODJ_E_NETWORK);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_INVALID_DATA);
	assert_null(req.out.info);
	fake_dc_stop(dc);
	talloc_free(mem);
}

static void a_closed_port_fails_at_once(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	/* A port that was just free: nothing listens there. */
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	socklen_t len = sizeof(sin);
	getsockname(s, (struct sockaddr *)&sin, &len);
	close(s);
	struct odj_cldap_ping_req req = {.in = {.address = "127.0.0.1",
						.port = ntohs(sin.sin_port),
						.domain = "odj.test",
						.timeout_ms = 2000}};
	assert_int_equal(odj_cldap_ping(ctx, mem, &req), ODJ_E_NETWORK);
	const struct odj_error *e = odj_error_get(ctx);
	assert_int_equal(e->status, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND);
	assert_non_null(strstr(e->message, "refused"));
	assert_int_equal(e->source, ODJ_SRC_ERRNO);
	assert_true(req.out.elapsed_ms < 1000);
	talloc_free(mem);
}

static void bad_arguments_are_input_errors(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_cldap_ping_req ping = {.in = {.address = "dc1.odj.test", .domain = "odj.test"}};
	assert_int_equal(odj_cldap_ping(ctx, mem, &ping), ODJ_E_INPUT);

	const char *bad[] = {"", "bad domain", "odj..test", ".odj.test", "odj.test;rm", NULL};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct odj_locate_dc_req req = {.in = {.domain = bad[i]}};
		assert_int_equal(odj_locate_dc(ctx, mem, &req), ODJ_E_INPUT);
		assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_INVALID_DOMAINNAME);
		assert_null(req.out.dc_name);
	}
	/* A pinned DC whose name does not resolve. */
	struct odj_locate_dc_req req = {.in = {.domain = "odj.test", .dc = "no-such-host.invalid"}};
	assert_int_equal(odj_locate_dc(ctx, mem, &req), ODJ_E_NETWORK);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND);
	assert_non_null(strstr(odj_error_get(ctx)->message, "no-such-host.invalid"));
	assert_string_equal(odj_dc_found_by_name(ODJ_DC_FOUND_BY_SRV), "SRV");
	assert_string_equal(odj_dc_found_by_name(ODJ_DC_FOUND_BY_GIVEN), "given");
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(ping_skips_stale_replies_and_decodes_the_answer),
	cmocka_unit_test(ping_over_ipv6),
	cmocka_unit_test(ping_reports_an_unknown_account),
	cmocka_unit_test(a_silent_dc_times_out_after_every_try),
	cmocka_unit_test(a_dc_of_another_domain_is_no_such_domain),
	cmocka_unit_test(garbage_from_the_dc_is_invalid_data),
	cmocka_unit_test(a_closed_port_fails_at_once),
	cmocka_unit_test(bad_arguments_are_input_errors),
)
