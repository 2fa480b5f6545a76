/*
 * bench_scaling.c - thread scaling of rowsort against an OpenMP loop of VQSort per row
 * (issue 5; docs/scaling.md). For each shape and dtype, on identical random data: rowsort on
 * a context with threads = t (default pin: core) and the peer (bench/peers.cpp
 * rsb_vqsort_reuse: `omp parallel num_threads(t)` over rows, one hwy::Sorter per thread),
 * for t = 1..T. Each timing sorts a fresh copy (the copy is not timed); median of reps.
 * Speedup = own 1-thread median / t-thread median; efficiency = speedup / t.
 *
 *   bench_scaling [max_threads] [reps]
 * Build (bench tree, -DROWSORT_BUILD_BENCH=ON):
 *   cc -O2 -std=c11 bench/bench_scaling.c -Iengine/include -LBUILD/engine -lrowsort \
 *      -LBUILD/bench -lrowsort_bench_peers -Wl,-rpath,BUILD/engine:BUILD/bench -o bench_scaling
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowsort.h"

#include "bench_clock.h"

int rsb_vqsort_reuse(void *data, size_t rows, size_t n, int dtype, int threads, int isa);

typedef struct shape {
    size_t rows, n;
} shape;

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Median ns of `reps` runs of one contender (t threads); who: 0 rowsort, 1 vqsort-omp. */
static double time_one(int who, rowsort_ctx *ctx, const void *src, void *work, shape s,
                       rowsort_dtype dtype, unsigned t, int reps)
{
    double *v = malloc((size_t)reps * sizeof *v);
    const size_t bytes = s.rows * s.n * 4;
    if (v == NULL)
        return -1;
    for (int r = -1; r < reps; r++) { /* r = -1: warm-up */
        memcpy(work, src, bytes);
        rowsort_request req;
        rowsort_request_init(&req);
        const rowsort_array op = {work, dtype, 0};
        req.rows = s.rows;
        req.n = s.n;
        req.operands = &op;
        req.num_operands = 1;
        const double t0 = now_ns();
        int status = who == 0 ? (int)rowsort_sort(ctx, &req)
                              : rsb_vqsort_reuse(work, s.rows, s.n, (int)dtype, (int)t, 0);
        const double t1 = now_ns();
        if (status != 0) {
            fprintf(stderr, "%s failed: %d\n", who ? "vqsort" : "rowsort", status);
            exit(1);
        }
        if (r >= 0)
            v[r] = t1 - t0;
    }
    qsort(v, (size_t)reps, sizeof *v, cmp_double);
    const double med = v[reps / 2];
    free(v);
    return med;
}

int main(int argc, char **argv)
{
    const unsigned max_t = argc > 1 ? (unsigned)atoi(argv[1]) : 2;
    const int reps = argc > 2 ? atoi(argv[2]) : 7;
    const shape shapes[] = {{8, 8192}, {65536, 64}, {1024, 1024}, {4, 4194304}, {1, 16777216}};
    const rowsort_dtype dtypes[] = {ROWSORT_DTYPE_I32, ROWSORT_DTYPE_F32};
    printf("| shape | dtype | threads | rowsort ms | speedup | effic. | vqsort-omp ms | speedup "
           "| effic. |\n|---|---|---|---|---|---|---|---|---|\n");
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
        for (size_t di = 0; di < 2; di++) {
            const shape s = shapes[si];
            const size_t count = s.rows * s.n;
            uint32_t *src = malloc(count * 4), *work = malloc(count * 4);
            if (src == NULL || work == NULL)
                return 1;
            uint64_t seed = 12345 + si;
            for (size_t i = 0; i < count; i++) {
                const uint64_t x = next(&seed);
                if (dtypes[di] == ROWSORT_DTYPE_F32) {
                    const float f = (float)((double)(x >> 11) / 9007199254740992.0 * 2 - 1);
                    memcpy(&src[i], &f, 4);
                } else {
                    src[i] = (uint32_t)x;
                }
            }
            double base[2] = {0, 0};
            for (unsigned t = 1; t <= max_t; t++) {
                rowsort_options o;
                rowsort_options_init(&o);
                o.threads = t;
                rowsort_status st;
                rowsort_ctx *ctx = rowsort_create(&o, &st);
                if (ctx == NULL) {
                    fprintf(stderr, "create: %s\n", rowsort_status_string(st));
                    return 1;
                }
                double ms[2];
                for (int who = 0; who < 2; who++) {
                    ms[who] = time_one(who, ctx, src, work, s, dtypes[di], t, reps) / 1e6;
                    if (t == 1)
                        base[who] = ms[who];
                }
                printf("| %zux%zu | %s | %u | %.3f | %.2f | %.0f%% | %.3f | %.2f | %.0f%% |\n",
                       s.rows, s.n, rowsort_dtype_name(dtypes[di]), t, ms[0], base[0] / ms[0],
                       100 * base[0] / ms[0] / t, ms[1], base[1] / ms[1],
                       100 * base[1] / ms[1] / t);
                fflush(stdout);
                rowsort_destroy(ctx);
            }
            free(src);
            free(work);
        }
    return 0;
}
