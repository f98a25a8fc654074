/*
 * Simulated power cuts in a real odj-apply transaction.
 *
 * 1. An old tree as a joined machine has it: odj-apply of one blob on a
 *    Debian-like root with another service's keytab and sssd caches, so
 *    krb5.conf, sssd.conf, hosts, hostname, the keytab and the join record
 *    all exist.
 * 2. odj-apply --rejoin of another blob on a copy of it, every file-system
 *    call recorded (LD_PRELOAD tests/commit/fsrec.c).  The recorded calls,
 *    replayed on the old tree, must give exactly the tree the run left.
 * 3. The order of the commit's calls: each staged file fsynced after its
 *    last change and before its rename, each directory of a rename fsynced
 *    after it and before the journal's commit mark.
 * 4. For a power cut after each call k, every disk state POSIX allows (see
 *    powercut.h): the durable state, any subset of the directory changes not
 *    yet fsynced, unsynced data lost, torn or kept.  Each distinct state is
 *    written out, odj_commit_recover runs on it, and the tree must then be
 *    the old tree or the new tree, byte for byte, nothing left over (the
 *    old tree may have gained odj's empty state directory: counted apart).
 *
 * Usage: powercut --apply ODJ-APPLY --recorder LIBODJ_FSREC.so --vectors DIR [--order-only]
 *                 [--first-join]
 *   --order-only  steps 1 to 3 (seconds; the exploration takes a minute or more)
 *   --first-join  a fresh image instead (/etc/sssd and its 0711 mode created by the commit)
 * Prints the number of crash states explored and how many recovered to the
 * old tree, to the new tree, to a mix (must be 0), or were refused (must be 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <odj/commit.h>
#include <odj/error.h>
#include <odj/odj.h>

#include "powercut.h"

extern char **environ;

/* Pending directory changes explored as every subset (--subsets N).  The
 * commit renames all its files before it syncs their directories, so more
 * are pending at once: beyond this, the bounded patterns below. */
static size_t all_subsets_max = 4;
#define VARIANTS_ALL_MAX 64 /* unsynced inodes explored in every combination */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stdout, "powercut: FAIL: ");
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	exit(1);
}

/* ------------------------------------------------------------ the scenario */

static void put(const char *root, const char *path, const void *data, size_t len, mode_t mode)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s%s", root, path);
	int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0)
		die("%s: %s", full, strerror(errno));
	close(fd);
}

static void dirs(const char *root, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char full[4096];
		snprintf(full, sizeof(full), "%s%s", root, paths[i]);
		if (mkdir(full, 0755) != 0 && errno != EEXIST)
			die("%s: %s", full, strerror(errno));
	}
}

/* A keytab with one entry of another service (HTTP/www.example.org), kvno 4. */
static void other_service_keytab(const char *root)
{
	uint8_t kt[128];
	size_t n = 0;
#define U16(v) (kt[n++] = (uint8_t)((v) >> 8), kt[n++] = (uint8_t)(v))
#define U32(v) (U16((v) >> 16), U16((v) & 0xffff))
#define STR(s) (U16(strlen(s)), memcpy(kt + n, s, strlen(s)), n += strlen(s))
	kt[n++] = 5, kt[n++] = 2;
	size_t size_at = n;
	n += 4;
	U16(2);
	STR("EXAMPLE.ORG");
	STR("HTTP");
	STR("www.example.org");
	U32(1);          /* name type */
	U32(1700000000); /* timestamp */
	kt[n++] = 4;     /* kvno */
	U16(17);         /* aes128 */
	U16(16);
	for (int i = 0; i < 16; i++)
		kt[n++] = (uint8_t)i;
	U32(4);
	uint32_t size = (uint32_t)(n - size_at - 4);
	kt[size_at] = (uint8_t)(size >> 24), kt[size_at + 1] = (uint8_t)(size >> 16);
	kt[size_at + 2] = (uint8_t)(size >> 8), kt[size_at + 3] = (uint8_t)size;
#undef U16
#undef U32
#undef STR
	put(root, "/etc/krb5.keytab", kt, n, 0600);
}

