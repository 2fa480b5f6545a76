/*
 * test_sort.c - the engine against the oracle: every dtype, order, stability, index dtype,
 * length and data kind; several operands; strides, red zones, out of place; top-k; shapes;
 * the one-call helpers.
 *
 * The kernel path comes from ROWSORT_TEST_ISA (scalar|avx2|avx512|auto, default auto); CTest
 * runs this suite once per path, and a path this CPU or build lacks exits 77 (skipped).
 * Every case has its own seed, printed with the whole case on failure. Set
 * ROWSORT_TEST_VERBOSE=1 to print the number of requests and elements each test checked.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "test_helpers.h"

#define ALL_DTYPES ROWSORT_DTYPE_COUNT

/* The orders of the matrix: asc, desc, desc+nans_last, total asc/desc (+nans_last). */
static const unsigned orders[] = {
    0,
    ROWSORT_DESCENDING,
    ROWSORT_DESCENDING | ROWSORT_NANS_LAST,
    ROWSORT_TOTAL_ORDER,
    ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING,
    ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING | ROWSORT_NANS_LAST,
    ROWSORT_TOTAL_ORDER | ROWSORT_NANS_LAST,
};
#define NUM_ORDERS (sizeof orders / sizeof orders[0])

static const int index_dtypes[] = {-1, ROWSORT_DTYPE_I32, ROWSORT_DTYPE_I64};

/* Top-k's orders: NaNs first or last, IEEE or total order. */
static const unsigned topk_orders[] = {0, ROWSORT_NANS_LAST, ROWSORT_TOTAL_ORDER,
                                       ROWSORT_TOTAL_ORDER | ROWSORT_NANS_LAST};

static rowsort_ctx *make_ctx(unsigned threads)
{
    rowsort_status status = ROWSORT_OK;
    rowsort_ctx *ctx = th_ctx_create(threads, &status);
    ck_assert_msg(ctx != NULL, "rowsort_create(threads=%u, isa=%s): %s", threads,
                  getenv("ROWSORT_TEST_ISA") ? getenv("ROWSORT_TEST_ISA") : "auto",
                  rowsort_status_string(status));
    return ctx;
}

#define RUN_CASE(ctx, spec)                                     \
    do {                                                        \
        char msg_[4096];                                        \
        if (th_run_sort((ctx), (spec), msg_, sizeof msg_) != 0) \
            ck_abort_msg("%s", msg_);                           \
    } while (0)

static void report(const char *test, int iteration)
{
    if (getenv("ROWSORT_TEST_VERBOSE") == NULL)
        return;
    const th_counters c = th_get_counters();
    fprintf(stderr, "%s[%d]: %llu requests, %llu row elements checked\n", test, iteration,
            (unsigned long long)c.requests, (unsigned long long)c.elements);
}

/* Rows per request: several for short rows, fewer for long ones. */
static size_t rows_for(size_t n, th_rng *rng)
{
    if (n <= 16)
        return 1 + th_below(rng, 4);
    if (n <= 300)
        return 1 + th_below(rng, 3);
    return 1 + (th_below(rng, 4) == 0);
}

/* Varies the output mode, gaps and explicit strides across the matrix. */
static void vary_layout(th_spec *s, th_rng *rng)
{
    s->outputs = (int)th_below(rng, 3); /* in place, separate, alias */
    s->gap_elems = th_below(rng, 4) == 0 ? 1 + th_below(rng, 3) : 0;
    s->explicit_stride = th_below(rng, 4) == 0;
}

/* ------------------------------------------------------------------ the matrix */

/* dtype (loop) x order x stable x indices x data kind x lengths 0..3 and 2^k-1, 2^k, 2^k+1
 * for k = 2..7 (all three) and k = 8..10 (one of the three, rotating). */
START_TEST(test_matrix)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    rowsort_ctx *ctx = make_ctx(2);
    size_t lengths[64], num_lengths = 0;
    for (size_t n = 0; n <= 3; n++)
        lengths[num_lengths++] = n;
    size_t case_no = 0;
    for (size_t o = 0; o < NUM_ORDERS; o++) {
        /* integers and bool: NANS_LAST and TOTAL_ORDER change nothing; a few suffice */
        if (!oracle_dtype_is_float(dtype) && o != 0 && o != 1 && o != 3 && o != 5)
            continue;
        for (unsigned stable = 0; stable < 2; stable++) {
            for (size_t ix = 0; ix < 3; ix++) {
                for (int kind = 0; kind < TH_KIND_COUNT; kind++) {
                    if (!th_kind_applies(dtype, (th_kind)kind))
                        continue;
                    num_lengths = 4;
                    for (unsigned k = 2; k <= 10; k++) {
                        const size_t p = (size_t)1 << k;
                        if (k <= 7) {
                            lengths[num_lengths++] = p - 1;
                            lengths[num_lengths++] = p;
                            lengths[num_lengths++] = p + 1;
                        } else {
                            lengths[num_lengths++] = p - 1 + (case_no + k) % 3;
                        }
                    }
                    for (size_t li = 0; li < num_lengths; li++, case_no++) {
                        const size_t n = lengths[li];
                        const uint64_t seed = th_seed(1, dtype, case_no, n);
                        th_rng rng = th_rng_make(seed);
                        th_spec s = th_spec_one(dtype, (th_kind)kind, rows_for(n, &rng), n,
                                                orders[o] | (stable ? ROWSORT_STABLE : 0), seed);
                        s.index_dtype = index_dtypes[ix];
                        vary_layout(&s, &rng);
                        RUN_CASE(ctx, &s);
                    }
                }
            }
        }
    }
    rowsort_destroy(ctx);
    report("matrix", _i);
}
END_TEST

