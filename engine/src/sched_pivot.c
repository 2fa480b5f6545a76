/*
 * sched_pivot.c - a values-only row of 32-bit keys sorted by the whole team without a
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
 * The segments are then sorted where they are, with the kernel's scratch carved out of one
 * shared buffer at each segment's offset (any imbalance fits). Keys are the values for
 * ascending int32 (signed kernels), uint32, and float32 rows without NaN (float compares;
 * each segment's zeros then put -0.0 first, as everywhere else); else the row's keys are
 * built in the output row first and decoded at the end, a slice per thread. Equal keys are
 * identical bits, so the output is the same bytes as the single-threaded sort's for every
 * thread count.
 */
#include "sched_pivot.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "row_split.h"
#include "sched_plan.h"

/* The largest sample a pivot is taken from: its rank error, about 0.4% of the segment,
 * is the imbalance between the threads' segments. One key is drawn at a pseudo-random
 * place of each of ns equal strides (the same places for the same segment: results never
 * depend on the pivot, only the balance does), so that periodic data (a constant column
 * of a flattened matrix) does not fool a fixed stride. */
#define RS_PIVOT_SAMPLE_MAX ((size_t)16384)
/* Words per thread in the shared array (a cache line: neighbours' counts do not share). */
#define RS_PIVOT_STRIDE 8
enum { W_LOWER, W_PIVOT };
/* Bytes of the shared scratch buffer between two threads' regions (alignment slack). */
#define RS_PIVOT_GAP ((size_t)128)

typedef enum { KEYS_U32, KEYS_I32, KEYS_F32, KEYS_ENCODED } key_kind;

static key_kind kind_of(const rs_job *job)
{
    const rs_dtype_info *info = job->ops[0].info;
    rs_key_xform x;
    if (!rs_keys_xform(info, job->order, 0, &x))
        return KEYS_ENCODED;
    if (!x.fold_negative && x.sign == 0 && x.flip == 0)
        return KEYS_U32; /* the keys are the values */
    if (info->key_class == RS_KEY_SINT && x.flip == 0 && job->kern->sort_i32 != NULL &&
        job->kern->partition_i32 != NULL)
        return KEYS_I32; /* ascending int32: compared as signed, no transform */
    if (info->key_class == RS_KEY_FLOAT && job->order == RS_ORDER_ASC &&
        job->kern->sort_f32_checked != NULL && job->kern->partition_f32 != NULL &&
        job->kern->f32_usable != NULL)
        return KEYS_F32; /* ascending float32 without NaN (checked per row): as numbers */
    return KEYS_ENCODED;
}

int rs_pivot_dtype(const rs_dtype_info *info)
{
    return info->words == 1 && info->key_bits == 32 && info->size == 4;
}

int rs_pivot_supported(const rs_job *job)
{
    return job->values_only && rs_pivot_dtype(job->ops[0].info) && rs_split_supported(job) &&
           rs_row_values_in_place(job);
}

size_t rs_pivot_scratch_bytes(void)
{
    return rs_round64(RS_PIVOT_SAMPLE_MAX * 4) +
           rs_round64(RS_KERNEL_SCRATCH_BYTES(RS_PIVOT_SAMPLE_MAX));
}

size_t rs_pivot_shared_bytes(const rs_job *job, unsigned threads)
{
    int overflow = 0;
    const size_t keys = rs_mul_size(job->n, 4, &overflow);
    const size_t gaps = rs_mul_size((size_t)threads + 1, RS_PIVOT_GAP, &overflow);
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
    unsigned t, threads;
    size_t *words;          /* shared: RS_PIVOT_STRIDE per thread, then cut[threads + 1] */
    uint32_t *keys;         /* the row's keys: the output row */
    unsigned char *sort_ws; /* the shared scratch buffer of the segments' sorts */
    uint32_t *sample;       /* RS_PIVOT_SAMPLE_MAX keys */
    unsigned char *sample_ws;
} pivot_row;

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

static void sort_keys(const pivot_row *r, uint32_t *keys, size_t n, void *scratch)
{
    const rs_kernel_table *k = r->job->kern;
    if (r->kind == KEYS_I32) {
        k->sort_i32(keys, n, scratch);
    } else if (r->kind == KEYS_F32) {
        /* Every thread checked its slice and its MXCSR (f32_usable) before the split. */
        k->sort_f32_checked(keys, n, scratch);
        rs_row_canon_zeros_f32(keys, n);
    } else {
        k->sort_u32(keys, n, scratch);
    }
}

