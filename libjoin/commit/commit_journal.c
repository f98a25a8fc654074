/*
 * The commit journal, <root>/var/lib/odj/.journal.
 *
 * Format version 1: text, one record a line, each line
 *
 *     <crc> SP <payload> LF
 *
 * where <crc> is the CRC-32 (zlib) of <payload> as 8 lowercase hex digits.
 * Records, in the order they are appended (each group written and fsynced
 * before the step it guards):
 *
 *     odj-journal 1                                  header
 *     dir <mode> <path>                              directory to create
 *     put <i> <mode> <uid> <gid> <size> <crc> <path> file i to write
 *     del <i> <path>                                 file i to remove
 *     plan-end <dirs> <files>                        the plan is complete
 *     old <i> absent                                 file i did not exist
 *     old <i> file <mode> <uid> <gid> <size> <crc>   file i's previous version,
 *                                                    kept as .previous/<i>
 *     prepared                                       staged, backed up: renames may start
 *     committed | rolled-back                        the outcome
 *
 * Modes are octal, sizes and ids decimal, checksums CRC-32 hex; a path is
 * the rest of its line.  File i is staged as ".<name>.odj-new" in its own
 * directory.  A line without its LF or with a wrong checksum is a torn
 * write: the journal ends before it, i.e. the step it would have allowed
 * never started.  Well-formed records that break these rules are refused.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commit_internal.h"

#define JOURNAL_VERSION 1
#define JOURNAL_MAX_ITEMS 4096

char *odj_commit_journal_line(TALLOC_CTX *mem, const char *payload)
{
	return talloc_asprintf(mem, "%08" PRIx32 " %s\n", commit_crc32(payload, strlen(payload)),
			       payload);
}

static bool append_line(char **text, const char *fmt, ...) ODJ_PRINTF(2, 3);
static bool append_line(char **text, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *payload = talloc_vasprintf(*text, fmt, ap);
	va_end(ap);
	char *line = payload ? odj_commit_journal_line(payload, payload) : NULL;
	if (line == NULL)
		return false;
	*text = talloc_strdup_append_buffer(*text, line);
	talloc_free(payload);
	return *text != NULL;
}

char *odj_commit_journal_plan_text(TALLOC_CTX *mem, const struct commit_journal *j)
{
	char *t = talloc_strdup(mem, "");
	bool ok = t && append_line(&t, "odj-journal %d", JOURNAL_VERSION);
	for (size_t i = 0; ok && i < j->n_dirs; i++)
		ok = append_line(&t, "dir %o %s", (unsigned)j->dirs[i].mode, j->dirs[i].path);
	for (size_t i = 0; ok && i < j->n_entries; i++) {
		const struct commit_jentry *e = &j->entries[i];
		if (e->op == COMMIT_OP_PUT)
			ok = append_line(&t, "put %zu %o %u %u %" PRIu64 " %08" PRIx32 " %s", i,
					 (unsigned)e->mode, (unsigned)e->uid, (unsigned)e->gid,
					 e->size, e->crc, e->path);
		else
			ok = append_line(&t, "del %zu %s", i, e->path);
	}
	ok = ok && append_line(&t, "plan-end %zu %zu", j->n_dirs, j->n_entries);
	if (!ok)
		TALLOC_FREE(t);
	return t;
}

char *odj_commit_journal_prepared_text(TALLOC_CTX *mem, const struct commit_journal *j)
{
	char *t = talloc_strdup(mem, "");
	bool ok = t != NULL;
	for (size_t i = 0; ok && i < j->n_entries; i++) {
		const struct commit_old *o = &j->entries[i].old;
		if (!o->present)
			ok = append_line(&t, "old %zu absent", i);
		else
			ok = append_line(&t, "old %zu file %o %u %u %" PRIu64 " %08" PRIx32, i,
					 (unsigned)o->mode, (unsigned)o->uid, (unsigned)o->gid,
					 o->size, o->crc);
	}
	ok = ok && append_line(&t, "prepared");
	if (!ok)
		TALLOC_FREE(t);
	return t;
}

/* Parses "<fields...> <path>": n numeric fields then the path as the rest. */
static const char *scan_fields(const char *p, int n, unsigned long long *out, const int *base)
{
	for (int k = 0; k < n; k++) {
		char *end;
		if (!isxdigit((unsigned char)*p))
			return NULL;
		errno = 0;
		out[k] = strtoull(p, &end, base[k]);
		if (errno != 0 || end == p || (*end != ' ' && *end != '\0'))
			return NULL;
		p = *end == ' ' ? end + 1 : end;
	}
	return p;
}

static bool grow(TALLOC_CTX *mem, void **arr, size_t elem, size_t n)
{
	if (n >= JOURNAL_MAX_ITEMS)
		return false;
	void *g = talloc_realloc_size(mem, *arr, elem * (n + 1));
	if (g == NULL)
		return false;
	*arr = g;
	memset((char *)g + elem * n, 0, elem);
	return true;
}

static bool valid_mode(unsigned long long m)
{
	return m <= 07777;
}

static bool valid_id(unsigned long long v)
{
	return v < UINT32_MAX;
}

#define REFUSE(msg)                                                                                \
	do {                                                                                       \
		*why = talloc_asprintf(mem, "line %zu: %s", lineno, msg);                          \
		return -1;                                                                         \
	} while (0)

