/*
 * secret_scan run|plant DOMAIN DC MACHINE BLOB: provisions MACHINE with the
 * library (credentials from $KRB5CCNAME), frees everything, then searches
 * every writable mapping of its own memory for the machine password (the
 * UTF-16LE form that went into unicodePwd, and the UTF-8 form the keys came
 * from).  Prints "copies: utf16=N utf8=M libldap=K": K copies sit in a freed
 * BER of the add (libldap's encoding of the request, "unicodePwd" shortly
 * before them), N and M are all others.  "plant" leaves one copy of each on
 * the heap first: the search must find it.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <odj/blob.h>
#include <odj/odj.h>
#include <odj/prepare.h>

/* The needles and the read buffer live in one private mapping that is not searched. */
struct needles {
	unsigned char utf16[24]; /* the first 12 characters */
	unsigned char utf8[12];
};

/* A hit inside libldap's BER of the add: "unicodePwd" shortly before it. */
static bool in_add_ber(const unsigned char *hay, const unsigned char *q)
{
	const unsigned char *from = q - hay > 64 ? q - 64 : hay;
	return memmem(from, (size_t)(q - from), "unicodePwd", 10) != NULL;
}

static void count(const unsigned char *hay, size_t n, const unsigned char *needle, size_t k,
		  size_t *hits, size_t *ber)
{
	for (const unsigned char *p = hay; n >= k;) {
		const unsigned char *q = memmem(p, n, needle, k);
		if (q == NULL)
			break;
		if (in_add_ber(hay, q))
			(*ber)++;
		else
			(*hits)++;
		n -= (size_t)(q + 1 - p);
		p = q + 1;
	}
}

int main(int argc, char **argv)
{
	if (argc != 6)
		return 2;
	enum { BUF = 1 << 20 };
	unsigned char *own = mmap(NULL, 4096 + BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
	if (own == MAP_FAILED)
		return 3;
	struct needles *nd = (struct needles *)own;
	unsigned char *buf = own + 4096;

	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	struct odj_provision_req req = ODJ_PROVISION_REQ_INIT;
	req.in.conn.domain = argv[2];
	req.in.conn.dc = argv[3];
	req.in.account.machine = argv[4];
	req.in.savefile = argv[5];
	req.in.conn.creds.ccache = getenv("KRB5CCNAME");
	odj_result r = odj_provision_account(ctx, mem, &req);
	if (r != ODJ_OK) {
		fprintf(stderr, "provision failed: %s\n", odj_error_get(ctx)->message);
		return 1;
	}
	struct odj_secret *file = NULL;
	struct odj_provision *prov = NULL;
	if (odj_blob_read_file(ctx, mem, argv[5], &file) != ODJ_OK ||
	    odj_blob_load(ctx, mem, odj_secret_data(file), odj_secret_len(file), &prov) != ODJ_OK)
		return 1;
	const struct odj_secret *pw = odj_provision_win7(prov)->machine_password;
	if (odj_secret_len(pw) < sizeof(nd->utf16))
		return 1;
	memcpy(nd->utf16, odj_secret_data(pw), sizeof(nd->utf16));
	for (size_t i = 0; i < sizeof(nd->utf8); i++)
		nd->utf8[i] = nd->utf16[2 * i]; /* odj's passwords are ASCII */
	talloc_free(mem); /* every secret of the run: wiped by its destructor */
	unsigned char *copy = NULL; /* a copy left on the heap on purpose until the search is done */
	if (strcmp(argv[1], "plant") == 0) {
		copy = malloc(sizeof(*nd) + 8);
		if (copy == NULL)
			return 3;
		memcpy(copy, nd->utf16, sizeof(nd->utf16));
		memcpy(copy + sizeof(nd->utf16) + 4, nd->utf8, sizeof(nd->utf8));
	}

	FILE *maps = fopen("/proc/self/maps", "r");
	int fd = open("/proc/self/mem", O_RDONLY);
	if (maps == NULL || fd < 0)
		return 3;
	char line[512];
	size_t utf16 = 0, utf8 = 0, ber = 0;
	while (fgets(line, sizeof(line), maps) != NULL) {
		unsigned long lo, hi;
		char perms[5];
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3 || perms[0] != 'r' || perms[1] != 'w')
			continue;
		if ((lo <= (unsigned long)own && (unsigned long)own < hi) || hi - lo > (1ul << 30))
			continue; /* our own mapping; sanitizer shadow and other huge reservations */
		/* overlapping reads: a copy across a chunk boundary is still found */
		for (unsigned long at = lo; at < hi;) {
			size_t want = hi - at < BUF ? hi - at : BUF;
			ssize_t got = pread(fd, buf, want, (off_t)at);
			if (got <= 0)
				break;
			size_t before = utf16 + utf8 + ber;
			count(buf, (size_t)got, nd->utf16, sizeof(nd->utf16), &utf16, &ber);
			count(buf, (size_t)got, nd->utf8, sizeof(nd->utf8), &utf8, &ber);
			if (utf16 + utf8 + ber != before)
				fprintf(stderr, "found in %s", line);
			if ((size_t)got < sizeof(nd->utf16) || at + (unsigned long)got >= hi)
				break;
			at += (unsigned long)got - sizeof(nd->utf16);
		}
	}
	fclose(maps);
	close(fd);
	printf("copies: utf16=%zu utf8=%zu libldap=%zu\n", utf16, utf8, ber);
	free(copy);
	return 0;
}
