/* What the DC says about its domain: rootDSE, domain object, NetBIOS name, rights. */
#ifndef ODJ_DC_FACTS_H
#define ODJ_DC_FACTS_H

#include <stdbool.h>
#include <time.h>

#include <odj/blob.h>

#include "ldap_conn.h"

struct odj_domain_facts {
	char *default_nc; /* DC=odj,DC=test */
	char *config_nc;
	char *root_nc;
	char *dns_domain; /* odj.test, from the default naming context */
	char *forest;     /* from the root domain naming context */
	char *netbios;    /* ODJ, from the crossRef in CN=Partitions */
	char *dc_dns_host;
	char *server_dn;
	char *site; /* the DC's site, from serverName */
	struct odj_sid sid;
	char *sid_str;
	struct odj_guid guid;
	char *guid_str;
	int domain_level, forest_level, dc_level; /* msDS-Behavior-Version values */
	time_t dc_time;
	double skew_seconds; /* DC clock minus ours */
};

odj_result odj_domain_facts_read(struct odj_ldap *c, TALLOC_CTX *mem, struct odj_domain_facts **out);

/* "Windows Server 2008 R2" for a functional level number. */
const char *odj_functional_level_name(int level);

/*
 * Resolves the container for new computer accounts (ou_dn, or NULL for the
 * well-known Computers container through its WKGUID) and whether the bound
 * identity may create computer objects there (allowedChildClassesEffective).
 * A missing OU is ERROR_FILE_NOT_FOUND.
 */
odj_result odj_container_check(struct odj_ldap *c, TALLOC_CTX *mem, const char *default_nc,
			       const char *ou_dn, char **resolved_dn, bool *may_create);

#endif
