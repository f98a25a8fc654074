/*
 * The error catalogue: every status odj can report with its likely causes
 * and what to check, and the mappings from Kerberos and LDAP results (and
 * AD's diagnostic strings) to those statuses.
 *
 * The explanation prints the way Microsoft's articles do:
 *   0x40 64 ERROR_NETNAME_DELETED The specified network name is no longer available.
 *   likely causes: ...
 *   what to check: ...
 */
#ifndef ODJ_CATALOGUE_H
#define ODJ_CATALOGUE_H

#include <odj/api.h>

#include <stdbool.h>
#include <stdint.h>

#include <odj/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct odj_catalogue_entry {
	odj_status code;
	const char *symbol; /* "ERROR_NETNAME_DELETED" */
	const char *text;   /* the friendly text of [MS-ERREF] / lmerr.h */
	const char *causes; /* likely causes, one paragraph */
	const char *check;  /* what to check, one paragraph */
};

/* Fills *out for code; false (and *out zeroed) for a code not catalogued. */
ODJ_API bool odj_catalogue_get(odj_status code, struct odj_catalogue_entry *out);

/* The row, then "likely causes: ..." and "what to check: ..." lines. */
ODJ_API char *odj_catalogue_explain(TALLOC_CTX *mem, odj_status code);

/* The result category (exit status) a failure with this status belongs to. */
ODJ_API odj_result odj_status_category(odj_status code);

/*
 * Kerberos: a krb5_error_code (com_err value of <krb5/krb5.h>, e.g.
 * KRB5KDC_ERR_PREAUTH_FAILED) to a status; ERROR_CAN_NOT_COMPLETE for
 * codes without a closer match.
 */
ODJ_API odj_status odj_status_from_krb5(long krb5_code);

/*
 * LDAP result codes (RFC 4511 and the OpenLDAP client's negative codes),
 * kept as odj's own numbers so that the offline library needs no libldap.
 */
enum odj_ldap_result {
	ODJ_LDAP_SUCCESS = 0,
	ODJ_LDAP_OPERATIONS_ERROR = 1,
	ODJ_LDAP_PROTOCOL_ERROR = 2,
	ODJ_LDAP_TIMELIMIT_EXCEEDED = 3,
	ODJ_LDAP_SIZELIMIT_EXCEEDED = 4,
	ODJ_LDAP_AUTH_METHOD_NOT_SUPPORTED = 7,
	ODJ_LDAP_STRONGER_AUTH_REQUIRED = 8,
	ODJ_LDAP_REFERRAL = 10,
	ODJ_LDAP_ADMINLIMIT_EXCEEDED = 11,
	ODJ_LDAP_UNAVAILABLE_CRITICAL_EXTENSION = 12,
	ODJ_LDAP_CONFIDENTIALITY_REQUIRED = 13,
	ODJ_LDAP_NO_SUCH_ATTRIBUTE = 16,
	ODJ_LDAP_UNDEFINED_TYPE = 17,
	ODJ_LDAP_CONSTRAINT_VIOLATION = 19,
	ODJ_LDAP_TYPE_OR_VALUE_EXISTS = 20,
	ODJ_LDAP_INVALID_SYNTAX = 21,
	ODJ_LDAP_NO_SUCH_OBJECT = 32,
	ODJ_LDAP_INVALID_DN_SYNTAX = 34,
	ODJ_LDAP_INAPPROPRIATE_AUTH = 48,
	ODJ_LDAP_INVALID_CREDENTIALS = 49,
	ODJ_LDAP_INSUFFICIENT_ACCESS = 50,
	ODJ_LDAP_BUSY = 51,
	ODJ_LDAP_UNAVAILABLE = 52,
	ODJ_LDAP_UNWILLING_TO_PERFORM = 53,
	ODJ_LDAP_NAMING_VIOLATION = 64,
	ODJ_LDAP_OBJECT_CLASS_VIOLATION = 65,
	ODJ_LDAP_ALREADY_EXISTS = 68,
	ODJ_LDAP_OTHER = 80,
	ODJ_LDAP_SERVER_DOWN = -1,
	ODJ_LDAP_LOCAL_ERROR = -2,
	ODJ_LDAP_TIMEOUT = -5,
	ODJ_LDAP_AUTH_UNKNOWN = -6,
	ODJ_LDAP_CONNECT_ERROR = -11,
};

/* "strongerAuthRequired" ... for an LDAP result code, NULL if unknown. */
ODJ_API const char *odj_ldap_result_name(int ldap_result);

/*
 * An AD diagnostic message decoded, e.g.
 *   "000021C7: AtrErr: DSID-03200E96, #1:\n\t0: 000021C7: DSID-03200E96,
 *    problem 1005 (CONSTRAINT_ATT_TYPE), data 0, Att 90303 (servicePrincipalName)"
 *   "80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563"
 */
struct odj_ad_diag {
	bool has_code;
	uint32_t code;          /* the leading 8 hex digits: a Win32 code or an HRESULT */
	const char *kind;       /* "AtrErr", "SecErr", "LdapErr", ...; NULL if absent */
	const char *dsid;       /* "DSID-03200E96"; NULL if absent */
	bool has_problem;
	unsigned problem;       /* 1005 */
	const char *problem_name; /* "CONSTRAINT_ATT_TYPE" */
	bool has_data;
	uint32_t data;          /* "data 52e" is hex: 0x52e */
	bool has_att;
	uint32_t att;           /* ATTRTYP, hex in the text */
	const char *attribute;  /* AD's name for it, or odj's table's; NULL if unknown */
};

/* Decodes text into *out (strings on mem); false if nothing AD-like is in it. */
ODJ_API bool odj_ad_diag_parse(TALLOC_CTX *mem, const char *text, struct odj_ad_diag *out);

/* The LDAP name of an ATTRTYP of an attribute odj writes; NULL if unknown. */
ODJ_API const char *odj_ad_attribute_name(uint32_t attid);

/*
 * An LDAP failure to a status: the Win32 code AD put in the diagnostic
 * message when it is catalogued (for a bind: the "data" code, 52e etc.),
 * otherwise by result code.
 */
ODJ_API odj_status odj_status_from_ldap(int ldap_result, const char *diagnostic);

/*
 * Records an LDAP failure on ctx: status from odj_status_from_ldap, the
 * category from the status, the LDAP code as source, and the decoded
 * diagnostic (with the attribute name) as detail.
 */
ODJ_API odj_result odj_fail_ldap(struct odj_ctx *ctx, int ldap_result, const char *diagnostic,
			 const char *fmt, ...) ODJ_PRINTF(4, 5);

/* Records a Kerberos failure on ctx (message is the library's text, may be NULL). */
ODJ_API odj_result odj_fail_krb5(struct odj_ctx *ctx, long krb5_code, const char *krb5_message,
			 const char *fmt, ...) ODJ_PRINTF(4, 5);

#ifdef __cplusplus
}
#endif
#endif
