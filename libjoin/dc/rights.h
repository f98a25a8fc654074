/*
 * The rights a join needs on the directory, read before any write: whose
 * account it is (a new one, the caller's own, someone else's) decides which
 * rights the caller must hold through a delegation.
 */
#ifndef ODJ_DC_RIGHTS_H
#define ODJ_DC_RIGHTS_H

#include <stdbool.h>

#include "account.h"

enum odj_right {
	ODJ_RIGHT_CREATE,               /* Create Computer objects, on the container */
	ODJ_RIGHT_RESET_PASSWORD,       /* control access right Reset Password */
	ODJ_RIGHT_DNS_HOST_NAME,        /* validated write to DNS host name (or write dNSHostName) */
	ODJ_RIGHT_SPN,                  /* validated write to SPN (or write servicePrincipalName) */
	ODJ_RIGHT_ACCOUNT_RESTRICTIONS, /* write the property set: userAccountControl, ... */
	ODJ_RIGHT_ENCTYPES,             /* write msDS-SupportedEncryptionTypes */
	ODJ_RIGHT_COUNT
};

enum odj_account_case {
	ODJ_ACCOUNT_NEW,   /* the add: the creator gets the class's CREATOR OWNER rights */
	ODJ_ACCOUNT_OWN,   /* its owner or mS-DS-CreatorSID is the caller */
	ODJ_ACCOUNT_OTHERS /* someone else's: only delegated rights count */
};

struct odj_rights_in {
	const char *client;      /* the caller's principal, for messages */
	const char *domain_sid;  /* resolves SDDL aliases (DA, ...) */
	const char *netbios;     /* the domain's NetBIOS name, for the dsacls form */
	const char *default_nc;  /* where the caller's account is looked up */
	const char *config_nc;   /* where the schema is */
	const char *container;   /* where a new account goes */
	bool may_create;         /* allowedChildClassesEffective lists computer */
	bool by_quota;           /* the add relies on ms-DS-MachineAccountQuota */
	bool sets_password_after; /* a new account's password is set after the add (kpasswd) */
	const struct odj_account *have;  /* the existing account; NULL: a new one */
	const char *const *attrs;        /* what the reset writes besides the password */
	const char *const *token;        /* the caller's SIDs (tokenGroups) */
};

struct odj_rights {
	enum odj_account_case whose;
	char *owner;       /* the existing account's owner SID (NULL: unreadable) */
	char *caller_sid;  /* the caller's own SID, for the ACE that grants a right */
	char *caller_name; /* sAMAccountName, for the dsacls form */
	bool needed[ODJ_RIGHT_COUNT];
	bool missing[ODJ_RIGHT_COUNT];
	bool unread;       /* the DACL could not be read: the DC decides at the write */
};

/*
 * Reads what the caller may do (the account's DACL with the SD flags
 * control, allowedAttributesEffective; for a new account the computer
 * class's defaultSecurityDescriptor and the container's inheritable ACEs)
 * and fills out: which rights the steps need and which are missing.
 */
odj_result odj_rights_read(struct odj_ldap *c, TALLOC_CTX *mem, const struct odj_rights_in *in,
			   struct odj_rights *out);

/*
 * ERROR_ACCESS_DENIED naming every missing right of r with the ACE that
 * grants it, in samba-tool dsacl SDDL and in dsacls form; ODJ_OK when none
 * is missing.
 */
odj_result odj_rights_refuse(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_rights_in *in,
			     const struct odj_rights *r);

/* "a new account", "its own account", "someone else's account" */
const char *odj_account_case_name(enum odj_account_case whose);

/* "reset their passwords", ... */
const char *odj_right_name(enum odj_right right);

#endif
