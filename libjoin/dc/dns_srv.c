/*
 * DNS SRV records (RFC 2782) for finding domain controllers: a parser over
 * the raw answer and the query itself on a private resolver state.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include <odj/locate.h>

#define ANSWER_MAX 65536
#define SRV_FIXED_LEN 6 /* priority, weight, port */

struct ranked {
	struct odj_srv_record rec;
	size_t order; /* position in the answer, for a stable sort */
};

static int compare_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->rec.priority != y->rec.priority)
		return x->rec.priority < y->rec.priority ? -1 : 1;
	if (x->rec.weight != y->rec.weight)
		return x->rec.weight > y->rec.weight ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static odj_result bad_answer(struct odj_ctx *ctx, const char *what)
{
	return odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA,
			"the DNS answer for the domain controllers is malformed: %s", what);
}

static const char *rcode_name(int rcode)
{
	switch (rcode) {
	case ns_r_formerr: return "FORMERR";
	case ns_r_servfail: return "SERVFAIL";
	case ns_r_nxdomain: return "NXDOMAIN";
	case ns_r_notimpl: return "NOTIMP";
	case ns_r_refused: return "REFUSED";
	default: return "an error";
	}
}

odj_result odj_dns_srv_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *msg,
			     size_t len, struct odj_srv_list **out)
{
	ns_msg handle;
	if (msg == NULL || len > ANSWER_MAX || ns_initparse(msg, (int)len, &handle) != 0)
		return bad_answer(ctx, "truncated or not a DNS message");
	int rcode = ns_msg_getflag(handle, ns_f_rcode);
	if (rcode != ns_r_noerror)
		return odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_SUCH_DOMAIN,
				"DNS answered %s (rcode %d)", rcode_name(rcode), rcode);

	int count = ns_msg_count(handle, ns_s_an);
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ranked *found = talloc_array(tmp, struct ranked, count > 0 ? count : 1);
	struct odj_srv_list *list = talloc_zero(mem, struct odj_srv_list);
	if (found == NULL || list == NULL) {
		talloc_free(tmp);
		talloc_free(list);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	size_t n = 0;
	odj_result rc = ODJ_OK;
	for (int i = 0; i < count && rc == ODJ_OK; i++) {
		ns_rr rr;
		if (ns_parserr(&handle, ns_s_an, i, &rr) != 0) {
			rc = bad_answer(ctx, "a truncated answer record");
			break;
		}
		if (ns_rr_type(rr) != ns_t_srv || ns_rr_class(rr) != ns_c_in)
			continue; /* a CNAME or another type on the way: not ours */
		const unsigned char *rd = ns_rr_rdata(rr);
		size_t rdlen = ns_rr_rdlen(rr);
		char target[NS_MAXDNAME];
		int used = rdlen > SRV_FIXED_LEN
				   ? dn_expand(ns_msg_base(handle), ns_msg_end(handle),
					       rd + SRV_FIXED_LEN, target, sizeof(target))
				   : -1;
		if (used < 0 || (size_t)used != rdlen - SRV_FIXED_LEN) {
			rc = bad_answer(ctx, "an SRV record with a bad target name");
			break;
		}
		if (target[0] == '\0')
			continue; /* "." : the service is decidedly not available there */
		found[n].rec.priority = ns_get16(rd);
		found[n].rec.weight = ns_get16(rd + 2);
		found[n].rec.port = ns_get16(rd + 4);
		found[n].rec.target = talloc_strdup(list, target);
		found[n].order = n;
		if (found[n].rec.target == NULL)
			rc = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
		n++;
	}
	if (rc == ODJ_OK && n > 0) {
		qsort(found, n, sizeof(found[0]), compare_ranked);
		list->records = talloc_array(list, struct odj_srv_record, n);
		if (list->records == NULL)
			rc = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
		for (size_t i = 0; rc == ODJ_OK && i < n; i++)
			list->records[i] = found[i].rec;
		list->count = n;
	}
	talloc_free(tmp);
	if (rc != ODJ_OK) {
		talloc_free(list);
		return rc;
	}
	*out = list;
	return ODJ_OK;
}

/* "127.0.0.4, 10.0.0.1" for messages; IPv6 servers are not listed. */
static char *name_servers(TALLOC_CTX *mem, const struct __res_state *st)
{
	char *s = talloc_strdup(mem, "");
	for (int i = 0; s != NULL && i < st->nscount && i < MAXNS; i++) {
		char addr[INET6_ADDRSTRLEN];
		if (st->nsaddr_list[i].sin_family != AF_INET ||
		    inet_ntop(AF_INET, &st->nsaddr_list[i].sin_addr, addr, sizeof(addr)) == NULL)
			continue;
		s = talloc_asprintf_append(s, "%s%s", s[0] ? ", " : "", addr);
	}
	if (s != NULL && s[0] == '\0')
		s = talloc_asprintf_append(s, "the system resolver");
	return s;
}

static const char *h_errno_text(int h)
{
	switch (h) {
	case HOST_NOT_FOUND: return "no such name (NXDOMAIN)";
	case NO_DATA: return "the name has no SRV record";
	case TRY_AGAIN: return "no answer from the name server (timeout or SERVFAIL)";
	case NO_RECOVERY: return "the name server refused the query";
	default: return "the query failed";
	}
}

odj_result odj_dns_srv_lookup(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *name,
			      struct odj_srv_list **out)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct __res_state *st = talloc_zero(tmp, struct __res_state);
	uint8_t *answer = talloc_size(tmp, ANSWER_MAX);
	if (st == NULL || answer == NULL) {
		talloc_free(tmp);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	odj_doing(ctx, "looking up the SRV records %s", name);
	if (res_ninit(st) != 0) {
		talloc_free(tmp);
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_NO_SUCH_DOMAIN,
				"cannot set up the DNS resolver (resolv.conf) to look up %s", name);
	}
	const char *servers = name_servers(tmp, st);
	int n = res_nquery(st, name, ns_c_in, ns_t_srv, answer, ANSWER_MAX);
	int herr = st->res_h_errno;
	res_nclose(st);
	odj_result rc;
	struct odj_srv_list *list = NULL;
	if (n < 0) {
		rc = odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_SUCH_DOMAIN,
			      "no domain controller found: DNS has no SRV record %s", name);
		odj_error_detail(ctx, "resolver %s: %s", servers, h_errno_text(herr));
	} else {
		rc = odj_dns_srv_parse(ctx, mem, answer, n > ANSWER_MAX ? ANSWER_MAX : (size_t)n,
				       &list);
		if (rc == ODJ_OK && list->count == 0) {
			talloc_free(list);
			rc = odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_SUCH_DOMAIN,
				      "no domain controller found: DNS has no SRV record %s", name);
			odj_error_detail(ctx, "resolver %s: the answer holds no usable SRV record",
					 servers);
		} else if (rc != ODJ_OK) {
			odj_error_detail(ctx, "query %s, resolver %s", name, servers);
		}
	}
	if (rc != ODJ_OK) {
		odj_error_advice(ctx, "is the domain name right, and does resolv.conf name a DNS "
				      "server of the domain?");
	} else {
		odj_trace(ctx, "SRV %s: %zu record(s), first %s (resolver %s)", name, list->count,
			  list->records[0].target, servers);
		odj_doing(ctx, NULL);
		*out = list;
	}
	talloc_free(tmp);
	return rc;
}
