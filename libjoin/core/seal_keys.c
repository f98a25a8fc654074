/*
 * Keys of signed and sealed blobs: provisioning signing keys (Ed25519) and
 * the target's request keys (X25519).  Secret halves live in odj_secrets;
 * the files that hold them are written 0600 from the first byte.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include <odj/seal.h>

#include "seal_internal.h"
#include "seal_wire.h"

static odj_result no_memory(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

odj_result odj_seal_ready(struct odj_ctx *ctx)
{
	if (sodium_init() < 0)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
				"libsodium could not be initialised");
	return ODJ_OK;
}

odj_result odj_seal_begin(struct odj_ctx *ctx, const char *what, unsigned version,
			  unsigned current)
{
	odj_result r = odj_version_check(ctx, what, version, current);
	return r == ODJ_OK ? odj_seal_ready(ctx) : r;
}

void *odj_keep_if_ok(odj_result r, void *obj)
{
	if (r == ODJ_OK)
		return obj;
	talloc_free(obj);
	return NULL;
}

char *odj_keyid_hex(TALLOC_CTX *mem, const uint8_t keyid[ODJ_KEYID_LEN])
{
	char hex[2 * ODJ_KEYID_LEN + 1];
	sodium_bin2hex(hex, sizeof(hex), keyid, ODJ_KEYID_LEN);
	return talloc_strdup(mem, hex);
}

/* Reads a small text file whole (keys and requests are at most 4 KiB). */
static odj_result read_small(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			     const char *what, struct odj_secret **out)
{
	*out = NULL;
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		odj_fail(ctx, e == ENOENT ? ODJ_E_INPUT : ODJ_E_CONFIG,
			 e == ENOENT ? ODJ_ERROR_FILE_NOT_FOUND : ODJ_ERROR_ACCESS_DENIED,
			 "cannot open the %s %s: %s", what, path, strerror(e));
		odj_error_source(ctx, ODJ_SRC_ERRNO, e);
		return e == ENOENT ? ODJ_E_INPUT : ODJ_E_CONFIG;
	}
	struct odj_secret *buf = odj_secret_new(mem, 4097);
	size_t len = 0;
	if (buf == NULL) {
		if (fd != STDIN_FILENO)
			close(fd);
		return no_memory(ctx);
	}
	for (;;) {
		ssize_t n = read(fd, odj_secret_data(buf) + len, 4097 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			if (fd != STDIN_FILENO)
				close(fd);
			talloc_free(buf);
			odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_READ_FAULT, "cannot read the %s %s: %s",
				 what, path, strerror(e));
			return ODJ_E_CONFIG;
		}
		if (n == 0 || (len += (size_t)n) == 4097)
			break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	struct odj_secret *exact = odj_secret_dup(mem, odj_secret_data(buf), len);
	talloc_free(buf);
	if (exact == NULL)
		return no_memory(ctx);
	*out = exact;
	return ODJ_OK;
}

/* Reads the key file path (what: "signing key", ...) on tmp and parses its lines into f. */
static odj_result read_key_file(struct odj_ctx *ctx, TALLOC_CTX *tmp, const char *path,
				const char *what, const char *header, struct odj_kv_field *f,
				size_t n)
{
	odj_doing(ctx, "reading the %s %s", what, path);
	struct odj_secret *text;
	odj_result r = read_small(ctx, tmp, path, what, &text);
	char *title = talloc_asprintf(tmp, "The %s %s", what, path);
	if (r == ODJ_OK)
		r = odj_kv_parse(ctx, tmp, title, odj_secret_data(text), odj_secret_len(text), header,
				 f, n);
	return r;
}

