/*
 * odj-apply's side of signed and sealed blobs: the target's trust policy
 * (the .pub files in ROOT/etc/odj/trusted.d) and its pending request
 * (ROOT/var/lib/odj/request.key) decide whether the file read is applied,
 * before anything is planned.  The request key is removed only after the
 * join is committed.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <odj/seal.h>

#include "apply_internal.h"

#define TRUSTED_DIR "etc/odj/trusted.d"

odj_result odj_apply_open_envelope(struct odj_ctx *ctx, TALLOC_CTX *mem, TALLOC_CTX *out_mem,
				   struct odj_apply_req *req,
				   const char *root, const char *name, struct odj_secret **file,
				   struct apply_envelope *out)
{
	memset(out, 0, sizeof(*out));
	const char *sep = root[strlen(root) - 1] == '/' ? "" : "/";
	char *dir = talloc_asprintf(mem, "%s%s%s", root, sep, TRUSTED_DIR);
	if (dir == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	struct odj_trusted_keys *trusted;
	odj_result r = odj_trusted_keys_load(ctx, mem, dir, &trusted);
	if (r != ODJ_OK)
		return r;
	struct odj_envelope_open o = ODJ_ENVELOPE_OPEN_INIT;
	o.in.file = odj_secret_data(*file);
	o.in.len = odj_secret_len(*file);
	o.in.name = name;
	o.in.root = root;
	o.in.trusted = trusted;
	o.in.now = req->in.now;
	r = odj_envelope_open(ctx, mem, &o);
	if (r != ODJ_OK)
		return r;
	*file = o.out.blob_file;
	out->was_envelope = o.out.was_envelope;
	out->sealed = o.out.was_envelope && o.out.kind == ODJ_ENVELOPE_SEALED;
	out->request_key_used = o.out.request_key_used;
	snprintf(out->machine, sizeof(out->machine), "%s", o.out.machine);
	if (!o.out.was_envelope) {
		odj_apply_push(out_mem, &req->out.notes, &req->out.n_notes,
			       "signature: the blob is not signed (no key in %s/%s requires one)",
			       strcmp(root, "/") == 0 ? "" : root, TRUSTED_DIR);
		return ODJ_OK;
	}
	if (o.out.signer_path != NULL)
		odj_apply_push(out_mem, &req->out.notes, &req->out.n_notes,
			       "signature: %s blob signed by key %s (trusted: %s)",
			       out->sealed ? "sealed" : "signed", o.out.signer, o.out.signer_path);
	else
		odj_apply_push(out_mem, &req->out.warnings, &req->out.n_warnings,
			       "signature: %s blob signed by key %s, which nothing on this target vouches "
			       "for (no key in %s); install the provisioning key's .pub there to require it",
			       out->sealed ? "sealed" : "signed", o.out.signer, TRUSTED_DIR);
	return ODJ_OK;
}

odj_result odj_apply_envelope_machine(struct odj_ctx *ctx, const struct apply_envelope *env,
				      const char *blob_machine)
{
	if (!env->was_envelope || strcasecmp(env->machine, blob_machine) == 0)
		return ODJ_OK;
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
		 "The envelope was made for machine %s, but the blob inside it joins %s.", env->machine,
		 blob_machine);
	odj_error_advice(ctx, "The signer wrapped another machine's blob: do not apply it.");
	return ODJ_E_INPUT;
}
