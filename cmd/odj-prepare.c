/* odj-prepare: next to a DC, check (and provision) a computer account for an offline join. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <odj/bulk.h>
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
		"bulk (many machines in one session; blobs to --out-dir and/or --bundle):\n"
		"  --count N --name-template T [--first K]   names from T, e.g. 'ci-%%04d' (only %%0Nd)\n"
		"  --names-from FILE    one name per line (duplicates are refused)\n"
		"  --out-dir DIR        one NAME.odj per machine (0600)\n"
		"  --bundle FILE        one gzip'd tar of all blobs and manifest.json; it holds\n"
		"                       every machine's secret: never put it into an image\n"
		"  --skip-existing      skip machines whose blob the out-dir or bundle already has\n"
		"  --parallel K         LDAP connections (default 1)\n"
		"  --window W           adds in flight per connection (default 4)\n"
		"  --max-rate R         at most R new accounts per second (protects a busy DC)\n"
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
	/* bulk */
	bool bulk;
	unsigned count, first;
	const char *name_template, *names_from;
	struct odj_bulk_req bulk_req;
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
	if (r->out.ms_smb > 0 && (r->out.ms_ldap > 0 || ok)) {
		printf("SMB             \\\\%s\\IPC$ with Kerberos (%.0f ms)\n", dc->host, r->out.ms_smb);
		if (r->out.smb_peer != NULL && dc->address != NULL &&
		    strcmp(r->out.smb_peer, dc->address) != 0)
			printf("                reached at %s, not %s: this host's resolver gives %s "
			       "another address of the DC (Kerberos proved it is the DC)\n",
			       r->out.smb_peer, dc->address, dc->host);
	}
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
	for (size_t i = 0; i < r->out.n_steps; i++) /* the write steps, with writes off */
		if (!r->out.steps[i].ran && r->out.steps[i].what != NULL)
			printf("would           %s: %s\n", r->out.steps[i].name, r->out.steps[i].what);
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
		json_object_object_add(o, "would_reset", json_object_new_boolean(r->out.would_reset));
		json_object_object_add(o, "account_dn", jstr(r->out.account_dn));
	}
	json_object *steps = json_object_new_array();
	for (size_t i = 0; i < r->out.n_steps; i++) {
		const struct odj_plan_step *st = &r->out.steps[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "step", jstr(st->name));
		json_object_object_add(j, "writes", json_object_new_boolean(st->writes));
		json_object_object_add(j, "ran", json_object_new_boolean(st->ran));
		json_object_object_add(j, st->ran ? "did" : "would", jstr(st->what));
		json_object_array_add(steps, j);
	}
	json_object_object_add(o, "steps", steps);
	if (r->out.smb_peer != NULL)
		json_object_object_add(o, "smb_peer", jstr(r->out.smb_peer));
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

