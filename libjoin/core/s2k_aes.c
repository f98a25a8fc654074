/*
 * AES string-to-key (RFC 3962) for AES128 and AES256 from one PBKDF2 run.
 *
 * key = DK(PBKDF2-HMAC-SHA1(password, salt, iterations, keylength), "kerberos").
 * PBKDF2 output is made block by block (20 bytes each), so the 16 bytes the
 * AES128 key starts from are the first 16 of the 32 the AES256 key starts
 * from: one run of 2 blocks serves both, where two krb5_c_string_to_key
 * calls run 3 blocks, and each iteration here is 2 SHA-1 compressions (the
 * HMAC pads hashed once), not 4.  DK is E(tkey, n-fold("kerberos")) for
 * AES128, and that block encrypted again appended for AES256 (RFC 3961 DR;
 * the CBC-CTS of one block is the block cipher).
 *
 * SHA-1 and AES are written out here because libk5crypto exports neither and
 * libcrypto's start-up costs more than the derivation; where the CPU has SHA
 * instructions the iterations run on them (sha1_ni.c), 4 to 5 times faster.  The AES S-box is
 * computed, not looked up, so no table index depends on the key.  The test
 * compares every output with krb5_c_string_to_key.
 */
#include <string.h>

#include "s2k_aes.h"
#include "sha1_ni.h"

/* ---- SHA-1 (FIPS 180-4): the compression function on a kept state ---- */

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

/*
 * The 80 rounds written out, the five working variables renamed from round
 * to round instead of moved (as in the public-domain SHA-1 by Steve Reid):
 * PBKDF2 spends nearly all its time here.
 */
#define BLK0(i) w[i]
#define BLK(i) (w[(i)&15] = ROL(w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^ w[((i) + 2) & 15] ^ w[(i)&15], 1))
#define R0(v, x, y, z, u, i) u += ((x & (y ^ z)) ^ z) + BLK0(i) + 0x5A827999u + ROL(v, 5), x = ROL(x, 30)
#define R1(v, x, y, z, u, i) u += ((x & (y ^ z)) ^ z) + BLK(i) + 0x5A827999u + ROL(v, 5), x = ROL(x, 30)
#define R2(v, x, y, z, u, i) u += (x ^ y ^ z) + BLK(i) + 0x6ED9EBA1u + ROL(v, 5), x = ROL(x, 30)
#define R3(v, x, y, z, u, i) u += (((x | y) & z) | (x & y)) + BLK(i) + 0x8F1BBCDCu + ROL(v, 5), x = ROL(x, 30)
#define R4(v, x, y, z, u, i) u += (x ^ y ^ z) + BLK(i) + 0xCA62C1D6u + ROL(v, 5), x = ROL(x, 30)
#define FIVE(R, i)                                                                             \
	R(a, b, c, d, e, (i) + 0);                                                             \
	R(e, a, b, c, d, (i) + 1);                                                             \
	R(d, e, a, b, c, (i) + 2);                                                             \
	R(c, d, e, a, b, (i) + 3);                                                             \
	R(b, c, d, e, a, (i) + 4)

static void sha1_compress(uint32_t h[5], const uint8_t block[64])
{
	uint32_t w[16];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
		       (uint32_t)block[4 * i + 2] << 8 | block[4 * i + 3];
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	FIVE(R0, 0);
	FIVE(R0, 5);
	FIVE(R0, 10);
	R0(a, b, c, d, e, 15);
	R1(e, a, b, c, d, 16);
	R1(d, e, a, b, c, 17);
	R1(c, d, e, a, b, 18);
	R1(b, c, d, e, a, 19);
	FIVE(R2, 20);
	FIVE(R2, 25);
	FIVE(R2, 30);
	FIVE(R2, 35);
	FIVE(R3, 40);
	FIVE(R3, 45);
	FIVE(R3, 50);
	FIVE(R3, 55);
	FIVE(R4, 60);
	FIVE(R4, 65);
	FIVE(R4, 70);
	FIVE(R4, 75);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	explicit_bzero(w, sizeof(w));
}
#undef FIVE
#undef R0
#undef R1
#undef R2
#undef R3
#undef R4
#undef BLK
#undef BLK0

static const uint32_t sha1_iv[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u,
				    0xC3D2E1F0u};

struct sha1 {
	uint32_t h[5];
	uint8_t buf[64];
	size_t used;
	uint64_t total; /* bytes */
};

static void sha1_init(struct sha1 *s)
{
	memcpy(s->h, sha1_iv, sizeof(s->h));
	s->used = 0;
	s->total = 0;
}

