/* Computer accounts: lookup by sAMAccountName. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"

char *odj_ldap_filter_value(TALLOC_CTX *mem, const char *value)
{
	struct berval in = {strlen(value), (char *)value}, out = {0, NULL};
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return NULL;
	char *s = talloc_strndup(mem, out.bv_val, out.bv_len);
	ber_memfree(out.bv_val);
	return s;
}

char *odj_ldap_first_value(TALLOC_CTX *mem, LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	char *s = v && v[0] ? talloc_strndup(mem, v[0]->bv_val, v[0]->bv_len) : NULL;
	ldap_value_free_len(v);
	return s;
}

odj_result odj_ldap_read_entry(struct odj_ldap *c, const char *dn, char *const *attrs,
			       LDAPControl **ctrls, LDAPMessage **res, LDAPMessage **entry,
			       const char *fmt, ...)
{
	LDAP *ld = odj_ldap_handle(c);
	*res = NULL;
	int rc = ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", (char **)attrs, 0,
				   ctrls, NULL, NULL, 0, res);
	*entry = rc == LDAP_SUCCESS ? ldap_first_entry(ld, *res) : NULL;
	if (*entry != NULL)
		return ODJ_OK;
	ldap_msgfree(*res);
	*res = NULL;
	va_list ap;
	va_start(ap, fmt);
	char *what = talloc_vasprintf(NULL, fmt, ap);
	va_end(ap);
	odj_result r = odj_ldap_fail(c, rc == LDAP_SUCCESS ? LDAP_NO_SUCH_OBJECT : rc, "%s failed",
				     what ? what : dn);
	talloc_free(what);
	return r;
}

odj_result odj_account_find(struct odj_ldap *c, TALLOC_CTX *mem, const char *base, const char *sam,
			    struct odj_account **out)
{
	*out = NULL;
	LDAP *ld = odj_ldap_handle(c);
	char *value = odj_ldap_filter_value(mem, sam);
	if (value == NULL)
		return odj_fail(odj_ldap_ctx(c), ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	char *filter = talloc_asprintf(mem, "(sAMAccountName=%s)", value);
	LDAPMessage *res = NULL;
	int rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, (char **)odj_account_attrs, 0,
				   NULL, NULL, NULL, 0, &res);
	talloc_free(value);
	talloc_free(filter);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return odj_ldap_fail(c, rc, "looking up the account %s failed", sam);
	}
	LDAPMessage *e = ldap_first_entry(ld, res);
	if (e != NULL)
		*out = odj_account_from_entry(mem, ld, e);
	ldap_msgfree(res);
	return ODJ_OK;
}

char *const odj_account_attrs[] = {"sAMAccountName", "userAccountControl", "objectClass",
				   "dNSHostName", "servicePrincipalName", "objectSid",
				   "msDS-KeyVersionNumber", "msDS-SupportedEncryptionTypes", NULL};

struct odj_account *odj_account_from_entry(TALLOC_CTX *mem, LDAP *ld, LDAPMessage *e)
{
	struct odj_account *a = talloc_zero(mem, struct odj_account);
	char *dn = ldap_get_dn(ld, e);
	a->dn = talloc_strdup(a, dn);
	ldap_memfree(dn);
	a->sam_account_name = odj_ldap_first_value(a, ld, e, "sAMAccountName");
	char *v;
	if ((v = odj_ldap_first_value(a, ld, e, "userAccountControl")) != NULL)
		a->user_account_control = (uint32_t)strtoul(v, NULL, 10);
	if ((v = odj_ldap_first_value(a, ld, e, "msDS-KeyVersionNumber")) != NULL)
		a->kvno = (uint32_t)strtoul(v, NULL, 10);
	if ((v = odj_ldap_first_value(a, ld, e, "msDS-SupportedEncryptionTypes")) != NULL)
		a->enctypes = (uint32_t)strtoul(v, NULL, 10);
	a->dns_host_name = odj_ldap_first_value(a, ld, e, "dNSHostName");
	struct berval **oc = ldap_get_values_len(ld, e, "objectClass");
	bool managed = false; /* sMSA/gMSA derive from computer but are no machines */
	for (int i = 0; oc && oc[i]; i++) {
		if (oc[i]->bv_len == 8 && strncasecmp(oc[i]->bv_val, "computer", 8) == 0)
			a->is_computer = true;
		if (oc[i]->bv_len > 9 && strncasecmp(oc[i]->bv_val, "msDS-", 5) == 0 &&
		    memmem(oc[i]->bv_val, oc[i]->bv_len, "ServiceAccount", 14) != NULL)
			managed = true;
	}
	if (managed)
		a->is_computer = false;
	ldap_value_free_len(oc);
	struct berval **spn = ldap_get_values_len(ld, e, "servicePrincipalName");
	int n = spn ? ldap_count_values_len(spn) : 0;
	a->spns = talloc_zero_array(a, char *, (size_t)n + 1);
	for (int i = 0; i < n; i++)
		a->spns[i] = talloc_strndup(a->spns, spn[i]->bv_val, spn[i]->bv_len);
	a->n_spns = (size_t)n;
	ldap_value_free_len(spn);
	struct berval **sid = ldap_get_values_len(ld, e, "objectSid");
	if (sid && sid[0])
		odj_sid_from_binary(&a->sid, (const uint8_t *)sid[0]->bv_val, sid[0]->bv_len);
	ldap_value_free_len(sid);
	return a;
}

