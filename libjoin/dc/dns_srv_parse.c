/*
 * DNS SRV records (RFC 2782) for finding domain controllers: the parser over
 * a raw answer message, kept apart from the query so it can be fuzzed alone.
 */
#include <arpa/nameser.h>
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
