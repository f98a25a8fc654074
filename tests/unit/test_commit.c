/* The commit transaction: results on disk, root confinement, refusals, journal, recovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <odj/commit.h>

#include "commit_tx.h"
#include "unit_ctx.h"

struct fixture {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	char *base; /* temp dir holding root/ and outside/ */
	char *root;
	char *outside;
};

static char *at(struct fixture *f, const char *path)
{
	return talloc_asprintf(f->mem, "%s%s", f->root, path);
}

static void write_path(const char *full, const char *text, mode_t mode)
{
	int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static char *read_path(TALLOC_CTX *mem, const char *full)
{
	FILE *fp = fopen(full, "r");
	if (fp == NULL)
		return NULL;
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	return talloc_strndup(mem, buf, n);
}

static mode_t mode_of(const char *full)
{
	struct stat st;
	assert_int_equal(lstat(full, &st), 0);
	return st.st_mode & 07777;
}

static bool exists(const char *full)
{
	struct stat st;
	return lstat(full, &st) == 0;
}

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);
	unit_fixture_open(f, &f->mem, &f->ctx, &f->base, "test-commit");
	f->root = talloc_asprintf(f->mem, "%s/root", f->base);
	f->outside = talloc_asprintf(f->mem, "%s/outside", f->base);
	assert_int_equal(mkdir(f->root, 0755), 0);
	assert_int_equal(mkdir(f->outside, 0755), 0);
	assert_int_equal(mkdir(at(f, "/etc"), 0755), 0);
	write_path(at(f, "/etc/hostname"), "oldhost\n", 0644);
	write_path(talloc_asprintf(f->mem, "%s/krb5.conf", f->outside), "outside\n", 0644);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	return unit_talloc_teardown(state);
}

static void no_leftovers(struct fixture *f)
{
	assert_false(exists(at(f, ODJ_COMMIT_JOURNAL)));
	assert_false(exists(at(f, ODJ_COMMIT_PREVIOUS)));
	assert_false(exists(at(f, "/etc/.hostname.odj-new")));
}

static void run_writes_files_modes_and_directories(void **state)
{
	struct fixture *f = *state;
	struct odj_commit *tx = odj_commit_begin(f->mem, f->ctx, f->root);
	assert_non_null(tx);
	uid_t u = getuid();
	gid_t g = getgid();
	assert_int_equal(odj_commit_mkdir(tx, "/etc/sssd", 0711), ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/etc/hostname", "client1\n", 8, 0640, u, g), ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/etc/sssd/sssd.conf", "[sssd]\n", 7, 0600, u, g),
			 ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/var/lib/odj/join.json", "{}\n", 3, 0644, u, g),
			 ODJ_OK);
	assert_int_equal(odj_commit_remove(tx, "/etc/absent.conf"), ODJ_OK);
	assert_int_equal(odj_commit_run(tx), ODJ_OK);

	assert_string_equal(read_path(f->mem, at(f, "/etc/hostname")), "client1\n");
	assert_int_equal(mode_of(at(f, "/etc/hostname")), 0640);
	assert_int_equal(mode_of(at(f, "/etc/sssd")), 0711);
	assert_int_equal(mode_of(at(f, "/etc/sssd/sssd.conf")), 0600);
	assert_int_equal(mode_of(at(f, "/var/lib")), ODJ_COMMIT_DIR_MODE);
	assert_string_equal(read_path(f->mem, at(f, "/var/lib/odj/join.json")), "{}\n");
	no_leftovers(f);
	/* A transaction runs once. */
	assert_int_equal(odj_commit_run(tx), ODJ_E_UNEXPECTED);
}

static void remove_deletes_and_keeps_nothing(void **state)
{
	struct fixture *f = *state;
	write_path(at(f, "/etc/stale.ldb"), "cache", 0600);
	struct odj_commit *tx = odj_commit_begin(f->mem, f->ctx, f->root);
	assert_int_equal(odj_commit_remove(tx, "/etc/stale.ldb"), ODJ_OK);
	assert_int_equal(odj_commit_run(tx), ODJ_OK);
	assert_false(exists(at(f, "/etc/stale.ldb")));
	no_leftovers(f);
}

