/* AES string-to-key from one PBKDF2 run: byte for byte what MIT's krb5_c_string_to_key makes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <krb5.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <odj/keys.h>
#include <odj/secret.h>

#include "s2k_aes.h"
#include "sha1_ni.h"
#include "unit_ctx.h"

/* RFC 3962 appendix B, iteration count 1: "password", "ATHENA.MIT.EDUraeburn". */
static void rfc3962_vector(void **state)
{
	(void)state;
	static const uint8_t want128[16] = {0x42, 0x26, 0x3c, 0x6e, 0x89, 0xf4, 0xfc, 0x28,
					    0xb8, 0xdf, 0x68, 0xee, 0x09, 0x79, 0x9f, 0x15};
	static const uint8_t want256[32] = {
		0xfe, 0x69, 0x7b, 0x52, 0xbc, 0x0d, 0x3c, 0xe1, 0x44, 0x32, 0xba,
		0x03, 0x6a, 0x92, 0xe6, 0x5b, 0xbb, 0x52, 0x28, 0x09, 0x90, 0xa2,
		0xfa, 0x27, 0x88, 0x39, 0x98, 0xd7, 0x2a, 0xf3, 0x01, 0x61};
	uint8_t k128[16], k256[32];
	const char *salt = "ATHENA.MIT.EDUraeburn";
	odj_s2k_aes_pair((const uint8_t *)"password", 8, (const uint8_t *)salt, strlen(salt), 1,
			 k128, k256);
	assert_memory_equal(k128, want128, 16);
	assert_memory_equal(k256, want256, 32);
}

/* MIT's key for enctype at the given iteration count (4096: the default, no parameters). */
static void mit_key(krb5_context k, krb5_enctype e, const uint8_t *pw, size_t pw_len,
		    const char *salt, uint32_t iterations, uint8_t *out, size_t len)
{
	krb5_data p = {.length = (unsigned)pw_len, .data = (char *)pw};
	krb5_data s = {.length = (unsigned)strlen(salt), .data = (char *)salt};
	uint8_t be[4] = {(uint8_t)(iterations >> 24), (uint8_t)(iterations >> 16),
			 (uint8_t)(iterations >> 8), (uint8_t)iterations};
	krb5_data params = {.length = 4, .data = (char *)be};
	krb5_keyblock kb;
	assert_int_equal(krb5_c_string_to_key_with_params(k, e, &p, &s,
							  iterations == 4096 ? NULL : &params, &kb),
			 0);
	assert_int_equal(kb.length, len);
	memcpy(out, kb.contents, len);
	krb5_free_keyblock_contents(k, &kb);
}

/*
 * Passwords of every length from empty to past two SHA-1 blocks (an HMAC key
 * over 64 bytes is hashed first; AD machine passwords are 120 UTF-16 units,
 * about 240 UTF-8 bytes), every byte value, salts short and long.
 */
static void same_keys_as_mit_using(enum odj_s2k_sha1 which)
{
	krb5_context k;
	assert_int_equal(krb5_init_context(&k), 0);
	uint8_t pw[300];
	char salt[200];
	uint32_t seed = 12345;
	size_t checked = 0;
	for (size_t len = 0; len <= sizeof(pw); len += (len < 70 ? 1 : 23)) {
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			pw[i] = (uint8_t)(seed >> 16);
		}
		size_t salt_len = 1 + (len * 7) % (sizeof(salt) - 1);
		for (size_t i = 0; i < salt_len; i++)
			salt[i] = (char)('A' + (i + len) % 26);
		salt[salt_len] = '\0';
		uint32_t iterations = len % 5 == 0 ? 5000 : 4096;
		uint8_t k128[16], k256[32], m128[16], m256[32];
		odj_s2k_aes_pair_using(which, pw, len, (const uint8_t *)salt, salt_len, iterations,
				       k128, k256);
		mit_key(k, ENCTYPE_AES128_CTS_HMAC_SHA1_96, pw, len, salt, iterations, m128, 16);
		mit_key(k, ENCTYPE_AES256_CTS_HMAC_SHA1_96, pw, len, salt, iterations, m256, 32);
		assert_memory_equal(k128, m128, 16);
		assert_memory_equal(k256, m256, 32);
		checked++;
	}
	assert_true(checked > 80);
	krb5_free_context(k);
}

