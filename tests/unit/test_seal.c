/*
 * Signed and sealed blobs: keys, requests, envelopes (libjoin/core/seal_*.c,
 * blob/seal_*.c).  Known answers for both kinds, every hostile case of the
 * format with its own error row, and nothing written by a refusal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include <odj/blob.h>
#include <odj/seal.h>

#include "seal_internal.h"
#include "seal_wire.h"
#include "unit_ctx.h"

#define NOW 1764680400 /* 2025-12-02T13:00:00Z */

struct fx {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	char *dir;
	char *root;
	struct odj_secret *blob; /* a plain blob file */
	struct odj_signing_key *key;
	struct odj_trusted_keys *trusted; /* holds key */
	struct odj_request *request;      /* pending on root */
};

static struct odj_secret *read_vector(TALLOC_CTX *mem, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", getenv("ODJ_TESTDATA"), name);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_secret *s = NULL;
	assert_int_equal(odj_blob_read_file(ctx, mem, path, &s), ODJ_OK);
	return s;
}

/* A signing key from a fixed seed, as odj_signing_key_load would return it. */
static struct odj_signing_key *seeded_key(TALLOC_CTX *mem, uint8_t fill)
{
	struct odj_signing_key *k = talloc_zero(mem, struct odj_signing_key);
	uint8_t seed[32];
	memset(seed, fill, sizeof(seed));
	k->secret = odj_secret_new(k, 64);
	crypto_sign_seed_keypair(k->public_key, odj_secret_data(k->secret), seed);
	odj_keyid_of(k->public_key, k->keyid);
	return k;
}

static int setup(void **state)
{
	struct fx *f = talloc_zero(NULL, struct fx);
	unit_fixture_open(f, &f->mem, &f->ctx, &f->dir, "seal");
	f->root = talloc_asprintf(f->mem, "%s/root", f->dir);
	assert_int_equal(mkdir(f->root, 0755), 0);
	f->blob = read_vector(f->mem, "samba-4.17-net-offlinejoin-ODJCLI01.odj");

	char keypath[128];
	snprintf(keypath, sizeof(keypath), "%s/prov.key", f->dir);
	assert_int_equal(odj_signing_key_generate(f->ctx, keypath, NULL), ODJ_OK);
	assert_int_equal(odj_signing_key_load(f->ctx, f->mem, keypath, &f->key), ODJ_OK);
	char trusted[128], pub[160], link[160];
	snprintf(trusted, sizeof(trusted), "%s/trusted.d", f->dir);
	assert_int_equal(mkdir(trusted, 0755), 0);
	snprintf(pub, sizeof(pub), "%s.pub", keypath);
	snprintf(link, sizeof(link), "%s/prov.pub", trusted);
	assert_int_equal(symlink(pub, link), 0);
	assert_int_equal(odj_trusted_keys_load(f->ctx, f->mem, trusted, &f->trusted), ODJ_OK);
	assert_int_equal(f->trusted->count, 1);

	struct odj_request_create rc = ODJ_REQUEST_CREATE_INIT;
	rc.in.root = f->root;
	rc.in.machine = "ODJCLI01";
	rc.in.now = NOW;
	assert_int_equal(odj_request_create(f->ctx, f->mem, &rc), ODJ_OK);
	f->request = rc.out.request;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	return unit_talloc_teardown(state);
}

static struct odj_secret *seal_for(struct fx *f, const struct odj_request *rq,
				   const struct odj_signing_key *key)
{
	struct odj_envelope_make m = ODJ_ENVELOPE_MAKE_INIT;
	m.in.blob_file = f->blob;
	m.in.key = key;
	m.in.request = rq;
	m.in.now = NOW + 60;
	assert_int_equal(odj_envelope_make(f->ctx, f->mem, &m), ODJ_OK);
	return m.out.file;
}

static odj_result open_on(struct fx *f, const char *root, const uint8_t *file, size_t len,
			  const struct odj_trusted_keys *trusted, int64_t now,
			  struct odj_envelope_open *o)
{
	struct odj_envelope_open init = ODJ_ENVELOPE_OPEN_INIT;
	*o = init;
	o->in.file = file;
	o->in.len = len;
	o->in.name = "test.odj";
	o->in.root = root;
	o->in.trusted = trusted;
	o->in.now = now;
	odj_error_clear(f->ctx);
	return odj_envelope_open(f->ctx, f->mem, o);
}