/* Runs odj-apply with args; extra environment entries (may be NULL). Output to log. */
static int run_apply(const char *apply, char *const args[], char *const extra[], const char *log)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		size_t n_env = 0, n_extra = 0, n_args = 0;
		while (environ[n_env])
			n_env++;
		while (extra && extra[n_extra])
			n_extra++;
		while (args[n_args])
			n_args++;
		char **env = calloc(n_env + n_extra + 1, sizeof(char *));
		char **argv = calloc(n_args + 2, sizeof(char *));
		size_t k = 0;
		/* extra replaces what the environment has of the same names */
		for (size_t i = 0; i < n_env; i++) {
			bool replaced = false;
			for (size_t x = 0; x < n_extra && !replaced; x++) {
				size_t name = strcspn(extra[x], "=") + 1;
				replaced = strncmp(environ[i], extra[x], name) == 0;
			}
			if (!replaced)
				env[k++] = environ[i];
		}
		for (size_t x = 0; x < n_extra; x++)
			env[k++] = extra[x];
		argv[0] = (char *)apply;
		memcpy(argv + 1, args, n_args * sizeof(char *));
		execve(apply, argv, env);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid: %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *slurp(TALLOC_CTX *mem, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return talloc_strdup(mem, "");
	char *s = talloc_strdup(mem, "");
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		s = talloc_strndup_append(s, buf, (size_t)n);
	close(fd);
	return s;
}

/* first_join: a fresh image (no /etc/sssd, no krb5.conf, no join record) instead of a joined one. */
static void build_old_tree(TALLOC_CTX *mem, const char *apply, const char *vectors,
			   const char *root, const char *work, bool first_join)
{
	static const char *const d[] = {"",         "/etc",    "/tmp",   "/var",
					"/var/lib", "/var/lib/sss", "/var/lib/sss/db",
					"/var/lib/sss/mc"};
	dirs(root, d, sizeof(d) / sizeof(d[0]));
	static const char hosts[] = "127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n\n::1 localhost "
				    "ip6-localhost\n";
	put(root, "/etc/hosts", hosts, strlen(hosts), 0644);
	put(root, "/etc/hostname", "debian\n", 7, 0644);
	other_service_keytab(root);
	if (first_join)
		return;
	char *blob = talloc_asprintf(mem, "%s/windows-djoin-tranquilit-TESTSF88.odj", vectors);
	char *log = talloc_asprintf(mem, "%s/first-join.out", work);
	char *args[] = {"--blob", blob, "--root", (char *)root, NULL};
	if (run_apply(apply, args, NULL, log) != 0)
		die("the first join failed: %s", slurp(mem, log));
	/* What the old identity's sssd left: the rejoin removes it. */
	put(root, "/var/lib/sss/db/cache_ad.tranquil.it.ldb", "cache", 5, 0600);
	put(root, "/var/lib/sss/db/ccache_AD.TRANQUIL.IT", "ccache", 6, 0600);
	put(root, "/var/lib/sss/mc/passwd", "mc", 2, 0644);
}

/* ------------------------------------------------------------ the call order */

static bool is_staged_rename(const struct pc_op *op)
{
	if (op->kind != PC_RENAME)
		return false;
	const char *from = strrchr(op->path, '/') + 1, *to = strrchr(op->to, '/') + 1;
	char want[4096];
	snprintf(want, sizeof(want), ".%s.odj-new", to);
	return strcmp(from, want) == 0;
}

static bool changes(const struct pc_op *op, const char *path)
{
	return (op->kind == PC_WRITE || op->kind == PC_TRUNCATE || op->kind == PC_CHMOD ||
		op->kind == PC_CHOWN || op->kind == PC_CREATE) &&
	       strcmp(op->path, path) == 0;
}

static bool is_commit_mark(const struct pc_op *op)
{
	return op->kind == PC_WRITE && strcmp(op->path, ODJ_COMMIT_JOURNAL) == 0 &&
	       memmem(op->data, op->len, " committed\n", 11) != NULL;
}

#define ORDER_FAIL(...)                                                                            \
	do {                                                                                       \
		printf("powercut: FAIL: call order: " __VA_ARGS__);                                \
		putchar('\n');                                                             \
		return false;                                                                      \
	} while (0)

