/*
 * ODJ_API marks every declaration the libraries export.  They are built
 * with hidden default visibility: a function without the mark stays inside
 * its library, so no internal name can interpose on another library's (e.g.
 * Samba's ndr_* inside libsmbclient) and the public headers are the whole
 * interface (tests/layering/check-exports.sh holds the libraries to that).
 */
#ifndef ODJ_API_H
#define ODJ_API_H

#define ODJ_API __attribute__((visibility("default")))

#endif
