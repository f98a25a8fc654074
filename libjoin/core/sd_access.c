/* Effective rights from a directory security descriptor: parsing and the access check. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sd_access.h"

#define ACE_OBJECT_TYPE_PRESENT 0x1u
#define ACE_INHERITED_OBJECT_TYPE_PRESENT 0x2u
#define SID_CREATOR_OWNER "S-1-3-0"
#define SID_OWNER_RIGHTS "S-1-3-4"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* A SID at p (at most len bytes) as a string on mem; NULL if malformed. */
static char *sid_at(TALLOC_CTX *mem, const uint8_t *p, size_t len)
{
	if (len < 8)
		return NULL;
	size_t sid_len = 8 + 4 * (size_t)p[1];
	struct odj_sid sid;
	if (sid_len > len || !odj_sid_from_binary(&sid, p, sid_len))
		return NULL;
	return odj_sid_string(mem, &sid);
}

static struct odj_ace *push_ace(struct odj_dacl *d)
{
	struct odj_ace *aces = talloc_realloc(d, d->aces, struct odj_ace, d->n + 1);
	if (aces == NULL)
		return NULL;
	d->aces = aces;
	memset(&aces[d->n], 0, sizeof(aces[d->n]));
	return &aces[d->n++];
}

/* The GUID at *off of an ACE of size bytes; *off moves past it. */
static bool guid_at(const uint8_t *p, size_t size, size_t *off, struct odj_guid *g)
{
	if (size < *off + 16)
		return false;
	odj_guid_from_wire(g, p + *off);
	*off += 16;
	return true;
}

/* One ACE of a binary ACL; false if malformed.  Unknown types leave the DACL as it is. */
static bool parse_ace(struct odj_dacl *d, const uint8_t *p, size_t size)
{
	uint8_t type = p[0];
	if (type != 0 && type != 1 && type != 5 && type != 6)
		return true;
	bool object = type == 5 || type == 6;
	size_t off = 4;
	if (size < off + 4)
		return false;
	struct odj_ace ace = {.allow = type == 0 || type == 5, .flags = p[1], .mask = le32(p + 4)};
	off += 4;
	if (object) {
		if (size < off + 4)
			return false;
		uint32_t present = le32(p + off);
		off += 4;
		if ((ace.has_object = present & ACE_OBJECT_TYPE_PRESENT) &&
		    !guid_at(p, size, &off, &ace.object))
			return false;
		if ((ace.has_inherited = present & ACE_INHERITED_OBJECT_TYPE_PRESENT) &&
		    !guid_at(p, size, &off, &ace.inherited))
			return false;
	}
	struct odj_ace *slot = push_ace(d);
	if (slot == NULL)
		return false;
	*slot = ace;
	slot->sid = sid_at(d, p + off, size - off);
	return slot->sid != NULL;
}

struct odj_dacl *odj_sd_parse(TALLOC_CTX *mem, const uint8_t *sd, size_t len)
{
	if (sd == NULL || len < 20 || sd[0] != 1)
		return NULL;
	struct odj_dacl *d = talloc_zero(mem, struct odj_dacl);
	if (d == NULL)
		return NULL;
	size_t owner = le32(sd + 4), dacl = le32(sd + 16);
	if (owner != 0 && (owner < 20 || owner >= len || (d->owner = sid_at(d, sd + owner, len - owner)) == NULL))
		goto bad;
	if (dacl == 0)
		return d;
	if (dacl < 20 || dacl + 8 > len)
		goto bad;
	size_t acl_size = le16(sd + dacl + 2), count = le16(sd + dacl + 4);
	if (acl_size < 8 || dacl + acl_size > len)
		goto bad;
	const uint8_t *p = sd + dacl + 8, *end = sd + dacl + acl_size;
	for (size_t i = 0; i < count; i++) {
		if (end - p < 4)
			goto bad;
		size_t size = le16(p + 2);
		if (size < 8 || size > (size_t)(end - p) || !parse_ace(d, p, size))
			goto bad;
		p += size;
	}
	return d;
bad:
	talloc_free(d);
	return NULL;
}