static bool check_call_order(TALLOC_CTX *mem, const struct pc_op *ops, size_t n)
{
	size_t mark = n, renames = 0;
	for (size_t i = 0; i < n; i++)
		if (is_commit_mark(&ops[i]))
			mark = i;
	if (mark == n)
		ORDER_FAIL("the journal's commit mark was never written");
	char **dirs_synced = talloc_array(mem, char *, n + 1);
	size_t n_dirs = 0;
	for (size_t r = 0; r < n; r++) {
		if (!is_staged_rename(&ops[r]))
			continue;
		renames++;
		const char *staged = ops[r].path;
		/* The last change of the staged file, then an fsync of it, then the rename. */
		size_t last_change = n, synced = n;
		for (size_t i = 0; i < r; i++) {
			if (changes(&ops[i], staged))
				last_change = i, synced = n;
			else if (ops[i].kind == PC_FSYNC && strcmp(ops[i].path, staged) == 0 &&
				 last_change != n)
				synced = i;
		}
		if (last_change == n || synced == n)
			ORDER_FAIL("%s is renamed into place (call %zu) without an fsync after its "
				   "last change (call %zu)",
				   staged, r + 1, last_change + 1);
		/* Its directory fsynced after the rename, before the commit mark. */
		char *dir = talloc_strndup(mem, ops[r].to, (size_t)(strrchr(ops[r].to, '/') - ops[r].to));
		if (dir[0] == '\0')
			dir = talloc_strdup(mem, "/");
		size_t dsync = n;
		for (size_t i = r + 1; i < mark && dsync == n; i++)
			if (ops[i].kind == PC_FSYNC && strcmp(ops[i].path, dir) == 0)
				dsync = i;
		if (r > mark || dsync == n)
			ORDER_FAIL("%s is renamed (call %zu) but %s is not fsynced after it, before "
				   "the commit mark (call %zu)",
				   ops[r].to, r + 1, dir, mark + 1);
		bool known = false;
		for (size_t k = 0; k < n_dirs; k++)
			known = known || strcmp(dirs_synced[k], dir) == 0;
		if (!known)
			dirs_synced[n_dirs++] = dir;
	}
	if (renames == 0)
		ORDER_FAIL("no staged file was renamed into place");
	printf("powercut: call order: %zu staged files each fsynced before its rename, %zu "
	       "directories fsynced after them, before the commit mark (call %zu of %zu)\n",
	       renames, n_dirs, mark + 1, n);
	return true;
}

/* ------------------------------------------------------------ exploration */

struct seen {
	uint64_t *h;
	size_t n, cap;
};

/* True if h is new (and remembers it). */
static bool seen_add(struct seen *s, uint64_t h)
{
	if (h == 0)
		h = 1;
	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint64_t *nh = calloc(cap, sizeof(uint64_t));
		for (size_t i = 0; i < s->cap; i++)
			if (s->h[i])
				for (size_t j = s->h[i] % cap;; j = (j + 1) % cap)
					if (!nh[j]) {
						nh[j] = s->h[i];
						break;
					}
		free(s->h);
		s->h = nh;
		s->cap = cap;
	}
	for (size_t j = h % s->cap;; j = (j + 1) % s->cap) {
		if (s->h[j] == h)
			return false;
		if (s->h[j] == 0) {
			s->h[j] = h;
			s->n++;
			return true;
		}
	}
}

struct tally {
	size_t states, combos, old, old_state_dir, new_, mixed, refused, shown;
	size_t max_pending, bounded_calls, bounded_variants;
};

/*
 * The old tree plus an empty state directory (ODJ_COMMIT_STATE_DIR, made
 * before the journal to hold it and its lock): the transaction's files are
 * all old, only odj's own empty directory is new.
 */
static bool old_with_state_dir(TALLOC_CTX *mem, const struct pc_tree *old, const struct pc_tree *after)
{
	if (after->count != old->count + 1)
		return false;
	struct pc_tree plus = {talloc_array(mem, struct pc_node, old->count + 1), old->count + 1};
	memcpy(plus.n, old->n, sizeof(struct pc_node) * old->count);
	plus.n[old->count] = (struct pc_node){.path = ODJ_COMMIT_STATE_DIR, .dir = true,
					      .mode = ODJ_COMMIT_DIR_MODE, .uid = geteuid(),
					      .gid = getegid()};
	pc_tree_sort(&plus);
	return pc_tree_equal(&plus, after);
}

