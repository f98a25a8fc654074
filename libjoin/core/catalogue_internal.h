/* Library-internal parts of the error catalogue. Not installed. */
#ifndef ODJ_CATALOGUE_INTERNAL_H
#define ODJ_CATALOGUE_INTERNAL_H

#include <odj/status.h>

struct odj_advice {
	odj_status code;
	const char *causes;
	const char *check;
};

/* The advice for code, or NULL. */
const struct odj_advice *odj_advice_find(odj_status code);

#endif
