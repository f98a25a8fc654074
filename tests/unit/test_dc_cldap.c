/*
 * The netlogon ping codec: request bytes, reply datagrams and the
 * NETLOGON_SAM_LOGON_RESPONSE_EX decoder, on replies recorded from the test
 * DC (tests/vectors/cldap) and on hostile variants of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <odj/locate.h>

#include "unit_main.h"

/* A file of tests/vectors, whole, on mem. */
static uint8_t *vector_read(TALLOC_CTX *mem, const char *name, size_t *len)
{
	const char *dir = getenv("ODJ_TESTDATA");
	assert_non_null(dir);
	char *path = talloc_asprintf(mem, "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open %s", path);
	uint8_t *buf = talloc_size(mem, 65536);
	*len = fread(buf, 1, 65536, fp);
	fclose(fp);
	assert_true(*len > 0);
	return buf;
}

/* The 88-byte netlogon value of prepare-probes.md §4, as printed there. */
static const uint8_t probe_blob[88] = {
	0x17, 0x00, 0x00, 0x00, 0xfd, 0x13, 0x00, 0x00, 0x3e, 0x6f, 0x0d, 0x4b, 0x1c, 0x5a, 0x5e,
	0x4f, 0x9c, 0x61, 0x2a, 0x7b, 0x8e, 0x0d, 0x0d, 0x01, 0x03, 0x6f, 0x64, 0x6a, 0x04, 0x74,
	0x65, 0x73, 0x74, 0x00, 0xc0, 0x18, 0x03, 0x64, 0x63, 0x31, 0xc0, 0x18, 0x03, 0x4f, 0x44,
	0x4a, 0x00, 0x03, 0x44, 0x43, 0x31, 0x00, 0x00, 0x17, 0x44, 0x65, 0x66, 0x61, 0x75, 0x6c,
	0x74, 0x2d, 0x46, 0x69, 0x72, 0x73, 0x74, 0x2d, 0x53, 0x69, 0x74, 0x65, 0x2d, 0x4e, 0x61,
	0x6d, 0x65, 0x00, 0xc0, 0x35, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff};

#define MSGID 0x1267

struct fixture {
	TALLOC_CTX *mem;
	struct odj_ctx *ctx;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->mem = talloc_new(NULL);
	f->ctx = odj_ctx_new(f->mem);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	talloc_free(f->mem);
	free(f);
	return 0;
}

static void assert_error(struct odj_ctx *ctx, odj_result rc, odj_result want, odj_status status)
{
	assert_int_equal(rc, want);
	assert_int_equal(odj_error_get(ctx)->status, status);
	odj_error_clear(ctx);
}

static void encoder_reproduces_the_probe_request(void **state)
{
	struct fixture *f = *state;
	size_t want_len, len;
	uint8_t *want = vector_read(f->mem, "cldap/request-msgid-1267.ber", &want_len);
	uint8_t *got;
	assert_int_equal(odj_cldap_request_encode(f->ctx, f->mem, MSGID, "odj.test", NULL, 0,
						  ODJ_NETLOGON_NT_VERSION_DEFAULT, &got, &len),
			 ODJ_OK);
	assert_int_equal(len, 77);
	assert_int_equal(want_len, 77);
	assert_memory_equal(got, want, 77);

	want = vector_read(f->mem, "cldap/request-user-nope.ber", &want_len);
	assert_int_equal(odj_cldap_request_encode(f->ctx, f->mem, MSGID, "odj.test", "NOPE$",
						  ODJ_USER_WORKSTATION_TRUST_ACCOUNT,
						  ODJ_NETLOGON_NT_VERSION_DEFAULT, &got, &len),
			 ODJ_OK);
	assert_int_equal(len, 105);
	assert_memory_equal(got, want, 105);
	/* The AAC value travels little-endian right after its name. */
	assert_int_equal(odj_cldap_request_encode(f->ctx, f->mem, MSGID, "odj.test", "NOPE$",
						  ODJ_AAC_COMPUTER, ODJ_NETLOGON_NT_VERSION_DEFAULT,
						  &got, &len),
			 ODJ_OK);
	const uint8_t *aac = memmem(got, len, "AAC\x04\x04", 5);
	assert_non_null(aac);
	assert_memory_equal(aac + 5, "\x80\x01\x00\x00", 4);
}

