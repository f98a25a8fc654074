/*
 * The decoded offline domain join provisioning blob.
 *
 * One C structure per IDL structure of the Windows ODJ format
 * (ODJ_PROVISION_DATA, ODJ_WIN7BLOB, OP_PACKAGE, ...).  Names are UTF-8
 * (converted from the wire's UTF-16LE); the machine password is kept as the
 * exact UTF-16LE code units in an odj_secret.  The model keeps what is
 * needed to write the same bytes again: MaximumLength values, names as
 * written, Options, unknown parts as raw bytes, NULL versus empty buffers.
 * Everything hangs off one talloc tree.
 */
#ifndef ODJ_BLOB_MODEL_H
#define ODJ_BLOB_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the decoder: hostile input beyond them is rejected. */
#define ODJ_BLOB_MAX_NDR (4u * 1024u * 1024u)   /* decoded NDR bytes */
#define ODJ_BLOB_MAX_FILE (16u * 1024u * 1024u) /* file bytes (UTF-16 base64 of 4 MiB, rounded up) */
#define ODJ_BLOB_MAX_DEPTH 16u                  /* nested type-serialization streams */
#define ODJ_BLOB_MAX_ITEMS 64u                  /* blobs, parts, lists, elements, stores */
#define ODJ_BLOB_MAX_STRING (32u * 1024u)       /* bytes of one UTF-16 string on the wire */

/* ODJ_BLOB.ulODJFormat */
#define ODJ_WIN7_FORMAT 1u
#define ODJ_WIN8_FORMAT 2u
/* OP_PACKAGE_PART.ulFlags */
#define ODJ_PART_FLAG_ESSENTIAL 0x00000001u
/* OP_JOINPROV2_PART.dwFlags */
#define ODJ_JP2_FLAG_PERSISTENTSITE 0x00000001u
/* DOMAIN_CONTROLLER_INFO.DomainControllerAddressType */
#define ODJ_DS_INET_ADDRESS 1u
#define ODJ_DS_NETBIOS_ADDRESS 2u

/* A GUID in its textual field order (the wire swaps d1..d3 to little-endian). */
struct odj_guid {
	uint32_t d1;
	uint16_t d2;
	uint16_t d3;
	uint8_t d4[8];
};

#define ODJ_SID_MAX_SUB_AUTHS 15
struct odj_sid {
	uint8_t revision;
	uint8_t num_auths;
	uint8_t id_auth[6]; /* big-endian 48-bit authority */
	uint32_t sub_auths[ODJ_SID_MAX_SUB_AUTHS];
};

/* A [size_is] byte buffer (OP_BLOB, pValueData, pPfx, ...). */
struct odj_bytes {
	bool present;  /* false: NULL pointer on the wire */
	uint32_t len;
	uint8_t *data; /* talloc, len bytes */
};

/*
 * ODJ_UNICODE_STRING.  Length is derived from value when writing;
 * maximum_length is kept as written (Windows and Samba write Length + 2);
 * 0 means "Length + 2" when encoding a newly built model.
 */
struct odj_ustring {
	char *value; /* NULL: NULL buffer pointer */
	uint16_t maximum_length;
};

/* ODJ_POLICY_DNS_DOMAIN_INFO */
struct odj_dns_domain_info {
	struct odj_ustring name;            /* NetBIOS domain name */
	struct odj_ustring dns_domain_name;
	struct odj_ustring dns_forest_name;
	struct odj_guid domain_guid;
	struct odj_sid *sid;                /* NULL if absent */
};

/* DOMAIN_CONTROLLER_INFOW ([MS-NRPC] 2.2.1.2.1) */
struct odj_dc_info {
	char *dc_name;    /* "\\dc1.odj.test" */
	char *dc_address; /* "\\127.0.0.2" */
	uint32_t dc_address_type;
	struct odj_guid domain_guid;
	char *domain_name;
	char *dns_forest_name;
	uint32_t flags;   /* DS_*_FLAG */
	char *dc_site_name;
	char *client_site_name;
};

