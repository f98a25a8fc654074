/* The sealed, pinned LDAP connection to the chosen DC. */
#include <errno.h>
#include <fcntl.h>
#include <gssapi/gssapi_krb5.h>
#include <netdb.h>
#include <poll.h>
#include <sasl/sasl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <odj/catalogue.h>

#include "ldap_conn.h"

/*
 * Documented in ldap_open(3) but declared only in OpenLDAP's private headers
 * in Debian's build; the value of LDAP_PROTO_TCP is part of that interface.
 */
int ldap_init_fd(ber_socket_t fd, int proto, const char *url, LDAP **ldp);
#define ODJ_LDAP_PROTO_TCP 1

/* GSSAPI sealing: at least a 56-bit layer, as Windows requires for passwords. */
#define MIN_SEALED_SSF 56

struct odj_ldap {
	struct odj_ctx *ctx;
	LDAP *ld;
	char *uri;
	unsigned ssf;
	bool tls;
};

static int ldap_destructor(struct odj_ldap *c)
{
	if (c->ld != NULL)
		ldap_unbind_ext_s(c->ld, NULL, NULL);
	return 0;
}

LDAP *odj_ldap_handle(const struct odj_ldap *c)
{
	return c->ld;
}

struct odj_ctx *odj_ldap_ctx(const struct odj_ldap *c)
{
	return c->ctx;
}

unsigned odj_ldap_ssf(const struct odj_ldap *c)
{
	return c->ssf;
}

bool odj_ldap_tls(const struct odj_ldap *c)
{
	return c->tls;
}

const char *odj_ldap_uri(const struct odj_ldap *c)
{
	return c->uri;
}

static odj_result fail_on(struct odj_ldap *c, struct odj_ctx *ctx, int rc, const char *fmt,
			  va_list ap) ODJ_PRINTF(4, 0);

static odj_result fail_on(struct odj_ldap *c, struct odj_ctx *ctx, int rc, const char *fmt,
			  va_list ap)
{
	char *diag = NULL;
	if (c->ld != NULL)
		ldap_get_option(c->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	char *what = talloc_vasprintf(c, fmt, ap);
	odj_result r = odj_fail_ldap(ctx, rc, diag, "%s", what ? what : "LDAP failed");
	talloc_free(what);
	ldap_memfree(diag);
	return r;
}

odj_result odj_ldap_fail(struct odj_ldap *c, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	odj_result r = fail_on(c, c->ctx, rc, fmt, ap);
	va_end(ap);
	return r;
}

odj_result odj_ldap_fail_on(struct odj_ldap *c, struct odj_ctx *ctx, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	odj_result r = fail_on(c, ctx, rc, fmt, ap);
	va_end(ap);
	return r;
}

static int connect_pinned(struct odj_ctx *ctx, const struct odj_ldap_options *o, uint16_t port)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char service[8];
	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(o->dc_address, service, &hints, &ai) != 0) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
			 "'%s' is not a numeric address of the DC", o->dc_address);
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err = fd < 0 ? errno : 0;
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		err = errno;
		if (err == EINPROGRESS) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			int n;
			do /* a signal (Ctrl-C of a bulk run) is not a failed connect */
				n = poll(&p, 1, o->connect_timeout_ms);
			while (n < 0 && errno == EINTR);
			socklen_t len = sizeof(err);
			if (n == 0)
				err = ETIMEDOUT;
			else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				err = errno;
		}
	}
	freeaddrinfo(ai);
	if (err != 0) {
		if (fd >= 0)
			close(fd);
		odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_SUCH_DOMAIN,
			 "cannot connect to LDAP on %s (%s) port %u", o->dc_host, o->dc_address, port);
		odj_error_detail(ctx, "%s", err == ETIMEDOUT ? "no answer within the connect timeout"
							    : strerror(err));
		odj_error_source(ctx, ODJ_SRC_ERRNO, err);
		return -1;
	}
	/* libldap expects a blocking socket; its own timeouts bound each operation. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static int sasl_defaults(LDAP *ld, unsigned flags, void *defaults, void *in)
{
	(void)ld;
	(void)flags;
	(void)defaults;
	for (sasl_interact_t *i = in; i->id != SASL_CB_LIST_END; i++) {
		i->result = i->defresult ? i->defresult : "";
		i->len = (unsigned)strlen(i->result);
	}
	return LDAP_SUCCESS;
}

static odj_result set_tls(struct odj_ldap *c, const struct odj_ldap_options *o)
{
	int demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
	int rc = ldap_set_option(c->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
	if (rc == LDAP_OPT_SUCCESS && o->ca_file != NULL)
		rc = ldap_set_option(c->ld, LDAP_OPT_X_TLS_CACERTFILE, o->ca_file);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_set_option(c->ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	if (rc == LDAP_OPT_SUCCESS)
		rc = ldap_install_tls(c->ld);
	if (rc != LDAP_SUCCESS) {
		odj_ldap_fail(c, rc, "TLS with %s failed", c->uri);
		odj_error_advice(c->ctx, "Check the DC's certificate and --ca-file (the DC must present a "
					 "certificate for %s that the CA file trusts).",
				 o->dc_host);
		return odj_error_get(c->ctx)->result;
	}
	c->tls = true;
	return ODJ_OK;
}

/* Opens the pinned connection (and TLS) on c->ld; on failure the error is on ctx. */
static odj_result open_connection(struct odj_ldap *c, const struct odj_ldap_options *o)
{
	struct odj_ctx *ctx = c->ctx;
	uint16_t port = o->ldaps ? 636 : 389;
	odj_doing(ctx, "connecting to %s at %s", c->uri, o->dc_address);
	int fd = connect_pinned(ctx, o, port);
	if (fd < 0)
		return odj_error_get(ctx)->result;
	int rc = ldap_init_fd(fd, ODJ_LDAP_PROTO_TCP, c->uri, &c->ld);
	if (rc != LDAP_SUCCESS) {
		close(fd);
		c->ld = NULL;
		return odj_ldap_fail(c, rc, "cannot set up LDAP on the connection to %s", c->uri);
	}
	int v3 = LDAP_VERSION3;
	struct timeval tv = {o->op_timeout_ms / 1000, (o->op_timeout_ms % 1000) * 1000};
	ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(c->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
	ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &tv);
	ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	return o->ldaps ? set_tls(c, o) : ODJ_OK;
}

