/*
 * sched_pivot.c - a values-only row of 32- or 64-bit keys sorted by the whole team without a
 * merge: the team splits the row in place around pivots into one segment per thread (every
 * key of segment t at most those of segment t + 1); each thread then sorts its segment.
 *
 * Why not parts and merges (sched_split.c): the merge is a pass over the row that a single
 * thread's sort does not make, and a slow one (bound by its compares, about 1.4 ns per key
 * and thread on 2 threads of an AMD EPYC), so one 16M-key int32 row took 60 ms on 2 threads
 * against 96 on one. A partition around a pivot is what the single thread's quicksort does
 * first anyway: here the team makes the row's first partitions together, in place.
 *
 * Levels: ceil(log2 threads). At each, every group of g >= 2 threads (at first all of them,
 * on the whole row) splits its segment into a lower part for its first g/2 threads and an
 * upper part for the others:
 *  - the group's first thread picks the pivot from a sorted sample of the segment, at the
 *    rank of the lower threads' share, and splits below it or below the next key, whichever
 *    the sample says comes closer to that share (a key that fills much of the row);
 *  - every thread of the group partitions its own slice of the segment in place (the
 *    kernel's quicksort partition), which leaves [lower | upper] runs slice by slice;
 *  - every thread swaps its share of the keys that sit on the wrong side of the group's
 *    cut (upper keys left of it with lower keys right of it): with 2 threads and random
 *    keys a quarter of the segment is swapped with another quarter (half of it read and
 *    rewritten), against a whole pass for a copy into a second buffer.
 * Each thread then sorts its segment as its own quicksort would, with its first partitions
 * made here, depth first: the upper part of each cut is left on the thread's stack of ranges,
 * from which a thread that has run out of work takes the oldest (the largest) range and
 * sorts it the same way (work stealing). So a thread on a slower core (a host's other guests
 * beside a vCPU, a busy hardware thread) or a segment that the pivot left larger does not
 * keep the others waiting for a whole segment's sort. Cutting depth first keeps the
 * thread's next ranges in its caches, as the quicksort does (cutting the whole segment into
 * pieces first measured 3-4% slower on 2 idle cores: a pass over memory per level).
 * Each piece has the kernel's scratch carved out of one shared buffer at its offset (any
 * imbalance fits). Keys are the values for ascending int32/int64 (signed kernels), uint32,
 * and float32/float64 rows without NaN (float compares; each piece's zeros then put -0.0
 * first, as everywhere else); else the row's keys are built in the output row first and
 * decoded at the end, a piece at a time.
 * 64-bit keys are always compared as signed (AVX2 has no unsigned 64-bit compare): uint64
 * values and built keys have their top bit flipped first and back at the end. Equal keys
 * are identical bits, so the output is the same bytes as the single-threaded sort's for
 * every thread count.
 *
 * Permutation jobs (stable sorts, argsort, payloads) of 16- and 32-bit keys are split the
 * same way on packed keys, (key << 32 | position) in a shared buffer, as the single-threaded
 * stable argsort sorts them: positions are distinct, so the packed keys are too, and their
 * order is the stable order. Each sorted piece writes its positions, decodes the key's
 * output from its keys where equal keys are identical values (and for floats not sorted in
 * place, but for the runs of their zeros' and NaNs' keys, gathered), and gathers the other
 * outputs by position (a piece at a time where none of them is sorted in place; else every thread
 * gathers its slice once the row is sorted). The parts-and-merges split took longer
 * on 2 threads than one thread's stable argsort: its merge of (key, position) pairs is a
 * scalar loop.
 */
#include "sched_pivot.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "float_keys.h" /* Kf32_MAX, vf32_succ, Kf64_MAX, vf64_succ */
#include "row_split.h"
#include "row_topk.h"
#include "sched_plan.h"

/* The largest sample a pivot is taken from: its rank error, about 0.4% of the segment,
 * is the imbalance between the threads' segments. One key is drawn at a pseudo-random
 * place of each of ns equal strides (the same places for the same segment: results never
 * depend on the pivot, only the balance does), so that periodic data (a constant column
 * of a flattened matrix) does not fool a fixed stride. */
#define RS_PIVOT_SAMPLE_MAX ((size_t)16384)
/* A range is cut (stolen ranges too) while it is longer than the row's keys / (threads x
 * RS_PIVOT_PIECES_PER_THREAD) and than RS_PIVOT_PIECE_MIN, each cut from a sample of at
 * most RS_PIVOT_PIECE_SAMPLE keys (a rank error of a few percent: the pieces are taken as
 * threads come free, so their sizes need not match), and at most RS_PIVOT_CUT_LEVELS deep
 * under a thread's segment (each range owns an interval of the 2^levels scratch gaps of
 * its segment, halved at each cut, so that the pieces' scratch never overlaps). */
