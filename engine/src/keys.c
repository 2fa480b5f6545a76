/* keys.c - order-preserving key encodings (see keys.h). */
#include "keys.h"

#include <string.h>

#include "rowsort.h"

rs_order rs_order_from_flags(unsigned flags)
{
    const int desc = (flags & ROWSORT_DESCENDING) != 0;
    const int nans_last = (flags & ROWSORT_NANS_LAST) != 0;
    if (flags & ROWSORT_TOTAL_ORDER) {
        if (desc)
            return nans_last ? RS_ORDER_TOTAL_DESC_NANS_LAST : RS_ORDER_TOTAL_DESC;
        return nans_last ? RS_ORDER_TOTAL_ASC_NANS_LAST : RS_ORDER_TOTAL_ASC;
    }
    if (desc)
        return nans_last ? RS_ORDER_DESC_NANS_LAST : RS_ORDER_DESC;
    return RS_ORDER_ASC;
}

static int order_is_descending(rs_order order)
{
    return order == RS_ORDER_DESC || order == RS_ORDER_DESC_NANS_LAST ||
           order == RS_ORDER_TOTAL_DESC || order == RS_ORDER_TOTAL_DESC_NANS_LAST;
}

typedef struct key_params {
    rs_key_class cls;
    rs_order order;
    int canonical;
    int descending;
    uint64_t mask;    /* all ones in the key width */
    uint64_t sign;    /* sign bit of the source value */
    uint64_t nans;    /* NaNs of one sign: 2^mant - 1 */
    uint64_t inf_abs; /* bits of +inf */
} key_params;

static key_params params_of(const rs_dtype_info *info, rs_order order, int canonical)
{
    key_params p;
    p.cls = info->key_class;
    p.order = order;
    p.canonical = canonical;
    p.descending = order_is_descending(order);
    p.mask = info->key_bits == 64 ? UINT64_MAX : ((uint64_t)1 << info->key_bits) - 1;
    const unsigned src_bits =
        info->key_class == RS_KEY_FLOAT ? info->key_bits : (unsigned)(info->size * 8);
    p.sign = (uint64_t)1 << (src_bits - 1);
    p.nans = info->key_class == RS_KEY_FLOAT ? ((uint64_t)1 << info->mant_bits) - 1 : 0;
    p.inf_abs = (p.sign - 1) & ~p.nans;
    return p;
}

/* totalOrder transform and its inverse. */
static inline uint64_t total_of(uint64_t u, const key_params *p)
{
    return (u & p->sign) ? (~u & p->mask) : (u | p->sign);
}

static inline uint64_t total_inverse(uint64_t t, const key_params *p)
{
    return (t & p->sign) ? (t & ~p->sign) : (~t & p->mask);
}

/* In a totalOrder-like space with the M negative NaNs at the bottom and the M positive
 * NaNs at the top, moves the bottom NaNs just below the top ones: non-NaNs first, then
 * the bottom NaNs, then the top NaNs. Bijective. */
static inline uint64_t nans_to_top(uint64_t x, const key_params *p)
{
    const uint64_t m = p->nans;
    if (x < m)
        return (x - 2 * m) & p->mask;
    if (x > p->mask - m)
        return x;
    return x - m;
}

static inline uint64_t nans_to_top_inverse(uint64_t k, const key_params *p)
{
    const uint64_t m = p->nans;
    const uint64_t first_nan = (0 - 2 * m) & p->mask;
    if (k < first_nan)
        return k + m;
    if (k < first_nan + m)
        return (k + 2 * m) & p->mask;
    return k;
}

static inline uint64_t encode_one(uint64_t u, const key_params *p)
{
    const uint64_t mask = p->mask;
    const uint64_t m = p->nans;
    switch (p->cls) {
    case RS_KEY_BOOL:
        u = p->canonical ? (u != 0) : u;
        return p->descending ? (~u & mask) : u;
    case RS_KEY_UINT:
        return p->descending ? (~u & mask) : u;
    case RS_KEY_SINT:
        u ^= p->sign;
        return p->descending ? (~u & mask) : u;
    case RS_KEY_FLOAT:
        break;
    }
    const int total = p->order >= RS_ORDER_TOTAL_ASC;
    if (p->canonical && !total) {
        const uint64_t abs = u & ~p->sign;
        if (abs > p->inf_abs)
            u = mask >> 1; /* every NaN becomes the same positive NaN */
        else if (abs == 0)
            u = 0; /* -0.0 becomes +0.0 */
    }
    const uint64_t t = total_of(u, p);
    switch (p->order) {
    case RS_ORDER_ASC:
        return (t - m) & mask;
    case RS_ORDER_DESC:
        return ~(t - m) & mask;
    case RS_ORDER_DESC_NANS_LAST:
        return (~(t - m) - 2 * m) & mask;
    case RS_ORDER_TOTAL_ASC:
        return t;
    case RS_ORDER_TOTAL_DESC:
        return ~t & mask;
    case RS_ORDER_TOTAL_ASC_NANS_LAST:
        return nans_to_top(t, p);
    case RS_ORDER_TOTAL_DESC_NANS_LAST:
        return nans_to_top(~t & mask, p);
    }
    return t;
}

