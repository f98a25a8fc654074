/* The join's facts from the blob, checked before any of them reaches a file. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <odj/join.h>
#include <odj/names.h>
#include <odj/status.h>

#include "apply_internal.h"

/* A blob the codec accepted whose join data cannot be used: the codec's code for bad join info. */
#define bad_blob(ctx, ...) odj_fail((ctx), ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo, __VA_ARGS__)

static const char *shown(const char *s)
{
	return s ? s : "(none)";
}

/*
 * A name that goes into configuration files: printable ASCII without
 * blanks or the characters INI, krb5 profile and hosts syntax give meaning to.
 */
static bool safe_token(const char *s, size_t max)
{
	if (s == NULL || *s == '\0' || strlen(s) > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("[]{}=#;,\"'\\/@%$", *p) != NULL)
			return false;
	return true;
}

/* An SPN for the keytab: service/host[:port][/name] in letters, digits and ._:/- only. */
static bool safe_spn(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 1024 || strchr(s, '/') == NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!isalnum(*p) && strchr("._:/-", *p) == NULL)
			return false;
	return true;
}

static char *dup_case(TALLOC_CTX *mem, const char *s, int (*conv)(int))
{
	char *d = talloc_strdup(mem, s);
	for (char *p = d; p && *p; p++)
		*p = (char)conv((unsigned char)*p);
	return d;
}

/* Whether the UTF-16LE password is name (ASCII), ignoring case: the /defpwd default. */
static bool password_is_name(const struct odj_secret *pw, const char *name)
{
	size_t n = strlen(name);
	if (odj_secret_len(pw) != 2 * n)
		return false;
	const uint8_t *p = odj_secret_data(pw);
	for (size_t i = 0; i < n; i++)
		if (p[2 * i + 1] != 0 || tolower(p[2 * i]) != tolower((unsigned char)name[i]))
			return false;
	return true;
}

/* The host part of "\\dc1.odj.test" (informational; NULL if unusable). */
static char *dc_host(TALLOC_CTX *mem, const char *unc)
{
	if (unc == NULL)
		return NULL;
	while (*unc == '\\')
		unc++;
	return safe_token(unc, ODJ_DNS_NAME_MAX) ? talloc_strdup(mem, unc) : NULL;
}

/* One of the four SPNs every machine gets (steps 27-28 and RestrictedKrbHost/). */
static bool is_default_spn(const struct apply_facts *f, const char *spn)
{
	static const char *const services[] = {"HOST", "RestrictedKrbHost"};
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(services[i]);
		if (strncasecmp(spn, services[i], n) != 0 || spn[n] != '/')
			continue;
		const char *host = spn + n + 1;
		if (strcasecmp(host, f->machine) == 0 || strcasecmp(host, f->fqdn) == 0)
			return true;
	}
	return false;
}

/*
 * odj's own part (blob/FORMAT.md): what the account really is on the DC.
 * Absent (djoin, net offlinejoin) or dropped as damaged: the fallbacks stay.
 * Present but naming another account or realm than the Windows fields: the
 * blob is inconsistent and refused.
 */