static void recover_one(const char *crash_root, const struct pc_tree *crash,
			const struct pc_tree *old, const struct pc_tree *new_, struct tally *t,
			size_t k, const struct pc_op *op)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *why = NULL;
	pc_tree_remove(crash_root);
	if (!pc_tree_write(crash, crash_root, &why))
		die("cannot write a crash state: %s", why);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	bool found = false;
	odj_result r = odj_commit_recover(ctx, crash_root, &found);
	struct pc_tree after;
	const char *outcome;
	if (r != ODJ_OK) {
		t->refused++;
		outcome = talloc_asprintf(mem, "recovery refused: %s", odj_error_format(mem, ctx));
	} else if (!pc_tree_read(mem, crash_root, &after, &why)) {
		die("cannot read a recovered tree: %s", why);
	} else if (pc_tree_equal(&after, old)) {
		t->old++;
		outcome = NULL;
	} else if (pc_tree_equal(&after, new_)) {
		t->new_++;
		outcome = NULL;
	} else if (old_with_state_dir(mem, old, &after)) {
		t->old_state_dir++;
		outcome = NULL;
	} else {
		t->mixed++;
		outcome = talloc_asprintf(mem, "mixed; against the old tree:%s\n    against the new tree:%s",
					  pc_tree_diff(mem, &after, old), pc_tree_diff(mem, &after, new_));
	}
	if (outcome && t->shown++ < 5)
		printf("powercut: power cut after call %zu (%.120s): %s\n", k,
		       op ? op->line : "none", outcome);
	talloc_free(mem);
}

static void explore_one(struct pc_model *m, const bool *keep, const size_t *var, size_t k,
			const struct pc_op *op, const char *crash_root, const struct pc_tree *old,
			const struct pc_tree *new_, struct seen *seen, struct tally *t)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct pc_tree crash;
	t->combos++;
	if (!pc_model_crash(mem, m, keep, var, &crash))
		die("after call %zu: a crash state with a directory cycle", k);
	if (seen_add(seen, pc_tree_hash(&crash))) {
		t->states++;
		recover_one(crash_root, &crash, old, new_, t, k, op);
	}
	talloc_free(mem);
}

/*
 * One subset of the pending changes with the variants of the unsynced
 * inodes: all their combinations up to VARIANTS_ALL_MAX; beyond, every
 * variant of each inode with all the others durable, and with all the
 * others as cached.
 */
static void explore_subset(struct pc_model *m, const bool *keep, size_t k, const struct pc_op *op,
			   const char *crash_root, const struct pc_tree *old,
			   const struct pc_tree *new_, struct seen *seen, struct tally *t)
{
	size_t nu = pc_model_unsynced(m), product = 1;
	for (size_t u = 0; u < nu && product <= VARIANTS_ALL_MAX; u++)
		product *= pc_model_variants(m, u);
	size_t *var = calloc(nu + 1, sizeof(size_t));
#define ONE() explore_one(m, keep, var, k, op, crash_root, old, new_, seen, t)
	if (product <= VARIANTS_ALL_MAX) {
		for (;;) {
			ONE();
			size_t u = 0;
			while (u < nu && ++var[u] == pc_model_variants(m, u))
				var[u++] = 0;
			if (u == nu)
				break;
		}
	} else {
		t->bounded_variants++;
		for (size_t others = 0; others <= 1; others++)
			for (size_t u = 0; u < nu; u++)
				for (size_t v = 0; v < pc_model_variants(m, u); v++) {
					for (size_t i = 0; i < nu; i++)
						var[i] = others;
					var[u] = v;
					ONE();
				}
	}
#undef ONE
	free(var);
}

/*
 * The crash states of the model as it stands after call k.  Up to
 * all_subsets_max pending directory changes: every subset.  More: every
 * prefix of them in order; all but one, and only one; and for each
 * directory every subset of its own changes with all the others kept, and
 * with all the others lost.
 */
