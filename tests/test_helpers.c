/* test_helpers.c - data, buffers and the checking runner shared by the engine's suites. */
#define _POSIX_C_SOURCE 200809L
#include "test_helpers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oracle.h"

/* Counters of this (forked) process; reported with ROWSORT_TEST_VERBOSE. Test code only. */
static th_counters counters;

th_counters th_get_counters(void)
{
    return counters;
}

/* ------------------------------------------------------------------ random numbers */

th_rng th_rng_make(uint64_t seed)
{
    const th_rng rng = {seed};
    return rng;
}

uint64_t th_next(th_rng *rng)
{
    uint64_t z = (rng->state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t th_below(th_rng *rng, uint64_t bound)
{
    return th_next(rng) % bound; /* the bias is irrelevant here */
}

uint64_t th_seed(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    th_rng rng = th_rng_make(a * 0x100000001b3ull ^ 0x5eed);
    rng.state ^= th_next(&rng) + b;
    rng.state ^= th_next(&rng) + c;
    rng.state ^= th_next(&rng) + d;
    return th_next(&rng);
}

/* ------------------------------------------------------------------ small helpers */

void *th_xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (p == NULL) {
        fprintf(stderr, "test: out of memory (%zu bytes)\n", bytes);
        abort();
    }
    return p;
}

void *th_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) {
        fprintf(stderr, "test: out of memory (%zu x %zu bytes)\n", count, size);
        abort();
    }
    return p;
}

const char *th_dtype_name(rowsort_dtype dtype)
{
    static const char *const names[] = {
        "bool",   "int8",    "uint8",    "int16",   "uint16",  "int32",     "uint32",    "int64",
        "uint64", "float16", "bfloat16", "float32", "float64", "complex64", "complex128"};
    return (unsigned)dtype < sizeof names / sizeof names[0] ? names[dtype] : "?";
}

const char *th_kind_name(th_kind kind)
{
    static const char *const names[] = {"random", "sorted", "reversed", "equal",     "few",
                                        "nans",   "zeros",  "infs",     "subnormal", "extremes"};
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

const char *th_flags_name(unsigned flags, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s%s%s", (flags & ROWSORT_DESCENDING) ? "desc" : "asc",
             (flags & ROWSORT_STABLE) ? "|stable" : "",
             (flags & ROWSORT_NANS_LAST) ? "|nans_last" : "",
             (flags & ROWSORT_TOTAL_ORDER) ? "|total" : "");
    if (flags & ~ROWSORT_FLAGS_ALL) {
        const size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "|0x%x", flags & ~ROWSORT_FLAGS_ALL);
    }
    return buf;
}

static int is_float_dtype(rowsort_dtype dtype)
{
    return oracle_dtype_is_float(dtype);
}

