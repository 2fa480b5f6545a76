/*
 * row_sort.c - one row at a time.
 *
 * Two paths:
 *  - values only (one unstable key, nothing else): injective keys, a kernel sort, decode;
 *    where the kernel table can, with no transform at all: float64 rows without NaNs (the
 *    default orders) sorted as numbers (sort_f64), float32 rows too where the table says
 *    that pays (f32_native, sort_f32), int32 and int64 as signed integers (sort_i32,
 *    sort_i64), unsigned integers ascending as they are.
 *  - permutation: an LSD pass per key word, from the last key's least significant word to
 *    the first key's most significant one; each pass sorts (canonical key, position) pairs,
 *    which is stable, and composes the permutation. Operands and indices are then gathered.
 *    The result is the stable order, which also satisfies every unstable request.
 */
#include "row_sort.h"

#include <string.h>

#include "alloc.h"
#include "row_refill.h"
#include "row_topk.h"

/* Rows encoded, sorted and decoded together in blocks of this many bytes (rs_row_sort_range). */
#define RS_ROW_BLOCK_BYTES ((size_t)8 * 1024)

/* Workspace layout: [perm | pass_idx | keys | kernel scratch | refill], refill (stable float
 * values: the zeros and NaNs of a block of rows, and their counts per row) only where the
 * job has stable_refill. */
typedef struct workspace {
    void *perm;
    void *pass_idx;
    void *keys;
    void *scratch;
    void *refill;
    rs_refill_counts *refill_counts;
} workspace;

/* Rows of row_bytes each in one block (at least one). */
static size_t block_rows_of(size_t row_bytes)
{
    return row_bytes >= RS_ROW_BLOCK_BYTES ? 1 : RS_ROW_BLOCK_BYTES / row_bytes;
}

/* The refill's saved values: a block of rows, or one row longer than a block. */
static size_t refill_saved_bytes(const rs_job *job)
{
    const size_t row_bytes = job->n * job->ops[0].info->size;
    return rs_round64(row_bytes > RS_ROW_BLOCK_BYTES ? row_bytes : RS_ROW_BLOCK_BYTES);
}

/* The refill part of the workspace: the saved values, then a count pair per row of a block. */
static size_t refill_bytes(const rs_job *job)
{
    if (!job->stable_refill || job->n == 0)
        return 0;
    const size_t row_bytes = job->n * job->ops[0].info->size;
    return refill_saved_bytes(job) +
           rs_round64(block_rows_of(row_bytes) * sizeof(rs_refill_counts));
}

int rs_row_values_in_place(const rs_job *job)
{
    rs_key_xform x;
    return rs_keys_xform(job->ops[0].info, job->order, 0, &x);
}

size_t rs_row_workspace_bytes(const rs_job *job)
{
    const size_t n = job->n;
    const size_t refill = refill_bytes(job);
    if (job->values_only && rs_row_values_in_place(job)) /* keys built in the output row */
        return rs_round64(RS_KERNEL_SCRATCH_BYTES(n)) + refill;
    return 2 * rs_round64(n * job->perm_bytes) + rs_round64(n * 8) +
           rs_round64(RS_KERNEL_SCRATCH_BYTES(n)) + refill;
}

/* The refill part of a workspace whose kernel scratch starts at `scratch`. */
static void carve_refill(const rs_job *job, workspace *w)
{
    w->refill = NULL;
    w->refill_counts = NULL;
    if (!job->stable_refill || job->n == 0)
        return;
    w->refill = (unsigned char *)w->scratch + rs_round64(RS_KERNEL_SCRATCH_BYTES(job->n));
    w->refill_counts = (rs_refill_counts *)((unsigned char *)w->refill + refill_saved_bytes(job));
}

static workspace carve(const rs_job *job, void *ws)
{
    const size_t n = job->n;
    unsigned char *p = ws;
    workspace w;
    if (job->values_only && rs_row_values_in_place(job)) {
        w.perm = w.pass_idx = w.keys = NULL;
        w.scratch = ws;
        carve_refill(job, &w);
        return w;
    }
    w.perm = p;
    p += rs_round64(n * job->perm_bytes);
    w.pass_idx = p;
    p += rs_round64(n * job->perm_bytes);
    w.keys = p;
    p += rs_round64(n * 8);
    w.scratch = p;
    carve_refill(job, &w);
    return w;
}

void rs_row_kern_sort(const rs_kernel_table *k, unsigned key_bits, void *keys, size_t n,
                      void *scratch)
{
    switch (key_bits) {
    case 16:
        k->sort_u16(keys, n, scratch);
        break;
    case 32:
        k->sort_u32(keys, n, scratch);
        break;
    default:
        k->sort_u64(keys, n, scratch);
        break;
    }
}

void rs_row_kern_sort_pairs(const rs_kernel_table *k, unsigned key_bits, unsigned idx_bytes,
                            void *keys, void *idx, size_t n, void *scratch)
{
    if (idx_bytes == 4) {
        switch (key_bits) {
        case 16:
            k->sort_u16_i32(keys, idx, n, scratch);
            break;
        case 32:
            k->sort_u32_i32(keys, idx, n, scratch);
            break;
        default:
            k->sort_u64_i32(keys, idx, n, scratch);
            break;
        }
        return;
    }
    switch (key_bits) {
    case 16:
        k->sort_u16_i64(keys, idx, n, scratch);
        break;
    case 32:
        k->sort_u32_i64(keys, idx, n, scratch);
        break;
    default:
        k->sort_u64_i64(keys, idx, n, scratch);
        break;
    }
}

