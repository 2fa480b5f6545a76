/* sched_pivot.h - values-only rows of 32- and 64-bit keys, and permutation jobs of 16- and 32-bit
 * keys (packed with positions), sorted by the whole team: split around
 * pivots into one segment per thread, each segment sorted by its thread, idle threads taking
 * parts of the others' (sched_pivot.c), inside sched_omp.c's parallel region. */
#ifndef RS_SCHED_PIVOT_H
#define RS_SCHED_PIVOT_H

#include <stddef.h>

#include "row_sort.h"
#include "sched_split.h"

/* 1 when the job's split rows go through the pivot split (else: parts and merges). */
int rs_pivot_supported(const rs_job *job);

/* 1 for the permutation jobs (stable, argsort, payloads) whose rows the pivot split takes
 * as packed keys, (key << 32 | position): one key of 16 or 32 bits, rows of at most 2^32
 * elements, no top-k, a table that compares int64. */
int rs_pivot_packed(const rs_job *job);

/* 1 for the dtypes whose values-only rows the pivot split takes with these kernels: one
 * 32-bit key word, or one 64-bit key word where the table compares int64 (sort_i64,
 * partition_i64). */
int rs_pivot_dtype(const rs_dtype_info *info, const rs_kernel_table *kern);

/* Kernel scratch bytes each thread needs (64-byte multiple): the pivot sample's. */
size_t rs_pivot_scratch_bytes(void);

/* Bytes of the shared buffer (RS_SPLIT_KEYS1) whose slices are the segments' kernel
 * scratch. */
size_t rs_pivot_shared_bytes(const rs_job *job, unsigned threads);

/* Words of rs_split_shared.words a team of `threads` threads needs. */
size_t rs_pivot_words(unsigned threads);

/* Thread `t` of `threads` sorts every row of the job with the others: call from every
 * thread of the region, which it synchronizes with barriers. */
void rs_sched_pivot_body(const rs_job *job, unsigned t, unsigned threads,
                         const rs_split_shared *shared, void *scratch);

#endif
