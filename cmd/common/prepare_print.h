/* What odj-prepare prints: --check, one provision and a bulk run, for a person or as JSON. */
#ifndef ODJ_CLI_PREPARE_PRINT_H
#define ODJ_CLI_PREPARE_PRINT_H

#include <odj/bulk.h>
#include <odj/dc.h>

#include "cli.h"

void cli_print_check(const struct odj_check_req *r, bool ok);
void cli_print_check_json(const struct odj_check_req *r, const struct odj_ctx *ctx, bool ok);

void cli_print_provision(const struct odj_provision_req *p, bool ok);
void cli_print_provision_json(const struct odj_provision_req *p, const struct odj_ctx *ctx,
			      bool ok);

/* rate: accounts per second after the session was set up. */
void cli_print_bulk(const struct odj_bulk_req *b, double rate);
/* A bulk run's end: the summary (or the JSON object, marked printed) with the creation rate. */
void cli_print_bulk_result(struct cli *cli, const struct odj_bulk_req *b, odj_result r);
void cli_print_bulk_json(const struct odj_bulk_req *b, double rate, const struct odj_ctx *ctx,
			 odj_result r);

#endif
