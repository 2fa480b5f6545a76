/* row_refill.c - stable float values through the unstable sort (see row_refill.h). */
#include "row_refill.h"

#include <stdint.h>
#include <string.h>

/* The bits of a float dtype: its sign, and the magnitude of infinity (NaNs are above). */
typedef struct float_bits {
    uint64_t sign, inf_abs;
} float_bits;

static float_bits bits_of(const rs_dtype_info *info)
{
    const unsigned width = (unsigned)info->size * 8u;
    float_bits b;
    b.sign = (uint64_t)1 << (width - 1);
    b.inf_abs = (b.sign - 1) & ~(((uint64_t)1 << info->mant_bits) - 1);
    return b;
}

static uint64_t load(const unsigned char *p, size_t size)
{
    uint16_t h;
    uint32_t s;
    uint64_t d;
    switch (size) {
    case 2:
        memcpy(&h, p, 2);
        return h;
    case 4:
        memcpy(&s, p, 4);
        return s;
    default:
        memcpy(&d, p, 8);
        return d;
    }
}

/* The kernel table's scan for zeros and NaNs (the scalar table's where it has none). */
static int any_special(const rs_kernel_table *k, const void *row, size_t n, size_t size,
                       float_bits b)
{
    switch (size) {
    case 2:
        return (k->zero_or_nan_u16 ? k->zero_or_nan_u16 : rs_kernels_scalar.zero_or_nan_u16)(
            row, n, b.inf_abs);
    case 4:
        return (k->zero_or_nan_u32 ? k->zero_or_nan_u32 : rs_kernels_scalar.zero_or_nan_u32)(
            row, n, b.inf_abs);
    default:
        return (k->zero_or_nan_u64 ? k->zero_or_nan_u64 : rs_kernels_scalar.zero_or_nan_u64)(
            row, n, b.inf_abs);
    }
}

int rs_refill_any(const rs_dtype_info *info, const rs_kernel_table *k, const void *p, size_t n)
{
    return any_special(k, p, n, info->size, bits_of(info));
}

rs_refill_counts rs_refill_save(const rs_dtype_info *info, const rs_kernel_table *k,
                                const void *row, size_t n, void *saved)
{
    rs_refill_counts c = {0, 0};
    const size_t size = info->size;
    const float_bits b = bits_of(info);
    if (n < 2 || !any_special(k, row, n, size, b))
        return c;
    const unsigned char *p = row;
    unsigned char *out = saved;
    for (size_t i = 0; i < n; i++) {
        const uint64_t abs = load(p + i * size, size) & (b.sign - 1);
        if (abs == 0)
            memcpy(out + c.zeros++ * size, p + i * size, size);
        else if (abs > b.inf_abs)
            memcpy(out + (n - 1 - c.nans++) * size, p + i * size, size);
    }
    return c;
}

/* The first index in [lo, hi) whose element is not a nonzero number of the given sign
 * (those come first in [lo, hi) of the sorted row). */
static size_t end_of_sign(const unsigned char *p, size_t size, float_bits b, int negative,
                          size_t lo, size_t hi)
{
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const uint64_t u = load(p + mid * size, size);
        const uint64_t abs = u & (b.sign - 1);
        const int is = abs != 0 && abs <= b.inf_abs && ((u & b.sign) != 0) == negative;
        if (is)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void rs_refill_apply(const rs_dtype_info *info, rs_order order, void *row, size_t n,
                     rs_refill_counts c, const void *saved)
{
    if (c.zeros < 2 && c.nans < 2)
        return; /* a group of one is in order */
    const size_t size = info->size;
    const float_bits b = bits_of(info);
    unsigned char *p = row;
    const unsigned char *in = saved;
    /* Where the NaNs are, and the range the numbers take: ascending [neg | 0 | pos | NaN],
     * descending [NaN | pos | 0 | neg], descending NaNs last [pos | 0 | neg | NaN]. */
    const int nans_first = order == RS_ORDER_DESC;
    const size_t nan_at = nans_first ? 0 : n - c.nans;
    const size_t lo = nans_first ? c.nans : 0, hi = nans_first ? n : n - c.nans;
    const int negatives_first = order == RS_ORDER_ASC;
    const size_t zero_at = end_of_sign(p, size, b, negatives_first, lo, hi);
    if (c.zeros >= 2)
        memcpy(p + zero_at * size, in, c.zeros * size);
    for (size_t j = 0; c.nans >= 2 && j < c.nans; j++)
        memcpy(p + (nan_at + j) * size, in + (n - 1 - j) * size, size);
}
