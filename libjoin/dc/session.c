/* Opening a session with one pinned DC, in [MS-WKST] 3.2.4.13.3 order. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <odj/blob.h>

#include "session.h"
#include "smb_ipc.h"

void odj_deadlines_default(struct odj_deadlines *d)
{
	if (d->cldap_ms <= 0)
		d->cldap_ms = 1000;
	if (d->kdc_connect_ms <= 0)
		d->kdc_connect_ms = 3000;
	if (d->kdc_reply_ms <= 0)
		d->kdc_reply_ms = 10000;
	if (d->smb_ms <= 0)
		d->smb_ms = 15000;
	if (d->ldap_ms <= 0)
		d->ldap_ms = 30000;
}

struct odj_session_params odj_session_params_for(const struct odj_join_request *jr,
						 const struct odj_credentials *creds, bool ldaps,
						 const char *ca_file, const struct odj_deadlines *d)
{
	struct odj_session_params sp = {
		.domain = jr->out.domain,
		.dc = jr->out.dc,
		.account = jr->out.sam_account_name,
		.creds = *creds,
		.ldaps = ldaps,
		.ca_file = ca_file,
		.deadlines = *d,
	};
	return sp;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *upper(TALLOC_CTX *mem, const char *s)
{
	char *u = talloc_strdup(mem, s);
	for (char *p = u; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

odj_result odj_session_locate(struct odj_dc_session *s, const struct odj_session_params *p)
{
	struct odj_locate_dc_req lr;
	memset(&lr, 0, sizeof(lr));
	lr.in.domain = p->domain;
	lr.in.dc = p->dc;
	lr.in.account = p->account;
	lr.in.timeout_ms = (unsigned)p->deadlines.cldap_ms;
	double t0 = now_ms();
	odj_doing(s->ctx, "locating a domain controller of %s%s%s", p->domain, p->dc ? " at " : "",
		  p->dc ? p->dc : "");
	odj_result r = odj_locate_dc(s->ctx, s, &lr);
	s->report.ms_locate = now_ms() - t0;
	odj_trace(s->ctx, "NetpDsGetDcName: status of locating a DC for domain '%s'%s%s: 0x%x",
		  p->domain, p->dc ? " pinned to " : "", p->dc ? p->dc : "",
		  r == ODJ_OK ? 0 : odj_error_get(s->ctx)->status);
	if (r != ODJ_OK)
		return r;
	struct odj_netlogon_info *n = lr.out.info;
	s->netlogon = n;
	s->dc.host = lr.out.dc_name;
	s->dc.address = lr.out.dc_address;
	s->dc.found_by = odj_dc_found_by_name(lr.out.found_by);
	s->dc.flags = n->flags;
	s->dc.flags_text = odj_dc_flags_string(s, n->flags);
	s->dc.dc_site = n->dc_site;
	s->dc.client_site = n->client_site;
	s->dc.netbios_domain = n->netbios_domain;
	s->dc.netbios_dc = n->netbios_computer;
	s->realm = upper(s, n->domain && *n->domain ? n->domain : p->domain);
	odj_trace(s->ctx, "NetpDsGetDcName: found DC '\\\\%s' (%s) by %s, flags 0x%x, site %s: 0x0",
		  s->dc.host, s->dc.address, s->dc.found_by, n->flags, n->dc_site ? n->dc_site : "");
	return ODJ_OK;
}

static odj_result login(struct odj_dc_session *s, const struct odj_credentials *c)
{
	if (c->ccache != NULL)
		return odj_krb_login_ccache(s->krb, c->ccache);
	if (c->user == NULL || c->password == NULL)
		return odj_fail(s->ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"no credentials: give --ccache, or --user with a password");
	const char *at = strchr(c->user, '@');
	/* "admin@odj.test": Kerberos realms are upper case in AD */
	const char *principal = at ? talloc_asprintf(s, "%.*s@%s", (int)(at - c->user), c->user,
						     strcasecmp(at + 1, s->realm) == 0 ? s->realm : at + 1)
				   : talloc_asprintf(s, "%s@%s", c->user, s->realm);
	return odj_krb_login_password(s->krb, principal, c->password);
}

