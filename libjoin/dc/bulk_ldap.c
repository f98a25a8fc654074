/*
 * The bulk engine's LDAP operations, all asynchronous: the DC serves
 * pipelined requests of one connection strictly in order, so a few adds in
 * flight keep its (serialized) write path busy while the client proves the
 * keys of earlier accounts.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bulk_internal.h"

static odj_result lost(struct bulk_run *run, struct odj_ctx *ctx, int conn, int rc, const char *what)
{
	return odj_ldap_fail_on(run->conns[conn].ldap, ctx, rc, "%s could not be sent to %s", what,
				run->conns[conn].s->dc.host);
}

static struct odj_claim claim_of(const struct bulk_account *a)
{
	struct odj_claim c = {
		.sam_account_name = a->jr.out.sam_account_name,
		.dns_host_name = a->jr.out.dns_host_name,
		.spns = a->spns,
	};
	return c;
}

/* "(|...)": the holders of every name of the batch, by the one conflict rule's filter. */
static char *batch_filter(TALLOC_CTX *mem, struct bulk_account *const *batch, size_t n)
{
	char *filter = talloc_strdup(mem, "(|");
	for (size_t i = 0; i < n; i++) {
		if (batch[i] == NULL)
			continue;
		struct odj_claim c = claim_of(batch[i]);
		filter = odj_claim_filter_terms(mem, filter, &c);
	}
	return filter ? talloc_asprintf_append(filter, ")") : NULL;
}

odj_result bulk_search_batch(struct bulk_run *run, struct bulk_account **batch, size_t n, int conn,
			     int *msgid)
{
	TALLOC_CTX *tmp = talloc_new(run->mem);
	char *filter = batch_filter(tmp, batch, n);
	int rc = filter ? ldap_search_ext(odj_ldap_handle(run->conns[conn].ldap),
					  run->s->facts->default_nc, LDAP_SCOPE_SUBTREE, filter,
					  (char **)odj_account_attrs, 0, NULL, NULL, NULL, 0, msgid)
			: LDAP_NO_MEMORY;
	talloc_free(tmp);
	if (rc == LDAP_SUCCESS)
		return ODJ_OK;
	for (size_t i = 0; i < n; i++)
		lost(run, batch[i]->ctx, conn, rc, "the search for existing accounts");
	return odj_error_get(batch[0]->ctx)->result;
}

/* Fails each account of the batch that one of res's entries conflicts with (where: its DC). */
static void match_entries(struct bulk_run *run, LDAP *ld, LDAPMessage *res, const char *where,
			  bulk_verdict_fn verdict)
{
	for (LDAPMessage *e = ldap_first_entry(ld, res); e; e = ldap_next_entry(ld, e)) {
		for (size_t i = 0; i < run->batch_n; i++) {
			struct bulk_account *a = run->batch[i];
			if (a == NULL)
				continue;
			struct odj_claim claim = claim_of(a);
			const char *value = NULL, *attr = odj_claim_held(ld, e, &claim, &value);
			if (attr == NULL)
				continue;
			/* a bulk run never resets: an existing account of the name is a failure too */
			odj_claim_conflict(a->ctx, ld, e, &claim, false, attr, value, where);
			run->batch[i] = NULL;
			verdict(run, a, false);
		}
	}
}

void bulk_search_peers(struct bulk_run *run, bulk_verdict_fn verdict)
{
	const struct odj_dc_session *s = run->conns[run->batch_conn].s;
	for (size_t p = 0; p < s->n_peers; p++) {
		if (bulk_dcs_is_ours(run, s->peers[p].host))
			continue; /* searched asynchronously (bulk_search_batch), or lost mid-run */
		TALLOC_CTX *tmp = talloc_new(run->mem);
		struct odj_ldap *c = s->peers[p].ldap;
		LDAP *ld = odj_ldap_handle(c);
		LDAPMessage *res = NULL;
		char *filter = batch_filter(tmp, run->batch, run->batch_n);
		int rc = filter ? ldap_search_ext_s(ld, s->facts->default_nc, LDAP_SCOPE_SUBTREE,
						    filter, (char **)odj_account_attrs, 0, NULL, NULL,
						    NULL, 0, &res)
				: LDAP_NO_MEMORY;
		for (size_t i = 0; rc != LDAP_SUCCESS && i < run->batch_n; i++) {
			struct bulk_account *a = run->batch[i];
			if (a == NULL)
				continue;
			/* the check on that DC is incomplete: never create on a guess */
			odj_ldap_fail_on(c, a->ctx, rc, "the search for existing accounts on %s failed",
					 s->peers[p].host);
			run->batch[i] = NULL;
			verdict(run, a, false);
		}
		if (rc == LDAP_SUCCESS)
			match_entries(run, ld, res,
				      odj_claim_where(tmp, s->peers[p].host, s->dc.host), verdict);
		ldap_msgfree(res);
		talloc_free(tmp);
	}
	/* the batch goes on with those left */
	size_t n = 0;
	for (size_t i = 0; i < run->batch_n; i++)
		if (run->batch[i] != NULL)
			run->batch[n++] = run->batch[i];
	run->batch_n = n;
}

