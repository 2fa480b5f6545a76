/* sched_topk.h - a top-k row that selects (row_topk.h) split across the whole team, inside
 * sched_split.c's part of the parallel region. */
#ifndef RS_SCHED_TOPK_H
#define RS_SCHED_TOPK_H

#include <stddef.h>

#include "row_sort.h"
#include "sched_split.h"

/* Words of rs_split_shared.words the selection needs on `threads` threads. */
size_t rs_sched_topk_words(unsigned threads);

/* Most keys a thread sorts at a time in rs_sched_topk_body, when more than its share of the
 * row: its kernel scratch must hold RS_KERNEL_SCRATCH_BYTES of the larger. */
size_t rs_sched_topk_sort_elems(void);

/* Thread `t` of `threads` does its share of every row of a job whose rows select
 * (rs_row_topk_applies): same bytes as rs_row_sort. The shared buffers are those of a
 * split sort (rs_sched_split_sizes); call from every thread of the region. */
void rs_sched_topk_body(const rs_job *job, unsigned t, unsigned threads,
                        const rs_split_shared *shared, void *scratch);

#endif