static void sha1_update(struct sha1 *s, const uint8_t *p, size_t n)
{
	s->total += n;
	while (n > 0) {
		size_t take = 64 - s->used < n ? 64 - s->used : n;
		memcpy(s->buf + s->used, p, take);
		s->used += take;
		p += take;
		n -= take;
		if (s->used == 64) {
			sha1_compress(s->h, s->buf);
			s->used = 0;
		}
	}
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void sha1_final(struct sha1 *s, uint8_t out[20])
{
	uint64_t bits = s->total * 8;
	uint8_t pad = 0x80;
	sha1_update(s, &pad, 1);
	static const uint8_t zeros[64];
	sha1_update(s, zeros, (s->used <= 56 ? 56 : 120) - s->used);
	uint8_t len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha1_update(s, len, 8);
	for (int i = 0; i < 5; i++)
		put_be32(out + 4 * i, s->h[i]);
	explicit_bzero(s, sizeof(*s));
}

/* ---- PBKDF2-HMAC-SHA1 (RFC 8018) with the pads' states computed once ---- */

typedef void sha1_compress_fn(uint32_t h[5], const uint8_t block[64]);

struct hmac_sha1 {
	uint32_t inner[5], outer[5]; /* the states after the ipad and opad blocks */
	sha1_compress_fn *compress;  /* for the iterations */
};

static void hmac_sha1_init(struct hmac_sha1 *m, const uint8_t *key, size_t key_len)
{
	uint8_t k[64] = {0}, pad[64];
	if (key_len > 64) {
		struct sha1 s;
		sha1_init(&s);
		sha1_update(&s, key, key_len);
		sha1_final(&s, k);
	} else {
		memcpy(k, key, key_len);
	}
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	memcpy(m->inner, sha1_iv, sizeof(m->inner));
	sha1_compress(m->inner, pad);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	memcpy(m->outer, sha1_iv, sizeof(m->outer));
	sha1_compress(m->outer, pad);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
}

/* U1 = HMAC(salt || INT(block)), the first iteration, through the full HMAC. */
static void hmac_sha1_first(const struct hmac_sha1 *m, const uint8_t *salt, size_t salt_len,
			    uint32_t index, uint8_t out[20])
{
	struct sha1 s = {.used = 0, .total = 64};
	memcpy(s.h, m->inner, sizeof(s.h));
	uint8_t be[4], inner[20];
	put_be32(be, index);
	sha1_update(&s, salt, salt_len);
	sha1_update(&s, be, 4);
	sha1_final(&s, inner);
	s = (struct sha1){.used = 0, .total = 64};
	memcpy(s.h, m->outer, sizeof(s.h));
	sha1_update(&s, inner, 20);
	sha1_final(&s, out);
	explicit_bzero(inner, sizeof(inner));
}

/*
 * U2..Un, each the HMAC of the one before, XORed into t.  U stays in the first
 * 20 bytes of one block whose padding (0x80, the length of a pad block plus
 * 20 bytes in bits) is written once; block and state are wiped once, at the end.
 */
static void pbkdf2_iterate(const struct hmac_sha1 *m, const uint8_t u1[20], uint8_t t[20],
			   uint32_t iterations)
{
	uint8_t block[64] = {0};
	uint32_t h[5];
	memcpy(block, u1, 20);
	block[20] = 0x80;
	block[62] = (64 + 20) * 8 >> 8;
	block[63] = (uint8_t)((64 + 20) * 8);
	for (uint32_t it = 1; it < iterations; it++) {
		memcpy(h, m->inner, sizeof(h));
		m->compress(h, block);
		for (int i = 0; i < 5; i++)
			put_be32(block + 4 * i, h[i]);
		memcpy(h, m->outer, sizeof(h));
		m->compress(h, block);
		for (int i = 0; i < 5; i++)
			put_be32(block + 4 * i, h[i]);
		for (int i = 0; i < 20; i++)
			t[i] ^= block[i];
	}
	explicit_bzero(block, sizeof(block));
	explicit_bzero(h, sizeof(h));
}

static void pbkdf2_sha1(sha1_compress_fn *compress, const uint8_t *pw, size_t pw_len,
			const uint8_t *salt, size_t salt_len, uint32_t iterations, uint8_t *out,
			size_t out_len)
{
	struct hmac_sha1 m;
	hmac_sha1_init(&m, pw, pw_len);
	m.compress = compress;
	for (uint32_t index = 1; out_len > 0; index++) {
		uint8_t u[20], t[20];
		hmac_sha1_first(&m, salt, salt_len, index, u);
		memcpy(t, u, 20);
		pbkdf2_iterate(&m, u, t, iterations);
		size_t take = out_len < 20 ? out_len : 20;
		memcpy(out, t, take);
		out += take;
		out_len -= take;
		explicit_bzero(u, sizeof(u));
		explicit_bzero(t, sizeof(t));
	}
	explicit_bzero(&m, sizeof(m));
}

/* ---- AES encryption (FIPS 197), the S-box computed in constant time ---- */

static uint8_t xtime(uint8_t x)
{
	return (uint8_t)((x << 1) ^ (0x1b & -(x >> 7)));
}

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;
	for (int i = 0; i < 8; i++) {
		r ^= (uint8_t)(a & -(b & 1));
		a = xtime(a);
		b >>= 1;
	}
	return r;
}