/* Long rows (2^k-1..2^k+1 for k = 11..13) for a subset of kinds; order and indices rotate. */
START_TEST(test_long_rows)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const th_kind kinds[] = {TH_RANDOM, TH_FEW,
                             oracle_dtype_is_float(dtype) ? TH_NANS : TH_EXTREMES, TH_REVERSED};
    rowsort_ctx *ctx = make_ctx(2);
    size_t case_no = 0;
    for (unsigned k = 11; k <= 13; k++) {
        for (size_t d = 0; d < 3; d++) {
            const size_t n = ((size_t)1 << k) - 1 + d;
            for (size_t ki = 0; ki < sizeof kinds / sizeof kinds[0]; ki++) {
                if (ki == 3 && d != 1)
                    continue; /* reversed only at 2^k */
                for (unsigned stable = 0; stable < 2; stable++, case_no++) {
                    const uint64_t seed = th_seed(2, dtype, case_no, n);
                    th_rng rng = th_rng_make(seed);
                    th_spec s = th_spec_one(
                        dtype, kinds[ki], 1 + (case_no % 4 == 0), n,
                        orders[(case_no + k) % NUM_ORDERS] | (stable ? ROWSORT_STABLE : 0), seed);
                    s.index_dtype = index_dtypes[(case_no / 2 + d) % 3];
                    vary_layout(&s, &rng);
                    RUN_CASE(ctx, &s);
                }
            }
        }
    }
    rowsort_destroy(ctx);
    report("long_rows", _i);
}
END_TEST

/* Values alone in rows of about a megabyte, one thread: the shortcuts that skip the key
 * transform (float32 rows this long and float64 as numbers, integers as they are, row_sort.c)
 * on every kind of data, in the orders they take and in a total order that they do not; a
 * NaN anywhere sends a float row back to the transform. */
static const rowsort_dtype long_value_dtypes[] = {ROWSORT_DTYPE_F32, ROWSORT_DTYPE_F64,
                                                  ROWSORT_DTYPE_I32, ROWSORT_DTYPE_I64,
                                                  ROWSORT_DTYPE_U32, ROWSORT_DTYPE_U64};

START_TEST(test_long_values)
{
    const rowsort_dtype dtype = long_value_dtypes[_i];
    rowsort_ctx *ctx = make_ctx(1);
    const size_t n = ((size_t)1 << 18) + 3;
    for (unsigned k = 0; k < TH_KIND_COUNT; k++) {
        if (!th_kind_applies(dtype, (th_kind)k))
            continue;
        const unsigned picks[2] = {orders[(k + (unsigned)_i) % 3],
                                   orders[3 + (k + (unsigned)_i) % 4]};
        for (int o = 0; o < 4; o++) {
            /* o >= 2: stable (floats: refilled zeros and NaNs, row_refill.h) */
            th_spec s = th_spec_one(dtype, (th_kind)k, 1, n,
                                    picks[o % 2] | (o >= 2 ? ROWSORT_STABLE : 0),
                                    th_seed(14, dtype, k, (uint64_t)o));
            s.outputs = (int)((k + (unsigned)o) % 2);
            RUN_CASE(ctx, &s);
        }
    }
    rowsort_destroy(ctx);
    report("long_values", _i);
}
END_TEST

/* Every length 0..300 (one thread): the padding and tail code of every block size. */
START_TEST(test_every_length)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    rowsort_ctx *ctx = make_ctx(1);
    for (size_t n = 0; n <= 300; n++) {
        const uint64_t seed = th_seed(3, dtype, n, 0);
        th_rng rng = th_rng_make(seed);
        th_kind kind;
        do
            kind = (th_kind)th_below(&rng, TH_KIND_COUNT);
        while (!th_kind_applies(dtype, kind));
        th_spec s = th_spec_one(dtype, kind, 1 + th_below(&rng, 2), n,
                                orders[n % NUM_ORDERS] | ((n / 7) % 2 ? ROWSORT_STABLE : 0), seed);
        s.index_dtype = index_dtypes[(n / 3) % 3];
        RUN_CASE(ctx, &s);
    }
    rowsort_destroy(ctx);
    report("every_length", _i);
}
END_TEST

/* Stable sorts of long float rows with NaNs of both signs and payloads, or zeros of both
 * signs, and a payload: the key's output is decoded from the sorted keys and the runs of
 * keys that stand for several values (zeros, NaNs) gathered by position (row_sort.c, and
 * sched_pivot.c where the row is split and not sorted in place). One row (split across 2
 * threads) or two (one each); in place, out of place, outputs aliasing inputs; every order. */
static const rowsort_dtype long_float_dtypes[] = {ROWSORT_DTYPE_F16, ROWSORT_DTYPE_BF16,
                                                  ROWSORT_DTYPE_F32, ROWSORT_DTYPE_F64};

START_TEST(test_long_floats_stable)
{
    const rowsort_dtype dtype = long_float_dtypes[_i];
    rowsort_ctx *ctx = make_ctx(2);
    size_t case_no = 0;
    for (size_t rows = 1; rows <= 2; rows++)
        for (int outputs = 0; outputs <= 2; outputs++)
            for (int zeros = 0; zeros <= 1; zeros++, case_no++) {
                /* one row: long enough to be split; two: longer than 65536 */
                const size_t n = (rows == 1 ? 150001 : 70001) + case_no;
                const uint64_t seed = th_seed(7, dtype, case_no, n);
                th_spec s =
                    th_spec_one(dtype, zeros ? TH_ZEROS : TH_NANS, rows, n,
                                orders[case_no % NUM_ORDERS] | ROWSORT_STABLE, seed);
                s.index_dtype = case_no % 2 ? ROWSORT_DTYPE_I64 : ROWSORT_DTYPE_I32;
                s.outputs = outputs;
                s.num_ops = 2;
                s.dtypes[1] = ROWSORT_DTYPE_I16;
                s.kinds[1] = TH_RANDOM;
                RUN_CASE(ctx, &s);
            }
    rowsort_destroy(ctx);
    report("long_floats_stable", _i);
}
END_TEST

/* Rows longer than any block (split across threads when the engine does so). */
static const rowsort_dtype huge_dtypes[] = {
    ROWSORT_DTYPE_F32,  ROWSORT_DTYPE_U64, ROWSORT_DTYPE_I16, ROWSORT_DTYPE_F64,
    ROWSORT_DTYPE_BF16, ROWSORT_DTYPE_C64, ROWSORT_DTYPE_U8,  ROWSORT_DTYPE_F16};

