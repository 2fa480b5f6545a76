/*
 * oracle.h - the independent reference sorter the engine's suites compare against.
 *
 * A plain scalar stable sort on VALUES, written from DESIGN.md section 1 alone. It shares
 * no code with the library (no engine/src header; only the public enums of rowsort.h are
 * used, as names for dtypes and flags). It is slow on purpose: obviously right beats fast.
 *
 * Order (oracle_compare), for one element of one key operand:
 *  - bool: false < true, any nonzero byte is true; integers numerically;
 *  - floats (float16, bfloat16, float32, float64): numerically, -0.0 == +0.0, every NaN
 *    equal to every other NaN and greater than +inf;
 *  - ROWSORT_TOTAL_ORDER: floats by IEEE 754 totalOrder (the sign-flipped bits compared as
 *    unsigned integers): -NaN < -inf < ... < -0 < +0 < ... < +inf < +NaN, NaNs by payload;
 *  - complex: lexicographic on (real, imaginary), each part by the float rules above;
 *  - ROWSORT_DESCENDING reverses the order;
 *  - ROWSORT_NANS_LAST: NaNs are moved after every non-NaN, keeping their relative order
 *    in the sort above (for complex: per part, as the float rules are per part). With
 *    ascending non-total order this changes nothing.
 * ROWSORT_STABLE is ignored: the oracle is always stable.
 */
#ifndef RS_TEST_ORACLE_H
#define RS_TEST_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "rowsort.h"

/* The flags that change the order (everything else is ignored by the oracle). */
#define ORACLE_ORDER_FLAGS (ROWSORT_DESCENDING | ROWSORT_NANS_LAST | ROWSORT_TOTAL_ORDER)

/* Bytes per element (an independent table), 0 for an unknown dtype. */
size_t oracle_dtype_size(rowsort_dtype dtype);

/* 1 for a float or complex dtype (the dtypes where NaN, -0 and total order exist). */
int oracle_dtype_is_float(rowsort_dtype dtype);

/* 1 when the element is a NaN (for complex: either part is a NaN); 0 for non-floats. */
int oracle_is_nan(rowsort_dtype dtype, const void *elem);

/* Decodes IEEE binary16 / bfloat16 bits to a double, by hand (exact). */
double oracle_f16_to_double(uint16_t bits);
double oracle_bf16_to_double(uint16_t bits);

/* <0, 0, >0 when a sorts before, equal to, or after b under `flags`. */
int oracle_compare(rowsort_dtype dtype, const void *a, const void *b, unsigned flags);

/* One row of one operand: n contiguous elements. */
typedef struct oracle_col {
    const void *data;
    rowsort_dtype dtype;
} oracle_col;

/* Lexicographic comparison of positions i and j of a row over keys[0..num_keys). */
int oracle_compare_keys(const oracle_col *keys, size_t num_keys, size_t i, size_t j,
                        unsigned flags);

/* The stable sort of one row: perm[j] = the input position of the element that goes to
 * output position j. Returns 0, or -1 when memory ran out. */
int oracle_sort_perm(const oracle_col *keys, size_t num_keys, size_t n, unsigned flags,
                     size_t *perm);

/* dst[j] = src[perm[j]] for j < count, elements of `itemsize` bytes. */
void oracle_apply_perm(void *dst, const void *src, const size_t *perm, size_t count,
                       size_t itemsize);

/* The flags a top-k selection sorts with: LARGEST = stable descending, SMALLEST = stable
 * ascending, the caller's NANS_LAST and TOTAL_ORDER applying (DESCENDING ignored). */
unsigned oracle_topk_flags(rowsort_select select, unsigned flags);

#endif
