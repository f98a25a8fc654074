/*
 * gss_probe KEYTAB PRINCIPAL [KVNO_SHIFT]
 *
 * The initiator (the default ccache: an administrator's TGT) asks for a
 * ticket to PRINCIPAL ("host/pc1.odj.test@ODJ.TEST"); the acceptor names
 * PRINCIPAL explicitly and takes its keys from KEYTAB.  With KVNO_SHIFT the
 * acceptor sees the keytab's entries with their kvno raised by that much,
 * which must make it fail: so a success proves the keytab's kvno as well as
 * its keys.  Exit 0 when the context is accepted.
 */
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *what, OM_uint32 major, OM_uint32 minor)
{
	OM_uint32 m, ctx = 0;
	gss_buffer_desc b;
	fprintf(stderr, "%s:", what);
	do {
		gss_display_status(&m, major, GSS_C_GSS_CODE, GSS_C_NO_OID, &ctx, &b);
		fprintf(stderr, " %.*s", (int)b.length, (char *)b.value);
		gss_release_buffer(&m, &b);
	} while (ctx != 0);
	do {
		gss_display_status(&m, minor, GSS_C_MECH_CODE, GSS_C_NO_OID, &ctx, &b);
		fprintf(stderr, " (%.*s)", (int)b.length, (char *)b.value);
		gss_release_buffer(&m, &b);
	} while (ctx != 0);
	fprintf(stderr, "\n");
}

/* A MEMORY keytab with every entry of src, kvno + shift. */
static krb5_keytab shifted(krb5_context k, const char *src_name, int shift)
{
	krb5_keytab src, dst;
	krb5_kt_cursor cur;
	krb5_keytab_entry e;
	if (krb5_kt_resolve(k, src_name, &src) || krb5_kt_resolve(k, "MEMORY:gss-probe", &dst) ||
	    krb5_kt_start_seq_get(k, src, &cur))
		return NULL;
	while (krb5_kt_next_entry(k, src, &e, &cur) == 0) {
		e.vno += (krb5_kvno)shift;
		krb5_kt_add_entry(k, dst, &e);
		krb5_free_keytab_entry_contents(k, &e);
	}
	krb5_kt_end_seq_get(k, src, &cur);
	krb5_kt_close(k, src);
	return dst;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: gss_probe KEYTAB PRINCIPAL [KVNO_SHIFT]\n");
		return 2;
	}
	int shift = argc > 3 ? atoi(argv[3]) : 0;
	krb5_context k;
	krb5_principal acceptor;
	if (krb5_init_context(&k) || krb5_parse_name(k, argv[2], &acceptor))
		return 2;
	char *ktname = NULL;
	if (asprintf(&ktname, "FILE:%s", argv[1]) < 0)
		return 2;
	krb5_keytab kt = NULL;
	if (shift != 0)
		kt = shifted(k, ktname, shift);
	else if (krb5_kt_resolve(k, ktname, &kt))
		kt = NULL;
	if (kt == NULL) {
		fprintf(stderr, "cannot read %s\n", ktname);
		return 2;
	}

	OM_uint32 major, minor;
	gss_name_t target;
	gss_buffer_desc nb = {strlen(argv[2]), argv[2]};
	major = gss_import_name(&minor, &nb, (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME, &target);
	if (GSS_ERROR(major)) {
		show("import_name", major, minor);
		return 2;
	}
	gss_ctx_id_t ictx = GSS_C_NO_CONTEXT, actx = GSS_C_NO_CONTEXT;
	gss_buffer_desc tok = GSS_C_EMPTY_BUFFER, reply = GSS_C_EMPTY_BUFFER;
	major = gss_init_sec_context(&minor, GSS_C_NO_CREDENTIAL, &ictx, target,
				     (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG, 0, NULL, GSS_C_NO_BUFFER,
				     NULL, &tok, NULL, NULL);
	if (GSS_ERROR(major)) {
		show("init_sec_context (getting the service ticket)", major, minor);
		return 2;
	}
	/* The acceptor names its principal: no keytab entry of another name is used. */
	gss_cred_id_t acred = GSS_C_NO_CREDENTIAL;
	major = gss_krb5_import_cred(&minor, NULL, acceptor, kt, &acred);
	if (GSS_ERROR(major)) {
		show("import_cred (acceptor)", major, minor);
		return 1;
	}
	gss_name_t src = GSS_C_NO_NAME;
	major = gss_accept_sec_context(&minor, &actx, acred, &tok, GSS_C_NO_CHANNEL_BINDINGS, &src,
				       NULL, &reply, NULL, NULL, NULL);
	if (GSS_ERROR(major)) {
		show("accept_sec_context", major, minor);
		return 1;
	}
	gss_buffer_desc who;
	gss_display_name(&minor, src, &who, NULL);
	printf("accepted a context from %.*s for %s (kvno shift %d)\n", (int)who.length,
	       (char *)who.value, argv[2], shift);
	gss_release_buffer(&minor, &who);
	gss_release_buffer(&minor, &tok);
	gss_release_buffer(&minor, &reply);
	gss_release_name(&minor, &src);
	gss_release_name(&minor, &target);
	gss_release_cred(&minor, &acred);
	gss_delete_sec_context(&minor, &ictx, GSS_C_NO_BUFFER);
	gss_delete_sec_context(&minor, &actx, GSS_C_NO_BUFFER);
	krb5_kt_close(k, kt);
	krb5_free_principal(k, acceptor);
	krb5_free_context(k);
	free(ktname);
	return 0;
}