START_TEST(test_huge_row)
{
    const rowsort_dtype dtype = huge_dtypes[_i / 2];
    const int stable = _i % 2;
    rowsort_ctx *ctx = make_ctx(2);
    const size_t n = 150001 + (size_t)_i;
    const uint64_t seed = th_seed(4, dtype, (uint64_t)_i, n);
    th_spec s = th_spec_one(dtype, oracle_dtype_is_float(dtype) ? TH_NANS : TH_RANDOM, 1, n,
                            orders[(size_t)_i % NUM_ORDERS] | (stable ? ROWSORT_STABLE : 0), seed);
    s.index_dtype = stable ? ROWSORT_DTYPE_I32 : (_i % 4 == 1 ? ROWSORT_DTYPE_I64 : -1);
    s.outputs = _i % 3 == 0;
    if (_i % 4 >= 2) { /* one key and a payload: still split across threads */
        s.num_ops = 2;
        s.dtypes[1] = ROWSORT_DTYPE_I64;
        s.kinds[1] = TH_RANDOM;
    }
    RUN_CASE(ctx, &s);
    if (stable && s.num_ops == 1 && oracle_dtype_is_float(dtype)) {
        /* stable values alone: refilled after an unstable sort when the row is not split,
         * else split as any stable sort (sched_omp.c, run_job) */
        s.index_dtype = -1;
        s.outputs = 1;
        s.seed = th_seed(4, dtype, (uint64_t)_i, n + 2);
        RUN_CASE(ctx, &s);
    }
    /* many equal keys: every merge step sees ties */
    s.kinds[0] = TH_FEW;
    s.seed = th_seed(4, dtype, (uint64_t)_i, n + 1);
    s.rows = 2;
    s.n = 40000;
    RUN_CASE(ctx, &s);
    if (stable && rowsort_dtype_size(dtype) <= 2) {
        /* a row per thread of more than 65536 16-bit keys: integer keys' output is decoded
         * from the sorted keys, not gathered (row_sort.c) */
        s.seed = th_seed(4, dtype, (uint64_t)_i, n + 3);
        s.n = 65537 + (size_t)_i;
        RUN_CASE(ctx, &s);
    }
    rowsort_destroy(ctx);
    report("huge_row", _i);
}
END_TEST

/* ------------------------------------------------------------------ several operands */

/* keys float32 + int16 (+ complex128), payloads complex128, bool, bfloat16, uint64, int8;
 * few distinct values in the first keys so later keys decide. */
START_TEST(test_multi_operand)
{
    const size_t num_keys = 1 + (size_t)_i;
    const size_t lengths[] = {0, 1, 2, 3, 5, 16, 17, 31, 100, 257, 1000, 4097};
    rowsort_ctx *ctx = make_ctx(2);
    size_t case_no = 0;
    for (size_t o = 0; o < NUM_ORDERS; o++) {
        for (unsigned stable = 0; stable < 2; stable++) {
            for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++, case_no++) {
                const size_t n = lengths[li];
                const uint64_t seed = th_seed(5, num_keys, case_no, n);
                th_rng rng = th_rng_make(seed);
                th_spec s = th_spec_one(ROWSORT_DTYPE_F32, TH_FEW, rows_for(n, &rng), n,
                                        orders[o] | (stable ? ROWSORT_STABLE : 0), seed);
                const rowsort_dtype dts[] = {
                    ROWSORT_DTYPE_F32,  ROWSORT_DTYPE_I16, ROWSORT_DTYPE_C128, ROWSORT_DTYPE_BOOL,
                    ROWSORT_DTYPE_BF16, ROWSORT_DTYPE_U64, ROWSORT_DTYPE_I8};
                const th_kind kinds[] = {TH_FEW,  TH_FEW,    TH_FEW,   TH_EXTREMES,
                                         TH_NANS, TH_RANDOM, TH_RANDOM};
                s.num_ops = sizeof dts / sizeof dts[0];
                for (size_t i = 0; i < s.num_ops; i++) {
                    s.dtypes[i] = dts[i];
                    s.kinds[i] = kinds[i];
                }
                if (case_no % 5 == 0)
                    s.kinds[0] = TH_NANS;
                s.num_keys = num_keys;
                s.index_dtype = index_dtypes[case_no % 3];
                vary_layout(&s, &rng);
                RUN_CASE(ctx, &s);
            }
        }
    }
    rowsort_destroy(ctx);
    report("multi_operand", _i);
}
END_TEST

/* Random requests: any dtypes in any position, any number of keys, flags, indices, top-k,
 * layout. Deterministic seeds. */
START_TEST(test_random_requests)
{
    rowsort_ctx *ctx = make_ctx(_i % 2 ? 1 : 2);
    for (unsigned c = 0; c < 150; c++) {
        const uint64_t seed = th_seed(6, (uint64_t)_i, c, 0);
        th_rng rng = th_rng_make(seed);
        th_spec s = th_spec_one(ROWSORT_DTYPE_F32, TH_RANDOM, 1 + th_below(&rng, 4), 0, 0, seed);
        const size_t shift = th_below(&rng, 11);
        s.n = th_below(&rng, ((size_t)1 << shift) + 1);
        s.num_ops = 1 + th_below(&rng, 5);
        for (size_t i = 0; i < s.num_ops; i++) {
            s.dtypes[i] = (rowsort_dtype)th_below(&rng, ROWSORT_DTYPE_COUNT);
            do
                s.kinds[i] = (th_kind)th_below(&rng, TH_KIND_COUNT);
            while (!th_kind_applies(s.dtypes[i], s.kinds[i]));
            if (i + 1 < s.num_ops && th_below(&rng, 2))
                s.kinds[i] = TH_FEW; /* ties so that the next key matters */
        }
        s.num_keys = 1 + th_below(&rng, s.num_ops);
        s.flags = orders[th_below(&rng, NUM_ORDERS)] | (th_below(&rng, 2) ? ROWSORT_STABLE : 0);
        s.index_dtype = index_dtypes[th_below(&rng, 3)];
        vary_layout(&s, &rng);
        if (th_below(&rng, 4) == 0) {
            s.select = th_below(&rng, 2) ? ROWSORT_SELECT_LARGEST : ROWSORT_SELECT_SMALLEST;
            s.flags &= ~ROWSORT_DESCENDING;
            s.k = th_below(&rng, s.n + 1);
            s.outputs = 1;
        }
        RUN_CASE(ctx, &s);
    }
    rowsort_destroy(ctx);
    report("random_requests", _i);
}
END_TEST

