/* Names of a bulk run: from a template or a file, and unique. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <odj/bulk.h>

/* Longest name a line may hold: an FQDN. */
#define MAX_NAME 255

odj_result odj_bulk_names_template(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *tmpl,
				   unsigned first, unsigned count, char ***names)
{
	*names = NULL;
	if (tmpl == NULL || count == 0 || count > ODJ_BULK_MAX_MACHINES)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"--count takes 1 to %d machines", ODJ_BULK_MAX_MACHINES);
	if ((uint64_t)first + count - 1 > 999999999u)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"--first %u with --count %u goes beyond 999999999", first, count);
	/* Split into prefix, width, suffix; "%%" stays a literal percent. */
	char *prefix = talloc_strdup(mem, ""), *suffix = talloc_strdup(mem, "");
	int width = -1;
	for (const char *p = tmpl; *p; p++) {
		char **part = width < 0 ? &prefix : &suffix;
		if (*p != '%') {
			*part = talloc_asprintf_append(*part, "%c", *p);
			continue;
		}
		if (p[1] == '%') {
			*part = talloc_asprintf_append(*part, "%%");
			p++;
			continue;
		}
		int w = 0;
		const char *q = p + 1;
		if (*q == '0' && q[1] >= '1' && q[1] <= '9' && q[2] == 'd') {
			w = q[1] - '0';
			q += 2;
		} else if (*q != 'd') {
			talloc_free(prefix);
			talloc_free(suffix);
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
					"the name template %s may hold only %%0Nd (N 1..9) or %%d", tmpl);
		}
		if (width >= 0) {
			talloc_free(prefix);
			talloc_free(suffix);
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
					"the name template %s has more than one number", tmpl);
		}
		width = w;
		p = q;
	}
	if (width < 0) {
		talloc_free(prefix);
		talloc_free(suffix);
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"the name template %s has no number (e.g. ci-%%04d)", tmpl);
	}
	char **out = talloc_zero_array(mem, char *, (size_t)count + 1);
	for (unsigned i = 0; out && i < count; i++)
		out[i] = talloc_asprintf(out, "%s%0*u%s", prefix, width, first + i, suffix);
	talloc_free(prefix);
	talloc_free(suffix);
	if (out == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	*names = out;
	return ODJ_OK;
}

odj_result odj_bulk_names_file(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			       char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	odj_doing(ctx, "reading machine names from %s", path);
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	if (f == NULL) {
		int err = errno;
		return odj_fail(ctx, ODJ_E_INPUT,
				err == ENOENT ? ODJ_ERROR_FILE_NOT_FOUND : ODJ_ERROR_ACCESS_DENIED,
				"cannot open %s: %s", path, strerror(err));
	}
	char **out = talloc_zero_array(mem, char *, 1);
	size_t count = 0, lineno = 0;
	char line[MAX_NAME + 3];
	odj_result r = ODJ_OK;
	while (r == ODJ_OK && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			r = odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				     "%s line %zu is longer than %d characters", path, lineno, MAX_NAME);
			break;
		}
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
				   line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		char *s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		if (count >= ODJ_BULK_MAX_MACHINES) {
			r = odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				     "%s has more than %d names", path, ODJ_BULK_MAX_MACHINES);
			break;
		}
		if (strchr(s, ' ') || strchr(s, '\t')) {
			r = odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_InvalidComputer,
				     "%s line %zu holds more than one name: %s", path, lineno, s);
			break;
		}
		out = talloc_realloc(mem, out, char *, count + 2);
		out[count++] = talloc_strdup(out, s);
		out[count] = NULL;
	}
	if (r == ODJ_OK && ferror(f))
		r = odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_READ_FAULT, "cannot read %s", path);
	if (f != stdin)
		fclose(f);
	if (r == ODJ_OK && count == 0)
		r = odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER, "%s holds no names", path);
	if (r != ODJ_OK) {
		talloc_free(out);
		return r;
	}
	*names = out;
	*n = count;
	return ODJ_OK;
}

/* The NetBIOS part: the first label. */
static size_t label_len(const char *s)
{
	return strcspn(s, ".");
}

static int cmp_label(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = label_len(x), ly = label_len(y);
	int c = strncasecmp(x, y, lx < ly ? lx : ly);
	return c != 0 ? c : (lx > ly) - (lx < ly);
}

odj_result odj_bulk_names_unique(struct odj_ctx *ctx, char *const *names, size_t n)
{
	if (n < 2)
		return ODJ_OK;
	const char **sorted = talloc_array(NULL, const char *, n);
	if (sorted == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	memcpy(sorted, names, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_label);
	odj_result r = ODJ_OK;
	for (size_t i = 1; i < n && r == ODJ_OK; i++)
		if (cmp_label(&sorted[i - 1], &sorted[i]) == 0)
			r = odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_DUP_NAME,
				     "the machine name %s is given twice (as %s and %s; names are "
				     "compared without case, by their first label)",
				     sorted[i], sorted[i - 1], sorted[i]);
	talloc_free(sorted);
	return r;
}
