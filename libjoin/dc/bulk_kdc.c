/*
 * Key proofs of a bulk run, several in flight: each asks the KDC, with the
 * session's TGT, for a service ticket to one of the new account's SPNs and
 * opens it with the key derived from the new password (odj_keys_verify_ticket).
 * A TGS exchange is one round trip and records no logon on the new account;
 * an AS exchange as NAME$ would take two, and its success accounting
 * (lastLogon, logonCount, lastLogonTimestamp) is a directory write that queues
 * behind the adds in the DC's single write transaction.  Requests go over
 * non-blocking TCP connections to the pinned KDC, driven by odj itself (MIT's
 * step API), with a connect timeout and a reply deadline per request.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <odj/catalogue.h>
#include <odj/keys.h>

#include "bulk_internal.h"
#include "krb.h"

#define MAX_REPLY (1024 * 1024)
#define MAX_ROUND_TRIPS 10

struct proof {
	struct bulk_account *a;
	krb5_tkt_creds_context tcc;
	krb5_principal server;
	int fd;
	bool connected;
	uint8_t *out; /* 4-byte length + request */
	size_t out_len, out_off;
	uint8_t *in;
	size_t in_cap, in_have;
	double deadline, t_start;
	int round;
};

struct bulk_kdc {
	struct bulk_run *run;
	struct odj_dc_session *s; /* the DC whose KDC this is */
	struct odj_krb *krb; /* owns the krb5 context */
	krb5_context kctx;
	krb5_ccache cc; /* the session's TGT (a MEMORY ccache, shared by name) */
	krb5_principal admin;
	struct proof **slots;
	size_t max, n;
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

static void proof_free(struct bulk_kdc *k, struct proof *p)
{
	if (p->fd >= 0)
		close(p->fd);
	if (p->tcc)
		krb5_tkt_creds_free(k->kctx, p->tcc);
	if (p->server)
		krb5_free_principal(k->kctx, p->server);
	talloc_free(p);
}

static int kdc_destructor(struct bulk_kdc *k)
{
	for (size_t i = 0; i < k->n; i++)
		proof_free(k, k->slots[i]);
	k->n = 0;
	if (k->admin)
		krb5_free_principal(k->kctx, k->admin);
	if (k->cc)
		krb5_cc_close(k->kctx, k->cc); /* only the handle: the session owns the cache */
	return 0;
}

odj_result bulk_kdc_open(struct bulk_run *run, struct odj_dc_session *s, struct bulk_kdc **out)
{
	struct bulk_kdc *k = talloc_zero(run->mem, struct bulk_kdc);
	k->run = run;
	k->s = s;
	k->max = run->max_proofs;
	k->slots = talloc_zero_array(k, struct proof *, k->max);
	struct odj_krb_options ko = ODJ_KRB_OPTIONS_INIT;
	ko.realm = s->realm;
	ko.kdc_address = s->dc.address;
	odj_result r = odj_krb_open(run->ctx, k, &ko, &k->krb);
	if (r != ODJ_OK) {
		talloc_free(k);
		return r;
	}
	k->kctx = odj_krb_context(k->krb);
	talloc_set_destructor(k, kdc_destructor);
	krb5_error_code ret = krb5_cc_resolve(k->kctx, odj_krb_ccache_name(s->krb), &k->cc);
	if (ret == 0)
		ret = krb5_cc_get_principal(k->kctx, k->cc, &k->admin);
	if (ret != 0) {
		const char *msg = krb5_get_error_message(k->kctx, ret);
		r = odj_fail_krb5(run->ctx, ret, msg, "the session's ticket cache %s cannot be read",
				  odj_krb_ccache_name(s->krb));
		krb5_free_error_message(k->kctx, msg);
		talloc_free(k);
		return r;
	}
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	if (getaddrinfo(s->dc.address, "88", &hints, &ai) != 0 || ai == NULL ||
	    ai->ai_addrlen > sizeof(k->addr)) {
		if (ai)
			freeaddrinfo(ai);
		talloc_free(k);
		return odj_fail(run->ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_LOGON_SERVERS,
				"the DC's address %s is not numeric", s->dc.address);
	}
	memcpy(&k->addr, ai->ai_addr, ai->ai_addrlen);
	k->addr_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	*out = k;
	return ODJ_OK;
}

size_t bulk_kdc_in_flight(const struct bulk_kdc *k)
{
	return k->n;
}

static odj_result fail_krb(struct bulk_kdc *k, struct proof *p, krb5_error_code ret, const char *what)
{
	const char *msg = krb5_get_error_message(k->kctx, ret);
	odj_result r = odj_fail_krb5(p->a->ctx, ret, msg, "%s for %s failed", what,
				     p->a->jr.out.sam_account_name);
	krb5_free_error_message(k->kctx, msg);
	odj_error_advice(p->a->ctx, "The DC gave no ticket for %s to check the keys derived from "
				      "the new password against: is the SPN on the account?",
			 p->a->jr.out.sam_account_name);
	return r;
}

/* Sends the next request of the exchange on a new connection. */
static odj_result send_request(struct bulk_kdc *k, struct proof *p, const krb5_data *req)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = socket(k->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return odj_fail(p->a->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
				"no socket for the KDC: %s", strerror(errno));
	int rc = connect(p->fd, (struct sockaddr *)&k->addr, k->addr_len);
	if (rc != 0 && errno != EINPROGRESS)
		return odj_fail(p->a->ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_LOGON_SERVERS,
				"the KDC at %s:88 cannot be reached: %s", k->s->dc.address,
				strerror(errno));
	p->connected = rc == 0;
	talloc_free(p->out);
	p->out_len = (size_t)req->length + 4;
	p->out = talloc_size(p, p->out_len);
	p->out[0] = (uint8_t)(req->length >> 24);
	p->out[1] = (uint8_t)(req->length >> 16);
	p->out[2] = (uint8_t)(req->length >> 8);
	p->out[3] = (uint8_t)req->length;
	memcpy(p->out + 4, req->data, req->length);
	p->out_off = 0;
	p->in_have = 0;
	const struct odj_deadlines *d = &k->run->req->in.conn.deadlines;
	p->deadline = bulk_now_ms() + d->kdc_connect_ms + d->kdc_reply_ms;
	p->round++;
	return ODJ_OK;
}

/* Runs one step with the reply in (or none at the start). ODJ_OK: *finished or a request sent. */
static odj_result step(struct bulk_kdc *k, struct proof *p, krb5_data *in, bool *finished)
{
	krb5_data out = {0}, realm = {0};
	unsigned int flags = 0;
	*finished = false;
	krb5_error_code ret = krb5_tkt_creds_step(k->kctx, p->tcc, in, &out, &realm, &flags);
	odj_result r = ODJ_OK;
	if (ret != 0)
		r = fail_krb(k, p, ret, "the TGS exchange");
	else if (!(flags & KRB5_TKT_CREDS_STEP_FLAG_CONTINUE))
		*finished = true;
	else if (p->round >= MAX_ROUND_TRIPS)
		r = odj_fail(p->a->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
			     "the TGS exchange for %s did not finish after %d round trips",
			     p->a->jr.out.sam_account_name, p->round);
	else
		r = send_request(k, p, &out);
	krb5_free_data_contents(k->kctx, &out);
	krb5_free_data_contents(k->kctx, &realm);
	return r;
}

odj_result bulk_kdc_start(struct bulk_kdc *k, struct bulk_account *a)
{
	struct odj_ctx *ctx = a->ctx;
	struct proof *p = talloc_zero(k, struct proof);
	p->a = a;
	p->fd = -1;
	p->t_start = bulk_now_ms();
	/* any SPN of the account names it; without one, its sAMAccountName does */
	const char *name = a->spns && a->spns[0] ? a->spns[0] : a->jr.out.sam_account_name;
	char *server = talloc_asprintf(p, "%s@%s", name, k->s->realm);
	krb5_creds in;
	memset(&in, 0, sizeof(in));
	krb5_error_code ret = krb5_parse_name(k->kctx, server, &p->server);
	if (ret == 0) {
		in.client = k->admin;
		in.server = p->server;
		/* MIT looks in the ccache first: no ticket from an earlier account of
		 * the same name may answer; and nothing is kept, memory stays flat */
		krb5_cc_remove_cred(k->kctx, k->cc, 0, &in);
		ret = krb5_tkt_creds_init(k->kctx, k->cc, &in, KRB5_GC_NO_STORE, &p->tcc);
	}
	if (ret != 0) {
		odj_result r = fail_krb(k, p, ret, "preparing the TGS request");
		proof_free(k, p);
		return r;
	}
	bool finished = false;
	krb5_data none = {0};
	odj_result r = step(k, p, &none, &finished);
	if (r == ODJ_OK && finished)
		r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
			     "the TGS exchange for %s ended without a request", server);
	if (r != ODJ_OK) {
		proof_free(k, p);
		return r;
	}
	k->slots[k->n++] = p;
	return ODJ_OK;
}