static bool number(const char *arg, unsigned min, unsigned max, const char *opt, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || *arg == '-' || v < min || v > max) {
		fprintf(stderr, "%s: %s takes a number from %u to %u\n", TOOL, opt, min, max);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

static int parse(int argc, char **argv, struct options *o)
{
	enum { O_CHECK = 256, O_DOMAIN, O_DC, O_MACHINE, O_OU, O_CCACHE, O_USER, O_PW_STDIN, O_PW_FILE,
	       O_LDAPS, O_CA, O_KDC_TIMEOUT, O_JSON, O_TRACE, O_EXPLAIN, O_VERSION, O_HELP,
	       O_NETBIOS, O_DNSHOST, O_REUSE, O_DEFPWD, O_SPN, O_UPN, O_DESC, O_OSNAME, O_OSVER,
	       O_RC4, O_PWMETHOD, O_SAVEFILE, O_PRINT, O_WINDOWS, O_VERBOSE, O_COUNT, O_TEMPLATE,
	       O_FIRST, O_NAMES_FROM, O_OUT_DIR, O_BUNDLE, O_SKIP_EXISTING, O_PARALLEL, O_WINDOW,
	       O_MAX_RATE };
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
		{"count", required_argument, NULL, O_COUNT},
		{"name-template", required_argument, NULL, O_TEMPLATE},
		{"first", required_argument, NULL, O_FIRST},
		{"names-from", required_argument, NULL, O_NAMES_FROM},
		{"out-dir", required_argument, NULL, O_OUT_DIR},
		{"bundle", required_argument, NULL, O_BUNDLE},
		{"skip-existing", no_argument, NULL, O_SKIP_EXISTING},
		{"parallel", required_argument, NULL, O_PARALLEL},
		{"window", required_argument, NULL, O_WINDOW},
		{"max-rate", required_argument, NULL, O_MAX_RATE},
		{NULL, 0, NULL, 0},
	};
	struct odj_check_req *r = &o->req;
	struct odj_provision_req *p = &o->prov;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_CHECK: o->check = true; break;
		case O_DOMAIN: r->in.conn.domain = optarg; break;
		case O_DC: r->in.conn.dc = optarg; break;
		case O_MACHINE: r->in.account.machine = optarg; break;
		case O_OU: r->in.conn.ou = optarg; break;
		case O_CCACHE: r->in.conn.creds.ccache = optarg; break;
		case O_USER: r->in.conn.creds.user = optarg; break;
		case O_PW_STDIN: o->pw_source = CLI_PASSWORD_STDIN; break;
		case O_PW_FILE: o->pw_source = CLI_PASSWORD_FILE; o->pw_file = optarg; break;
		case O_LDAPS: r->in.conn.ldaps = true; break;
		case O_CA: r->in.conn.ca_file = optarg; break;
		case O_KDC_TIMEOUT: {
			char *end;
			double s = strtod(optarg, &end);
			if (*end != '\0' || s <= 0 || s > 600) {
				fprintf(stderr, "%s: --kdc-timeout takes seconds (0 < SEC <= 600)\n", TOOL);
				return ODJ_E_INPUT;
			}
			r->in.conn.deadlines.kdc_reply_ms = (int)(s * 1000);
			break;
		}
		case O_JSON: o->json = true; break;
		case O_NETBIOS: r->in.account.netbios_name = optarg; break;
		case O_DNSHOST: r->in.account.dns_host_name = optarg; break;
		case O_REUSE: r->in.account.reuse = true; break;
		case O_DEFPWD: r->in.account.defpwd = true; break;
		case O_SPN:
			if (o->n_spns == MAX_EXTRA_SPNS) {
				fprintf(stderr, "%s: at most %d --spn\n", TOOL, MAX_EXTRA_SPNS);
				return ODJ_E_INPUT;
			}
			o->spns[o->n_spns++] = optarg;
			break;
		case O_UPN: r->in.account.upn = optarg; break;
		case O_DESC: r->in.account.description = optarg; break;
		case O_OSNAME: r->in.account.os_name = optarg; break;
		case O_OSVER: r->in.account.os_version = optarg; break;
		case O_RC4: r->in.account.allow_rc4 = true; break;
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
		case O_COUNT:
			if (!number(optarg, 1, ODJ_BULK_MAX_MACHINES, "--count", &o->count))
				return ODJ_E_INPUT;
			o->bulk = true;
			break;
		case O_TEMPLATE: o->name_template = optarg; o->bulk = true; break;
		case O_FIRST:
			if (!number(optarg, 0, 999999999, "--first", &o->first))
				return ODJ_E_INPUT;
			break;
		case O_NAMES_FROM: o->names_from = optarg; o->bulk = true; break;
		case O_OUT_DIR: o->bulk_req.in.out_dir = optarg; o->bulk = true; break;
		case O_BUNDLE: o->bulk_req.in.bundle = optarg; o->bulk = true; break;
		case O_SKIP_EXISTING: o->bulk_req.in.skip_existing = true; break;
		case O_PARALLEL:
			if (!number(optarg, 1, 16, "--parallel", &o->bulk_req.in.parallel))
				return ODJ_E_INPUT;
			break;
		case O_WINDOW:
			if (!number(optarg, 1, 64, "--window", &o->bulk_req.in.window))
				return ODJ_E_INPUT;
			break;
		case O_MAX_RATE: {
			char *end;
			double rate = strtod(optarg, &end);
			if (*end != '\0' || !(rate > 0) || rate > 100000) {
				fprintf(stderr, "%s: --max-rate takes accounts per second (> 0)\n", TOOL);
				return ODJ_E_INPUT;
			}
			o->bulk_req.in.max_rate = rate;
			break;
		}
		case O_TRACE: o->trace = optarg; break;
		case O_EXPLAIN: exit(cli_explain(stdout, TOOL, optarg));
		case O_VERSION: cli_print_version(stdout, TOOL); exit(ODJ_OK);
		case O_HELP: case 'h': usage(stdout); exit(ODJ_OK);
		default: usage(stderr); return ODJ_E_INPUT;
		}
	}
	if (optind < argc && r->in.account.machine == NULL)
		r->in.account.machine = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", TOOL, argv[optind]);
		return ODJ_E_INPUT;
	}
	if (r->in.conn.domain == NULL) {
		fprintf(stderr, "%s: --domain is required\n", TOOL);
		usage(stderr);
		return ODJ_E_INPUT;
	}
	if (o->bulk) {
		const struct odj_account_request *a = &r->in.account;
		if (o->check || p->in.savefile || o->print || a->reuse || a->machine || a->defpwd ||
		    o->n_spns || a->upn || a->netbios_name || a->dns_host_name ||
		    p->in.password_method == ODJ_PASSWORD_METHOD_KPASSWD) {
			fprintf(stderr, "%s: a bulk run (--count/--names-from) takes no MACHINE, "
					"--check, --savefile, --print, --reuse, --defpwd, --spn, --upn, "
					"--netbios-name, --dns-host-name or kpasswd\n",
				TOOL);
			return ODJ_E_INPUT;
		}
		if ((o->count != 0) != (o->name_template != NULL) ||
		    (o->names_from != NULL) == (o->count != 0)) {
			fprintf(stderr, "%s: give --count N with --name-template T, or --names-from FILE\n",
				TOOL);
			return ODJ_E_INPUT;
		}
		if (o->bulk_req.in.out_dir == NULL && o->bulk_req.in.bundle == NULL) {
			fprintf(stderr, "%s: where should the blobs go? give --out-dir DIR or --bundle FILE\n",
				TOOL);
			return ODJ_E_INPUT;
		}
	} else if (!o->check && p->in.savefile == NULL && !o->print) {
		fprintf(stderr, "%s: where should the blob go? give --savefile FILE or --print\n", TOOL);
		return ODJ_E_INPUT;
	}
	if (r->in.conn.creds.ccache == NULL && r->in.conn.creds.user == NULL) {
		fprintf(stderr, "%s: give --ccache NAME, or --user NAME with a password source\n", TOOL);
		return ODJ_E_INPUT;
	}
	r->in.account.extra_spns = o->n_spns ? o->spns : NULL;
	if (r->in.conn.creds.user != NULL && o->pw_source == CLI_PASSWORD_NONE)
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
	p->in.conn = o->req.in.conn;
	p->in.account = o->req.in.account;
	if (p->in.account.os_name == NULL && !p->in.windows)
		p->in.account.os_name = "Linux";
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

