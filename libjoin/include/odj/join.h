/*
 * The join core: the network-free rules of [MS-WKST] 3.2.4.13.3
 * (NetrJoinDomain2, domain join processing) and what odj-prepare and
 * odj-apply derive from a join request.  libjoin/SPEC.md maps every one of
 * the 39 steps to the function here (or to the DC side) that does it.
 */
#ifndef ODJ_JOIN_H
#define ODJ_JOIN_H

#include <odj/api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <odj/error.h>
#include <odj/names.h>
#include <odj/password.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Join options (fJoinOptions), the values of lmjoin.h. */
#define ODJ_NETSETUP_JOIN_DOMAIN 0x00000001u
#define ODJ_NETSETUP_ACCT_CREATE 0x00000002u
#define ODJ_NETSETUP_ACCT_DELETE 0x00000004u
#define ODJ_NETSETUP_WIN9X_UPGRADE 0x00000010u
#define ODJ_NETSETUP_DOMAIN_JOIN_IF_JOINED 0x00000020u
#define ODJ_NETSETUP_JOIN_UNSECURE 0x00000040u
#define ODJ_NETSETUP_MACHINE_PWD_PASSED 0x00000080u
#define ODJ_NETSETUP_DEFER_SPN_SET 0x00000100u
#define ODJ_NETSETUP_JOIN_DC_ACCOUNT 0x00000200u
#define ODJ_NETSETUP_JOIN_WITH_NEW_NAME 0x00000400u
#define ODJ_NETSETUP_JOIN_READONLY 0x00000800u
#define ODJ_NETSETUP_AMBIGUOUS_DC 0x00001000u
#define ODJ_NETSETUP_NO_NETLOGON_CACHE 0x00002000u
#define ODJ_NETSETUP_DONT_CONTROL_SERVICES 0x00004000u
#define ODJ_NETSETUP_SET_MACHINE_NAME 0x00008000u
#define ODJ_NETSETUP_FORCE_SPN_SET 0x00010000u
#define ODJ_NETSETUP_NO_ACCT_REUSE 0x00020000u
#define ODJ_NETSETUP_INSTALL_INVOCATION 0x00040000u
#define ODJ_NETSETUP_IGNORE_UNSUPPORTED_FLAGS 0x10000000u
/* What Windows uses to finish an offline join at boot (lmjoin.h). */
#define ODJ_NETSETUP_PROCESS_OFFLINE_FLAGS                                                     \
	(ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_DOMAIN_JOIN_IF_JOINED |                        \
	 ODJ_NETSETUP_JOIN_WITH_NEW_NAME | ODJ_NETSETUP_DONT_CONTROL_SERVICES |                 \
	 ODJ_NETSETUP_MACHINE_PWD_PASSED)

/* Provisioning options (NetProvisionComputerAccount dwOptions, lmjoin.h). */
#define ODJ_NETSETUP_PROVISION_DOWNLEVEL_PRIV_SUPPORT 0x00000001u
#define ODJ_NETSETUP_PROVISION_REUSE_ACCOUNT 0x00000002u
#define ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD 0x00000004u
#define ODJ_NETSETUP_PROVISION_SKIP_ACCOUNT_SEARCH 0x00000008u
#define ODJ_NETSETUP_PROVISION_ROOT_CA_CERTS 0x00000010u
#define ODJ_NETSETUP_PROVISION_PERSISTENTSITE 0x00000020u
#define ODJ_NETSETUP_PROVISION_ONLINE_CALLER 0x40000000u
#define ODJ_NETSETUP_PROVISION_CHECK_PWD_ONLY 0x80000000u

/* userAccountControl bits ([MS-ADTS] 2.2.16). */
#define ODJ_UF_ACCOUNTDISABLE 0x00000002u
#define ODJ_UF_WORKSTATION_TRUST_ACCOUNT 0x00001000u
#define ODJ_UF_SERVER_TRUST_ACCOUNT 0x00002000u
#define ODJ_UF_DONT_EXPIRE_PASSWD 0x00010000u

/* msDS-SupportedEncryptionTypes bits ([MS-KILE] 2.2.7). */
#define ODJ_ENCTYPE_DES_CBC_CRC 0x01u
#define ODJ_ENCTYPE_DES_CBC_MD5 0x02u
#define ODJ_ENCTYPE_RC4_HMAC 0x04u
#define ODJ_ENCTYPE_AES128 0x08u
#define ODJ_ENCTYPE_AES256 0x10u
#define ODJ_ENCTYPES_DEFAULT (ODJ_ENCTYPE_AES128 | ODJ_ENCTYPE_AES256) /* 24 */
#define ODJ_ENCTYPES_ALLOWED (ODJ_ENCTYPE_RC4_HMAC | ODJ_ENCTYPE_AES128 | ODJ_ENCTYPE_AES256)

/* The well-known GUID of the Computers container ([MS-ADTS] 6.1.1.4). */
#define ODJ_WKGUID_COMPUTERS "aa312825768811d1aded00c04fd8d5cd"

/*
 * A join request.  The caller fills in; odj_join_check() validates it
 * (steps 1-13) and fills out with what the later steps need (20-33).
 * Every string of out is allocated on the mem given to odj_join_check.
 */
