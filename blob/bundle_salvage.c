/*
 * Salvage of an unfinished bundle: the blobs a run flushed into its partial
 * file before it died.  There is no manifest yet, so each entry is rebuilt
 * from the blob it describes.
 */
#include <string.h>
#include <strings.h>

#include <odj/blob.h>
#include <odj/bundle.h>

#include "bundle_walk.h"

#define BLOB_SUFFIX ".odj"

struct salvage {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	odj_bundle_each_fn fn;
	void *priv;
	size_t count;
};

static odj_result damaged(struct odj_ctx *ctx, const char *name, const char *why)
{
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
		 "the member %s of the unfinished bundle is not a blob odj can carry over", name);
	odj_error_detail(ctx, "%s", why);
	return ODJ_E_INPUT;
}

static odj_result salvage_member(void *priv, const char *name, const uint8_t *data, size_t len)
{
	struct salvage *sv = priv;
	size_t nlen = strlen(name), slen = strlen(BLOB_SUFFIX);
	if (nlen <= slen || strcmp(name + nlen - slen, BLOB_SUFFIX) != 0)
		return ODJ_OK; /* the reader allows only NAME.odj and the manifest */
	TALLOC_CTX *tmp = talloc_new(sv->mem);
	struct odj_provision *prov = NULL;
	odj_result r = odj_blob_load(sv->ctx, tmp, data, len, &prov);
	if (r != ODJ_OK) {
		const char *why = talloc_strdup(tmp, odj_error_get(sv->ctx)->message);
		odj_error_clear(sv->ctx);
		r = damaged(sv->ctx, name, why ? why : "it does not decode");
		talloc_free(tmp);
		return r;
	}
	const struct odj_win7blob *w7 = odj_provision_win7(prov);
	const struct odj_joinprov3 *jp3 = odj_provision_joinprov3(prov);
	const struct odj_linux_part *lp = odj_provision_linux_part(prov);
	/* lpMachineName is "NAME" or "NAME$"; the member is "NAME.odj" */
	char *machine = talloc_strndup(tmp, name, nlen - slen);
	size_t mlen = w7 && w7->machine_name ? strcspn(w7->machine_name, "$") : 0;
	if (w7 == NULL || mlen != strlen(machine) || strncasecmp(w7->machine_name, machine, mlen) != 0) {
		r = damaged(sv->ctx, name, "its lpMachineName does not name the member's machine");
		talloc_free(tmp);
		return r;
	}
	struct odj_bundle_machine m = {
		.machine = machine,
		.dns_host_name = lp ? lp->dns_host_name : NULL,
		.sid = jp3 ? jp3->sid : NULL,
		.kvno = lp ? lp->kvno : 0,
		.file = name,
	};
	r = sv->fn(sv->priv, &m, data, len);
	if (r == ODJ_OK)
		sv->count++;
	talloc_free(tmp);
	return r;
}

odj_result odj_bundle_salvage(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *partial,
			      size_t len, odj_bundle_each_fn fn, void *priv, size_t *count)
{
	struct salvage sv = {.ctx = ctx, .mem = mem, .fn = fn, .priv = priv};
	odj_result r = odj_bundle_walk(ctx, mem, partial, len, true, salvage_member, &sv);
	if (count != NULL)
		*count = sv.count;
	return r;
}
