/*
 * smb.conf for a domain member: the join's [global] settings merged into
 * what the root has, with the INI editor of the other configuration files.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <odj/status.h>

#include "apply_samba.h"

static uint32_t rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

uint32_t odj_murmur3_32(const void *data, size_t len, uint32_t seed)
{
	const uint8_t *p = data;
	const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
	uint32_t h = seed;
	size_t blocks = len / 4;
	for (size_t i = 0; i < blocks; i++) {
		uint32_t k = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
			     (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
		h = rotl32(h, 13);
		h = h * 5 + 0xe6546b64;
	}
	const uint8_t *tail = p + blocks * 4;
	uint32_t k = 0;
	switch (len & 3) {
	case 3:
		k ^= (uint32_t)tail[2] << 16;
		/* fall through */
	case 2:
		k ^= (uint32_t)tail[1] << 8;
		/* fall through */
	case 1:
		k ^= tail[0];
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
	}
	h ^= (uint32_t)len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* sssd-ldap(5) "Mapping Algorithm": the SID's hash picks the slice. */
bool odj_idmap_sssd_range(const char *domain_sid, const struct odj_idmap_slices *s, uint32_t *low,
			  uint32_t *high)
{
	if (s->size == 0 || s->max <= s->min || (s->max - s->min) / s->size == 0)
		return false;
	uint32_t slices = (s->max - s->min) / s->size;
	uint32_t slice = odj_murmur3_32(domain_sid, strlen(domain_sid), 0xdeadbeef) % slices;
	*low = s->min + slice * s->size;
	*high = *low + s->size - 1;
	return true;
}

/* A parameter name as Samba compares it: any case, blanks ignored. */
static void squash(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < outsz; i++)
		if (s[i] != ' ' && s[i] != '\t')
			out[o++] = (char)tolower((unsigned char)s[i]);
	out[o] = '\0';
}

static bool header_is_global(const char *line)
{
	const char *s = line + strspn(line, " \t");
	if (*s != '[')
		return false;
	const char *close = strchr(s, ']');
	char name[64];
	if (close == NULL || (size_t)(close - s) > sizeof(name))
		return false;
	squash(s + 1, (size_t)(close - s - 1), name, sizeof(name));
	return strcmp(name, "global") == 0;
}

/*
 * Spells [global] and the names of the parameters the join sets the way
 * odj_ini_set looks for them ("NetBIOS Name" is "netbios name").
 */
static bool canonical_names(struct odj_ini *ini, const char *const *keys, size_t n_keys)
{
	bool in = false;
	for (size_t i = 0; i < ini->n; i++) {
		char *line = ini->lines[i];
		const char *s = line + strspn(line, " \t");
		if (*s == '[') {
			in = header_is_global(line);
			if (in && strcmp(line, "[global]") != 0) {
				char *nl = talloc_strdup(ini->lines, "[global]");
				if (nl == NULL)
					return false;
				talloc_free(ini->lines[i]);
				ini->lines[i] = nl;
			}
			continue;
		}
		const char *eq = strchr(s, '=');
		if (!in || *s == '#' || *s == ';' || eq == NULL || eq == s)
			continue;
		char have[128], want[128];
		squash(s, (size_t)(eq - s), have, sizeof(have));
		for (size_t k = 0; k < n_keys; k++) {
			squash(keys[k], strlen(keys[k]), want, sizeof(want));
			if (strcmp(have, want) != 0)
				continue;
			const char *v = eq + 1 + strspn(eq + 1, " \t");
			char *nl = talloc_asprintf(ini->lines, "%.*s%s = %s", (int)(s - line), line,
						   keys[k], v);
			if (nl == NULL)
				return false;
			talloc_free(ini->lines[i]);
			ini->lines[i] = nl;
			break;
		}
	}
	return true;
}

static bool parse_range(const char *v, uint32_t *lo, uint32_t *hi)
{
	unsigned long a, b;
	char tail;
	if (v == NULL || sscanf(v, " %lu - %lu %c", &a, &b, &tail) != 2 || a > b || b > UINT32_MAX)
		return false;
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	return true;
}

static bool overlaps(uint32_t a_lo, uint32_t a_hi, uint32_t b_lo, uint32_t b_hi)
{
	return a_lo <= b_hi && b_lo <= a_hi;
}

static uint32_t sssd_number(TALLOC_CTX *mem, const struct odj_ini *sssd, const char *section,
			    const char *key, uint32_t dflt)
{
	const char *v = sssd ? odj_ini_get(mem, sssd, section, key) : NULL;
	char *end;
	errno = 0;
	unsigned long long n = v ? strtoull(v, &end, 10) : 0;
	if (v == NULL || errno != 0 || end == v || *end != '\0' || n > UINT32_MAX)
		return dflt;
	return (uint32_t)n;
}

/* The domain's range: sssd's slice for the SID, so that nss_sss and winbind agree. */
static bool domain_range(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_facts *f,
			 const struct apply_file *sssd_conf, uint32_t *lo, uint32_t *hi)
{
	struct odj_ini *sssd = NULL;
	if (sssd_conf != NULL && sssd_conf->exists &&
	    odj_ini_parse(ctx, mem, "/etc/sssd/sssd.conf", (const char *)sssd_conf->data,
			  sssd_conf->len, &sssd) != ODJ_OK) {
		odj_error_clear(ctx); /* an unreadable sssd.conf is refused by its own step */
		sssd = NULL;
	}
	char *section = talloc_asprintf(mem, "domain/%s", f->domain);
	struct odj_idmap_slices s = ODJ_IDMAP_SLICES_DEFAULT;
	s.min = sssd_number(mem, sssd, section, "ldap_idmap_range_min", s.min);
	s.max = sssd_number(mem, sssd, section, "ldap_idmap_range_max", s.max);
	s.size = sssd_number(mem, sssd, section, "ldap_idmap_range_size", s.size);
	return odj_idmap_sssd_range(f->domain_sid, &s, lo, hi) && *lo > ODJ_SAMBA_LOCAL_ID_MAX;
}

