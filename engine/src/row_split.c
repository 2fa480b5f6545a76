/* row_split.c - the steps of a row sorted by several threads (see row_split.h). */
#include "row_split.h"

#include <string.h>

#include "merge_path.h"
#include "row_topk.h"

int rs_split_supported(const rs_job *job)
{
    /* Not the refill of stable float values (row_refill.h), which works on whole rows: the
     * scheduler splits such rows as the stable sort they stand for (rs_sched_run). */
    /* Nor a top-k that selects in rows too short to repay waking the team: its one pass over
     * the row is a few times cheaper than a sort (sched_topk.c). */
    return job->num_keys == 1 && job->ops[0].info->words == 1 && !job->stable_refill &&
           (!rs_row_topk_applies(job) || job->n >= RS_TOPK_SPLIT_MIN_N);
}

size_t rs_split_key_bytes(const rs_job *job)
{
    return job->ops[0].info->key_bits / 8u;
}

size_t rs_split_idx_bytes(const rs_job *job)
{
    return job->values_only ? 0 : job->perm_bytes;
}

int rs_split_in_place(const rs_operand_plan *op)
{
    return op->out == op->in && op->out_stride_bytes == op->in_stride_bytes;
}

size_t rs_split_tmp_bytes(const rs_job *job)
{
    if (job->values_only)
        return 0;
    size_t bytes = 0;
    for (size_t o = 0; o < job->num_operands; o++)
        if (job->ops[o].out != NULL && rs_split_in_place(&job->ops[o]))
            bytes += job->ops[o].info->size;
    return bytes;
}

static void fill_positions(void *idx, unsigned idx_bytes, size_t begin, size_t end)
{
    if (idx_bytes == 4) {
        uint32_t *p = idx;
        for (size_t i = begin; i < end; i++)
            p[i] = (uint32_t)i;
    } else {
        uint64_t *p = idx;
        for (size_t i = begin; i < end; i++)
            p[i] = i;
    }
}

void rs_split_sort_part(const rs_job *job, size_t row, size_t begin, size_t end, void *keys,
                        void *idx, void *scratch)
{
    const rs_operand_plan *op = &job->ops[0];
    const unsigned key_bits = op->info->key_bits;
    const size_t n = end - begin;
    const unsigned char *src = op->in + row * op->in_stride_bytes + begin * op->info->size;
    unsigned char *part = (unsigned char *)keys + begin * rs_split_key_bytes(job);
    rs_row_encode(job, op, src, n, !job->values_only, part);
    if (job->values_only) {
        rs_row_kern_sort(job->kern, key_bits, part, n, scratch);
        return;
    }
    /* Positions are strictly increasing within the part, as the pair kernels require. */
    fill_positions(idx, job->perm_bytes, begin, end);
    unsigned char *ip = (unsigned char *)idx + begin * job->perm_bytes;
    rs_row_kern_sort_pairs(job->kern, key_bits, job->perm_bytes, part, ip, n, scratch);
}

/* Merges from output position d0 of A and B (where the merge path starts it), count keys. */
#define RS_SPLIT_MERGE_KEYS(T, name, path)                                                  \
    static void name(const T *A, size_t na, const T *B, size_t nb, size_t d0, size_t count, \
                     T *out)                                                                \
    {                                                                                       \
        size_t i = path(A, na, B, nb, d0), j = d0 - i, o = 0;                               \
        while (o < count && i < na && j < nb) {                                             \
            const T a = A[i], b = B[j];                                                     \
            const int take_b = b < a;                                                       \
            out[o++] = take_b ? b : a;                                                      \
            i += !take_b;                                                                   \
            j += take_b;                                                                    \
        }                                                                                   \
        while (o < count && i < na)                                                         \
            out[o++] = A[i++];                                                              \
        while (o < count && j < nb)                                                         \
            out[o++] = B[j++];                                                              \
    }

#define RS_SPLIT_MERGE_PAIRS(T, I, name, path)                                               \
    static void name(const T *A, const I *IA, size_t na, const T *B, const I *IB, size_t nb, \
                     size_t d0, size_t count, T *out, I *iout)                               \
    {                                                                                        \
        size_t i = path(A, na, B, nb, d0), j = d0 - i, o = 0;                                \
        while (o < count && i < na && j < nb) {                                              \
            const T a = A[i], b = B[j];                                                      \
            const int take_b = b < a;                                                        \
            out[o] = take_b ? b : a;                                                         \
            iout[o] = take_b ? IB[j] : IA[i];                                                \
            o++;                                                                             \
            i += !take_b;                                                                    \
            j += take_b;                                                                     \
        }                                                                                    \
        for (; o < count && i < na; o++, i++) {                                              \
            out[o] = A[i];                                                                   \
            iout[o] = IA[i];                                                                 \
        }                                                                                    \
        for (; o < count && j < nb; o++, j++) {                                              \
            out[o] = B[j];                                                                   \
            iout[o] = IB[j];                                                                 \
        }                                                                                    \
    }

RS_SPLIT_MERGE_KEYS(uint16_t, merge_u16, rs_merge_path_u16)
RS_SPLIT_MERGE_KEYS(uint32_t, merge_u32, rs_merge_path_u32)
RS_SPLIT_MERGE_KEYS(uint64_t, merge_u64, rs_merge_path_u64)
RS_SPLIT_MERGE_PAIRS(uint16_t, uint32_t, merge_u16_i32, rs_merge_path_u16)
RS_SPLIT_MERGE_PAIRS(uint32_t, uint32_t, merge_u32_i32, rs_merge_path_u32)
RS_SPLIT_MERGE_PAIRS(uint64_t, uint32_t, merge_u64_i32, rs_merge_path_u64)
RS_SPLIT_MERGE_PAIRS(uint16_t, uint64_t, merge_u16_i64, rs_merge_path_u16)
RS_SPLIT_MERGE_PAIRS(uint32_t, uint64_t, merge_u32_i64, rs_merge_path_u32)
RS_SPLIT_MERGE_PAIRS(uint64_t, uint64_t, merge_u64_i64, rs_merge_path_u64)
#undef RS_SPLIT_MERGE_KEYS
#undef RS_SPLIT_MERGE_PAIRS

