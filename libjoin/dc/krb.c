/* AS and TGS exchanges with MIT's step APIs over odj's own KDC transport. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <odj/catalogue.h>

#include "krb.h"

/* AS with pre-authentication and a referral or two never needs more. */
#define MAX_ROUND_TRIPS 10

struct odj_krb {
	struct odj_ctx *ctx;
	krb5_context kctx;
	krb5_ccache cc;
	char *ccache_name;
	char *realm;
	char *client; /* unparsed client principal once logged in */
	struct odj_kdc_target target;
};

static int krb_destructor(struct odj_krb *k)
{
	if (k->cc != NULL)
		krb5_cc_destroy(k->kctx, k->cc);
	if (k->kctx != NULL)
		krb5_free_context(k->kctx);
	return 0;
}

/* Records a libkrb5 failure with its message as detail. */
static odj_result fail_krb5(struct odj_krb *k, krb5_error_code code, const char *fmt, ...)
	ODJ_PRINTF(3, 4);
static odj_result fail_krb5(struct odj_krb *k, krb5_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = talloc_vasprintf(k, fmt, ap);
	va_end(ap);
	const char *msg = krb5_get_error_message(k->kctx, code);
	odj_result r = odj_fail_krb5(k->ctx, code, msg, "%s", what ? what : "Kerberos failed");
	krb5_free_error_message(k->kctx, msg);
	talloc_free(what);
	return r;
}

odj_result odj_krb_open(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct odj_krb_options *o,
			struct odj_krb **out)
{
	*out = NULL;
	if (o == NULL || o->version != ODJ_KRB_OPTIONS_VERSION || o->realm == NULL ||
	    o->kdc_address == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"Kerberos options without realm or KDC address");
	struct odj_krb *k = talloc_zero(mem, struct odj_krb);
	if (k == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	k->ctx = ctx;
	talloc_set_destructor(k, krb_destructor);
	k->realm = talloc_strdup(k, o->realm);
	k->target.address = talloc_strdup(k, o->kdc_address);
	k->target.port = o->kdc_port ? o->kdc_port : 88;
	k->target.connect_timeout_ms = o->connect_timeout_ms;
	k->target.reply_timeout_ms = o->reply_timeout_ms;

	krb5_error_code ret = krb5_init_context(&k->kctx);
	if (ret != 0) {
		talloc_free(k);
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_CAN_NOT_COMPLETE,
				"cannot initialise Kerberos (error %d): check KRB5_CONFIG", ret);
	}
	uint8_t rnd[8];
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		talloc_free(k);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE, "getrandom failed");
	}
	k->ccache_name = talloc_asprintf(k, "MEMORY:odj-%d-%02x%02x%02x%02x%02x%02x%02x%02x", getpid(),
					 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	ret = krb5_cc_resolve(k->kctx, k->ccache_name, &k->cc);
	if (ret != 0) {
		odj_result r = fail_krb5(k, ret, "cannot create the ccache %s", k->ccache_name);
		talloc_free(k);
		return r;
	}
	*out = k;
	return ODJ_OK;
}

const char *odj_krb_client(const struct odj_krb *k)
{
	return k->client;
}

const char *odj_krb_ccache_name(const struct odj_krb *k)
{
	return k->ccache_name;
}

krb5_context odj_krb_context(const struct odj_krb *k)
{
	return k->kctx;
}

krb5_ccache odj_krb_ccache(const struct odj_krb *k)
{
	return k->cc;
}

typedef krb5_error_code (*step_fn)(krb5_context kctx, void *sctx, krb5_data *in, krb5_data *out,
				   krb5_data *realm, unsigned int *flags);

static krb5_error_code as_step(krb5_context kctx, void *sctx, krb5_data *in, krb5_data *out,
			       krb5_data *realm, unsigned int *flags)
{
	return krb5_init_creds_step(kctx, sctx, in, out, realm, flags);
}

