/*
 * Requests: the target makes an X25519 key pair, keeps the private half in
 * ROOT/var/lib/odj/request.key and hands out the public half with a nonce,
 * its machine name and an expiry.  A sealed blob opens only with that key,
 * and the key is removed after the join, so a sealed blob joins once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include <odj/seal.h>

#include "fileio_internal.h"
#include "seal_internal.h"
#include "seal_wire.h"

static odj_result no_memory(struct odj_ctx *ctx)
{
	return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

int64_t odj_seal_now(int64_t given)
{
	return given != 0 ? given : (int64_t)time(NULL);
}

/* The canonical text up to (not including) the check line. */
static char *request_body(TALLOC_CTX *mem, const struct odj_request *req)
{
	char *key = odj_kv_b64_format(mem, req->public_key, 32);
	char *nonce = odj_kv_b64_format(mem, req->nonce, ODJ_SEAL_NONCE_LEN);
	char *created = odj_kv_time_format(mem, req->created);
	char *expires = odj_kv_time_format(mem, req->expires);
	if (key == NULL || nonce == NULL || created == NULL || expires == NULL)
		return NULL;
	return talloc_asprintf(mem, "odj-request 1\nmachine %s\nkey %s\nnonce %s\ncreated %s\nexpires %s\n",
			       req->machine, key, nonce, created, expires);
}

char *odj_request_format(TALLOC_CTX *mem, const struct odj_request *req)
{
	char *body = request_body(mem, req);
	if (body == NULL)
		return NULL;
	char check[9];
	odj_request_check(body, strlen(body), check);
	return talloc_asprintf_append(body, "check %s\n", check);
}

static odj_result request_bad(struct odj_ctx *ctx, const char *why)
{
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo, "The request is not valid: %s.", why);
	odj_error_advice(ctx, "Copy the request again exactly as odj-apply --request wrote it "
			      "(a mail client may have wrapped or changed a line).");
	return ODJ_E_INPUT;
}

odj_result odj_request_parse(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *text, size_t len,
			     struct odj_request **out)
{
	*out = NULL;
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_kv_field f[] = {{"machine", NULL}, {"key", NULL},     {"nonce", NULL},
				   {"created", NULL}, {"expires", NULL}, {"check", NULL}};
	odj_result r = odj_kv_parse(ctx, tmp, "The request", text, len, "odj-request 1", f, 6);
	struct odj_request *req = talloc_zero(mem, struct odj_request);
	if (r == ODJ_OK && req == NULL)
		r = no_memory(ctx);
	if (r == ODJ_OK && !odj_seal_machine_valid(f[0].value))
		r = request_bad(ctx, "the machine name is empty, longer than 63 characters or has "
				     "characters outside A-Z a-z 0-9 . _ -");
	if (r == ODJ_OK) {
		snprintf(req->machine, sizeof(req->machine), "%s", f[0].value);
		if (!odj_kv_b64(f[1].value, req->public_key, 32))
			r = request_bad(ctx, "the key is not 32 bytes of base64");
		else if (!odj_kv_b64(f[2].value, req->nonce, ODJ_SEAL_NONCE_LEN))
			r = request_bad(ctx, "the nonce is not 16 bytes of base64");
		else if (!odj_kv_time(f[3].value, &req->created) || !odj_kv_time(f[4].value, &req->expires))
			r = request_bad(ctx, "a time is not YYYY-MM-DDTHH:MM:SSZ");
		else if (req->expires <= req->created)
			r = request_bad(ctx, "it expires before it was made");
	}
	if (r == ODJ_OK) {
		char *body = request_body(tmp, req);
		char check[9];
		if (body == NULL)
			r = no_memory(ctx);
		else {
			odj_request_check(body, strlen(body), check);
			if (strcmp(check, f[5].value) != 0)
				r = request_bad(ctx, "its check line does not match its other lines");
		}
	}
	if (r == ODJ_OK)
		odj_keyid_of(req->public_key, req->keyid);
	talloc_free(tmp);
	*out = odj_keep_if_ok(r, req);
	return r;
}

