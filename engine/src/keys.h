/*
 * keys.h - turning values into order-preserving unsigned keys and back.
 *
 * Kernels sort unsigned integers ascending. Every dtype and order (descending, NaNs last,
 * totalOrder) is mapped onto that here. Two flavours:
 *  - injective keys (bijective on bit patterns): a values-only sort of them and the inverse
 *    map give a bit-exact permutation of the input; equal-comparing values (-0.0/+0.0, NaNs
 *    with different payloads) get distinct keys, which is allowed for unstable sorts;
 *  - canonical keys: values that compare equal get equal keys, for stable sorts and
 *    permutations (the index breaks ties).
 * Float keys start from the totalOrder transform t (sign bit flipped for positives, all
 * bits for negatives); the default order rotates t by the number of negative NaNs so that
 * every NaN lands above +inf while keeping the map bijective.
 */
#ifndef RS_KEYS_H
#define RS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "dtype.h"
#include "kernels.h"

typedef enum rs_order {
    RS_ORDER_ASC,  /* NaNs last */
    RS_ORDER_DESC, /* NaNs first */
    RS_ORDER_DESC_NANS_LAST,
    RS_ORDER_TOTAL_ASC, /* -NaN < -inf < ... < +inf < +NaN */
    RS_ORDER_TOTAL_DESC,
    RS_ORDER_TOTAL_ASC_NANS_LAST, /* NaNs moved last, keeping the direction's order */
    RS_ORDER_TOTAL_DESC_NANS_LAST
} rs_order;

rs_order rs_order_from_flags(unsigned flags);

/* Bytes of one key word of this dtype: 2, 4 or 8. */
static inline size_t rs_key_word_bytes(const rs_dtype_info *info)
{
    return info->key_bits / 8u;
}

/* keys[i] = raw bits of word `word` of element perm[i] (or i when perm is NULL) of `row`,
 * zero-extended to the key width. perm holds uint32_t when perm_bytes is 4, else uint64_t. */
void rs_keys_extract(const rs_dtype_info *info, const void *row, unsigned word, const void *perm,
                     unsigned perm_bytes, size_t n, void *keys);

/* Whether values that compare equal in this order are always the same bits (integers; floats
 * in totalOrder): then the canonical keys are the injective ones, and a stable sort of the
 * values alone is any sort of them. Not bool (any nonzero byte is true). */
int rs_keys_equal_is_identical(const rs_dtype_info *info, rs_order order);

/* Turns raw bits into keys in place. canonical: equal-comparing values get equal keys. */
void rs_keys_encode(const rs_dtype_info *info, rs_order order, int canonical, void *keys, size_t n);

/* Inverse of the injective encoding (canonical = 0), in place. */
void rs_keys_decode(const rs_dtype_info *info, rs_order order, void *keys, size_t n);

/* Fills *x with the recipe for this dtype and order (kernels.h) and returns 1, or returns 0
 * when the encoding is not such a recipe (8-bit and complex dtypes, canonical bool,
 * totalOrder with NaNs last): then use rs_keys_extract + rs_keys_encode. */
int rs_keys_xform(const rs_dtype_info *info, rs_order order, int canonical, rs_key_xform *x);

/* Writes keys (decoded raw bits) back as elements of a single-word dtype. */
void rs_keys_store(const rs_dtype_info *info, const void *keys, size_t n, void *row);

#endif
