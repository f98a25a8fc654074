/*
 * The network-free steps of [MS-WKST] 3.2.4.13.3 (domain join processing).
 * Each function names its step; libjoin/SPEC.md maps all 39 steps.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <odj/join.h>
#include <odj/trace.h>

#define FN "NetpJoinDomain"

static odj_result step_fail(struct odj_ctx *ctx, int step, odj_result r, odj_status st,
			    const char *why)
{
	odj_trace_status(ctx, FN, st, "step %d: %s", step, why);
	return odj_fail(ctx, r, st, "join rule %d ([MS-WKST] 3.2.4.13.3): %s", step, why);
}

odj_result odj_join_check_options(struct odj_ctx *ctx, uint32_t opt, const char *account_name,
				  const struct odj_secret *password)
{
	bool pwd_passed = opt & ODJ_NETSETUP_MACHINE_PWD_PASSED;
	/* Step 1: a passed machine password is only for an unsecure join. */
	if (pwd_passed && !(opt & ODJ_NETSETUP_JOIN_UNSECURE))
		return step_fail(ctx, 1, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				 "MACHINE_PWD_PASSED needs JOIN_UNSECURE");
	/* Step 2: ... and then no user account authenticates the join. */
	if (pwd_passed && account_name != NULL)
		return step_fail(ctx, 2, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				 "MACHINE_PWD_PASSED cannot be combined with a user account");
	/* Step 3: the passed machine password must not be empty. */
	if (pwd_passed && (password == NULL || odj_secret_len(password) == 0))
		return step_fail(ctx, 3, ODJ_E_INPUT, ODJ_ERROR_PASSWORD_RESTRICTION,
				 "MACHINE_PWD_PASSED needs a non-empty machine password");
	/* Step 4 (the password becomes the machine password) is in odj_join_check. */
	/* Step 5: a read-only (RODC) join uses a pre-set machine password. */
	if ((opt & ODJ_NETSETUP_JOIN_READONLY) && !pwd_passed)
		return step_fail(ctx, 5, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				 "JOIN_READONLY needs MACHINE_PWD_PASSED");
	/* Step 6: a read-only join writes nothing, so it cannot create the account. */
	if ((opt & ODJ_NETSETUP_JOIN_READONLY) && (opt & ODJ_NETSETUP_ACCT_CREATE))
		return step_fail(ctx, 6, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				 "JOIN_READONLY cannot be combined with ACCT_CREATE");
	/* Step 7: an unsecure join runs on a null session against a pre-created
	 * account; it cannot create one. */
	if ((opt & ODJ_NETSETUP_JOIN_UNSECURE) && (opt & ODJ_NETSETUP_ACCT_CREATE))
		return step_fail(ctx, 7, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				 "JOIN_UNSECURE cannot be combined with ACCT_CREATE");
	odj_trace_status(ctx, FN, 0, "steps 1-7: options 0x%x are consistent", opt);
	return ODJ_OK;
}

odj_result odj_join_check_joined(struct odj_ctx *ctx, uint32_t opt, bool already_joined)
{
	/* Step 8. */
	if (already_joined && !(opt & ODJ_NETSETUP_DOMAIN_JOIN_IF_JOINED))
		return step_fail(ctx, 8, ODJ_E_CONFIG, ODJ_NERR_SetupAlreadyJoined,
				 "the machine is already joined (DOMAIN_JOIN_IF_JOINED allows "
				 "joining again)");
	odj_trace_status(ctx, FN, 0, "step 8: %s", already_joined ? "joined, rejoin allowed"
								    : "not joined");
	return ODJ_OK;
}

