/*
 * Merges of the target's configuration files, table-driven: what is not
 * ours (comments, other sections and domains, krb5 { } blocks, includes)
 * stays where it was; our keys are set once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <odj/odj.h>

#include "apply_internal.h"
#include "target_config.h"
#include "test_apply_facts.h"
#include "unit_main.h"

static struct apply_file file(const char *text)
{
	struct apply_file f = {0};
	if (text != NULL) {
		f.exists = true;
		f.data = (uint8_t *)text;
		f.len = strlen(text);
	}
	return f;
}

static const struct {
	const char *name;
	const char *old;
	bool includedir;
	const char *want;
} krb5_cases[] = {
	{"new file, no sssd include directory", NULL, false,
	 "[libdefaults]\n"
	 "    default_realm = ODJ.TEST\n"
	 "    dns_lookup_kdc = true\n"
	 "    rdns = false\n"
	 "    udp_preference_limit = 0\n"
	 "\n"
	 "[domain_realm]\n"
	 "    .odj.test = ODJ.TEST\n"
	 "    odj.test = ODJ.TEST\n"},
	{"Debian's file: comments, realms block, other realm's default replaced, own choices kept",
	 "# site krb5.conf\n"
	 "[libdefaults]\n"
	 "\tdefault_realm = ATHENA.MIT.EDU\n"
	 "\trdns = true   ; keep\n"
	 "# comment inside\n"
	 "\n"
	 "[realms]\n"
	 "\tATHENA.MIT.EDU = {\n"
	 "\t\tkdc = kerberos.mit.edu\n"
	 "\t\tdefault_realm = NOT.A.KEY\n"
	 "\t}\n"
	 "\n"
	 "[logging]\n"
	 "\tkdc = FILE:/var/log/kdc.log\n",
	 true,
	 "includedir /var/lib/sss/pubconf/krb5.include.d/\n"
	 "# site krb5.conf\n"
	 "[libdefaults]\n"
	 "\tdefault_realm = ODJ.TEST\n"
	 "\trdns = true   ; keep\n"
	 "\tdns_lookup_kdc = true\n"
	 "\tudp_preference_limit = 0\n"
	 "# comment inside\n"
	 "\n"
	 "[realms]\n"
	 "\tATHENA.MIT.EDU = {\n"
	 "\t\tkdc = kerberos.mit.edu\n"
	 "\t\tdefault_realm = NOT.A.KEY\n"
	 "\t}\n"
	 "\n"
	 "[logging]\n"
	 "\tkdc = FILE:/var/log/kdc.log\n"
	 "\n"
	 "[domain_realm]\n"
	 "    .odj.test = ODJ.TEST\n"
	 "    odj.test = ODJ.TEST\n"},
	{"duplicate keys collapse; a stale sssd includedir without its directory goes",
	 "includedir /var/lib/sss/pubconf/krb5.include.d/\n"
	 "include /etc/krb5.local\n"
	 "[libdefaults]\n"
	 "default_realm = A\n"
	 "default_realm = B\n"
	 "[domain_realm]\n"
	 ".odj.test = OTHER.REALM\n"
	 "example.com = EXAMPLE.COM\n",
	 false,
	 "include /etc/krb5.local\n"
	 "[libdefaults]\n"
	 "default_realm = ODJ.TEST\n"
	 "dns_lookup_kdc = true\n"
	 "rdns = false\n"
	 "udp_preference_limit = 0\n"
	 "[domain_realm]\n"
	 ".odj.test = ODJ.TEST\n"
	 "example.com = EXAMPLE.COM\n"
	 "odj.test = ODJ.TEST\n"},
};

static void krb5_conf_merges(void **state)
{
	(void)state;
	struct apply_facts f = client1_facts();
	for (size_t i = 0; i < sizeof(krb5_cases) / sizeof(krb5_cases[0]); i++) {
		TALLOC_CTX *mem = talloc_new(NULL);
		struct odj_ctx *ctx = odj_ctx_new(mem);
		struct apply_file old = file(krb5_cases[i].old);
		char *out;
		print_message("krb5.conf: %s\n", krb5_cases[i].name);
		assert_int_equal(odj_apply_krb5_conf(ctx, mem, &f, &old, krb5_cases[i].includedir,
						     &out),
				 ODJ_OK);
		assert_string_equal(out, krb5_cases[i].want);
		/* merging again changes nothing */
		struct apply_file again = file(out);
		char *out2;
		assert_int_equal(odj_apply_krb5_conf(ctx, mem, &f, &again, krb5_cases[i].includedir,
						     &out2),
				 ODJ_OK);
		assert_string_equal(out2, out);
		talloc_free(mem);
	}
}

