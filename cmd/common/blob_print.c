/* What odj-inspect prints for a person: a provisioning blob, its password redacted. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "blob_print.h"

/* NETSETUP_PROVISION_* names of the Options bits, "|"-separated. */
char *cli_options_string(TALLOC_CTX *mem, uint32_t options)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{0x00000001, "DOWNLEVEL_PRIV_SUPPORT"}, {0x00000002, "REUSE_ACCOUNT"},
		{0x00000004, "USE_DEFAULT_PASSWORD"},   {0x00000008, "SKIP_ACCOUNT_SEARCH"},
		{0x00000010, "ROOT_CA_CERTS"},          {0x00000020, "PERSISTENTSITE"},
		{0x40000000, "ONLINE_CALLER"},          {0x80000000, "CHECK_PWD_ONLY"},
	};
	char *s = talloc_strdup(mem, "");
	uint32_t rest = options;
	for (size_t i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
		if (options & names[i].bit) {
			s = talloc_asprintf_append(s, "%s%s", *s ? "|" : "", names[i].name);
			rest &= ~names[i].bit;
		}
	}
	if (s != NULL && rest != 0)
		s = talloc_asprintf_append(s, "%s0x%08" PRIx32, *s ? "|" : "", rest);
	return s;
}

/* A known part type that was not decoded was damaged and dropped (odj's Linux part). */
const char *cli_part_name(const struct odj_part *part)
{
	const char *n = odj_part_kind_name(part->kind);
	if (n != NULL)
		return n;
	return odj_part_kind_name(odj_part_kind_of(&part->type)) ? "DAMAGED" : "UNKNOWN";
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

/* A FILETIME (100 ns since 1601) as UTC ISO 8601; "0" and out-of-range values as numbers. */
char *cli_filetime_string(TALLOC_CTX *mem, uint64_t ft)
{
	const uint64_t unix_epoch = 116444736000000000ull;
	if (ft < unix_epoch)
		return talloc_asprintf(mem, "%" PRIu64, ft);
	time_t t = (time_t)((ft - unix_epoch) / 10000000u);
	struct tm tm;
	char buf[32];
	if (gmtime_r(&t, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return talloc_asprintf(mem, "%" PRIu64, ft);
	return talloc_strdup(mem, buf);
}

static void print_linux_part(TALLOC_CTX *mem, const struct odj_linux_part *l)
{
	printf(": version %" PRIu32 ", kvno %" PRIu32 "\n", l->version, l->kvno);
	printf("        sAMAccountName %s, dNSHostName %s\n", or_none(l->sam_account_name),
	       or_none(l->dns_host_name));
	printf("        realm %s, salt %s, UPN %s\n", or_none(l->realm), or_none(l->salt),
	       or_none(l->upn));
	printf("        enctypes 0x%" PRIx32 ", pwdLastSet %s, created %s, by DC %s\n", l->enctypes,
	       cli_filetime_string(mem, l->pwd_last_set), cli_filetime_string(mem, l->created),
	       or_none(l->dc_name));
	for (uint32_t i = 0; i < l->spn_count; i++)
		printf("        SPN %s\n", l->spns[i]);
	if (l->wire_trailing > 0)
		printf("        (%" PRIu32 " bytes of a newer version ignored)\n", l->wire_trailing);
}

/* "0x00000006 REUSE_ACCOUNT|USE_DEFAULT_PASSWORD"; no trailing space when no bit has a name. */
static void print_bits(const char *label, uint32_t v, const char *names)
{
	printf("%s0x%08" PRIx32 "%s%s\n", label, v, names && *names ? " " : "", names ? names : "");
}

static void print_part(TALLOC_CTX *mem, uint32_t i, const struct odj_part *part)
{
	printf("      part %u: %s {%s} flags 0x%" PRIx32 "%s, %" PRIu32 " bytes", i, cli_part_name(part),
	       odj_guid_string(mem, &part->type), part->flags,
	       (part->flags & ODJ_PART_FLAG_ESSENTIAL) ? " (ESSENTIAL)" : "", part->wire_cb);
	switch (part->kind) {
	case ODJ_PART_JOIN_PROVIDER:
		printf(": machine %s, domain %s\n", or_none(part->u.win7->machine_name),
		       or_none(part->u.win7->domain));
		break;
	case ODJ_PART_JOIN_PROVIDER2:
		printf(": NetBIOS name %s, site %s%s, primary DNS domain %s\n",
		       or_none(part->u.jp2->netbios_name), or_none(part->u.jp2->site_name),
		       (part->u.jp2->flags & ODJ_JP2_FLAG_PERSISTENTSITE) ? " (persistent)" : "",
		       or_none(part->u.jp2->primary_dns_domain));
		break;
	case ODJ_PART_JOIN_PROVIDER3:
		printf(": RID %" PRIu32 ", SID %s\n", part->u.jp3->rid, or_none(part->u.jp3->sid));
		break;
	case ODJ_PART_JOIN_PROVIDER4:
		printf(": RID %" PRIu32 ", SID %s, object GUID %s\n", part->u.jp4->rid,
		       or_none(part->u.jp4->sid), odj_guid_string(mem, &part->u.jp4->object_guid));
		break;
	case ODJ_PART_POLICY:
		printf(": %" PRIu32 " element list(s)\n", part->u.policy->count);
		for (uint32_t l = 0; l < part->u.policy->count; l++) {
			const struct odj_policy_list *pl = &part->u.policy->lists[l];
			printf("        source %s, root key 0x%08" PRIx32 ", %" PRIu32 " value(s)\n",
			       or_none(pl->source), pl->root_key_id, pl->count);
			for (uint32_t e = 0; e < pl->count; e++)
				printf("          %s\\%s (type %" PRIu32 ", %" PRIu32 " bytes)\n",
				       or_none(pl->elements[e].key_path),
				       or_none(pl->elements[e].value_name),
				       pl->elements[e].value_type, pl->elements[e].value.len);
		}
		break;
	case ODJ_PART_CERT:
		printf(": %" PRIu32 " PFX store(s), %" PRIu32 " SST store(s)\n",
		       part->u.cert->pfx_count, part->u.cert->sst_count);
		for (uint32_t s = 0; s < part->u.cert->pfx_count; s++)
			printf("        PFX template %s, %" PRIu32 " bytes\n",
			       or_none(part->u.cert->pfx[s].template_name),
			       part->u.cert->pfx[s].pfx.len);
		for (uint32_t s = 0; s < part->u.cert->sst_count; s++)
			printf("        SST store %s at 0x%08" PRIx32 ", %" PRIu32 " bytes\n",
			       or_none(part->u.cert->sst[s].store_name),
			       part->u.cert->sst[s].store_location, part->u.cert->sst[s].sst.len);
		break;
	case ODJ_PART_LINUX:
		print_linux_part(mem, part->u.linux_part);
		break;
	case ODJ_PART_UNKNOWN:
		printf(": not decoded%s\n", odj_part_kind_of(&part->type) ? " (see the warning)" : "");
		break;
	}
}

void cli_print_blob(TALLOC_CTX *mem, const struct odj_provision *prov)
{
	const struct odj_win7blob *w = odj_provision_win7(prov);
	const struct odj_joinprov3 *j3 = odj_provision_joinprov3(prov);
	printf("Provisioning blob, version %" PRIu32 ", %" PRIu32 " data entr%s (ODJ_BLOB)\n",
	       prov->version, prov->count, prov->count == 1 ? "y" : "ies");
	if (w != NULL) {
		const struct odj_dns_domain_info *dn = &w->dns_domain_info;
		const struct odj_dc_info *dc = &w->dc_info;
		printf("  Domain:          %s\n", or_none(w->domain));
		printf("  NetBIOS domain:  %s\n", or_none(dn->name.value));
		printf("  DNS domain:      %s\n", or_none(dn->dns_domain_name.value));
		printf("  DNS forest:      %s\n", or_none(dn->dns_forest_name.value));
		printf("  Domain GUID:     %s\n", odj_guid_string(mem, &dn->domain_guid));
		printf("  Domain SID:      %s\n", dn->sid ? odj_sid_string(mem, dn->sid) : "(none)");
		printf("  Machine:         %s\n", or_none(w->machine_name));
		printf("  Password:        %s (%zu UTF-16 code units)\n", CLI_REDACTED,
		       odj_secret_len(w->machine_password) / 2);
		if (j3 != NULL) {
			printf("  Machine RID:     %" PRIu32 "\n", j3->rid);
			printf("  Machine SID:     %s\n", or_none(j3->sid));
		} else {
			printf("  Machine RID:     (no JOIN_PROVIDER3 part)\n");
		}
		printf("  DC:              %s\n", or_none(dc->dc_name));
		printf("  DC address:      %s (type %" PRIu32 "%s)\n", or_none(dc->dc_address),
		       dc->dc_address_type,
		       dc->dc_address_type == ODJ_DS_INET_ADDRESS	  ? ", INET"
		       : dc->dc_address_type == ODJ_DS_NETBIOS_ADDRESS ? ", NETBIOS"
								   : "");
		printf("  DC domain GUID:  %s\n", odj_guid_string(mem, &dc->domain_guid));
		printf("  DC domain:       %s (forest %s)\n", or_none(dc->domain_name),
		       or_none(dc->dns_forest_name));
		print_bits("  DC flags:        ", dc->flags, odj_dc_flags_string(mem, dc->flags));
		printf("  DC site:         %s\n", or_none(dc->dc_site_name));
		printf("  Client site:     %s\n", or_none(dc->client_site_name));
		print_bits("  Options:         ", w->options, cli_options_string(mem, w->options));
		printf("  Referents:       %s style\n",
		       w->wire_style == ODJ_REFERENTS_SAMBA ? "Samba" : "Windows");
	} else {
		printf("  (no ODJ_WIN7BLOB: nothing to join with)\n");
	}
	printf("  Data entries:\n");
	for (uint32_t i = 0; i < prov->count; i++) {
		const struct odj_blob_entry *e = &prov->blobs[i];
		const char *fmt = e->format == ODJ_WIN7_FORMAT	 ? "ODJ_WIN7_FORMAT"
				  : e->format == ODJ_WIN8_FORMAT ? "ODJ_WIN8_FORMAT"
								 : "unknown";
		printf("    [%u] format %" PRIu32 " (%s), %" PRIu32 " bytes\n", i, e->format, fmt,
		       e->wire_cb);
		const struct odj_part_collection *c = e->package ? e->package->collection : NULL;
		for (uint32_t p = 0; c != NULL && p < c->count; p++)
			print_part(mem, p, &c->parts[p]);
	}
	for (uint32_t i = 0; i < prov->nwarnings; i++)
		printf("  Warning: %s\n", prov->warnings[i]);
}


void cli_print_manifest(const struct odj_bundle_manifest *m)
{
	printf("Bundle: %zu machine%s, domain %s, DC %s, created %s\n", m->count,
	       m->count == 1 ? "" : "s", or_none(m->domain), or_none(m->dc), or_none(m->created));
	for (size_t i = 0; i < m->count; i++) {
		const struct odj_bundle_machine *e = &m->machines[i];
		printf("  %-15s %-40s %-45s kvno %u  %s\n", e->machine, or_none(e->dns_host_name),
		       or_none(e->sid), e->kvno, e->file);
	}
}
