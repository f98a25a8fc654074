/* odj-prepare's options for signed and sealed blobs and sealed bundles. */
#include <odj/bundle_seal.h>

#include "seal_options.h"

int cli_seal_for(struct cli *cli, void *field, const char *arg)
{
	struct cli_seal_options *s = field;
	if (s->n_fors == CLI_SEAL_MAX_FOR)
		return cli_bad_usage(cli, "at most %d --for (give a directory of requests)",
				     CLI_SEAL_MAX_FOR);
	s->fors[s->n_fors++] = arg;
	return ODJ_OK;
}

odj_result cli_seal_load(struct cli *cli, struct cli_seal_options *s, const char *bundle,
			 const char *out_dir, bool print, const char **machine, bool *bulk)
{
	if (s->n_fors > 0 && s->signing_key == NULL)
		return cli_bad_usage(cli, "--for REQUEST seals a signed blob: give --signing-key KEY too");
	if (s->passphrase_file != NULL && bundle == NULL)
		return cli_bad_usage(cli, "--bundle-passphrase-file seals the --bundle FILE");
	if (s->signing_key != NULL && print)
		return cli_bad_usage(cli, "--print writes a bare blob: a signed or sealed one goes to "
					  "--savefile, --out-dir or --bundle");
	odj_result r = ODJ_OK;
	if (s->passphrase_file != NULL)
		r = odj_passphrase_read_file(cli->ctx, cli->mem, s->passphrase_file, &s->passphrase);
	if (r == ODJ_OK && s->signing_key != NULL)
		r = odj_signing_key_load(cli->ctx, cli->mem, s->signing_key, &s->key);
	if (r == ODJ_OK && s->n_fors > 0)
		r = odj_requests_load(cli->ctx, cli->mem, s->fors, s->n_fors, &s->requests,
				      &s->n_requests);
	if (r != ODJ_OK || s->n_requests == 0)
		return r;
	if (s->n_requests > 1 || out_dir != NULL || bundle != NULL)
		*bulk = true;
	else if (machine != NULL && *machine == NULL)
		*machine = s->requests[0]->machine; /* the plan checks a name given too */
	return ODJ_OK;
}

char **cli_seal_names(struct cli *cli, const struct cli_seal_options *s, size_t *n)
{
	char **names = talloc_array(cli->mem, char *, s->n_requests);
	for (*n = 0; names != NULL && *n < s->n_requests; (*n)++)
		names[*n] = s->requests[*n]->machine;
	if (names == NULL)
		odj_fail(cli->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	return names;
}
