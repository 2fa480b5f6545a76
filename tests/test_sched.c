/*
 * test_sched.c - the scheduler through the public API: results are the same bytes for every
 * thread count (1..6, more than this machine's cores included) and every pin policy, for
 * whole rows and for rows split across threads (values only, stable with indices, payloads
 * in place, top-k, 16/32/64-bit keys), compared with threads = 1 bytewise; the caller's
 * binding is restored; contexts with a synthetic topology describe their plan and refuse
 * to pin. Sorting happens only inside the forked tests (libgomp and fork, STYLE.md).
 */
#define _GNU_SOURCE
#include <check.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_expect.h"
#include "rowsort.h"

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Random bytes with many ties (low entropy in the top bytes) and, for floats, NaNs/zeros. */
static void fill(void *data, size_t bytes, uint64_t seed)
{
    unsigned char *p = data;
    for (size_t i = 0; i < bytes; i++)
        p[i] = (unsigned char)next(&seed);
    for (size_t i = 3; i < bytes; i += 4 * 7)
        p[i] &= 0x81; /* ties; and float32 -0/+0, NaN-free mostly */
}

/* Adversarial 32- and 64-bit rows for the pivot split (sched_pivot.c): its pivots come from
 * samples and its segments from in-place partitions, so ties, runs and extremes are its edge
 * cases; float rows fall back to built keys when any thread finds a NaN in its slice. */
typedef enum pattern {
    RANDOM,     /* fill() */
    ALL_EQUAL,  /* one key: every split puts the whole segment on one side */
    FEW_KEYS,   /* three keys: the pivot is a key that fills a third of the row */
    ASCENDING,  /* already sorted: partitions leave every key where it is */
    DESCENDING, /* reversed: every key of a slice is on the wrong side */
    TOP_HEAVY,  /* 60% all-ones bits (UINT*_MAX, -1, -NaN), 20% INT*_MAX (+NaN), the rest
                 * random: pivots at the largest key */
    SPECIALS,   /* float zeros of both signs, denormals, infinities, NaNs with payloads */
    ZEROS,      /* floats without NaNs, two thirds zeros of either sign: the one-thread
                 * native sorts order them as the split's encoded keys do */
    LAST_NAN    /* ZEROS, and one NaN: the last key of the first row (the last thread's slice
                 * alone sees it; a second row has none) */
} pattern;

static void fill_pattern(uint32_t *v, size_t count, pattern p, uint64_t seed)
{
    static const uint32_t specials[] = {0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u,
                                        0x7F800000u, 0xFF800000u, 0x7FC00001u, 0xFFC00002u,
                                        0x3F800000u, 0xBF800000u, 0x7F800001u, 0x007FFFFFu};
    for (size_t i = 0; i < count; i++) {
        const uint64_t r = next(&seed);
        switch (p) {
        case ALL_EQUAL:
            v[i] = 0x12345678u;
            break;
        case FEW_KEYS:
            v[i] = (uint32_t)(r % 3) * 0x40000000u;
            break;
        case ASCENDING:
            v[i] = (uint32_t)i * 2654435u / 1024u;
            break;
        case DESCENDING:
            v[i] = (uint32_t)(count - i) * 2654435u / 1024u;
            break;
        case TOP_HEAVY:
            v[i] = r % 5 < 3 ? 0xFFFFFFFFu : r % 5 == 3 ? 0x7FFFFFFFu : (uint32_t)(r >> 32);
            break;
        case SPECIALS:
            v[i] = r % 4 == 0 ? (uint32_t)(r >> 32) : specials[(r >> 8) % 12];
            break;
        case ZEROS:
        case LAST_NAN:
            v[i] = r % 3 == 0 ? 0 : r % 3 == 1 ? 0x80000000u : (uint32_t)(r >> 32) & 0xBFFFFFFFu;
            break;
        case RANDOM:
            break;
        }
    }
}

