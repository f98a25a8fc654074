/*
 * Proof by fault injection that the commit transaction is all-or-nothing.
 *
 * Linked with the test-only build of the commit code (ODJ_FAULT_INJECTION),
 * where every disk step is numbered.  A reference run counts the steps N of
 * the transaction below; then for every k in 1..N and every mode (EIO,
 * ENOSPC, SIGKILL) a child process runs the transaction from the same old
 * tree with ODJ_FAULT_AT=k, the next run's recovery follows, and the whole
 * tree (every path, type, mode, owner and byte) must equal the old tree or
 * the new tree, with nothing left over.  A failed run must end old, a
 * successful one new.  After each kill, the recovery is itself killed at
 * each of its own steps before a clean recovery runs.
 *
 * Usage: commit_faults [--quick] [--walk]
 *   --quick  no faults inside recovery
 *   --walk   resolve paths with the O_NOFOLLOW walk instead of openat2
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <odj/commit.h>
#include <odj/secret.h>

#include "commit_tx.h"

/* How paths are resolved in every run and recovery (--walk). */
static enum commit_resolve resolve_how = COMMIT_RESOLVE_AUTO;

/* ---- the scenario ---- */

static const uint8_t old_keytab[] = {0x05, 0x02, 0x00, 0x00, 0x00, 0x3b, 0x00, 0x01, 'O', 'L',
				     'D', 0x00, 0x12, 0x00, 0x20, 0xaa, 0xbb, 0x00, 0xcc};
static const uint8_t new_keytab[] = {0x05, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x00, 0x02, 'N', 'E',
				     'W', 0x00, 0x12, 0x00, 0x20, 0x11, 0x22, 0x00, 0x33, 0x44,
				     0x00, 0x11, 0x00, 0x10, 0x55, 0x66};
static const char old_hosts[] = "127.0.0.1\tlocalhost\n127.0.1.1\toldhost\n::1\tlocalhost\n";

static void put_file(const char *root, const char *path, const void *data, size_t len,
		     mode_t mode)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s%s", root, path);
	int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) != 0) {
		perror(full);
		exit(2);
	}
	close(fd);
}

static void make_dir(const char *root, const char *path, mode_t mode)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s%s", root, path);
	if (mkdir(full, mode) != 0 || chmod(full, mode) != 0) {
		perror(full);
		exit(2);
	}
}

static void build_old_tree(const char *root)
{
	make_dir(root, "", 0755);
	make_dir(root, "/etc", 0755);
	make_dir(root, "/var", 0755);
	make_dir(root, "/var/lib", 0755);
	make_dir(root, "/var/lib/sss", 0755);
	make_dir(root, "/var/lib/sss/db", 0700);
	static const char krb5[] = "[libdefaults]\n\tdefault_realm = OLD.TEST\n";
	put_file(root, "/etc/krb5.conf", krb5, strlen(krb5), 0640);
	put_file(root, "/etc/hostname", "oldhost\n", 8, 0644);
	put_file(root, "/etc/hosts", old_hosts, strlen(old_hosts), 0644);
	put_file(root, "/etc/krb5.keytab", old_keytab, sizeof(old_keytab), 0600);
	put_file(root, "/var/lib/sss/db/cache_old.test.ldb", "LDB\0cache", 9, 0600);
}