static void explore_now(struct pc_model *m, size_t k, const struct pc_op *op, const char *crash_root,
			const struct pc_tree *old, const struct pc_tree *new_, struct seen *seen,
			struct tally *t)
{
	size_t np = pc_model_pending(m);
	if (np > t->max_pending)
		t->max_pending = np;
	bool *keep = calloc(np + 1, sizeof(bool));
#define EXPLORE() explore_subset(m, keep, k, op, crash_root, old, new_, seen, t)
	if (np <= all_subsets_max) {
		for (size_t mask = 0; mask < ((size_t)1 << np); mask++) {
			for (size_t b = 0; b < np; b++)
				keep[b] = (mask >> b) & 1;
			EXPLORE();
		}
		free(keep);
		return;
	}
	t->bounded_calls++;
	for (size_t len = 0; len <= np; len++) {
		for (size_t b = 0; b < np; b++)
			keep[b] = b < len;
		EXPLORE();
	}
	for (size_t one = 0; one < np; one++) {
		for (size_t b = 0; b < np; b++)
			keep[b] = b != one;
		EXPLORE();
		for (size_t b = 0; b < np; b++)
			keep[b] = b == one;
		EXPLORE();
	}
	size_t *mine = calloc(np + 1, sizeof(size_t));
	for (size_t first = 0; first < np; first++) {
		size_t dir = pc_model_pending_dir(m, first), n_mine = 0;
		bool done = false;
		for (size_t b = 0; b < first && !done; b++)
			done = pc_model_pending_dir(m, b) == dir;
		if (done)
			continue;
		for (size_t b = 0; b < np; b++)
			if (pc_model_pending_dir(m, b) == dir)
				mine[n_mine++] = b;
		if (n_mine > all_subsets_max)
			n_mine = all_subsets_max;
		for (int others = 0; others <= 1; others++)
			for (size_t mask = 0; mask < ((size_t)1 << n_mine); mask++) {
				for (size_t b = 0; b < np; b++)
					keep[b] = others;
				for (size_t i = 0; i < n_mine; i++)
					keep[mine[i]] = (mask >> i) & 1;
				EXPLORE();
			}
	}
#undef EXPLORE
	free(mine);
	free(keep);
}