/* The ticket is in: open it with the key derived from the new password. */
static bool verify(struct bulk_kdc *k, struct proof *p)
{
	struct bulk_account *a = p->a;
	krb5_creds creds;
	memset(&creds, 0, sizeof(creds));
	krb5_error_code ret = krb5_tkt_creds_get_creds(k->kctx, p->tcc, &creds);
	if (ret != 0) {
		fail_krb(k, p, ret, "taking the ticket of the TGS exchange");
		return false;
	}
	double t = bulk_now_ms();
	odj_result r = odj_keys_verify_ticket(p->a->ctx, k->kctx, &creds.ticket, a->pw_utf16,
					      a->salt, a->rb.enctypes ? a->rb.enctypes : a->jr.out.enctypes,
					      a->rb.kvno);
	k->run->req->out.profile.derive += bulk_now_ms() - t;
	krb5_free_cred_contents(k->kctx, &creds); /* zeroes the session key */
	return r == ODJ_OK; /* a failure carries its advice from keys.c */
}

size_t bulk_kdc_pollfds(struct bulk_kdc *k, struct pollfd *fds, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < k->n && n < max; i++) {
		struct proof *p = k->slots[i];
		fds[n].fd = p->fd;
		fds[n].events = p->out_off < p->out_len ? POLLOUT : POLLIN;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

/* Moves bytes; returns 1 when a whole reply is in, 0 to wait, -1 on failure (recorded). */
static int pump(struct bulk_kdc *k, struct proof *p)
{
	struct odj_ctx *ctx = p->a->ctx;
	while (p->out_off < p->out_len) {
		ssize_t w = send(p->fd, p->out + p->out_off, p->out_len - p->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR || errno == ENOTCONN))
			return 0;
		if (w < 0) {
			odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_LOGON_SERVERS,
				 "the TGS request for %s could not be sent to %s:88: %s",
				 p->a->jr.out.sam_account_name, k->s->dc.address, strerror(errno));
			return -1;
		}
		p->out_off += (size_t)w;
	}
	for (;;) {
		size_t want = p->in_have < 4 ? 4 : 4 + ((size_t)p->in[0] << 24 | (size_t)p->in[1] << 16 |
						       (size_t)p->in[2] << 8 | p->in[3]);
		if (want > MAX_REPLY + 4) {
			odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA,
				 "the KDC announced a reply of %zu bytes", want - 4);
			return -1;
		}
		if (p->in_have == want && want > 4)
			return 1;
		if (p->in_cap < want) {
			p->in = talloc_realloc(p, p->in, uint8_t, want);
			p->in_cap = want;
		}
		ssize_t got = recv(p->fd, p->in + p->in_have, want - p->in_have, MSG_DONTWAIT);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (got <= 0) {
			odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_LOGON_SERVERS,
				 "the KDC at %s:88 closed the connection before its reply for %s (%s)",
				 k->s->dc.address, p->a->jr.out.sam_account_name,
				 got < 0 ? strerror(errno) : "end of stream");
			return -1;
		}
		p->in_have += (size_t)got;
	}
}

