/*
 * odj's KDC transport against small TCP servers on 127.0.0.1 that answer,
 * stay silent, close, or do not exist: each ends within its deadline and the
 * report says what the kernel saw.
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
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kdc_transport.h"
#include "unit_main.h"

enum behaviour { ANSWER, SILENT, CLOSE, BAD_LENGTH };

struct server {
	int listen_fd;
	uint16_t port;
	enum behaviour how;
	pthread_t thread;
	size_t got; /* request bytes read (with the length prefix) */
};

static void *serve(void *arg)
{
	struct server *s = arg;
	int fd = accept(s->listen_fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	uint8_t buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	s->got = n > 0 ? (size_t)n : 0;
	if (s->how == ANSWER) {
		static const uint8_t reply[] = {0, 0, 0, 5, 0x6d, 0x03, 0x02, 0x01, 0x05};
		send(fd, reply, sizeof(reply), MSG_NOSIGNAL);
	} else if (s->how == BAD_LENGTH) {
		static const uint8_t reply[] = {0x80, 0, 0, 5};
		send(fd, reply, sizeof(reply), MSG_NOSIGNAL);
	} else if (s->how == SILENT) {
		sleep(2); /* longer than the client's deadline */
	}
	close(fd);
	return NULL;
}

static void start_server(struct server *s, enum behaviour how)
{
	memset(s, 0, sizeof(*s));
	s->how = how;
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->listen_fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t len = sizeof(a);
	assert_int_equal(getsockname(s->listen_fd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(listen(s->listen_fd, 1), 0);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void stop_server(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->listen_fd);
}

static const uint8_t request[] = {0x6c, 0x82, 0x00, 0x03, 0x01, 0x02, 0x03};

static void answer_is_returned(void **state)
{
	(void)state;
	struct server s;
	start_server(&s, ANSWER);
	struct odj_kdc_target t = {"127.0.0.1", s.port, 1000, 1000};
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *reply = NULL;
	size_t len = 0;
	struct odj_kdc_report rep;
	assert_true(odj_kdc_exchange(mem, &t, request, sizeof(request), &reply, &len, &rep));
	stop_server(&s);
	assert_int_equal(len, 5);
	assert_int_equal(reply[0], 0x6d);
	assert_int_equal(rep.phase, ODJ_KDC_DONE);
	assert_int_equal(s.got, sizeof(request) + 4);
	assert_int_equal(rep.bytes_sent, sizeof(request) + 4);
	/* big-endian length prefix */
	talloc_free(mem);
}

static void silent_peer_times_out_with_the_request_acknowledged(void **state)
{
	(void)state;
	struct server s;
	start_server(&s, SILENT);
	struct odj_kdc_target t = {"127.0.0.1", s.port, 1000, 300};
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *reply = NULL;
	size_t len = 0;
	struct odj_kdc_report rep;
	assert_false(odj_kdc_exchange(mem, &t, request, sizeof(request), &reply, &len, &rep));
	assert_int_equal(rep.phase, ODJ_KDC_REPLY);
	assert_true(rep.timed_out);
	assert_true(rep.ack_ms >= 0 && rep.ack_ms < 300);
	assert_true(rep.elapsed_ms >= 290 && rep.elapsed_ms < 1000);
	assert_int_equal(rep.reply_len, 0);
	assert_true(rep.have_tcp_info);
	assert_int_equal(rep.outq, 0);
	assert_int_equal(rep.bytes_acked, sizeof(request) + 4 + 1); /* + the SYN */
	char *text = odj_kdc_report_describe(mem, &t, &rep);
	printf("%s\n", text);
	assert_non_null(strstr(text, "request of 7 bytes sent and fully acknowledged by the peer"));
	assert_non_null(strstr(text, "0 reply bytes received within 0.3 s"));
	assert_non_null(strstr(text, "SIOCOUTQ=0"));
	stop_server(&s);
	talloc_free(mem);
}

static void closed_connection_is_reported(void **state)
{
	(void)state;
	struct server s;
	start_server(&s, CLOSE);
	struct odj_kdc_target t = {"127.0.0.1", s.port, 1000, 1000};
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *reply = NULL;
	size_t len = 0;
	struct odj_kdc_report rep;
	assert_false(odj_kdc_exchange(mem, &t, request, sizeof(request), &reply, &len, &rep));
	stop_server(&s);
	assert_int_equal(rep.phase, ODJ_KDC_REPLY);
	assert_false(rep.timed_out);
	assert_true(rep.reset_by_peer);
	char *text = odj_kdc_report_describe(mem, &t, &rep);
	assert_non_null(strstr(text, "before the peer closed the connection"));
	talloc_free(mem);
}

static void reserved_length_bit_is_refused(void **state)
{
	(void)state;
	struct server s;
	start_server(&s, BAD_LENGTH);
	struct odj_kdc_target t = {"127.0.0.1", s.port, 1000, 1000};
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *reply = NULL;
	size_t len = 0;
	struct odj_kdc_report rep;
	assert_false(odj_kdc_exchange(mem, &t, request, sizeof(request), &reply, &len, &rep));
	stop_server(&s);
	assert_null(reply);
	talloc_free(mem);
}

static void refused_connection_fails_at_once(void **state)
{
	(void)state;
	/* a port that was just free: bind, learn it, close */
	struct server s;
	memset(&s, 0, sizeof(s));
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(fd, (struct sockaddr *)&a, sizeof(a));
	socklen_t alen = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	close(fd);
	struct odj_kdc_target t = {"127.0.0.1", ntohs(a.sin_port), 1000, 1000};
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *reply = NULL;
	size_t len = 0;
	struct odj_kdc_report rep;
	assert_false(odj_kdc_exchange(mem, &t, request, sizeof(request), &reply, &len, &rep));
	assert_int_equal(rep.phase, ODJ_KDC_CONNECT);
	assert_true(rep.elapsed_ms < 500);
	char *text = odj_kdc_report_describe(mem, &t, &rep);
	assert_non_null(strstr(text, "Connection refused"));
	talloc_free(mem);
}

static void unroutable_address_is_an_error(void **state)
{
	(void)state;
	struct odj_kdc_target t = {"not-an-address", 88, 100, 100};
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t *reply = NULL;
	size_t len = 0;
	struct odj_kdc_report rep;
	assert_false(odj_kdc_exchange(mem, &t, request, sizeof(request), &reply, &len, &rep));
	assert_int_equal(rep.phase, ODJ_KDC_CONNECT);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(answer_is_returned),
	cmocka_unit_test(silent_peer_times_out_with_the_request_acknowledged),
	cmocka_unit_test(closed_connection_is_reported),
	cmocka_unit_test(reserved_length_bit_is_refused),
	cmocka_unit_test(refused_connection_fails_at_once),
	cmocka_unit_test(unroutable_address_is_an_error),
)
