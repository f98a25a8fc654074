/* odj-prepare: next to a DC, check (and provision) a computer account for an offline join. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <odj/dc.h>
#include <odj/trace.h>

#include "cli.h"
#include "secret_input.h"

static const char *const TOOL = "odj-prepare";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: odj-prepare --domain DOMAIN [--dc DC] MACHINE --savefile FILE [options]\n"
		"       odj-prepare --check --domain DOMAIN [--dc DC] [MACHINE] [options]\n"
		"\n"
		"  --domain DOMAIN      DNS name of the domain; DOMAIN\\DC pins the DC\n"
		"  --dc DC              the domain controller to use (default: found by DNS SRV)\n"
		"  --machine NAME|FQDN  the computer (also the positional argument)\n"
		"  --netbios-name NAME  its NetBIOS name (needed when the host name is over 15)\n"
		"  --dns-host-name FQDN its DNS host name (default NAME.DOMAIN)\n"
		"  --ou DN              container for the account (default: Computers)\n"
		"  --check              run every step up to the directory write, create nothing\n"
		"account:\n"
		"  --reuse              reset an existing computer account (new password)\n"
		"  --defpwd             use the default password (lower-case name), like djoin /defpwd\n"
		"  --spn SPN            an extra servicePrincipalName (repeatable)\n"
		"  --upn UPN, --description TEXT, --os-name NAME, --os-version VERSION\n"
		"  --allow-rc4          also allow RC4 (msDS-SupportedEncryptionTypes 28, not 24)\n"
		"  --password-method ldap|kpasswd|auto   how the password is set (default auto = ldap)\n"
		"credentials (never on the command line):\n"
		"  --ccache NAME        use the tickets of this ccache (after kinit)\n"
		"  --user NAME          bind as NAME; the password comes from\n"
		"  --password-stdin     the first line of standard input, or\n"
		"  --password-file F    the first line of F (mode 0600), or a terminal prompt\n"
		"connection:\n"
		"  --ldaps              LDAP over TLS (636) with channel binding instead of sealing\n"
		"  --ca-file FILE       CA certificates for --ldaps\n"
		"  --kdc-timeout SEC    wait at most SEC seconds for a KDC reply (default 10)\n"
		"output:\n"
		"  --savefile FILE      write the provisioning blob to FILE (0600)\n"
		"  --print              write the bare base64 blob to stdout (unattend.xml AccountData)\n"
		"  --windows            a blob for a Windows target (no odj part)\n"
		"  --json               a JSON summary on stdout (never the password)\n"
		"  --verbose            log each step and decision on stderr\n"
		"  --trace FILE         append a netsetup.log-style trace to FILE (0600)\n"
		"  --explain CODE       explain a status code (hex, decimal or symbol)\n"
		"  --version\n");
}

#define MAX_EXTRA_SPNS 32

struct options {
	struct odj_check_req req; /* the common inputs live here */
	struct odj_provision_req prov;
	const char *spns[MAX_EXTRA_SPNS + 1];
	size_t n_spns;
	bool check, json, print, verbose;
	const char *trace;
	enum cli_password_source pw_source;
	const char *pw_file;
};