#define RS_PIVOT_PIECES_PER_THREAD ((size_t)16)
#define RS_PIVOT_PIECE_MIN ((size_t)65536)
#define RS_PIVOT_PIECE_SAMPLE ((size_t)256)
#define RS_PIVOT_CUT_LEVELS 6
/* A thread's stack of ranges: at most one per level of cuts (depth first). */
#define RS_PIVOT_STACK 8
/* Words per thread in the shared array (whole cache lines: neighbours' counts do not share). */
#define RS_PIVOT_STRIDE 40
enum {
    W_LOWER,
    W_PIVOT_LO, /* a 64-bit bound in two words (size_t may be 32-bit) */
    W_PIVOT_HI,
    W_LOCK, /* the stack's lock (atomic) */
    W_HEAD, /* its oldest range (stolen first) and one past its newest, as counts */
    W_TAIL,
    W_CUTTING, /* thread 0's: threads cutting a range, whose parts may yet be taken (atomic) */
    W_STACK, /* RS_PIVOT_STACK ranges of 4 words: start, end, first gap, end of gaps */
};
_Static_assert(W_STACK + 4 * RS_PIVOT_STACK <= RS_PIVOT_STRIDE, "a thread's words fit its stride");
_Static_assert(RS_PIVOT_STACK > RS_PIVOT_CUT_LEVELS, "a range per level fits the stack");
/* Bytes of the shared scratch buffer between two threads' regions (alignment slack). */
#define RS_PIVOT_GAP ((size_t)128)

/* How the split compares keys: the kernel entries it calls. */
typedef enum { CMP_U32, CMP_I32, CMP_F32, CMP_I64, CMP_F64 } key_cmp;

/* What the row's keys are: the values, or built from them (encoded); 64-bit keys with their
 * top bit flipped (unsigned order -> signed order) while they are split and sorted. */
typedef struct key_kind {
    key_cmp cmp;
    int encoded;
    int flipped;
} key_kind;

#define TOP_BIT64 UINT64_C(0x8000000000000000)

/* Built keys, compared as unsigned: 32-bit ones as they are, 64-bit ones flipped. */
static key_kind encoded_kind(size_t width)
{
    const key_kind k = {width == 4 ? CMP_U32 : CMP_I64, 1, width == 8};
    return k;
}

static key_kind kind_of(const rs_job *job)
{
    const rs_dtype_info *info = job->ops[0].info;
    const rs_kernel_table *kern = job->kern;
    const size_t width = info->size;
    rs_key_xform x;
    if (rs_pivot_packed(job))
        return encoded_kind(8); /* (key << 32 | position), compared as unsigned */
    if (!rs_keys_xform(info, job->order, 0, &x))
        return encoded_kind(width);
    const int asc_signed = info->key_class == RS_KEY_SINT && x.flip == 0;
    const int asc_float = info->key_class == RS_KEY_FLOAT && job->order == RS_ORDER_ASC;
    if (!x.fold_negative && x.sign == 0 && x.flip == 0) { /* the keys are the values */
        const key_kind k = {width == 4 ? CMP_U32 : CMP_I64, 0, width == 8};
        return k;
    }
    if (width == 4 && asc_signed && kern->sort_i32 != NULL && kern->partition_i32 != NULL) {
        const key_kind k = {CMP_I32, 0, 0}; /* ascending int32: as signed, no transform */
        return k;
    }
    if (width == 8 && asc_signed) {
        const key_kind k = {CMP_I64, 0, 0}; /* ascending int64 */
        return k;
    }
    if (width == 4 && asc_float && kern->sort_f32_checked != NULL &&
        kern->partition_f32 != NULL && kern->f32_usable != NULL) {
        const key_kind k = {CMP_F32, 0, 0}; /* without NaN (checked per row): as numbers */
        return k;
    }
    if (width == 8 && asc_float && kern->sort_f64_checked != NULL &&
        kern->partition_f64 != NULL && kern->f64_usable != NULL) {
        const key_kind k = {CMP_F64, 0, 0};
        return k;
    }
    return encoded_kind(width);
}

int rs_pivot_dtype(const rs_dtype_info *info, const rs_kernel_table *kern)
{
    if (info->words != 1)
        return 0;
    if (info->key_bits == 32 && info->size == 4)
        return 1;
    /* 64-bit keys are split as int64: the tables with sort_i64 */
    return info->key_bits == 64 && info->size == 8 && kern->sort_i64 != NULL &&
           kern->partition_i64 != NULL;
}

int rs_pivot_packed(const rs_job *job)
{
    const size_t kb = rs_split_key_bytes(job);
    return !job->values_only && job->n > 0 && rs_split_supported(job) &&
           !rs_row_topk_applies(job) && job->out_n == job->n && (kb == 2 || kb == 4) &&
           (uint64_t)(job->n - 1) <= UINT32_MAX && job->kern->sort_i64 != NULL &&
           job->kern->partition_i64 != NULL;
}

int rs_pivot_supported(const rs_job *job)
{
    if (rs_pivot_packed(job))
        return 1;
    return job->values_only && rs_pivot_dtype(job->ops[0].info, job->kern) &&
           rs_split_supported(job) && rs_row_values_in_place(job);
}

