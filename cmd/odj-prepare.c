/* odj-prepare: next to a DC, check (and provision) a computer account for an offline join. */
#include <signal.h>
#include <string.h>

#include <odj/bulk.h>
#include <odj/dc.h>
#include <odj/trace.h>

#include "cli.h"
#include "odj-prepare-usage.h"
#include "prepare_print.h"
#include "progress.h"
#include "seal_options.h"
#include "seal_print.h"
#include "secret_input.h"

#define MAX_EXTRA_SPNS 32
#define MAX_TRUSTED_OWNERS 32
#define MAX_DCS 7 /* --dc after the first */

/*
 * What the command line says, kept where the library reads it: the
 * connection, the account and the bulk settings are the requests' own parts.
 */
struct options {
	struct odj_connection conn;
	const char *more_dcs[MAX_DCS + 1]; /* --dc given again */
	size_t n_more_dcs;
	double kdc_timeout_s;
	enum cli_password_source pw_source;
	const char *pw_file;
	struct odj_account_request account;
	const char *spns[MAX_EXTRA_SPNS + 1];
	size_t n_spns;
	const char *trusted[MAX_TRUSTED_OWNERS + 1];
	size_t n_trusted;
	bool windows;
	enum odj_password_method password_method;
	/* what to do, where the blob goes */
	bool check, print;
	const char *savefile;
	/* bulk: the names, and the run's settings (--parallel ... --bundle) */
	bool bulk;
	unsigned count, first;
	const char *name_template, *names_from;
	struct odj_bulk_req many;
	struct cli_seal_options seal; /* signed and sealed blobs, sealed bundles */
};

/* The rules a table entry cannot say: a repeated --dc, a checked SID, two fields, a method. */
static int add_dc(struct cli *cli, void *field, const char *arg)
{
	struct options *o = cli->priv;
	if (o->conn.dc == NULL)
		o->conn.dc = arg;
	else
		cli_append(cli, field, &o->n_more_dcs, MAX_DCS, "more --dc", arg);
	return ODJ_OK;
}

static int add_trusted_owner(struct cli *cli, void *field, const char *arg)
{
	struct options *o = cli->priv;
	struct odj_sid sid;
	if (!odj_sid_parse(arg, &sid))
		return cli_bad_usage(cli, "--trusted-owner: '%s' is not a SID (S-1-5-21-...)", arg);
	cli_append(cli, field, &o->n_trusted, MAX_TRUSTED_OWNERS, "--trusted-owner", arg);
	return ODJ_OK;
}

static int password_file(struct cli *cli, void *field, const char *arg)
{
	struct options *o = cli->priv;
	o->pw_source = CLI_PASSWORD_FILE;
	*(const char **)field = arg;
	return ODJ_OK;
}

static int password_method(struct cli *cli, void *field, const char *arg)
{
	return cli_parse_password_method(cli, arg, field) ? ODJ_OK : ODJ_E_INPUT;
}

#define TEXT(m) CLI_KEEP(CLI_TEXT, m)
#define FLAG(m) CLI_KEEP(CLI_FLAG, m)

