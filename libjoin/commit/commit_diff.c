/*
 * A small unified diff for the dry run: longest common subsequence on lines,
 * after trimming the common head and tail.  Config files are small; inputs
 * whose differing middle would need more than DIFF_MAX_CELLS table cells are
 * refused and described by size instead.
 */
#include <string.h>

#include "commit_internal.h"

#define DIFF_MAX_CELLS (4u << 20)

struct line {
	const char *p;
	size_t len; /* without the newline */
	bool nl;    /* ended by a newline */
};

struct lines {
	struct line *v;
	size_t n;
};

static bool split_lines(TALLOC_CTX *mem, const char *text, size_t len, struct lines *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	if (len > 0 && text[len - 1] != '\n')
		n++;
	out->v = talloc_array(mem, struct line, n + 1);
	out->n = 0;
	if (out->v == NULL)
		return false;
	size_t start = 0;
	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t l = nl ? (size_t)(nl - (text + start)) : len - start;
		out->v[out->n++] = (struct line){text + start, l, nl != NULL};
		start += l + (nl ? 1 : 0);
	}
	return true;
}

static bool same(const struct line *a, const struct line *b)
{
	return a->len == b->len && a->nl == b->nl && memcmp(a->p, b->p, a->len) == 0;
}

struct edit {
	char op;       /* ' ', '-', '+' */
	size_t ai, bi; /* line numbers (0-based) in old and new before this edit */
};

static void put_line(FILE *out, char op, const struct line *l)
{
	fputc(op, out);
	fwrite(l->p, 1, l->len, out);
	fputc('\n', out);
	if (!l->nl)
		fputs("\\ No newline at end of file\n", out);
}

static void put_range(FILE *out, char sign, size_t start, size_t count)
{
	/* An empty range names the line before it, as diff(1) does. */
	fprintf(out, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

static void emit_hunks(FILE *out, const struct edit *e, size_t ne, const struct lines *a,
		       const struct lines *b, unsigned ctx)
{
	size_t k = 0;
	while (k < ne) {
		while (k < ne && e[k].op == ' ')
			k++;
		if (k == ne)
			break;
		size_t first = k >= ctx ? k - ctx : 0;
		/* Extend while the next change is within 2*ctx unchanged lines. */
		size_t last = k, scan = k;
		while (scan < ne) {
			if (e[scan].op != ' ') {
				last = scan;
				scan++;
				continue;
			}
			size_t run = 0;
			while (scan + run < ne && e[scan + run].op == ' ')
				run++;
			if (scan + run == ne || run > 2 * (size_t)ctx)
				break;
			scan += run;
		}
		size_t end = last + 1 + ctx < ne ? last + 1 + ctx : ne;
		size_t acount = 0, bcount = 0;
		for (size_t i = first; i < end; i++) {
			acount += e[i].op != '+';
			bcount += e[i].op != '-';
		}
		fputs("@@ ", out);
		put_range(out, '-', e[first].ai, acount);
		fputc(' ', out);
		put_range(out, '+', e[first].bi, bcount);
		fputs(" @@\n", out);
		for (size_t i = first; i < end; i++)
			put_line(out, e[i].op,
				 e[i].op == '+' ? &b->v[e[i].bi] : &a->v[e[i].ai]);
		k = end;
	}
}

bool odj_commit_diff(TALLOC_CTX *mem, FILE *out, const char *label, const char *old, size_t old_len,
		 const char *new_text, size_t new_len, unsigned ctx_lines)
{
	TALLOC_CTX *tmp = talloc_new(mem);
	struct lines a, b;
	bool ok = false;
	if (tmp == NULL || !split_lines(tmp, old ? old : "", old ? old_len : 0, &a) ||
	    !split_lines(tmp, new_text, new_len, &b))
		goto out;
	size_t head = 0, tail = 0;
	while (head < a.n && head < b.n && same(&a.v[head], &b.v[head]))
		head++;
	while (tail < a.n - head && tail < b.n - head &&
	       same(&a.v[a.n - 1 - tail], &b.v[b.n - 1 - tail]))
		tail++;
	size_t n = a.n - head - tail, m = b.n - head - tail;
	if ((n + 1) > DIFF_MAX_CELLS / (m + 1))
		goto out;
	/* lcs[i][j]: common subsequence length of a[head+i..] and b[head+j..] in the middle. */
	uint32_t *lcs = talloc_zero_array(tmp, uint32_t, (n + 1) * (m + 1));
	struct edit *e = talloc_array(tmp, struct edit, a.n + b.n + 1);
	if (lcs == NULL || e == NULL)
		goto out;
#define L(i, j) lcs[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			L(i, j) = same(&a.v[head + i], &b.v[head + j])
					  ? L(i + 1, j + 1) + 1
					  : (L(i + 1, j) >= L(i, j + 1) ? L(i + 1, j) : L(i, j + 1));
	size_t ne = 0, i = 0, j = 0;
	for (size_t h = 0; h < head; h++)
		e[ne++] = (struct edit){' ', h, h};
	while (i < n || j < m) {
		size_t ai = head + i, bi = head + j;
		if (i < n && j < m && same(&a.v[ai], &b.v[bi])) {
			e[ne++] = (struct edit){' ', ai, bi};
			i++, j++;
		} else if (j == m || (i < n && L(i + 1, j) >= L(i, j + 1))) {
			e[ne++] = (struct edit){'-', ai, bi};
			i++;
		} else {
			e[ne++] = (struct edit){'+', ai, bi};
			j++;
		}
	}
#undef L
	for (size_t t = 0; t < tail; t++)
		e[ne++] = (struct edit){' ', head + n + t, head + m + t};
	fprintf(out, "--- %s%s\n+++ b%s\n", old ? "a" : "", old ? label : "/dev/null", label);
	emit_hunks(out, e, ne, &a, &b, ctx_lines);
	ok = true;
out:
	talloc_free(tmp);
	return ok;
}