/* Bytes of each key the split moves: the values' (or keys built from them), or 8 packed. */
static size_t key_width(const rs_job *job)
{
    return rs_pivot_packed(job) ? 8 : job->ops[0].info->size;
}

size_t rs_pivot_scratch_bytes(void)
{
    return rs_round64(RS_PIVOT_SAMPLE_MAX * 8) +
           rs_round64(RS_KERNEL_SCRATCH_BYTES(RS_PIVOT_SAMPLE_MAX));
}

size_t rs_pivot_shared_bytes(const rs_job *job, unsigned threads)
{
    int overflow = 0;
    const size_t keys = rs_mul_size(job->n, key_width(job), &overflow);
    const size_t gaps =
        rs_mul_size(((size_t)threads << RS_PIVOT_CUT_LEVELS) + 1, RS_PIVOT_GAP, &overflow);
    if (overflow || keys > SIZE_MAX - gaps)
        return SIZE_MAX;
    return keys + gaps;
}

size_t rs_pivot_words(unsigned threads)
{
    return (size_t)threads * RS_PIVOT_STRIDE + threads + 1;
}

/* What one thread knows about the row at hand. */
typedef struct pivot_row {
    const rs_job *job;
    key_kind kind;
    size_t width; /* bytes per key: 4 or 8 */
    unsigned t, threads;
    size_t row;             /* the row at hand */
    size_t *words;          /* shared: RS_PIVOT_STRIDE per thread, then cut[threads + 1] */
    unsigned char *keys;    /* the row's keys: the output row, or the packed keys' buffer */
    int packed;             /* rs_pivot_packed */
    int decode_key;         /* packed: the key's output decoded from the sorted keys */
    size_t first_gathered;  /* packed: the operands gathered by position (from this one on) */
    int gather_late;        /* packed, with one of those sorted in place: gathered at the end */
    unsigned char *perm;    /* packed: the row's positions in sorted order (perm_bytes each) */
    int perm_is_output;     /* perm is the row's index output (argsort only): nothing to gather */
    unsigned char *sort_ws; /* the shared scratch buffer of the segments' sorts */
    unsigned char *sample;  /* RS_PIVOT_SAMPLE_MAX keys */
    unsigned char *sample_ws;
} pivot_row;

/* Key i of the keys at base, widened. */
static uint64_t key_at(const pivot_row *r, const unsigned char *base, size_t i)
{
    if (r->width == 4) {
        uint32_t k;
        memcpy(&k, base + i * 4, 4);
        return k;
    }
    uint64_t k;
    memcpy(&k, base + i * 8, 8);
    return k;
}

static void key_put(const pivot_row *r, unsigned char *base, size_t i, uint64_t k)
{
    if (r->width == 4) {
        const uint32_t k32 = (uint32_t)k;
        memcpy(base + i * 4, &k32, 4);
    } else {
        memcpy(base + i * 8, &k, 8);
    }
}

/* 64-bit keys [from, to) of the row between unsigned and signed order (its own inverse). */
static void flip_keys(const pivot_row *r, size_t from, size_t to)
{
    uint64_t *k = (uint64_t *)(void *)r->keys;
    for (size_t i = from; i < to; i++)
        k[i] ^= TOP_BIT64;
}

static size_t *slot(const pivot_row *r, unsigned t, int w)
{
    return &r->words[(size_t)t * RS_PIVOT_STRIDE + (size_t)w];
}

/* Start of the segment of thread t (t == threads: the row's end). */
static size_t cut_at(const pivot_row *r, unsigned t)
{
    if (t == 0)
        return 0;
    if (t == r->threads)
        return r->job->n;
    return r->words[(size_t)r->threads * RS_PIVOT_STRIDE + t];
}

static void set_cut(const pivot_row *r, unsigned t, size_t at)
{
    r->words[(size_t)r->threads * RS_PIVOT_STRIDE + t] = at;
}

static void sort_keys(const pivot_row *r, void *keys, size_t n, void *scratch)
{
    const rs_kernel_table *k = r->job->kern;
    /* The float kinds: every thread checked its slice and its MXCSR (f32_usable,
     * f64_usable) before the split. */
    switch (r->kind.cmp) {
    case CMP_U32:
        k->sort_u32(keys, n, scratch);
        break;
    case CMP_I32:
        k->sort_i32(keys, n, scratch);
        break;
    case CMP_F32:
        /* Where the table sorts float32 faster with the transform in its quicksort's first
         * partition and leaves (Zen 4) than with float compares: the same order (-0.0
         * first), and no NaN here. */
        if (k->sort_rows_f32_asc != NULL && !k->f32_native(n) &&
            k->sort_rows_f32_asc(keys, 1, n, scratch))
            break;
        k->sort_f32_checked(keys, n, scratch);
        rs_row_canon_zeros_f32(keys, n);
        break;
    case CMP_I64:
        k->sort_i64(keys, n, scratch);
        break;
    case CMP_F64:
        k->sort_f64_checked(keys, n, scratch);
        rs_row_canon_zeros_f64(keys, n);
        break;
    }
}

