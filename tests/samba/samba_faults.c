/*
 * Proof by fault injection that a join with Samba (smb.conf and secrets.tdb
 * in the transaction) is all-or-nothing.
 *
 * Linked with a test-only build of the whole offline library with
 * ODJ_FAULT_INJECTION, so odj_apply itself runs with numbered disk steps.
 * The old root is a Samba member of one machine (ODJCLI01: keytab,
 * smb.conf, secrets.tdb, join record); the change rejoins it as another
 * (ODJCLI02, --rejoin), which replaces every Samba file.  For every step k
 * and every mode (EIO, ENOSPC, SIGKILL) a child runs odj_apply on a fresh
 * copy of the old root with ODJ_FAULT_AT=k; then recovery runs, and the
 * whole tree must equal the old tree or the new one.  A failed run must end
 * old.  The new secrets.tdb is also opened with libtdb and must hold the
 * new machine's keys.
 *
 * Usage: samba_faults VECTORS-DIR
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tdb.h>

#include <odj/apply.h>
#include <odj/commit.h>

#define NOW 1764680000 /* a fixed join time: both runs of the new state are byte-equal */

static const char *vectors;
static char work[] = "/tmp/odj-samba-faults.XXXXXX";

static void die(const char *what)
{
	fprintf(stderr, "samba_faults: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Runs a command (cp, rm, mkdir) and insists that it succeeds. */
static void run_cmd(const char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "samba_faults: %s %s failed\n", argv[0], argv[1]);
		exit(2);
	}
}

/* root + rel, malloc'd. */
static char *at(const char *root, const char *rel)
{
	char *p;
	if (asprintf(&p, "%s%s", root, rel) < 0)
		die("asprintf");
	return p;
}

static odj_result apply(const char *root, const char *blob, bool rejoin)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", vectors, blob);
	struct odj_apply_req req = {.in = {.version = ODJ_APPLY_VERSION, .blob_path = path,
					   .root = root, .rejoin = rejoin, .now = NOW}};
	odj_result r = odj_apply(ctx, mem, &req);
	if (r != ODJ_OK && getenv("ODJ_FAULT_AT") == NULL)
		fprintf(stderr, "apply %s: %s\n", blob, odj_error_format(mem, ctx));
	talloc_free(mem);
	return r;
}

/* ---- the whole tree as sorted lines: path, type, mode, owner, size, bytes' hash ---- */

static char **lines;
static size_t n_lines, cap_lines;
static size_t snap_skip;

static uint64_t fnv1a(const char *path)
{
	uint64_t h = 1469598103934665603ull;
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		die(path);
	unsigned char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ull;
	close(fd);
	return h;
}

static int snap_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)flag, (void)ftw;
	char line[8192], extra[4200] = "";
	if (S_ISREG(st->st_mode)) {
		snprintf(extra, sizeof(extra), " %lld %016llx", (long long)st->st_size,
			 (unsigned long long)fnv1a(p));
	} else if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlink(p, target, sizeof(target) - 1);
		snprintf(extra, sizeof(extra), " -> %.*s", (int)(n > 0 ? n : 0), target);
	}
	snprintf(line, sizeof(line), "%s %o %u:%u%s", p[snap_skip] ? p + snap_skip : "/",
		 (unsigned)st->st_mode, (unsigned)st->st_uid, (unsigned)st->st_gid, extra);
	if (n_lines == cap_lines) {
		cap_lines = cap_lines ? 2 * cap_lines : 64;
		lines = realloc(lines, cap_lines * sizeof(char *));
		if (lines == NULL)
			die("realloc");
	}
	lines[n_lines++] = strdup(line);
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tree as one string; an empty state directory (left by a rollback) does not count. */
static char *tree(const char *root)
{
	char state[4096];
	snprintf(state, sizeof(state), "%s" ODJ_COMMIT_STATE_DIR, root);
	rmdir(state); /* only if empty */
	n_lines = 0;
	snap_skip = strlen(root);
	if (nftw(root, snap_one, 32, FTW_PHYS) != 0)
		die("snapshot");
	qsort(lines, n_lines, sizeof(char *), cmp_line);
	size_t total = 1;
	for (size_t i = 0; i < n_lines; i++)
		total += strlen(lines[i]) + 1;
	char *out = malloc(total), *o = out;
	for (size_t i = 0; i < n_lines; i++) {
		o += sprintf(o, "%s\n", lines[i]);
		free(lines[i]);
	}
	*o = '\0';
	return out;
}

/* ---- the scenario ---- */

static void make_old(const char *root)
{
	char *sbin = at(root, "/usr/sbin"), *samba = at(root, "/etc/samba");
	char *smbd = at(root, "/usr/sbin/smbd"), *conf = at(root, "/etc/samba/smb.conf");
	run_cmd((const char *[]){"mkdir", "-p", sbin, samba, NULL});
	if (symlink("/usr/sbin/smbd", smbd) != 0)
		die(smbd);
	FILE *f = fopen(conf, "w");
	if (f == NULL)
		die(conf);
	fputs("[global]\n\tsecurity = user\n\tlog level = 1\n\n[data]\n\tpath = /srv/data\n", f);
	fclose(f);
	free(sbin), free(samba), free(smbd), free(conf);
	if (apply(root, "samba-4.17-net-offlinejoin-ODJCLI01.odj", false) != ODJ_OK)
		exit(1);
}

