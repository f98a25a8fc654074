/*
 * Finding and checking the domain controller odj-prepare talks to.
 *
 * odj_locate_dc() is the verb: DNS SRV records (_ldap._tcp.dc._msdcs.<domain>)
 * give the candidates, a CLDAP netlogon ping ([MS-ADTS] 6.3.3) asks each one
 * whether it serves the domain, and the flags of its answer say whether it
 * can create computer accounts (writable, directory, LDAP, KDC).  The pieces
 * below it (the SRV answer parser, the ping's request encoder and reply
 * parser, the NETLOGON_SAM_LOGON_RESPONSE_EX decoder, the flag check) are
 * pure functions over bytes so that they can be tested and fuzzed alone.
 */
#ifndef ODJ_LOCATE_H
#define ODJ_LOCATE_H

#include <odj/api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <odj/dcflags.h>
#include <odj/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ DNS SRV --- */

struct odj_srv_record {
	char *target; /* host name, without the trailing dot */
	uint16_t priority;
	uint16_t weight;
	uint16_t port;
};

struct odj_srv_list {
	struct odj_srv_record *records; /* in the order to try them */
	size_t count;
};

/*
 * Parses a raw DNS answer message (as res_nquery returns it) and keeps the
 * SRV records of the answer section, ordered by priority (lowest first),
 * then weight (heaviest first), then answer order.  Records whose target is
 * "." (service not offered) are dropped.  A malformed or truncated message
 * is ODJ_E_NETWORK / ERROR_INVALID_DATA; an error rcode is ERROR_NO_SUCH_DOMAIN.
 * An answer without SRV records gives an empty list (not an error).
 */
ODJ_API odj_result odj_dns_srv_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *msg,
			     size_t len, struct odj_srv_list **out);

/*
 * Queries SRV records of name with the system resolver (res_nquery on a
 * private resolver state).  No record, NXDOMAIN or no answer at all is
 * ODJ_E_NETWORK / ERROR_NO_SUCH_DOMAIN, naming the query and the name servers.
 */
ODJ_API odj_result odj_dns_srv_lookup(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *name,
			      struct odj_srv_list **out);

/*
 * The IPv4 address of host as dotted quad (host may already be one).
 * Failure is ODJ_E_NETWORK / ERROR_DOMAIN_CONTROLLER_NOT_FOUND.
 */
ODJ_API odj_result odj_resolve_ipv4(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *host, char **addr);

/*
 * address as a krb5.conf or smb.conf host ("kdc = ..."): an IPv6 address in
 * brackets ("[::1]"), anything else as it is.
 */
ODJ_API char *odj_address_for_config(TALLOC_CTX *mem, const char *address);

/* ---------------------------------------------------- netlogon reply --- */

/* NtVer bits of the request ([MS-ADTS] 6.3.1.1). */
#define ODJ_NETLOGON_NT_VERSION_5 0x00000002u
#define ODJ_NETLOGON_NT_VERSION_5EX 0x00000004u
#define ODJ_NETLOGON_NT_VERSION_5EX_WITH_IP 0x00000008u
#define ODJ_NETLOGON_NT_VERSION_WITH_CLOSEST_SITE 0x00000010u
/* What odj asks for: a NETLOGON_SAM_LOGON_RESPONSE_EX. */
#define ODJ_NETLOGON_NT_VERSION_DEFAULT (ODJ_NETLOGON_NT_VERSION_5 | ODJ_NETLOGON_NT_VERSION_5EX)

/* Opcodes of the reply. */
#define ODJ_LOGON_SAM_LOGON_RESPONSE_EX 23
#define ODJ_LOGON_SAM_PAUSE_RESPONSE_EX 24
#define ODJ_LOGON_SAM_USER_UNKNOWN_EX 25

/*
 * AAC of a user probe: account control bits in the SAMR encoding ([MS-SAMR]
 * 2.2.1.12), not userAccountControl; the DC looks for an enabled account
 * with any of them.  odj asks for either kind of computer account.
 */
