/* The MIT FILE keytab (0x0502): a bounds-checked reader and a writer, both in memory. */
#include <string.h>

#include <odj/keytab.h>
#include <odj/status.h>

#define KT_VERSION 0x0502u

struct reader {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static bool get_u8(struct reader *r, uint8_t *v)
{
	if (r->len - r->off < 1)
		return false;
	*v = r->p[r->off++];
	return true;
}

static bool get_u16(struct reader *r, uint16_t *v)
{
	if (r->len - r->off < 2)
		return false;
	*v = (uint16_t)((r->p[r->off] << 8) | r->p[r->off + 1]);
	r->off += 2;
	return true;
}

static bool get_u32(struct reader *r, uint32_t *v)
{
	if (r->len - r->off < 4)
		return false;
	const uint8_t *q = r->p + r->off;
	*v = ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) | ((uint32_t)q[2] << 8) | q[3];
	r->off += 4;
	return true;
}

/* A counted string; NUL bytes inside would make the name ambiguous, so they are refused. */
static bool get_string(TALLOC_CTX *mem, struct reader *r, char **out)
{
	uint16_t n;
	if (!get_u16(r, &n) || r->len - r->off < n)
		return false;
	if (memchr(r->p + r->off, '\0', n) != NULL)
		return false;
	*out = talloc_strndup(mem, (const char *)r->p + r->off, n);
	r->off += n;
	return *out != NULL;
}

struct odj_keytab *odj_keytab_new(TALLOC_CTX *mem)
{
	return talloc_zero(mem, struct odj_keytab);
}

static bool grow(struct odj_keytab *kt)
{
	struct odj_keytab_entry *e =
		talloc_realloc(kt, kt->entries, struct odj_keytab_entry, kt->n + 1);
	if (e == NULL)
		return false;
	kt->entries = e;
	memset(&kt->entries[kt->n], 0, sizeof(kt->entries[kt->n]));
	return true;
}

/* One entry inside its record (r is limited to the record). */
static const char *parse_entry(struct odj_keytab *kt, struct reader *r)
{
	uint16_t ncomp;
	if (!get_u16(r, &ncomp))
		return "principal component count";
	if (ncomp == 0 || ncomp > ODJ_KEYTAB_MAX_COMPONENTS)
		return "principal component count out of range";
	if (!grow(kt))
		return "out of memory";
	struct odj_keytab_entry *e = &kt->entries[kt->n];
	e->n_components = ncomp;
	/* Everything of an entry hangs below its components array. */
	e->components = talloc_zero_array(kt, char *, ncomp);
	if (e->components == NULL)
		return "out of memory";
	if (!get_string(e->components, r, &e->realm))
		return "realm";
	for (uint16_t i = 0; i < ncomp; i++)
		if (!get_string(e->components, r, &e->components[i]))
			return "principal component";
	uint8_t kvno8;
	uint16_t enctype, keylen;
	if (!get_u32(r, &e->name_type) || !get_u32(r, &e->timestamp) || !get_u8(r, &kvno8) ||
	    !get_u16(r, &enctype) || !get_u16(r, &keylen))
		return "entry header";
	if (r->len - r->off < keylen)
		return "key runs past the record";
	e->enctype = enctype;
	e->key = odj_secret_dup(e->components, r->p + r->off, keylen);
	if (e->key == NULL)
		return "out of memory";
	r->off += keylen;
	e->kvno = kvno8;
	uint32_t kvno32;
	if (r->len - r->off >= 4 && get_u32(r, &kvno32) && kvno32 != 0)
		e->kvno = kvno32;
	kt->n++;
	return NULL;
}

odj_result odj_keytab_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *data, size_t len,
			    struct odj_keytab **out)
{
	*out = NULL;
	struct odj_keytab *kt = odj_keytab_new(mem);
	if (kt == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	if (len == 0) {
		*out = kt;
		return ODJ_OK;
	}
	struct reader r = {data, len, 0};
	uint16_t version;
	const char *why = NULL;
	size_t at = 0;
	if (len > ODJ_KEYTAB_MAX_BYTES) {
		why = "larger than the 4 MiB limit";
	} else if (!get_u16(&r, &version) || version != KT_VERSION) {
		why = "not a keytab of version 0x0502";
	}
	while (why == NULL && r.off < r.len) {
		uint32_t raw;
		at = r.off;
		if (r.len - r.off < 4)
			break; /* MIT too stops at a tail shorter than a length */
		get_u32(&r, &raw);
		int32_t rec = (int32_t)raw;
		if (rec == 0)
			break;
		if (rec == INT32_MIN) {
			why = "record length out of range";
			break;
		}
		size_t size = rec < 0 ? (size_t)-(int64_t)rec : (size_t)rec;
		if (r.len - r.off < size) {
			why = "record runs past the end of the file";
			break;
		}
		if (rec > 0) {
			if (kt->n >= ODJ_KEYTAB_MAX_ENTRIES) {
				why = "more entries than the limit";
				break;
			}
			struct reader sub = {r.p + r.off, size, 0};
			why = parse_entry(kt, &sub);
		}
		r.off += size;
	}
	if (why != NULL) {
		talloc_free(kt);
		odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA, "the keytab is damaged: %s",
			 why);
		odj_error_detail(ctx, "keytab offset 0x%zx", at);
		return ODJ_E_CONFIG;
	}
	*out = kt;
	return ODJ_OK;
}

static uint8_t *put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

static uint8_t *put_string(uint8_t *p, const char *s)
{
	size_t n = strlen(s);
	p = put_u16(p, (uint16_t)n);
	memcpy(p, s, n);
	return p + n;
}

