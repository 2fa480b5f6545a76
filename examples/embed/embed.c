/*
 * embed.c - embedding rowsort: one context, reused for a stream of batches.
 *
 * Build against an installed rowsort:
 *   cmake -S examples/embed -B build-embed -DCMAKE_PREFIX_PATH=PREFIX && cmake --build build-embed
 *   cc embed.c $(pkg-config --cflags --libs rowsort) -o embed
 * A context serves one call at a time; give each of your threads its own context to sort
 * batches concurrently.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rowsort.h>

enum { ROWS = 64, N = 4097, BATCHES = 10 };

static int check_sorted(const float *row, const int32_t *idx, const float *orig, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        if (j > 0 && row[j - 1] > row[j])
            return 0;
        if (row[j] != orig[idx[j]])
            return 0;
    }
    return 1;
}

int main(void)
{
    rowsort_options options;
    rowsort_options_init(&options);
    options.threads = 2;
    rowsort_status status;
    rowsort_ctx *ctx = rowsort_create(&options, &status);
    if (ctx == NULL) {
        fprintf(stderr, "embed: rowsort_create: %s\n", rowsort_status_string(status));
        return 1;
    }
    float *keys = malloc(sizeof(float) * ROWS * N);
    float *sorted = malloc(sizeof(float) * ROWS * N);
    int32_t *idx = malloc(sizeof(int32_t) * ROWS * N);
    if (keys == NULL || sorted == NULL || idx == NULL) {
        fprintf(stderr, "embed: out of memory\n");
        return 1;
    }
    uint64_t state = 42;
    for (int b = 0; b < BATCHES; b++) {
        for (size_t i = 0; i < (size_t)ROWS * N; i++) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            keys[i] = (float)((int64_t)(state >> 33) % 2000 - 1000) / 7.0f;
        }
        rowsort_request req;
        rowsort_request_init(&req);
        const rowsort_array in = {keys, ROWSORT_DTYPE_F32, 0};
        const rowsort_array out = {sorted, ROWSORT_DTYPE_F32, 0};
        req.rows = ROWS;
        req.n = N;
        req.operands = &in;
        req.outputs = &out;
        req.num_operands = 1;
        req.flags = ROWSORT_STABLE;
        req.indices.data = idx;
        req.indices.dtype = ROWSORT_DTYPE_I32;
        status = rowsort_sort(ctx, &req);
        if (status != ROWSORT_OK) {
            fprintf(stderr, "embed: rowsort_sort: %s\n", rowsort_status_string(status));
            return 1;
        }
        for (size_t r = 0; r < ROWS; r++) {
            if (!check_sorted(sorted + r * N, idx + r * N, keys + r * N, N)) {
                fprintf(stderr, "embed: batch %d row %zu is not sorted\n", b, r);
                return 1;
            }
        }
    }
    printf("embed: rowsort %s (%s, %u threads): %d batches of %dx%d sorted and checked\n",
           rowsort_version(), rowsort_isa_name(rowsort_ctx_isa(ctx)), rowsort_ctx_threads(ctx),
           BATCHES, ROWS, N);
    free(keys);
    free(sorted);
    free(idx);
    rowsort_destroy(ctx);
    return 0;
}
