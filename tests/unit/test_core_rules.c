/*
 * The network-free steps of [MS-WKST] 3.2.4.13.3, one test per step (the
 * test names carry the step numbers that libjoin/SPEC.md cites).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/join.h>

#include "unit_main.h"

struct fixture {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
	struct odj_join_request req;
};

static int setup(void **state)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);
	f->mem = talloc_new(f);
	f->ctx = odj_ctx_new(f);
	f->req.in.domain = "odj.test";
	f->req.in.machine_name = "ODJCLI01";
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_ACCT_CREATE;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	talloc_free(*state);
	return 0;
}

static odj_status check(struct fixture *f)
{
	odj_result r = odj_join_check(f->ctx, f->mem, &f->req);
	return r == ODJ_OK ? ODJ_ERROR_SUCCESS : odj_error_get(f->ctx)->status;
}

static struct odj_secret *secret(struct fixture *f, const char *s)
{
	return odj_secret_dup(f->mem, s, strlen(s));
}

static void step01_pwd_passed_needs_unsecure(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_MACHINE_PWD_PASSED;
	f->req.in.password = secret(f, "Passw0rd-of-the-machine");
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
	assert_int_equal(odj_error_get(f->ctx)->result, ODJ_E_INPUT);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "join rule 1 "));
	assert_null(f->req.out.password); /* nothing of out is kept */
}

static void step02_pwd_passed_refuses_account(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_MACHINE_PWD_PASSED |
				 ODJ_NETSETUP_JOIN_UNSECURE;
	f->req.in.password = secret(f, "Passw0rd-of-the-machine");
	f->req.in.account_name = "administrator";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
}

static void step03_pwd_passed_needs_password(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_MACHINE_PWD_PASSED |
				 ODJ_NETSETUP_JOIN_UNSECURE;
	assert_int_equal(check(f), ODJ_ERROR_PASSWORD_RESTRICTION);
	f->req.in.password = secret(f, "");
	assert_int_equal(check(f), ODJ_ERROR_PASSWORD_RESTRICTION);
}

static void step04_passed_password_becomes_machine_password(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_MACHINE_PWD_PASSED |
				 ODJ_NETSETUP_JOIN_UNSECURE;
	f->req.in.password = secret(f, "Passw0rd-of-the-machine");
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_true(odj_secret_equal(f->req.out.password, f->req.in.password));
	assert_ptr_not_equal(f->req.out.password, f->req.in.password);
}

static void step05_readonly_needs_pwd_passed(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_JOIN_READONLY;
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "join rule 5 "));
}

static void step06_readonly_cannot_create(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_JOIN_READONLY |
				 ODJ_NETSETUP_MACHINE_PWD_PASSED | ODJ_NETSETUP_JOIN_UNSECURE |
				 ODJ_NETSETUP_ACCT_CREATE;
	f->req.in.password = secret(f, "Passw0rd-of-the-machine");
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "join rule 6 "));
	f->req.in.join_options &= ~ODJ_NETSETUP_ACCT_CREATE;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
}

static void step07_unsecure_cannot_create(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_JOIN_UNSECURE |
				 ODJ_NETSETUP_ACCT_CREATE;
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "join rule 7 "));
}

static void step08_already_joined(void **state)
{
	struct fixture *f = *state;
	f->req.in.already_joined = true;
	assert_int_equal(check(f), ODJ_NERR_SetupAlreadyJoined);
	assert_int_equal(odj_error_get(f->ctx)->result, ODJ_E_CONFIG);
	f->req.in.join_options |= ODJ_NETSETUP_DOMAIN_JOIN_IF_JOINED;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
}

static void step09_domain_backslash_dc(void **state)
{
	struct fixture *f = *state;
	f->req.in.domain = "odj.test\\dc1.odj.test";
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.domain, "odj.test");
	assert_string_equal(f->req.out.dc, "dc1.odj.test");
	/* The same DC given twice is fine, two different ones are not. */
	f->req.in.dc = "\\\\DC1.odj.test";
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	f->req.in.dc = "dc2.odj.test";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
	f->req.in.dc = NULL;
	f->req.in.domain = "ODJ\\DC1";
	f->req.in.domain_dns = "odj.test";
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.domain, "ODJ");
	assert_string_equal(f->req.out.dc, "DC1");
	f->req.in.domain = "odj.test\\";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
	f->req.in.domain = "\\dc1";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
	f->req.in.domain = "odj.test\\dc 1";
	assert_int_equal(check(f), ODJ_NERR_InvalidComputer);
}

