/*
 * The creating DC as the target's preferred DC (libjoin/apply/
 * apply_preferred_dc.c): krb5.conf's realm block lists it first and the
 * domain's name (every DC) after it; sssd's ad_server lists it before
 * _srv_; an admin's own realm block or ad_server is kept; a rejoin through
 * another DC replaces odj's lines instead of adding a second block.
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

#define MARK "        # odj: the DC that created this machine's account first (replication), then every DC\n"

static struct apply_facts facts(char *dc)
{
	struct apply_facts f = {0};
	f.domain = "odj.test";
	f.realm = "ODJ.TEST";
	f.machine = "CLIENT1";
	f.sam = "CLIENT1$";
	f.short_name = "client1";
	f.fqdn = "client1.odj.test";
	f.dc_name = dc;
	return f;
}

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

static char *krb5(TALLOC_CTX *mem, char *dc, const char *old)
{
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct apply_facts f = facts(dc);
	struct apply_file o = file(old);
	char *out = NULL;
	assert_int_equal(odj_apply_krb5_conf(ctx, mem, &f, &o, false, &out), ODJ_OK);
	return out;
}

static char *sssd(TALLOC_CTX *mem, char *dc, const char *old)
{
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct apply_facts f = facts(dc);
	struct apply_file o = file(old);
	char *out = NULL;
	assert_int_equal(odj_apply_sssd_conf(ctx, mem, &f, &o, "/etc/krb5.keytab", NULL, &out), ODJ_OK);
	return out;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(krb5_realm_block),
		cmocka_unit_test(krb5_admin_block_kept),
		cmocka_unit_test(sssd_ad_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
