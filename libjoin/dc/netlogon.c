/*
 * NETLOGON_SAM_LOGON_RESPONSE_EX ([MS-ADTS] 6.3.1.9): the value of the
 * netlogon attribute a DC returns to an LDAP ping, and the check that the
 * DC answering it can create computer accounts.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <odj/locate.h>

/* RFC 1035 limits: a name is at most 255 bytes on the wire, a label 63. */
#define NAME_MAX_TEXT 255
#define LABEL_MAX 63

struct reader {
	struct odj_ctx *ctx;
	const uint8_t *blob;
	size_t len;
	size_t pos;
};

static odj_result bad_blob(struct reader *r, size_t at, const char *what)
{
	odj_fail(r->ctx, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA,
		 "the DC's netlogon reply is malformed: %s", what);
	odj_error_detail(r->ctx, "at offset %zu of %zu bytes", at, r->len);
	return ODJ_E_NETWORK;
}

static odj_result read_u16(struct reader *r, const char *field, uint16_t *v)
{
	if (r->len - r->pos < 2)
		return bad_blob(r, r->pos, field);
	*v = (uint16_t)(r->blob[r->pos] | r->blob[r->pos + 1] << 8);
	r->pos += 2;
	return ODJ_OK;
}

static odj_result read_u32(struct reader *r, const char *field, uint32_t *v)
{
	if (r->len - r->pos < 4)
		return bad_blob(r, r->pos, field);
	const uint8_t *p = r->blob + r->pos;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	r->pos += 4;
	return ODJ_OK;
}

/* A label byte we accept in a name: printable ASCII except '.', or UTF-8. */
static bool label_byte_ok(uint8_t c)
{
	return c >= 0x20 && c != 0x7f && c != '.';
}

/*
 * Reads one compressed name at r->pos and advances past it (past the first
 * pointer, if any).  A pointer must point before the start of the part
 * of the name read so far, so every jump goes further back and the walk ends.
 */
