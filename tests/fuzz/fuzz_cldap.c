/*
 * A CLDAP reply datagram through the reply parser and the netlogon decoder,
 * and the same bytes straight into the decoder, as a DC could send them.
 * Covers: libjoin/dc/cldap_reply.c libjoin/dc/netlogon.c
 */
#include <odj/locate.h>

#include "fuzz.h"

static void decode_and_check(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *blob, size_t len)
{
	static const uint32_t ntvers[] = {
		ODJ_NETLOGON_NT_VERSION_DEFAULT,
		ODJ_NETLOGON_NT_VERSION_DEFAULT | ODJ_NETLOGON_NT_VERSION_5EX_WITH_IP |
			ODJ_NETLOGON_NT_VERSION_WITH_CLOSEST_SITE,
	};
	for (size_t i = 0; i < sizeof(ntvers) / sizeof(ntvers[0]); i++) {
		struct odj_netlogon_info *info;
		if (odj_netlogon_decode(ctx, mem, blob, len, ntvers[i], &info) != ODJ_OK)
			continue;
		char guid[37];
		odj_netlogon_guid_string(info, guid);
		odj_netlogon_check_dc(ctx, info, "odj.test", NULL);
		talloc_free(odj_dcflags_names(mem, info->flags, NULL));
		talloc_free(odj_error_format(mem, ctx));
		talloc_free(info);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	uint8_t *netlogon;
	size_t netlogon_len;
	bool done;
	/* The recorded replies carry message id 0x1267. */
	if (odj_cldap_reply_parse(ctx, mem, 0x1267, data, size, &netlogon, &netlogon_len, &done) ==
		    ODJ_OK &&
	    netlogon != NULL)
		decode_and_check(ctx, mem, netlogon, netlogon_len);
	decode_and_check(ctx, mem, data, size);
	talloc_free(mem);
	return 0;
}
