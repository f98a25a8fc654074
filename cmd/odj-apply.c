/*
 * odj-apply: commits an offline domain join from a provisioning blob onto
 * this system or a mounted image root (--root), with no network.
 * Parses options, calls odj_apply(), prints what it did.
 */
#include <string.h>
#include <sys/stat.h>

#include <odj/apply.h>
#include <odj/bundle_seal.h>
#include <odj/fileio.h>
#include <odj/seal.h>

#include "apply_print.h"
#include "cli.h"
#include "odj-apply-usage.h"
#include "seal_print.h"

/* What the command line says; what odj_apply takes is kept in its request. */
struct options {
	const char *blob, *bundle, *name, *passphrase_file, *request, *machine;
	unsigned valid_days;
	struct odj_apply_req req;
	struct odj_request_create made; /* --request */
	char *warning;                  /* the blob file gives its password away to others */
};

static const struct cli_option options[] = {
	{"blob", 0, "FILE|-", "the provisioning blob (- reads standard input)",
	 CLI_KEEP(CLI_TEXT, blob)},
	{"bundle", 0, "FILE|-", "a bundle of odj-prepare --bundle (- reads standard input)",
	 CLI_KEEP(CLI_TEXT, bundle)},
	{"name", 0, "NAME", "with --bundle: the machine whose blob to apply",
	 CLI_KEEP(CLI_TEXT, name)},
	{"root", 0, "DIR", "the root to join: a mounted image (default /)",
	 CLI_KEEP(CLI_TEXT, req.in.root)},
	{"keytab", 0, "PATH", "the keytab's target path (default /etc/krb5.keytab)",
	 CLI_KEEP(CLI_TEXT, req.in.keytab)},
	{"kvno", 0, "N", "the key version number, when the blob carries none",
	 CLI_KEEP(CLI_UINT, req.in.kvno), .min = 1, .max = UINT32_MAX},
	{"rejoin", 0, NULL, "replace another machine's join (the old files are backed up)",
	 CLI_KEEP(CLI_FLAG, req.in.rejoin)},
	{"dry-run", 'n', NULL, "show what would change, change nothing",
	 CLI_KEEP(CLI_FLAG, req.in.dry_run)},
	{"consume", 0, NULL, "after success, wipe and remove the blob file",
	 CLI_KEEP(CLI_FLAG, req.in.consume)},
	{"ignore-unknown-essential", 0, NULL,
	 "apply although a part marked essential is of a type odj does not know",
	 CLI_KEEP(CLI_FLAG, req.in.ignore_unknown_essential)},
	{"samba", 0, NULL, "make a Samba member (smb.conf, secrets.tdb) even without smbd/winbindd",
	 CLI_KEEP(CLI_SET, req.in.samba), .value = ODJ_APPLY_SAMBA_ON},
	{"no-samba", 0, NULL, "leave Samba alone even when it is installed",
	 CLI_KEEP(CLI_SET, req.in.samba), .value = ODJ_APPLY_SAMBA_OFF},
	{"bundle-passphrase-file", 0, "P", "with --bundle: the sealed bundle's passphrase (0600)",
	 CLI_KEEP(CLI_TEXT, passphrase_file)},
	CLI_HEADING("sealed blobs (trusted signers: ROOT/etc/odj/trusted.d/*.pub):"),
	{"request", 0, "FILE|-", "make a request for a sealed blob (key in ROOT/var/lib/odj)",
	 CLI_KEEP(CLI_TEXT, request)},
	{"machine", 0, "NAME", "with --request: the machine (default: the root's host name)",
	 CLI_KEEP(CLI_TEXT, machine)},
	{"valid", 0, "DAYS", "with --request: how long the request holds (default 30)",
	 CLI_KEEP(CLI_UINT, valid_days), .min = 1, .max = 3650},
	CLI_END,
};

static int fill_apply(struct cli *cli, struct options *o)
{
	struct odj_apply_req *req = &o->req;
	req->in.version = ODJ_APPLY_VERSION;
	if ((o->machine != NULL || o->valid_days != 0) && o->request == NULL)
		return cli_bad_usage(cli, "--machine and --valid go with --request FILE");
	if (o->passphrase_file != NULL && o->bundle == NULL)
		return cli_bad_usage(cli, "--bundle-passphrase-file goes with --bundle FILE --name NAME");
	if (o->bundle != NULL && o->blob == NULL && o->name != NULL) {
		req->in.blob_path = o->bundle;
		req->in.bundle_name = o->name;
	} else if (o->bundle != NULL || o->name != NULL) {
		return cli_bad_usage(cli, "--bundle FILE and --name NAME go together, without --blob");
	} else if (o->blob == NULL) {
		return cli_bad_usage(cli, "which blob? give --blob FILE (- for standard input), or "
					  "--bundle FILE --name NAME");
	} else {
		req->in.blob_path = o->blob;
	}
	return ODJ_OK;
}

