/*
 * odj-make-blob (tests only): writes a provisioning blob in the shape Samba
 * and djoin write (format-1 blob, then a package with JOIN_PROVIDER,
 * JOIN_PROVIDER3) plus odj's Linux part, from fields given on the command
 * line, through the public API.  For interop tests and test vectors; the
 * passwords it is given are test values.
 *
 *   odj-make-blob --domain odj.test --netbios ODJ --machine ODJCLI02
 *                 --password PW --domain-sid S-1-5-21-1-2-3 --rid 1105
 *                 [--domain-guid G] [--forest F] [--dc-name DC] [--dc-address IP]
 *                 [--dc-flags N] [--site S] [--options N] [--kvno N]
 *                 [--enctypes N] [--spn SPN]... [--upn U] [--realm R]
 *                 [--salt S] [--pwd-last-set FT] [--created FT]
 *                 [--no-linux-part] [--windows-referents]
 *                 [--odj FILE] [--bin FILE] [--txt FILE]
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/odj.h>

struct args {
	const char *domain, *netbios, *forest, *machine, *password, *domain_sid, *domain_guid;
	const char *dc_name, *dc_address, *site, *upn, *realm, *salt;
	const char *out_odj, *out_bin, *out_txt;
	uint32_t rid, dc_flags, options, kvno, enctypes;
	uint64_t pwd_last_set, created;
	const char **spns;
	uint32_t spn_count;
	bool no_linux_part, windows_referents;
};

static void usage_exit(const char *why)
{
	fprintf(stderr, "odj-make-blob: %s\n(see the comment at the top of odj-make-blob.c)\n", why);
	exit(2);
}

static uint64_t number(const char *s, uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0' || v > max)
		usage_exit("bad number");
	return v;
}

static char *lower(TALLOC_CTX *mem, const char *s)
{
	char *o = talloc_strdup(mem, s);
	for (char *c = o; c && *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return o;
}

static char *upper(TALLOC_CTX *mem, const char *s)
{
	char *o = talloc_strdup(mem, s);
	for (char *c = o; c && *c; c++)
		*c = (char)toupper((unsigned char)*c);
	return o;
}

static void parse(TALLOC_CTX *mem, int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"domain", required_argument, NULL, 'd'},   {"netbios", required_argument, NULL, 'n'},
		{"forest", required_argument, NULL, 'f'},   {"machine", required_argument, NULL, 'm'},
		{"password", required_argument, NULL, 'p'}, {"domain-sid", required_argument, NULL, 's'},
		{"domain-guid", required_argument, NULL, 'g'}, {"rid", required_argument, NULL, 'r'},
		{"dc-name", required_argument, NULL, 'D'},  {"dc-address", required_argument, NULL, 'A'},
		{"dc-flags", required_argument, NULL, 'F'}, {"site", required_argument, NULL, 'S'},
		{"options", required_argument, NULL, 'O'},  {"kvno", required_argument, NULL, 'k'},
		{"enctypes", required_argument, NULL, 'e'}, {"spn", required_argument, NULL, 'P'},
		{"upn", required_argument, NULL, 'u'},      {"realm", required_argument, NULL, 'R'},
		{"salt", required_argument, NULL, 'l'},     {"pwd-last-set", required_argument, NULL, 'L'},
		{"created", required_argument, NULL, 'C'},  {"no-linux-part", no_argument, NULL, 'N'},
		{"windows-referents", no_argument, NULL, 'W'}, {"odj", required_argument, NULL, 'o'},
		{"bin", required_argument, NULL, 'b'},      {"txt", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	*a = (struct args){.dc_flags = 0xE00013FD, .kvno = 1, .enctypes = 0x1C,
			   .domain_guid = "00000000-0000-0000-0000-000000000000",
			   .site = "Default-First-Site-Name"};
	a->spns = talloc_zero_array(mem, const char *, argc);
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': a->domain = optarg; break;
		case 'n': a->netbios = optarg; break;
		case 'f': a->forest = optarg; break;
		case 'm': a->machine = optarg; break;
		case 'p': a->password = optarg; break;
		case 's': a->domain_sid = optarg; break;
		case 'g': a->domain_guid = optarg; break;
		case 'r': a->rid = (uint32_t)number(optarg, UINT32_MAX); break;
		case 'D': a->dc_name = optarg; break;
		case 'A': a->dc_address = optarg; break;
		case 'F': a->dc_flags = (uint32_t)number(optarg, UINT32_MAX); break;
		case 'S': a->site = optarg; break;
		case 'O': a->options = (uint32_t)number(optarg, UINT32_MAX); break;
		case 'k': a->kvno = (uint32_t)number(optarg, UINT32_MAX); break;
		case 'e': a->enctypes = (uint32_t)number(optarg, UINT32_MAX); break;
		case 'P': a->spns[a->spn_count++] = optarg; break;
		case 'u': a->upn = optarg; break;
		case 'R': a->realm = optarg; break;
		case 'l': a->salt = optarg; break;
		case 'L': a->pwd_last_set = number(optarg, UINT64_MAX); break;
		case 'C': a->created = number(optarg, UINT64_MAX); break;
		case 'N': a->no_linux_part = true; break;
		case 'W': a->windows_referents = true; break;
		case 'o': a->out_odj = optarg; break;
		case 'b': a->out_bin = optarg; break;
		case 't': a->out_txt = optarg; break;
		default: usage_exit("unknown option");
		}
	}
	if (optind != argc)
		usage_exit("unexpected arguments");
	if (!a->domain || !a->netbios || !a->machine || !a->password || !a->domain_sid || !a->rid)
		usage_exit("--domain, --netbios, --machine, --password, --domain-sid and --rid are needed");
	if (!a->out_odj && !a->out_bin && !a->out_txt)
		usage_exit("nothing to write: give --odj, --bin or --txt");
	if (!a->forest)
		a->forest = a->domain;
	if (!a->dc_name)
		a->dc_name = talloc_asprintf(mem, "dc1.%s", a->domain);
	if (!a->dc_address)
		a->dc_address = "127.0.0.1";
	if (!a->realm)
		a->realm = upper(mem, a->domain);
}

static struct odj_win7blob *build_win7(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct args *a)
{
	struct odj_win7blob *w = talloc_zero(mem, struct odj_win7blob);
	w->domain = talloc_strdup(w, a->domain);
	w->machine_name = talloc_strdup(w, a->machine);
	if (odj_password_utf16(ctx, w, a->password, strlen(a->password), &w->machine_password) != ODJ_OK)
		usage_exit("the password is not valid UTF-8");
	struct odj_dns_domain_info *dn = &w->dns_domain_info;
	dn->name.value = talloc_strdup(w, a->netbios);
	dn->dns_domain_name.value = talloc_strdup(w, a->domain);
	dn->dns_forest_name.value = talloc_strdup(w, a->forest);
	if (!odj_guid_parse(a->domain_guid, &dn->domain_guid))
		usage_exit("bad --domain-guid");
	dn->sid = talloc_zero(w, struct odj_sid);
	if (!odj_sid_parse(a->domain_sid, dn->sid))
		usage_exit("bad --domain-sid");
	struct odj_dc_info *dc = &w->dc_info;
	dc->dc_name = talloc_asprintf(w, "\\\\%s", a->dc_name);
	dc->dc_address = talloc_asprintf(w, "\\\\%s", a->dc_address);
	dc->dc_address_type = ODJ_DS_INET_ADDRESS;
	dc->domain_guid = dn->domain_guid;
	dc->domain_name = talloc_strdup(w, a->domain);
	dc->dns_forest_name = talloc_strdup(w, a->forest);
	dc->flags = a->dc_flags;
	dc->dc_site_name = talloc_strdup(w, a->site);
	dc->client_site_name = talloc_strdup(w, a->site);
	w->options = a->options;
	return w;
}

static struct odj_linux_part *build_linux(TALLOC_CTX *mem, const struct args *a)
{
	struct odj_linux_part *l = talloc_zero(mem, struct odj_linux_part);
	l->version = ODJ_LINUX_PART_VERSION;
	l->kvno = a->kvno;
	l->enctypes = a->enctypes;
	l->sam_account_name = talloc_asprintf(l, "%s$", upper(l, a->machine));
	l->dns_host_name = talloc_asprintf(l, "%s.%s", lower(l, a->machine), lower(l, a->domain));
	l->spn_count = a->spn_count;
	l->spns = talloc_zero_array(l, char *, a->spn_count + 1);
	for (uint32_t i = 0; i < a->spn_count; i++)
		l->spns[i] = talloc_strdup(l->spns, a->spns[i]);
	l->upn = a->upn ? talloc_strdup(l, a->upn) : NULL;
	l->realm = talloc_strdup(l, a->realm);
	/* [MS-KILE] 3.1.1.2: REALM + "host" + lowercase name.domain for computers. */
	l->salt = a->salt ? talloc_strdup(l, a->salt)
			  : talloc_asprintf(l, "%shost%s.%s", a->realm, lower(l, a->machine),
					    lower(l, a->domain));
	l->pwd_last_set = a->pwd_last_set;
	l->created = a->created;
	l->dc_name = talloc_strdup(l, a->dc_name);
	return l;
}