/* ---- writing ---- */

static char **spec_spns_missing(TALLOC_CTX *mem, const struct odj_account *have,
				const char *const *want, size_t *n)
{
	size_t count = 0;
	for (size_t i = 0; want && want[i]; i++)
		count++;
	char **out = talloc_zero_array(mem, char *, count + 1);
	*n = 0;
	for (size_t i = 0; out && want && want[i]; i++) {
		bool present = false;
		for (size_t j = 0; have && j < have->n_spns && !present; j++)
			present = strcasecmp(have->spns[j], want[i]) == 0;
		if (!present)
			out[(*n)++] = talloc_strdup(out, want[i]);
	}
	return out;
}

char *odj_account_dn(TALLOC_CTX *mem, const char *name, const char *container)
{
	LDAPAVA ava = {.la_attr = {2, (char *)"CN"},
		       .la_value = {strlen(name), (char *)name},
		       .la_flags = LDAP_AVA_STRING};
	LDAPAVA *rdn[] = {&ava, NULL};
	LDAPRDN rdns[] = {rdn, NULL};
	char *s = NULL;
	if (ldap_dn2str(rdns, &s, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	char *dn = talloc_asprintf(mem, "%s,%s", s, container);
	ldap_memfree(s);
	return dn;
}

/* LDAPMod arrays on talloc; values are copied. */
struct mods {
	TALLOC_CTX *mem;
	LDAPMod **list; /* NULL-terminated */
	size_t n;
};

static LDAPMod *mod_new(struct mods *m, int op, const char *attr)
{
	m->list = talloc_realloc(m->mem, m->list, LDAPMod *, m->n + 2);
	LDAPMod *mod = talloc_zero(m->list, LDAPMod);
	mod->mod_op = op | LDAP_MOD_BVALUES;
	mod->mod_type = talloc_strdup(mod, attr);
	mod->mod_bvalues = talloc_zero_array(mod, struct berval *, 1);
	m->list[m->n++] = mod;
	m->list[m->n] = NULL;
	return mod;
}

static void mod_value(LDAPMod *mod, const void *p, size_t len)
{
	size_t n = 0;
	while (mod->mod_bvalues[n])
		n++;
	mod->mod_bvalues = talloc_realloc(mod, mod->mod_bvalues, struct berval *, n + 2);
	struct berval *bv = talloc_zero(mod->mod_bvalues, struct berval);
	bv->bv_val = talloc_memdup(bv, p, len ? len : 1);
	bv->bv_len = len;
	mod->mod_bvalues[n] = bv;
	mod->mod_bvalues[n + 1] = NULL;
}

static void mod_str(struct mods *m, int op, const char *attr, const char *value)
{
	if (value != NULL)
		mod_value(mod_new(m, op, attr), value, strlen(value));
}

static void mod_uint(struct mods *m, int op, const char *attr, uint32_t v)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%u", v);
	mod_str(m, op, attr, buf);
}

/* unicodePwd: the password in double quotes, UTF-16LE; the copy is wiped. */
static void mod_password(struct mods *m, int op, const struct odj_secret *pw)
{
	size_t n = odj_secret_len(pw);
	struct odj_secret *quoted = odj_secret_new(m->mem, n + 4);
	uint8_t *q = odj_secret_data(quoted);
	q[0] = '"';
	memcpy(q + 2, odj_secret_data(pw), n);
	q[n + 2] = '"';
	LDAPMod *mod = mod_new(m, op, "unicodePwd");
	mod_value(mod, q, n + 4);
	odj_wipe_on_free(mod->mod_bvalues[0]->bv_val);
	talloc_free(quoted);
}

LDAPMod **odj_account_add_mods(TALLOC_CTX *mem, const struct odj_account_spec *spec)
{
	struct mods m = {mem, talloc_zero_array(mem, LDAPMod *, 1), 0};
	mod_str(&m, LDAP_MOD_ADD, "objectClass", "computer");
	mod_str(&m, LDAP_MOD_ADD, "sAMAccountName", spec->sam_account_name);
	mod_uint(&m, LDAP_MOD_ADD, "userAccountControl", spec->user_account_control);
	mod_str(&m, LDAP_MOD_ADD, "dNSHostName", spec->dns_host_name);
	if (spec->spns && spec->spns[0]) {
		LDAPMod *mod = mod_new(&m, LDAP_MOD_ADD, "servicePrincipalName");
		for (size_t i = 0; spec->spns[i]; i++)
			mod_value(mod, spec->spns[i], strlen(spec->spns[i]));
	}
	mod_uint(&m, LDAP_MOD_ADD, "msDS-SupportedEncryptionTypes", spec->enctypes);
	mod_str(&m, LDAP_MOD_ADD, "userPrincipalName", spec->upn);
	mod_str(&m, LDAP_MOD_ADD, "description", spec->description);
	mod_str(&m, LDAP_MOD_ADD, "operatingSystem", spec->os_name);
	mod_str(&m, LDAP_MOD_ADD, "operatingSystemVersion", spec->os_version);
	if (spec->password_utf16 != NULL)
		mod_password(&m, LDAP_MOD_ADD, spec->password_utf16);
	return m.list;
}

/*
 * insufficientAccessRights on a write: ERROR_ACCESS_DENIED naming the
 * operation and the attributes it wrote (the password as the control
 * access right it needs).
 */
static odj_result write_denied(struct odj_ldap *c, struct odj_ctx *ctx, const char *op,
			       const char *dn, const struct mods *m)
{
	char *attrs = talloc_strdup(m->mem, "");
	for (size_t i = 0; attrs && i < m->n; i++)
		attrs = talloc_asprintf_append(
			attrs, "%s%s", i ? ", " : "",
			strcasecmp(m->list[i]->mod_type, "unicodePwd") == 0
				? "unicodePwd (the Reset Password right)"
				: m->list[i]->mod_type);
	char *diag = NULL;
	ldap_get_option(odj_ldap_handle(c), LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (strncmp(op, "creating", 8) == 0) /* an add needs Create Child first */
		odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED,
			 "the DC refused %s %s: no right to create computer objects there (or to "
			 "write %s)",
			 op, dn, attrs ? attrs : "(?)");
	else
		odj_fail(ctx, ODJ_E_CREDENTIALS, ODJ_ERROR_ACCESS_DENIED,
			 "the DC refused %s %s: no right to write %s", op, dn, attrs ? attrs : "(?)");
	odj_error_detail(ctx, "LDAP 50 (insufficientAccessRights)%s%s", diag ? "; server said: " : "",
			 diag ? diag : "");
	ldap_memfree(diag);
	odj_error_advice(ctx, "Delegate those rights on the account or its OU (samba-tool dsacl set, "
			      "dsacls), or run as an identity that has them.");
	return ODJ_E_CREDENTIALS;
}

odj_result odj_account_add_failed(struct odj_ldap *c, struct odj_ctx *ctx, int rc, const char *dn,
				  const struct odj_account_spec *spec)
{
	if (rc != LDAP_INSUFFICIENT_ACCESS)
		return odj_ldap_fail_on(c, ctx, rc, "creating the computer account %s failed", dn);
	TALLOC_CTX *tmp = talloc_new(ctx);
	struct mods m = {tmp, odj_account_add_mods(tmp, spec), 0};
	while (m.list && m.list[m.n])
		m.n++;
	odj_result r = write_denied(c, ctx, "creating the computer account", dn, &m);
	talloc_free(tmp); /* wipes the quoted password */
	return r;
}

odj_result odj_account_create(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn,
			      const struct odj_account_spec *spec)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	int rc = ldap_add_ext_s(odj_ldap_handle(c), dn, odj_account_add_mods(tmp, spec), NULL, NULL);
	talloc_free(tmp); /* wipes the quoted password */
	return rc == LDAP_SUCCESS ? ODJ_OK : odj_account_add_failed(c, odj_ldap_ctx(c), rc, dn, spec);
}

