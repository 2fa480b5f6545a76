/*
 * team_timing.c - where a 2-thread call's time goes beyond half the 1-thread time: an
 * OpenMP region of 2 threads, each sorting half the rows on a 1-thread context of its own
 * (what rowsort's team does for a batch, with the team's overheads made visible), against
 * one thread sorting every row. Per call: the 1-thread time, the 2-thread time, when thread 1
 * started after the region was entered, each thread's own sort time, and the wait for the
 * slower one at the join; medians and minimums. The calls sort a fresh copy of the rows that
 * the calling thread has just written, as a caller would.
 *
 * Bind the two OpenMP threads to chosen CPUs with OMP_PLACES and OMP_PROC_BIND=true: on a
 * VM whose vCPUs run at different speeds (host contention), the thread on the slower one
 * sets the 2-thread time, whatever the team's own costs.
 *
 *   gcc -O2 -std=c11 -fopenmp bench/micro/team_timing.c -Iengine/include -Lbuild/engine \
 *       -lrowsort -Wl,-rpath,$PWD/build/engine -o build/team_timing
 *   OMP_PROC_BIND=true OMP_PLACES="{0},{1}" build/team_timing ROWS N CALLS   (e.g. 8 8192 400)
 */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowsort.h"

#include "../bench_clock.h"

static rowsort_status sort_rows(rowsort_ctx *ctx, float *rows_data, size_t rows, size_t n)
{
    rowsort_request q;
    rowsort_request_init(&q);
    const rowsort_array op = {rows_data, ROWSORT_DTYPE_F32, 0};
    q.rows = rows;
    q.n = n;
    q.operands = &op;
    q.num_operands = 1;
    return rowsort_sort(ctx, &q);
}

enum { ONE, TWO, START1, WORK0, WORK1, JOIN, SERIES };
static const char *const series_name[SERIES] = {
    "1 thread, all rows", "2 threads, all rows", "thread 1 started after",
    "thread 0 sort (its half)", "thread 1 sort (its half)", "join after the slower"};

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s ROWS N CALLS\n", argv[0]);
        return 2;
    }
    const size_t rows = strtoull(argv[1], NULL, 10), n = strtoull(argv[2], NULL, 10);
    const int calls = atoi(argv[3]);
    if (rows < 2 || n == 0 || calls <= 0) {
        fprintf(stderr, "%s: ROWS >= 2, N and CALLS positive\n", argv[0]);
        return 2;
    }
    const size_t count = rows * n, half = rows / 2;
    float *src = malloc(count * sizeof *src), *work = malloc(count * sizeof *work);
    double *t[SERIES];
    for (int k = 0; k < SERIES; k++)
        t[k] = malloc((size_t)calls * sizeof *t[k]);
    rowsort_options o;
    rowsort_options_init(&o);
    o.threads = 1;
    rowsort_status st;
    rowsort_ctx *ctx[2] = {rowsort_create(&o, &st), rowsort_create(&o, &st)};
    if (src == NULL || work == NULL || ctx[0] == NULL || ctx[1] == NULL) {
        fprintf(stderr, "%s: out of memory or no context\n", argv[0]);
        return 1;
    }
    for (int k = 0; k < SERIES; k++)
        if (t[k] == NULL)
            return 1;
    uint64_t s = 1;
    for (size_t i = 0; i < count; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        src[i] = (float)(s >> 40);
    }
    int failed = 0;
    for (int c = -2; c < calls; c++) { /* c < 0: warm-up */
        memcpy(work, src, count * sizeof *work);
        double t0 = now_ns();
        failed |= sort_rows(ctx[0], work, rows, n) != ROWSORT_OK;
        const double one = now_ns() - t0;
        memcpy(work, src, count * sizeof *work);
        double started[2], ended[2];
        t0 = now_ns();
#pragma omp parallel num_threads(2) reduction(| : failed)
        {
            const int me = omp_get_thread_num();
            started[me] = now_ns();
            if (me == 0)
                failed |= sort_rows(ctx[0], work, half, n) != ROWSORT_OK;
            else
                failed |= sort_rows(ctx[1], work + half * n, rows - half, n) != ROWSORT_OK;
            ended[me] = now_ns();
        }
        const double t1 = now_ns();
        if (c < 0)
            continue;
        t[ONE][c] = one;
        t[TWO][c] = t1 - t0;
        t[START1][c] = started[1] - t0;
        t[WORK0][c] = ended[0] - started[0];
        t[WORK1][c] = ended[1] - started[1];
        t[JOIN][c] = t1 - (ended[0] > ended[1] ? ended[0] : ended[1]);
    }
    if (failed) {
        fprintf(stderr, "%s: a sort failed\n", argv[0]);
        return 1;
    }
    printf("%zux%zu float32, %d calls (OMP_PLACES=%s)\n", rows, n, calls,
           getenv("OMP_PLACES") ? getenv("OMP_PLACES") : "unset");
    for (int k = 0; k < SERIES; k++) {
        qsort(t[k], (size_t)calls, sizeof *t[k], cmp_double);
        printf("  %-26s median %8.1f us  min %8.1f us\n", series_name[k], t[k][calls / 2] / 1e3,
               t[k][0] / 1e3);
    }
    rowsort_destroy(ctx[0]);
    rowsort_destroy(ctx[1]);
    for (int k = 0; k < SERIES; k++)
        free(t[k]);
    free(src);
    free(work);
    return 0;
}