void bulk_search_result(struct bulk_run *run, int conn, LDAPMessage *res, bulk_verdict_fn verdict)
{
	struct odj_ldap *c = run->conns[conn].ldap;
	LDAP *ld = odj_ldap_handle(c);
	int rc = LDAP_OTHER;
	for (LDAPMessage *m = ldap_first_message(ld, res); m; m = ldap_next_message(ld, m))
		if (ldap_msgtype(m) == LDAP_RES_SEARCH_RESULT &&
		    ldap_parse_result(ld, m, &rc, NULL, NULL, NULL, NULL, 0) != LDAP_SUCCESS)
			rc = LDAP_OTHER;
	if (rc != LDAP_SUCCESS) {
		for (size_t i = 0; i < run->batch_n; i++) {
			struct bulk_account *a = run->batch[i];
			if (a == NULL)
				continue;
			odj_ldap_fail_on(c, a->ctx, rc, "the search for existing accounts on %s failed",
					 run->conns[conn].s->dc.host);
			run->batch[i] = NULL;
			verdict(run, a, false);
		}
		return;
	}
	TALLOC_CTX *tmp = talloc_new(run->mem);
	const char *first = run->conns[run->batch_conn].s->dc.host, *here = run->conns[conn].s->dc.host;
	match_entries(run, ld, res, here == first ? NULL : odj_claim_where(tmp, here, first), verdict);
	talloc_free(tmp);
	if (run->batch_pending > 0)
		return; /* another DC has yet to answer */
	for (size_t i = 0; i < run->batch_n; i++)
		if (run->batch[i] != NULL)
			verdict(run, run->batch[i], true);
}

/* What the add of a writes. */
static struct odj_account_spec add_spec(const struct bulk_run *run, const struct bulk_account *a)
{
	const struct odj_bulk_req *req = run->req;
	struct odj_account_spec spec = {
		.sam_account_name = a->jr.out.sam_account_name,
		.dns_host_name = a->jr.out.dns_host_name,
		.spns = a->spns,
		.user_account_control = a->jr.out.user_account_control,
		.enctypes = a->jr.out.enctypes,
		.description = req->in.description,
		.os_name = req->in.os_name,
		.os_version = req->in.os_version,
		.password_utf16 = a->pw_utf16,
	};
	return spec;
}

odj_result bulk_add_start(struct bulk_run *run, struct bulk_account *a)
{
	TALLOC_CTX *tmp = talloc_new(a->mem);
	struct odj_account_spec spec = add_spec(run, a);
	int rc = ldap_add_ext(odj_ldap_handle(run->conns[a->conn].ldap), a->dn,
			      odj_account_add_mods(tmp, &spec), NULL, NULL,
			      &a->msgid);
	talloc_free(tmp);
	if (rc != LDAP_SUCCESS)
		return lost(run, a->ctx, a->conn, rc, "the add");
	return ODJ_OK;
}

void bulk_add_failed(struct bulk_run *run, struct bulk_account *a, int rc)
{
	struct odj_account_spec spec = add_spec(run, a);
	odj_account_add_failed(run->conns[a->conn].ldap, a->ctx, rc, a->dn, &spec);
}

odj_result bulk_read_start(struct bulk_run *run, struct bulk_account *a)
{
	int rc = ldap_search_ext(odj_ldap_handle(run->conns[a->conn].ldap), a->dn, LDAP_SCOPE_BASE,
				 "(objectClass=computer)", (char **)odj_account_readback_attrs, 0, NULL,
				 NULL, NULL, 0, &a->msgid);
	if (rc != LDAP_SUCCESS)
		return lost(run, a->ctx, a->conn, rc, "the read-back");
	return ODJ_OK;
}

bool bulk_read_parse(struct bulk_run *run, struct bulk_account *a, LDAPMessage *res)
{
	return odj_account_readback_parse(run->conns[a->conn].ldap, a->ctx, a->mem, a->dn, res,
					  &a->rb) == ODJ_OK;
}

int bulk_delete_start(struct bulk_run *run, struct bulk_account *a)
{
	return ldap_delete_ext(odj_ldap_handle(run->conns[a->conn].ldap), a->dn, NULL, NULL,
			       &a->msgid);
}
