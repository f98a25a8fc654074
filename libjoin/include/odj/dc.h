/* Umbrella header of the DC library (libodj-dc): everything that talks to a DC. */
#ifndef ODJ_DC_H
#define ODJ_DC_H

#include <odj/odj.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The network libraries this build of libodj-dc runs with, as reported by
 * the libraries themselves at run time, e.g.
 *   "OpenLDAP 20513, libsmbclient 4.17.12-Debian"
 * Allocated on mem.
 */
char *odj_dc_library_versions(TALLOC_CTX *mem);

#ifdef __cplusplus
}
#endif
#endif
