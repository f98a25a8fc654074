/*
 * Sealed bundles (odj/bundle_seal.h, blob/FORMAT.md "Sealed bundles").
 * Layout: an 84-byte header (magic, version, KDF, Argon2id limits, salt,
 * key check, secretstream header), then chunks of a 4-byte little-endian
 * length and that many bytes of secretstream ciphertext, each with the
 * whole header as associated data.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <odj/bundle_seal.h>

#include "bundle_seal_internal.h"
#include "fileio_internal.h"
#include "seal_wire.h"

#define HDR_LEN 84
#define OFF_VERSION 8
#define OFF_KDF 9
#define OFF_OPS 12
#define OFF_MEM 20
#define OFF_SALT 28
#define OFF_CHECK 44
#define OFF_STREAM 60
#define KDF_ARGON2ID13 1
#define CHUNK_MAX (ODJ_BUNDLE_MAX_ENTRY + 64 * 1024)
/* A hostile header must not make the reader spend minutes or gigabytes. */
#define OPS_MAX 10
#define MEM_MAX (1024ull * 1024 * 1024)

static const char check_msg[] = "odj-bundle-check";

struct odj_bundle_sealer {
	crypto_secretstream_xchacha20poly1305_state st;
	uint8_t header[HDR_LEN]; /* every chunk authenticates it: no header byte can change */
};

static int sealer_destructor(struct odj_bundle_sealer *s)
{
	sodium_memzero(s, sizeof(*s));
	return 0;
}