static inline uint64_t decode_one(uint64_t k, const key_params *p)
{
    const uint64_t mask = p->mask;
    const uint64_t m = p->nans;
    switch (p->cls) {
    case RS_KEY_BOOL:
    case RS_KEY_UINT:
        return p->descending ? (~k & mask) : k;
    case RS_KEY_SINT:
        return (p->descending ? (~k & mask) : k) ^ p->sign;
    case RS_KEY_FLOAT:
        break;
    }
    uint64_t t = k;
    switch (p->order) {
    case RS_ORDER_ASC:
        t = (k + m) & mask;
        break;
    case RS_ORDER_DESC:
        t = (~k + m) & mask;
        break;
    case RS_ORDER_DESC_NANS_LAST:
        t = (~((k + 2 * m) & mask) + m) & mask;
        break;
    case RS_ORDER_TOTAL_ASC:
        t = k;
        break;
    case RS_ORDER_TOTAL_DESC:
        t = ~k & mask;
        break;
    case RS_ORDER_TOTAL_ASC_NANS_LAST:
        t = nans_to_top_inverse(k, p);
        break;
    case RS_ORDER_TOTAL_DESC_NANS_LAST:
        t = ~nans_to_top_inverse(k, p) & mask;
        break;
    }
    return total_inverse(t, p);
}

/* One loop per key width; the switch in encode_one/decode_one is loop-invariant. */
#define RS_KEYS_LOOPS(T, bits)                                        \
    static void encode_##bits(T *keys, size_t n, const key_params *p) \
    {                                                                 \
        for (size_t i = 0; i < n; i++)                                \
            keys[i] = (T)encode_one(keys[i], p);                      \
    }                                                                 \
    static void decode_##bits(T *keys, size_t n, const key_params *p) \
    {                                                                 \
        for (size_t i = 0; i < n; i++)                                \
            keys[i] = (T)decode_one(keys[i], p);                      \
    }
RS_KEYS_LOOPS(uint16_t, 16)
RS_KEYS_LOOPS(uint32_t, 32)
RS_KEYS_LOOPS(uint64_t, 64)
#undef RS_KEYS_LOOPS

void rs_keys_encode(const rs_dtype_info *info, rs_order order, int canonical, void *keys, size_t n)
{
    const key_params p = params_of(info, order, canonical);
    switch (info->key_bits) {
    case 16:
        encode_16(keys, n, &p);
        break;
    case 32:
        encode_32(keys, n, &p);
        break;
    default:
        encode_64(keys, n, &p);
        break;
    }
}

void rs_keys_decode(const rs_dtype_info *info, rs_order order, void *keys, size_t n)
{
    const key_params p = params_of(info, order, 0);
    switch (info->key_bits) {
    case 16:
        decode_16(keys, n, &p);
        break;
    case 32:
        decode_32(keys, n, &p);
        break;
    default:
        decode_64(keys, n, &p);
        break;
    }
}

static inline size_t perm_at(const void *perm, unsigned perm_bytes, size_t i)
{
    if (perm == NULL)
        return i;
    if (perm_bytes == 4)
        return ((const uint32_t *)perm)[i];
    return (size_t)((const uint64_t *)perm)[i];
}

void rs_keys_extract(const rs_dtype_info *info, const void *row, unsigned word, const void *perm,
                     unsigned perm_bytes, size_t n, void *keys)
{
    const unsigned char *base = row;
    const size_t elem = info->size;
    const size_t src_bytes = elem / info->words;
    const size_t key_bytes = rs_key_word_bytes(info);
    const size_t offset = word * src_bytes;
    if (perm == NULL && src_bytes == key_bytes && info->words == 1) {
        memcpy(keys, row, n * elem);
        return;
    }
    unsigned char *out = keys;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *src = base + perm_at(perm, perm_bytes, i) * elem + offset;
        if (src_bytes == key_bytes) {
            memcpy(out + i * key_bytes, src, key_bytes);
        } else { /* 8-bit values widen to 16-bit keys */
            const uint16_t v = *src;
            memcpy(out + i * key_bytes, &v, sizeof v);
        }
    }
}

void rs_keys_store(const rs_dtype_info *info, const void *keys, size_t n, void *row)
{
    if (rs_key_word_bytes(info) == info->size) {
        memcpy(row, keys, n * info->size);
        return;
    }
    const uint16_t *k = keys; /* 8-bit values in 16-bit keys */
    unsigned char *out = row;
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)k[i];
}

int rs_keys_equal_is_identical(const rs_dtype_info *info, rs_order order)
{
    switch (info->key_class) {
    case RS_KEY_UINT:
    case RS_KEY_SINT:
        return 1;
    case RS_KEY_FLOAT:
        return order >= RS_ORDER_TOTAL_ASC;
    case RS_KEY_BOOL:
        break;
    }
    return 0;
}

int rs_keys_xform(const rs_dtype_info *info, rs_order order, int canonical, rs_key_xform *x)
{
    if (info->words != 1 || info->size * 8 != info->key_bits)
        return 0;
    const key_params p = params_of(info, order, canonical);
    memset(x, 0, sizeof *x);
    x->flip = p.descending ? p.mask : 0;
    switch (p.cls) {
    case RS_KEY_BOOL:
        return 0; /* 8-bit anyway */
    case RS_KEY_UINT:
        return 1;
    case RS_KEY_SINT:
        x->sign = p.sign;
        return 1;
    case RS_KEY_FLOAT:
        break;
    }
    const uint64_t m = p.nans;
    x->sign = p.sign;
    x->fold_negative = 1;
    x->inf_abs = p.inf_abs;
    x->canon_nan = p.mask >> 1;
    switch (order) {
    case RS_ORDER_ASC:
        x->sub1 = m;
        break;
    case RS_ORDER_DESC:
        x->sub1 = m;
        break;
    case RS_ORDER_DESC_NANS_LAST:
        x->sub1 = m;
        x->sub2 = 2 * m;
        break;
    case RS_ORDER_TOTAL_ASC:
    case RS_ORDER_TOTAL_DESC:
        return 1; /* totalOrder: bits are distinct keys, nothing to canonicalize */
    case RS_ORDER_TOTAL_ASC_NANS_LAST:
    case RS_ORDER_TOTAL_DESC_NANS_LAST:
        return 0;
    }
    x->canonicalize = canonical;
    return 1;
}