odj_result odj_request_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			    struct odj_request **out)
{
	*out = NULL;
	odj_doing(ctx, "reading the request %s", path);
	uint8_t buf[4097];
	size_t len;
	if (odj_read_input(ctx, path, "request", true, false, buf, sizeof(buf), &len) != ODJ_OK)
		return ODJ_E_INPUT;
	return odj_request_parse(ctx, mem, buf, len, out);
}

/* Opens ROOT/var/lib/odj as a directory, making it (0700) when asked; never follows a symlink. */
static int open_state_dir(const char *root, bool create)
{
	static const char *const parts[] = {"var", "lib", "odj"};
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; fd >= 0 && i < 3; i++) {
		if (create && mkdirat(fd, parts[i], i == 2 ? 0700 : 0755) != 0 && errno != EEXIST) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		int next = openat(fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(fd);
		errno = e;
		fd = next;
	}
	return fd;
}

/*
 * The machine a request is for when none is given: the first label of the
 * root's /etc/hostname (of the running system's name for "/" without one).
 */
static char *root_machine_name(TALLOC_CTX *mem, const char *root)
{
	char name[256] = "";
	char *path = talloc_asprintf(mem, "%s%setc/hostname", root,
				     root[strlen(root) - 1] == '/' ? "" : "/");
	FILE *f = path ? fopen(path, "re") : NULL;
	talloc_free(path);
	if (f != NULL) {
		if (fgets(name, sizeof(name), f) == NULL)
			name[0] = '\0';
		fclose(f);
	} else if (strcmp(root, "/") == 0 && gethostname(name, sizeof(name) - 1) != 0) {
		name[0] = '\0';
	}
	name[strcspn(name, ". \t\r\n")] = '\0';
	return talloc_strdup(mem, name);
}

