/* Reading the domain's facts from the pinned DC. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <odj/catalogue.h>
#include <odj/join.h>

#include "facts.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* First value of attr as a string on mem, or NULL. */
static char *value(TALLOC_CTX *mem, LDAP *ld, LDAPMessage *e, const char *attr)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	if (v == NULL || v[0] == NULL) {
		ldap_value_free_len(v);
		return NULL;
	}
	char *s = talloc_strndup(mem, v[0]->bv_val, v[0]->bv_len);
	ldap_value_free_len(v);
	return s;
}

static odj_result search_one(struct odj_ldap *c, const char *base, int scope, const char *filter,
			     char **attrs, const char *what, LDAPMessage **res, LDAPMessage **entry)
{
	*res = NULL;
	*entry = NULL;
	int rc = ldap_search_ext_s(odj_ldap_handle(c), base, scope, filter, attrs, 0, NULL, NULL, NULL,
				   0, res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(*res);
		*res = NULL;
		return odj_ldap_fail(c, rc, "reading %s from %s failed", what, odj_ldap_uri(c));
	}
	*entry = ldap_first_entry(odj_ldap_handle(c), *res);
	return ODJ_OK;
}

/* DC=odj,DC=test -> odj.test */
static char *dn_to_dns(TALLOC_CTX *mem, const char *dn)
{
	LDAPDN parsed = NULL;
	if (dn == NULL || ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	char *out = talloc_strdup(mem, "");
	for (int i = 0; parsed[i] != NULL && out != NULL; i++) {
		LDAPAVA *ava = parsed[i][0];
		if (ava == NULL || strncasecmp(ava->la_attr.bv_val, "DC", ava->la_attr.bv_len) != 0 ||
		    ava->la_attr.bv_len != 2)
			continue;
		out = talloc_asprintf_append(out, "%s%.*s", *out ? "." : "", (int)ava->la_value.bv_len,
					     ava->la_value.bv_val);
	}
	ldap_dnfree(parsed);
	return out;
}

/* CN=DC1,CN=Servers,CN=<site>,CN=Sites,... -> <site> */
static char *site_of(TALLOC_CTX *mem, const char *server_dn)
{
	LDAPDN parsed = NULL;
	if (server_dn == NULL || ldap_str2dn(server_dn, &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS)
		return NULL;
	char *site = NULL;
	for (int i = 0; parsed[i] != NULL && parsed[i + 1] != NULL; i++) {
		LDAPAVA *next = parsed[i + 1][0];
		if (next->la_value.bv_len == 5 && strncasecmp(next->la_value.bv_val, "Sites", 5) == 0) {
			LDAPAVA *ava = parsed[i][0];
			site = talloc_strndup(mem, ava->la_value.bv_val, ava->la_value.bv_len);
			break;
		}
	}
	ldap_dnfree(parsed);
	return site;
}

/* "20261201003205.0Z" (generalized time, UTC) */
static bool parse_generalized_time(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strlen(s) < 14)
		return false;
	const char *end = strptime(s, "%Y%m%d%H%M%S", &tm);
	if (end == NULL)
		return false;
	*out = timegm(&tm);
	return true;
}

const char *odj_functional_level_name(int level)
{
	static const char *const names[] = {"Windows 2000",         "Windows Server 2003 interim",
					    "Windows Server 2003",  "Windows Server 2008",
					    "Windows Server 2008 R2", "Windows Server 2012",
					    "Windows Server 2012 R2", "Windows Server 2016",
					    "Windows Server 2016",  "Windows Server 2016",
					    "Windows Server 2025"};
	if (level < 0 || (size_t)level >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[level];
}

static odj_result read_root_dse(struct odj_ldap *c, struct odj_domain_facts *f)
{
	char *attrs[] = {"defaultNamingContext", "configurationNamingContext", "rootDomainNamingContext",
			 "dnsHostName", "serverName", "currentTime", "domainFunctionality",
			 "forestFunctionality", "domainControllerFunctionality", NULL};
	LDAPMessage *res, *e;
	double before = now_s();
	odj_result r = search_one(c, "", LDAP_SCOPE_BASE, "(objectClass=*)", attrs, "the rootDSE",
				  &res, &e);
	double after = now_s();
	if (r != ODJ_OK)
		return r;
	LDAP *ld = odj_ldap_handle(c);
	if (e != NULL) {
		f->default_nc = value(f, ld, e, "defaultNamingContext");
		f->config_nc = value(f, ld, e, "configurationNamingContext");
		f->root_nc = value(f, ld, e, "rootDomainNamingContext");
		f->dc_dns_host = value(f, ld, e, "dnsHostName");
		f->server_dn = value(f, ld, e, "serverName");
		char *t = value(f, ld, e, "currentTime");
		if (parse_generalized_time(t, &f->dc_time))
			f->skew_seconds = (double)f->dc_time - (before + after) / 2;
		char *lv;
		if ((lv = value(f, ld, e, "domainFunctionality")) != NULL)
			f->domain_level = atoi(lv);
		if ((lv = value(f, ld, e, "forestFunctionality")) != NULL)
			f->forest_level = atoi(lv);
		if ((lv = value(f, ld, e, "domainControllerFunctionality")) != NULL)
			f->dc_level = atoi(lv);
	}
	ldap_msgfree(res);
	if (f->default_nc == NULL || f->config_nc == NULL)
		return odj_fail(odj_ldap_ctx(c), ODJ_E_DIRECTORY, ODJ_NERR_LDAPCapableDCRequired,
				"the rootDSE of %s has no naming contexts", odj_ldap_uri(c));
	f->dns_domain = dn_to_dns(f, f->default_nc);
	f->forest = dn_to_dns(f, f->root_nc ? f->root_nc : f->default_nc);
	f->site = site_of(f, f->server_dn);
	return ODJ_OK;
}

static odj_result read_domain_object(struct odj_ldap *c, struct odj_domain_facts *f)
{
	char *attrs[] = {"objectSid", "objectGUID", NULL};
	LDAPMessage *res, *e;
	odj_result r = search_one(c, f->default_nc, LDAP_SCOPE_BASE, "(objectClass=domain)", attrs,
				  "the domain object", &res, &e);
	if (r != ODJ_OK)
		return r;
	LDAP *ld = odj_ldap_handle(c);
	struct berval **sid = e ? ldap_get_values_len(ld, e, "objectSid") : NULL;
	struct berval **guid = e ? ldap_get_values_len(ld, e, "objectGUID") : NULL;
	bool ok = sid != NULL && guid != NULL && guid[0]->bv_len == 16 &&
		  odj_sid_from_binary(&f->sid, (const uint8_t *)sid[0]->bv_val, sid[0]->bv_len);
	if (ok) {
		odj_guid_from_wire(&f->guid, (const uint8_t *)guid[0]->bv_val);
		f->sid_str = odj_sid_string(f, &f->sid);
		f->guid_str = odj_guid_string(f, &f->guid);
	}
	ldap_value_free_len(sid);
	ldap_value_free_len(guid);
	ldap_msgfree(res);
	if (!ok)
		return odj_fail(odj_ldap_ctx(c), ODJ_E_DIRECTORY, ODJ_ERROR_INVALID_DATA,
				"the domain object %s has no valid objectSid/objectGUID", f->default_nc);
	return ODJ_OK;
}

static odj_result read_netbios_name(struct odj_ldap *c, struct odj_domain_facts *f)
{
	char *escaped = NULL;
	struct berval in = {strlen(f->default_nc), f->default_nc}, out = {0, NULL};
	if (ldap_bv2escaped_filter_value(&in, &out) != 0)
		return odj_fail(odj_ldap_ctx(c), ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	escaped = talloc_strndup(f, out.bv_val, out.bv_len);
	ber_memfree(out.bv_val);
	char *filter = talloc_asprintf(f, "(&(objectClass=crossRef)(nCName=%s)(nETBIOSName=*))", escaped);
	char *base = talloc_asprintf(f, "CN=Partitions,%s", f->config_nc);
	char *attrs[] = {"nETBIOSName", NULL};
	LDAPMessage *res, *e;
	odj_result r = search_one(c, base, LDAP_SCOPE_ONELEVEL, filter, attrs,
				  "the domain's NetBIOS name", &res, &e);
	if (r == ODJ_OK && e != NULL)
		f->netbios = value(f, odj_ldap_handle(c), e, "nETBIOSName");
	ldap_msgfree(res);
	talloc_free(escaped);
	talloc_free(filter);
	talloc_free(base);
	return r;
}

odj_result odj_domain_facts_read(struct odj_ldap *c, TALLOC_CTX *mem, struct odj_domain_facts **out)
{
	struct odj_domain_facts *f = talloc_zero(mem, struct odj_domain_facts);
	*out = NULL;
	odj_result r = read_root_dse(c, f);
	if (r == ODJ_OK)
		r = read_domain_object(c, f);
	if (r == ODJ_OK)
		r = read_netbios_name(c, f);
	if (r != ODJ_OK) {
		talloc_free(f);
		return r;
	}
	*out = f;
	return ODJ_OK;
}

odj_result odj_container_check(struct odj_ldap *c, TALLOC_CTX *mem, const char *default_nc,
			       const char *ou_dn, char **resolved_dn, bool *may_create)
{
	*resolved_dn = NULL;
	*may_create = false;
	char *base = ou_dn ? talloc_strdup(mem, ou_dn) : odj_computers_container(mem, default_nc);
	char *attrs[] = {"allowedChildClassesEffective", NULL};
	LDAPMessage *res = NULL;
	LDAP *ld = odj_ldap_handle(c);
	int rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_BASE, "(objectClass=*)", attrs, 0, NULL, NULL,
				   NULL, 0, &res);
	LDAPMessage *e = rc == LDAP_SUCCESS ? ldap_first_entry(ld, res) : NULL;
	if (rc == LDAP_NO_SUCH_OBJECT || (rc == LDAP_SUCCESS && e == NULL)) {
		ldap_msgfree(res);
		odj_result r = odj_fail(odj_ldap_ctx(c), ODJ_E_DIRECTORY, ODJ_ERROR_FILE_NOT_FOUND,
					"the container %s does not exist", base);
		odj_error_advice(odj_ldap_ctx(c), "Check the spelling of --ou (a full DN such as "
						  "OU=Linux,%s) and that it exists on the DC.",
				 default_nc);
		talloc_free(base);
		return r;
	}
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		return odj_ldap_fail(c, rc, "reading the container %s failed", base);
	}
	char *dn = ldap_get_dn(ld, e);
	*resolved_dn = talloc_strdup(mem, dn ? dn : base);
	ldap_memfree(dn);
	struct berval **v = ldap_get_values_len(ld, e, "allowedChildClassesEffective");
	for (int i = 0; v != NULL && v[i] != NULL; i++)
		if (v[i]->bv_len == 8 && strncasecmp(v[i]->bv_val, "computer", 8) == 0)
			*may_create = true;
	ldap_value_free_len(v);
	ldap_msgfree(res);
	talloc_free(base);
	return ODJ_OK;
}