/* ------------------------------------------------------------ bulk */

struct bulk_ui {
	bool tty;      /* stderr is a terminal: one progress line, updated in place */
	bool printed;  /* a progress line is on the screen */
	bool json;
	json_object *failures;
};

static void eta_text(char *buf, size_t n, double s)
{
	if (s < 0)
		snprintf(buf, n, "?");
	else if (s < 60)
		snprintf(buf, n, "%.0fs", s);
	else
		snprintf(buf, n, "%.0fm%02.0fs", s / 60, s - 60 * (int)(s / 60));
}

static void bulk_progress(void *priv, const struct odj_bulk_progress *p)
{
	struct bulk_ui *ui = priv;
	if (!ui->tty)
		return;
	char eta[32];
	eta_text(eta, sizeof(eta), p->eta_s);
	fprintf(stderr, "\r%s: %zu/%zu done, %zu failed, %zu skipped, %.1f/s, ETA %s\033[K", TOOL,
		p->done, p->total, p->failed, p->skipped, p->rate, eta);
	fflush(stderr);
	ui->printed = true;
}

static void bulk_item(void *priv, const struct odj_bulk_item *it)
{
	struct bulk_ui *ui = priv;
	if (it->ok)
		return;
	if (ui->tty && ui->printed)
		fputs("\r\033[K", stderr);
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *row = odj_status_row(tmp, it->status);
	fprintf(stderr, "%s: %s failed: %s: %s\n", TOOL, it->machine, row, it->message);
	talloc_free(tmp);
}

static odj_result bulk_names(struct odj_ctx *ctx, TALLOC_CTX *mem, struct options *o)
{
	struct odj_bulk_req *b = &o->bulk_req;
	char **names = NULL;
	size_t n = 0;
	odj_result r;
	if (o->names_from != NULL) {
		r = odj_bulk_names_file(ctx, mem, o->names_from, &names, &n);
	} else {
		r = odj_bulk_names_template(ctx, mem, o->name_template, o->first, o->count, &names);
		n = o->count;
	}
	if (r == ODJ_OK)
		r = odj_bulk_names_unique(ctx, names, n);
	b->in.names = names;
	b->in.n_names = n;
	return r;
}