static size_t partition_keys(const pivot_row *r, void *keys, size_t n, uint64_t bound)
{
    const rs_kernel_table *k = r->job->kern;
    switch (r->kind.cmp) {
    case CMP_U32:
        return k->partition_u32(keys, n, (uint32_t)bound);
    case CMP_I32:
        return k->partition_i32(keys, n, (uint32_t)bound);
    case CMP_F32:
        return k->partition_f32(keys, n, (uint32_t)bound);
    case CMP_I64:
        return k->partition_i64(keys, n, bound);
    case CMP_F64:
        return k->partition_f64(keys, n, bound);
    }
    return 0;
}

/* The largest key in this comparison's order (floats: +inf, no NaN here). */
static uint64_t top_key(key_cmp cmp)
{
    switch (cmp) {
    case CMP_U32:
        return UINT32_MAX;
    case CMP_I32:
        return (uint32_t)INT32_MAX;
    case CMP_F32:
        return Kf32_MAX;
    case CMP_I64:
        return (uint64_t)INT64_MAX;
    case CMP_F64:
        return Kf64_MAX;
    }
    return 0;
}

/* The key just above p in this comparison's order (p below top_key); the float kinds as
 * the kernels' quicksort steps past a run of equal keys (both zeros together). */
static uint64_t next_key(key_cmp cmp, uint64_t p)
{
    switch (cmp) {
    case CMP_F32:
        return vf32_succ((uint32_t)p);
    case CMP_F64:
        return vf64_succ(p);
    case CMP_I64:
        return p + 1u;
    default:
        return (uint32_t)(p + 1u); /* unsigned, or two's complement for signed */
    }
}

/* A group of threads [t0, t1) at one level and its segment [s, e). */
typedef struct group {
    unsigned t0, t1;
    size_t s, e;
} group;

static group group_of(const pivot_row *r, unsigned t0, unsigned t1)
{
    const group g = {t0, t1, cut_at(r, t0), cut_at(r, t1)};
    return g;
}

/* splitmix64's finalizer: the sample's pseudo-random places. */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* The slice of the group's segment that member u partitions. */
static void slice_of(const group *g, unsigned u, size_t *from, size_t *to)
{
    size_t a, b;
    rs_plan_part(g->e - g->s, g->t1 - g->t0, u - g->t0, &a, &b);
    *from = g->s + a;
    *to = g->s + b;
}

/* The bound that splits the keys [s, e) below: a key of a sample of at most `most` of them
 * at the rank of the fraction num / den, or the next key where the sample's keys equal to
 * it fall closer to that rank. */
static uint64_t pick_bound(const pivot_row *r, size_t s, size_t e, size_t num, size_t den,
                           size_t most)
{
    const size_t len = e - s;
    if (len == 0)
        return 0;
    size_t ns = len / 16 < 64 ? 64 : len / 16;
    if (ns > most)
        ns = most;
    if (ns > len)
        ns = len;
    for (size_t i = 0; i < ns; i++) {
        const size_t from = rs_plan_scale(len, i, ns),
                     width = rs_plan_scale(len, i + 1, ns) - from; /* >= 1 */
        const uint64_t place = mix(UINT64_C(0x9E3779B97F4A7C15) * (i + 1) ^ len);
        key_put(r, r->sample, i, key_at(r, r->keys, s + from + (size_t)(place % width)));
    }
    sort_keys(r, r->sample, ns, r->sample_ws);
    const size_t want = rs_plan_scale(ns, num, den); /* < ns */
    const uint64_t p = key_at(r, r->sample, want);
    size_t below = want, at_most = want;
    while (below > 0 && key_at(r, r->sample, below - 1) == p)
        below--;
    while (at_most < ns && key_at(r, r->sample, at_most) == p)
        at_most++;
    if (p != top_key(r->kind.cmp) && at_most - want < want - below)
        return next_key(r->kind.cmp, p);
    return p;
}

/* Keys at [from, to) on the given side that belong to the other: the upper keys that member
 * u's partition left below the cut, or its lower keys above it. */
static void misplaced(const pivot_row *r, const group *g, size_t cut, unsigned u, int upper_keys,
                      size_t *a, size_t *b)
{
    size_t from, to;
    slice_of(g, u, &from, &to);
    const size_t mid = from + *slot(r, u, W_LOWER);
    if (upper_keys) {
        *a = mid;
        *b = to < cut ? to : cut;
    } else {
        *a = from > cut ? from : cut;
        *b = mid;
    }
    if (*a > *b)
        *a = *b;
}

/* A position in the sequence of misplaced keys of one side, member by member. */
typedef struct cursor {
    unsigned u;
    size_t at, end; /* the current run */
} cursor;