static const struct {
	const char *name;
	const char *old;
	const char *keytab;
	const char *replaced; /* the domain of a replaced join */
	const char *want;
} sssd_cases[] = {
	{"new file", NULL, "/etc/krb5.keytab", NULL,
	 "[sssd]\n"
	 "domains = odj.test\n"
	 "services = nss, pam\n"
	 "\n"
	 "[domain/odj.test]\n"
	 "id_provider = ad\n"
	 "access_provider = ad\n"
	 "ad_domain = odj.test\n"
	 "krb5_realm = ODJ.TEST\n"
	 "ad_hostname = client1.odj.test\n"
	 "ldap_sasl_authid = CLIENT1$\n"
	 "cache_credentials = True\n"
	 "ldap_id_mapping = True\n"
	 "use_fully_qualified_names = True\n"
	 "fallback_homedir = /home/%u@%d\n"
	 "default_shell = /bin/bash\n"},
	{"another domain and the admin's preferences stay; other keytab named",
	 "# managed by hand\n"
	 "[sssd]\n"
	 "services = nss, pam, sudo\n"
	 "domains = LOCAL\n"
	 "\n"
	 "[domain/LOCAL]\n"
	 "id_provider = files\n"
	 "\n"
	 "[domain/odj.test]\n"
	 "; the admin's choices\n"
	 "use_fully_qualified_names = False\n"
	 "id_provider = ldap\n"
	 "ad_hostname = old.odj.test\n"
	 "\n"
	 "[pam]\n"
	 "offline_credentials_expiration = 2\n",
	 "/etc/odj/host.keytab", NULL,
	 "# managed by hand\n"
	 "[sssd]\n"
	 "services = nss, pam, sudo\n"
	 "domains = LOCAL, odj.test\n"
	 "\n"
	 "[domain/LOCAL]\n"
	 "id_provider = files\n"
	 "\n"
	 "[domain/odj.test]\n"
	 "; the admin's choices\n"
	 "use_fully_qualified_names = False\n"
	 "id_provider = ad\n"
	 "ad_hostname = client1.odj.test\n"
	 "access_provider = ad\n"
	 "ad_domain = odj.test\n"
	 "krb5_realm = ODJ.TEST\n"
	 "ldap_sasl_authid = CLIENT1$\n"
	 "cache_credentials = True\n"
	 "ldap_id_mapping = True\n"
	 "fallback_homedir = /home/%u@%d\n"
	 "default_shell = /bin/bash\n"
	 "krb5_keytab = /etc/odj/host.keytab\n"
	 "\n"
	 "[pam]\n"
	 "offline_credentials_expiration = 2\n"},
	{"domain already listed (any case), CRLF line ends read",
	 "[sssd]\r\ndomains = ODJ.TEST,other\r\n",
	 "/etc/krb5.keytab", NULL,
	 "[sssd]\n"
	 "domains = ODJ.TEST,other\n"
	 "services = nss, pam\n"
	 "\n"
	 "[domain/odj.test]\n"
	 "id_provider = ad\n"
	 "access_provider = ad\n"
	 "ad_domain = odj.test\n"
	 "krb5_realm = ODJ.TEST\n"
	 "ad_hostname = client1.odj.test\n"
	 "ldap_sasl_authid = CLIENT1$\n"
	 "cache_credentials = True\n"
	 "ldap_id_mapping = True\n"
	 "use_fully_qualified_names = True\n"
	 "fallback_homedir = /home/%u@%d\n"
	 "default_shell = /bin/bash\n"},
	{"rejoin from another domain: it leaves the domains list, its section goes (any case)",
	 "[sssd]\ndomains = old.example, files\n\n[domain/old.example]\nid_provider = ad\n"
	 "ad_domain = old.example\n\n# the files domain\n[domain/files]\nid_provider = files\n",
	 "/etc/krb5.keytab", "OLD.example",
	 "[sssd]\n"
	 "domains = files, odj.test\n"
	 "services = nss, pam\n"
	 "\n"
	 "# the files domain\n"
	 "[domain/files]\n"
	 "id_provider = files\n"
	 "\n"
	 "[domain/odj.test]\n"
	 "id_provider = ad\n"
	 "access_provider = ad\n"
	 "ad_domain = odj.test\n"
	 "krb5_realm = ODJ.TEST\n"
	 "ad_hostname = client1.odj.test\n"
	 "ldap_sasl_authid = CLIENT1$\n"
	 "cache_credentials = True\n"
	 "ldap_id_mapping = True\n"
	 "use_fully_qualified_names = True\n"
	 "fallback_homedir = /home/%u@%d\n"
	 "default_shell = /bin/bash\n"},
};

