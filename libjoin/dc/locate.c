/*
 * Choosing the DC odj-prepare talks to ([MS-ADTS] 6.3.6 in short): either the
 * one the caller named (pinned), or the SRV targets of the domain in order,
 * each asked with a netlogon ping and kept only if it is a writable DC.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>

#include <odj/locate.h>
#include <odj/names.h>

#define DNS_NAME_MAX 253

const char *odj_dc_found_by_name(enum odj_dc_found_by how)
{
	switch (how) {
	case ODJ_DC_FOUND_BY_GIVEN: return "given";
	case ODJ_DC_FOUND_BY_SRV: return "SRV";
	default: return "none";
	}
}

odj_result odj_resolve_ipv4(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *host, char **addr)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_DGRAM};
	struct addrinfo *res = NULL;
	int gai = getaddrinfo(host, NULL, &hints, &res);
	if (gai != 0 || res == NULL) {
		odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND,
			 "cannot resolve the domain controller %s to an IPv4 address", host);
		odj_error_detail(ctx, "getaddrinfo: %s", gai ? gai_strerror(gai) : "no address");
		if (res != NULL)
			freeaddrinfo(res);
		return ODJ_E_NETWORK;
	}
	char text[INET_ADDRSTRLEN];
	const struct sockaddr_in *sin = (const struct sockaddr_in *)res->ai_addr;
	inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
	freeaddrinfo(res);
	*addr = talloc_strdup(mem, text);
	return *addr ? ODJ_OK
		     : odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

char *odj_address_for_config(TALLOC_CTX *mem, const char *address)
{
	struct in6_addr a6;
	if (address != NULL && inet_pton(AF_INET6, address, &a6) == 1)
		return talloc_asprintf(mem, "[%s]", address);
	return talloc_strdup(mem, address ? address : "");
}

/* Letters, digits, '-', '_' and dots between labels; what a DNS query can carry. */
static bool domain_name_ok(const char *d)
{
	size_t len = strlen(d);
	if (len == 0 || len > DNS_NAME_MAX || d[0] == '.' || strstr(d, "..") != NULL)
		return false;
	for (const char *p = d; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	}
	return true;
}