/* The patterns at 64 bits (int64, uint64, float64 rows). */
static void fill_pattern64(uint64_t *v, size_t count, pattern p, uint64_t seed)
{
    static const uint64_t specials[] = {
        0, UINT64_C(1) << 63, 1, (UINT64_C(1) << 63) | 1,
        UINT64_C(0x7FF0000000000000), UINT64_C(0xFFF0000000000000), /* infinities */
        UINT64_C(0x7FF8000000000001), UINT64_C(0xFFF8000000000002), /* NaNs, payloads */
        UINT64_C(0x3FF0000000000000), UINT64_C(0xBFF0000000000000), /* +-1 */
        UINT64_C(0x7FF0000000000001), UINT64_C(0x000FFFFFFFFFFFFF)}; /* sNaN, denormal */
    for (size_t i = 0; i < count; i++) {
        const uint64_t r = next(&seed);
        switch (p) {
        case ALL_EQUAL:
            v[i] = UINT64_C(0x123456789ABCDEF0);
            break;
        case FEW_KEYS:
            v[i] = (r % 3) * UINT64_C(0x4000000000000000);
            break;
        case ASCENDING:
            v[i] = (uint64_t)i * UINT64_C(2654435761) << 20;
            break;
        case DESCENDING:
            v[i] = (uint64_t)(count - i) * UINT64_C(2654435761) << 20;
            break;
        case TOP_HEAVY: /* UINT64_MAX / -1 / -NaN, INT64_MAX / +NaN, random */
            v[i] = r % 5 < 3 ? UINT64_MAX : r % 5 == 3 ? (uint64_t)INT64_MAX : r >> 7;
            break;
        case SPECIALS:
            v[i] = r % 4 == 0 ? next(&seed) : specials[(r >> 8) % 12];
            break;
        case ZEROS:
        case LAST_NAN:
            v[i] = r % 3 == 0 ? 0 : r % 3 == 1 ? UINT64_C(1) << 63 : r & UINT64_C(0xBFFFFFFFFFFFFFFF);
            break;
        case RANDOM:
            break;
        }
    }
}

/* sched_case.in_place: outputs given, but the values' data NULL (argsort only). */
#define VALUES_UNWANTED 2

typedef struct sched_case {
    const char *name;
    size_t rows, n;
    rowsort_dtype dtype;
    unsigned flags;
    int indices;  /* 0 none, 4 int32, 8 int64 */
    int payload;  /* an int16 payload operand */
    int in_place; /* 1: outputs == NULL; VALUES_UNWANTED: the values' output not written */
    size_t top_k; /* 0: whole row */
    pattern data; /* 32- and 64-bit dtypes only, but RANDOM */
} sched_case;