static void fill_identity(void *perm, unsigned perm_bytes, size_t n)
{
    if (perm_bytes == 4) {
        uint32_t *p = perm;
        for (size_t i = 0; i < n; i++)
            p[i] = (uint32_t)i;
    } else {
        uint64_t *p = perm;
        for (size_t i = 0; i < n; i++)
            p[i] = i;
    }
}

void rs_row_kern_argsort(const rs_kernel_table *k, unsigned key_bits, unsigned idx_bytes,
                         void *keys, void *pos, size_t n, void *scratch)
{
    if (key_bits == 64) {
        fill_identity(pos, idx_bytes, n);
        rs_row_kern_sort_pairs(k, key_bits, idx_bytes, keys, pos, n, scratch);
    } else if (idx_bytes == 4) {
        if (key_bits == 16)
            k->argsort_u16_i32(keys, pos, n, scratch);
        else
            k->argsort_u32_i32(keys, pos, n, scratch);
    } else {
        if (key_bits == 16)
            k->argsort_u16_i64(keys, pos, n, scratch);
        else
            k->argsort_u32_i64(keys, pos, n, scratch);
    }
}

/* Unsigned integers in ascending order are their own keys: no pass over the row at all
 * (a copy where the keys go elsewhere). 16x1048576 uint64, one thread, Intel Xeon: the two
 * passes (encode and decode: 8 MiB rows, beyond the L2 cache) were 6.5% of the time. */
static int xform_is_identity(const rs_key_xform *x)
{
    return !x->fold_negative && x->sign == 0 && x->flip == 0;
}

static int copy_if_identity(unsigned key_bits, const void *src, void *dst, size_t n,
                            const rs_key_xform *x)
{
    if (!xform_is_identity(x))
        return 0;
    if (src != dst)
        memcpy(dst, src, n * (key_bits / 8));
    return 1;
}

/* The recipe entries of the job's table, or the scalar table's where it has none. */
static void encode_keys(const rs_kernel_table *k, unsigned key_bits, const void *src, void *dst,
                        size_t n, const rs_key_xform *x)
{
    if (copy_if_identity(key_bits, src, dst, n, x))
        return;
    switch (key_bits) {
    case 16:
        (k->encode_u16 ? k->encode_u16 : rs_kernels_scalar.encode_u16)(src, dst, n, x);
        break;
    case 32:
        (k->encode_u32 ? k->encode_u32 : rs_kernels_scalar.encode_u32)(src, dst, n, x);
        break;
    default:
        (k->encode_u64 ? k->encode_u64 : rs_kernels_scalar.encode_u64)(src, dst, n, x);
        break;
    }
}

static void decode_keys(const rs_kernel_table *k, unsigned key_bits, const void *src, void *dst,
                        size_t n, const rs_key_xform *x)
{
    if (copy_if_identity(key_bits, src, dst, n, x))
        return;
    switch (key_bits) {
    case 16:
        (k->decode_u16 ? k->decode_u16 : rs_kernels_scalar.decode_u16)(src, dst, n, x);
        break;
    case 32:
        (k->decode_u32 ? k->decode_u32 : rs_kernels_scalar.decode_u32)(src, dst, n, x);
        break;
    default:
        (k->decode_u64 ? k->decode_u64 : rs_kernels_scalar.decode_u64)(src, dst, n, x);
        break;
    }
}


static inline size_t perm_get(const void *perm, unsigned perm_bytes, size_t i)
{
    return perm_bytes == 4 ? ((const uint32_t *)perm)[i] : (size_t)((const uint64_t *)perm)[i];
}

void rs_row_compose(const void *perm, void *pass_idx, unsigned perm_bytes, size_t n)
{
    if (perm_bytes == 4) {
        const uint32_t *p = perm;
        uint32_t *q = pass_idx;
        for (size_t i = 0; i < n; i++)
            q[i] = p[q[i]];
    } else {
        const uint64_t *p = perm;
        uint64_t *q = pass_idx;
        for (size_t i = 0; i < n; i++)
            q[i] = p[q[i]];
    }
}

/* Computes the stable permutation of the row into w->perm. */
static void compute_permutation(const rs_job *job, size_t row, workspace *w)
{
    const size_t n = job->n;
    int have_perm = 0;
    for (size_t kk = job->num_keys; kk-- > 0;) {
        const rs_operand_plan *op = &job->ops[kk];
        const unsigned char *src = op->in + row * op->in_stride_bytes;
        for (unsigned word = op->info->words; word-- > 0;) {
            /* Complex: word 0 is the real part, compared first: the last pass. */
            if (!have_perm && op->info->words == 1) {
                rs_row_encode(job, op, src, n, 1, w->keys);
            } else {
                rs_keys_extract(op->info, src, word, have_perm ? w->perm : NULL, job->perm_bytes, n,
                                w->keys);
                rs_keys_encode(op->info, job->order, 1, w->keys, n);
            }
            if (have_perm) {
                fill_identity(w->pass_idx, job->perm_bytes, n);
                rs_row_kern_sort_pairs(job->kern, op->info->key_bits, job->perm_bytes, w->keys,
                                       w->pass_idx, n, w->scratch);
            } else {
                rs_row_kern_argsort(job->kern, op->info->key_bits, job->perm_bytes, w->keys,
                                    w->pass_idx, n, w->scratch);
            }
            if (have_perm)
                rs_row_compose(w->perm, w->pass_idx, job->perm_bytes, n);
            void *t = w->perm;
            w->perm = w->pass_idx;
            w->pass_idx = t;
            have_perm = 1;
        }
    }
}

