/* oracle.c - the reference sorter: values compared by DESIGN.md's rules, a stable merge sort.
 * Deliberately naive; shares nothing with engine/src (see oracle.h). */
#include "oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t oracle_dtype_size(rowsort_dtype dtype)
{
    switch (dtype) {
    case ROWSORT_DTYPE_BOOL:
    case ROWSORT_DTYPE_I8:
    case ROWSORT_DTYPE_U8:
        return 1;
    case ROWSORT_DTYPE_I16:
    case ROWSORT_DTYPE_U16:
    case ROWSORT_DTYPE_F16:
    case ROWSORT_DTYPE_BF16:
        return 2;
    case ROWSORT_DTYPE_I32:
    case ROWSORT_DTYPE_U32:
    case ROWSORT_DTYPE_F32:
        return 4;
    case ROWSORT_DTYPE_I64:
    case ROWSORT_DTYPE_U64:
    case ROWSORT_DTYPE_F64:
    case ROWSORT_DTYPE_C64:
        return 8;
    case ROWSORT_DTYPE_C128:
        return 16;
    case ROWSORT_DTYPE_COUNT:
        return 0;
    }
    return 0;
}

int oracle_dtype_is_float(rowsort_dtype dtype)
{
    return dtype == ROWSORT_DTYPE_F16 || dtype == ROWSORT_DTYPE_BF16 ||
           dtype == ROWSORT_DTYPE_F32 || dtype == ROWSORT_DTYPE_F64 || dtype == ROWSORT_DTYPE_C64 ||
           dtype == ROWSORT_DTYPE_C128;
}

double oracle_f16_to_double(uint16_t bits)
{
    const int sign = bits >> 15;
    const int exponent = (bits >> 10) & 0x1f;
    const int mantissa = bits & 0x3ff;
    double value;
    if (exponent == 0)
        value = ldexp((double)mantissa, -24); /* zero or subnormal: m * 2^-14 / 2^10 */
    else if (exponent == 31)
        value = mantissa == 0 ? INFINITY : NAN;
    else
        value = ldexp((double)(1024 + mantissa), exponent - 25); /* 1.m * 2^(e-15) */
    return sign ? -value : value;
}

double oracle_bf16_to_double(uint16_t bits)
{
    const uint32_t wide = (uint32_t)bits << 16; /* bfloat16 is the top half of a binary32 */
    float f;
    memcpy(&f, &wide, sizeof f);
    return (double)f;
}

/* One float component: its value, whether it is a NaN, and its totalOrder key (the bits with
 * the sign trick: negative -> all bits flipped, positive -> sign bit set; then the unsigned
 * order of the keys is IEEE totalOrder). */
typedef struct fval {
    double value;
    int is_nan;
    uint64_t total_key;
} fval;

static uint64_t total_key(uint64_t bits, int width)
{
    const uint64_t sign = (uint64_t)1 << (width - 1);
    const uint64_t mask = width == 64 ? ~(uint64_t)0 : (((uint64_t)1 << width) - 1);
    return (bits & sign) ? (~bits & mask) : (bits | sign);
}

static fval read_f16(const unsigned char *p)
{
    uint16_t b;
    memcpy(&b, p, 2);
    const fval v = {oracle_f16_to_double(b), (b & 0x7c00) == 0x7c00 && (b & 0x3ff) != 0,
                    total_key(b, 16)};
    return v;
}

static fval read_bf16(const unsigned char *p)
{
    uint16_t b;
    memcpy(&b, p, 2);
    const fval v = {oracle_bf16_to_double(b), (b & 0x7f80) == 0x7f80 && (b & 0x7f) != 0,
                    total_key(b, 16)};
    return v;
}

static fval read_f32(const unsigned char *p)
{
    uint32_t b;
    float f;
    memcpy(&b, p, 4);
    memcpy(&f, p, 4);
    const fval v = {(double)f, isnan(f) != 0, total_key(b, 32)};
    return v;
}

static fval read_f64(const unsigned char *p)
{
    uint64_t b;
    double d;
    memcpy(&b, p, 8);
    memcpy(&d, p, 8);
    const fval v = {d, isnan(d) != 0, total_key(b, 64)};
    return v;
}

static int sign_of(int c)
{
    return (c > 0) - (c < 0);
}

/* The float rules of DESIGN.md section 1, for one component. */
static int compare_fval(fval a, fval b, unsigned flags)
{
    int base;
    if (flags & ROWSORT_TOTAL_ORDER) {
        base = (a.total_key > b.total_key) - (a.total_key < b.total_key);
    } else if (a.is_nan || b.is_nan) {
        base = a.is_nan - b.is_nan; /* NaN == NaN, NaN > everything else */
    } else {
        base = (a.value > b.value) - (a.value < b.value); /* -0.0 == +0.0 */
    }
    const int ordered = (flags & ROWSORT_DESCENDING) ? -base : base;
    if ((flags & ROWSORT_NANS_LAST) && a.is_nan != b.is_nan)
        return a.is_nan ? 1 : -1; /* NaNs after every non-NaN, whatever the order */
    return ordered;
}

#define CMP_INT(type)             \
    do {                          \
        type x, y;                \
        memcpy(&x, pa, sizeof x); \
        memcpy(&y, pb, sizeof y); \
        base = (x > y) - (x < y); \
    } while (0)