static krb5_error_code tgs_step(krb5_context kctx, void *sctx, krb5_data *in, krb5_data *out,
				krb5_data *realm, unsigned int *flags)
{
	return krb5_tkt_creds_step(kctx, sctx, in, out, realm, flags);
}

/*
 * Drives a step API to completion over our transport.  what names the
 * request for messages ("AS request for administrator@ODJ.TEST").
 */
static odj_result run_exchange(struct odj_krb *k, step_fn step, void *sctx, const char *what,
			       odj_status unreachable)
{
	TALLOC_CTX *tmp = talloc_new(k);
	krb5_data in = {0}, out = {0}, realm = {0};
	unsigned int flags = 0;
	odj_result r = ODJ_OK;
	for (int round = 0;; round++) {
		krb5_error_code ret = step(k->kctx, sctx, &in, &out, &realm, &flags);
		in.data = NULL;
		in.length = 0;
		if (ret != 0) {
			r = fail_krb5(k, ret, "the KDC at %s:%u refused the %s", k->target.address,
				      k->target.port, what);
			break;
		}
		if (!(flags & KRB5_INIT_CREDS_STEP_FLAG_CONTINUE))
			break;
		if (round >= MAX_ROUND_TRIPS) {
			r = odj_fail(k->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
				     "the %s did not finish after %d round trips", what, round);
			break;
		}
		if (realm.length != strlen(k->realm) || memcmp(realm.data, k->realm, realm.length) != 0) {
			r = odj_fail(k->ctx, ODJ_E_DIRECTORY, ODJ_ERROR_NO_SUCH_DOMAIN,
				     "the %s was referred to realm %.*s, but odj talks only to the "
				     "pinned KDC of %s",
				     what, (int)realm.length, realm.data, k->realm);
			break;
		}
		uint8_t *reply = NULL;
		size_t reply_len = 0;
		struct odj_kdc_report rep;
		bool ok = odj_kdc_exchange(tmp, &k->target, (const uint8_t *)out.data, out.length, &reply,
					   &reply_len, &rep);
		krb5_free_data_contents(k->kctx, &out);
		krb5_free_data_contents(k->kctx, &realm);
		odj_trace(k->ctx, "NetpKdcExchange: %s to %s:%u: %zu bytes, %s after %.1f ms", what,
			  k->target.address, k->target.port, rep.request_len,
			  ok ? "reply" : "no reply", rep.elapsed_ms);
		if (!ok) {
			char *diag = odj_kdc_report_describe(tmp, &k->target, &rep);
			if (rep.phase == ODJ_KDC_REPLY && rep.ack_ms >= 0 && rep.reply_len == 0) {
				r = odj_fail(k->ctx, ODJ_E_NETWORK, unreachable,
					     "the KDC at %s:%u received the %s but no reply came back within %.0f s",
					     k->target.address, k->target.port, what,
					     k->target.reply_timeout_ms / 1e3);
				odj_error_advice(k->ctx,
						 "Something between this host and the DC passes Kerberos requests "
						 "but drops the replies: a firewall, an IPS or WAN accelerator, or a "
						 "path MTU problem (large TGS replies are fragmented). Capture port 88 "
						 "on both sides (tcpdump -ni any port 88) and compare.");
			} else if (rep.phase == ODJ_KDC_CONNECT) {
				r = odj_fail(k->ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_LOGON_SERVERS,
					     "the KDC at %s:%u cannot be reached for the %s",
					     k->target.address, k->target.port, what);
				odj_error_advice(k->ctx,
						 "Check that the DC is up and that TCP port %u is open between "
						 "this host and the DC (a firewall that drops rather than rejects "
						 "shows as no SYN-ACK).",
						 k->target.port);
			} else {
				r = odj_fail(k->ctx, ODJ_E_NETWORK, unreachable,
					     "the %s to the KDC at %s:%u failed", what, k->target.address,
					     k->target.port);
			}
			odj_error_detail(k->ctx, "%s", diag);
			break;
		}
		in.data = (char *)reply;
		in.length = (unsigned int)reply_len;
	}
	krb5_free_data_contents(k->kctx, &out);
	krb5_free_data_contents(k->kctx, &realm);
	talloc_free(tmp);
	return r;
}

