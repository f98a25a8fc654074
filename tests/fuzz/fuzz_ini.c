/*
 * A krb5.conf or sssd.conf found in a target root through the line editor:
 * after setting a key, reading it back gives the value, and the text
 * parses again; /etc/hosts and /etc/hostname from the same bytes.
 * Covers: libjoin/apply/config_ini.c libjoin/apply/config_hosts.c
 */
#include <string.h>

#include <odj/odj.h>

#include "target_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_ini *ini, *again;
	const char *text = (const char *)data;
	if (odj_ini_parse(ctx, mem, "fuzz", text, size, &ini) == ODJ_OK) {
		if (!odj_ini_set(ini, "libdefaults", "default_realm", "ODJ.TEST", "    ", false) ||
		    !odj_ini_list_add(ini, "sssd", "domains", "odj.test") ||
		    !odj_ini_add_directive(ini, "includedir /x/"))
			__builtin_trap();
		const char *v = odj_ini_get(mem, ini, "libdefaults", "default_realm");
		if (v == NULL || strcmp(v, "ODJ.TEST") != 0)
			__builtin_trap();
		char *out = odj_ini_text(mem, ini);
		if (out == NULL ||
		    odj_ini_parse(ctx, mem, "fuzz", out, strlen(out), &again) != ODJ_OK)
			__builtin_trap();
		v = odj_ini_get(mem, again, "libdefaults", "default_realm");
		if (v == NULL || strcmp(v, "ODJ.TEST") != 0)
			__builtin_trap();
		if (odj_hosts_update(mem, text, size, "a.b.c", "a") == NULL)
			__builtin_trap();
	}
	odj_hostname_read(mem, text, size);
	talloc_free(mem);
	return 0;
}