void bulk_kdc_advance(struct bulk_kdc *k, bulk_verdict_fn verdict)
{
	double now = bulk_now_ms();
	for (size_t i = 0; i < k->n;) {
		struct proof *p = k->slots[i];
		int st = pump(k, p);
		bool finished = false, failed = st < 0;
		if (st == 1) {
			krb5_data in = {.length = (unsigned)(p->in_have - 4), .data = (char *)p->in + 4};
			failed = step(k, p, &in, &finished) != ODJ_OK;
			if (finished && !verify(k, p)) {
				finished = false;
				failed = true;
			}
		} else if (st == 0 && now > p->deadline) {
			odj_fail(p->a->ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_LOGON_SERVERS,
				 "no reply from the KDC at %s:88 for the TGS request of %s within %.0f s",
				 k->s->dc.address, p->a->jr.out.sam_account_name,
				 (k->run->req->in.conn.deadlines.kdc_connect_ms +
				  k->run->req->in.conn.deadlines.kdc_reply_ms) / 1e3);
			failed = true;
		}
		if (!finished && !failed) {
			i++;
			continue;
		}
		k->slots[i] = k->slots[--k->n];
		k->run->req->out.profile.proof_latency += bulk_now_ms() - p->t_start;
		struct bulk_account *a = p->a;
		proof_free(k, p);
		verdict(k->run, a, finished);
	}
}