static void cursor_seek(const pivot_row *r, const group *g, size_t cut, int upper_keys, size_t skip,
                        cursor *c)
{
    c->at = c->end = 0; /* past the last run: nothing left */
    for (c->u = g->t0; c->u < g->t1; c->u++) {
        misplaced(r, g, cut, c->u, upper_keys, &c->at, &c->end);
        if (skip < c->end - c->at) {
            c->at += skip;
            return;
        }
        skip -= c->end - c->at;
    }
}

static void cursor_advance(const pivot_row *r, const group *g, size_t cut, int upper_keys,
                           size_t by, cursor *c)
{
    c->at += by;
    while (c->at == c->end && c->u + 1 < g->t1) {
        c->u++;
        misplaced(r, g, cut, c->u, upper_keys, &c->at, &c->end);
    }
}

/* swap_run32, swap_run64: typed loops, which the compiler vectorizes. */
#define RS_SWAP_RUN(name, T)                                                                \
    static void name(T *restrict a, T *restrict b, size_t n)                                \
    {                                                                                       \
        for (size_t i = 0; i < n; i++) {                                                    \
            const T t = a[i];                                                               \
            a[i] = b[i];                                                                    \
            b[i] = t;                                                                       \
        }                                                                                   \
    }
RS_SWAP_RUN(swap_run32, uint32_t)
RS_SWAP_RUN(swap_run64, uint64_t)
#undef RS_SWAP_RUN

/* Swaps keys [x, x + n) with [y, y + n) of the row (the two runs do not overlap). */
static void swap_run(const pivot_row *r, size_t x, size_t y, size_t n)
{
    if (r->width == 4)
        swap_run32((uint32_t *)(void *)r->keys + x, (uint32_t *)(void *)r->keys + y, n);
    else
        swap_run64((uint64_t *)(void *)r->keys + x, (uint64_t *)(void *)r->keys + y, n);
}

/* Member t's share of the swaps that make the segment [lower keys | upper keys]. */
static void swap_share(const pivot_row *r, const group *g, size_t cut)
{
    size_t total = 0;
    for (unsigned u = g->t0; u < g->t1; u++) {
        size_t a, b;
        misplaced(r, g, cut, u, 1, &a, &b);
        total += b - a;
    }
    const unsigned size = g->t1 - g->t0, j = r->t - g->t0;
    const size_t first = rs_plan_scale(total, j, size);
    size_t left = rs_plan_scale(total, j + 1, size) - first;
    cursor x, y;
    cursor_seek(r, g, cut, 1, first, &x);
    cursor_seek(r, g, cut, 0, first, &y);
    while (left > 0) {
        size_t run = x.end - x.at;
        if (y.end - y.at < run)
            run = y.end - y.at;
        if (left < run)
            run = left;
        swap_run(r, x.at, y.at, run);
        left -= run;
        cursor_advance(r, g, cut, 1, run, &x);
        cursor_advance(r, g, cut, 0, run, &y);
    }
}

/* One level: every group of two or more threads splits its segment. Every thread of the
 * team calls it (those alone in their group only meet the barriers). *t0, *t1: the
 * calling thread's group, narrowed to its half on return. */
static void split_level(const pivot_row *r, unsigned *t0, unsigned *t1)
{
    const group g = group_of(r, *t0, *t1);
    const int splits = *t1 - *t0 >= 2;
    if (splits && r->t == *t0)
    {
        /* at the rank of the lower threads' share */
        const uint64_t bound = pick_bound(r, g.s, g.e, (g.t1 - g.t0) / 2, g.t1 - g.t0,
                                          RS_PIVOT_SAMPLE_MAX);
        *slot(r, r->t, W_PIVOT_LO) = (size_t)(bound & 0xFFFFFFFFu);
        *slot(r, r->t, W_PIVOT_HI) = (size_t)(bound >> 32);
    }
#pragma omp barrier
    if (splits) {
        size_t from, to;
        slice_of(&g, r->t, &from, &to);
        const uint64_t bound =
            (uint64_t)*slot(r, *t0, W_PIVOT_LO) | (uint64_t)*slot(r, *t0, W_PIVOT_HI) << 32;
        *slot(r, r->t, W_LOWER) =
            partition_keys(r, r->keys + from * r->width, to - from, bound);
    }
#pragma omp barrier
    if (splits) {
        size_t lower = 0;
        for (unsigned u = g.t0; u < g.t1; u++)
            lower += *slot(r, u, W_LOWER);
        swap_share(r, &g, g.s + lower);
        const unsigned mid = *t0 + (*t1 - *t0) / 2;
        if (r->t == *t0)
            set_cut(r, mid, g.s + lower);
        if (r->t < mid)
            *t1 = mid;
        else
            *t0 = mid;
    }
#pragma omp barrier
}

/* A part of the row that is sorted or cut as one: keys [s, e), scratch gaps [g0, g1). It
 * lies on a stack as its 4 words. */
