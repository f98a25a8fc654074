/*
 * make_bundle OUT BLOB...: a bundle of the given blob files written by the
 * bundle writer odj-prepare --bundle uses (odj_bundle_create/add/finish), with
 * each machine's name, SID and kvno read from its blob.  The command-line
 * tests take bundles apart without a DC.
 */
#include <stdio.h>
#include <string.h>

#include <odj/blob.h>
#include <odj/bundle.h>

#include "driver.h"

int main(int argc, char **argv)
{
	driver_need_args(argc, 3, "make_bundle OUT BLOB...");
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_bundle_info info = {.domain = "odj.test", .dc = "dc1.odj.test"};
	struct odj_bundle_writer *w = NULL;
	odj_result r = odj_bundle_create(ctx, mem, argv[1], &info, &w);
	for (int i = 2; r == ODJ_OK && i < argc; i++) {
		struct odj_secret *file;
		struct odj_provision *prov;
		r = odj_blob_read_file(ctx, mem, argv[i], &file);
		if (r == ODJ_OK)
			r = odj_blob_load(ctx, mem, odj_secret_data(file), odj_secret_len(file), &prov);
		if (r != ODJ_OK)
			break;
		const struct odj_win7blob *win7 = odj_provision_win7(prov);
		const struct odj_joinprov3 *j3 = odj_provision_joinprov3(prov);
		const struct odj_linux_part *lp = odj_provision_linux_part(prov);
		struct odj_bundle_machine m = {
			.machine = win7 ? win7->machine_name : NULL,
			.dns_host_name = lp ? lp->dns_host_name : NULL,
			.sid = j3 ? j3->sid : NULL,
			.kvno = lp ? lp->kvno : 1,
		};
		r = odj_bundle_add(w, &m, odj_secret_data(file), odj_secret_len(file));
	}
	if (r == ODJ_OK)
		r = odj_bundle_finish(w);
	if (r != ODJ_OK) {
		char *text = odj_error_format(mem, ctx);
		fprintf(stderr, "make_bundle: %s\n", text);
	}
	talloc_free(mem);
	return r;
}