static const struct cli_option options[] = {
	{"domain", 0, "DOMAIN", "DNS name of the domain; DOMAIN\\DC pins the DC", TEXT(conn.domain)},
	{"dc", 0, "DC", "the domain controller (default: found by DNS SRV); again: the next ones",
	 CLI_KEEP(CLI_CALL, more_dcs), .call = add_dc},
	{"machine", 0, "NAME|FQDN", "the computer (also the positional argument)", TEXT(account.machine)},
	{"netbios-name", 0, "NAME", "its NetBIOS name (needed when the host name is over 15)",
	 TEXT(account.netbios_name)},
	{"dns-host-name", 0, "FQDN", "its DNS host name (default NAME.DOMAIN)",
	 TEXT(account.dns_host_name)},
	{"ou", 0, "DN", "container for the account (default: Computers)", TEXT(conn.ou)},
	{"check", 0, NULL, "run every step up to the directory write, create nothing", FLAG(check)},
	CLI_HEADING("account:"),
	{"reuse", 0, NULL, "reset an existing computer account (new password)", FLAG(account.reuse)},
	{"trusted-owner", 0, "SID", "with --reuse: also accounts SID owns or created",
	 CLI_KEEP(CLI_CALL, trusted), .call = add_trusted_owner},
	{"defpwd", 0, NULL, "use the default password (lower-case name), like djoin /defpwd",
	 FLAG(account.defpwd)},
	{"spn", 0, "SPN", "an extra servicePrincipalName (repeatable)", CLI_KEEP(CLI_LIST, spns),
	 .max = MAX_EXTRA_SPNS, .count = CLI_FIELD(n_spns)},
	{"upn", 0, "UPN", "the account's userPrincipalName", TEXT(account.upn)},
	{"description", 0, "TEXT", "the account's description", TEXT(account.description)},
	{"os-name", 0, "NAME", "operatingSystem (default Linux; none with --windows)",
	 TEXT(account.os_name)},
	{"os-version", 0, "VERSION", "operatingSystemVersion", TEXT(account.os_version)},
	{"allow-rc4", 0, NULL, "also allow RC4 (msDS-SupportedEncryptionTypes 28, not 24)",
	 FLAG(account.allow_rc4)},
	{"password-method", 0, "ldap|kpasswd|auto", "how the password is set (auto = ldap)",
	 CLI_KEEP(CLI_CALL, password_method), .call = password_method},
	CLI_HEADING("credentials (never on the command line):"),
	{"ccache", 0, "NAME", "use the tickets of this ccache (after kinit)", TEXT(conn.creds.ccache)},
	{"user", 0, "NAME", "bind as NAME, with a password from one of the next two or a prompt",
	 TEXT(conn.creds.user)},
	{"password-stdin", 0, NULL, "read the password from the first line of standard input",
	 CLI_KEEP(CLI_SET, pw_source), .value = CLI_PASSWORD_STDIN},
	{"password-file", 0, "FILE", "read the password from the first line of FILE (0600)",
	 CLI_KEEP(CLI_CALL, pw_file), .call = password_file},
	CLI_HEADING("connection:"),
	{"ldaps", 0, NULL, "LDAP over TLS (636) with channel binding instead of sealing",
	 FLAG(conn.ldaps)},
	{"ca-file", 0, "FILE", "CA certificates for --ldaps", TEXT(conn.ca_file)},
	{"kdc-timeout", 0, "SEC", "wait at most SEC seconds for a KDC reply (default 10)",
	 CLI_KEEP(CLI_POSITIVE, kdc_timeout_s), .max = 600},
	{"allow-unreachable-dc", 0, NULL, "check names on the DCs that answer",
	 FLAG(conn.allow_unreachable_dc)},
	CLI_HEADING("output:"),
	{"savefile", 0, "FILE", "write the provisioning blob to FILE (0600)", TEXT(savefile)},
	{"print", 0, NULL, "write the bare base64 blob to stdout (holds the password)",
	 FLAG(print)},
	{"windows", 0, NULL, "a blob for a Windows target (no odj part)", FLAG(windows)},
	CLI_HEADING("bulk (many machines in one session; blobs to --out-dir and/or --bundle):"),
	{"count", 0, "N", "provision N machines named by --name-template",
	 CLI_KEEP(CLI_UINT, count), .min = 1, .max = ODJ_BULK_MAX_MACHINES},
	{"name-template", 0, "T", "names from T, e.g. 'ci-%04d' (only %0Nd)", TEXT(name_template)},
	{"first", 0, "K", "the first number for --name-template (default 0)",
	 CLI_KEEP(CLI_UINT, first), .min = 0, .max = 999999999},
	{"names-from", 0, "FILE", "one name per line (duplicates are refused)", TEXT(names_from)},
	{"out-dir", 0, "DIR", "one NAME.odj per machine (0600)", TEXT(many.in.out_dir)},
	{"bundle", 0, "FILE", "a gzip'd tar of all blobs (every secret: keep it out of images)",
	 TEXT(many.in.bundle)},
	{"skip-existing", 0, NULL, "skip machines whose blob --out-dir or --bundle has",
	 FLAG(many.in.skip_existing)},
	{"parallel", 0, "K", "LDAP connections (default 1)",
	 CLI_KEEP(CLI_UINT, many.in.parallel), .min = 1, .max = 16},
	{"window", 0, "W", "adds in flight per connection (default 4)",
	 CLI_KEEP(CLI_UINT, many.in.window), .min = 1, .max = 64},
	{"max-rate", 0, "R", "at most R new accounts per second (protects a busy DC)",
	 CLI_KEEP(CLI_POSITIVE, many.in.max_rate), .max = 100000},
	CLI_SEAL_BUNDLE_OPTION(CLI_FIELD(seal)),
	CLI_SEAL_OPTIONS(CLI_FIELD(seal)),
	CLI_END,
};