static odj_status last_status(struct fx *f)
{
	return odj_error_get(f->ctx)->status;
}

static void key_files_and_modes(void **state)
{
	struct fx *f = *state;
	char path[128];
	struct stat st;
	snprintf(path, sizeof(path), "%s/prov.key", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Never over an existing key. */
	assert_int_equal(odj_signing_key_generate(f->ctx, path, NULL), ODJ_E_INPUT);
	assert_int_equal(last_status(f), ODJ_ERROR_FILE_EXISTS);
	/* The .pub names the same key. */
	snprintf(path, sizeof(path), "%s/prov.key.pub", f->dir);
	struct odj_signing_pub *pub;
	assert_int_equal(odj_signing_pub_load(f->ctx, f->mem, path, &pub), ODJ_OK);
	assert_memory_equal(pub->keyid, f->key->keyid, ODJ_KEYID_LEN);
	/* A key id that does not belong to the key is refused. */
	const char *bad = "odj-signing-pub 1\nkeyid 0000000000000000\npublic "
			  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	snprintf(path, sizeof(path), "%s/bad.pub", f->dir);
	FILE *fp = fopen(path, "w");
	fputs(bad, fp);
	fclose(fp);
	assert_int_equal(odj_signing_pub_load(f->ctx, f->mem, path, &pub), ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "keyid"));
	/* The request key: 0600 below var/lib/odj (0700). */
	snprintf(path, sizeof(path), "%s/var/lib/odj/request.key", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/var/lib/odj", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
}

static void request_text_round_trip_and_damage(void **state)
{
	struct fx *f = *state;
	char *text = odj_request_format(f->mem, f->request);
	assert_true(strlen(text) < 400); /* fits a mail, a QR code */
	struct odj_request *back;
	assert_int_equal(odj_request_parse(f->ctx, f->mem, (uint8_t *)text, strlen(text), &back), ODJ_OK);
	assert_memory_equal(back, f->request, sizeof(*back));
	/* CRLF, as a mail client may deliver it. */
	char *crlf = talloc_strdup(f->mem, "");
	for (const char *p = text; *p; p++)
		crlf = *p == '\n' ? talloc_strdup_append(crlf, "\r\n") : talloc_asprintf_append(crlf, "%c", *p);
	assert_int_equal(odj_request_parse(f->ctx, f->mem, (uint8_t *)crlf, strlen(crlf), &back), ODJ_OK);
	/* Any changed character is caught (by the field rules or the check line). */
	size_t n = strlen(text), refused = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			continue;
		char *t = talloc_strdup(f->mem, text);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		if (odj_request_parse(f->ctx, f->mem, (uint8_t *)t, n, &back) == ODJ_E_INPUT)
			refused++;
		talloc_free(t);
	}
	size_t lines = 0;
	for (size_t i = 0; i < n; i++)
		lines += text[i] == '\n';
	assert_int_equal(refused, n - lines);
	/* Missing and repeated fields, a wrong header. */
	const char *cases[] = {
		"odj-request 1\nmachine X\n",
		"odj-request 2\n",
		"odj-request 1\nmachine A\nmachine B\n",
		"",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(odj_request_parse(f->ctx, f->mem, (const uint8_t *)cases[i],
						   strlen(cases[i]), &back),
				 ODJ_E_INPUT);
}

static void sealed_round_trip_once(void **state)
{
	struct fx *f = *state;
	struct odj_secret *env = seal_for(f, f->request, f->key);
	/* Sealed: the password is not in the file in any form. */
	assert_null(memmem(odj_secret_data(env), odj_secret_len(env), odj_secret_data(f->blob) + 2, 40));
	struct odj_envelope_open o;
	assert_int_equal(open_on(f, f->root, odj_secret_data(env), odj_secret_len(env), f->trusted, NOW + 120, &o),
			 ODJ_OK);
	assert_true(o.out.was_envelope);
	assert_int_equal(o.out.kind, ODJ_ENVELOPE_SEALED);
	assert_true(o.out.request_key_used);
	assert_non_null(o.out.signer_path);
	assert_string_equal(o.out.machine, "ODJCLI01");
	assert_true(odj_secret_equal(o.out.blob_file, f->blob));
	/* After the join the key is wiped and removed: the same blob never opens again. */
	assert_int_equal(odj_request_key_remove(f->ctx, f->root), ODJ_OK);
	assert_int_equal(open_on(f, f->root, odj_secret_data(env), odj_secret_len(env), f->trusted, NOW + 120, &o),
			 ODJ_E_CONFIG);
	assert_int_equal(last_status(f), ODJ_NTE_BAD_KEYSET);
}

static void signed_blob_and_trust(void **state)
{
	struct fx *f = *state;
	struct odj_envelope_make m = ODJ_ENVELOPE_MAKE_INIT;
	m.in.blob_file = f->blob;
	m.in.key = f->key;
	m.in.machine = "ODJCLI01";
	m.in.now = NOW;
	assert_int_equal(odj_envelope_make(f->ctx, f->mem, &m), ODJ_OK);
	const uint8_t *e = odj_secret_data(m.out.file);
	size_t el = odj_secret_len(m.out.file);
	struct odj_envelope_open o;
	/* Trusted key: the plain blob comes out, no request key is needed. */
	assert_int_equal(open_on(f, "/nonexistent", e, el, f->trusted, NOW + 1, &o), ODJ_OK);
	assert_true(odj_secret_equal(o.out.blob_file, f->blob));
	assert_false(o.out.request_key_used);
	/* No trusted keys: accepted, the signer reported but not vouched for. */
	struct odj_trusted_keys none = {0};
	assert_int_equal(open_on(f, f->root, e, el, &none, NOW + 1, &o), ODJ_OK);
	assert_null(o.out.signer_path);
	/* Another trusted key only: refused, naming the signer. */
	struct odj_trusted_keys other = {0};
	struct odj_signing_key *k2 = seeded_key(f->mem, 7);
	struct odj_signing_pub p2 = {.path = "other.pub"};
	memcpy(p2.public_key, k2->public_key, 32);
	other.count = 1;
	other.keys = &p2;
	assert_int_equal(open_on(f, f->root, e, el, &other, NOW + 1, &o), ODJ_E_INPUT);
	assert_int_equal(last_status(f), ODJ_TRUST_E_SUBJECT_NOT_TRUSTED);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, o.out.signer));
	/* Expired. */
	assert_int_equal(open_on(f, f->root, e, el, f->trusted, NOW + 31 * 86400, &o), ODJ_E_INPUT);
	assert_int_equal(last_status(f), ODJ_CERT_E_EXPIRED);
}