int oracle_compare(rowsort_dtype dtype, const void *a, const void *b, unsigned flags)
{
    const unsigned char *pa = a, *pb = b;
    int base = 0;
    switch (dtype) {
    case ROWSORT_DTYPE_BOOL:
        base = (pa[0] != 0) - (pb[0] != 0);
        break;
    case ROWSORT_DTYPE_I8:
        CMP_INT(int8_t);
        break;
    case ROWSORT_DTYPE_U8:
        CMP_INT(uint8_t);
        break;
    case ROWSORT_DTYPE_I16:
        CMP_INT(int16_t);
        break;
    case ROWSORT_DTYPE_U16:
        CMP_INT(uint16_t);
        break;
    case ROWSORT_DTYPE_I32:
        CMP_INT(int32_t);
        break;
    case ROWSORT_DTYPE_U32:
        CMP_INT(uint32_t);
        break;
    case ROWSORT_DTYPE_I64:
        CMP_INT(int64_t);
        break;
    case ROWSORT_DTYPE_U64:
        CMP_INT(uint64_t);
        break;
    case ROWSORT_DTYPE_F16:
        return compare_fval(read_f16(pa), read_f16(pb), flags);
    case ROWSORT_DTYPE_BF16:
        return compare_fval(read_bf16(pa), read_bf16(pb), flags);
    case ROWSORT_DTYPE_F32:
        return compare_fval(read_f32(pa), read_f32(pb), flags);
    case ROWSORT_DTYPE_F64:
        return compare_fval(read_f64(pa), read_f64(pb), flags);
    case ROWSORT_DTYPE_C64: {
        const int re = compare_fval(read_f32(pa), read_f32(pb), flags);
        return re != 0 ? re : compare_fval(read_f32(pa + 4), read_f32(pb + 4), flags);
    }
    case ROWSORT_DTYPE_C128: {
        const int re = compare_fval(read_f64(pa), read_f64(pb), flags);
        return re != 0 ? re : compare_fval(read_f64(pa + 8), read_f64(pb + 8), flags);
    }
    case ROWSORT_DTYPE_COUNT:
        abort(); /* a bug in the test, not in the library */
    }
    return sign_of((flags & ROWSORT_DESCENDING) ? -base : base);
}

int oracle_is_nan(rowsort_dtype dtype, const void *elem)
{
    const unsigned char *p = elem;
    switch (dtype) {
    case ROWSORT_DTYPE_F16:
        return read_f16(p).is_nan;
    case ROWSORT_DTYPE_BF16:
        return read_bf16(p).is_nan;
    case ROWSORT_DTYPE_F32:
        return read_f32(p).is_nan;
    case ROWSORT_DTYPE_F64:
        return read_f64(p).is_nan;
    case ROWSORT_DTYPE_C64:
        return read_f32(p).is_nan || read_f32(p + 4).is_nan;
    case ROWSORT_DTYPE_C128:
        return read_f64(p).is_nan || read_f64(p + 8).is_nan;
    default:
        return 0;
    }
}

int oracle_compare_keys(const oracle_col *keys, size_t num_keys, size_t i, size_t j, unsigned flags)
{
    for (size_t key = 0; key < num_keys; key++) {
        const size_t size = oracle_dtype_size(keys[key].dtype);
        const unsigned char *base = keys[key].data;
        const int c = oracle_compare(keys[key].dtype, base + i * size, base + j * size, flags);
        if (c != 0)
            return c;
    }
    return 0;
}

/* Top-down merge sort of perm[lo, hi) through tmp; stable because ties take the left run. */
static void merge_sort(const oracle_col *keys, size_t num_keys, unsigned flags, size_t *perm,
                       size_t *tmp, size_t lo, size_t hi)
{
    if (hi - lo < 2)
        return;
    const size_t mid = lo + (hi - lo) / 2;
    merge_sort(keys, num_keys, flags, perm, tmp, lo, mid);
    merge_sort(keys, num_keys, flags, perm, tmp, mid, hi);
    size_t i = lo, j = mid, out = lo;
    while (i < mid && j < hi) {
        if (oracle_compare_keys(keys, num_keys, perm[i], perm[j], flags) <= 0)
            tmp[out++] = perm[i++];
        else
            tmp[out++] = perm[j++];
    }
    while (i < mid)
        tmp[out++] = perm[i++];
    while (j < hi)
        tmp[out++] = perm[j++];
    memcpy(perm + lo, tmp + lo, (hi - lo) * sizeof *perm);
}

int oracle_sort_perm(const oracle_col *keys, size_t num_keys, size_t n, unsigned flags,
                     size_t *perm)
{
    for (size_t j = 0; j < n; j++)
        perm[j] = j;
    if (n < 2)
        return 0;
    size_t *tmp = malloc(n * sizeof *tmp);
    if (tmp == NULL)
        return -1;
    merge_sort(keys, num_keys, flags & ORACLE_ORDER_FLAGS, perm, tmp, 0, n);
    free(tmp);
    return 0;
}

void oracle_apply_perm(void *dst, const void *src, const size_t *perm, size_t count,
                       size_t itemsize)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (size_t j = 0; j < count; j++)
        memcpy(d + j * itemsize, s + perm[j] * itemsize, itemsize);
}

unsigned oracle_topk_flags(rowsort_select select, unsigned flags)
{
    const unsigned kept = flags & (ROWSORT_NANS_LAST | ROWSORT_TOTAL_ORDER);
    return select == ROWSORT_SELECT_LARGEST ? (kept | ROWSORT_DESCENDING) : kept;
}
