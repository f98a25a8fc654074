/*
 * odj_join_check: the network-free part of [MS-WKST] 3.2.4.13.3 in order,
 * turning a join request into the names, SPNs and password the DC side
 * writes and the target side installs.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <odj/join.h>
#include <odj/trace.h>

#define FN "NetpJoinDomain"

static odj_result oom(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

static char *lower_dup(TALLOC_CTX *mem, const char *s)
{
	char *out = talloc_strdup(mem, s);
	for (char *p = out; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static char *upper_dup(TALLOC_CTX *mem, const char *s)
{
	char *out = talloc_strdup(mem, s);
	for (char *p = out; p && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return out;
}

/* Step 9 plus the separate --dc option: one DC name, or none. */
static odj_result resolve_dc(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *from_domain,
			     const char *from_option, char **dc)
{
	const char *name = from_domain ? from_domain : from_option;
	*dc = NULL;
	if (name == NULL)
		return ODJ_OK;
	while (*name == '\\')
		name++; /* "\\dc1" */
	if (from_domain && from_option) {
		const char *opt = from_option;
		while (*opt == '\\')
			opt++;
		char a1[ODJ_ADDRESS_MAX], a2[ODJ_ADDRESS_MAX];
		bool same_address = odj_name_is_address(name, a1) && odj_name_is_address(opt, a2) &&
				    strcmp(a1, a2) == 0;
		if (!same_address && strcasecmp(name, opt) != 0)
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
					"the DC '%s' in the domain name differs from --dc '%s'",
					name, opt);
	}
	char address[ODJ_ADDRESS_MAX];
	if (odj_name_is_address(name, address)) {
		/* No name rule applies; the DC's name comes from its LDAP ping reply. */
		odj_trace_status(ctx, FN, 0, "step 9: the DC is given by its address %s", address);
		*dc = talloc_strdup(mem, address);
		return *dc ? ODJ_OK : oom(ctx);
	}
	enum odj_name_type type = strchr(name, '.') ? ODJ_NETSETUP_DNS_MACHINE
						    : ODJ_NETSETUP_MACHINE;
	odj_result r = odj_name_check(ctx, "DC name", name, type);
	if (r != ODJ_OK)
		return r;
	*dc = talloc_strdup(mem, name);
	return *dc ? ODJ_OK : oom(ctx);
}

/* The machine's two names: each derived from the other when missing. */
static odj_result resolve_machine(struct odj_ctx *ctx, TALLOC_CTX *mem,
				  struct odj_join_request *req, const char *domain_dns)
{
	const char *netbios = req->in.machine_name;
	const char *host = req->in.dns_host_name;
	if (netbios == NULL && host == NULL)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"no machine name was given");
	if (host != NULL) {
		odj_result r = odj_name_check(ctx, "DNS host name", host, ODJ_NETSETUP_DNS_MACHINE);
		if (r != ODJ_OK)
			return r;
	}
	req->out.netbios_name = netbios ? upper_dup(mem, netbios) : odj_netbios_from_host(mem, host);
	if (req->out.netbios_name == NULL)
		return oom(ctx);
	odj_result r = odj_name_check(ctx, "machine name", req->out.netbios_name,
				      ODJ_NETSETUP_MACHINE);
	if (r != ODJ_OK)
		return r;
	if (host != NULL) {
		size_t n = strlen(host);
		req->out.dns_host_name = lower_dup(mem, host);
		if (req->out.dns_host_name && n > 0 && host[n - 1] == '.')
			req->out.dns_host_name[n - 1] = '\0'; /* dNSHostName has no root dot */
	} else if (domain_dns != NULL) {
		/* Step 26: DNSComputerNameString = name "." primary DNS suffix. */
		req->out.dns_host_name = talloc_asprintf(mem, "%s.%s", req->out.netbios_name,
							 domain_dns);
		if (req->out.dns_host_name == NULL)
			return oom(ctx);
		char *lower = lower_dup(mem, req->out.dns_host_name);
		req->out.dns_host_name = lower;
		if (lower != NULL) {
			r = odj_name_check(ctx, "DNS host name", lower, ODJ_NETSETUP_DNS_MACHINE);
			if (r != ODJ_OK)
				return r;
		}
	} else {
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"the DNS host name cannot be derived: give it, or the domain's "
				"DNS name");
	}
	return req->out.dns_host_name ? ODJ_OK : oom(ctx);
}