/* The key just above p in this kind's order (p below the largest key). */
static uint32_t next_key(key_kind kind, uint32_t p)
{
    if (kind != KEYS_F32)
        return p + 1u; /* unsigned, or two's complement for signed */
    if ((p & 0x7FFFFFFFu) == 0)
        return 1u; /* past both zeros: the smallest denormal */
    return p & 0x80000000u ? p - 1u : p + 1u;
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

/* The bound the group splits below: a sample key at the rank of the lower half's share,
 * or the next key where the sample's keys equal to it fall closer to that rank. */
static uint32_t pick_bound(const pivot_row *r, const group *g)
{
    const size_t len = g->e - g->s;
    if (len == 0)
        return 0;
    size_t ns = len / 16 < 64 ? 64 : len / 16;
    if (ns > RS_PIVOT_SAMPLE_MAX)
        ns = RS_PIVOT_SAMPLE_MAX;
    if (ns > len)
        ns = len;
    for (size_t i = 0; i < ns; i++) {
        const size_t from = rs_plan_scale(len, i, ns),
                     width = rs_plan_scale(len, i + 1, ns) - from; /* >= 1 */
        const uint64_t place = mix(UINT64_C(0x9E3779B97F4A7C15) * (i + 1) ^ len);
        r->sample[i] = r->keys[g->s + from + (size_t)(place % width)];
    }
    sort_keys(r, r->sample, ns, r->sample_ws);
    const size_t want = rs_plan_scale(ns, (g->t1 - g->t0) / 2, g->t1 - g->t0); /* < ns */
    const uint32_t p = r->sample[want];
    size_t below = want, at_most = want;
    while (below > 0 && r->sample[below - 1] == p)
        below--;
    while (at_most < ns && r->sample[at_most] == p)
        at_most++;
    const uint32_t top = r->kind == KEYS_I32   ? (uint32_t)INT32_MAX
                         : r->kind == KEYS_F32 ? 0x7F800000u /* +inf */
                                               : UINT32_MAX;
    if (p != top && at_most - want < want - below)
        return next_key(r->kind, p);
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

static void swap_run(uint32_t *restrict a, uint32_t *restrict b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const uint32_t t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
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
        swap_run(r->keys + x.at, r->keys + y.at, run);
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
        *slot(r, r->t, W_PIVOT) = pick_bound(r, &g);
#pragma omp barrier
    if (splits) {
        size_t from, to;
        slice_of(&g, r->t, &from, &to);
        const uint32_t bound = (uint32_t)*slot(r, *t0, W_PIVOT);
        const rs_kernel_table *k = r->job->kern;
        size_t (*partition)(uint32_t *, size_t, uint32_t) = r->kind == KEYS_I32 ? k->partition_i32
                                                            : r->kind == KEYS_F32
                                                                ? k->partition_f32
                                                                : k->partition_u32;
        *slot(r, r->t, W_LOWER) = partition(r->keys + from, to - from, bound);
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
    r.sample_ws = (unsigned char *)scratch + rs_round64(RS_PIVOT_SAMPLE_MAX * 4);
    for (size_t row = 0; row < job->rows; row++) {
        const unsigned char *in = op->in + row * op->in_stride_bytes;
        r.keys = (uint32_t *)(op->out + row * op->out_stride_bytes);
        size_t from, to;
        rs_plan_part(job->n, threads, t, &from, &to);
        r.kind = kind;
        if (r.kind == KEYS_ENCODED)
            rs_row_encode(job, op, in + from * 4, to - from, 0, r.keys + from);
        else if (in != (unsigned char *)r.keys)
            memcpy(r.keys + from, in + from * 4, (to - from) * 4);
        if (r.kind == KEYS_F32) {
            /* float32 compares only without NaN (and without DAZ): each thread checks its
             * slice; one NaN anywhere and every slice is encoded. */
            *slot(&r, t, W_LOWER) = (size_t)job->kern->f32_usable(r.keys + from, to - from);
#pragma omp barrier
            for (unsigned u = 0; u < threads; u++)
                if (*slot(&r, u, W_LOWER) == 0)
                    r.kind = KEYS_ENCODED;
            if (r.kind == KEYS_ENCODED)
                rs_row_encode(job, op, r.keys + from, to - from, 0, r.keys + from);
        }
#pragma omp barrier
        unsigned t0 = 0, t1 = threads;
        for (unsigned width = 1; width < threads; width *= 2) /* ceil(log2 threads) levels */
            split_level(&r, &t0, &t1);
        from = cut_at(&r, t);
        to = cut_at(&r, t + 1);
        unsigned char *ws = (unsigned char *)rs_round64(
            (uintptr_t)(r.sort_ws + from * 4 + (size_t)t * RS_PIVOT_GAP));
        sort_keys(&r, r.keys + from, to - from, ws);
        if (r.kind == KEYS_ENCODED)
            rs_split_store_values(job, row, r.keys, from, to);
    }
}
