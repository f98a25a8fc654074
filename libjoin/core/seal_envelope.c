/*
 * Making and opening envelopes.  Sealing: an ephemeral X25519 key agrees a
 * key with the request's public key; XChaCha20-Poly1305 encrypts the blob
 * file with everything before the payload (kind, keys, the request's nonce,
 * times, machine name) as associated data; Ed25519 signs the whole.
 * Opening checks in the order that gives the most precise error: the
 * layout, the signature, trust, expiry, then the request key.
 */
#include <string.h>

#include <sodium.h>

#include <odj/blob.h>
#include <odj/seal.h>

#include "seal_internal.h"
#include "seal_wire.h"

static odj_result no_memory(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int odj_seal_derive_key(uint8_t key[32], const uint8_t shared[32], const uint8_t eph_pk[32],
			const uint8_t recipient_pk[32])
{
	static const char domain[] = "odj-seal-v1";
	crypto_generichash_state st;
	if (crypto_generichash_init(&st, NULL, 0, 32) != 0)
		return -1;
	crypto_generichash_update(&st, (const uint8_t *)domain, sizeof(domain) - 1);
	crypto_generichash_update(&st, shared, 32);
	crypto_generichash_update(&st, eph_pk, 32);
	crypto_generichash_update(&st, recipient_pk, 32);
	int rc = crypto_generichash_final(&st, key, 32);
	sodium_memzero(&st, sizeof(st));
	return rc;
}

odj_result odj_envelope_make(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_envelope_make *req)
{
	odj_result ready = odj_seal_begin(ctx, __func__, req->version, ODJ_ENVELOPE_MAKE_VERSION);
	if (ready != ODJ_OK)
		return ready;
	const struct odj_request *rq = req->in.request;
	const char *machine = rq ? rq->machine : req->in.machine;
	if (req->in.blob_file == NULL || req->in.key == NULL || machine == NULL ||
	    !odj_seal_machine_valid(machine))
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"odj_envelope_make: a blob, a key and a valid machine name are needed");
	size_t blob_len = odj_secret_len(req->in.blob_file);
	if (blob_len == 0 || blob_len + ODJ_SEAL_TAG_LEN > ODJ_SEAL_PAYLOAD_MAX)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
				"The blob (%zu bytes) cannot go into an envelope (at most %u).", blob_len,
				ODJ_SEAL_PAYLOAD_MAX - ODJ_SEAL_TAG_LEN);
	int64_t now = odj_seal_now(req->in.now);
	odj_doing(ctx, "%s the blob for %s", rq ? "sealing" : "signing", machine);

	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_envelope env = {0};
	env.kind = rq ? ODJ_ENVELOPE_SEALED : ODJ_ENVELOPE_SIGNED;
	memcpy(env.signer_key, req->in.key->public_key, 32);
	snprintf(env.machine, sizeof(env.machine), "%s", machine);
	env.created = now;
	if (rq) {
		if (rq->expires <= now) {
			talloc_free(tmp);
			odj_fail(ctx, ODJ_E_INPUT, ODJ_CERT_E_EXPIRED,
				 "The request for %s expired; a blob sealed to it could never be applied.",
				 rq->machine);
			odj_error_advice(ctx, "Ask the target for a new request (odj-apply --request).");
			return ODJ_E_INPUT;
		}
		env.expires = rq->expires;
		memcpy(env.recipient_keyid, rq->keyid, ODJ_KEYID_LEN);
		memcpy(env.nonce, rq->nonce, ODJ_SEAL_NONCE_LEN);
	} else {
		env.expires = now + (int64_t)(req->in.valid_days ? req->in.valid_days : 30) * 86400;
	}

	struct odj_secret *payload = odj_secret_new(tmp, blob_len + (rq ? ODJ_SEAL_TAG_LEN : 0));
	if (payload == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	env.payload = odj_secret_data(payload);
	env.payload_len = odj_secret_len(payload);
	uint8_t aead_key[32];
	if (rq) {
		uint8_t eph_sk[32], shared[32];
		if (req->in.test_ephemeral_seed != NULL)
			crypto_box_seed_keypair(env.ephemeral_key, eph_sk, req->in.test_ephemeral_seed);
		else
			crypto_box_keypair(env.ephemeral_key, eph_sk);
		if (req->in.test_aead_nonce != NULL)
			memcpy(env.aead_nonce, req->in.test_aead_nonce, sizeof(env.aead_nonce));
		else
			randombytes_buf(env.aead_nonce, sizeof(env.aead_nonce));
		int rc = crypto_scalarmult(shared, eph_sk, rq->public_key);
		if (rc == 0)
			rc = odj_seal_derive_key(aead_key, shared, env.ephemeral_key, rq->public_key);
		sodium_memzero(eph_sk, sizeof(eph_sk));
		sodium_memzero(shared, sizeof(shared));
		if (rc != 0) {
			talloc_free(tmp);
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
					"The request's public key is not usable (a low-order point).");
		}
	}
	/* Encode with the payload's final length; the AEAD writes into it afterwards. */
	size_t un_len;
	uint8_t *un = odj_envelope_encode_unsigned(tmp, &env, &un_len);
	if (un == NULL) {
		sodium_memzero(aead_key, sizeof(aead_key));
		talloc_free(tmp);
		return no_memory(ctx);
	}
	size_t hdr = odj_envelope_header_len(&env);
	if (rq) {
		unsigned long long clen = 0;
		crypto_aead_xchacha20poly1305_ietf_encrypt(un + hdr, &clen, odj_secret_data(req->in.blob_file),
							   blob_len, un, hdr, NULL, env.aead_nonce, aead_key);
		sodium_memzero(aead_key, sizeof(aead_key));
	} else {
		memcpy(un + hdr, odj_secret_data(req->in.blob_file), blob_len);
		odj_wipe_on_free(un);
	}
	struct odj_secret *signed_bin = odj_secret_new(tmp, un_len + crypto_sign_BYTES);
	if (signed_bin == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	memcpy(odj_secret_data(signed_bin), un, un_len);
	crypto_sign_detached(odj_secret_data(signed_bin) + un_len, NULL, un, un_len,
			     odj_secret_data(req->in.key->secret));
	req->out.file = odj_envelope_armor(mem, env.kind, odj_secret_data(signed_bin),
					   odj_secret_len(signed_bin));
	talloc_free(tmp);
	return req->out.file ? ODJ_OK : no_memory(ctx);
}