static odj_result facts_from_odj_part(struct odj_ctx *ctx, TALLOC_CTX *mem,
				      const struct odj_provision *prov, struct apply_facts *f)
{
	const struct odj_linux_part *lp = odj_provision_linux_part(prov);
	if (lp == NULL)
		return ODJ_OK;
	if (lp->sam_account_name != NULL && strcasecmp(lp->sam_account_name, f->sam) != 0)
		return bad_blob(ctx, "odj's part names the account '%s', the blob '%s'",
				shown(lp->sam_account_name), f->sam);
	if (lp->realm != NULL && strcasecmp(lp->realm, f->realm) != 0)
		return bad_blob(ctx, "odj's part names the realm '%s', the blob '%s'", shown(lp->realm),
				f->realm);
	f->have_odj_part = true;
	if (lp->kvno != 0) {
		f->have_kvno = true;
		f->kvno = lp->kvno;
	}
	if (lp->enctypes != 0) {
		f->have_enctypes = true;
		f->enctypes = lp->enctypes;
	}
	/* the dNSHostName registered (prepare --dns-host-name may differ from NAME.domain) */
	if (lp->dns_host_name != NULL) {
		if (odj_name_status(lp->dns_host_name, ODJ_NETSETUP_DNS_MACHINE) != ODJ_ERROR_SUCCESS ||
		    !safe_token(lp->dns_host_name, ODJ_DNS_NAME_MAX))
			return bad_blob(ctx, "odj's part carries an invalid dNSHostName '%s'",
					shown(lp->dns_host_name));
		f->fqdn = dup_case(mem, lp->dns_host_name, tolower);
	}
	if (lp->salt != NULL) {
		if (!safe_token(lp->salt, 1024))
			return bad_blob(ctx, "odj's part carries an invalid salt");
		f->salt = talloc_strdup(mem, lp->salt);
	}
	f->extra_spns = talloc_zero_array(mem, char *, lp->spn_count + 1);
	for (uint32_t i = 0; f->extra_spns && i < lp->spn_count; i++) {
		const char *spn = lp->spns[i];
		if (!safe_spn(spn))
			return bad_blob(ctx, "odj's part carries an invalid SPN '%s'", shown(spn));
		if (!is_default_spn(f, spn))
			f->extra_spns[f->n_extra_spns++] = talloc_strdup(f->extra_spns, spn);
	}
	return ODJ_OK;
}

odj_result odj_apply_facts(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_provision *prov,
			   struct apply_facts *f)
{
	memset(f, 0, sizeof(*f));
	const struct odj_win7blob *w = odj_provision_win7(prov);
	if (w == NULL)
		return bad_blob(ctx, "the blob has no ODJ_WIN7BLOB to join with");
	const struct odj_dns_domain_info *dn = &w->dns_domain_info;

	const char *domain = dn->dns_domain_name.value ? dn->dns_domain_name.value : w->domain;
	if (domain == NULL || odj_name_status(domain, ODJ_NETSETUP_DOMAIN) != ODJ_ERROR_SUCCESS ||
	    !safe_token(domain, ODJ_DNS_NAME_MAX) || strchr(domain, '.') == NULL)
		return bad_blob(ctx, "the blob's DNS domain name '%s' is not a valid DNS name",
				shown(domain));
	if (w->domain != NULL && strcasecmp(w->domain, domain) != 0 &&
	    (dn->name.value == NULL || strcasecmp(w->domain, dn->name.value) != 0))
		return bad_blob(ctx, "the blob's lpDomain '%s' names neither its DNS nor its "
				     "NetBIOS domain",
				w->domain);
	f->domain = dup_case(mem, domain, tolower);
	f->realm = dup_case(mem, domain, toupper);

	const char *nb = dn->name.value;
	if (!safe_token(nb, ODJ_NETBIOS_NAME_MAX))
		return bad_blob(ctx, "the blob's NetBIOS domain name '%s' is not valid", shown(nb));
	f->netbios_domain = dup_case(mem, nb, toupper);
	const char *forest = dn->dns_forest_name.value;
	f->forest = forest && safe_token(forest, ODJ_DNS_NAME_MAX) ? dup_case(mem, forest, tolower)
								   : talloc_strdup(mem, f->domain);
	if (dn->sid == NULL)
		return bad_blob(ctx, "the blob has no domain SID");
	f->domain_sid = odj_sid_string(mem, dn->sid);
	f->domain_guid = odj_guid_string(mem, &dn->domain_guid);

	/* lpMachineName: "ODJCLI01", "wurst2" or "test-al1$". */
	const char *m = w->machine_name;
	char *name = m ? talloc_strdup(mem, m) : NULL;
	if (name != NULL && name[0] != '\0' && name[strlen(name) - 1] == '$')
		name[strlen(name) - 1] = '\0';
	if (name == NULL || odj_name_status(name, ODJ_NETSETUP_MACHINE) != ODJ_ERROR_SUCCESS ||
	    !safe_token(name, ODJ_NETBIOS_NAME_MAX))
		return bad_blob(ctx, "the blob's machine name '%s' is not a valid NetBIOS name", shown(m));
	f->machine = dup_case(mem, name, toupper);
	f->short_name = dup_case(mem, name, tolower);
	f->sam = odj_sam_account_name(mem, f->machine);
	f->fqdn = talloc_asprintf(mem, "%s.%s", f->short_name, f->domain);
	if (strlen(f->fqdn) > ODJ_DNS_NAME_MAX)
		return bad_blob(ctx, "the host name '%s' is longer than a DNS name may be", f->fqdn);