/* Pings one DC and checks it; fills out on success. */
static odj_result try_dc(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_locate_dc_req *req,
			 const char *host)
{
	char *addr = NULL, literal[ODJ_ADDRESS_MAX];
	bool by_address = odj_name_is_address(host, literal);
	odj_result rc = by_address ? ((addr = talloc_strdup(mem, literal)) != NULL
					      ? ODJ_OK
					      : odj_fail(ctx, ODJ_E_UNEXPECTED,
							 ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory"))
				   : odj_resolve_ipv4(ctx, mem, host, &addr);
	if (rc != ODJ_OK)
		return rc;
	struct odj_cldap_ping_req ping = {.in = {.address = addr,
						 .domain = req->in.domain,
						 .user = req->in.account,
						 .timeout_ms = req->in.timeout_ms,
						 .tries = req->in.tries}};
	rc = odj_cldap_ping(ctx, mem, &ping);
	if (rc == ODJ_OK)
		rc = odj_netlogon_check_dc(ctx, ping.out.info, req->in.domain, host);
	if (rc != ODJ_OK) {
		talloc_free(ping.out.info);
		talloc_free(addr);
		return rc;
	}
	struct odj_netlogon_info *info = ping.out.info;
	if (by_address && (info->dc_host == NULL || info->dc_host[0] == '\0')) {
		/* Kerberos names the DC's services (ldap/NAME): an address is not enough. */
		odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND,
			 "the DC at %s did not give its DNS host name in its LDAP ping reply, and "
			 "Kerberos needs the DC's name",
			 addr);
		odj_error_advice(ctx, "give the DC by its DNS host name (--dc dc1.%s), with a "
				      "hosts entry for it if DNS cannot resolve it",
				 req->in.domain);
		talloc_free(ping.out.info);
		talloc_free(addr);
		return ODJ_E_NETWORK;
	}
	req->out.info = info;
	req->out.dc_address = addr;
	req->out.dc_name = talloc_strdup(mem, info->dc_host && info->dc_host[0] ? info->dc_host : host);
	odj_trace(ctx, "domain controller %s (%s) for %s: flags 0x%08x, site %s", req->out.dc_name,
		  addr, req->in.domain, info->flags, info->dc_site ? info->dc_site : "");
	return ODJ_OK;
}

/* The error of one candidate as "host: message (detail)", for the final report. */
static char *candidate_note(TALLOC_CTX *mem, struct odj_ctx *ctx, const char *host)
{
	const struct odj_error *e = odj_error_get(ctx);
	return talloc_asprintf(mem, "%s: %s%s%s%s", host, e->message ? e->message : "?",
			       e->detail ? " (" : "", e->detail ? e->detail : "", e->detail ? ")" : "");
}

odj_result odj_locate_dc(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_locate_dc_req *req)
{
	memset(&req->out, 0, sizeof(req->out));
	const char *given = req->in.domain;
	if (given == NULL || !domain_name_ok(given))
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_DOMAINNAME,
				"'%s' is not a DNS domain name", given ? given : "");
	/* The DC matches DnsDomain without the root dot. */
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t len = strlen(given);
	const char *domain = talloc_strndup(tmp, given, given[len - 1] == '.' ? len - 1 : len);
	struct odj_locate_dc_req one = {.in = req->in};
	one.in.domain = domain;

	if (req->in.dc != NULL) {
		one.out.candidates = 1;
		odj_result rc = try_dc(ctx, mem, &one, req->in.dc);
		if (rc == ODJ_OK)
			one.out.found_by = ODJ_DC_FOUND_BY_GIVEN;
		req->out = one.out;
		talloc_free(tmp);
		return rc;
	}

	char *srv_name = talloc_asprintf(tmp, "_ldap._tcp.dc._msdcs.%s", domain);
	struct odj_srv_list *list = NULL;
	odj_result rc = odj_dns_srv_lookup(ctx, tmp, srv_name, &list);
	if (rc != ODJ_OK) {
		talloc_free(tmp);
		return rc;
	}
	char *notes = talloc_strdup(tmp, "");
	bool unsuitable = false; /* some DC answered but cannot create accounts */
	for (size_t i = 0; i < list->count; i++) {
		const char *host = list->records[i].target;
		one.out.candidates++;
		rc = try_dc(ctx, mem, &one, host);
		if (rc == ODJ_OK) {
			one.out.found_by = ODJ_DC_FOUND_BY_SRV;
			req->out = one.out;
			odj_error_clear(ctx);
			talloc_free(tmp);
			return ODJ_OK;
		}
		if (odj_error_get(ctx)->status == ODJ_ERROR_INVALID_DOMAIN_ROLE)
			unsuitable = true;
		notes = talloc_asprintf_append(notes, "%s%s", notes[0] ? "; " : "",
					       candidate_note(tmp, ctx, host));
	}
	if (unsuitable) {
		odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_ERROR_INVALID_DOMAIN_ROLE,
			 "none of the %zu domain controllers of %s from %s is a usable writable DC",
			 list->count, domain, srv_name);
		odj_error_advice(ctx, "name a writable DC with domain\\dc or --dc");
	} else {
		odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_SUCH_DOMAIN,
			 "none of the %zu domain controllers of %s from %s answered", list->count,
			 domain, srv_name);
		odj_error_advice(ctx, "are the DCs up, and is UDP port 389 open to them?");
	}
	odj_error_detail(ctx, "%s", notes ? notes : "");
	req->out.candidates = one.out.candidates;
	rc = odj_error_get(ctx)->result;
	talloc_free(tmp);
	return rc;
}