/* ------------------------------------------------------------ SDDL */

struct sddl_code {
	const char *code;
	uint32_t bits;
};

static const struct sddl_code sddl_rights[] = {
	{"CC", 0x1},       {"DC", 0x2},       {"LC", 0x4},        {"SW", 0x8},
	{"RP", 0x10},      {"WP", 0x20},      {"DT", 0x40},       {"LO", 0x80},
	{"CR", 0x100},     {"SD", 0x10000},   {"RC", 0x20000},    {"WD", 0x40000},
	{"WO", 0x80000},   {"GA", 0x10000000}, {"GX", 0x20000000}, {"GW", 0x40000000},
	{"GR", 0x80000000},
};

/* Aliases; a leading '-' is a RID of the domain. */
static const struct {
	const char *alias;
	const char *sid;
} sddl_sids[] = {
	/* everyone; creator owner and group; owner rights */
	{"WD", "S-1-1-0"}, {"CO", "S-1-3-0"}, {"CG", "S-1-3-1"}, {"OW", "S-1-3-4"},
	/* NT AUTHORITY */
	{"NU", "S-1-5-2"},  {"IU", "S-1-5-4"},  {"SU", "S-1-5-6"},  {"AN", "S-1-5-7"},
	{"ED", "S-1-5-9"},  {"PS", "S-1-5-10"}, {"AU", "S-1-5-11"}, {"RC", "S-1-5-12"},
	{"SY", "S-1-5-18"}, {"LS", "S-1-5-19"}, {"NS", "S-1-5-20"},
	/* BUILTIN */
	{"BA", "S-1-5-32-544"}, {"BU", "S-1-5-32-545"}, {"BG", "S-1-5-32-546"},
	{"PU", "S-1-5-32-547"}, {"AO", "S-1-5-32-548"}, {"SO", "S-1-5-32-549"},
	{"PO", "S-1-5-32-550"}, {"BO", "S-1-5-32-551"}, {"RE", "S-1-5-32-552"},
	{"RU", "S-1-5-32-554"}, {"RD", "S-1-5-32-555"},
	/* the domain's own groups and accounts */
	{"LA", "-500"}, {"LG", "-501"}, {"DA", "-512"}, {"DU", "-513"}, {"DG", "-514"}, {"DC", "-515"},
	{"DD", "-516"}, {"CA", "-517"}, {"SA", "-518"}, {"EA", "-519"}, {"PA", "-520"}, {"RO", "-498"},
	{"CN", "-522"},
};

static char *sddl_sid(TALLOC_CTX *mem, const char *s, const char *domain_sid)
{
	if (strncasecmp(s, "S-", 2) == 0)
		return talloc_strdup(mem, s);
	for (size_t i = 0; i < sizeof(sddl_sids) / sizeof(sddl_sids[0]); i++) {
		if (strcasecmp(s, sddl_sids[i].alias) != 0)
			continue;
		if (sddl_sids[i].sid[0] != '-')
			return talloc_strdup(mem, sddl_sids[i].sid);
		return domain_sid ? talloc_asprintf(mem, "%s%s", domain_sid, sddl_sids[i].sid) : NULL;
	}
	return NULL;
}

static const struct sddl_code sddl_ace_flags[] = {
	{"OI", 0x01}, {"CI", 0x02}, {"NP", 0x04}, {"IO", 0x08}, {"ID", 0x10}, {"SA", 0x40}, {"FA", 0x80},
};

/* Two-letter codes of a table, concatenated ("RPWPCR"), as the OR of their bits. */
static bool sddl_codes(const char *s, const struct sddl_code *table, size_t n_table, uint32_t *bits)
{
	*bits = 0;
	size_t n = strlen(s);
	if (n % 2 != 0)
		return false;
	for (size_t k = 0; k < n; k += 2) {
		bool known = false;
		for (size_t i = 0; i < n_table && !known; i++)
			if (strncasecmp(s + k, table[i].code, 2) == 0) {
				*bits |= table[i].bits;
				known = true;
			}
		if (!known)
			return false;
	}
	return true;
}