/* The modifications a reset sends (on tmp), and what they change in words (on mem). */
static struct mods reset_mods(TALLOC_CTX *tmp, TALLOC_CTX *mem, const struct odj_account *have,
			      const struct odj_account_spec *spec, char ***changes)
{
	struct mods m = {tmp, talloc_zero_array(tmp, LDAPMod *, 1), 0};
	char **what = talloc_zero_array(mem, char *, 1);
	size_t nwhat = 0;
#define CHANGED(...)                                                                   \
	do {                                                                           \
		what = talloc_realloc(mem, what, char *, nwhat + 2);                   \
		what[nwhat++] = talloc_asprintf(what, __VA_ARGS__);                    \
		what[nwhat] = NULL;                                                    \
	} while (0)
	if (spec->dns_host_name != NULL &&
	    (have->dns_host_name == NULL || strcasecmp(have->dns_host_name, spec->dns_host_name) != 0)) {
		mod_str(&m, LDAP_MOD_REPLACE, "dNSHostName", spec->dns_host_name);
		CHANGED("dNSHostName %s -> %s", have->dns_host_name ? have->dns_host_name : "(none)",
			spec->dns_host_name);
	}
	size_t nmissing = 0;
	char **missing = spec_spns_missing(tmp, have, spec->spns, &nmissing);
	if (nmissing > 0) {
		LDAPMod *mod = mod_new(&m, LDAP_MOD_ADD, "servicePrincipalName");
		for (size_t i = 0; i < nmissing; i++) {
			mod_value(mod, missing[i], strlen(missing[i]));
			CHANGED("added servicePrincipalName %s", missing[i]);
		}
	}
	if (have->enctypes != spec->enctypes) {
		mod_uint(&m, LDAP_MOD_REPLACE, "msDS-SupportedEncryptionTypes", spec->enctypes);
		CHANGED("msDS-SupportedEncryptionTypes %u -> %u", have->enctypes, spec->enctypes);
	}
	if (spec->password_utf16 != NULL) {
		mod_password(&m, LDAP_MOD_REPLACE, spec->password_utf16);
		CHANGED("new machine password");
	}
#undef CHANGED
	*changes = what;
	return m;
}

