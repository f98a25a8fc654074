/* Signed and sealed blobs' envelopes and requests, for a person or as JSON. */
#include <string.h>
#include <time.h>

#include "seal_print.h"

char *cli_unix_time_string(TALLOC_CTX *mem, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return talloc_asprintf(mem, "%lld", (long long)t);
	return talloc_strdup(mem, buf);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static const char *kind_name(enum odj_envelope_kind k)
{
	return k == ODJ_ENVELOPE_SEALED ? "sealed" : "signed";
}

void cli_print_envelope(TALLOC_CTX *mem, const struct odj_envelope *e)
{
	bool sealed = e->kind == ODJ_ENVELOPE_SEALED;
	printf("Envelope:                %s (%s)\n", kind_name(e->kind),
	       sealed ? "encrypted to one request's key; only that target can open it"
		      : "the blob inside is in clear, signed");
	printf("  Signer key id:         %s\n", odj_keyid_hex(mem, e->signer_keyid));
	if (sealed)
		printf("  Recipient key id:      %s (the request's key)\n",
		       odj_keyid_hex(mem, e->recipient_keyid));
	printf("  Machine:               %s\n", e->machine);
	printf("  Created:               %s\n", cli_unix_time_string(mem, e->created));
	printf("  Expires:               %s%s\n", cli_unix_time_string(mem, e->expires),
	       e->expires < (int64_t)time(NULL) ? " (expired)" : "");
	printf("  Payload:               %zu bytes%s\n", e->payload_len,
	       sealed ? ", encrypted (nothing of the blob is shown)" : "");
}

json_object *cli_envelope_json(TALLOC_CTX *mem, const struct odj_envelope *e)
{
	bool sealed = e->kind == ODJ_ENVELOPE_SEALED;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(kind_name(e->kind)));
	json_object_object_add(o, "signer_keyid", cli_jstr(odj_keyid_hex(mem, e->signer_keyid)));
	json_object_object_add(o, "recipient_keyid",
			       sealed && !all_zero(e->recipient_keyid, ODJ_KEYID_LEN)
				       ? cli_jstr(odj_keyid_hex(mem, e->recipient_keyid))
				       : NULL);
	json_object_object_add(o, "machine", cli_jstr(e->machine));
	json_object_object_add(o, "created", cli_jstr(cli_unix_time_string(mem, e->created)));
	json_object_object_add(o, "expires", cli_jstr(cli_unix_time_string(mem, e->expires)));
	json_object_object_add(o, "expired", json_object_new_boolean(e->expires < (int64_t)time(NULL)));
	json_object_object_add(o, "payload_size", json_object_new_int64((int64_t)e->payload_len));
	return o;
}

void cli_print_request(TALLOC_CTX *mem, const char *tool, const char *file,
		       const struct odj_request_create *req)
{
	const struct odj_request *r = req->out.request;
	FILE *out = strcmp(file, "-") == 0 ? stderr : stdout;
	fprintf(out, "%s: request for %s written to %s\n", tool, r->machine,
		strcmp(file, "-") == 0 ? "standard output" : file);
	fprintf(out, "  Request key id:        %s\n", odj_keyid_hex(mem, r->keyid));
	fprintf(out, "  Expires:               %s\n", cli_unix_time_string(mem, r->expires));
	fprintf(out, "  Private key file:      %s (0600, stays here; removed after the join)\n",
		req->out.key_path);
	fprintf(out, "Next: odj-prepare --for %s --signing-key KEY ... next to a DC, then odj-apply "
		     "--blob the sealed blob here.\n",
		strcmp(file, "-") == 0 ? "REQUEST" : file);
}

void cli_print_request_json(TALLOC_CTX *mem, const char *file, const struct odj_request_create *req)
{
	const struct odj_request *r = req->out.request;
	json_object *o = cli_json_result();
	json_object_object_add(o, "ok", json_object_new_boolean(true));
	json_object_object_add(o, "machine", cli_jstr(r->machine));
	json_object_object_add(o, "request_file", cli_jstr(strcmp(file, "-") == 0 ? NULL : file));
	json_object_object_add(o, "request_keyid", cli_jstr(odj_keyid_hex(mem, r->keyid)));
	json_object_object_add(o, "created", cli_jstr(cli_unix_time_string(mem, r->created)));
	json_object_object_add(o, "expires", cli_jstr(cli_unix_time_string(mem, r->expires)));
	json_object_object_add(o, "request_key", cli_jstr(req->out.key_path));
	cli_json_print(o);
}

/* --new-signing-key FILE: a provisioning signing key, and nothing else. */
odj_result cli_new_signing_key(struct cli *cli, const char *path)
{
	if (cli->n_own > 1 || cli->n_args > 0)
		return cli_bad_usage(cli, "--new-signing-key FILE takes no other option");
	uint8_t keyid[ODJ_KEYID_LEN];
	odj_result r = odj_signing_key_generate(cli->ctx, path, keyid);
	if (r != ODJ_OK)
		return r;
	char *pub = talloc_asprintf(cli->mem, "%s.pub", path);
	if (cli->json) {
		json_object *j = cli_json_result();
		json_object_object_add(j, "ok", json_object_new_boolean(true));
		json_object_object_add(j, "signing_key", cli_jstr(path));
		json_object_object_add(j, "public_key", cli_jstr(pub));
		json_object_object_add(j, "signer_keyid", cli_jstr(odj_keyid_hex(cli->mem, keyid)));
		cli_json_print(j);
		cli->json_printed = true;
	} else {
		printf("%s: signing key %s written to %s (0600, keep it secret) and %s (install it in "
		       "ROOT/etc/odj/trusted.d/ on the targets)\n", cli->tool->name,
		       odj_keyid_hex(cli->mem, keyid), path, pub);
	}
	return ODJ_OK;
}
