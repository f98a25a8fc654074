/* odj-prepare: next to a DC, check (and provision) a computer account for an offline join. */
#include <signal.h>
#include <string.h>

#include <odj/bulk.h>
#include <odj/dc.h>
#include <odj/trace.h>

#include "cli.h"
#include "prepare_print.h"
#include "progress.h"
#include "seal_options.h"
#include "seal_print.h"
#include "secret_input.h"

#define MAX_EXTRA_SPNS 32
#define MAX_TRUSTED_OWNERS 32
#define MAX_DCS 7 /* --dc after the first */

/* What the command line says; each verb's request is filled from it in one function. */
struct options {
	/* the connection */
	const char *domain, *dc, *ou, *ca_file;
	const char *more_dcs[MAX_DCS + 1]; /* --dc given again */
	size_t n_more_dcs;
	bool ldaps;
	struct odj_credentials creds;
	struct odj_deadlines deadlines;
	enum cli_password_source pw_source;
	const char *pw_file;
	/* the account */
	const char *machine, *netbios_name, *dns_host_name, *upn, *description, *os_name,
		*os_version;
	const char *spns[MAX_EXTRA_SPNS + 1];
	size_t n_spns;
	const char *trusted[MAX_TRUSTED_OWNERS + 1];
	size_t n_trusted;
	bool reuse, defpwd, allow_rc4, windows, allow_unreachable_dc;
	enum odj_password_method password_method;
	/* what to do, where the blob goes */
	bool check, print;
	const char *savefile;
	/* bulk */
	bool bulk, first_given, skip_existing;
	unsigned count, first, parallel, window;
	double max_rate;
	const char *name_template, *names_from, *out_dir, *bundle;
	struct cli_seal_options seal; /* signed and sealed blobs, sealed bundles */
};

enum {
	O_CHECK = 256, O_DOMAIN, O_DC, O_MACHINE, O_OU, O_CCACHE, O_USER, O_PW_STDIN, O_PW_FILE,
	O_LDAPS, O_CA, O_KDC_TIMEOUT, O_NETBIOS, O_DNSHOST, O_REUSE, O_DEFPWD, O_SPN, O_UPN, O_DESC,
	O_OSNAME, O_OSVER, O_RC4, O_PWMETHOD, O_SAVEFILE, O_PRINT, O_WINDOWS, O_COUNT, O_TEMPLATE,
	O_FIRST, O_NAMES_FROM, O_OUT_DIR, O_BUNDLE, O_SKIP_EXISTING, O_PARALLEL, O_WINDOW, O_MAX_RATE,
	O_TRUSTED_OWNER, O_ALLOW_UNREACHABLE_DC
};

