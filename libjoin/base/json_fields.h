/*
 * Reading the fields of a JSON object that odj wrote (the join record), as
 * the apply side and the DC side both do.  Not installed; built into both
 * libraries, hidden in each.
 */
#ifndef ODJ_JSON_FIELDS_H
#define ODJ_JSON_FIELDS_H

#include <stddef.h>

#include <json-c/json.h>
#include <talloc.h>

/* The string o[key] copied onto mem; NULL when it is missing or not a string. */
char *odj_json_str(TALLOC_CTX *mem, json_object *o, const char *key);

/*
 * The strings of the array o[key], NULL-terminated, on mem (items that are
 * not strings are left out); *n is how many.  NULL and *n = 0 when there is
 * no such array (or out of memory).
 */
char **odj_json_strv(TALLOC_CTX *mem, json_object *o, const char *key, size_t *n);

#endif