static long max_rss_kb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void print_bulk(const struct odj_bulk_req *b, double rate)
{
	const struct odj_dc_choice *dc = &b->out.dc;
	if (dc->host != NULL)
		printf("DC              %s (%s), %s\n", dc->host, dc->address,
		       strcmp(dc->found_by, "given") == 0 ? "pinned as given" : "found by DNS SRV");
	if (b->out.container_dn)
		printf("container       %s\n", b->out.container_dn);
	printf("machines        %zu: %zu created, %zu skipped, %zu failed\n", b->in.n_names,
	       b->out.created, b->out.skipped, b->out.failed);
	if (b->out.stopped)
		printf("stopped         on request: %zu not started; rerun with --skip-existing for them\n",
		       b->out.not_started);
	else if (b->out.not_started > 0)
		printf("not started     %zu: the outputs could take no more blobs; rerun with "
		       "--skip-existing once the cause is fixed\n",
		       b->out.not_started);
	if (b->out.salvaged > 0)
		printf("carried over    %zu blobs from a bundle an earlier run did not finish\n",
		       b->out.salvaged);
	if (b->out.partial_bundle != NULL)
		printf("unfinished      %s holds the blobs of this run's accounts; rerun with "
		       "--skip-existing\n",
		       b->out.partial_bundle);
	printf("rate            %.1f accounts/s (%.1f s after a %.0f ms session)\n", rate,
	       (b->out.ms_total - b->out.ms_session) / 1e3, b->out.ms_session);
	if (b->in.out_dir)
		printf("out-dir         %s (one NAME.odj per machine, mode 0600)\n", b->in.out_dir);
	if (b->in.bundle)
		printf("bundle          %s (holds every machine's secret: never put it into an image)\n",
		       b->in.bundle);
	TALLOC_CTX *tmp = talloc_new(NULL);
	for (size_t i = 0; i < b->out.n_failures; i++) {
		const struct odj_bulk_failure *f = &b->out.failures[i];
		printf("failed          %s: %s: %s\n", f->machine, odj_status_row(tmp, f->status),
		       f->message);
	}
	talloc_free(tmp);
	const struct odj_bulk_profile *p = &b->out.profile;
	if (p->adds > 0)
		printf("profile         per account: add %.0f ms (queued at the DC), read-back %.0f ms, "
		       "keys %.1f ms, proof %.0f ms, blob %.1f ms; %zu batched searches %.0f ms each\n",
		       p->add_latency / (double)p->adds, p->read_latency / (double)p->adds,
		       p->derive / (double)p->adds, p->proof_latency / (double)p->adds,
		       p->blob / (double)p->adds, p->batches,
		       p->batches ? p->search / (double)p->batches : 0);
	printf("peak RSS        %.1f MB\n", (double)max_rss_kb() / 1024.0);
}

