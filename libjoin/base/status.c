/* The status catalogue: lookup, printing and parsing of Win32/NERR/DNS codes. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <odj/status.h>

struct status_row {
	odj_status code;
	const char *symbol;
	const char *text;
};

static const struct status_row status_rows[] = {
#define ODJ_STATUS_X(sym, val, text) {(val), #sym, (text)},
#include <odj/status_codes.h>
#undef ODJ_STATUS_X
};

#define N_ROWS (sizeof(status_rows) / sizeof(status_rows[0]))

static const struct status_row *find_row(odj_status code)
{
	for (size_t i = 0; i < N_ROWS; i++) {
		if (status_rows[i].code == code)
			return &status_rows[i];
	}
	return NULL;
}

const char *odj_status_symbol(odj_status code)
{
	const struct status_row *r = find_row(code);
	return r ? r->symbol : NULL;
}

const char *odj_status_text(odj_status code)
{
	const struct status_row *r = find_row(code);
	return r ? r->text : NULL;
}

size_t odj_status_count(void)
{
	return N_ROWS;
}

odj_status odj_status_at(size_t i)
{
	return i < N_ROWS ? status_rows[i].code : 0;
}

char *odj_status_row(TALLOC_CTX *mem, odj_status code)
{
	const struct status_row *r = find_row(code);
	if (r == NULL)
		return talloc_asprintf(mem, "0x%X %u (unknown status)", code, code);
	return talloc_asprintf(mem, "0x%X %u %s %s", code, code, r->symbol, r->text);
}

static bool parse_number(const char *s, odj_status *out)
{
	char *end = NULL;
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, base);
	if (errno != 0 || end == s || *end != '\0' || v > UINT32_MAX)
		return false;
	*out = (odj_status)v;
	return true;
}

bool odj_status_parse(const char *s, odj_status *out)
{
	if (s == NULL || *s == '\0')
		return false;
	if (parse_number(s, out))
		return true;
	if (strncasecmp(s, "ODJ_", 4) == 0)
		s += 4;
	for (size_t i = 0; i < N_ROWS; i++) {
		if (strcasecmp(status_rows[i].symbol, s) == 0) {
			*out = status_rows[i].code;
			return true;
		}
	}
	/* DNS_ERROR_INVALID_NAME is an alias of ERROR_INVALID_NAME in winerror.h. */
	if (strcasecmp(s, "DNS_ERROR_INVALID_NAME") == 0) {
		*out = ODJ_ERROR_INVALID_NAME;
		return true;
	}
	return false;
}
