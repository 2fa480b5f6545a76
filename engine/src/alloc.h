/* alloc.h - checked allocation and error propagation for the engine. */
#ifndef RS_ALLOC_H
#define RS_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rowsort.h"

/* Propagates a non-OK status to the caller. */
#define RS_TRY(expr)                                  \
    do {                                              \
        const rowsort_status rs_try_status_ = (expr); \
        if (rs_try_status_ != ROWSORT_OK)             \
            return rs_try_status_;                    \
    } while (0)

/* a * b, or 0 with *overflow set when it does not fit. */
static inline size_t rs_mul_size(size_t a, size_t b, int *overflow)
{
    if (a != 0 && b > SIZE_MAX / a) {
        *overflow = 1;
        return 0;
    }
    return a * b;
}

/* bytes rounded up to a multiple of 64 (a cache line; the engine's buffer alignment). */
static inline size_t rs_round64(size_t bytes)
{
    return (bytes + 63u) & ~(size_t)63u;
}

/* Allocates count * size bytes (overflow-checked), 64-byte aligned; free() releases it. */
static inline void *rs_alloc_array(size_t count, size_t size)
{
    int overflow = 0;
    size_t bytes = rs_mul_size(count, size, &overflow);
    if (overflow)
        return NULL;
    bytes = rs_round64(bytes);
    if (bytes == 0)
        bytes = 64;
    return aligned_alloc(64, bytes);
}

#endif