static void recorded_reply_gives_the_probe_blob(void **state)
{
	struct fixture *f = *state;
	size_t len, nl_len;
	uint8_t *dgram = vector_read(f->mem, "cldap/reply-msgid-1267.dgram", &len);
	assert_int_equal(len, 131);
	uint8_t *nl;
	bool done;
	assert_int_equal(odj_cldap_reply_parse(f->ctx, f->mem, MSGID, dgram, len, &nl, &nl_len, &done),
			 ODJ_OK);
	assert_true(done);
	assert_int_equal(nl_len, 88);
	assert_memory_equal(nl, probe_blob, 88);

	/* Another message id: nothing of ours in it. */
	assert_int_equal(odj_cldap_reply_parse(f->ctx, f->mem, MSGID + 1, dgram, len, &nl, &nl_len,
					       &done),
			 ODJ_OK);
	assert_null(nl);
	assert_false(done);
}

static void decodes_every_field_of_the_probe_blob(void **state)
{
	struct fixture *f = *state;
	struct odj_netlogon_info *info;
	assert_int_equal(odj_netlogon_decode(f->ctx, f->mem, probe_blob, sizeof(probe_blob),
					     ODJ_NETLOGON_NT_VERSION_DEFAULT, &info),
			 ODJ_OK);
	assert_int_equal(info->opcode, ODJ_LOGON_SAM_LOGON_RESPONSE_EX);
	assert_true(info->user_exists);
	assert_int_equal(info->flags, 0x13fd);
	char guid[37];
	odj_netlogon_guid_string(info, guid);
	assert_string_equal(guid, "4b0d6f3e-5a1c-4f5e-9c61-2a7b8e0d0d01");
	assert_string_equal(info->forest, "odj.test");
	assert_string_equal(info->domain, "odj.test");
	assert_string_equal(info->dc_host, "dc1.odj.test");
	assert_string_equal(info->netbios_domain, "ODJ");
	assert_string_equal(info->netbios_computer, "DC1");
	assert_string_equal(info->user, "");
	assert_string_equal(info->dc_site, "Default-First-Site-Name");
	assert_string_equal(info->client_site, "Default-First-Site-Name");
	assert_false(info->has_dc_address);
	assert_null(info->next_closest_site);
	assert_int_equal(info->nt_version, 5);
	assert_int_equal(info->lm_nt_token, 0xffff);
	assert_int_equal(info->lm20_token, 0xffff);
	assert_int_equal(odj_netlogon_check_dc(f->ctx, info, "ODJ.TEST", NULL), ODJ_OK);
}

static struct odj_netlogon_info *decode_vector(struct fixture *f, const char *name, uint32_t ntver)
{
	size_t len, nl_len;
	uint8_t *dgram = vector_read(f->mem, name, &len);
	uint8_t *nl;
	bool done;
	assert_int_equal(odj_cldap_reply_parse(f->ctx, f->mem, MSGID, dgram, len, &nl, &nl_len, &done),
			 ODJ_OK);
	assert_non_null(nl);
	struct odj_netlogon_info *info;
	assert_int_equal(odj_netlogon_decode(f->ctx, f->mem, nl, nl_len, ntver, &info), ODJ_OK);
	return info;
}

static void opcode_25_means_the_user_is_unknown(void **state)
{
	struct fixture *f = *state;
	struct odj_netlogon_info *info =
		decode_vector(f, "cldap/reply-user-unknown.dgram", ODJ_NETLOGON_NT_VERSION_DEFAULT);
	assert_int_equal(info->opcode, ODJ_LOGON_SAM_USER_UNKNOWN_EX);
	assert_false(info->user_exists);
	assert_string_equal(info->user, "NOPE$");
	assert_string_equal(info->dc_host, "dc1.odj.test");
	/* An unknown user does not make the DC unusable. */
	assert_int_equal(odj_netlogon_check_dc(f->ctx, info, "odj.test", NULL), ODJ_OK);
}