/* Steps 4, 20, 21: the machine password. */
static odj_result make_password(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_join_request *req)
{
	uint32_t opt = req->in.join_options;
	if (opt & ODJ_NETSETUP_MACHINE_PWD_PASSED) {
		/* Step 4: the caller's password is the machine password. */
		const struct odj_secret *pw = req->in.password;
		req->out.password = odj_secret_dup(mem, odj_secret_data(pw), odj_secret_len(pw));
		odj_trace_status(ctx, FN, 0, "step 4: using the machine password passed in");
		return req->out.password ? ODJ_OK : oom(ctx);
	}
	if ((opt & ODJ_NETSETUP_JOIN_UNSECURE) ||
	    (req->in.provision_options & ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD)) {
		/* Step 20: the well-known default password. */
		req->out.provision_options |= ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD;
		odj_result r = odj_password_default(ctx, mem, req->out.netbios_name,
						    &req->out.password);
		odj_trace_status(ctx, FN, r == ODJ_OK ? 0 : odj_error_get(ctx)->status,
				 "step 20: default machine password (first %d characters of the "
				 "name, lower case)",
				 ODJ_DEFAULT_PASSWORD_MAX);
		return r;
	}
	/* Step 21: a random password. */
	struct odj_password_opts po = ODJ_PASSWORD_OPTS_INIT;
	if (req->in.password_opts.version == ODJ_PASSWORD_OPTS_VERSION)
		po = req->in.password_opts;
	else if (req->in.password_opts.version == 0) {
		po.length = req->in.password_opts.length;
		po.random = req->in.password_opts.random;
		po.random_priv = req->in.password_opts.random_priv;
	}
	odj_result r = odj_password_random(ctx, mem, &po, &req->out.password);
	odj_trace_status(ctx, FN, r == ODJ_OK ? 0 : odj_error_get(ctx)->status,
			 "step 21: random machine password of %zu characters",
			 po.length ? po.length : (size_t)ODJ_PASSWORD_LENGTH);
	return r;
}

/* Step 23: where the account goes. */
static odj_result resolve_container(struct odj_ctx *ctx, TALLOC_CTX *mem,
				    struct odj_join_request *req, const char *domain_dns)
{
	const char *ou = req->in.ou;
	if (ou != NULL) {
		bool bad = ou[0] == '\0' || strchr(ou, '=') == NULL;
		for (const unsigned char *p = (const unsigned char *)ou; *p && !bad; p++)
			bad = *p < 0x20;
		if (bad)
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
					"the OU '%s' is not a distinguished name "
					"(OU=Servers,DC=example,DC=com)",
					ou);
		req->out.account_container = talloc_strdup(mem, ou);
		return req->out.account_container ? ODJ_OK : oom(ctx);
	}
	if (domain_dns == NULL)
		return ODJ_OK; /* the DC side finds it from the naming context */
	/* Never "CN=Computers,...": the container may have been redirected
	 * (redircmp), and the WKGUID binding follows the redirection. */
	char *dn = odj_domain_dn(mem, domain_dns);
	if (dn == NULL)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_DOMAINNAME,
				"no directory name can be made from the domain '%s'", domain_dns);
	req->out.account_container = odj_computers_container(mem, dn);
	talloc_free(dn);
	odj_trace_status(ctx, FN, 0, "step 23: account container '%s'",
			 req->out.account_container ? req->out.account_container : "");
	return req->out.account_container ? ODJ_OK : oom(ctx);
}

