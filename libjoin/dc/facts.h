/* What the DC says about its domain: rootDSE, domain object, NetBIOS name, rights. */
#ifndef ODJ_DC_FACTS_H
#define ODJ_DC_FACTS_H

#include <stdbool.h>
#include <time.h>

#include <odj/prepare.h>

#include "ldap_conn.h"

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
