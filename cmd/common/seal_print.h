/* What the front ends print of signed and sealed blobs and of requests (odj/seal.h). */
#ifndef ODJ_CLI_SEAL_PRINT_H
#define ODJ_CLI_SEAL_PRINT_H

#include <odj/seal.h>

#include "cli.h"

/* Unix seconds as UTC ISO 8601 ("2026-12-02T17:00:00Z"). */
char *cli_unix_time_string(TALLOC_CTX *mem, int64_t t);

/* An envelope as read (no key is used, none is shown): kind, signer, recipient, machine, times. */
void cli_print_envelope(TALLOC_CTX *mem, const struct odj_envelope *e);
json_object *cli_envelope_json(TALLOC_CTX *mem, const struct odj_envelope *e);

/* odj-apply --request: where the request and its private key went. */
void cli_print_request(TALLOC_CTX *mem, const char *tool, const char *file,
		       const struct odj_request_create *req);
void cli_print_request_json(TALLOC_CTX *mem, const char *file, const struct odj_request_create *req);

/* odj-prepare --new-signing-key FILE: makes the key, says where its halves went. */
odj_result cli_new_signing_key(struct cli *cli, const char *path);

#endif
