/* Internals of the commit transaction (libjoin/commit/commit_*.c). Not installed. */
#ifndef ODJ_COMMIT_INTERNAL_H
#define ODJ_COMMIT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <odj/commit.h>
#include <odj/error.h>

/* ---- fault injection (test-only builds) ---- */

/*
 * With ODJ_FAULT_INJECTION every step that touches the disk is numbered.
 * ODJ_FAULT_AT=k makes step k fail with EIO or ENOSPC (ODJ_FAULT_MODE=eio,
 * enospc) or SIGKILLs the process there (ODJ_FAULT_MODE=kill).  Shipped
 * builds compile the fault points to nothing.
 */
enum commit_fault_mode { COMMIT_FAULT_EIO, COMMIT_FAULT_ENOSPC, COMMIT_FAULT_KILL };

struct commit_faults {
	long at;   /* step to fault at; 0: none */
	long step; /* steps passed so far */
	enum commit_fault_mode mode;
	bool hit;
};

#ifdef ODJ_FAULT_INJECTION
void odj_commit_faults_init(struct commit_faults *f);
/* Counts a step; true (errno set) if this step must fail. */
bool odj_commit_fault(struct commit_faults *f, const char *what);
#else
#define odj_commit_faults_init(f) ((void)(f))
#define odj_commit_fault(f, what) ((void)(f), false)
#endif

/* ---- the site: an open root and its locked state directory ---- */

enum commit_resolve {
	COMMIT_RESOLVE_AUTO = 0, /* openat2(RESOLVE_IN_ROOT), the walk if the kernel lacks it */
	COMMIT_RESOLVE_WALK,     /* always the O_NOFOLLOW walk */
};

struct commit_site {
	struct odj_ctx *ctx;
	const char *root; /* as given, for messages */
	int rootfd;
	int statefd; /* <root>/var/lib/odj, flock'ed; -1 until opened */
	/* The state directory's components this run created: the first made_from..made_to. */
	unsigned made_from, made_to;
	enum commit_resolve resolve;
	struct commit_faults *faults;
};

/* ---- paths (commit_path.c) ---- */

/* Checks an absolute in-root path: no "."/".." or empty components, no control characters. */
bool odj_commit_path_valid(const char *path);
/* Why odj_commit_path_valid refuses path (one clause), or NULL if it does not. */
const char *odj_commit_path_problem(const char *path);

/*
 * Opens directory path ("/" or "/etc/sssd") resolving every component inside
 * the root.  Returns a O_RDONLY|O_DIRECTORY fd, or -1 with errno.
 */
int odj_commit_open_dir(int rootfd, const char *path, enum commit_resolve how);

/* Splits "/etc/krb5.conf" into "/etc" and "krb5.conf" (on mem). */
bool odj_commit_path_split(TALLOC_CTX *mem, const char *path, char **dir, char **leaf);

/* The Win32 row for an errno. */
odj_status odj_commit_errno_status(int err);

/*
 * Opens the target root (O_RDONLY|O_DIRECTORY|O_CLOEXEC); -1 after recording
 * "cannot open the target root" (ODJ_E_CONFIG) in ctx.
 */
int odj_commit_open_root(struct odj_ctx *ctx, const char *root);

/* Records an errno failure on path ("<root><path>") and returns its category. */
odj_result odj_commit_fail_errno(struct commit_site *site, int err, const char *path,
			     const char *what);

/*
 * Records a failed mkdir of path (leaf in parentfd): a symbolic link there
 * whose target is not a directory inside the root is named as such.
 */
odj_result odj_commit_fail_mkdir(struct commit_site *site, int parentfd, const char *leaf,
				 const char *path, int err);

/*
 * The directories that must be created (parent first) so that dir exists;
 * none if it does.  A component that exists but is not a directory is an
 * error (ENOTDIR).  Appended to *list (talloc array of strings on mem).
 */
int odj_commit_missing_dirs(TALLOC_CTX *mem, int rootfd, enum commit_resolve how, const char *dir,
			const char ***list, size_t *n);

/* ---- file helpers (commit_io.c) ---- */