static odj_result parse_principal(struct odj_krb *k, const char *name, krb5_principal *p)
{
	krb5_error_code ret = krb5_parse_name(k->kctx, name, p);
	if (ret != 0)
		return fail_krb5(k, ret, "'%s' is not a Kerberos principal name", name);
	return ODJ_OK;
}

/* Shared tail of the AS logins: store the TGT as the ccache's only content. */
static odj_result store_initial_creds(struct odj_krb *k, krb5_init_creds_context icc)
{
	krb5_creds creds;
	memset(&creds, 0, sizeof(creds));
	krb5_error_code ret = krb5_init_creds_get_creds(k->kctx, icc, &creds);
	if (ret == 0)
		ret = krb5_cc_initialize(k->kctx, k->cc, creds.client);
	if (ret == 0)
		ret = krb5_cc_store_cred(k->kctx, k->cc, &creds);
	if (ret != 0) {
		krb5_free_cred_contents(k->kctx, &creds);
		return fail_krb5(k, ret, "cannot store the ticket-granting ticket");
	}
	char *client = NULL;
	if (krb5_unparse_name(k->kctx, creds.client, &client) == 0) {
		talloc_free(k->client);
		k->client = talloc_strdup(k, client);
		krb5_free_unparsed_name(k->kctx, client);
	}
	krb5_free_cred_contents(k->kctx, &creds);
	return ODJ_OK;
}

/* One AS exchange with a password or a keytab's keys; service: an initial ticket for it. */
static odj_result as_login(struct odj_krb *k, const char *principal,
			   const struct odj_secret *password, krb5_keytab kt, const char *service)
{
	krb5_principal client = NULL;
	krb5_get_init_creds_opt *opt = NULL;
	krb5_init_creds_context icc = NULL;
	odj_result r = parse_principal(k, principal, &client);
	if (r != ODJ_OK)
		return r;
	krb5_error_code ret = krb5_get_init_creds_opt_alloc(k->kctx, &opt);
	if (ret == 0) {
		/* A forwardable TGT makes Heimdal (libsmbclient) ask the KDC for a
		 * forwarded one, since the DC's tickets are ok-as-delegate. */
		krb5_get_init_creds_opt_set_forwardable(opt, 0);
		krb5_get_init_creds_opt_set_proxiable(opt, 0);
		if (password != NULL)
			krb5_get_init_creds_opt_set_canonicalize(opt, 1);
		ret = krb5_init_creds_init(k->kctx, client, NULL, NULL, 0, opt, &icc);
	}
	if (ret == 0 && service != NULL)
		ret = krb5_init_creds_set_service(k->kctx, icc, service);
	if (ret == 0)
		ret = password ? krb5_init_creds_set_password(k->kctx, icc,
							      (const char *)odj_secret_data(password))
			       : krb5_init_creds_set_keytab(k->kctx, icc, kt);
	if (ret != 0) {
		r = fail_krb5(k, ret, "cannot prepare the AS request for %s", principal);
	} else {
		char *what = talloc_asprintf(k, "AS request for %s", principal);
		odj_doing(k->ctx, "getting %s for %s%s from the KDC at %s:%u",
			  service ? service : "a ticket-granting ticket", principal,
			  password ? "" : " with its keytab", k->target.address, k->target.port);
		r = run_exchange(k, as_step, icc, what, ODJ_ERROR_NO_LOGON_SERVERS);
		talloc_free(what);
		if (r == ODJ_OK)
			r = store_initial_creds(k, icc);
	}
	if (icc != NULL)
		krb5_init_creds_free(k->kctx, icc);
	if (opt != NULL)
		krb5_get_init_creds_opt_free(k->kctx, opt);
	krb5_free_principal(k->kctx, client);
	return r;
}