static void ntver_with_ip_and_closest_site(void **state)
{
	struct fixture *f = *state;
	struct odj_netlogon_info *info = decode_vector(
		f, "cldap/reply-ntver-1e.dgram",
		ODJ_NETLOGON_NT_VERSION_DEFAULT | ODJ_NETLOGON_NT_VERSION_5EX_WITH_IP |
			ODJ_NETLOGON_NT_VERSION_WITH_CLOSEST_SITE);
	assert_true(info->has_dc_address);
	assert_string_equal(info->dc_address, "127.0.0.4");
	/* Samba leaves NextClosestSiteName out: the trailer follows the address. */
	assert_null(info->next_closest_site);
	assert_int_equal(info->nt_version, 0x0d);
	assert_string_equal(info->client_site, "Default-First-Site-Name");
}

static void wrong_domain_reply_has_no_entry(void **state)
{
	struct fixture *f = *state;
	size_t len, nl_len;
	uint8_t *dgram = vector_read(f->mem, "cldap/reply-wrong-domain.dgram", &len);
	assert_int_equal(len, 15);
	uint8_t *nl;
	bool done;
	assert_int_equal(odj_cldap_reply_parse(f->ctx, f->mem, MSGID, dgram, len, &nl, &nl_len, &done),
			 ODJ_OK);
	assert_null(nl);
	assert_true(done);
}

static void search_done_with_an_error_is_refused(void **state)
{
	struct fixture *f = *state;
	/* SearchResultDone, resultCode 32 (noSuchObject), diagnostic "x". */
	static const uint8_t dgram[] = {0x30, 0x0e, 0x02, 0x02, 0x12, 0x67, 0x65, 0x08,
					0x0a, 0x01, 0x20, 0x04, 0x00, 0x04, 0x01, 'x'};
	uint8_t *nl;
	size_t nl_len;
	bool done;
	odj_result rc = odj_cldap_reply_parse(f->ctx, f->mem, MSGID, dgram, sizeof(dgram), &nl,
					      &nl_len, &done);
	assert_int_equal(odj_error_get(f->ctx)->source_code, 32);
	assert_string_equal(odj_error_get(f->ctx)->detail, "x");
	assert_error(f->ctx, rc, ODJ_E_DIRECTORY, ODJ_ERROR_NO_SUCH_DOMAIN);
}

static void truncated_datagrams_are_rejected(void **state)
{
	struct fixture *f = *state;
	size_t len, nl_len;
	uint8_t *dgram = vector_read(f->mem, "cldap/reply-msgid-1267.dgram", &len);
	const size_t first = 2 + dgram[1]; /* the SearchResultEntry message */
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = talloc_memdup(f->mem, dgram, cut ? cut : 1);
		uint8_t *nl;
		bool done;
		odj_result rc = odj_cldap_reply_parse(f->ctx, f->mem, MSGID, copy, cut, &nl,
						      &nl_len, &done);
		if (cut == first) {
			/* The entry alone is a whole message. */
			assert_int_equal(rc, ODJ_OK);
			assert_int_equal(nl_len, 88);
			assert_false(done);
		} else {
			assert_error(f->ctx, rc, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
		}
		talloc_free(copy);
	}
}