static const struct odj_signing_pub *trusted_match(const struct odj_trusted_keys *t,
						   const uint8_t pk[32])
{
	for (size_t i = 0; t != NULL && i < t->count; i++) {
		if (sodium_memcmp(t->keys[i].public_key, pk, 32) == 0)
			return &t->keys[i];
	}
	return NULL;
}

odj_result odj_envelope_open(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_envelope_open *req)
{
	odj_result ready = odj_seal_begin(ctx, __func__, req->version, ODJ_ENVELOPE_OPEN_VERSION);
	if (ready != ODJ_OK)
		return ready;
	const char *name = req->in.name ? req->in.name : "the blob";
	const struct odj_trusted_keys *trusted = req->in.trusted;
	size_t ntrusted = trusted ? trusted->count : 0;
	const char *dir = trusted && trusted->dir ? trusted->dir : "etc/odj/trusted.d";
	int64_t now = odj_seal_now(req->in.now);
	odj_doing(ctx, "checking the signature and seal of %s", name);

	if (!odj_envelope_detect(req->in.file, req->in.len)) {
		if (ntrusted > 0) {
			odj_fail(ctx, ODJ_E_INPUT, ODJ_TRUST_E_NOSIGNATURE,
				 "%s is not signed, and this target accepts only blobs signed by one of the "
				 "%zu keys in %s.", name, ntrusted, dir);
			odj_error_advice(ctx, "Provision it again with odj-prepare --signing-key (and --for "
					      "REQUEST to seal it), or remove the keys from %s to accept unsigned "
					      "blobs.", dir);
			return ODJ_E_INPUT;
		}
		req->out.blob_file = odj_secret_dup(mem, req->in.file, req->in.len);
		return req->out.blob_file ? ODJ_OK : no_memory(ctx);
	}

	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_envelope *env;
	odj_result r = odj_envelope_decode(ctx, tmp, req->in.file, req->in.len, &env);
	if (r != ODJ_OK) {
		talloc_free(tmp);
		return r;
	}
	req->out.was_envelope = true;
	req->out.kind = env->kind;
	req->out.expires = env->expires;
	snprintf(req->out.machine, sizeof(req->out.machine), "%s", env->machine);
	sodium_bin2hex(req->out.signer, sizeof(req->out.signer), env->signer_keyid, ODJ_KEYID_LEN);
	if (crypto_sign_verify_detached(env->signature, env->signed_part, env->signed_len,
					env->signer_key) != 0) {
		talloc_free(tmp);
		odj_fail(ctx, ODJ_E_INPUT, ODJ_TRUST_E_BAD_DIGEST,
			 "The signature of %s does not verify: the file was changed after it was signed.",
			 name);
		odj_error_detail(ctx, "signer key id %s", req->out.signer);
		odj_error_advice(ctx, "Copy the blob again from where odj-prepare wrote it, in binary mode; "
				      "if it still fails, do not use it: it has been tampered with.");
		return ODJ_E_INPUT;
	}
	const struct odj_signing_pub *by = trusted_match(trusted, env->signer_key);
	if (ntrusted > 0 && by == NULL) {
		r = odj_fail(ctx, ODJ_E_INPUT, ODJ_TRUST_E_SUBJECT_NOT_TRUSTED,
			     "%s is signed by key %s, which is not one of the trusted keys of this target.",
			     name, req->out.signer);
		odj_error_detail(ctx, "trusted keys: %zu in %s", ntrusted, dir);
		odj_error_advice(ctx, "If the signer is yours, install its .pub file in %s; otherwise the "
				      "blob was made by someone else: do not apply it.", dir);
		talloc_free(tmp);
		return r;
	}
	req->out.signer_path = by ? talloc_strdup(mem, by->path) : NULL;
	if (now > env->expires) {
		char *when = odj_kv_time_format(tmp, env->expires);
		odj_fail(ctx, ODJ_E_INPUT, ODJ_CERT_E_EXPIRED, "%s expired at %s.", name,
			 when ? when : "?");
		odj_error_advice(ctx, "Provision the machine again (odj-prepare --reuse) for a fresh blob; "
				      "check this system's clock if the date looks wrong.");
		talloc_free(tmp);
		return ODJ_E_INPUT;
	}
	if (env->kind == ODJ_ENVELOPE_SIGNED) {
		req->out.blob_file = odj_secret_dup(mem, env->payload, env->payload_len);
		talloc_free(tmp);
		return req->out.blob_file ? ODJ_OK : no_memory(ctx);
	}

	struct odj_pending_request *pending;
	r = odj_pending_request_load(ctx, tmp, req->in.root ? req->in.root : "/", &pending);
	if (r != ODJ_OK) {
		talloc_free(tmp);
		return r;
	}
	if (memcmp(pending->request.keyid, env->recipient_keyid, ODJ_KEYID_LEN) != 0) {
		char *want = odj_keyid_hex(tmp, env->recipient_keyid);
		char *have = odj_keyid_hex(tmp, pending->request.keyid);
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_DECRYPTION_FAILED,
			 "%s is sealed to request key %s, but this root's pending request has key %s.", name,
			 want ? want : "?", have ? have : "?");
		odj_error_advice(ctx, "It was made for another request (an older one, or another machine's). "
				      "Provision again with odj-prepare --for and this root's current request.");
		talloc_free(tmp);
		return ODJ_E_INPUT;
	}
	if (strcmp(pending->request.machine, env->machine) != 0 ||
	    sodium_memcmp(pending->request.nonce, env->nonce, ODJ_SEAL_NONCE_LEN) != 0) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
			 "%s is sealed for machine %s, but this root's pending request is for %s (or its "
			 "nonce differs).", name, env->machine, pending->request.machine);
		talloc_free(tmp);
		return ODJ_E_INPUT;
	}
	uint8_t shared[32], key[32];
	int rc = crypto_scalarmult(shared, odj_secret_data(pending->secret), env->ephemeral_key);
	if (rc == 0)
		rc = odj_seal_derive_key(key, shared, env->ephemeral_key, pending->request.public_key);
	sodium_memzero(shared, sizeof(shared));
	size_t hdr = odj_envelope_header_len(env);
	struct odj_secret *plain = odj_secret_new(mem, env->payload_len - ODJ_SEAL_TAG_LEN);
	unsigned long long plen = 0;
	if (rc == 0 && plain != NULL)
		rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
			odj_secret_data(plain), &plen, NULL, env->payload, env->payload_len, env->signed_part,
			hdr, env->aead_nonce, key);
	sodium_memzero(key, sizeof(key));
	if (plain == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	if (rc != 0) {
		talloc_free(plain);
		talloc_free(tmp);
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_DECRYPTION_FAILED,
			 "%s does not open with this root's request key.", name);
		odj_error_advice(ctx, "The envelope verifies but its ciphertext does not: it was not made "
				      "by odj-prepare for this request. Do not use it.");
		return ODJ_E_INPUT;
	}
	req->out.blob_file = plain;
	req->out.request_key_used = true;
	talloc_free(tmp);
	return ODJ_OK;
}