static void plain_blob_needs_signature_when_keys_are_trusted(void **state)
{
	struct fx *f = *state;
	struct odj_envelope_open o;
	assert_int_equal(open_on(f, f->root, odj_secret_data(f->blob), odj_secret_len(f->blob), f->trusted, NOW, &o),
			 ODJ_E_INPUT);
	assert_int_equal(last_status(f), ODJ_TRUST_E_NOSIGNATURE);
	struct odj_trusted_keys none = {0};
	assert_int_equal(open_on(f, f->root, odj_secret_data(f->blob), odj_secret_len(f->blob), &none, NOW, &o),
			 ODJ_OK);
	assert_false(o.out.was_envelope);
}

static void wrong_request_key_and_other_machine(void **state)
{
	struct fx *f = *state;
	/* A second root with its own request: the first root's blob does not open there. */
	char root2[128];
	snprintf(root2, sizeof(root2), "%s/root2", f->dir);
	assert_int_equal(mkdir(root2, 0755), 0);
	struct odj_request_create rc = ODJ_REQUEST_CREATE_INIT;
	rc.in.root = root2;
	rc.in.machine = "ODJCLI01";
	rc.in.now = NOW;
	assert_int_equal(odj_request_create(f->ctx, f->mem, &rc), ODJ_OK);
	struct odj_secret *env = seal_for(f, f->request, f->key);
	struct odj_envelope_open o;
	assert_int_equal(open_on(f, root2, odj_secret_data(env), odj_secret_len(env), f->trusted, NOW + 120, &o),
			 ODJ_E_INPUT);
	assert_int_equal(last_status(f), ODJ_ERROR_DECRYPTION_FAILED);
	/* A signer who seals to the right key under another machine's name is caught too. */
	struct odj_request other = *f->request;
	snprintf(other.machine, sizeof(other.machine), "OTHER01");
	env = seal_for(f, &other, f->key);
	assert_int_equal(open_on(f, f->root, odj_secret_data(env), odj_secret_len(env), f->trusted, NOW + 120, &o),
			 ODJ_E_INPUT);
	assert_int_equal(last_status(f), ODJ_NERR_BadOfflineJoinInfo);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "OTHER01"));
	/* The refusals left the pending request in place. */
	char path[160];
	snprintf(path, sizeof(path), "%s/var/lib/odj/request.key", f->root);
	assert_int_equal(access(path, F_OK), 0);
}