/* The first of sorted keys[0, n) not below k. */
static size_t key_lower_bound(const void *keys, unsigned key_bits, size_t n, uint64_t k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (rs_row_key_get(keys, key_bits, mid) < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t rs_row_shared_keys(const rs_job *job, const rs_operand_plan *op, uint64_t keys[2])
{
    const rs_dtype_info *info = op->info;
    if (info->words != 1 || rs_keys_equal_is_identical(info, job->order))
        return 0;
    /* +0.0 and a quiet NaN, as the element's bytes (little-endian) */
    const size_t size = info->size, bits = 8 * size;
    const uint64_t mant_mask = ((uint64_t)1 << info->mant_bits) - 1;
    const uint64_t exp_mask = (((uint64_t)1 << (bits - 1)) - 1) ^ mant_mask;
    const uint64_t qnan = exp_mask | (uint64_t)1 << (info->mant_bits - 1);
    unsigned char values[2 * 8] = {0};
    for (size_t b = 0; b < size; b++)
        values[size + b] = (unsigned char)(qnan >> (8 * b));
    unsigned char built[2 * 8];
    rs_row_encode(job, op, values, 2, 1, built);
    for (size_t i = 0; i < 2; i++)
        keys[i] = rs_row_key_get(built, info->key_bits, i);
    return 2;
}

/* Whether the job's one key is sorted with its positions and its output decoded from the
 * sorted keys rather than gathered by position: where equal keys are identical values
 * (integers, totalOrder), and floats in rows of more than 65536, whose keys decode to their
 * values but for the runs of keys that stand for several (zeros, NaNs: gathered). One
 * thread, both ways round: 1.03-1.77x for int32 rows of 16..16M keys, int64 1.03-1.26x.
 * Not 16-bit keys in rows of up to 65536, whose pairs entry packs them with 16-bit
 * positions and copies the positions (0.79-0.91x); longer ones 1.08-1.14x. Floats
 * 1.15-1.33x in rows of 262144..4M; in rows of 64, finding the two runs (their keys built,
 * two binary searches) cost more than the gather saved: 0.68x. */
static int decodes_key(const rs_job *job)
{
    const rs_operand_plan *op = &job->ops[0];
    if (job->num_keys != 1 || op->info->words != 1 || op->out == NULL || job->out_n != job->n)
        return 0;
    if (rs_keys_equal_is_identical(op->info, job->order))
        return op->info->key_bits > 16 || job->n > 65536;
    return op->info->key_class == RS_KEY_FLOAT && job->n > 65536;
}

/* The row's key sorted with its positions (w->keys and w->perm), its output decoded from
 * the sorted keys; the runs of keys that stand for several values gathered by position
 * (into the scratch first: the row may be its own output). */
static void sort_key_with_positions(const rs_job *job, size_t row, workspace *w)
{
    const rs_operand_plan *op = &job->ops[0];
    const size_t n = job->n, size = op->info->size;
    const unsigned key_bits = op->info->key_bits;
    const unsigned char *src = op->in + row * op->in_stride_bytes;
    unsigned char *dst = op->out + row * op->out_stride_bytes;
    rs_row_encode(job, op, src, n, 1, w->keys);
    fill_identity(w->perm, job->perm_bytes, n);
    rs_row_kern_sort_pairs(job->kern, key_bits, job->perm_bytes, w->keys, w->perm, n,
                           w->scratch);
    uint64_t shared[2];
    size_t lo[2], hi[2];
    const size_t runs = rs_row_shared_keys(job, op, shared);
    unsigned char *saved = w->scratch; /* holds a row of any operand (the in-place gathers) */
    const uint64_t top = key_bits == 64 ? UINT64_MAX : ((uint64_t)1 << key_bits) - 1;
    for (size_t i = 0; i < runs; i++) {
        lo[i] = key_lower_bound(w->keys, key_bits, n, shared[i]);
        hi[i] = shared[i] == top ? n : key_lower_bound(w->keys, key_bits, n, shared[i] + 1);
        rs_row_gather(src, saved, size, w->perm, job->perm_bytes, lo[i], hi[i]);
    }
    rs_row_decode_store(job, op, w->keys, n, dst);
    for (size_t i = 0; i < runs; i++)
        memcpy(dst + lo[i] * size, saved + lo[i] * size, (hi[i] - lo[i]) * size);
}

void rs_row_gather(const unsigned char *in, unsigned char *out, size_t size, const void *perm,
                   unsigned perm_bytes, size_t begin, size_t end)
{
    switch (size) {
    case 1:
        for (size_t j = begin; j < end; j++)
            out[j] = in[perm_get(perm, perm_bytes, j)];
        break;
    case 2:
        for (size_t j = begin; j < end; j++)
            memcpy(out + 2 * j, in + 2 * perm_get(perm, perm_bytes, j), 2);
        break;
    case 4:
        for (size_t j = begin; j < end; j++)
            memcpy(out + 4 * j, in + 4 * perm_get(perm, perm_bytes, j), 4);
        break;
    case 8:
        for (size_t j = begin; j < end; j++)
            memcpy(out + 8 * j, in + 8 * perm_get(perm, perm_bytes, j), 8);
        break;
    default:
        for (size_t j = begin; j < end; j++)
            memcpy(out + size * j, in + size * perm_get(perm, perm_bytes, j), size);
        break;
    }
}

void rs_row_write_indices(const rs_job *job, size_t row, const void *perm, size_t begin, size_t end)
{
    unsigned char *dst = job->idx_out + row * job->idx_stride_bytes;
    /* Read once: the byte stores below may alias *job as far as the compiler knows. */
    const unsigned perm_bytes = job->perm_bytes, out_bytes = job->idx_out_bytes;
    if (begin >= end)
        return;
    if (perm_bytes == out_bytes) { /* positions fit the index type: the same bytes */
        memcpy(dst + out_bytes * begin, (const unsigned char *)perm + perm_bytes * begin,
               (end - begin) * out_bytes);
        return;
    }
    if (out_bytes == 4) { /* perm_bytes 8: n < 2^31 was checked for int32 indices */
        for (size_t j = begin; j < end; j++) {
            const int32_t x = (int32_t)((const uint64_t *)perm)[j];
            memcpy(dst + 4 * j, &x, 4);
        }
        return;
    }
    for (size_t j = begin; j < end; j++) {
        const int64_t x = (int64_t)((const uint32_t *)perm)[j];
        memcpy(dst + 8 * j, &x, 8);
    }
}

/* Values-only jobs whose keys the kernel table sorts as they are, with no transform:
 * float64 as numbers (in an order that treats -0.0 and +0.0 as equal, not totalOrder; rows
 * holding a NaN are refused by the entries and take the key transform), float32 likewise
 * for the row lengths where the table's f32_native says so, int32 and int64 as signed
 * integers. Descending orders are the ascending one reversed (no NaNs; equal keys
 * are equal bits). */
typedef enum native_kind {
    NATIVE_NONE,
    NATIVE_F64,
    NATIVE_F32,
    NATIVE_I32,
    NATIVE_I64
} native_kind;

/* The orders that are the numbers' order (or its reverse) for rows without NaNs. */
static int numeric_order(rs_order order)
{
    return order == RS_ORDER_ASC || order == RS_ORDER_DESC || order == RS_ORDER_DESC_NANS_LAST;
}

static native_kind native_kind_of(const rs_job *job)
{
    const rs_dtype_info *info = job->ops[0].info;
    const rs_kernel_table *k = job->kern;
    if (info->words != 1)
        return NATIVE_NONE;
    if (info->key_class == RS_KEY_FLOAT && info->size == 8 && numeric_order(job->order) &&
        k->sort_f64 != NULL && k->sort_rows_f64 != NULL)
        return NATIVE_F64;
    if (info->key_class == RS_KEY_FLOAT && info->size == 4 && info->key_bits == 32 &&
        numeric_order(job->order) && k->sort_f32 != NULL && k->sort_rows_f32 != NULL &&
        k->f32_native(job->n))
        return NATIVE_F32;
    if (info->key_class == RS_KEY_SINT && info->size == 4 && info->key_bits == 32 &&
        k->sort_i32 != NULL && k->sort_rows_i32 != NULL)
        return NATIVE_I32;
    if (info->key_class == RS_KEY_SINT && info->size == 8 && info->key_bits == 64 &&
        k->sort_i64 != NULL && k->sort_rows_i64 != NULL)
        return NATIVE_I64;
    return NATIVE_NONE;
}

static int native_descending(const rs_job *job)
{
    rs_key_xform x;
    if (job->ops[0].info->key_class == RS_KEY_FLOAT)
        return job->order != RS_ORDER_ASC;
    return rs_keys_xform(job->ops[0].info, job->order, 0, &x) && x.flip != 0;
}

static void reverse_row(void *keys, size_t size, size_t n)
{
    if (size == 4) {
        uint32_t *k = keys;
        for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
            const uint32_t t = k[i];
            k[i] = k[j - 1];
            k[j - 1] = t;
        }
        return;
    }
    uint64_t *k = keys;
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        const uint64_t t = k[i];
        k[i] = k[j - 1];
        k[j - 1] = t;
    }
}