static void bad_paths_are_refused(void **state)
{
	struct fixture *f = *state;
	struct odj_commit *tx = odj_commit_begin(f->mem, f->ctx, f->root);
	static const char *const bad[] = {"etc/hostname",  "/etc/../shadow", "/etc//hostname",
					  "/etc/./hostname", "/etc/host\nname", "/etc/",
					  "/",              ODJ_COMMIT_JOURNAL,
					  ODJ_COMMIT_PREVIOUS "/0"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(odj_commit_put(tx, bad[i], "x", 1, 0644, 0, 0), ODJ_E_INPUT);
		assert_int_equal(odj_error_get(f->ctx)->status, ODJ_ERROR_INVALID_NAME);
	}
	assert_int_equal(odj_commit_put(tx, "/etc/a", "x", 1, 0644, 0, 0), ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/etc/a", "y", 1, 0644, 0, 0), ODJ_E_INPUT);
	assert_int_equal(odj_commit_put(tx, "/etc/b", "x", 1, 010644, 0, 0), ODJ_E_INPUT);
	assert_int_equal(odj_commit_put(tx, "/etc/c", NULL, 1, 0644, 0, 0), ODJ_E_INPUT);
	assert_null(odj_commit_begin(f->mem, f->ctx, "/nonexistent/odj-root"));
	assert_int_equal(odj_error_get(f->ctx)->result, ODJ_E_CONFIG);
}

/* /etc -> <outside> (absolute): resolved inside the root, never to the real directory. */
static void absolute_symlink_stays_inside_root(enum commit_resolve how, struct fixture *f)
{
	assert_int_equal(rename(at(f, "/etc"), at(f, "/realetc")), 0);
	assert_int_equal(symlink(f->outside, at(f, "/etc")), 0);
	/* The same path inside the root, where the symlink must lead. */
	char *inside = at(f, f->outside);
	for (char *s = strchr(inside + strlen(f->root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(inside, 0755);
		*s = '/';
	}
	assert_int_equal(mkdir(inside, 0755), 0);
	struct odj_commit *tx = odj_commit_begin(f->mem, f->ctx, f->root);
	odj_commit_tx_set_resolve(tx, how);
	assert_int_equal(odj_commit_put(tx, "/etc/krb5.conf", "inside\n", 7, 0644, getuid(),
					getgid()),
			 ODJ_OK);
	assert_int_equal(odj_commit_run(tx), ODJ_OK);
	/* The outside file is untouched; the write landed at <root><outside>/krb5.conf. */
	char *outside_file = talloc_asprintf(f->mem, "%s/krb5.conf", f->outside);
	assert_string_equal(read_path(f->mem, outside_file), "outside\n");
	assert_string_equal(read_path(f->mem, at(f, outside_file)), "inside\n");
	no_leftovers(f);
}

static void absolute_symlink_openat2(void **state)
{
	absolute_symlink_stays_inside_root(COMMIT_RESOLVE_AUTO, *state);
}

static void absolute_symlink_walk(void **state)
{
	absolute_symlink_stays_inside_root(COMMIT_RESOLVE_WALK, *state);
}

/* Opens path below the root with how; true if it is the directory expect (below the root). */
static bool resolves_to(struct fixture *f, const char *path, enum commit_resolve how,
			const char *expect)
{
	int rootfd = open(f->root, O_RDONLY | O_DIRECTORY);
	int want = open(at(f, expect), O_RDONLY | O_DIRECTORY);
	int fd = odj_commit_open_dir(rootfd, path, how);
	struct stat a, b;
	bool same = fd >= 0 && want >= 0 && fstat(fd, &a) == 0 && fstat(want, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev;
	if (fd >= 0)
		close(fd);
	if (want >= 0)
		close(want);
	close(rootfd);
	return same;
}

/* With each resolution (openat2, then the walk) path below the root opens expect below the root. */
static void assert_resolves_to(struct fixture *f, const char *path, const char *expect)
{
	size_t checked = 0;
	for (int how = COMMIT_RESOLVE_AUTO; how <= COMMIT_RESOLVE_WALK; how++, checked++)
		if (!resolves_to(f, path, (enum commit_resolve)how, expect))
			fail_msg("%s did not resolve to %s inside the root (resolution %d)", path, expect, how);
	assert_int_equal(checked, 2);
}

/* Relative ".." escapes are clamped at the root, as in a chroot. */
static void dotdot_symlink_clamped(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mkdir(at(f, "/real"), 0755), 0);
	assert_int_equal(symlink("../../../../../../../real", at(f, "/etc/up")), 0);
	assert_resolves_to(f, "/etc/up", "/real");
}

/*
 * One ".." more than the depth: the root's parent holds a directory of the
 * same name as the one inside the root; only the one inside may be reached.
 */
static void dotdot_above_root_clamped(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mkdir(at(f, "/outside"), 0755), 0);
	assert_int_equal(symlink("../../outside", at(f, "/etc/up")), 0);
	assert_resolves_to(f, "/etc/up", "/outside");
}

/* An absolute symlink below the top level restarts at the root, not where it was found. */
static void deep_absolute_symlink_restarts_at_root(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mkdir(at(f, "/var"), 0755), 0);
	assert_int_equal(mkdir(at(f, "/var/target"), 0755), 0);
	assert_int_equal(mkdir(at(f, "/etc/var"), 0755), 0); /* the wrong place, if relative */
	assert_int_equal(mkdir(at(f, "/etc/var/target"), 0755), 0);
	assert_int_equal(symlink("/var/target", at(f, "/etc/sssd")), 0);
	assert_resolves_to(f, "/etc/sssd", "/var/target");
}

/* The file itself being a symlink (to outside) is refused, and nothing changes. */
static void leaf_symlink_refused(void **state)
{
	struct fixture *f = *state;
	char *outside_file = talloc_asprintf(f->mem, "%s/krb5.conf", f->outside);
	assert_int_equal(symlink(outside_file, at(f, "/etc/krb5.conf")), 0);
	struct odj_commit *tx = odj_commit_begin(f->mem, f->ctx, f->root);
	assert_int_equal(odj_commit_put(tx, "/etc/hostname", "new\n", 4, 0644, getuid(), getgid()),
			 ODJ_OK);
	assert_int_equal(odj_commit_put(tx, "/etc/krb5.conf", "evil\n", 5, 0644, getuid(),
					getgid()),
			 ODJ_OK);
	assert_int_equal(odj_commit_run(tx), ODJ_E_CONFIG);
	/* Refused up front, by what it is, before anything is staged or copied. */
	const struct odj_error *e = odj_error_get(f->ctx);
	assert_int_equal(e->status, ODJ_ERROR_INVALID_NAME);
	assert_non_null(strstr(e->message, "/etc/krb5.conf is not a regular file"));
	assert_string_equal(read_path(f->mem, outside_file), "outside\n");
	assert_string_equal(read_path(f->mem, at(f, "/etc/hostname")), "oldhost\n");
	no_leftovers(f);
}

/* A dangling absolute symlink for a parent: no directory is created outside. */
static void dangling_parent_symlink_refused(void **state)
{
	struct fixture *f = *state;
	char *target = talloc_asprintf(f->mem, "%s/newdir", f->outside);
	assert_int_equal(symlink(target, at(f, "/etc/sssd")), 0);
	struct odj_commit *tx = odj_commit_begin(f->mem, f->ctx, f->root);
	assert_int_equal(odj_commit_put(tx, "/etc/sssd/sssd.conf", "x", 1, 0600, getuid(),
					getgid()),
			 ODJ_OK);
	assert_int_not_equal(odj_commit_run(tx), ODJ_OK);
	assert_false(exists(target));
	no_leftovers(f);
}

static void lock_refuses_a_second_transaction(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mkdir(at(f, "/var"), 0755), 0);
	assert_int_equal(mkdir(at(f, "/var/lib"), 0755), 0);
	assert_int_equal(mkdir(at(f, "/var/lib/odj"), 0755), 0);
	int held = open(at(f, "/var/lib/odj"), O_RDONLY | O_DIRECTORY);
	assert_int_equal(flock(held, LOCK_EX), 0);
	struct odj_commit *tx = odj_commit_begin(f->mem, f->ctx, f->root);
	assert_int_equal(odj_commit_put(tx, "/etc/hostname", "x\n", 2, 0644, getuid(), getgid()),
			 ODJ_OK);
	assert_int_equal(odj_commit_run(tx), ODJ_E_CONFIG);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "another odj transaction"));
	close(held);
	assert_string_equal(read_path(f->mem, at(f, "/etc/hostname")), "oldhost\n");
}