/* Size of an entry's record, 0 if a field does not fit its 16-bit length. */
static size_t entry_size(const struct odj_keytab_entry *e)
{
	size_t n = 2 + 2 + strlen(e->realm);
	if (strlen(e->realm) > UINT16_MAX || e->n_components == 0 ||
	    e->n_components > ODJ_KEYTAB_MAX_COMPONENTS)
		return 0;
	for (uint32_t i = 0; i < e->n_components; i++) {
		size_t c = strlen(e->components[i]);
		if (c > UINT16_MAX)
			return 0;
		n += 2 + c;
	}
	size_t keylen = odj_secret_len(e->key);
	if (keylen > UINT16_MAX)
		return 0;
	return n + 4 + 4 + 1 + 2 + 2 + keylen + 4;
}

odj_result odj_keytab_serialize(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_keytab *kt,
				struct odj_secret **out)
{
	*out = NULL;
	size_t total = 2;
	for (size_t i = 0; i < kt->n; i++) {
		size_t n = entry_size(&kt->entries[i]);
		if (n == 0 || n > INT32_MAX)
			return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
					"keytab entry %zu does not fit the format", i);
		total += 4 + n;
	}
	struct odj_secret *s = odj_secret_new(mem, total);
	if (s == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	uint8_t *p = put_u16(odj_secret_data(s), KT_VERSION);
	for (size_t i = 0; i < kt->n; i++) {
		const struct odj_keytab_entry *e = &kt->entries[i];
		p = put_u32(p, (uint32_t)entry_size(e));
		p = put_u16(p, (uint16_t)e->n_components);
		p = put_string(p, e->realm);
		for (uint32_t c = 0; c < e->n_components; c++)
			p = put_string(p, e->components[c]);
		p = put_u32(p, e->name_type);
		p = put_u32(p, e->timestamp);
		*p++ = (uint8_t)e->kvno;
		p = put_u16(p, (uint16_t)e->enctype);
		size_t keylen = odj_secret_len(e->key);
		p = put_u16(p, (uint16_t)keylen);
		if (keylen > 0)
			memcpy(p, odj_secret_data(e->key), keylen);
		p += keylen;
		p = put_u32(p, e->kvno);
	}
	*out = s;
	return ODJ_OK;
}

odj_result odj_keytab_add(struct odj_ctx *ctx, struct odj_keytab *kt, const char *principal,
			  uint32_t kvno, int32_t enctype, const uint8_t *key, size_t key_len,
			  uint32_t timestamp)
{
	const char *at = strrchr(principal, '@');
	if (at == NULL || at == principal || at[1] == '\0' || key_len > UINT16_MAX ||
	    enctype < 0 || enctype > UINT16_MAX)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"cannot add keytab entry for '%s'", principal);
	if (!grow(kt))
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	struct odj_keytab_entry *e = &kt->entries[kt->n];
	e->components = talloc_zero_array(kt, char *, ODJ_KEYTAB_MAX_COMPONENTS);
	char *name = e->components ? talloc_strndup(e->components, principal,
						    (size_t)(at - principal))
				   : NULL;
	e->realm = name ? talloc_strdup(e->components, at + 1) : NULL;
	if (e->realm == NULL) {
		talloc_free(e->components);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"out of memory");
	}
	char *save = NULL;
	const char *why = NULL;
	for (char *c = strtok_r(name, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save)) {
		if (e->n_components == ODJ_KEYTAB_MAX_COMPONENTS) {
			why = "too many components";
			break;
		}
		e->components[e->n_components++] = c;
	}
	e->name_type = ODJ_KRB5_NT_PRINCIPAL;
	e->timestamp = timestamp;
	e->kvno = kvno;
	e->enctype = enctype;
	e->key = odj_secret_dup(e->components, key, key_len);
	if (why == NULL && (e->n_components == 0 || e->key == NULL))
		why = "empty name or out of memory";
	if (why != NULL) {
		talloc_free(e->components);
		memset(e, 0, sizeof(*e));
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"cannot add keytab entry for '%s': %s", principal, why);
	}
	kt->n++;
	return ODJ_OK;
}

void odj_keytab_remove(struct odj_keytab *kt, size_t i)
{
	if (i >= kt->n)
		return;
	/* The key (wiped when freed) and the names hang below the components array. */
	talloc_free(kt->entries[i].components);
	memmove(&kt->entries[i], &kt->entries[i + 1], (kt->n - i - 1) * sizeof(kt->entries[0]));
	kt->n--;
}

char *odj_keytab_principal(TALLOC_CTX *mem, const struct odj_keytab_entry *e)
{
	char *s = talloc_strdup(mem, "");
	for (uint32_t i = 0; s != NULL && i < e->n_components; i++)
		s = talloc_asprintf_append(s, "%s%s", i ? "/" : "", e->components[i]);
	return s ? talloc_asprintf_append(s, "@%s", e->realm) : NULL;
}

const char *odj_enctype_name(int32_t enctype)
{
	switch (enctype) {
	case 17:
		return "aes128-cts-hmac-sha1-96";
	case 18:
		return "aes256-cts-hmac-sha1-96";
	case 19:
		return "aes128-cts-hmac-sha256-128";
	case 20:
		return "aes256-cts-hmac-sha384-192";
	case 23:
		return "arcfour-hmac";
	case 16:
		return "des3-cbc-sha1";
	case 1:
		return "des-cbc-crc";
	case 3:
		return "des-cbc-md5";
	default:
		return "unknown";
	}
}
