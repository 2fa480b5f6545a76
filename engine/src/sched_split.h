/* sched_split.h - rows split across the whole team (sched_split.c: parts and merges; it
 * hands the rows that sched_pivot.c splits around pivots to that file), inside
 * sched_omp.c's parallel region. */
#ifndef RS_SCHED_SPLIT_H
#define RS_SCHED_SPLIT_H

#include <stddef.h>

#include "row_sort.h"

/* Buffers every thread of the team shares, one row at a time. The team owns them (kept
 * between calls, like the workspaces); each thread first-touches its own slice. */
enum { RS_SPLIT_KEYS0, RS_SPLIT_KEYS1, RS_SPLIT_IDX0, RS_SPLIT_IDX1, RS_SPLIT_TMP, RS_SPLIT_BUFS };
typedef struct rs_split_shared {
    void *buf[RS_SPLIT_BUFS];
    size_t *words; /* the pivot split's counts and cuts (sched_pivot.h), else NULL */
} rs_split_shared;

/* Bytes of each shared buffer the job needs on up to `threads` threads (0: not needed).
 * Pivot split: one, the segments' kernel scratch (rs_pivot_shared_bytes). Merges: two of n
 * keys (values-only rows whose keys can be built in the output row use that row as the
 * first), two of n positions (permutation jobs), and out_n * rs_split_tmp_bytes(job) for
 * in-place operands. */
void rs_sched_split_sizes(const rs_job *job, unsigned threads, size_t bytes[RS_SPLIT_BUFS]);

/* Words of rs_split_shared.words the job needs on `threads` threads (0: none). */
size_t rs_sched_split_words(const rs_job *job, unsigned threads);

/* Kernel scratch bytes each of `threads` threads needs. */
size_t rs_sched_split_scratch_bytes(const rs_job *job, unsigned threads);

/* Writes output positions [begin, end) of row `row` of a permutation job (every wanted
 * operand from `first` on gathered by perm, and the indices); operands sorted in place go
 * through the shared buffer RS_SPLIT_TMP, with a barrier: call from every thread of the
 * region. */
void rs_sched_split_write(const rs_job *job, size_t row, const void *perm, size_t begin,
                          size_t end, const rs_split_shared *shared, size_t first);

/* Row `row` sorted whole by the team (parts and merge-path merges): thread `t` of `threads`
 * does its share; call from every thread of the region (barriers). */
void rs_sched_split_row(const rs_job *job, size_t row, unsigned t, unsigned threads,
                        const rs_split_shared *shared, void *scratch);

/* Thread `t` of `threads` sorts its part of every row with the others: call from every
 * thread of the region, which it synchronizes with barriers. */
void rs_sched_split_body(const rs_job *job, unsigned t, unsigned threads,
                         const rs_split_shared *shared, void *scratch);

#endif
