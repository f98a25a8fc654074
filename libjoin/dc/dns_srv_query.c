/* The SRV query on a private resolver state (res_ninit/res_nquery). */
#include <arpa/inet.h>
#include <errno.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

#include <odj/locate.h>

#define ANSWER_MAX 65536

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
	case TRY_AGAIN: return "no answer from the name server (a timeout, or SERVFAIL)";
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
	errno = 0;
	int n = res_nquery(st, name, ns_c_in, ns_t_srv, answer, ANSWER_MAX);
	int herr = st->res_h_errno, err = errno;
	res_nclose(st);
	odj_result rc;
	struct odj_srv_list *list = NULL;
	bool unreachable = n < 0 && herr == TRY_AGAIN &&
			   (err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH ||
			    err == ENETDOWN || err == EADDRNOTAVAIL);
	if (unreachable) {
		/* The resolver gives up at once: a timeout would have taken seconds. */
		rc = odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_SUCH_DOMAIN,
			      "no domain controller found: no name server could be reached to "
			      "look up %s",
			      name);
		odj_error_detail(ctx, "resolver %s: %s", servers, strerror(err));
		odj_error_source(ctx, ODJ_SRC_ERRNO, err);
		odj_error_advice(ctx, "is the network up, and does resolv.conf name a DNS server "
				      "that can be reached? Without DNS, give --dc with the DC's "
				      "address");
		talloc_free(tmp);
		return rc;
	}
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
