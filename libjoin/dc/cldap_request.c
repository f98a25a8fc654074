/*
 * The LDAP search request of a netlogon ping ([MS-ADTS] 6.3.3), built with
 * liblber because Debian's libldap has no cldap://.
 */
#include <lber.h>
#include <ldap.h>

#include <odj/locate.h>

static odj_result no_memory(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

odj_result odj_cldap_request_encode(struct odj_ctx *ctx, TALLOC_CTX *mem, int msgid,
				    const char *domain, const char *user, uint32_t aac,
				    uint32_t ntver, uint8_t **out, size_t *out_len)
{
	if (domain == NULL || msgid <= 0)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"LDAP ping request without a domain or message id");
	/* NtVer and AAC are little-endian 32-bit values sent as octet strings. */
	char ntver_le[4], aac_le[4];
	for (int i = 0; i < 4; i++) {
		ntver_le[i] = (char)(ntver >> 8 * i & 0xff);
		aac_le[i] = (char)(aac >> 8 * i & 0xff);
	}
	const ber_tag_t eq = LDAP_FILTER_EQUALITY;

	BerElement *ber = ber_alloc_t(LBER_USE_DER);
	if (ber == NULL)
		return no_memory(ctx);
	int rc = ber_printf(ber, "{it{seeiib", (ber_int_t)msgid, (ber_tag_t)LDAP_REQ_SEARCH, "",
			    (ber_int_t)LDAP_SCOPE_BASE, (ber_int_t)LDAP_DEREF_NEVER, (ber_int_t)0,
			    (ber_int_t)0, (ber_int_t)0);
	if (rc != -1)
		rc = ber_printf(ber, "t{", (ber_tag_t)LDAP_FILTER_AND);
	if (rc != -1)
		rc = ber_printf(ber, "t{ss}", eq, "DnsDomain", domain);
	if (rc != -1)
		rc = ber_printf(ber, "t{so}", eq, "NtVer", ntver_le, (ber_len_t)sizeof(ntver_le));
	if (rc != -1 && user != NULL)
		rc = ber_printf(ber, "t{ss}", eq, "User", user);
	if (rc != -1 && user != NULL)
		rc = ber_printf(ber, "t{so}", eq, "AAC", aac_le, (ber_len_t)sizeof(aac_le));
	if (rc != -1)
		rc = ber_printf(ber, "N}{sN}N}N}", "Netlogon");
	struct berval *bv = NULL;
	if (rc == -1 || ber_flatten(ber, &bv) != 0 || bv == NULL) {
		ber_free(ber, 1);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"cannot encode the LDAP ping request");
	}
	ber_free(ber, 1);
	*out = talloc_memdup(mem, bv->bv_val, bv->bv_len);
	*out_len = bv->bv_len;
	ber_bvfree(bv);
	return *out ? ODJ_OK : no_memory(ctx);
}