static char *dir_setting(TALLOC_CTX *mem, const struct odj_ini *ini, const char *key,
			 const char *dflt)
{
	const char *v = odj_ini_get(mem, ini, "global", key);
	if (v == NULL || v[0] != '/' || strchr(v, '%') != NULL)
		return talloc_strdup(mem, dflt);
	char *d = talloc_strdup(mem, v);
	size_t n = d ? strlen(d) : 0;
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	return d;
}

odj_result odj_samba_conf(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct apply_facts *f,
			  const struct apply_file *old, const struct apply_file *sssd_conf,
			  struct samba_conf_result *out)
{
	memset(out, 0, sizeof(*out));
	struct odj_ini *ini;
	odj_result r = odj_ini_parse(ctx, mem, ODJ_SAMBA_CONF,
				     old->exists ? (const char *)old->data : "",
				     old->exists ? old->len : 0, &ini);
	if (r != ODJ_OK)
		return r;
	if (!domain_range(ctx, mem, f, sssd_conf, &out->range_low, &out->range_high))
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
				"sssd's ID-mapping settings for %s in /etc/sssd/sssd.conf give no "
				"range above the local ids for Samba's idmap",
				f->domain);
	char *dom_backend = talloc_asprintf(mem, "idmap config %s : backend", f->netbios_domain);
	char *dom_range = talloc_asprintf(mem, "idmap config %s : range", f->netbios_domain);
	char *range = talloc_asprintf(mem, "%" PRIu32 "-%" PRIu32, out->range_low, out->range_high);
	char *dflt_range = talloc_asprintf(mem, "%u-%u", ODJ_SAMBA_DEFAULT_RANGE_LOW,
					   ODJ_SAMBA_DEFAULT_RANGE_HIGH);
	if (dom_backend == NULL || dom_range == NULL || range == NULL || dflt_range == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	const char *const names[] = {
		"security", "realm", "workgroup", "netbios name", "kerberos method", "server role",
		"idmap config * : backend", "idmap config * : range", dom_backend, dom_range,
		"template shell", "private dir", "state directory", "cache directory",
		"config backend",
	};
	if (!canonical_names(ini, names, sizeof(names) / sizeof(names[0])))
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");

	const char *wg = odj_ini_get(mem, ini, "global", "workgroup");
	if (wg != NULL && wg[0] != '\0') {
		out->old_workgroup = talloc_strdup(mem, wg);
		for (char *p = out->old_workgroup; p && *p; p++)
			*p = (char)toupper((unsigned char)*p);
	}
	/* What makes the machine this domain's member: always the join's. */
	struct {
		const char *key, *value;
		bool only_if_missing;
	} set[] = {
		{"security", "ads", false},
		{"realm", f->realm, false},
		{"workgroup", f->netbios_domain, false},
		{"netbios name", f->machine, false},
		/* The machine secret from secrets.tdb, service tickets also from the keytab. */
		{"kerberos method", "secrets and keytab", false},
		{"server role", NULL, false},
		{"idmap config * : backend", "tdb", true},
		{"idmap config * : range", NULL, false},
		{dom_backend, "rid", false},
		{dom_range, range, false},
		{"template shell", "/bin/bash", true},
	};
	bool ok = true;
	for (size_t i = 0; ok && i < sizeof(set) / sizeof(set[0]); i++) {
		const char *was = odj_ini_get(mem, ini, "global", set[i].key);
		const char *value = set[i].value;
		if (strcmp(set[i].key, "server role") == 0) {
			/* Only a role that is not a member's contradicts the join. */
			char role[64];
			if (was == NULL)
				continue;
			squash(was, strlen(was), role, sizeof(role));
			if (strcmp(role, "auto") == 0 || strcmp(role, "memberserver") == 0 ||
			    strcmp(role, "role_domain_member") == 0)
				continue;
			value = "member server";
		} else if (strcmp(set[i].key, "idmap config * : range") == 0) {
			/* The admin's default range stays unless it overlaps local ids or the domain's. */
			uint32_t lo, hi;
			if (parse_range(was, &lo, &hi) && lo > ODJ_SAMBA_LOCAL_ID_MAX &&
			    !overlaps(lo, hi, out->range_low, out->range_high))
				continue;
			value = dflt_range;
		}
		if (was != NULL && set[i].only_if_missing)
			continue;
		if (was != NULL && strcasecmp(was, value) != 0)
			odj_apply_push(mem, &out->replaced, &out->n_replaced, "%s = %s -> %s",
				       set[i].key, was, value);
		ok = odj_ini_set(ini, "global", set[i].key, value, "\t", false);
	}
	const char *backend = odj_ini_get(mem, ini, "global", "config backend");
	out->registry = backend != NULL && strcasecmp(backend, "registry") == 0;
	out->private_dir = dir_setting(mem, ini, "private dir", ODJ_SAMBA_PRIVATE_DIR);
	out->state_dir = dir_setting(mem, ini, "state directory", ODJ_SAMBA_STATE_DIR);
	out->cache_dir = dir_setting(mem, ini, "cache directory", ODJ_SAMBA_CACHE_DIR);
	out->text = ok ? odj_ini_text(mem, ini) : NULL;
	if (out->text == NULL || out->private_dir == NULL || out->state_dir == NULL ||
	    out->cache_dir == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	return ODJ_OK;
}
