/*
 * Building a provisioning blob from what prepare learnt.  The shape is the
 * one Windows and Samba write: an ODJ_WIN7BLOB (format 1) and an OP_PACKAGE
 * (format 2) whose parts are the same ODJ_WIN7BLOB as JOIN_PROVIDER
 * (essential) and the account's RID and SID as JOIN_PROVIDER3; then, when
 * given, odj's own non-essential Linux part (blob/FORMAT.md).
 */
#ifndef ODJ_BLOB_BUILD_H
#define ODJ_BLOB_BUILD_H

#include <odj/api.h>

#include <odj/blob.h>

#ifdef __cplusplus
extern "C" {
#endif

struct odj_provision_facts {
	const char *domain_dns;     /* lpDomain, DnsDomainName, DcInfo.DomainName */
	const char *domain_netbios; /* DnsDomainInfo.Name */
	const char *forest;         /* DnsForestName */
	struct odj_guid domain_guid;
	const struct odj_sid *domain_sid;
	const char *machine_name;   /* lpMachineName: the NetBIOS name, no '$' */
	const struct odj_secret *password_utf16; /* UTF-16LE code units, no NUL */
	const char *dc_name;        /* dc1.odj.test (written as \\dc1.odj.test) */
	const char *dc_address;     /* 127.0.0.2 (written as \\127.0.0.2, type DS_INET_ADDRESS) */
	uint32_t dc_flags;          /* DS_* flags; the DNS_* bits are added */
	const char *dc_site;
	const char *client_site;
	uint32_t options;           /* NETSETUP_PROVISION_* (0 for a random password) */
	uint32_t rid;               /* the account's RID */
	const char *machine_sid;    /* "S-1-5-21-...-RID" */
	const struct odj_linux_part *linux_part; /* NULL: no odj part */
};

ODJ_API odj_result odj_provision_build(struct odj_ctx *ctx, TALLOC_CTX *mem,
			       const struct odj_provision_facts *f, struct odj_provision **out);

#ifdef __cplusplus
}
#endif
#endif
