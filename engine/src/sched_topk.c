/*
 * sched_topk.c - top-k by selection (row_topk.h), one row at a time by the whole team.
 *
 * One thread takes the threshold from the sample of the whole row (the threshold one
 * thread's selection would take); each thread keeps the keys of its part at or below it;
 * the kept keys, gathered in input order with their positions, are sorted as (key,
 * position) pairs in parts merged by merge-path rounds that make only the first k outputs
 * of each merge (nothing later can reach the first k); each thread writes a slice of the k
 * results. The kept keys are the single-threaded
 * selection's, so the results are its bytes. Fewer than k kept (a sample unlike the row):
 * the team sorts the row whole (sched_split.c).
 */
#include "sched_topk.h"

#include <string.h>

#include "row_split.h"
#include "row_topk.h"
#include "sched_plan.h"

/* The kept keys are sorted in parts of at least this many: when few are kept, fewer parts
 * than threads (a part's sort then costs less than the merge rounds' barriers). */
#define RS_TOPK_SORT_PART ((size_t)16384)

/* shared->words: the threshold (a 64-bit key in as many words as it takes), then the
 * number of keys each thread kept. */
#define THRESHOLD_WORDS ((sizeof(uint64_t) + sizeof(size_t) - 1) / sizeof(size_t))

size_t rs_sched_topk_words(unsigned threads)
{
    return THRESHOLD_WORDS + threads;
}

size_t rs_sched_topk_sort_elems(void)
{
    /* A sorted part holds under 2 * RS_TOPK_SORT_PART keys unless there is one per thread
     * (then at most a thread's share of the row); the sample RS_TOPK_SAMPLE_MAX. */
    const size_t part = 2 * RS_TOPK_SORT_PART;
    return part > RS_TOPK_SAMPLE_MAX ? part : RS_TOPK_SAMPLE_MAX;
}

/* Outputs wanted from the merge of parts [p, p + width) and [p + width, p + 2 width). */
static size_t merge_wanted(size_t m, size_t parts, size_t p, size_t width, size_t k)
{
    const size_t len =
        rs_plan_part_begin(m, parts, p + 2 * width) - rs_plan_part_begin(m, parts, p);
    return len < k ? len : k;
}

/* Sorts the m kept pairs in K[1]/I[1] by parts and merges them until the first k are in
 * order; returns which of the buffers holds them. */
static int sort_kept(const rs_job *job, unsigned t, unsigned threads, unsigned char *K[2],
                     unsigned char *I[2], size_t m, void *scratch)
{
    const size_t k = job->out_n;
    const size_t kb = rs_split_key_bytes(job), pb = job->perm_bytes;
    size_t parts = m / RS_TOPK_SORT_PART;
    parts = parts < 1 ? 1 : parts > threads ? threads : parts;
    if (t < parts) {
        size_t lo, hi;
        rs_plan_part(m, parts, t, &lo, &hi);
        rs_row_kern_sort_pairs(job->kern, job->ops[0].info->key_bits, job->perm_bytes,
                               K[1] + lo * kb, I[1] + lo * pb, hi - lo, scratch);
    }
    int cur = 1;
    for (size_t width = 1; width < parts; width *= 2) {
        /* Only the first k outputs of each merge can reach the first k: the threads share
         * those (the other outputs are never read). */
        size_t wanted = 0;
        for (size_t p = 0; p < parts; p += 2 * width)
            wanted += merge_wanted(m, parts, p, width, k);
        size_t lo, hi; /* this thread's share of the wanted outputs */
        rs_plan_part(wanted, threads, t, &lo, &hi);
#pragma omp barrier
        size_t at = 0; /* the wanted outputs of the merges before p */
        for (size_t p = 0; p < parts && at < hi; p += 2 * width) {
            const size_t count = merge_wanted(m, parts, p, width, k);
            const size_t from = lo > at ? lo : at, to = hi < at + count ? hi : at + count;
            if (from < to) {
                const size_t a = rs_plan_part_begin(m, parts, p);
                const size_t b = rs_plan_part_begin(m, parts, p + width);
                const size_t c = rs_plan_part_begin(m, parts, p + 2 * width);
                rs_split_merge(job, K[cur], I[cur], K[!cur], I[!cur], a, b, c, a + from - at,
                               a + to - at);
            }
            at += count;
        }
        cur = !cur;
    }
    return cur;
}

void rs_sched_topk_body(const rs_job *job, unsigned t, unsigned threads,
                        const rs_split_shared *shared, void *scratch)
{
    const size_t n = job->n, k = job->out_n;
    const rs_operand_plan *op = &job->ops[0];
    const size_t kb = rs_split_key_bytes(job), pb = job->perm_bytes;
    unsigned char *K[2] = {shared->buf[RS_SPLIT_KEYS0], shared->buf[RS_SPLIT_KEYS1]};
    unsigned char *I[2] = {shared->buf[RS_SPLIT_IDX0], shared->buf[RS_SPLIT_IDX1]};
    size_t *const kept_by = shared->words + THRESHOLD_WORDS;
    size_t lo, hi;
    rs_plan_part(n, threads, t, &lo, &hi);
    for (size_t row = 0; row < job->rows; row++) {
        const unsigned char *src = op->in + row * op->in_stride_bytes;
        if (t == 0) { /* the sample sorted in the second position buffer */
            const uint64_t threshold = rs_row_topk_threshold(job, src, 0, n, k, I[1], scratch);
            memcpy(shared->words, &threshold, sizeof threshold);
        }
#pragma omp barrier
        uint64_t threshold;
        memcpy(&threshold, shared->words, sizeof threshold);
        kept_by[t] = rs_row_topk_collect(job, src, lo, hi, threshold, K[0] + lo * kb,
                                         I[0] + lo * pb, scratch);
#pragma omp barrier
        size_t m = 0, offset = 0;
        for (unsigned p = 0; p < threads; p++) {
            if (p == t)
                offset = m;
            m += kept_by[p];
        }
        if (m < k) {
            rs_sched_split_row(job, row, t, threads, shared, scratch);
            continue;
        }
        /* The kept keys and positions gathered in input order. */
        const size_t kept = kept_by[t];
        memcpy(K[1] + offset * kb, K[0] + lo * kb, kept * kb);
        memcpy(I[1] + offset * pb, I[0] + lo * pb, kept * pb);
#pragma omp barrier
        const int cur = sort_kept(job, t, threads, K, I, m, scratch);
#pragma omp barrier
        size_t out_lo, out_hi;
        rs_plan_part(k, threads, t, &out_lo, &out_hi);
        rs_sched_split_write(job, row, I[cur], out_lo, out_hi, shared, 0);
        /* The next row reuses the buffers others may still read. */
#pragma omp barrier
    }
}
