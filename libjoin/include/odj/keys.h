/*
 * Kerberos keys of a machine account, derived the way the KDC derives them:
 * from the UTF-8 form of the UTF-16 machine password (unpaired surrogates as
 * U+FFFD) and AD's salt.  prepare uses them to prove the password; apply
 * writes them into the keytab.
 */
#ifndef ODJ_KEYS_H
#define ODJ_KEYS_H

#include <odj/api.h>

#include <krb5.h>
#include <stddef.h>
#include <stdint.h>

#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

struct odj_key {
	int32_t enctype;        /* 18 aes256, 17 aes128, 23 rc4 */
	krb5_keyblock block;    /* wiped and freed with the keyset */
};

struct odj_keyset {
	krb5_context kctx;
	size_t n;
	struct odj_key keys[3];
};

/*
 * One key per enctype bit (msDS-SupportedEncryptionTypes: 0x10 AES256, 0x8
 * AES128, 0x4 RC4), strongest first.  The keyset lives on mem and wipes its
 * keys when freed.
 */
ODJ_API odj_result odj_keys_derive(struct odj_ctx *ctx, TALLOC_CTX *mem, krb5_context kctx,
			   const struct odj_secret *password_utf16, const char *salt,
			   uint32_t enctype_bits, struct odj_keyset **out);

/*
 * The key proof of a new account without a logon: ticket is a service ticket
 * (the DER Ticket of a TGS reply) that the DC issued for one of the account's
 * SPNs.  The key for the ticket's enctype is derived from the password and
 * salt and must open the ticket (its integrity check), and the ticket's key
 * version must be kvno.  Unlike an AS exchange as NAME$, this records no
 * logon on the account (no lastLogon/lastLogonTimestamp/logonCount write), so
 * stale-account clean-ups still see a machine that never joined.
 * Keys that do not open the ticket fail with the krb5 code's row
 * (KRB5KRB_AP_ERR_BAD_INTEGRITY: ERROR_LOGON_FAILURE).
 */
ODJ_API odj_result odj_keys_verify_ticket(struct odj_ctx *ctx, krb5_context kctx, const krb5_data *ticket,
				  const struct odj_secret *password_utf16, const char *salt,
				  uint32_t enctype_bits, uint32_t kvno);

#ifdef __cplusplus
}
#endif
#endif