odj_result odj_krb_login_password(struct odj_krb *k, const char *principal,
				  const struct odj_secret *password)
{
	return as_login(k, principal, password, NULL, NULL);
}

odj_result odj_krb_login_keytab(struct odj_krb *k, const char *principal, const char *keytab_name,
				const char *service)
{
	krb5_keytab kt = NULL;
	krb5_error_code ret = krb5_kt_resolve(k->kctx, keytab_name, &kt);
	if (ret != 0)
		return fail_krb5(k, ret, "cannot open the keytab %s", keytab_name);
	odj_result r = as_login(k, principal, NULL, kt, service);
	krb5_kt_close(k->kctx, kt);
	return r;
}

const struct odj_kdc_target *odj_krb_target(const struct odj_krb *k)
{
	return &k->target;
}

odj_result odj_krb_login_ccache(struct odj_krb *k, const char *ccache_name)
{
	krb5_ccache src = NULL;
	krb5_principal client = NULL;
	odj_doing(k->ctx, "reading the credentials cache %s", ccache_name);
	krb5_error_code ret = krb5_cc_resolve(k->kctx, ccache_name, &src);
	if (ret == 0)
		ret = krb5_cc_get_principal(k->kctx, src, &client);
	if (ret == 0)
		ret = krb5_cc_initialize(k->kctx, k->cc, client);
	if (ret == 0)
		ret = krb5_cc_copy_creds(k->kctx, src, k->cc);
	odj_result r = ODJ_OK;
	if (ret != 0) {
		r = fail_krb5(k, ret, "cannot use the credentials in %s", ccache_name);
		odj_error_advice(k->ctx, "Run kinit for a user allowed to create computer objects, or "
					 "use --user with a password.");
	} else {
		char *name = NULL;
		if (krb5_unparse_name(k->kctx, client, &name) == 0) {
			k->client = talloc_strdup(k, name);
			krb5_free_unparsed_name(k->kctx, name);
		}
	}
	if (client != NULL)
		krb5_free_principal(k->kctx, client);
	if (src != NULL)
		krb5_cc_close(k->kctx, src);
	return r;
}

/* With fresh: never from the ccache, never into it; the ticket's DER is returned. */
static odj_result service_ticket(struct odj_krb *k, const char *service, odj_status unreachable,
				 TALLOC_CTX *mem, krb5_data **fresh)
{
	krb5_creds in;
	krb5_tkt_creds_context tcc = NULL;
	memset(&in, 0, sizeof(in));
	char *name = talloc_asprintf(k, "%s@%s", service, k->realm);
	odj_result r = parse_principal(k, name, &in.server);
	if (r != ODJ_OK) {
		talloc_free(name);
		return r;
	}
	krb5_error_code ret = krb5_cc_get_principal(k->kctx, k->cc, &in.client);
	if (ret == 0 && fresh != NULL)
		/* MIT looks in the ccache first whatever the options: drop a ticket
		 * from an earlier key of the account (the session's own copy) */
		krb5_cc_remove_cred(k->kctx, k->cc, 0, &in);
	if (ret == 0)
		ret = krb5_tkt_creds_init(k->kctx, k->cc, &in, fresh ? KRB5_GC_NO_STORE : 0, &tcc);
	if (ret != 0) {
		r = fail_krb5(k, ret, "cannot prepare the TGS request for %s", name);
	} else {
		char *what = talloc_asprintf(k, "TGS request for %s", name);
		odj_doing(k->ctx, "getting a service ticket for %s from the KDC at %s:%u", name,
			  k->target.address, k->target.port);
		/* the step API stores the new ticket in the ccache itself (unless fresh) */
		r = run_exchange(k, tgs_step, tcc, what, unreachable);
		talloc_free(what);
	}
	krb5_creds got;
	memset(&got, 0, sizeof(got));
	if (r == ODJ_OK && fresh != NULL) {
		ret = krb5_tkt_creds_get_creds(k->kctx, tcc, &got);
		if (ret != 0) {
			r = fail_krb5(k, ret, "the TGS exchange for %s gave no ticket", name);
		} else {
			krb5_data *t = talloc_zero(mem, krb5_data);
			if (t != NULL) {
				t->magic = KV5M_DATA;
				t->length = got.ticket.length;
				t->data = talloc_memdup(t, got.ticket.data, got.ticket.length);
			}
			if (t == NULL || t->data == NULL)
				r = odj_fail(k->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					     "out of memory");
			else
				*fresh = t; /* not secret; its session key is not kept */
		}
		krb5_free_cred_contents(k->kctx, &got); /* zeroes the session key */
	}
	if (tcc != NULL)
		krb5_tkt_creds_free(k->kctx, tcc);
	krb5_free_cred_contents(k->kctx, &in);
	talloc_free(name);
	return r;
}

