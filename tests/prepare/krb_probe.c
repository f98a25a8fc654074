/*
 * Test driver for odj's Kerberos layer against the test DC: AS for the
 * administrator (password on stdin), then TGS for cifs/ (the IPC$ session's
 * ticket) and ldap/, then hands the cifs/ ticket over in a FILE ccache.
 *   krb_probe OUT_CCACHE_PATH [REPLY_TIMEOUT_MS]
 * Exit status: the odj result category.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <odj/odj.h>

#include "krb.h"
#include "smb_ipc.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: krb_probe OUT_CCACHE_PATH [REPLY_TIMEOUT_MS]\n");
		return 2;
	}
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	char line[512];
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 2;
	line[strcspn(line, "\n")] = '\0';
	struct odj_secret *pw = odj_secret_dup(mem, line, strlen(line));
	odj_wipe(line, sizeof(line));

	struct odj_krb_options o = ODJ_KRB_OPTIONS_INIT;
	o.realm = getenv("TESTDC_REALM");
	o.kdc_address = getenv("TESTDC_IP");
	if (argc > 2)
		o.reply_timeout_ms = atoi(argv[2]);
	struct odj_krb *k = NULL;
	char admin[128];
	snprintf(admin, sizeof(admin), "administrator@%s", o.realm);
	char cifs[128], ldap[128];
	snprintf(cifs, sizeof(cifs), "cifs/%s", getenv("TESTDC_DC"));
	snprintf(ldap, sizeof(ldap), "ldap/%s", getenv("TESTDC_DC"));

	double t0 = now();
	odj_result r = odj_krb_open(ctx, mem, &o, &k);
	if (r == ODJ_OK)
		r = odj_krb_login_password(k, admin, pw);
	if (r == ODJ_OK)
		printf("AS %s: ok after %.3f s\n", odj_krb_client(k), now() - t0);
	if (r == ODJ_OK)
		r = odj_krb_service_ticket(k, cifs, ODJ_ERROR_NETNAME_DELETED);
	if (r == ODJ_OK)
		printf("TGS %s: ok after %.3f s\n", cifs, now() - t0);
	if (r == ODJ_OK) {
		struct odj_smb_options so = ODJ_SMB_OPTIONS_INIT;
		so.dc_host = getenv("TESTDC_DC");
		so.dc_address = o.kdc_address;
		so.realm = o.realm;
		so.workgroup = getenv("TESTDC_NETBIOS");
		r = odj_smb_ipc_check(ctx, k, &so, NULL, NULL);
		if (r == ODJ_OK)
			printf("SMB \\\\%s\\IPC$: ok after %.3f s\n", so.dc_host, now() - t0);
	}
	if (r == ODJ_OK)
		r = odj_krb_service_ticket(k, ldap, ODJ_ERROR_NO_LOGON_SERVERS);
	if (r == ODJ_OK)
		printf("TGS %s: ok after %.3f s\n", ldap, now() - t0);
	const char *only[] = {cifs, NULL};
	if (r == ODJ_OK)
		r = odj_krb_export_tickets(k, argv[1], only);
	if (r != ODJ_OK) {
		printf("failed after %.3f s\n", now() - t0);
		char *text = odj_error_format(mem, ctx);
		printf("%s\n", text);
	}
	talloc_free(mem);
	return r;
}
