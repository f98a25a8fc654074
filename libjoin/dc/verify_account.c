/* odj_verify's account step: the computer object read with the machine's own credentials. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <odj/catalogue.h>

#include "account.h"
#include "ldap_conn.h"
#include "verify_internal.h"

#define UF_ACCOUNTDISABLE 0x2u

struct account {
	char *dn;
	uint32_t uac, enctypes, kvno;
	char *dns_host_name;
	char **spns;
	size_t n_spns;
};

/* DC=odj,DC=test from odj.test */
static char *base_dn(TALLOC_CTX *mem, const char *domain)
{
	char *dn = talloc_strdup(mem, "");
	char *copy = talloc_strdup(mem, domain);
	for (char *save = NULL, *l = strtok_r(copy, ".", &save); l; l = strtok_r(NULL, ".", &save))
		dn = talloc_asprintf_append(dn, "%sDC=%s", *dn ? "," : "", l);
	return dn;
}

/* A number attribute; 0 when e has none. */
static uint32_t uint_value(TALLOC_CTX *mem, LDAP *ld, LDAPMessage *e, const char *attr)
{
	char *s = odj_ldap_first_value(mem, ld, e, attr);
	return s ? (uint32_t)strtoul(s, NULL, 10) : 0;
}

static odj_result read_account(struct verify_run *v, struct odj_krb *krb, struct account *a)
{
	struct odj_verify_req *q = v->req;
	char *ldap_svc = talloc_asprintf(v->mem, "ldap/%s", q->out.dc_name);
	odj_result r = odj_krb_service_ticket(krb, ldap_svc, ODJ_ERROR_NO_LOGON_SERVERS);
	struct odj_ldap *c = NULL;
	if (r == ODJ_OK) {
		struct odj_ldap_options lo = ODJ_LDAP_OPTIONS_INIT;
		lo.dc_host = q->out.dc_name;
		lo.dc_address = q->out.dc_address;
		lo.connect_timeout_ms = v->d.kdc_connect_ms;
		lo.op_timeout_ms = v->d.ldap_ms;
		r = odj_ldap_connect(v->ctx, v->mem, &lo, krb, &c);
	}
	if (r != ODJ_OK)
		return r;
	char *filter = talloc_asprintf(v->mem, "(&(objectClass=computer)(sAMAccountName=%s))",
				       v->j->sam);
	char *attrs[] = {"userAccountControl", "dNSHostName", "servicePrincipalName",
			 "msDS-SupportedEncryptionTypes", "msDS-KeyVersionNumber", NULL};
	odj_doing(v->ctx, "reading the account %s from %s as %s", v->j->sam, odj_ldap_uri(c),
		  odj_krb_client(krb));
	LDAPMessage *res = NULL;
	LDAP *ld = odj_ldap_handle(c);
	int rc = ldap_search_ext_s(ld, base_dn(v->mem, v->j->domain), LDAP_SCOPE_SUBTREE, filter,
				   attrs, 0, NULL, NULL, NULL, 0, &res);
	LDAPMessage *e = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
	if (rc != LDAP_SUCCESS) {
		r = odj_ldap_fail(c, rc, "reading %s failed", v->j->sam);
	} else if (e == NULL) {
		r = odj_fail(v->ctx, ODJ_E_DIRECTORY, ODJ_NERR_ComputerAccountNotFound,
			     "the directory shows no computer account %s to %s", v->j->sam,
			     odj_krb_client(krb));
	} else {
		char *dn = ldap_get_dn(ld, e);
		a->dn = talloc_strdup(v->mem, dn ? dn : "?");
		ldap_memfree(dn);
		a->uac = uint_value(v->mem, ld, e, "userAccountControl");
		a->enctypes = uint_value(v->mem, ld, e, "msDS-SupportedEncryptionTypes");
		a->kvno = uint_value(v->mem, ld, e, "msDS-KeyVersionNumber");
		a->dns_host_name = odj_ldap_first_value(v->mem, ld, e, "dNSHostName");
		struct berval **spn = ldap_get_values_len(ld, e, "servicePrincipalName");
		a->n_spns = (size_t)ldap_count_values_len(spn);
		a->spns = talloc_zero_array(v->mem, char *, a->n_spns + 1);
		for (size_t i = 0; spn && i < a->n_spns; i++)
			a->spns[i] = talloc_strndup(a->spns, spn[i]->bv_val, spn[i]->bv_len);
		ldap_value_free_len(spn);
	}
	ldap_msgfree(res);
	talloc_free(c);
	return r;
}

