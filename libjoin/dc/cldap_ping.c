/*
 * The netlogon ping over UDP ([MS-ADTS] 6.3.3): one datagram to port 389,
 * a bounded wait per try, a few tries.  A connected socket lets the kernel
 * report a refused port (ICMP) at once instead of after the timeout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <odj/locate.h>

#define LDAP_PORT_DEFAULT 389
#define TIMEOUT_MS_DEFAULT 1000
#define TRIES_DEFAULT 3
#define DATAGRAM_MAX 65536

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A message id in 1..32767; random so that stray replies do not match. */
static int new_msgid(void)
{
	uint16_t r = 0;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint16_t)(now_ms() ^ getpid());
	return (r & 0x7fff) ? (r & 0x7fff) : 1;
}

struct ping {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	struct odj_cldap_ping_req *req;
	uint16_t port;
	int msgid;
	long long start;
};

static odj_result no_answer(struct ping *p, int err, unsigned tries)
{
	struct odj_cldap_ping_req *req = p->req;
	unsigned elapsed = (unsigned)(now_ms() - p->start);
	if (err == ECONNREFUSED)
		odj_fail(p->ctx, ODJ_E_NETWORK, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND,
			 "no domain controller at %s: UDP port %u refused the LDAP ping",
			 req->in.address, p->port);
	else if (err != 0)
		odj_fail(p->ctx, ODJ_E_NETWORK, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND,
			 "cannot send an LDAP ping to %s: %s", req->in.address, strerror(err));
	else
		odj_fail(p->ctx, ODJ_E_NETWORK, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND,
			 "no domain controller at %s answered the LDAP ping", req->in.address);
	odj_error_detail(p->ctx, "address %s:%u, %u of %u tries, %u ms", req->in.address, p->port,
			 tries, req->in.tries, elapsed);
	if (err != 0)
		odj_error_source(p->ctx, ODJ_SRC_ERRNO, err);
	odj_error_advice(p->ctx, "is %s a domain controller of %s, and is UDP port %u open to it?",
			 req->in.address, req->in.domain, p->port);
	req->out.tries = tries;
	req->out.elapsed_ms = elapsed;
	return ODJ_E_NETWORK;
}

/*
 * Handles one datagram.  Returns ODJ_OK with *finished set when the ping
 * is answered (req->out.info filled), ODJ_OK without when the datagram
 * was not the answer, or an error.
 */
static odj_result take_datagram(struct ping *p, const uint8_t *buf, size_t n, bool *finished)
{
	struct odj_cldap_ping_req *req = p->req;
	uint8_t *netlogon = NULL;
	size_t netlogon_len = 0;
	bool done = false;
	*finished = false;
	odj_result rc = odj_cldap_reply_parse(p->ctx, p->mem, p->msgid, buf, n, &netlogon,
					      &netlogon_len, &done);
	if (rc != ODJ_OK)
		return rc;
	if (netlogon == NULL && !done)
		return ODJ_OK;
	if (netlogon == NULL) {
		odj_fail(p->ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_SUCH_DOMAIN,
			 "the DC at %s does not serve %s", req->in.address, req->in.domain);
		odj_error_detail(p->ctx, "its LDAP ping reply has no netlogon entry");
		odj_error_advice(p->ctx, "check the DNS name of the domain");
		return ODJ_E_NETWORK;
	}
	rc = odj_netlogon_decode(p->ctx, p->mem, netlogon, netlogon_len, req->in.ntver,
				 &req->out.info);
	talloc_free(netlogon);
	if (rc == ODJ_OK)
		*finished = true;
	return rc;
}

odj_result odj_cldap_ping(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_cldap_ping_req *req)
{
	req->out.info = NULL;
	req->out.tries = 0;
	req->out.elapsed_ms = 0;
	if (req->in.aac == 0)
		req->in.aac = ODJ_AAC_COMPUTER;
	if (req->in.ntver == 0)
		req->in.ntver = ODJ_NETLOGON_NT_VERSION_DEFAULT;
	if (req->in.timeout_ms == 0)
		req->in.timeout_ms = TIMEOUT_MS_DEFAULT;
	if (req->in.tries == 0)
		req->in.tries = TRIES_DEFAULT;

	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	bool v6 = false;
	if (req->in.domain == NULL || req->in.address == NULL ||
	    (inet_pton(AF_INET, req->in.address, &sin.sin_addr) != 1 &&
	     !(v6 = inet_pton(AF_INET6, req->in.address, &sin6.sin6_addr) == 1)))
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"an LDAP ping needs a domain and an IPv4 or IPv6 address, not '%s'",
				req->in.address ? req->in.address : "(none)");
	struct ping p = {.ctx = ctx,
			 .mem = mem,
			 .req = req,
			 .port = req->in.port ? req->in.port : LDAP_PORT_DEFAULT,
			 .msgid = new_msgid()};
	sin.sin_port = htons(p.port);
	sin6.sin6_port = htons(p.port);
	odj_doing(ctx, "sending an LDAP ping for %s to %s:%u", req->in.domain, req->in.address,
		  p.port);

	TALLOC_CTX *tmp = talloc_new(NULL);
	uint8_t *request, *buf = talloc_size(tmp, DATAGRAM_MAX);
	size_t request_len;
	odj_result rc = buf ? odj_cldap_request_encode(ctx, tmp, p.msgid, req->in.domain,
						       req->in.user, req->in.aac, req->in.ntver, &request,
						       &request_len)
			    : odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				       "out of memory");
	int fd = -1;
	if (rc == ODJ_OK) {
		fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || (v6 ? connect(fd, (struct sockaddr *)&sin6, sizeof(sin6))
				  : connect(fd, (struct sockaddr *)&sin, sizeof(sin))) != 0) {
			p.start = now_ms();
			rc = no_answer(&p, errno, 0);
		}
	}
	p.start = now_ms();
	bool finished = false;
	unsigned tries = 0;
	while (rc == ODJ_OK && !finished && tries < req->in.tries) {
		tries++;
		odj_trace(ctx, "LDAP ping %u/%u to %s:%u for %s (msgid %d, %zu bytes)", tries,
			  req->in.tries, req->in.address, p.port, req->in.domain, p.msgid,
			  request_len);
		if (send(fd, request, request_len, 0) < 0) {
			rc = no_answer(&p, errno, tries);
			break;
		}
		long long deadline = now_ms() + req->in.timeout_ms;
		for (long long left; rc == ODJ_OK && !finished && (left = deadline - now_ms()) > 0;) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			int ready = poll(&pfd, 1, (int)left);
			if (ready < 0 && errno == EINTR)
				continue;
			if (ready < 0) {
				rc = no_answer(&p, errno, tries);
				break;
			}
			if (ready == 0)
				break;
			ssize_t n = recv(fd, buf, DATAGRAM_MAX, 0);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n < 0) {
				rc = no_answer(&p, errno, tries);
				break;
			}
			rc = take_datagram(&p, buf, (size_t)n, &finished);
		}
	}
	if (rc == ODJ_OK && !finished)
		rc = no_answer(&p, 0, tries);
	if (rc == ODJ_OK) {
		req->out.tries = tries;
		req->out.elapsed_ms = (unsigned)(now_ms() - p.start);
		odj_trace(ctx, "LDAP ping answered by %s in %u ms: flags 0x%08x", req->in.address,
			  req->out.elapsed_ms, req->out.info->flags);
		odj_doing(ctx, NULL);
	}
	if (fd >= 0)
		close(fd);
	talloc_free(tmp);
	return rc;
}
