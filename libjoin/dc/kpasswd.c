/* kpasswd in a child process, pinned to the DC, killed at the deadline. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <odj/catalogue.h>
#include <odj/locate.h>

#include "kpasswd.h"

struct kpasswd_answer {
	int32_t ret;         /* krb5_error_code of the call */
	int32_t result_code; /* RFC 3244 result code */
	char text[256];      /* result string, NUL-terminated */
};

static void child(int fd, const char *conf, const char *ccache, const char *principal,
		  const char *password)
{
	struct kpasswd_answer a;
	memset(&a, 0, sizeof(a));
	setenv("KRB5_CONFIG", conf, 1);
	krb5_context k = NULL;
	krb5_ccache cc = NULL;
	krb5_principal target = NULL;
	krb5_data code_string = {0}, result_string = {0};
	int result_code = 0;
	a.ret = krb5_init_context(&k);
	if (a.ret == 0)
		a.ret = krb5_cc_resolve(k, ccache, &cc);
	if (a.ret == 0 && principal != NULL) {
		a.ret = krb5_parse_name(k, principal, &target);
		if (a.ret == 0)
			a.ret = krb5_set_password_using_ccache(k, cc, password, target, &result_code,
							       &code_string, &result_string);
	} else if (a.ret == 0) {
		/* RFC 3244 change-password of the ccache's own principal, with the
		 * initial kadmin/changepw ticket already in the ccache */
		krb5_creds match, creds;
		memset(&match, 0, sizeof(match));
		memset(&creds, 0, sizeof(creds));
		a.ret = krb5_cc_get_principal(k, cc, &match.client);
		if (a.ret == 0)
			a.ret = krb5_build_principal(k, &match.server, match.client->realm.length,
						     match.client->realm.data, "kadmin", "changepw",
						     NULL);
		if (a.ret == 0)
			a.ret = krb5_cc_retrieve_cred(k, cc, 0, &match, &creds);
		if (a.ret == 0)
			a.ret = krb5_change_password(k, &creds, password, &result_code, &code_string,
						     &result_string);
	}
	a.result_code = result_code;
	if (a.ret != 0 && k != NULL) {
		const char *msg = krb5_get_error_message(k, a.ret);
		snprintf(a.text, sizeof(a.text), "%s", msg);
		krb5_free_error_message(k, msg);
	} else {
		/* AD answers a policy refusal with a binary policy block, not text:
		 * MIT's krb5_chpw_message turns either into words. */
		char *why = NULL;
		if (result_string.length > 0 && krb5_chpw_message(k, &result_string, &why) != 0)
			why = NULL;
		snprintf(a.text, sizeof(a.text), "%.*s%s%s", (int)code_string.length,
			 code_string.data ? code_string.data : "", why && *why ? ": " : "",
			 why ? why : "");
		krb5_free_string(k, why);
	}
	ssize_t n = write(fd, &a, sizeof(a));
	(void)n;
	_exit(0);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

odj_result odj_kpasswd_change(struct odj_ctx *ctx, struct odj_krb *krb, const char *realm,
			      const char *dc_address, const struct odj_secret *password_utf8,
			      int deadline_ms)
{
	return odj_kpasswd_set(ctx, krb, realm, dc_address, NULL, password_utf8, deadline_ms);
}

odj_result odj_kpasswd_set(struct odj_ctx *ctx, struct odj_krb *krb, const char *realm,
			   const char *dc_address, const char *principal,
			   const struct odj_secret *password_utf8, int deadline_ms)
{
	TALLOC_CTX *tmp = talloc_new(ctx);
	const char *base = getenv("TMPDIR");
	char *dir = talloc_asprintf(tmp, "%s/odj-kpasswd-XXXXXX", base && *base ? base : "/tmp");
	const char *who = principal ? principal : odj_krb_client(krb);
	if (who == NULL)
		who = "the session's principal";
	odj_doing(ctx, "%s the password of %s with kpasswd at %s:464",
		  principal ? "setting" : "changing", who, dc_address);
	if (mkdtemp(dir) == NULL) {
		talloc_free(tmp);
		return odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
				"cannot create a private directory: %s", strerror(errno));
	}
	char *conf = talloc_asprintf(tmp, "%s/krb5.conf", dir);
	char *kdc = odj_address_for_config(tmp, dc_address); /* an IPv6 address in brackets */
	char *text = talloc_asprintf(tmp,
				     "[libdefaults]\n\tdefault_realm = %s\n\tdns_lookup_kdc = false\n"
				     "\tdns_lookup_realm = false\n\trdns = false\n"
				     "[realms]\n\t%s = {\n\t\tkdc = %s\n\t\tkpasswd_server = %s\n"
				     "\t\tadmin_server = %s\n\t}\n",
				     realm, realm, kdc, kdc, kdc);
	int cfd = open(conf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool wrote = cfd >= 0 && write(cfd, text, strlen(text)) == (ssize_t)strlen(text);
	if (cfd >= 0)
		close(cfd);
	int p[2];
	odj_result r = ODJ_OK;
	if (!wrote || pipe2(p, O_CLOEXEC) != 0) {
		r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_WRITE_FAULT,
			     "cannot prepare the kpasswd exchange in %s", dir);
	} else {
		pid_t pid = fork();
		if (pid == 0) {
			/* the child holds copies of the passwords: never a core file */
			prctl(PR_SET_DUMPABLE, 0);
			setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
			close(p[0]);
			child(p[1], conf, odj_krb_ccache_name(krb), principal,
			      (const char *)odj_secret_data(password_utf8));
		}
		close(p[1]);
		struct kpasswd_answer a;
		memset(&a, 0, sizeof(a));
		struct pollfd pf = {.fd = p[0], .events = POLLIN};
		int n;
		do {
			n = poll(&pf, 1, deadline_ms);
		} while (n < 0 && errno == EINTR);
		if (pid < 0) {
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE, "fork: %s",
				     strerror(errno));
		} else if (n == 0) {
			kill(pid, SIGKILL);
			r = odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NO_LOGON_SERVERS,
				     "the kpasswd exchange with %s did not finish within %.0f s",
				     dc_address, deadline_ms / 1e3);
			odj_error_advice(ctx, "Check TCP/UDP ports 88 and 464 to the DC, or use "
					      "--password-method ldap.");
		} else if (n < 0 || read(p[0], &a, sizeof(a)) != (ssize_t)sizeof(a)) {
			kill(pid, SIGKILL);
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
				     "the kpasswd process ended without an answer");
		} else if (a.ret != 0) {
			a.text[sizeof(a.text) - 1] = '\0';
			/* the Kerberos code decides the row: an unreachable kpasswd
			 * server, a refused ticket, a skewed clock are not the same */
			r = odj_fail_krb5(ctx, a.ret, a.text, "kpasswd for %s failed", who);
		} else if (a.result_code != 0) {
			a.text[sizeof(a.text) - 1] = '\0';
			/* RFC 3244: 5 access denied (AD: no such user), 4 soft error (policy) */
			odj_status st = a.result_code == 5   ? ODJ_ERROR_ACCESS_DENIED
					: a.result_code == 4 ? ODJ_ERROR_PASSWORD_RESTRICTION
							     : ODJ_ERROR_CAN_NOT_COMPLETE;
			r = odj_fail(ctx, ODJ_E_DIRECTORY, st,
				     "kpasswd refused the new password of %s (result code %d: %s)",
				     who, a.result_code, a.text);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
		close(p[0]);
	}
	nftw(dir, remove_entry, 4, FTW_DEPTH | FTW_PHYS);
	talloc_free(tmp);
	return r;
}