/* A DC given by its address: no name rule, canonical text, brackets gone. */
static void step09_dc_by_address(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *domain, *dc, *want;
	} cases[] = {
		{"odj.test", "192.0.2.10", "192.0.2.10"},
		{"odj.test\\192.0.2.10", NULL, "192.0.2.10"},
		{"odj.test", "::1", "::1"},
		{"odj.test\\[2001:DB8:0:0::10]", NULL, "2001:db8::10"},
		{"odj.test\\2001:db8::10", "[2001:db8::10]", "2001:db8::10"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f->req.in.domain = cases[i].domain;
		f->req.in.dc = cases[i].dc;
		assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
		assert_string_equal(f->req.out.domain, "odj.test");
		assert_string_equal(f->req.out.dc, cases[i].want);
	}
	/* Two different addresses are two DCs; a bracketed IPv4 or a bad address is no address. */
	f->req.in.domain = "odj.test\\192.0.2.10";
	f->req.in.dc = "192.0.2.11";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
	f->req.in.dc = NULL;
	f->req.in.domain = "odj.test\\[192.0.2.10]";
	assert_int_not_equal(check(f), ODJ_ERROR_SUCCESS);
	f->req.in.domain = "odj.test\\192.0.2.300";
	assert_int_equal(check(f), ODJ_DNS_ERROR_NUMERIC_NAME);
	char out[ODJ_ADDRESS_MAX];
	assert_true(odj_name_is_address("10.0.0.1", out));
	assert_false(odj_name_is_address("dc1.odj.test", out));
	assert_false(odj_name_is_address("10.0.0", out));
}

static void step12_domain_name_is_validated(void **state)
{
	struct fixture *f = *state;
	f->req.in.domain = "BUILTIN";
	f->req.in.dns_host_name = "odjcli01.odj.test";
	assert_int_equal(check(f), ODJ_NERR_InvalidComputer);
	f->req.in.domain = "bad..odj.test"; /* 13 characters, but with dots: a DNS name */
	assert_int_equal(check(f), ODJ_ERROR_INVALID_NAME);
	f->req.in.domain = "a.-b";
	assert_int_equal(check(f), ODJ_DNS_ERROR_NON_RFC_NAME);
	f->req.in.domain = "odj test.example.com";
	assert_int_equal(check(f), ODJ_DNS_ERROR_INVALID_NAME_CHAR);
	f->req.in.domain = NULL;
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
}

static void step13_machine_equal_to_domain_dns_name(void **state)
{
	struct fixture *f = *state;
	f->req.in.domain = "corp";
	f->req.in.domain_dns = "corp";
	f->req.in.machine_name = "CORP";
	f->req.in.dns_host_name = "corp.example.com";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_DOMAINNAME);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "join rule 13 "));
}

static void step13_machine_equal_to_domain_netbios_name(void **state)
{
	struct fixture *f = *state;
	f->req.in.domain = "odj.test";
	f->req.in.domain_netbios = "ODJ";
	f->req.in.machine_name = "odj";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_DOMAINNAME);
	f->req.in.machine_name = "ODJ1";
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
}

static void step20_unsecure_uses_default_password(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_JOIN_UNSECURE;
	f->req.in.machine_name = "LONGMACHINENAME";
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_int_equal(odj_secret_len(f->req.out.password), 14);
	assert_memory_equal(odj_secret_data(f->req.out.password), "longmachinenam", 14);
	assert_true(f->req.out.provision_options & ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD);
}

static void step20_defpwd_sets_provision_option_4(void **state)
{
	struct fixture *f = *state;
	f->req.in.provision_options = ODJ_NETSETUP_PROVISION_USE_DEFAULT_PASSWORD;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_int_equal(f->req.out.provision_options, 4);
	assert_memory_equal(odj_secret_data(f->req.out.password), "odjcli01", 8);
	assert_int_equal(odj_secret_len(f->req.out.password), 8);
}

struct counting_rng {
	unsigned calls;
	unsigned long next;
};

/* Bytes 0, 1, ..., 181, 0, 1, ...: every byte is usable. */
static int counting_source(void *priv, uint8_t *buf, size_t len)
{
	struct counting_rng *r = priv;
	r->calls++;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(r->next++ % 182);
	return 0;
}

