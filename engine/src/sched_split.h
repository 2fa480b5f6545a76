/* sched_split.h - rows split across the whole team (sched_split.c), inside sched_omp.c's
 * parallel region. */
#ifndef RS_SCHED_SPLIT_H
#define RS_SCHED_SPLIT_H

#include <stddef.h>

#include "row_sort.h"

/* Buffers every thread of the team shares, one row at a time. */
typedef struct rs_split_shared {
    void *keys[2];      /* n keys each */
    void *idx[2];       /* n positions each, or NULL for values-only jobs */
    unsigned char *tmp; /* out_n * rs_split_tmp_bytes(job), or NULL */
} rs_split_shared;

/* Allocates the shared buffers (not touched: each thread first-touches its slice).
 * ROWSORT_E_NOMEM. */
rowsort_status rs_sched_split_alloc(const rs_job *job, rs_split_shared *shared);
void rs_sched_split_free(rs_split_shared *shared);

/* Kernel scratch bytes each of `threads` threads needs. */
size_t rs_sched_split_scratch_bytes(const rs_job *job, unsigned threads);

/* Thread `t` of `threads` sorts its part of every row with the others: call from every
 * thread of the region, which it synchronizes with barriers. */
void rs_sched_split_body(const rs_job *job, unsigned t, unsigned threads,
                         const rs_split_shared *shared, void *scratch);

#endif