static void print_check(const struct odj_check_req *r, bool ok)
{
	const struct odj_domain_facts *f = r->out.facts;
	const struct odj_dc_choice *dc = &r->out.dc;
	if (dc->host != NULL) {
		printf("DC              %s (%s), %s\n", dc->host, dc->address,
		       strcmp(dc->found_by, "given") == 0 ? "pinned as given" : "found by DNS SRV");
		printf("DC flags        0x%08x %s\n", dc->flags, dc->flags_text ? dc->flags_text : "");
		printf("sites           DC %s, client %s\n", dc->dc_site ? dc->dc_site : "-",
		       dc->client_site ? dc->client_site : "-");
	}
	if (r->out.client != NULL)
		printf("Kerberos        %s via %s:88 (%.0f ms)\n", r->out.client, dc->address,
		       r->out.ms_kerberos);
	if (r->out.ms_smb > 0 && (r->out.ms_ldap > 0 || ok))
		printf("SMB             \\\\%s\\IPC$ with Kerberos (%.0f ms)\n", dc->host, r->out.ms_smb);
	if (f != NULL) {
		printf("LDAP            %s, %s (%.0f ms)\n", dc->host,
		       r->out.ldap_tls ? "TLS with channel binding" : "SASL GSSAPI sealed",
		       r->out.ms_ldap);
		if (!r->out.ldap_tls)
			printf("LDAP SSF        %u\n", r->out.ldap_ssf);
		printf("domain          %s (NetBIOS %s), forest %s\n", f->dns_domain,
		       f->netbios ? f->netbios : "?", f->forest ? f->forest : "?");
		printf("domain SID      %s\n", f->sid_str ? f->sid_str : "?");
		printf("domain GUID     %s\n", f->guid_str ? f->guid_str : "?");
		printf("levels          domain %d, forest %d, DC %d\n", f->domain_level,
		       f->forest_level, f->dc_level);
		printf("clock offset    %+.1f s (DC minus this host)\n", f->skew_seconds);
	}
	if (r->out.container_dn != NULL)
		printf("container       %s (may create computers: %s)\n", r->out.container_dn,
		       r->out.may_create ? "yes" : "no");
	if (r->out.machine_checked)
		printf("account         %s %s\n", r->out.sam_account_name,
		       r->out.account_exists ? "exists" : "does not exist yet");
	printf("result          %s (%.0f ms)\n", ok ? "a provision would pass every step" : "FAILED",
	       r->out.ms_total);
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void print_check_json(const struct odj_check_req *r, const struct odj_ctx *ctx, bool ok)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	const struct odj_dc_choice *dc = &r->out.dc;
	if (dc->host != NULL) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "host", jstr(dc->host));
		json_object_object_add(d, "address", jstr(dc->address));
		json_object_object_add(d, "found_by", jstr(dc->found_by));
		json_object_object_add(d, "flags", json_object_new_int64(dc->flags));
		json_object_object_add(d, "flags_text", jstr(dc->flags_text));
		json_object_object_add(d, "dc_site", jstr(dc->dc_site));
		json_object_object_add(d, "client_site", jstr(dc->client_site));
		json_object_object_add(o, "dc", d);
	}
	const struct odj_domain_facts *f = r->out.facts;
	if (f != NULL) {
		json_object *d = json_object_new_object();
		json_object_object_add(d, "dns_name", jstr(f->dns_domain));
		json_object_object_add(d, "netbios_name", jstr(f->netbios));
		json_object_object_add(d, "forest", jstr(f->forest));
		json_object_object_add(d, "sid", jstr(f->sid_str));
		json_object_object_add(d, "guid", jstr(f->guid_str));
		json_object_object_add(d, "domain_level", json_object_new_int(f->domain_level));
		json_object_object_add(d, "forest_level", json_object_new_int(f->forest_level));
		json_object_object_add(d, "dc_level", json_object_new_int(f->dc_level));
		json_object_object_add(d, "clock_offset_seconds", json_object_new_double(f->skew_seconds));
		json_object_object_add(o, "domain", d);
	}
	json_object_object_add(o, "realm", jstr(r->out.realm));
	json_object_object_add(o, "client", jstr(r->out.client));
	json_object_object_add(o, "ldap_ssf", json_object_new_int((int)r->out.ldap_ssf));
	json_object_object_add(o, "ldap_tls", json_object_new_boolean(r->out.ldap_tls));
	json_object_object_add(o, "container", jstr(r->out.container_dn));
	json_object_object_add(o, "may_create_computers", json_object_new_boolean(r->out.may_create));
	if (r->out.machine_checked) {
		json_object_object_add(o, "account", jstr(r->out.sam_account_name));
		json_object_object_add(o, "account_exists", json_object_new_boolean(r->out.account_exists));
	}
	json_object *t = json_object_new_object();
	json_object_object_add(t, "locate", json_object_new_double(r->out.ms_locate));
	json_object_object_add(t, "kerberos", json_object_new_double(r->out.ms_kerberos));
	json_object_object_add(t, "smb", json_object_new_double(r->out.ms_smb));
	json_object_object_add(t, "ldap", json_object_new_double(r->out.ms_ldap));
	json_object_object_add(t, "total", json_object_new_double(r->out.ms_total));
	json_object_object_add(o, "ms", t);
	if (!ok)
		json_object_object_add(o, "error", cli_json_error(ctx));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int parse(int argc, char **argv, struct options *o)
{
	enum { O_CHECK = 256, O_DOMAIN, O_DC, O_MACHINE, O_OU, O_CCACHE, O_USER, O_PW_STDIN, O_PW_FILE,
	       O_LDAPS, O_CA, O_KDC_TIMEOUT, O_JSON, O_TRACE, O_EXPLAIN, O_VERSION, O_HELP,
	       O_NETBIOS, O_DNSHOST, O_REUSE, O_DEFPWD, O_SPN, O_UPN, O_DESC, O_OSNAME, O_OSVER,
	       O_RC4, O_PWMETHOD, O_SAVEFILE, O_PRINT, O_WINDOWS, O_VERBOSE };
	static const struct option opts[] = {
		{"check", no_argument, NULL, O_CHECK},
		{"domain", required_argument, NULL, O_DOMAIN},
		{"dc", required_argument, NULL, O_DC},
		{"machine", required_argument, NULL, O_MACHINE},
		{"ou", required_argument, NULL, O_OU},
		{"ccache", required_argument, NULL, O_CCACHE},
		{"user", required_argument, NULL, O_USER},
		{"password-stdin", no_argument, NULL, O_PW_STDIN},
		{"password-file", required_argument, NULL, O_PW_FILE},
		{"ldaps", no_argument, NULL, O_LDAPS},
		{"ca-file", required_argument, NULL, O_CA},
		{"kdc-timeout", required_argument, NULL, O_KDC_TIMEOUT},
		{"json", no_argument, NULL, O_JSON},
		{"trace", required_argument, NULL, O_TRACE},
		{"explain", required_argument, NULL, O_EXPLAIN},
		{"version", no_argument, NULL, O_VERSION},
		{"help", no_argument, NULL, O_HELP},
		{"netbios-name", required_argument, NULL, O_NETBIOS},
		{"dns-host-name", required_argument, NULL, O_DNSHOST},
		{"reuse", no_argument, NULL, O_REUSE},
		{"defpwd", no_argument, NULL, O_DEFPWD},
		{"spn", required_argument, NULL, O_SPN},
		{"upn", required_argument, NULL, O_UPN},
		{"description", required_argument, NULL, O_DESC},
		{"os-name", required_argument, NULL, O_OSNAME},
		{"os-version", required_argument, NULL, O_OSVER},
		{"allow-rc4", no_argument, NULL, O_RC4},
		{"password-method", required_argument, NULL, O_PWMETHOD},
		{"savefile", required_argument, NULL, O_SAVEFILE},
		{"print", no_argument, NULL, O_PRINT},
		{"windows", no_argument, NULL, O_WINDOWS},
		{"verbose", no_argument, NULL, O_VERBOSE},
		{NULL, 0, NULL, 0},
	};
	struct odj_check_req *r = &o->req;
	struct odj_provision_req *p = &o->prov;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_CHECK: o->check = true; break;
		case O_DOMAIN: r->in.domain = optarg; break;
		case O_DC: r->in.dc = optarg; break;
		case O_MACHINE: r->in.machine = optarg; break;
		case O_OU: r->in.ou = optarg; break;
		case O_CCACHE: r->in.creds.ccache = optarg; break;
		case O_USER: r->in.creds.user = optarg; break;
		case O_PW_STDIN: o->pw_source = CLI_PASSWORD_STDIN; break;
		case O_PW_FILE: o->pw_source = CLI_PASSWORD_FILE; o->pw_file = optarg; break;
		case O_LDAPS: r->in.ldaps = true; break;
		case O_CA: r->in.ca_file = optarg; break;
		case O_KDC_TIMEOUT: {
			char *end;
			double s = strtod(optarg, &end);
			if (*end != '\0' || s <= 0 || s > 600) {
				fprintf(stderr, "%s: --kdc-timeout takes seconds (0 < SEC <= 600)\n", TOOL);
				return ODJ_E_INPUT;
			}
			r->in.deadlines.kdc_reply_ms = (int)(s * 1000);
			break;
		}
		case O_JSON: o->json = true; break;
		case O_NETBIOS: p->in.netbios_name = optarg; break;
		case O_DNSHOST: p->in.dns_host_name = optarg; break;
		case O_REUSE: p->in.reuse = true; break;
		case O_DEFPWD: p->in.defpwd = true; break;
		case O_SPN:
			if (o->n_spns == MAX_EXTRA_SPNS) {
				fprintf(stderr, "%s: at most %d --spn\n", TOOL, MAX_EXTRA_SPNS);
				return ODJ_E_INPUT;
			}
			o->spns[o->n_spns++] = optarg;
			break;
		case O_UPN: p->in.upn = optarg; break;
		case O_DESC: p->in.description = optarg; break;
		case O_OSNAME: p->in.os_name = optarg; break;
		case O_OSVER: p->in.os_version = optarg; break;
		case O_RC4: p->in.allow_rc4 = true; break;
		case O_PWMETHOD:
			if (strcmp(optarg, "ldap") == 0)
				p->in.password_method = ODJ_PASSWORD_METHOD_LDAP;
			else if (strcmp(optarg, "kpasswd") == 0)
				p->in.password_method = ODJ_PASSWORD_METHOD_KPASSWD;
			else if (strcmp(optarg, "auto") == 0)
				p->in.password_method = ODJ_PASSWORD_METHOD_AUTO;
			else {
				fprintf(stderr, "%s: --password-method is ldap, kpasswd or auto\n", TOOL);
				return ODJ_E_INPUT;
			}
			break;
		case O_SAVEFILE: p->in.savefile = optarg; break;
		case O_PRINT: o->print = true; break;
		case O_WINDOWS: p->in.windows = true; break;
		case O_VERBOSE: o->verbose = true; break;
		case O_TRACE: o->trace = optarg; break;
		case O_EXPLAIN: exit(cli_explain(stdout, TOOL, optarg));
		case O_VERSION: cli_print_version(stdout, TOOL); exit(ODJ_OK);
		case O_HELP: case 'h': usage(stdout); exit(ODJ_OK);
		default: usage(stderr); return ODJ_E_INPUT;
		}
	}
	if (optind < argc && r->in.machine == NULL)
		r->in.machine = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", TOOL, argv[optind]);
		return ODJ_E_INPUT;
	}
	if (r->in.domain == NULL) {
		fprintf(stderr, "%s: --domain is required\n", TOOL);
		usage(stderr);
		return ODJ_E_INPUT;
	}
	if (!o->check && p->in.savefile == NULL && !o->print) {
		fprintf(stderr, "%s: where should the blob go? give --savefile FILE or --print\n", TOOL);
		return ODJ_E_INPUT;
	}
	if (r->in.creds.ccache == NULL && r->in.creds.user == NULL) {
		fprintf(stderr, "%s: give --ccache NAME, or --user NAME with a password source\n", TOOL);
		return ODJ_E_INPUT;
	}
	if (r->in.creds.user != NULL && o->pw_source == CLI_PASSWORD_NONE)
		o->pw_source = CLI_PASSWORD_PROMPT;
	return ODJ_OK;
}