/*
 * The SASL GSSAPI bind with the session's tickets.  sealed: require a
 * GSSAPI layer of at least MIN_SEALED_SSF; otherwise (inside TLS) no layer,
 * with the GSSAPI exchange bound to the TLS channel.  Returns the LDAP code.
 */
static int bind_gssapi(struct odj_ldap *c, struct odj_krb *krb, bool sealed)
{
	char props[32];
	if (sealed) {
		snprintf(props, sizeof(props), "minssf=%d", MIN_SEALED_SSF);
	} else {
		int cb = LDAP_OPT_X_SASL_CBINDING_TLS_ENDPOINT;
		snprintf(props, sizeof(props), "maxssf=0");
		ldap_set_option(c->ld, LDAP_OPT_X_SASL_CBINDING, &cb);
	}
	ldap_set_option(c->ld, LDAP_OPT_X_SASL_SECPROPS, props);
	/*
	 * The tickets fetched over odj's transport, so GSSAPI needs no KDC:
	 * point this thread's GSSAPI at odj's MEMORY ccache for the bind only.
	 * (LDAP_OPT_X_SASL_GSS_CREDS needs a SASL context that exists only
	 * inside the bind call.)
	 */
	OM_uint32 minor;
	const char *prev = NULL;
	if (GSS_ERROR(gss_krb5_ccache_name(&minor, odj_krb_ccache_name(krb), &prev)))
		return LDAP_LOCAL_ERROR;
	char *restore = prev ? talloc_strdup(c, prev) : NULL;
	int rc = ldap_sasl_interactive_bind_s(c->ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET,
					      sasl_defaults, NULL);
	gss_krb5_ccache_name(&minor, restore, NULL);
	talloc_free(restore);
	return rc;
}

odj_result odj_ldap_connect(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_ldap_options *o,
			    struct odj_krb *krb, struct odj_ldap **out)
{
	*out = NULL;
	if (o == NULL || o->version != ODJ_LDAP_OPTIONS_VERSION || o->dc_host == NULL ||
	    o->dc_address == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"LDAP options without DC host or address");
	struct odj_ldap *c = talloc_zero(mem, struct odj_ldap);
	if (c == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	c->ctx = ctx;
	talloc_set_destructor(c, ldap_destructor);
	c->uri = o->ldaps ? talloc_asprintf(c, "ldaps://%s", o->dc_host)
			  : talloc_asprintf(c, "ldap://%s", o->dc_host);
	odj_result r = open_connection(c, o);
	if (r != ODJ_OK) {
		talloc_free(c);
		return r;
	}
	odj_doing(ctx, "binding to %s with SASL GSSAPI as %s", c->uri, odj_krb_client(krb));
	int rc = bind_gssapi(c, krb, !o->ldaps);
	if (rc != LDAP_SUCCESS) {
		r = odj_ldap_fail(c, rc, "the SASL GSSAPI bind to %s failed", c->uri);
		if (o->ldaps && rc == LDAP_STRONG_AUTH_REQUIRED)
			/* Samba before 4.19-ish: SASL inside TLS only with this setting */
			odj_error_advice(ctx, "The DC refuses SASL GSSAPI without a layer inside TLS. On a "
					      "Samba DC set 'ldap server require strong auth = "
					      "allow_sasl_over_tls', or leave out --ldaps (GSSAPI sealing "
					      "on ldap://).");
		talloc_free(c);
		return r;
	}
	ber_len_t ssf = 0; /* OpenLDAP writes a ber_len_t for this option */
	ldap_get_option(c->ld, LDAP_OPT_X_SASL_SSF, &ssf);
	c->ssf = (unsigned)ssf;
	if (!c->tls && c->ssf < MIN_SEALED_SSF) {
		talloc_free(c);
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_NERR_ConnectionInsecure,
				"the LDAP connection to %s is not sealed (SSF %u)", o->dc_host,
				(unsigned)ssf);
	}
	if (odj_ldap_wipe_sent(c->ld) != 0) {
		talloc_free(c);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"cannot set up the LDAP connection to %s to wipe what it sends",
				o->dc_host);
	}
	odj_trace(ctx, "NetpLdapBind: bound to %s as %s, SSF %u%s: 0x0", c->uri, odj_krb_client(krb),
		  c->ssf, c->tls ? ", TLS" : "");
	*out = c;
	return ODJ_OK;
}
