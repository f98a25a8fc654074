/*
 * The keytab codec against MIT: a keytab written by ktutil (known answer),
 * keytabs written by libkrb5's own FILE writer, and odj's output read back
 * by libkrb5.  Damaged keytabs fail cleanly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <krb5.h>

#include <odj/join.h>
#include <odj/keys.h>
#include <odj/keytab.h>
#include <odj/odj.h>

#include "unit_main.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	uint8_t *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

static char *vector(const char *name)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/target/%s", getenv("ODJ_TESTDATA"), name);
	return path;
}

static void hex_equal(const struct odj_secret *key, const char *hex)
{
	char buf[200] = "";
	for (size_t i = 0; i < odj_secret_len(key); i++)
		sprintf(buf + 2 * i, "%02x", odj_secret_data(key)[i]);
	assert_string_equal(buf, hex);
}

/*
 * tests/vectors/target/ktutil-reference.keytab, made by MIT ktutil 1.20.1:
 *   addent -key -p HOST1$@EXAMPLE.ORG -k 3 -e aes128-cts-hmac-sha1-96
 *     (key 000102030405060708090a0b0c0d0e0f)
 *   addent -password -p host/host1.example.org@EXAMPLE.ORG -k 300
 *     -e aes256-cts-hmac-sha1-96 -s EXAMPLE.ORGhosthost1.example.org (password Secret-Pass1)
 */
static void ktutil_known_answer(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	uint8_t *data = slurp(vector("ktutil-reference.keytab"), &len);
	struct odj_keytab *kt;
	assert_int_equal(odj_keytab_parse(ctx, mem, data, len, &kt), ODJ_OK);
	assert_int_equal(kt->n, 2);
	assert_string_equal(odj_keytab_principal(mem, &kt->entries[0]), "HOST1$@EXAMPLE.ORG");
	assert_int_equal(kt->entries[0].kvno, 3);
	assert_int_equal(kt->entries[0].enctype, 17);
	assert_int_equal(kt->entries[0].name_type, ODJ_KRB5_NT_PRINCIPAL);
	hex_equal(kt->entries[0].key, "000102030405060708090a0b0c0d0e0f");
	assert_string_equal(odj_keytab_principal(mem, &kt->entries[1]),
			    "host/host1.example.org@EXAMPLE.ORG");
	assert_int_equal(kt->entries[1].kvno, 300); /* the 32-bit kvno wins over 300 & 0xff */
	assert_int_equal(kt->entries[1].enctype, 18);

	/* odj's key derivation gives ktutil's key for the same password and AD salt. */
	krb5_context kctx;
	assert_int_equal(krb5_init_context(&kctx), 0);
	const char *pw = "Secret-Pass1";
	struct odj_secret *u16 = odj_secret_new(mem, 2 * strlen(pw));
	for (size_t i = 0; i < strlen(pw); i++) {
		odj_secret_data(u16)[2 * i] = (uint8_t)pw[i];
		odj_secret_data(u16)[2 * i + 1] = 0;
	}
	char *salt = odj_krb5_salt(mem, "EXAMPLE.ORG", "HOST1$");
	assert_string_equal(salt, "EXAMPLE.ORGhosthost1.example.org");
	struct odj_keyset *ks;
	assert_int_equal(odj_keys_derive(ctx, mem, kctx, u16, salt, ODJ_ENCTYPE_AES256, &ks), ODJ_OK);
	assert_int_equal(ks->keys[0].block.length, odj_secret_len(kt->entries[1].key));
	assert_memory_equal(ks->keys[0].block.contents, odj_secret_data(kt->entries[1].key),
			    ks->keys[0].block.length);
	talloc_free(ks);
	krb5_free_context(kctx);

	/* Written again: byte for byte what ktutil wrote. */
	struct odj_secret *out;
	assert_int_equal(odj_keytab_serialize(ctx, mem, kt, &out), ODJ_OK);
	assert_int_equal(odj_secret_len(out), len);
	assert_memory_equal(odj_secret_data(out), data, len);
	free(data);
	talloc_free(mem);
}

