/* Machine passwords: [MS-WKST] 3.2.4.13.3 steps 20 (default) and 21 (random). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/random.h>

#include <odj/password.h>

#include "unit_main.h"

#define ALPHABET (ODJ_PASSWORD_MAX_CHAR - ODJ_PASSWORD_MIN_CHAR + 1)
/* Chi-square with 90 degrees of freedom: mean 90, sd 13.4; 160 is beyond
 * p = 1e-6, so a fair generator essentially never trips it. */
#define CHI2_LIMIT 160.0

static double chi_square(const unsigned long counts[ALPHABET], unsigned long total)
{
	double expected = (double)total / ALPHABET, chi2 = 0;
	for (int i = 0; i < ALPHABET; i++) {
		double d = (double)counts[i] - expected;
		chi2 += d * d / expected;
	}
	return chi2;
}

static void step21_random_is_uniform_chi_square(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	unsigned long counts[ALPHABET] = {0}, total = 0;
	for (int i = 0; i < 1000; i++) { /* 120,000 characters */
		struct odj_secret *pw = NULL;
		assert_int_equal(odj_password_random(ctx, mem, NULL, &pw), ODJ_OK);
		assert_int_equal(odj_secret_len(pw), ODJ_PASSWORD_LENGTH);
		const uint8_t *p = odj_secret_data(pw);
		for (size_t k = 0; k < odj_secret_len(pw); k++) {
			assert_in_range(p[k], ODJ_PASSWORD_MIN_CHAR, ODJ_PASSWORD_MAX_CHAR);
			counts[p[k] - ODJ_PASSWORD_MIN_CHAR]++;
			total++;
		}
		talloc_free(pw);
	}
	assert_true(total >= 100000);
	double chi2 = chi_square(counts, total);
	print_message("chi-square over %lu characters, 90 df: %.1f (limit %.0f)\n", total, chi2,
		      CHI2_LIMIT);
	assert_true(chi2 < CHI2_LIMIT);

	/* The same statistic catches the naive "byte % 91" mapping, so the
	 * test has the power to see modulo bias. */
	unsigned long biased[ALPHABET] = {0};
	uint8_t buf[4096];
	unsigned long n = 0;
	while (n < total) {
		assert_int_equal(getrandom(buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
		for (size_t k = 0; k < sizeof(buf) && n < total; k++, n++)
			biased[buf[k] % ALPHABET]++;
	}
	double chi2_biased = chi_square(biased, n);
	print_message("chi-square of byte %% 91: %.1f\n", chi2_biased);
	assert_true(chi2_biased > 10 * CHI2_LIMIT);
	talloc_free(mem);
}

/* An RNG stuck near 256: only the bytes it lists, in turn. */
struct fixed_rng {
	const uint8_t *bytes;
	size_t n, pos;
	unsigned long calls;
	int fail_with;
};

static int fixed_source(void *priv, uint8_t *buf, size_t len)
{
	struct fixed_rng *r = priv;
	r->calls++;
	if (r->fail_with)
		return r->fail_with;
	for (size_t i = 0; i < len; i++)
		buf[i] = r->bytes[r->pos++ % r->n];
	return 0;
}

static void step21_bytes_near_256_are_redrawn(void **state)
{
	(void)state;
	/* Bytes 182..255 would favour the low characters: all are rejected. */
	for (unsigned b = 0; b < 256; b++) {
		char c = 0;
		bool ok = odj_password_char_from_byte((uint8_t)b, &c);
		assert_int_equal(ok, b < 182);
		if (ok)
			assert_int_equal(c, ODJ_PASSWORD_MIN_CHAR + b % ALPHABET);
	}
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	static const uint8_t near_top[] = {255, 254, 250, 200, 182, 181, 253};
	struct fixed_rng rng = {near_top, sizeof(near_top), 0, 0, 0};
	struct odj_password_opts opts = ODJ_PASSWORD_OPTS_INIT;
	opts.random = fixed_source;
	opts.random_priv = &rng;
	struct odj_secret *pw = NULL;
	assert_int_equal(odj_password_random(ctx, mem, &opts, &pw), ODJ_OK);
	/* Only 181 is usable: 32 + 181 % 91 = 122 ('z'), every time. */
	const uint8_t *p = odj_secret_data(pw);
	for (size_t i = 0; i < ODJ_PASSWORD_LENGTH; i++)
		assert_int_equal(p[i], 'z');
	/* 1 byte in 7 is kept: at least 7 * 120 bytes were drawn. */
	assert_true(rng.pos >= 7 * ODJ_PASSWORD_LENGTH - 7);
	talloc_free(mem);
}

static void step21_source_with_only_rejected_bytes_fails(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	static const uint8_t stuck[] = {255, 182};
	struct fixed_rng rng = {stuck, sizeof(stuck), 0, 0, 0};
	struct odj_password_opts opts = ODJ_PASSWORD_OPTS_INIT;
	opts.random = fixed_source;
	opts.random_priv = &rng;
	struct odj_secret *pw = (struct odj_secret *)&rng; /* must be reset to NULL */
	assert_int_equal(odj_password_random(ctx, mem, &opts, &pw), ODJ_E_UNEXPECTED);
	assert_null(pw);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_CAN_NOT_COMPLETE);
	assert_true(rng.calls < 1000);

	struct fixed_rng broken = {stuck, sizeof(stuck), 0, 0, EIO};
	opts.random_priv = &broken;
	assert_int_equal(odj_password_random(ctx, mem, &opts, &pw), ODJ_E_UNEXPECTED);
	assert_int_equal(odj_error_get(ctx)->source, ODJ_SRC_ERRNO);
	assert_int_equal(odj_error_get(ctx)->source_code, EIO);
	talloc_free(mem);
}

static void step21_length_option(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_password_opts opts = ODJ_PASSWORD_OPTS_INIT;
	opts.length = 32;
	struct odj_secret *a = NULL, *b = NULL;
	assert_int_equal(odj_password_random(ctx, mem, &opts, &a), ODJ_OK);
	assert_int_equal(odj_password_random(ctx, mem, &opts, &b), ODJ_OK);
	assert_int_equal(odj_secret_len(a), 32);
	assert_false(odj_secret_equal(a, b));
	opts.version = 99;
	assert_int_equal(odj_password_random(ctx, mem, &opts, &a), ODJ_E_UNEXPECTED);
	talloc_free(mem);
}

static void step20_default_password_is_lowercase_first_14(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_secret *pw = NULL;
	assert_int_equal(odj_password_default(ctx, mem, "ODJCLI01", &pw), ODJ_OK);
	assert_int_equal(odj_secret_len(pw), 8);
	assert_memory_equal(odj_secret_data(pw), "odjcli01", 8);
	assert_int_equal(odj_password_default(ctx, mem, "ABCDEFGHIJKLMNO", &pw), ODJ_OK);
	assert_int_equal(odj_secret_len(pw), 14);
	assert_memory_equal(odj_secret_data(pw), "abcdefghijklmn", 14);
	assert_int_equal(odj_password_default(ctx, mem, "BAD NAME", &pw), ODJ_E_INPUT);
	assert_null(pw);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_NERR_InvalidComputer);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(step21_random_is_uniform_chi_square),
	cmocka_unit_test(step21_bytes_near_256_are_redrawn),
	cmocka_unit_test(step21_source_with_only_rejected_bytes_fails),
	cmocka_unit_test(step21_length_option),
	cmocka_unit_test(step20_default_password_is_lowercase_first_14),
)
