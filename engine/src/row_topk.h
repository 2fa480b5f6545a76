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

/* Rows that select are split across threads from this length (sched_topk.c): shorter,
 * waking the team costs more than it saves (1x262144 float32 on 2 threads, AMD Zen 4:
 * 0.36 ns/element against 0.23-0.32 on one). */
#define RS_TOPK_SPLIT_MIN_N ((size_t)1 << 20)

/* Most keys the threshold's sample holds (n / 16 of them, at least 64). */
#define RS_TOPK_SAMPLE_MAX ((size_t)4096)

/* Bytes of keys encoded and tested at a time (rs_row_topk_collect): they stay in L1. */
#define RS_TOPK_CHUNK_BYTES ((size_t)8192)

/* The selection's threshold for the first k of a row of n elements (n >= RS_TOPK_MIN_N):
 * the canonical key of a sorted stride sample a little above k's share, so that at least k
 * keys are at or below it except rarely. row: the job's key operand's elements, or (encoded
 * set) their canonical keys. sample: n bytes (room for n / 16 keys and their elements);
 * scratch: RS_KERNEL_SCRATCH_BYTES(RS_TOPK_SAMPLE_MAX). */
uint64_t rs_row_topk_threshold(const rs_job *job, const void *row, int encoded, size_t n,
                               size_t k, void *sample, void *scratch);

/* The canonical keys of elements [begin, end) of the row at src that are at or below t, to
 * keys[0..m) in input order, their positions in the row (of job->perm_bytes) to pos[0..m);
 * returns m. The keys are made and tested RS_TOPK_CHUNK_BYTES at a time in chunk (of as
 * many bytes): the row's keys are never written out whole. */
size_t rs_row_topk_collect(const rs_job *job, const unsigned char *src, size_t begin, size_t end,
                           uint64_t t, void *keys, void *pos, void *chunk);

/* perm[0..k) (k = job->out_n) = the first k positions of the stable order of the row of
 * the job's key operand at src: what the whole row's stable argsort would start with.
 * keys (n keys), cand (n indices of job->perm_bytes) and scratch
 * (RS_KERNEL_SCRATCH_BYTES(n)) are work space, and so is perm beyond k. Returns 0, perm
 * undefined, when fewer than k keys fell at or below the threshold (a sample unlike the
 * row): the caller then sorts the whole row. */
int rs_row_topk_perm(const rs_job *job, const unsigned char *src, void *keys, void *perm,
                     void *cand, void *scratch);

#endif