char **odj_account_reset_changes(TALLOC_CTX *mem, const struct odj_account *have,
				 const struct odj_account_spec *spec)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	char **changes = NULL;
	reset_mods(tmp, mem, have, spec, &changes);
	talloc_free(tmp); /* wipes the quoted password */
	return changes;
}

const char **odj_account_reset_attrs(TALLOC_CTX *mem, const struct odj_account *have,
				     const struct odj_account_spec *spec)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	char **changes = NULL;
	struct mods m = reset_mods(tmp, tmp, have, spec, &changes);
	const char **attrs = talloc_zero_array(mem, const char *, m.n + 1);
	size_t n = 0;
	for (size_t i = 0; attrs && i < m.n; i++)
		if (strcasecmp(m.list[i]->mod_type, "unicodePwd") != 0) /* a control access right */
			attrs[n++] = talloc_strdup(attrs, m.list[i]->mod_type);
	talloc_free(tmp); /* wipes the quoted password */
	return attrs;
}

odj_result odj_account_update(struct odj_ldap *c, TALLOC_CTX *mem, const struct odj_account *have,
			      const struct odj_account_spec *spec, char ***changes)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	struct mods m = reset_mods(tmp, mem, have, spec, changes);
	int rc = m.n ? ldap_modify_ext_s(odj_ldap_handle(c), have->dn, m.list, NULL, NULL)
		     : LDAP_SUCCESS;
	odj_result r = ODJ_OK;
	if (rc == LDAP_INSUFFICIENT_ACCESS)
		r = write_denied(c, odj_ldap_ctx(c), "resetting the computer account", have->dn, &m);
	else if (rc != LDAP_SUCCESS)
		r = odj_ldap_fail(c, rc, "updating the computer account %s failed", have->dn);
	talloc_free(tmp);
	if (r != ODJ_OK) { /* the DC changed nothing */
		TALLOC_FREE(*changes);
	}
	return r;
}

