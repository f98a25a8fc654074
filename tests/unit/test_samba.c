/*
 * The Samba member's pure parts: MurmurHash3 and sssd's ID-mapping slice,
 * the smb.conf merge, and secrets.tdb built with libtdb (its bytes read back
 * with libtdb).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>
#include <tdb.h>

#include <odj/odj.h>

#include "apply_samba.h"
#include "test_apply_facts.h"
#include "unit_main.h"

#define TEST_SID "S-1-5-21-1004336348-1177238915-682003330"

/* Published MurmurHash3_x86_32 test vectors (SMHasher's verification inputs). */
static void murmur3_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		uint32_t seed, want;
	} v[] = {
		{"", 0, 0, 0},
		{"", 0, 1, 0x514E28B7},
		{"", 0, 0xffffffff, 0x81F16F39},
		{"\xff\xff\xff\xff", 4, 0, 0x76293B50},
		{"!Ce\x87", 4, 0, 0xF55B516B},
		{"aaaa", 4, 0x9747b28c, 0x5A97808A},
		{"Hello, world!", 13, 0x9747b28c, 0x24884CBA},
		{"The quick brown fox jumps over the lazy dog", 43, 0x9747b28c, 0x2FA826CD},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(odj_murmur3_32(v[i].in, v[i].len, v[i].seed), v[i].want);
}

/* Real sssd 2.8 mapped the test domain's administrator (RID 500) to 266800500. */
static void sssd_slice(void **state)
{
	(void)state;
	struct odj_idmap_slices s = ODJ_IDMAP_SLICES_DEFAULT;
	uint32_t lo, hi;
	assert_true(odj_idmap_sssd_range(TEST_SID, &s, &lo, &hi));
	assert_int_equal(lo, 266800000);
	assert_int_equal(hi, 266999999);
	s.size = 0;
	assert_false(odj_idmap_sssd_range(TEST_SID, &s, &lo, &hi));
}

static struct apply_facts facts(void)
{
	struct apply_facts f = client1_facts();
	f.netbios_domain = "ODJ";
	f.domain_sid = TEST_SID;
	f.domain_guid = "4b0d6f3e-5a1c-4f5e-9c61-2a7b8e0d0d01";
	return f;
}

static struct apply_file file(const void *data, size_t len)
{
	struct apply_file f = {0};
	if (data != NULL) {
		f.exists = true;
		f.data = (uint8_t *)data;
		f.len = len;
	}
	return f;
}

static void conf_merge(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct apply_facts f = facts();
	static const char old[] = "[GLOBAL]\n  NetBIOSName = OLD\n  Work Group = X\n"
				  "  server role = standalone server\n"
				  "  idmap config * : range = 300000-400000\n"
				  "[share]\n  path = /srv\n";
	struct apply_file o = file(old, strlen(old)), none = file(NULL, 0);
	struct samba_conf_result c;
	assert_int_equal(odj_samba_conf(ctx, mem, &f, &o, &none, &c), ODJ_OK);
	static const char want[] =
		"[global]\n"
		"  netbios name = CLIENT1\n"
		"  workgroup = ODJ\n"
		"  server role = member server\n"
		"  idmap config * : range = 300000-400000\n" /* the admin's: no overlap */
		"  security = ads\n"
		"  realm = ODJ.TEST\n"
		"  kerberos method = secrets and keytab\n"
		"  idmap config * : backend = tdb\n"
		"  idmap config ODJ : backend = rid\n"
		"  idmap config ODJ : range = 266800000-266999999\n"
		"  template shell = /bin/bash\n"
		"[share]\n"
		"  path = /srv\n";
	assert_string_equal(c.text, want);
	assert_int_equal(c.n_replaced, 3);
	assert_string_equal(c.replaced[0], "workgroup = X -> ODJ");
	assert_string_equal(c.replaced[1], "netbios name = OLD -> CLIENT1");
	assert_string_equal(c.replaced[2], "server role = standalone server -> member server");
	assert_string_equal(c.private_dir, ODJ_SAMBA_PRIVATE_DIR);
	/* Applying again changes nothing. */
	struct apply_file again = file(c.text, strlen(c.text));
	struct samba_conf_result c2;
	assert_int_equal(odj_samba_conf(ctx, mem, &f, &again, &none, &c2), ODJ_OK);
	assert_string_equal(c2.text, c.text);
	assert_int_equal(c2.n_replaced, 0);
	talloc_free(mem);
}