struct odj_join_request {
	struct {
		const char *domain;       /* DNS or NetBIOS name, optionally "domain\dc" */
		const char *dc;           /* optional DC name (may also come from domain) */
		const char *domain_dns;   /* the domain's DNS name, when known */
		const char *domain_netbios; /* the domain's NetBIOS name, when known */
		const char *machine_name; /* NetBIOS name; derived from dns_host_name if NULL */
		const char *dns_host_name; /* FQDN; derived from machine_name if NULL */
		const char *ou;           /* DN of the OU; NULL: the Computers container */
		const char *account_name; /* the user who joins; must be NULL with MACHINE_PWD_PASSED */
		const struct odj_secret *password; /* the machine password with MACHINE_PWD_PASSED */
		uint32_t join_options;    /* ODJ_NETSETUP_* */
		uint32_t provision_options; /* ODJ_NETSETUP_PROVISION_* */
		uint32_t enctypes;        /* msDS-SupportedEncryptionTypes; 0: default 24 */
		bool already_joined;      /* the target already holds a join (step 8) */
		struct odj_password_opts password_opts; /* the random source of step 21 */
	} in;
	struct {
		char *domain;             /* the domain part of in.domain */
		char *dc;                 /* the DC part, or in.dc, or NULL */
		char *netbios_name;       /* upper case, at most 15 characters */
		char *dns_host_name;      /* lower case */
		char *realm;              /* upper case domain DNS name, NULL if unknown */
		char *sam_account_name;   /* NETBIOS$ */
		char *account_container;  /* in.ou, or <WKGUID=...,domain DN> */
		char **spns;              /* NULL-terminated */
		size_t n_spns;
		bool write_spns;          /* false with DEFER_SPN_SET (step 33) */
		uint32_t user_account_control;
		uint32_t enctypes;
		uint32_t provision_options; /* in.provision_options, plus USE_DEFAULT_PASSWORD
					       when the default password is used */
		struct odj_secret *password; /* the machine password (steps 4, 20, 21) */
		char *salt;               /* Kerberos salt, NULL if the realm is unknown */
	} out;
};

/*
 * Runs every network-free step of 3.2.4.13.3 in order (1-9, 12-13, 20-21,
 * 23, 25-28, 32-33) and fills req->out.  Each step is traced.  On failure
 * nothing of out is kept and the error is on ctx with the step's code.
 */
ODJ_API odj_result odj_join_check(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_join_request *req);

/* The single steps, for callers that need one of them and for tests. */

/* Steps 1-7: consistency of the option bits, the account and the password. */
ODJ_API odj_result odj_join_check_options(struct odj_ctx *ctx, uint32_t join_options,
				  const char *account_name, const struct odj_secret *password);

/* Step 8: NERR_SetupAlreadyJoined unless DOMAIN_JOIN_IF_JOINED. */
ODJ_API odj_result odj_join_check_joined(struct odj_ctx *ctx, uint32_t join_options, bool already_joined);

/* Step 9: splits "domain\dc"; *dc is NULL without a backslash. */
ODJ_API odj_result odj_join_split_domain(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *param,
				 char **domain, char **dc);

/* Steps 12-13: the domain name is valid and is not the machine's name. */
ODJ_API odj_result odj_join_check_domain(struct odj_ctx *ctx, const char *domain, const char *domain_dns,
				 const char *domain_netbios, const char *machine_name);

/*
 * Step 29 as odj does it: an existing account is refused (NERR_UserExists)
 * unless NETSETUP_PROVISION_REUSE_ACCOUNT, as NetProvisionComputerAccount and
 * djoin do; a missing account with no ACCT_CREATE is ERROR_NONE_MAPPED.
 */
ODJ_API odj_result odj_join_check_existing(struct odj_ctx *ctx, uint32_t join_options,
				   uint32_t provision_options, bool account_exists);

/* Derivations (steps 23, 25-28 and what prepare and apply need). */

/* "DC=odj,DC=test" from "odj.test". */
ODJ_API char *odj_domain_dn(TALLOC_CTX *mem, const char *domain_dns);
/* Step 23: "<WKGUID=aa312825768811d1aded00c04fd8d5cd,DC=odj,DC=test>". */
ODJ_API char *odj_computers_container(TALLOC_CTX *mem, const char *domain_dn);
/* Step 25: "NAME$" (upper case). */
ODJ_API char *odj_sam_account_name(TALLOC_CTX *mem, const char *netbios_name);
/* The NetBIOS name of a host: first DNS label, upper case, cut to 15. */
ODJ_API char *odj_netbios_from_host(TALLOC_CTX *mem, const char *dns_host_name);
/*
 * Steps 27-28 and the peers' additions: HOST/<fqdn>, HOST/<NAME>,
 * RestrictedKrbHost/<fqdn>, RestrictedKrbHost/<NAME>; NULL-terminated.
 */
ODJ_API char **odj_machine_spns(TALLOC_CTX *mem, const char *netbios_name, const char *dns_host_name,
			size_t *count);
/* AD's salt: UPPER(realm) "host" lower(name without $) "." lower(realm). */
ODJ_API char *odj_krb5_salt(TALLOC_CTX *mem, const char *realm, const char *name);
/* Kerberos enctype numbers for the bits (AES256 18, AES128 17, RC4 23); returns the count. */
ODJ_API size_t odj_enctypes_to_krb5(uint32_t bits, int32_t out[3]);

#ifdef __cplusplus
}
#endif
#endif