static bool sddl_mask(const char *s, uint32_t *mask)
{
	if (strncasecmp(s, "0x", 2) == 0) {
		char *end = NULL;
		*mask = (uint32_t)strtoul(s, &end, 16);
		return end && *end == '\0';
	}
	return sddl_codes(s, sddl_rights, sizeof(sddl_rights) / sizeof(sddl_rights[0]), mask);
}

static bool sddl_flags(const char *s, uint8_t *flags)
{
	uint32_t bits = 0;
	bool ok = sddl_codes(s, sddl_ace_flags, sizeof(sddl_ace_flags) / sizeof(sddl_ace_flags[0]),
			     &bits);
	*flags = (uint8_t)bits;
	return ok;
}

/* "type;flags;rights;object;inherited;sid" (modified in place); false if malformed. */
static bool sddl_ace(struct odj_dacl *d, char *s, const char *domain_sid)
{
	char *f[6];
	for (int i = 0; i < 6; i++) {
		f[i] = s;
		s = strchr(s, ';');
		if ((s == NULL) != (i == 5))
			return false;
		if (s != NULL)
			*s++ = '\0';
	}
	struct odj_ace ace = {0};
	if (strcasecmp(f[0], "A") == 0 || strcasecmp(f[0], "OA") == 0)
		ace.allow = true;
	else if (strcasecmp(f[0], "D") != 0 && strcasecmp(f[0], "OD") != 0)
		return true; /* audit, alarm, callback ACEs grant nothing */
	if (!sddl_flags(f[1], &ace.flags) || !sddl_mask(f[2], &ace.mask))
		return false;
	if (f[3][0] != '\0' && !(ace.has_object = odj_guid_parse(f[3], &ace.object)))
		return false;
	if (f[4][0] != '\0' && !(ace.has_inherited = odj_guid_parse(f[4], &ace.inherited)))
		return false;
	char *sid = sddl_sid(d, f[5], domain_sid);
	if (sid == NULL)
		return true; /* an alias of a domain not given: no caller of ours holds it */
	struct odj_ace *slot = push_ace(d);
	if (slot == NULL)
		return false;
	*slot = ace;
	slot->sid = sid;
	return true;
}

struct odj_dacl *odj_sddl_parse(TALLOC_CTX *mem, const char *sddl, const char *domain_sid)
{
	const char *p = sddl ? strstr(sddl, "D:") : NULL;
	if (p == NULL)
		return NULL;
	struct odj_dacl *d = talloc_zero(mem, struct odj_dacl);
	char *copy = d ? talloc_strdup(d, p + 2) : NULL;
	if (copy == NULL)
		goto bad;
	char *s = copy;
	while (*s != '\0' && *s != '(' && *s != ':') /* DACL flags: P, AI, AR, NO_ACCESS_CONTROL */
		s++;
	while (*s == '(') {
		char *close = strchr(s, ')');
		if (close == NULL)
			goto bad;
		*close = '\0';
		if (!sddl_ace(d, s + 1, domain_sid))
			goto bad;
		s = close + 1;
	}
	if (*s != '\0' && !(s[1] == ':' && (s[0] == 'S' || s[0] == 's')))
		goto bad;
	talloc_free(copy);
	return d;
bad:
	talloc_free(d);
	return NULL;
}

/* ------------------------------------------------------------ the check */

static uint32_t map_generic(uint32_t m)
{
	if (m & ODJ_GENERIC_ALL)
		m |= 0x000F01FFu; /* every standard and directory right */
	if (m & ODJ_GENERIC_WRITE)
		m |= ODJ_SD_READ_CONTROL | ODJ_DS_SELF | ODJ_DS_WRITE_PROP;
	return m & ~0xF0000000u;
}

