/*
 * What a join derives from the names: DNs, sAMAccountName, SPNs, the
 * Kerberos salt, enctype numbers ([MS-WKST] 3.2.4.13.3 steps 23, 25-28).
 */
#include <ctype.h>
#include <string.h>

#include <odj/join.h>

static char *dup_case(TALLOC_CTX *mem, const char *s, size_t n, int (*conv)(int))
{
	char *out = talloc_strndup(mem, s, n);
	if (out == NULL)
		return NULL;
	for (char *p = out; *p; p++)
		*p = (char)conv((unsigned char)*p);
	return out;
}

char *odj_domain_dn(TALLOC_CTX *mem, const char *domain_dns)
{
	if (domain_dns == NULL || domain_dns[0] == '\0' || domain_dns[0] == '.')
		return NULL;
	size_t len = strlen(domain_dns);
	if (domain_dns[len - 1] == '.')
		len--; /* an absolute name's root dot is not a label */
	char *dn = talloc_strdup(mem, "");
	for (size_t i = 0; dn != NULL && i < len;) {
		size_t n = strcspn(domain_dns + i, ".");
		if (n > len - i)
			n = len - i;
		if (n == 0) {
			talloc_free(dn);
			return NULL;
		}
		dn = talloc_asprintf_append(dn, "%sDC=", dn[0] ? "," : "");
		/* RFC 4514 escaping, so that a hostile label cannot add an RDN. */
		for (size_t k = i; dn != NULL && k < i + n; k++) {
			char c = domain_dns[k];
			bool special = strchr(",+\"\\<>;=#", c) != NULL;
			dn = talloc_asprintf_append(dn, "%s%c", special ? "\\" : "", c);
		}
		i += n + 1;
	}
	return dn;
}

char *odj_computers_container(TALLOC_CTX *mem, const char *domain_dn)
{
	if (domain_dn == NULL || domain_dn[0] == '\0')
		return NULL;
	return talloc_asprintf(mem, "<WKGUID=%s,%s>", ODJ_WKGUID_COMPUTERS, domain_dn);
}

char *odj_sam_account_name(TALLOC_CTX *mem, const char *netbios_name)
{
	if (netbios_name == NULL || netbios_name[0] == '\0' ||
	    strlen(netbios_name) > ODJ_NETBIOS_NAME_MAX)
		return NULL;
	char *up = dup_case(mem, netbios_name, strlen(netbios_name), toupper);
	return up ? talloc_strdup_append(up, "$") : NULL;
}

char *odj_netbios_from_host(TALLOC_CTX *mem, const char *dns_host_name)
{
	if (dns_host_name == NULL)
		return NULL;
	size_t n = strcspn(dns_host_name, ".");
	if (n == 0)
		return NULL;
	if (n > ODJ_NETBIOS_NAME_MAX)
		n = ODJ_NETBIOS_NAME_MAX; /* Windows keeps the first 15 characters too */
	return dup_case(mem, dns_host_name, n, toupper);
}

char **odj_machine_spns(TALLOC_CTX *mem, const char *netbios_name, const char *dns_host_name,
			size_t *count)
{
	/*
	 * [MS-WKST] step 28 builds the NetBIOS SPN from ComputerAccountString,
	 * i.e. "HOST/NAME$".  Windows and Samba write "HOST/NAME" without the
	 * dollar: that is the form AD's servicePrincipalName constraint
	 * ([MS-ADTS] 3.1.1.5.3.1.1.4, sAMAccountName "without the terminating
	 * $") accepts without extra rights, and the form clients ask for.
	 */
	static const char *const services[] = {"HOST", "RestrictedKrbHost"};
	if (netbios_name == NULL || dns_host_name == NULL)
		return NULL;
	char *name = dup_case(mem, netbios_name, strlen(netbios_name), toupper);
	char *fqdn = dup_case(mem, dns_host_name, strlen(dns_host_name), tolower);
	char **spns = talloc_zero_array(mem, char *, 5);
	if (name == NULL || fqdn == NULL || spns == NULL) {
		talloc_free(name);
		talloc_free(fqdn);
		talloc_free(spns);
		return NULL;
	}
	size_t n = 0;
	for (size_t i = 0; i < 2; i++) {
		spns[n++] = talloc_asprintf(spns, "%s/%s", services[i], fqdn);
		spns[n++] = talloc_asprintf(spns, "%s/%s", services[i], name);
	}
	talloc_free(name);
	talloc_free(fqdn);
	for (size_t i = 0; i < n; i++) {
		if (spns[i] == NULL) {
			talloc_free(spns);
			return NULL;
		}
	}
	if (count != NULL)
		*count = n;
	return spns;
}

char *odj_krb5_salt(TALLOC_CTX *mem, const char *realm, const char *name)
{
	if (realm == NULL || name == NULL || realm[0] == '\0' || name[0] == '\0')
		return NULL;
	size_t n = strlen(name);
	if (name[n - 1] == '$')
		n--;
	if (n == 0)
		return NULL;
	TALLOC_CTX *tmp = talloc_new(mem);
	char *up_realm = dup_case(tmp, realm, strlen(realm), toupper);
	char *low_realm = dup_case(tmp, realm, strlen(realm), tolower);
	char *low_name = dup_case(tmp, name, n, tolower);
	char *salt = NULL;
	if (up_realm && low_realm && low_name)
		salt = talloc_asprintf(mem, "%shost%s.%s", up_realm, low_name, low_realm);
	talloc_free(tmp);
	return salt;
}

size_t odj_enctypes_to_krb5(uint32_t bits, int32_t out[3])
{
	/* RFC 3962 and RFC 4757 numbers, strongest first as keytabs list them. */
	size_t n = 0;
	if (bits & ODJ_ENCTYPE_AES256)
		out[n++] = 18;
	if (bits & ODJ_ENCTYPE_AES128)
		out[n++] = 17;
	if (bits & ODJ_ENCTYPE_RC4_HMAC)
		out[n++] = 23;
	return n;
}