static void errno_maps_to_win32(void **state)
{
	(void)state;
	assert_int_equal(odj_commit_errno_status(ENOSPC), ODJ_ERROR_DISK_FULL);
	assert_int_equal(odj_commit_errno_status(EDQUOT), ODJ_ERROR_DISK_FULL);
	assert_int_equal(odj_commit_errno_status(EIO), ODJ_ERROR_WRITE_FAULT);
	assert_int_equal(odj_commit_errno_status(EACCES), ODJ_ERROR_ACCESS_DENIED);
	assert_int_equal(odj_commit_errno_status(EROFS), ODJ_ERROR_ACCESS_DENIED);
	assert_int_equal(odj_commit_errno_status(ENOENT), ODJ_ERROR_FILE_NOT_FOUND);
	assert_int_equal(odj_commit_errno_status(ELOOP), ODJ_ERROR_INVALID_NAME);
}

/* ---- journal ---- */

static char *line(TALLOC_CTX *mem, const char *payload)
{
	return talloc_asprintf(mem, "%08lx %s\n", crc32(0, (const Bytef *)payload, strlen(payload)),
			       payload);
}

static char *journal(TALLOC_CTX *mem, const char *const *payloads, size_t n)
{
	char *t = talloc_strdup(mem, "");
	for (size_t i = 0; i < n; i++)
		t = talloc_strdup_append(t, line(mem, payloads[i]));
	return t;
}

