/*
 * The commit transaction: all-or-nothing, crash-safe file changes inside a
 * target root.
 *
 * odj-apply collects every file it wants to write (keytab, krb5.conf,
 * sssd.conf, hostname, hosts, the join record) or remove (stale caches) in
 * one transaction, then runs it.  Either every change lands or none does,
 * even if the process is killed or the machine loses power at any point:
 *
 *   - each new file is staged under a temporary name in its own directory
 *     (owner and mode set, content written, fsync);
 *   - the previous version of each touched file is copied into a 0700
 *     directory (<root>/var/lib/odj/.previous);
 *   - a journal (<root>/var/lib/odj/.journal) lists every step and is
 *     fsynced before any file is renamed into place;
 *   - after the renames and directory fsyncs the journal is marked
 *     committed, the previous versions are removed, the journal last.
 *
 * Every run, and odj_commit_recover(), first finishes a journal left by an
 * interrupted run: rolled forward if it was marked committed, rolled back
 * from the previous versions otherwise.
 *
 * Every path is resolved inside the root (openat2 RESOLVE_IN_ROOT, or an
 * O_NOFOLLOW walk that resolves symlinks itself): an absolute symlink in an
 * image never leads outside it, and the file itself is never a symlink.
 */
#ifndef ODJ_COMMIT_H
#define ODJ_COMMIT_H

#include <odj/api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <talloc.h>

#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where the transaction keeps its journal and previous versions, below the root. */
#define ODJ_COMMIT_STATE_DIR "/var/lib/odj"
#define ODJ_COMMIT_JOURNAL ODJ_COMMIT_STATE_DIR "/.journal"
#define ODJ_COMMIT_PREVIOUS ODJ_COMMIT_STATE_DIR "/.previous"

/* Mode of directories the transaction creates without being told one. */
#define ODJ_COMMIT_DIR_MODE 0755

struct odj_commit;

/*
 * A new transaction on the tree below root ("/" for the running system).
 * The root must be an existing directory.  NULL on error (recorded in ctx).
 */
ODJ_API struct odj_commit *odj_commit_begin(TALLOC_CTX *mem, struct odj_ctx *ctx, const char *root);

/*
 * Writes path (absolute, inside the root: "/etc/krb5.conf") with the full
 * new contents, mode (permission bits only) and owner.  The data is copied
 * (and the copy wiped when the transaction is freed).  A path may appear
 * once per transaction; "." and ".." components are refused.
 */
ODJ_API odj_result odj_commit_put(struct odj_commit *tx, const char *path, const void *data, size_t len,
			  mode_t mode, uid_t uid, gid_t gid);

/* Same, for a secret file: never shown in a dry run. */
ODJ_API odj_result odj_commit_put_secret(struct odj_commit *tx, const char *path,
				 const struct odj_secret *data, mode_t mode, uid_t uid, gid_t gid);

/* Removes path if it exists (its previous version is kept until the end). */
ODJ_API odj_result odj_commit_remove(struct odj_commit *tx, const char *path);

/*
 * Creates directory path with mode if it is missing (an existing directory is
 * left as it is).  Missing parents of files are created anyway, with
 * ODJ_COMMIT_DIR_MODE; this is for directories that need another mode
 * ("/etc/sssd", 0711).
 */
ODJ_API odj_result odj_commit_mkdir(struct odj_commit *tx, const char *path, mode_t mode);

/*
 * Describes a binary file for a dry run; returns false to fall back to
 * "binary, N bytes -> M bytes".  old is NULL for a new file.
 */
typedef bool (*odj_commit_describer)(void *priv, FILE *out, const char *path, const uint8_t *old,
				     size_t old_len, const uint8_t *new_data, size_t new_len);

#define ODJ_COMMIT_DESCRIBE_VERSION 1
struct odj_commit_describe_opts {
	unsigned version;
	unsigned context_lines;        /* of the unified diffs */
	odj_commit_describer describer; /* for binary files; may be NULL */
	void *describer_priv;
};
#define ODJ_COMMIT_DESCRIBE_INIT {ODJ_COMMIT_DESCRIBE_VERSION, 3, NULL, NULL}

/*
 * Dry run: writes what odj_commit_run would do, file by file (a unified diff
 * for text files), to out.  Reads the root, changes nothing.  opts may be NULL.
 */
ODJ_API odj_result odj_commit_describe(struct odj_commit *tx, FILE *out,
			       const struct odj_commit_describe_opts *opts);

/*
 * Runs the transaction: recovers an earlier journal, then applies every
 * change or none.  On failure the tree is rolled back before returning
 * (or, if even that fails, left for the next odj_commit_recover).
 * A transaction runs at most once.
 */
ODJ_API odj_result odj_commit_run(struct odj_commit *tx);

/*
 * Finishes a journal an interrupted run left below root, if any.  *found
 * (may be NULL) tells whether there was one.
 */
ODJ_API odj_result odj_commit_recover(struct odj_ctx *ctx, const char *root, bool *found);

#ifdef __cplusplus
}
#endif
#endif
