/*
 * The commit journal odj-apply finds in a target root (var/lib/odj/.journal)
 * and recovers from: a journal it accepts is made of valid records (modes,
 * ids, confined paths, states in order), ends where its intact lines end,
 * and says the same again when written out by the journal writer and parsed.
 * Covers: libjoin/commit/commit_journal.c libjoin/commit/commit_path.c
 */
#include <string.h>

#include <odj/odj.h>

#include "commit_internal.h"
#include "fuzz.h"

static bool same_old(const struct commit_old *a, const struct commit_old *b)
{
	return a->present == b->present &&
	       (!a->present || (a->mode == b->mode && a->uid == b->uid && a->gid == b->gid &&
				a->size == b->size && a->crc == b->crc));
}

static bool same_journal(const struct commit_journal *a, const struct commit_journal *b)
{
	if (a->state != b->state || a->n_dirs != b->n_dirs || a->n_entries != b->n_entries)
		return false;
	for (size_t i = 0; i < a->n_dirs; i++)
		if (a->dirs[i].mode != b->dirs[i].mode || strcmp(a->dirs[i].path, b->dirs[i].path))
			return false;
	for (size_t i = 0; i < a->n_entries; i++) {
		const struct commit_jentry *x = &a->entries[i], *y = &b->entries[i];
		if (x->op != y->op || strcmp(x->path, y->path) != 0 ||
		    (a->state >= COMMIT_J_PREPARED && !same_old(&x->old, &y->old)))
			return false;
		if (x->op == COMMIT_OP_PUT && (x->mode != y->mode || x->uid != y->uid ||
					       x->gid != y->gid || x->size != y->size ||
					       x->crc != y->crc))
			return false;
	}
	return true;
}

/* The journal as the writer writes it, up to its state. */
static char *rewrite(TALLOC_CTX *mem, const struct commit_journal *j)
{
	char *text = odj_commit_journal_plan_text(mem, j);
	if (text != NULL && j->state >= COMMIT_J_PREPARED)
		text = talloc_strdup_append(text, odj_commit_journal_prepared_text(mem, j));
	if (text != NULL && j->state == COMMIT_J_COMMITTED)
		text = talloc_strdup_append(text, odj_commit_journal_line(mem, "committed"));
	if (text != NULL && j->state == COMMIT_J_ROLLED_BACK)
		text = talloc_strdup_append(text, odj_commit_journal_line(mem, "rolled-back"));
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct commit_journal j, again;
	char *why = NULL;
	int rc = odj_commit_journal_parse(mem, (const char *)data, size, &j, &why);
	if (rc != 0) {
		check(rc == -1 && why != NULL); /* a refusal says why */
	} else {
		check(j.valid_len <= size && (j.valid_len == 0 || data[j.valid_len - 1] == '\n'));
		for (size_t i = 0; i < j.n_dirs; i++)
			check(odj_commit_path_valid(j.dirs[i].path) && (j.dirs[i].mode & ~07777u) == 0);
		for (size_t i = 0; i < j.n_entries; i++)
			check(odj_commit_path_valid(j.entries[i].path) &&
			      (j.entries[i].op == COMMIT_OP_PUT || j.entries[i].op == COMMIT_OP_DEL));
		if (j.state >= COMMIT_J_PLANNED) {
			char *text = rewrite(mem, &j);
			check(text != NULL);
			check(odj_commit_journal_parse(mem, text, strlen(text), &again, &why) == 0);
			check(again.valid_len == strlen(text) && same_journal(&j, &again));
		}
	}
	talloc_free(mem);
	return 0;
}