static const char *const prepared_journal[] = {
	"odj-journal 1",
	"dir 711 /etc/sssd",
	"put 0 644 0 0 8 12345678 /etc/hostname",
	"del 1 /etc/stale",
	"plan-end 1 2",
	"old 0 file 644 0 0 8 9abcdef0",
	"old 1 absent",
	"prepared",
};

static void journal_states_and_torn_tail(void **state)
{
	struct fixture *f = *state;
	struct commit_journal j;
	char *why;
	char *t = journal(f->mem, prepared_journal, 8);
	assert_int_equal(odj_commit_journal_parse(f->mem, t, strlen(t), &j, &why), 0);
	assert_int_equal(j.state, COMMIT_J_PREPARED);
	assert_int_equal(j.n_dirs, 1);
	assert_int_equal(j.dirs[0].mode, 0711);
	assert_int_equal(j.n_entries, 2);
	assert_string_equal(j.entries[0].path, "/etc/hostname");
	assert_int_equal(j.entries[0].crc, 0x12345678);
	assert_true(j.entries[0].old.present);
	assert_int_equal(j.entries[0].old.crc, 0x9abcdef0);
	assert_false(j.entries[1].old.present);
	assert_int_equal(j.valid_len, strlen(t));

	/* A torn "committed" (no newline) and a damaged one do not count. */
	char *torn = talloc_asprintf(f->mem, "%s%s", t, line(f->mem, "committed"));
	torn[strlen(torn) - 1] = '\0';
	assert_int_equal(odj_commit_journal_parse(f->mem, torn, strlen(torn), &j, &why), 0);
	assert_int_equal(j.state, COMMIT_J_PREPARED);
	assert_int_equal(j.valid_len, strlen(t));
	char *bad = talloc_asprintf(f->mem, "%s%s", t, line(f->mem, "committed"));
	bad[strlen(t) + 9] = 'C';
	assert_int_equal(odj_commit_journal_parse(f->mem, bad, strlen(bad), &j, &why), 0);
	assert_int_equal(j.state, COMMIT_J_PREPARED);
	char *done = talloc_asprintf(f->mem, "%s%s", t, line(f->mem, "committed"));
	assert_int_equal(odj_commit_journal_parse(f->mem, done, strlen(done), &j, &why), 0);
	assert_int_equal(j.state, COMMIT_J_COMMITTED);

	/* Without plan-end the plan never became durable. */
	char *partial = journal(f->mem, prepared_journal, 3);
	assert_int_equal(odj_commit_journal_parse(f->mem, partial, strlen(partial), &j, &why), 0);
	assert_int_equal(j.state, COMMIT_J_NONE);
	assert_int_equal(odj_commit_journal_parse(f->mem, "", 0, &j, &why), 0);
	assert_int_equal(j.state, COMMIT_J_NONE);
}