/* Replaces, creates, removes; several directories, new ones, kept content. */
static struct odj_commit *build_tx(TALLOC_CTX *mem, struct odj_ctx *ctx, const char *root)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	uid_t other = uid == 0 ? 1234 : uid; /* as root, prove that owners are set */
	static const char krb5[] = "[libdefaults]\n\tdefault_realm = ODJ.TEST\n"
				   "\tdns_lookup_kdc = true\n";
	static const char sssd[] = "[sssd]\ndomains = odj.test\n\n[domain/odj.test]\n"
				   "id_provider = ad\n";
	static const char json[] = "{\"domain\":\"odj.test\",\"computer\":\"CLIENT1\"}\n";
	char hosts[256];
	snprintf(hosts, sizeof(hosts), "%s192.0.2.10\tclient1.odj.test client1\n", old_hosts);
	struct odj_commit *tx = odj_commit_begin(mem, ctx, root);
	if (tx != NULL)
		odj_commit_tx_set_resolve(tx, resolve_how);
	struct odj_secret *keytab = odj_secret_dup(mem, new_keytab, sizeof(new_keytab));
	if (tx == NULL || keytab == NULL ||
	    odj_commit_mkdir(tx, "/etc/sssd", 0711) != ODJ_OK ||
	    odj_commit_put_secret(tx, "/etc/krb5.keytab", keytab, 0600, uid, gid) != ODJ_OK ||
	    odj_commit_put(tx, "/etc/krb5.conf", krb5, strlen(krb5), 0644, uid, gid) != ODJ_OK ||
	    odj_commit_put(tx, "/etc/hostname", "client1\n", 8, 0644, uid, gid) != ODJ_OK ||
	    odj_commit_put(tx, "/etc/hosts", hosts, strlen(hosts), 0644, uid, gid) != ODJ_OK ||
	    odj_commit_put(tx, "/etc/sssd/sssd.conf", sssd, strlen(sssd), 0600, uid, gid) != ODJ_OK ||
	    odj_commit_put(tx, "/etc/sssd/conf.d/odj.conf", "# odj\n", 6, 0600, uid, gid) != ODJ_OK ||
	    odj_commit_put(tx, "/var/lib/odj/join.json", json, strlen(json), 0640, other, other) !=
		    ODJ_OK ||
	    odj_commit_remove(tx, "/var/lib/sss/db/cache_old.test.ldb") != ODJ_OK) {
		fprintf(stderr, "building the transaction failed: %s\n",
			odj_error_format(mem, ctx));
		exit(2);
	}
	return tx;
}

/* ---- tree snapshots ---- */

struct node {
	char *path;
	mode_t mode; /* type and permission bits */
	uid_t uid;
	gid_t gid;
	uint8_t *data;
	size_t len;
};

struct snapshot {
	struct node *v;
	size_t n;
};

static void snap_dir(TALLOC_CTX *mem, struct snapshot *s, const char *root, const char *rel)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s%s", root, rel);
	DIR *d = opendir(full);
	if (d == NULL) {
		perror(full);
		exit(2);
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *path = talloc_asprintf(mem, "%s/%s", rel, de->d_name);
		char *fp = talloc_asprintf(mem, "%s%s", root, path);
		struct stat st;
		if (lstat(fp, &st) != 0) {
			perror(fp);
			exit(2);
		}
		s->v = talloc_realloc(mem, s->v, struct node, s->n + 1);
		struct node *nd = &s->v[s->n++];
		*nd = (struct node){path, st.st_mode, st.st_uid, st.st_gid, NULL, 0};
		if (S_ISREG(st.st_mode)) {
			nd->data = talloc_size(mem, (size_t)st.st_size + 1);
			int fd = open(fp, O_RDONLY);
			ssize_t got = fd >= 0 ? read(fd, nd->data, (size_t)st.st_size) : -1;
			if (got != st.st_size) {
				perror(fp);
				exit(2);
			}
			close(fd);
			nd->len = (size_t)got;
		} else if (S_ISDIR(st.st_mode)) {
			snap_dir(mem, s, root, path);
		}
	}
	closedir(d);
}

static int node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct node *)a)->path, ((const struct node *)b)->path);
}

static struct snapshot snap_exact(TALLOC_CTX *mem, const char *root)
{
	struct snapshot s = {NULL, 0};
	snap_dir(mem, &s, root, "");
	qsort(s.v, s.n, sizeof(*s.v), node_cmp);
	return s;
}

