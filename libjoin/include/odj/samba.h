/*
 * Samba's secrets.tdb for a domain member (libtdb, in memory): what the
 * tools that change the machine password after the join need.
 */
#ifndef ODJ_SAMBA_H
#define ODJ_SAMBA_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include <odj/api.h>
#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The bytes of old_tdb with the machine password of netbios_domain changed
 * as net ads changetrustpw changes it: SECRETS/MACHINE_PASSWORD/<domain> the
 * new password (UTF-8, NUL-terminated), MACHINE_PASSWORD.PREV the one it
 * held, MACHINE_LAST_CHANGE_TIME now; Samba's MACHINE_DOMAIN_INFO and
 * PROTECT/IDS of the domain go (Samba builds them again from these keys).
 * Other records stay.  A file without the domain's machine password is
 * ODJ_E_CONFIG.  *tdb is the new file (a fresh one: no freed record keeps a
 * secret), on mem.
 */
ODJ_API odj_result odj_samba_secrets_rotate(struct odj_ctx *ctx, TALLOC_CTX *mem,
					    const uint8_t *old_tdb, size_t old_len,
					    const char *netbios_domain,
					    const struct odj_secret *password_utf16, int64_t now,
					    struct odj_secret **tdb);

#ifdef __cplusplus
}
#endif
#endif