/* ------------------------------------------------------------------ layout */

/* Gaps between rows (sentinel bytes that must stay), red zones, in place / separate / alias,
 * explicit packed strides; every dtype, with indices. */
START_TEST(test_strides_and_red_zones)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const size_t lengths[] = {1, 2, 7, 64, 100, 1000};
    rowsort_ctx *ctx = make_ctx(2);
    size_t case_no = 0;
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        for (int outputs = 0; outputs < 3; outputs++) {
            for (size_t gap = 0; gap <= 5; gap += 1 + (gap >= 1) * 3, case_no++) {
                const size_t n = lengths[li];
                const uint64_t seed = th_seed(7, dtype, case_no, n);
                th_spec s = th_spec_one(
                    dtype, TH_RANDOM, 3 + case_no % 3, n,
                    orders[case_no % NUM_ORDERS] | (case_no % 2 ? ROWSORT_STABLE : 0), seed);
                s.outputs = outputs;
                s.gap_elems = gap;
                s.explicit_stride = gap == 0 && case_no % 2;
                s.index_dtype = index_dtypes[1 + case_no % 2];
                RUN_CASE(ctx, &s);
            }
        }
    }
    rowsort_destroy(ctx);
    report("strides", _i);
}
END_TEST

/* ------------------------------------------------------------------ top-k */

START_TEST(test_top_k)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const size_t lengths[] = {1, 2, 5, 16, 33, 100, 1000, 4097};
    rowsort_ctx *ctx = make_ctx(2);
    size_t case_no = 0;
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li];
        const size_t ks[] = {0, 1, n / 2, n};
        for (int largest = 0; largest < 2; largest++) {
            for (size_t ki = 0; ki < 4; ki++) {
                for (size_t oi = 0; oi < 4; oi++, case_no++) {
                    const uint64_t seed = th_seed(8, dtype, case_no, n);
                    th_rng rng = th_rng_make(seed);
                    th_kind kind;
                    do
                        kind = (th_kind)th_below(&rng, TH_KIND_COUNT);
                    while (!th_kind_applies(dtype, kind));
                    th_spec s =
                        th_spec_one(dtype, kind, rows_for(n, &rng), n,
                                    topk_orders[oi] | (case_no % 3 ? 0 : ROWSORT_STABLE), seed);
                    s.select = largest ? ROWSORT_SELECT_LARGEST : ROWSORT_SELECT_SMALLEST;
                    s.k = ks[ki];
                    s.outputs = 1;
                    s.gap_elems = case_no % 4 == 0 ? 2 : 0;
                    s.index_dtype = case_no % 5 == 0 ? -1 : index_dtypes[1 + case_no % 2];
                    if (case_no % 7 == 0) { /* with a second key and a payload */
                        s.num_ops = 3;
                        s.kinds[0] = TH_FEW;
                        s.dtypes[1] = ROWSORT_DTYPE_I32;
                        s.kinds[1] = TH_FEW;
                        s.dtypes[2] = ROWSORT_DTYPE_C64;
                        s.kinds[2] = TH_NANS;
                        s.num_keys = 2;
                    }
                    RUN_CASE(ctx, &s);
                }
            }
        }
    }
    rowsort_destroy(ctx);
    report("top_k", _i);
}
END_TEST

/* Top-k of rows long enough and k small enough for the selection (engine/src/row_topk.c:
 * a sorted sample's threshold, the keys at or below it sorted): k from 1 to n / 8 and just
 * past it (the whole-row sort), every kind of data, both directions, every order, with and
 * without indices and payloads, one and two threads (a row is then not split). */
START_TEST(test_top_k_select)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const size_t lengths[] = {1024, 1031, 8192, 70001};
    rowsort_ctx *ctxs[2] = {make_ctx(1), make_ctx(2)};
    size_t case_no = 0;
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        const size_t n = lengths[li];
        const size_t ks[] = {1, 2, 9, n / 64, n / 8, n / 8 + 1};
        for (size_t ki = 0; ki < sizeof ks / sizeof ks[0]; ki++) {
            /* the longest rows: fewer cases (the oracle is slow there) */
            if (n > 10000 && ki % 2 == 1)
                continue;
            for (int largest = 0; largest < 2; largest++, case_no++) {
                const uint64_t seed = th_seed(11, dtype, case_no, n);
                th_rng rng = th_rng_make(seed);
                th_kind kind;
                do
                    kind = (th_kind)th_below(&rng, TH_KIND_COUNT);
                while (!th_kind_applies(dtype, kind));
                th_spec s = th_spec_one(dtype, kind, 1 + (n < 10000 && case_no % 2), n,
                                        topk_orders[case_no % 4], seed);
                s.select = largest ? ROWSORT_SELECT_LARGEST : ROWSORT_SELECT_SMALLEST;
                s.k = ks[ki];
                s.outputs = 1;
                s.index_dtype = case_no % 3 == 0 ? -1 : index_dtypes[1 + case_no % 2];
                if (case_no % 5 == 0) { /* payloads move with the keys */
                    s.num_ops = 3;
                    s.dtypes[1] = ROWSORT_DTYPE_U8;
                    s.kinds[1] = TH_RANDOM;
                    s.dtypes[2] = ROWSORT_DTYPE_C128;
                    s.kinds[2] = TH_NANS;
                }
                RUN_CASE(ctxs[case_no % 2], &s);
            }
        }
    }
    rowsort_destroy(ctxs[0]);
    rowsort_destroy(ctxs[1]);
    report("top_k_select", _i);
}
END_TEST

/* Top-k rows that select, long enough to be split across threads (sched_topk.c): 2 and 3
 * threads against the oracle and against one thread (the same bytes), k from 1 to n / 8,
 * random keys, NaNs, zeros and few distinct values (most keys kept: the kept keys sorted in
 * several parts), outputs apart from the inputs or aliasing them, payloads and indices. */