int odj_account_remove(struct odj_ldap *c, const char *dn)
{
	return ldap_delete_ext_s(odj_ldap_handle(c), dn, NULL, NULL);
}

char *const odj_account_readback_attrs[] = {"msDS-KeyVersionNumber", "pwdLastSet", "objectSid",
					     "whenCreated", "msDS-SupportedEncryptionTypes", NULL};

odj_result odj_account_readback_parse(struct odj_ldap *c, struct odj_ctx *ctx, TALLOC_CTX *mem,
				      const char *dn, LDAPMessage *res,
				      struct odj_account_readback *out)
{
	memset(out, 0, sizeof(*out));
	LDAP *ld = odj_ldap_handle(c);
	int rc = LDAP_OTHER;
	for (LDAPMessage *m = ldap_first_message(ld, res); m; m = ldap_next_message(ld, m))
		if (ldap_msgtype(m) == LDAP_RES_SEARCH_RESULT &&
		    ldap_parse_result(ld, m, &rc, NULL, NULL, NULL, NULL, 0) != LDAP_SUCCESS)
			rc = LDAP_OTHER;
	LDAPMessage *e = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
	if (e == NULL)
		return odj_ldap_fail_on(c, ctx, rc == LDAP_SUCCESS ? LDAP_NO_SUCH_OBJECT : rc,
				     "reading back %s failed", dn);
	char *v;
	if ((v = odj_ldap_first_value(mem, ld, e, "msDS-KeyVersionNumber")) != NULL)
		out->kvno = (uint32_t)strtoul(v, NULL, 10);
	if ((v = odj_ldap_first_value(mem, ld, e, "pwdLastSet")) != NULL)
		out->pwd_last_set = strtoll(v, NULL, 10);
	if ((v = odj_ldap_first_value(mem, ld, e, "msDS-SupportedEncryptionTypes")) != NULL)
		out->enctypes = (uint32_t)strtoul(v, NULL, 10);
	out->when_created = odj_ldap_first_value(mem, ld, e, "whenCreated");
	struct berval **sid = ldap_get_values_len(ld, e, "objectSid");
	bool ok = sid && sid[0] &&
		  odj_sid_from_binary(&out->sid, (const uint8_t *)sid[0]->bv_val, sid[0]->bv_len) &&
		  out->sid.num_auths > 0;
	ldap_value_free_len(sid);
	if (!ok || out->kvno == 0)
		return odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_ERROR_INVALID_DATA,
				"%s has no objectSid or msDS-KeyVersionNumber", dn);
	out->rid = out->sid.sub_auths[out->sid.num_auths - 1];
	out->sid_str = odj_sid_string(mem, &out->sid);
	return ODJ_OK;
}

odj_result odj_account_read_back(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn,
				 struct odj_account_readback *out)
{
	memset(out, 0, sizeof(*out));
	LDAPMessage *res = NULL;
	int rc = ldap_search_ext_s(odj_ldap_handle(c), dn, LDAP_SCOPE_BASE, "(objectClass=computer)",
				   (char **)odj_account_readback_attrs, 0, NULL, NULL, NULL, 0, &res);
	odj_result r = rc == LDAP_SUCCESS ? odj_account_readback_parse(c, odj_ldap_ctx(c), mem, dn, res, out)
					  : odj_ldap_fail(c, rc, "reading back %s failed", dn);
	ldap_msgfree(res);
	return r;
}

odj_result odj_account_may_write(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn,
				 const char *const *attrs, const char **missing)
{
	*missing = NULL;
	char *const want[] = {"allowedAttributesEffective", NULL};
	LDAPMessage *res = NULL, *e = NULL;
	odj_result r = odj_ldap_read_entry(c, dn, want, NULL, &res, &e, "reading the rights on %s", dn);
	if (r != ODJ_OK)
		return r;
	struct berval **v = ldap_get_values_len(odj_ldap_handle(c), e, "allowedAttributesEffective");
	for (size_t k = 0; attrs && attrs[k] && *missing == NULL; k++) {
		bool allowed = false;
		for (int i = 0; v && v[i] && !allowed; i++)
			allowed = v[i]->bv_len == strlen(attrs[k]) &&
				  strncasecmp(v[i]->bv_val, attrs[k], v[i]->bv_len) == 0;
		if (!allowed)
			*missing = talloc_strdup(mem, attrs[k]);
	}
	ldap_value_free_len(v);
	ldap_msgfree(res);
	return ODJ_OK;
}