/* Re-armors binary bytes as odj_envelope_armor would. */
static struct odj_secret *rearmor(TALLOC_CTX *mem, const uint8_t *bin, size_t len)
{
	return odj_envelope_armor(mem, ODJ_ENVELOPE_SEALED, bin, len);
}

static void every_flipped_byte_and_every_truncation_is_refused(void **state)
{
	struct fx *f = *state;
	struct odj_secret *env = seal_for(f, f->request, f->key);
	struct odj_envelope *dec;
	assert_int_equal(odj_envelope_decode(f->ctx, f->mem, odj_secret_data(env), odj_secret_len(env), &dec),
			 ODJ_OK);
	size_t n = dec->len, refused = 0, digest = 0;
	uint8_t *copy = talloc_memdup(f->mem, dec->bytes, n);
	struct odj_envelope_open o;
	for (size_t i = 0; i < n; i++) {
		copy[i] ^= 0x01;
		struct odj_secret *t = rearmor(f->mem, copy, n);
		odj_result r = open_on(f, f->root, odj_secret_data(t), odj_secret_len(t), f->trusted, NOW + 120, &o);
		copy[i] ^= 0x01;
		talloc_free(t);
		if (r != ODJ_OK)
			refused++;
		if (r != ODJ_OK && last_status(f) == ODJ_TRUST_E_BAD_DIGEST)
			digest++;
		assert_null(o.out.blob_file);
	}
	assert_int_equal(refused, n);
	/* Flips that keep the layout valid are caught by the signature. */
	assert_true(digest > n / 2);
	size_t cut = 0;
	for (size_t l = 0; l < n; l++) {
		struct odj_secret *t = rearmor(f->mem, copy, l);
		odj_result r = open_on(f, f->root, odj_secret_data(t), odj_secret_len(t), f->trusted, NOW + 120, &o);
		talloc_free(t);
		if (r == ODJ_E_INPUT && last_status(f) == ODJ_NERR_BadOfflineJoinInfo)
			cut++;
	}
	assert_int_equal(cut, n);
	/* The armored text cut at every length. */
	size_t tl = odj_secret_len(env), cut_text = 0;
	for (size_t l = 0; l < tl; l++) {
		if (open_on(f, f->root, odj_secret_data(env), l, f->trusted, NOW + 120, &o) != ODJ_OK)
			cut_text++;
	}
	/* Only the final newline may go. */
	assert_int_equal(cut_text, tl - 1);
	/* One byte appended after the signature. */
	uint8_t *longer = talloc_size(f->mem, n + 1);
	memcpy(longer, dec->bytes, n);
	longer[n] = 0;
	struct odj_secret *t = rearmor(f->mem, longer, n + 1);
	assert_int_equal(open_on(f, f->root, odj_secret_data(t), odj_secret_len(t), f->trusted, NOW + 120, &o),
			 ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(f->ctx)->detail, "signature"));
}

