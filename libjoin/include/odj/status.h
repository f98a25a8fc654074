/* Win32 / NERR / DNS status codes: the numbers AD administrators know. */
#ifndef ODJ_STATUS_H
#define ODJ_STATUS_H

#include <odj/api.h>

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A Win32-style status code; ODJ_ERROR_SUCCESS (0) is success. */
typedef uint32_t odj_status;

/* ODJ_<symbol> for every row of status_codes.h, e.g. ODJ_ERROR_NETNAME_DELETED. */
enum odj_status_code {
#define ODJ_STATUS_X(sym, val, text) ODJ_##sym = (val),
#include <odj/status_codes.h>
#undef ODJ_STATUS_X
};

/* DNS_ERROR_INVALID_NAME is ERROR_INVALID_NAME in winerror.h. */
#define ODJ_DNS_ERROR_INVALID_NAME ODJ_ERROR_INVALID_NAME

/* Symbol ("ERROR_NETNAME_DELETED") or NULL for a code not in the table. */
ODJ_API const char *odj_status_symbol(odj_status code);

/* Friendly text, or NULL for a code not in the table. */
ODJ_API const char *odj_status_text(odj_status code);

/* Number of rows in the catalogue, and the i-th code (for listings and tests). */
ODJ_API size_t odj_status_count(void);
ODJ_API odj_status odj_status_at(size_t i);

/*
 * The row as the Microsoft articles print it:
 *   "0x40 64 ERROR_NETNAME_DELETED The specified network name is no longer available."
 * Unknown codes print as "0x1234 4660 (unknown status)".  Allocated on mem.
 */
ODJ_API char *odj_status_row(TALLOC_CTX *mem, odj_status code);

/*
 * Parses "0x40", "64" or "ERROR_NETNAME_DELETED" (case-insensitive, with or
 * without an "ODJ_" prefix).  Returns false for anything else.
 */
ODJ_API bool odj_status_parse(const char *s, odj_status *out);

#ifdef __cplusplus
}
#endif
#endif
