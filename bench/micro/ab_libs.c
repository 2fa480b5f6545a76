/*
 * ab_libs.c - two builds of librowsort timed against each other in one process: A/B of an
 * engine change, interleaved call by call on identical data (the machine is noisy; two runs
 * of two programs are not comparable). Each library is dlopen'ed with RTLD_LOCAL, so both
 * export rowsort_* without clashing; each gets a kept context of one thread (AB_THREADS=t in the
 * environment: t threads, default pin; AB_THREADS_A, AB_THREADS_B: one context only, e.g. to time one
 * library on 1 thread against itself on 2, both paths as LIB_A and LIB_B; AB_ISA_A, AB_ISA_B:
 * scalar|avx2|avx512, one context's kernel path, e.g. one library's AVX2 path against its
 * AVX-512 path).
 *
 *   gcc -O2 -std=c11 bench/micro/ab_libs.c -Iengine/include -ldl -o build/ab_libs
 *   build/ab_libs LIB_A LIB_B DTYPE ROWS N CALLS [stable|argsort|copy|desc|topk=K]
 *     e.g. build/ab_libs /tmp/a/obj/engine/librowsort.so build/engine/librowsort.so int16 8 8192 300
 *   the committed engine as LIB_A:
 *     mkdir -p /tmp/a/src && git archive HEAD | tar -x -C /tmp/a/src
 *     cmake -S /tmp/a/src -B /tmp/a/obj -DCMAKE_BUILD_TYPE=Release -DROWSORT_BUILD_TESTS=OFF \
 *         -DROWSORT_BUILD_CLI=OFF && cmake --build /tmp/a/obj --target rowsort
 *
 * AB_DATA=cluster (int64, float64): in every row, keys within 2^20 units in the last place
 * of each other and one (the middle) far above them; AB_DATA=dups: 16 values spread over
 * the range, each many times (the worst and a hard case of the packed 64-bit keys,
 * rows64_packed_avx512.h); AB_DATA=pad: rows of 1..n keys (small integers, or the floats
 * below) padded to n with the greatest value (int64's, or +inf), as ragged rows are.
 * AB_SETS=k: k inputs made from k seeds, the i-th timed call sorting input i mod k (default
 * 1: every call sorts the same input, and a core's branch predictors learn much of that
 * input's branches from one call to the next; with k = 64, as a caller sorting new data
 * each time, they do not; the outputs are compared on the first input).
 * AB_COLD=1: before each timed call, glibc's qsort of 64K doubles (a copy of other data,
 * 512 KiB), as a caller that does other work between its sorts: its branches retrain the
 * predictors and its data displaces some of the sort's code and scratch from the caches.
 * DTYPE: int16, int32, int64, float32, float64 (values uniform over the range; floats
 * standard-normal-like). "stable" adds ROWSORT_STABLE and an int32 index output (the keys
 * sorted in place too); "argsort" asks for the int32 indices only (values not wanted), as
 * rowsort_argsort_rows and bench_sort.py's argsort do; "copy" writes the sorted values to
 * another array (out of place, as rowsort.sort in Python), else they are sorted in place;
 * "desc" sorts in place in the descending order (ROWSORT_DESCENDING);
 * "topk=K" asks for the K largest of each row with their int32 indices (ROWSORT_SELECT_LARGEST,
 * as rowsort.top_k in Python).
 * Prints each library's median and minimum in ns per element and B's speedup over A
 * (A's median / B's; above 1: B is faster). Both outputs are compared byte for byte.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rowsort.h"

#include "../bench_clock.h"

typedef struct lib {
    void *handle;
    void (*options_init)(rowsort_options *);
    rowsort_ctx *(*create)(const rowsort_options *, rowsort_status *);
    void (*destroy)(rowsort_ctx *);
    void (*request_init)(rowsort_request *);
    rowsort_status (*sort)(rowsort_ctx *, const rowsort_request *);
    const char *(*status_string)(rowsort_status);
    rowsort_ctx *ctx;
} lib;

static int load(lib *l, const char *path, const char *threads_env, const char *isa_env)
{
    l->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (l->handle == NULL) {
        fprintf(stderr, "%s\n", dlerror());
        return -1;
    }
    /* POSIX: a data pointer from dlsym converts to a function pointer through memcpy. */
