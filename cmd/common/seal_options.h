/*
 * odj-prepare's options for signed and sealed blobs and sealed bundles:
 * --new-signing-key, --signing-key, --for (repeatable, or a directory) and
 * --bundle-passphrase-file, and what they load before any account is made.
 */
#ifndef ODJ_CLI_SEAL_OPTIONS_H
#define ODJ_CLI_SEAL_OPTIONS_H

#include <odj/seal.h>

#include "cli.h"

#define CLI_SEAL_MAX_FOR 256

enum { CLI_SEAL_NEW_KEY = 0x20000, CLI_SEAL_SIGNING_KEY, CLI_SEAL_FOR, CLI_SEAL_PASSPHRASE };

/* The entries of odj-prepare's table (a heading and four options; bundle's first). */
#define CLI_SEAL_BUNDLE_OPTION                                                                   \
	{"bundle-passphrase-file", CLI_SEAL_PASSPHRASE, "P",                                     \
	 "seal the --bundle with the passphrase in P (0600)"}
#define CLI_SEAL_OPTIONS                                                                         \
	{NULL, 0, NULL, "signed and sealed blobs:"},                                             \
	{"new-signing-key", CLI_SEAL_NEW_KEY, "FILE",                                            \
	 "make a signing key: FILE (0600) and FILE.pub, and exit"},                              \
	{"signing-key", CLI_SEAL_SIGNING_KEY, "KEY", "sign every blob with KEY (targets trust KEY.pub)"}, \
	{"for", CLI_SEAL_FOR, "REQUEST", "seal to a request file made on the target; repeatable, or a DIR"}

struct cli_seal_options {
	const char *new_signing_key, *signing_key, *passphrase_file;
	const char *fors[CLI_SEAL_MAX_FOR];
	size_t n_fors;
	/* loaded by cli_seal_load */
	struct odj_signing_key *key;
	struct odj_request **requests;
	size_t n_requests;
	struct odj_secret *passphrase;
};

/* Takes one of the CLI_SEAL_* options; false: not one of them. */
bool cli_seal_option(struct cli *cli, struct cli_seal_options *s, int key, const char *arg);

/*
 * Checks the combinations and reads the passphrase, the signing key and the
 * requests.  Several requests, or an out-dir or bundle, make a bulk run
 * (*bulk); one request names the machine (*machine, when machine is given and
 * *machine is NULL).
 */
odj_result cli_seal_load(struct cli *cli, struct cli_seal_options *s, const char *bundle,
			 const char *out_dir, bool print, const char **machine, bool *bulk);

/* The machines the requests name, in order (each blob is sealed to its own request). */
char **cli_seal_names(struct cli *cli, const struct cli_seal_options *s, size_t *n);

#endif
