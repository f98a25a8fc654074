/* What odj-prepare prints: --check, one provision and a bulk run, for a person or as JSON. */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <odj/password.h>

#include "prepare_print.h"

/* The DC line every verb prints (none before a DC was found). */
static void print_dc(const struct odj_dc_choice *dc)
{
	if (dc->host != NULL)
		printf("DC              %s (%s), %s\n", dc->host, dc->address,
		       strcmp(dc->found_by, "given") == 0 ? "pinned as given" : "found by DNS SRV");
}

/* "dc" and "dc_address" of a provision and a bulk run. */
static void add_dc(json_object *o, const struct odj_dc_choice *dc)
{
	json_object_object_add(o, "dc", cli_jstr(dc->host));
	json_object_object_add(o, "dc_address", cli_jstr(dc->address));
}

void cli_print_check(const struct odj_check_req *r, bool ok)
{
	const struct odj_provision_out *pl = &r->out.plan;
	const struct odj_session_report *ss = &r->out.session;
	const struct odj_container_report *co = &r->out.container;
	const struct odj_domain_facts *f = pl->facts;
	const struct odj_dc_choice *dc = &pl->dc;
	print_dc(dc);
	if (dc->host != NULL) {
		printf("DC flags        0x%08x %s\n", dc->flags, dc->flags_text ? dc->flags_text : "");
		printf("sites           DC %s, client %s\n", dc->dc_site ? dc->dc_site : "-",
		       dc->client_site ? dc->client_site : "-");
	}
	if (pl->client != NULL)
		printf("Kerberos        %s via %s:88 (%.0f ms)\n", pl->client, dc->address,
		       ss->ms_kerberos);
	if (ss->ms_smb > 0 && (ss->ms_ldap > 0 || ok)) {
		printf("SMB             \\\\%s\\IPC$ with Kerberos (%.0f ms)\n", dc->host, ss->ms_smb);
		if (ss->smb_peer != NULL && dc->address != NULL &&
		    strcmp(ss->smb_peer, dc->address) != 0)
			printf("                reached at %s, not %s: this host's resolver gives %s "
			       "another address of the DC (Kerberos proved it is the DC)\n",
			       ss->smb_peer, dc->address, dc->host);
	}
	if (f != NULL) {
		printf("LDAP            %s, %s (%.0f ms)\n", dc->host,
		       ss->ldap_tls ? "TLS with channel binding" : "SASL GSSAPI sealed",
		       ss->ms_ldap);
		if (!ss->ldap_tls)
			printf("LDAP SSF        %u\n", ss->ldap_ssf);
		printf("domain          %s (NetBIOS %s), forest %s\n", f->dns_domain,
		       f->netbios ? f->netbios : "?", f->forest ? f->forest : "?");
		printf("domain SID      %s\n", f->sid_str ? f->sid_str : "?");
		printf("domain GUID     %s\n", f->guid_str ? f->guid_str : "?");
		printf("levels          domain %d, forest %d, DC %d\n", f->domain_level,
		       f->forest_level, f->dc_level);
		printf("clock offset    %+.1f s (DC minus this host)\n", f->skew_seconds);
	}
	if (co->dn != NULL)
		printf("container       %s (may create computers: %s)\n", co->dn,
		       co->may_create ? "yes" : "no");
	if (co->by_quota)
		printf("quota           relies on ms-DS-MachineAccountQuota: %u of %d used by %s "
		       "(computers whose mS-DS-CreatorSID is the caller)\n",
		       co->quota_used, co->machine_account_quota,
		       pl->client ? pl->client : "the caller");
	if (r->out.machine_checked)
		printf("account         %s %s\n", pl->sam_account_name,
		       r->out.account_exists ? "exists" : "does not exist yet");
	for (size_t i = 0; i < pl->n_steps; i++) /* whose account, and the rights it needs */
		if (pl->steps[i].ran && pl->steps[i].what != NULL &&
		    strcmp(pl->steps[i].name, "check-rights") == 0)
			printf("rights          %s\n", pl->steps[i].what);
	for (size_t i = 0; i < pl->n_steps; i++) /* the write steps, with writes off */
		if (!pl->steps[i].ran && pl->steps[i].what != NULL)
			printf("would           %s: %s\n", pl->steps[i].name, pl->steps[i].what);
	printf("result          %s (%.0f ms)\n", ok ? "a provision would pass every step" : "FAILED",
	       pl->ms_total);
}

