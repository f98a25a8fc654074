/*
 * An exhausted RID pool is reported as ERROR_DS_NO_RIDS_ALLOCATED with the
 * advice that names the RID master: from Samba's words (whose code is the
 * generic 0x2035) and from a Windows DC's 00002010 code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <odj/catalogue.h>
#include <odj/odj.h>

#include "unit_main.h"

static void samba_and_windows_map(void **state)
{
	(void)state;
	/* what Samba 4.17 answers an LDAP add on a DC without RIDs, the RID master down */
	assert_int_equal(odj_status_from_ldap(ODJ_LDAP_UNWILLING_TO_PERFORM,
					      "00002035: NO RID values available: Remote RID Set "
					      "refresh needed"),
			 ODJ_ERROR_DS_NO_RIDS_ALLOCATED);
	assert_int_equal(odj_status_from_ldap(ODJ_LDAP_OTHER,
					      "00002010: SvcErr: DSID-031A1254, problem 5012 "
					      "(DIR_ERROR), data 0"),
			 ODJ_ERROR_DS_NO_RIDS_ALLOCATED);
	/* another refusal stays what it is */
	assert_int_equal(odj_status_from_ldap(ODJ_LDAP_UNWILLING_TO_PERFORM,
					      "00002035: setting unicodePwd needs a sealed connection"),
			 ODJ_ERROR_DS_UNWILLING_TO_PERFORM);
}

static void row_and_advice(void **state)
{
	(void)state;
	struct odj_catalogue_entry e;
	assert_true(odj_catalogue_get(ODJ_ERROR_DS_NO_RIDS_ALLOCATED, &e));
	assert_int_equal(e.code, 0x2010);
	assert_string_equal(e.symbol, "ERROR_DS_NO_RIDS_ALLOCATED");
	assert_non_null(strstr(e.causes, "RID master"));
	assert_non_null(strstr(e.check, "--skip-existing"));
	assert_int_equal(odj_status_category(ODJ_ERROR_DS_NO_RIDS_ALLOCATED), ODJ_E_DIRECTORY);
}

UNIT_MAIN(
	cmocka_unit_test(samba_and_windows_map),
	cmocka_unit_test(row_and_advice),
)
