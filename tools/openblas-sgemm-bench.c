/*
 * Times cblas_sgemm (row-major, no transposes, alpha=1, beta=0) on the shapes that unclip4j's
 * `bench gemm` and bench/GemmBench measure, so the two can be compared on the same machine.
 * Usage: openblas-sgemm-bench [MxNxK | N]...   (default: the square and model shapes below)
 * Prints one line per shape: "<shape> best <x> GFLOP/s median <y> GFLOP/s".
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void bench(int m, int n, int k) {
    float *a = malloc(sizeof(float) * (size_t)m * k);
    float *b = malloc(sizeof(float) * (size_t)k * n);
    float *c = malloc(sizeof(float) * (size_t)m * n);
    for (size_t i = 0; i < (size_t)m * k; i++) a[i] = (float)rand() / RAND_MAX - 0.5f;
    for (size_t i = 0; i < (size_t)k * n; i++) b[i] = (float)rand() / RAND_MAX - 0.5f;
    double flop = 2.0 * m * n * k;
    /* enough repetitions for ~0.2 s per timed sample, at least one */
    double t0 = now_s();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    double once = now_s() - t0;
    int reps = once > 0.2 ? 1 : (int)(0.2 / once) + 1;
    for (int w = 0; w < 3 * reps; w++)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    enum { SAMPLES = 9 };
    double gf[SAMPLES];
    for (int s = 0; s < SAMPLES; s++) {
        t0 = now_s();
        for (int r = 0; r < reps; r++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        gf[s] = flop * reps / (now_s() - t0) * 1e-9;
    }
    qsort(gf, SAMPLES, sizeof(double), cmp_double);
    printf("%dx%dx%d best %.1f GFLOP/s median %.1f GFLOP/s\n", m, n, k, gf[SAMPLES - 1], gf[SAMPLES / 2]);
    fflush(stdout);
    free(a); free(b); free(c);
}

int main(int argc, char **argv) {
    static const char *defaults[] = {"256", "512", "1024", "2048", "162x6144x2048",
                                     "4096x320x2880", "1024x640x5760", "64x1280x11520"};
    int count = argc > 1 ? argc - 1 : (int)(sizeof(defaults) / sizeof(defaults[0]));
    const char **shapes = argc > 1 ? (const char **)argv + 1 : defaults;
    printf("# %s, %d threads\n", openblas_get_config(), openblas_get_num_threads());
    for (int i = 0; i < count; i++) {
        int m, n, k;
        if (sscanf(shapes[i], "%dx%dx%d", &m, &n, &k) != 3) {
            m = n = k = atoi(shapes[i]);
            if (m <= 0) { fprintf(stderr, "bad shape: %s (want N or MxNxK)\n", shapes[i]); return 2; }
        }
        bench(m, n, k);
    }
    return 0;
}