int odj_commit_write_all(int fd, const void *p, size_t len);
/*
 * fsyncs every fd at once (a few threads): the waits overlap instead of
 * adding up.  errs[i] is set to the errno of fds[i]; an fd below 0, or one
 * whose errs[i] is set already (a fault point), is skipped.
 */
void odj_commit_sync_all(const int *fds, size_t n, int *errs);
/* Reads a whole regular file opened with O_NOFOLLOW at dirfd/name, up to max bytes. */
int odj_commit_read_file(TALLOC_CTX *mem, int dirfd, const char *name, size_t max, uint8_t **data,
		     size_t *len, struct stat *st);
uint32_t commit_crc32(const void *p, size_t len);
/* The staged name of leaf: ".<leaf>.odj-new". */
char *odj_commit_temp_name(TALLOC_CTX *mem, const char *leaf);

/* Open / lock / create the state directory. */
odj_result odj_commit_site_open(struct commit_site *site, bool create);
void odj_commit_site_close(struct commit_site *site);
/*
 * After a failed run: removes the state directories this run created, deepest
 * first, if they are empty (a journal left for the next recovery keeps them).
 */
void odj_commit_site_unmake(struct commit_site *site);
/*
 * Opens the parents of the state directories this run created (up to max),
 * to be synced with the journal's plan; a parent that cannot be opened is -1.
 */
size_t odj_commit_made_parents(struct commit_site *site, int *fds, size_t max);

/*
 * Removes everything in the previous-versions directory and the directory;
 * sync: and makes that durable (not needed when the journal's removal, synced
 * next, ends the transaction: .previous without a journal is litter).
 */
odj_result odj_commit_previous_wipe(struct commit_site *site, bool sync);

/* ---- the journal (commit_journal.c) ---- */

enum commit_op { COMMIT_OP_PUT = 1, COMMIT_OP_DEL = 2 };

struct commit_old {
	bool present; /* a regular file was there */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	uint32_t crc;
};

struct commit_jentry {
	enum commit_op op;
	const char *path;
	mode_t mode; /* PUT: new mode, owner, size, checksum */
	uid_t uid;
	gid_t gid;
	uint64_t size;
	uint32_t crc;
	struct commit_old old;
};

struct commit_jdir {
	const char *path;
	mode_t mode;
};

enum commit_jstate {
	COMMIT_J_NONE = 0,    /* no usable plan: nothing was staged */
	COMMIT_J_PLANNED,     /* staging may have begun; targets untouched */
	COMMIT_J_PREPARED,    /* staged and backed up; renames may have begun */
	COMMIT_J_COMMITTED,   /* every rename done: roll forward */
	COMMIT_J_ROLLED_BACK, /* the old files are back: only clean up */
};

struct commit_journal {
	enum commit_jstate state;
	struct commit_jdir *dirs;
	size_t n_dirs;
	struct commit_jentry *entries;
	size_t n_entries;
	size_t valid_len; /* bytes of intact lines; a torn tail starts here */
};

/* The journal text up to and including "plan-end". */
char *odj_commit_journal_plan_text(TALLOC_CTX *mem, const struct commit_journal *j);
/* The "old" records and "prepared". */
char *odj_commit_journal_prepared_text(TALLOC_CTX *mem, const struct commit_journal *j);
/* One record line ("committed", "rolled-back") with its checksum. */
char *odj_commit_journal_line(TALLOC_CTX *mem, const char *payload);

/*
 * Parses journal text.  A torn or damaged tail ends the journal there (the
 * step it recorded did not happen).  A well-formed journal of another
 * version, or records that contradict each other, are refused (-1).
 */
int odj_commit_journal_parse(TALLOC_CTX *mem, const char *text, size_t len,
			 struct commit_journal *out, char **why);

/* ---- recovery (commit_recover.c) ---- */

/* Finishes the journal in site->statefd, if any (the site is open and locked). */
odj_result odj_commit_recover_site(struct commit_site *site, bool *found);

/* ---- unified diff (odj_commit_diff.c) ---- */

/*
 * Writes a unified diff of old -> new (text) with ctx_lines of context.
 * Returns false if the inputs are too large to diff.
 */
bool odj_commit_diff(TALLOC_CTX *mem, FILE *out, const char *label, const char *old, size_t old_len,
		 const char *new_text, size_t new_len, unsigned ctx_lines);

#endif