static struct snapshot snap(TALLOC_CTX *mem, const char *root)
{
	struct snapshot s = snap_exact(mem, root);
	/* The state directory may stay behind, empty, after a crash and its recovery. */
	for (size_t i = 0; i < s.n; i++)
		if (strcmp(s.v[i].path, ODJ_COMMIT_STATE_DIR) == 0 &&
		    (i + 1 == s.n || strncmp(s.v[i + 1].path, ODJ_COMMIT_STATE_DIR "/",
					     strlen(ODJ_COMMIT_STATE_DIR) + 1) != 0)) {
			memmove(&s.v[i], &s.v[i + 1], (s.n - i - 1) * sizeof(*s.v));
			s.n--;
			break;
		}
	return s;
}

static bool snap_equal(const struct snapshot *a, const struct snapshot *b, const char **diff)
{
	for (size_t i = 0; i < a->n || i < b->n; i++) {
		if (i >= a->n || i >= b->n) {
			*diff = i < a->n ? a->v[i].path : b->v[i].path;
			return false;
		}
		const struct node *x = &a->v[i], *y = &b->v[i];
		if (strcmp(x->path, y->path) != 0 || x->mode != y->mode || x->uid != y->uid ||
		    x->gid != y->gid || x->len != y->len ||
		    (x->len && memcmp(x->data, y->data, x->len) != 0)) {
			*diff = x->path;
			return false;
		}
	}
	return true;
}

/* ---- running children ---- */

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static void reset_root(const char *root)
{
	if (access(root, F_OK) == 0 && nftw(root, rm_entry, 32, FTW_DEPTH | FTW_PHYS) != 0) {
		perror(root);
		exit(2);
	}
	build_old_tree(root);
}

enum child_outcome { OUT_OK, OUT_FAILED, OUT_KILLED, OUT_NOT_HIT };

/* Runs the transaction (or a recovery) in a child with a fault at step k. */
static enum child_outcome run_child(const char *root, bool recover, long k, const char *mode,
				    long *steps, odj_status *row, bool *detail_has_path)
{
	int pipefd[2];
	if (pipe(pipefd) != 0)
		exit(2);
	pid_t pid = fork();
	if (pid < 0)
		exit(2);
	if (pid == 0) {
		close(pipefd[0]);
		char at[32];
		snprintf(at, sizeof(at), "%ld", k);
		setenv("ODJ_FAULT_AT", at, 1);
		setenv("ODJ_FAULT_MODE", mode, 1);
		TALLOC_CTX *mem = talloc_new(NULL);
		struct odj_ctx *ctx = odj_ctx_new(mem);
		struct commit_faults faults;
		odj_result r;
		struct commit_faults *f = &faults;
		if (recover) {
			odj_commit_faults_init(&faults);
			r = odj_commit_recover_root(ctx, root, resolve_how, &faults, NULL);
		} else {
			struct odj_commit *tx = build_tx(mem, ctx, root);
			f = commit_tx_faults(tx);
			r = odj_commit_run(tx);
		}
		/* Steps passed, then the error row and whether its detail names a path in the root. */
		long report[3] = {f->step, (long)odj_error_get(ctx)->status,
				  odj_error_get(ctx)->detail &&
					  strstr(odj_error_get(ctx)->detail, root) != NULL};
		if (write(pipefd[1], report, sizeof(report)) != sizeof(report))
			_exit(2);
		int code = !f->hit ? 12 : r == ODJ_OK ? 10 : 11;
		talloc_free(mem);
		_exit(code);
	}
	close(pipefd[1]);
	long report[3] = {-1, 0, 0};
	if (read(pipefd[0], report, sizeof(report)) == sizeof(report)) {
		if (steps)
			*steps = report[0];
		if (row)
			*row = (odj_status)report[1];
		if (detail_has_path)
			*detail_has_path = report[2] != 0;
	}
	close(pipefd[0]);
	int status;
	if (waitpid(pid, &status, 0) != pid)
		exit(2);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return OUT_KILLED;
	if (!WIFEXITED(status) || WEXITSTATUS(status) < 10 || WEXITSTATUS(status) > 12) {
		fprintf(stderr, "child ended unexpectedly (status %#x)\n", status);
		exit(1);
	}
	return WEXITSTATUS(status) == 10 ? OUT_OK : WEXITSTATUS(status) == 11 ? OUT_FAILED
									       : OUT_NOT_HIT;
}

