/* One Kerberos request/reply over TCP to the pinned KDC, bounded in time. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kdc_transport.h"

/* RFC 4120 7.2.2: the high bit of the length is reserved; AD tickets with
 * large PACs stay far below this bound. */
#define KDC_MAX_REPLY (1u << 20)
/* Poll in short slices until the request is acknowledged, so the time of the
 * peer's ACK is known to a few milliseconds. */
#define ACK_SLICE_MS 5
#define WAIT_SLICE_MS 100

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int remaining_ms(double deadline)
{
	double left = deadline - now_ms();
	return left <= 0 ? 0 : (int)left + 1;
}

static void collect_tcp_state(int fd, struct odj_kdc_report *rep)
{
	int q = 0;
	if (ioctl(fd, SIOCOUTQ, &q) == 0)
		rep->outq = (uint32_t)q;
	if (ioctl(fd, SIOCINQ, &q) == 0)
		rep->inq = (uint32_t)q;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
		rep->have_tcp_info = true;
		rep->bytes_acked = ti.tcpi_bytes_acked;
		rep->bytes_received = ti.tcpi_bytes_received;
		rep->unacked = ti.tcpi_unacked;
		rep->retransmits = ti.tcpi_retransmits;
		rep->total_retrans = ti.tcpi_total_retrans;
		rep->rtt_us = ti.tcpi_rtt;
		rep->last_ack_recv_ms = ti.tcpi_last_ack_recv;
	}
}

static int connect_with_timeout(const struct odj_kdc_target *t, struct odj_kdc_report *rep,
				double t0)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char port[8];
	snprintf(port, sizeof(port), "%u", t->port);
	int gai = getaddrinfo(t->address, port, &hints, &ai);
	if (gai != 0) {
		rep->sys_errno = EINVAL;
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rep->sys_errno = errno;
		freeaddrinfo(ai);
		return -1;
	}
	int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (rc < 0 && errno != EINPROGRESS) {
		rep->sys_errno = errno;
		close(fd);
		return -1;
	}
	if (rc < 0) {
		double deadline = t0 + t->connect_timeout_ms;
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int n;
		do {
			n = poll(&p, 1, remaining_ms(deadline));
		} while (n < 0 && errno == EINTR);
		if (n == 0) {
			rep->timed_out = true;
			close(fd);
			return -1;
		}
		int err = 0;
		socklen_t len = sizeof(err);
		if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
			rep->sys_errno = n < 0 ? errno : err;
			close(fd);
			return -1;
		}
	}
	rep->connect_ms = now_ms() - t0;
	return fd;
}