#define ODJ_USER_WORKSTATION_TRUST_ACCOUNT 0x00000080u
#define ODJ_USER_SERVER_TRUST_ACCOUNT 0x00000100u
#define ODJ_AAC_COMPUTER (ODJ_USER_WORKSTATION_TRUST_ACCOUNT | ODJ_USER_SERVER_TRUST_ACCOUNT)

/* A decoded NETLOGON_SAM_LOGON_RESPONSE_EX ([MS-ADTS] 6.3.1.9). */
struct odj_netlogon_info {
	uint16_t opcode;  /* 23 found, 24 netlogon paused, 25 user unknown */
	bool user_exists; /* opcode != 25; meaningful when a user was asked */
	uint32_t flags;   /* DS_* bits as the DC sent them (no DNS bits) */
	uint8_t domain_guid[16]; /* wire order (GUID little-endian fields) */
	char *forest;            /* DnsForestName */
	char *domain;            /* DnsDomainName */
	char *dc_host;           /* DnsHostName */
	char *netbios_domain;
	char *netbios_computer;
	char *user;
	char *dc_site;
	char *client_site;
	bool has_dc_address;   /* DcSockAddr was present and AF_INET */
	char dc_address[16];   /* its IPv4 address as dotted quad */
	char *next_closest_site; /* NULL unless asked for and sent */
	uint32_t nt_version;
	uint16_t lm_nt_token;
	uint16_t lm20_token;
};

/*
 * Decodes the netlogon attribute value.  request_ntver is the NtVer of the
 * request (it decides whether DcSockAddr and NextClosestSiteName can be there).
 * Names are RFC 1035 label sequences; compression pointers are offsets from
 * the start of blob and must point backwards, so no blob can loop.  Anything
 * truncated or malformed is ODJ_E_NETWORK / ERROR_INVALID_DATA with the offset.
 */
ODJ_API odj_result odj_netlogon_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *blob,
			       size_t len, uint32_t request_ntver, struct odj_netlogon_info **out);

/* The GUID as text, "4b0d6f3e-5a1c-4f5e-9c61-2a7b8e0d0d01"; buf has 37 bytes. */
ODJ_API void odj_netlogon_guid_string(const struct odj_netlogon_info *info, char buf[37]);

/*
 * Can this DC create our computer account?  Netlogon must not be paused,
 * the DC must serve domain (DnsDomainName, case-insensitive; NULL skips the
 * check) and have DS_DS_FLAG, DS_LDAP_FLAG, DS_KDC_FLAG and DS_WRITABLE_FLAG.
 * A missing flag is ODJ_E_DIRECTORY / ERROR_INVALID_DOMAIN_ROLE naming the
 * missing flags; another domain is ODJ_E_NETWORK / ERROR_NO_SUCH_DOMAIN.
 * dc names the DC in messages.
 */
ODJ_API odj_result odj_netlogon_check_dc(struct odj_ctx *ctx, const struct odj_netlogon_info *info,
				 const char *domain, const char *dc);

/* The flags a DC needs for odj_netlogon_check_dc. */
#define ODJ_DC_REQUIRED_FLAGS \
	(ODJ_DS_DS_FLAG | ODJ_DS_LDAP_FLAG | ODJ_DS_KDC_FLAG | ODJ_DS_WRITABLE_FLAG)

/* ------------------------------------------------------- CLDAP ping ---- */

/*
 * The LDAP search request of a netlogon ping: base "", scope base, filter
 * (&(DnsDomain=domain)(NtVer=ntver)) plus (User=user)(AAC=aac) when user is
 * not NULL (NtVer and AAC as 4 little-endian bytes), attribute Netlogon.
 * DER bytes on mem.
 */
ODJ_API odj_result odj_cldap_request_encode(struct odj_ctx *ctx, TALLOC_CTX *mem, int msgid,
				    const char *domain, const char *user, uint32_t aac,
				    uint32_t ntver, uint8_t **out, size_t *out_len);

