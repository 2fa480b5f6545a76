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
    unsigned char *idx_out; /* NULL: no index output */
    size_t idx_stride_bytes;
    unsigned idx_out_bytes; /* 4 or 8 */
    unsigned perm_bytes;    /* 4 while n fits in uint32_t, else 8 */
} rs_job;

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