/* How referent IDs are numbered when a stream is written. */
enum odj_referent_style {
	/* 0x00020000 + 4k per stream; the ODJ_WIN7BLOB password pointer is 0xFFFFFFFF. */
	ODJ_REFERENTS_SAMBA = 0,
	/* 0x00020000 + 4k per stream for every pointer, the password pointer included. */
	ODJ_REFERENTS_WINDOWS = 1,
};

/* ODJ_WIN7BLOB */
struct odj_win7blob {
	char *domain;                         /* lpDomain (DNS domain name) */
	char *machine_name;                   /* lpMachineName, as written ("test-al1$") */
	struct odj_secret *machine_password;  /* UTF-16LE code units, no terminating NUL */
	struct odj_dns_domain_info dns_domain_info;
	struct odj_dc_info dc_info;
	uint32_t options;                     /* NETSETUP_PROVISION_* bits as written */
	/* As decoded (informational): the first four referent IDs and their style. */
	uint32_t wire_refs[4];                /* top-level, lpDomain, lpMachineName, lpMachinePassword */
	enum odj_referent_style wire_style;
};

/* OP_JOINPROV2_PART */
struct odj_joinprov2 {
	uint32_t flags;          /* ODJ_JP2_FLAG_PERSISTENTSITE */
	char *netbios_name;
	char *site_name;
	char *primary_dns_domain;
	uint32_t reserved;
	char *reserved_ptr;      /* lpReserved: must be NULL, kept if not */
};

/* OP_JOINPROV3_PART */
struct odj_joinprov3 {
	uint32_t rid;
	char *sid;               /* machine SID as text, "S-1-5-21-...-RID" */
};

/* OP_JOINPROV4_PART */
struct odj_joinprov4 {
	uint32_t rid;
	char *sid;
	struct odj_guid object_guid;
};

struct odj_policy_element {
	char *key_path;
	char *value_name;
	uint32_t value_type;     /* REG_SZ 1, REG_BINARY 3, REG_DWORD 4, ... */
	struct odj_bytes value;  /* cbValueData, pValueData */
};

struct odj_policy_list {
	char *source;            /* GPO the elements came from */
	uint32_t root_key_id;    /* 0x80000002 HKEY_LOCAL_MACHINE */
	uint32_t count;
	struct odj_policy_element *elements;
};

/* OP_POLICY_PART */
struct odj_policy_part {
	uint32_t count;
	struct odj_policy_list *lists;
	struct odj_bytes extension;
};

struct odj_cert_pfx_store {
	char *template_name;
	uint32_t private_key_export_policy;
	char *policy_server_url;
	uint32_t policy_server_url_flags;
	char *policy_server_id;
	struct odj_bytes pfx;    /* PKCS#12; wiped when freed */
};

struct odj_cert_sst_store {
	uint32_t store_location; /* e.g. 0x00020000 CERT_SYSTEM_STORE_LOCAL_MACHINE */
	char *store_name;
	struct odj_bytes sst;
};

/* OP_CERT_PART */
struct odj_cert_part {
	uint32_t pfx_count;
	struct odj_cert_pfx_store *pfx;
	uint32_t sst_count;
	struct odj_cert_sst_store *sst;
	struct odj_bytes extension;
};

/*
 * OP_ODJ_LINUX_PART: what a Linux target needs beyond the Windows fields
 * (keytab, krb5.conf, sssd).  A non-essential part; see blob/FORMAT.md.
 * Times are FILETIMEs (100 ns since 1601-01-01 UTC), as AD stores pwdLastSet.
 */