void cli_print_check_json(const struct odj_check_req *r, const struct odj_ctx *ctx, bool ok)
{
	const struct odj_provision_out *pl = &r->out.plan;
	const struct odj_session_report *ss = &r->out.session;
	const struct odj_container_report *co = &r->out.container;
	json_object *o = cli_json_ok(ok);
	const struct odj_dc_choice *dc = &pl->dc;
	if (dc->host != NULL) { /* flat, in the names of man/odj-json.schema.json */
		add_dc(o, dc);
		json_object_object_add(o, "dc_found_by", cli_jstr(dc->found_by));
		json_object_object_add(o, "dc_flags", json_object_new_int64(dc->flags));
		cli_json_add_strs(o, "dc_flags_text", dc->flags_text, "dc_site", dc->dc_site, "site",
				  dc->client_site, NULL);
	}
	const struct odj_domain_facts *f = pl->facts;
	if (f != NULL) {
		cli_json_add_strs(o, "domain", f->dns_domain, "netbios_domain", f->netbios, "forest",
				  f->forest, "domain_sid", f->sid_str, "domain_guid", f->guid_str, NULL);
		json_object_object_add(o, "domain_level", json_object_new_int(f->domain_level));
		json_object_object_add(o, "forest_level", json_object_new_int(f->forest_level));
		json_object_object_add(o, "dc_level", json_object_new_int(f->dc_level));
		json_object_object_add(o, "skew_s", json_object_new_double(f->skew_seconds));
	}
	json_object_object_add(o, "realm", cli_jstr(pl->realm));
	json_object_object_add(o, "client", cli_jstr(pl->client));
	json_object_object_add(o, "ldap_ssf", json_object_new_int((int)ss->ldap_ssf));
	json_object_object_add(o, "ldap_tls", json_object_new_boolean(ss->ldap_tls));
	json_object_object_add(o, "container", cli_jstr(co->dn));
	json_object_object_add(o, "may_create_computers", json_object_new_boolean(co->may_create));
	if (co->by_quota) {
		json_object *q = json_object_new_object();
		json_object_object_add(q, "quota", json_object_new_int(co->machine_account_quota));
		json_object_object_add(q, "used", json_object_new_int64(co->quota_used));
		json_object_object_add(o, "machine_account_quota", q);
	}
	if (r->out.machine_checked) {
		json_object_object_add(o, "account", cli_jstr(pl->sam_account_name));
		json_object_object_add(o, "account_exists", json_object_new_boolean(r->out.account_exists));
		json_object_object_add(o, "would_reset", json_object_new_boolean(r->out.would_reset));
		json_object_object_add(o, "account_dn", cli_jstr(r->out.account_dn));
	}
	json_object *steps = json_object_new_array();
	for (size_t i = 0; i < pl->n_steps; i++) {
		const struct odj_plan_step *st = &pl->steps[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "step", cli_jstr(st->name));
		json_object_object_add(j, "writes", json_object_new_boolean(st->writes));
		json_object_object_add(j, "ran", json_object_new_boolean(st->ran));
		json_object_object_add(j, st->ran ? "did" : "would", cli_jstr(st->what));
		json_object_array_add(steps, j);
	}
	json_object_object_add(o, "steps", steps);
	if (ss->smb_peer != NULL)
		json_object_object_add(o, "smb_peer", cli_jstr(ss->smb_peer));
	json_object *t = json_object_new_object();
	cli_json_add_doubles(t, "locate", ss->ms_locate, "kerberos", ss->ms_kerberos, "smb", ss->ms_smb,
			     "ldap", ss->ms_ldap, "total", pl->ms_total, NULL);
	json_object_object_add(o, "ms", t);
	cli_json_print_result(o, ok ? NULL : ctx);
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

void cli_print_provision(const struct odj_provision_req *p, bool ok)
{
	const struct odj_dc_choice *dc = &p->out.dc;
	print_dc(dc);
	if (p->out.dn != NULL && (p->out.created || p->out.reused))
		printf("%-15s %s\n", p->out.created ? "created" : "reused", p->out.dn);
	for (size_t i = 0; p->out.changes && p->out.changes[i]; i++)
		printf("  changed       %s\n", p->out.changes[i]);
	if (p->out.settled)
		printf("settled         %s\n", p->out.settled);
	if (!ok) {
		if (p->out.left_behind)
			printf("left behind     %s\n", p->out.left_behind);
		return;
	}
	if (p->out.unchecked_dcs != NULL)
		printf("NOT checked on  %s (the names were not checked there)\n",
		       p->out.unchecked_dcs);
	printf("account         %s (RID %u, SID %s)\n", p->out.sam_account_name, p->out.rid,
	       p->out.machine_sid);
	printf("dNSHostName     %s\n", p->out.dns_host_name);
	for (size_t i = 0; p->out.spns && p->out.spns[i]; i++)
		printf("%-15s %s\n", i == 0 ? "SPNs" : "", p->out.spns[i]);
	char et[64];
	enctypes_text(et, sizeof(et), p->out.enctypes);
	printf("enctypes        %s\n", et);
	printf("kvno            %u\n", p->out.kvno);
	const char *how = strcmp(p->out.password_method, "ldap") == 0 ? "sealed LDAP (unicodePwd)"
									: "kpasswd";
	const char *proof = p->out.proven ? "proven by a service ticket that opened with keys "
					    "derived with the salt"
					  : "NOT proven";
	if (p->in.account.defpwd)
		printf("password        the default password (the lower-case machine name) set over "
		       "%s; %s\n", how, proof);
	else
		printf("password        %d random characters set over %s; %s\n", ODJ_PASSWORD_LENGTH,
		       how, proof);
	printf("salt            %s\n", p->out.salt);
	const struct odj_secret *written = p->out.envelope_file ? p->out.envelope_file : p->out.blob_file;
	if (p->in.savefile)
		printf("blob            %s (%zu bytes, mode 0600)\n", p->in.savefile,
		       odj_secret_len(written));
	if (p->in.seal.request != NULL)
		printf("sealed          to request key %s of %s; signed by key %s\n",
		       odj_keyid_hex(p->out.blob_file, p->in.seal.request->keyid),
		       p->in.seal.request->machine, odj_keyid_hex(p->out.blob_file, p->in.seal.key->keyid));
	else if (p->in.seal.key != NULL)
		printf("signed          by key %s (not encrypted)\n",
		       odj_keyid_hex(p->out.blob_file, p->in.seal.key->keyid));
	printf("result          provisioned in %.0f ms (session %.0f, write %.0f, proof %.0f)\n",
	       p->out.ms_total, p->out.ms_session, p->out.ms_write, p->out.ms_proof);
}

void cli_print_provision_json(const struct odj_provision_req *p, const struct odj_ctx *ctx,
				 bool ok)
{
	json_object *o = cli_json_ok(ok);
	add_dc(o, &p->out.dc);
	json_object_object_add(o, "realm", cli_jstr(p->out.realm));
	json_object_object_add(o, "dn", cli_jstr(p->out.dn));
	json_object_object_add(o, "created", json_object_new_boolean(p->out.created));
	json_object_object_add(o, "reused", json_object_new_boolean(p->out.reused));
	json_object_object_add(o, "sam_account_name", cli_jstr(p->out.sam_account_name));
	json_object_object_add(o, "dns_host_name", cli_jstr(p->out.dns_host_name));
	json_object_object_add(o, "spns", cli_jstrv(p->out.spns));
	json_object_object_add(o, "changes", cli_jstrv(p->out.changes));
	json_object_object_add(o, "enctypes", json_object_new_int64(p->out.enctypes));
	json_object_object_add(o, "kvno", json_object_new_int64(p->out.kvno));
	json_object_object_add(o, "machine_rid", json_object_new_int64(p->out.rid));
	json_object_object_add(o, "machine_sid", cli_jstr(p->out.machine_sid));
	json_object_object_add(o, "pwd_last_set", json_object_new_int64(p->out.pwd_last_set));
	json_object_object_add(o, "salt", cli_jstr(p->out.salt));
	json_object_object_add(o, "password_method", cli_jstr(p->out.password_method));
	json_object_object_add(o, "proven", json_object_new_boolean(p->out.proven));
	json_object_object_add(o, "savefile", cli_jstr(p->in.savefile));
	json_object_object_add(o, "seal", cli_jstr(p->in.seal.request ? "sealed"
						   : p->in.seal.key ? "signed" : NULL));
	json_object_object_add(o, "signer_keyid", cli_jstr(p->in.seal.key ? odj_keyid_hex(
		p->out.blob_file, p->in.seal.key->keyid) : NULL));
	json_object_object_add(o, "left_behind", cli_jstr(p->out.left_behind));
	json_object_object_add(o, "settled", cli_jstr(p->out.settled));
	json_object_object_add(o, "unchecked_dcs", cli_jstr(p->out.unchecked_dcs));
	json_object_object_add(o, "ms_total", json_object_new_double(p->out.ms_total));
	cli_json_print_result(o, ok ? NULL : ctx);
}

static long max_rss_kb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

void cli_print_bulk(const struct odj_bulk_req *b, double rate)
{
	const struct odj_dc_choice *dc = &b->out.dc;
	print_dc(dc);
	if (b->out.container_dn)
		printf("container       %s\n", b->out.container_dn);
	if (b->out.unchecked_dcs != NULL)
		printf("NOT checked on  %s (the names were not checked there)\n",
		       b->out.unchecked_dcs);
	for (size_t i = 0; i < b->out.n_settled; i++)
		printf("settled         %s\n", b->out.settled[i]);
	if (b->out.journal != NULL)
		printf("in flight       some adds' outcomes are unknown (listed in %s): rerun with "
		       "--skip-existing to settle them\n",
		       b->out.journal);
	if (b->out.moved_to != NULL)
		printf("moved to        %s (took the machines of a DC that stopped answering mid-run)\n",
		       b->out.moved_to);
	for (size_t i = 0; b->out.n_dcs > 1 && i < b->out.n_dcs; i++) {
		const struct odj_bulk_dc *d = &b->out.dcs[i];
		const char *head = i > 0 ? "" : b->out.started ? "created by DC" : "DCs given";
		if (d->same_as != NULL)
			printf("%-15s %s: the same DC as %s (named twice: its machines are counted "
			       "there)\n", head, d->host, d->same_as);
		else
			printf("%-15s %s: %zu%s%s%s%s\n", head, d->host, d->created,
			       d->lost ? " (stopped answering mid-run)" : "",
			       d->unreached ? " (did not answer at the start: " : "",
			       d->unreached ? d->unreached : "", d->unreached ? ")" : "");
	}
	if (!b->out.started) { /* refused before its first add: no counts, rate or profile */
		printf("not started     %zu machines: the run was refused before its first add; "
		       "nothing was created\n", b->in.n_names);
		return;
	}
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

/* "dcs": every DC given, with what it created, or why it took no part. */
static json_object *bulk_dcs_json(const struct odj_bulk_req *b)
{
	json_object *dcs = json_object_new_array();
	for (size_t i = 0; i < b->out.n_dcs; i++) {
		const struct odj_bulk_dc *d = &b->out.dcs[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "host", cli_jstr(d->host));
		json_object_object_add(e, "created", json_object_new_int64((int64_t)d->created));
		json_object_object_add(e, "lost", json_object_new_boolean(d->lost));
		json_object_object_add(e, "unreached", cli_jstr(d->unreached));
		json_object_object_add(e, "same_as", cli_jstr(d->same_as));
		json_object_array_add(dcs, e);
	}
	return dcs;
}

void cli_print_bulk_json(const struct odj_bulk_req *b, double rate, const struct odj_ctx *ctx,
			    odj_result r)
{
	json_object *o = cli_json_ok(r == ODJ_OK);
	json_object_object_add(o, "exit", json_object_new_int(r));
	json_object_object_add(o, "started", json_object_new_boolean(b->out.started));
	add_dc(o, &b->out.dc);
	json_object_object_add(o, "machines", json_object_new_int64((int64_t)b->in.n_names));
	json_object_object_add(o, "dcs", bulk_dcs_json(b));
	if (!b->out.started) { /* refused before its first add: the DCs and the error, no counts */
		json_object_object_add(o, "ms_session", json_object_new_double(b->out.ms_session));
		cli_json_print_result(o, ctx);
		return;
	}
	json_object_object_add(o, "created", json_object_new_int64((int64_t)b->out.created));
	json_object_object_add(o, "skipped", json_object_new_int64((int64_t)b->out.skipped));
	json_object_object_add(o, "failed", json_object_new_int64((int64_t)b->out.failed));
	json_object_object_add(o, "stopped", json_object_new_boolean(b->out.stopped));
	json_object_object_add(o, "not_started", json_object_new_int64((int64_t)b->out.not_started));
	json_object_object_add(o, "salvaged", json_object_new_int64((int64_t)b->out.salvaged));
	if (b->out.partial_bundle != NULL)
		json_object_object_add(o, "partial_bundle", cli_jstr(b->out.partial_bundle));
	cli_json_add_strs(o, "unchecked_dcs", b->out.unchecked_dcs, "moved_to", b->out.moved_to,
			  "in_flight_journal", b->out.journal, NULL);
	json_object *settled = json_object_new_array();
	for (size_t i = 0; i < b->out.n_settled; i++)
		json_object_array_add(settled, cli_jstr(b->out.settled[i]));
	json_object_object_add(o, "settled", settled);
	json_object_object_add(o, "accounts_per_second", json_object_new_double(rate));
	json_object_object_add(o, "ms_session", json_object_new_double(b->out.ms_session));
	json_object_object_add(o, "ms_total", json_object_new_double(b->out.ms_total));
	json_object_object_add(o, "max_rss_kb", json_object_new_int64(max_rss_kb()));
	json_object *fl = json_object_new_array();
	TALLOC_CTX *tmp = talloc_new(NULL);
	for (size_t i = 0; i < b->out.n_failures; i++) {
		const struct odj_bulk_failure *f = &b->out.failures[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "machine", cli_jstr(f->machine));
		json_object_object_add(e, "status", json_object_new_int64(f->status));
		json_object_object_add(e, "symbol", cli_jstr(odj_status_symbol(f->status)));
		json_object_object_add(e, "row", cli_jstr(odj_status_row(tmp, f->status)));
		json_object_object_add(e, "message", cli_jstr(f->message));
		json_object_array_add(fl, e);
	}
	talloc_free(tmp);
	json_object_object_add(o, "failures", fl);
	const struct odj_bulk_profile *p = &b->out.profile;
	json_object *pr = json_object_new_object();
	json_object_object_add(pr, "adds", json_object_new_int64((int64_t)p->adds));
	cli_json_add_doubles(pr, "add_latency_ms", p->add_latency, "read_latency_ms", p->read_latency,
			     "derive_ms", p->derive, "proof_latency_ms", p->proof_latency, "blob_ms",
			     p->blob, NULL);
	json_object_object_add(pr, "batches", json_object_new_int64((int64_t)p->batches));
	json_object_object_add(pr, "search_ms", json_object_new_double(p->search));
	json_object_object_add(o, "profile", pr);
	cli_json_print_result(o, r != ODJ_OK && b->out.n_failures == 0 ? ctx : NULL);
}


void cli_print_bulk_result(struct cli *cli, const struct odj_bulk_req *b, odj_result r)
{
	double secs = (b->out.ms_total - b->out.ms_session) / 1e3;
	double rate = secs > 0 ? (double)b->out.created / secs : 0;
	if (cli->json) {
		cli_print_bulk_json(b, rate, cli->ctx, r);
		cli->json_printed = true;
	} else if (b->out.dc.host != NULL) {
		cli_print_bulk(b, rate);
	}
}