/* Writes data to path, which must not exist yet, with mode, then syncs it. */
static odj_result write_new(struct odj_ctx *ctx, const char *path, mode_t mode, const char *data,
			    size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		int e = errno;
		odj_fail(ctx, e == EEXIST ? ODJ_E_INPUT : ODJ_E_CONFIG,
			 e == EEXIST ? ODJ_ERROR_FILE_EXISTS : ODJ_ERROR_ACCESS_DENIED,
			 "cannot create %s: %s", path, strerror(e));
		odj_error_source(ctx, ODJ_SRC_ERRNO, e);
		if (e == EEXIST)
			odj_error_advice(ctx, "odj never overwrites a key: choose another file name, "
					      "or remove the old key first if it is no longer used.");
		return e == EEXIST ? ODJ_E_INPUT : ODJ_E_CONFIG;
	}
	bool ok = fchmod(fd, mode) == 0;
	size_t at = 0;
	while (ok && at < len) {
		ssize_t n = write(fd, data + at, len - at);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		if (ok)
			at += (size_t)n;
	}
	ok = ok && fsync(fd) == 0;
	int e = errno;
	close(fd);
	if (!ok) {
		unlink(path);
		odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_WRITE_FAULT, "cannot write %s: %s", path, strerror(e));
		return ODJ_E_CONFIG;
	}
	return ODJ_OK;
}

odj_result odj_signing_key_generate(struct odj_ctx *ctx, const char *path,
				    uint8_t keyid_out[ODJ_KEYID_LEN])
{
	odj_result r = odj_seal_ready(ctx);
	if (r != ODJ_OK)
		return r;
	odj_doing(ctx, "making the signing key %s", path);
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_secret *sk = odj_secret_new(tmp, crypto_sign_SECRETKEYBYTES);
	char *pub_path = talloc_asprintf(tmp, "%s.pub", path);
	if (sk == NULL || pub_path == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], keyid[ODJ_KEYID_LEN];
	crypto_sign_keypair(pk, odj_secret_data(sk));
	odj_keyid_of(pk, keyid);
	char *hex = odj_keyid_hex(tmp, keyid);
	char *sk_b64 = odj_kv_b64_format(tmp, odj_secret_data(sk), crypto_sign_SECRETKEYBYTES);
	char *pk_b64 = odj_kv_b64_format(tmp, pk, sizeof(pk));
	if (hex == NULL || sk_b64 == NULL || pk_b64 == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	odj_wipe_on_free(sk_b64);
	char *secret_text = talloc_asprintf(tmp, "odj-signing-key 1\nkeyid %s\nsecret %s\n", hex, sk_b64);
	char *pub_text = talloc_asprintf(tmp, "odj-signing-pub 1\nkeyid %s\npublic %s\n", hex, pk_b64);
	if (secret_text == NULL || pub_text == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	odj_wipe_on_free(secret_text);
	/* The public half first: a failure then leaves no secret behind. */
	r = write_new(ctx, pub_path, 0644, pub_text, strlen(pub_text));
	if (r == ODJ_OK) {
		r = write_new(ctx, path, 0600, secret_text, strlen(secret_text));
		if (r != ODJ_OK)
			unlink(pub_path);
	}
	if (r == ODJ_OK && keyid_out != NULL)
		memcpy(keyid_out, keyid, ODJ_KEYID_LEN);
	talloc_free(tmp);
	return r;
}

static odj_result key_mismatch(struct odj_ctx *ctx, const char *what, const char *path)
{
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
		 "The %s %s is not valid: its keyid line does not belong to its key.", what, path);
	odj_error_advice(ctx, "The file was edited or two files were mixed up; use the files as "
			      "odj-prepare --new-signing-key wrote them.");
	return ODJ_E_INPUT;
}

odj_result odj_signing_key_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
				struct odj_signing_key **out)
{
	*out = NULL;
	odj_result r = odj_seal_ready(ctx);
	if (r != ODJ_OK)
		return r;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_kv_field f[] = {{"keyid", NULL}, {"secret", NULL}};
	r = read_key_file(ctx, tmp, path, "signing key", "odj-signing-key 1", f, 2);
	struct odj_signing_key *key = talloc_zero(mem, struct odj_signing_key);
	if (r == ODJ_OK && key == NULL)
		r = no_memory(ctx);
	if (r == ODJ_OK && (key->secret = odj_secret_new(key, crypto_sign_SECRETKEYBYTES)) == NULL)
		r = no_memory(ctx);
	uint8_t keyid[ODJ_KEYID_LEN];
	if (r == ODJ_OK && (!odj_kv_b64(f[1].value, odj_secret_data(key->secret), crypto_sign_SECRETKEYBYTES) ||
			    !odj_kv_hex(f[0].value, keyid, ODJ_KEYID_LEN))) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
			 "The signing key %s is not valid: a value is not what it should be.", path);
		r = ODJ_E_INPUT;
	}
	if (r == ODJ_OK) {
		/* The public key is the secret key's second half; check it is its own. */
		uint8_t seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES];
		uint8_t sk2[crypto_sign_SECRETKEYBYTES];
		crypto_sign_ed25519_sk_to_seed(seed, odj_secret_data(key->secret));
		crypto_sign_seed_keypair(pk, sk2, seed);
		bool same = sodium_memcmp(sk2, odj_secret_data(key->secret), sizeof(sk2)) == 0;
		sodium_memzero(seed, sizeof(seed));
		sodium_memzero(sk2, sizeof(sk2));
		memcpy(key->public_key, pk, sizeof(pk));
		odj_keyid_of(pk, key->keyid);
		if (!same || memcmp(keyid, key->keyid, ODJ_KEYID_LEN) != 0)
			r = key_mismatch(ctx, "signing key", path);
	}
	talloc_free(tmp);
	*out = odj_keep_if_ok(r, key);
	return r;
}

