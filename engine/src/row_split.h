/*
 * row_split.h - the single-threaded steps of sorting one row with several threads: each
 * thread sorts a contiguous part of the row's keys (with the row sorter's kernels), the
 * sorted parts are merged pairwise with merge-path partitioning (each thread merges an
 * equal slice of every round's output), and each thread writes a slice of the results.
 * sched_split.c runs these steps on the team; nothing here knows threads.
 *
 * Rows that can be split: one key operand of one key word (every dtype but complex), any
 * payloads, indices and top-k. Values-only jobs sort injective keys (bit-exact output);
 * the others sort (canonical key, position) pairs and merge ties by position, which gives
 * the stable order: the same bytes as rs_row_sort for every number of parts.
 */
#ifndef RS_ROW_SPLIT_H
#define RS_ROW_SPLIT_H

#include <stddef.h>

#include "row_sort.h"

/* 1 when rows of the job can be split. */
int rs_split_supported(const rs_job *job);

/* Bytes per element of the shared key buffers (two are needed), and of the position
 * buffers (two, only when !job->values_only). */
size_t rs_split_key_bytes(const rs_job *job);
size_t rs_split_idx_bytes(const rs_job *job);

/* 1 when the operand's output is its input (sorted in place). */
int rs_split_in_place(const rs_operand_plan *op);

/* Bytes per output element of the buffer that in-place operands are gathered into (0:
 * none needed). */
size_t rs_split_tmp_bytes(const rs_job *job);

/* Loads elements [begin, end) of the row's key as keys (and positions), and sorts them:
 * keys[begin, end) (idx likewise) become a sorted run. scratch: RS_KERNEL_SCRATCH_BYTES(end
 * - begin) bytes, 64-byte aligned. */
void rs_split_sort_part(const rs_job *job, size_t row, size_t begin, size_t end, void *keys,
                        void *idx, void *scratch);

/* Merges the sorted runs [a, b) and [b, c) of keys/idx into keys_out/idx_out [a, c), but only
 * output positions [out_begin, out_end) (a <= out_begin <= out_end <= c): the merge-path
 * search finds where that slice starts in each run. Ties take the first run first. */
void rs_split_merge(const rs_job *job, const void *keys, const void *idx, void *keys_out,
                    void *idx_out, size_t a, size_t b, size_t c, size_t out_begin, size_t out_end);

/* Values-only: decodes sorted keys [begin, end) (which it overwrites) into the output row. */
void rs_split_store_values(const rs_job *job, size_t row, void *keys, size_t begin, size_t end);

/* Permutation jobs: writes output positions [begin, end) (clipped to out_n) of every wanted
 * operand from `first` on and of the indices, gathering by perm (operands before `first` are
 * the caller's). Operands sorted in place are gathered into tmp (rs_split_tmp_bytes per output
 * element) and copied by rs_split_copy_back (the same `first`) once every thread has
 * gathered. */
void rs_split_gather(const rs_job *job, size_t row, const void *perm, size_t begin, size_t end,
                     unsigned char *tmp, size_t first);
void rs_split_copy_back(const rs_job *job, size_t row, const unsigned char *tmp, size_t begin,
                        size_t end, size_t first);

#endif
