/* Machine keys from the UTF-16 password and AD's salt. */
#include <stdlib.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/catalogue.h>
#include <odj/join.h>
#include <odj/keys.h>

#include "s2k_aes.h"

static int keyset_destructor(struct odj_keyset *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		krb5_free_keyblock_contents(ks->kctx, &ks->keys[i].block); /* zeroes them */
	return 0;
}

odj_result odj_keys_derive(struct odj_ctx *ctx, TALLOC_CTX *mem, krb5_context kctx,
			   const struct odj_secret *password_utf16, const char *salt,
			   uint32_t enctype_bits, struct odj_keyset **out)
{
	*out = NULL;
	int32_t enctypes[3];
	size_t n = odj_enctypes_to_krb5(enctype_bits, enctypes);
	if (n == 0)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_NOT_SUPPORTED,
				"no usable encryption type in 0x%x (AES256 0x10, AES128 0x8, RC4 0x4)",
				enctype_bits);
	TALLOC_CTX *tmp = talloc_new(mem);
	struct odj_secret *utf8 = NULL;
	odj_result r = odj_password_utf8(ctx, tmp, password_utf16, &utf8);
	if (r != ODJ_OK) {
		talloc_free(tmp);
		return r;
	}
	struct odj_keyset *ks = talloc_zero(mem, struct odj_keyset);
	if (ks == NULL) {
		talloc_free(tmp);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	ks->kctx = kctx;
	talloc_set_destructor(ks, keyset_destructor);
	krb5_data pw = {.magic = KV5M_DATA, .length = (unsigned)odj_secret_len(utf8),
			.data = (char *)odj_secret_data(utf8)};
	krb5_data s = {.magic = KV5M_DATA, .length = (unsigned)strlen(salt), .data = (char *)salt};
	uint8_t aes[16 + 32];
	bool have_aes = false;
	for (size_t i = 0; i < n; i++) {
		krb5_keyblock *kb = &ks->keys[ks->n].block;
		bool is_aes = enctypes[i] == ENCTYPE_AES128_CTS_HMAC_SHA1_96 ||
			      enctypes[i] == ENCTYPE_AES256_CTS_HMAC_SHA1_96;
		if (is_aes) {
			/* Both AES keys from one PBKDF2 run (s2k_aes.c). */
			if (!have_aes)
				odj_s2k_aes_pair(odj_secret_data(utf8), odj_secret_len(utf8),
						 (const uint8_t *)salt, strlen(salt),
						 ODJ_S2K_AES_ITERATIONS, aes, aes + 16);
			have_aes = true;
			size_t len = enctypes[i] == ENCTYPE_AES128_CTS_HMAC_SHA1_96 ? 16 : 32;
			*kb = (krb5_keyblock){.magic = KV5M_KEYBLOCK, .enctype = enctypes[i],
					      .length = (unsigned)len, .contents = malloc(len)};
			if (kb->contents == NULL) {
				explicit_bzero(aes, sizeof(aes));
				talloc_free(ks);
				talloc_free(tmp);
				return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
						"out of memory");
			}
			memcpy(kb->contents, len == 16 ? aes : aes + 16, len);
			ks->keys[ks->n].enctype = enctypes[i];
			ks->n++;
			continue;
		}
		krb5_error_code ret = krb5_c_string_to_key(kctx, enctypes[i], &pw, &s, kb);
		if (ret != 0) {
			const char *msg = krb5_get_error_message(kctx, ret);
			r = odj_fail_krb5(ctx, ret, msg, "deriving the %d key from the machine password",
					  enctypes[i]);
			krb5_free_error_message(kctx, msg);
			explicit_bzero(aes, sizeof(aes));
			talloc_free(ks);
			talloc_free(tmp);
			return r;
		}
		ks->keys[ks->n].enctype = enctypes[i];
		ks->n++;
	}
	explicit_bzero(aes, sizeof(aes));
	talloc_free(tmp); /* wipes the UTF-8 password */
	*out = ks;
	return ODJ_OK;
}

/* The msDS-SupportedEncryptionTypes bit of an enctype, by odj_enctypes_to_krb5's one table. */
static uint32_t enctype_bit(krb5_enctype e)
{
	static const uint32_t bits[] = {ODJ_ENCTYPE_AES256, ODJ_ENCTYPE_AES128, ODJ_ENCTYPE_RC4_HMAC};
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		int32_t one[3];
		if (odj_enctypes_to_krb5(bits[i], one) == 1 && one[0] == e)
			return bits[i];
	}
	return 0;
}

odj_result odj_keys_verify_ticket(struct odj_ctx *ctx, krb5_context kctx, const krb5_data *ticket,
				  const struct odj_secret *password_utf16, const char *salt,
				  uint32_t enctype_bits, uint32_t kvno)
{
	krb5_ticket *t = NULL;
	krb5_error_code ret = krb5_decode_ticket(ticket, &t);
	if (ret != 0)
		return odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA,
				"the DC's service ticket cannot be decoded (%d)", ret);
	odj_result r = ODJ_OK;
	uint32_t bit = enctype_bit(t->enc_part.enctype);
	if (bit == 0 || !(bit & enctype_bits)) {
		r = odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_ERROR_NOT_SUPPORTED,
			     "the DC encrypted the ticket with enctype %d, which is not among the "
			     "account's encryption types 0x%x",
			     (int)t->enc_part.enctype, enctype_bits);
	} else if (t->enc_part.kvno != kvno) {
		r = odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_ERROR_LOGON_FAILURE,
			     "the ticket is encrypted with key version %u, the account reported %u",
			     (unsigned)t->enc_part.kvno, (unsigned)kvno);
		odj_error_advice(ctx, "Another password change reached the account meanwhile "
				      "(a second odj-prepare, adcli or an administrator).");
	}
	struct odj_keyset *ks = NULL;
	if (r == ODJ_OK)
		r = odj_keys_derive(ctx, NULL, kctx, password_utf16, salt, bit, &ks);
	krb5_data plain = {.magic = KV5M_DATA, .length = t->enc_part.ciphertext.length};
	if (r == ODJ_OK) {
		plain.data = malloc(plain.length ? plain.length : 1);
		if (plain.data == NULL)
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	if (r == ODJ_OK) {
		/* the integrity check of the ticket is the proof; its contents do not matter */
		ret = krb5_c_decrypt(kctx, &ks->keys[0].block, KRB5_KEYUSAGE_KDC_REP_TICKET, NULL,
				     &t->enc_part, &plain);
		if (ret != 0) {
			const char *msg = krb5_get_error_message(kctx, ret);
			r = odj_fail_krb5(ctx, ret, msg,
					  "the key derived from the new password does not open the "
					  "DC's ticket for the account");
			krb5_free_error_message(kctx, msg);
			odj_error_advice(ctx, "The DC's key for the account differs from the one "
					      "derived from the new password and the salt %s: the "
					      "password did not reach the account.",
					 salt);
		}
	}
	if (plain.data != NULL) {
		explicit_bzero(plain.data, t->enc_part.ciphertext.length); /* holds a session key */
		free(plain.data);
	}
	talloc_free(ks);
	krb5_free_ticket(kctx, t);
	return r;
}