#define ODJ_LINUX_PART_VERSION 1u
struct odj_linux_part {
	uint32_t version;          /* as decoded; the encoder always writes ODJ_LINUX_PART_VERSION */
	uint32_t kvno;             /* msDS-KeyVersionNumber after the password was set */
	uint32_t enctypes;         /* msDS-SupportedEncryptionTypes as written */
	char *sam_account_name;    /* "ODJCLI01$" */
	char *dns_host_name;       /* dNSHostName as registered */
	uint32_t spn_count;
	char **spns;               /* servicePrincipalName values as registered */
	char *upn;                 /* userPrincipalName, NULL if not set */
	char *realm;               /* Kerberos realm */
	char *salt;                /* the Kerberos salt string of the account's keys */
	uint64_t pwd_last_set;     /* pwdLastSet */
	uint64_t created;          /* when the account and this blob were written */
	char *dc_name;             /* the DC that wrote the account (FQDN) */
	uint32_t wire_trailing;    /* bytes of a newer version after the known fields (ignored) */
};

enum odj_part_kind {
	ODJ_PART_UNKNOWN = 0,    /* raw bytes kept for re-encoding */
	ODJ_PART_JOIN_PROVIDER,  /* ODJ_WIN7BLOB */
	ODJ_PART_JOIN_PROVIDER2,
	ODJ_PART_JOIN_PROVIDER3,
	ODJ_PART_JOIN_PROVIDER4,
	ODJ_PART_CERT,
	ODJ_PART_POLICY,
	ODJ_PART_LINUX,          /* odj's own part: OP_ODJ_LINUX_PART (blob/FORMAT.md) */
};

/* OP_PACKAGE_PART */
struct odj_part {
	struct odj_guid type;    /* PartType; decides kind */
	enum odj_part_kind kind;
	uint32_t flags;          /* ODJ_PART_FLAG_ESSENTIAL */
	union {
		struct odj_win7blob *win7;
		struct odj_joinprov2 *jp2;
		struct odj_joinprov3 *jp3;
		struct odj_joinprov4 *jp4;
		struct odj_cert_part *cert;
		struct odj_policy_part *policy;
		struct odj_linux_part *linux_part;
	} u;
	struct odj_bytes raw;    /* the Part bytes of an ODJ_PART_UNKNOWN part */
	struct odj_bytes extension;
	uint32_t wire_cb;        /* Part.cbBlob as decoded (informational) */
	uint32_t wire_obl;       /* its stream's ObjectBufferLength (informational) */
};

/* OP_PACKAGE_PART_COLLECTION */
struct odj_part_collection {
	uint32_t count;
	struct odj_part *parts;
	struct odj_bytes extension;
};

/* OP_PACKAGE */
struct odj_package {
	struct odj_guid encryption_type;     /* GUID_NULL */
	struct odj_bytes encryption_context; /* empty */
	struct odj_part_collection *collection; /* the WrappedPartCollection, decoded */
	uint32_t cb_decrypted_part_collection;
	struct odj_bytes extension;
	uint32_t wire_collection_cb;         /* WrappedPartCollection.cbBlob as decoded */
	uint32_t wire_collection_obl;        /* its stream's ObjectBufferLength */
};

/* ODJ_BLOB */
struct odj_blob_entry {
	uint32_t format;         /* ODJ_WIN7_FORMAT, ODJ_WIN8_FORMAT, or other (raw) */
	struct odj_win7blob *win7;    /* format 1 */
	struct odj_package *package;  /* format 2 */
	struct odj_bytes raw;         /* any other format: bytes kept */
	uint32_t wire_cb;        /* cbBlob as decoded (informational) */
	uint32_t wire_obl;       /* its stream's ObjectBufferLength (informational) */
};

/* ODJ_PROVISION_DATA: the whole blob. */
struct odj_provision {
	uint32_t version;        /* 1 */
	uint32_t wire_obl;       /* the outer stream's ObjectBufferLength as decoded */
	uint32_t count;
	struct odj_blob_entry *blobs;
	/* Decoder remarks that are not errors (unknown essential part, ...). */
	uint32_t nwarnings;
	char **warnings;
};

#ifdef __cplusplus
}
#endif
#endif
