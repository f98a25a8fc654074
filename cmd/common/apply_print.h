/* What odj-apply prints: the join it committed (or would commit), for a person or as JSON. */
#ifndef ODJ_CLI_APPLY_PRINT_H
#define ODJ_CLI_APPLY_PRINT_H

#include <odj/apply.h>

#include "cli.h"

/*
 * extra_warnings: the front end's own (a blob readable by others).  With
 * error non-NULL the JSON object carries it ("ok": false).
 */
void cli_print_apply(const struct odj_apply_req *req, char *const *extra_warnings, size_t n_extra);
void cli_print_apply_json(const struct odj_apply_req *req, char *const *extra_warnings,
			  size_t n_extra, json_object *error);

#endif
