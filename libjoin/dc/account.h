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

/* What a computer account should carry (steps 25-32 and odj's additions). */
struct odj_account_spec {
	const char *sam_account_name;
	const char *dns_host_name;  /* NULL: leave dNSHostName and SPNs alone (DEFER_SPN_SET) */
	const char *const *spns;    /* NULL-terminated; NULL with DEFER_SPN_SET */
	uint32_t user_account_control;
	uint32_t enctypes;
	const char *upn;
	const char *description;
	const char *os_name;
	const char *os_version;
	const struct odj_secret *password_utf16; /* NULL: no unicodePwd (kpasswd sets it) */
};

/* What the directory says after the write. */
struct odj_account_readback {
	uint32_t kvno;
	int64_t pwd_last_set;  /* FILETIME */
	struct odj_sid sid;
	char *sid_str;
	uint32_t rid;
	char *when_created;    /* generalized time */
	uint32_t enctypes;
};

/* value escaped for an LDAP filter (RFC 4515, libldap's escaping), on mem. */
char *odj_ldap_filter_value(TALLOC_CTX *mem, const char *value);

/* The first value of attr in e as a string on mem; NULL if it has none. */
char *odj_ldap_first_value(TALLOC_CTX *mem, LDAP *ld, LDAPMessage *e, const char *attr);

/*
 * A base search of dn for attrs (ctrls may be NULL): *entry is the entry,
 * *res the message to ldap_msgfree.  No entry is a failure, recorded as
 * "<what fmt says> failed".
 */
odj_result odj_ldap_read_entry(struct odj_ldap *c, const char *dn, char *const *attrs,
			       LDAPControl **ctrls, LDAPMessage **res, LDAPMessage **entry,
			       const char *fmt, ...) ODJ_PRINTF(7, 8);

/* The attributes odj_account_find reads, for callers that search themselves. */
extern char *const odj_account_attrs[];

/* An entry read with odj_account_attrs, parsed (on mem). */
struct odj_account *odj_account_from_entry(TALLOC_CTX *mem, LDAP *ld, LDAPMessage *e);

/* CN=<name>,<container> with the RDN value escaped by libldap. */
char *odj_account_dn(TALLOC_CTX *mem, const char *name, const char *container);

/*
 * The modifications of the one LDAP add of a new computer account, on mem
 * (the quoted unicodePwd value is wiped when mem is freed).  For callers that
 * send the add themselves (bulk pipelines them).
 */
LDAPMod **odj_account_add_mods(TALLOC_CTX *mem, const struct odj_account_spec *spec);

/* The one LDAP add of a new computer account. */
/*
 * The error of a refused add of dn with spec's attributes, on ctx: for
 * insufficientAccessRights ERROR_ACCESS_DENIED naming the attributes (the
 * password as the Reset Password right), else the LDAP code's row.
 */
odj_result odj_account_add_failed(struct odj_ldap *c, struct odj_ctx *ctx, int rc, const char *dn,
				  const struct odj_account_spec *spec);
odj_result odj_account_create(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn,
			      const struct odj_account_spec *spec);

/*
 * Brings an existing account to spec: adds missing SPNs (extra ones stay),
 * replaces dNSHostName, enctypes and the password.  *changes lists what
 * changed ("added servicePrincipalName HOST/pc1", ...), NULL-terminated.
 */
odj_result odj_account_update(struct odj_ldap *c, TALLOC_CTX *mem, const struct odj_account *have,
			      const struct odj_account_spec *spec, char ***changes);

/* The attributes odj_account_update would write (but unicodePwd), NULL-terminated. */
const char **odj_account_reset_attrs(TALLOC_CTX *mem, const struct odj_account *have,
				     const struct odj_account_spec *spec);

/*
 * The first of attrs (NULL-terminated) that the bound identity may not write
 * on dn, by the DC's allowedAttributesEffective; *missing NULL when it may
 * write them all.  (The right to reset the password is a control access
 * right the DC does not list there: rights.c reads it from the DACL.)
 */
odj_result odj_account_may_write(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn,
				 const char *const *attrs, const char **missing);

/* What odj_account_update would change, in its words, without sending anything. */
char **odj_account_reset_changes(TALLOC_CTX *mem, const struct odj_account *have,
				 const struct odj_account_spec *spec);

/*
 * Removes an object this run created.  Returns the LDAP result code and
 * records nothing: it runs after another failure, which stays the error.
 */
int odj_account_remove(struct odj_ldap *c, const char *dn);

/* A base search of dn for the read-back attributes, parsed into out. */
odj_result odj_account_read_back(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn,
				 struct odj_account_readback *out);

/* The read-back attributes, for callers that send the search themselves. */
extern char *const odj_account_readback_attrs[];

/* Parses the result of such a search (entry and result messages) into out; failures go on ctx. */
odj_result odj_account_readback_parse(struct odj_ldap *c, struct odj_ctx *ctx, TALLOC_CTX *mem,
				      const char *dn, LDAPMessage *res,
				      struct odj_account_readback *out);

/*
 * Looks up the object whose sAMAccountName is sam (escaped with libldap's
 * filter escaping) below base.  *out is NULL when there is none.
 */
odj_result odj_account_find(struct odj_ldap *c, TALLOC_CTX *mem, const char *base, const char *sam,
			    struct odj_account **out);

/* Who owns an existing account: the inputs of the KB5020276 reuse rule. */
struct odj_account_owner {
	char *owner;        /* the security descriptor's owner SID; NULL: unreadable */
	char *owner_name;   /* its sAMAccountName (NULL: unknown) */
	char *creator;      /* mS-DS-CreatorSID (NULL: none, the account was not a quota add) */
	char *creator_name;
};

/*
 * Reads the owner of dn's security descriptor (with the SD flags control,
 * OWNER_SECURITY_INFORMATION only: no READ_CONTROL on the DACL needed) and
 * its mS-DS-CreatorSID, and names both.
 */
odj_result odj_account_read_owner(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn,
				  struct odj_account_owner *out);

/*
 * The parts flags names (SD flags control: 1 owner, 4 DACL) of dn's
 * nTSecurityDescriptor (*sd NULL when the DC returns none: no READ_CONTROL)
 * and, with creator, its mS-DS-CreatorSID (NULL: none).
 */
odj_result odj_account_read_sd(struct odj_ldap *c, TALLOC_CTX *mem, const char *dn, uint8_t flags,
			       struct berval **sd, char **creator);

/* The owner SID of a self-relative security descriptor; NULL if malformed or none. */
char *odj_sd_owner_sid(TALLOC_CTX *mem, const uint8_t *sd, size_t len);

/* The SIDs of the bound identity's token (rootDSE tokenGroups: the user and its groups). */
odj_result odj_ldap_token_sids(struct odj_ldap *c, TALLOC_CTX *mem, char ***sids);

/*
 * The machine account quota: ms-DS-MachineAccountQuota of the domain (-1:
 * not set) and how many computer objects name one of token (the caller's
 * SIDs) as mS-DS-CreatorSID.
 */
odj_result odj_quota_read(struct odj_ldap *c, TALLOC_CTX *mem, const char *default_nc,
			  const char *const *token, int *quota, unsigned *used);

#endif
