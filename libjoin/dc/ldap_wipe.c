/*
 * A Sockbuf layer on top of every odj LDAP connection that wipes what it has
 * passed on.  libldap encodes a request (the add or modify with unicodePwd
 * among them) into a BER of its own and frees it, unwiped, after the reply;
 * liblber's memory functions are used only with slapd's memory contexts, not
 * for a client's requests.  Every encoded request reaches the socket through
 * the Sockbuf's layers, topmost first: once the layer below (the GSSAPI seal
 * or TLS) has taken bytes, encrypted into its own buffer or sent, libldap
 * never reads them again (no referral chasing, no resend), so this layer
 * overwrites them in the BER itself.
 */
#include <lber.h>

#include <odj/secret.h>

#include "ldap_conn.h"

/* Above the SASL (application) and TLS (transport) layers: sees the plain BER. */
#define WIPE_LEVEL (LBER_SBIOD_LEVEL_APPLICATION + 1)

static int wipe_ctrl(Sockbuf_IO_Desc *sbiod, int opt, void *arg)
{
	return LBER_SBIOD_CTRL_NEXT(sbiod, opt, arg);
}

static ber_slen_t wipe_read(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	return LBER_SBIOD_READ_NEXT(sbiod, buf, len);
}

static ber_slen_t wipe_write(Sockbuf_IO_Desc *sbiod, void *buf, ber_len_t len)
{
	ber_slen_t n = LBER_SBIOD_WRITE_NEXT(sbiod, buf, len);
	if (n > 0)
		odj_wipe(buf, (size_t)n); /* taken by the layer below: never resent */
	return n;
}

static Sockbuf_IO wipe_io = {NULL, NULL, wipe_ctrl, wipe_read, wipe_write, NULL};

int odj_ldap_wipe_sent(LDAP *ld)
{
	Sockbuf *sb = NULL;
	if (ldap_get_option(ld, LDAP_OPT_SOCKBUF, &sb) != LDAP_OPT_SUCCESS || sb == NULL)
		return -1;
	return ber_sockbuf_add_io(sb, &wipe_io, WIPE_LEVEL, NULL);
}
