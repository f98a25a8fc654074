/* Which network libraries the DC side runs with (for --version and bug reports). */
#include <ldap.h>
#include <libsmbclient.h>

#include <odj/dc.h>

char *odj_dc_library_versions(TALLOC_CTX *mem)
{
	LDAPAPIInfo info = {.ldapai_info_version = LDAP_API_INFO_VERSION};
	char *ldap_part;
	if (ldap_get_option(NULL, LDAP_OPT_API_INFO, &info) == LDAP_OPT_SUCCESS) {
		ldap_part = talloc_asprintf(mem, "%s %d", info.ldapai_vendor_name,
					    info.ldapai_vendor_version);
		ldap_memfree(info.ldapai_vendor_name);
		for (char **e = info.ldapai_extensions; e != NULL && *e != NULL; e++)
			ldap_memfree(*e);
		ldap_memfree(info.ldapai_extensions);
	} else {
		ldap_part = talloc_strdup(mem, "libldap (unknown version)");
	}
	const char *smb = smbc_version();
	char *out = talloc_asprintf(mem, "%s, libsmbclient %s", ldap_part, smb ? smb : "?");
	talloc_free(ldap_part);
	return out;
}