static void print_bulk_json(const struct odj_bulk_req *b, double rate, const struct odj_ctx *ctx,
			    odj_result r)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(r == ODJ_OK));
	json_object_object_add(o, "exit", json_object_new_int(r));
	json_object_object_add(o, "dc", jstr(b->out.dc.host));
	json_object_object_add(o, "dc_address", jstr(b->out.dc.address));
	json_object_object_add(o, "machines", json_object_new_int64((int64_t)b->in.n_names));
	json_object_object_add(o, "created", json_object_new_int64((int64_t)b->out.created));
	json_object_object_add(o, "skipped", json_object_new_int64((int64_t)b->out.skipped));
	json_object_object_add(o, "failed", json_object_new_int64((int64_t)b->out.failed));
	json_object_object_add(o, "stopped", json_object_new_boolean(b->out.stopped));
	json_object_object_add(o, "not_started", json_object_new_int64((int64_t)b->out.not_started));
	json_object_object_add(o, "salvaged", json_object_new_int64((int64_t)b->out.salvaged));
	if (b->out.partial_bundle != NULL)
		json_object_object_add(o, "partial_bundle", jstr(b->out.partial_bundle));
	json_object_object_add(o, "accounts_per_second", json_object_new_double(rate));
	json_object_object_add(o, "ms_session", json_object_new_double(b->out.ms_session));
	json_object_object_add(o, "ms_total", json_object_new_double(b->out.ms_total));
	json_object_object_add(o, "max_rss_kb", json_object_new_int64(max_rss_kb()));
	json_object *fl = json_object_new_array();
	TALLOC_CTX *tmp = talloc_new(NULL);
	for (size_t i = 0; i < b->out.n_failures; i++) {
		const struct odj_bulk_failure *f = &b->out.failures[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "machine", jstr(f->machine));
		json_object_object_add(e, "status", json_object_new_int64(f->status));
		json_object_object_add(e, "symbol", jstr(odj_status_symbol(f->status)));
		json_object_object_add(e, "row", jstr(odj_status_row(tmp, f->status)));
		json_object_object_add(e, "message", jstr(f->message));
		json_object_array_add(fl, e);
	}
	talloc_free(tmp);
	json_object_object_add(o, "failures", fl);
	const struct odj_bulk_profile *p = &b->out.profile;
	json_object *pr = json_object_new_object();
	json_object_object_add(pr, "adds", json_object_new_int64((int64_t)p->adds));
	json_object_object_add(pr, "add_latency_ms", json_object_new_double(p->add_latency));
	json_object_object_add(pr, "read_latency_ms", json_object_new_double(p->read_latency));
	json_object_object_add(pr, "derive_ms", json_object_new_double(p->derive));
	json_object_object_add(pr, "proof_latency_ms", json_object_new_double(p->proof_latency));
	json_object_object_add(pr, "blob_ms", json_object_new_double(p->blob));
	json_object_object_add(pr, "batches", json_object_new_int64((int64_t)p->batches));
	json_object_object_add(pr, "search_ms", json_object_new_double(p->search));
	json_object_object_add(o, "profile", pr);
	if (r != ODJ_OK && b->out.n_failures == 0) {
		const struct odj_error *e = odj_error_get(ctx);
		json_object *err = json_object_new_object();
		json_object_object_add(err, "status", json_object_new_int64(e->status));
		json_object_object_add(err, "symbol", jstr(odj_status_symbol(e->status)));
		json_object_object_add(err, "message", jstr(e->message));
		json_object_object_add(o, "error", err);
	}
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* SIGINT/SIGTERM: the engine finishes the machines in flight and the outputs;
 * a second signal ends the process at once. */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	if (stop_requested) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	stop_requested = 1;
	static const char msg[] = "\nodj-prepare: stopping: finishing the machines in flight and the "
				  "outputs (again to abort at once)\n";
	ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)w;
}

static void catch_stop_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static odj_result run_bulk(struct odj_ctx *ctx, TALLOC_CTX *mem, struct options *o)
{
	odj_result r = bulk_names(ctx, mem, o);
	if (r != ODJ_OK)
		return r;
	struct odj_bulk_req *b = &o->bulk_req;
	struct bulk_ui ui = {.tty = isatty(STDERR_FILENO) == 1, .json = o->json};
	const struct odj_account_request *acct = &o->req.in.account;
	b->in.version = ODJ_BULK_VERSION;
	b->in.conn = o->req.in.conn;
	b->in.allow_rc4 = acct->allow_rc4;
	b->in.windows = o->prov.in.windows;
	b->in.description = acct->description;
	b->in.os_name = acct->os_name ? acct->os_name : (b->in.windows ? NULL : "Linux");
	b->in.os_version = acct->os_version;
	b->in.progress = bulk_progress;
	b->in.item = bulk_item;
	b->in.priv = &ui;
	b->in.stop = &stop_requested;
	catch_stop_signals();
	odj_trace_begin(ctx, "odj-prepare: bulk NetProvisionComputerAccount");
	r = odj_bulk_provision(ctx, mem, b);
	if (ui.tty && ui.printed)
		fputc('\n', stderr);
	double secs = (b->out.ms_total - b->out.ms_session) / 1e3;
	double rate = secs > 0 ? (double)b->out.created / secs : 0;
	if (o->json)
		print_bulk_json(b, rate, ctx, r);
	else if (b->out.dc.host != NULL)
		print_bulk(b, rate);
	return r;
}

int main(int argc, char **argv)
{
	/* it holds admin and machine passwords (and libldap frees its copy of the
	 * add's unicodePwd unwiped): no core file, no ptrace by other processes */
	cli_protect_process();
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
	if (rc == ODJ_OK && o.req.in.conn.creds.user != NULL) {
		char *prompt = talloc_asprintf(mem, "Password for %s: ", o.req.in.conn.creds.user);
		rc = cli_read_password(ctx, mem, o.pw_source, o.pw_file, prompt, &password);
		if (rc != ODJ_OK)
			cli_print_error(TOOL, ctx);
		o.req.in.conn.creds.password = password;
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
	} else if (o.bulk) {
		r = run_bulk(ctx, mem, &o);
	} else {
		r = run_provision(ctx, mem, &o);
	}
	if (r != ODJ_OK)
		cli_print_error(TOOL, ctx);
	talloc_free(mem); /* wipes the passwords and the blob */
	return r;
}
