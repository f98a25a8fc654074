/* RFC 3962 string-to-key of both AES enctypes from one PBKDF2 run. Not installed. */
#ifndef ODJ_S2K_AES_H
#define ODJ_S2K_AES_H

#include <stddef.h>
#include <stdint.h>

/* The default iteration count (RFC 3962; what AD uses). */
#define ODJ_S2K_AES_ITERATIONS 4096u

/*
 * The aes128-cts-hmac-sha1-96 and aes256-cts-hmac-sha1-96 keys of password
 * (UTF-8) and salt, as krb5_c_string_to_key makes them.  Every intermediate
 * is wiped.
 */
void odj_s2k_aes_pair(const uint8_t *password, size_t password_len, const uint8_t *salt,
		      size_t salt_len, uint32_t iterations, uint8_t key128[16],
		      uint8_t key256[32]);

/* Which SHA-1 runs the iterations: the CPU's SHA instructions where it has them, or the portable code. */
enum odj_s2k_sha1 { ODJ_S2K_SHA1_BEST, ODJ_S2K_SHA1_PORTABLE };

/* odj_s2k_aes_pair with the SHA-1 chosen (the tests run both). */
void odj_s2k_aes_pair_using(enum odj_s2k_sha1 which, const uint8_t *password,
			    size_t password_len, const uint8_t *salt, size_t salt_len,
			    uint32_t iterations, uint8_t key128[16], uint8_t key256[32]);

#endif
