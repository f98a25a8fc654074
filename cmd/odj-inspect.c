/*
 * odj-inspect: shows a provisioning blob (djoin / net offlinejoin / odj
 * format) for a person or, with --json, for scripts; lists a bundle and takes
 * one machine's blob out of it; explains status codes.  The machine password
 * is never printed (the blob itself only with --print, after a warning).
 */
#include <string.h>

#include <odj/blob.h>
#include <odj/bundle.h>
#include <odj/bundle_seal.h>
#include <odj/fileio.h>
#include <odj/seal.h>
#include <odj/trace.h>

#include "blob_print.h"
#include "cli.h"
#include "odj-inspect-usage.h"
#include "seal_print.h"

struct options {
	const char *bundle, *name, *savefile, *passphrase_file;
	bool print;
	/* what the run found, for print_json and print_text */
	struct odj_envelope *envelope;      /* a sealed blob's, or a signed one's */
	struct odj_provision *blob;         /* the blob shown */
	struct odj_bundle_manifest *listed; /* the machines of a bundle */
	size_t saved;                       /* the size of the blob written to --savefile */
};

static const struct cli_option options[] = {
	{"bundle", 0, "FILE|-", "a bundle of odj-prepare --bundle: list its machines",
	 CLI_KEEP(CLI_TEXT, bundle)},
	{"name", 0, "NAME", "with --bundle: show this machine's blob", CLI_KEEP(CLI_TEXT, name)},
	{"savefile", 0, "FILE", "with --bundle --name: write the machine's blob to FILE (0600)",
	 CLI_KEEP(CLI_TEXT, savefile)},
	{"print", 0, NULL, "with --bundle --name: the bare base64 blob on stdout (a secret)",
	 CLI_KEEP(CLI_FLAG, print)},
	{"bundle-passphrase-file", 0, "P", "with --bundle: the sealed bundle's passphrase (0600)",
	 CLI_KEEP(CLI_TEXT, passphrase_file)},
	CLI_END,
};

static odj_result show_blob(struct cli *cli, struct options *o, const uint8_t *file, size_t len)
{
	if (odj_envelope_detect(file, len)) {
		/* the envelope as it is: no key is used, none is shown */
		odj_result r = odj_envelope_decode(cli->ctx, cli->mem, file, len, &o->envelope);
		if (r != ODJ_OK || o->envelope->kind == ODJ_ENVELOPE_SEALED)
			return r;
		file = o->envelope->payload; /* signed only: the blob inside is in clear */
		len = o->envelope->payload_len;
	}
	return odj_blob_load(cli->ctx, cli->mem, file, len, &o->blob);
}

static odj_result inspect_file(struct cli *cli, struct options *o, const char *path)
{
	struct odj_secret *file;
	odj_result r = odj_blob_read_file(cli->ctx, cli->mem, path, &file);
	if (r == ODJ_OK)
		r = show_blob(cli, o, odj_secret_data(file), odj_secret_len(file));
	return r;
}

/* One machine's blob out of a bundle: to a 0600 file, or (--print) its bare base64 to stdout. */
static odj_result extract(struct cli *cli, struct options *o, const struct odj_secret *file)
{
	struct odj_provision *prov;
	odj_result r = odj_blob_load(cli->ctx, cli->mem, odj_secret_data(file), odj_secret_len(file),
				     &prov);
	if (r == ODJ_OK && o->savefile != NULL) {
		odj_doing(cli->ctx, "writing %s's blob to %s", o->name, o->savefile);
		r = odj_write_file_atomic(cli->ctx, o->savefile, odj_secret_data(file),
					  odj_secret_len(file));
		o->saved = r == ODJ_OK ? odj_secret_len(file) : 0;
	}
	if (r == ODJ_OK && o->print) {
		struct odj_secret *ndr = NULL, *text = NULL;
		r = odj_blob_text_decode(cli->ctx, cli->mem, odj_secret_data(file),
					 odj_secret_len(file), &ndr);
		if (r == ODJ_OK)
			r = odj_blob_base64_encode(cli->ctx, cli->mem, odj_secret_data(ndr),
						   odj_secret_len(ndr), &text);
		if (r == ODJ_OK)
			cli_print_secret(cli->tool->name, (const char *)odj_secret_data(text),
					 strlen((const char *)odj_secret_data(text)));
	}
	return r;
}