static void recover_clean(TALLOC_CTX *mem, const char *root)
{
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct commit_faults none = {0};
	if (odj_commit_recover_root(ctx, root, resolve_how, &none, NULL) != ODJ_OK) {
		fprintf(stderr, "recovery failed: %s\n", odj_error_format(mem, ctx));
		exit(1);
	}
}

/* After a kill: old keys and staged secrets are never readable by others. */
static void check_secret_modes(TALLOC_CTX *mem, const char *root)
{
	struct snapshot s = {NULL, 0};
	snap_dir(mem, &s, root, "");
	for (size_t i = 0; i < s.n; i++) {
		const struct node *nd = &s.v[i];
		bool prev_dir = strcmp(nd->path, ODJ_COMMIT_PREVIOUS) == 0;
		bool in_prev = strncmp(nd->path, ODJ_COMMIT_PREVIOUS "/",
				       strlen(ODJ_COMMIT_PREVIOUS) + 1) == 0;
		bool staged_key = strcmp(nd->path, "/etc/.krb5.keytab.odj-new") == 0;
		if ((prev_dir && (nd->mode & 07777) != 0700) ||
		    ((in_prev || staged_key) && (nd->mode & 077) != 0)) {
			fprintf(stderr, "FAIL: %s has mode %04o\n", nd->path,
				(unsigned)(nd->mode & 07777));
			exit(1);
		}
	}
}

struct tally {
	long runs, old, new_set;
};

/* The tree after recovery must be the old or the new set; "expect" narrows it. */
static void check_tree(TALLOC_CTX *mem, const char *root, const struct snapshot *old,
		       const struct snapshot *new_set, int expect, const char *what,
		       struct tally *t)
{
	struct snapshot now = snap(mem, root);
	const char *d1 = "", *d2 = "";
	bool is_old = snap_equal(&now, old, &d1), is_new = snap_equal(&now, new_set, &d2);
	t->runs++;
	t->old += is_old;
	t->new_set += is_new;
	if ((!is_old && !is_new) || (expect == 0 && !is_old) || (expect == 1 && !is_new)) {
		fprintf(stderr, "FAIL: %s: tree is %s (differs from old at %s, from new at %s)\n",
			what, is_old ? "old" : is_new ? "new" : "a mix", d1, d2);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	bool quick = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--walk") == 0)
			resolve_how = COMMIT_RESOLVE_WALK;
		else
			return 2;
	}
	TALLOC_CTX *mem = talloc_new(NULL);
	/*
	 * A process kill loses no page cache, so tmpfs proves the same as a
	 * disk here, thousands of fsyncs faster.  Power loss (the page cache
	 * lost) is the power-cut explorer's part: tests/commit/powercut.c.
	 * The process id in the name lets tests/leftovers.sh tell a tree of a
	 * killed run from one in use.
	 */
	const char *tmpdir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	char *base = talloc_asprintf(mem, "%s/odj-commit-faults-%d-XXXXXX", tmpdir, (int)getpid());
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	char *root = talloc_asprintf(mem, "%s/root", base);
	char *base_old = talloc_asprintf(mem, "%s/old", base);
	unsetenv("ODJ_FAULT_AT");
	build_old_tree(base_old);

	reset_root(root);
	struct snapshot old = snap(mem, root);
	long total = 0;
	if (run_child(root, false, 0, "eio", &total, NULL, NULL) != OUT_NOT_HIT) {
		fprintf(stderr, "FAIL: the reference run did not succeed\n");
		return 1;
	}
	struct snapshot new_set = snap(mem, root);
	const char *d;
	if (snap_equal(&old, &new_set, &d)) {
		fprintf(stderr, "FAIL: the transaction changed nothing\n");
		return 1;
	}
	printf("transaction steps: %ld\n", total);

