/*
 * The power-cut explorer's model of a file system (powercut_model.c) and
 * its trees (powercut_tree.c).
 *
 * A recorded call log (tests/commit/fsrec.c) is replayed on a model of the
 * old tree that keeps, for every inode, what is durable and what is only in
 * the page cache, and for every directory which entry changes are durable
 * and which are pending.  POSIX promises durability only through fsync:
 *
 *   - a file's data, size, mode and owner are durable at the last fsync of
 *     that file; after it, a power cut may lose later writes or keep them in
 *     part (a prefix, or the new size with zeros where data did not land);
 *   - a directory entry change (create, mkdir, rename, unlink, rmdir) is
 *     durable once its directory is fsynced; until then any subset of the
 *     pending changes may survive, in their order;
 *   - a new file's first contents and mode are those it was created with.
 *
 * A crash state is the old tree's durable part, a subset of the pending
 * entry changes and one variant of every inode whose cached state differs.
 */
#ifndef ODJ_POWERCUT_H
#define ODJ_POWERCUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <talloc.h>

/* ---- trees: every path below a root, sorted, with type, mode, owner, bytes ---- */

struct pc_node {
	char *path; /* "/" for the root, "/etc/krb5.conf" */
	bool dir;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint8_t *data;
	size_t len;
};

struct pc_tree {
	struct pc_node *n;
	size_t count;
};

/* Reads the tree below root from disk (regular files and directories only; anything else fails). */
bool pc_tree_read(TALLOC_CTX *mem, const char *root, struct pc_tree *out, char **why);
/* Writes tree below root (root must not exist). */
bool pc_tree_write(const struct pc_tree *t, const char *root, char **why);
/* Removes root and everything below it. */
void pc_tree_remove(const char *root);
/* Sorts by path (the order pc_tree_read gives). */
void pc_tree_sort(struct pc_tree *t);
bool pc_tree_equal(const struct pc_tree *a, const struct pc_tree *b);
uint64_t pc_tree_hash(const struct pc_tree *t);
/* The first difference between a and b, for messages. */
char *pc_tree_diff(TALLOC_CTX *mem, const struct pc_tree *a, const struct pc_tree *b);

/* ---- the recorded calls ---- */

enum pc_op_kind {
	PC_CREATE, PC_MKDIR, PC_WRITE, PC_TRUNCATE, PC_CHMOD, PC_CHOWN, PC_FSYNC, PC_RENAME,
	PC_UNLINK, PC_RMDIR,
};

struct pc_op {
	enum pc_op_kind kind;
	char *path;
	char *to;           /* rename */
	uint64_t off, size; /* write offset, truncate size */
	uint8_t *data;      /* write */
	size_t len;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char *line; /* as logged, for messages */
};

/* Parses a recorder log; false with *why on a line it cannot model. */
bool pc_log_parse(TALLOC_CTX *mem, const char *text, struct pc_op **ops, size_t *n, char **why);

/* ---- the model ---- */

struct pc_model;

/* A model whose durable and cached state are both the tree t. */
struct pc_model *pc_model_new(TALLOC_CTX *mem, const struct pc_tree *t);
/* Replays one call; false with *why if the call does not fit the model's tree. */
bool pc_model_apply(struct pc_model *m, const struct pc_op *op, char **why);
/* The tree as the running system sees it (every cached change). */
bool pc_model_current(TALLOC_CTX *mem, struct pc_model *m, struct pc_tree *out);

/* The choices a power cut has now: pending entry changes, and inodes with unsynced state. */
size_t pc_model_pending(const struct pc_model *m);
/* The directory (inode number) of pending change p. */
size_t pc_model_pending_dir(const struct pc_model *m, size_t p);
/* The variants of unsynced inode i (at least 2: durable, cached). */
size_t pc_model_unsynced(const struct pc_model *m);
size_t pc_model_variants(const struct pc_model *m, size_t i);

/*
 * One crash state: keep[p] says whether pending entry change p survived;
 * variant[i] picks the state of unsynced inode i.  Inodes no longer
 * reachable do not appear.
 */
bool pc_model_crash(TALLOC_CTX *mem, struct pc_model *m, const bool *keep, const size_t *variant,
		    struct pc_tree *out);

#endif