START_TEST(test_top_k_split)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    rowsort_ctx *ctxs[3] = {make_ctx(1), make_ctx(2), make_ctx(3)};
    const th_kind kinds[] = {TH_RANDOM, TH_NANS, TH_FEW, TH_ZEROS, TH_RANDOM};
    for (size_t r = 0; r < 2; r++) { /* two of the five cases per dtype, in turn */
        const size_t c = ((size_t)_i + 4 * r) % 5;
        /* rows long enough to be split (RS_TOPK_SPLIT_MIN_N); the last case keeps enough
         * distinct keys (k = n / 8) for their sort to be split and merged */
        const size_t n = ((size_t)1 << 20) + 3 + c;
        const size_t ks[] = {1, 100, n / 64, n / 8};
        const uint64_t seed = th_seed(17, dtype, c, n);
        th_kind kind = kinds[c];
        if (!th_kind_applies(dtype, kind))
            kind = c == 2 ? TH_EXTREMES : TH_RANDOM;
        th_spec s = th_spec_one(dtype, kind, 1 + (c == 3), n, topk_orders[c % 4], seed);
        s.select = c % 2 ? ROWSORT_SELECT_LARGEST : ROWSORT_SELECT_SMALLEST;
        s.k = c == 4 ? n / 8 : ks[(c + (size_t)_i) % 4];
        s.outputs = 1 + (int)(c % 2); /* separate, or aliasing the inputs */
        s.index_dtype = index_dtypes[(c + (size_t)_i) % 3];
        if (c == 1) { /* payloads move with the keys */
            s.num_ops = 2;
            s.dtypes[1] = ROWSORT_DTYPE_C64;
            s.kinds[1] = TH_RANDOM;
        }
        th_result first, other;
        char msg[4096], desc[768];
        if (th_run_sort_keep(ctxs[0], &s, msg, sizeof msg, &first) != 0)
            ck_abort_msg("%s", msg);
        for (size_t t = 1; t < 3; t++) {
            if (th_run_sort_keep(ctxs[t], &s, msg, sizeof msg, &other) != 0)
                ck_abort_msg("threads=%zu: %s", t + 1, msg);
            for (size_t o = 0; o < s.num_ops; o++)
                ck_assert_msg(memcmp(first.out[o], other.out[o], first.bytes[o]) == 0,
                              "operand %zu differs between 1 and %zu threads: %s", o, t + 1,
                              th_spec_describe(&s, desc, sizeof desc));
            if (first.idx != NULL)
                ck_assert_msg(memcmp(first.idx, other.idx, first.idx_bytes) == 0,
                              "indices differ between 1 and %zu threads: %s", t + 1,
                              th_spec_describe(&s, desc, sizeof desc));
            th_result_free(&other);
        }
        th_result_free(&first);
    }
    for (size_t t = 0; t < 3; t++)
        rowsort_destroy(ctxs[t]);
    report("top_k_split", _i);
}
END_TEST

/* Top-k where the selection's sample misleads it: the positions that a sample at any
 * stride of 16 or more would read (the middle of each stretch) hold the k-th best keys'
 * betters, so few keys pass the sample's threshold and the row must be sorted whole;
 * rows where the best keys sit only between the sample points. int32 and float32, checked
 * against the oracle. */
START_TEST(test_top_k_misleading_sample)
{
    /* one thread, and a row split across two (sched_topk.c: the team sorts it whole) */
    rowsort_ctx *ctxs[2] = {make_ctx(1), make_ctx(2)};
    const size_t lengths[2] = {8192, (size_t)1 << 20};
    const rowsort_dtype dtypes[] = {ROWSORT_DTYPE_I32, ROWSORT_DTYPE_F32};
    for (size_t d = 0; d < 4; d++) {
        rowsort_ctx *ctx = ctxs[d / 2];
        const size_t n = lengths[d / 2], k = n / 8;
        for (int largest = 0; largest < 2; largest++) {
            if (d >= 2 && largest != (int)(d % 2))
                continue; /* the long rows: one direction per dtype (slow under ASan) */
            for (int layout = 0; layout < 2; layout++) {
                int32_t *in = malloc(n * 4), *out = malloc(n * 4), *idx = malloc(n * 4);
                ck_assert(in != NULL && out != NULL && idx != NULL);
                for (size_t i = 0; i < n; i++) {
                    /* layout 0: every 8th position (each sample point among them) holds a
                     * good key; layout 1: every position but those */
                    const int good = (i % 8 == 0) == (layout == 0);
                    int32_t v = good ? (int32_t)(i % 977) : (int32_t)(100000 + i % 5003);
                    if (largest)
                        v = -v;
                    if (dtypes[d % 2] == ROWSORT_DTYPE_F32) {
                        const float f = (float)v * 0.5f;
                        memcpy(&in[i], &f, 4);
                    } else {
                        in[i] = v;
                    }
                }
                const rowsort_array op = {in, dtypes[d % 2], 0};
                const rowsort_array outa = {out, dtypes[d % 2], 0};
                rowsort_request req;
                rowsort_request_init(&req);
                req.operands = &op;
                req.outputs = &outa;
                req.num_operands = 1;
                req.rows = 1;
                req.n = n;
                req.select = largest ? ROWSORT_SELECT_LARGEST : ROWSORT_SELECT_SMALLEST;
                req.k = k;
                req.indices = (rowsort_array){idx, ROWSORT_DTYPE_I32, 0};
                ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
                th_spec s = th_spec_one(dtypes[d % 2], TH_RANDOM, 1, n, 0, 0);
                s.select = req.select;
                s.k = k;
                s.outputs = 1;
                s.index_dtype = ROWSORT_DTYPE_I32;
                char msg[4096];
                const void *ins[1] = {in}, *outs[1] = {out};
                ck_assert_msg(th_check(&s, ins, outs, idx, msg, sizeof msg) == 0, "%s", msg);
                free(in);
                free(out);
                free(idx);
            }
        }
    }
    rowsort_destroy(ctxs[0]);
    rowsort_destroy(ctxs[1]);
}
END_TEST

