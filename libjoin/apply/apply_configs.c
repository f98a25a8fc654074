/* krb5.conf and sssd.conf for the join, merged into what the target has. */
#include <string.h>

#include <odj/status.h>

#include "apply_internal.h"
#include "target_config.h"

/* sssd's own krb5 snippets (kdcinfo, domain_realm); Debian ships the directory in sssd-krb5-common. */
#define SSSD_KRB5_INCLUDEDIR "/var/lib/sss/pubconf/krb5.include.d/"

static odj_result oom(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

static odj_result load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *what,
		       const struct apply_file *old, struct odj_ini **ini)
{
	return odj_ini_parse(ctx, mem, what, old->exists ? (const char *)old->data : "",
			     old->exists ? old->len : 0, ini);
}

odj_result odj_apply_krb5_conf(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_facts *f,
			       const struct apply_file *old, bool sssd_includedir, char **out)
{
	struct odj_ini *ini;
	odj_result r = load(ctx, mem, "/etc/krb5.conf", old, &ini);
	if (r != ODJ_OK)
		return r;
	/* MIT 1.20 refuses the whole file when an includedir's directory is missing. */
	const char *inc = "includedir " SSSD_KRB5_INCLUDEDIR;
	bool ok = sssd_includedir ? odj_ini_add_directive(ini, inc) : true;
	if (!sssd_includedir)
		odj_ini_remove_directive(ini, inc);
	static const struct {
		const char *key, *value;
	} defaults[] = {{"dns_lookup_kdc", "true"}, {"rdns", "false"}, {"udp_preference_limit", "0"}};
	const char *ind = "    ";
	ok = ok && odj_ini_set(ini, "libdefaults", "default_realm", f->realm, ind, false);
	for (size_t i = 0; ok && i < sizeof(defaults) / sizeof(defaults[0]); i++)
		ok = odj_ini_set(ini, "libdefaults", defaults[i].key, defaults[i].value, ind, true);
	char *dot = talloc_asprintf(mem, ".%s", f->domain);
	ok = ok && dot && odj_ini_set(ini, "domain_realm", dot, f->realm, ind, false) &&
	     odj_ini_set(ini, "domain_realm", f->domain, f->realm, ind, false);
	ok = ok && odj_apply_prefer_dc_krb5(mem, ini, f);
	*out = ok ? odj_ini_text(mem, ini) : NULL;
	talloc_free(ini);
	return *out ? ODJ_OK : oom(ctx);
}

odj_result odj_apply_sssd_conf(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_facts *f,
			       const struct apply_file *old, const char *keytab,
			       const char *replaced_domain, char **out)
{
	struct odj_ini *ini;
	odj_result r = load(ctx, mem, "/etc/sssd/sssd.conf", old, &ini);
	if (r != ODJ_OK)
		return r;
	char *section = talloc_asprintf(mem, "domain/%s", f->domain);
	if (section == NULL)
		return oom(ctx);
	/* What identifies the join is always ours; preferences stay as the admin set them. */
	const struct {
		const char *key, *value;
		bool only_if_missing;
	} domain[] = {
		{"id_provider", "ad", false},
		{"access_provider", "ad", true},
		{"ad_domain", f->domain, false},
		{"krb5_realm", f->realm, false},
		{"ad_hostname", f->fqdn, false},
		{"ldap_sasl_authid", f->sam, false},
		{"cache_credentials", "True", true},
		{"ldap_id_mapping", "True", true},
		{"use_fully_qualified_names", "True", true},
		{"fallback_homedir", "/home/%u@%d", true},
		{"default_shell", "/bin/bash", true},
	};
	/*
	 * A rejoin to another domain stops serving the old one and removes its
	 * section: its keytab entries are gone, so sssd could only fail on it
	 * (the old file is kept in the rejoin's backup).
	 */
	bool ok = true;
	if (replaced_domain != NULL && strcasecmp(replaced_domain, f->domain) != 0) {
		char *old_section = talloc_asprintf(mem, "domain/%s", replaced_domain);
		ok = old_section != NULL &&
		     odj_ini_list_remove(ini, "sssd", "domains", replaced_domain);
		if (ok)
			odj_ini_remove_section(ini, old_section);
	}
	ok = ok && odj_ini_list_add(ini, "sssd", "domains", f->domain) &&
		  odj_ini_set(ini, "sssd", "services", "nss, pam", "", true);
	for (size_t i = 0; ok && i < sizeof(domain) / sizeof(domain[0]); i++)
		ok = odj_ini_set(ini, section, domain[i].key, domain[i].value, "",
				 domain[i].only_if_missing);
	/* The default keytab needs no line; another one must be named (a target path). */
	if (ok && strcmp(keytab, ODJ_APPLY_DEFAULT_KEYTAB) != 0)
		ok = odj_ini_set(ini, section, "krb5_keytab", keytab, "", false);
	ok = ok && odj_apply_prefer_dc_sssd(mem, ini, section, f);
	*out = ok ? odj_ini_text(mem, ini) : NULL;
	talloc_free(ini);
	return *out ? ODJ_OK : oom(ctx);
}