odj_result odj_request_create(struct odj_ctx *ctx, TALLOC_CTX *mem, struct odj_request_create *req)
{
	odj_result ready = odj_seal_begin(ctx, __func__, req->version, ODJ_REQUEST_CREATE_VERSION);
	if (ready != ODJ_OK)
		return ready;
	const char *root = req->in.root ? req->in.root : "/";
	const char *machine = req->in.machine;
	char *from_root = NULL;
	if (machine == NULL)
		machine = from_root = root_machine_name(mem, root);
	if (machine == NULL || !odj_seal_machine_valid(machine)) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_InvalidComputer,
			 "The machine name \"%s\"%s cannot go into a request (1 to 63 characters "
			 "of A-Z a-z 0-9 . _ -).", machine ? machine : "",
			 req->in.machine ? "" : " (the root's host name)");
		if (req->in.machine == NULL)
			odj_error_advice(ctx, "Name the machine with --machine NAME.");
		talloc_free(from_root);
		return ODJ_E_INPUT;
	}
	if (req->in.valid_days < 1 || req->in.valid_days > 3650)
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"--valid takes 1 to 3650 days, not %u.", req->in.valid_days);
	odj_doing(ctx, "making a request for %s in %s", machine, root);
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct odj_request *r_pub = talloc_zero(mem, struct odj_request);
	struct odj_secret *sk = odj_secret_new(tmp, 32);
	if (r_pub == NULL || sk == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	snprintf(r_pub->machine, sizeof(r_pub->machine), "%s", machine);
	talloc_free(from_root);
	crypto_box_keypair(r_pub->public_key, odj_secret_data(sk));
	randombytes_buf(r_pub->nonce, sizeof(r_pub->nonce));
	r_pub->created = odj_seal_now(req->in.now);
	r_pub->expires = r_pub->created + (int64_t)req->in.valid_days * 86400;
	odj_keyid_of(r_pub->public_key, r_pub->keyid);
	char *text = odj_request_format(mem, r_pub);
	char *sk_b64 = odj_kv_b64_format(tmp, odj_secret_data(sk), 32);
	char *nonce = odj_kv_b64_format(tmp, r_pub->nonce, ODJ_SEAL_NONCE_LEN);
	char *created = odj_kv_time_format(tmp, r_pub->created);
	char *expires = odj_kv_time_format(tmp, r_pub->expires);
	if (text == NULL || sk_b64 == NULL || nonce == NULL || created == NULL || expires == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	odj_wipe_on_free(sk_b64);
	char *key_text = talloc_asprintf(tmp, "odj-request-key 1\nmachine %s\nnonce %s\ncreated %s\n"
					      "expires %s\nsecret %s\n",
					 r_pub->machine, nonce, created, expires, sk_b64);
	char *key_path = talloc_asprintf(mem, "%s%svar/lib/odj/request.key", root,
					 root[strlen(root) - 1] == '/' ? "" : "/");
	if (key_text == NULL || key_path == NULL) {
		talloc_free(tmp);
		return no_memory(ctx);
	}
	odj_wipe_on_free(key_text);

	/* A temporary file in the same directory, 0600 from the start, then rename. */
	odj_result result = ODJ_OK;
	int dfd = open_state_dir(root, true);
	int e = errno;
	int fd = -1;
	if (dfd >= 0) {
		unlinkat(dfd, "request.key.new", 0);
		fd = openat(dfd, "request.key.new", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		e = errno;
	}
	bool ok = fd >= 0;
	size_t len = strlen(key_text), at = 0;
	while (ok && at < len) {
		ssize_t n = write(fd, key_text + at, len - at);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		e = errno;
		if (ok)
			at += (size_t)n;
	}
	if (ok && (fsync(fd) != 0 || renameat(dfd, "request.key.new", dfd, "request.key") != 0 ||
		   fsync(dfd) != 0)) {
		ok = false;
		e = errno;
	}
	if (fd >= 0)
		close(fd);
	if (!ok) {
		if (dfd >= 0)
			unlinkat(dfd, "request.key.new", 0);
		result = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
				  "cannot write the request key %s: %s", key_path, strerror(e));
		odj_error_source(ctx, ODJ_SRC_ERRNO, e);
		odj_error_advice(ctx, "The directories on the way to var/lib/odj in the root must be real "
				      "directories (no symlinks) that root can write.");
	}
	if (dfd >= 0)
		close(dfd);
	talloc_free(tmp);
	if (result != ODJ_OK) {
		talloc_free(r_pub);
		talloc_free(text);
		talloc_free(key_path);
		return result;
	}
	req->out.request = r_pub;
	req->out.text = text;
	req->out.key_path = key_path;
	return ODJ_OK;
}

odj_result odj_pending_request_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *root,
				    struct odj_pending_request **out)
{
	*out = NULL;
	struct odj_pending_request *p = talloc_zero(mem, struct odj_pending_request);
	if (p == NULL)
		return no_memory(ctx);
	p->path = talloc_asprintf(p, "%s%svar/lib/odj/request.key", root,
				  root[strlen(root) - 1] == '/' ? "" : "/");
	if (p->path == NULL)
		return no_memory(ctx);
	int dfd = open_state_dir(root, false);
	int fd = dfd >= 0 ? openat(dfd, "request.key", O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	int e = errno;
	if (dfd >= 0)
		close(dfd);
	if (fd < 0) {
		odj_fail(ctx, ODJ_E_CONFIG, e == ENOENT ? ODJ_NTE_BAD_KEYSET : ODJ_ERROR_ACCESS_DENIED,
			 "There is no pending request on this root to open the sealed blob: %s: %s.",
			 p->path, strerror(e));
		odj_error_source(ctx, ODJ_SRC_ERRNO, e);
		if (e == ENOENT)
			odj_error_advice(ctx, "A sealed blob opens once, with the key of the request it was made "
					      "for: it was applied already, or its request was made on another "
					      "root. Make a new request (odj-apply --request) and provision again.");
		talloc_free(p);
		return ODJ_E_CONFIG;
	}
	struct stat st;
	uint8_t buf[4097];
	bool private = fstat(fd, &st) == 0 && (st.st_mode & 077) == 0;
	size_t len = odj_read_upto(fd, buf, sizeof(buf));
	close(fd);
	odj_result r = ODJ_OK;
	if (!private)
		r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_ACCESS_DENIED,
			     "The request key %s is readable by others than its owner; it is not used.",
			     p->path);
	struct odj_kv_field f[] = {{"machine", NULL}, {"nonce", NULL},   {"created", NULL},
				   {"expires", NULL}, {"secret", NULL}};
	char *what = talloc_asprintf(p, "The request key %s", p->path);
	if (r == ODJ_OK)
		r = odj_kv_parse(ctx, p, what ? what : "The request key", buf, len, "odj-request-key 1", f, 5);
	sodium_memzero(buf, sizeof(buf));
	struct odj_request *q = &p->request;
	if (r == ODJ_OK && (p->secret = odj_secret_new(p, 32)) == NULL)
		r = no_memory(ctx);
	if (r == ODJ_OK &&
	    (!odj_seal_machine_valid(f[0].value) || !odj_kv_b64(f[1].value, q->nonce, ODJ_SEAL_NONCE_LEN) ||
	     !odj_kv_time(f[2].value, &q->created) || !odj_kv_time(f[3].value, &q->expires) ||
	     !odj_kv_b64(f[4].value, odj_secret_data(p->secret), 32)))
		r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_NERR_BadOfflineJoinInfo,
			     "The request key %s is damaged: a value is not what it should be.", p->path);
	if (r == ODJ_OK) {
		snprintf(q->machine, sizeof(q->machine), "%s", f[0].value);
		crypto_scalarmult_base(q->public_key, odj_secret_data(p->secret));
		odj_keyid_of(q->public_key, q->keyid);
	}
	for (size_t i = 0; i < 5; i++)
		TALLOC_FREE(f[i].value);
	if (r != ODJ_OK) {
		talloc_free(p);
		return r;
	}
	*out = p;
	return ODJ_OK;
}