static const struct cli_option options[] = {
	{"domain", O_DOMAIN, "DOMAIN", "DNS name of the domain; DOMAIN\\DC pins the DC"},
	{"dc", O_DC, "DC", "the domain controller (default: found by DNS SRV); again: the next ones"},
	{"machine", O_MACHINE, "NAME|FQDN", "the computer (also the positional argument)"},
	{"netbios-name", O_NETBIOS, "NAME", "its NetBIOS name (needed when the host name is over 15)"},
	{"dns-host-name", O_DNSHOST, "FQDN", "its DNS host name (default NAME.DOMAIN)"},
	{"ou", O_OU, "DN", "container for the account (default: Computers)"},
	{"check", O_CHECK, NULL, "run every step up to the directory write, create nothing"},
	{NULL, 0, NULL, "account:"},
	{"reuse", O_REUSE, NULL, "reset an existing computer account (new password)"},
	{"trusted-owner", O_TRUSTED_OWNER, "SID", "with --reuse: also accounts SID owns or created"},
	{"defpwd", O_DEFPWD, NULL, "use the default password (lower-case name), like djoin /defpwd"},
	{"spn", O_SPN, "SPN", "an extra servicePrincipalName (repeatable)"},
	{"upn", O_UPN, "UPN", "the account's userPrincipalName"},
	{"description", O_DESC, "TEXT", "the account's description"},
	{"os-name", O_OSNAME, "NAME", "operatingSystem (default Linux; none with --windows)"},
	{"os-version", O_OSVER, "VERSION", "operatingSystemVersion"},
	{"allow-rc4", O_RC4, NULL, "also allow RC4 (msDS-SupportedEncryptionTypes 28, not 24)"},
	{"password-method", O_PWMETHOD, "ldap|kpasswd|auto", "how the password is set (auto = ldap)"},
	{NULL, 0, NULL, "credentials (never on the command line):"},
	{"ccache", O_CCACHE, "NAME", "use the tickets of this ccache (after kinit)"},
	{"user", O_USER, "NAME", "bind as NAME, with a password from one of the next two or a prompt"},
	{"password-stdin", O_PW_STDIN, NULL, "read the password from the first line of standard input"},
	{"password-file", O_PW_FILE, "FILE", "read the password from the first line of FILE (0600)"},
	{NULL, 0, NULL, "connection:"},
	{"ldaps", O_LDAPS, NULL, "LDAP over TLS (636) with channel binding instead of sealing"},
	{"ca-file", O_CA, "FILE", "CA certificates for --ldaps"},
	{"kdc-timeout", O_KDC_TIMEOUT, "SEC", "wait at most SEC seconds for a KDC reply (default 10)"},
	{"allow-unreachable-dc", O_ALLOW_UNREACHABLE_DC, NULL, "check names on the DCs that answer"},
	{NULL, 0, NULL, "output:"},
	{"savefile", O_SAVEFILE, "FILE", "write the provisioning blob to FILE (0600)"},
	{"print", O_PRINT, NULL, "write the bare base64 blob to stdout (holds the password)"},
	{"windows", O_WINDOWS, NULL, "a blob for a Windows target (no odj part)"},
	{NULL, 0, NULL, "bulk (many machines in one session; blobs to --out-dir and/or --bundle):"},
	{"count", O_COUNT, "N", "provision N machines named by --name-template"},
	{"name-template", O_TEMPLATE, "T", "names from T, e.g. 'ci-%04d' (only %0Nd)"},
	{"first", O_FIRST, "K", "the first number for --name-template (default 0)"},
	{"names-from", O_NAMES_FROM, "FILE", "one name per line (duplicates are refused)"},
	{"out-dir", O_OUT_DIR, "DIR", "one NAME.odj per machine (0600)"},
	{"bundle", O_BUNDLE, "FILE", "a gzip'd tar of all blobs (every secret: keep it out of images)"},
	{"skip-existing", O_SKIP_EXISTING, NULL, "skip machines whose blob --out-dir or --bundle has"},
	{"parallel", O_PARALLEL, "K", "LDAP connections (default 1)"},
	{"window", O_WINDOW, "W", "adds in flight per connection (default 4)"},
	{"max-rate", O_MAX_RATE, "R", "at most R new accounts per second (protects a busy DC)"},
	CLI_SEAL_BUNDLE_OPTION,
	CLI_SEAL_OPTIONS,
	{NULL, 0, NULL, NULL},
};

