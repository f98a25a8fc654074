/*
 * Setting the machine password with the kpasswd protocol (RFC 3244, port
 * 464).  MIT's krb5_set_password_using_ccache does the kadmin/changepw TGS
 * and the 464 exchange with its own transport, which cannot be given a
 * deadline; so it runs in a child process with a private krb5.conf that
 * pins kdc and kpasswd_server to the chosen DC, and is killed at the
 * deadline.  Its result_code is checked: the call returns 0 with
 * result_code 5 for an account that does not exist.
 */
#ifndef ODJ_DC_KPASSWD_H
#define ODJ_DC_KPASSWD_H

#include "krb.h"

odj_result odj_kpasswd_set(struct odj_ctx *ctx, struct odj_krb *krb, const char *realm,
			   const char *dc_address, const char *principal,
			   const struct odj_secret *password_utf8, int deadline_ms);

/*
 * Change-password (RFC 3244 version 1) of the session's own principal: the
 * session's ccache must hold an initial kadmin/changepw ticket
 * (odj_krb_login_keytab with that service).  Same child and deadline.
 */
odj_result odj_kpasswd_change(struct odj_ctx *ctx, struct odj_krb *krb, const char *realm,
			      const char *dc_address, const struct odj_secret *password_utf8,
			      int deadline_ms);

#endif