	if (w->machine_password == NULL || odj_secret_len(w->machine_password) == 0 ||
	    odj_secret_len(w->machine_password) % 2 != 0)
		return bad_blob(ctx, "the blob carries no machine password");
	f->password = w->machine_password;
	f->options = w->options;
	f->password_is_name = password_is_name(f->password, m) || password_is_name(f->password, name);

	const struct odj_joinprov3 *j3 = odj_provision_joinprov3(prov);
	if (j3 != NULL && j3->sid != NULL) {
		struct odj_sid sid;
		if (!odj_sid_parse(j3->sid, &sid))
			return bad_blob(ctx, "the blob's machine SID '%s' is not a SID", j3->sid);
		f->machine_sid = odj_sid_string(mem, &sid);
		f->rid = j3->rid;
	}
	f->dc_name = dc_host(mem, w->dc_info.dc_name);
	f->site = safe_token(w->dc_info.client_site_name, 256)
			  ? talloc_strdup(mem, w->dc_info.client_site_name)
			  : NULL;

	odj_result r = facts_from_odj_part(ctx, mem, prov, f);
	if (r != ODJ_OK)
		return r;
	if (f->salt == NULL) /* without odj's part: AD's rule for computer accounts */
		f->salt = odj_krb5_salt(mem, f->realm, f->sam);
	if (f->realm == NULL || f->netbios_domain == NULL || f->domain_sid == NULL ||
	    f->machine == NULL || f->short_name == NULL || f->sam == NULL || f->fqdn == NULL ||
	    f->salt == NULL || f->forest == NULL || f->domain_guid == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	return ODJ_OK;
}

/* "HOST/x.y" -> "host/x.y"; the host part: FQDN lower case, short name upper case. */
static char *normalize_spn(TALLOC_CTX *mem, const char *spn)
{
	const char *slash = strchr(spn, '/');
	if (slash == NULL || slash == spn || slash[1] == '\0')
		return NULL;
	char *svc = talloc_strndup(mem, spn, (size_t)(slash - spn));
	if (svc != NULL && strcasecmp(svc, "host") == 0)
		strcpy(svc, "host");
	const char *host = slash + 1;
	size_t hl = strcspn(host, ":/");
	char *h = talloc_strndup(mem, host, hl);
	bool fqdn = h && strchr(h, '.') != NULL;
	for (char *p = h; p && *p; p++)
		*p = (char)(fqdn ? tolower((unsigned char)*p) : toupper((unsigned char)*p));
	char *r = svc && h ? talloc_asprintf(mem, "%s/%s%s", svc, h, host + hl) : NULL;
	talloc_free(svc);
	talloc_free(h);
	return r;
}

char **odj_apply_principals(TALLOC_CTX *mem, const struct apply_facts *f, size_t *n)
{
	size_t max = 5 + f->n_extra_spns;
	char **p = talloc_zero_array(mem, char *, max + 1);
	*n = 0;
	if (p == NULL)
		return NULL;
	static const char *const services[] = {"host", "RestrictedKrbHost"};
	p[(*n)++] = talloc_asprintf(p, "%s@%s", f->sam, f->realm);
	for (size_t i = 0; i < 4; i++)
		p[(*n)++] = talloc_asprintf(p, "%s/%s@%s", services[i / 2],
					    i % 2 == 0 ? f->machine : f->fqdn, f->realm);
	for (size_t i = 0; i < f->n_extra_spns; i++) {
		char *spn = normalize_spn(p, f->extra_spns[i]);
		if (spn == NULL)
			continue;
		char *full = talloc_asprintf(p, "%s@%s", spn, f->realm);
		bool dup = false;
		for (size_t j = 0; full && j < *n; j++)
			dup = dup || strcmp(p[j], full) == 0;
		if (!dup)
			p[(*n)++] = full;
	}
	for (size_t i = 0; i < *n; i++)
		if (p[i] == NULL) {
			talloc_free(p);
			return NULL;
		}
	return p;
}