static void journal_contradictions_refused(void **state)
{
	struct fixture *f = *state;
	struct commit_journal j;
	char *why;
	static const char *const cases[][3] = {
		{"odj-journal 2", "plan-end 0 0", NULL},
		{"odj-journal 1", "put 1 644 0 0 1 0 /etc/a", NULL},
		{"odj-journal 1", "put 0 644 0 0 1 0 /etc/../a", NULL},
		{"odj-journal 1", "plan-end 3 0", NULL},
		{"odj-journal 1", "plan-end 0 0", "prepared-too-soon"},
		{"odj-journal 1", "committed", NULL},
		{"something else", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = cases[i][1] == NULL ? 1 : cases[i][2] == NULL ? 2 : 3;
		char *t = journal(f->mem, cases[i], n);
		assert_int_equal(odj_commit_journal_parse(f->mem, t, strlen(t), &j, &why), -1);
		assert_non_null(why);
	}
}

static void write_journal(struct fixture *f, const char *text)
{
	assert_int_equal(mkdir(at(f, "/var"), 0755), 0);
	assert_int_equal(mkdir(at(f, "/var/lib"), 0755), 0);
	assert_int_equal(mkdir(at(f, "/var/lib/odj"), 0755), 0);
	write_path(at(f, ODJ_COMMIT_JOURNAL), text, 0600);
}

/* A journal of an unknown version is refused and nothing is touched. */
static void recovery_refuses_unknown_journal(void **state)
{
	struct fixture *f = *state;
	const char *v2[] = {"odj-journal 2", "put 0 644 0 0 1 0 /etc/hostname", "plan-end 0 1"};
	write_journal(f, journal(f->mem, v2, 3));
	bool found = false;
	assert_int_equal(odj_commit_recover(f->ctx, f->root, &found), ODJ_E_CONFIG);
	assert_true(found);
	assert_int_equal(odj_error_get(f->ctx)->status, ODJ_ERROR_INVALID_DATA);
	assert_true(exists(at(f, ODJ_COMMIT_JOURNAL)));
	assert_string_equal(read_path(f->mem, at(f, "/etc/hostname")), "oldhost\n");
	/* And a run refuses to start on top of it. */
	struct odj_commit *tx = odj_commit_begin(f->mem, f->ctx, f->root);
	assert_int_equal(odj_commit_put(tx, "/etc/hostname", "x\n", 2, 0644, getuid(), getgid()),
			 ODJ_OK);
	assert_int_equal(odj_commit_run(tx), ODJ_E_CONFIG);
	assert_string_equal(read_path(f->mem, at(f, "/etc/hostname")), "oldhost\n");
}

/* Prepared but not committed, with the new file already renamed: rolled back. */
static void recovery_rolls_back_prepared(void **state)
{
	struct fixture *f = *state;
	char *old = talloc_asprintf(f->mem, "old 0 file 600 %u %u 8 %08lx", (unsigned)getuid(),
				    (unsigned)getgid(), crc32(0, (const Bytef *)"oldhost\n", 8));
	const char *p[] = {"odj-journal 1", "put 0 644 0 0 4 0 /etc/hostname", "plan-end 0 1", old,
			   "prepared"};
	write_journal(f, journal(f->mem, p, 5));
	assert_int_equal(mkdir(at(f, ODJ_COMMIT_PREVIOUS), 0700), 0);
	write_path(at(f, ODJ_COMMIT_PREVIOUS "/0"), "oldhost\n", 0600);
	write_path(at(f, "/etc/hostname"), "new\n", 0644);
	bool found = false;
	assert_int_equal(odj_commit_recover(f->ctx, f->root, &found), ODJ_OK);
	assert_true(found);
	assert_string_equal(read_path(f->mem, at(f, "/etc/hostname")), "oldhost\n");
	assert_int_equal(mode_of(at(f, "/etc/hostname")), 0600);
	no_leftovers(f);
	assert_int_equal(odj_commit_recover(f->ctx, f->root, &found), ODJ_OK);
	assert_false(found);
}

/* A damaged previous version stops the rollback before anything changes. */
static void recovery_refuses_damaged_previous(void **state)
{
	struct fixture *f = *state;
	const char *p[] = {"odj-journal 1", "put 0 644 0 0 4 0 /etc/hostname", "plan-end 0 1",
			   "old 0 file 644 0 0 8 00000000", "prepared"};
	write_journal(f, journal(f->mem, p, 5));
	assert_int_equal(mkdir(at(f, ODJ_COMMIT_PREVIOUS), 0700), 0);
	write_path(at(f, ODJ_COMMIT_PREVIOUS "/0"), "oldhost\n", 0600);
	write_path(at(f, "/etc/hostname"), "new\n", 0644);
	assert_int_equal(odj_commit_recover(f->ctx, f->root, NULL), ODJ_E_CONFIG);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "/etc/hostname"));
	assert_string_equal(read_path(f->mem, at(f, "/etc/hostname")), "new\n");
	assert_true(exists(at(f, ODJ_COMMIT_JOURNAL)));
	assert_true(exists(at(f, ODJ_COMMIT_PREVIOUS "/0")));
}

