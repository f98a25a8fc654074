/* Machine keys from the UTF-16 password and AD's salt. */
#include <string.h>

#include <odj/blob.h>
#include <odj/catalogue.h>
#include <odj/join.h>
#include <odj/keys.h>

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
	for (size_t i = 0; i < n; i++) {
		krb5_error_code ret = krb5_c_string_to_key(kctx, enctypes[i], &pw, &s,
							   &ks->keys[ks->n].block);
		if (ret != 0) {
			const char *msg = krb5_get_error_message(kctx, ret);
			r = odj_fail_krb5(ctx, ret, msg, "deriving the %d key from the machine password",
					  enctypes[i]);
			krb5_free_error_message(kctx, msg);
			talloc_free(ks);
			talloc_free(tmp);
			return r;
		}
		ks->keys[ks->n].enctype = enctypes[i];
		ks->n++;
	}
	talloc_free(tmp); /* wipes the UTF-8 password */
	*out = ks;
	return ODJ_OK;
}
