/*
 * odj_keys_verify_ticket: a service ticket the "DC" encrypted with the key of
 * a known password opens with the key derived from that password and salt,
 * and with nothing else; key version and enctype are checked first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/keys.h>
#include <odj/status.h>

#include "unit_main.h"

#define SALT "ODJ.TESThostci-0001.odj.test"
#define DC_PASSWORD "q9\"}Xy-pL+3!w)Zr`a~0"

struct fx {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	krb5_context k;
};

static int setup(void **state)
{
	struct fx *f = talloc_zero(NULL, struct fx);
	f->mem = f;
	f->ctx = odj_ctx_new(f);
	assert_int_equal(krb5_init_context(&f->k), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	krb5_free_context(f->k);
	talloc_free(f);
	return 0;
}

static struct odj_secret *utf16(TALLOC_CTX *mem, const char *ascii)
{
	size_t n = strlen(ascii);
	struct odj_secret *s = odj_secret_new(mem, 2 * n);
	for (size_t i = 0; i < n; i++) {
		odj_secret_data(s)[2 * i] = (uint8_t)ascii[i];
		odj_secret_data(s)[2 * i + 1] = 0;
	}
	return s;
}

/* ---- a minimal DER writer for the Ticket of RFC 4120 5.3 ---- */

struct der {
	uint8_t b[4096];
	size_t n;
};

/* tag, length, then the n bytes of content */
static void tlv(struct der *d, uint8_t tag, const void *content, size_t n)
{
	assert_true(d->n + n + 4 <= sizeof(d->b));
	d->b[d->n++] = tag;
	if (n < 0x80) {
		d->b[d->n++] = (uint8_t)n;
	} else {
		d->b[d->n++] = 0x82;
		d->b[d->n++] = (uint8_t)(n >> 8);
		d->b[d->n++] = (uint8_t)n;
	}
	memcpy(d->b + d->n, content, n);
	d->n += n;
}

static void wrap(struct der *out, uint8_t tag, const struct der *in)
{
	tlv(out, tag, in->b, in->n);
}

