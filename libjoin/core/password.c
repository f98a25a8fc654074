/* Machine account passwords: [MS-WKST] 3.2.4.13.3 steps 20 and 21. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <odj/names.h>
#include <odj/password.h>

#define ALPHABET_SIZE (ODJ_PASSWORD_MAX_CHAR - ODJ_PASSWORD_MIN_CHAR + 1) /* 91 */
/* Bytes below this limit map evenly onto the alphabet (2 * 91 = 182). */
#define ACCEPT_LIMIT ((256 / ALPHABET_SIZE) * ALPHABET_SIZE)
/* Rejection happens with p = 74/256; this many draws in a row without one
 * accepted byte means the source is broken, not unlucky. */
#define MAX_EMPTY_ROUNDS 64

static int getrandom_source(void *priv, uint8_t *buf, size_t len)
{
	(void)priv;
	size_t done = 0;
	while (done < len) {
		ssize_t n = getrandom(buf + done, len - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		done += (size_t)n;
	}
	return 0;
}

bool odj_password_char_from_byte(uint8_t b, char *c)
{
	if (b >= ACCEPT_LIMIT)
		return false;
	*c = (char)(ODJ_PASSWORD_MIN_CHAR + b % ALPHABET_SIZE);
	return true;
}

odj_result odj_password_random(struct odj_ctx *ctx, TALLOC_CTX *mem,
			       const struct odj_password_opts *opts, struct odj_secret **out)
{
	static const struct odj_password_opts defaults = ODJ_PASSWORD_OPTS_INIT;
	if (opts == NULL)
		opts = &defaults;
	if (out == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER, "no output");
	odj_result vr = odj_version_check(ctx, "odj_password_opts", opts->version,
					  ODJ_PASSWORD_OPTS_VERSION);
	if (vr != ODJ_OK)
		return vr;
	*out = NULL;
	size_t length = opts->length ? opts->length : ODJ_PASSWORD_LENGTH;
	odj_random_fn source = opts->random ? opts->random : getrandom_source;

	struct odj_secret *pw = odj_secret_new(mem, length);
	struct odj_secret *pool = odj_secret_new(mem, 64);
	if (pw == NULL || pool == NULL) {
		talloc_free(pw);
		talloc_free(pool);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	}
	char *text = (char *)odj_secret_data(pw);
	uint8_t *bytes = odj_secret_data(pool);
	size_t filled = 0;
	unsigned empty_rounds = 0;
	while (filled < length) {
		int err = source(opts->random_priv, bytes, odj_secret_len(pool));
		if (err != 0) {
			talloc_free(pw);
			talloc_free(pool);
			odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
				 "the random source failed: %s", strerror(err));
			odj_error_source(ctx, ODJ_SRC_ERRNO, err);
			return ODJ_E_UNEXPECTED;
		}
		size_t before = filled;
		for (size_t i = 0; i < odj_secret_len(pool) && filled < length; i++) {
			char c;
			if (odj_password_char_from_byte(bytes[i], &c))
				text[filled++] = c;
		}
		empty_rounds = filled == before ? empty_rounds + 1 : 0;
		if (empty_rounds >= MAX_EMPTY_ROUNDS) {
			talloc_free(pw);
			talloc_free(pool);
			return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
					"the random source returned only unusable bytes");
		}
	}
	talloc_free(pool);
	*out = pw;
	return ODJ_OK;
}

odj_result odj_password_default(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *netbios_name,
				struct odj_secret **out)
{
	if (out == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER, "no output");
	*out = NULL;
	odj_result r = odj_name_check(ctx, "machine name", netbios_name, ODJ_NETSETUP_MACHINE);
	if (r != ODJ_OK)
		return r;
	size_t n = strlen(netbios_name);
	if (n > ODJ_DEFAULT_PASSWORD_MAX)
		n = ODJ_DEFAULT_PASSWORD_MAX;
	struct odj_secret *pw = odj_secret_new(mem, n);
	if (pw == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	char *text = (char *)odj_secret_data(pw);
	for (size_t i = 0; i < n; i++)
		text[i] = (char)tolower((unsigned char)netbios_name[i]);
	*out = pw;
	return ODJ_OK;
}
