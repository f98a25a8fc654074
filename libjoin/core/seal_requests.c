/*
 * The requests of a sealed provisioning run: files named one by one, or
 * directories of them (every regular file not starting with a dot, in name
 * order), read into one list.  A file that is not a request stops the run
 * before any account is made.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <odj/seal.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The request files in dir, sorted, appended to *files. */
static odj_result list_dir(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *dir, char ***files,
			   size_t *n)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		int e = errno;
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_ACCESS_DENIED, "cannot read the directory %s: %s",
			 dir, strerror(e));
		odj_error_source(ctx, ODJ_SRC_ERRNO, e);
		return ODJ_E_INPUT;
	}
	size_t first = *n;
	struct dirent *de;
	odj_result r = ODJ_OK;
	while (r == ODJ_OK && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *path = talloc_asprintf(mem, "%s/%s", dir, de->d_name);
		struct stat st;
		if (path == NULL || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		char **grown = talloc_realloc(mem, *files, char *, *n + 1);
		if (grown == NULL)
			r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
		else
			(*files = grown)[(*n)++] = path;
	}
	closedir(d);
	if (r == ODJ_OK && *n == first) {
		odj_fail(ctx, ODJ_E_INPUT, ODJ_ERROR_FILE_NOT_FOUND, "the directory %s holds no request",
			 dir);
		odj_error_advice(ctx, "Put the targets' request files (odj-apply --request) there.");
		return ODJ_E_INPUT;
	}
	if (r == ODJ_OK)
		qsort(*files + first, *n - first, sizeof(char *), by_name);
	return r;
}

odj_result odj_requests_load(struct odj_ctx *ctx, TALLOC_CTX *mem, const char *const *paths,
			     size_t n_paths, struct odj_request ***out, size_t *n_out)
{
	*out = NULL;
	*n_out = 0;
	char **files = NULL;
	size_t n = 0;
	odj_result r = ODJ_OK;
	for (size_t i = 0; r == ODJ_OK && i < n_paths; i++) {
		struct stat st;
		if (strcmp(paths[i], "-") != 0 && stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			r = list_dir(ctx, mem, paths[i], &files, &n);
			continue;
		}
		char **grown = talloc_realloc(mem, files, char *, n + 1);
		if (grown == NULL)
			return odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
		(files = grown)[n++] = talloc_strdup(mem, paths[i]);
	}
	struct odj_request **reqs = r == ODJ_OK ? talloc_zero_array(mem, struct odj_request *, n + 1) : NULL;
	if (r == ODJ_OK && reqs == NULL)
		r = odj_fail(ctx, ODJ_E_UNEXPECTED, ODJ_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
	for (size_t i = 0; r == ODJ_OK && i < n; i++)
		r = odj_request_load(ctx, reqs, files[i], &reqs[i]);
	talloc_free(files);
	if (r != ODJ_OK) {
		talloc_free(reqs);
		return r;
	}
	*out = reqs;
	*n_out = n;
	return ODJ_OK;
}
