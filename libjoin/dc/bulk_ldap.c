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
				run->s->dc.host);
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

odj_result bulk_search_batch(struct bulk_run *run, struct bulk_account **batch, size_t n, int conn,
			     int *msgid)
{
	/* the holders of every name of the batch, by the one conflict rule's filter */
	TALLOC_CTX *tmp = talloc_new(run->mem);
	char *filter = talloc_strdup(tmp, "(|");
	for (size_t i = 0; i < n; i++) {
		struct odj_claim c = claim_of(batch[i]);
		filter = odj_claim_filter_terms(tmp, filter, &c);
	}
	filter = filter ? talloc_asprintf_append(filter, ")") : NULL;
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

void bulk_search_result(struct bulk_run *run, LDAPMessage *res, bulk_verdict_fn verdict)
{
	struct odj_ldap *c = run->conns[run->batch_conn].ldap;
	LDAP *ld = odj_ldap_handle(c);
	int rc = LDAP_OTHER;
	for (LDAPMessage *m = ldap_first_message(ld, res); m; m = ldap_next_message(ld, m))
		if (ldap_msgtype(m) == LDAP_RES_SEARCH_RESULT &&
		    ldap_parse_result(ld, m, &rc, NULL, NULL, NULL, NULL, 0) != LDAP_SUCCESS)
			rc = LDAP_OTHER;
	if (rc != LDAP_SUCCESS) {
		for (size_t i = 0; i < run->batch_n; i++) {
			odj_ldap_fail_on(c, run->batch[i]->ctx, rc,
					 "the search for existing accounts failed");
			verdict(run, run->batch[i], false);
		}
		return;
	}
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
			odj_claim_conflict(a->ctx, ld, e, &claim, false, attr, value);
			run->batch[i] = NULL;
			verdict(run, a, false);
		}
	}
	for (size_t i = 0; i < run->batch_n; i++)
		if (run->batch[i] != NULL)
			verdict(run, run->batch[i], true);
}

odj_result bulk_add_start(struct bulk_run *run, struct bulk_account *a)
{
	const struct odj_bulk_req *req = run->req;
	TALLOC_CTX *tmp = talloc_new(a->mem);
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
	int rc = ldap_add_ext(odj_ldap_handle(run->conns[a->conn].ldap), a->dn,
			      odj_account_add_mods(tmp, &spec), NULL, NULL,
			      &a->msgid);
	talloc_free(tmp);
	if (rc != LDAP_SUCCESS)
		return lost(run, a->ctx, a->conn, rc, "the add");
	return ODJ_OK;
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
