/* The transaction object shared by commit.c, commit_run.c and commit_describe.c. Not installed. */
#ifndef ODJ_COMMIT_TX_H
#define ODJ_COMMIT_TX_H

#include "commit_internal.h"

struct commit_item {
	enum commit_op op;
	char *path; /* "/etc/krb5.conf" */
	char *dir;  /* "/etc" */
	char *leaf; /* "krb5.conf" */
	uint8_t *data; /* PUT: the new contents (wiped on free) */
	size_t len;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	bool secret; /* never shown in a dry run */
};

struct commit_mkdir {
	char *path;
	mode_t mode;
};

struct odj_commit {
	struct commit_site site;
	struct commit_faults faults;
	struct commit_item *items;
	size_t n_items;
	struct commit_mkdir *mkdirs;
	size_t n_mkdirs;
	bool ran;
};

/*
 * The directories the transaction must create, parent first, with their
 * modes (explicit ones from odj_commit_mkdir, ODJ_COMMIT_DIR_MODE else).
 * Returns 0, or -1 with errno and *bad_path set.
 */
int odj_commit_plan_dirs(TALLOC_CTX *mem, struct odj_commit *tx, struct commit_jdir **dirs,
		     size_t *n, const char **bad_path);

/* Recovery of the journal below root with the given resolution and fault points. */
odj_result odj_commit_recover_root(struct odj_ctx *ctx, const char *root, enum commit_resolve how,
			       struct commit_faults *faults, bool *found);

/* The transaction's fault counter (test builds count steps with it). */
struct commit_faults *commit_tx_faults(struct odj_commit *tx);
/* Forces the O_NOFOLLOW walk instead of openat2 (tests of the fallback). */
void odj_commit_tx_set_resolve(struct odj_commit *tx, enum commit_resolve how);

#endif
