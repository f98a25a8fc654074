/*
 * Editing the target's configuration files as text, keeping what is not
 * ours: comments, other sections, other keys, krb5.conf's { } blocks, line
 * order.  Not installed; the unit tests and fuzz targets include it.
 */
#ifndef ODJ_TARGET_CONFIG_H
#define ODJ_TARGET_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <talloc.h>

#include <odj/error.h>

/* Configuration files larger than this are refused (they are not ours to rewrite). */
#define ODJ_CONFIG_MAX_BYTES (1024u * 1024u)

/*
 * An INI-style file as lines: "[section]" headers, "key = value" relations,
 * '#' and ';' comments, and krb5.conf's "name = {" ... "}" blocks, whose
 * inner relations are never taken for the section's own keys.
 */
struct odj_ini {
	char **lines; /* without line ends */
	size_t n;
};

/* Splits text into lines.  NUL bytes or more than ODJ_CONFIG_MAX_BYTES: ODJ_E_CONFIG. */
odj_result odj_ini_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *what, const char *text,
			 size_t len, struct odj_ini **out);

/* The file again, every line ended by '\n'. */
char *odj_ini_text(TALLOC_CTX *mem, const struct odj_ini *ini);

/* The value of the first "key = value" of section (outside blocks), or NULL. */
const char *odj_ini_get(TALLOC_CTX *mem, const struct odj_ini *ini, const char *section,
			const char *key);

/* Whether a "[section]" header exists. */
bool odj_ini_has_section(const struct odj_ini *ini, const char *section);

/*
 * Sets key in section: the first occurrence is rewritten (its indentation
 * kept), later ones are removed; a missing key goes after the section's
 * last relation, a missing section at the end of the file.  With
 * only_if_missing an existing value is left alone.  indent is used for new
 * lines ("" for sssd.conf, "    " for krb5.conf).  false: out of memory.
 */
bool odj_ini_set(struct odj_ini *ini, const char *section, const char *key, const char *value,
		 const char *indent, bool only_if_missing);

/* Adds item to the comma-separated list in key (sssd's "domains"), creating the key. */
bool odj_ini_list_add(struct odj_ini *ini, const char *section, const char *key,
		      const char *item);

/* Removes item (any case) from that list; a missing key or item is no change. */
bool odj_ini_list_remove(struct odj_ini *ini, const char *section, const char *key,
			 const char *item);

/*
 * Removes every "[section]" (any case) with its relations and comments up
 * to its last relation (a comment that follows it belongs to what comes
 * next).  Returns how many were removed.
 */
size_t odj_ini_remove_section(struct odj_ini *ini, const char *section);

/*
 * krb5.conf's "name = {" block in section, written as marker (a comment
 * line) and body: a block that carries marker is replaced; another block
 * or relation of that name is the admin's and stays (*kept = true); a
 * missing one is added at the end of the section.  false: out of memory.
 */
bool odj_ini_set_block(struct odj_ini *ini, const char *section, const char *name,
		       const char *marker, const char *const *body, size_t n_body, bool *kept);

/* Whether a line outside any section equals directive (after trimming). */
bool odj_ini_has_directive(const struct odj_ini *ini, const char *directive);
/* Puts directive as the first line of the file (if it is not already there). */
bool odj_ini_add_directive(struct odj_ini *ini, const char *directive);
/* Removes every line outside any section that equals directive. */
void odj_ini_remove_directive(struct odj_ini *ini, const char *directive);

/*
 * /etc/hosts: the lines whose address is 127.0.1.1 become one
 * "127.0.1.1<TAB>fqdn short" line (in place of the first of them; after
 * the 127.0.0.1 line, or at the end, when there was none).  Other lines stay.
 */
char *odj_hosts_update(TALLOC_CTX *mem, const char *text, size_t len, const char *fqdn,
		       const char *short_name);

/* The first word of /etc/hostname (comments and blank lines skipped), or NULL. */
char *odj_hostname_read(TALLOC_CTX *mem, const char *text, size_t len);

#endif