static bool holds(const char *const *token, const char *sid, bool creator)
{
	if (creator && strcmp(sid, SID_CREATOR_OWNER) == 0)
		return true;
	for (size_t i = 0; token && token[i]; i++)
		if (strcasecmp(token[i], sid) == 0)
			return true;
	return false;
}

/* Does the ACE speak of the object type want asks for? */
static bool ace_applies(const struct odj_ace *ace, const struct odj_access_want *want)
{
	if (ace->has_inherited && want->cls != NULL && !odj_guid_equal(&ace->inherited, want->cls))
		return false;
	if (!ace->has_object)
		return true;
	if (want->object != NULL && odj_guid_equal(&ace->object, want->object))
		return true;
	return want->property_set != NULL && odj_guid_equal(&ace->object, want->property_set);
}

bool odj_sd_access(const struct odj_dacl *dacl, const char *const *token, bool creator,
		   const struct odj_access_want *want)
{
	if (dacl == NULL)
		return false;
	uint32_t remaining = want->mask;
	bool owner_rights = false;
	for (size_t i = 0; i < dacl->n; i++)
		owner_rights |= strcmp(dacl->aces[i].sid, SID_OWNER_RIGHTS) == 0;
	if (dacl->owner != NULL && !owner_rights && holds(token, dacl->owner, false))
		remaining &= ~(ODJ_SD_READ_CONTROL | ODJ_SD_WRITE_DAC);
	for (size_t i = 0; i < dacl->n && remaining != 0; i++) {
		const struct odj_ace *ace = &dacl->aces[i];
		if (ace->flags & ODJ_ACE_INHERIT_ONLY)
			continue;
		bool mine = holds(token, ace->sid, creator) ||
			    (strcmp(ace->sid, SID_OWNER_RIGHTS) == 0 && dacl->owner != NULL &&
			     holds(token, dacl->owner, false));
		if (!mine || !ace_applies(ace, want))
			continue;
		uint32_t m = map_generic(ace->mask) & remaining;
		if (m != 0 && !ace->allow)
			return false; /* denied before it was granted */
		remaining &= ~m;
	}
	return remaining == 0;
}

struct odj_dacl *odj_sd_inheritable(TALLOC_CTX *mem, const struct odj_dacl *parent,
				    const struct odj_guid *cls)
{
	struct odj_dacl *d = talloc_zero(mem, struct odj_dacl);
	for (size_t i = 0; d && parent && i < parent->n; i++) {
		const struct odj_ace *ace = &parent->aces[i];
		if (!(ace->flags & ODJ_ACE_CONTAINER_INHERIT))
			continue;
		if (ace->has_inherited && cls != NULL && !odj_guid_equal(&ace->inherited, cls))
			continue;
		struct odj_ace *slot = push_ace(d);
		if (slot == NULL)
			return NULL;
		*slot = *ace;
		slot->sid = talloc_strdup(d, ace->sid);
		slot->flags = (uint8_t)((ace->flags & ~ODJ_ACE_INHERIT_ONLY) | ODJ_ACE_INHERITED);
	}
	return d;
}

struct odj_dacl *odj_sd_concat(TALLOC_CTX *mem, const struct odj_dacl *a, const struct odj_dacl *b)
{
	struct odj_dacl *d = talloc_zero(mem, struct odj_dacl);
	const struct odj_dacl *parts[] = {a, b};
	for (size_t k = 0; d && k < 2; k++)
		for (size_t i = 0; parts[k] && i < parts[k]->n; i++) {
			struct odj_ace *slot = push_ace(d);
			if (slot == NULL)
				return NULL;
			*slot = parts[k]->aces[i];
			slot->sid = talloc_strdup(d, parts[k]->aces[i].sid);
		}
	if (d && a && a->owner)
		d->owner = talloc_strdup(d, a->owner);
	return d;
}