/* The new secrets.tdb holds ODJCLI02's password and the domain's keys. */
static void check_new_secrets(const char *root)
{
	char *p = at(root, "/var/lib/samba/private/secrets.tdb");
	struct tdb_context *t = tdb_open(p, 0, TDB_DEFAULT, O_RDONLY, 0600);
	if (t == NULL)
		die(p);
	static const char *const keys[] = {"SECRETS/MACHINE_PASSWORD/ODJ", "SECRETS/SID/ODJ",
					   "SECRETS/DOMGUID/ODJ", "SECRETS/MACHINE_LAST_CHANGE_TIME/ODJ",
					   "SECRETS/MACHINE_SEC_CHANNEL_TYPE/ODJ"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		TDB_DATA v = tdb_fetch(t, (TDB_DATA){(unsigned char *)keys[i], strlen(keys[i])});
		if (v.dptr == NULL) {
			fprintf(stderr, "FAIL: the new secrets.tdb lacks %s\n", keys[i]);
			exit(1);
		}
		if (i == 0 && memmem(v.dptr, v.dsize, "odj-part test vector", 20) == NULL) {
			fprintf(stderr, "FAIL: the new secrets.tdb holds another password\n");
			exit(1);
		}
		free(v.dptr);
	}
	tdb_close(t);
	free(p);
}

enum outcome { RAN_OK, RAN_FAILED, KILLED };

static enum outcome run_faulted(const char *root, long k, const char *mode)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char at[32];
		snprintf(at, sizeof(at), "%ld", k);
		setenv("ODJ_FAULT_AT", at, 1);
		setenv("ODJ_FAULT_MODE", mode, 1);
		_exit(apply(root, "odj-part-ODJCLI02.odj", true) == ODJ_OK ? 0 : 1);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return KILLED;
	if (!WIFEXITED(status))
		exit(2);
	return WEXITSTATUS(status) == 0 ? RAN_OK : RAN_FAILED;
}

static void recover(const char *root)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	if (odj_commit_recover(ctx, root, NULL) != ODJ_OK) {
		fprintf(stderr, "FAIL: recovery: %s\n", odj_error_format(mem, ctx));
		exit(1);
	}
	talloc_free(mem);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: samba_faults VECTORS-DIR\n");
		return 2;
	}
	vectors = argv[1];
	unsetenv("ODJ_FAULT_AT");
	if (mkdtemp(work) == NULL)
		die("mkdtemp");
	char *tmpl = at(work, "/old"), *run = at(work, "/run"), *ref = at(work, "/new");
	make_old(tmpl);
	char *old_tree = tree(tmpl);
	run_cmd((const char *[]){"cp", "-a", tmpl, ref, NULL});
	if (apply(ref, "odj-part-ODJCLI02.odj", true) != ODJ_OK)
		return 1;
	check_new_secrets(ref);
	char *new_tree = tree(ref);
	if (strcmp(old_tree, new_tree) == 0 || strstr(new_tree, "secrets.tdb") == NULL) {
		fprintf(stderr, "FAIL: the change does not change secrets.tdb\n");
		return 1;
	}
	static const char *const modes[] = {"eio", "enospc", "kill"};
	long steps = 0, runs = 0, olds = 0, news = 0, mixed = 0;
	for (long k = 1;; k++) {
		bool any_hit = false;
		for (size_t m = 0; m < 3; m++) {
			run_cmd((const char *[]){"rm", "-rf", run, NULL});
			run_cmd((const char *[]){"cp", "-a", tmpl, run, NULL});
			enum outcome o = run_faulted(run, k, modes[m]);
			recover(run);
			char *now = tree(run);
			bool is_old = strcmp(now, old_tree) == 0, is_new = strcmp(now, new_tree) == 0;
			free(now);
			if (m == 0 && o == RAN_OK) /* EIO at k was never reached: past the last step */
				break;
			any_hit = true;
			runs++;
			olds += is_old;
			news += is_new;
			if (!is_old && !is_new) {
				mixed++;
				fprintf(stderr, "MIXED: step %ld mode %s\n", k, modes[m]);
			} else if (o == RAN_FAILED && !is_old) {
				mixed++;
				fprintf(stderr, "FAIL: step %ld mode %s failed but left the new state\n",
					k, modes[m]);
			}
		}
		if (!any_hit)
			break;
		steps = k;
	}
	printf("samba fault injection: %ld steps x 3 modes = %ld runs: %ld old, %ld new, %ld mixed\n",
	       steps, runs, olds, news, mixed);
	run_cmd((const char *[]){"rm", "-rf", work, NULL});
	free(old_tree), free(new_tree), free(tmpl), free(run), free(ref), free(lines);
	return mixed == 0 && steps > 0 ? 0 : 1;
}
