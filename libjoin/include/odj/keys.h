/*
 * Kerberos keys of a machine account, derived the way the KDC derives them:
 * from the UTF-8 form of the UTF-16 machine password (unpaired surrogates as
 * U+FFFD) and AD's salt.  prepare uses them to prove the password; apply
 * writes them into the keytab.
 */
#ifndef ODJ_KEYS_H
#define ODJ_KEYS_H

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
odj_result odj_keys_derive(struct odj_ctx *ctx, TALLOC_CTX *mem, krb5_context kctx,
			   const struct odj_secret *password_utf16, const char *salt,
			   uint32_t enctype_bits, struct odj_keyset **out);

#ifdef __cplusplus
}
#endif
#endif