odj_result odj_request_key_remove(struct odj_ctx *ctx, const char *root)
{
	odj_doing(ctx, "removing the used request key of %s", root);
	int dfd = open_state_dir(root, false);
	if (dfd < 0)
		return ODJ_OK;
	int fd = openat(dfd, "request.key", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		close(dfd);
		return ODJ_OK;
	}
	/* Overwrite in place first: a hard link or a later undelete finds only zeros. */
	struct stat st;
	bool ok = fstat(fd, &st) == 0;
	uint8_t zeros[512] = {0};
	for (off_t at = 0; ok && at < st.st_size;) {
		size_t n = (size_t)(st.st_size - at) < sizeof(zeros) ? (size_t)(st.st_size - at) : sizeof(zeros);
		ssize_t w = pwrite(fd, zeros, n, at);
		ok = w > 0;
		if (ok)
			at += w;
	}
	ok = ok && fsync(fd) == 0;
	int e = errno;
	close(fd);
	if (ok && unlinkat(dfd, "request.key", 0) == 0 && fsync(dfd) == 0) {
		close(dfd);
		return ODJ_OK;
	}
	e = errno;
	close(dfd);
	odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_WRITE_FAULT,
		 "cannot wipe and remove the used request key in %s/var/lib/odj: %s", root, strerror(e));
	odj_error_advice(ctx, "Remove var/lib/odj/request.key by hand (shred -u); while it exists the "
			      "sealed blob made for it could be applied again.");
	return ODJ_E_CONFIG;
}