/* The SHA-1 of the CPU's SHA instructions where it has them (this machine's is printed). */
static void same_keys_as_mit(void **state)
{
	(void)state;
	print_message("SHA-1 instructions: %s\n", odj_sha1_ni_usable() ? "used" : "not on this CPU");
	same_keys_as_mit_using(ODJ_S2K_SHA1_BEST);
}

static void same_keys_as_mit_portable(void **state)
{
	(void)state;
	same_keys_as_mit_using(ODJ_S2K_SHA1_PORTABLE);
}

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/*
 * Both AES keys of a machine password cost less CPU than MIT's two
 * string-to-key calls (2 PBKDF2 blocks of 2 compressions an iteration, not 3
 * of 4): the least of 5 runs each, in this process.  A sanitizer build
 * instruments odj's code and not libk5crypto's, so it only prints the figures.
 */
static void both_keys_cost_less_than_two_string_to_key(void **state)
{
	struct unit_ctx *u = *state;
	krb5_context k;
	assert_int_equal(krb5_init_context(&k), 0);
	struct odj_secret *pw = odj_secret_new(u->mem, 240); /* 120 UTF-16 units, as AD's */
	for (size_t i = 0; i < 240; i += 2) {
		odj_secret_data(pw)[i] = (uint8_t)('A' + i % 26);
		odj_secret_data(pw)[i + 1] = 0;
	}
	const char *salt = "ODJ.TESThostodjcli01.odj.test";
	krb5_data p = {.length = 120, .data = talloc_size(u->mem, 120)};
	for (size_t i = 0; i < 120; i++)
		p.data[i] = (char)('A' + (2 * i) % 26);
	krb5_data s = {.length = (unsigned)strlen(salt), .data = (char *)salt};
	double ours = 1e9, mit = 1e9;
	for (int round = 0; round < 5; round++) {
		struct odj_keyset *ks = NULL;
		double t0 = cpu_ms();
		assert_int_equal(odj_keys_derive(u->ctx, u->mem, k, pw, salt, 0x18, &ks), ODJ_OK);
		double t1 = cpu_ms();
		krb5_keyblock a, b;
		assert_int_equal(krb5_c_string_to_key(k, ENCTYPE_AES256_CTS_HMAC_SHA1_96, &p, &s, &a), 0);
		assert_int_equal(krb5_c_string_to_key(k, ENCTYPE_AES128_CTS_HMAC_SHA1_96, &p, &s, &b), 0);
		double t2 = cpu_ms();
		assert_memory_equal(ks->keys[0].block.contents, a.contents, 32);
		assert_memory_equal(ks->keys[1].block.contents, b.contents, 16);
		krb5_free_keyblock_contents(k, &a);
		krb5_free_keyblock_contents(k, &b);
		talloc_free(ks);
		ours = t1 - t0 < ours ? t1 - t0 : ours;
		mit = t2 - t1 < mit ? t2 - t1 : mit;
	}
	print_message("AES256+AES128 keys: odj %.2f ms CPU, two krb5_c_string_to_key %.2f ms\n", ours,
		      mit);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
	assert_true(ours < 0.6 * mit);
#endif
	krb5_free_context(k);
}

UNIT_MAIN(
	cmocka_unit_test(rfc3962_vector),
	cmocka_unit_test(same_keys_as_mit),
	cmocka_unit_test(same_keys_as_mit_portable),
	CTX_TEST(both_keys_cost_less_than_two_string_to_key),
)
