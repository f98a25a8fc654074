/*
 * odj's own transport to the pinned KDC: one request, one reply, over TCP,
 * with a connect timeout and a reply deadline.  MIT's transport gives up on a
 * swallowed reply only after 34 s and cannot say why; this one stops at the
 * deadline and records what the kernel saw (connected? request acknowledged by
 * the peer? any reply byte?), which is what a firewall diagnosis needs.
 */
#ifndef ODJ_KDC_TRANSPORT_H
#define ODJ_KDC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

struct odj_kdc_target {
	const char *address; /* numeric IPv4 or IPv6 address of the pinned KDC */
	uint16_t port;       /* 88, or 464 for kpasswd */
	int connect_timeout_ms;
	int reply_timeout_ms;
};

enum odj_kdc_phase {
	ODJ_KDC_CONNECT, /* no connection (refused, unreachable, no SYN-ACK) */
	ODJ_KDC_SEND,    /* connected, the request could not be written */
	ODJ_KDC_REPLY,   /* request sent, no complete reply before the deadline */
	ODJ_KDC_DONE,    /* a reply was received */
};

/* What happened on the wire, from the kernel's own counters. */
struct odj_kdc_report {
	enum odj_kdc_phase phase; /* where the exchange ended */
	int sys_errno;            /* errno of the failing call; 0 for a timeout */
	bool timed_out;
	bool reset_by_peer; /* the connection was closed before a full reply */
	double connect_ms;  /* time to the established connection */
	double ack_ms;      /* time from send to "request fully acknowledged"; -1: never */
	double elapsed_ms;  /* whole exchange */
	size_t request_len; /* Kerberos message, without the 4-byte TCP length */
	size_t bytes_sent;
	size_t reply_len;   /* bytes of reply received (complete or not) */
	/* TCP_INFO and socket queues at the end of the exchange */
	bool have_tcp_info;
	uint32_t outq, inq;
	uint64_t bytes_acked, bytes_received;
	uint32_t unacked, retransmits, total_retrans, rtt_us, last_ack_recv_ms;
};

/*
 * Sends req (a DER Kerberos message) to the target and reads the reply.
 * Returns true with *reply (allocated on mem) on success; false with the
 * report filled in otherwise.  Never blocks beyond the two timeouts.
 */
bool odj_kdc_exchange(TALLOC_CTX *mem, const struct odj_kdc_target *t, const uint8_t *req,
		      size_t req_len, uint8_t **reply, size_t *reply_len, struct odj_kdc_report *rep);

/*
 * One paragraph for a person: "TCP connected to 127.0.0.2:88 in 0.09 ms;
 * request of 1795 bytes sent and fully acknowledged by the peer after 5.2 ms
 * (SIOCOUTQ=0, tcpi_bytes_acked=1796); 0 reply bytes in 10.0 s".
 */
char *odj_kdc_report_describe(TALLOC_CTX *mem, const struct odj_kdc_target *t,
			      const struct odj_kdc_report *rep);

#endif
