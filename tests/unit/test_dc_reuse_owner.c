/*
 * The KB5020276 reuse rule (libjoin/dc/plan_rules.c) and the owner of a
 * security descriptor as the DC returns it (libjoin/dc/account_owner.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/error.h>
#include <odj/status.h>

#include "plan.h"
#include "unit_ctx.h"

#define DOM "S-1-5-21-1004336348-1177238915-682003330"
#define PROVISIONER DOM "-1103"
#define HELPDESK DOM "-1104"
#define DOMAIN_ADMINS DOM "-512"

/* a plain user's token: itself, Domain Users, Everyone, Authenticated Users */
static const char *const provisioner_token[] = {PROVISIONER, DOM "-513", "S-1-1-0", "S-1-5-11",
						NULL};
static const char *const admin_token[] = {DOM "-500", DOMAIN_ADMINS, DOM "-513", "S-1-1-0", NULL};
static const char *const builtin_admin_token[] = {DOM "-1200", "S-1-5-32-544", NULL};

static odj_result rule(struct odj_ctx *ctx, const char *owner, const char *creator,
		       const char *const *token, const char *const *trusted)
{
	struct odj_account_owner o = {.owner = (char *)owner,
				      .owner_name = owner && strcmp(owner, DOMAIN_ADMINS) == 0
							    ? (char *)"Domain Admins"
							    : NULL,
				      .creator = (char *)creator};
	return odj_rule_reuse_owner(ctx, "odj-provisioner@ODJ.TEST", "CN=PC1,OU=Fleet,DC=odj,DC=test",
				    &o, token, trusted);
}

static void test_own_account(void **state)
{
	struct unit_ctx *u = *state;
	assert_int_equal(rule(u->ctx, PROVISIONER, NULL, provisioner_token, NULL), ODJ_OK);
	/* a quota add: the owner is the DC's choice, mS-DS-CreatorSID the caller */
	assert_int_equal(rule(u->ctx, DOMAIN_ADMINS, PROVISIONER, provisioner_token, NULL), ODJ_OK);
}

static void test_someone_elses_refused(void **state)
{
	struct unit_ctx *u = *state;
	assert_int_equal(rule(u->ctx, DOMAIN_ADMINS, NULL, provisioner_token, NULL), ODJ_E_DIRECTORY);
	const struct odj_error *e = odj_error_get(u->ctx);
	assert_int_equal(e->status, ODJ_NERR_AccountReuseBlockedByPolicy);
	assert_int_equal(e->status, 0xAAC);
	assert_non_null(strstr(e->message, "owned by Domain Admins (" DOMAIN_ADMINS ")"));
	assert_non_null(strstr(e->advice, "--trusted-owner " DOMAIN_ADMINS));
	/* another user's quota add, trusted list naming someone else */
	static const char *const other[] = {DOM "-1300", NULL};
	assert_int_equal(rule(u->ctx, DOMAIN_ADMINS, HELPDESK, provisioner_token, other), ODJ_E_DIRECTORY);
	assert_non_null(strstr(odj_error_get(u->ctx)->message, "mS-DS-CreatorSID " HELPDESK));
	/* an owner odj may not read is no owner the caller has */
	assert_int_equal(rule(u->ctx, NULL, NULL, provisioner_token, NULL), ODJ_E_DIRECTORY);
	/* no token read: nothing is trusted */
	assert_int_equal(rule(u->ctx, PROVISIONER, NULL, NULL, NULL), ODJ_E_DIRECTORY);
}

static void test_trusted_owner(void **state)
{
	struct unit_ctx *u = *state;
	static const char *const trusted[] = {DOM "-1300", DOMAIN_ADMINS, NULL};
	assert_int_equal(rule(u->ctx, DOMAIN_ADMINS, NULL, provisioner_token, trusted), ODJ_OK);
	/* case does not matter in a SID's "S-" */
	static const char *const lower[] = {"s-1-5-21-1004336348-1177238915-682003330-1104", NULL};
	assert_int_equal(rule(u->ctx, DOMAIN_ADMINS, HELPDESK, provisioner_token, lower), ODJ_OK);
}

static void test_admin_callers(void **state)
{
	struct unit_ctx *u = *state;
	assert_int_equal(rule(u->ctx, PROVISIONER, NULL, admin_token, NULL), ODJ_OK);
	assert_int_equal(rule(u->ctx, HELPDESK, HELPDESK, builtin_admin_token, NULL), ODJ_OK);
	/* a RID 512 outside a domain SID is no Domain Admins */
	static const char *const fake[] = {"S-1-5-32-512", DOM "-5120", NULL};
	assert_int_equal(rule(u->ctx, PROVISIONER, NULL, fake, NULL), ODJ_E_DIRECTORY);
}

/* O:<provisioner> with a group and no ACLs, as the SD flags control returns it */
static void test_sd_owner(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	uint8_t sd[20 + 28] = {1, 0, 0x04, 0x80, 20, 0, 0, 0};
	static const uint8_t sid[28] = {1,    5,    0,    0,    0,    0,    0,    5,    21,   0,
					0,    0,    0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46,
					0x82, 0x8b, 0xa6, 0x28, 0x4f, 0x04, 0,    0};
	memcpy(sd + 20, sid, sizeof(sid));
	char *owner = odj_sd_owner_sid(mem, sd, sizeof(sd));
	assert_non_null(owner);
	assert_string_equal(owner, PROVISIONER);
	/* hostile: truncated, owner offset out of range or into the header, no owner */
	assert_null(odj_sd_owner_sid(mem, sd, sizeof(sd) - 1));
	assert_null(odj_sd_owner_sid(mem, sd, 19));
	sd[4] = 200;
	assert_null(odj_sd_owner_sid(mem, sd, sizeof(sd)));
	sd[4] = 4;
	assert_null(odj_sd_owner_sid(mem, sd, sizeof(sd)));
	sd[4] = 0;
	assert_null(odj_sd_owner_sid(mem, sd, sizeof(sd)));
	sd[4] = 20;
	sd[21] = 15; /* more sub-authorities than the buffer holds */
	assert_null(odj_sd_owner_sid(mem, sd, sizeof(sd)));
	assert_null(odj_sd_owner_sid(mem, NULL, 0));
	talloc_free(mem);
}

UNIT_MAIN(
	CTX_TEST(test_own_account),
	CTX_TEST(test_someone_elses_refused),
	CTX_TEST(test_trusted_owner),
	CTX_TEST(test_admin_callers),
	cmocka_unit_test(test_sd_owner),
)