/* odj writes, libkrb5 reads every entry back with the same principal, kvno, enctype, key. */
static void libkrb5_reads_odj_output(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_keytab *kt = odj_keytab_new(mem);
	const uint8_t k16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	const uint8_t k32[32] = {0xAA, 0xBB};
	assert_int_equal(odj_keytab_add(ctx, kt, "NAME$@ODJ.TEST", 2, 17, k16, 16, 1000), ODJ_OK);
	assert_int_equal(odj_keytab_add(ctx, kt, "host/name.odj.test@ODJ.TEST", 70000, 18, k32, 32,
					2000),
			 ODJ_OK);
	struct odj_secret *out;
	assert_int_equal(odj_keytab_serialize(ctx, mem, kt, &out), ODJ_OK);
	char path[] = "/tmp/odj-kt-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, odj_secret_data(out), odj_secret_len(out)),
			 (ssize_t)odj_secret_len(out));
	close(fd);

	krb5_context kctx;
	krb5_keytab ktab;
	krb5_kt_cursor cur;
	krb5_keytab_entry e;
	char name[300];
	snprintf(name, sizeof(name), "FILE:%s", path);
	assert_int_equal(krb5_init_context(&kctx), 0);
	assert_int_equal(krb5_kt_resolve(kctx, name, &ktab), 0);
	assert_int_equal(krb5_kt_start_seq_get(kctx, ktab, &cur), 0);
	size_t n = 0;
	while (krb5_kt_next_entry(kctx, ktab, &e, &cur) == 0) {
		char *p;
		assert_int_equal(krb5_unparse_name(kctx, e.principal, &p), 0);
		assert_string_equal(p, odj_keytab_principal(mem, &kt->entries[n]));
		assert_int_equal(e.vno, kt->entries[n].kvno);
		assert_int_equal(e.key.enctype, kt->entries[n].enctype);
		assert_int_equal(e.key.length, odj_secret_len(kt->entries[n].key));
		assert_memory_equal(e.key.contents, odj_secret_data(kt->entries[n].key), e.key.length);
		assert_int_equal(e.timestamp, kt->entries[n].timestamp);
		krb5_free_unparsed_name(kctx, p);
		krb5_free_keytab_entry_contents(kctx, &e);
		n++;
	}
	assert_int_equal(n, 2);
	krb5_kt_end_seq_get(kctx, ktab, &cur);
	krb5_kt_close(kctx, ktab);
	krb5_free_context(kctx);
	unlink(path);
	talloc_free(mem);
}

/* libkrb5 writes (krb5_kt_add_entry), odj reads the same entries; holes left by removal are skipped. */
static void odj_reads_libkrb5_output(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	char path[] = "/tmp/odj-kt-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	char name[300];
	snprintf(name, sizeof(name), "FILE:%s", path);
	krb5_context kctx;
	krb5_keytab ktab;
	assert_int_equal(krb5_init_context(&kctx), 0);
	assert_int_equal(krb5_kt_resolve(kctx, name, &ktab), 0);
	const char *princs[] = {"A$@R.TEST", "host/a.r.test@R.TEST", "cifs/B@R.TEST"};
	for (int i = 0; i < 3; i++) {
		krb5_keytab_entry e = {0};
		uint8_t key[16];
		memset(key, 0x10 + i, sizeof(key));
		assert_int_equal(krb5_parse_name(kctx, princs[i], &e.principal), 0);
		e.vno = (krb5_kvno)(i + 1);
		e.key.enctype = ENCTYPE_AES128_CTS_HMAC_SHA1_96;
		e.key.length = 16;
		e.key.contents = key;
		assert_int_equal(krb5_kt_add_entry(kctx, ktab, &e), 0);
		if (i == 1) {
			/* removed again: leaves a hole */
			assert_int_equal(krb5_kt_remove_entry(kctx, ktab, &e), 0);
		}
		krb5_free_principal(kctx, e.principal);
	}
	krb5_kt_close(kctx, ktab);
	krb5_free_context(kctx);
	size_t len;
	uint8_t *data = slurp(path, &len);
	struct odj_keytab *kt;
	assert_int_equal(odj_keytab_parse(ctx, mem, data, len, &kt), ODJ_OK);
	assert_int_equal(kt->n, 2);
	assert_string_equal(odj_keytab_principal(mem, &kt->entries[0]), "A$@R.TEST");
	assert_string_equal(odj_keytab_principal(mem, &kt->entries[1]), "cifs/B@R.TEST");
	assert_int_equal(kt->entries[1].kvno, 3);
	assert_int_equal(odj_secret_data(kt->entries[1].key)[0], 0x12);
	free(data);
	unlink(path);
	talloc_free(mem);
}