#define SYM(field, name)                                                                    \
    do {                                                                                    \
        void *p = dlsym(l->handle, name);                                                   \
        if (p == NULL) {                                                                    \
            fprintf(stderr, "%s: no %s\n", path, name);                                     \
            return -1;                                                                      \
        }                                                                                   \
        memcpy(&l->field, &p, sizeof p);                                                    \
    } while (0)
    SYM(options_init, "rowsort_options_init");
    SYM(create, "rowsort_create");
    SYM(destroy, "rowsort_destroy");
    SYM(request_init, "rowsort_request_init");
    SYM(sort, "rowsort_sort");
    SYM(status_string, "rowsort_status_string");
#undef SYM
    rowsort_options o;
    l->options_init(&o);
    const char *threads = getenv(threads_env);
    if (threads == NULL)
        threads = getenv("AB_THREADS");
    o.threads = threads != NULL ? (unsigned)strtoul(threads, NULL, 10) : 1;
    const char *isa = getenv(isa_env);
    if (isa != NULL)
        o.isa = strcmp(isa, "scalar") == 0 ? ROWSORT_ISA_SCALAR
                : strcmp(isa, "avx2") == 0 ? ROWSORT_ISA_AVX2
                                           : ROWSORT_ISA_AVX512;
    rowsort_status st;
    l->ctx = l->create(&o, &st);
    if (l->ctx == NULL) {
        fprintf(stderr, "%s: context: %s\n", path, l->status_string(st));
        return -1;
    }
    return 0;
}

static const struct {
    const char *name;
    rowsort_dtype dtype;
    size_t size;
} dtypes[] = {
    {"int16", ROWSORT_DTYPE_I16, 2},   {"int32", ROWSORT_DTYPE_I32, 4},
    {"int64", ROWSORT_DTYPE_I64, 8},   {"float32", ROWSORT_DTYPE_F32, 4},
    {"float64", ROWSORT_DTYPE_F64, 8},
};

static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return *s >> 11;
}

/* The key of the AB_DATA pattern for position i of a row of n, from u (uniform), into *key
 * and *g; both left as they are where the pattern is uniform. */
static void patterned(const char *data, size_t i, size_t n, uint64_t u, uint64_t *key, double *g)
{
    if (data != NULL && strcmp(data, "cluster") == 0) {
        const int top = i % n == n / 2;
        *key = top ? UINT64_MAX >> 1 : (UINT64_C(1) << 40) + (u >> 44);
        *g = top ? 1e300 : 1.0 + (double)(u >> 44) * 0x1p-52;
    } else if (data != NULL && strcmp(data, "pad") == 0) {
        /* rows of 1..n keys padded with the greatest value */
        const size_t len = 1 + (size_t)((i / n) * UINT64_C(2654435761) >> 7) % n;
        const int pad = i % n >= len;
        *key = pad ? UINT64_MAX >> 1 : u >> 40;
        *g = pad ? 1.0 / 0.0 : *g;
    } else if (data != NULL && strcmp(data, "dups") == 0) {
        *key = (u >> 60) * (UINT64_MAX / 32);
        *g = (double)(int64_t)(u >> 60) * 1e10 - 7e10;
    }
}

