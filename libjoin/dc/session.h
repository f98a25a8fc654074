/*
 * A session with one pinned DC: located, Kerberos logged in, SMB IPC$ checked,
 * LDAP bound, domain facts read.  Both verbs of odj-prepare (check and
 * provision) start with one; everything after talks only to this DC.
 */
#ifndef ODJ_DC_SESSION_H
#define ODJ_DC_SESSION_H

#include <odj/join.h>
#include <odj/locate.h>
#include <odj/prepare.h>

#include "facts.h"
#include "krb.h"
#include "ldap_conn.h"

struct odj_session_params {
	const char *domain;  /* DNS name (already split from "domain\dc") */
	const char *dc;      /* NULL: locate */
	const char *account; /* "NAME$" to probe with the netlogon ping, or NULL */
	struct odj_credentials creds;
	bool ldaps;
	const char *ca_file;
	struct odj_deadlines deadlines;
};

/* Another writable DC of the domain, searched by the conflict checks. */
struct odj_peer_dc {
	char *host;
	char *address;
	struct odj_ldap *ldap;
};

struct odj_dc_session {
	struct odj_ctx *ctx;
	struct odj_dc_choice dc;
	struct odj_netlogon_info *netlogon;
	char *realm;
	struct odj_krb *krb;
	struct odj_ldap *ldap;
	struct odj_domain_facts *facts;
	struct odj_session_report report; /* the security layer, the time of each part */
	/* check-dcs: the other writable DCs, connected (odj_session_peers) */
	struct odj_peer_dc *peers;
	size_t n_peers;
	size_t n_dcs;       /* writable DCs the directory lists, this one included */
	char *unreached;    /* "host: error; ..." of those that cannot be reached, or NULL */
	size_t n_unreached;
};

/* The parameters for the DC and account a validated join request names. */
struct odj_session_params odj_session_params_for(const struct odj_join_request *jr,
						 const struct odj_credentials *creds, bool ldaps,
						 const char *ca_file, const struct odj_deadlines *d);

/* Fills in the default deadlines where d has 0. */
void odj_deadlines_default(struct odj_deadlines *d);

/*
 * A session not yet opened; the defaults of params' deadlines are filled in.
 * The plan's steps open it one by one (plan.c); on failure the error of the
 * failing step is on ctx and the session holds what was done so far.
 */
struct odj_dc_session *odj_dc_session_new(struct odj_ctx *ctx, TALLOC_CTX *mem,
					  struct odj_session_params *params);

/* locate: find and pin the DC (DNS SRV + CLDAP netlogon ping); the realm. */
odj_result odj_session_locate(struct odj_dc_session *s, const struct odj_session_params *p);
/* kerberos: a TGT for the credentials from the pinned KDC. */
odj_result odj_session_kerberos(struct odj_dc_session *s, const struct odj_session_params *p);
/* ipc-session: steps 14-17, the session to \\dc\IPC$, Kerberos only. */
odj_result odj_session_ipc(struct odj_dc_session *s, const struct odj_session_params *p);
/* ldap-bind: the sealed (or TLS) LDAP bind and the domain's facts. */
odj_result odj_session_directory(struct odj_dc_session *s, const struct odj_session_params *p);

/*
 * check-dcs: connects to every other writable DC the directory lists, for
 * the checks that must see all of them.  A DC that cannot be reached is
 * recorded in s->unreached and refused unless allow_unreached.
 */
odj_result odj_session_peers(struct odj_dc_session *s, const struct odj_session_params *p,
			     bool allow_unreached);

/* This DC's connection and the peers' (with their host names), at most max; returns how many. */
size_t odj_session_ldaps(const struct odj_dc_session *s, struct odj_ldap **conns,
			 const char **hosts, size_t max);

#endif
