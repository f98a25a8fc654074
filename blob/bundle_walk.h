/* The archive walk shared by the bundle reader (bundle.c) and salvage (bundle_salvage.c). */
#ifndef ODJ_BLOB_BUNDLE_WALK_H
#define ODJ_BLOB_BUNDLE_WALK_H

#include <stdbool.h>

#include <odj/bundle.h>

/* One pass over the archive; member() sees each complete member. */
typedef odj_result (*odj_bundle_member_fn)(void *priv, const char *name, const uint8_t *data,
					   size_t len);

odj_result odj_bundle_walk(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle, size_t len,
			   bool salvage, odj_bundle_member_fn member, void *priv);

#endif
