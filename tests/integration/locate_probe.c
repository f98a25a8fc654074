/*
 * Test driver for DC discovery: runs one step of odj_locate_dc against the
 * test DC and prints what it found as key=value lines, for the scripts in
 * this directory to check.  The exit status is the odj_result; on failure
 * the status symbol is printed as status=... and the full error on stderr.
 *
 *   locate_probe [--timeout-ms N] [--tries N] srv DOMAIN
 *   locate_probe [...] ping ADDRESS DOMAIN [ACCOUNT]
 *   locate_probe [...] locate DOMAIN [DC|-] [ACCOUNT]
 *   locate_probe request DOMAIN [ACCOUNT]   (hex of the request, msgid 0x1267, AAC 0x80)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <odj/locate.h>

struct opts {
	unsigned timeout_ms;
	unsigned tries;
};

static void print_info(const struct odj_netlogon_info *info)
{
	char guid[37];
	odj_netlogon_guid_string(info, guid);
	TALLOC_CTX *tmp = talloc_new(NULL);
	printf("opcode=%u\n", info->opcode);
	printf("user_exists=%s\n", info->user_exists ? "yes" : "no");
	printf("flags=0x%08x\n", info->flags);
	printf("flag_names=%s\n", odj_dcflags_names(tmp, info->flags, "|"));
	printf("guid=%s\n", guid);
	printf("forest=%s\n", info->forest);
	printf("domain=%s\n", info->domain);
	printf("dc_host=%s\n", info->dc_host);
	printf("netbios_domain=%s\n", info->netbios_domain);
	printf("netbios_computer=%s\n", info->netbios_computer);
	printf("user=%s\n", info->user);
	printf("dc_site=%s\n", info->dc_site);
	printf("client_site=%s\n", info->client_site);
	printf("nt_version=0x%08x\n", info->nt_version);
	talloc_free(tmp);
}

static int failed(TALLOC_CTX *mem, struct odj_ctx *ctx, odj_result rc)
{
	const struct odj_error *e = odj_error_get(ctx);
	const char *sym = odj_status_symbol(e->status);
	printf("result=%s\nstatus=%s\n", odj_result_name(rc), sym ? sym : "?");
	fprintf(stderr, "%s\n", odj_error_format(mem, ctx));
	return (int)rc;
}

static void print_trace(void *priv, const char *line)
{
	(void)priv;
	fprintf(stderr, "trace: %s\n", line);
}

static int cmd_srv(TALLOC_CTX *mem, struct odj_ctx *ctx, const char *domain)
{
	struct odj_srv_list *list;
	char *name = talloc_asprintf(mem, "_ldap._tcp.dc._msdcs.%s", domain);
	odj_result rc = odj_dns_srv_lookup(ctx, mem, name, &list);
	if (rc != ODJ_OK)
		return failed(mem, ctx, rc);
	for (size_t i = 0; i < list->count; i++)
		printf("srv=%s %u %u %u\n", list->records[i].target, list->records[i].priority,
		       list->records[i].weight, list->records[i].port);
	return 0;
}

static int cmd_ping(TALLOC_CTX *mem, struct odj_ctx *ctx, const struct opts *o, char **argv,
		    int argc)
{
	struct odj_cldap_ping_req req = {.in = {.address = argv[0],
						.domain = argv[1],
						.user = argc > 2 ? argv[2] : NULL,
						.timeout_ms = o->timeout_ms,
						.tries = o->tries}};
	odj_result rc = odj_cldap_ping(ctx, mem, &req);
	if (rc != ODJ_OK)
		return failed(mem, ctx, rc);
	print_info(req.out.info);
	printf("tries=%u\n", req.out.tries);
	rc = odj_netlogon_check_dc(ctx, req.out.info, req.in.domain, req.in.address);
	printf("usable=%s\n", rc == ODJ_OK ? "yes" : "no");
	return 0;
}

static int cmd_locate(TALLOC_CTX *mem, struct odj_ctx *ctx, const struct opts *o, char **argv,
		      int argc)
{
	struct odj_locate_dc_req req = {
		.in = {.domain = argv[0],
		       .dc = argc > 1 && strcmp(argv[1], "-") != 0 ? argv[1] : NULL,
		       .account = argc > 2 ? argv[2] : NULL,
		       .timeout_ms = o->timeout_ms,
		       .tries = o->tries}};
	odj_result rc = odj_locate_dc(ctx, mem, &req);
	if (rc != ODJ_OK)
		return failed(mem, ctx, rc);
	printf("dc_name=%s\ndc_address=%s\nfound_by=%s\ncandidates=%u\n", req.out.dc_name,
	       req.out.dc_address, odj_dc_found_by_name(req.out.found_by), req.out.candidates);
	print_info(req.out.info);
	return 0;
}

static int cmd_request(TALLOC_CTX *mem, struct odj_ctx *ctx, char **argv, int argc)
{
	uint8_t *bytes;
	size_t len;
	odj_result rc = odj_cldap_request_encode(ctx, mem, 0x1267, argv[0], argc > 1 ? argv[1] : NULL,
						 ODJ_USER_WORKSTATION_TRUST_ACCOUNT,
						 ODJ_NETLOGON_NT_VERSION_DEFAULT, &bytes, &len);
	if (rc != ODJ_OK)
		return failed(mem, ctx, rc);
	for (size_t i = 0; i < len; i++)
		printf("%02x", bytes[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	int i = 1;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--timeout-ms") == 0)
			o.timeout_ms = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--tries") == 0)
			o.tries = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: locate_probe [--timeout-ms N] [--tries N] "
				"srv|ping|locate|request ARGS...\n");
		return 2;
	}
	const char *cmd = argv[i];
	char **args = argv + i + 1;
	int nargs = argc - i - 1;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	if (getenv("LOCATE_PROBE_TRACE") != NULL)
		odj_ctx_set_trace(ctx, print_trace, NULL);
	int status = 2;
	if (strcmp(cmd, "srv") == 0)
		status = cmd_srv(mem, ctx, args[0]);
	else if (strcmp(cmd, "ping") == 0 && nargs >= 2)
		status = cmd_ping(mem, ctx, &o, args, nargs);
	else if (strcmp(cmd, "locate") == 0)
		status = cmd_locate(mem, ctx, &o, args, nargs);
	else if (strcmp(cmd, "request") == 0)
		status = cmd_request(mem, ctx, args, nargs);
	else
		fprintf(stderr, "locate_probe: unknown command or missing arguments\n");
	talloc_free(mem);
	return status;
}
