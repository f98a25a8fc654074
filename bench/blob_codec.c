/*
 * blob_codec: time of decoding (file bytes -> model: text layer + NDR) and
 * encoding (model -> file bytes) of each vector, as the median over many
 * runs, and the throughput in MB/s of file bytes.
 *   blob_codec [VECTOR_DIR] [RUNS]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <odj/blob.h>
#include <odj/odj.h>

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Times one vector; returns 0, or 1 if it does not decode. */
static int bench_one(const char *dir, const char *file, size_t runs)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct odj_ctx *ctx = odj_ctx_new(mem);
	char *path = talloc_asprintf(mem, "%s/%s", dir, file);
	struct odj_secret *bytes, *out;
	struct odj_provision *prov;
	if (odj_blob_read_file(ctx, mem, path, &bytes) != ODJ_OK ||
	    odj_blob_load(ctx, mem, odj_secret_data(bytes), odj_secret_len(bytes), &prov) != ODJ_OK) {
		printf("%-44s %7zu  (does not decode: %s)\n", file, odj_secret_len(bytes),
		       odj_status_symbol(odj_error_get(ctx)->status));
		talloc_free(mem);
		return 1;
	}
	double *dec = talloc_array(mem, double, runs), *enc = talloc_array(mem, double, runs);
	for (size_t i = 0; i < runs; i++) {
		TALLOC_CTX *tmp = talloc_new(mem);
		struct odj_provision *p;
		double t0 = now_us();
		odj_blob_load(ctx, tmp, odj_secret_data(bytes), odj_secret_len(bytes), &p);
		double t1 = now_us();
		odj_blob_save(ctx, tmp, prov, NULL, &out);
		double t2 = now_us();
		dec[i] = t1 - t0;
		enc[i] = t2 - t1;
		talloc_free(tmp);
	}
	double d = median(dec, runs), e = median(enc, runs);
	double mb = (double)odj_secret_len(bytes) / 1e6;
	printf("%-44s %7zu %10.1f %9.1f %10.1f %9.1f\n", file, odj_secret_len(bytes), d,
	       mb / (d / 1e6), e, mb / (e / 1e6));
	talloc_free(mem);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ODJ_DEFAULT_VECTORS;
	size_t runs = argc > 2 ? strtoul(argv[2], NULL, 10) : 2000;
	if (runs == 0)
		runs = 1;
	DIR *d = opendir(dir);
	if (d == NULL) {
		perror(dir);
		return 2;
	}
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".odj") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	printf("blob_codec: %zu runs per vector, median per blob; MB/s of file bytes\n", runs);
	printf("%-44s %7s %10s %9s %10s %9s\n", "vector (.odj)", "bytes", "decode us", "dec MB/s",
	       "encode us", "enc MB/s");
	for (size_t i = 0; i < n; i++) {
		bench_one(dir, names[i], runs);
		free(names[i]);
	}
	return 0;
}