static bool send_all(int fd, const uint8_t *buf, size_t len, double deadline,
		     struct odj_kdc_report *rep)
{
	while (rep->bytes_sent < len) {
		ssize_t n = send(fd, buf + rep->bytes_sent, len - rep->bytes_sent, MSG_NOSIGNAL);
		if (n > 0) {
			rep->bytes_sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			rep->sys_errno = errno;
			return false;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int left = remaining_ms(deadline);
		if (left == 0 || poll(&p, 1, left) == 0) {
			rep->timed_out = true;
			return false;
		}
	}
	return true;
}

/* Reads the 4-byte length and the reply; false on timeout, error or close. */
static bool read_reply(TALLOC_CTX *mem, int fd, double sent_at, double deadline, uint8_t **reply,
		       size_t *reply_len, struct odj_kdc_report *rep)
{
	uint8_t hdr[4];
	size_t have = 0, want = 4;
	uint8_t *body = NULL;
	while (have < want) {
		if (rep->ack_ms < 0) {
			int q = -1;
			if (ioctl(fd, SIOCOUTQ, &q) == 0 && q == 0)
				rep->ack_ms = now_ms() - sent_at;
		}
		int slice = rep->ack_ms < 0 ? ACK_SLICE_MS : WAIT_SLICE_MS;
		int left = remaining_ms(deadline);
		if (left == 0) {
			rep->timed_out = true;
			break;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int n = poll(&p, 1, left < slice ? left : slice);
		if (n < 0 && errno != EINTR) {
			rep->sys_errno = errno;
			break;
		}
		if (n <= 0)
			continue;
		uint8_t *dst = have < 4 ? hdr + have : body + (have - 4);
		size_t chunk = have < 4 ? 4 - have : want - have;
		ssize_t got = recv(fd, dst, chunk, 0);
		if (got == 0) {
			rep->reset_by_peer = true;
			break;
		}
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			rep->sys_errno = errno;
			rep->reset_by_peer = errno == ECONNRESET;
			break;
		}
		have += (size_t)got;
		rep->reply_len = have > 4 ? have - 4 : 0;
		if (have == 4 && want == 4) {
			uint32_t len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
				       (uint32_t)hdr[2] << 8 | hdr[3];
			if (len == 0 || len > KDC_MAX_REPLY) {
				rep->sys_errno = EPROTO;
				break;
			}
			body = talloc_size(mem, len);
			if (body == NULL) {
				rep->sys_errno = ENOMEM;
				break;
			}
			want = 4 + (size_t)len;
		}
	}
	if (have == want && want > 4) {
		if (rep->ack_ms < 0)
			rep->ack_ms = now_ms() - sent_at; /* a reply implies the request arrived */
		*reply = body;
		*reply_len = want - 4;
		return true;
	}
	talloc_free(body);
	return false;
}

bool odj_kdc_exchange(TALLOC_CTX *mem, const struct odj_kdc_target *t, const uint8_t *req,
		      size_t req_len, uint8_t **reply, size_t *reply_len, struct odj_kdc_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->ack_ms = -1;
	rep->request_len = req_len;
	*reply = NULL;
	*reply_len = 0;
	double t0 = now_ms();

	rep->phase = ODJ_KDC_CONNECT;
	int fd = connect_with_timeout(t, rep, t0);
	if (fd < 0) {
		rep->elapsed_ms = now_ms() - t0;
		return false;
	}

	rep->phase = ODJ_KDC_SEND;
	uint8_t *msg = talloc_size(mem, req_len + 4);
	if (msg == NULL) {
		rep->sys_errno = ENOMEM;
		close(fd);
		return false;
	}
	msg[0] = (uint8_t)(req_len >> 24);
	msg[1] = (uint8_t)(req_len >> 16);
	msg[2] = (uint8_t)(req_len >> 8);
	msg[3] = (uint8_t)req_len;
	memcpy(msg + 4, req, req_len);
	double sent_at = now_ms();
	double deadline = sent_at + t->reply_timeout_ms;
	bool ok = send_all(fd, msg, req_len + 4, deadline, rep);
	talloc_free(msg);
	if (ok) {
		rep->phase = ODJ_KDC_REPLY;
		ok = read_reply(mem, fd, sent_at, deadline, reply, reply_len, rep);
		if (ok)
			rep->phase = ODJ_KDC_DONE;
	}
	collect_tcp_state(fd, rep);
	close(fd);
	rep->elapsed_ms = now_ms() - t0;
	return ok;
}

char *odj_kdc_report_describe(TALLOC_CTX *mem, const struct odj_kdc_target *t,
			      const struct odj_kdc_report *rep)
{
	const char *host = t->address;
	unsigned port = t->port;
	switch (rep->phase) {
	case ODJ_KDC_CONNECT:
		if (rep->timed_out)
			return talloc_asprintf(mem, "TCP connect to %s:%u: no answer (no SYN-ACK) within %.1f s",
					       host, port, t->connect_timeout_ms / 1e3);
		return talloc_asprintf(mem, "TCP connect to %s:%u failed after %.1f ms: %s", host, port,
				       rep->elapsed_ms, strerror(rep->sys_errno));
	case ODJ_KDC_SEND:
		return talloc_asprintf(mem,
				       "TCP connected to %s:%u in %.2f ms, but the request could not be "
				       "sent (%zu of %zu bytes): %s",
				       host, port, rep->connect_ms, rep->bytes_sent, rep->request_len + 4,
				       rep->timed_out ? "timed out" : strerror(rep->sys_errno));
	case ODJ_KDC_DONE:
		return talloc_asprintf(mem, "TCP %s:%u: request of %zu bytes, reply of %zu bytes in %.1f ms",
				       host, port, rep->request_len, rep->reply_len, rep->elapsed_ms);
	case ODJ_KDC_REPLY:
		break;
	}
	char *acked;
	if (rep->ack_ms >= 0)
		acked = talloc_asprintf(mem, "fully acknowledged by the peer after %.2f ms", rep->ack_ms);
	else
		acked = talloc_strdup(mem, "never acknowledged by the peer");
	char *out = talloc_asprintf(mem,
				    "TCP connected to %s:%u in %.2f ms; request of %zu bytes sent and %s; "
				    "%zu reply bytes received",
				    host, port, rep->connect_ms, rep->request_len, acked, rep->reply_len);
	if (rep->timed_out)
		out = talloc_asprintf_append(out, " within %.1f s", t->reply_timeout_ms / 1e3);
	else if (rep->reset_by_peer)
		out = talloc_asprintf_append(out, " before the peer closed the connection");
	else if (rep->sys_errno != 0)
		out = talloc_asprintf_append(out, " (%s)", strerror(rep->sys_errno));
	if (rep->have_tcp_info)
		out = talloc_asprintf_append(out,
					     " [SIOCOUTQ=%u SIOCINQ=%u tcpi_bytes_acked=%llu "
					     "tcpi_bytes_received=%llu unacked=%u retransmits=%u "
					     "rtt=%u us last_ack_recv=%u ms ago]",
					     rep->outq, rep->inq, (unsigned long long)rep->bytes_acked,
					     (unsigned long long)rep->bytes_received, rep->unacked,
					     rep->total_retrans, rep->rtt_us, rep->last_ack_recv_ms);
	talloc_free(acked);
	return out;
}