void rs_split_merge(const rs_job *job, const void *keys, const void *idx, void *keys_out,
                    void *idx_out, size_t a, size_t b, size_t c, size_t out_begin, size_t out_end)
{
    const size_t na = b - a, nb = c - b, d0 = out_begin - a, count = out_end - out_begin;
    if (count == 0)
        return;
    const size_t kb = rs_split_key_bytes(job);
#define RS_K(T, p) ((const T *)(keys) + (p))
#define RS_KO(T)   ((T *)(keys_out) + out_begin)
    if (job->values_only) {
        /* The kernel table's vectorized merge from where the merge path starts the slice. */
        const rs_kernel_table *k = job->kern;
        if (kb == 4 && k->merge_u32 != NULL) {
            const uint32_t *A = RS_K(uint32_t, a), *B = RS_K(uint32_t, b);
            const size_t i = rs_merge_path_u32(A, na, B, nb, d0), j = d0 - i;
            k->merge_u32(A + i, na - i, B + j, nb - j, RS_KO(uint32_t), count);
            return;
        }
        if (kb == 8 && k->merge_u64 != NULL) {
            const uint64_t *A = RS_K(uint64_t, a), *B = RS_K(uint64_t, b);
            const size_t i = rs_merge_path_u64(A, na, B, nb, d0), j = d0 - i;
            k->merge_u64(A + i, na - i, B + j, nb - j, RS_KO(uint64_t), count);
            return;
        }
        switch (kb) {
        case 2:
            merge_u16(RS_K(uint16_t, a), na, RS_K(uint16_t, b), nb, d0, count, RS_KO(uint16_t));
            break;
        case 4:
            merge_u32(RS_K(uint32_t, a), na, RS_K(uint32_t, b), nb, d0, count, RS_KO(uint32_t));
            break;
        default:
            merge_u64(RS_K(uint64_t, a), na, RS_K(uint64_t, b), nb, d0, count, RS_KO(uint64_t));
            break;
        }
        return;
    }
#define RS_PAIRS(T, I, fn)                                                                \
    fn(RS_K(T, a), (const I *)idx + a, na, RS_K(T, b), (const I *)idx + b, nb, d0, count, \
       RS_KO(T), (I *)idx_out + out_begin)
    if (job->perm_bytes == 4) {
        switch (kb) {
        case 2:
            RS_PAIRS(uint16_t, uint32_t, merge_u16_i32);
            break;
        case 4:
            RS_PAIRS(uint32_t, uint32_t, merge_u32_i32);
            break;
        default:
            RS_PAIRS(uint64_t, uint32_t, merge_u64_i32);
            break;
        }
    } else {
        switch (kb) {
        case 2:
            RS_PAIRS(uint16_t, uint64_t, merge_u16_i64);
            break;
        case 4:
            RS_PAIRS(uint32_t, uint64_t, merge_u32_i64);
            break;
        default:
            RS_PAIRS(uint64_t, uint64_t, merge_u64_i64);
            break;
        }
    }
#undef RS_PAIRS
#undef RS_K
#undef RS_KO
}

void rs_split_store_values(const rs_job *job, size_t row, void *keys, size_t begin, size_t end)
{
    const rs_operand_plan *op = &job->ops[0];
    unsigned char *part = (unsigned char *)keys + begin * rs_split_key_bytes(job);
    unsigned char *dst = op->out + row * op->out_stride_bytes + begin * op->info->size;
    rs_row_decode_store(job, op, part, end - begin, dst);
}

void rs_split_gather(const rs_job *job, size_t row, const void *perm, size_t begin, size_t end,
                     unsigned char *tmp, size_t first)
{
    if (end > job->out_n)
        end = job->out_n;
    if (begin >= end)
        return;
    size_t tmp_offset = 0;
    for (size_t o = first; o < job->num_operands; o++) {
        const rs_operand_plan *op = &job->ops[o];
        if (op->out == NULL)
            continue;
        const size_t size = op->info->size;
        const unsigned char *src = op->in + row * op->in_stride_bytes;
        unsigned char *dst;
        if (rs_split_in_place(op)) {
            dst = tmp + tmp_offset * job->out_n;
            tmp_offset += size;
        } else {
            dst = op->out + row * op->out_stride_bytes;
        }
        rs_row_gather(src, dst, size, perm, job->perm_bytes, begin, end);
    }
    if (job->idx_out == NULL)
        return;
    rs_row_write_indices(job, row, perm, begin, end);
}

void rs_split_copy_back(const rs_job *job, size_t row, const unsigned char *tmp, size_t begin,
                        size_t end, size_t first)
{
    if (end > job->out_n)
        end = job->out_n;
    if (begin >= end)
        return;
    size_t tmp_offset = 0;
    for (size_t o = first; o < job->num_operands; o++) {
        const rs_operand_plan *op = &job->ops[o];
        if (op->out == NULL || !rs_split_in_place(op))
            continue;
        const size_t size = op->info->size;
        const unsigned char *src = tmp + tmp_offset * job->out_n;
        tmp_offset += size;
        memcpy(op->out + row * op->out_stride_bytes + begin * size, src + begin * size,
               (end - begin) * size);
    }
}
