/* sched_split.c - each row sorted by the whole team: parts, merge-path merges, results. */
#include "sched_split.h"

#include <stdint.h>

#include "alloc.h"
#include "row_split.h"
#include "row_topk.h"
#include "sched_pivot.h"
#include "sched_plan.h"
#include "sched_topk.h"

/* n * size, or SIZE_MAX (an allocation that fails) when it does not fit. */
static size_t bytes_of(size_t n, size_t size)
{
    int overflow = 0;
    const size_t bytes = rs_mul_size(n, size, &overflow);
    return overflow ? SIZE_MAX : bytes;
}

void rs_sched_split_sizes(const rs_job *job, unsigned threads, size_t bytes[RS_SPLIT_BUFS])
{
    if (rs_pivot_supported(job)) { /* the row is its own key buffer; one for the scratch */
        for (int b = 0; b < RS_SPLIT_BUFS; b++)
            bytes[b] = 0;
        bytes[RS_SPLIT_KEYS1] = rs_pivot_shared_bytes(job, threads);
        if (rs_pivot_packed(job)) { /* the packed keys, their positions, in-place outputs */
            bytes[RS_SPLIT_KEYS0] = bytes_of(job->n, 8);
            bytes[RS_SPLIT_IDX0] = bytes_of(job->n, job->perm_bytes);
            bytes[RS_SPLIT_TMP] = bytes_of(job->out_n, rs_split_tmp_bytes(job));
        }
        return;
    }
    const size_t n = job->n;
    const size_t kb = rs_split_key_bytes(job), ib = rs_split_idx_bytes(job);
    const size_t tb = rs_split_tmp_bytes(job);
    const int keys_in_output = job->values_only && rs_row_values_in_place(job);
    bytes[RS_SPLIT_KEYS0] = keys_in_output ? 0 : bytes_of(n, kb);
    bytes[RS_SPLIT_KEYS1] = bytes_of(n, kb);
    bytes[RS_SPLIT_IDX0] = bytes_of(n, ib);
    bytes[RS_SPLIT_IDX1] = bytes_of(n, ib);
    bytes[RS_SPLIT_TMP] = bytes_of(job->out_n, tb);
}

size_t rs_sched_split_words(const rs_job *job, unsigned threads)
{
    if (rs_pivot_supported(job))
        return rs_pivot_words(threads);
    return rs_row_topk_applies(job) ? rs_sched_topk_words(threads) : 0;
}

size_t rs_sched_split_scratch_bytes(const rs_job *job, unsigned threads)
{
    if (rs_pivot_supported(job))
        return rs_pivot_scratch_bytes();
    size_t part = job->n / threads + 1;
    if (rs_row_topk_applies(job)) {
        const size_t most = rs_sched_topk_sort_elems();
        part = part > most ? part : most;
    }
    return RS_KERNEL_SCRATCH_BYTES(part);
}

/* Keys merged and then decoded at a time in the last round (while in L1). */
#define RS_SPLIT_DECODE_CHUNK ((size_t)4096)

void rs_sched_split_write(const rs_job *job, size_t row, const void *perm, size_t begin,
                          size_t end, const rs_split_shared *shared, size_t first)
{
    unsigned char *tmp = shared->buf[RS_SPLIT_TMP];
    rs_split_gather(job, row, perm, begin, end, tmp, first);
    if (tmp != NULL) { /* in place: copied back once every thread has gathered */
#pragma omp barrier
        rs_split_copy_back(job, row, tmp, begin, end, first);
    }
}

/* Row `row` sorted by the team: thread t sorts its part, merges its slice of each round's
 * output, and writes its slice of the results. */
void rs_sched_split_row(const rs_job *job, size_t row, unsigned t, unsigned threads,
                        const rs_split_shared *shared, void *scratch)
{
    const size_t n = job->n;
    const rs_operand_plan *op = &job->ops[0];
    size_t lo, hi;
    rs_plan_part(n, threads, t, &lo, &hi);
    unsigned rounds = 0;
    for (size_t width = 1; width < threads; width *= 2)
        rounds++;
    void *keys[2] = {shared->buf[RS_SPLIT_KEYS0], shared->buf[RS_SPLIT_KEYS1]};
    void *idx[2] = {shared->buf[RS_SPLIT_IDX0], shared->buf[RS_SPLIT_IDX1]};
    /* Without a first key buffer, the keys are built and sorted in the output row and the
     * shared buffer: the one the parts start in is chosen so that the last round merges
     * into the output row, where each thread decodes its slice while it is in cache (no
     * separate decoding pass). */
    const int in_output = keys[0] == NULL;
    if (in_output) {
        void *out_row = op->out + row * op->out_stride_bytes;
        keys[rounds % 2] = out_row;
        keys[!(rounds % 2)] = shared->buf[RS_SPLIT_KEYS1];
    }
    rs_split_sort_part(job, row, lo, hi, keys[0], idx[0], scratch);
    int cur = 0;
    /* Rounds of pairwise merges of runs of `width` parts; every thread writes the output
     * positions of its own part, whichever pairs they fall in. */
    for (size_t width = 1; width < threads; width *= 2) {
        const int last = 2 * width >= threads;
#pragma omp barrier
        for (size_t p = 0; p < threads; p += 2 * width) {
            const size_t a = rs_plan_part_begin(n, threads, p);
            const size_t b = rs_plan_part_begin(n, threads, p + width);
            const size_t c = rs_plan_part_begin(n, threads, p + 2 * width);
            const size_t from = lo > a ? lo : a, to = hi < c ? hi : c;
            if (from >= to)
                continue;
            if (!(last && in_output)) {
                rs_split_merge(job, keys[cur], idx[cur], keys[!cur], idx[!cur], a, b, c, from,
                               to);
                continue;
            }
            for (size_t d = from; d < to; d += RS_SPLIT_DECODE_CHUNK) {
                const size_t e = to - d > RS_SPLIT_DECODE_CHUNK ? d + RS_SPLIT_DECODE_CHUNK : to;
                rs_split_merge(job, keys[cur], NULL, keys[!cur], NULL, a, b, c, d, e);
                rs_split_store_values(job, row, keys[!cur], d, e);
            }
        }
        cur = !cur;
    }
    if (!in_output) { /* else decoded by the last round */
#pragma omp barrier
        if (job->values_only) {
            rs_split_store_values(job, row, keys[cur], lo, hi);
        } else {
            /* Where equal keys are identical values (integers, totalOrder), the merged keys
             * decode to the key's output (nothing reads the key operand after the parts'
             * loads): no gather by position, whose reads are random over the row. */
            const rs_operand_plan *key = &job->ops[0];
            const int decode = key->out != NULL && job->out_n == n &&
                               rs_keys_equal_is_identical(key->info, job->order);
            if (decode)
                rs_split_store_values(job, row, keys[cur], lo, hi);
            rs_sched_split_write(job, row, idx[cur], lo, hi, shared, decode ? 1 : 0);
        }
    }
    /* The next row reuses the buffers others may still read. */
#pragma omp barrier
}

void rs_sched_split_body(const rs_job *job, unsigned t, unsigned threads,
                         const rs_split_shared *shared, void *scratch)
{
    if (rs_pivot_supported(job)) {
        rs_sched_pivot_body(job, t, threads, shared, scratch);
        return;
    }
    if (rs_row_topk_applies(job)) {
        rs_sched_topk_body(job, t, threads, shared, scratch);
        return;
    }
    for (size_t row = 0; row < job->rows; row++)
        rs_sched_split_row(job, row, t, threads, shared, scratch);
}