static int derive(uint8_t key[32], uint8_t check[16], const struct odj_secret *pass,
		  const uint8_t salt[16], uint64_t ops, uint64_t mem)
{
	if (crypto_pwhash(key, 32, (const char *)odj_secret_data(pass), odj_secret_len(pass), salt, ops,
			  (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -1;
	return crypto_generichash(check, 16, (const uint8_t *)check_msg, sizeof(check_msg) - 1, key, 32);
}

bool odj_bundle_is_sealed(const uint8_t *bytes, size_t len)
{
	return len >= 8 && memcmp(bytes, ODJ_BUNDLE_SEAL_MAGIC, 8) == 0;
}

odj_result odj_bundle_sealer_start(struct odj_ctx *ctx, TALLOC_CTX *mem,
				   const struct odj_secret *passphrase, struct odj_bundle_sealer **out,
				   uint8_t header[ODJ_BUNDLE_SEAL_HEADER])
{
	*out = NULL;
	if (sodium_init() < 0)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
				"libsodium could not be initialised");
	if (passphrase == NULL || odj_secret_len(passphrase) < ODJ_BUNDLE_PASSPHRASE_MIN)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD,
				"A bundle passphrase has at least %d characters.", ODJ_BUNDLE_PASSPHRASE_MIN);
	struct odj_bundle_sealer *s = talloc_zero(mem, struct odj_bundle_sealer);
	if (s == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	talloc_set_destructor(s, sealer_destructor);
	memset(header, 0, ODJ_BUNDLE_SEAL_HEADER);
	memcpy(header, ODJ_BUNDLE_SEAL_MAGIC, 8);
	header[OFF_VERSION] = 1;
	header[OFF_KDF] = KDF_ARGON2ID13;
	uint64_t ops = crypto_pwhash_OPSLIMIT_INTERACTIVE, memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	odj_le64_put(header + OFF_OPS, ops);
	odj_le64_put(header + OFF_MEM, memlimit);
	randombytes_buf(header + OFF_SALT, 16);
	uint8_t key[32];
	if (derive(key, header + OFF_CHECK, passphrase, header + OFF_SALT, ops, memlimit) != 0) {
		talloc_free(s);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"Argon2id could not run (%llu MiB of memory)",
				(unsigned long long)(memlimit >> 20));
	}
	crypto_secretstream_xchacha20poly1305_init_push(&s->st, header + OFF_STREAM, key);
	sodium_memzero(key, sizeof(key));
	memcpy(s->header, header, HDR_LEN);
	*out = s;
	return ODJ_OK;
}

uint8_t *odj_bundle_sealer_chunk(struct odj_bundle_sealer *s, TALLOC_CTX *mem, const uint8_t *plain,
				 size_t n, bool final, size_t *out_len)
{
	size_t c = n + crypto_secretstream_xchacha20poly1305_ABYTES;
	uint8_t *out = talloc_array(mem, uint8_t, 4 + c);
	if (out == NULL)
		return NULL;
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(c >> (8 * i));
	crypto_secretstream_xchacha20poly1305_push(
		&s->st, out + 4, NULL, plain, n, s->header, HDR_LEN,
		final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
	*out_len = 4 + c;
	return out;
}

static odj_result damaged(struct odj_ctx *ctx, size_t offset, const char *why)
{
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo, "The sealed bundle is damaged: %s.", why);
	odj_error_detail(ctx, "offset %zu", offset);
	return ODJ_E_INPUT;
}

odj_result odj_bundle_unseal(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bytes, size_t len,
			     const struct odj_secret *passphrase, bool partial_ok,
			     struct odj_secret **plain, bool *complete)
{
	*plain = NULL;
	if (complete)
		*complete = false;
	if (sodium_init() < 0)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
				"libsodium could not be initialised");
	if (!odj_bundle_is_sealed(bytes, len)) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo, "The bundle is not sealed.");
		odj_error_advice(ctx, "Read it without --bundle-passphrase-file.");
		return ODJ_E_INPUT;
	}
	if (len < HDR_LEN)
		return damaged(ctx, len, "the header is cut short");
	if (bytes[OFF_VERSION] != 1 || bytes[OFF_KDF] != KDF_ARGON2ID13 || bytes[10] != 0 || bytes[11] != 0)
		return damaged(ctx, OFF_VERSION, "an unknown version or key derivation");
	uint64_t ops = odj_le64_get(bytes + OFF_OPS), memlimit = odj_le64_get(bytes + OFF_MEM);
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > OPS_MAX || memlimit < crypto_pwhash_MEMLIMIT_MIN ||
	    memlimit > MEM_MAX)
		return damaged(ctx, OFF_OPS, "Argon2id limits out of range");
	if (passphrase == NULL || odj_secret_len(passphrase) == 0) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_DECRYPTION_FAILED,
			 "The bundle is sealed with a passphrase.");
		odj_error_advice(ctx, "Give its passphrase with --bundle-passphrase-file FILE.");
		return ODJ_E_INPUT;
	}
	uint8_t key[32], check[16];
	if (derive(key, check, passphrase, bytes + OFF_SALT, ops, memlimit) != 0)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"Argon2id could not run (%llu MiB of memory)",
				(unsigned long long)(memlimit >> 20));
	if (sodium_memcmp(check, bytes + OFF_CHECK, 16) != 0) {
		sodium_memzero(key, sizeof(key));
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_DECRYPTION_FAILED,
			 "The passphrase does not open this bundle.");
		odj_error_advice(ctx, "Check the passphrase file (its first line is the passphrase, without "
				      "the newline).");
		return ODJ_E_INPUT;
	}
	crypto_secretstream_xchacha20poly1305_state st;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&st, bytes + OFF_STREAM, key) != 0) {
		sodium_memzero(key, sizeof(key));
		return damaged(ctx, OFF_STREAM, "the stream header");
	}
	sodium_memzero(key, sizeof(key));
	/* The plain text is never longer than the chunks. */
	struct odj_secret *out = odj_secret_new(mem, len - HDR_LEN);
	if (out == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	size_t at = HDR_LEN, used = 0;
	bool final = false;
	odj_result r = ODJ_OK;
	while (r == ODJ_OK && at < len && !final) {
		if (len - at < 4) {
			r = partial_ok ? ODJ_OK : damaged(ctx, at, "a chunk length is cut short");
			break;
		}
		uint32_t c = (uint32_t)bytes[at] | (uint32_t)bytes[at + 1] << 8 |
			     (uint32_t)bytes[at + 2] << 16 | (uint32_t)bytes[at + 3] << 24;
		if (c < crypto_secretstream_xchacha20poly1305_ABYTES || c > CHUNK_MAX) {
			r = damaged(ctx, at, "a chunk length out of range");
			break;
		}
		if (c > len - at - 4) {
			r = partial_ok ? ODJ_OK : damaged(ctx, at, "the last chunk is cut short");
			break;
		}
		unsigned long long n = 0;
		uint8_t tag = 0;
		if (crypto_secretstream_xchacha20poly1305_pull(&st, odj_secret_data(out) + used, &n, &tag,
							       bytes + at + 4, c, bytes, HDR_LEN) != 0) {
			r = damaged(ctx, at, "a chunk does not authenticate (changed, reordered or from "
					     "another bundle)");
			break;
		}
		used += (size_t)n;
		at += 4 + c;
		final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
	}
	sodium_memzero(&st, sizeof(st));
	if (r == ODJ_OK && final && at != len)
		r = damaged(ctx, at, "bytes after the final chunk");
	if (r == ODJ_OK && !final && !partial_ok)
		r = damaged(ctx, at, "the final chunk is missing (the file was cut short)");
	if (r != ODJ_OK) {
		talloc_free(out);
		return r;
	}
	*plain = odj_secret_dup(mem, odj_secret_data(out), used);
	talloc_free(out);
	if (*plain == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	if (complete)
		*complete = final;
	return ODJ_OK;
}

odj_result odj_bundle_open_bytes(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_secret *bytes,
				 const struct odj_secret *passphrase, bool partial_ok,
				 struct odj_secret **plain)
{
	if (!odj_bundle_is_sealed(odj_secret_data(bytes), odj_secret_len(bytes))) {
		*plain = bytes;
		return ODJ_OK;
	}
	return odj_bundle_unseal(ctx, mem, odj_secret_data(bytes), odj_secret_len(bytes), passphrase,
				 partial_ok, plain, NULL);
}

odj_result odj_passphrase_read_file(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
				    struct odj_secret **out)
{
	*out = NULL;
	odj_doing(ctx, "reading the bundle passphrase from %s", path);
	struct odj_secret *buf = odj_secret_new(mem, 1025);
	if (buf == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	uint8_t *p = odj_secret_data(buf);
	size_t len;
	odj_result r = odj_read_input(ctx, path, "passphrase file", false, true, p, 1025, &len);
	if (r != ODJ_OK) {
		talloc_free(buf);
		return r;
	}
	uint8_t *nl = memchr(p, '\n', len);
	size_t line = nl ? (size_t)(nl - p) : len;
	if (line > 0 && p[line - 1] == '\r')
		line--;
	if (line > 1023 || memchr(p, '\0', line) != NULL)
		r = odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD,
			     "The passphrase in %s is longer than 1023 bytes or holds a NUL byte.", path);
	else if (line < ODJ_BUNDLE_PASSPHRASE_MIN)
		r = odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PASSWORD,
			     "The passphrase in %s is shorter than %d characters.", path,
			     ODJ_BUNDLE_PASSPHRASE_MIN);
	if (r == ODJ_OK && (*out = odj_secret_dup(mem, p, line)) == NULL)
		r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	talloc_free(buf);
	return r;
}