int main(int argc, char **argv)
{
	const char *apply = NULL, *recorder = NULL, *vectors = NULL;
	bool order_only = false, first_join = false;
	static const struct option opts[] = {{"apply", required_argument, NULL, 'a'},
					     {"recorder", required_argument, NULL, 'r'},
					     {"vectors", required_argument, NULL, 'v'},
					     {"order-only", no_argument, NULL, 'o'},
					     {"first-join", no_argument, NULL, 'f'},
					     {"subsets", required_argument, NULL, 's'},
					     {NULL, 0, NULL, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			apply = optarg;
		else if (c == 'r')
			recorder = optarg;
		else if (c == 'v')
			vectors = optarg;
		else if (c == 'o')
			order_only = true;
		else if (c == 'f')
			first_join = true;
		else if (c == 's')
			all_subsets_max = strtoul(optarg, NULL, 10);
		else
			return 2;
	}
	if (!apply || !recorder || !vectors) {
		fprintf(stderr, "usage: powercut --apply ODJ-APPLY --recorder FSREC.so --vectors DIR "
				"[--order-only] [--first-join]\n");
		return 2;
	}
	if (geteuid() != 0)
		die("must run as root (odj-apply sets owners; the crash states keep them)");
	setvbuf(stdout, NULL, _IOLBF, 0);
	TALLOC_CTX *mem = talloc_new(NULL);
	/* Named like the fault-injection trees, so a leftover is cleaned by the same fixture. */
	char work[64];
	snprintf(work, sizeof(work), "/dev/shm/odj-commit-faults-%d-powercut.XXXXXX", (int)getpid());
	if (mkdtemp(work) == NULL)
		die("mkdtemp: %s", strerror(errno));
	char *old_root = talloc_asprintf(mem, "%s/old", work);
	char *run_root = talloc_asprintf(mem, "%s/run", work);
	char *crash_root = talloc_asprintf(mem, "%s/crash", work);
	char *log = talloc_asprintf(mem, "%s/calls.log", work);
	char *why = NULL;

	build_old_tree(mem, apply, vectors, old_root, work, first_join);
	struct pc_tree old, new_, replayed;
	if (!pc_tree_read(mem, old_root, &old, &why) || !pc_tree_write(&old, run_root, &why))
		die("%s", why);
	char *blob = talloc_asprintf(mem, "%s/samba-4.17-net-offlinejoin-ODJCLI01.odj", vectors);
	char *args[] = {"--blob", blob, "--root", run_root, first_join ? NULL : "--rejoin", NULL};
	const char *asan = getenv("ASAN_OPTIONS");
	char *extra[] = {talloc_asprintf(mem, "LD_PRELOAD=%s", recorder),
			 talloc_asprintf(mem, "ODJ_FSREC_ROOT=%s", run_root),
			 talloc_asprintf(mem, "ODJ_FSREC_LOG=%s", log),
			 /* the recorder comes before the sanitizer runtime */
			 talloc_asprintf(mem, "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
					 asan ? asan : "", asan ? ":" : ""),
			 NULL};
	char *out = talloc_asprintf(mem, "%s/rejoin.out", work);
	if (run_apply(apply, args, extra, out) != 0)
		die("the recorded odj-apply failed: %s", slurp(mem, out));
	if (!pc_tree_read(mem, run_root, &new_, &why))
		die("%s", why);
	if (pc_tree_equal(&old, &new_))
		die("the rejoin changed nothing");

	struct pc_op *ops;
	size_t n_ops;
	if (!pc_log_parse(mem, slurp(mem, log), &ops, &n_ops, &why))
		die("%s", why);
	/* The recording is complete: replayed on the old tree it gives the new one. */
	struct pc_model *m = pc_model_new(mem, &old);
	if (m == NULL)
		die("the old tree does not fit the model");
	for (size_t i = 0; i < n_ops; i++)
		if (!pc_model_apply(m, &ops[i], &why))
			die("replaying call %zu: %s", i + 1, why);
	if (!pc_model_current(mem, m, &replayed) || !pc_tree_equal(&replayed, &new_))
		die("the recorded calls replayed on the old tree do not give the new tree:%s",
		    pc_tree_diff(mem, &replayed, &new_));
	printf("powercut: %zu file-system calls recorded; replayed on the old tree they give the new "
	       "tree (%zu paths)\n",
	       n_ops, new_.count);

	bool order_ok = check_call_order(mem, ops, n_ops);
	if (order_only) {
		pc_tree_remove(work);
		talloc_free(mem);
		return order_ok ? 0 : 1;
	}

	struct seen seen = {0};
	struct tally t = {0};
	m = pc_model_new(mem, &old);
	explore_now(m, 0, NULL, crash_root, &old, &new_, &seen, &t);
	/* A broken commit fails in thousands of states: a few dozen make the point. */
	for (size_t i = 0; i < n_ops && t.mixed + t.refused < 50; i++) {
		if (!pc_model_apply(m, &ops[i], &why))
			die("%s", why);
		explore_now(m, i + 1, &ops[i], crash_root, &old, &new_, &seen, &t);
		if (t.mixed + t.refused >= 50)
			printf("powercut: stopped after call %zu of %zu: enough failures\n", i + 1, n_ops);
	}
	free(seen.h);
	pc_tree_remove(work);
	if (t.bounded_calls)
		printf("powercut: after %zu calls more than %d directory changes were pending (at most "
		       "%zu): explored in order, all but one, one, and every subset per directory\n",
		       t.bounded_calls, (int)all_subsets_max, t.max_pending);
	if (t.bounded_variants)
		printf("powercut: %zu times more than %d combinations of unsynced inodes: each inode's "
		       "variants explored with the others durable, and with the others cached\n",
		       t.bounded_variants, VARIANTS_ALL_MAX);
	printf("powercut: %zu crash states explored (%zu combinations after %zu calls): %zu recovered "
	       "old (%zu of them with odj's new empty state directory), %zu new, %zu mixed, %zu "
	       "refused\n",
	       t.states, t.combos, n_ops + 1, t.old + t.old_state_dir, t.old_state_dir, t.new_,
	       t.mixed, t.refused);
	bool ok = order_ok && t.mixed == 0 && t.refused == 0 && t.old + t.old_state_dir > 0 &&
		  t.new_ > 0;
	talloc_free(mem);
	return ok ? 0 : 1;
}
