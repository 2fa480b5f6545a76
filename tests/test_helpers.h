/*
 * test_helpers.h - shared utilities of the engine's suites: a seeded generator, input data
 * per dtype and kind, buffers with red zones and row gaps, and one runner that sorts a
 * request through the library and checks it against the oracle.
 *
 * Checking rules (STYLE.md "Tests"):
 *  - stable sorts and top-k: every output and the indices equal the oracle's, memcmp-exact;
 *  - unstable sorts: keys in order by the oracle's comparator; each output row a permutation
 *    of its input row (multiset of the bit patterns of whole tuples of operands); with
 *    indices, idx a permutation of 0..n-1 and out_k[j] == in_k[idx[j]] bitwise;
 *  - red zones around every buffer, gap bytes between rows, and (out of place) the inputs
 *    are untouched.
 * Every failure message names the seed and the whole case, so it can be replayed.
 */
#ifndef RS_TEST_HELPERS_H
#define RS_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "rowsort.h"

/* ---- deterministic random numbers (splitmix64) ---- */
typedef struct th_rng {
    uint64_t state;
} th_rng;

th_rng th_rng_make(uint64_t seed);
uint64_t th_next(th_rng *rng);
/* Uniform in [0, bound), bound > 0. */
uint64_t th_below(th_rng *rng, uint64_t bound);
/* A seed mixed from a few integers (so every case has its own, printable seed). */
uint64_t th_seed(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* ---- input data ---- */
typedef enum th_kind {
    TH_RANDOM = 0,
    TH_SORTED,
    TH_REVERSED,
    TH_EQUAL,
    TH_FEW,       /* a handful of distinct values: many ties */
    TH_NANS,      /* NaNs of both signs with distinct payloads, mixed with numbers and infs */
    TH_ZEROS,     /* -0.0 and +0.0 mixed with a few numbers */
    TH_INFS,      /* +-inf mixed with numbers */
    TH_SUBNORMAL, /* subnormals of both signs, zeros, the smallest normals */
    TH_EXTREMES,  /* type extremes: INT_MIN/MAX, +-max finite, smallest normal/subnormal... */
    TH_KIND_COUNT
} th_kind;

const char *th_kind_name(th_kind kind);
/* 1 when the kind is meaningful for the dtype (float-only kinds reduce for integers). */
int th_kind_applies(rowsort_dtype dtype, th_kind kind);
/* Fills one row of n elements. */
void th_fill(rowsort_dtype dtype, th_kind kind, th_rng *rng, void *row, size_t n);

/* ---- helpers ---- */
/* malloc that never returns NULL (aborts the forked test instead). */
void *th_xmalloc(size_t bytes);
void *th_xcalloc(size_t count, size_t size);
/* "float32", ...; "?" for an unknown dtype. Independent of the library's names. */
const char *th_dtype_name(rowsort_dtype dtype);
/* "desc|stable|nans_last|total" or "asc". Writes into buf, returns buf. */
const char *th_flags_name(unsigned flags, char *buf, size_t cap);

/* The ISA the sort suites run on: ROWSORT_TEST_ISA (scalar|avx2|avx512|auto; default auto).
 * Returns -1 for an unknown name. */
int th_test_isa(void);
/* Creates a context on th_test_isa() with `threads` threads (default pin policy); NULL on
 * failure (*status set). */
rowsort_ctx *th_ctx_create(unsigned threads, rowsort_status *status);
/* The same with a pin policy. */
rowsort_ctx *th_ctx_create_pin(unsigned threads, rowsort_pin pin, rowsort_status *status);
/* For main(), before srunner_run_all: probes rowsort_create for the test ISA in a forked
 * child (the parent must never run OpenMP, see STYLE.md). Returns 0 when usable, 77 when the
 * ISA is unsupported (prints why), 1 on another failure. */
int th_probe_isa_or_skip(void);

/* ---- one sort request, built, run and checked ---- */
#define TH_MAX_OPS 8

typedef struct th_spec {
    size_t rows, n;
    size_t num_ops;
    rowsort_dtype dtypes[TH_MAX_OPS];
    th_kind kinds[TH_MAX_OPS];
    size_t num_keys;
    unsigned flags;
    int index_dtype; /* -1: no indices; ROWSORT_DTYPE_I32 or ROWSORT_DTYPE_I64 */
    rowsort_select select;
    size_t k;
    int outputs;         /* 0: in place; 1: separate output arrays; 2: outputs alias inputs */
    size_t gap_elems;    /* padding elements after each row of every array (0: packed) */
    int explicit_stride; /* pass the row stride even when packed (else 0 = packed) */
    uint64_t seed;
} th_spec;

/* A spec with one operand of `dtype`, defaults elsewhere (num_keys 1, no indices...). */
th_spec th_spec_one(rowsort_dtype dtype, th_kind kind, size_t rows, size_t n, unsigned flags,
                    uint64_t seed);

/* One line describing the case (seed included). */
const char *th_spec_describe(const th_spec *spec, char *buf, size_t cap);

/* Builds the buffers, calls rowsort_sort(ctx, ...), checks red zones, gaps and inputs, then
 * the outputs against the oracle. 0 when all is well, else -1 with a message in msg. */
int th_run_sort(rowsort_ctx *ctx, const th_spec *spec, char *msg, size_t cap);

/* The results of a run, packed (rows x out_n per operand; indices or NULL), for comparing
 * runs with each other. Free with th_result_free. */
typedef struct th_result {
    size_t num_ops;
    size_t bytes[TH_MAX_OPS];
    unsigned char *out[TH_MAX_OPS];
    size_t idx_bytes;
    unsigned char *idx;
} th_result;

/* th_run_sort that also hands back the results (when `result` is not NULL). */
int th_run_sort_keep(rowsort_ctx *ctx, const th_spec *spec, char *msg, size_t cap,
                     th_result *result);
void th_result_free(th_result *result);

/* Checks packed results (rows x out_n per operand; idx rows x out_n of index_dtype or NULL)
 * against packed inputs (rows x n per operand) by the rules above. */
int th_check(const th_spec *spec, const void *const *in, const void *const *out, const void *idx,
             char *msg, size_t cap);

/* Count of th_check calls and of element checks done in this process (for the report). */
typedef struct th_counters {
    uint64_t requests;
    uint64_t elements;
} th_counters;
th_counters th_get_counters(void);

#endif