static int on_option(struct cli *cli, int key, const char *arg)
{
	struct options *o = cli->priv;
	double d;
	if (cli_seal_option(cli, &o->seal, key, arg))
		return ODJ_OK;
	switch (key) {
	case O_CHECK: o->check = true; break;
	case O_DOMAIN: o->domain = arg; break;
	case O_DC:
		if (o->dc != NULL)
			cli_append(cli, o->more_dcs, &o->n_more_dcs, MAX_DCS, "more --dc", arg);
		else
			o->dc = arg;
		break;
	case O_MACHINE: o->machine = arg; break;
	case O_OU: o->ou = arg; break;
	case O_CCACHE: o->creds.ccache = arg; break;
	case O_USER: o->creds.user = arg; break;
	case O_PW_STDIN: o->pw_source = CLI_PASSWORD_STDIN; break;
	case O_PW_FILE: o->pw_source = CLI_PASSWORD_FILE; o->pw_file = arg; break;
	case O_LDAPS: o->ldaps = true; break;
	case O_ALLOW_UNREACHABLE_DC: o->allow_unreachable_dc = true; break;
	case O_CA: o->ca_file = arg; break;
	case O_KDC_TIMEOUT:
		if (cli_parse_positive(cli, arg, 600, "--kdc-timeout", &d))
			o->deadlines.kdc_reply_ms = (int)(d * 1000);
		break;
	case O_NETBIOS: o->netbios_name = arg; break;
	case O_DNSHOST: o->dns_host_name = arg; break;
	case O_REUSE: o->reuse = true; break;
	case O_TRUSTED_OWNER: {
		struct odj_sid sid;
		if (!odj_sid_parse(arg, &sid))
			return cli_bad_usage(cli, "--trusted-owner: '%s' is not a SID (S-1-5-21-...)", arg);
		cli_append(cli, o->trusted, &o->n_trusted, MAX_TRUSTED_OWNERS, "--trusted-owner", arg);
		break;
	}
	case O_DEFPWD: o->defpwd = true; break;
	case O_SPN: cli_append(cli, o->spns, &o->n_spns, MAX_EXTRA_SPNS, "--spn", arg); break;
	case O_UPN: o->upn = arg; break;
	case O_DESC: o->description = arg; break;
	case O_OSNAME: o->os_name = arg; break;
	case O_OSVER: o->os_version = arg; break;
	case O_RC4: o->allow_rc4 = true; break;
	case O_PWMETHOD: cli_parse_password_method(cli, arg, &o->password_method); break;
	case O_SAVEFILE: o->savefile = arg; break;
	case O_PRINT: o->print = true; break;
	case O_WINDOWS: o->windows = true; break;
	case O_COUNT: o->bulk = cli_parse_uint(cli, arg, 1, ODJ_BULK_MAX_MACHINES, "--count", &o->count); break;
	case O_TEMPLATE: o->name_template = arg; o->bulk = true; break;
	case O_FIRST: o->first_given = cli_parse_uint(cli, arg, 0, 999999999, "--first", &o->first); break;
	case O_NAMES_FROM: o->names_from = arg; o->bulk = true; break;
	case O_OUT_DIR: o->out_dir = arg; o->bulk = true; break;
	case O_BUNDLE: o->bundle = arg; o->bulk = true; break;
	case O_SKIP_EXISTING: o->skip_existing = true; break;
	case O_PARALLEL: cli_parse_uint(cli, arg, 1, 16, "--parallel", &o->parallel); break;
	case O_WINDOW: cli_parse_uint(cli, arg, 1, 64, "--window", &o->window); break;
	case O_MAX_RATE:
		if (cli_parse_positive(cli, arg, 100000, "--max-rate", &d))
			o->max_rate = d;
		break;
	}
	return ODJ_OK;
}

/* The combinations getopt cannot see. */
static int check_options(struct cli *cli, struct options *o)
{
	if (cli->n_args > 0 && o->machine == NULL)
		o->machine = cli->args[0];
	else if (cli->n_args > 0)
		return cli_bad_usage(cli, "unexpected argument '%s' (the machine is --machine %s)",
				     cli->args[0], o->machine);
	if (o->domain == NULL)
		return cli_bad_usage(cli, "--domain is required");
	if (o->bulk) {
		if (o->check || o->savefile || o->print || o->reuse || o->n_trusted || o->machine ||
		    o->defpwd || o->n_spns || o->upn || o->netbios_name || o->dns_host_name ||
		    o->password_method == ODJ_PASSWORD_METHOD_KPASSWD)
			return cli_bad_usage(cli, "a bulk run (--count/--names-from) takes no MACHINE, --check, "
						  "--savefile, --print, --reuse, --trusted-owner, --defpwd, --spn, "
						  "--upn, --netbios-name, --dns-host-name or kpasswd");
		if (o->seal.n_requests > 0 ? o->count != 0 || o->names_from != NULL
				      : (o->count != 0) != (o->name_template != NULL) ||
					(o->names_from != NULL) == (o->count != 0))
			return cli_bad_usage(cli, "give --count N with --name-template T, "
						  "--names-from FILE, or --for REQUEST...");
		if (o->out_dir == NULL && o->bundle == NULL)
			return cli_bad_usage(cli, "where should the blobs go? give --out-dir DIR or "
						  "--bundle FILE");
	} else if (o->n_trusted && !o->reuse) {
		return cli_bad_usage(cli, "--trusted-owner applies to --reuse only");
	} else if (!o->check && o->savefile == NULL && !o->print) {
		return cli_bad_usage(cli, "where should the blob go? give --savefile FILE or --print");
	}
	if (o->print && cli->json)
		return cli_bad_usage(cli, "--print writes the bare blob to stdout: it does not go "
					  "with --json");
	if (o->first_given && o->name_template == NULL)
		return cli_bad_usage(cli, "--first numbers the names of --count N --name-template T; "
					  "it means nothing without them");
	if (!o->bulk && (o->skip_existing || o->parallel || o->window || o->max_rate > 0))
		return cli_bad_usage(cli, "--skip-existing, --parallel, --window and --max-rate are "
					  "for a bulk run (--count or --names-from)");
	if (o->creds.ccache == NULL && o->creds.user == NULL)
		return cli_bad_usage(cli, "give --ccache NAME, or --user NAME with a password source");
	if (o->creds.user == NULL && o->pw_source != CLI_PASSWORD_NONE)
		return cli_bad_usage(cli, "--password-stdin and --password-file go with --user NAME");
	if (o->creds.user != NULL && o->pw_source == CLI_PASSWORD_NONE)
		o->pw_source = CLI_PASSWORD_PROMPT;
	return ODJ_OK;
}