/* Long rows may be split across threads (sched_pivot.c, sched_split.c: rows of 2 x 65536
 * elements and more), where keys are sorted encoded, -0.0 before +0.0. The native float
 * sorts compare the two as equal and leave them in any order, so in rows this long their
 * run of zeros is put in that order too: the same bytes on any number of threads (shorter
 * rows too where they hold a -0.0, any_negative_zero below). A binary search finds the run
 * (no NaN here: the native entries refuse them), which is rewritten. */
#define RS_CANON_ZEROS_MIN ((size_t)65536)
#define RS_CANON_ZEROS(T, F, NEG_ZERO)                 \
    static void canon_zeros_##T(T *k, size_t n)        \
    {                                                  \
        size_t lo = 0, hi = n; /* first key >= 0 */    \
        while (lo < hi) {                              \
            const size_t mid = lo + (hi - lo) / 2;     \
            F x;                                       \
            memcpy(&x, &k[mid], sizeof x);             \
            if (x < 0)                                 \
                lo = mid + 1;                          \
            else                                       \
                hi = mid;                              \
        }                                              \
        size_t end = lo, negative = 0;                 \
        for (; end < n; end++) {                       \
            F x;                                       \
            memcpy(&x, &k[end], sizeof x);             \
            if (x != 0)                                \
                break;                                 \
            negative += k[end] == (NEG_ZERO);          \
        }                                              \
        for (size_t i = lo; i < end; i++)              \
            k[i] = i - lo < negative ? (NEG_ZERO) : 0; \
    }