static void sssd_conf_merges(void **state)
{
	(void)state;
	struct apply_facts f = client1_facts();
	for (size_t i = 0; i < sizeof(sssd_cases) / sizeof(sssd_cases[0]); i++) {
		TALLOC_CTX *mem = talloc_new(NULL);
		struct odj_ctx *ctx = odj_ctx_new(mem);
		struct apply_file old = file(sssd_cases[i].old);
		char *out;
		print_message("sssd.conf: %s\n", sssd_cases[i].name);
		assert_int_equal(odj_apply_sssd_conf(ctx, mem, &f, &old, sssd_cases[i].keytab,
						     sssd_cases[i].replaced, &out),
				 ODJ_OK);
		assert_string_equal(out, sssd_cases[i].want);
		struct apply_file again = file(out);
		char *out2;
		assert_int_equal(odj_apply_sssd_conf(ctx, mem, &f, &again, sssd_cases[i].keytab,
						     sssd_cases[i].replaced, &out2),
				 ODJ_OK);
		assert_string_equal(out2, out);
		talloc_free(mem);
	}
}

static void binary_config_refused(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct apply_facts f = client1_facts();
	static const char bin[] = "[sssd]\0garbage";
	struct apply_file old = {.exists = true, .data = (uint8_t *)bin, .len = sizeof(bin)};
	char *out;
	assert_int_equal(odj_apply_sssd_conf(ctx, mem, &f, &old, "/etc/krb5.keytab", NULL, &out),
			 ODJ_E_CONFIG);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_INVALID_DATA);
	talloc_free(mem);
}

static const struct {
	const char *name;
	const char *old;
	const char *want;
} hosts_cases[] = {
	{"empty", "", "127.0.1.1\tclient1.odj.test client1\n"},
	{"Debian default: the old name replaced in place",
	 "127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n\n# IPv6\n::1 localhost ip6-localhost\n",
	 "127.0.0.1\tlocalhost\n127.0.1.1\tclient1.odj.test client1\n\n# IPv6\n::1 localhost "
	 "ip6-localhost\n"},
	{"no 127.0.1.1 line: after 127.0.0.1",
	 "# hosts\n127.0.0.1 localhost\n10.0.0.5 db\n",
	 "# hosts\n127.0.0.1 localhost\n127.0.1.1\tclient1.odj.test client1\n10.0.0.5 db\n"},
	{"two 127.0.1.1 lines become one; a comment mentioning it stays; no final newline",
	 "127.0.1.1 a\n#127.0.1.1 b\n  127.0.1.1\tc d\n10.1.1.1 x",
	 "127.0.1.1\tclient1.odj.test client1\n#127.0.1.1 b\n10.1.1.1 x\n"},
	{"no loopback line: at the end", "10.0.0.1 gw\n",
	 "10.0.0.1 gw\n127.0.1.1\tclient1.odj.test client1\n"},
};

static void hosts_updates(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hosts_cases) / sizeof(hosts_cases[0]); i++) {
		TALLOC_CTX *mem = talloc_new(NULL);
		print_message("hosts: %s\n", hosts_cases[i].name);
		char *out = odj_hosts_update(mem, hosts_cases[i].old, strlen(hosts_cases[i].old),
					     "client1.odj.test", "client1");
		assert_string_equal(out, hosts_cases[i].want);
		char *again = odj_hosts_update(mem, out, strlen(out), "client1.odj.test", "client1");
		assert_string_equal(again, out);
		talloc_free(mem);
	}
}

static void hostname_reads(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"debian\n", "debian"},	       {"# comment\n\n  web01.example.com  \n", "web01.example.com"},
		{"", NULL},		       {"\n# only a comment\n", NULL},
		{"name-without-newline", "name-without-newline"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = odj_hostname_read(mem, cases[i].text, strlen(cases[i].text));
		if (cases[i].want == NULL)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].want);
	}
	talloc_free(mem);
}