static odj_result inspect_bundle(struct cli *cli, struct options *o)
{
	struct odj_secret *bytes = NULL, *file = NULL;
	/* standard input is read like a blob file: the bundle's checks are the same */
	odj_result r = strcmp(o->bundle, "-") == 0
			       ? odj_blob_read_file(cli->ctx, cli->mem, o->bundle, &bytes)
			       : odj_bundle_read_file(cli->ctx, cli->mem, o->bundle, &bytes);
	if (r == ODJ_OK && o->passphrase_file != NULL) {
		struct odj_secret *pass = NULL;
		r = odj_passphrase_read_file(cli->ctx, cli->mem, o->passphrase_file, &pass);
		if (r == ODJ_OK)
			r = odj_bundle_open_bytes(cli->ctx, cli->mem, bytes, pass, false, &bytes);
	} else if (r == ODJ_OK) {
		r = odj_bundle_open_bytes(cli->ctx, cli->mem, bytes, NULL, false, &bytes);
	}
	if (r != ODJ_OK)
		return r;
	const uint8_t *data = odj_secret_data(bytes);
	size_t len = odj_secret_len(bytes);
	if (o->name == NULL)
		return odj_bundle_read_manifest(cli->ctx, cli->mem, data, len, &o->listed);
	r = odj_bundle_extract(cli->ctx, cli->mem, data, len, o->name, &file);
	if (r != ODJ_OK)
		return r;
	if (o->savefile != NULL || o->print)
		return extract(cli, o, file);
	return show_blob(cli, o, odj_secret_data(file), odj_secret_len(file));
}

static int check_options(struct cli *cli, const struct options *o)
{
	if (o->bundle == NULL && cli->n_args != 1)
		return cli_bad_usage(cli, "which blob? give FILE (- for standard input), or --bundle "
					  "FILE");
	if (o->bundle != NULL && cli->n_args != 0)
		return cli_bad_usage(cli, "--bundle FILE takes no other file ('%s')", cli->args[0]);
	if (o->passphrase_file != NULL && o->bundle == NULL)
		return cli_bad_usage(cli, "--bundle-passphrase-file goes with --bundle FILE");
	if (o->name != NULL && o->bundle == NULL)
		return cli_bad_usage(cli, "--name NAME picks a machine of --bundle FILE");
	if ((o->savefile != NULL || o->print) && o->name == NULL)
		return cli_bad_usage(cli, "--savefile and --print take one machine's blob out of a "
					  "bundle: give --bundle FILE --name NAME");
	if (o->print && cli->json)
		return cli_bad_usage(cli, "--print writes the bare blob to stdout: it does not go "
					  "with --json");
	return ODJ_OK;
}

static odj_result run(struct cli *cli)
{
	struct options *o = cli->priv;
	odj_result r = check_options(cli, o);
	if (r != ODJ_OK)
		return r;
	odj_trace_begin(cli->ctx, cli->tool->name);
	return o->bundle != NULL ? inspect_bundle(cli, o) : inspect_file(cli, o, cli->args[0]);
}

/* What the run found: a bundle's machines, a blob written out, a blob, a sealed envelope. */
static bool print_json(struct cli *cli, odj_result r)
{
	const struct options *o = cli->priv;
	if (r != ODJ_OK)
		return false;
	if (o->listed != NULL) {
		cli_print_manifest_json(o->listed);
	} else if (o->saved != 0) {
		json_object *j = cli_json_result();
		json_object_object_add(j, "ok", json_object_new_boolean(true));
		json_object_object_add(j, "machine", cli_jstr(o->name));
		json_object_object_add(j, "savefile", cli_jstr(o->savefile));
		json_object_object_add(j, "size", json_object_new_int64((int64_t)o->saved));
		cli_json_print(j);
	} else if (o->blob != NULL) {
		cli_print_blob_json(cli->mem, o->blob,
				    o->envelope ? cli_envelope_json(cli->mem, o->envelope) : NULL);
	} else if (o->envelope != NULL) {
		json_object *j = cli_json_result();
		json_object_object_add(j, "envelope", cli_envelope_json(cli->mem, o->envelope));
		cli_json_print(j);
	} else {
		return false;
	}
	return true;
}

static void print_text(struct cli *cli, odj_result r)
{
	const struct options *o = cli->priv;
	if (r != ODJ_OK)
		return;
	if (o->listed != NULL) {
		cli_print_manifest(o->listed);
	} else if (o->saved != 0) {
		fprintf(o->print ? stderr : stdout, "%s: the blob of %s written to %s (%zu bytes, mode 0600)\n",
			cli->tool->name, o->name, o->savefile, o->saved);
	} else {
		if (o->envelope != NULL)
			cli_print_envelope(cli->mem, o->envelope);
		if (o->blob != NULL)
			cli_print_blob(cli->mem, o->blob);
	}
}

/* it reads blobs, machine passwords: cli_main makes it undumpable first */
CLI_MAIN({0}, .max_args = 1, .print_json = print_json, .print_text = print_text)