static void fill_conn(const struct options *o, struct odj_connection *c)
{
	c->domain = o->domain;
	c->dc = o->dc;
	c->more_dcs = o->n_more_dcs ? o->more_dcs : NULL;
	c->ou = o->ou;
	c->creds = o->creds;
	c->ldaps = o->ldaps;
	c->ca_file = o->ca_file;
	c->deadlines = o->deadlines;
	c->allow_unreachable_dc = o->allow_unreachable_dc;
}

/* The check's account part is the provision's: it says what that provision would do. */
static void fill_account(const struct options *o, struct odj_account_request *a)
{
	a->machine = o->machine;
	a->netbios_name = o->netbios_name;
	a->dns_host_name = o->dns_host_name;
	a->reuse = o->reuse;
	a->defpwd = o->defpwd;
	a->allow_rc4 = o->allow_rc4;
	a->extra_spns = o->n_spns ? o->spns : NULL;
	a->trusted_owners = o->n_trusted ? o->trusted : NULL;
	a->upn = o->upn;
	a->description = o->description;
	a->os_name = o->os_name ? o->os_name : (o->windows ? NULL : "Linux"); /* none for Windows */
	a->os_version = o->os_version;
}

static void fill_provision(const struct options *o, struct odj_provision_req *req)
{
	*req = (struct odj_provision_req){.in.version = ODJ_PROVISION_VERSION};
	fill_conn(o, &req->in.conn);
	fill_account(o, &req->in.account);
	req->in.password_method = o->password_method;
	req->in.savefile = o->savefile;
	req->in.windows = o->windows;
	req->in.seal.key = o->seal.key;
	req->in.seal.request = o->seal.n_requests == 1 ? o->seal.requests[0] : NULL;
}

static void fill_bulk(const struct options *o, struct odj_bulk_req *req)
{
	*req = (struct odj_bulk_req){.in.version = ODJ_BULK_VERSION};
	fill_conn(o, &req->in.conn);
	req->in.signing_key = o->seal.key;
	req->in.requests = o->seal.n_requests ? (const struct odj_request *const *)o->seal.requests : NULL;
	req->in.bundle_passphrase = o->seal.passphrase;
	req->in.parallel = o->parallel;
	req->in.window = o->window;
	req->in.max_rate = o->max_rate;
	req->in.skip_existing = o->skip_existing;
	req->in.out_dir = o->out_dir;
	req->in.bundle = o->bundle;
	req->in.allow_rc4 = o->allow_rc4;
	req->in.windows = o->windows;
	req->in.description = o->description;
	req->in.os_name = o->os_name ? o->os_name : (o->windows ? NULL : "Linux");
	req->in.os_version = o->os_version;
}

static odj_result run_check(struct cli *cli, struct options *o)
{
	struct odj_check_req req = {.in.version = ODJ_CHECK_VERSION};
	fill_conn(o, &req.in.conn);
	fill_account(o, &req.in.account);
	odj_trace_begin(cli->ctx, "odj-prepare --check");
	odj_result r = odj_prepare_check(cli->ctx, cli->mem, &req);
	if (cli->json)
		cli_print_check_json(&req, cli->ctx, r == ODJ_OK);
	else
		cli_print_check(&req, r == ODJ_OK);
	cli->json_printed = cli->json;
	return r;
}

