/*
 * Bundles: gzip(ustar(NAME.odj..., manifest.json)).  The writer streams
 * each blob through zlib as it is added, so memory does not grow with the
 * fleet, and flushes and syncs after each: a run that dies leaves every blob
 * it added in its PATH.partial-XXXXXX file (bundle_salvage.c).  The reader
 * inflates block by block and keeps only what it was asked for.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <odj/bundle.h>

#include "bundle_seal_internal.h"

#include "bundle_walk.h"
#include "seal_wire.h"

#define BLOCK 512
#define RECORD (20 * BLOCK) /* tar's record: the archive is padded to a multiple */
#define MAX_BUNDLE_FILE (256u * 1024 * 1024)
#define BLOB_SUFFIX ".odj"

/* ------------------------------------------------------------ names */

/* A member name odj writes and accepts: [A-Za-z0-9._-], not hidden, at most 99 bytes. */
static bool member_name_ok(const char *s, size_t n)
{
	return n > 0 && n <= 99 && s[0] != '.' && odj_portable_chars(s, n);
}

static char *blob_member(TALLOC_CTX *mem, const char *machine)
{
	return talloc_asprintf(mem, "%s" BLOB_SUFFIX, machine);
}

/* ------------------------------------------------------------ ustar headers */

static void octal(char *field, size_t width, uint64_t v)
{
	/* width-1 digits and a NUL, as POSIX ustar writes them */
	field[width - 1] = '\0';
	for (size_t i = width - 1; i-- > 0;) {
		field[i] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

static unsigned header_sum(const uint8_t *h)
{
	unsigned sum = 0;
	for (size_t i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum;
}

static void make_header(uint8_t h[BLOCK], const char *name, size_t size, time_t mtime)
{
	memset(h, 0, BLOCK);
	memcpy(h, name, strlen(name)); /* checked: at most 99 bytes */
	octal((char *)h + 100, 8, 0600);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, size);
	octal((char *)h + 136, 12, (uint64_t)(mtime > 0 ? mtime : 0));
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	unsigned sum = header_sum(h);
	octal((char *)h + 148, 7, sum);
	h[155] = ' ';
}

/* An octal field: digits, then NUL or space padding only; leading spaces allowed. */
static bool parse_octal(const uint8_t *f, size_t width, uint64_t max, uint64_t *out)
{
	size_t i = 0;
	while (i < width && f[i] == ' ')
		i++;
	uint64_t v = 0;
	size_t digits = 0;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		v = v * 8 + (uint64_t)(f[i] - '0');
		if (v > max)
			return false;
	}
	if (digits == 0)
		return false;
	for (; i < width; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return false;
	*out = v;
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* ------------------------------------------------------------ writer */

struct odj_bundle_writer {
	struct odj_ctx *ctx;
	char *path, *tmp_path;
	int fd;
	z_stream z;
	bool z_live;
	uint64_t archived; /* uncompressed archive bytes so far */
	time_t now;
	json_object *manifest, *machines;
	size_t count;
	bool finished;
	bool broken;  /* a write failed: the stream may have a gap; nothing more goes in */
	bool discard; /* holds only copies of blobs kept elsewhere: remove it when freed */
	struct odj_bundle_sealer *sealer; /* set: the gzip stream is sealed in chunks */
	uint8_t *pending;                 /* sealed: gzip bytes of the chunk being built */
	size_t n_pending;
};

static int writer_destructor(struct odj_bundle_writer *w)
{
	if (w->z_live)
		deflateEnd(&w->z);
	if (w->fd >= 0)
		close(w->fd);
	/* Once it holds a blob, the partial file is the only copy of a secret
	 * whose account exists: it stays for odj_bundle_salvage. */
	if (!w->finished && w->tmp_path != NULL && (w->count == 0 || w->discard))
		unlink(w->tmp_path);
	if (w->manifest != NULL)
		json_object_put(w->manifest);
	return 0;
}

static odj_result write_fail(struct odj_bundle_writer *w, int err)
{
	return odj_fail(w->ctx, ODJ_E_CONFIG,
			err == ENOSPC ? ODJ_ERROR_DISK_FULL : ODJ_ERROR_WRITE_FAULT,
			"cannot write the bundle %s: %s", w->path, strerror(err));
}

static odj_result write_raw(struct odj_bundle_writer *w, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return write_fail(w, k < 0 ? errno : EIO);
		p += k;
		n -= (size_t)k;
	}
	return ODJ_OK;
}

/* Sealed, the gzip bytes wait for the next sync point, where they become one chunk. */
static odj_result write_all(struct odj_bundle_writer *w, const uint8_t *p, size_t n)
{
	if (w->sealer == NULL)
		return write_raw(w, p, n);
	if (n == 0)
		return ODJ_OK;
	uint8_t *grown = talloc_realloc(w, w->pending, uint8_t, w->n_pending + n);
	if (grown == NULL)
		return odj_fail(w->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	odj_wipe_on_free(grown);
	memcpy(grown + w->n_pending, p, n);
	w->pending = grown;
	w->n_pending += n;
	return ODJ_OK;
}

static odj_result seal_pending(struct odj_bundle_writer *w, bool final)
{
	if (w->sealer == NULL)
		return ODJ_OK;
	size_t len;
	uint8_t *chunk = odj_bundle_sealer_chunk(w->sealer, w, w->pending, w->n_pending, final, &len);
	if (chunk == NULL)
		return odj_fail(w->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	odj_result r = write_raw(w, chunk, len);
	talloc_free(chunk);
	TALLOC_FREE(w->pending);
	w->n_pending = 0;
	return r;
}

odj_result odj_bundle_seal_with(struct odj_bundle_writer *w, const struct odj_secret *passphrase)
{
	if (w->count > 0 || w->sealer != NULL || w->finished)
		return odj_fail(w->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"bundle: sealing starts before the first blob");
	uint8_t header[ODJ_BUNDLE_SEAL_HEADER];
	odj_result r = odj_bundle_sealer_start(w->ctx, w, passphrase, &w->sealer, header);
	if (r == ODJ_OK)
		r = write_raw(w, header, sizeof(header));
	if (r != ODJ_OK)
		w->broken = true;
	return r;
}

/* Feeds archive bytes to zlib and writes what comes out. */
static odj_result deflate_bytes(struct odj_bundle_writer *w, const uint8_t *p, size_t n, int flush)
{
	uint8_t out[16384];
	w->z.next_in = (Bytef *)p;
	w->z.avail_in = (uInt)n;
	int zr;
	do {
		w->z.next_out = out;
		w->z.avail_out = sizeof(out);
		zr = deflate(&w->z, flush);
		if (zr == Z_STREAM_ERROR)
			return odj_fail(w->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_CAN_NOT_COMPLETE,
					"zlib failed while writing the bundle %s", w->path);
		odj_result r = write_all(w, out, sizeof(out) - w->z.avail_out);
		if (r != ODJ_OK)
			return r;
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
	w->archived += n;
	return ODJ_OK;
}

/* durable: flushed through zlib and synced, so a partial file holds it whole */
static odj_result add_member(struct odj_bundle_writer *w, const char *name, const uint8_t *data,
			     size_t len, bool durable)
{
	uint8_t h[BLOCK];
	make_header(h, name, len, w->now);
	odj_result r = deflate_bytes(w, h, BLOCK, Z_NO_FLUSH);
	if (r == ODJ_OK && len > 0)
		r = deflate_bytes(w, data, len, Z_NO_FLUSH);
	static const uint8_t zeros[BLOCK];
	size_t pad = (BLOCK - len % BLOCK) % BLOCK;
	if (r == ODJ_OK && pad > 0)
		r = deflate_bytes(w, zeros, pad, Z_NO_FLUSH);
	if (r == ODJ_OK && durable)
		r = deflate_bytes(w, NULL, 0, Z_SYNC_FLUSH);
	if (r == ODJ_OK && durable)
		r = seal_pending(w, false);
	if (r == ODJ_OK && durable && fdatasync(w->fd) != 0)
		r = write_fail(w, errno);
	return r;
}

odj_result odj_bundle_create(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			     const struct odj_bundle_info *info, struct odj_bundle_writer **out)
{
	*out = NULL;
	struct odj_bundle_writer *w = talloc_zero(mem, struct odj_bundle_writer);
	if (w == NULL)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	w->ctx = ctx;
	w->fd = -1;
	talloc_set_destructor(w, writer_destructor);
	w->path = talloc_strdup(w, path);
	w->tmp_path = talloc_asprintf(w, "%s" ODJ_BUNDLE_PARTIAL "XXXXXX", path);
	odj_doing(ctx, "creating the bundle %s", path);
	w->fd = mkostemp(w->tmp_path, O_CLOEXEC); /* 0600 */
	if (w->fd < 0) {
		int err = errno;
		talloc_free(w->tmp_path);
		w->tmp_path = NULL;
		odj_result r = odj_fail(ctx, ODJ_E_CONFIG,
					err == ENOENT ? ODJ_ERROR_FILE_NOT_FOUND : ODJ_ERROR_WRITE_FAULT,
					"cannot create a file next to %s: %s", path, strerror(err));
		talloc_free(w);
		return r;
	}
	/* held while writing: a salvage leaves a live run's file alone */
	if (flock(w->fd, LOCK_EX | LOCK_NB) != 0) {
		odj_result r = odj_fail(ctx, ODJ_E_CONFIG, ODJ_ERROR_SHARING_VIOLATION,
					"cannot lock %s: %s", w->tmp_path, strerror(errno));
		talloc_free(w);
		return r;
	}
	/* windowBits 15 + 16: a gzip wrapper */
	if (deflateInit2(&w->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		talloc_free(w);
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
				"zlib cannot start a gzip stream");
	}
	w->z_live = true;
	w->now = time(NULL);
	w->manifest = json_object_new_object();
	w->machines = json_object_new_array();
	char created[32];
	struct tm tm;
	gmtime_r(&w->now, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* names, types and units of man/odj-json.schema.json, like every odj JSON */
	json_object_object_add(w->manifest, "schema_version", json_object_new_int(1));
	json_object_object_add(w->manifest, "format", json_object_new_string("odj-bundle"));
	json_object_object_add(w->manifest, "version", json_object_new_int(ODJ_BUNDLE_VERSION));
	if (info && info->domain)
		json_object_object_add(w->manifest, "domain", json_object_new_string(info->domain));
	if (info && info->dc)
		json_object_object_add(w->manifest, "dc", json_object_new_string(info->dc));
	json_object_object_add(w->manifest, "created", json_object_new_string(created));
	json_object_object_add(w->manifest, "machines", w->machines);
	*out = w;
	return ODJ_OK;
}

size_t odj_bundle_count(const struct odj_bundle_writer *w)
{
	return w->count;
}

const char *odj_bundle_partial_path(const struct odj_bundle_writer *w)
{
	return w->finished ? NULL : w->tmp_path;
}

void odj_bundle_discard(struct odj_bundle_writer *w)
{
	w->discard = true;
	talloc_free(w);
}

odj_result odj_bundle_add(struct odj_bundle_writer *w, const struct odj_bundle_machine *m,
			  const uint8_t *blob_file, size_t len)
{
	if (w->finished || m == NULL || m->machine == NULL || blob_file == NULL)
		return odj_fail(w->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_INVALID_PARAMETER,
				"bundle: no machine or blob to add");
	if (w->broken)
		return odj_fail(w->ctx, ODJ_E_CONFIG, ODJ_ERROR_WRITE_FAULT,
				"the bundle %s failed to be written earlier; %s keeps the blobs "
				"written before",
				w->path, w->tmp_path);
	char *file = blob_member(w, m->machine);
	if (!member_name_ok(file, strlen(file)) || len > ODJ_BUNDLE_MAX_ENTRY) {
		talloc_free(file);
		return odj_fail(w->ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_NAME,
				"bundle: the machine name %s cannot name an archive member",
				m->machine);
	}
	if (w->count >= ODJ_BUNDLE_MAX_MACHINES) {
		talloc_free(file);
		return odj_fail(w->ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"a bundle holds at most %d machines", ODJ_BUNDLE_MAX_MACHINES);
	}
	odj_result r = add_member(w, file, blob_file, len, true);
	if (r != ODJ_OK)
		w->broken = true; /* zlib took input that may not be on disk: a gap */
	if (r == ODJ_OK) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "machine", json_object_new_string(m->machine));
		if (m->dns_host_name)
			json_object_object_add(o, "dns_host_name", json_object_new_string(m->dns_host_name));
		if (m->sid)
			json_object_object_add(o, "machine_sid", json_object_new_string(m->sid));
		json_object_object_add(o, "kvno", json_object_new_int64(m->kvno));
		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_array_add(w->machines, o);
		w->count++;
	}
	talloc_free(file);
	return r;
}

odj_result odj_bundle_finish(struct odj_bundle_writer *w)
{
	if (w->finished)
		return ODJ_OK;
	if (w->broken)
		return odj_fail(w->ctx, ODJ_E_CONFIG, ODJ_ERROR_WRITE_FAULT,
				"the bundle %s is not finished: a write failed; %s keeps the blobs "
				"written before it",
				w->path, w->tmp_path);
	const char *text = json_object_to_json_string_ext(
		w->manifest, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t tlen = strlen(text);
	odj_result r = add_member(w, ODJ_BUNDLE_MANIFEST, (const uint8_t *)text, tlen, false);
	/* two zero blocks end the archive; zeros up to a whole record */
	static const uint8_t zeros[RECORD + 2 * BLOCK];
	uint64_t end = w->archived + 2 * BLOCK;
	size_t tail = 2 * BLOCK + (size_t)((RECORD - end % RECORD) % RECORD);
	if (r == ODJ_OK)
		r = deflate_bytes(w, zeros, tail, Z_FINISH);
	if (r == ODJ_OK)
		r = seal_pending(w, true);
	if (r == ODJ_OK && fsync(w->fd) != 0)
		r = write_fail(w, errno);
	/* renamed while still locked: no salvage takes it in between */
	if (r == ODJ_OK && rename(w->tmp_path, w->path) != 0)
		r = write_fail(w, errno);
	if (r != ODJ_OK) {
		w->broken = true;
		return r;
	}
	close(w->fd); /* written and synced: a late close error changes nothing */
	w->fd = -1;
	w->finished = true;
	/* the rename is durable once the directory is */
	char *dir = talloc_strdup(w, w->path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		dir = talloc_strdup(w, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return ODJ_OK;
}

/* ------------------------------------------------------------ reader */

static odj_result bad(struct odj_ctx *ctx, const char *fmt, ...) ODJ_PRINTF(2, 3);
static odj_result bad(struct odj_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *why = talloc_vasprintf(NULL, fmt, ap);
	va_end(ap);
	odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo, "this is not a valid odj bundle");
	odj_error_detail(ctx, "%s", why ? why : "");
	talloc_free(why);
	return ODJ_E_INPUT;
}

struct inflater {
	struct odj_ctx *ctx;
	z_stream z;
	bool ended;
};

/* Fills exactly n bytes of archive, or fails: a truncated or corrupt stream. */
static odj_result inflate_exact(struct inflater *in, uint8_t *p, size_t n)
{
	in->z.next_out = p;
	in->z.avail_out = (uInt)n;
	while (in->z.avail_out > 0) {
		if (in->ended)
			return bad(in->ctx, "the archive ends inside a member or before its end marker");
		int zr = inflate(&in->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			in->ended = true;
		} else if (in->z.avail_out == 0) {
			/* Every byte asked for is in.  zlib may have gone on past the
			 * end of a flushed block into damage after it; that is judged by
			 * the next read (zlib's error state sticks), not held against
			 * this member, which a partial file holds whole. */
			break;
		} else if (zr == Z_BUF_ERROR && in->z.avail_in == 0) {
			return bad(in->ctx, "the gzip stream is truncated");
		} else if (zr != Z_OK) {
			return bad(in->ctx, "the gzip stream is corrupt: %s",
				   in->z.msg ? in->z.msg : "inflate failed");
		}
	}
	return ODJ_OK;
}

/*
 * salvage: the bytes are an unfinished bundle; the walk ends without an
 * error at the first incomplete or damaged member, and no manifest or end
 * marker is required.  Errors of member() are errors in either mode.
 */
odj_result odj_bundle_walk(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle, size_t len,
			   bool salvage, odj_bundle_member_fn member, void *priv)
{
	if (salvage && len < 18)
		return ODJ_OK; /* died before its first blob was flushed: nothing to carry */
	if (len < 18 || bundle[0] != 0x1f || bundle[1] != 0x8b)
		return bad(ctx, "it does not start with a gzip header");
	if (len > MAX_BUNDLE_FILE)
		return bad(ctx, "it is larger than 256 MiB");
	struct inflater in = {.ctx = ctx};
	if (inflateInit2(&in.z, 15 + 16) != Z_OK)
		return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "zlib failed");
	in.z.next_in = (Bytef *)bundle;
	in.z.avail_in = (uInt)len;
	TALLOC_CTX *tmp = talloc_new(mem);
	uint8_t h[BLOCK];
	odj_result r = ODJ_OK;
	bool manifest_seen = false, member_failed = false;
	size_t members = 0;
	for (;;) {
		r = inflate_exact(&in, h, BLOCK);
		if (r != ODJ_OK)
			break;
		if (all_zero(h, BLOCK)) {
			r = inflate_exact(&in, h, BLOCK);
			if (r == ODJ_OK && !all_zero(h, BLOCK))
				r = bad(ctx, "a single zero block inside the archive");
			break;
		}
		if (manifest_seen) {
			r = bad(ctx, "" ODJ_BUNDLE_MANIFEST " is not the last member");
			break;
		}
		if (memcmp(h + 257, "ustar", 6) != 0 || memcmp(h + 263, "00", 2) != 0) {
			r = bad(ctx, "a member header is not POSIX ustar");
			break;
		}
		uint64_t sum = 0, size = 0;
		if (!parse_octal(h + 148, 8, 0xffffff, &sum) || sum != header_sum(h)) {
			r = bad(ctx, "a member header has a wrong checksum");
			break;
		}
		if (h[156] != '0' && h[156] != '\0') {
			r = bad(ctx, "a member is not a regular file");
			break;
		}
		size_t nlen = strnlen((const char *)h, 100);
		if (nlen == 100 || h[345] != '\0' || !member_name_ok((const char *)h, nlen)) {
			r = bad(ctx, "a member has a name odj does not write (only NAME.odj and "
				     "manifest.json, no directories)");
			break;
		}
		char *name = talloc_strndup(tmp, (const char *)h, nlen);
		bool is_manifest = strcmp(name, ODJ_BUNDLE_MANIFEST) == 0;
		uint64_t max = is_manifest ? ODJ_BUNDLE_MAX_MANIFEST : ODJ_BUNDLE_MAX_ENTRY;
		if (!parse_octal(h + 124, 12, max, &size)) {
			r = bad(ctx, "the member %s has an invalid or too large size", name);
			break;
		}
		if (!is_manifest && (nlen <= strlen(BLOB_SUFFIX) ||
				     strcmp(name + nlen - strlen(BLOB_SUFFIX), BLOB_SUFFIX) != 0)) {
			r = bad(ctx, "the member %s is neither NAME.odj nor manifest.json", name);
			break;
		}
		if (++members > ODJ_BUNDLE_MAX_MACHINES + 1) {
			r = bad(ctx, "too many members");
			break;
		}
		size_t padded = (size_t)((size + BLOCK - 1) / BLOCK * BLOCK);
		uint8_t *data = talloc_size(tmp, padded ? padded : 1);
		if (data == NULL) {
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
			break;
		}
		odj_wipe_on_free(data);
		r = inflate_exact(&in, data, padded);
		if (r == ODJ_OK && !(salvage && is_manifest)) {
			r = member(priv, name, data, (size_t)size);
			member_failed = r != ODJ_OK;
		}
		talloc_free(data);
		talloc_free(name);
		if (r != ODJ_OK)
			break;
		manifest_seen = is_manifest;
	}
	if (salvage) {
		/* Damage where input remains is not the end of what was written: say so
		 * rather than drop what follows. */
		if (r != ODJ_OK && !member_failed && in.z.avail_in == 0) {
			odj_error_clear(ctx); /* the end of what was written: not an error here */
			r = ODJ_OK;
		}
		inflateEnd(&in.z);
		talloc_free(tmp);
		return r;
	}
	/* after the end marker: zero padding, then the gzip trailer and nothing else */
	while (r == ODJ_OK && !in.ended) {
		in.z.next_out = h;
		in.z.avail_out = BLOCK;
		int zr = inflate(&in.z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			in.ended = true;
		else if (zr != Z_OK)
			r = bad(ctx, "the gzip stream is truncated or corrupt after the archive");
		if (r == ODJ_OK && !all_zero(h, BLOCK - in.z.avail_out))
			r = bad(ctx, "data after the end of the archive");
	}
	if (r == ODJ_OK && in.z.avail_in != 0)
		r = bad(ctx, "bytes after the gzip stream");
	if (r == ODJ_OK && !manifest_seen)
		r = bad(ctx, "there is no " ODJ_BUNDLE_MANIFEST " at the end");
	inflateEnd(&in.z);
	talloc_free(tmp);
	return r;
}

/* Pass state: member names seen, the manifest, and one wanted member. */
struct scan {
	struct odj_ctx *ctx;
	TALLOC_CTX *mem;
	char **names;
	size_t n_names;
	struct odj_bundle_manifest *manifest;
	const char *want; /* member to keep, or NULL */
	struct odj_secret *kept;
	odj_bundle_each_fn each;
	void *each_priv;
};

static const char *jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static odj_result parse_manifest(struct scan *s, const uint8_t *data, size_t len)
{
	struct odj_ctx *ctx = s->ctx;
	json_tokener *tok = json_tokener_new();
	json_object *root = json_tokener_parse_ex(tok, (const char *)data, (int)len);
	bool complete = json_tokener_get_error(tok) == json_tokener_success &&
			(size_t)json_tokener_get_parse_end(tok) == len;
	json_tokener_free(tok);
	if (root == NULL || !complete || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return bad(ctx, "" ODJ_BUNDLE_MANIFEST " is not a JSON object");
	}
	odj_result r = ODJ_OK;
	json_object *version = NULL, *machines = NULL;
	const char *format = jget(root, "format");
	if (format == NULL || strcmp(format, "odj-bundle") != 0)
		r = bad(ctx, ODJ_BUNDLE_MANIFEST " does not say \"format\": \"odj-bundle\"");
	else if (!json_object_object_get_ex(root, "version", &version) ||
		 !json_object_is_type(version, json_type_int) ||
		 json_object_get_int64(version) != ODJ_BUNDLE_VERSION)
		r = bad(ctx, "" ODJ_BUNDLE_MANIFEST " has no version or one this odj does not know");
	else if (!json_object_object_get_ex(root, "machines", &machines) ||
		 !json_object_is_type(machines, json_type_array))
		r = bad(ctx, "" ODJ_BUNDLE_MANIFEST " has no machines array");
	struct odj_bundle_manifest *m = NULL;
	size_t n = r == ODJ_OK ? json_object_array_length(machines) : 0;
	if (r == ODJ_OK && n > ODJ_BUNDLE_MAX_MACHINES)
		r = bad(ctx, "too many machines in the manifest");
	if (r == ODJ_OK) {
		m = talloc_zero(s->mem, struct odj_bundle_manifest);
		m->version = ODJ_BUNDLE_VERSION;
		m->domain = talloc_strdup(m, jget(root, "domain"));
		m->dc = talloc_strdup(m, jget(root, "dc"));
		m->created = talloc_strdup(m, jget(root, "created"));
		m->machines = talloc_zero_array(m, struct odj_bundle_machine, n ? n : 1);
	}
	for (size_t i = 0; r == ODJ_OK && i < n; i++) {
		json_object *e = json_object_array_get_idx(machines, i), *kv = NULL;
		const char *machine = e ? jget(e, "machine") : NULL, *file = e ? jget(e, "file") : NULL;
		int64_t kvno = -1;
		if (e && json_object_object_get_ex(e, "kvno", &kv) && json_object_is_type(kv, json_type_int))
			kvno = json_object_get_int64(kv);
		if (machine == NULL || file == NULL || kvno < 0 || kvno > UINT32_MAX) {
			r = bad(ctx, "a manifest entry lacks machine, file or kvno");
			break;
		}
		char *expect = blob_member(m, machine);
		bool ok = strcmp(expect, file) == 0;
		talloc_free(expect);
		if (!ok) {
			r = bad(ctx, "the manifest entry of %s does not name the file <machine>.odj",
				machine);
			break;
		}
		for (size_t j = 0; j < i; j++)
			if (strcasecmp(m->machines[j].machine, machine) == 0) {
				r = bad(ctx, "the machine %s is twice in the manifest", machine);
				break;
			}
		struct odj_bundle_machine *bm = &m->machines[i];
		bm->machine = talloc_strdup(m, machine);
		bm->file = talloc_strdup(m, file);
		/* the names before schema_version 1: dNSHostName, SID */
		const char *dns = jget(e, "dns_host_name"), *sid = jget(e, "machine_sid");
		bm->dns_host_name = talloc_strdup(m, dns ? dns : jget(e, "dNSHostName"));
		bm->sid = talloc_strdup(m, sid ? sid : jget(e, "SID"));
		bm->kvno = (uint32_t)kvno;
		m->count = i + 1;
	}
	json_object_put(root);
	if (r != ODJ_OK) {
		talloc_free(m);
		return r;
	}
	/* members and machines match one to one */
	if (m->count != s->n_names) {
		talloc_free(m);
		return bad(ctx, "the manifest and the archive list different numbers of machines");
	}
	for (size_t i = 0; i < m->count; i++) {
		bool found = false;
		for (size_t j = 0; j < s->n_names && !found; j++)
			found = strcmp(s->names[j], m->machines[i].file) == 0;
		if (!found) {
			r = bad(ctx, "the manifest lists %s, which the archive lacks", m->machines[i].file);
			talloc_free(m);
			return r;
		}
	}
	s->manifest = m;
	return ODJ_OK;
}

static odj_result scan_member(void *priv, const char *name, const uint8_t *data, size_t len)
{
	struct scan *s = priv;
	if (strcmp(name, ODJ_BUNDLE_MANIFEST) == 0)
		return parse_manifest(s, data, len);
	for (size_t i = 0; i < s->n_names; i++)
		if (strcasecmp(s->names[i], name) == 0)
			return bad(s->ctx, "the member %s is in the archive twice", name);
	if (s->n_names % 64 == 0) {
		s->names = talloc_realloc(s->mem, s->names, char *, s->n_names + 64);
		if (s->names == NULL)
			return odj_fail(s->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					"out of memory");
	}
	s->names[s->n_names++] = talloc_strdup(s->names, name);
	if (s->want != NULL && strcasecmp(s->want, name) == 0) {
		s->kept = odj_secret_new(s->mem, len);
		if (s->kept == NULL)
			return odj_fail(s->ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY,
					"out of memory");
		memcpy(odj_secret_data(s->kept), data, len);
	}
	return ODJ_OK;
}

static odj_result scan(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle, size_t len,
		       struct scan *s)
{
	s->ctx = ctx;
	s->mem = talloc_new(mem);
	odj_result r = odj_bundle_walk(ctx, s->mem, bundle, len, false, scan_member, s);
	if (r != ODJ_OK) {
		talloc_free(s->mem);
		s->mem = NULL;
		s->manifest = NULL;
		s->kept = NULL;
	}
	return r;
}

odj_result odj_bundle_read_manifest(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle,
				    size_t len, struct odj_bundle_manifest **out)
{
	*out = NULL;
	struct scan s = {0};
	odj_result r = scan(ctx, mem, bundle, len, &s);
	if (r == ODJ_OK) {
		*out = talloc_steal(mem, s.manifest);
		talloc_free(s.mem);
	}
	return r;
}

odj_result odj_bundle_extract(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle,
			      size_t len, const char *name, struct odj_secret **blob_file)
{
	*blob_file = NULL;
	if (name == NULL || *name == '\0')
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_INVALID_PARAMETER,
				"which machine of the bundle? give its name");
	TALLOC_CTX *tmp = talloc_new(mem);
	size_t label = strcspn(name, ".");
	char *want = talloc_asprintf(tmp, "%.*s" BLOB_SUFFIX, (int)label, name);
	struct scan s = {.want = want};
	odj_result r = scan(ctx, tmp, bundle, len, &s);
	if (r == ODJ_OK && s.kept == NULL) {
		r = odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_NoOfflineJoinInfo,
			     "the bundle has no machine %.*s", (int)label, name);
		odj_error_advice(ctx, "List its machines with: odj-inspect --bundle FILE");
	}
	if (r == ODJ_OK)
		*blob_file = talloc_steal(mem, s.kept);
	talloc_free(tmp);
	return r;
}

static odj_result each_member(void *priv, const char *name, const uint8_t *data, size_t len)
{
	struct scan *s = priv;
	if (strcmp(name, ODJ_BUNDLE_MANIFEST) == 0)
		return ODJ_OK;
	for (size_t i = 0; i < s->manifest->count; i++)
		if (strcmp(s->manifest->machines[i].file, name) == 0)
			return s->each(s->each_priv, &s->manifest->machines[i], data, len);
	return bad(s->ctx, "the member %s changed between two reads", name);
}

odj_result odj_bundle_foreach(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle,
			      size_t len, odj_bundle_each_fn fn, void *priv)
{
	struct scan s = {0};
	odj_result r = scan(ctx, mem, bundle, len, &s);
	if (r != ODJ_OK)
		return r;
	s.each = fn;
	s.each_priv = priv;
	r = odj_bundle_walk(ctx, s.mem, bundle, len, false, each_member, &s);
	talloc_free(s.mem);
	return r;
}

odj_result odj_bundle_read_file(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
				struct odj_secret **bytes)
{
	*bytes = NULL;
	odj_doing(ctx, "reading the bundle %s", path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		return odj_fail(ctx, ODJ_E_INPUT,
				err == ENOENT ? ODJ_ERROR_FILE_NOT_FOUND : ODJ_ERROR_ACCESS_DENIED,
				"cannot open the bundle %s: %s", path, strerror(err));
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_BUNDLE_FILE) {
		close(fd);
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo,
				"%s is not a regular file of at most 256 MiB", path);
	}
	struct odj_secret *buf = odj_secret_new(mem, (size_t)st.st_size ? (size_t)st.st_size : 1);
	size_t got = 0, want = (size_t)st.st_size;
	while (buf != NULL && got < want) {
		ssize_t k = read(fd, odj_secret_data(buf) + got, want - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (buf == NULL || got != want) {
		talloc_free(buf);
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_READ_FAULT, "cannot read the bundle %s",
				path);
	}
	if (want == 0) {
		talloc_free(buf);
		return odj_fail(ctx, ODJ_E_INPUT, ODJ_NERR_BadOfflineJoinInfo, "%s is empty", path);
	}
	*bytes = buf;
	return ODJ_OK;
}