typedef struct range {
    size_t s, e, g0, g1;
} range;
_Static_assert(sizeof(range) == 4 * sizeof(size_t), "a range is 4 words");

/* A spinning thread's pause (x86: PAUSE, which lets the core's other hardware thread run). */
static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void stack_lock(const pivot_row *r, unsigned o)
{
    size_t *lock = slot(r, o, W_LOCK);
    for (;;) {
        size_t was;
#pragma omp atomic capture seq_cst
        {
            was = *lock;
            *lock = 1;
        }
        if (was == 0)
            return;
        cpu_relax();
    }
}

static void stack_unlock(const pivot_row *r, unsigned o)
{
    size_t *lock = slot(r, o, W_LOCK);
#pragma omp atomic write seq_cst
    *lock = 0;
}

static size_t *stack_entry(const pivot_row *r, unsigned o, size_t i)
{
    return slot(r, o, W_STACK + 4 * (int)(i % RS_PIVOT_STACK));
}

/* Pushes g onto the calling thread's stack; 0 where it is full. */
static int stack_push(const pivot_row *r, const range *g)
{
    stack_lock(r, r->t);
    const size_t head = *slot(r, r->t, W_HEAD), tail = *slot(r, r->t, W_TAIL);
    const int room = tail - head < RS_PIVOT_STACK;
    if (room) {
        memcpy(stack_entry(r, r->t, tail), g, sizeof *g);
        *slot(r, r->t, W_TAIL) = tail + 1;
    }
    stack_unlock(r, r->t);
    return room;
}

/* Takes a range from thread o's stack: its newest (o: the caller) or its oldest (a steal);
 * 0 where it is empty. */
static int stack_take(const pivot_row *r, unsigned o, range *g)
{
    stack_lock(r, o);
    size_t *head = slot(r, o, W_HEAD), *tail = slot(r, o, W_TAIL);
    const int some = *tail > *head;
    if (some)
        memcpy(g, stack_entry(r, o, o == r->t ? --*tail : (*head)++), sizeof *g);
    stack_unlock(r, o);
    return some;
}

/* The first of sorted packed keys [s, e) whose key is not below `key` (a key of at most 32
 * bits: key + 1 is a bound too). */
static size_t packed_lower_bound(const uint64_t *k, size_t s, size_t e, uint64_t key)
{
    while (s < e) {
        const size_t mid = s + (e - s) / 2;
        if (((k[mid] ^ TOP_BIT64) >> 32) < key)
            s = mid + 1;
        else
            e = mid;
    }
    return s;
}

/* The key's output [s, e) decoded from the sorted packed keys, a sample buffer at a time,
 * then the runs of keys that stand for several values gathered by position from the row
 * (not sorted in place: its values are all still there). */
static void decode_key_output(const pivot_row *r, size_t s, size_t e)
{
    const rs_job *job = r->job;
    const rs_operand_plan *op = &job->ops[0];
    const uint64_t *k = (const uint64_t *)(const void *)r->keys;
    unsigned char *dst = op->out + r->row * op->out_stride_bytes;
    for (size_t c = s; c < e; c += RS_PIVOT_SAMPLE_MAX) {
        const size_t m = e - c < RS_PIVOT_SAMPLE_MAX ? e - c : RS_PIVOT_SAMPLE_MAX;
        if (rs_split_key_bytes(job) == 4) {
            uint32_t *w = (uint32_t *)(void *)r->sample;
            for (size_t i = 0; i < m; i++)
                w[i] = (uint32_t)((k[c + i] ^ TOP_BIT64) >> 32);
        } else {
            uint16_t *w = (uint16_t *)(void *)r->sample;
            for (size_t i = 0; i < m; i++)
                w[i] = (uint16_t)((k[c + i] ^ TOP_BIT64) >> 32);
        }
        rs_row_decode_store(job, op, r->sample, m, dst + c * op->info->size);
    }
    /* keys that stand for several values (float zeros, NaNs): their runs gathered */
    uint64_t shared[2];
    const size_t runs = rs_row_shared_keys(job, op, shared);
    const unsigned char *src = op->in + r->row * op->in_stride_bytes;
    for (size_t i = 0; i < runs; i++) {
        const size_t a = packed_lower_bound(k, s, e, shared[i]);
        const size_t b = packed_lower_bound(k, a, e, shared[i] + 1);
        rs_row_gather(src, dst, op->info->size, r->perm, job->perm_bytes, a, b);
    }
}

/* Packed keys [s, e), sorted: their positions into perm, the key's output decoded, and the
 * other outputs gathered by position unless that waits for the end of the row. */
static void store_positions(const pivot_row *r, size_t s, size_t e)
{
    const uint64_t *k = (const uint64_t *)(const void *)r->keys;
    if (r->job->perm_bytes == 4) {
        uint32_t *p = (uint32_t *)(void *)r->perm;
        for (size_t i = s; i < e; i++)
            p[i] = (uint32_t)k[i];
    } else {
        uint64_t *p = (uint64_t *)(void *)r->perm;
        for (size_t i = s; i < e; i++)
            p[i] = (uint32_t)k[i];
    }
    if (r->decode_key)
        decode_key_output(r, s, e);
    if (!r->gather_late && !r->perm_is_output)
        rs_split_gather(r->job, r->row, r->perm, s, e, NULL, r->first_gathered);
}

