/* Computer accounts in the directory: finding, creating, reusing. */
#ifndef ODJ_DC_ACCOUNT_H
#define ODJ_DC_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <odj/blob.h>

#include "ldap_conn.h"

struct odj_account {
	char *dn;
	char *sam_account_name;
	uint32_t user_account_control;
	bool is_computer; /* objectClass computer */
	char *dns_host_name;
	char **spns; /* NULL-terminated */
	size_t n_spns;
	struct odj_sid sid;
	uint32_t kvno;
	uint32_t enctypes;
};

/*
 * Looks up the object whose sAMAccountName is sam (escaped with libldap's
 * filter escaping) below base.  *out is NULL when there is none.
 */
odj_result odj_account_find(struct odj_ldap *c, TALLOC_CTX *mem, const char *base, const char *sam,
			    struct odj_account **out);

#endif