static const sched_case cases[] = {
    {"8x8192 i32 values", 8, 8192, ROWSORT_DTYPE_I32, 0, 0, 0, 1, 0, RANDOM},
    {"3x300001 f32 values (split)", 3, 300001, ROWSORT_DTYPE_F32, 0, 0, 0, 1, 0, RANDOM},
    {"1x1000003 u64 desc values (pivot, keys encoded)", 1, 1000003, ROWSORT_DTYPE_U64, ROWSORT_DESCENDING, 0, 0, 1, 0,
     RANDOM},
    {"1x400000 i16 values (split)", 1, 400000, ROWSORT_DTYPE_I16, 0, 0, 0, 1, 0, RANDOM},
    {"2x500000 f32 stable + int32 indices (split)", 2, 500000, ROWSORT_DTYPE_F32, ROWSORT_STABLE, 4,
     0, 0, 0, RANDOM},
    {"1x600000 f64 stable desc + int64 indices + payload in place (split)", 1, 600000,
     ROWSORT_DTYPE_F64, ROWSORT_STABLE | ROWSORT_DESCENDING, 8, 1, 1, 0, RANDOM},
    {"3x300000 u8 unstable + payload out of place (split)", 3, 300000, ROWSORT_DTYPE_U8, 0, 0, 1, 0,
     0, RANDOM},
    /* 64-bit keys with positions: parts and merges, the key's output decoded from the
     * merged keys */
    {"1x400003 i64 stable few keys + int32 indices + payload in place (split)", 1, 400003,
     ROWSORT_DTYPE_I64, ROWSORT_STABLE, 4, 1, 1, 0, FEW_KEYS},
    {"1x400003 u64 desc + payload out of place (split)", 1, 400003, ROWSORT_DTYPE_U64,
     ROWSORT_DESCENDING, 0, 1, 0, 0, TOP_HEAVY},
    {"1x500000 i32 top-k 1000 (split)", 1, 500000, ROWSORT_DTYPE_I32, 0, 4, 1, 0, 1000, RANDOM},
    {"1x300000 c64 stable (one thread per row)", 1, 300000, ROWSORT_DTYPE_C64, ROWSORT_STABLE, 4, 0,
     1, 0, RANDOM},
    {"4096x100 f32 stable + indices", 4096, 100, ROWSORT_DTYPE_F32, ROWSORT_STABLE, 4, 1, 0, 0,
     RANDOM},
    /* Rows of 400003 keys are split on up to 6 threads: the pivot split. */
    {"1x400003 i32 values (pivot)", 1, 400003, ROWSORT_DTYPE_I32, 0, 0, 0, 1, 0, RANDOM},
    {"1x400003 i32 all equal (pivot)", 1, 400003, ROWSORT_DTYPE_I32, 0, 0, 0, 1, 0, ALL_EQUAL},
    {"1x400003 i32 extremes (pivot)", 1, 400003, ROWSORT_DTYPE_I32, 0, 0, 0, 1, 0, TOP_HEAVY},
    {"1x400003 i32 descending input (pivot)", 1, 400003, ROWSORT_DTYPE_I32, 0, 0, 0, 1, 0,
     DESCENDING},
    {"1x400003 u32 top-heavy (pivot)", 1, 400003, ROWSORT_DTYPE_U32, 0, 0, 0, 1, 0, TOP_HEAVY},
    {"1x400003 u32 ascending input (pivot)", 1, 400003, ROWSORT_DTYPE_U32, 0, 0, 0, 1, 0,
     ASCENDING},
    {"1x400003 i32 desc few keys (pivot, keys encoded)", 1, 400003, ROWSORT_DTYPE_I32,
     ROWSORT_DESCENDING, 0, 0, 1, 0, FEW_KEYS},
    {"2x400003 f32 specials out of place (pivot)", 2, 400003, ROWSORT_DTYPE_F32, 0, 0, 0, 0, 0,
     SPECIALS},
    {"1x400003 f32 desc specials (pivot)", 1, 400003, ROWSORT_DTYPE_F32, ROWSORT_DESCENDING, 0, 0,
     1, 0, SPECIALS},
    {"1x400003 f32 zeros of both signs, no NaN (pivot)", 1, 400003, ROWSORT_DTYPE_F32, 0, 0, 0, 1,
     0, ZEROS},
    {"1x400003 f32 desc zeros of both signs (pivot)", 1, 400003, ROWSORT_DTYPE_F32,
     ROWSORT_DESCENDING, 0, 0, 1, 0, ZEROS},
    {"1x400003 f64 zeros of both signs (pivot, as numbers)", 1, 400003, ROWSORT_DTYPE_F64, 0, 0,
     0, 1, 0, ZEROS},
    /* 64-bit keys: split as int64 (uint64 and built keys with their top bit flipped) */
    {"1x400003 i64 values (pivot)", 1, 400003, ROWSORT_DTYPE_I64, 0, 0, 0, 1, 0, RANDOM},
    {"1x400003 i64 extremes (pivot)", 1, 400003, ROWSORT_DTYPE_I64, 0, 0, 0, 1, 0, TOP_HEAVY},
    {"1x400003 i64 descending input (pivot)", 1, 400003, ROWSORT_DTYPE_I64, 0, 0, 0, 1, 0,
     DESCENDING},
    {"1x400003 i64 all equal out of place (pivot)", 1, 400003, ROWSORT_DTYPE_I64, 0, 0, 0, 0, 0,
     ALL_EQUAL},
    {"1x400003 u64 top-heavy (pivot, flipped)", 1, 400003, ROWSORT_DTYPE_U64, 0, 0, 0, 1, 0,
     TOP_HEAVY},
    {"1x400003 u64 ascending input (pivot, flipped)", 1, 400003, ROWSORT_DTYPE_U64, 0, 0, 0, 1, 0,
     ASCENDING},
    {"1x400003 i64 desc few keys (pivot, keys encoded)", 1, 400003, ROWSORT_DTYPE_I64,
     ROWSORT_DESCENDING, 0, 0, 1, 0, FEW_KEYS},
    {"2x400003 f64 specials out of place (pivot, NaN: encoded)", 2, 400003, ROWSORT_DTYPE_F64, 0,
     0, 0, 0, 0, SPECIALS},
    {"1x400003 f64 desc specials (pivot)", 1, 400003, ROWSORT_DTYPE_F64, ROWSORT_DESCENDING, 0, 0,
     1, 0, SPECIALS},
    {"1x400003 f64 desc zeros of both signs (pivot)", 1, 400003, ROWSORT_DTYPE_F64,
     ROWSORT_DESCENDING, 0, 0, 1, 0, ZEROS},
    {"1x400003 u64 desc spanning 2^63 (pivot, keys encoded)", 1, 400003, ROWSORT_DTYPE_U64,
     ROWSORT_DESCENDING, 0, 0, 1, 0, ASCENDING},
    {"1x400003 f64 total order specials (pivot)", 1, 400003, ROWSORT_DTYPE_F64,
     ROWSORT_TOTAL_ORDER, 0, 0, 1, 0, SPECIALS},
    {"1x400003 f64 total order desc specials (pivot)", 1, 400003, ROWSORT_DTYPE_F64,
     ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING, 0, 0, 1, 0, SPECIALS},
    {"1x400003 f64 desc nans last specials (pivot)", 1, 400003, ROWSORT_DTYPE_F64,
     ROWSORT_DESCENDING | ROWSORT_NANS_LAST, 0, 0, 1, 0, SPECIALS},
    /* Short rows of floats with zeros of both signs, sorted as numbers: whether a row is
     * sorted in a whole block of rows or among those left over (Zen 4: by packed keys or
     * column networks) depends on the threads' shares; its zeros come out in one order. */
    {"1001x64 f64 zeros of both signs (short rows)", 1001, 64, ROWSORT_DTYPE_F64, 0, 0, 0, 1, 0,
     ZEROS},
    {"1001x40 f64 desc zeros of both signs out of place (short rows)", 1001, 40,
     ROWSORT_DTYPE_F64, ROWSORT_DESCENDING, 0, 0, 0, 0, ZEROS},
    {"1001x64 f32 zeros of both signs (short rows)", 1001, 64, ROWSORT_DTYPE_F32, 0, 0, 0, 1, 0,
     ZEROS},
    /* Permutation jobs of 16- and 32-bit keys: split around pivots as packed (key << 32 |
     * position); outputs gathered a piece at a time, or at the end where an operand is
     * sorted in place. */
    {"1x400003 i32 stable few keys + int32 indices + payload in place (pivot, packed)", 1, 400003,
     ROWSORT_DTYPE_I32, ROWSORT_STABLE, 4, 1, 1, 0, FEW_KEYS},
    {"2x400003 f32 stable desc specials + int64 indices + payload in place (pivot, packed)", 2,
     400003, ROWSORT_DTYPE_F32, ROWSORT_STABLE | ROWSORT_DESCENDING, 8, 1, 1, 0, SPECIALS},
    {"1x400003 u32 stable all equal + int32 indices (pivot, packed)", 1, 400003,
     ROWSORT_DTYPE_U32, ROWSORT_STABLE, 4, 0, 0, 0, ALL_EQUAL},
    {"1x400003 f32 argsort only, zeros of both signs (pivot, packed)", 1, 400003,
     ROWSORT_DTYPE_F32, ROWSORT_STABLE, 4, 0, VALUES_UNWANTED, 0, ZEROS},
    {"1x400003 i32 desc + payload out of place (pivot, packed)", 1, 400003, ROWSORT_DTYPE_I32,
     ROWSORT_DESCENDING, 0, 1, 0, 0, DESCENDING},
    {"1x400003 bf16 stable + int32 indices + payload in place (pivot, packed)", 1, 400003,
     ROWSORT_DTYPE_BF16, ROWSORT_STABLE, 4, 1, 1, 0, RANDOM},
    {"1x400003 f16 stable desc total order + int64 indices (pivot, packed)", 1, 400003,
     ROWSORT_DTYPE_F16, ROWSORT_STABLE | ROWSORT_DESCENDING | ROWSORT_TOTAL_ORDER, 8, 0, 0, 0,
     RANDOM},
    /* one NaN that only the last thread's slice holds: every thread must fall back */
    {"2x400003 f32 one NaN in row 0 (pivot)", 2, 400003, ROWSORT_DTYPE_F32, 0, 0, 0, 1, 0,
     LAST_NAN},
    {"1x400003 f64 one NaN (pivot)", 1, 400003, ROWSORT_DTYPE_F64, 0, 0, 0, 1, 0, LAST_NAN},
    {"2x400003 f64 one NaN in row 0, out of place (pivot)", 2, 400003, ROWSORT_DTYPE_F64, 0, 0,
     0, 0, 0, LAST_NAN},
};
#define NUM_CASES (sizeof cases / sizeof cases[0])

