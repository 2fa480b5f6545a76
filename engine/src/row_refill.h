/*
 * row_refill.h - a stable sort of float values alone, in the default order, through the
 * unstable sort. Values that compare equal are the same bits except the zeros (-0.0, +0.0)
 * and the NaNs (either sign, any payload); the unstable sort of the injective keys puts each
 * of those two groups in one run of the row (the zeros between the negatives and the
 * positives, the NaNs at the end the order gives them). Writing each run back with the
 * group's members in their input order turns the unstable result into the stable one, bit
 * for bit: rs_refill_save before the sort, rs_refill_apply after it.
 */
#ifndef RS_ROW_REFILL_H
#define RS_ROW_REFILL_H

#include <stddef.h>

#include "dtype.h"
#include "kernels.h"
#include "keys.h"

typedef struct rs_refill_counts {
    size_t zeros, nans;
} rs_refill_counts;

/* Whether any of the n elements at p is a zero or a NaN (one pass of the kernel table's
 * vectorized scan): else no row among them needs rs_refill_save. */
int rs_refill_any(const rs_dtype_info *info, const rs_kernel_table *k, const void *p, size_t n);

/* Saves the zeros of row[0..n) in order at saved[0..), its NaNs in order at saved[n - 1]
 * downwards (saved: room for n elements of the dtype); returns their counts. One fast pass
 * when the row holds neither. */
rs_refill_counts rs_refill_save(const rs_dtype_info *info, const rs_kernel_table *k,
                                const void *row, size_t n, void *saved);

/* Rewrites the zero run and the NaN run of the row sorted in `order` (RS_ORDER_ASC, _DESC
 * or _DESC_NANS_LAST) with the values saved from it. */
void rs_refill_apply(const rs_dtype_info *info, rs_order order, void *row, size_t n,
                     rs_refill_counts counts, const void *saved);

#endif