RS_CANON_ZEROS(uint32_t, float, UINT32_C(0x80000000))
RS_CANON_ZEROS(uint64_t, double, UINT64_C(0x8000000000000000))
#undef RS_CANON_ZEROS

void rs_row_canon_zeros_f32(uint32_t *keys, size_t n)
{
    canon_zeros_uint32_t(keys, n);
}

void rs_row_canon_zeros_f64(uint64_t *keys, size_t n)
{
    canon_zeros_uint64_t(keys, n);
}

/* Whether count float keys of `kind` hold a -0.0: one vectorized pass. Shorter rows' zeros
 * are put in order too (below) where there is one: which network sorts a row (whole blocks
 * of 8 or 16 rows, the rows left over, Zen 4's packed 64-bit keys or the rows they leave)
 * depends on where the row falls in its thread's share of the batch, and each may leave
 * -0.0 and +0.0 in another order; the bytes must not depend on the number of threads.
 * Without a -0.0 the zeros are +0.0 alone, in order already. Skipped where the entry
 * returned RS_SORTED_ZEROS (kernels.h): this pass after the sort measured 10-20% of the
 * sort of short float64 rows (Zen 4, one thread). */
static int any_negative_zero(const rs_kernel_table *k, native_kind kind, const void *keys,
                             size_t count)
{
    if (kind == NATIVE_F32)
        return (k->has_u32 ? k->has_u32 : rs_kernels_scalar.has_u32)(keys, count,
                                                                     UINT64_C(0x80000000));
    return (k->has_u64 ? k->has_u64 : rs_kernels_scalar.has_u64)(keys, count,
                                                                 UINT64_C(0x8000000000000000));
}

/* The native entries of `kind` on `rows` contiguous rows of n keys, in place: 1 sorted, 0
 * refused. */
static int native_in_place(const rs_kernel_table *k, native_kind kind, void *keys, size_t rows,
                           size_t n, void *scratch)
{
    switch (kind) {
    case NATIVE_F64:
        return rows == 1 ? k->sort_f64(keys, n, scratch) : k->sort_rows_f64(keys, rows, n, scratch);
    case NATIVE_F32:
        return rows == 1 ? k->sort_f32(keys, n, scratch) : k->sort_rows_f32(keys, rows, n, scratch);
    case NATIVE_I32:
        if (rows == 1)
            k->sort_i32(keys, n, scratch);
        else
            k->sort_rows_i32(keys, rows, n, scratch);
        return 1;
    case NATIVE_I64:
        if (rows == 1)
            k->sort_i64(keys, n, scratch);
        else
            k->sort_rows_i64(keys, rows, n, scratch);
        return 1;
    case NATIVE_NONE:
        break;
    }
    return 0;
}

/* One row of n keys sorted from src into dst (no overlap) by the sort_from entry of `kind`,
 * which saves the copy's pass: 1 sorted, 0 refused (dst undefined), -1 where the table has
 * no such entry. */
static int native_from(const rs_kernel_table *k, native_kind kind, const void *src, void *dst,
                       size_t n, void *scratch)
{
    switch (kind) {
    case NATIVE_F64:
        return k->sort_from_f64 != NULL ? k->sort_from_f64(src, dst, n, scratch) : -1;
    case NATIVE_F32:
        return k->sort_from_f32 != NULL ? k->sort_from_f32(src, dst, n, scratch) : -1;
    case NATIVE_I32:
        if (k->sort_from_i32 == NULL)
            return -1;
        k->sort_from_i32(src, dst, n, scratch);
        return 1;
    case NATIVE_I64:
        if (k->sort_from_i64 == NULL)
            return -1;
        k->sort_from_i64(src, dst, n, scratch);
        return 1;
    case NATIVE_NONE:
        break;
    }
    return -1;
}

/* Sorts `rows` contiguous rows of n keys into keys with the native entries of `kind`, from
 * src (rows as contiguous) where src != keys, else in place; returns 0 where the entries
 * refuse them (a float NaN, or MXCSR.DAZ set), src then holding the same keys, maybe moved
 * where src == keys: what a later sort of them gives does not depend on their order (values
 * alone; a stable sort's zeros and NaNs were saved before, row_refill.c). */
