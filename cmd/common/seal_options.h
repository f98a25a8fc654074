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

/* Where member m of the tool's struct cli_seal_options (at offset base) is. */
#define CLI_SEAL_FIELD(base, m) ((base) + offsetof(struct cli_seal_options, m))

/* --for: one more request file or directory (field: the struct cli_seal_options). */
int cli_seal_for(struct cli *cli, void *field, const char *arg);

/*
 * The entries of odj-prepare's table (a heading and four options; bundle's
 * first), for a struct cli_seal_options at offset base in its options.
 */
#define CLI_SEAL_BUNDLE_OPTION(base)                                                            \
	{"bundle-passphrase-file", 0, "P", "seal the --bundle with the passphrase in P (0600)",  \
	 .store = CLI_TEXT, .field = CLI_SEAL_FIELD(base, passphrase_file)}
#define CLI_SEAL_OPTIONS(base)                                                                  \
	CLI_HEADING("signed and sealed blobs:"),                                                \
	{"new-signing-key", 0, "FILE", "make a signing key: FILE (0600) and FILE.pub, and exit", \
	 .store = CLI_TEXT, .field = CLI_SEAL_FIELD(base, new_signing_key)},                    \
	{"signing-key", 0, "KEY", "sign every blob with KEY (targets trust KEY.pub)",            \
	 .store = CLI_TEXT, .field = CLI_SEAL_FIELD(base, signing_key)},                        \
	{"for", 0, "REQUEST", "seal to a request file made on the target; repeatable, or a DIR", \
	 .store = CLI_CALL, .field = (base), .call = cli_seal_for}

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
