/* The blob a provision ends with, for one account (plan.c) or many (bulk_out.c). */
#ifndef ODJ_DC_PROVISION_H
#define ODJ_DC_PROVISION_H

#include <odj/join.h>
#include <odj/prepare.h>

#include "session.h"

struct odj_provision_blob_in {
	const char *netbios_name;
	const struct odj_secret *password_utf16;
	uint32_t rid;
	const char *machine_sid;
	bool defpwd;
	bool windows;                             /* also leaves the Linux part out */
	const struct odj_linux_part *linux_part;  /* NULL: none */
};

/* odj's Linux part for an account just written (strings stay the caller's). */
struct odj_linux_part odj_provision_make_linux_part(const struct odj_dc_session *s, uint32_t kvno,
						uint32_t enctypes, const char *sam,
						const char *dns_host_name, char **spns,
						const char *upn, const char *salt,
						int64_t pwd_last_set);

/* The blob's file bytes (and, when base64 is not NULL, the bare base64). */
odj_result odj_provision_blob(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_dc_session *s,
			      const struct odj_provision_blob_in *in, struct odj_secret **file,
			      struct odj_secret **base64);

#endif
