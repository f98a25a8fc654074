/* NetUseAdd to \\dc\IPC$: libsmbclient in a child process, Kerberos only. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <arpa/inet.h>
#include <libsmbclient.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <odj/catalogue.h>
#include <odj/locate.h>

#include "smb_ipc.h"

odj_status odj_smb_status(int err)
{
	switch (err) {
	case 0:
		return ODJ_ERROR_SUCCESS;
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ETIMEDOUT:
		return ODJ_ERROR_BAD_NETPATH;
	case ENOENT:
	case ENODEV:
		return ODJ_ERROR_BAD_NET_NAME;
	case EACCES:
	case EPERM:
		return ODJ_ERROR_ACCESS_DENIED;
	case EINVAL:
		return ODJ_ERROR_LOGON_FAILURE;
	case ECONNRESET:
	case EPIPE:
		return ODJ_ERROR_NETNAME_DELETED;
	default:
		return ODJ_ERROR_CAN_NOT_COMPLETE;
	}
}


static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return false;
	size_t len = strlen(text);
	bool ok = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

struct session_identity {
	const char *user; /* the ticket's client without the realm */
	int user_len;
	const char *workgroup;
};

/* The auth callback: Kerberos needs no password, only the user's name. */
static void auth_fn(SMBCCTX *c, const char *server, const char *share, char *wg, int wglen,
		    char *user, int userlen, char *pass, int passlen)
{
	(void)server;
	(void)share;
	const struct session_identity *id = smbc_getOptionUserData(c);
	snprintf(wg, (size_t)wglen, "%s", id->workgroup);
	snprintf(user, (size_t)userlen, "%.*s", id->user_len, id->user);
	if (passlen > 0)
		pass[0] = '\0';
}

/* What the child reports: errno of libsmbclient, and where its session went. */
struct child_report {
	int err;                         /* 0: success */
	char peer[INET6_ADDRSTRLEN + 1]; /* the SMB server's address, "" if not found */
};

/*
 * libsmbclient resolves the DC's name itself (name resolve order = host: the
 * system resolver), so the address it used is read off its socket: the one
 * TCP socket connected to port 445.
 */
static void smb_peer(char *out, size_t size)
{
	out[0] = '\0';
	for (int fd = 0; fd < 1024; fd++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
			continue;
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
			if (ntohs(a->sin_port) == 445 && inet_ntop(AF_INET, &a->sin_addr, out,
								    (socklen_t)size) != NULL)
				return;
		} else if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
			if (ntohs(a->sin6_port) != 445)
				continue;
			if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) &&
			    inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], out, (socklen_t)size) != NULL)
				return;
			if (inet_ntop(AF_INET6, &a->sin6_addr, out, (socklen_t)size) != NULL)
				return;
		}
		out[0] = '\0';
	}
}