static int sort_native(const rs_job *job, native_kind kind, const void *src, void *keys,
                       size_t rows, void *scratch)
{
    const rs_kernel_table *k = job->kern;
    const size_t n = job->n;
    const size_t size = kind == NATIVE_F32 || kind == NATIVE_I32 ? 4 : 8;
    int sorted = src != keys && rows == 1 ? native_from(k, kind, src, keys, n, scratch) : -1;
    if (sorted < 0) {
        if (src != keys)
            memcpy(keys, src, rows * n * size);
        sorted = native_in_place(k, kind, keys, rows, n, scratch);
    }
    if (!sorted)
        return 0;
    if ((kind == NATIVE_F32 || kind == NATIVE_F64) && sorted != RS_SORTED_ZEROS &&
        (n >= RS_CANON_ZEROS_MIN || any_negative_zero(k, kind, keys, rows * n)))
        for (size_t r = 0; r < rows; r++) {
            if (kind == NATIVE_F32)
                canon_zeros_uint32_t((uint32_t *)keys + r * n, n);
            else
                canon_zeros_uint64_t((uint64_t *)keys + r * n, n);
        }
    if (native_descending(job))
        for (size_t r = 0; r < rows; r++)
            reverse_row((unsigned char *)keys + r * n * size, size, n);
    return 1;
}

/* Rows from this long, out of place, are sorted one call each, from the input (the copy's
 * pass saved, native_from); shorter ones are copied and sorted together (sort_rows: one
 * network per row without a call each). */
#define RS_FROM_MIN_N 256u

/* The `count` input rows of op from `first` copied to contiguous rows at dst (the input's
 * rows may be strided). */
static void copy_block_rows(const rs_operand_plan *op, size_t first, size_t count,
                            size_t row_bytes, unsigned char *dst)
{
    const unsigned char *in = op->in + first * op->in_stride_bytes;
    if (op->in_stride_bytes == row_bytes) {
        memcpy(dst, in, count * row_bytes);
        return;
    }
    for (size_t r = 0; r < count; r++)
        memcpy(dst + r * row_bytes, in + r * op->in_stride_bytes, row_bytes);
}

/* Whether float32 values in the order of x go to the table's sort_rows_f32_asc: the
 * ascending transform, which that entry applies in its registers. */
static int f32_asc_fused(const rs_job *job, const rs_key_xform *x)
{
    const rs_dtype_info *info = job->ops[0].info;
    return job->kern->sort_rows_f32_asc != NULL && info->key_class == RS_KEY_FLOAT &&
           info->size == 4 && info->key_bits == 32 && x->fold_negative && !x->canonicalize &&
           x->flip == 0 && x->sign == UINT32_C(0x80000000) &&
           (uint32_t)(x->sub1 + x->sub2) == RS_F32_ASC_NANS;
}

/* A row that f32_asc_fused takes, sorted from src into dst by the table's sort_from_f32_asc
 * (the copy's pass saved): 1 sorted, 0 not taken (nothing written). */
static int from_f32_asc(const rs_job *job, const void *src, void *dst, void *scratch)
{
    return job->kern->sort_from_f32_asc != NULL &&
           job->kern->sort_from_f32_asc(src, dst, job->n, scratch);
}

/* sort_native on `count` rows from `first`, into their contiguous output rows at dst. */
static int sort_native_block(const rs_job *job, native_kind kind, size_t first, size_t count,
                             unsigned char *dst, void *scratch)
{
    const rs_operand_plan *op = &job->ops[0];
    const size_t row_bytes = job->n * op->info->size;
    const unsigned char *in = op->in + first * op->in_stride_bytes;
    if (in == dst)
        return sort_native(job, kind, dst, dst, count, scratch);
    if (count == 1 || job->n >= RS_FROM_MIN_N) {
        for (size_t r = 0; r < count; r++)
            if (!sort_native(job, kind, in + r * op->in_stride_bytes, dst + r * row_bytes, 1,
                             scratch))
                return 0;
        return 1;
    }
    copy_block_rows(op, first, count, row_bytes, dst);
    return sort_native(job, kind, dst, dst, count, scratch);
}

static void sort_row_values(const rs_job *job, size_t row, workspace *w)
{
    const rs_operand_plan *op = &job->ops[0];
    const unsigned char *src = op->in + row * op->in_stride_bytes;
    unsigned char *dst = op->out + row * op->out_stride_bytes;
    const native_kind native = native_kind_of(job);
    rs_refill_counts saved = {0, 0};
    if (job->stable_refill)
        saved = rs_refill_save(op->info, job->kern, src, job->n, w->refill);
    rs_key_xform x;
    if (src != dst && rs_keys_xform(op->info, job->order, 0, &x) && f32_asc_fused(job, &x) &&
        from_f32_asc(job, src, dst, w->scratch)) {
        if (job->stable_refill)
            rs_refill_apply(op->info, job->order, dst, job->n, saved, w->refill);
        return;
    }
    if (native != NATIVE_NONE) {
        if (sort_native(job, native, src, dst, 1, w->scratch)) {
            if (job->stable_refill)
                rs_refill_apply(op->info, job->order, dst, job->n, saved, w->refill);
            return;
        }
        /* a NaN: src holds the same values (moved, where src == dst) */
    }
    /* With a recipe, keys are built in the output row itself and sorted there. */
    void *keys = rs_row_values_in_place(job) ? (void *)dst : w->keys;
    rs_row_encode(job, op, src, job->n, 0, keys);
    rs_row_kern_sort(job->kern, op->info->key_bits, keys, job->n, w->scratch);
    rs_row_decode_store(job, op, keys, job->n, dst);
    if (job->stable_refill)
        rs_refill_apply(op->info, job->order, dst, job->n, saved, w->refill);
}

