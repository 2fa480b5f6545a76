/*
 * row_topk.h - the first k elements of a row's stable order without sorting the whole row,
 * for top-k requests whose k is small against n: the keys at or below a threshold taken
 * from a sorted sample are collected in input order, and only they are sorted.
 */
#ifndef RS_ROW_TOPK_H
#define RS_ROW_TOPK_H

#include "row_sort.h"

/* Rows at least this long take the selection (shorter ones are sorted whole). */
#define RS_TOPK_MIN_N ((size_t)1024)
/* ... when k * RS_TOPK_MAX_SHARE <= n (a larger k leaves little of the row to skip). */
#define RS_TOPK_MAX_SHARE ((size_t)8)

/* Whether the rows of this job take rs_row_topk_perm: top-k (or bottom-k) of one key of
 * one word, k small against n. */
int rs_row_topk_applies(const rs_job *job);

/* perm[0..k) (k = job->out_n) = the first k positions of the stable order of the row
 * whose canonical keys (rs_row_encode with canonical set) are keys[0..n): what the whole
 * row's stable argsort would start with. keys is overwritten; cand (n indices of
 * job->perm_bytes) and scratch (RS_KERNEL_SCRATCH_BYTES(n)) are work space, and so is perm
 * beyond k. Returns 0, perm undefined, when fewer than k keys fell at or below the
 * threshold (a sample unlike the row): the caller then sorts the whole row. */
int rs_row_topk_perm(const rs_job *job, void *keys, void *perm, void *cand, void *scratch);

#endif
