/* Writing a file that holds a secret: 0600 from the first byte, atomically. */
#ifndef ODJ_FILEIO_H
#define ODJ_FILEIO_H

#include <odj/api.h>

#include <stddef.h>
#include <stdint.h>

#include <odj/error.h>

/*
 * Writes len bytes to path through a temporary file in the same directory
 * (created 0600 with O_EXCL), fsync, rename over path, fsync of the
 * directory.  A reader sees the old file or the whole new one.  A symlink
 * at path is replaced, never followed.  ODJ_E_CONFIG with the path on failure.
 */
ODJ_API odj_result odj_write_file_atomic(struct odj_ctx *ctx, const char *path, const uint8_t *data,
				 size_t len);

#endif