/* The keys of g sorted where they are (then decoded into the output row where they were
 * built, or their positions stored where they were packed). */
static void sort_range(const pivot_row *r, const range *g)
{
    if (g->e > g->s) {
        unsigned char *ws = (unsigned char *)rs_round64(
            (uintptr_t)(r->sort_ws + g->s * r->width + g->g0 * RS_PIVOT_GAP));
        sort_keys(r, r->keys + g->s * r->width, g->e - g->s, ws);
        if (r->packed) {
            store_positions(r, g->s, g->e);
            return;
        }
        if (r->kind.flipped)
            flip_keys(r, g->s, g->e);
        if (r->kind.encoded)
            rs_split_store_values(r->job, r->row, r->keys, g->s, g->e);
    }
}

/* Whether g is cut again: longer than a piece, with scratch gaps for two halves. */
static int range_cuts(const range *g, size_t piece)
{
    return g->e - g->s > piece && g->g1 - g->g0 >= 2;
}

/* g cut depth first (the upper part of each cut onto the caller's stack), then its lowest
 * piece sorted. */
static void cut_and_sort(const pivot_row *r, range g, size_t piece)
{
    size_t *cutting = slot(r, 0, W_CUTTING);
    const int cuts = range_cuts(&g, piece);
    if (cuts) {
#pragma omp atomic update seq_cst
        (*cutting)++;
    }
    while (range_cuts(&g, piece)) {
        const uint64_t bound = pick_bound(r, g.s, g.e, 1, 2, RS_PIVOT_PIECE_SAMPLE);
        const size_t c = g.s + partition_keys(r, r->keys + g.s * r->width, g.e - g.s, bound);
        if (c == g.s || c == g.e)
            break; /* keys the sample could not split (a run of one key): sorted whole */
        const range upper = {c, g.e, g.g0 + (g.g1 - g.g0) / 2, g.g1};
        if (!stack_push(r, &upper))
            break;
        g.e = upper.s;
        g.g1 = upper.g0;
    }
    if (cuts) { /* after its pushes: see sort_segments */
#pragma omp atomic update seq_cst
        (*cutting)--;
    }
    sort_range(r, &g);
}

/* The calling thread sorts its segment, then the ranges of its stack, then ranges taken
 * from the others' stacks while there are some, or while a thread is cutting a range (it
 * may push more). Taking is a matter of balance, never of correctness: every thread sorts
 * what its own stack holds. */
static void sort_segments(const pivot_row *r)
{
    size_t piece = r->job->n / ((size_t)r->threads * RS_PIVOT_PIECES_PER_THREAD);
    if (piece < RS_PIVOT_PIECE_MIN)
        piece = RS_PIVOT_PIECE_MIN;
    range g = {cut_at(r, r->t), cut_at(r, r->t + 1), (size_t)r->t << RS_PIVOT_CUT_LEVELS,
               (size_t)(r->t + 1) << RS_PIVOT_CUT_LEVELS};
    for (;;) {
        cut_and_sort(r, g, piece);
        if (stack_take(r, r->t, &g))
            continue;
        for (;;) {
            /* read before the stacks: a cut that has ended has pushed its ranges */
            size_t cutting;
#pragma omp atomic read seq_cst
            cutting = *slot(r, 0, W_CUTTING);
            unsigned k = 1;
            while (k < r->threads && !stack_take(r, (r->t + k) % r->threads, &g))
                k++;
            if (k < r->threads)
                break;
            if (cutting == 0)
                return;
            cpu_relax();
        }
    }
}

/* Thread t's slice [from, to) of the row as packed keys: (encoded key << 32 | position),
 * top bit flipped. The keys are encoded a sample buffer at a time. */
static void pack_slice(const pivot_row *r, const unsigned char *in, size_t from, size_t to)
{
    const rs_job *job = r->job;
    const rs_operand_plan *op = &job->ops[0];
    const size_t kb = rs_split_key_bytes(job);
    uint64_t *out = (uint64_t *)(void *)r->keys;
    for (size_t c = from; c < to; c += RS_PIVOT_SAMPLE_MAX) {
        const size_t m = to - c < RS_PIVOT_SAMPLE_MAX ? to - c : RS_PIVOT_SAMPLE_MAX;
        rs_row_encode(job, op, in + c * op->info->size, m, 1, r->sample);
        if (kb == 4) {
            const uint32_t *e = (const uint32_t *)(const void *)r->sample;
            for (size_t i = 0; i < m; i++)
                out[c + i] = ((uint64_t)e[i] << 32 | (uint64_t)(c + i)) ^ TOP_BIT64;
        } else {
            const uint16_t *e = (const uint16_t *)(const void *)r->sample;
            for (size_t i = 0; i < m; i++)
                out[c + i] = ((uint64_t)e[i] << 32 | (uint64_t)(c + i)) ^ TOP_BIT64;
        }
    }
}

