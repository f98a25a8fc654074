/*
 * Name validation: [MS-WKST] 3.2.4.16 (NetrValidateName2) plus odj's
 * stricter rules.
 *
 * The [MS-WKST] syntax checks run first and give the codes Windows gives.
 * Then odj adds what a Linux host joined to AD needs:
 *  - NetBIOS-form names (machine, workgroup, NetBIOS domain) are ASCII only;
 *  - a machine name must also be usable as a DNS label (letters, digits,
 *    hyphen; no hyphen first or last), so that NAME and name.domain agree;
 *  - a machine name made only of digits is refused (KB 909264: AD members
 *    cannot have numeric names): NERR_InvalidComputer for NetSetupMachine,
 *    DNS_ERROR_NUMERIC_NAME for the host label of a NetSetupDnsMachine name;
 *  - every DNS label is LDH and ASCII (DNS_ERROR_NON_RFC_NAME otherwise);
 *  - a domain name with a dot is checked as a DNS name even when it would
 *    pass as a NetBIOS name (odj derives the realm and the DN from it).
 * The network half of 3.2.4.16 (is the name in use, does the domain exist)
 * is not done here: this library never talks to the network.
 */
#ifndef ODJ_NAMES_H
#define ODJ_NAMES_H

#include <odj/api.h>

#include <stdbool.h>
#include <stddef.h>

#include <odj/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* NETSETUP_NAME_TYPE ([MS-WKST] 2.2.3.2, lmjoin.h), same values. */
enum odj_name_type {
	ODJ_NETSETUP_UNKNOWN = 0,
	ODJ_NETSETUP_MACHINE = 1,
	ODJ_NETSETUP_WORKGROUP = 2,
	ODJ_NETSETUP_DOMAIN = 3,
	ODJ_NETSETUP_NONEXISTENT_DOMAIN = 4,
	ODJ_NETSETUP_DNS_MACHINE = 5,
};

/* Limits of [MS-WKST] 3.2.4.16 and RFC 1035. */
#define ODJ_NETBIOS_NAME_MAX 15
#define ODJ_DNS_NAME_MAX 255
#define ODJ_DNS_LABEL_MAX 63

/*
 * The status the name gets under type: ODJ_ERROR_SUCCESS when valid,
 * otherwise the [MS-WKST] or odj code (see the header comment).  NULL is
 * ERROR_INVALID_PARAMETER.  Pure function, no allocation.
 */
ODJ_API odj_status odj_name_status(const char *name, enum odj_name_type type);

/*
 * The same check recorded on ctx: ODJ_OK, or ODJ_E_INPUT with the status and
 * a sentence naming the rule that failed.  what names the field in the
 * message ("machine name", "--domain").
 */
ODJ_API odj_result odj_name_check(struct odj_ctx *ctx, const char *what, const char *name,
			  enum odj_name_type type);

/*
 * Whether name is an IP address rather than a name: dotted-quad IPv4, or
 * IPv6 (also in brackets, "[::1]").  If so and out is not NULL, the address
 * in its canonical text form (no brackets) is written to out (size
 * ODJ_ADDRESS_MAX).  A DC given so is reached at the address; its name comes
 * from its LDAP ping reply.
 */
#define ODJ_ADDRESS_MAX 46 /* INET6_ADDRSTRLEN */
ODJ_API bool odj_name_is_address(const char *name, char *out);

/* The sentence for a failed check of name under type (static text). */
ODJ_API const char *odj_name_rule(const char *name, enum odj_name_type type);

/* "NetSetupMachine" ... for traces and messages. */
ODJ_API const char *odj_name_type_name(enum odj_name_type type);

#ifdef __cplusplus
}
#endif
#endif