odj_result odj_krb_service_ticket(struct odj_krb *k, const char *service, odj_status unreachable)
{
	return service_ticket(k, service, unreachable, NULL, NULL);
}

odj_result odj_krb_fresh_ticket(struct odj_krb *k, const char *service, odj_status unreachable,
				TALLOC_CTX *mem, krb5_data **ticket)
{
	*ticket = NULL;
	return service_ticket(k, service, unreachable, mem, ticket);
}

static bool wanted(krb5_context kctx, krb5_principal server, const char *const *services)
{
	char *name = NULL;
	if (krb5_unparse_name_flags(kctx, server, KRB5_PRINCIPAL_UNPARSE_NO_REALM, &name) != 0)
		return false;
	bool hit = false;
	for (size_t i = 0; services[i] != NULL && !hit; i++)
		hit = strcasecmp(name, services[i]) == 0;
	krb5_free_unparsed_name(kctx, name);
	return hit;
}

odj_result odj_krb_export_tickets(struct odj_krb *k, const char *path, const char *const *services)
{
	/* Created 0600 before libkrb5 writes to it. */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return odj_fail(k->ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
				"cannot create the ticket cache %s: %s", path, strerror(errno));
	close(fd);
	char *name = talloc_asprintf(k, "FILE:%s", path);
	krb5_ccache dst = NULL;
	krb5_principal client = NULL;
	krb5_cc_cursor cur = NULL;
	krb5_creds creds;
	int copied = 0;
	krb5_error_code ret = krb5_cc_resolve(k->kctx, name, &dst);
	if (ret == 0)
		ret = krb5_cc_get_principal(k->kctx, k->cc, &client);
	if (ret == 0)
		ret = krb5_cc_initialize(k->kctx, dst, client);
	if (ret == 0)
		ret = krb5_cc_start_seq_get(k->kctx, k->cc, &cur);
	while (ret == 0 && krb5_cc_next_cred(k->kctx, k->cc, &cur, &creds) == 0) {
		if (!krb5_is_config_principal(k->kctx, creds.server) &&
		    wanted(k->kctx, creds.server, services)) {
			ret = krb5_cc_store_cred(k->kctx, dst, &creds);
			copied++;
		}
		krb5_free_cred_contents(k->kctx, &creds);
	}
	if (cur != NULL)
		krb5_cc_end_seq_get(k->kctx, k->cc, &cur);
	odj_result r = ODJ_OK;
	if (ret != 0)
		r = fail_krb5(k, ret, "cannot write the ticket cache %s", path);
	else if (copied == 0)
		r = odj_fail(k->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
			     "no ticket for %s to hand over in %s", services[0], path);
	if (client != NULL)
		krb5_free_principal(k->kctx, client);
	if (dst != NULL)
		krb5_cc_close(k->kctx, dst);
	talloc_free(name);
	return r;
}