#define MARK "        # odj: the account's creating DC first, then every DC\n"

/* krb5.conf (or with sssd, sssd.conf) merged from old for a blob whose creating DC is dc. */
static char *merged(TALLOC_CTX *mem, bool sssd, char *dc, const char *old)
{
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct apply_facts f = client1_facts();
	f.dc_name = dc;
	struct apply_file o = file(old);
	char *out = NULL;
	odj_result r = sssd ? odj_apply_sssd_conf(ctx, mem, &f, &o, "/etc/krb5.keytab", NULL, &out)
			    : odj_apply_krb5_conf(ctx, mem, &f, &o, false, &out);
	assert_int_equal(r, ODJ_OK);
	return out;
}
#define krb5(mem, dc, old) merged(mem, false, dc, old)
#define sssd(mem, dc, old) merged(mem, true, dc, old)

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/*
 * The creating DC as the preferred DC: krb5.conf's realm block lists it
 * first and the domain's name (every DC) after it; sssd's ad_server lists
 * it before _srv_; an admin's own realm block or ad_server is kept; a
 * rejoin through another DC replaces odj's lines.
 */
static void krb5_realm_block(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	char *out = krb5(mem, "dc1.odj.test", NULL);
	assert_non_null(strstr(out, "[realms]\n"
				    "    ODJ.TEST = {\n" MARK "        kdc = dc1.odj.test\n"
				    "        kdc = odj.test\n"
				    "        kpasswd_server = dc1.odj.test\n"
				    "        kpasswd_server = odj.test\n"
				    "    }\n"));
	/* applying again changes nothing */
	assert_string_equal(krb5(mem, "dc1.odj.test", out), out);
	/* a rejoin created on dc2 replaces odj's block */
	char *again = krb5(mem, "dc2.odj.test", out);
	assert_int_equal(count(again, "ODJ.TEST = {"), 1);
	assert_non_null(strstr(again, "kdc = dc2.odj.test\n        kdc = odj.test\n"));
	assert_null(strstr(again, "dc1"));
	/* a NetBIOS-style DC name gets the domain */
	assert_non_null(strstr(krb5(mem, "DC1", NULL), "kdc = DC1.odj.test\n"));
	/* no DC in the blob: no realm block, discovery alone */
	assert_null(strstr(krb5(mem, NULL, NULL), "[realms]"));
	talloc_free(mem);
}

static void krb5_admin_block_kept(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	const char *old = "[realms]\n"
			  "    ODJ.TEST = {\n"
			  "        kdc = kdc.example\n"
			  "    }\n"
			  "    OTHER.TEST = {\n"
			  "        kdc = other.example\n"
			  "    }\n";
	char *out = krb5(mem, "dc1.odj.test", old);
	assert_non_null(strstr(out, old));
	assert_null(strstr(out, "dc1.odj.test"));
	/* odj's block goes beside another realm's, which stays */
	const char *other = "[realms]\n    OTHER.TEST = {\n        kdc = other.example\n    }\n";
	out = krb5(mem, "dc1.odj.test", other);
	assert_non_null(strstr(out, other));
	assert_non_null(strstr(out, "    ODJ.TEST = {\n" MARK "        kdc = dc1.odj.test\n"));
	talloc_free(mem);
}

static void sssd_ad_server(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	char *out = sssd(mem, "dc1.odj.test", NULL);
	assert_non_null(strstr(out, "\nad_server = dc1.odj.test, _srv_\n"));
	char *again = sssd(mem, "dc2.odj.test", out);
	assert_non_null(strstr(again, "\nad_server = dc2.odj.test, _srv_\n"));
	assert_int_equal(count(again, "ad_server"), 1);
	/* the admin's choice stays */
	out = sssd(mem, "dc1.odj.test", "[domain/odj.test]\nad_server = dc9.odj.test\n");
	assert_non_null(strstr(out, "\nad_server = dc9.odj.test\n"));
	assert_null(strstr(out, "dc1"));
	assert_null(strstr(sssd(mem, NULL, NULL), "ad_server"));
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(krb5_conf_merges),
	cmocka_unit_test(sssd_conf_merges),
	cmocka_unit_test(binary_config_refused),
	cmocka_unit_test(hosts_updates),
	cmocka_unit_test(hostname_reads),
	cmocka_unit_test(krb5_realm_block),
	cmocka_unit_test(krb5_admin_block_kept),
	cmocka_unit_test(sssd_ad_server),
)
