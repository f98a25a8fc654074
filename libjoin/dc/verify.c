/* odj_verify: the steps in order; the local ones (record, sssd) and locate are here. */
#include <string.h>
#include <strings.h>
#include <time.h>

#include <odj/apply.h>
#include <odj/catalogue.h>

#include "session.h"
#include "target_config.h"
#include "verify_internal.h"

static const char *const step_names[ODJ_VERIFY_STEPS] = {
	"record", "locate", "clock", "tgt", "ticket", "account", "sssd",
};

const char *odj_verify_step_name(enum odj_verify_step_id id)
{
	return (unsigned)id < ODJ_VERIFY_STEPS ? step_names[id] : "?";
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static odj_result step_record(struct verify_run *v)
{
	odj_result r = odj_joined_load(v->ctx, v->mem, v->req->in.root, &v->j);
	if (r != ODJ_OK)
		return r;
	struct odj_joined *j = v->j;
	v->req->out.sam_account_name = j->sam;
	v->req->out.domain = j->domain;
	v->req->out.keytab_kvno = j->kt_kvno;
	odj_doing(v->ctx, "comparing the keytab %s with the join record", j->keytab_file);
	if (j->kt_kvno == 0)
		return odj_fail(v->ctx, ODJ_E_CONFIG, ODJ_NERR_SetupNotJoined,
				"the keytab %s has no key for %s", j->keytab_file, j->principal);
	char *missing = NULL;
	/* adcli or sssd may have rotated since: the keytab's newest kvno is the current one */
	if (j->kt_kvno < j->kvno || !odj_joined_keytab_has(j, j->kt_kvno, &missing, v->mem)) {
		odj_fail(v->ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA,
			 "the keytab %s and the join record disagree: %s%s", j->keytab_file,
			 missing ? "missing " : "",
			 missing ? missing
				 : talloc_asprintf(v->mem, "record kvno %u, keytab kvno %u", j->kvno,
						   j->kt_kvno));
		odj_error_advice(v->ctx, "The keytab was replaced or edited after the join. Apply the "
					 "machine's blob again, or provision it anew.");
		return ODJ_E_CONFIG;
	}
	v->req->out.rotation_pending = j->pending_kvno != 0;
	v->summary = talloc_asprintf(v->mem, "%s and %s (root only): %s in %s, keytab kvno %u%s",
				     j->record_file, j->keytab_file, j->sam, j->domain, j->kt_kvno,
				     j->kt_kvno > j->kvno ? talloc_asprintf(v->mem,
									    " (rotated since the join at kvno %u)",
									    j->kvno)
							  : "");
	return ODJ_OK;
}

static odj_result step_locate(struct verify_run *v)
{
	const char *how = NULL;
	struct odj_verify_req *q = v->req;
	odj_result r = odj_joined_locate(v->ctx, v->mem, v->j, q->in.dc, &v->d, &q->out.dc_name,
					 &q->out.dc_address, &q->out.site, &how);
	if (r != ODJ_OK)
		return r;
	v->summary = talloc_asprintf(v->mem, "%s (%s), %s, site %s", q->out.dc_name,
				     q->out.dc_address, how, q->out.site ? q->out.site : "(none)");
	return odj_joined_krb(v->ctx, v->mem, v->j, q->out.dc_address, &v->d, &v->krb);
}

static odj_result step_sssd(struct verify_run *v)
{
	struct odj_joined *j = v->j;
	char *path = strcmp(j->root, "/") == 0
			     ? talloc_strdup(v->mem, "/etc/sssd/sssd.conf")
			     : talloc_asprintf(v->mem, "%s/etc/sssd/sssd.conf", j->root);
	odj_doing(v->ctx, "reading %s", path);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return odj_fail(v->ctx, ODJ_E_CONFIG, ODJ_ERROR_FILE_NOT_FOUND,
				"sssd's configuration %s cannot be read", path);
	char *text = talloc_size(v->mem, ODJ_CONFIG_MAX_BYTES + 1);
	size_t n = text ? fread(text, 1, ODJ_CONFIG_MAX_BYTES, f) : 0;
	fclose(f);
	struct odj_ini *ini = NULL;
	odj_result r = odj_ini_parse(v->ctx, v->mem, path, text ? text : "", n, &ini);
	if (r != ODJ_OK)
		return r;
	char *section = talloc_asprintf(v->mem, "domain/%s", j->domain);
	const char *domains = odj_ini_get(v->mem, ini, "sssd", "domains");
	const char *keytab = odj_ini_get(v->mem, ini, section, "krb5_keytab");
	const char *ad_domain = odj_ini_get(v->mem, ini, section, "ad_domain");
	bool listed = false;
	for (char *save = NULL, *d = domains ? strtok_r(talloc_strdup(v->mem, domains), ", \t", &save)
					    : NULL;
	     d != NULL; d = strtok_r(NULL, ", \t", &save))
		listed = listed || strcasecmp(d, j->domain) == 0;
	const char *why = NULL;
	if (!odj_ini_has_section(ini, section))
		why = talloc_asprintf(v->mem, "it has no [%s] section", section);
	else if (!listed)
		why = talloc_asprintf(v->mem, "[sssd] domains = %s does not name %s",
				      domains ? domains : "(unset)", j->domain);
	else if (ad_domain != NULL && strcasecmp(ad_domain, j->domain) != 0)
		why = talloc_asprintf(v->mem, "ad_domain = %s, the join is to %s", ad_domain,
				      j->domain);
	else if (keytab ? strcmp(keytab, j->keytab) != 0
			: strcmp(j->keytab, ODJ_APPLY_DEFAULT_KEYTAB) != 0)
		why = talloc_asprintf(v->mem, "krb5_keytab = %s, the join's keytab is %s",
				      keytab ? keytab : "(default /etc/krb5.keytab)", j->keytab);
	if (why != NULL) {
		odj_fail(v->ctx, ODJ_E_CONFIG, ODJ_ERROR_INVALID_DATA, "%s does not match the join: %s",
			 path, why);
		odj_error_advice(v->ctx, "Apply the machine's blob again (odj-apply rewrites the "
					 "domain's section and keeps the rest), or fix %s by hand.",
				 path);
		return ODJ_E_CONFIG;
	}
	v->summary = talloc_asprintf(v->mem, "%s: [%s] listed in domains, keytab %s", path, section,
				     j->keytab);
	return ODJ_OK;
}

typedef odj_result (*step_fn)(struct verify_run *v);

odj_result odj_verify(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_verify_req *req)
{
	if (req == NULL || req->in.version != ODJ_VERIFY_VERSION)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"odj_verify: unknown request version");
	static const step_fn steps[ODJ_VERIFY_STEPS] = {
		step_record,	  step_locate,	      odj_verify_clock, odj_verify_tgt,
		odj_verify_ticket, odj_verify_account, step_sssd,
	};
	struct verify_run v = {.ctx = ctx, .mem = mem, .req = req, .d = req->in.deadlines};
	odj_deadlines_default(&v.d);
	req->out.failed = -1;
	odj_result result = ODJ_OK;
	for (int i = 0; i < ODJ_VERIFY_STEPS; i++) {
		struct odj_verify_step *s = &req->out.steps[i];
		s->id = (enum odj_verify_step_id)i;
		s->name = step_names[i];
		s->state = ODJ_VERIFY_SKIPPED;
		if (result != ODJ_OK)
			continue;
		double t0 = now_ms();
		v.summary = NULL;
		odj_result r = steps[i](&v);
		s->ms = now_ms() - t0;
		if (r == ODJ_OK) {
			s->state = ODJ_VERIFY_PASSED;
			s->summary = v.summary ? v.summary : talloc_strdup(mem, "ok");
		} else {
			s->state = ODJ_VERIFY_FAILED;
			s->summary = talloc_strdup(mem, odj_error_get(ctx)->message);
			req->out.failed = i;
			result = r;
		}
		odj_trace(ctx, "NetpVerifyJoin: step %s: %s: %s", s->name,
			  r == ODJ_OK ? "passed" : "failed", s->summary);
		if (req->in.on_step != NULL)
			req->in.on_step(req->in.on_step_priv, s);
	}
	talloc_free(v.krb);
	return result;
}