int odj_commit_journal_parse(TALLOC_CTX *mem, const char *text, size_t len,
			 struct commit_journal *out, char **why)
{
	enum { H_HEADER, H_PLAN, H_OLD, H_PREPARED, H_DONE } phase = H_HEADER;
	size_t pos = 0, lineno = 0, n_old = 0;
	memset(out, 0, sizeof(*out));
	*why = NULL;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		if (nl == NULL)
			break; /* torn */
		size_t ll = (size_t)(nl - (text + pos));
		char *line = talloc_strndup(mem, text + pos, ll);
		lineno++;
		if (line == NULL || strlen(line) != ll || ll < 10 || line[8] != ' ')
			break;
		char *end;
		unsigned long crc = strtoul(line, &end, 16);
		const char *p = line + 9;
		if (end != line + 8 || crc != commit_crc32(p, ll - 9))
			break; /* torn or damaged: the journal ends here */
		pos += ll + 1;
		out->valid_len = pos;
		unsigned long long f[8];
		static const int dec[] = {10, 10, 10, 10, 10, 10, 10};
		static const int dirb[] = {8};
		static const int putb[] = {10, 8, 10, 10, 10, 16};
		static const int oldb[] = {8, 10, 10, 10, 16};
		const char *rest;
		if (phase == H_HEADER) {
			int v;
			char c;
			if (sscanf(p, "odj-journal %d%c", &v, &c) != 1)
				REFUSE("not an odj journal");
			if (v != JOURNAL_VERSION)
				REFUSE("unsupported journal version");
			phase = H_PLAN;
		} else if (phase == H_PLAN && strncmp(p, "dir ", 4) == 0) {
			rest = scan_fields(p + 4, 1, f, dirb);
			if (!rest || !valid_mode(f[0]) || !odj_commit_path_valid(rest) ||
			    !grow(mem, (void **)&out->dirs, sizeof(*out->dirs), out->n_dirs))
				REFUSE("bad dir record");
			out->dirs[out->n_dirs].mode = (mode_t)f[0];
			out->dirs[out->n_dirs++].path = talloc_strdup(mem, rest);
		} else if (phase == H_PLAN && strncmp(p, "put ", 4) == 0) {
			rest = scan_fields(p + 4, 6, f, putb);
			if (!rest || f[0] != out->n_entries || !valid_mode(f[1]) || !valid_id(f[2]) ||
			    !valid_id(f[3]) || f[5] > UINT32_MAX || !odj_commit_path_valid(rest) ||
			    !grow(mem, (void **)&out->entries, sizeof(*out->entries), out->n_entries))
				REFUSE("bad put record");
			struct commit_jentry *e = &out->entries[out->n_entries++];
			*e = (struct commit_jentry){.op = COMMIT_OP_PUT, .mode = (mode_t)f[1],
						    .uid = (uid_t)f[2], .gid = (gid_t)f[3],
						    .size = f[4], .crc = (uint32_t)f[5],
						    .path = talloc_strdup(mem, rest)};
		} else if (phase == H_PLAN && strncmp(p, "del ", 4) == 0) {
			rest = scan_fields(p + 4, 1, f, dec);
			if (!rest || f[0] != out->n_entries || !odj_commit_path_valid(rest) ||
			    !grow(mem, (void **)&out->entries, sizeof(*out->entries), out->n_entries))
				REFUSE("bad del record");
			struct commit_jentry *e = &out->entries[out->n_entries++];
			*e = (struct commit_jentry){.op = COMMIT_OP_DEL, .path = talloc_strdup(mem, rest)};
		} else if (phase == H_PLAN && strncmp(p, "plan-end ", 9) == 0) {
			rest = scan_fields(p + 9, 2, f, dec);
			if (!rest || *rest || f[0] != out->n_dirs || f[1] != out->n_entries)
				REFUSE("plan-end does not match the plan");
			phase = H_OLD;
			out->state = COMMIT_J_PLANNED;
		} else if (phase == H_OLD && strncmp(p, "old ", 4) == 0) {
			rest = scan_fields(p + 4, 1, f, dec);
			if (!rest || f[0] != n_old || n_old >= out->n_entries)
				REFUSE("bad old record");
			struct commit_old *o = &out->entries[n_old++].old;
			if (strcmp(rest, "absent") == 0)
				continue;
			if (strncmp(rest, "file ", 5) != 0)
				REFUSE("bad old record");
			const char *tail = scan_fields(rest + 5, 5, f, oldb);
			if (!tail || *tail || !valid_mode(f[0]) || !valid_id(f[1]) || !valid_id(f[2]) ||
			    f[4] > UINT32_MAX)
				REFUSE("bad old record");
			*o = (struct commit_old){.present = true, .mode = (mode_t)f[0],
						 .uid = (uid_t)f[1], .gid = (gid_t)f[2],
						 .size = f[3], .crc = (uint32_t)f[4]};
		} else if (phase == H_OLD && strcmp(p, "prepared") == 0) {
			if (n_old != out->n_entries)
				REFUSE("prepared before every old record");
			phase = H_PREPARED;
			out->state = COMMIT_J_PREPARED;
		} else if (phase == H_PREPARED && strcmp(p, "committed") == 0) {
			phase = H_DONE;
			out->state = COMMIT_J_COMMITTED;
		} else if (phase == H_PREPARED && strcmp(p, "rolled-back") == 0) {
			phase = H_DONE;
			out->state = COMMIT_J_ROLLED_BACK;
		} else {
			REFUSE("unexpected record");
		}
	}
	if (phase == H_PLAN) {
		/* The plan never became durable: nothing was staged. */
		out->state = COMMIT_J_NONE;
	}
	return 0;
}
