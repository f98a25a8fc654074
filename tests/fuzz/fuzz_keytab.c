/*
 * A keytab found in a target root (an image may hold anything) through the
 * parser; whatever parses must write and parse again to the same entries.
 * Covers: libjoin/apply/keytab.c
 */
#include <string.h>

#include <odj/keytab.h>
#include <odj/odj.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_keytab *kt, *again;
	struct odj_secret *out;
	if (odj_keytab_parse(ctx, mem, data, size, &kt) == ODJ_OK) {
		if (odj_keytab_serialize(ctx, mem, kt, &out) != ODJ_OK ||
		    odj_keytab_parse(ctx, mem, odj_secret_data(out), odj_secret_len(out), &again) !=
			    ODJ_OK ||
		    again->n != kt->n)
			__builtin_trap();
		for (size_t i = 0; i < kt->n; i++) {
			const struct odj_keytab_entry *a = &kt->entries[i], *b = &again->entries[i];
			if (a->kvno != b->kvno || a->enctype != b->enctype ||
			    !odj_secret_equal(a->key, b->key) ||
			    strcmp(odj_keytab_principal(mem, a), odj_keytab_principal(mem, b)) != 0)
				__builtin_trap();
		}
	}
	talloc_free(mem);
	return 0;
}