static void truncated_blobs_are_rejected(void **state)
{
	struct fixture *f = *state;
	for (size_t cut = 0; cut < sizeof(probe_blob); cut++) {
		uint8_t *copy = talloc_memdup(f->mem, probe_blob, cut ? cut : 1);
		struct odj_netlogon_info *info = NULL;
		odj_result rc = odj_netlogon_decode(f->ctx, f->mem, copy, cut,
						    ODJ_NETLOGON_NT_VERSION_DEFAULT, &info);
		assert_null(info);
		assert_error(f->ctx, rc, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
		talloc_free(copy);
	}
	/* The sockaddr the request asked for is missing: the trailer is too short. */
	struct odj_netlogon_info *info = NULL;
	odj_result rc = odj_netlogon_decode(f->ctx, f->mem, probe_blob, sizeof(probe_blob),
					    ODJ_NETLOGON_NT_VERSION_DEFAULT |
						    ODJ_NETLOGON_NT_VERSION_5EX_WITH_IP |
						    ODJ_NETLOGON_NT_VERSION_WITH_CLOSEST_SITE,
					    &info);
	assert_error(f->ctx, rc, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
}

/* The probe blob with bytes [at, at+n) replaced. */
static odj_result decode_patched(struct fixture *f, size_t at, const uint8_t *bytes, size_t n)
{
	uint8_t copy[sizeof(probe_blob)];
	memcpy(copy, probe_blob, sizeof(copy));
	memcpy(copy + at, bytes, n);
	struct odj_netlogon_info *info = NULL;
	odj_result rc = odj_netlogon_decode(f->ctx, f->mem, copy, sizeof(copy),
					    ODJ_NETLOGON_NT_VERSION_DEFAULT, &info);
	if (rc != ODJ_OK)
		assert_null(info);
	return rc;
}

static void hostile_names_are_rejected(void **state)
{
	struct fixture *f = *state;
	/* DnsDomainName (offset 34) pointing at itself, forwards, and at a loop. */
	static const uint8_t self[] = {0xc0, 0x22}, fwd[] = {0xc0, 0x30};
	assert_error(f->ctx, decode_patched(f, 34, self, 2), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
	assert_error(f->ctx, decode_patched(f, 34, fwd, 2), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
	/* "dc1" + pointer back to its own label: a loop through a label. */
	static const uint8_t loop[] = {0xc0, 0x24};
	assert_error(f->ctx, decode_patched(f, 40, loop, 2), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
	/* Reserved label types 0x40 and 0x80. */
	static const uint8_t ext[] = {0x43}, rsv[] = {0x83};
	assert_error(f->ctx, decode_patched(f, 24, ext, 1), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
	assert_error(f->ctx, decode_patched(f, 24, rsv, 1), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
	/* A dot or a control character inside a label. */
	static const uint8_t dot[] = {'.'}, ctl[] = {0x0a};
	assert_error(f->ctx, decode_patched(f, 25, dot, 1), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
	assert_error(f->ctx, decode_patched(f, 25, ctl, 1), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
	/* A label longer than the blob. */
	static const uint8_t big[] = {0x3f};
	assert_error(f->ctx, decode_patched(f, 53, big, 1), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
	/* An opcode that is not a SAM logon response. */
	static const uint8_t op[] = {0x13, 0x00};
	assert_error(f->ctx, decode_patched(f, 0, op, 2), ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
}

static void names_longer_than_255_bytes_are_rejected(void **state)
{
	struct fixture *f = *state;
	/* Header, then a forest name of 5 labels of 63 bytes (321 bytes). */
	uint8_t blob[24 + 5 * 64 + 1];
	memcpy(blob, probe_blob, 24);
	for (size_t i = 0; i < 5; i++) {
		blob[24 + i * 64] = 63;
		memset(blob + 24 + i * 64 + 1, 'a', 63);
	}
	blob[sizeof(blob) - 1] = 0;
	struct odj_netlogon_info *info = NULL;
	odj_result rc = odj_netlogon_decode(f->ctx, f->mem, blob, sizeof(blob),
					    ODJ_NETLOGON_NT_VERSION_DEFAULT, &info);
	assert_non_null(strstr(odj_error_get(f->ctx)->message, "255"));
	assert_error(f->ctx, rc, ODJ_E_NETWORK, ODJ_ERROR_INVALID_DATA);
}

static struct odj_netlogon_info *probe_info(struct fixture *f)
{
	struct odj_netlogon_info *info;
	assert_int_equal(odj_netlogon_decode(f->ctx, f->mem, probe_blob, sizeof(probe_blob),
					     ODJ_NETLOGON_NT_VERSION_DEFAULT, &info),
			 ODJ_OK);
	return info;
}

static void a_dc_without_the_writable_flag_is_refused(void **state)
{
	struct fixture *f = *state;
	struct odj_netlogon_info *info = probe_info(f);
	/* An RODC: no WRITABLE, no FULL_SECRET, but SELECT_SECRET. */
	info->flags = (0x13fd & ~(ODJ_DS_WRITABLE_FLAG | ODJ_DS_FULL_SECRET_DOMAIN_6_FLAG)) |
		      ODJ_DS_SELECT_SECRET_DOMAIN_6_FLAG;
	odj_result rc = odj_netlogon_check_dc(f->ctx, info, "odj.test", "rodc1.odj.test");
	const struct odj_error *e = odj_error_get(f->ctx);
	assert_non_null(strstr(e->message, "rodc1.odj.test is not a writable domain controller"));
	assert_non_null(strstr(e->message, "DS_WRITABLE_FLAG"));
	assert_non_null(strstr(e->detail, "DS_SELECT_SECRET_DOMAIN_6_FLAG"));
	assert_error(f->ctx, rc, ODJ_E_DIRECTORY, ODJ_ERROR_INVALID_DOMAIN_ROLE);
}

static void a_dc_without_ldap_or_kdc_names_what_is_missing(void **state)
{
	struct fixture *f = *state;
	struct odj_netlogon_info *info = probe_info(f);
	info->flags = 0x13fd & ~(ODJ_DS_LDAP_FLAG | ODJ_DS_KDC_FLAG);
	odj_result rc = odj_netlogon_check_dc(f->ctx, info, "odj.test", NULL);
	const struct odj_error *e = odj_error_get(f->ctx);
	assert_non_null(strstr(e->message, "dc1.odj.test is not a full domain controller"));
	assert_non_null(strstr(e->message, "lack DS_LDAP_FLAG, DS_KDC_FLAG"));
	assert_error(f->ctx, rc, ODJ_E_DIRECTORY, ODJ_ERROR_INVALID_DOMAIN_ROLE);
}

static void another_domain_or_a_paused_netlogon_is_refused(void **state)
{
	struct fixture *f = *state;
	struct odj_netlogon_info *info = probe_info(f);
	assert_error(f->ctx, odj_netlogon_check_dc(f->ctx, info, "other.test", NULL), ODJ_E_NETWORK,
		     ODJ_ERROR_NO_SUCH_DOMAIN);
	info->opcode = ODJ_LOGON_SAM_PAUSE_RESPONSE_EX;
	assert_error(f->ctx, odj_netlogon_check_dc(f->ctx, info, "odj.test", NULL), ODJ_E_NETWORK,
		     ODJ_ERROR_DOMAIN_CONTROLLER_NOT_FOUND);
}

UNIT_MAIN(
	FIXTURE_TEST(encoder_reproduces_the_probe_request),
	FIXTURE_TEST(recorded_reply_gives_the_probe_blob),
	FIXTURE_TEST(decodes_every_field_of_the_probe_blob),
	FIXTURE_TEST(opcode_25_means_the_user_is_unknown),
	FIXTURE_TEST(ntver_with_ip_and_closest_site),
	FIXTURE_TEST(wrong_domain_reply_has_no_entry),
	FIXTURE_TEST(search_done_with_an_error_is_refused),
	FIXTURE_TEST(truncated_datagrams_are_rejected),
	FIXTURE_TEST(truncated_blobs_are_rejected),
	FIXTURE_TEST(hostile_names_are_rejected),
	FIXTURE_TEST(names_longer_than_255_bytes_are_rejected),
	FIXTURE_TEST(a_dc_without_the_writable_flag_is_refused),
	FIXTURE_TEST(a_dc_without_ldap_or_kdc_names_what_is_missing),
	FIXTURE_TEST(another_domain_or_a_paused_netlogon_is_refused),
)
