/*
 * The envelope's binary layout and armor (blob/FORMAT.md "Envelopes").
 * One place defines the layout: the encoder and the decoder below.  The
 * decoder checks every length against what remains before it reads, and
 * refuses anything after the signature.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "seal_wire.h"

static const char armor_sealed_begin[] = "-----BEGIN ODJ SEALED BLOB-----";
static const char armor_sealed_end[] = "-----END ODJ SEALED BLOB-----";
static const char armor_signed_begin[] = "-----BEGIN ODJ SIGNED BLOB-----";
static const char armor_signed_end[] = "-----END ODJ SIGNED BLOB-----";

void odj_le64_put(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t odj_le64_get(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

bool odj_portable_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void odj_keyid_of(const uint8_t public_key[32], uint8_t keyid[ODJ_KEYID_LEN])
{
	static const char domain[] = "odj-keyid-v1";
	uint8_t h[32];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)domain, sizeof(domain) - 1);
	crypto_generichash_update(&st, public_key, 32);
	crypto_generichash_final(&st, h, sizeof(h));
	memcpy(keyid, h, ODJ_KEYID_LEN);
}

bool odj_seal_machine_valid(const char *name)
{
	size_t n = strlen(name);
	return n > 0 && n <= ODJ_SEAL_MACHINE_MAX && odj_portable_chars(name, n);
}

size_t odj_envelope_header_len(const struct odj_envelope *env)
{
	size_t n = ODJ_ENV_FIXED + strlen(env->machine);
	if (env->kind == ODJ_ENVELOPE_SEALED)
		n += 32 + 24;
	return n + 4;
}

uint8_t *odj_envelope_encode_unsigned(TALLOC_CTX *mem, const struct odj_envelope *env, size_t *len)
{
	size_t name_len = strlen(env->machine);
	size_t hdr = odj_envelope_header_len(env);
	*len = hdr + env->payload_len;
	uint8_t *p = talloc_zero_array(mem, uint8_t, *len);
	if (p == NULL)
		return NULL;
	memcpy(p, ODJ_ENVELOPE_MAGIC, 6);
	p[6] = ODJ_ENVELOPE_VERSION;
	p[7] = (uint8_t)env->kind;
	p[8] = ODJ_SIG_ED25519;
	p[9] = env->kind == ODJ_ENVELOPE_SEALED ? ODJ_SEAL_X25519_XCHACHA20POLY1305 : ODJ_SEAL_NONE;
	/* 10..11: flags, zero */
	memcpy(p + ODJ_ENV_OFF_SIGNER, env->signer_key, 32);
	memcpy(p + ODJ_ENV_OFF_RECIPIENT, env->recipient_keyid, ODJ_KEYID_LEN);
	memcpy(p + ODJ_ENV_OFF_NONCE, env->nonce, ODJ_SEAL_NONCE_LEN);
	odj_le64_put(p + ODJ_ENV_OFF_CREATED, (uint64_t)env->created);
	odj_le64_put(p + ODJ_ENV_OFF_EXPIRES, (uint64_t)env->expires);
	p[ODJ_ENV_OFF_NAMELEN] = (uint8_t)name_len;
	size_t at = ODJ_ENV_FIXED;
	memcpy(p + at, env->machine, name_len);
	at += name_len;
	if (env->kind == ODJ_ENVELOPE_SEALED) {
		memcpy(p + at, env->ephemeral_key, 32);
		memcpy(p + at + 32, env->aead_nonce, 24);
		at += 56;
	}
	uint32_t pl = (uint32_t)env->payload_len;
	for (int i = 0; i < 4; i++)
		p[at + (size_t)i] = (uint8_t)(pl >> (8 * i));
	at += 4;
	memcpy(p + at, env->payload, env->payload_len);
	return p;
}

struct odj_secret *odj_envelope_armor(TALLOC_CTX *mem, enum odj_envelope_kind kind,
				      const uint8_t *bin, size_t len)
{
	const char *begin = kind == ODJ_ENVELOPE_SEALED ? armor_sealed_begin : armor_signed_begin;
	const char *end = kind == ODJ_ENVELOPE_SEALED ? armor_sealed_end : armor_signed_end;
	size_t b64_len = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	struct odj_secret *b64 = odj_secret_new(mem, b64_len);
	if (b64 == NULL)
		return NULL;
	sodium_bin2base64((char *)odj_secret_data(b64), b64_len, bin, len,
			  sodium_base64_VARIANT_ORIGINAL);
	size_t text_len = strlen((char *)odj_secret_data(b64));
	size_t cap = strlen(begin) + strlen(end) + text_len + text_len / 64 + 8;
	struct odj_secret *out = odj_secret_new(mem, cap);
	if (out == NULL) {
		talloc_free(b64);
		return NULL;
	}
	char *o = (char *)odj_secret_data(out);
	size_t at = (size_t)sprintf(o, "%s\n", begin);
	const char *t = (const char *)odj_secret_data(b64);
	for (size_t i = 0; i < text_len; i += 64) {
		size_t n = text_len - i < 64 ? text_len - i : 64;
		memcpy(o + at, t + i, n);
		at += n;
		o[at++] = '\n';
	}
	at += (size_t)sprintf(o + at, "%s\n", end);
	talloc_free(b64);
	/* The secret keeps its capacity; the text's length is what was written. */
	struct odj_secret *exact = odj_secret_dup(mem, o, at);
	talloc_free(out);
	return exact;
}

