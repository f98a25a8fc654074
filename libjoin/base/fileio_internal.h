/* Library-internal reading of small input files. Not installed. */
#ifndef ODJ_FILEIO_INTERNAL_H
#define ODJ_FILEIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <odj/error.h>

/*
 * Opens the WHAT file path for reading ("-" is standard input when stdin_ok).
 * Returns the fd, or -1 after recording "cannot open the WHAT PATH: ..." as
 * ODJ_E_INPUT (FILE_NOT_FOUND or ACCESS_DENIED, the errno as its source).
 */
int odj_open_input(struct odj_ctx *ctx, const char *path, const char *what, bool stdin_ok);

/*
 * odj_open_input, then at most cap bytes of the file into buf (*len of them).
 * With owner_only a file readable by group or others is refused too, as
 * ODJ_E_INPUT + ERROR_ACCESS_DENIED with "chmod 600" as the advice.
 */
odj_result odj_read_input(struct odj_ctx *ctx, const char *path, const char *what, bool stdin_ok,
			  bool owner_only, uint8_t *buf, size_t cap, size_t *len);

/* Reads fd until end of file, an error or cap bytes; returns how many it read. */
size_t odj_read_upto(int fd, uint8_t *buf, size_t cap);

#endif