static odj_result run_steps(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_join_request *req)
{
	uint32_t opt = req->in.join_options;
	odj_result r = odj_join_check_options(ctx, opt, req->in.account_name, req->in.password);
	if (r == ODJ_OK)
		r = odj_join_check_joined(ctx, opt, req->in.already_joined);
	char *dc_part = NULL;
	if (r == ODJ_OK)
		r = odj_join_split_domain(ctx, mem, req->in.domain, &req->out.domain, &dc_part);
	if (r == ODJ_OK)
		r = resolve_dc(ctx, mem, dc_part, req->in.dc, &req->out.dc);
	if (r != ODJ_OK)
		return r;

	const char *domain_dns = req->in.domain_dns;
	if (domain_dns == NULL && strchr(req->out.domain, '.') != NULL)
		domain_dns = req->out.domain;
	size_t dlen = domain_dns ? strlen(domain_dns) : 0;
	if (dlen > 1 && domain_dns[dlen - 1] == '.') {
		/* "odj.test." is absolute; the names made from it carry no root dot. */
		domain_dns = talloc_strndup(mem, domain_dns, dlen - 1);
		if (domain_dns == NULL)
			return oom(ctx);
	}
	r = resolve_machine(ctx, mem, req, domain_dns);
	if (r == ODJ_OK)
		r = odj_join_check_domain(ctx, req->out.domain, req->in.domain_dns,
					  req->in.domain_netbios, req->out.netbios_name);
	if (r != ODJ_OK)
		return r;

	uint32_t enctypes = req->in.enctypes ? req->in.enctypes : ODJ_ENCTYPES_DEFAULT;
	if (enctypes & ~ODJ_ENCTYPES_ALLOWED)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"encryption types 0x%x: only RC4 (0x4), AES128 (0x8) and AES256 "
				"(0x10) are allowed",
				enctypes);
	req->out.enctypes = enctypes;
	req->out.provision_options = req->in.provision_options;

	r = make_password(ctx, mem, req);
	if (r == ODJ_OK)
		r = resolve_container(ctx, mem, req, domain_dns);
	if (r != ODJ_OK)
		return r;

	/* Steps 25-28. */
	req->out.sam_account_name = odj_sam_account_name(mem, req->out.netbios_name);
	req->out.spns = odj_machine_spns(mem, req->out.netbios_name, req->out.dns_host_name,
					 &req->out.n_spns);
	if (req->out.sam_account_name == NULL || req->out.spns == NULL)
		return oom(ctx);
	odj_trace_status(ctx, FN, 0, "steps 25-28: account '%s', dNSHostName '%s', %zu SPNs",
			 req->out.sam_account_name, req->out.dns_host_name, req->out.n_spns);
	if (domain_dns != NULL) {
		req->out.realm = upper_dup(mem, domain_dns);
		size_t n = req->out.realm ? strlen(req->out.realm) : 0;
		if (n > 0 && req->out.realm[n - 1] == '.')
			req->out.realm[n - 1] = '\0';
		req->out.salt = req->out.realm
					? odj_krb5_salt(mem, req->out.realm, req->out.sam_account_name)
					: NULL;
		if (req->out.salt == NULL)
			return oom(ctx);
	}
	/* Step 32: a workstation trust account, enabled.  Workstation trust
	 * accounts are exempt from password expiry, so no DONT_EXPIRE_PASSWD. */
	req->out.user_account_control = ODJ_UF_WORKSTATION_TRUST_ACCOUNT;
	/* Step 33: DEFER_SPN_SET leaves SPNs and dNSHostName for a later rename. */
	req->out.write_spns = !(opt & ODJ_NETSETUP_DEFER_SPN_SET);
	odj_trace_status(ctx, FN, 0, "steps 32-33: userAccountControl 0x%x, %s SPNs",
			 req->out.user_account_control, req->out.write_spns ? "writing" : "deferring");
	return ODJ_OK;
}

odj_result odj_join_check(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_join_request *req)
{
	if (req == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER, "no request");
	memset(&req->out, 0, sizeof(req->out));
	TALLOC_CTX *tmp = talloc_new(mem);
	if (tmp == NULL)
		return oom(ctx);
	odj_trace(ctx, "%s: domain '%s', machine '%s', options 0x%x", FN,
		  req->in.domain ? req->in.domain : "", req->in.machine_name ? req->in.machine_name
									      : "",
		  req->in.join_options);
	odj_result r = run_steps(ctx, tmp, req);
	odj_trace_status(ctx, FN, r == ODJ_OK ? 0 : odj_error_get(ctx)->status, "status");
	if (r != ODJ_OK) {
		talloc_free(tmp); /* wipes a generated password with it */
		memset(&req->out, 0, sizeof(req->out));
		return r;
	}
	/* Hand every result to mem; tmp keeps nothing else. */
	struct odj_join_request keep = *req;
	void *parts[] = {keep.out.domain,           keep.out.dc,   keep.out.netbios_name,
			 keep.out.dns_host_name,    keep.out.realm, keep.out.sam_account_name,
			 keep.out.account_container, keep.out.spns, keep.out.password,
			 keep.out.salt};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (parts[i] != NULL)
			talloc_steal(mem, parts[i]);
	}
	talloc_free(tmp);
	return ODJ_OK;
}