typedef struct outputs {
    unsigned char *values, *payload, *indices;
    size_t values_bytes, payload_bytes, indices_bytes;
} outputs;

/* The pin policies compared; the cases are far smaller than the 1 MiB per thread from which
 * threads are bound by default, so ROWSORT_PIN_MIN_BYTES=0 makes every call bind, and the
 * last mode keeps the default (those calls run unbound). */
typedef struct pin_mode {
    rowsort_pin pin;
    const char *pin_min_bytes; /* ROWSORT_PIN_MIN_BYTES; NULL: unset */
} pin_mode;

static const pin_mode pin_modes[] = {{ROWSORT_PIN_NONE, NULL},
                                     {ROWSORT_PIN_CORE, "0"},
                                     {ROWSORT_PIN_NUMA, "0"},
                                     {ROWSORT_PIN_CORE, NULL}};
#define NUM_PIN_MODES (sizeof pin_modes / sizeof pin_modes[0])

static outputs run_case(const sched_case *c, unsigned threads, pin_mode mode)
{
    const rowsort_pin pin = mode.pin;
    if (mode.pin_min_bytes != NULL)
        ck_assert_int_eq(setenv("ROWSORT_PIN_MIN_BYTES", mode.pin_min_bytes, 1), 0);
    else
        ck_assert_int_eq(unsetenv("ROWSORT_PIN_MIN_BYTES"), 0);
    const size_t esize = rowsort_dtype_size(c->dtype);
    const size_t out_n = c->top_k ? c->top_k : c->n;
    outputs o = {0};
    unsigned char *in = malloc(c->rows * c->n * esize);
    int16_t *pay = malloc(c->rows * c->n * sizeof *pay);
    ck_assert(in != NULL && pay != NULL);
    fill(in, c->rows * c->n * esize, 42 + c->rows);
    if (c->data != RANDOM && esize == 8)
        fill_pattern64((uint64_t *)(void *)in, c->rows * c->n, c->data, 7 + c->rows);
    else if (c->data != RANDOM)
        fill_pattern((uint32_t *)(void *)in, c->rows * c->n, c->data, 7 + c->rows);
    if (c->data == LAST_NAN && esize == 8)
        ((uint64_t *)(void *)in)[c->n - 1] = UINT64_C(0xFFF8000000000123);
    else if (c->data == LAST_NAN)
        ((uint32_t *)(void *)in)[c->n - 1] = 0xFFC00123u;
    for (size_t i = 0; i < c->rows * c->n; i++)
        pay[i] = (int16_t)i;

    rowsort_options opts;
    rowsort_options_init(&opts);
    opts.threads = threads;
    opts.pin = pin;
    rowsort_status st;
    rowsort_ctx *ctx = rowsort_create(&opts, &st);
    ck_assert_msg(ctx != NULL, "create(%u, pin %d): %s", threads, (int)pin,
                  rowsort_status_string(st));

    rowsort_request req;
    rowsort_request_init(&req);
    rowsort_array ops[2] = {{in, c->dtype, 0}, {pay, ROWSORT_DTYPE_I16, 0}};
    o.values_bytes = c->in_place == VALUES_UNWANTED ? 0 : c->rows * out_n * esize;
    o.payload_bytes = c->payload ? c->rows * out_n * sizeof *pay : 0;
    o.values = c->in_place == 1 ? in : malloc(o.values_bytes ? o.values_bytes : 1);
    o.payload = c->in_place == 1 ? (unsigned char *)pay
                                 : malloc(o.payload_bytes ? o.payload_bytes : 1);
    ck_assert(o.values != NULL && o.payload != NULL);
    rowsort_array outs[2] = {{c->in_place == VALUES_UNWANTED ? NULL : o.values, c->dtype, 0},
                             {o.payload, ROWSORT_DTYPE_I16, 0}};
    req.rows = c->rows;
    req.n = c->n;
    req.operands = ops;
    req.num_operands = c->payload ? 2 : 1;
    req.outputs = c->in_place == 1 ? NULL : outs;
    req.flags = c->flags;
    if (c->top_k) {
        req.select = ROWSORT_SELECT_LARGEST;
        req.k = c->top_k;
    }
    if (c->indices) {
        o.indices_bytes = c->rows * out_n * (size_t)c->indices;
        o.indices = malloc(o.indices_bytes);
        ck_assert(o.indices != NULL);
        req.indices.data = o.indices;
        req.indices.dtype = c->indices == 4 ? ROWSORT_DTYPE_I32 : ROWSORT_DTYPE_I64;
    }
    st = rowsort_sort(ctx, &req);
    ck_assert_msg(st == ROWSORT_OK, "%s, %u threads, pin %d: %s", c->name, threads, (int)pin,
                  rowsort_status_string(st));
    rowsort_destroy(ctx);
    if (c->in_place != 1)
        free(in);
    if (c->in_place != 1 || !c->payload) {
        if (c->in_place == 1)
            o.payload = NULL;
        free(pay);
    }
    return o;
}