static odj_result run_provision(struct cli *cli, struct options *o)
{
	struct odj_provision_req req;
	fill_provision(o, &req);
	odj_trace_begin(cli->ctx, "odj-prepare: NetProvisionComputerAccount");
	odj_result r = odj_provision_account(cli->ctx, cli->mem, &req);
	if (cli->json)
		cli_print_provision_json(&req, cli->ctx, r == ODJ_OK);
	else if (!o->print)
		cli_print_provision(&req, r == ODJ_OK);
	cli->json_printed = cli->json;
	if (r == ODJ_OK && o->print)
		cli_print_secret(cli->tool->name, (const char *)odj_secret_data(req.out.blob_base64),
				 odj_secret_len(req.out.blob_base64));
	return r;
}

static odj_result bulk_names(struct cli *cli, const struct options *o, struct odj_bulk_req *b)
{
	char **names = NULL;
	size_t n = 0;
	odj_result r = ODJ_OK;
	if (o->seal.n_requests > 0)
		names = cli_seal_names(cli, &o->seal, &n);
	else if (o->names_from != NULL)
		r = odj_bulk_names_file(cli->ctx, cli->mem, o->names_from, &names, &n);
	else if ((r = odj_bulk_names_template(cli->ctx, cli->mem, o->name_template, o->first,
					      o->count, &names)) == ODJ_OK)
		n = o->count;
	if (r == ODJ_OK)
		r = odj_bulk_names_unique(cli->ctx, names, n);
	b->in.names = names;
	b->in.n_names = n;
	return r;
}

static odj_result run_bulk(struct cli *cli, struct options *o)
{
	struct odj_bulk_req b;
	fill_bulk(o, &b);
	odj_result r = bulk_names(cli, o, &b);
	if (r != ODJ_OK)
		return r;
	struct cli_progress ui;
	cli_progress_init(&ui, cli->tool->name);
	b.in.progress = cli_bulk_progress;
	b.in.item = cli_bulk_item;
	b.in.priv = &ui;
	b.in.stop = cli_catch_stop_signals(cli->tool->name);
	odj_trace_begin(cli->ctx, "odj-prepare: bulk NetProvisionComputerAccount");
	r = odj_bulk_provision(cli->ctx, cli->mem, &b);
	cli_progress_end(&ui);
	cli_print_bulk_result(cli, &b, r);
	return r;
}

static odj_result run(struct cli *cli)
{
	struct options *o = cli->priv;
	if (o->seal.new_signing_key != NULL)
		return cli_new_signing_key(cli, o->seal.new_signing_key);
	/* the key, the requests and the passphrase are read before anything else is done */
	odj_result r = cli_seal_load(cli, &o->seal, o->bundle, o->out_dir, o->print,
				     cli->n_args == 0 ? &o->machine : NULL, &o->bulk);
	if (r == ODJ_OK)
		r = check_options(cli, o);
	if (r == ODJ_OK && o->creds.user != NULL) {
		char *prompt = talloc_asprintf(cli->mem, "Password for %s: ", o->creds.user);
		struct odj_secret *password = NULL; /* on cli->mem: wiped when the run ends */
		r = cli_read_password(cli->ctx, cli->mem, o->pw_source, o->pw_file, prompt, &password);
		o->creds.password = password;
	}
	if (r != ODJ_OK)
		return r;
	/* a DC that dies mid-request is an error on its connection, not the end of the process */
	signal(SIGPIPE, SIG_IGN);
	return o->check ? run_check(cli, o) : o->bulk ? run_bulk(cli, o) : run_provision(cli, o);
}

static const struct cli_tool tool = {
	.name = "odj-prepare",
	.synopsis = "odj-prepare --domain DOMAIN [--dc DC] MACHINE --savefile FILE [options]\n"
		    "odj-prepare --check --domain DOMAIN [--dc DC] [MACHINE] [options]\n"
		    "odj-prepare --domain DOMAIN --count N --name-template T --bundle FILE [options]\n"
		    "odj-prepare --domain DOMAIN --for REQUEST... --signing-key KEY --savefile FILE|\n"
		    "            --out-dir DIR|--bundle FILE [options]\n"
		    "odj-prepare --new-signing-key FILE\n"
		    "odj-prepare --explain CODE",
	.summary = "Next to a DC: checks the DC and the rights, creates (or with --reuse resets) the\n"
		   "computer account, sets a random machine password, proves it and writes the\n"
		   "provisioning blob that odj-apply (or djoin /requestodj) joins with, offline.",
	.options = options,
	.handle = on_option,
	.max_args = 1,
	.run = run,
};

/* it holds admin and machine passwords: cli_main makes it undumpable first */
CLI_MAIN(tool, {0})