/* Ragged rows padded to n with a sentinel (the type's greatest value, +inf, or its least,
 * -inf), the padding after or before 1..n small keys (within 2^20 of each other), for
 * int64, uint64, float64, int32 and float32 rows of 33, 40, 63 and 64 keys, every
 * combination, ascending and descending, in place and out of place: on Zen 4 such rows of
 * 64-bit keys are the packed keys' worst case (rows64_packed_avx512.h: the probe hands
 * whole calls back). Checked against the oracle. */
START_TEST(test_padded_rows)
{
    rowsort_ctx *ctx = make_ctx(2);
    const rowsort_dtype dtypes[] = {ROWSORT_DTYPE_I64, ROWSORT_DTYPE_U64, ROWSORT_DTYPE_F64,
                                    ROWSORT_DTYPE_I32, ROWSORT_DTYPE_F32};
    const size_t lengths[] = {33, 40, 63, 64}, rows = 300;
    unsigned c = 0;
    for (size_t d = 0; d < 5; d++)
        for (size_t li = 0; li < 4; li++)
            for (int low_sentinel = 0; low_sentinel < 2; low_sentinel++)
                for (int pad_first = 0; pad_first < 2; pad_first++, c++) {
                    const rowsort_dtype dtype = dtypes[d];
                    const size_t n = lengths[li];
                    const size_t size =
                        dtype == ROWSORT_DTYPE_I32 || dtype == ROWSORT_DTYPE_F32 ? 4 : 8;
                    th_rng rng = th_rng_make(th_seed(11, dtype, c, 0));
                    unsigned char *in = malloc(rows * n * size), *out = malloc(rows * n * size),
                                  *orig = malloc(rows * n * size);
                    ck_assert(in != NULL && out != NULL && orig != NULL);
                    for (size_t r = 0; r < rows; r++) {
                        const size_t len = 1 + th_below(&rng, n);
                        for (size_t i = 0; i < n; i++) {
                            const int pad = pad_first ? i < n - len : i >= len;
                            const int64_t small =
                                (int64_t)th_below(&rng, (uint64_t)1 << 20) - (1 << 19);
                            unsigned char *e = in + (r * n + i) * size;
                            if (dtype == ROWSORT_DTYPE_F64) {
                                const double v = pad ? (low_sentinel ? -INFINITY : INFINITY)
                                                     : 1.0 + (double)small * 0x1p-40;
                                memcpy(e, &v, 8);
                            } else if (dtype == ROWSORT_DTYPE_F32) {
                                const float v = pad ? (low_sentinel ? -INFINITY : INFINITY)
                                                    : 1.0f + (float)small * 0x1p-20f;
                                memcpy(e, &v, 4);
                            } else if (dtype == ROWSORT_DTYPE_I64) {
                                const int64_t v =
                                    pad ? (low_sentinel ? INT64_MIN : INT64_MAX) : small;
                                memcpy(e, &v, 8);
                            } else if (dtype == ROWSORT_DTYPE_U64) {
                                /* keys near 2^63: both sentinels far off */
                                const uint64_t v =
                                    pad ? (low_sentinel ? 0 : UINT64_MAX)
                                        : (UINT64_C(1) << 63) + (uint64_t)(small + (1 << 19));
                                memcpy(e, &v, 8);
                            } else {
                                const int32_t v =
                                    pad ? (low_sentinel ? INT32_MIN : INT32_MAX) : (int32_t)small;
                                memcpy(e, &v, 4);
                            }
                        }
                    }
                    memcpy(orig, in, rows * n * size);
                    /* the order and the placement alternate over the 4 cases of each n */
                    const unsigned flags = (c + li) % 2 ? ROWSORT_DESCENDING : 0;
                    const int in_place = (c / 2 + li) % 2 == 0;
                    const rowsort_array op = {in, dtype, 0};
                    const rowsort_array outa = {out, dtype, 0};
                    rowsort_request req;
                    rowsort_request_init(&req);
                    req.operands = &op;
                    req.outputs = in_place ? &op : &outa;
                    req.num_operands = 1;
                    req.rows = rows;
                    req.n = n;
                    req.flags = flags;
                    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
                    th_spec s = th_spec_one(dtype, TH_RANDOM, rows, n, flags, 0);
                    s.outputs = in_place ? 0 : 1;
                    char msg[4096];
                    const void *ins[1] = {orig}, *outs[1] = {in_place ? in : out};
                    ck_assert_msg(th_check(&s, ins, outs, NULL, msg, sizeof msg) == 0,
                                  "case %u (%s sentinel, padding %s): %s", c,
                                  low_sentinel ? "least" : "greatest",
                                  pad_first ? "first" : "last", msg);
                    free(orig);
                    free(in);
                    free(out);
                }
    rowsort_destroy(ctx);
}
END_TEST

/* ------------------------------------------------------------------ shapes */

START_TEST(test_empty_shapes)
{
    rowsort_ctx *ctx = make_ctx(2);
    for (int d = 0; d < ROWSORT_DTYPE_COUNT; d++) {
        const rowsort_dtype dtype = (rowsort_dtype)d;
        /* rows = 0 and n = 0 through the runner (real buffers) */
        th_spec s = th_spec_one(dtype, TH_RANDOM, 0, 17, ROWSORT_STABLE, th_seed(9, d, 0, 0));
        s.index_dtype = ROWSORT_DTYPE_I64;
        RUN_CASE(ctx, &s);
        s = th_spec_one(dtype, TH_RANDOM, 5, 0, 0, th_seed(9, d, 1, 0));
        s.index_dtype = ROWSORT_DTYPE_I32;
        s.outputs = 1;
        RUN_CASE(ctx, &s);
        /* NULL data is allowed when the array is empty */
        const rowsort_array op = {NULL, dtype, 0};
        rowsort_array out = {NULL, dtype, 0};
        rowsort_request req;
        rowsort_request_init(&req);
        req.operands = &op;
        req.num_operands = 1;
        req.rows = 0;
        req.n = 100;
        ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
        req.rows = 100;
        req.n = 0;
        req.indices.data = NULL;
        ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
        req.outputs = &out;
        req.select = ROWSORT_SELECT_LARGEST;
        req.k = 0;
        ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
    }
    rowsort_destroy(ctx);
}
END_TEST