odj_result odj_session_kerberos(struct odj_dc_session *s, const struct odj_session_params *p)
{
	struct odj_krb_options ko = ODJ_KRB_OPTIONS_INIT;
	ko.realm = s->realm;
	ko.kdc_address = s->dc.address;
	ko.connect_timeout_ms = p->deadlines.kdc_connect_ms;
	ko.reply_timeout_ms = p->deadlines.kdc_reply_ms;
	double t0 = now_ms();
	odj_result r = odj_krb_open(s->ctx, s, &ko, &s->krb);
	if (r == ODJ_OK)
		r = login(s, &p->creds);
	s->report.ms_kerberos = now_ms() - t0;
	odj_trace(s->ctx, "NetpKerberosLogon: status of getting a TGT for '%s' from '%s': 0x%x",
		  s->krb && odj_krb_client(s->krb) ? odj_krb_client(s->krb) : "?", s->dc.address,
		  r == ODJ_OK ? 0 : odj_error_get(s->ctx)->status);
	return r;
}

/* Steps 14-17: the session to \\dc\IPC$, authenticated with Kerberos only. */
odj_result odj_session_ipc(struct odj_dc_session *s, const struct odj_session_params *p)
{
	double t0 = now_ms();
	char *cifs = talloc_asprintf(s, "cifs/%s", s->dc.host);
	odj_result r = odj_krb_service_ticket(s->krb, cifs, ODJ_ERROR_NETNAME_DELETED);
	if (r == ODJ_OK) {
		struct odj_smb_options so = ODJ_SMB_OPTIONS_INIT;
		so.dc_host = s->dc.host;
		so.dc_address = s->dc.address;
		so.realm = s->realm;
		so.workgroup = s->dc.netbios_domain ? s->dc.netbios_domain : "WORKGROUP";
		so.timeout_ms = p->deadlines.smb_ms;
		r = odj_smb_ipc_check(s->ctx, s->krb, &so, s, &s->report.smb_peer);
	}
	s->report.ms_smb = now_ms() - t0;
	odj_trace(s->ctx, "NetpJoinDomain: status of NetUseAdd to '\\\\%s\\IPC$': 0x%x", s->dc.host,
		  r == ODJ_OK ? 0 : odj_error_get(s->ctx)->status);
	return r;
}

odj_result odj_session_directory(struct odj_dc_session *s, const struct odj_session_params *p)
{
	double t0 = now_ms();
	char *ldap = talloc_asprintf(s, "ldap/%s", s->dc.host);
	odj_result r = odj_krb_service_ticket(s->krb, ldap, ODJ_ERROR_NO_LOGON_SERVERS);
	if (r == ODJ_OK) {
		struct odj_ldap_options lo = ODJ_LDAP_OPTIONS_INIT;
		lo.dc_host = s->dc.host;
		lo.dc_address = s->dc.address;
		lo.ldaps = p->ldaps;
		lo.ca_file = p->ca_file;
		lo.connect_timeout_ms = p->deadlines.kdc_connect_ms;
		lo.op_timeout_ms = p->deadlines.ldap_ms;
		r = odj_ldap_connect(s->ctx, s, &lo, s->krb, &s->ldap);
	}
	if (r == ODJ_OK) {
		odj_doing(s->ctx, "reading the domain's facts from %s", s->dc.host);
		r = odj_domain_facts_read(s->ldap, s, &s->facts);
	}
	s->report.ms_ldap = now_ms() - t0;
	if (s->ldap != NULL) {
		s->report.ldap_ssf = odj_ldap_ssf(s->ldap);
		s->report.ldap_tls = odj_ldap_tls(s->ldap);
	}
	odj_trace(s->ctx, "NetpJoinDomain: status of the LDAP bind to '%s': 0x%x", s->dc.host,
		  r == ODJ_OK ? 0 : odj_error_get(s->ctx)->status);
	return r;
}

struct odj_dc_session *odj_dc_session_new(struct odj_ctx *ctx, TALLOC_CTX *mem,
					  struct odj_session_params *params)
{
	struct odj_dc_session *s = talloc_zero(mem, struct odj_dc_session);
	if (s != NULL)
		s->ctx = ctx;
	odj_deadlines_default(&params->deadlines);
	return s;
}
