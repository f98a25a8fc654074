/*
 * Domain controller flags: the DS_* and DNS bits of DOMAIN_CONTROLLER_INFO
 * ([MS-NRPC] 2.2.1.2.1), which the netlogon ping reply (server type of
 * NETLOGON_SAM_LOGON_RESPONSE_EX) and the provisioning blob share.
 */
#ifndef ODJ_DCFLAGS_H
#define ODJ_DCFLAGS_H

#include <odj/api.h>

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ODJ_DS_PDC_FLAG 0x00000001u
#define ODJ_DS_GC_FLAG 0x00000004u
#define ODJ_DS_LDAP_FLAG 0x00000008u
#define ODJ_DS_DS_FLAG 0x00000010u
#define ODJ_DS_KDC_FLAG 0x00000020u
#define ODJ_DS_TIMESERV_FLAG 0x00000040u
#define ODJ_DS_CLOSEST_FLAG 0x00000080u
#define ODJ_DS_WRITABLE_FLAG 0x00000100u
#define ODJ_DS_GOOD_TIMESERV_FLAG 0x00000200u
#define ODJ_DS_NDNC_FLAG 0x00000400u
#define ODJ_DS_SELECT_SECRET_DOMAIN_6_FLAG 0x00000800u
#define ODJ_DS_FULL_SECRET_DOMAIN_6_FLAG 0x00001000u
#define ODJ_DS_WS_FLAG 0x00002000u
#define ODJ_DS_DS_8_FLAG 0x00004000u
#define ODJ_DS_DS_9_FLAG 0x00008000u
#define ODJ_DS_DS_10_FLAG 0x00010000u
#define ODJ_DS_KEY_LIST_FLAG 0x00020000u
#define ODJ_DS_DS_13_FLAG 0x00040000u
#define ODJ_DS_DNS_CONTROLLER_FLAG 0x20000000u
#define ODJ_DS_DNS_DOMAIN_FLAG 0x40000000u
#define ODJ_DS_DNS_FOREST_FLAG 0x80000000u

/* The three bits saying that the names are DNS names. */
#define ODJ_DS_DNS_FLAGS (ODJ_DS_DNS_CONTROLLER_FLAG | ODJ_DS_DNS_DOMAIN_FLAG | ODJ_DS_DNS_FOREST_FLAG)

struct odj_dcflag {
	uint32_t bit;
	const char *name;    /* SDK name, "DS_WRITABLE_FLAG" */
	const char *meaning; /* "writable directory service" */
};

/* The known flags, in bit order. */
ODJ_API size_t odj_dcflag_count(void);
ODJ_API const struct odj_dcflag *odj_dcflag_at(size_t i);

/* The row of one bit, or NULL if the bit has no name (or is not one bit). */
ODJ_API const struct odj_dcflag *odj_dcflag_find(uint32_t bit);

/*
 * The names of the bits set in flags, joined by sep (NULL: "|"), in bit
 * order; bits without a name are appended as one hex number ("0x100000").
 * 0 gives "" (empty string).  Allocated on mem.
 */
ODJ_API char *odj_dcflags_names(TALLOC_CTX *mem, uint32_t flags, const char *sep);

#ifdef __cplusplus
}
#endif
#endif
