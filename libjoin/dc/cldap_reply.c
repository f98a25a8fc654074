/*
 * The reply datagram of a netlogon ping: LDAP messages back to back
 * (SearchResultEntry with the netlogon attribute, SearchResultDone).
 */
#include <lber.h>
#include <ldap.h>
#include <string.h>
#include <strings.h>

#include <odj/locate.h>

static odj_result no_memory(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

static odj_result bad_reply(struct odj_ctx *ctx, size_t at, size_t len, const char *what)
{
	odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA, "the DC's LDAP ping reply is malformed: %s",
		 what);
	odj_error_detail(ctx, "at offset %zu of %zu bytes", at, len);
	return ODJ_E_NETWORK;
}

/*
 * Length of the DER element (a SEQUENCE) at p, header included, or 0 if it
 * is not one or does not fit in avail bytes.
 */
static size_t der_sequence_size(const uint8_t *p, size_t avail)
{
	if (avail < 2 || p[0] != 0x30)
		return 0;
	size_t header = 2, body;
	if (p[1] < 0x80) {
		body = p[1];
	} else {
		size_t n = p[1] & 0x7f;
		if (n == 0 || n > 4 || avail < 2 + n)
			return 0;
		body = 0;
		for (size_t i = 0; i < n; i++)
			body = body << 8 | p[2 + i];
		header += n;
	}
	if (body > avail - header)
		return 0;
	return header + body;
}

struct reply_state {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	uint8_t *netlogon;
	size_t netlogon_len;
	bool done;
};

/* SearchResultEntry: dn, then attributes { type, SET OF value }. */
static bool take_entry(struct reply_state *st, BerElement *ber)
{
	struct berval dn;
	if (ber_scanf(ber, "{m", &dn) == LBER_ERROR)
		return false;
	ber_len_t len;
	char *attrs_end;
	for (ber_tag_t t = ber_first_element(ber, &len, &attrs_end); t != LBER_DEFAULT;
	     t = ber_next_element(ber, &len, attrs_end)) {
		struct berval type;
		if (ber_scanf(ber, "{m", &type) == LBER_ERROR)
			return false;
		bool wanted = type.bv_len == 8 && strncasecmp(type.bv_val, "netlogon", 8) == 0;
		char *values_end;
		for (ber_tag_t v = ber_first_element(ber, &len, &values_end); v != LBER_DEFAULT;
		     v = ber_next_element(ber, &len, values_end)) {
			struct berval value;
			if (ber_scanf(ber, "m", &value) == LBER_ERROR)
				return false;
			if (wanted && st->netlogon == NULL) {
				/* An empty value still counts as an entry. */
				st->netlogon = talloc_memdup(st->mem, value.bv_val,
							     value.bv_len ? value.bv_len : 1);
				if (st->netlogon == NULL)
					return false;
				st->netlogon_len = value.bv_len;
			}
		}
	}
	return true;
}

odj_result odj_cldap_reply_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, int msgid,
				 const uint8_t *datagram, size_t len, uint8_t **netlogon,
				 size_t *netlogon_len, bool *done)
{
	struct reply_state st = {.ctx = ctx, .mem = mem};
	*netlogon = NULL;
	*netlogon_len = 0;
	*done = false;
	if (datagram == NULL || len == 0)
		return bad_reply(ctx, 0, 0, "an empty datagram");

	for (size_t pos = 0; pos < len;) {
		size_t size = der_sequence_size(datagram + pos, len - pos);
		if (size == 0) {
			talloc_free(st.netlogon);
			return bad_reply(ctx, pos, len, "not an LDAP message");
		}
		struct berval bv = {.bv_len = size, .bv_val = (char *)(uintptr_t)(datagram + pos)};
		BerElement *ber = ber_init(&bv);
		if (ber == NULL) {
			talloc_free(st.netlogon);
			return no_memory(ctx);
		}
		ber_int_t id = 0, code = 0;
		ber_len_t oplen;
		bool ok = ber_scanf(ber, "{i", &id) != LBER_ERROR;
		ber_tag_t op = ok ? ber_peek_tag(ber, &oplen) : LBER_DEFAULT;
		struct berval matched = {0}, diag = {0};
		if (!ok || op == LBER_DEFAULT) {
			ok = false;
		} else if (id != msgid) {
			/* an answer to an earlier try or another request: not ours */
		} else if (op == LDAP_RES_SEARCH_ENTRY) {
			ok = take_entry(&st, ber);
		} else if (op == LDAP_RES_SEARCH_RESULT) {
			ok = ber_scanf(ber, "{emm", &code, &matched, &diag) != LBER_ERROR;
			st.done = ok;
		}
		char *diag_text = ok && code != 0 ? talloc_strndup(mem, diag.bv_val, diag.bv_len) : NULL;
		ber_free(ber, 1);
		if (!ok) {
			talloc_free(st.netlogon);
			return bad_reply(ctx, pos, len, "an LDAP message that cannot be decoded");
		}
		if (code != 0) {
			talloc_free(st.netlogon);
			odj_fail(ctx, ODJ_E_DIRECTORY, ODJ_ERROR_NO_SUCH_DOMAIN,
				 "the DC refused the LDAP ping: %s (LDAP result %d)",
				 ldap_err2string(code), (int)code);
			if (diag_text != NULL && diag_text[0] != '\0')
				odj_error_detail(ctx, "%s", diag_text);
			odj_error_source(ctx, ODJ_SRC_LDAP, code);
			talloc_free(diag_text);
			return ODJ_E_DIRECTORY;
		}
		pos += size;
	}
	*netlogon = st.netlogon;
	*netlogon_len = st.netlogon_len;
	*done = st.done;
	return ODJ_OK;
}
