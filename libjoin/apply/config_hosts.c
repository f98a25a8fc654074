/* /etc/hosts and /etc/hostname. */
#include <ctype.h>
#include <string.h>

#include "target_config.h"

#define HOSTS_SELF "127.0.1.1"

/* The address field of a hosts line (first word), compared with addr. */
static bool address_is(const char *line, size_t len, const char *addr)
{
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	size_t start = i;
	while (i < len && !isspace((unsigned char)line[i]) && line[i] != '#')
		i++;
	return i - start == strlen(addr) && strncmp(line + start, addr, i - start) == 0;
}

char *odj_hosts_update(TALLOC_CTX *mem, const char *text, size_t len, const char *fqdn,
		       const char *short_name)
{
	char *self = talloc_asprintf(mem, HOSTS_SELF "\t%s %s\n", fqdn, short_name);
	char *out = talloc_strdup(mem, "");
	bool placed = false;
	size_t after_loopback = (size_t)-1;
	size_t pos = 0;
	if (self == NULL || out == NULL)
		return NULL;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *line = text + pos;
		size_t n = end - pos;
		if (address_is(line, n, HOSTS_SELF)) {
			if (!placed)
				out = talloc_strdup_append_buffer(out, self);
			placed = true;
		} else {
			out = talloc_strndup_append_buffer(out, line, n);
			out = talloc_strdup_append_buffer(out, "\n");
			if (out != NULL && address_is(line, n, "127.0.0.1"))
				after_loopback = strlen(out);
		}
		if (out == NULL)
			return NULL;
		pos = end + 1;
	}
	if (placed)
		return out;
	if (after_loopback == (size_t)-1)
		return talloc_strdup_append_buffer(out, self);
	char *res = talloc_asprintf(mem, "%.*s%s%s", (int)after_loopback, out, self,
				    out + after_loopback);
	talloc_free(out);
	return res;
}

char *odj_hostname_read(TALLOC_CTX *mem, const char *text, size_t len)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t i = pos;
		while (i < end && isspace((unsigned char)text[i]))
			i++;
		if (i < end && text[i] != '#') {
			size_t s = i;
			while (i < end && !isspace((unsigned char)text[i]) && text[i] != '\0')
				i++;
			return talloc_strndup(mem, text + s, i - s);
		}
		pos = end + 1;
	}
	return NULL;
}
