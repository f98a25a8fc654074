/*
 * The domain's other writable DCs.  A name is unique per DC until
 * replication catches up: an account made on dc2 a minute ago is not found
 * by a search on dc1.  So the conflict checks search every writable DC the
 * directory lists (computer accounts in the Domain Controllers group, RID
 * 516; read-only DCs hold no names of their own), each over its own sealed
 * LDAP connection bound with the session's tickets.  A DC that cannot be
 * reached makes the check incomplete: the step refuses unless the caller
 * allowed it.
 */
#include <string.h>
#include <strings.h>

#include "session.h"

/* Writable DCs only: primary group Domain Controllers (516), RODCs have 521. */
static const char dc_filter[] = "(&(objectClass=computer)(primaryGroupID=516))";

/* The DNS host names of the domain's writable DCs, NULL-terminated. */
static odj_result list_dcs(struct odj_dc_session *s, TALLOC_CTX *mem, char ***out)
{
	LDAP *ld = odj_ldap_handle(s->ldap);
	char *attrs[] = {"dNSHostName", NULL};
	LDAPMessage *res = NULL;
	odj_doing(s->ctx, "listing the writable domain controllers of %s", s->facts->dns_domain);
	int rc = ldap_search_ext_s(ld, s->facts->default_nc, LDAP_SCOPE_SUBTREE, dc_filter, attrs, 0,
				   NULL, NULL, NULL, 0, &res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return odj_ldap_fail(s->ldap, rc, "listing the domain controllers failed");
	}
	char **hosts = talloc_zero_array(mem, char *, (size_t)ldap_count_entries(ld, res) + 1);
	size_t n = 0;
	for (LDAPMessage *e = ldap_first_entry(ld, res); e && hosts; e = ldap_next_entry(ld, e)) {
		struct berval **v = ldap_get_values_len(ld, e, "dNSHostName");
		if (v && v[0])
			hosts[n++] = talloc_strndup(hosts, v[0]->bv_val, v[0]->bv_len);
		ldap_value_free_len(v);
	}
	ldap_msgfree(res);
	*out = hosts;
	return hosts ? ODJ_OK
		     : odj_fail(s->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

/* Connects to one other DC; on failure the error is on s->ctx. */
static odj_result connect_peer(struct odj_dc_session *s, const struct odj_session_params *p,
			       struct odj_peer_dc *peer)
{
	odj_result r = odj_resolve_ipv4(s->ctx, s, peer->host, &peer->address);
	char *ldap = talloc_asprintf(s, "ldap/%s", peer->host);
	if (r == ODJ_OK)
		r = odj_krb_service_ticket(s->krb, ldap, ODJ_ERROR_NO_LOGON_SERVERS);
	if (r == ODJ_OK) {
		struct odj_ldap_options lo = ODJ_LDAP_OPTIONS_INIT;
		lo.dc_host = peer->host;
		lo.dc_address = peer->address;
		lo.ldaps = p->ldaps;
		lo.ca_file = p->ca_file;
		lo.connect_timeout_ms = p->deadlines.kdc_connect_ms;
		lo.op_timeout_ms = p->deadlines.ldap_ms;
		r = odj_ldap_connect(s->ctx, s, &lo, s->krb, &peer->ldap);
	}
	return r;
}

static char *error_note(TALLOC_CTX *mem, struct odj_ctx *ctx, const char *host)
{
	const struct odj_error *e = odj_error_get(ctx);
	return talloc_asprintf(mem, "%s: %s%s%s%s", host, e->message ? e->message : "?",
			       e->detail ? " (" : "", e->detail ? e->detail : "", e->detail ? ")" : "");
}

odj_result odj_session_peers(struct odj_dc_session *s, const struct odj_session_params *p,
			     bool allow_unreached)
{
	char **hosts = NULL;
	odj_result r = list_dcs(s, s, &hosts);
	if (r != ODJ_OK)
		return r;
	size_t n = 0;
	while (hosts[n] != NULL)
		n++;
	s->peers = talloc_zero_array(s, struct odj_peer_dc, n);
	s->n_dcs = 1;
	s->unreached = NULL;
	s->n_unreached = 0;
	for (size_t i = 0; i < n && s->peers; i++) {
		if (strcasecmp(hosts[i], s->dc.host) == 0)
			continue;
		s->n_dcs++;
		struct odj_peer_dc *peer = &s->peers[s->n_peers];
		peer->host = hosts[i];
		odj_doing(s->ctx, "connecting to %s, another writable DC of %s", peer->host,
			  s->facts->dns_domain);
		if (connect_peer(s, p, peer) == ODJ_OK) {
			s->n_peers++;
			continue;
		}
		char *note = error_note(s, s->ctx, peer->host);
		odj_trace(s->ctx, "NetpCheckNames: the DC %s cannot be reached: %s", peer->host, note);
		s->unreached = s->unreached ? talloc_asprintf_append(s->unreached, "; %s", note) : note;
		s->n_unreached++;
		memset(peer, 0, sizeof(*peer));
		odj_error_clear(s->ctx);
	}
	if (s->peers == NULL)
		return odj_fail(s->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	if (s->n_unreached == 0 || allow_unreached)
		return ODJ_OK;
	odj_doing(s->ctx, "checking the names on every writable DC of %s", s->facts->dns_domain);
	odj_fail(s->ctx, ODJ_E_NETWORK, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND,
		 "the name check would be incomplete: %zu of the %zu writable DCs of %s cannot be "
		 "reached",
		 s->n_unreached, s->n_dcs, s->facts->dns_domain);
	odj_error_detail(s->ctx, "%s", s->unreached);
	odj_error_advice(s->ctx, "A name that exists only on an unreachable DC is not found, and "
				 "replication would then rename one of two accounts of that name. Bring "
				 "the DC back, or add --allow-unreachable-dc to check only the DCs that "
				 "answer.");
	return ODJ_E_NETWORK;
}

size_t odj_session_ldaps(const struct odj_dc_session *s, struct odj_ldap **conns,
			 const char **hosts, size_t max)
{
	size_t n = 0;
	if (n < max) {
		conns[n] = s->ldap;
		hosts[n++] = s->dc.host;
	}
	for (size_t i = 0; i < s->n_peers && n < max; i++) {
		conns[n] = s->peers[i].ldap;
		hosts[n++] = s->peers[i].host;
	}
	return n;
}
