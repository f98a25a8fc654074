/* Machine keys: the RC4 key is the NT hash, AES keys come from the UTF-8 form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/keys.h>

#include "unit_main.h"

static struct odj_secret *utf16(TALLOC_CTX *mem, const uint16_t *u, size_t n)
{
	struct odj_secret *s = odj_secret_new(mem, 2 * n);
	for (size_t i = 0; i < n; i++) {
		odj_secret_data(s)[2 * i] = (uint8_t)u[i];
		odj_secret_data(s)[2 * i + 1] = (uint8_t)(u[i] >> 8);
	}
	return s;
}

static void rc4_key_is_the_nt_hash(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	krb5_context k;
	assert_int_equal(krb5_init_context(&k), 0);
	const uint16_t pw[] = {'p', 'a', 's', 's', 'w', 'o', 'r', 'd'};
	struct odj_keyset *ks = NULL;
	assert_int_equal(odj_keys_derive(ctx, mem, k, utf16(mem, pw, 8), "ODJ.TESThostpc1.odj.test",
					 0x04, &ks),
			 ODJ_OK);
	assert_int_equal(ks->n, 1);
	assert_int_equal(ks->keys[0].enctype, 23);
	/* MD4(UTF-16LE("password")) */
	static const uint8_t nt[] = {0x88, 0x46, 0xf7, 0xea, 0xee, 0x8f, 0xb1, 0x17,
				     0xad, 0x06, 0xbd, 0xd8, 0x30, 0xb7, 0x58, 0x6c};
	assert_int_equal(ks->keys[0].block.length, 16);
	assert_memory_equal(ks->keys[0].block.contents, nt, 16);
	talloc_free(mem);
	krb5_free_context(k);
}

static void aes_keys_come_from_utf8_with_replacement(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	krb5_context k;
	assert_int_equal(krb5_init_context(&k), 0);
	const char *salt = "ODJ.TESThostpc1.odj.test";
	/* "ä" then an unpaired high surrogate: UTF-8 C3 A4 EF BF BD */
	const uint16_t pw[] = {0xE4, 0xD800};
	struct odj_keyset *ks = NULL;
	assert_int_equal(odj_keys_derive(ctx, mem, k, utf16(mem, pw, 2), salt, 0x18, &ks), ODJ_OK);
	assert_int_equal(ks->n, 2);
	assert_int_equal(ks->keys[0].enctype, 18);
	assert_int_equal(ks->keys[1].enctype, 17);
	krb5_data d = {.length = 5, .data = (char *)"\xC3\xA4\xEF\xBF\xBD"};
	krb5_data s = {.length = (unsigned)strlen(salt), .data = (char *)salt};
	krb5_keyblock want;
	assert_int_equal(krb5_c_string_to_key(k, 18, &d, &s, &want), 0);
	assert_int_equal(want.length, ks->keys[0].block.length);
	assert_memory_equal(want.contents, ks->keys[0].block.contents, want.length);
	krb5_free_keyblock_contents(k, &want);
	/* DES and unknown bits alone give no key */
	assert_int_equal(odj_keys_derive(ctx, mem, k, utf16(mem, pw, 2), salt, 0x3, &ks),
			 ODJ_E_INPUT);
	talloc_free(mem);
	krb5_free_context(k);
}

UNIT_MAIN(
	cmocka_unit_test(rc4_key_is_the_nt_hash),
	cmocka_unit_test(aes_keys_come_from_utf8_with_replacement),
)
