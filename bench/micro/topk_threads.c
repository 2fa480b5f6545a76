/*
 * topk_threads.c - top-k of one long row (int32, the k smallest with int32 indices) with 1
 * thread and with T threads, interleaved call by call: the selection split across threads
 * (engine/src/sched_topk.c) against one thread's. Data: uniform random keys, or 3 distinct
 * values (nearly every key at or below the threshold: the kept keys' sort dominates).
 * Prints each context's best and median in ms.
 *
 *   cmake --build build && gcc -O2 -std=c11 bench/micro/topk_threads.c -Iengine/include \
 *       -Lbuild/engine -lrowsort -Wl,-rpath,$PWD/build/engine -o build/topk_threads
 *   build/topk_threads N K T CALLS random|few     (e.g. 16777216 100 2 7 random)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowsort.h"

#include "../bench_clock.h"

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s N K THREADS CALLS random|few\n", argv[0]);
        return 2;
    }
    const size_t n = strtoull(argv[1], NULL, 10), k = strtoull(argv[2], NULL, 10);
    const unsigned threads = (unsigned)strtoul(argv[3], NULL, 10);
    const int calls = atoi(argv[4]);
    const int few = strcmp(argv[5], "few") == 0;
    if (n == 0 || k == 0 || k > n || n > INT32_MAX || threads == 0 || calls <= 0) {
        fprintf(stderr, "need 0 < K <= N < 2^31, THREADS > 0, CALLS > 0\n");
        return 2;
    }
    int32_t *in = malloc(n * sizeof *in), *out = malloc(k * sizeof *out);
    int32_t *idx = malloc(k * sizeof *idx);
    double *t[2] = {malloc((size_t)calls * sizeof(double)), malloc((size_t)calls * sizeof(double))};
    if (!in || !out || !idx || !t[0] || !t[1]) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    uint64_t s = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        in[i] = few ? (int32_t)(s % 3) : (int32_t)(uint32_t)s;
    }
    rowsort_ctx *ctx[2];
    const unsigned team[2] = {1, threads};
    for (int c = 0; c < 2; c++) {
        rowsort_options o;
        rowsort_options_init(&o);
        o.threads = team[c];
        rowsort_status st;
        ctx[c] = rowsort_create(&o, &st);
        if (ctx[c] == NULL) {
            fprintf(stderr, "rowsort_create: %s\n", rowsort_status_string(st));
            return 1;
        }
    }
    for (int call = -1; call < calls; call++) /* call -1: warm-up */
        for (int j = 0; j < 2; j++) {
            const int c = (call & 1) ? 1 - j : j; /* alternate which goes first */
            const rowsort_array op = {in, ROWSORT_DTYPE_I32, 0}, o = {out, ROWSORT_DTYPE_I32, 0};
            rowsort_request q;
            rowsort_request_init(&q);
            q.rows = 1;
            q.n = n;
            q.operands = &op;
            q.num_operands = 1;
            q.outputs = &o;
            q.indices = (rowsort_array){idx, ROWSORT_DTYPE_I32, 0};
            q.select = ROWSORT_SELECT_SMALLEST;
            q.k = k;
            const double t0 = now_ns();
            const rowsort_status st = rowsort_sort(ctx[c], &q);
            const double dt = now_ns() - t0;
            if (st != ROWSORT_OK) {
                fprintf(stderr, "rowsort_sort: %s\n", rowsort_status_string(st));
                return 1;
            }
            if (call >= 0)
                t[c][call] = dt;
        }
    double median[2];
    for (int c = 0; c < 2; c++) {
        qsort(t[c], (size_t)calls, sizeof *t[c], cmp_double);
        median[c] = t[c][calls / 2];
        printf("%u thread%s: best %.2f ms, median %.2f ms\n", team[c], team[c] > 1 ? "s" : "",
               t[c][0] / 1e6, median[c] / 1e6);
        rowsort_destroy(ctx[c]);
        free(t[c]);
    }
    printf("1x%zu int32 %s, k = %zu: %u threads %.2fx faster than 1 (medians)\n", n, argv[5], k,
           threads, median[0] / median[1]);
    free(in);
    free(out);
    free(idx);
    return 0;
}
