/* row_sort.h - sorting one row of a request: keys, payloads, indices, top-k. Single-threaded. */
#ifndef RS_ROW_SORT_H
#define RS_ROW_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "dtype.h"
#include "kernels.h"
#include "keys.h"

typedef struct rs_operand_plan {
    const rs_dtype_info *info;
    const unsigned char *in;
    size_t in_stride_bytes;
    unsigned char *out; /* == in when sorting in place */
    size_t out_stride_bytes;
} rs_operand_plan;

/* Everything a worker needs to sort any row of a request: validated, read-only. */
typedef struct rs_job {
    const rs_kernel_table *kern;
    size_t rows;
    size_t n;
    size_t out_n; /* n, or k for top-k */
    size_t num_operands;
    size_t num_keys;
    const rs_operand_plan *ops;
    rs_order order;
    int values_only;        /* one key, no payload, no indices, unstable, whole row */
    int stable_refill;      /* values_only for a stable float sort: zeros and NaNs put back
                             * in input order after the sort (row_refill.h) */
    unsigned char *idx_out; /* NULL: no index output */
    size_t idx_stride_bytes;
    unsigned idx_out_bytes; /* 4 or 8 */
    unsigned perm_bytes;    /* 4 while n fits in uint32_t, else 8 */
} rs_job;

/* Kernel calls by key width (16, 32, 64) and index width (4, 8 bytes), on table k. */
void rs_row_kern_sort(const rs_kernel_table *k, unsigned key_bits, void *keys, size_t n,
                      void *scratch);
void rs_row_kern_sort_pairs(const rs_kernel_table *k, unsigned key_bits, unsigned idx_bytes,
                            void *keys, void *idx, size_t n, void *scratch);
/* pos[0..n) = the stable argsort of keys[0..n) (positions of equal keys ascending); the keys
 * are left unspecified. */
void rs_row_kern_argsort(const rs_kernel_table *k, unsigned key_bits, unsigned idx_bytes,
                         void *keys, void *pos, size_t n, void *scratch);

/* keys[0..n) = the keys of elements src[0..n) of operand op (a one-word dtype), injective or
 * canonical, through the table's fused recipe entries when the encoding is a recipe. */
void rs_row_encode(const rs_job *job, const rs_operand_plan *op, const void *src, size_t n,
                   int canonical, void *keys);
/* Decodes injective keys[0..n) (overwriting them) and stores the elements at dst. */
void rs_row_decode_store(const rs_job *job, const rs_operand_plan *op, void *keys, size_t n,
                         void *dst);

/* out[j] = in[perm[j]] for j in [begin, end); elements of `size` bytes; perm holds uint32_t
 * when perm_bytes is 4, else uint64_t. */
void rs_row_gather(const unsigned char *in, unsigned char *out, size_t size, const void *perm,
                   unsigned perm_bytes, size_t begin, size_t end);

/* pass_idx[i] = perm[pass_idx[i]] for i < n (a permutation applied after another), indices
 * of perm_bytes (4 or 8). */
void rs_row_compose(const void *perm, void *pass_idx, unsigned perm_bytes, size_t n);

/* Writes indices [begin, end) of the row from perm (the job's index output and width). */
void rs_row_write_indices(const rs_job *job, size_t row, const void *perm, size_t begin,
                          size_t end);

/* Key i of keys of key_bits bits (16, 32 or 64). */
static inline uint64_t rs_row_key_get(const void *keys, unsigned key_bits, size_t i)
{
    switch (key_bits) {
    case 16:
        return ((const uint16_t *)keys)[i];
    case 32:
        return ((const uint32_t *)keys)[i];
    default:
        return ((const uint64_t *)keys)[i];
    }
}

/* The canonical keys (rs_row_encode with canonical = 1) that stand for several values of
 * the operand's dtype in the job's order: +0.0's (also -0.0's) and a NaN's (every NaN's),
 * for floats outside totalOrder; their count (2, or 0 where equal values are identical
 * bits). Every other canonical key decodes to the value it was built from. */
size_t rs_row_shared_keys(const rs_job *job, const rs_operand_plan *op, uint64_t keys[2]);

/* The index row of `row` when the job's only output is the stable argsort of one plain key
 * into indices as wide as the permutation's (and aligned for them): the positions can then
 * be written there (no permutation buffer, no copy). NULL otherwise. */
void *rs_row_direct_indices(const rs_job *job, size_t row);

/* float32 numbers sorted ascending without NaN: the run of zeros rewritten -0.0 first, the
 * order of the encoded keys (the native sorts leave the two in any order). */
void rs_row_canon_zeros_f32(uint32_t *keys, size_t n);
void rs_row_canon_zeros_f64(uint64_t *keys, size_t n);

/* 1 when a values-only job's keys can be built, sorted and decoded in its output row (its
 * key map is a kernel recipe): no key buffer needed. */
int rs_row_values_in_place(const rs_job *job);

/* Bytes of per-thread workspace that rs_row_sort needs for this job. */
size_t rs_row_workspace_bytes(const rs_job *job);

/* Sorts rows [begin, end) of the job, as rs_row_sort on each; values-only rows stored
 * contiguously go through the kernels' batch entries in one call (short rows cost a few
 * instructions per element, not a call each). Same workspace as rs_row_sort. */
void rs_row_sort_range(const rs_job *job, size_t begin, size_t end, void *ws);

/* Sorts row `row` of the job; ws is a 64-byte aligned workspace of
 * rs_row_workspace_bytes(job) bytes owned by the calling thread. */
void rs_row_sort(const rs_job *job, size_t row, void *ws);

#endif