/* A blob (or bundle) others may read has given its machine password away already. */
static char *exposed_blob_warning(TALLOC_CTX *mem, const char *path)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_mode & 077) == 0)
		return NULL;
	return talloc_asprintf(mem, "%s is readable by %s (mode %04o) and holds the machine "
				    "password: chmod 600 it, or remove it after the join (--consume)",
			       path, (st.st_mode & 007) ? "every user" : "its group",
			       (unsigned)(st.st_mode & 07777));
}

/* --request: a key pair on the target, its public half in a request for odj-prepare --for. */
static odj_result make_request(struct cli *cli, struct options *o)
{
	const struct odj_apply_req *a = &o->req;
	if (o->blob || o->bundle || o->name || a->in.keytab || a->in.kvno || a->in.rejoin ||
	    a->in.dry_run || a->in.consume || o->passphrase_file)
		return cli_bad_usage(cli, "--request FILE takes only --machine, --valid and --root");
	if (strcmp(o->request, "-") == 0 && cli->json)
		return cli_bad_usage(cli, "--request - writes the request to stdout: it does not go "
					  "with --json");
	struct odj_request_create *req = &o->made;
	*req = (struct odj_request_create)ODJ_REQUEST_CREATE_INIT;
	req->in.root = o->req.in.root;
	req->in.machine = o->machine;
	if (o->valid_days != 0)
		req->in.valid_days = o->valid_days;
	odj_result r = odj_request_create(cli->ctx, cli->mem, req);
	if (r == ODJ_OK && strcmp(o->request, "-") == 0) {
		fputs(req->out.text, stdout);
	} else if (r == ODJ_OK) {
		odj_doing(cli->ctx, "writing the request to %s", o->request);
		r = odj_write_file_atomic(cli->ctx, o->request, (const uint8_t *)req->out.text,
					  strlen(req->out.text));
	}
	return r;
}

static odj_result run(struct cli *cli)
{
	struct options *o = cli->priv;
	if (o->request != NULL)
		return make_request(cli, o);
	struct odj_apply_req *req = &o->req;
	odj_result r = fill_apply(cli, o);
	if (r == ODJ_OK && o->passphrase_file != NULL) {
		struct odj_secret *pass = NULL; /* on cli->mem: wiped when the run ends */
		r = odj_passphrase_read_file(cli->ctx, cli->mem, o->passphrase_file, &pass);
		req->in.bundle_passphrase = pass;
	}
	if (r != ODJ_OK)
		return r;
	o->warning = exposed_blob_warning(cli->mem, req->in.blob_path);
	return odj_apply(cli->ctx, cli->mem, req);
}

/*
 * Whether the run has a result to show: a request made, or a join committed,
 * also one committed in part (ODJ_E_PARTIAL).  Without one the warning about
 * the blob file still holds.
 */
static bool shown(const struct cli *cli, const struct options *o, odj_result r)
{
	bool result = o->request != NULL ? r == ODJ_OK
					 : r == ODJ_OK || (r == ODJ_E_PARTIAL && o->req.out.domain != NULL);
	if (!result && o->warning != NULL)
		fprintf(stderr, "%s: warning: %s\n", cli->tool->name, o->warning);
	return result;
}

static bool print_json(struct cli *cli, odj_result r)
{
	struct options *o = cli->priv;
	if (!shown(cli, o, r))
		return false;
	if (o->request != NULL)
		cli_print_request_json(cli->mem, o->request, &o->made);
	else
		cli_print_apply_json(&o->req, &o->warning, o->warning != NULL,
				     r == ODJ_OK ? NULL : cli_json_error(cli->ctx));
	return true;
}

static void print_text(struct cli *cli, odj_result r)
{
	struct options *o = cli->priv;
	if (!shown(cli, o, r))
		return;
	if (o->request != NULL)
		cli_print_request(cli->mem, cli->tool->name, o->request, &o->made);
	else
		cli_print_apply(&o->req, &o->warning, o->warning != NULL);
}

/* it holds the blob's machine password and the keys: cli_main makes it undumpable first */
CLI_MAIN({0}, .print_json = print_json, .print_text = print_text)