/* Runs in the child; never returns. Writes a child_report to fd. */
static void child_session(int fd, const char *dir, const char *url, struct session_identity *id)
{
	char path[4096];
	snprintf(path, sizeof(path), "FILE:%s/ccache", dir);
	setenv("KRB5CCNAME", path, 1);
	snprintf(path, sizeof(path), "%s/krb5.conf", dir);
	setenv("KRB5_CONFIG", path, 1);
	/* libsmbclient reads $HOME/.smb/smb.conf before anything else */
	setenv("HOME", dir, 1);
	struct child_report rep;
	memset(&rep, 0, sizeof(rep));
	int err = 0;
	SMBCCTX *c = smbc_new_context();
	if (c == NULL) {
		err = errno ? errno : ENOMEM;
	} else {
		smbc_setOptionUseKerberos(c, 1);
		smbc_setOptionFallbackAfterKerberos(c, 0);
		smbc_setOptionNoAutoAnonymousLogin(c, 1);
		smbc_setOptionUserData(c, id);
		smbc_setFunctionAuthDataWithContext(c, auth_fn);
		snprintf(path, sizeof(path), "%s/smb.conf", dir);
		if (smbc_setConfiguration(c, path) != 0)
			err = EINVAL;
		else if (smbc_init_context(c) == NULL)
			err = errno ? errno : EINVAL;
	}
	if (err == 0) {
		smbc_set_context(c);
		smbc_open_fn open_fn = smbc_getFunctionOpen(c);
		SMBCFILE *f = open_fn(c, url, O_RDWR, 0);
		if (f == NULL) {
			err = errno ? errno : EIO;
		} else {
			smb_peer(rep.peer, sizeof(rep.peer));
			smbc_getFunctionClose(c)(c, f);
		}
	}
	rep.err = err;
	ssize_t n = write(fd, &rep, sizeof(rep));
	(void)n;
	_exit(0);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* The directory and whatever libsmbclient left in it (gencache, ...). */
static void remove_dir(const char *dir)
{
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

odj_result odj_smb_ipc_check(struct odj_ctx *ctx, struct odj_krb *krb,
			     const struct odj_smb_options *o, TALLOC_CTX *mem, char **peer)
{
	if (peer != NULL)
		*peer = NULL;
	if (o == NULL || o->version != ODJ_SMB_OPTIONS_VERSION || o->dc_host == NULL ||
	    o->realm == NULL || o->workgroup == NULL || o->dc_address == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"SMB options incomplete");
	odj_doing(ctx, "NetUseAdd to \\\\%s\\IPC$", o->dc_host);
	/* libsmbclient finds the DC by name only: say so rather than let it fail obscurely. */
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	int gai = getaddrinfo(o->dc_host, "445", &hints, &ai);
	if (ai != NULL)
		freeaddrinfo(ai);
	if (gai != 0) {
		odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_BAD_NETPATH,
			 "the DC's name %s does not resolve here, and the SMB session to it "
			 "(libsmbclient) can only find the DC by name",
			 o->dc_host);
		odj_error_detail(ctx, "getaddrinfo %s: %s; the DC answered at %s", o->dc_host,
				 gai_strerror(gai), o->dc_address);
		odj_error_advice(ctx, "add \"%s %s\" to /etc/hosts, or name a DNS server of the "
				      "domain in resolv.conf",
				 o->dc_address, o->dc_host);
		return ODJ_E_NETWORK;
	}
	TALLOC_CTX *tmp = talloc_new(ctx);
	const char *base = getenv("TMPDIR");
	char *dir = talloc_asprintf(tmp, "%s/odj-smb-XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(dir) == NULL) {
		odj_result r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
					"cannot create a private directory for the SMB session: %s",
					strerror(errno));
		talloc_free(tmp);
		return r;
	}
	chmod(dir, 0700);

	char *cifs = talloc_asprintf(tmp, "cifs/%s", o->dc_host);
	const char *services[] = {cifs, NULL};
	char *ccache = talloc_asprintf(tmp, "%s/ccache", dir);
	odj_result r = odj_krb_export_tickets(krb, ccache, services);

	/* Heimdal's own knobs: it must never wait on a KDC for long. */
	char *krb5conf = talloc_asprintf(tmp,
					 "[libdefaults]\n\tdefault_realm = %s\n\tdns_lookup_kdc = false\n"
					 "\tdns_lookup_realm = false\n\tkdc_timeout = 2\n\tmax_retries = 1\n"
					 "\tforwardable = false\n[realms]\n\t%s = {\n\t\tkdc = %s\n\t}\n",
					 o->realm, o->realm,
					 odj_address_for_config(tmp, o->dc_address));
	char *smbconf = talloc_asprintf(tmp,
					"[global]\n\tworkgroup = %s\n\trealm = %s\n\tsecurity = ads\n"
					"\tclient use kerberos = required\n\tprivate dir = %s\n"
					"\tlock directory = %s\n\tstate directory = %s\n"
					"\tcache directory = %s\n\tncalrpc dir = %s\n"
					"\tname resolve order = host\n\tdisable netbios = yes\n"
					"\tlog level = 0\n\tlogging = file\n\tlog file = %s/log\n",
					o->workgroup, o->realm, dir, dir, dir, dir, dir, dir);
	if (r == ODJ_OK && (!write_file(talloc_asprintf(tmp, "%s/krb5.conf", dir), krb5conf) ||
			    !write_file(talloc_asprintf(tmp, "%s/smb.conf", dir), smbconf)))
		r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_WRITE_FAULT,
			     "cannot write the SMB session's private configuration in %s", dir);

	const char *client = odj_krb_client(krb);
	struct session_identity id = {client ? client : "", client ? (int)strcspn(client, "@") : 0,
				      o->workgroup};
	char *url = talloc_asprintf(tmp, "smb://%s/IPC$/lsarpc", o->dc_host);

	int pipefd[2] = {-1, -1};
	pid_t pid = -1;
	double t0 = now_ms();
	if (r == ODJ_OK && pipe2(pipefd, O_CLOEXEC) != 0)
		r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE, "pipe: %s",
			     strerror(errno));
	if (r == ODJ_OK) {
		pid = fork();
		if (pid == 0) {
			/* the child holds copies of the passwords: never a core file */
			prctl(PR_SET_DUMPABLE, 0);
			setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
			close(pipefd[0]);
			child_session(pipefd[1], dir, url, &id);
		}
		if (pid < 0)
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE, "fork: %s",
				     strerror(errno));
		close(pipefd[1]);
	}
	if (r == ODJ_OK) {
		struct child_report rep = {.err = -1};
		int err = -1;
		struct pollfd p = {.fd = pipefd[0], .events = POLLIN};
		int n;
		do {
			n = poll(&p, 1, o->timeout_ms);
		} while (n < 0 && errno == EINTR);
		int status = 0;
		bool died = false;
		if (n == 1 && read(pipefd[0], &rep, sizeof(rep)) != (ssize_t)sizeof(rep)) {
			/* the child ended without a word: it crashed */
			waitpid(pid, &status, 0);
			died = true;
			rep.err = ECONNRESET;
		}
		err = rep.err;
		rep.peer[sizeof(rep.peer) - 1] = '\0';
		double ms = now_ms() - t0;
		if (n == 0) {
			kill(pid, SIGKILL);
			r = odj_fail(ctx, ODJ_E_NETWORK, ODJ_ERROR_NETNAME_DELETED,
				     "the SMB session to \\\\%s\\IPC$ was not set up within %.1f s",
				     o->dc_host, o->timeout_ms / 1e3);
			odj_error_advice(ctx, "Check that TCP port 445 of the DC is reachable and that no "
					      "firewall or WAN accelerator drops SMB or Kerberos traffic.");
		} else if (err != 0) {
			odj_status st = odj_smb_status(err);
			r = odj_fail(ctx, odj_status_category(st), st,
				     "the SMB session to \\\\%s\\IPC$ (Kerberos only) failed after %.0f ms",
				     o->dc_host, ms);
			if (died)
				odj_error_detail(ctx, "the SMB session's process ended (%s %d) opening %s",
						 WIFSIGNALED(status) ? "signal" : "exit status",
						 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
						 url);
			else
				odj_error_detail(ctx, "libsmbclient: %s (errno %d) opening %s",
						 strerror(err), err, url);
			odj_error_source(ctx, ODJ_SRC_SMB, err);
		} else if (rep.peer[0] != '\0') {
			if (peer != NULL)
				*peer = talloc_strdup(mem, rep.peer);
			if (strcmp(rep.peer, o->dc_address) != 0)
				odj_trace(ctx, "NetpJoinDomain: the session to '\\\\%s' went to %s, not to "
					       "the pinned %s (the system resolver's answer; Kerberos "
					       "proved the DC)",
					  o->dc_host, rep.peer, o->dc_address);
		}
		odj_trace(ctx, "NetpJoinDomain: status of connecting to dc '\\\\%s': 0x%x", o->dc_host,
			  r == ODJ_OK ? 0 : odj_error_get(ctx)->status);
		if (!died) {
			if (n != 1)
				kill(pid, SIGKILL); /* poll failed: never wait on a hung child */
			waitpid(pid, NULL, 0);
		}
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	remove_dir(dir);
	talloc_free(tmp);
	return r;
}
