/*
 * The SHA-1 compression function on the CPU's SHA extensions (x86 SHA-NI):
 * PBKDF2 for the AES keys is 16,384 compressions per password, and odj-prepare
 * derives keys for every machine of a bulk run, odj-apply for every keytab.
 * Four rounds per SHA1RNDS4; the message schedule runs three groups ahead of
 * the rounds (SHA1MSG1, XOR, SHA1MSG2).  Only used where CPUID says the CPU
 * has the instructions; the portable code in s2k_aes.c stays the reference.
 */
#include "sha1_ni.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

bool odj_sha1_ni_usable(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b & (1u << 29)) != 0; /* CPUID.(EAX=7,ECX=0):EBX.SHA */
}

/*
 * Group g runs rounds 4g..4g+3 on W[4g..4g+3], which m[g % 4] holds.  Its E
 * term comes from the ABCD of four rounds before (e[(g + 1) % 2]); the ABCD it
 * starts from is kept in e[g % 2] for the next group.  While it runs, W of
 * group g+1 is finished (MSG2), W of g+2 takes its XOR and W of g+3 starts (MSG1).
 */
#define GROUP(g)                                                                               \
	do {                                                                                   \
		__m128i E = (g) == 0 ? _mm_add_epi32(e[1], m[0])                               \
				     : _mm_sha1nexte_epu32(e[((g) + 1) % 2], m[(g) % 4]);        \
		e[(g) % 2] = abcd;                                                             \
		if ((g) >= 3 && (g) <= 18)                                                     \
			m[((g) + 1) % 4] = _mm_sha1msg2_epu32(m[((g) + 1) % 4], m[(g) % 4]);   \
		abcd = _mm_sha1rnds4_epu32(abcd, E, (g) / 5);                                  \
		if ((g) >= 1 && (g) <= 16)                                                     \
			m[((g) + 3) % 4] = _mm_sha1msg1_epu32(m[((g) + 3) % 4], m[(g) % 4]);   \
		if ((g) >= 2 && (g) <= 17)                                                     \
			m[((g) + 2) % 4] = _mm_xor_si128(m[((g) + 2) % 4], m[(g) % 4]);        \
	} while (0)

__attribute__((target("sha,sse4.1,ssse3"))) void odj_sha1_ni_compress(uint32_t h[5],
								    const uint8_t block[64])
{
	/* the words big-endian, W[0] in the top lane, as SHA1RNDS4 wants them */
	const __m128i swap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)h), 0x1B);
	__m128i abcd_in = abcd, e_in = _mm_set_epi32((int)h[4], 0, 0, 0);
	__m128i e[2] = {_mm_setzero_si128(), e_in};
	__m128i m[4];
	for (int i = 0; i < 4; i++)
		m[i] = _mm_shuffle_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(block + 16 * i)), swap);
	GROUP(0);
	GROUP(1);
	GROUP(2);
	GROUP(3);
	GROUP(4);
	GROUP(5);
	GROUP(6);
	GROUP(7);
	GROUP(8);
	GROUP(9);
	GROUP(10);
	GROUP(11);
	GROUP(12);
	GROUP(13);
	GROUP(14);
	GROUP(15);
	GROUP(16);
	GROUP(17);
	GROUP(18);
	GROUP(19);
	/* group 19 kept its starting ABCD in e[1]: the E of the next block's start */
	__m128i e_out = _mm_sha1nexte_epu32(e[1], e_in);
	abcd = _mm_shuffle_epi32(_mm_add_epi32(abcd, abcd_in), 0x1B);
	_mm_storeu_si128((__m128i *)(void *)h, abcd);
	h[4] = (uint32_t)_mm_extract_epi32(e_out, 3);
	/* the schedule held message words derived from secret input */
	m[0] = m[1] = m[2] = m[3] = e[0] = e[1] = _mm_setzero_si128();
	__asm__ volatile("" ::"m"(m), "m"(e));
}
#undef GROUP

#else

bool odj_sha1_ni_usable(void)
{
	return false;
}

void odj_sha1_ni_compress(uint32_t h[5], const uint8_t block[64])
{
	(void)h;
	(void)block;
}

#endif