/* The combinations getopt cannot see. */
static int check_options(struct cli *cli, struct options *o)
{
	if (cli->n_args > 0 && o->account.machine == NULL)
		o->account.machine = cli->args[0];
	else if (cli->n_args > 0)
		return cli_bad_usage(cli, "unexpected argument '%s' (the machine is --machine %s)",
				     cli->args[0], o->account.machine);
	if (o->conn.domain == NULL)
		return cli_bad_usage(cli, "--domain is required");
	if (o->bulk) {
		const struct odj_account_request *a = &o->account;
		if (o->check || o->savefile || o->print || a->reuse || o->n_trusted || a->machine ||
		    a->defpwd || o->n_spns || a->upn || a->netbios_name || a->dns_host_name ||
		    o->password_method == ODJ_PASSWORD_METHOD_KPASSWD)
			return cli_bad_usage(cli, "a bulk run (--count/--names-from) takes no MACHINE, --check, "
						  "--savefile, --print, --reuse, --trusted-owner, --defpwd, --spn, "
						  "--upn, --netbios-name, --dns-host-name or kpasswd");
		if (o->seal.n_requests > 0 ? o->count != 0 || o->names_from != NULL
				      : (o->count != 0) != (o->name_template != NULL) ||
					(o->names_from != NULL) == (o->count != 0))
			return cli_bad_usage(cli, "give --count N with --name-template T, "
						  "--names-from FILE, or --for REQUEST...");
		if (o->many.in.out_dir == NULL && o->many.in.bundle == NULL)
			return cli_bad_usage(cli, "where should the blobs go? give --out-dir DIR or "
						  "--bundle FILE");
	} else if (o->n_trusted && !o->account.reuse) {
		return cli_bad_usage(cli, "--trusted-owner applies to --reuse only");
	} else if (!o->check && o->savefile == NULL && !o->print) {
		return cli_bad_usage(cli, "where should the blob go? give --savefile FILE or --print");
	}
	if (o->print && cli->json)
		return cli_bad_usage(cli, "--print writes the bare blob to stdout: it does not go "
					  "with --json");
	if (cli_given(cli, "first") && o->name_template == NULL)
		return cli_bad_usage(cli, "--first numbers the names of --count N --name-template T; "
					  "it means nothing without them");
	const struct odj_bulk_req *m = &o->many;
	if (!o->bulk && (m->in.skip_existing || m->in.parallel || m->in.window || m->in.max_rate > 0))
		return cli_bad_usage(cli, "--skip-existing, --parallel, --window and --max-rate are "
					  "for a bulk run (--count or --names-from)");
	if (o->conn.creds.ccache == NULL && o->conn.creds.user == NULL)
		return cli_bad_usage(cli, "give --ccache NAME, or --user NAME with a password source");
	if (o->conn.creds.user == NULL && o->pw_source != CLI_PASSWORD_NONE)
		return cli_bad_usage(cli, "--password-stdin and --password-file go with --user NAME");
	if (o->conn.creds.user != NULL && o->pw_source == CLI_PASSWORD_NONE)
		o->pw_source = CLI_PASSWORD_PROMPT;
	return ODJ_OK;
}

static void fill_conn(const struct options *o, struct odj_connection *c)
{
	*c = o->conn;
	c->more_dcs = o->n_more_dcs ? o->more_dcs : NULL;
	c->deadlines.kdc_reply_ms = (int)(o->kdc_timeout_s * 1000);
}

/* operatingSystem: Linux unless given; none for Windows. */
static const char *os_name(const struct options *o)
{
	return o->account.os_name ? o->account.os_name : (o->windows ? NULL : "Linux");
}

/* The check's account part is the provision's: it says what that provision would do. */
static void fill_account(const struct options *o, struct odj_account_request *a)
{
	*a = o->account;
	a->extra_spns = o->n_spns ? o->spns : NULL;
	a->trusted_owners = o->n_trusted ? o->trusted : NULL;
	a->os_name = os_name(o);
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

/* The bulk settings are the table's; the account part gives what every account is to be. */
static void fill_bulk(const struct options *o, struct odj_bulk_req *req)
{
	*req = o->many;
	req->in.version = ODJ_BULK_VERSION;
	fill_conn(o, &req->in.conn);
	req->in.signing_key = o->seal.key;
	req->in.requests = o->seal.n_requests ? (const struct odj_request *const *)o->seal.requests : NULL;
	req->in.bundle_passphrase = o->seal.passphrase;
	req->in.allow_rc4 = o->account.allow_rc4;
	req->in.windows = o->windows;
	req->in.description = o->account.description;
	req->in.os_name = os_name(o);
	req->in.os_version = o->account.os_version;
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
	o->bulk = o->count || o->name_template || o->names_from || o->many.in.out_dir ||
		  o->many.in.bundle;
	/* the key, the requests and the passphrase are read before anything else is done */
	odj_result r = cli_seal_load(cli, &o->seal, o->many.in.bundle, o->many.in.out_dir, o->print,
				     cli->n_args == 0 ? &o->account.machine : NULL, &o->bulk);
	if (r == ODJ_OK)
		r = check_options(cli, o);
	if (r == ODJ_OK && o->conn.creds.user != NULL) {
		char *prompt = talloc_asprintf(cli->mem, "Password for %s: ", o->conn.creds.user);
		struct odj_secret *password = NULL; /* on cli->mem: wiped when the run ends */
		r = cli_read_password(cli->ctx, cli->mem, o->pw_source, o->pw_file, prompt, &password);
		o->conn.creds.password = password;
	}
	if (r != ODJ_OK)
		return r;
	/* a DC that dies mid-request is an error on its connection, not the end of the process */
	signal(SIGPIPE, SIG_IGN);
	return o->check ? run_check(cli, o) : o->bulk ? run_bulk(cli, o) : run_provision(cli, o);
}

/* it holds admin and machine passwords: cli_main makes it undumpable first */
CLI_MAIN({0}, .max_args = 1)
