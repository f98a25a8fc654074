/* Line-preserving edits of INI-style files (krb5.conf, sssd.conf). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <odj/status.h>

#include "target_config.h"

odj_result odj_ini_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *what, const char *text,
			 size_t len, struct odj_ini **out)
{
	*out = NULL;
	if (len > ODJ_CONFIG_MAX_BYTES || (len > 0 && memchr(text, '\0', len) != NULL))
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
				"%s is not a text configuration file (NUL bytes, or larger than "
				"1 MiB); it is left alone",
				what);
	struct odj_ini *ini = talloc_zero(mem, struct odj_ini);
	if (ini == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;
		if (n > 0 && text[pos + n - 1] == '\r')
			n--;
		char **lines = talloc_realloc(ini, ini->lines, char *, ini->n + 1);
		if (lines == NULL) {
			talloc_free(ini);
			return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					"out of memory");
		}
		ini->lines = lines;
		ini->lines[ini->n] = talloc_strndup(ini->lines, text + pos, n);
		if (ini->lines[ini->n] == NULL) {
			talloc_free(ini);
			return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					"out of memory");
		}
		ini->n++;
		pos = end + 1;
	}
	*out = ini;
	return ODJ_OK;
}

char *odj_ini_text(TALLOC_CTX *mem, const struct odj_ini *ini)
{
	char *s = talloc_strdup(mem, "");
	for (size_t i = 0; s != NULL && i < ini->n; i++)
		s = talloc_asprintf_append_buffer(s, "%s\n", ini->lines[i]);
	return s;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "[name]" (trailing '*', krb5's final marker, and blanks allowed): the name's span. */
static bool section_name(const char *line, const char **name, size_t *len)
{
	const char *s = skip_ws(line);
	if (*s != '[')
		return false;
	const char *close = strchr(s, ']');
	if (close == NULL)
		return false;
	*name = s + 1;
	*len = (size_t)(close - s - 1);
	return true;
}

static bool is_section(const char *line, const char *section)
{
	const char *name;
	size_t len;
	return section_name(line, &name, &len) && len == strlen(section) &&
	       strncmp(name, section, len) == 0;
}

static bool is_comment_or_blank(const char *line)
{
	const char *s = skip_ws(line);
	return *s == '\0' || *s == '#' || *s == ';';
}

/* The key of a relation line: its span, and where the value starts (after '='). */
static bool relation(const char *line, const char **key, size_t *key_len, const char **value)
{
	if (is_comment_or_blank(line))
		return false;
	const char *s = skip_ws(line);
	const char *eq = strchr(s, '=');
	if (eq == NULL || eq == s)
		return false;
	const char *e = eq;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*key = s;
	*key_len = (size_t)(e - s);
	*value = skip_ws(eq + 1);
	return *key_len > 0;
}

/* Brace depth change of a line: "x = {" opens, "}" closes. */
static int depth_change(const char *line)
{
	if (is_comment_or_blank(line))
		return 0;
	size_t n = strlen(line);
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		n--;
	if (n > 0 && line[n - 1] == '{')
		return 1;
	const char *s = skip_ws(line);
	if (*s == '}')
		return -1;
	return 0;
}

/* The index of the first relation key of section at depth 0 at or after from; -1 if none. */
static ssize_t find_key(const struct odj_ini *ini, const char *section, const char *key,
			size_t from)
{
	bool in = false;
	int depth = 0;
	for (size_t i = 0; i < ini->n; i++) {
		const char *line = ini->lines[i];
		const char *name, *k, *v;
		size_t len, klen;
		if (section_name(line, &name, &len)) {
			depth = 0; /* a header ends any unclosed block */
			in = len == strlen(section) && strncmp(name, section, len) == 0;
			continue;
		}
		int d = depth_change(line);
		if (in && depth == 0 && i >= from && relation(line, &k, &klen, &v) &&
		    klen == strlen(key) && strncmp(k, key, klen) == 0)
			return (ssize_t)i;
		depth += d;
		if (depth < 0)
			depth = 0;
	}
	return -1;
}

const char *odj_ini_get(TALLOC_CTX *mem, const struct odj_ini *ini, const char *section,
			const char *key)
{
	ssize_t i = find_key(ini, section, key, 0);
	if (i < 0)
		return NULL;
	const char *k, *v;
	size_t klen;
	relation(ini->lines[i], &k, &klen, &v);
	size_t n = strlen(v);
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	return talloc_strndup(mem, v, n);
}

bool odj_ini_has_section(const struct odj_ini *ini, const char *section)
{
	for (size_t i = 0; i < ini->n; i++)
		if (is_section(ini->lines[i], section))
			return true;
	return false;
}

static bool insert_line(struct odj_ini *ini, size_t at, char *line)
{
	char **lines = line ? talloc_realloc(ini, ini->lines, char *, ini->n + 1) : NULL;
	if (lines == NULL) {
		talloc_free(line);
		return false;
	}
	ini->lines = lines;
	talloc_steal(ini->lines, line);
	memmove(&ini->lines[at + 1], &ini->lines[at], (ini->n - at) * sizeof(char *));
	ini->lines[at] = line;
	ini->n++;
	return true;
}

