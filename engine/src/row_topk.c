/*
 * row_topk.c - top-k by selection (row_topk.h).
 *
 * The first k of a stable order are the keys below the k-th smallest key, then the first of
 * those equal to it in input order. Any threshold t with at least k keys <= t keeps all of
 * them: collecting every key <= t in input order (with its position) and sorting those
 * stably gives the same first k as sorting the whole row. t comes from a sorted sample taken
 * at a fixed stride, at the rank share + 2 sqrt(share) + 2 (share: k's share of the sample),
 * so that about that many sample steps' worth of keys pass, and too few pass only rarely
 * (under 1%; then the row is sorted whole: same result, the old cost).
 */
#include "row_topk.h"

#include <string.h>

/* Sample size: n / 16 keys, within these bounds. */
#define SAMPLE_MIN ((size_t)64)
#define SAMPLE_MAX RS_TOPK_SAMPLE_MAX

/* Rows whose keys take at most this many bytes are encoded whole before the test (in the
 * caches, chunks measured 3-7% slower on 8x8192 float32); longer ones by chunks, so that
 * their keys never go to memory (1x16777216 float32, one thread, 1.5-1.6x faster). */
#define RS_TOPK_WHOLE_BYTES ((size_t)256 * 1024)

/* The kernel scratch of the shortest row that selects holds a chunk of 64-bit keys. */
_Static_assert(RS_KERNEL_SCRATCH_BYTES(RS_TOPK_MIN_N) >= RS_TOPK_CHUNK_BYTES,
               "a chunk of keys fits the kernel scratch");

int rs_row_topk_applies(const rs_job *job)
{
    return job->out_n < job->n && job->n >= RS_TOPK_MIN_N &&
           job->out_n * RS_TOPK_MAX_SHARE <= job->n && job->num_keys == 1 &&
           job->ops[0].info->words == 1;
}

static size_t isqrt_up(size_t x)
{
    size_t r = 0;
    while (r * r < x)
        r++;
    return r;
}

/* The select_le entries for 64-bit positions (rows of 2^32 keys or more), from the kernel
 * tables' template in its plain-loop form. */
#define RS_SELECT_T     uint16_t
#define RS_SELECT_POS_T uint64_t
#define RS_SELECT_FN    filter_u16_i64
#include "select_tmpl.h"
#define RS_SELECT_T     uint32_t
#define RS_SELECT_POS_T uint64_t
#define RS_SELECT_FN    filter_u32_i64
#include "select_tmpl.h"
#define RS_SELECT_T     uint64_t
#define RS_SELECT_POS_T uint64_t
#define RS_SELECT_FN    filter_u64_i64
#include "select_tmpl.h"

/* dst[i] = src[i * step] for i < count, elements of `size` bytes (a copy of a known size
 * per element, not a call). */
static void gather_stride(unsigned char *dst, const unsigned char *src, size_t size, size_t step,
                          size_t count)
{
#define RS_GATHER(bytes)                                                                    \
    for (size_t i = 0; i < count; i++)                                                      \
        memcpy(dst + i * (bytes), src + i * step * (bytes), (bytes));                       \
    return;
    switch (size) {
    case 1:
        RS_GATHER(1)
    case 2:
        RS_GATHER(2)
    case 4:
        RS_GATHER(4)
    case 8:
        RS_GATHER(8)
    default:
        RS_GATHER(size)
    }
#undef RS_GATHER
}

/* The table's select_le entries, or the scalar table's where it has none. */
static size_t filter(const rs_kernel_table *kern, unsigned key_bits, unsigned perm_bytes,
                     void *keys, size_t n, uint64_t t, void *cand)
{
    const rs_kernel_table *sc = &rs_kernels_scalar;
    if (perm_bytes == 4) {
        switch (key_bits) {
        case 16:
            return (kern->select_le_u16 ? kern->select_le_u16 : sc->select_le_u16)(keys, n, t,
                                                                                 cand);
        case 32:
            return (kern->select_le_u32 ? kern->select_le_u32 : sc->select_le_u32)(keys, n, t,
                                                                                 cand);
        default:
            return (kern->select_le_u64 ? kern->select_le_u64 : sc->select_le_u64)(keys, n, t,
                                                                                 cand);
        }
    }
    switch (key_bits) {
    case 16:
        return filter_u16_i64(keys, n, t, cand);
    case 32:
        return filter_u32_i64(keys, n, t, cand);
    default:
        return filter_u64_i64(keys, n, t, cand);
    }
}

