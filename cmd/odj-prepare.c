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
		"usage: odj-prepare --check --domain DOMAIN [--dc DC] [MACHINE] [options]\n"
		"\n"
		"  --domain DOMAIN      DNS name of the domain; DOMAIN\\DC pins the DC\n"
		"  --dc DC              the domain controller to use (default: found by DNS SRV)\n"
		"  --machine NAME|FQDN  the computer (also the positional argument)\n"
		"  --ou DN              container for the account (default: Computers)\n"
		"  --check              run every step up to the directory write, create nothing\n"
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
		"  --json               a JSON summary on stdout\n"
		"  --trace FILE         append a netsetup.log-style trace to FILE (0600)\n"
		"  --explain CODE       explain a status code (hex, decimal or symbol)\n"
		"  --version\n");
}

struct options {
	struct odj_check_req req;
	bool check, json;
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
	if (!ok) {
		const struct odj_error *e = odj_error_get(ctx);
		json_object *err = json_object_new_object();
		json_object_object_add(err, "status", json_object_new_int64(e->status));
		json_object_object_add(err, "symbol", jstr(odj_status_symbol(e->status)));
		json_object_object_add(err, "message", jstr(e->message));
		json_object_object_add(err, "doing", jstr(e->doing));
		json_object_object_add(err, "detail", jstr(e->detail));
		json_object_object_add(o, "error", err);
	}
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static int parse(int argc, char **argv, struct options *o)
{
	enum { O_CHECK = 256, O_DOMAIN, O_DC, O_MACHINE, O_OU, O_CCACHE, O_USER, O_PW_STDIN, O_PW_FILE,
	       O_LDAPS, O_CA, O_KDC_TIMEOUT, O_JSON, O_TRACE, O_EXPLAIN, O_VERSION, O_HELP };
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
		{NULL, 0, NULL, 0},
	};
	struct odj_check_req *r = &o->req;
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
	if (!o->check || r->in.domain == NULL) {
		fprintf(stderr, "%s: %s\n", TOOL,
			!o->check ? "say what to do: --check" : "--domain is required");
		usage(stderr);
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
	odj_trace_begin(ctx, "odj-prepare --check");
	odj_result r = odj_prepare_check(ctx, mem, &o.req);
	if (o.json)
		print_check_json(&o.req, ctx, r == ODJ_OK);
	else
		print_check(&o.req, r == ODJ_OK);
	if (r != ODJ_OK)
		cli_print_error(TOOL, ctx);
	talloc_free(mem); /* wipes the password */
	return r;
}