static void fill(void *dst, size_t count, size_t n, rowsort_dtype dtype, uint64_t seed)
{
    const char *data = getenv("AB_DATA");
    uint64_t s = seed;
    for (size_t i = 0; i < count; i++) {
        /* A sum of uniforms is close enough to normal for a sort's branches. */
        double g = ((double)next(&s) + (double)next(&s) + (double)next(&s)) /
                       9007199254740992.0 - 1.5;
        uint64_t u = next(&s) << 11 ^ next(&s);
        patterned(data, i, n, u, &u, &g);
        switch (dtype) {
        case ROWSORT_DTYPE_I16:
            ((uint16_t *)dst)[i] = (uint16_t)u;
            break;
        case ROWSORT_DTYPE_I32:
            ((uint32_t *)dst)[i] = (uint32_t)u;
            break;
        case ROWSORT_DTYPE_I64:
            ((uint64_t *)dst)[i] = u;
            break;
        case ROWSORT_DTYPE_F32:
            ((float *)dst)[i] = (float)g;
            break;
        default:
            ((double *)dst)[i] = g;
            break;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 7 && argc != 8) {
        fprintf(stderr,
                "usage: %s LIB_A LIB_B DTYPE ROWS N CALLS [stable|argsort|copy|desc|topk=K]\n",
                argv[0]);
        return 2;
    }
    size_t d = 0;
    while (d < sizeof dtypes / sizeof dtypes[0] && strcmp(dtypes[d].name, argv[3]) != 0)
        d++;
    const size_t rows = strtoull(argv[4], NULL, 10), n = strtoull(argv[5], NULL, 10);
    const int calls = atoi(argv[6]);
    const int only_idx = argc == 8 && strcmp(argv[7], "argsort") == 0;
    const int stable = only_idx || (argc == 8 && strcmp(argv[7], "stable") == 0);
    const int copy = argc == 8 && strcmp(argv[7], "copy") == 0;
    const int desc = argc == 8 && strcmp(argv[7], "desc") == 0;
    const size_t topk = argc == 8 && strncmp(argv[7], "topk=", 5) == 0
                            ? strtoull(argv[7] + 5, NULL, 10) : 0;
    if (d == sizeof dtypes / sizeof dtypes[0] || rows * n == 0 || calls <= 0 ||
        (argc == 8 && !stable && !copy && !desc && topk == 0) || topk > n) {
        fprintf(stderr, "%s: bad DTYPE, ROWS, N, CALLS or flag\n", argv[0]);
        return 2;
    }
    const size_t count = rows * n, bytes = count * dtypes[d].size;
    const char *sets_env = getenv("AB_SETS");
    const size_t sets = sets_env != NULL ? strtoull(sets_env, NULL, 10) : 1;
    if (sets == 0 || sets > SIZE_MAX / bytes) {
        fprintf(stderr, "%s: bad AB_SETS\n", argv[0]);
        return 2;
    }
    /* what is compared: the values, then the indices (both for top-k) */
    const size_t out_bytes = bytes + count * sizeof(int32_t);
    const size_t cmp_bytes = topk ? rows * topk * (dtypes[d].size + sizeof(int32_t))
                             : stable ? count * sizeof(int32_t) : bytes;
    lib libs[2];
    if (load(&libs[0], argv[1], "AB_THREADS_A", "AB_ISA_A") != 0 ||
        load(&libs[1], argv[2], "AB_THREADS_B", "AB_ISA_B") != 0)
        return 1;
    unsigned char *src = malloc(sets * bytes), *work = malloc(bytes), *dest = malloc(bytes);
    unsigned char *out[2] = {malloc(out_bytes), malloc(out_bytes)};
    int32_t *idx = malloc(count * sizeof *idx);
    double *t[2] = {malloc((size_t)calls * sizeof(double)), malloc((size_t)calls * sizeof(double))};
    if (!src || !work || !dest || !out[0] || !out[1] || !idx || !t[0] || !t[1]) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < sets; i++)
        fill(src + i * bytes, count, n, dtypes[d].dtype, 42 + i);
    const int cold = getenv("AB_COLD") != NULL && atoi(getenv("AB_COLD")) != 0;
    enum { COLD_POOL = 1 << 19, COLD_N = 1 << 16 };
    double *cold_pool = cold ? malloc(COLD_POOL * sizeof(double)) : NULL;
    double *cold_work = cold ? malloc(COLD_N * sizeof(double)) : NULL;
    if (cold && (cold_pool == NULL || cold_work == NULL)) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    if (cold)
        fill(cold_pool, COLD_POOL, COLD_POOL, ROWSORT_DTYPE_F64, 7);
    for (int c = -1; c < calls; c++) /* c = -1: warm-up (scratch allocated, pages touched) */
        for (int k = 0; k < 2; k++) {
            const int m = (c & 1) ? 1 - k : k; /* alternate which goes first */
            /* each call its own input: the one before (the other library's, or this one's
             * against itself) has taught the branch predictors another */
            memcpy(work, src + (c < 0 ? 0 : (size_t)(2 * c + k) % sets) * bytes, bytes);
            if (cold) {
                const size_t at = (size_t)(2 * c + k + 2) % (COLD_POOL / COLD_N) * COLD_N;
                memcpy(cold_work, cold_pool + at, COLD_N * sizeof(double));
                qsort(cold_work, COLD_N, sizeof(double), cmp_double);
            }
            rowsort_request q;
            libs[m].request_init(&q);
            const rowsort_array op = {work, dtypes[d].dtype, 0};
            const rowsort_array no_values = {NULL, dtypes[d].dtype, 0};
            const rowsort_array elsewhere = {dest, dtypes[d].dtype, 0};
            q.rows = rows;
            q.n = n;
            q.operands = &op;
            q.num_operands = 1;
            if (copy)
                q.outputs = &elsewhere;
            if (desc)
                q.flags = ROWSORT_DESCENDING;
            if (topk) {
                q.outputs = &elsewhere;
                q.select = ROWSORT_SELECT_LARGEST;
                q.k = topk;
                q.indices = (rowsort_array){idx, ROWSORT_DTYPE_I32, 0};
            }
            if (stable) {
                q.flags = ROWSORT_STABLE;
                q.indices = (rowsort_array){idx, ROWSORT_DTYPE_I32, 0};
                if (only_idx)
                    q.outputs = &no_values;
            }
            const double t0 = now_ns();
            const rowsort_status st = libs[m].sort(libs[m].ctx, &q);
            const double dt = now_ns() - t0;
            if (st != ROWSORT_OK) {
                fprintf(stderr, "sort: %s\n", libs[m].status_string(st));
                return 1;
            }
            if (c >= 0)
                t[m][c] = dt;
            else if (topk) {
                memcpy(out[m], dest, rows * topk * dtypes[d].size);
                memcpy(out[m] + rows * topk * dtypes[d].size, idx, rows * topk * sizeof *idx);
            } else
                memcpy(out[m], stable ? (void *)idx : copy ? (void *)dest : (void *)work,
                       cmp_bytes);
        }
    if (memcmp(out[0], out[1], cmp_bytes) != 0)
        printf("OUTPUTS DIFFER\n");
    double med[2];
    for (int m = 0; m < 2; m++) {
        qsort(t[m], (size_t)calls, sizeof *t[m], cmp_double);
        med[m] = t[m][calls / 2] / (double)count;
        printf("%c %s: %zux%zu %s%s%s: median %.3f ns/el, min %.3f\n", 'A' + m, argv[1 + m], rows,
               n, argv[3], argc == 8 ? " " : "", argc == 8 ? argv[7] : "",
               med[m], t[m][0] / (double)count);
        libs[m].destroy(libs[m].ctx);
        free(t[m]);
        free(out[m]);
    }
    printf("B/A speedup (median): %.3f\n", med[0] / med[1]);
    free(src);
    free(work);
    free(dest);
    free(idx);
    free(cold_pool);
    free(cold_work);
    return 0;
}