/* Many short rows (the "many rows at once" kernels): 1000 x 16 and 1000 x (1..40). */
START_TEST(test_many_short_rows)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    rowsort_ctx *ctx = make_ctx(2);
    for (unsigned c = 0; c < 8; c++) {
        const uint64_t seed = th_seed(10, dtype, c, 0);
        th_rng rng = th_rng_make(seed);
        const size_t n = c < 4 ? 16 : 1 + th_below(&rng, 40);
        th_kind kind;
        do
            kind = (th_kind)th_below(&rng, TH_KIND_COUNT);
        while (!th_kind_applies(dtype, kind));
        th_spec s = th_spec_one(dtype, kind, 1000, n,
                                orders[c % NUM_ORDERS] | (c % 2 ? ROWSORT_STABLE : 0), seed);
        s.index_dtype = index_dtypes[c % 3];
        s.outputs = 1 + (int)(c % 2); /* separate, or aliasing the inputs */
        s.gap_elems = c == 5 ? 3 : 0;
        RUN_CASE(ctx, &s);
    }
    rowsort_destroy(ctx);
    report("many_short_rows", _i);
}
END_TEST

/* ------------------------------------------------------------------ one-call helpers */

/* The helpers take their options from the environment: point them at the test ISA and two
 * threads (inside the forked test, so the environment is private to it). */
static void helper_environment(void)
{
    const char *isa = getenv("ROWSORT_TEST_ISA");
    if (isa != NULL && *isa != '\0')
        setenv("ROWSORT_ISA", isa, 1);
    else
        unsetenv("ROWSORT_ISA");
    setenv("ROWSORT_THREADS", "2", 1);
}

START_TEST(test_helper_sort_rows)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const size_t size = oracle_dtype_size(dtype);
    const size_t lengths[] = {0, 1, 2, 3, 15, 16, 17, 100, 1025};
    helper_environment();
    size_t case_no = 0;
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        for (size_t o = 0; o < NUM_ORDERS; o++) {
            for (unsigned stable = 0; stable < 2; stable++, case_no++) {
                const size_t n = lengths[li];
                const uint64_t seed = th_seed(11, dtype, case_no, n);
                th_rng rng = th_rng_make(seed);
                th_kind kind;
                do
                    kind = (th_kind)th_below(&rng, TH_KIND_COUNT);
                while (!th_kind_applies(dtype, kind));
                th_spec s = th_spec_one(dtype, kind, rows_for(n, &rng), n,
                                        orders[o] | (stable ? ROWSORT_STABLE : 0), seed);
                unsigned char *in = th_xmalloc(s.rows * n * size + 1);
                unsigned char *data = th_xmalloc(s.rows * n * size + 1);
                for (size_t r = 0; r < s.rows; r++)
                    th_fill(dtype, kind, &rng, in + r * n * size, n);
                memcpy(data, in, s.rows * n * size);
                const rowsort_status st = rowsort_sort_rows(data, s.rows, n, dtype, s.flags);
                char desc[768];
                ck_assert_msg(st == ROWSORT_OK, "rowsort_sort_rows: %s\n    case: %s",
                              rowsort_status_string(st), th_spec_describe(&s, desc, sizeof desc));
                char msg[4096];
                const void *ins[] = {in}, *outs[] = {data};
                if (th_check(&s, ins, outs, NULL, msg, sizeof msg) != 0)
                    ck_abort_msg("rowsort_sort_rows: %s", msg);
                free(data);
                free(in);
            }
        }
    }
    report("helper_sort_rows", _i);
}
END_TEST

/* rowsort_argsort_rows writes the stable permutation whatever the STABLE flag says, and
 * leaves the data alone. */
START_TEST(test_helper_argsort_rows)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const size_t size = oracle_dtype_size(dtype);
    const size_t lengths[] = {0, 1, 2, 3, 15, 16, 17, 100, 1025};
    helper_environment();
    size_t case_no = 0;
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
        for (size_t o = 0; o < NUM_ORDERS; o++) {
            for (unsigned stable = 0; stable < 2; stable++, case_no++) {
                const size_t n = lengths[li];
                const uint64_t seed = th_seed(12, dtype, case_no, n);
                th_rng rng = th_rng_make(seed);
                th_kind kind;
                do
                    kind = (th_kind)th_below(&rng, TH_KIND_COUNT);
                while (!th_kind_applies(dtype, kind));
                th_spec s = th_spec_one(dtype, kind, rows_for(n, &rng), n,
                                        orders[o] | (stable ? ROWSORT_STABLE : 0), seed);
                unsigned char *in = th_xmalloc(s.rows * n * size + 1);
                unsigned char *copy = th_xmalloc(s.rows * n * size + 1);
                int32_t *idx = th_xmalloc((s.rows * n + 1) * sizeof *idx);
                for (size_t r = 0; r < s.rows; r++)
                    th_fill(dtype, kind, &rng, in + r * n * size, n);
                memcpy(copy, in, s.rows * n * size);
                const rowsort_status st = rowsort_argsort_rows(in, s.rows, n, dtype, s.flags, idx);
                char desc[768];
                th_spec_describe(&s, desc, sizeof desc);
                ck_assert_msg(st == ROWSORT_OK, "rowsort_argsort_rows: %s\n    case: %s",
                              rowsort_status_string(st), desc);
                ck_assert_msg(memcmp(copy, in, s.rows * n * size) == 0,
                              "rowsort_argsort_rows changed its input\n    case: %s", desc);
                /* the expected values: the input gathered through the oracle's stable perm */
                s.flags |= ROWSORT_STABLE;
                s.index_dtype = ROWSORT_DTYPE_I32;
                unsigned char *gathered = th_xmalloc(s.rows * n * size + 1);
                size_t *perm = th_xmalloc((n + 1) * sizeof *perm);
                for (size_t r = 0; r < s.rows; r++) {
                    const oracle_col col = {in + r * n * size, dtype};
                    ck_assert_int_eq(oracle_sort_perm(&col, 1, n, s.flags, perm), 0);
                    oracle_apply_perm(gathered + r * n * size, in + r * n * size, perm, n, size);
                }
                char msg[4096];
                const void *ins[] = {in}, *outs[] = {gathered};
                if (th_check(&s, ins, outs, idx, msg, sizeof msg) != 0)
                    ck_abort_msg("rowsort_argsort_rows: %s", msg);
                free(perm);
                free(gathered);
                free(idx);
                free(copy);
                free(in);
            }
        }
    }
    report("helper_argsort_rows", _i);
}
END_TEST