static void free_outputs(outputs *o)
{
    free(o->values);
    free(o->payload);
    free(o->indices);
}

START_TEST(test_same_bytes)
{
    const sched_case *c = &cases[_i];
    outputs ref = run_case(c, 1, pin_modes[0]);
    for (unsigned threads = 1; threads <= 6; threads++)
        for (size_t p = 0; p < NUM_PIN_MODES; p++) {
            outputs got = run_case(c, threads, pin_modes[p]);
            ck_assert_msg(memcmp(ref.values, got.values, ref.values_bytes) == 0,
                          "%s: values differ with %u threads, pin mode %zu", c->name,
                          threads, p);
            if (c->payload)
                ck_assert_msg(memcmp(ref.payload, got.payload, ref.payload_bytes) == 0,
                              "%s: payload differs with %u threads, pin mode %zu", c->name,
                              threads, p);
            if (c->indices)
                ck_assert_msg(memcmp(ref.indices, got.indices, ref.indices_bytes) == 0,
                              "%s: indices differ with %u threads, pin mode %zu", c->name,
                              threads, p);
            free_outputs(&got);
        }
    /* the reference itself is sorted (values-only, ascending cases) */
    if (c->dtype == ROWSORT_DTYPE_I32 && c->flags == 0 && !c->top_k)
        for (size_t r = 0; r < c->rows; r++) {
            const int32_t *v = (const int32_t *)ref.values + r * c->n;
            for (size_t j = 1; j < c->n; j++)
                CK_EXPECT(v[j - 1] <= v[j], "%s: row %zu not sorted at %zu", c->name, r, j);
        }
    if ((c->dtype == ROWSORT_DTYPE_I64 || c->dtype == ROWSORT_DTYPE_U64) && c->flags == 0 &&
        !c->top_k)
        for (size_t r = 0; r < c->rows; r++) {
            const uint64_t *v = (const uint64_t *)(void *)ref.values + r * c->n;
            for (size_t j = 1; j < c->n; j++)
                CK_EXPECT(c->dtype == ROWSORT_DTYPE_U64 ? v[j - 1] <= v[j]
                                                        : (int64_t)v[j - 1] <= (int64_t)v[j],
                          "%s: row %zu not sorted at %zu", c->name, r, j);
        }
    free_outputs(&ref);
}
END_TEST