/* The staged file, written out and opened with libtdb. */
static struct tdb_context *open_staged(const struct odj_secret *s, char *path)
{
	strcpy(path, "/tmp/odj-test-secrets.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, odj_secret_data(s), odj_secret_len(s)), (ssize_t)odj_secret_len(s));
	close(fd);
	struct tdb_context *t = tdb_open(path, 0, TDB_DEFAULT, O_RDONLY, 0600);
	assert_non_null(t);
	return t;
}

static void expect(struct tdb_context *t, const char *key, const void *want, size_t len)
{
	TDB_DATA v = tdb_fetch(t, (TDB_DATA){(unsigned char *)key, strlen(key)});
	assert_non_null(v.dptr);
	assert_int_equal(v.dsize, len);
	assert_memory_equal(v.dptr, want, len);
	free(v.dptr);
}

static void secrets_build(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct apply_facts f = facts();
	static const uint8_t pw16[] = {'P', 0, 'w', 0, '1', 0, 0xe4, 0}; /* "Pw1ä" */
	f.password = odj_secret_dup(mem, pw16, sizeof(pw16));
	struct apply_file none = file(NULL, 0);
	struct samba_secrets_in in = {.f = &f, .old = &none, .now = 0x11223344};
	struct samba_secrets_out out;
	assert_int_equal(odj_samba_secrets(ctx, mem, &in, &out), ODJ_OK);
	assert_non_null(out.tdb);
	assert_int_equal(out.n_keys, 6); /* nothing to delete in a new file */
	char path[64];
	struct tdb_context *t = open_staged(out.tdb, path);
	static const uint8_t sid[68] = {1, 4, 0, 0, 0, 0, 0, 5, 0x15, 0, 0, 0, 0xdc, 0xf4, 0xdc,
					0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82, 0x8b, 0xa6, 0x28};
	static const uint8_t guid[16] = {0x3e, 0x6f, 0x0d, 0x4b, 0x1c, 0x5a, 0x5e, 0x4f,
					 0x9c, 0x61, 0x2a, 0x7b, 0x8e, 0x0d, 0x0d, 0x01};
	expect(t, "SECRETS/SID/ODJ", sid, sizeof(sid));
	expect(t, "SECRETS/DOMGUID/ODJ", guid, sizeof(guid));
	expect(t, "SECRETS/MACHINE_PASSWORD/ODJ", "Pw1\xc3\xa4", 6); /* UTF-8 and its NUL */
	expect(t, "SECRETS/MACHINE_LAST_CHANGE_TIME/ODJ", "\x44\x33\x22\x11", 4);
	expect(t, "SECRETS/MACHINE_SEC_CHANNEL_TYPE/ODJ", "\x02\0\0\0", 4);
	expect(t, "SECRETS/SALTING_PRINCIPAL/DES/ODJ.TEST", "host/client1.odj.test@ODJ.TEST", 31);
	tdb_close(t);
	unlink(path);

	/* The same join again, later: the file is already right (its change time kept). */
	struct apply_file old = file(odj_secret_data(out.tdb), odj_secret_len(out.tdb));
	struct samba_secrets_in again = {.f = &f, .old = &old, .now = 0x22334455,
					 .same_account = true};
	struct samba_secrets_out out2;
	assert_int_equal(odj_samba_secrets(ctx, mem, &again, &out2), ODJ_OK);
	assert_null(out2.tdb);

	/* Not a TDB: refused. */
	static const char junk[] = "not a tdb file at all, just text that is long enough";
	struct apply_file bad = file(junk, sizeof(junk));
	struct samba_secrets_in hostile = {.f = &f, .old = &bad, .now = 1};
	assert_int_equal(odj_samba_secrets(ctx, mem, &hostile, &out2), ODJ_E_CONFIG);
	talloc_free(mem);
}

UNIT_MAIN(
	cmocka_unit_test(murmur3_vectors),
	cmocka_unit_test(sssd_slice),
	cmocka_unit_test(conf_merge),
	cmocka_unit_test(secrets_build),
)