static struct odj_provision *build(struct odj_ctx *ctx, TALLOC_CTX *mem, const struct args *a)
{
	struct odj_provision *prov = talloc_zero(mem, struct odj_provision);
	prov->version = 1;
	prov->count = 2;
	prov->blobs = talloc_zero_array(prov, struct odj_blob_entry, 2);
	struct odj_win7blob *w = build_win7(ctx, prov, a);
	prov->blobs[0].format = ODJ_WIN7_FORMAT;
	prov->blobs[0].win7 = w;
	prov->blobs[1].format = ODJ_WIN8_FORMAT;
	struct odj_package *pkg = talloc_zero(prov, struct odj_package);
	prov->blobs[1].package = pkg;
	struct odj_part_collection *c = talloc_zero(pkg, struct odj_part_collection);
	pkg->collection = c;
	c->count = 3;
	c->parts = talloc_zero_array(c, struct odj_part, 3);
	c->parts[0] = (struct odj_part){.type = odj_guid_join_provider, .kind = ODJ_PART_JOIN_PROVIDER,
					.flags = ODJ_PART_FLAG_ESSENTIAL, .u.win7 = w};
	struct odj_joinprov3 *j3 = talloc_zero(c, struct odj_joinprov3);
	j3->rid = a->rid;
	j3->sid = talloc_asprintf(j3, "%s-%u", a->domain_sid, a->rid);
	c->parts[1] = (struct odj_part){.type = odj_guid_join_provider3,
					.kind = ODJ_PART_JOIN_PROVIDER3, .u.jp3 = j3};
	c->parts[2] = (struct odj_part){.type = odj_guid_linux_provider, .kind = ODJ_PART_LINUX,
					.u.linux_part = build_linux(c, a)};
	return prov;
}