/* The caller's own binding comes back after a pinned multi-threaded call. */
START_TEST(test_binding_restored)
{
    cpu_set_t before, after, mine;
    CPU_ZERO(&before);
    ck_assert_int_eq(sched_getaffinity(0, sizeof before, &before), 0);
    int last = -1;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &before))
            last = c;
    CPU_ZERO(&mine);
    CPU_SET(last, &mine); /* the plan puts thread 0 on the first PU: bind elsewhere */
    ck_assert_int_eq(sched_setaffinity(0, sizeof mine, &mine), 0);
    size_t n = 1 << 18;
    float *x = malloc(4 * n * sizeof *x);
    ck_assert(x != NULL);
    fill(x, 4 * n * sizeof *x, 7);
    rowsort_options opts;
    rowsort_options_init(&opts);
    opts.threads = 2;
    rowsort_status st;
    rowsort_ctx *ctx = rowsort_create(&opts, &st);
    ck_assert_ptr_nonnull(ctx);
    rowsort_request req;
    rowsort_request_init(&req);
    const rowsort_array op = {x, ROWSORT_DTYPE_F32, 0};
    req.rows = 4;
    req.n = n;
    req.operands = &op;
    req.num_operands = 1;
    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
    CPU_ZERO(&after);
    ck_assert_int_eq(sched_getaffinity(0, sizeof after, &after), 0);
    ck_assert_msg(CPU_EQUAL(&after, &mine), "binding not restored: %d CPUs", CPU_COUNT(&after));
    rowsort_destroy(ctx);
    free(x);
}
END_TEST