/* Damaged keytabs: a clear error with the offset, never a crash or an over-read. */
static void damaged_keytabs(void **state)
{
	(void)state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	size_t len;
	uint8_t *good = slurp(vector("ktutil-reference.keytab"), &len);
	struct odj_keytab *kt;
	/* every truncation either parses (cut at a record boundary) or fails cleanly */
	for (size_t cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, good, cut);
		odj_result r = odj_keytab_parse(ctx, mem, copy, cut, &kt);
		if (r != ODJ_OK) {
			assert_int_equal(r, ODJ_E_CONFIG);
			assert_int_equal(odj_error_get(ctx)->status, ODJ_ERROR_INVALID_DATA);
		}
		free(copy);
	}
	static const struct {
		const char *what;
		uint8_t bytes[24];
		size_t len;
	} bad[] = {
		{"version 0x0501", {0x05, 0x01, 0, 0, 0, 0}, 6},
		{"not a keytab", {'h', 'i'}, 2},
		{"record past the end", {0x05, 0x02, 0x00, 0x00, 0x10, 0x00, 0x00, 0x01}, 8},
		{"INT32_MIN length", {0x05, 0x02, 0x80, 0x00, 0x00, 0x00}, 6},
		{"zero components",
		 {0x05, 0x02, 0, 0, 0, 4, 0x00, 0x00, 0x00, 0x00},
		 10},
		{"realm past the record", {0x05, 0x02, 0, 0, 0, 4, 0x00, 0x01, 0x00, 0x09}, 10},
		{"NUL in a name",
		 {0x05, 0x02, 0, 0, 0, 8, 0x00, 0x01, 0x00, 0x01, 'R', 0x00, 0x01, 0x00},
		 14},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		odj_error_clear(ctx);
		assert_int_equal(odj_keytab_parse(ctx, mem, bad[i].bytes, bad[i].len, &kt),
				 ODJ_E_CONFIG);
		assert_non_null(strstr(odj_error_get(ctx)->message, "damaged"));
	}
	/* a hole followed by the end marker is an empty keytab */
	const uint8_t hole[] = {0x05, 0x02, 0xff, 0xff, 0xff, 0xfc, 0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(odj_keytab_parse(ctx, mem, hole, sizeof(hole), &kt), ODJ_OK);
	assert_int_equal(kt->n, 0);
	free(good);
	talloc_free(mem);
}

/* The fuzz corpus replayed here too: every seed parses or fails cleanly. */
static void fuzz_corpus_replays(void **state)
{
	(void)state;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/keytab", getenv("ODJ_SOURCE_DIR"));
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "ls %s", dir);
	FILE *ls = popen(cmd, "r");
	assert_non_null(ls);
	char name[512];
	size_t n = 0;
	while (fgets(name, sizeof(name), ls) != NULL) {
		name[strcspn(name, "\n")] = '\0';
		char path[4700];
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		TALLOC_CTX *mem = talloc_new(NULL);
		struct odj_ctx *ctx = odj_ctx_new(mem);
		size_t len;
		uint8_t *data = slurp(path, &len);
		struct odj_keytab *kt;
		if (odj_keytab_parse(ctx, mem, data, len, &kt) == ODJ_OK) {
			struct odj_secret *out;
			assert_int_equal(odj_keytab_serialize(ctx, mem, kt, &out), ODJ_OK);
		}
		free(data);
		talloc_free(mem);
		n++;
	}
	pclose(ls);
	assert_true(n >= 3);
}

UNIT_MAIN(
	cmocka_unit_test(ktutil_known_answer),
	cmocka_unit_test(libkrb5_reads_odj_output),
	cmocka_unit_test(odj_reads_libkrb5_output),
	cmocka_unit_test(damaged_keytabs),
	cmocka_unit_test(fuzz_corpus_replays),
)
