/* odj-inspect: explain status codes (and, with the blob codec, show blobs). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: odj-inspect --explain CODE\n"
		     "       odj-inspect --version\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"explain", required_argument, NULL, 'E'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'E':
			return cli_explain(stdout, "odj-inspect", optarg);
		case 'V':
			cli_print_version(stdout, "odj-inspect");
			return ODJ_OK;
		case 'h':
			usage(stdout);
			return ODJ_OK;
		default:
			usage(stderr);
			return ODJ_E_INPUT;
		}
	}
	usage(stderr);
	return ODJ_E_INPUT;
}
