/* The DC library reports the network libraries it runs with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <odj/dc.h>

#include "unit_main.h"

static void names_openldap_and_libsmbclient(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	char *v = odj_dc_library_versions(mem);
	assert_non_null(v);
	assert_non_null(strstr(v, "OpenLDAP"));
	assert_non_null(strstr(v, "libsmbclient 4."));
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(names_openldap_and_libsmbclient),
)