int th_kind_applies(rowsort_dtype dtype, th_kind kind)
{
    if (is_float_dtype(dtype))
        return 1;
    switch (kind) {
    case TH_RANDOM:
    case TH_SORTED:
    case TH_REVERSED:
    case TH_EQUAL:
    case TH_FEW:
    case TH_EXTREMES:
        return 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------ float bit patterns */

typedef struct ffmt {
    int width, exp_bits, mant_bits;
} ffmt;

static const ffmt fmt_f16 = {16, 5, 10};
static const ffmt fmt_bf16 = {16, 8, 7};
static const ffmt fmt_f32 = {32, 8, 23};
static const ffmt fmt_f64 = {64, 11, 52};

static uint64_t mask_bits(int bits)
{
    return bits >= 64 ? ~0ull : ((1ull << bits) - 1);
}

static uint64_t make_float(ffmt f, int sign, uint64_t exponent, uint64_t mantissa)
{
    return ((uint64_t)sign << (f.width - 1)) | ((exponent & mask_bits(f.exp_bits)) << f.mant_bits) |
           (mantissa & mask_bits(f.mant_bits));
}

static uint64_t exp_max(ffmt f)
{
    return mask_bits(f.exp_bits);
}

static uint64_t exp_bias(ffmt f)
{
    return mask_bits(f.exp_bits - 1);
}

/* A finite number with some ties: coarse mantissas near 1 most of the time. */
static uint64_t float_finite(ffmt f, th_rng *rng)
{
    const int sign = (int)th_below(rng, 2);
    switch (th_below(rng, 4)) {
    case 0: { /* values like +-1.5 * 2^e, small e: plenty of ties */
        const uint64_t e = exp_bias(f) - 2 + th_below(rng, 6);
        return make_float(f, sign, e, th_below(rng, 4) << (f.mant_bits - 2));
    }
    case 1: /* anything finite and normal */
        return make_float(f, sign, 1 + th_below(rng, exp_max(f) - 1), th_next(rng));
    case 2: { /* a narrow range, full mantissa */
        const uint64_t e = exp_bias(f) + th_below(rng, 3);
        return make_float(f, sign, e, th_next(rng));
    }
    default: /* small integers-ish around 0, including 0 itself */
        if (th_below(rng, 8) == 0)
            return make_float(f, sign, 0, 0);
        return make_float(f, sign, exp_bias(f) + th_below(rng, 4),
                          th_below(rng, 8) << (f.mant_bits - 3));
    }
}

static uint64_t float_nan(ffmt f, th_rng *rng)
{
    uint64_t mantissa = th_next(rng) & mask_bits(f.mant_bits);
    if (th_below(rng, 3) == 0)
        mantissa = 1 + th_below(rng, 3); /* signalling, tiny payloads */
    if (th_below(rng, 3) == 0)
        mantissa = (1ull << (f.mant_bits - 1)) | th_below(rng, 4); /* quiet, near canonical */
    if (mantissa == 0)
        mantissa = 1;
    return make_float(f, (int)th_below(rng, 2), exp_max(f), mantissa);
}

static uint64_t float_inf(ffmt f, int sign)
{
    return make_float(f, sign, exp_max(f), 0);
}

static uint64_t float_subnormal(ffmt f, th_rng *rng)
{
    uint64_t mantissa = th_next(rng) & mask_bits(f.mant_bits);
    if (th_below(rng, 3) == 0)
        mantissa = 1 + th_below(rng, 3);
    if (mantissa == 0)
        mantissa = 1;
    return make_float(f, (int)th_below(rng, 2), 0, mantissa);
}

static uint64_t float_extreme(ffmt f, th_rng *rng)
{
    const int sign = (int)th_below(rng, 2);
    switch (th_below(rng, 9)) {
    case 0:
        return make_float(f, sign, exp_max(f) - 1, ~0ull); /* +-max finite */
    case 1:
        return make_float(f, sign, 1, 0); /* +-smallest normal */
    case 2:
        return make_float(f, sign, 0, 1); /* +-smallest subnormal */
    case 3:
        return make_float(f, sign, 0, ~0ull); /* +-largest subnormal */
    case 4:
        return float_inf(f, sign);
    case 5:
        return make_float(f, sign, 0, 0);
    case 6:
        return make_float(f, sign, exp_bias(f), 0); /* +-1 */
    case 7:
        return make_float(f, sign, exp_max(f) - 1, ~0ull - 1); /* next to max */
    default:
        return float_finite(f, rng);
    }
}

/* One float of kind `kind` (sorted/reversed/equal/few are built on TH_RANDOM by the caller). */
static uint64_t float_of_kind(ffmt f, th_kind kind, th_rng *rng)
{
    const uint64_t r = th_below(rng, 100);
    switch (kind) {
    case TH_NANS:
        if (r < 35)
            return float_nan(f, rng);
        if (r < 45)
            return float_inf(f, (int)th_below(rng, 2));
        if (r < 52)
            return make_float(f, (int)th_below(rng, 2), 0, 0);
        return float_finite(f, rng);
    case TH_ZEROS:
        if (r < 60)
            return make_float(f, (int)th_below(rng, 2), 0, 0);
        return float_finite(f, rng);
    case TH_INFS:
        if (r < 40)
            return float_inf(f, (int)th_below(rng, 2));
        if (r < 50)
            return make_float(f, (int)th_below(rng, 2), exp_max(f) - 1, ~0ull);
        return float_finite(f, rng);
    case TH_SUBNORMAL:
        if (r < 60)
            return float_subnormal(f, rng);
        if (r < 75)
            return make_float(f, (int)th_below(rng, 2), 0, 0);
        if (r < 90)
            return make_float(f, (int)th_below(rng, 2), 1, th_below(rng, 3));
        return float_finite(f, rng);
    case TH_EXTREMES:
        return float_extreme(f, rng);
    default:
        return float_finite(f, rng);
    }
}

/* ------------------------------------------------------------------ integers */

static uint64_t int_of_kind(size_t size, int is_signed, th_kind kind, th_rng *rng)
{
    const int bits = (int)size * 8;
    const uint64_t mask = mask_bits(bits);
    if (kind == TH_EXTREMES) {
        const uint64_t min = is_signed ? (1ull << (bits - 1)) : 0; /* bit pattern of MIN */
        const uint64_t max = is_signed ? mask >> 1 : mask;
        switch (th_below(rng, 8)) {
        case 0:
            return min;
        case 1:
            return max;
        case 2:
            return (min + 1) & mask;
        case 3:
            return (max - 1) & mask;
        case 4:
            return 0;
        case 5:
            return mask; /* -1 or the max */
        case 6:
            return 1;
        default:
            return th_next(rng) & mask;
        }
    }
    if (th_below(rng, 2) == 0)
        return th_next(rng) & mask;
    /* small values around zero: ties */
    return ((uint64_t)(int64_t)((int)th_below(rng, 41) - 20)) & mask;
}

/* ------------------------------------------------------------------ filling rows */

static void store_bits(void *dst, uint64_t bits, size_t size)
{
    /* little-endian hosts only (x86-64, aarch64): the low bytes */
    memcpy(dst, &bits, size);
}

/* One element of a "plain" kind (everything but sorted/reversed/equal/few). */
static void element_of_kind(rowsort_dtype dtype, th_kind kind, th_rng *rng, unsigned char *dst)
{
    switch (dtype) {
    case ROWSORT_DTYPE_BOOL:
        /* extremes: any byte (nonzero is true); otherwise 0/1 */
        dst[0] =
            kind == TH_EXTREMES ? (unsigned char)th_next(rng) : (unsigned char)th_below(rng, 2);
        if (kind == TH_EXTREMES && th_below(rng, 3) == 0)
            dst[0] = 0;
        return;
    case ROWSORT_DTYPE_I8:
    case ROWSORT_DTYPE_I16:
    case ROWSORT_DTYPE_I32:
    case ROWSORT_DTYPE_I64:
        store_bits(dst, int_of_kind(oracle_dtype_size(dtype), 1, kind, rng),
                   oracle_dtype_size(dtype));
        return;
    case ROWSORT_DTYPE_U8:
    case ROWSORT_DTYPE_U16:
    case ROWSORT_DTYPE_U32:
    case ROWSORT_DTYPE_U64:
        store_bits(dst, int_of_kind(oracle_dtype_size(dtype), 0, kind, rng),
                   oracle_dtype_size(dtype));
        return;
    case ROWSORT_DTYPE_F16:
        store_bits(dst, float_of_kind(fmt_f16, kind, rng), 2);
        return;
    case ROWSORT_DTYPE_BF16:
        store_bits(dst, float_of_kind(fmt_bf16, kind, rng), 2);
        return;
    case ROWSORT_DTYPE_F32:
        store_bits(dst, float_of_kind(fmt_f32, kind, rng), 4);
        return;
    case ROWSORT_DTYPE_F64:
        store_bits(dst, float_of_kind(fmt_f64, kind, rng), 8);
        return;
    case ROWSORT_DTYPE_C64:
        store_bits(dst, float_of_kind(fmt_f32, kind, rng), 4);
        store_bits(dst + 4, float_of_kind(fmt_f32, kind, rng), 4);
        return;
    case ROWSORT_DTYPE_C128:
        store_bits(dst, float_of_kind(fmt_f64, kind, rng), 8);
        store_bits(dst + 8, float_of_kind(fmt_f64, kind, rng), 8);
        return;
    case ROWSORT_DTYPE_COUNT:
        break;
    }
    abort();
}

void th_fill(rowsort_dtype dtype, th_kind kind, th_rng *rng, void *row, size_t n)
{
    const size_t size = oracle_dtype_size(dtype);
    unsigned char *p = row;
    if (n == 0)
        return;
    switch (kind) {
    case TH_EQUAL:
        element_of_kind(dtype, th_below(rng, 4) == 0 ? TH_EXTREMES : TH_RANDOM, rng, p);
        if (is_float_dtype(dtype) && th_below(rng, 4) == 0)
            element_of_kind(dtype, TH_NANS, rng, p); /* often a NaN, maybe not */
        for (size_t i = 1; i < n; i++)
            memcpy(p + i * size, p, size);
        return;
    case TH_FEW: {
        unsigned char pool[6 * 16];
        const size_t distinct = 2 + th_below(rng, 4);
        for (size_t v = 0; v < distinct; v++)
            element_of_kind(dtype, v == 0 && is_float_dtype(dtype) ? TH_NANS : TH_RANDOM, rng,
                            pool + v * size);
        for (size_t i = 0; i < n; i++)
            memcpy(p + i * size, pool + th_below(rng, distinct) * size, size);
        return;
    }
    case TH_SORTED:
    case TH_REVERSED: {
        unsigned char *tmp = th_xmalloc(n * size);
        size_t *perm = th_xmalloc(n * sizeof *perm);
        th_fill(dtype, TH_RANDOM, rng, tmp, n);
        const oracle_col col = {tmp, dtype};
        if (oracle_sort_perm(&col, 1, n, 0, perm) != 0)
            abort();
        for (size_t i = 0; i < n; i++) {
            const size_t from = kind == TH_SORTED ? perm[i] : perm[n - 1 - i];
            memcpy(p + i * size, tmp + from * size, size);
        }
        free(perm);
        free(tmp);
        return;
    }
    default:
        break;
    }
    for (size_t i = 0; i < n; i++)
        element_of_kind(dtype, kind, rng, p + i * size);
    if (dtype == ROWSORT_DTYPE_C64 || dtype == ROWSORT_DTYPE_C128) {
        /* equal real parts are common so that imaginary parts decide */
        const size_t half = size / 2;
        for (size_t i = 1; i < n; i++)
            if (th_below(rng, 2) == 0)
                memcpy(p + i * size, p + th_below(rng, i) * size, half);
    }
}

/* ------------------------------------------------------------------ contexts */

int th_test_isa(void)
{
    const char *env = getenv("ROWSORT_TEST_ISA");
    if (env == NULL || *env == '\0' || strcmp(env, "auto") == 0)
        return ROWSORT_ISA_AUTO;
    if (strcmp(env, "scalar") == 0)
        return ROWSORT_ISA_SCALAR;
    if (strcmp(env, "avx2") == 0)
        return ROWSORT_ISA_AVX2;
    if (strcmp(env, "avx512") == 0)
        return ROWSORT_ISA_AVX512;
    return -1;
}

rowsort_ctx *th_ctx_create(unsigned threads, rowsort_status *status)
{
    rowsort_options options;
    rowsort_options_init(&options);
    return th_ctx_create_pin(threads, options.pin, status);
}

rowsort_ctx *th_ctx_create_pin(unsigned threads, rowsort_pin pin, rowsort_status *status)
{
    rowsort_options options;
    rowsort_options_init(&options);
    options.threads = threads;
    options.pin = pin;
    const int isa = th_test_isa();
    if (isa < 0) {
        *status = ROWSORT_E_ISA;
        return NULL;
    }
    options.isa = (rowsort_isa)isa;
    return rowsort_create(&options, status);
}

int th_probe_isa_or_skip(void)
{
    const char *env = getenv("ROWSORT_TEST_ISA");
    if (th_test_isa() < 0) {
        fprintf(stderr, "ROWSORT_TEST_ISA=%s: unknown ISA name\n", env);
        return 1;
    }
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        rowsort_status status = ROWSORT_OK;
        rowsort_ctx *ctx = th_ctx_create(1, &status);
        rowsort_destroy(ctx);
        _exit(ctx != NULL ? 0 : status == ROWSORT_E_ISA ? 77 : 1);
    }
    int wstatus = 0;
    if (waitpid(pid, &wstatus, 0) != pid || !WIFEXITED(wstatus)) {
        fprintf(stderr, "probe of ISA %s crashed\n", env ? env : "auto");
        return 1;
    }
    const int code = WEXITSTATUS(wstatus);
    if (code == 77)
        fprintf(stderr, "SKIP: ISA %s is not supported on this machine or build\n",
                env ? env : "auto");
    else if (code != 0)
        fprintf(stderr, "rowsort_create failed for ISA %s\n", env ? env : "auto");
    return code;
}

/* ------------------------------------------------------------------ describing cases */

th_spec th_spec_one(rowsort_dtype dtype, th_kind kind, size_t rows, size_t n, unsigned flags,
                    uint64_t seed)
{
    th_spec s;
    memset(&s, 0, sizeof s);
    s.rows = rows;
    s.n = n;
    s.num_ops = 1;
    s.dtypes[0] = dtype;
    s.kinds[0] = kind;
    s.num_keys = 1;
    s.flags = flags;
    s.index_dtype = -1;
    s.select = ROWSORT_SELECT_ALL;
    s.seed = seed;
    return s;
}

const char *th_spec_describe(const th_spec *s, char *buf, size_t cap)
{
    char flags[96];
    static const char *const selects[] = {"all", "largest", "smallest"};
    size_t len = (size_t)snprintf(
        buf, cap, "seed=0x%016llx isa=%s rows=%zu n=%zu ops=[", (unsigned long long)s->seed,
        getenv("ROWSORT_TEST_ISA") ? getenv("ROWSORT_TEST_ISA") : "auto", s->rows, s->n);
    for (size_t i = 0; i < s->num_ops && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%s(%s)", i ? "," : "",
                                th_dtype_name(s->dtypes[i]), th_kind_name(s->kinds[i]));
    if (len < cap)
        snprintf(buf + len, cap - len,
                 "] keys=%zu flags=%s idx=%s select=%s k=%zu outputs=%s gap=%zu explicit=%d",
                 s->num_keys, th_flags_name(s->flags, flags, sizeof flags),
                 s->index_dtype < 0 ? "none" : th_dtype_name((rowsort_dtype)s->index_dtype),
                 (unsigned)s->select < 3 ? selects[s->select] : "?", s->k,
                 s->outputs == 0   ? "inplace"
                 : s->outputs == 1 ? "separate"
                                   : "alias",
                 s->gap_elems, s->explicit_stride);
    return buf;
}

static int fail(char *msg, size_t cap, const th_spec *s, const char *fmt, ...)
{
    char what[512], desc[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(msg, cap, "%s\n    case: %s", what, th_spec_describe(s, desc, sizeof desc));
    return -1;
}

static void hex_elem(char *buf, size_t cap, const unsigned char *p, size_t size)
{
    /* most significant byte first (little-endian storage) */
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = size; i-- > 0 && len + 3 < cap;)
        len += (size_t)snprintf(buf + len, cap - len, "%02x", p[i]);
}

/* ------------------------------------------------------------------ checking */

static uint64_t read_index(const void *idx, int index_dtype, size_t pos)
{
    if (index_dtype == ROWSORT_DTYPE_I32) {
        int32_t v;
        memcpy(&v, (const unsigned char *)idx + pos * 4, 4);
        return (uint64_t)(int64_t)v;
    }
    int64_t v;
    memcpy(&v, (const unsigned char *)idx + pos * 8, 8);
    return (uint64_t)v;
}

/* Merge sort of record numbers by the memcmp order of their records (a multiset's canonical
 * order). Moves indices, not records. */
static void sort_records(const unsigned char *recs, size_t size, size_t *order, size_t *tmp,
                         size_t count)
{
    if (count < 2)
        return;
    const size_t half = count / 2;
    sort_records(recs, size, order, tmp, half);
    sort_records(recs, size, order + half, tmp, count - half);
    size_t i = 0, j = half, out = 0;
    while (i < half && j < count) {
        if (memcmp(recs + order[i] * size, recs + order[j] * size, size) <= 0)
            tmp[out++] = order[i++];
        else
            tmp[out++] = order[j++];
    }
    while (i < half)
        tmp[out++] = order[i++];
    while (j < count)
        tmp[out++] = order[j++];
    memcpy(order, tmp, count * sizeof *order);
}

int th_check(const th_spec *s, const void *const *in, const void *const *out, const void *idx,
             char *msg, size_t cap)
{
    const size_t n = s->n;
    const size_t out_n = s->select == ROWSORT_SELECT_ALL ? n : s->k;
    const int exact = s->select != ROWSORT_SELECT_ALL || (s->flags & ROWSORT_STABLE);
    const unsigned order_flags =
        s->select == ROWSORT_SELECT_ALL ? s->flags : oracle_topk_flags(s->select, s->flags);
    size_t sizes[TH_MAX_OPS], rec_size = 0;
    for (size_t o = 0; o < s->num_ops; o++) {
        sizes[o] = oracle_dtype_size(s->dtypes[o]);
        rec_size += sizes[o];
    }
    const size_t idx_size = s->index_dtype == ROWSORT_DTYPE_I32 ? 4 : 8;
    size_t *perm = th_xmalloc((n ? n : 1) * sizeof *perm);
    unsigned char *seen = th_xmalloc(n ? n : 1);
    unsigned char *recs_in = th_xmalloc((n ? n : 1) * rec_size);
    unsigned char *recs_out = th_xmalloc((n ? n : 1) * rec_size);
    size_t *order_in = th_xmalloc((n ? n : 1) * sizeof(size_t));
    size_t *order_out = th_xmalloc((n ? n : 1) * sizeof(size_t));
    size_t *order_tmp = th_xmalloc((n ? n : 1) * sizeof(size_t));
    int rc = 0;
    char e[80], g[80];
    counters.requests++;

    for (size_t r = 0; r < s->rows && rc == 0; r++) {
        oracle_col in_cols[TH_MAX_OPS], out_cols[TH_MAX_OPS];
        for (size_t o = 0; o < s->num_ops; o++) {
            in_cols[o].data = (const unsigned char *)in[o] + r * n * sizes[o];
            in_cols[o].dtype = s->dtypes[o];
            out_cols[o].data = (const unsigned char *)out[o] + r * out_n * sizes[o];
            out_cols[o].dtype = s->dtypes[o];
        }
        const void *idx_row = idx ? (const unsigned char *)idx + r * out_n * idx_size : NULL;
        counters.elements += n;

        if (exact) {
            if (oracle_sort_perm(in_cols, s->num_keys, n, order_flags, perm) != 0)
                abort();
            for (size_t o = 0; o < s->num_ops && rc == 0; o++) {
                const unsigned char *pin = in_cols[o].data, *pout = out_cols[o].data;
                for (size_t j = 0; j < out_n; j++) {
                    const unsigned char *want = pin + perm[j] * sizes[o];
                    if (memcmp(pout + j * sizes[o], want, sizes[o]) != 0) {
                        hex_elem(e, sizeof e, want, sizes[o]);
                        hex_elem(g, sizeof g, pout + j * sizes[o], sizes[o]);
                        rc = fail(msg, cap, s,
                                  "row %zu operand %zu position %zu: expected 0x%s (input "
                                  "position %zu), got 0x%s",
                                  r, o, j, e, perm[j], g);
                        break;
                    }
                }
            }
            for (size_t j = 0; idx_row && rc == 0 && j < out_n; j++) {
                const uint64_t got = read_index(idx_row, s->index_dtype, j);
                if (got != perm[j])
                    rc = fail(msg, cap, s, "row %zu index %zu: expected %zu, got %lld", r, j,
                              perm[j], (long long)got);
            }
            continue;
        }

        /* unstable: (a) keys in order */
        for (size_t j = 1; j < out_n && rc == 0; j++) {
            if (oracle_compare_keys(out_cols, s->num_keys, j - 1, j, order_flags) > 0) {
                hex_elem(e, sizeof e, (const unsigned char *)out_cols[0].data + (j - 1) * sizes[0],
                         sizes[0]);
                hex_elem(g, sizeof g, (const unsigned char *)out_cols[0].data + j * sizes[0],
                         sizes[0]);
                rc = fail(msg, cap, s,
                          "row %zu: keys out of order at positions %zu,%zu (key 0: 0x%s then 0x%s)",
                          r, j - 1, j, e, g);
            }
        }
        /* (b) the row is a permutation of its input: multisets of whole tuples */
        if (rc == 0) {
            for (size_t j = 0; j < n; j++) {
                size_t at = 0;
                for (size_t o = 0; o < s->num_ops; o++) {
                    memcpy(recs_in + j * rec_size + at,
                           (const unsigned char *)in_cols[o].data + j * sizes[o], sizes[o]);
                    memcpy(recs_out + j * rec_size + at,
                           (const unsigned char *)out_cols[o].data + j * sizes[o], sizes[o]);
                    at += sizes[o];
                }
            }
            for (size_t j = 0; j < n; j++)
                order_in[j] = order_out[j] = j;
            sort_records(recs_in, rec_size, order_in, order_tmp, n);
            sort_records(recs_out, rec_size, order_out, order_tmp, n);
            for (size_t j = 0; j < n; j++) {
                if (memcmp(recs_in + order_in[j] * rec_size, recs_out + order_out[j] * rec_size,
                           rec_size) != 0) {
                    rc = fail(msg, cap, s,
                              "row %zu: output is not a permutation of the input (tuples of all "
                              "operands, bitwise; first difference at sorted record %zu)",
                              r, j);
                    break;
                }
            }
        }
        /* (c) indices: a permutation, and out_k[j] == in_k[idx[j]] */
        if (rc == 0 && idx_row) {
            memset(seen, 0, n);
            for (size_t j = 0; j < n && rc == 0; j++) {
                const uint64_t from = read_index(idx_row, s->index_dtype, j);
                if (from >= n || seen[from]) {
                    rc = fail(msg, cap, s, "row %zu index %zu: %lld is %s", r, j, (long long)from,
                              from >= n ? "out of range" : "repeated");
                    break;
                }
                seen[from] = 1;
                for (size_t o = 0; o < s->num_ops; o++) {
                    const unsigned char *want =
                        (const unsigned char *)in_cols[o].data + from * sizes[o];
                    const unsigned char *got =
                        (const unsigned char *)out_cols[o].data + j * sizes[o];
                    if (memcmp(want, got, sizes[o]) != 0) {
                        hex_elem(e, sizeof e, want, sizes[o]);
                        hex_elem(g, sizeof g, got, sizes[o]);
                        rc = fail(msg, cap, s,
                                  "row %zu operand %zu position %zu: in[idx=%lld] is 0x%s but "
                                  "out is 0x%s",
                                  r, o, j, (long long)from, e, g);
                        break;
                    }
                }
            }
        }
    }
    free(order_tmp);
    free(order_out);
    free(order_in);
    free(recs_out);
    free(recs_in);
    free(seen);
    free(perm);
    return rc;
}

/* ------------------------------------------------------------------ buffers with red zones */

#define TH_RED_ZONE 64

/* A 2-D array inside a larger allocation: red zone, rows at `stride` bytes, red zone. Every
 * byte not written by the caller holds a pattern that the library must not touch. */
typedef struct th_buf {
    unsigned char *alloc;
    unsigned char *snapshot; /* the allocation as it was before the call */
    size_t alloc_bytes;
    unsigned char *data;
    size_t stride;    /* bytes from row to row */
    size_t row_bytes; /* bytes of data in a row */
    size_t rows;
} th_buf;

static unsigned char pattern_byte(size_t i)
{
    return (unsigned char)(0xA5 ^ (i * 131u) ^ (i >> 8));
}

static void buf_make(th_buf *b, size_t rows, size_t row_bytes, size_t stride, size_t misalign)
{
    b->rows = rows;
    b->row_bytes = row_bytes;
    b->stride = stride;
    b->alloc_bytes = 2 * TH_RED_ZONE + misalign + rows * stride;
    b->alloc = th_xmalloc(b->alloc_bytes);
    for (size_t i = 0; i < b->alloc_bytes; i++)
        b->alloc[i] = pattern_byte(i);
    b->data = b->alloc + TH_RED_ZONE + misalign;
    b->snapshot = NULL;
}

static void buf_snapshot(th_buf *b)
{
    b->snapshot = th_xmalloc(b->alloc_bytes);
    memcpy(b->snapshot, b->alloc, b->alloc_bytes);
}

static void buf_free(th_buf *b)
{
    free(b->snapshot);
    free(b->alloc);
}

/* The first byte of [from, to) that differs from the snapshot, or (size_t)-1. */
static size_t first_change(const th_buf *b, size_t from, size_t to)
{
    if (to <= from || memcmp(b->alloc + from, b->snapshot + from, to - from) == 0)
        return (size_t)-1;
    for (size_t i = from; i < to; i++)
        if (b->alloc[i] != b->snapshot[i])
            return i;
    return (size_t)-1;
}

/* The first byte outside the rows' data that changed (red zones, gaps), or (size_t)-1. */
static size_t buf_find_clobber(const th_buf *b)
{
    const size_t start = (size_t)(b->data - b->alloc);
    size_t at = first_change(b, 0, start);
    for (size_t r = 0; r < b->rows && at == (size_t)-1; r++)
        at = first_change(b, start + r * b->stride + b->row_bytes, start + (r + 1) * b->stride);
    if (at == (size_t)-1)
        at = first_change(b, start + b->rows * b->stride, b->alloc_bytes);
    return at;
}

static void buf_put_rows(th_buf *b, const unsigned char *packed)
{
    for (size_t r = 0; r < b->rows; r++)
        memcpy(b->data + r * b->stride, packed + r * b->row_bytes, b->row_bytes);
}

/* The first row_bytes of each row (all of it, or a top-k's first k elements). */
static void buf_get_rows_prefix(const th_buf *b, unsigned char *packed, size_t row_bytes)
{
    for (size_t r = 0; r < b->rows; r++)
        memcpy(packed + r * row_bytes, b->data + r * b->stride, row_bytes);
}

static void buf_get_rows(const th_buf *b, unsigned char *packed)
{
    buf_get_rows_prefix(b, packed, b->row_bytes);
}

static int clobber_message(const th_spec *s, const th_buf *b, const char *which, size_t op,
                           char *msg, size_t cap)
{
    const size_t i = buf_find_clobber(b);
    if (i == (size_t)-1)
        return 0;
    const long long rel = (long long)i - (long long)(b->data - b->alloc);
    return fail(msg, cap, s,
                "%s %zu: byte at offset %lld from the first row (stride %zu, row %zu bytes) was "
                "overwritten (%s)",
                which, op, rel, b->stride, b->row_bytes,
                rel < 0                              ? "red zone before"
                : (size_t)rel >= b->rows * b->stride ? "red zone after"
                                                     : "gap between rows");
}

void th_result_free(th_result *result)
{
    for (size_t o = 0; o < result->num_ops; o++)
        free(result->out[o]);
    free(result->idx);
    memset(result, 0, sizeof *result);
}

int th_run_sort(rowsort_ctx *ctx, const th_spec *s, char *msg, size_t cap)
{
    return th_run_sort_keep(ctx, s, msg, cap, NULL);
}

int th_run_sort_keep(rowsort_ctx *ctx, const th_spec *s, char *msg, size_t cap, th_result *result)
{
    const size_t n = s->n, rows = s->rows;
    const size_t out_n = s->select == ROWSORT_SELECT_ALL ? n : s->k;
    th_rng rng = th_rng_make(s->seed);
    th_buf in_bufs[TH_MAX_OPS], out_bufs[TH_MAX_OPS], idx_buf;
    unsigned char *in_packed[TH_MAX_OPS], *out_packed[TH_MAX_OPS], *idx_packed = NULL;
    rowsort_array operands[TH_MAX_OPS], outputs[TH_MAX_OPS];
    int rc = 0;

    if (s->num_ops == 0 || s->num_ops > TH_MAX_OPS)
        abort();
    for (size_t o = 0; o < s->num_ops; o++) {
        const size_t size = oracle_dtype_size(s->dtypes[o]);
        in_packed[o] = th_xmalloc(rows * n * size + 1);
        for (size_t r = 0; r < rows; r++)
            th_fill(s->dtypes[o], s->kinds[o], &rng, in_packed[o] + r * n * size, n);
        /* misaligned by whole elements, never below the element's size */
        const size_t misalign = size * th_below(&rng, 4);
        buf_make(&in_bufs[o], rows, n * size, (n + s->gap_elems) * size, misalign);
        buf_put_rows(&in_bufs[o], in_packed[o]);
        operands[o].data = in_bufs[o].data;
        operands[o].dtype = s->dtypes[o];
        operands[o].row_stride_bytes = (s->gap_elems || s->explicit_stride) ? in_bufs[o].stride : 0;
        out_packed[o] = th_xmalloc(rows * out_n * size + 1);
        if (s->outputs == 1) {
            buf_make(&out_bufs[o], rows, out_n * size, (out_n + s->gap_elems) * size,
                     size * th_below(&rng, 4));
            outputs[o].data = out_bufs[o].data;
            outputs[o].dtype = s->dtypes[o];
            outputs[o].row_stride_bytes =
                (s->gap_elems || s->explicit_stride) ? out_bufs[o].stride : 0;
        } else {
            outputs[o] = operands[o];
            /* a top-k's output rows are shorter: the input's stride makes them alias it */
            if (out_n < n)
                outputs[o].row_stride_bytes = in_bufs[o].stride;
        }
    }
    const size_t idx_size = s->index_dtype == ROWSORT_DTYPE_I32 ? 4 : 8;
    if (s->index_dtype >= 0) {
        buf_make(&idx_buf, rows, out_n * idx_size, (out_n + s->gap_elems) * idx_size,
                 idx_size * th_below(&rng, 4));
        idx_packed = th_xmalloc(rows * out_n * idx_size + 1);
    }

    for (size_t o = 0; o < s->num_ops; o++) {
        buf_snapshot(&in_bufs[o]);
        if (s->outputs == 1)
            buf_snapshot(&out_bufs[o]);
    }
    if (s->index_dtype >= 0)
        buf_snapshot(&idx_buf);

    rowsort_request req;
    rowsort_request_init(&req);
    req.rows = rows;
    req.n = n;
    req.operands = operands;
    req.num_operands = s->num_ops;
    req.outputs = s->outputs ? outputs : NULL;
    req.num_keys = s->num_keys;
    req.flags = s->flags;
    req.select = s->select;
    req.k = s->k;
    if (s->index_dtype >= 0) {
        req.indices.data = idx_buf.data;
        req.indices.dtype = (rowsort_dtype)s->index_dtype;
        req.indices.row_stride_bytes = (s->gap_elems || s->explicit_stride) ? idx_buf.stride : 0;
    }
    const rowsort_status st = rowsort_sort(ctx, &req);
    if (st != ROWSORT_OK)
        rc = fail(msg, cap, s, "rowsort_sort returned %d (%s)", (int)st, rowsort_status_string(st));

    /* nothing outside the data moved; inputs unchanged when sorted out of place */
    for (size_t o = 0; o < s->num_ops && rc == 0; o++) {
        rc = clobber_message(s, &in_bufs[o], "operand", o, msg, cap);
        if (rc == 0 && s->outputs == 1) {
            rc = clobber_message(s, &out_bufs[o], "output", o, msg, cap);
            unsigned char *now = th_xmalloc(rows * n * oracle_dtype_size(s->dtypes[o]) + 1);
            buf_get_rows(&in_bufs[o], now);
            if (rc == 0 && memcmp(now, in_packed[o], rows * n * oracle_dtype_size(s->dtypes[o])))
                rc = fail(msg, cap, s, "operand %zu: input changed by an out-of-place sort", o);
            free(now);
        }
        if (s->outputs == 1)
            buf_get_rows(&out_bufs[o], out_packed[o]);
        else
            buf_get_rows_prefix(&in_bufs[o], out_packed[o], out_n * oracle_dtype_size(s->dtypes[o]));
    }
    if (rc == 0 && s->index_dtype >= 0) {
        rc = clobber_message(s, &idx_buf, "indices", 0, msg, cap);
        buf_get_rows(&idx_buf, idx_packed);
    }
    if (rc == 0)
        rc = th_check(s, (const void *const *)in_packed, (const void *const *)out_packed,
                      idx_packed, msg, cap);

    if (result != NULL) {
        memset(result, 0, sizeof *result);
        result->num_ops = s->num_ops;
    }
    for (size_t o = 0; o < s->num_ops; o++) {
        buf_free(&in_bufs[o]);
        if (s->outputs == 1)
            buf_free(&out_bufs[o]);
        free(in_packed[o]);
        if (result != NULL) {
            result->out[o] = out_packed[o];
            result->bytes[o] = rows * out_n * oracle_dtype_size(s->dtypes[o]);
        } else {
            free(out_packed[o]);
        }
    }
    if (s->index_dtype >= 0) {
        buf_free(&idx_buf);
        if (result != NULL) {
            result->idx = idx_packed;
            result->idx_bytes = rows * out_n * idx_size;
        } else {
            free(idx_packed);
        }
    }
    return rc;
}
