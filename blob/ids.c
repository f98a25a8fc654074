/* GUIDs, SIDs, part type names and DC flag names of the blob. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/dcflags.h>

const struct odj_guid odj_guid_join_provider = {
	0x631c7621, 0x5289, 0x4321, {0xbc, 0x9e, 0x80, 0xf8, 0x43, 0xf8, 0x68, 0xc3}};
const struct odj_guid odj_guid_join_provider2 = {
	0x57bfc56b, 0x52f9, 0x480c, {0xad, 0xcb, 0x91, 0xb3, 0xf8, 0xa8, 0x23, 0x17}};
const struct odj_guid odj_guid_join_provider3 = {
	0xfc0ccf25, 0x7ffa, 0x474a, {0x86, 0x11, 0x69, 0xff, 0xe2, 0x69, 0x64, 0x5f}};
const struct odj_guid odj_guid_join_provider4 = {
	0x4a08716a, 0x6710, 0x4647, {0x82, 0x11, 0xfd, 0xbb, 0x0b, 0x03, 0xf6, 0x0b}};
const struct odj_guid odj_guid_cert_provider = {
	0x9c0971e9, 0x832f, 0x4873, {0x8e, 0x87, 0xef, 0x14, 0x19, 0xd4, 0x78, 0x1e}};
const struct odj_guid odj_guid_policy_provider = {
	0x68fb602a, 0x0c09, 0x48ce, {0xb7, 0x5f, 0x07, 0xb7, 0xbd, 0x58, 0xf7, 0xec}};

const struct odj_guid odj_guid_linux_provider = {
	0xee3c23a1, 0xbbbe, 0x4990, {0x91, 0x3a, 0xf2, 0x71, 0xf2, 0xe2, 0x41, 0x90}};

const char *odj_part_kind_name(enum odj_part_kind kind)
{
	switch (kind) {
	case ODJ_PART_JOIN_PROVIDER: return "JOIN_PROVIDER";
	case ODJ_PART_JOIN_PROVIDER2: return "JOIN_PROVIDER2";
	case ODJ_PART_JOIN_PROVIDER3: return "JOIN_PROVIDER3";
	case ODJ_PART_JOIN_PROVIDER4: return "JOIN_PROVIDER4";
	case ODJ_PART_CERT: return "CERT_PROVIDER";
	case ODJ_PART_POLICY: return "POLICY_PROVIDER";
	case ODJ_PART_LINUX: return "ODJ_LINUX_PROVIDER";
	case ODJ_PART_UNKNOWN: break;
	}
	return NULL;
}

char *odj_guid_string(TALLOC_CTX *mem, const struct odj_guid *g)
{
	return talloc_asprintf(mem, "%08" PRIx32 "-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			       g->d1, g->d2, g->d3, g->d4[0], g->d4[1], g->d4[2], g->d4[3],
			       g->d4[4], g->d4[5], g->d4[6], g->d4[7]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool odj_guid_parse(const char *s, struct odj_guid *g)
{
	size_t len = strlen(s);
	if (len == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		len = 36;
	}
	if (len != 36)
		return false;
	uint8_t b[16];
	size_t n = 0;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			continue;
		}
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		b[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	g->d1 = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	g->d2 = (uint16_t)(b[4] << 8 | b[5]);
	g->d3 = (uint16_t)(b[6] << 8 | b[7]);
	memcpy(g->d4, b + 8, 8);
	return true;
}

bool odj_guid_equal(const struct odj_guid *a, const struct odj_guid *b)
{
	return a->d1 == b->d1 && a->d2 == b->d2 && a->d3 == b->d3 &&
	       memcmp(a->d4, b->d4, sizeof(a->d4)) == 0;
}

char *odj_sid_string(TALLOC_CTX *mem, const struct odj_sid *sid)
{
	uint64_t auth = 0;
	for (int i = 0; i < 6; i++)
		auth = auth << 8 | sid->id_auth[i];
	char *s = talloc_asprintf(mem, "S-%u-%" PRIu64, sid->revision, auth);
	for (unsigned i = 0; s != NULL && i < sid->num_auths && i < ODJ_SID_MAX_SUB_AUTHS; i++)
		s = talloc_asprintf_append(s, "-%" PRIu32, sid->sub_auths[i]);
	return s;
}

static bool parse_u64(const char **s, uint64_t max, uint64_t *v)
{
	if (!isdigit((unsigned char)**s))
		return false;
	errno = 0;
	char *end;
	unsigned long long x = strtoull(*s, &end, 10);
	if (errno != 0 || x > max)
		return false;
	*v = x;
	*s = end;
	return true;
}

bool odj_sid_parse(const char *s, struct odj_sid *sid)
{
	uint64_t v;
	memset(sid, 0, sizeof(*sid));
	if ((s[0] != 'S' && s[0] != 's') || s[1] != '-')
		return false;
	s += 2;
	if (!parse_u64(&s, 255, &v) || *s != '-')
		return false;
	sid->revision = (uint8_t)v;
	s++;
	if (!parse_u64(&s, 0xFFFFFFFFFFFFull, &v))
		return false;
	for (int i = 5; i >= 0; i--, v >>= 8)
		sid->id_auth[i] = (uint8_t)v;
	while (*s == '-') {
		s++;
		if (sid->num_auths == ODJ_SID_MAX_SUB_AUTHS || !parse_u64(&s, UINT32_MAX, &v))
			return false;
		sid->sub_auths[sid->num_auths++] = (uint32_t)v;
	}
	return *s == '\0';
}

char *odj_dc_flags_string(TALLOC_CTX *mem, uint32_t flags)
{
	char *s = talloc_strdup(mem, "");
	uint32_t rest = flags;
	for (size_t i = 0; s != NULL && i < odj_dcflag_count(); i++) {
		const struct odj_dcflag *f = odj_dcflag_at(i);
		if (!(flags & f->bit))
			continue;
		/* the one table's SDK name without "DS_" and "_FLAG": DS_WRITABLE_FLAG -> WRITABLE */
		const char *name = f->name + 3;
		s = talloc_asprintf_append(s, "%s%.*s", *s ? "|" : "", (int)(strlen(name) - 5), name);
		rest &= ~f->bit;
	}
	if (s != NULL && rest != 0)
		s = talloc_asprintf_append(s, "%s0x%08" PRIx32, *s ? "|" : "", rest);
	return s;
}

bool odj_sid_from_binary(struct odj_sid *sid, const uint8_t *p, size_t len)
{
	memset(sid, 0, sizeof(*sid));
	if (p == NULL || len < 8)
		return false;
	uint8_t count = p[1];
	if (p[0] != 1 || count > ODJ_SID_MAX_SUB_AUTHS || len != 8 + 4 * (size_t)count)
		return false;
	sid->revision = p[0];
	sid->num_auths = count;
	memcpy(sid->id_auth, p + 2, 6);
	for (unsigned i = 0; i < count; i++) {
		const uint8_t *s = p + 8 + 4 * i;
		sid->sub_auths[i] = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 |
				    (uint32_t)s[3] << 24;
	}
	return true;
}

void odj_guid_from_wire(struct odj_guid *g, const uint8_t w[16])
{
	g->d1 = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
	g->d2 = (uint16_t)(w[4] | w[5] << 8);
	g->d3 = (uint16_t)(w[6] | w[7] << 8);
	memcpy(g->d4, w + 8, 8);
}