/* S(x) = affine(x^254): the inverse by square-and-multiply, no branch on x. */
static uint8_t sbox(uint8_t x)
{
	uint8_t x2 = gf_mul(x, x), x3 = gf_mul(x2, x), x6 = gf_mul(x3, x3),
		x12 = gf_mul(x6, x6), x15 = gf_mul(x12, x3), x30 = gf_mul(x15, x15),
		x60 = gf_mul(x30, x30), x120 = gf_mul(x60, x60), x126 = gf_mul(x120, x6),
		x252 = gf_mul(x126, x126), inv = gf_mul(x252, x2);
	uint8_t s = inv;
	for (int i = 1; i <= 4; i++)
		s ^= (uint8_t)((inv << i) | (inv >> (8 - i)));
	return s ^ 0x63;
}

#define AES_MAX_ROUNDS 14

struct aes {
	uint8_t rk[(AES_MAX_ROUNDS + 1) * 16];
	int rounds;
};

static void aes_init(struct aes *a, const uint8_t *key, size_t key_len)
{
	int nk = (int)key_len / 4;
	a->rounds = nk + 6;
	memcpy(a->rk, key, key_len);
	uint8_t rcon = 1;
	for (int i = nk; i < 4 * (a->rounds + 1); i++) {
		uint8_t t[4];
		memcpy(t, a->rk + 4 * (i - 1), 4);
		if (i % nk == 0) {
			uint8_t t0 = t[0];
			t[0] = sbox(t[1]) ^ rcon;
			t[1] = sbox(t[2]);
			t[2] = sbox(t[3]);
			t[3] = sbox(t0);
			rcon = xtime(rcon);
		} else if (nk > 6 && i % nk == 4) {
			for (int k = 0; k < 4; k++)
				t[k] = sbox(t[k]);
		}
		for (int k = 0; k < 4; k++)
			a->rk[4 * i + k] = a->rk[4 * (i - nk) + k] ^ t[k];
	}
}

static void aes_encrypt(const struct aes *a, const uint8_t in[16], uint8_t out[16])
{
	uint8_t s[16], t[16];
	for (int i = 0; i < 16; i++)
		s[i] = in[i] ^ a->rk[i];
	for (int r = 1; r <= a->rounds; r++) {
		/* SubBytes and ShiftRows (column-major state: byte i is row i%4, column i/4) */
		for (int i = 0; i < 16; i++)
			t[i] = sbox(s[(i + 4 * (i % 4)) % 16]);
		if (r < a->rounds) {
			for (int c = 0; c < 4; c++) { /* MixColumns */
				uint8_t *col = t + 4 * c, x = col[0] ^ col[1] ^ col[2] ^ col[3];
				uint8_t c0 = col[0];
				s[4 * c + 0] = col[0] ^ x ^ xtime(col[0] ^ col[1]);
				s[4 * c + 1] = col[1] ^ x ^ xtime(col[1] ^ col[2]);
				s[4 * c + 2] = col[2] ^ x ^ xtime(col[2] ^ col[3]);
				s[4 * c + 3] = col[3] ^ x ^ xtime(col[3] ^ c0);
			}
		} else {
			memcpy(s, t, 16);
		}
		for (int i = 0; i < 16; i++)
			s[i] ^= a->rk[16 * r + i];
	}
	memcpy(out, s, 16);
	explicit_bzero(s, sizeof(s));
	explicit_bzero(t, sizeof(t));
}

/* ---- RFC 3962 string-to-key ---- */

/* n-fold("kerberos", 128) (RFC 3961 appendix A.1) */
static const uint8_t kerberos_folded[16] = {0x6b, 0x65, 0x72, 0x62, 0x65, 0x72, 0x6f, 0x73,
					    0x7b, 0x9b, 0x5b, 0x2b, 0x93, 0x13, 0x2b, 0x93};

void odj_s2k_aes_pair_using(enum odj_s2k_sha1 which, const uint8_t *password,
			    size_t password_len, const uint8_t *salt, size_t salt_len,
			    uint32_t iterations, uint8_t key128[16], uint8_t key256[32])
{
	uint8_t tkey[32];
	struct aes a;
	sha1_compress_fn *compress = sha1_compress;
	if (which == ODJ_S2K_SHA1_BEST && odj_sha1_ni_usable())
		compress = odj_sha1_ni_compress;
	pbkdf2_sha1(compress, password, password_len, salt, salt_len, iterations, tkey,
		    sizeof(tkey));
	aes_init(&a, tkey, 16);
	aes_encrypt(&a, kerberos_folded, key128);
	aes_init(&a, tkey, 32);
	aes_encrypt(&a, kerberos_folded, key256);
	aes_encrypt(&a, key256, key256 + 16);
	explicit_bzero(tkey, sizeof(tkey));
	explicit_bzero(&a, sizeof(a));
}

void odj_s2k_aes_pair(const uint8_t *password, size_t password_len, const uint8_t *salt,
		      size_t salt_len, uint32_t iterations, uint8_t key128[16],
		      uint8_t key256[32])
{
	odj_s2k_aes_pair_using(ODJ_S2K_SHA1_BEST, password, password_len, salt, salt_len,
			       iterations, key128, key256);
}