void *rs_row_direct_indices(const rs_job *job, size_t row)
{
    if (job->idx_out == NULL || job->num_keys != 1 || job->ops[0].info->words != 1 ||
        job->out_n != job->n || job->idx_out_bytes != job->perm_bytes)
        return NULL;
    for (size_t o = 0; o < job->num_operands; o++)
        if (job->ops[o].out != NULL)
            return NULL;
    unsigned char *dst = job->idx_out + row * job->idx_stride_bytes;
    return (uintptr_t)dst % job->perm_bytes == 0 ? dst : NULL;
}

void rs_row_sort(const rs_job *job, size_t row, void *ws)
{
    workspace w = carve(job, ws);
    if (job->n == 0 || job->out_n == 0) /* top-k with k = 0: nothing to write */
        return;
    if (job->values_only) {
        sort_row_values(job, row, &w);
        return;
    }
    void *direct = rs_row_direct_indices(job, row);
    if (direct != NULL) {
        const rs_operand_plan *op = &job->ops[0];
        rs_row_encode(job, op, op->in + row * op->in_stride_bytes, job->n, 1, w.keys);
        rs_row_kern_argsort(job->kern, op->info->key_bits, job->perm_bytes, w.keys, direct,
                            job->n, w.scratch);
        return;
    }
    size_t first_gathered = 0;
    if (rs_row_topk_applies(job)) {
        const rs_operand_plan *op = &job->ops[0];
        if (!rs_row_topk_perm(job, op->in + row * op->in_stride_bytes, w.keys, w.perm,
                              w.pass_idx, w.scratch))
            compute_permutation(job, row, &w);
    } else if (decodes_key(job)) {
        sort_key_with_positions(job, row, &w);
        first_gathered = 1;
    } else {
        compute_permutation(job, row, &w);
    }
    for (size_t o = first_gathered; o < job->num_operands; o++) {
        const rs_operand_plan *op = &job->ops[o];
        if (op->out == NULL)
            continue; /* values not wanted (argsort only) */
        const unsigned char *src = op->in + row * op->in_stride_bytes;
        unsigned char *dst = op->out + row * op->out_stride_bytes;
        const size_t size = op->info->size;
        if (src == dst) { /* in place: gather into scratch, then copy back */
            rs_row_gather(src, w.scratch, size, w.perm, job->perm_bytes, 0, job->out_n);
            memcpy(dst, w.scratch, job->out_n * size);
        } else {
            rs_row_gather(src, dst, size, w.perm, job->perm_bytes, 0, job->out_n);
        }
    }
    if (job->idx_out != NULL)
        rs_row_write_indices(job, row, w.perm, 0, job->out_n);
}

typedef void (*sort_rows_fn)(void *keys, size_t rows, size_t n, void *scratch);

static sort_rows_fn batch_entry(const rs_kernel_table *k, unsigned key_bits)
{
    switch (key_bits) {
    case 16:
        return (sort_rows_fn)k->sort_rows_u16;
    case 32:
        return (sort_rows_fn)k->sort_rows_u32;
    default:
        return (sort_rows_fn)k->sort_rows_u64;
    }
}

/* The zeros and NaNs saved from `count` contiguous rows at dst put back after their sort. */
static void refill_block(const rs_job *job, unsigned char *dst, size_t count, const workspace *w)
{
    const rs_operand_plan *op = &job->ops[0];
    const size_t row_bytes = job->n * op->info->size;
    for (size_t r = 0; r < count; r++)
        rs_refill_apply(op->info, job->order, dst + r * row_bytes, job->n, w->refill_counts[r],
                        (const unsigned char *)w->refill + r * row_bytes);
}

/* Rows per kernel call in rs_row_sort_range: a block (below), or what the table asks for
 * int64 and float64 rows of 33..64 keys sorted natively (nothing encoded or decoded): Zen
 * 4's packed 64-bit keys (kernels.h, rows64_call_bytes). (float64 took them once its
 * entry could spare sort_native its pass over the zeros, RS_SORTED_ZEROS: that pass over
 * 32 KiB calls had made them 0.94x.) */
static size_t range_block_rows(const rs_job *job, native_kind native, size_t row_bytes)
{
    const size_t call = job->kern->rows64_call_bytes;
    if ((native == NATIVE_I64 || native == NATIVE_F64) && !job->stable_refill && job->n > 32 &&
        job->n <= 64 && call > RS_ROW_BLOCK_BYTES)
        return call / row_bytes;
    return block_rows_of(row_bytes);
}

