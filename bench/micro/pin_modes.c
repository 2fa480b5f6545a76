/*
 * pin_modes.c - one shape sorted in a C loop by three contexts, interleaved: 2 threads
 * unbound, 2 threads pin core, 1 thread; prints each one's median and minimum. The calls
 * are short enough (the seed workload: ~80 us) that Python's timing loop would blur them;
 * each call sorts a fresh copy that the calling thread has just written, as a caller would.
 * Pin core binds only in calls of 1 MiB per thread and more: ROWSORT_PIN_MIN_BYTES=0 in the
 * environment times binding in every call.
 *
 *   cmake --build build && gcc -O2 -std=c11 bench/micro/pin_modes.c -Iengine/include \
 *       -Lbuild/engine -lrowsort -Wl,-rpath,$PWD/build/engine -o build/pin_modes
 *   build/pin_modes ROWS N CALLS        (e.g. 8 8192 400; 1 16777216 7)
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
    if (argc != 4) {
        fprintf(stderr, "usage: %s ROWS N CALLS\n", argv[0]);
        return 2;
    }
    const size_t rows = strtoull(argv[1], NULL, 10), n = strtoull(argv[2], NULL, 10);
    const int calls = atoi(argv[3]);
    const size_t count = rows * n;
    if (count == 0 || calls <= 0) {
        fprintf(stderr, "%s: ROWS, N and CALLS must be positive\n", argv[0]);
        return 2;
    }
    enum { MODES = 3 };
    const rowsort_pin pins[MODES] = {ROWSORT_PIN_NONE, ROWSORT_PIN_CORE, ROWSORT_PIN_CORE};
    const unsigned threads[MODES] = {2, 2, 1};
    float *src = malloc(count * sizeof *src), *work = malloc(count * sizeof *work);
    double *t[MODES];
    rowsort_ctx *ctx[MODES];
    if (src == NULL || work == NULL)
        return 1;
    uint64_t s = 1;
    for (size_t i = 0; i < count; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        src[i] = (float)(s >> 40);
    }
    for (int m = 0; m < MODES; m++) {
        rowsort_options o;
        rowsort_options_init(&o);
        o.threads = threads[m];
        o.pin = pins[m];
        rowsort_status st;
        ctx[m] = rowsort_create(&o, &st);
        t[m] = malloc((size_t)calls * sizeof *t[m]);
        if (ctx[m] == NULL || t[m] == NULL) {
            fprintf(stderr, "context: %s\n", ctx[m] ? "out of memory" : rowsort_status_string(st));
            return 1;
        }
    }
    for (int c = -1; c < calls; c++) /* c = -1: warm-up */
        for (int m = 0; m < MODES; m++) {
            memcpy(work, src, count * sizeof *work);
            rowsort_request q;
            rowsort_request_init(&q);
            const rowsort_array op = {work, ROWSORT_DTYPE_F32, 0};
            q.rows = rows;
            q.n = n;
            q.operands = &op;
            q.num_operands = 1;
            const double t0 = now_ns();
            const rowsort_status st = rowsort_sort(ctx[m], &q);
            const double dt = now_ns() - t0;
            if (st != ROWSORT_OK) {
                fprintf(stderr, "sort: %s\n", rowsort_status_string(st));
                return 1;
            }
            if (c >= 0)
                t[m][c] = dt;
        }
    for (int m = 0; m < MODES; m++) {
        qsort(t[m], (size_t)calls, sizeof *t[m], cmp_double);
        printf("%ux%u float32, %u thread%s, pin %s: median %.1f us, min %.1f us\n",
               (unsigned)rows, (unsigned)n, threads[m], threads[m] > 1 ? "s" : "",
               pins[m] == ROWSORT_PIN_NONE ? "none" : "core", t[m][calls / 2] / 1e3,
               t[m][0] / 1e3);
        rowsort_destroy(ctx[m]);
        free(t[m]);
    }
    free(src);
    free(work);
    return 0;
}