static void integer(struct der *d, uint8_t ctx_tag, uint32_t v)
{
	uint8_t c[5];
	size_t n = 0;
	/* big-endian, minimal, with a leading 0 when the top bit is set */
	uint8_t be[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	size_t i = 0;
	while (i < 3 && be[i] == 0)
		i++;
	if (be[i] & 0x80)
		c[n++] = 0;
	while (i < 4)
		c[n++] = be[i++];
	struct der in = {0};
	tlv(&in, 0x02, c, n);
	wrap(d, ctx_tag, &in);
}

static void gstring(struct der *d, const char *s)
{
	tlv(d, 0x1b, s, strlen(s));
}

/* A ticket for HOST/ci-0001.odj.test@ODJ.TEST, encrypted with key at kvno. */
static krb5_data make_ticket(struct fx *f, const krb5_keyblock *key, uint32_t kvno)
{
	/* the plaintext would be an EncTicketPart; only its integrity matters here */
	char pt[64];
	memset(pt, 0x5a, sizeof(pt));
	krb5_data plain = {.magic = KV5M_DATA, .length = sizeof(pt), .data = pt};
	size_t clen = 0;
	assert_int_equal(krb5_c_encrypt_length(f->k, key->enctype, plain.length, &clen), 0);
	krb5_enc_data enc = {.magic = KV5M_ENC_DATA, .enctype = key->enctype};
	enc.ciphertext.length = (unsigned)clen;
	enc.ciphertext.data = talloc_size(f->mem, clen);
	assert_int_equal(krb5_c_encrypt(f->k, key, KRB5_KEYUSAGE_KDC_REP_TICKET, NULL, &plain, &enc),
			 0);

	struct der names = {0}, seq = {0}, sname = {0}, ep = {0}, tmp = {0}, body = {0};
	gstring(&names, "HOST");
	gstring(&names, "ci-0001.odj.test");
	integer(&seq, 0xa0, 3); /* KRB5_NT_SRV_HST */
	wrap(&tmp, 0x30, &names);
	wrap(&seq, 0xa1, &tmp);
	wrap(&sname, 0x30, &seq);

	struct der epseq = {0}, oct = {0};
	integer(&epseq, 0xa0, (uint32_t)key->enctype);
	integer(&epseq, 0xa1, kvno);
	tlv(&oct, 0x04, enc.ciphertext.data, enc.ciphertext.length);
	wrap(&epseq, 0xa2, &oct);
	wrap(&ep, 0x30, &epseq);

	struct der realm = {0};
	gstring(&realm, "ODJ.TEST");
	integer(&body, 0xa0, 5);
	wrap(&body, 0xa1, &realm);
	wrap(&body, 0xa2, &sname);
	wrap(&body, 0xa3, &ep);
	struct der s = {0}, t = {0};
	wrap(&s, 0x30, &body);
	wrap(&t, 0x61, &s); /* [APPLICATION 1] */
	krb5_data out = {.magic = KV5M_DATA, .length = (unsigned)t.n};
	out.data = talloc_memdup(f->mem, t.b, t.n);
	return out;
}

/* The KDC's key: string-to-key of the UTF-8 password with the salt. */
static void dc_key(struct fx *f, krb5_enctype et, const char *password, const char *salt,
		   krb5_keyblock *key)
{
	krb5_data pw = {.magic = KV5M_DATA, .length = (unsigned)strlen(password),
			.data = (char *)password};
	krb5_data s = {.magic = KV5M_DATA, .length = (unsigned)strlen(salt), .data = (char *)salt};
	assert_int_equal(krb5_c_string_to_key(f->k, et, &pw, &s, key), 0);
}

static void opens_with_the_right_password(void **state)
{
	struct fx *f = *state;
	krb5_keyblock key;
	dc_key(f, ENCTYPE_AES256_CTS_HMAC_SHA1_96, DC_PASSWORD, SALT, &key);
	krb5_data t = make_ticket(f, &key, 1);
	assert_int_equal(odj_keys_verify_ticket(f->ctx, f->k, &t, utf16(f->mem, DC_PASSWORD), SALT,
						0x18, 1),
			 ODJ_OK);
	krb5_free_keyblock_contents(f->k, &key);

	/* an RC4 account: the NT hash */
	dc_key(f, ENCTYPE_ARCFOUR_HMAC, DC_PASSWORD, SALT, &key);
	t = make_ticket(f, &key, 7);
	assert_int_equal(odj_keys_verify_ticket(f->ctx, f->k, &t, utf16(f->mem, DC_PASSWORD), SALT,
						0x1c, 7),
			 ODJ_OK);
	krb5_free_keyblock_contents(f->k, &key);
}

static void check_failure(struct fx *f, odj_result r, odj_status status, const char *needle)
{
	assert_int_not_equal(r, ODJ_OK);
	const struct odj_error *e = odj_error_get(f->ctx);
	assert_int_equal(e->status, status);
	if (strstr(e->message, needle) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e->message, needle);
	/* keys that do not open the ticket say what that means */
	if (strstr(needle, "does not open") != NULL &&
	    (e->advice == NULL || strstr(e->advice, "did not reach the account") == NULL))
		fail_msg("no advice for keys that do not open the ticket");
	odj_error_clear(f->ctx);
}

static void refuses_other_password_or_salt(void **state)
{
	struct fx *f = *state;
	krb5_keyblock key;
	dc_key(f, ENCTYPE_AES256_CTS_HMAC_SHA1_96, DC_PASSWORD, SALT, &key);
	krb5_data t = make_ticket(f, &key, 1);
	/* one character differs */
	check_failure(f,
		      odj_keys_verify_ticket(f->ctx, f->k, &t, utf16(f->mem, "q9\"}Xy-pL+3!w)Zr`a~1"),
					     SALT, 0x18, 1),
		      ODJ_ERROR_LOGON_FAILURE, "does not open");
	/* the right password with the salt of another name */
	check_failure(f,
		      odj_keys_verify_ticket(f->ctx, f->k, &t, utf16(f->mem, DC_PASSWORD),
					     "ODJ.TESThostci-0002.odj.test", 0x18, 1),
		      ODJ_ERROR_LOGON_FAILURE, "does not open");
	krb5_free_keyblock_contents(f->k, &key);
}

static void refuses_other_key_version(void **state)
{
	struct fx *f = *state;
	krb5_keyblock key;
	dc_key(f, ENCTYPE_AES256_CTS_HMAC_SHA1_96, DC_PASSWORD, SALT, &key);
	krb5_data t = make_ticket(f, &key, 2);
	check_failure(f,
		      odj_keys_verify_ticket(f->ctx, f->k, &t, utf16(f->mem, DC_PASSWORD), SALT,
					     0x18, 1),
		      ODJ_ERROR_LOGON_FAILURE, "key version 2, the account reported 1");
	krb5_free_keyblock_contents(f->k, &key);
}

static void refuses_enctype_outside_the_account(void **state)
{
	struct fx *f = *state;
	krb5_keyblock key;
	/* an RC4 ticket for an AES-only account */
	dc_key(f, ENCTYPE_ARCFOUR_HMAC, DC_PASSWORD, SALT, &key);
	krb5_data t = make_ticket(f, &key, 1);
	check_failure(f,
		      odj_keys_verify_ticket(f->ctx, f->k, &t, utf16(f->mem, DC_PASSWORD), SALT,
					     0x18, 1),
		      ODJ_ERROR_NOT_SUPPORTED, "enctype 23");
	krb5_free_keyblock_contents(f->k, &key);
}

static void refuses_garbage(void **state)
{
	struct fx *f = *state;
	krb5_keyblock key;
	dc_key(f, ENCTYPE_AES256_CTS_HMAC_SHA1_96, DC_PASSWORD, SALT, &key);
	krb5_data t = make_ticket(f, &key, 1);
	/* every truncation: a clean error, never a crash (ASan build) */
	for (unsigned n = 0; n < t.length; n++) {
		krb5_data cut = {.magic = KV5M_DATA, .length = n, .data = t.data};
		odj_result r = odj_keys_verify_ticket(f->ctx, f->k, &cut, utf16(f->mem, DC_PASSWORD),
						      SALT, 0x18, 1);
		assert_int_not_equal(r, ODJ_OK);
		odj_error_clear(f->ctx);
	}
	/* a flipped byte in the ciphertext (the last bytes are the HMAC) */
	t.data[t.length - 1] ^= 1;
	check_failure(f,
		      odj_keys_verify_ticket(f->ctx, f->k, &t, utf16(f->mem, DC_PASSWORD), SALT,
					     0x18, 1),
		      ODJ_ERROR_LOGON_FAILURE, "does not open");
	krb5_data junk = {.magic = KV5M_DATA, .length = 4, .data = (char *)"\x61\x02\x30\x00"};
	check_failure(f,
		      odj_keys_verify_ticket(f->ctx, f->k, &junk, utf16(f->mem, DC_PASSWORD), SALT,
					     0x18, 1),
		      ODJ_ERROR_INVALID_DATA, "cannot be decoded");
	krb5_free_keyblock_contents(f->k, &key);
}

UNIT_MAIN(
	FIXTURE_TEST(opens_with_the_right_password),
	FIXTURE_TEST(refuses_other_password_or_salt),
	FIXTURE_TEST(refuses_other_key_version),
	FIXTURE_TEST(refuses_enctype_outside_the_account),
	FIXTURE_TEST(refuses_garbage),
)