/* Committed with a staged file not yet renamed: rolled forward. */
static void recovery_rolls_forward_committed(void **state)
{
	struct fixture *f = *state;
	const char *p[] = {"odj-journal 1", "put 0 644 0 0 4 0 /etc/hostname", "plan-end 0 1",
			   "old 0 absent", "prepared", "committed"};
	write_journal(f, journal(f->mem, p, 6));
	write_path(at(f, "/etc/.hostname.odj-new"), "new\n", 0644);
	assert_int_equal(odj_commit_recover(f->ctx, f->root, NULL), ODJ_OK);
	assert_string_equal(read_path(f->mem, at(f, "/etc/hostname")), "new\n");
	no_leftovers(f);
}

UNIT_MAIN(
	FIXTURE_TEST(run_writes_files_modes_and_directories),
	FIXTURE_TEST(remove_deletes_and_keeps_nothing),
	FIXTURE_TEST(bad_paths_are_refused),
	FIXTURE_TEST(absolute_symlink_openat2),
	FIXTURE_TEST(absolute_symlink_walk),
	FIXTURE_TEST(dotdot_symlink_clamped),
	FIXTURE_TEST(dotdot_above_root_clamped),
	FIXTURE_TEST(deep_absolute_symlink_restarts_at_root),
	FIXTURE_TEST(leaf_symlink_refused),
	FIXTURE_TEST(dangling_parent_symlink_refused),
	FIXTURE_TEST(lock_refuses_a_second_transaction),
	cmocka_unit_test(errno_maps_to_win32),
	FIXTURE_TEST(journal_states_and_torn_tail),
	FIXTURE_TEST(journal_contradictions_refused),
	FIXTURE_TEST(recovery_refuses_unknown_journal),
	FIXTURE_TEST(recovery_rolls_back_prepared),
	FIXTURE_TEST(recovery_refuses_damaged_previous),
	FIXTURE_TEST(recovery_rolls_forward_committed),
)