START_TEST(test_synthetic_ctx)
{
    rowsort_options opts;
    rowsort_options_init(&opts);
    opts.threads = 4;
    opts.topology_synthetic = "numa:2 core:8 pu:2";
    rowsort_status st;
    rowsort_ctx *ctx = rowsort_create(&opts, &st);
    ck_assert_msg(ctx != NULL, "%s", rowsort_status_string(st));
    size_t len = 0;
    ck_assert_int_eq(rowsort_ctx_describe(ctx, 1024, 1024, ROWSORT_DTYPE_F32, NULL, 0, &len),
                     ROWSORT_OK);
    char *buf = malloc(len + 1);
    ck_assert_ptr_nonnull(buf);
    size_t len2 = 0;
    ck_assert_int_eq(rowsort_ctx_describe(ctx, 1024, 1024, ROWSORT_DTYPE_F32, buf, len + 1, &len2),
                     ROWSORT_OK);
    ck_assert_uint_eq(len, len2);
    ck_assert_uint_eq(strlen(buf), len);
    ck_assert_msg(strstr(buf, "NUMA node P#1: 8 cores, PUs 16-31") != NULL, "%s", buf);
    ck_assert_msg(strstr(buf, "rows 512-1023") != NULL, "%s", buf);
    free(buf);
    /* a pinned sort cannot bind to PUs of another machine: reported, not ignored */
    float x[4 * 70000];
    fill(x, sizeof x, 3);
    rowsort_request req;
    rowsort_request_init(&req);
    const rowsort_array op = {x, ROWSORT_DTYPE_F32, 0};
    req.rows = 4;
    req.n = 70000;
    req.operands = &op;
    req.num_operands = 1;
    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_E_PIN);
    rowsort_destroy(ctx);
    /* unpinned, it sorts */
    opts.pin = ROWSORT_PIN_NONE;
    ctx = rowsort_create(&opts, &st);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
    rowsort_destroy(ctx);
    /* a bad description or both sources */
    opts.topology_synthetic = "numa:2 blah:1";
    ck_assert_ptr_null(rowsort_create(&opts, &st));
    ck_assert_int_eq(st, ROWSORT_E_TOPOLOGY);
    opts.topology_synthetic = "pu:2";
    opts.topology_xml = "x.xml";
    ck_assert_ptr_null(rowsort_create(&opts, &st));
    ck_assert_int_eq(st, ROWSORT_E_OPTIONS);
}
END_TEST

START_TEST(test_default_pin)
{
    rowsort_options opts;
    rowsort_options_init(&opts);
    ck_assert_int_eq(opts.pin, ROWSORT_PIN_CORE);
    ck_assert_ptr_null(opts.topology_synthetic);
    ck_assert_ptr_null(opts.topology_xml);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_same_bytes, 0, (int)NUM_CASES);
    tcase_add_test(tc, test_binding_restored);
    tcase_add_test(tc, test_synthetic_ctx);
    tcase_add_test(tc, test_default_pin);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