/* Thread t's slice [from, to) of the row: its keys in the output row, as the row's kind
 * says; float rows with a NaN in any slice fall back to built keys (every thread learns it
 * at the barrier: the words' W_LOWER slots carry the verdicts). */
static void load_slice(pivot_row *r, const unsigned char *in, size_t from, size_t to)
{
    const rs_job *job = r->job;
    const rs_operand_plan *op = &job->ops[0];
    const size_t w = r->width;
    unsigned char *at = r->keys + from * w;
    if (r->kind.encoded)
        rs_row_encode(job, op, in + from * w, to - from, 0, at);
    else if (in != r->keys)
        memcpy(at, in + from * w, (to - from) * w);
    if (r->kind.cmp == CMP_F32 || r->kind.cmp == CMP_F64) {
        /* float compares only without NaN (and without DAZ): each thread checks its slice;
         * one NaN anywhere and every slice is encoded. */
        const rs_kernel_table *k = job->kern;
        *slot(r, r->t, W_LOWER) = (size_t)(r->kind.cmp == CMP_F32
                                               ? k->f32_usable((const uint32_t *)(void *)at, to - from)
                                               : k->f64_usable((const uint64_t *)(void *)at, to - from));
#pragma omp barrier
        int usable = 1;
        for (unsigned u = 0; u < r->threads; u++)
            usable &= *slot(r, u, W_LOWER) != 0;
        if (!usable) {
            r->kind = encoded_kind(w);
            rs_row_encode(job, op, at, to - from, 0, at);
        }
    }
    if (r->kind.flipped)
        flip_keys(r, from, to);
}

void rs_sched_pivot_body(const rs_job *job, unsigned t, unsigned threads,
                         const rs_split_shared *shared, void *scratch)
{
    const rs_operand_plan *op = &job->ops[0];
    const key_kind kind = kind_of(job);
    pivot_row r;
    memset(&r, 0, sizeof r);
    r.job = job;
    r.t = t;
    r.threads = threads;
    r.words = shared->words;
    r.sort_ws = shared->buf[RS_SPLIT_KEYS1];
    r.sample = scratch;
    r.sample_ws = (unsigned char *)scratch + rs_round64(RS_PIVOT_SAMPLE_MAX * 8);
    r.packed = rs_pivot_packed(job);
    /* Where equal keys are identical values (integers, totalOrder), the sorted keys decode
     * to the key's output: no gather from the row (random reads), and nothing that reads
     * the key operand after the packing, so even in place it is written piece by piece.
     * Floats too where not in place: their zeros' and NaNs' runs are gathered from the row. */
    r.decode_key = r.packed && op->out != NULL &&
                   (rs_keys_equal_is_identical(op->info, job->order) ||
                    (op->info->key_class == RS_KEY_FLOAT && !rs_split_in_place(op)));
    r.first_gathered = r.decode_key ? 1 : 0;
    for (size_t o = r.first_gathered; r.packed && o < job->num_operands; o++)
        if (job->ops[o].out != NULL && rs_split_in_place(&job->ops[o]))
            r.gather_late = 1;
    r.width = key_width(job);
    for (size_t row = 0; row < job->rows; row++) {
        const unsigned char *in = op->in + row * op->in_stride_bytes;
        r.keys = r.packed ? shared->buf[RS_SPLIT_KEYS0] : op->out + row * op->out_stride_bytes;
        void *direct = r.packed ? rs_row_direct_indices(job, row) : NULL;
        r.perm = direct != NULL ? direct : shared->buf[RS_SPLIT_IDX0];
        r.perm_is_output = direct != NULL;
        r.kind = kind;
        r.row = row;
        size_t from, to;
        rs_plan_part(job->n, threads, t, &from, &to);
        if (r.packed)
            pack_slice(&r, in, from, to);
        else
            load_slice(&r, in, from, to);
        /* the stacks and the count of cutting threads: used after the barriers below */
        *slot(&r, t, W_LOCK) = *slot(&r, t, W_HEAD) = *slot(&r, t, W_TAIL) = 0;
        if (t == 0)
            *slot(&r, 0, W_CUTTING) = 0;
#pragma omp barrier
        unsigned t0 = 0, t1 = threads;
        for (unsigned width = 1; width < threads; width *= 2) /* ceil(log2 threads) levels */
            split_level(&r, &t0, &t1);
        sort_segments(&r);
        if (r.gather_late) {
            /* Every position stored: each thread gathers its slice (through the shared
             * buffer: the operands sorted in place are the ones gathered from). */
#pragma omp barrier
            rs_sched_split_write(job, row, r.perm, from, to, shared, r.first_gathered);
        }
        /* The next row resets the words others may still read. */
#pragma omp barrier
    }
}
