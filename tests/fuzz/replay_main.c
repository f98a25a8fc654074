/*
 * Runs a fuzz target without libFuzzer: every file named on the command
 * line, or every file in a named directory, is passed to
 * LLVMFuzzerTestOneInput once.  Replaying the corpus in ctest keeps the
 * inputs that once mattered exercised by every build.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define INPUT_MAX (1u << 20)

static int run_file(const char *path, unsigned char *buf, size_t *count)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	size_t n = fread(buf, 1, INPUT_MAX, fp);
	int err = ferror(fp);
	fclose(fp);
	if (err || n == INPUT_MAX) {
		fprintf(stderr, "replay: %s: unreadable or larger than %u bytes\n", path, INPUT_MAX);
		return 1;
	}
	/* A copy of exactly n bytes, so that ASan sees reads past the input. */
	unsigned char *input = malloc(n ? n : 1);
	if (input == NULL)
		return 1;
	memcpy(input, buf, n);
	LLVMFuzzerTestOneInput(input, n);
	free(input);
	(*count)++;
	return 0;
}

static int run_path(const char *path, unsigned char *buf, size_t *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, buf, count);
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int status = 0;
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char *child = malloc(strlen(path) + strlen(names[i]->d_name) + 2);
			if (child == NULL)
				return 1;
			sprintf(child, "%s/%s", path, names[i]->d_name);
			status |= run_path(child, buf, count);
			free(child);
		}
		free(names[i]);
	}
	free(names);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	unsigned char *buf = malloc(INPUT_MAX);
	if (buf == NULL)
		return 1;
	size_t count = 0;
	int status = 0;
	for (int i = 1; i < argc; i++)
		status |= run_path(argv[i], buf, &count);
	free(buf);
	printf("replay: %zu input(s) run\n", count);
	if (count == 0) {
		fprintf(stderr, "replay: no input found\n");
		return 1;
	}
	return status;
}
