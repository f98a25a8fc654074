/*
 * The SMB session to the DC's IPC$ ([MS-WKST] 3.2.4.13.3 steps 14-17, what
 * netsetup.log calls "NetUseAdd to \\dc\IPC$"), Kerberos only.
 *
 * Debian's libsmbclient carries Samba's own Heimdal, which cannot see odj's
 * MIT MEMORY ccache and would, with a forwardable TGT and the DC's
 * ok-as-delegate tickets, go to the KDC for a forwarded TGT.  So the session
 * runs in a child process with a private 0700 directory holding a FILE ccache
 * with only the cifs/ ticket (no TGT: Heimdal cannot go to the KDC at all), a
 * krb5.conf for Heimdal with a short kdc_timeout, and a private smb.conf (the
 * host's smb.conf and gencache are never read or written).  The child opens
 * the lsarpc pipe (smb://<dc>/IPC$/lsarpc: negotiate, session setup, tree
 * connect, create) and is killed at the deadline.
 */
#ifndef ODJ_DC_SMB_IPC_H
#define ODJ_DC_SMB_IPC_H

#include <odj/error.h>

#include "krb.h"

struct odj_smb_options {
	unsigned version;
	const char *dc_host;     /* "dc1.odj.test": the name in cifs/<host> */
	const char *dc_address;  /* pinned address, for Heimdal's krb5.conf */
	const char *realm;       /* "ODJ.TEST" */
	const char *workgroup;   /* NetBIOS domain name, "ODJ" */
	int timeout_ms;          /* the whole session set-up */
};

#define ODJ_SMB_OPTIONS_VERSION 1
#define ODJ_SMB_OPTIONS_INIT {ODJ_SMB_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 15000}

/*
 * Opens and closes \\dc\IPC$\lsarpc with the cifs/<dc_host> ticket of krb
 * (fetch it first).  Failures carry these rows (errno of libsmbclient):
 *   ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, ETIMEDOUT -> ERROR_BAD_NETPATH (0x35)
 *   ENOENT, ENODEV                                    -> ERROR_BAD_NET_NAME (0x43)
 *   EACCES, EPERM                                     -> ERROR_ACCESS_DENIED (0x5)
 *   EINVAL (SPNEGO/Kerberos session setup refused)    -> ERROR_LOGON_FAILURE (0x52E)
 *   ECONNRESET, EPIPE, no answer before the deadline  -> ERROR_NETNAME_DELETED (0x40)
 *   anything else                                     -> ERROR_CAN_NOT_COMPLETE (0x3EB)
 */
/*
 * *peer (on mem, may be NULL) gets the address the session went to:
 * libsmbclient resolves dc_host with the system resolver, which may answer
 * with another address of the DC than the pinned one (a second interface,
 * IPv6).  The Kerberos session set-up already proves the peer holds the
 * cifs/<dc_host> key, i.e. is that DC.
 */
odj_result odj_smb_ipc_check(struct odj_ctx *ctx, struct odj_krb *krb,
			     const struct odj_smb_options *o, TALLOC_CTX *mem, char **peer);

/* The row for an errno of libsmbclient, as tabled above. */
odj_status odj_smb_status(int err);

#endif
