/* Names of the domain controller flags (odj-format.md §4, [MS-NRPC] 2.2.1.2.1). */
#include <odj/dcflags.h>

static const struct odj_dcflag dcflags[] = {
	{ODJ_DS_PDC_FLAG, "DS_PDC_FLAG", "primary domain controller"},
	{ODJ_DS_GC_FLAG, "DS_GC_FLAG", "global catalog"},
	{ODJ_DS_LDAP_FLAG, "DS_LDAP_FLAG", "LDAP server"},
	{ODJ_DS_DS_FLAG, "DS_DS_FLAG", "directory service"},
	{ODJ_DS_KDC_FLAG, "DS_KDC_FLAG", "Kerberos KDC"},
	{ODJ_DS_TIMESERV_FLAG, "DS_TIMESERV_FLAG", "time service"},
	{ODJ_DS_CLOSEST_FLAG, "DS_CLOSEST_FLAG", "in the client's closest site"},
	{ODJ_DS_WRITABLE_FLAG, "DS_WRITABLE_FLAG", "writable directory service"},
	{ODJ_DS_GOOD_TIMESERV_FLAG, "DS_GOOD_TIMESERV_FLAG", "time service with clock hardware"},
	{ODJ_DS_NDNC_FLAG, "DS_NDNC_FLAG", "serves an application naming context"},
	{ODJ_DS_SELECT_SECRET_DOMAIN_6_FLAG, "DS_SELECT_SECRET_DOMAIN_6_FLAG",
	 "read-only domain controller"},
	{ODJ_DS_FULL_SECRET_DOMAIN_6_FLAG, "DS_FULL_SECRET_DOMAIN_6_FLAG",
	 "writable domain controller holding all secrets"},
	{ODJ_DS_WS_FLAG, "DS_WS_FLAG", "Active Directory Web Services"},
	{ODJ_DS_DS_8_FLAG, "DS_DS_8_FLAG", "Windows Server 2012 or later"},
	{ODJ_DS_DS_9_FLAG, "DS_DS_9_FLAG", "Windows Server 2012 R2 or later"},
	{ODJ_DS_DS_10_FLAG, "DS_DS_10_FLAG", "Windows Server 2016 or later"},
	{ODJ_DS_KEY_LIST_FLAG, "DS_KEY_LIST_FLAG", "supports key-list requests"},
	{ODJ_DS_DS_13_FLAG, "DS_DS_13_FLAG", "Windows Server 2025 or later"},
	{ODJ_DS_DNS_CONTROLLER_FLAG, "DS_DNS_CONTROLLER_FLAG", "controller name is a DNS name"},
	{ODJ_DS_DNS_DOMAIN_FLAG, "DS_DNS_DOMAIN_FLAG", "domain name is a DNS name"},
	{ODJ_DS_DNS_FOREST_FLAG, "DS_DNS_FOREST_FLAG", "forest name is a DNS name"},
};

#define N_FLAGS (sizeof(dcflags) / sizeof(dcflags[0]))

size_t odj_dcflag_count(void)
{
	return N_FLAGS;
}

const struct odj_dcflag *odj_dcflag_at(size_t i)
{
	return i < N_FLAGS ? &dcflags[i] : NULL;
}

const struct odj_dcflag *odj_dcflag_find(uint32_t bit)
{
	for (size_t i = 0; i < N_FLAGS; i++) {
		if (dcflags[i].bit == bit)
			return &dcflags[i];
	}
	return NULL;
}

char *odj_dcflags_names(TALLOC_CTX *mem, uint32_t flags, const char *sep)
{
	if (sep == NULL)
		sep = "|";
	char *out = talloc_strdup(mem, "");
	uint32_t unnamed = flags;
	for (size_t i = 0; out != NULL && i < N_FLAGS; i++) {
		if ((flags & dcflags[i].bit) == 0)
			continue;
		out = talloc_asprintf_append(out, "%s%s", out[0] ? sep : "", dcflags[i].name);
		unnamed &= ~dcflags[i].bit;
	}
	if (out != NULL && unnamed != 0)
		out = talloc_asprintf_append(out, "%s0x%x", out[0] ? sep : "", unnamed);
	return out;
}