uint32_t odj_verify_account_kvno_with(struct verify_run *v, const char *ccache)
{
	struct odj_krb *krb = NULL;
	struct account a = {0};
	odj_result r = odj_joined_krb(v->ctx, v->mem, v->j, v->req->out.dc_address, &v->d, &krb);
	if (r == ODJ_OK)
		r = odj_krb_login_ccache(krb, ccache);
	if (r == ODJ_OK)
		r = read_account(v, krb, &a);
	odj_trace(v->ctx, "NetpVerifyJoin: account kvno read with %s: %u", ccache,
		  r == ODJ_OK ? a.kvno : 0);
	talloc_free(krb);
	return r == ODJ_OK ? a.kvno : 0;
}

static bool has_spn(const struct account *a, const char *spn)
{
	for (size_t i = 0; i < a->n_spns; i++)
		if (strcasecmp(a->spns[i], spn) == 0)
			return true;
	return false;
}

odj_result odj_verify_account(struct verify_run *v)
{
	struct odj_joined *j = v->j;
	struct account a = {0};
	odj_result r = read_account(v, v->krb, &a);
	if (r != ODJ_OK)
		return r;
	const char *why = NULL;
	odj_status st = ODJ_ERROR_INVALID_DATA;
	if (a.uac & UF_ACCOUNTDISABLE) {
		why = "the account is disabled";
		st = ODJ_ERROR_ACCOUNT_DISABLED;
	} else if (a.dns_host_name == NULL || strcasecmp(a.dns_host_name, j->fqdn) != 0) {
		why = talloc_asprintf(v->mem, "dNSHostName is %s, the join record says %s",
				      a.dns_host_name ? a.dns_host_name : "(unset)", j->fqdn);
	} else if ((j->enctypes & 0x1c) & ~a.enctypes) {
		why = talloc_asprintf(v->mem, "msDS-SupportedEncryptionTypes is 0x%x, the keytab "
					      "holds keys for 0x%x",
				      a.enctypes, j->enctypes & 0x1c);
	} else {
		for (size_t i = 0; i < j->n_principals && why == NULL; i++) {
			char *spn = talloc_strdup(v->mem, j->principals[i]);
			char *at = strrchr(spn, '@');
			if (at)
				*at = 0;
			if (strchr(spn, '/') != NULL && !has_spn(&a, spn))
				why = talloc_asprintf(v->mem, "the SPN %s of the join record is not "
							      "registered on the account",
						      spn);
		}
	}
	if (why != NULL) {
		odj_fail(v->ctx, ODJ_E_DIRECTORY, st, "%s (%s): %s", j->sam, a.dn, why);
		odj_error_advice(v->ctx, "Someone changed the account after the join. Provision the "
					 "machine again with odj-prepare --reuse and apply that blob "
					 "with --rejoin, or restore the attribute.");
		return ODJ_E_DIRECTORY;
	}
	v->summary = talloc_asprintf(v->mem, "%s read as %s: enabled, dNSHostName %s, %zu SPNs, "
					     "enctypes 0x%x, msDS-KeyVersionNumber %u",
				     a.dn, odj_krb_client(v->krb), a.dns_host_name, a.n_spns, a.enctypes,
				     a.kvno);
	return ODJ_OK;
}