static void write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "odj-make-blob: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct args a;
	parse(mem, argc, argv, &a);
	struct odj_provision *prov = build(ctx, mem, &a);
	struct odj_blob_encode_options opts = ODJ_BLOB_ENCODE_OPTIONS_INIT;
	opts.omit_linux_part = a.no_linux_part;
	opts.referents = a.windows_referents ? ODJ_REFERENTS_WINDOWS : ODJ_REFERENTS_SAMBA;
	struct odj_secret *ndr, *file, *text;
	odj_result r = odj_blob_encode(ctx, mem, prov, &opts, &ndr);
	if (r == ODJ_OK)
		r = odj_blob_text_encode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), &file);
	if (r == ODJ_OK)
		r = odj_blob_base64_encode(ctx, mem, odj_secret_data(ndr), odj_secret_len(ndr), &text);
	if (r != ODJ_OK) {
		fprintf(stderr, "odj-make-blob:\n%s\n", odj_error_format(mem, ctx));
		return r;
	}
	if (a.out_bin)
		write_file(a.out_bin, odj_secret_data(ndr), odj_secret_len(ndr));
	if (a.out_odj)
		write_file(a.out_odj, odj_secret_data(file), odj_secret_len(file));
	if (a.out_txt)
		write_file(a.out_txt, odj_secret_data(text), odj_secret_len(text));
	talloc_free(mem);
	return 0;
}