/* "Results are the same bytes for every thread count and pin policy" (rowsort.h), stable or
 * not, rows split across threads or not; and every run matches the oracle. */
START_TEST(test_threads_agree)
{
    struct {
        unsigned threads;
        rowsort_pin pin;
    } const setups[] = {
        {1, ROWSORT_PIN_CORE}, {2, ROWSORT_PIN_CORE}, {2, ROWSORT_PIN_NONE}, {3, ROWSORT_PIN_NONE}};
    const size_t num_setups = sizeof setups / sizeof setups[0];
    rowsort_ctx *ctxs[4];
    for (size_t i = 0; i < num_setups; i++) {
        rowsort_status status = ROWSORT_OK;
        ctxs[i] = th_ctx_create_pin(setups[i].threads, setups[i].pin, &status);
        ck_assert_msg(ctxs[i] != NULL, "rowsort_create(threads=%u, pin=%d): %s", setups[i].threads,
                      (int)setups[i].pin, rowsort_status_string(status));
        ck_assert_uint_eq(rowsort_ctx_threads(ctxs[i]), setups[i].threads);
    }
    const rowsort_dtype dtype = (rowsort_dtype)(_i % ROWSORT_DTYPE_COUNT);
    const int big = _i >= ROWSORT_DTYPE_COUNT; /* one long row: split across threads */
    for (unsigned variant = 0; variant < 4; variant++) {
        const uint64_t seed = th_seed(13, (uint64_t)_i, variant, 0);
        th_spec s =
            th_spec_one(dtype, variant % 2 ? TH_FEW : TH_NANS, big ? 1 : 37, big ? 30001 : 211,
                        orders[(variant + (unsigned)_i) % NUM_ORDERS], seed);
        if (!th_kind_applies(dtype, s.kinds[0]))
            s.kinds[0] = TH_EXTREMES;
        if (variant >= 2)
            s.flags |= ROWSORT_STABLE;
        s.index_dtype = variant == 0 ? -1 : index_dtypes[1 + variant % 2];
        if (variant == 3) { /* a payload */
            s.num_ops = 2;
            s.dtypes[1] = ROWSORT_DTYPE_C64;
            s.kinds[1] = TH_RANDOM;
        }
        s.outputs = (int)(variant % 3);
        th_result first, other;
        char msg[4096], desc[768];
        if (th_run_sort_keep(ctxs[0], &s, msg, sizeof msg, &first) != 0)
            ck_abort_msg("%s", msg);
        for (size_t c = 1; c < num_setups; c++) {
            if (th_run_sort_keep(ctxs[c], &s, msg, sizeof msg, &other) != 0)
                ck_abort_msg("threads=%u pin=%d: %s", setups[c].threads, (int)setups[c].pin, msg);
            for (size_t o = 0; o < s.num_ops; o++)
                ck_assert_msg(memcmp(first.out[o], other.out[o], first.bytes[o]) == 0,
                              "operand %zu differs between 1 thread and %u threads (pin %d)\n"
                              "    case: %s",
                              o, setups[c].threads, (int)setups[c].pin,
                              th_spec_describe(&s, desc, sizeof desc));
            if (first.idx != NULL)
                ck_assert_msg(memcmp(first.idx, other.idx, first.idx_bytes) == 0,
                              "indices differ between 1 thread and %u threads (pin %d)\n"
                              "    case: %s",
                              setups[c].threads, (int)setups[c].pin,
                              th_spec_describe(&s, desc, sizeof desc));
            th_result_free(&other);
        }
        th_result_free(&first);
    }
    for (size_t i = 0; i < num_setups; i++)
        rowsort_destroy(ctxs[i]);
    report("threads_agree", _i);
}
END_TEST

static Suite *sort_suite(void)
{
    Suite *s = suite_create("sort");
    struct {
        const char *name;
        const TTest *test;
        int end;
    } const loops[] = {
        {"matrix", test_matrix, ALL_DTYPES},
        {"long_rows", test_long_rows, ALL_DTYPES},
        {"every_length", test_every_length, ALL_DTYPES},
        {"long_values", test_long_values,
         (int)(sizeof long_value_dtypes / sizeof long_value_dtypes[0])},
        {"huge_row", test_huge_row, 2 * (int)(sizeof huge_dtypes / sizeof huge_dtypes[0])},
        {"long_floats_stable", test_long_floats_stable,
         (int)(sizeof long_float_dtypes / sizeof long_float_dtypes[0])},
        {"multi_operand", test_multi_operand, 3},
        {"random_requests", test_random_requests, 8},
        {"strides", test_strides_and_red_zones, ALL_DTYPES},
        {"top_k", test_top_k, ALL_DTYPES},
        {"top_k_select", test_top_k_select, ALL_DTYPES},
        {"top_k_split", test_top_k_split, ALL_DTYPES},
        {"many_short_rows", test_many_short_rows, ALL_DTYPES},
        {"helper_sort_rows", test_helper_sort_rows, ALL_DTYPES},
        {"helper_argsort_rows", test_helper_argsort_rows, ALL_DTYPES},
        {"threads_agree", test_threads_agree, 2 * ALL_DTYPES},
    };
    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
        TCase *tc = tcase_create(loops[i].name);
        tcase_set_timeout(tc, 600);
        tcase_add_loop_test(tc, loops[i].test, 0, loops[i].end);
        suite_add_tcase(s, tc);
    }
    TCase *tc = tcase_create("shapes");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_empty_shapes);
    suite_add_tcase(s, tc);
    tc = tcase_create("padded_rows");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_padded_rows);
    suite_add_tcase(s, tc);
    tc = tcase_create("top_k_misleading_sample");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_top_k_misleading_sample);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* no library call here: Check forks per test, and libgomp hangs in a child forked after
     * the parent ran a parallel region. The probe runs in its own child. */
    const int probe = th_probe_isa_or_skip();
    if (probe != 0)
        return probe;
    SRunner *sr = srunner_create(sort_suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
