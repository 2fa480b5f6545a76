/*
 * order.c - the element order of DESIGN section 1, written apart from the engine so that
 * `rowsort verify` checks the engine instead of repeating it.
 *
 * Integers numerically, bool false < true (any non-zero byte is true). Floats numerically
 * with -0 == +0 and every NaN equal to every other and greater than +inf; or, with
 * TOTAL_ORDER, by IEEE 754 totalOrder on the bits. DESCENDING reverses; NANS_LAST then puts
 * the NaNs after every number, in the order the direction gives them. Complex numbers
 * compare by (real, imaginary), each part by the float rules.
 */
#include <math.h>
#include <string.h>

#include "cli.h"

static int sign_of(int c)
{
    return (c > 0) - (c < 0);
}

/* One float, as its raw bits (width bits wide) and its value. */
typedef struct float_elem {
    uint64_t bits;
    unsigned width;
    double value;
} float_elem;

static float_elem load_float(rowsort_dtype dtype, const unsigned char *p)
{
    float_elem e;
    memset(&e, 0, sizeof e);
    switch (dtype) {
    case ROWSORT_DTYPE_F16:
    case ROWSORT_DTYPE_BF16: {
        uint16_t h;
        memcpy(&h, p, sizeof h);
        e.bits = h;
        e.width = 16;
        e.value = dtype == ROWSORT_DTYPE_F16 ? cli_f16_to_f32(h) : cli_bf16_to_f32(h);
        break;
    }
    case ROWSORT_DTYPE_F32:
    case ROWSORT_DTYPE_C64: {
        float f;
        uint32_t u;
        memcpy(&f, p, sizeof f);
        memcpy(&u, p, sizeof u);
        e.bits = u;
        e.width = 32;
        e.value = f;
        break;
    }
    default: {
        double d;
        uint64_t u;
        memcpy(&d, p, sizeof d);
        memcpy(&u, p, sizeof u);
        e.bits = u;
        e.width = 64;
        e.value = d;
        break;
    }
    }
    return e;
}

/* totalOrder as an unsigned key: negatives have every bit flipped, positives the sign. */
static uint64_t total_key(const float_elem *e)
{
    const uint64_t sign = (uint64_t)1 << (e->width - 1);
    const uint64_t mask = e->width == 64 ? UINT64_MAX : (sign << 1) - 1;
    return (e->bits & sign) ? (~e->bits & mask) : (e->bits | sign);
}

static int compare_float(const float_elem *a, const float_elem *b, unsigned flags)
{
    const int desc = (flags & ROWSORT_DESCENDING) != 0;
    const int nans_last = (flags & ROWSORT_NANS_LAST) != 0;
    const int a_nan = isnan(a->value), b_nan = isnan(b->value);
    if (a_nan != b_nan && (nans_last || !(flags & ROWSORT_TOTAL_ORDER))) {
        /* One NaN: it is the greatest, so last ascending, first descending, last always
         * with NANS_LAST. */
        const int nan_goes_last = !desc || nans_last;
        return (a_nan ? 1 : -1) * (nan_goes_last ? 1 : -1);
    }
    int c;
    if (flags & ROWSORT_TOTAL_ORDER) {
        const uint64_t ka = total_key(a), kb = total_key(b);
        c = (ka > kb) - (ka < kb);
    } else if (a_nan) {
        c = 0; /* both NaN */
    } else {
        c = (a->value > b->value) - (a->value < b->value); /* -0 == +0 */
    }
    return desc ? -c : c;
}

static int compare_int(long long a, long long b, unsigned flags)
{
    const int c = (a > b) - (a < b);
    return (flags & ROWSORT_DESCENDING) ? -c : c;
}

static int compare_uint(unsigned long long a, unsigned long long b, unsigned flags)
{
    const int c = (a > b) - (a < b);
    return (flags & ROWSORT_DESCENDING) ? -c : c;
}

static long long load_signed(rowsort_dtype dtype, const void *p)
{
    switch (dtype) {
    case ROWSORT_DTYPE_I8: {
        int8_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    case ROWSORT_DTYPE_I16: {
        int16_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    case ROWSORT_DTYPE_I32: {
        int32_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    default: {
        int64_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    }
}

static unsigned long long load_unsigned(rowsort_dtype dtype, const void *p)
{
    switch (dtype) {
    case ROWSORT_DTYPE_BOOL: {
        uint8_t v;
        memcpy(&v, p, sizeof v);
        return v != 0;
    }
    case ROWSORT_DTYPE_U8: {
        uint8_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    case ROWSORT_DTYPE_U16: {
        uint16_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    case ROWSORT_DTYPE_U32: {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        return v;
    }
    }
}

int cli_order_compare(rowsort_dtype dtype, unsigned flags, const void *a, const void *b)
{
    switch (dtype) {
    case ROWSORT_DTYPE_I8:
    case ROWSORT_DTYPE_I16:
    case ROWSORT_DTYPE_I32:
    case ROWSORT_DTYPE_I64:
        return compare_int(load_signed(dtype, a), load_signed(dtype, b), flags);
    case ROWSORT_DTYPE_BOOL:
    case ROWSORT_DTYPE_U8:
    case ROWSORT_DTYPE_U16:
    case ROWSORT_DTYPE_U32:
    case ROWSORT_DTYPE_U64:
        return compare_uint(load_unsigned(dtype, a), load_unsigned(dtype, b), flags);
    case ROWSORT_DTYPE_F16:
    case ROWSORT_DTYPE_BF16:
    case ROWSORT_DTYPE_F32:
    case ROWSORT_DTYPE_F64: {
        const float_elem ea = load_float(dtype, a), eb = load_float(dtype, b);
        return compare_float(&ea, &eb, flags);
    }
    case ROWSORT_DTYPE_C64:
    case ROWSORT_DTYPE_C128: {
        const size_t half = dtype == ROWSORT_DTYPE_C64 ? 4 : 8;
        const unsigned char *pa = a, *pb = b;
        const float_elem ra = load_float(dtype, pa), rb = load_float(dtype, pb);
        const int c = compare_float(&ra, &rb, flags);
        if (c != 0)
            return sign_of(c);
        const float_elem ia = load_float(dtype, pa + half), ib = load_float(dtype, pb + half);
        return compare_float(&ia, &ib, flags);
    }
    case ROWSORT_DTYPE_COUNT:
        break;
    }
    return 0;
}