odj_result odj_signing_pub_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
				struct odj_signing_pub **out)
{
	*out = NULL;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_kv_field f[] = {{"keyid", NULL}, {"public", NULL}};
	odj_result r = read_key_file(ctx, tmp, path, "public signing key", "odj-signing-pub 1", f, 2);
	struct odj_signing_pub *pub = talloc_zero(mem, struct odj_signing_pub);
	uint8_t keyid[ODJ_KEYID_LEN];
	if (r == ODJ_OK && pub == NULL)
		r = no_memory(ctx);
	if (r == ODJ_OK && (!odj_kv_b64(f[1].value, pub->public_key, 32) ||
			    !odj_kv_hex(f[0].value, keyid, ODJ_KEYID_LEN))) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
			 "The public signing key %s is not valid: a value is not what it should be.", path);
		r = ODJ_E_INPUT;
	}
	if (r == ODJ_OK) {
		odj_keyid_of(pub->public_key, pub->keyid);
		if (memcmp(keyid, pub->keyid, ODJ_KEYID_LEN) != 0)
			r = key_mismatch(ctx, "public signing key", path);
	}
	if (r == ODJ_OK && (pub->path = talloc_strdup(pub, path)) == NULL)
		r = no_memory(ctx);
	talloc_free(tmp);
	*out = odj_keep_if_ok(r, pub);
	return r;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

odj_result odj_trusted_keys_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *dir,
				 struct odj_trusted_keys **out)
{
	*out = NULL;
	struct odj_trusted_keys *t = talloc_zero(mem, struct odj_trusted_keys);
	if (t == NULL || (t->dir = talloc_strdup(t, dir)) == NULL)
		return no_memory(ctx);
	odj_doing(ctx, "reading the trusted signing keys in %s", dir);
	DIR *d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT) {
			*out = t;
			return ODJ_OK;
		}
		int e = errno;
		talloc_free(t);
		odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED, "cannot read %s: %s", dir, strerror(e));
		odj_error_source(ctx, ODJ_SRC_ERRNO, e);
		return ODJ_E_CONFIG;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 5 || de->d_name[0] == '.' || strcmp(de->d_name + l - 4, ".pub") != 0)
			continue;
		char **grown = talloc_realloc(t, names, char *, n + 1);
		if (grown == NULL || (grown[n] = talloc_strdup(grown, de->d_name)) == NULL) {
			closedir(d);
			talloc_free(t);
			return no_memory(ctx);
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	t->keys = talloc_zero_array(t, struct odj_signing_pub, n ? n : 1);
	if (t->keys == NULL) {
		talloc_free(t);
		return no_memory(ctx);
	}
	for (size_t i = 0; i < n; i++) {
		char *p = talloc_asprintf(t, "%s/%s", dir, names[i]);
		struct odj_signing_pub *pub;
		odj_result r = p ? odj_signing_pub_load(ctx, t, p, &pub) : no_memory(ctx);
		if (r != ODJ_OK) {
			talloc_free(t);
			odj_error_advice(ctx, "Every *.pub file in the trusted keys directory must be a public "
					      "signing key written by odj-prepare --new-signing-key.");
			return r;
		}
		t->keys[t->count++] = *pub;
		talloc_steal(t->keys, pub->path);
	}
	*out = t;
	return ODJ_OK;
}