/*
 * Parses a reply datagram: LDAP messages back to back, a SearchResultEntry
 * with the netlogon attribute and a SearchResultDone.  Messages with another
 * message id are skipped.  On success *netlogon is the attribute value (on
 * mem) or NULL when the DC sent no entry (it does not serve the domain);
 * *done tells whether SearchResultDone for msgid was there.  Malformed
 * input is ODJ_E_NETWORK / ERROR_INVALID_DATA; a SearchResultDone with an
 * error result is ODJ_E_DIRECTORY / ERROR_NO_SUCH_DOMAIN.
 */
ODJ_API odj_result odj_cldap_reply_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, int msgid,
				 const uint8_t *datagram, size_t len, uint8_t **netlogon,
				 size_t *netlogon_len, bool *done);

struct odj_cldap_ping_req {
	struct {
		const char *address;  /* the DC's IPv4 or IPv6 address */
		uint16_t port;        /* 0: 389 */
		const char *domain;   /* DNS domain asked for */
		const char *user;     /* NULL, or an account to probe ("PC1$") */
		uint32_t aac;         /* with user; 0: ODJ_AAC_COMPUTER */
		uint32_t ntver;       /* 0: ODJ_NETLOGON_NT_VERSION_DEFAULT */
		unsigned timeout_ms;  /* per try; 0: 1000 */
		unsigned tries;       /* 0: 3 */
	} in;
	struct {
		struct odj_netlogon_info *info;
		unsigned tries;       /* requests sent */
		unsigned elapsed_ms;  /* from the first send to the answer */
	} out;
};

#define ODJ_CLDAP_PING_REQ_INIT {.in = {.port = 0}}

/*
 * Sends the ping over UDP and decodes the answer.  No answer within the
 * tries, or a refused port, is ODJ_E_NETWORK / ERROR_DOMAIN_CONTROLLER_NOT_FOUND
 * with the address, tries and elapsed time in the detail; a DC that answers
 * without an entry is ODJ_E_NETWORK / ERROR_NO_SUCH_DOMAIN.
 */
ODJ_API odj_result odj_cldap_ping(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_cldap_ping_req *req);

/* ----------------------------------------------------------- the verb --- */

enum odj_dc_found_by {
	ODJ_DC_FOUND_BY_NONE = 0,
	ODJ_DC_FOUND_BY_GIVEN, /* the caller named it (pinned) */
	ODJ_DC_FOUND_BY_SRV,   /* from _ldap._tcp.dc._msdcs.<domain> */
};

/* "given", "SRV" */
ODJ_API const char *odj_dc_found_by_name(enum odj_dc_found_by how);

struct odj_locate_dc_req {
	struct {
		const char *domain;  /* DNS name of the domain (required) */
		const char *dc;      /* NULL, or the DC's host name, IPv4 or IPv6 address */
		const char *account; /* NULL, or a computer account to probe ("PC1$"); */
				     /* out.info->user_exists tells if it exists */
		unsigned timeout_ms; /* per ping try; 0: 1000 */
		unsigned tries;      /* per DC; 0: 3 */
	} in;
	struct {
		char *dc_name;    /* DnsHostName the DC gave (the given name if it gave none;
				     a DC given by address that gives none is refused) */
		char *dc_address; /* the address that answered (IPv4, or IPv6 if given so) */
		struct odj_netlogon_info *info;
		enum odj_dc_found_by found_by;
		unsigned candidates; /* DCs tried, the chosen one included */
	} out;
};

#define ODJ_LOCATE_DC_REQ_INIT {.in = {.domain = NULL}}

/*
 * Finds a writable DC of in.domain.  With in.dc only that DC is pinged
 * (pinned); without, the SRV targets are tried in order until one answers
 * and passes odj_netlogon_check_dc.  No DC at all is ODJ_E_NETWORK /
 * ERROR_NO_SUCH_DOMAIN; DCs that answered but are unsuitable give
 * ODJ_E_DIRECTORY / ERROR_INVALID_DOMAIN_ROLE.  out is filled on mem.
 */
ODJ_API odj_result odj_locate_dc(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_locate_dc_req *req);

#ifdef __cplusplus
}
#endif
#endif