uint64_t rs_row_topk_threshold(const rs_job *job, const void *row, int encoded, size_t n,
                               size_t k, void *sample, void *scratch)
{
    const rs_operand_plan *op = &job->ops[0];
    const unsigned key_bits = op->info->key_bits;
    size_t count = n / 16;
    count = count < SAMPLE_MIN ? SAMPLE_MIN : count > SAMPLE_MAX ? SAMPLE_MAX : count;
    const size_t step = n / count;
    if (encoded) {
        const size_t kb = key_bits / 8u;
        gather_stride(sample, (const unsigned char *)row + step / 2 * kb, kb, step, count);
    } else { /* the elements at the stride, then their keys in front of them */
        const size_t size = op->info->size;
        unsigned char *raw = (unsigned char *)sample + count * 8;
        gather_stride(raw, (const unsigned char *)row + step / 2 * size, size, step, count);
        rs_row_encode(job, op, raw, count, 1, sample);
    }
    rs_row_kern_sort(job->kern, key_bits, sample, count, scratch);
    /* k's expected share of the sample, plus 2 standard deviations and a margin: the
     * sample points among the k first keys (binomial, about Poisson for small shares)
     * reach the rank with a probability under 1% at any share (0.06% at share 1) */
    const size_t share = (k * count + n - 1) / n;
    size_t rank = share + 2 * isqrt_up(share) + 2;
    if (rank >= count)
        rank = count - 1;
    return rs_row_key_get(sample, key_bits, rank);
}

/* pos[i] += add for i < count, positions of pb (4 or 8) bytes. */
static void offset_positions(void *pos, size_t count, size_t add, unsigned pb)
{
    if (pb == 4) {
        uint32_t *p = pos;
        for (size_t i = 0; i < count; i++)
            p[i] += (uint32_t)add;
    } else {
        uint64_t *p = pos;
        for (size_t i = 0; i < count; i++)
            p[i] += add;
    }
}

size_t rs_row_topk_collect(const rs_job *job, const unsigned char *src, size_t begin, size_t end,
                           uint64_t t, void *keys, void *pos, void *chunk)
{
    const rs_operand_plan *op = &job->ops[0];
    const unsigned key_bits = op->info->key_bits;
    const size_t size = op->info->size, kb = key_bits / 8u, pb = job->perm_bytes;
    if ((end - begin) * kb <= RS_TOPK_WHOLE_BYTES) { /* in cache: in one piece, in keys */
        rs_row_encode(job, op, src + begin * size, end - begin, 1, keys);
        const size_t m = filter(job->kern, key_bits, job->perm_bytes, keys, end - begin, t, pos);
        offset_positions(pos, m, begin, job->perm_bytes);
        return m;
    }
    const size_t chunk_n = RS_TOPK_CHUNK_BYTES / kb;
    size_t m = 0;
    for (size_t c = begin; c < end; c += chunk_n) {
        const size_t len = end - c < chunk_n ? end - c : chunk_n;
        rs_row_encode(job, op, src + c * size, len, 1, chunk);
        unsigned char *at = (unsigned char *)pos + m * pb;
        const size_t kept = filter(job->kern, key_bits, job->perm_bytes, chunk, len, t, at);
        memcpy((unsigned char *)keys + m * kb, chunk, kept * kb);
        offset_positions(at, kept, c, job->perm_bytes);
        m += kept;
    }
    return m;
}

int rs_row_topk_perm(const rs_job *job, const unsigned char *src, void *keys, void *perm,
                     void *cand, void *scratch)
{
    const size_t n = job->n, k = job->out_n;
    const unsigned key_bits = job->ops[0].info->key_bits;
    size_t m;
    if (n * (key_bits / 8u) <= RS_TOPK_WHOLE_BYTES) {
        /* The row's keys in cache: sampled from there (the elements at the sample's stride
         * would be one per cache line, read again), then tested. */
        rs_row_encode(job, &job->ops[0], src, n, 1, keys);
        const uint64_t t = rs_row_topk_threshold(job, keys, 1, n, k, perm, scratch);
        m = filter(job->kern, key_bits, job->perm_bytes, keys, n, t, cand);
    } else {
        const uint64_t t = rs_row_topk_threshold(job, src, 0, n, k, perm, scratch);
        m = rs_row_topk_collect(job, src, 0, n, t, keys, cand, scratch);
    }
    if (m < k)
        return 0;
    /* The stable argsort of the m kept keys (in input order), mapped back to positions. */
    rs_row_kern_argsort(job->kern, key_bits, job->perm_bytes, keys, perm, m, scratch);
    rs_row_compose(cand, perm, job->perm_bytes, k);
    return 1;
}
