/* What odj-inspect prints: a provisioning blob or a bundle's manifest, for a person or as JSON. */
#ifndef ODJ_CLI_BLOB_PRINT_H
#define ODJ_CLI_BLOB_PRINT_H

#include <odj/blob.h>
#include <odj/bundle.h>

#include "cli.h"

#define CLI_REDACTED "<redacted>"

/* NETSETUP_PROVISION_* names of the Options bits, "|"-separated ("" for none). */
char *cli_options_string(TALLOC_CTX *mem, uint32_t options);

/* The part's type name; a known type that was not decoded is "DAMAGED". */
const char *cli_part_name(const struct odj_part *part);

/* A FILETIME (100 ns since 1601) as UTC ISO 8601; out-of-range values as the number. */
char *cli_filetime_string(TALLOC_CTX *mem, uint64_t ft);

void cli_print_blob(TALLOC_CTX *mem, const struct odj_provision *prov);
/* envelope (taken; may be NULL): the signed envelope the blob came in (seal_print.h). */
void cli_print_blob_json(TALLOC_CTX *mem, const struct odj_provision *prov, json_object *envelope);

void cli_print_manifest(const struct odj_bundle_manifest *m);
void cli_print_manifest_json(const struct odj_bundle_manifest *m);

#endif