static odj_result read_name(struct reader *r, TALLOC_CTX *mem, const char *field, char **out)
{
	char text[NAME_MAX_TEXT + 1];
	size_t text_len = 0;
	size_t pos = r->pos;
	size_t limit = r->pos; /* pointers must point below this */
	size_t resume = 0; /* where the reader continues; 0: not yet known */
	size_t wire_len = 0;

	for (;;) {
		if (pos >= r->len)
			return bad_blob(r, pos, field);
		uint8_t b = r->blob[pos];
		if ((b & 0xc0) == 0xc0) {
			if (r->len - pos < 2)
				return bad_blob(r, pos, field);
			size_t target = (size_t)(b & 0x3f) << 8 | r->blob[pos + 1];
			if (target >= limit)
				return bad_blob(r, pos, "a name pointer that does not point backwards");
			if (resume == 0)
				resume = pos + 2;
			pos = limit = target;
			continue;
		}
		if ((b & 0xc0) != 0)
			return bad_blob(r, pos, "a reserved label type");
		if (b == 0) {
			if (resume == 0)
				resume = pos + 1;
			break;
		}
		if (b > LABEL_MAX || r->len - pos - 1 < b)
			return bad_blob(r, pos, field);
		wire_len += 1u + b;
		if (wire_len + 1 > NAME_MAX_TEXT)
			return bad_blob(r, pos, "a name longer than 255 bytes");
		if (text_len > 0)
			text[text_len++] = '.';
		for (size_t i = 0; i < b; i++) {
			uint8_t c = r->blob[pos + 1 + i];
			if (!label_byte_ok(c))
				return bad_blob(r, pos + 1 + i, "a control character or dot in a label");
			text[text_len++] = (char)c;
		}
		pos += 1u + b;
	}
	text[text_len] = '\0';
	r->pos = resume;
	*out = talloc_strndup(mem, text, text_len);
	if (*out == NULL)
		return odj_fail(r->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	return ODJ_OK;
}

/* DcSockAddr: a sockaddr_in, family and port little-endian as Windows sends it. */
static odj_result read_sockaddr(struct reader *r, struct odj_netlogon_info *info)
{
	if (r->pos >= r->len)
		return bad_blob(r, r->pos, "DcSockAddrSize");
	size_t size = r->blob[r->pos++];
	if (r->len - r->pos < size)
		return bad_blob(r, r->pos, "DcSockAddr");
	const uint8_t *sa = r->blob + r->pos;
	if (size >= 8 && (sa[0] | sa[1] << 8) == 2 /* AF_INET */) {
		snprintf(info->dc_address, sizeof(info->dc_address), "%u.%u.%u.%u", sa[4], sa[5],
			 sa[6], sa[7]);
		info->has_dc_address = true;
	}
	r->pos += size;
	return ODJ_OK;
}

odj_result odj_netlogon_decode(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *blob,
			       size_t len, uint32_t request_ntver, struct odj_netlogon_info **out)
{
	struct reader r = {.ctx = ctx, .blob = blob, .len = blob ? len : 0};
	struct odj_netlogon_info *info = talloc_zero(mem, struct odj_netlogon_info);
	if (info == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	uint16_t sbz;
	odj_result rc = read_u16(&r, "Opcode", &info->opcode);
	if (rc == ODJ_OK && info->opcode != ODJ_LOGON_SAM_LOGON_RESPONSE_EX &&
	    info->opcode != ODJ_LOGON_SAM_PAUSE_RESPONSE_EX &&
	    info->opcode != ODJ_LOGON_SAM_USER_UNKNOWN_EX) {
		rc = bad_blob(&r, 0, "not a NETLOGON_SAM_LOGON_RESPONSE_EX");
		odj_error_detail(ctx, "opcode %u", info->opcode);
	}
	if (rc == ODJ_OK)
		rc = read_u16(&r, "Sbz", &sbz);
	if (rc == ODJ_OK)
		rc = read_u32(&r, "Flags", &info->flags);
	if (rc == ODJ_OK) {
		if (r.len - r.pos < sizeof(info->domain_guid)) {
			rc = bad_blob(&r, r.pos, "DomainGuid");
		} else {
			memcpy(info->domain_guid, blob + r.pos, sizeof(info->domain_guid));
			r.pos += sizeof(info->domain_guid);
		}
	}
	struct {
		const char *field;
		char **dest;
	} names[] = {
		{"DnsForestName", &info->forest},
		{"DnsDomainName", &info->domain},
		{"DnsHostName", &info->dc_host},
		{"NetbiosDomainName", &info->netbios_domain},
		{"NetbiosComputerName", &info->netbios_computer},
		{"UserName", &info->user},
		{"DcSiteName", &info->dc_site},
		{"ClientSiteName", &info->client_site},
	};
	for (size_t i = 0; rc == ODJ_OK && i < sizeof(names) / sizeof(names[0]); i++)
		rc = read_name(&r, info, names[i].field, names[i].dest);
	if (rc == ODJ_OK && (request_ntver & ODJ_NETLOGON_NT_VERSION_5EX_WITH_IP))
		rc = read_sockaddr(&r, info);
	/*
	 * NextClosestSiteName may be left out even when asked for (Samba 4.17
	 * does), so it is there only if more than the 8-byte trailer follows.
	 */
	if (rc == ODJ_OK && (request_ntver & ODJ_NETLOGON_NT_VERSION_WITH_CLOSEST_SITE) &&
	    r.len - r.pos > 8)
		rc = read_name(&r, info, "NextClosestSiteName", &info->next_closest_site);
	if (rc == ODJ_OK)
		rc = read_u32(&r, "NtVersion", &info->nt_version);
	if (rc == ODJ_OK)
		rc = read_u16(&r, "LmNtToken", &info->lm_nt_token);
	if (rc == ODJ_OK)
		rc = read_u16(&r, "Lm20Token", &info->lm20_token);
	if (rc != ODJ_OK) {
		talloc_free(info);
		return rc;
	}
	info->user_exists = info->opcode != ODJ_LOGON_SAM_USER_UNKNOWN_EX;
	*out = info;
	return ODJ_OK;
}

void odj_netlogon_guid_string(const struct odj_netlogon_info *info, char buf[37])
{
	const uint8_t *g = info->domain_guid;
	snprintf(buf, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3],
		 g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
		 g[14], g[15]);
}

odj_result odj_netlogon_check_dc(struct odj_ctx *ctx, const struct odj_netlogon_info *info,
				 const char *domain, const char *dc)
{
	if (dc == NULL)
		dc = info->dc_host && info->dc_host[0] ? info->dc_host : "the DC";
	if (info->opcode == ODJ_LOGON_SAM_PAUSE_RESPONSE_EX) {
		odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND,
			 "the netlogon service of %s is paused", dc);
		odj_error_advice(ctx, "choose another DC, or resume netlogon on %s", dc);
		return ODJ_E_NETWORK;
	}
	if (domain != NULL && (info->domain == NULL || strcasecmp(info->domain, domain) != 0)) {
		odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_SUCH_DOMAIN,
			 "%s does not serve %s (it answers for '%s')", dc, domain,
			 info->domain ? info->domain : "");
		return ODJ_E_NETWORK;
	}
	uint32_t missing = ODJ_DC_REQUIRED_FLAGS & ~info->flags;
	if (missing == 0)
		return ODJ_OK;
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *names = odj_dcflags_names(tmp, missing, ", ");
	const char *why = (missing & ODJ_DS_WRITABLE_FLAG) ? "not a writable domain controller"
							   : "not a full domain controller";
	odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_ERROR_INVALID_DOMAIN_ROLE,
		 "%s is %s: its netlogon flags lack %s", dc, why, names ? names : "?");
	odj_error_detail(ctx, "flags 0x%08x (%s)", info->flags,
			 odj_dcflags_names(tmp, info->flags, "|"));
	odj_error_advice(ctx, "%s", (missing & ODJ_DS_WRITABLE_FLAG)
					   ? "name a writable DC (not an RODC) with domain\\dc or --dc"
					   : "name a domain controller of the domain with domain\\dc or --dc");
	talloc_free(tmp);
	return ODJ_E_DIRECTORY;
}
