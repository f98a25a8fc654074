/* Fields of a JSON object odj wrote: strings and arrays of strings. */
#include "json_fields.h"

char *odj_json_str(TALLOC_CTX *mem, json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return talloc_strdup(mem, json_object_get_string(v));
}

char **odj_json_strv(TALLOC_CTX *mem, json_object *o, const char *key, size_t *n)
{
	json_object *arr;
	*n = 0;
	if (!json_object_object_get_ex(o, key, &arr) || !json_object_is_type(arr, json_type_array))
		return NULL;
	size_t len = json_object_array_length(arr);
	char **items = talloc_zero_array(mem, char *, len + 1);
	for (size_t i = 0; items != NULL && i < len; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		if (json_object_is_type(e, json_type_string))
			items[(*n)++] = talloc_strdup(items, json_object_get_string(e));
	}
	return items;
}
