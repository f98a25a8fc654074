/*
 * A DNS answer message through the SRV parser, as a name server (or anyone
 * spoofing one) could send it.
 * Covers: libjoin/dc/dns_srv_parse.c
 */
#include <string.h>

#include <odj/locate.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_srv_list *list;
	if (odj_dns_srv_parse(ctx, mem, data, size, &list) == ODJ_OK) {
		/* Every record must be whole and in order. */
		for (size_t i = 0; i < list->count; i++) {
			if (strlen(list->records[i].target) == 0)
				__builtin_trap();
			if (i > 0 && list->records[i - 1].priority > list->records[i].priority)
				__builtin_trap();
		}
	}
	talloc_free(mem);
	return 0;
}