	static const char *const modes[] = {"eio", "enospc", "kill"};
	struct tally t = {0};
	long nested = 0, max_recovery_steps = 0;
	for (size_t m = 0; m < 3; m++) {
		long k;
		for (k = 1;; k++) {
			TALLOC_CTX *it = talloc_new(mem);
			char what[96];
			reset_root(root);
			odj_status status = 0;
			bool names_path = false;
			enum child_outcome out =
				run_child(root, false, k, modes[m], NULL, &status, &names_path);
			if (out == OUT_NOT_HIT)
				break;
			snprintf(what, sizeof(what), "%s at step %ld", modes[m], k);
			/* A failed run reports the Win32 row of its errno and the file's path. */
			odj_status want = m == 0 ? ODJ_ERROR_WRITE_FAULT : ODJ_ERROR_DISK_FULL;
			if (out == OUT_FAILED && (status != want || !names_path)) {
				fprintf(stderr, "FAIL: %s: status %#x, path in detail: %d\n", what,
					(unsigned)status, names_path);
				return 1;
			}
			if (out == OUT_KILLED)
				check_secret_modes(it, root);
			/* A failed run undoes itself: not even the state directory stays. */
			struct snapshot exact = snap_exact(it, root), old_exact = snap_exact(it, base_old);
			const char *differs = "";
			if (out == OUT_FAILED && !snap_equal(&exact, &old_exact, &differs)) {
				fprintf(stderr, "FAIL: %s: the failed run left %s\n", what, differs);
				return 1;
			}
			int expect = out == OUT_OK ? 1 : out == OUT_FAILED ? 0 : -1;
			if (out == OUT_KILLED && !quick) {
				/*
				 * Interrupt the recovery at each of its own steps too.  A
				 * recovery returns at its first error, so EIO there leaves
				 * what a kill leaves: killing covers both.
				 */
				for (size_t rm = 2; rm < 3; rm++) {
					for (long j = 1;; j++) {
						TALLOC_CTX *jt = talloc_new(it);
						char jwhat[160];
						reset_root(root);
						if (run_child(root, false, k, "kill", NULL, NULL, NULL) != OUT_KILLED)
							return 1;
						long steps = 0;
						enum child_outcome ro =
							run_child(root, true, j, modes[rm], &steps, NULL, NULL);
						if (ro == OUT_NOT_HIT) {
							if (steps > max_recovery_steps)
								max_recovery_steps = steps;
							talloc_free(jt);
							break;
						}
						recover_clean(jt, root);
						snprintf(jwhat, sizeof(jwhat),
							 "%s, then recovery %s at step %ld", what,
							 modes[rm], j);
						check_tree(jt, root, &old, &new_set, -1, jwhat, &t);
						nested++;
						talloc_free(jt);
					}
				}
				reset_root(root);
				if (run_child(root, false, k, "kill", NULL, NULL, NULL) != OUT_KILLED)
					return 1;
			}
			recover_clean(it, root);
			check_tree(it, root, &old, &new_set, expect, what, &t);
			talloc_free(it);
		}
		if (k - 1 != total) {
			fprintf(stderr, "FAIL: %s covered %ld steps, expected %ld\n", modes[m], k - 1,
				total);
			return 1;
		}
		printf("%s: %ld steps faulted, each recovered to old or new\n", modes[m], k - 1);
	}
	printf("recovery steps (longest): %ld; recoveries interrupted: %ld\n", max_recovery_steps,
	       nested);
	printf("outcomes: %ld checked, %ld old, %ld new, 0 mixed\n", t.runs, t.old, t.new_set);
	nftw(base, rm_entry, 32, FTW_DEPTH | FTW_PHYS);
	talloc_free(mem);
	return 0;
}
