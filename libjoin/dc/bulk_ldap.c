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

static char *escaped(TALLOC_CTX *mem, const char *value)
{
	struct berval in = {strlen(value), (char *)value}, out = {0, NULL};
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return NULL;
	char *s = talloc_strndup(mem, out.bv_val, out.bv_len);
	ber_memfree(out.bv_val);
	return s;
}

static odj_result lost(struct bulk_run *run, int conn, int rc, const char *what)
{
	return odj_ldap_fail(run->conns[conn].ldap, rc, "%s could not be sent to %s", what,
			     run->s->dc.host);
}

odj_result bulk_search_batch(struct bulk_run *run, struct bulk_account **batch, size_t n, int conn,
			     int *msgid)
{
	/*
	 * Only indexed attributes: dNSHostName is not indexed (Samba's @INDEXLIST,
	 * AD's searchFlags), and one unindexed term makes the whole OR a scan of
	 * the domain partition per batch.  HOST/<dNSHostName> and
	 * RestrictedKrbHost/<dNSHostName> are among the SPNs searched for, so an
	 * account answering to the same host name is still found; a dNSHostName
	 * that comes back with an entry is still matched (held_name).
	 */
	TALLOC_CTX *tmp = talloc_new(run->mem);
	char *filter = talloc_strdup(tmp, "(|");
	for (size_t i = 0; i < n; i++) {
		const struct odj_join_request *jr = &batch[i]->jr;
		filter = talloc_asprintf_append(filter, "(sAMAccountName=%s)",
						escaped(tmp, jr->out.sam_account_name));
		for (size_t k = 0; batch[i]->spns && batch[i]->spns[k]; k++)
			filter = talloc_asprintf_append(filter, "(servicePrincipalName=%s)",
							escaped(tmp, batch[i]->spns[k]));
	}
	filter = talloc_asprintf_append(filter, ")");
	char *attrs[] = {"sAMAccountName", "dNSHostName", "servicePrincipalName", NULL};
	int rc = filter ? ldap_search_ext(odj_ldap_handle(run->conns[conn].ldap),
					  run->s->facts->default_nc, LDAP_SCOPE_SUBTREE, filter, attrs,
					  0, NULL, NULL, NULL, 0, msgid)
			: LDAP_NO_MEMORY;
	talloc_free(tmp);
	if (rc != LDAP_SUCCESS)
		return lost(run, conn, rc, "the search for existing accounts");
	return ODJ_OK;
}

static bool ci_equal(const struct berval *v, const char *s)
{
	return s != NULL && v->bv_len == strlen(s) && strncasecmp(v->bv_val, s, v->bv_len) == 0;
}

/* Which name of a holds entry e has, if any: "sAMAccountName" etc. */
static const char *held_name(LDAP *ld, LDAPMessage *e, const struct bulk_account *a,
			     const char **value)
{
	const char *found = NULL;
	struct berval **v = ldap_get_values_len(ld, e, "sAMAccountName");
	for (int i = 0; v && v[i] && !found; i++)
		if (ci_equal(v[i], a->jr.out.sam_account_name)) {
			found = "sAMAccountName";
			*value = a->jr.out.sam_account_name;
		}
	ldap_value_free_len(v);
	v = ldap_get_values_len(ld, e, "dNSHostName");
	for (int i = 0; v && v[i] && !found; i++)
		if (ci_equal(v[i], a->jr.out.dns_host_name)) {
			found = "dNSHostName";
			*value = a->jr.out.dns_host_name;
		}
	ldap_value_free_len(v);
	v = ldap_get_values_len(ld, e, "servicePrincipalName");
	for (int i = 0; v && v[i] && !found; i++)
		for (size_t k = 0; a->spns && a->spns[k] && !found; k++)
			if (ci_equal(v[i], a->spns[k])) {
				found = "servicePrincipalName";
				*value = a->spns[k];
			}
	ldap_value_free_len(v);
	return found;
}

void bulk_search_result(struct bulk_run *run, LDAPMessage *res, bool *failed_search)
{
	struct odj_ldap *c = run->conns[run->batch_conn].ldap;
	LDAP *ld = odj_ldap_handle(c);
	*failed_search = false;
	int rc = LDAP_OTHER;
	for (LDAPMessage *m = ldap_first_message(ld, res); m; m = ldap_next_message(ld, m))
		if (ldap_msgtype(m) == LDAP_RES_SEARCH_RESULT &&
		    ldap_parse_result(ld, m, &rc, NULL, NULL, NULL, NULL, 0) != LDAP_SUCCESS)
			rc = LDAP_OTHER;
	if (rc != LDAP_SUCCESS) {
		*failed_search = true;
		for (size_t i = 0; i < run->batch_n; i++) {
			odj_ldap_fail(c, rc, "the search for existing accounts failed");
			bulk_account_fail(run, run->batch[i]);
		}
		return;
	}
	for (LDAPMessage *e = ldap_first_entry(ld, res); e; e = ldap_next_entry(ld, e)) {
		char *dn = ldap_get_dn(ld, e);
		for (size_t i = 0; i < run->batch_n; i++) {
			struct bulk_account *a = run->batch[i];
			if (a == NULL)
				continue;
			const char *value = NULL, *attr = held_name(ld, e, a, &value);
			if (attr == NULL)
				continue;
			if (strcmp(attr, "sAMAccountName") == 0) {
				odj_fail(run->ctx, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
					 "the account %s already exists (%s)", value, dn ? dn : "?");
				odj_error_advice(run->ctx,
						 "A bulk run never resets an account. --skip-existing skips "
						 "only machines whose blob is in the out-dir or bundle; for this "
						 "one use odj-prepare --reuse, or choose another name.");
			} else {
				odj_fail(run->ctx, ODJ_E_DIRECTORY,
					 ODJ_ERROR_DS_SPN_VALUE_NOT_UNIQUE_IN_FOREST,
					 "another account already uses a name of %s: %s holds %s %s",
					 a->jr.out.sam_account_name, dn ? dn : "?", attr, value);
			}
			run->batch[i] = NULL;
			bulk_account_fail(run, a);
		}
		ldap_memfree(dn);
	}
	for (size_t i = 0; i < run->batch_n; i++)
		if (run->batch[i] != NULL)
			bulk_account_ready(run, run->batch[i]);
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
		return lost(run, a->conn, rc, "the add");
	return ODJ_OK;
}

odj_result bulk_read_start(struct bulk_run *run, struct bulk_account *a)
{
	int rc = ldap_search_ext(odj_ldap_handle(run->conns[a->conn].ldap), a->dn, LDAP_SCOPE_BASE,
				 "(objectClass=computer)", (char **)odj_account_readback_attrs, 0, NULL,
				 NULL, NULL, 0, &a->msgid);
	if (rc != LDAP_SUCCESS)
		return lost(run, a->conn, rc, "the read-back");
	return ODJ_OK;
}

bool bulk_read_parse(struct bulk_run *run, struct bulk_account *a, LDAPMessage *res)
{
	return odj_account_readback_parse(run->conns[a->conn].ldap, a->mem, a->dn, res, &a->rb) ==
	       ODJ_OK;
}

int bulk_delete_start(struct bulk_run *run, struct bulk_account *a)
{
	return ldap_delete_ext(odj_ldap_handle(run->conns[a->conn].ldap), a->dn, NULL, NULL,
			       &a->msgid);
}