odj_result odj_join_split_domain(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *param,
				 char **domain, char **dc)
{
	*domain = NULL;
	*dc = NULL;
	if (param == NULL || param[0] == '\0')
		return step_fail(ctx, 9, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				 "no domain name was given");
	/* Step 9: "domain\dc" names the DC to use; split at the first backslash. */
	const char *bs = strchr(param, '\\');
	if (bs == NULL) {
		*domain = talloc_strdup(mem, param);
		return *domain ? ODJ_OK
			       : odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					  "out of memory");
	}
	const char *dc_part = bs + 1;
	while (*dc_part == '\\')
		dc_part++; /* "domain\\\\dc" as typed in a UNC habit */
	if (bs == param || *dc_part == '\0')
		return step_fail(ctx, 9, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				 "'domain\\dc' needs both a domain and a DC name");
	*domain = talloc_strndup(mem, param, (size_t)(bs - param));
	*dc = talloc_strdup(mem, dc_part);
	if (*domain == NULL || *dc == NULL) {
		TALLOC_FREE(*domain);
		TALLOC_FREE(*dc);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	odj_trace_status(ctx, FN, 0, "step 9: domain '%s', dc '%s'", *domain, *dc);
	return ODJ_OK;
}

static bool same_name(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	size_t la = strlen(a), lb = strlen(b);
	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

odj_result odj_join_check_domain(struct odj_ctx *ctx, const char *domain, const char *domain_dns,
				 const char *domain_netbios, const char *machine_name)
{
	/* Step 12: the domain name is valid as NetSetupDomain (3.2.4.16). */
	const char *names[] = {domain, domain_dns, domain_netbios};
	const char *what[] = {"domain", "domain DNS name", "domain NetBIOS name"};
	for (size_t i = 0; i < 3; i++) {
		if (names[i] == NULL)
			continue;
		odj_result r = odj_name_check(ctx, what[i], names[i], ODJ_NETSETUP_DOMAIN);
		if (r != ODJ_OK) {
			odj_trace_status(ctx, FN, odj_error_get(ctx)->status,
					 "step 12: %s '%s' is not valid", what[i], names[i]);
			return r;
		}
	}
	/* Step 13: the machine cannot carry the domain's DNS or NetBIOS name. */
	for (size_t i = 0; i < 3; i++) {
		if (same_name(machine_name, names[i])) {
			odj_trace_status(ctx, FN, ODJ_ERROR_INVALID_DOMAINNAME,
					 "step 13: machine name '%s' is the %s", machine_name,
					 what[i]);
			return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_DOMAINNAME,
					"join rule 13 ([MS-WKST] 3.2.4.13.3): the machine name "
					"'%s' is the %s '%s'",
					machine_name, what[i], names[i]);
		}
	}
	odj_trace_status(ctx, FN, 0, "steps 12-13: domain '%s' is valid", domain ? domain : "");
	return ODJ_OK;
}

odj_result odj_join_check_existing(struct odj_ctx *ctx, uint32_t opt, uint32_t provision_options,
				   bool account_exists)
{
	if (!account_exists) {
		if (!(opt & ODJ_NETSETUP_ACCT_CREATE))
			return step_fail(ctx, 29, ODJ_E_DIRECTORY, ODJ_ERROR_NONE_MAPPED,
					 "the computer account does not exist and ACCT_CREATE "
					 "is not set");
		return ODJ_OK;
	}
	/*
	 * Step 29 would take over any existing account.  odj refuses, as
	 * NetProvisionComputerAccount and djoin do, unless reuse is asked for:
	 * a typo must not silently reset another machine's password.
	 */
	if (!(provision_options & ODJ_NETSETUP_PROVISION_REUSE_ACCOUNT))
		return step_fail(ctx, 29, ODJ_E_DIRECTORY, ODJ_NERR_UserExists,
				 "the computer account already exists (use --reuse to take it "
				 "over)");
	if (opt & ODJ_NETSETUP_NO_ACCT_REUSE)
		return step_fail(ctx, 29, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				 "REUSE_ACCOUNT contradicts NO_ACCT_REUSE");
	odj_trace_status(ctx, FN, 0, "step 29: reusing the existing account");
	return ODJ_OK;
}