static void enctypes_text(char *buf, size_t n, uint32_t e)
{
	snprintf(buf, n, "%u (%s%s%s)", e, e & 0x10 ? "AES256 " : "", e & 0x8 ? "AES128 " : "",
		 e & 0x4 ? "RC4 " : "");
	size_t len = strlen(buf);
	if (len > 2 && buf[len - 2] == ' ') {
		buf[len - 2] = ')';
		buf[len - 1] = '\0';
	}
}

static void print_provision(const struct odj_provision_req *p, bool ok)
{
	const struct odj_dc_choice *dc = &p->out.dc;
	if (dc->host != NULL)
		printf("DC              %s (%s), %s\n", dc->host, dc->address,
		       strcmp(dc->found_by, "given") == 0 ? "pinned as given" : "found by DNS SRV");
	if (p->out.dn != NULL && (p->out.created || p->out.reused))
		printf("%-15s %s\n", p->out.created ? "created" : "reused", p->out.dn);
	for (size_t i = 0; p->out.changes && p->out.changes[i]; i++)
		printf("  changed       %s\n", p->out.changes[i]);
	if (!ok) {
		if (p->out.left_behind)
			printf("left behind     %s\n", p->out.left_behind);
		return;
	}
	printf("account         %s (RID %u, SID %s)\n", p->out.sam_account_name, p->out.rid,
	       p->out.machine_sid);
	printf("dNSHostName     %s\n", p->out.dns_host_name);
	for (size_t i = 0; p->out.spns && p->out.spns[i]; i++)
		printf("%-15s %s\n", i == 0 ? "SPNs" : "", p->out.spns[i]);
	char et[64];
	enctypes_text(et, sizeof(et), p->out.enctypes);
	printf("enctypes        %s\n", et);
	printf("kvno            %u\n", p->out.kvno);
	printf("password        120 random characters set over %s; %s\n",
	       strcmp(p->out.password_method, "ldap") == 0 ? "sealed LDAP (unicodePwd)" : "kpasswd",
	       p->out.proven ? "proven by a TGT from keys derived with the salt" : "NOT proven");
	printf("salt            %s\n", p->out.salt);
	if (p->in.savefile)
		printf("blob            %s (%zu bytes, mode 0600)\n", p->in.savefile,
		       odj_secret_len(p->out.blob_file));
	printf("result          provisioned in %.0f ms (session %.0f, write %.0f, proof %.0f)\n",
	       p->out.ms_total, p->out.ms_session, p->out.ms_write, p->out.ms_proof);
}

