/*
 * LD_PRELOAD shim for the tests: the LDAP add of a computer account goes
 * unanswered, as when the connection drops or the DC does not answer in
 * time (ldap_add_ext_s then says LDAP_SERVER_DOWN).  ODJ_LOST_ADD says when
 * the connection is cut:
 *   request          before the add is sent (the DC never sees it)
 *   reply            after the DC has done the add, before its answer is read
 *   reply-then-down  as reply, and every later connection to an LDAP port
 *                    (389, 636) is refused: the DC cannot be asked again
 * Without ODJ_LOST_ADD every call goes through unchanged.
 */
#include <dlfcn.h>
#include <errno.h>
#include <ldap.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static bool ldap_refused;

static void cut(LDAP *ld)
{
	int fd = -1;
	if (ldap_get_option(ld, LDAP_OPT_DESC, &fd) == LDAP_OPT_SUCCESS && fd >= 0)
		shutdown(fd, SHUT_RDWR);
}

int ldap_add_ext_s(LDAP *ld, const char *dn, LDAPMod **attrs, LDAPControl **sctrls,
		   LDAPControl **cctrls)
{
	int (*real)(LDAP *, const char *, LDAPMod **, LDAPControl **, LDAPControl **) =
		(int (*)(LDAP *, const char *, LDAPMod **, LDAPControl **, LDAPControl **))dlsym(
			RTLD_NEXT, "ldap_add_ext_s");
	const char *mode = getenv("ODJ_LOST_ADD");
	if (mode == NULL || real == NULL)
		return real ? real(ld, dn, attrs, sctrls, cctrls) : LDAP_LOCAL_ERROR;
	if (strcmp(mode, "request") == 0) {
		cut(ld);
		return LDAP_SERVER_DOWN;
	}
	int rc = real(ld, dn, attrs, sctrls, cctrls);
	if (rc != LDAP_SUCCESS)
		return rc;
	cut(ld);
	ldap_refused = strcmp(mode, "reply-then-down") == 0;
	return LDAP_SERVER_DOWN;
}

static int port_of(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return -1;
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int (*real)(int, const struct sockaddr *, socklen_t) =
		(int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
	if (ldap_refused && sa != NULL && (port_of(sa) == 389 || port_of(sa) == 636)) {
		errno = ECONNREFUSED;
		return -1;
	}
	return real ? real(fd, sa, len) : -1;
}