static void remove_line(struct odj_ini *ini, size_t at)
{
	talloc_free(ini->lines[at]);
	memmove(&ini->lines[at], &ini->lines[at + 1], (ini->n - at - 1) * sizeof(char *));
	ini->n--;
}

/* The first relation of section at depth 0, or -1. */
static ssize_t find_first_relation(const struct odj_ini *ini, const char *section)
{
	bool in = false;
	int depth = 0;
	for (size_t i = 0; i < ini->n; i++) {
		const char *name, *k, *v;
		size_t len, klen;
		if (section_name(ini->lines[i], &name, &len)) {
			depth = 0;
			in = len == strlen(section) && strncmp(name, section, len) == 0;
			continue;
		}
		if (in && depth == 0 && relation(ini->lines[i], &k, &klen, &v))
			return (ssize_t)i;
		depth += depth_change(ini->lines[i]);
		if (depth < 0)
			depth = 0;
	}
	return -1;
}

/* Where a new relation of section goes: after its last line at depth 0; -1 if no section. */
static ssize_t section_end(const struct odj_ini *ini, const char *section)
{
	ssize_t last = -1;
	bool in = false;
	int depth = 0;
	for (size_t i = 0; i < ini->n; i++) {
		const char *name;
		size_t len;
		if (section_name(ini->lines[i], &name, &len)) {
			depth = 0;
			if (in)
				return last + 1;
			in = len == strlen(section) && strncmp(name, section, len) == 0;
			if (in)
				last = (ssize_t)i;
			continue;
		}
		depth += depth_change(ini->lines[i]);
		if (depth < 0)
			depth = 0;
		/* Only a line that leaves no block open: never inside an unclosed one. */
		if (in && depth == 0 && !is_comment_or_blank(ini->lines[i]))
			last = (ssize_t)i;
	}
	return in ? last + 1 : -1;
}

/* A new "[section]" at the end, after one blank line: where its first relation goes; -1: no memory. */
static ssize_t new_section(struct odj_ini *ini, const char *section)
{
	if (ini->n > 0 && !is_comment_or_blank(ini->lines[ini->n - 1]) &&
	    !insert_line(ini, ini->n, talloc_strdup(NULL, "")))
		return -1;
	if (!insert_line(ini, ini->n, talloc_asprintf(NULL, "[%s]", section)))
		return -1;
	return (ssize_t)ini->n;
}

bool odj_ini_set(struct odj_ini *ini, const char *section, const char *key, const char *value,
		 const char *indent, bool only_if_missing)
{
	ssize_t first = find_key(ini, section, key, 0);
	if (first >= 0) {
		if (only_if_missing)
			return true;
		const char *line = ini->lines[first];
		size_t ind = (size_t)(skip_ws(line) - line);
		char *nl = talloc_asprintf(ini->lines, "%.*s%s = %s", (int)ind, line, key, value);
		if (nl == NULL)
			return false;
		talloc_free(ini->lines[first]);
		ini->lines[first] = nl;
		ssize_t dup;
		while ((dup = find_key(ini, section, key, (size_t)first + 1)) >= 0)
			remove_line(ini, (size_t)dup);
		return true;
	}
	ssize_t at = section_end(ini, section);
	/* A new relation is indented like the section's first one. */
	ssize_t like = at >= 0 ? find_first_relation(ini, section) : -1;
	char *own_indent = NULL;
	if (like >= 0) {
		const char *l = ini->lines[like];
		own_indent = talloc_strndup(NULL, l, (size_t)(skip_ws(l) - l));
		indent = own_indent ? own_indent : indent;
	}
	if (at < 0 && (at = new_section(ini, section)) < 0)
		return false;
	bool ok = insert_line(ini, (size_t)at, talloc_asprintf(NULL, "%s%s = %s", indent, key, value));
	talloc_free(own_indent);
	return ok;
}

/*
 * One item of a comma-separated list: *t is moved past its leading white
 * space and *n is its length without the trailing; true when it is item
 * (case does not count).
 */
static bool list_item_is(char **t, size_t *n, const char *item)
{
	*t = (char *)skip_ws(*t);
	*n = strlen(*t);
	while (*n > 0 && isspace((unsigned char)(*t)[*n - 1]))
		(*n)--;
	return *n == strlen(item) && strncasecmp(*t, item, *n) == 0;
}

bool odj_ini_list_add(struct odj_ini *ini, const char *section, const char *key, const char *item)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *cur = odj_ini_get(tmp, ini, section, key);
	bool ok;
	if (cur == NULL || *cur == '\0') {
		ok = odj_ini_set(ini, section, key, item, "", false);
	} else {
		bool present = false;
		char *copy = talloc_strdup(tmp, cur), *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
			size_t n;
			if (list_item_is(&t, &n, item))
				present = true;
		}
		ok = present || odj_ini_set(ini, section, key,
					    talloc_asprintf(tmp, "%s, %s", cur, item), "", false);
	}
	talloc_free(tmp);
	return ok;
}

