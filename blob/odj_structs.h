/*
 * Stream bodies of the ODJ structures: one pull/push pair per nested
 * type-serialization stream, each pair next to each other in its file.
 * A body function starts after the stream's top-level referent.
 * Private to blob/.
 */
#ifndef ODJ_BLOB_STRUCTS_H
#define ODJ_BLOB_STRUCTS_H

#include "ndr.h"

/* odj_win7.c: ODJ_WIN7BLOB (obj: struct odj_win7blob) */
odj_result odj_pull_win7blob(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_push_win7blob(struct odj_ndr_push *p, const void *obj);

/* odj_package.c: OP_PACKAGE and OP_PACKAGE_PART_COLLECTION */
odj_result odj_pull_package(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_push_package(struct odj_ndr_push *p, const void *obj);

/* odj_joinprov.c: OP_JOINPROV2_PART, OP_JOINPROV3_PART, OP_JOINPROV4_PART */
odj_result odj_pull_joinprov2(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_push_joinprov2(struct odj_ndr_push *p, const void *obj);
odj_result odj_pull_joinprov3(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_push_joinprov3(struct odj_ndr_push *p, const void *obj);
odj_result odj_pull_joinprov4(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_push_joinprov4(struct odj_ndr_push *p, const void *obj);

/* odj_policy.c: OP_POLICY_PART */
odj_result odj_pull_policy(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_push_policy(struct odj_ndr_push *p, const void *obj);

/* odj_cert.c: OP_CERT_PART */
odj_result odj_pull_cert(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_push_cert(struct odj_ndr_push *p, const void *obj);

/* odj_linux.c: OP_ODJ_LINUX_PART, odj's own part */
odj_result odj_pull_linux_part(struct odj_ndr_pull *p, TALLOC_CTX *mem, void *obj);
odj_result odj_push_linux_part(struct odj_ndr_push *p, const void *obj);

/* A talloc_zero that records out-of-memory on the context. */
#define ODJ_NEW(ctx, mem, type, outp)                                                   \
	do {                                                                            \
		*(outp) = talloc_zero((mem), type);                                     \
		if (*(outp) == NULL)                                                    \
			return odj_fail((ctx), ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, \
					"out of memory");                               \
	} while (0)
#define ODJ_NEW_ARRAY(ctx, mem, type, n, outp)                                          \
	do {                                                                            \
		*(outp) = talloc_zero_array((mem), type, (n) ? (n) : 1);                \
		if (*(outp) == NULL)                                                    \
			return odj_fail((ctx), ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, \
					"out of memory");                               \
	} while (0)

#endif