/* Known answers: fixed keys, nonces and times give these exact files. */
static void known_answers(void **state)
{
	struct fx *f = *state;
	struct odj_signing_key *k = seeded_key(f->mem, 0x11);
	/* The request key of the vector: X25519 from a fixed seed. */
	uint8_t seed[32], rsk[32];
	memset(seed, 0x22, sizeof(seed));
	struct odj_request rq = {0};
	snprintf(rq.machine, sizeof(rq.machine), "ODJCLI01");
	crypto_box_seed_keypair(rq.public_key, rsk, seed);
	odj_keyid_of(rq.public_key, rq.keyid);
	memset(rq.nonce, 0x33, sizeof(rq.nonce));
	rq.created = NOW;
	rq.expires = NOW + 30 * 86400;
	uint8_t eph_seed[32], aead_nonce[24];
	memset(eph_seed, 0x44, sizeof(eph_seed));
	memset(aead_nonce, 0x55, sizeof(aead_nonce));

	struct odj_envelope_make m = ODJ_ENVELOPE_MAKE_INIT;
	m.in.blob_file = f->blob;
	m.in.key = k;
	m.in.request = &rq;
	m.in.now = NOW;
	m.in.test_ephemeral_seed = eph_seed;
	m.in.test_aead_nonce = aead_nonce;
	assert_int_equal(odj_envelope_make(f->ctx, f->mem, &m), ODJ_OK);
	struct odj_envelope_make s = ODJ_ENVELOPE_MAKE_INIT;
	s.in.blob_file = f->blob;
	s.in.key = k;
	s.in.machine = "ODJCLI01";
	s.in.now = NOW;
	assert_int_equal(odj_envelope_make(f->ctx, f->mem, &s), ODJ_OK);

	const struct {
		const char *name;
		struct odj_secret *made;
	} v[] = {{"sealed-ODJCLI01.odj-sealed", m.out.file}, {"signed-ODJCLI01.odj-signed", s.out.file}};
	for (size_t i = 0; i < 2; i++) {
		const char *write_dir = getenv("ODJ_WRITE_VECTORS");
		if (write_dir != NULL) {
			char path[512];
			snprintf(path, sizeof(path), "%s/%s", write_dir, v[i].name);
			FILE *fp = fopen(path, "w");
			fwrite(odj_secret_data(v[i].made), 1, odj_secret_len(v[i].made), fp);
			fclose(fp);
		}
		struct odj_secret *want = read_vector(f->mem, v[i].name);
		assert_int_equal(odj_secret_len(want), odj_secret_len(v[i].made));
		assert_memory_equal(odj_secret_data(want), odj_secret_data(v[i].made), odj_secret_len(want));
		/* Checked without odj's decoder: the signature is the last 64 bytes of the binary. */
		struct odj_envelope *d;
		assert_int_equal(odj_envelope_decode(f->ctx, f->mem, odj_secret_data(want), odj_secret_len(want), &d),
				 ODJ_OK);
		assert_int_equal(crypto_sign_verify_detached(d->bytes + d->len - 64, d->bytes, d->len - 64,
							     k->public_key),
				 0);
		assert_memory_equal(d->bytes, "ODJENV\x01", 7);
	}
	/* The sealed vector opens with the vector's request key, written as odj writes it. */
	char root3[128], path[192];
	snprintf(root3, sizeof(root3), "%s/root3/var/lib/odj", f->dir);
	assert_int_equal(system(talloc_asprintf(f->mem, "mkdir -p %s && chmod 700 %s", root3, root3)), 0);
	snprintf(path, sizeof(path), "%s/request.key", root3);
	FILE *fp = fopen(path, "w");
	fprintf(fp, "odj-request-key 1\nmachine ODJCLI01\nnonce %s\ncreated %s\nexpires %s\nsecret %s\n",
		odj_kv_b64_format(f->mem, rq.nonce, 16), odj_kv_time_format(f->mem, rq.created),
		odj_kv_time_format(f->mem, rq.expires), odj_kv_b64_format(f->mem, rsk, 32));
	fclose(fp);
	chmod(path, 0600);
	struct odj_trusted_keys t = {0};
	struct odj_signing_pub p = {.path = "vector.pub"};
	memcpy(p.public_key, k->public_key, 32);
	t.count = 1;
	t.keys = &p;
	snprintf(root3, sizeof(root3), "%s/root3", f->dir);
	struct odj_envelope_open o;
	assert_int_equal(open_on(f, root3, odj_secret_data(m.out.file), odj_secret_len(m.out.file), &t, NOW + 1, &o),
			 ODJ_OK);
	assert_true(odj_secret_equal(o.out.blob_file, f->blob));
	/* A request key readable by others is not used. */
	chmod(path, 0644);
	assert_int_equal(open_on(f, root3, odj_secret_data(m.out.file), odj_secret_len(m.out.file), &t, NOW + 1, &o),
			 ODJ_E_CONFIG);
	assert_int_equal(last_status(f), ODJ_ERROR_ACCESS_DENIED);
}

UNIT_MAIN(
	FIXTURE_TEST(key_files_and_modes),
	FIXTURE_TEST(request_text_round_trip_and_damage),
	FIXTURE_TEST(sealed_round_trip_once),
	FIXTURE_TEST(signed_blob_and_trust),
	FIXTURE_TEST(plain_blob_needs_signature_when_keys_are_trusted),
	FIXTURE_TEST(wrong_request_key_and_other_machine),
	FIXTURE_TEST(every_flipped_byte_and_every_truncation_is_refused),
	FIXTURE_TEST(known_answers),
)
