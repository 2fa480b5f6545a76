/*
 * order.c - the element order of DESIGN section 1, for merging sorted runs. The engine's key
 * encodings are internal to it, so io keeps its own: each element becomes a (cls, key) pair
 * compared cls first. Integers and non-NaN floats are cls 1 with an order-preserving key
 * (sign bit flipped; negative floats complemented; -0 as +0), complemented for DESCENDING.
 * NaNs are cls 2 (last) or 0 (first, descending without NANS_LAST), all equal; with
 * TOTAL_ORDER floats keep their totalOrder key and only NANS_LAST moves NaNs to cls 2.
 */
#include <stdint.h>
#include <string.h>

#include "rsio.h"

typedef struct float_bits {
    uint64_t bits;
    uint64_t sign; /* the sign bit */
    uint64_t inf;  /* +inf's bits: above it (sign cleared) is NaN */
} float_bits;

static float_bits load_float(rowsort_dtype dtype, const unsigned char *p)
{
    float_bits f;
    switch (dtype) {
    case ROWSORT_DTYPE_F16:
    case ROWSORT_DTYPE_BF16: {
        uint16_t h;
        memcpy(&h, p, sizeof h);
        f.bits = h;
        f.sign = 0x8000u;
        f.inf = dtype == ROWSORT_DTYPE_F16 ? 0x7C00u : 0x7F80u;
        break;
    }
    case ROWSORT_DTYPE_F32:
    case ROWSORT_DTYPE_C64: {
        uint32_t u;
        memcpy(&u, p, sizeof u);
        f.bits = u;
        f.sign = 0x80000000u;
        f.inf = 0x7F800000u;
        break;
    }
    default: {
        memcpy(&f.bits, p, sizeof f.bits);
        f.sign = (uint64_t)1 << 63;
        f.inf = 0x7FF0000000000000u;
        break;
    }
    }
    return f;
}

static rsio_order_key float_key(float_bits f, unsigned flags)
{
    const int desc = (flags & ROWSORT_DESCENDING) != 0;
    const int nans_last = (flags & ROWSORT_NANS_LAST) != 0;
    const uint64_t mask = f.sign | (f.sign - 1);
    const int nan = (f.bits & ~f.sign) > f.inf;
    rsio_order_key k = {0, 1};
    if (nan && !(flags & ROWSORT_TOTAL_ORDER)) {
        k.cls = (!desc || nans_last) ? 2 : 0; /* every NaN equal */
        return k;
    }
    uint64_t bits = f.bits;
    if (!(flags & ROWSORT_TOTAL_ORDER) && bits == f.sign)
        bits = 0; /* -0.0 == +0.0 */
    const uint64_t key = (bits & f.sign) ? (~bits & mask) : (bits | f.sign);
    k.key = desc ? ~key : key;
    if (nan && nans_last)
        k.cls = 2;
    return k;
}

rsio_order_key rsio_order_key_of(rowsort_dtype dtype, unsigned flags, const void *p)
{
    const unsigned char *b = p;
    uint64_t key = 0;
    switch (dtype) {
    case ROWSORT_DTYPE_BOOL:
        key = b[0] != 0;
        break;
    case ROWSORT_DTYPE_U8:
        key = b[0];
        break;
    case ROWSORT_DTYPE_I8:
        key = (uint64_t)(int64_t)(int8_t)b[0] ^ ((uint64_t)1 << 63);
        break;
    case ROWSORT_DTYPE_U16: {
        uint16_t v;
        memcpy(&v, p, sizeof v);
        key = v;
        break;
    }
    case ROWSORT_DTYPE_I16: {
        int16_t v;
        memcpy(&v, p, sizeof v);
        key = (uint64_t)(int64_t)v ^ ((uint64_t)1 << 63);
        break;
    }
    case ROWSORT_DTYPE_U32: {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        key = v;
        break;
    }
    case ROWSORT_DTYPE_I32: {
        int32_t v;
        memcpy(&v, p, sizeof v);
        key = (uint64_t)(int64_t)v ^ ((uint64_t)1 << 63);
        break;
    }
    case ROWSORT_DTYPE_U64:
        memcpy(&key, p, sizeof key);
        break;
    case ROWSORT_DTYPE_I64: {
        int64_t v;
        memcpy(&v, p, sizeof v);
        key = (uint64_t)v ^ ((uint64_t)1 << 63);
        break;
    }
    case ROWSORT_DTYPE_F16:
    case ROWSORT_DTYPE_BF16:
    case ROWSORT_DTYPE_F32:
    case ROWSORT_DTYPE_F64:
    case ROWSORT_DTYPE_C64:
    case ROWSORT_DTYPE_C128:
        return float_key(load_float(dtype, b), flags);
    case ROWSORT_DTYPE_COUNT:
        break;
    }
    rsio_order_key k = {(flags & ROWSORT_DESCENDING) ? ~key : key, 1};
    return k;
}

static int compare_keys(rsio_order_key a, rsio_order_key b)
{
    if (a.cls != b.cls)
        return a.cls < b.cls ? -1 : 1;
    return (a.key > b.key) - (a.key < b.key);
}

int rsio_order_compare(rowsort_dtype dtype, unsigned flags, const void *a, const void *b)
{
    const int c =
        compare_keys(rsio_order_key_of(dtype, flags, a), rsio_order_key_of(dtype, flags, b));
    if (c != 0 || (dtype != ROWSORT_DTYPE_C64 && dtype != ROWSORT_DTYPE_C128))
        return c;
    const size_t half = dtype == ROWSORT_DTYPE_C64 ? 4 : 8;
    return compare_keys(rsio_order_key_of(dtype, flags, (const unsigned char *)a + half),
                        rsio_order_key_of(dtype, flags, (const unsigned char *)b + half));
}
