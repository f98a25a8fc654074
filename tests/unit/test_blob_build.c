/*
 * odj_provision_build makes the blob Samba makes: rebuilt from the facts
 * decoded from samba-4.17-net-offlinejoin-ODJCLI01 (with Samba's Options 6),
 * it encodes to that vector's NDR byte for byte.
 */
#include "test_blob_util.h"

#include <odj/blob.h>
#include <odj/blob_build.h>
#include <odj/odj.h>

#include "unit_main.h"

static void rebuilds_the_samba_vector_byte_for_byte(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t flen, blen;
	uint8_t *file = vec_file(mem, "samba-4.17-net-offlinejoin-ODJCLI01.odj", &flen);
	uint8_t *bin = vec_file(mem, "samba-4.17-net-offlinejoin-ODJCLI01.bin", &blen);
	struct odj_provision *prov = NULL;
	assert_int_equal(odj_blob_load(ctx, mem, file, flen, &prov), ODJ_OK);
	const struct odj_win7blob *w = odj_provision_win7(prov);
	const struct odj_joinprov3 *jp3 = odj_provision_joinprov3(prov);
	assert_non_null(w);
	assert_non_null(jp3);

	struct odj_provision_facts f = {
		.domain_dns = w->domain,
		.domain_netbios = w->dns_domain_info.name.value,
		.forest = w->dns_domain_info.dns_forest_name.value,
		.domain_guid = w->dns_domain_info.domain_guid,
		.domain_sid = w->dns_domain_info.sid,
		.machine_name = w->machine_name,
		.password_utf16 = w->machine_password,
		.dc_name = w->dc_info.dc_name + 2,
		.dc_address = w->dc_info.dc_address + 2,
		.dc_flags = w->dc_info.flags & 0x1fffffffu,
		.dc_site = w->dc_info.dc_site_name,
		.client_site = w->dc_info.client_site_name,
		.options = 6,
		.rid = jp3->rid,
		.machine_sid = jp3->sid,
	};
	struct odj_provision *built = NULL;
	assert_int_equal(odj_provision_build(ctx, mem, &f, &built), ODJ_OK);
	struct odj_secret *ndr = NULL;
	assert_int_equal(odj_blob_encode(ctx, mem, built, NULL, &ndr), ODJ_OK);
	assert_int_equal(odj_secret_len(ndr), blen);
	assert_memory_equal(odj_secret_data(ndr), bin, blen);
	talloc_free(mem);
}

static void incomplete_facts_are_refused(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision_facts f = {.domain_dns = "odj.test"};
	struct odj_provision *built = NULL;
	assert_int_equal(odj_provision_build(ctx, mem, &f, &built), ODJ_E_UNEXPECTED);
	assert_null(built);
	assert_int_equal(odj_error_get(ctx)->status, ODJ_NERR_CantCreateJoinInfo);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(rebuilds_the_samba_vector_byte_for_byte),
	cmocka_unit_test(incomplete_facts_are_refused),
)