static void print_provision_json(const struct odj_provision_req *p, const struct odj_ctx *ctx,
				 bool ok)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "dc", jstr(p->out.dc.host));
	json_object_object_add(o, "dc_address", jstr(p->out.dc.address));
	json_object_object_add(o, "realm", jstr(p->out.realm));
	json_object_object_add(o, "dn", jstr(p->out.dn));
	json_object_object_add(o, "created", json_object_new_boolean(p->out.created));
	json_object_object_add(o, "reused", json_object_new_boolean(p->out.reused));
	json_object_object_add(o, "sam_account_name", jstr(p->out.sam_account_name));
	json_object_object_add(o, "dns_host_name", jstr(p->out.dns_host_name));
	json_object *spns = json_object_new_array();
	for (size_t i = 0; p->out.spns && p->out.spns[i]; i++)
		json_object_array_add(spns, json_object_new_string(p->out.spns[i]));
	json_object_object_add(o, "spns", spns);
	json_object *ch = json_object_new_array();
	for (size_t i = 0; p->out.changes && p->out.changes[i]; i++)
		json_object_array_add(ch, json_object_new_string(p->out.changes[i]));
	json_object_object_add(o, "changes", ch);
	json_object_object_add(o, "enctypes", json_object_new_int64(p->out.enctypes));
	json_object_object_add(o, "kvno", json_object_new_int64(p->out.kvno));
	json_object_object_add(o, "rid", json_object_new_int64(p->out.rid));
	json_object_object_add(o, "sid", jstr(p->out.machine_sid));
	json_object_object_add(o, "pwd_last_set", json_object_new_int64(p->out.pwd_last_set));
	json_object_object_add(o, "salt", jstr(p->out.salt));
	json_object_object_add(o, "password_method", jstr(p->out.password_method));
	json_object_object_add(o, "proven", json_object_new_boolean(p->out.proven));
	json_object_object_add(o, "savefile", jstr(p->in.savefile));
	json_object_object_add(o, "left_behind", jstr(p->out.left_behind));
	json_object_object_add(o, "ms_total", json_object_new_double(p->out.ms_total));
	if (!ok)
		json_object_object_add(o, "error", cli_json_error(ctx));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static odj_result run_provision(struct odj_ctx *ctx, TALLOC_CTX *mem, struct options *o)
{
	struct odj_provision_req *p = &o->prov;
	p->in.version = ODJ_PROVISION_VERSION;
	p->in.domain = o->req.in.domain;
	p->in.dc = o->req.in.dc;
	p->in.machine = o->req.in.machine;
	p->in.ou = o->req.in.ou;
	p->in.creds = o->req.in.creds;
	p->in.ldaps = o->req.in.ldaps;
	p->in.ca_file = o->req.in.ca_file;
	p->in.deadlines = o->req.in.deadlines;
	p->in.extra_spns = o->n_spns ? o->spns : NULL;
	if (p->in.os_name == NULL && !p->in.windows)
		p->in.os_name = "Linux";
	odj_trace_begin(ctx, "odj-prepare: NetProvisionComputerAccount");
	odj_result r = odj_provision_account(ctx, mem, p);
	if (o->json)
		print_provision_json(p, ctx, r == ODJ_OK);
	else if (!o->print)
		print_provision(p, r == ODJ_OK);
	if (r == ODJ_OK && o->print) {
		/* The one documented place a secret reaches stdout: djoin /printblob. */
		fprintf(stderr, "%s: warning: the blob on stdout holds the machine password; keep it "
				"out of logs and shared files\n",
			TOOL);
		fwrite(odj_secret_data(p->out.blob_base64), 1, odj_secret_len(p->out.blob_base64),
		       stdout);
		fputc('\n', stdout);
	}
	return r;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct options o;
	memset(&o, 0, sizeof(o));
	o.req.in.version = ODJ_CHECK_VERSION;
	int rc = parse(argc, argv, &o);
	if (rc == ODJ_OK && o.trace != NULL)
		rc = cli_trace_open(ctx, mem, TOOL, o.trace);
	if (rc == ODJ_OK && o.verbose)
		cli_verbose(ctx, mem, TOOL);
	struct odj_secret *password = NULL;
	if (rc == ODJ_OK && o.req.in.creds.user != NULL) {
		char *prompt = talloc_asprintf(mem, "Password for %s: ", o.req.in.creds.user);
		rc = cli_read_password(ctx, mem, o.pw_source, o.pw_file, prompt, &password);
		if (rc != ODJ_OK)
			cli_print_error(TOOL, ctx);
		o.req.in.creds.password = password;
	}
	if (rc != ODJ_OK) {
		talloc_free(mem);
		return rc;
	}
	odj_result r;
	if (o.check) {
		odj_trace_begin(ctx, "odj-prepare --check");
		r = odj_prepare_check(ctx, mem, &o.req);
		if (o.json)
			print_check_json(&o.req, ctx, r == ODJ_OK);
		else
			print_check(&o.req, r == ODJ_OK);
	} else {
		r = run_provision(ctx, mem, &o);
	}
	if (r != ODJ_OK)
		cli_print_error(TOOL, ctx);
	talloc_free(mem); /* wipes the passwords and the blob */
	return r;
}
