/*
 * A bundle: the provisioning blobs of many machines in one file, as
 * `odj-prepare --bundle` writes it for a clone fleet.  A gzip stream holding
 * a POSIX ustar archive (so `tar tzf` lists it): one NAME.odj per machine,
 * then manifest.json (machine, dNSHostName, SID, kvno, file; never a
 * password).  The format is described in blob/FORMAT.md.
 *
 * A bundle holds every machine's secret: it belongs on the provisioning
 * host, never in an image.
 */
#ifndef ODJ_BUNDLE_H
#define ODJ_BUNDLE_H

#include <odj/api.h>

#include <stddef.h>
#include <stdint.h>

#include <odj/error.h>
#include <odj/secret.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ODJ_BUNDLE_VERSION 1
#define ODJ_BUNDLE_MANIFEST "manifest.json"
/* Limits of the reader: a blob file is about 5 KiB. */
#define ODJ_BUNDLE_MAX_ENTRY (1024 * 1024)
#define ODJ_BUNDLE_MAX_MANIFEST (64 * 1024 * 1024)
#define ODJ_BUNDLE_MAX_MACHINES 200000
/* The writer's file until it is finished: PATH + this + 6 random characters. */
#define ODJ_BUNDLE_PARTIAL ".partial-"

/* One machine in the manifest; file is "<machine>.odj". */
struct odj_bundle_machine {
	const char *machine;       /* NetBIOS name */
	const char *dns_host_name;
	const char *sid;           /* the account's objectSid */
	uint32_t kvno;             /* msDS-KeyVersionNumber after the password was set */
	const char *file;          /* archive member holding the blob */
};

struct odj_bundle_manifest {
	unsigned version; /* ODJ_BUNDLE_VERSION */
	const char *domain;
	const char *dc;
	const char *created; /* UTC, "2024-05-01T12:00:00Z" */
	size_t count;
	struct odj_bundle_machine *machines;
};

/* ---- writing, incrementally: each blob goes through zlib when added ---- */

struct odj_bundle_writer;

/* Domain and DC recorded in the manifest. */
struct odj_bundle_info {
	const char *domain;
	const char *dc;
};

/*
 * Starts a bundle at path: a file PATH.partial-XXXXXX next to it (0600,
 * O_EXCL, flock()ed while the writer lives) that becomes path only in
 * odj_bundle_finish.  Each blob is flushed and synced as it is added, so
 * the partial file of a run that never finishes (killed, crashed) holds every
 * blob added before: odj_bundle_salvage reads them back.  After a failed
 * write the writer takes nothing more and does not finish (the stream may
 * have a gap); its partial file keeps what was written before.  Freeing the
 * writer without finishing leaves path as it was, and removes the partial
 * file only while it holds no blob.
 */
ODJ_API odj_result odj_bundle_create(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
			     const struct odj_bundle_info *info, struct odj_bundle_writer **out);

/* Appends one machine's blob file bytes; m->file is ignored (it is "<machine>.odj"). */
ODJ_API odj_result odj_bundle_add(struct odj_bundle_writer *w, const struct odj_bundle_machine *m,
			  const uint8_t *blob_file, size_t len);

/* Machines added so far. */
ODJ_API size_t odj_bundle_count(const struct odj_bundle_writer *w);

/* Writes manifest.json and the end of the archive, fsyncs, renames into place. */
ODJ_API odj_result odj_bundle_finish(struct odj_bundle_writer *w);

/* The partial file while the bundle is not finished, else NULL. */
ODJ_API const char *odj_bundle_partial_path(const struct odj_bundle_writer *w);

/*
 * Frees an unfinished writer and removes its partial file even if it holds
 * blobs: for a writer that holds only copies of blobs kept elsewhere (an
 * earlier bundle being carried over when the run cannot start after all).
 */
ODJ_API void odj_bundle_discard(struct odj_bundle_writer *w);

/* ---- reading: every call validates the whole bundle first ---- */

/* Reads a bundle file (at most 256 MiB) into a wiped-on-free buffer. */
ODJ_API odj_result odj_bundle_read_file(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *path,
				struct odj_secret **bytes);

/*
 * The manifest of a valid bundle.  Valid: one gzip member and nothing after
 * it, a ustar archive of regular files with checksummed headers, unique
 * member names of the form NAME.odj, manifest.json last, and every machine
 * of the manifest matched by exactly one member and the other way round.
 * Anything else is NERR_BadOfflineJoinInfo (ODJ_E_INPUT) with the reason.
 */
ODJ_API odj_result odj_bundle_read_manifest(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle,
				    size_t len, struct odj_bundle_manifest **out);

/*
 * The blob file bytes of machine name (case-insensitive NetBIOS name, or its
 * FQDN, whose first label is taken) from a valid bundle: what
 * odj_blob_load() takes.  NERR_NoOfflineJoinInfo when the bundle has no
 * such machine.
 */
ODJ_API odj_result odj_bundle_extract(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle,
			      size_t len, const char *name, struct odj_secret **blob_file);

/* Calls fn for every machine of a valid bundle with its blob file bytes, in archive order. */
typedef odj_result (*odj_bundle_each_fn)(void *priv, const struct odj_bundle_machine *m,
					 const uint8_t *blob_file, size_t len);
ODJ_API odj_result odj_bundle_foreach(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *bundle,
			      size_t len, odj_bundle_each_fn fn, void *priv);

/*
 * The complete blobs of an unfinished bundle (a partial file, see
 * odj_bundle_create), in archive order, each with a manifest entry rebuilt
 * from the blob itself: machine (the member's name, which must match the
 * blob's lpMachineName), SID (OP_JOINPROV3_PART), dNSHostName and kvno
 * (odj's Linux part; 0 without it).  The walk ends quietly where the written
 * data ends (a truncated last member); damage with data after it, or a
 * complete member that is not a valid blob of that machine, is
 * NERR_BadOfflineJoinInfo.  *count gets the number of blobs passed to fn.
 */
ODJ_API odj_result odj_bundle_salvage(struct odj_ctx *ctx, TALLOC_CTX *mem, const uint8_t *partial,
			      size_t len, odj_bundle_each_fn fn, void *priv, size_t *count);

#ifdef __cplusplus
}
#endif
#endif