void rs_row_sort_range(const rs_job *job, size_t begin, size_t end, void *ws)
{
    if (begin >= end || job->n == 0)
        return;
    const rs_operand_plan *op = &job->ops[0];
    const size_t row_bytes = job->n * op->info->size;
    rs_key_xform x;
    sort_rows_fn batch = job->values_only ? batch_entry(job->kern, op->info->key_bits) : NULL;
    /* One row alone goes here too where it is sorted in place and the float32 entry may take
     * the transform out of its passes (threads claim long rows one at a time: at least four
     * claims each, sched_plan.c; the seed's 8 rows on 2 threads); out of place, rs_row_sort
     * sorts it from the input (sort_from_f32_asc) or, where that entry refuses it, encodes
     * it into the output, with no copy either way. */
    if (batch == NULL || op->out_stride_bytes != row_bytes ||
        !rs_keys_xform(op->info, job->order, 0, &x) ||
        (end - begin < 2 && !(op->in == op->out && f32_asc_fused(job, &x)))) {
        for (size_t r = begin; r < end; r++)
            rs_row_sort(job, r, ws);
        return;
    }
    /* The output rows are contiguous: encode a block of them in place, sort every row of it
     * with one kernel call, decode it, in blocks small enough to stay in the L1 cache: the
     * encode reads the rows from memory, the sort and the decode then find them in L1. 8 KiB
     * against the 128 KiB (L2) blocks this loop had first, Intel Xeon, one thread: 65536x64
     * float64 1.50 -> 1.40 ns/key, int64 1.43 -> 1.26, 4096x16 int64 0.77 -> 0.69 (4 KiB
     * measured about as fast; 16 KiB in between). Tables may ask for more rows of int64
     * and float64 keys sorted natively (range_block_rows). */
    const unsigned bits = op->info->key_bits;
    const native_kind native = native_kind_of(job);
    const size_t block_rows = range_block_rows(job, native, row_bytes);
    const workspace w = carve(job, ws);
    void *scratch = w.scratch;
    int fused = f32_asc_fused(job, &x); /* until the entry refuses rows of n */
    for (size_t first = begin; first < end; first += block_rows) {
        const size_t count = end - first < block_rows ? end - first : block_rows;
        unsigned char *dst = op->out + first * row_bytes;
        /* Zeros and NaNs saved for the refill of stable float values; one pass over a packed
         * block finds most blocks free of them (then nothing to save or refill). */
        const int refill =
            job->stable_refill &&
            (op->in_stride_bytes != row_bytes ||
             rs_refill_any(op->info, job->kern, op->in + first * row_bytes, count * job->n));
        for (size_t r = 0; refill && r < count; r++)
            w.refill_counts[r] =
                rs_refill_save(op->info, job->kern, op->in + (first + r) * op->in_stride_bytes, job->n,
                               (unsigned char *)w.refill + r * row_bytes);
        if (native != NATIVE_NONE) {
            if (sort_native_block(job, native, first, count, dst, scratch)) {
                if (refill)
                    refill_block(job, dst, count, &w);
                continue;
            }
            /* a NaN: the input rows hold the same values (in place, maybe moved, or rows
             * sorted before the refusal: sorting them again is harmless) */
        }
        const unsigned char *in = op->in + first * op->in_stride_bytes;
        if (fused && in != dst && (count == 1 || job->n >= RS_FROM_MIN_N) &&
            from_f32_asc(job, in, dst, scratch)) {
            /* the rest of the block likewise: the entry takes rows by their length */
            for (size_t r = 1; r < count; r++)
                from_f32_asc(job, in + r * op->in_stride_bytes, dst + r * row_bytes, scratch);
            if (refill)
                refill_block(job, dst, count, &w);
            continue;
        }
        if (fused) {
            if (in != dst)
                copy_block_rows(op, first, count, row_bytes, dst);
            if (job->kern->sort_rows_f32_asc((uint32_t *)(void *)dst, count, job->n, scratch)) {
                if (refill)
                    refill_block(job, dst, count, &w);
                continue;
            }
            fused = 0; /* the rows are in dst now: encoded there in place */
            in = dst;
        }
        if (in == dst || op->in_stride_bytes == row_bytes) {
            encode_keys(job->kern, bits, in, dst, count * job->n, &x);
        } else {
            for (size_t r = 0; r < count; r++)
                encode_keys(job->kern, bits, op->in + (first + r) * op->in_stride_bytes,
                            dst + r * row_bytes, job->n, &x);
        }
        batch(dst, count, job->n, scratch);
        decode_keys(job->kern, bits, dst, dst, count * job->n, &x);
        if (refill)
            refill_block(job, dst, count, &w);
    }
}

void rs_row_encode(const rs_job *job, const rs_operand_plan *op, const void *src, size_t n,
                   int canonical, void *keys)
{
    rs_key_xform x;
    if (rs_keys_xform(op->info, job->order, canonical, &x)) {
        encode_keys(job->kern, op->info->key_bits, src, keys, n, &x);
        return;
    }
    rs_keys_extract(op->info, src, 0, NULL, job->perm_bytes, n, keys);
    rs_keys_encode(op->info, job->order, canonical, keys, n);
}

void rs_row_decode_store(const rs_job *job, const rs_operand_plan *op, void *keys, size_t n,
                         void *dst)
{
    rs_key_xform x;
    if (rs_keys_xform(op->info, job->order, 0, &x)) {
        decode_keys(job->kern, op->info->key_bits, keys, dst, n, &x);
        return;
    }
    rs_keys_decode(op->info, job->order, keys, n);
    rs_keys_store(op->info, keys, n, dst);
}
