/* sched_split.c - each row sorted by the whole team: parts, merge-path merges, results. */
#include "sched_split.h"

#include <stdlib.h>

#include "alloc.h"
#include "row_split.h"
#include "sched_plan.h"

rowsort_status rs_sched_split_alloc(const rs_job *job, rs_split_shared *shared)
{
    const size_t n = job->n;
    const size_t kb = rs_split_key_bytes(job), ib = rs_split_idx_bytes(job);
    const size_t tb = rs_split_tmp_bytes(job);
    shared->keys[0] = rs_alloc_array(n, kb);
    shared->keys[1] = rs_alloc_array(n, kb);
    shared->idx[0] = ib ? rs_alloc_array(n, ib) : NULL;
    shared->idx[1] = ib ? rs_alloc_array(n, ib) : NULL;
    shared->tmp = tb ? rs_alloc_array(job->out_n ? job->out_n : 1, tb) : NULL;
    if (shared->keys[0] == NULL || shared->keys[1] == NULL ||
        (ib && (shared->idx[0] == NULL || shared->idx[1] == NULL)) || (tb && shared->tmp == NULL)) {
        rs_sched_split_free(shared);
        return ROWSORT_E_NOMEM;
    }
    return ROWSORT_OK;
}

void rs_sched_split_free(rs_split_shared *shared)
{
    free(shared->keys[0]);
    free(shared->keys[1]);
    free(shared->idx[0]);
    free(shared->idx[1]);
    free(shared->tmp);
    shared->keys[0] = shared->keys[1] = shared->idx[0] = shared->idx[1] = NULL;
    shared->tmp = NULL;
}

size_t rs_sched_split_scratch_bytes(const rs_job *job, unsigned threads)
{
    const size_t part = job->n / threads + 1;
    return RS_KERNEL_SCRATCH_BYTES(part);
}

/* First position of part p (p == threads: n). */
static size_t part_begin(size_t n, unsigned threads, size_t p)
{
    if (p >= threads)
        return n;
    size_t begin, end;
    rs_plan_part(n, threads, p, &begin, &end);
    return begin;
}

void rs_sched_split_body(const rs_job *job, unsigned t, unsigned threads,
                         const rs_split_shared *shared, void *scratch)
{
    const size_t n = job->n;
    size_t lo, hi;
    rs_plan_part(n, threads, t, &lo, &hi);
    for (size_t row = 0; row < job->rows; row++) {
        rs_split_sort_part(job, row, lo, hi, shared->keys[0], shared->idx[0], scratch);
        int cur = 0;
        /* Rounds of pairwise merges of runs of `width` parts; every thread writes the
         * output positions of its own part, whichever pairs they fall in. */
        for (size_t width = 1; width < threads; width *= 2) {
#pragma omp barrier
            for (size_t p = 0; p < threads; p += 2 * width) {
                const size_t a = part_begin(n, threads, p);
                const size_t b = part_begin(n, threads, p + width);
                const size_t c = part_begin(n, threads, p + 2 * width);
                const size_t from = lo > a ? lo : a, to = hi < c ? hi : c;
                if (from < to)
                    rs_split_merge(job, shared->keys[cur], shared->idx[cur], shared->keys[!cur],
                                   shared->idx[!cur], a, b, c, from, to);
            }
            cur = !cur;
        }
#pragma omp barrier
        if (job->values_only) {
            rs_split_store_values(job, row, shared->keys[cur], lo, hi);
        } else {
            rs_split_gather(job, row, shared->idx[cur], lo, hi, shared->tmp);
            if (shared->tmp != NULL) {
#pragma omp barrier
                rs_split_copy_back(job, row, shared->tmp, lo, hi);
            }
        }
        /* The next row reuses the buffers others may still read. */
#pragma omp barrier
    }
}
