/*
 * The DC that created the account, preferred by the target's Kerberos and
 * sssd until replication has carried the account to the other DCs: a DC
 * that does not have it yet answers "client not found", and neither MIT
 * kinit nor sssd's first attempt tries another DC after that answer.  The
 * preference is never the only choice: every DC of the domain follows it.
 */
#include <string.h>

#include "apply_internal.h"
#include "target_config.h"

/* Marks the krb5.conf realm block as odj's (so a rejoin rewrites it, and an admin's is kept). */
#define PREFERRED_MARKER "# odj: the account's creating DC first, then every DC"

/* The creating DC's DNS name (a NetBIOS-style name gets the domain), or NULL. */
static char *creating_dc(TALLOC_CTX *mem, const struct apply_facts *f)
{
	if (f->dc_name == NULL || f->dc_name[0] == '\0')
		return NULL;
	return strchr(f->dc_name, '.') ? talloc_strdup(mem, f->dc_name)
				       : talloc_asprintf(mem, "%s.%s", f->dc_name, f->domain);
}

bool odj_apply_prefer_dc_krb5(TALLOC_CTX *mem, struct odj_ini *ini, const struct apply_facts *f)
{
	char *dc = creating_dc(mem, f);
	if (dc == NULL)
		return true;
	/*
	 * MIT asks DNS (SRV) only when the realm has no kdc line, so the
	 * fallback is in the list itself: the domain's own name, whose A
	 * records are every DC's address (AD registers them for each DC).
	 */
	const char *body[] = {
		talloc_asprintf(mem, "kdc = %s", dc),
		talloc_asprintf(mem, "kdc = %s", f->domain),
		talloc_asprintf(mem, "kpasswd_server = %s", dc),
		talloc_asprintf(mem, "kpasswd_server = %s", f->domain),
	};
	for (size_t i = 0; i < sizeof(body) / sizeof(body[0]); i++)
		if (body[i] == NULL)
			return false;
	bool kept;
	return odj_ini_set_block(ini, "realms", f->realm, PREFERRED_MARKER, body,
				 sizeof(body) / sizeof(body[0]), &kept);
}

bool odj_apply_prefer_dc_sssd(TALLOC_CTX *mem, struct odj_ini *ini, const char *section,
			      const struct apply_facts *f)
{
	char *dc = creating_dc(mem, f);
	if (dc == NULL)
		return true;
	/* An admin's own ad_server stays; odj's "<dc>, _srv_" from an earlier join is replaced. */
	const char *old = odj_ini_get(mem, ini, section, "ad_server");
	size_t n = old ? strlen(old) : 0;
	bool ours = old == NULL || (n > 7 && strcmp(old + n - 7, ", _srv_") == 0);
	if (!ours)
		return true;
	char *value = talloc_asprintf(mem, "%s, _srv_", dc);
	return value != NULL && odj_ini_set(ini, section, "ad_server", value, "", false);
}
