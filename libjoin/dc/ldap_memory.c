/*
 * liblber memory that is wiped when freed.  libldap encodes an add with
 * unicodePwd into its own buffers (the BER of the request, the SASL input),
 * which it frees without wiping: with these allocator functions every
 * liblber/libldap buffer is zeroed before it goes back to malloc.
 */
#include <lber.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <odj/prepare.h>
#include <odj/secret.h>

/* Each block starts with its size; 16 bytes keep malloc's alignment. */
#define HDR 16

static void *wipe_malloc(ber_len_t size, void *ctx)
{
	(void)ctx;
	if (size > SIZE_MAX - HDR)
		return NULL;
	unsigned char *p = malloc(HDR + size);
	if (p == NULL)
		return NULL;
	memcpy(p, &size, sizeof(size));
	return p + HDR;
}

static void wipe_free(void *q, void *ctx)
{
	(void)ctx;
	if (q == NULL)
		return;
	unsigned char *p = (unsigned char *)q - HDR;
	ber_len_t size;
	memcpy(&size, p, sizeof(size));
	odj_wipe(p, HDR + size);
	free(p);
}

static void *wipe_calloc(ber_len_t n, ber_len_t size, void *ctx)
{
	if (size != 0 && n > (SIZE_MAX - HDR) / size)
		return NULL;
	void *p = wipe_malloc(n * size, ctx);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

static void *wipe_realloc(void *q, ber_len_t size, void *ctx)
{
	if (q == NULL)
		return wipe_malloc(size, ctx);
	if (size == 0) {
		wipe_free(q, ctx);
		return NULL;
	}
	ber_len_t old;
	memcpy(&old, (unsigned char *)q - HDR, sizeof(old));
	void *p = wipe_malloc(size, ctx);
	if (p == NULL)
		return NULL;
	memcpy(p, q, old < size ? old : size);
	wipe_free(q, ctx); /* a grown BER buffer leaves no copy behind */
	return p;
}

bool odj_ldap_wipe_on_free(void)
{
	static const BerMemoryFunctions fns = {wipe_malloc, wipe_calloc, wipe_realloc, wipe_free};
	return ber_set_option(NULL, LBER_OPT_MEMORY_FNS, &fns) == LBER_OPT_SUCCESS;
}
