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
#define SAMPLE_MAX ((size_t)4096)

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

/* Sample of `count` keys at a fixed stride over keys[0..n), into out. */
#define RS_SAMPLE_FN(name, KT)                                                              \
    static void name(const void *keys, size_t n, size_t count, void *out)                  \
    {                                                                                       \
        const KT *k = keys;                                                                 \
        KT *o = out;                                                                        \
        const size_t step = n / count;                                                      \
        for (size_t i = 0; i < count; i++)                                                  \
            o[i] = k[i * step + step / 2];                                                  \
    }
RS_SAMPLE_FN(sample_u16, uint16_t)
RS_SAMPLE_FN(sample_u32, uint32_t)
RS_SAMPLE_FN(sample_u64, uint64_t)

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

/* The key at rank r of sorted keys of key_bits. */
static uint64_t key_at(const void *keys, unsigned key_bits, size_t r)
{
    switch (key_bits) {
    case 16:
        return ((const uint16_t *)keys)[r];
    case 32:
        return ((const uint32_t *)keys)[r];
    default:
        return ((const uint64_t *)keys)[r];
    }
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

int rs_row_topk_perm(const rs_job *job, void *keys, void *perm, void *cand, void *scratch)
{
    const size_t n = job->n, k = job->out_n;
    const unsigned key_bits = job->ops[0].info->key_bits;
    const unsigned perm_bytes = job->perm_bytes;

    /* The sample, sorted in perm (n indices of at least 4 bytes hold n / 2 keys of 8). */
    size_t count = n / 16;
    count = count < SAMPLE_MIN ? SAMPLE_MIN : count > SAMPLE_MAX ? SAMPLE_MAX : count;
    switch (key_bits) {
    case 16:
        sample_u16(keys, n, count, perm);
        break;
    case 32:
        sample_u32(keys, n, count, perm);
        break;
    default:
        sample_u64(keys, n, count, perm);
        break;
    }
    rs_row_kern_sort(job->kern, key_bits, perm, count, scratch);
    /* k's expected share of the sample, plus 2 standard deviations and a margin: the
     * sample points among the k first keys (binomial, about Poisson for small shares)
     * reach the rank with a probability under 1% at any share (0.06% at share 1) */
    const size_t share = (k * count + n - 1) / n;
    size_t rank = share + 2 * isqrt_up(share) + 2;
    if (rank >= count)
        rank = count - 1;
    const uint64_t t = key_at(perm, key_bits, rank);

    const size_t m = filter(job->kern, key_bits, perm_bytes, keys, n, t, cand);
    if (m < k)
        return 0;
    /* The stable argsort of the m kept keys (in input order), mapped back to positions. */
    rs_row_kern_argsort(job->kern, key_bits, perm_bytes, keys, perm, m, scratch);
    rs_row_compose(cand, perm, perm_bytes, k);
    return 1;
}