bool odj_envelope_detect(const uint8_t *file, size_t len)
{
	static const char prefix[] = "-----BEGIN ODJ ";
	/* Leading whitespace is allowed, as in a pasted mail. */
	size_t i = 0;
	while (i < len && i < 64 && (file[i] == ' ' || file[i] == '\n' || file[i] == '\r' || file[i] == '\t'))
		i++;
	return len - i >= sizeof(prefix) - 1 && memcmp(file + i, prefix, sizeof(prefix) - 1) == 0;
}

static odj_result bad(struct odj_ctx *ctx, size_t offset, const char *field, const char *why)
{
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
		 "The signed or sealed blob is damaged: %s.", why);
	odj_error_detail(ctx, "offset %zu, field %s", offset, field);
	return ODJ_E_INPUT;
}

/* The armor's body: base64 lines between the begin and end markers. */
static odj_result dearmor(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *file, size_t len,
			  enum odj_envelope_kind *kind, uint8_t **bin, size_t *bin_len)
{
	if (len > ODJ_ENVELOPE_MAX_FILE)
		return bad(ctx, 0, "armor", "the file is larger than an envelope can be");
	char *text = talloc_strndup(mem, (const char *)file, len);
	if (text == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	size_t nul_at = strlen(text);
	if (nul_at != len) {
		talloc_free(text);
		return bad(ctx, nul_at, "armor", "a NUL byte in the text");
	}
	const char *end_marker;
	char *b = strstr(text, armor_sealed_begin);
	if (b != NULL) {
		*kind = ODJ_ENVELOPE_SEALED;
		end_marker = armor_sealed_end;
		b += strlen(armor_sealed_begin);
	} else if ((b = strstr(text, armor_signed_begin)) != NULL) {
		*kind = ODJ_ENVELOPE_SIGNED;
		end_marker = armor_signed_end;
		b += strlen(armor_signed_begin);
	} else {
		talloc_free(text);
		return bad(ctx, 0, "armor", "no BEGIN ODJ SEALED BLOB or BEGIN ODJ SIGNED BLOB line");
	}
	char *e = strstr(b, end_marker);
	if (e == NULL) {
		size_t off = (size_t)(b - text);
		talloc_free(text);
		return bad(ctx, off, "armor", "the END line is missing (the file was cut short)");
	}
	for (const char *t = e + strlen(end_marker); *t != '\0'; t++) {
		if (*t != '\n' && *t != '\r' && *t != ' ' && *t != '\t') {
			size_t off = (size_t)(t - text);
			talloc_free(text);
			return bad(ctx, off, "armor", "text after the END line");
		}
	}
	*e = '\0';
	size_t cap = (size_t)(e - b);
	*bin = talloc_array(mem, uint8_t, cap ? cap : 1);
	size_t got = 0;
	if (*bin == NULL ||
	    sodium_base642bin(*bin, cap, b, strlen(b), " \t\r\n", &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		talloc_free(text);
		return bad(ctx, (size_t)(b - text), "armor", "the text between BEGIN and END is not base64");
	}
	talloc_free(text);
	*bin_len = got;
	return ODJ_OK;
}

odj_result odj_envelope_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *file,
			       size_t len, struct odj_envelope **out)
{
	*out = NULL;
	struct odj_envelope *env = talloc_zero(mem, struct odj_envelope);
	if (env == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	enum odj_envelope_kind armor_kind = ODJ_ENVELOPE_SIGNED;
	uint8_t *p = NULL;
	size_t n = 0;
	odj_result r = dearmor(ctx, env, file, len, &armor_kind, &p, &n);
	if (r != ODJ_OK) {
		talloc_free(env);
		return r;
	}
#define NEED(at, want, field)                                                                  \
	do {                                                                                   \
		if ((want) > n - (at)) {                                                       \
			talloc_free(env);                                                      \
			return bad(ctx, (at), (field), "the envelope ends early");             \
		}                                                                              \
	} while (0)
	NEED(0, (size_t)ODJ_ENV_FIXED, "header");
	if (memcmp(p, ODJ_ENVELOPE_MAGIC, 6) != 0) {
		talloc_free(env);
		return bad(ctx, 0, "magic", "not an odj envelope");
	}
	if (p[6] != ODJ_ENVELOPE_VERSION) {
		char why[64];
		snprintf(why, sizeof(why), "version %u is not supported (1 is)", p[6]);
		talloc_free(env);
		return bad(ctx, 6, "version", why);
	}
	if (p[7] != ODJ_ENVELOPE_SIGNED && p[7] != ODJ_ENVELOPE_SEALED) {
		talloc_free(env);
		return bad(ctx, 7, "kind", "unknown kind");
	}
	env->kind = (enum odj_envelope_kind)p[7];
	if (env->kind != armor_kind) {
		talloc_free(env);
		return bad(ctx, 7, "kind", "the armor and the envelope disagree on sealed or signed");
	}
	if (p[8] != ODJ_SIG_ED25519) {
		talloc_free(env);
		return bad(ctx, 8, "signature algorithm", "unknown algorithm");
	}
	uint8_t want_seal = env->kind == ODJ_ENVELOPE_SEALED ? ODJ_SEAL_X25519_XCHACHA20POLY1305
							     : ODJ_SEAL_NONE;
	if (p[9] != want_seal) {
		talloc_free(env);
		return bad(ctx, 9, "seal algorithm", "unknown algorithm for this kind");
	}
	if (p[10] != 0 || p[11] != 0) {
		talloc_free(env);
		return bad(ctx, 10, "flags", "unknown flags");
	}
	memcpy(env->signer_key, p + ODJ_ENV_OFF_SIGNER, 32);
	odj_keyid_of(env->signer_key, env->signer_keyid);
	memcpy(env->recipient_keyid, p + ODJ_ENV_OFF_RECIPIENT, ODJ_KEYID_LEN);
	memcpy(env->nonce, p + ODJ_ENV_OFF_NONCE, ODJ_SEAL_NONCE_LEN);
	env->created = (int64_t)odj_le64_get(p + ODJ_ENV_OFF_CREATED);
	env->expires = (int64_t)odj_le64_get(p + ODJ_ENV_OFF_EXPIRES);
	if (env->created < 0 || env->expires <= env->created) {
		talloc_free(env);
		return bad(ctx, ODJ_ENV_OFF_EXPIRES, "expires", "the expiry is not after the creation time");
	}
	size_t name_len = p[ODJ_ENV_OFF_NAMELEN];
	if (name_len == 0 || name_len > ODJ_SEAL_MACHINE_MAX) {
		talloc_free(env);
		return bad(ctx, ODJ_ENV_OFF_NAMELEN, "machine name length", "out of range (1..63)");
	}
	size_t at = ODJ_ENV_FIXED;
	NEED(at, name_len, "machine name");
	memcpy(env->machine, p + at, name_len);
	env->machine[name_len] = '\0';
	if (!odj_seal_machine_valid(env->machine)) {
		talloc_free(env);
		return bad(ctx, at, "machine name", "characters outside A-Z a-z 0-9 . _ -");
	}
	at += name_len;
	if (env->kind == ODJ_ENVELOPE_SEALED) {
		NEED(at, (size_t)56, "ephemeral key");
		memcpy(env->ephemeral_key, p + at, 32);
		memcpy(env->aead_nonce, p + at + 32, 24);
		at += 56;
	} else if (!sodium_is_zero(env->recipient_keyid, ODJ_KEYID_LEN) ||
		   !sodium_is_zero(env->nonce, ODJ_SEAL_NONCE_LEN)) {
		talloc_free(env);
		return bad(ctx, ODJ_ENV_OFF_RECIPIENT, "recipient", "a signed-only envelope names a recipient");
	}
	NEED(at, (size_t)4, "payload length");
	uint32_t pl = get_u32(p + at);
	size_t min_pl = env->kind == ODJ_ENVELOPE_SEALED ? ODJ_SEAL_TAG_LEN + 1 : 1;
	if (pl < min_pl || pl > ODJ_SEAL_PAYLOAD_MAX) {
		talloc_free(env);
		return bad(ctx, at, "payload length", "out of range");
	}
	at += 4;
	NEED(at, (size_t)pl, "payload");
	env->payload = p + at;
	env->payload_len = pl;
	at += pl;
	NEED(at, (size_t)64, "signature");
	env->signed_part = p;
	env->signed_len = at;
	memcpy(env->signature, p + at, 64);
	at += 64;
	if (at != n) {
		talloc_free(env);
		return bad(ctx, at, "signature", "bytes after the signature");
	}
#undef NEED
	env->bytes = p;
	env->len = n;
	*out = env;
	return ODJ_OK;
}