static void step21_random_password_from_injected_source(void **state)
{
	struct fixture *f = *state;
	struct counting_rng rng = {0, 0};
	f->req.in.password_opts.random = counting_source;
	f->req.in.password_opts.random_priv = &rng;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_true(rng.calls > 0);
	assert_int_equal(odj_secret_len(f->req.out.password), ODJ_PASSWORD_LENGTH);
	assert_int_equal(f->req.out.provision_options, 0);
	const uint8_t *p = odj_secret_data(f->req.out.password);
	assert_int_equal(p[0], 32 + 0);
	assert_int_equal(p[1], 32 + 1);
	assert_int_equal(p[90], 122);
	assert_int_equal(p[91], 32 + 0); /* byte 91: 91 % 91 */
}

static void step23_account_goes_to_wkguid_computers(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.account_container,
			    "<WKGUID=aa312825768811d1aded00c04fd8d5cd,DC=odj,DC=test>");
	assert_null(strstr(f->req.out.account_container, "CN=Computers"));
	f->req.in.ou = "OU=Linux,OU=Servers,DC=odj,DC=test";
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.account_container, "OU=Linux,OU=Servers,DC=odj,DC=test");
	f->req.in.ou = "Linux servers";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
}

static void step25_sam_account_name(void **state)
{
	struct fixture *f = *state;
	f->req.in.machine_name = "odjcli01";
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.sam_account_name, "ODJCLI01$");
	assert_string_equal(f->req.out.netbios_name, "ODJCLI01");
}

static void step26_dns_host_name(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.dns_host_name, "odjcli01.odj.test");
	f->req.in.domain = "odj.test."; /* absolute: no root dot in what is derived */
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.dns_host_name, "odjcli01.odj.test");
	assert_string_equal(f->req.out.spns[0], "HOST/odjcli01.odj.test");
	assert_string_equal(f->req.out.realm, "ODJ.TEST");
	f->req.in.domain = "odj.test";
	/* Given explicitly (with a root dot), and with a long first label. */
	f->req.in.machine_name = NULL;
	f->req.in.dns_host_name = "Build-Server-0042.Lab.ODJ.test.";
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.dns_host_name, "build-server-0042.lab.odj.test");
	assert_string_equal(f->req.out.netbios_name, "BUILD-SERVER-00");
	assert_string_equal(f->req.out.sam_account_name, "BUILD-SERVER-00$");
	f->req.in.dns_host_name = "1234.odj.test";
	assert_int_equal(check(f), ODJ_DNS_ERROR_NUMERIC_NAME);
	/* A NetBIOS domain name alone cannot give the DNS host name. */
	f->req.in.dns_host_name = NULL;
	f->req.in.machine_name = "ODJCLI01";
	f->req.in.domain = "ODJ";
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);
}

static void step27_28_spns_host_and_restrictedkrbhost(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_int_equal(f->req.out.n_spns, 4);
	assert_string_equal(f->req.out.spns[0], "HOST/odjcli01.odj.test");
	assert_string_equal(f->req.out.spns[1], "HOST/ODJCLI01"); /* no '$', as Windows and Samba */
	assert_string_equal(f->req.out.spns[2], "RestrictedKrbHost/odjcli01.odj.test");
	assert_string_equal(f->req.out.spns[3], "RestrictedKrbHost/ODJCLI01");
	assert_null(f->req.out.spns[4]);
	assert_true(f->req.out.write_spns);
}

static void step29_existing_account_refused_unless_reuse(void **state)
{
	struct fixture *f = *state;
	uint32_t opt = ODJ_NETSETUP_JOIN_DOMAIN | ODJ_NETSETUP_ACCT_CREATE;
	assert_int_equal(odj_join_check_existing(f->ctx, opt, 0, true), ODJ_E_DIRECTORY);
	assert_int_equal(odj_error_get(f->ctx)->status, ODJ_NERR_UserExists);
	assert_int_equal(odj_join_check_existing(f->ctx, opt,
						 ODJ_NETSETUP_PROVISION_REUSE_ACCOUNT, true),
			 ODJ_OK);
	assert_int_equal(odj_join_check_existing(f->ctx, opt, 0, false), ODJ_OK);
	assert_int_equal(odj_join_check_existing(f->ctx, ODJ_NETSETUP_JOIN_DOMAIN, 0, false),
			 ODJ_E_DIRECTORY);
	assert_int_equal(odj_error_get(f->ctx)->status, ODJ_ERROR_NONE_MAPPED);
	assert_int_equal(odj_join_check_existing(f->ctx, opt | ODJ_NETSETUP_NO_ACCT_REUSE,
						 ODJ_NETSETUP_PROVISION_REUSE_ACCOUNT, true),
			 ODJ_E_INPUT);
}