bool odj_ini_list_remove(struct odj_ini *ini, const char *section, const char *key,
			 const char *item)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *cur = odj_ini_get(tmp, ini, section, key);
	char *kept = talloc_strdup(tmp, "");
	bool found = false, ok = true;
	char *copy = cur ? talloc_strdup(tmp, cur) : NULL, *save = NULL;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t != NULL && kept != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		size_t n;
		if (list_item_is(&t, &n, item))
			found = true;
		else if (n > 0)
			kept = talloc_asprintf_append(kept, "%s%.*s", *kept ? ", " : "", (int)n, t);
	}
	if (found)
		ok = kept != NULL && odj_ini_set(ini, section, key, kept, "", false);
	talloc_free(tmp);
	return ok;
}

size_t odj_ini_remove_section(struct odj_ini *ini, const char *section)
{
	size_t removed = 0;
	for (size_t i = 0; i < ini->n;) {
		const char *name;
		size_t len;
		if (!section_name(ini->lines[i], &name, &len) || len != strlen(section) ||
		    strncasecmp(name, section, len) != 0) {
			i++;
			continue;
		}
		/* The header and its lines up to its last relation; what trails belongs below. */
		char *exact = talloc_strndup(ini, name, len);
		ssize_t end = exact ? section_end(ini, exact) : -1;
		talloc_free(exact);
		size_t stop = end > (ssize_t)i ? (size_t)end : i + 1;
		for (size_t k = i; k < stop; k++)
			remove_line(ini, i);
		/* No double blank line where the section was. */
		if (i < ini->n && is_comment_or_blank(ini->lines[i]) && *skip_ws(ini->lines[i]) == '\0' &&
		    (i == 0 || *skip_ws(ini->lines[i - 1]) == '\0'))
			remove_line(ini, i);
		removed++;
	}
	return removed;
}

/* Index of the first section header, or n. */
static size_t first_section(const struct odj_ini *ini)
{
	const char *name;
	size_t len;
	for (size_t i = 0; i < ini->n; i++)
		if (section_name(ini->lines[i], &name, &len))
			return i;
	return ini->n;
}

static bool line_is(const char *line, const char *text)
{
	const char *s = skip_ws(line);
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n == strlen(text) && strncmp(s, text, n) == 0;
}

bool odj_ini_has_directive(const struct odj_ini *ini, const char *directive)
{
	size_t end = first_section(ini);
	for (size_t i = 0; i < end; i++)
		if (line_is(ini->lines[i], directive))
			return true;
	return false;
}

bool odj_ini_add_directive(struct odj_ini *ini, const char *directive)
{
	if (odj_ini_has_directive(ini, directive))
		return true;
	return insert_line(ini, 0, talloc_strdup(NULL, directive));
}

void odj_ini_remove_directive(struct odj_ini *ini, const char *directive)
{
	for (size_t i = 0; i < first_section(ini);) {
		if (line_is(ini->lines[i], directive))
			remove_line(ini, i);
		else
			i++;
	}
}

/* The line after the "}" that closes the block opened at open (or the end of the file). */
static size_t block_end(const struct odj_ini *ini, size_t open)
{
	int depth = 0;
	for (size_t i = open; i < ini->n; i++) {
		const char *name;
		size_t len;
		if (i > open && section_name(ini->lines[i], &name, &len))
			return i; /* an unclosed block ends at the next header */
		depth += depth_change(ini->lines[i]);
		if (depth <= 0)
			return i + 1;
	}
	return ini->n;
}

bool odj_ini_set_block(struct odj_ini *ini, const char *section, const char *name,
		       const char *marker, const char *const *body, size_t n_body, bool *kept)
{
	*kept = false;
	ssize_t open = find_key(ini, section, name, 0);
	ssize_t at;
	if (open >= 0) {
		if (depth_change(ini->lines[open]) != 1) {
			*kept = true; /* "name = value", not a block: not ours to rewrite */
			return true;
		}
		size_t end = block_end(ini, (size_t)open);
		bool ours = false;
		for (size_t i = (size_t)open + 1; i < end && !ours; i++)
			ours = strcmp(skip_ws(ini->lines[i]), marker) == 0;
		if (!ours) {
			*kept = true;
			return true;
		}
		for (size_t i = end; i > (size_t)open; i--)
			remove_line(ini, (size_t)open);
		at = open;
	} else {
		at = section_end(ini, section);
		if (at < 0 && (at = new_section(ini, section)) < 0)
			return false;
	}
	size_t i = (size_t)at;
	bool ok = insert_line(ini, i++, talloc_asprintf(NULL, "    %s = {", name)) &&
		  insert_line(ini, i++, talloc_asprintf(NULL, "        %s", marker));
	for (size_t b = 0; ok && b < n_body; b++)
		ok = insert_line(ini, i++, talloc_asprintf(NULL, "        %s", body[b]));
	return ok && insert_line(ini, i, talloc_strdup(NULL, "    }"));
}