static void step32_workstation_trust_enabled_no_dont_expire(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_int_equal(f->req.out.user_account_control, 0x1000);
	assert_false(f->req.out.user_account_control & ODJ_UF_ACCOUNTDISABLE);
	assert_false(f->req.out.user_account_control & ODJ_UF_DONT_EXPIRE_PASSWD);
}

static void step33_defer_spn_set(void **state)
{
	struct fixture *f = *state;
	f->req.in.join_options |= ODJ_NETSETUP_DEFER_SPN_SET;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_false(f->req.out.write_spns);
	assert_int_equal(f->req.out.n_spns, 4); /* still derived, for a later rename */
}

static void derive_salt_and_enctypes(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_string_equal(f->req.out.realm, "ODJ.TEST");
	assert_string_equal(f->req.out.salt, "ODJ.TESThostodjcli01.odj.test");
	assert_int_equal(f->req.out.enctypes, 24);
	int32_t e[3];
	assert_int_equal(odj_enctypes_to_krb5(f->req.out.enctypes, e), 2);
	assert_int_equal(e[0], 18);
	assert_int_equal(e[1], 17);
	assert_int_equal(odj_enctypes_to_krb5(0x1C, e), 3);
	assert_int_equal(e[2], 23);
	f->req.in.enctypes = ODJ_ENCTYPE_RC4_HMAC;
	assert_int_equal(check(f), ODJ_ERROR_SUCCESS);
	assert_int_equal(f->req.out.enctypes, 4);
	f->req.in.enctypes = ODJ_ENCTYPE_DES_CBC_MD5 | ODJ_ENCTYPE_AES256;
	assert_int_equal(check(f), ODJ_ERROR_INVALID_PARAMETER);

	TALLOC_CTX *mem = f->mem;
	assert_string_equal(odj_krb5_salt(mem, "Corp.Example.COM", "WEB01$"),
			    "CORP.EXAMPLE.COMhostweb01.corp.example.com");
	assert_string_equal(odj_krb5_salt(mem, "odj.test", "web01"), "ODJ.TESThostweb01.odj.test");
	assert_null(odj_krb5_salt(mem, "odj.test", "$"));
	assert_null(odj_krb5_salt(mem, NULL, "web01"));
}

static void derive_dns_escape_hostile_labels(void **state)
{
	struct fixture *f = *state;
	assert_string_equal(odj_domain_dn(f->mem, "odj.test."), "DC=odj,DC=test");
	assert_string_equal(odj_domain_dn(f->mem, "a,b.test"), "DC=a\\,b,DC=test");
	assert_null(odj_domain_dn(f->mem, "a..b"));
	assert_null(odj_domain_dn(f->mem, ""));
	assert_null(odj_sam_account_name(f->mem, "ABCDEFGHIJKLMNOP"));
	assert_string_equal(odj_netbios_from_host(f->mem, "web01.odj.test"), "WEB01");
}

UNIT_MAIN(
	FIXTURE_TEST(step01_pwd_passed_needs_unsecure),
	FIXTURE_TEST(step02_pwd_passed_refuses_account),
	FIXTURE_TEST(step03_pwd_passed_needs_password),
	FIXTURE_TEST(step04_passed_password_becomes_machine_password),
	FIXTURE_TEST(step05_readonly_needs_pwd_passed),
	FIXTURE_TEST(step06_readonly_cannot_create),
	FIXTURE_TEST(step07_unsecure_cannot_create),
	FIXTURE_TEST(step08_already_joined),
	FIXTURE_TEST(step09_domain_backslash_dc),
	FIXTURE_TEST(step09_dc_by_address),
	FIXTURE_TEST(step12_domain_name_is_validated),
	FIXTURE_TEST(step13_machine_equal_to_domain_dns_name),
	FIXTURE_TEST(step13_machine_equal_to_domain_netbios_name),
	FIXTURE_TEST(step20_unsecure_uses_default_password),
	FIXTURE_TEST(step20_defpwd_sets_provision_option_4),
	FIXTURE_TEST(step21_random_password_from_injected_source),
	FIXTURE_TEST(step23_account_goes_to_wkguid_computers),
	FIXTURE_TEST(step25_sam_account_name),
	FIXTURE_TEST(step26_dns_host_name),
	FIXTURE_TEST(step27_28_spns_host_and_restrictedkrbhost),
	FIXTURE_TEST(step29_existing_account_refused_unless_reuse),
	FIXTURE_TEST(step32_workstation_trust_enabled_no_dont_expire),
	FIXTURE_TEST(step33_defer_spn_set),
	FIXTURE_TEST(derive_salt_and_enctypes),
	FIXTURE_TEST(derive_dns_escape_hostile_labels),
)
