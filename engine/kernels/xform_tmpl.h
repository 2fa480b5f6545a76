/*
 * xform_tmpl.h - the encode/decode entries of a kernel table (recipe in kernels.h), written
 * as plain loops that the compiler vectorizes with the including file's ISA flags.
 * Re-included per key width: no include guard. Inputs: RS_XFORM_T (uint16_t, uint32_t,
 * uint64_t), RS_XFORM_ENCODE, RS_XFORM_DECODE, RS_XFORM_ANY and, optionally, RS_XFORM_HAS
 * (function names).
 */

/* All ones where the top bit of v is set, else 0. */
#define RS_XFORM_TOP(v)                                                                        \
    ((RS_XFORM_T)((RS_XFORM_T)0 - (RS_XFORM_T)((RS_XFORM_T)(v) >> (sizeof(RS_XFORM_T) * 8 - 1))))

/* The recipe's tail ((t - sub1) ^ flip) - sub2 and its inverse ((k + sub2) ^ flip) + sub1,
 * for the flips that keys.c builds (0, or all ones for descending orders), are one add or
 * subtract with a constant: t - (sub1 + sub2) and k + (sub1 + sub2), or both c - x with
 * c = sub1 - sub2 - 1. With the sign fold written as one xor (t = u ^ (top(u) | sign)),
 * a float key costs about four vector operations each way instead of seven. */
static void RS_XFORM_ENCODE(const RS_XFORM_T *src, RS_XFORM_T *dst, size_t n,
                            const rs_key_xform *x)
{
    const RS_XFORM_T sign = (RS_XFORM_T)x->sign, sub1 = (RS_XFORM_T)x->sub1;
    const RS_XFORM_T flip = (RS_XFORM_T)x->flip, sub2 = (RS_XFORM_T)x->sub2;
    const RS_XFORM_T inf_abs = (RS_XFORM_T)x->inf_abs, canon_nan = (RS_XFORM_T)x->canon_nan;
    const RS_XFORM_T add = (RS_XFORM_T)(sub1 + sub2), rev = (RS_XFORM_T)(sub1 - sub2 - 1u);
    /* Loop variants without data-dependent branches on the recipe, so each vectorizes. */
    if (x->fold_negative && x->canonicalize) {
        for (size_t i = 0; i < n; i++) {
            RS_XFORM_T u = src[i];
            const RS_XFORM_T a = u & (RS_XFORM_T)~sign;
            u = a > inf_abs ? canon_nan : u;
            u = a == 0 ? 0 : u;
            const RS_XFORM_T t = (RS_XFORM_T)(u ^ (RS_XFORM_TOP(u) | sign));
            dst[i] = (RS_XFORM_T)((RS_XFORM_T)((RS_XFORM_T)(t - sub1) ^ flip) - sub2);
        }
    } else if (x->fold_negative && flip == 0) {
        for (size_t i = 0; i < n; i++) {
            const RS_XFORM_T u = src[i];
            dst[i] = (RS_XFORM_T)((RS_XFORM_T)(u ^ (RS_XFORM_TOP(u) | sign)) - add);
        }
    } else if (x->fold_negative && flip == (RS_XFORM_T)~(RS_XFORM_T)0) {
        for (size_t i = 0; i < n; i++) {
            const RS_XFORM_T u = src[i];
            dst[i] = (RS_XFORM_T)(rev - (RS_XFORM_T)(u ^ (RS_XFORM_TOP(u) | sign)));
        }
    } else if (x->fold_negative) {
        for (size_t i = 0; i < n; i++) {
            const RS_XFORM_T u = src[i];
            const RS_XFORM_T t = (RS_XFORM_T)(u ^ (RS_XFORM_TOP(u) | sign));
            dst[i] = (RS_XFORM_T)((RS_XFORM_T)((RS_XFORM_T)(t - sub1) ^ flip) - sub2);
        }
    } else {
        const RS_XFORM_T both = sign ^ flip; /* integers: sub1 = sub2 = 0 */
        for (size_t i = 0; i < n; i++)
            dst[i] = (RS_XFORM_T)(src[i] ^ both);
    }
}

/* u = t ^ sign where t's top bit is set, else ~t: t ^ (~top(t) | sign). */
#define RS_XFORM_UNFOLD(t) ((RS_XFORM_T)((t) ^ ((RS_XFORM_T)~RS_XFORM_TOP(t) | sign)))

static void RS_XFORM_DECODE(const RS_XFORM_T *src, RS_XFORM_T *dst, size_t n,
                            const rs_key_xform *x)
{
    const RS_XFORM_T sign = (RS_XFORM_T)x->sign, sub1 = (RS_XFORM_T)x->sub1;
    const RS_XFORM_T flip = (RS_XFORM_T)x->flip, sub2 = (RS_XFORM_T)x->sub2;
    const RS_XFORM_T add = (RS_XFORM_T)(sub1 + sub2), rev = (RS_XFORM_T)(sub1 - sub2 - 1u);
    if (x->fold_negative && flip == 0) {
        for (size_t i = 0; i < n; i++) {
            const RS_XFORM_T t = (RS_XFORM_T)(src[i] + add);
            dst[i] = RS_XFORM_UNFOLD(t);
        }
    } else if (x->fold_negative && flip == (RS_XFORM_T)~(RS_XFORM_T)0) {
        for (size_t i = 0; i < n; i++) {
            const RS_XFORM_T t = (RS_XFORM_T)(rev - src[i]);
            dst[i] = RS_XFORM_UNFOLD(t);
        }
    } else if (x->fold_negative) {
        for (size_t i = 0; i < n; i++) {
            const RS_XFORM_T t =
                (RS_XFORM_T)((RS_XFORM_T)((RS_XFORM_T)(src[i] + sub2) ^ flip) + sub1);
            dst[i] = RS_XFORM_UNFOLD(t);
        }
    } else {
        const RS_XFORM_T both = sign ^ flip;
        for (size_t i = 0; i < n; i++)
            dst[i] = (RS_XFORM_T)(src[i] ^ both);
    }
}

/* Whether any of src[0..n) is a float zero or NaN, for the dtype whose infinity has the
 * magnitude inf_abs (the sign is the top bit): the magnitude minus one wraps past inf_abs
 * for a zero and stays above it for a NaN. One compare per key, no early exit: a loop the
 * compiler vectorizes (row_refill.c, stable float values). */
static int RS_XFORM_ANY(const RS_XFORM_T *src, size_t n, uint64_t inf_abs)
{
    const RS_XFORM_T mask = (RS_XFORM_T)(~(RS_XFORM_T)0 >> 1), inf = (RS_XFORM_T)inf_abs;
    RS_XFORM_T any = 0;
    for (size_t i = 0; i < n; i++)
        any |= (RS_XFORM_T)((RS_XFORM_T)((RS_XFORM_T)(src[i] & mask) - 1u) >= inf);
    return any != 0;
}

#ifdef RS_XFORM_HAS
/* Whether any of src[0..n) has the bits `key` (float -0.0 after a native sort, row_sort.c):
 * one compare per key, no early exit, vectorized as the loop above. */
static int RS_XFORM_HAS(const RS_XFORM_T *src, size_t n, uint64_t key)
{
    const RS_XFORM_T k = (RS_XFORM_T)key;
    RS_XFORM_T any = 0;
    for (size_t i = 0; i < n; i++)
        any |= (RS_XFORM_T)(src[i] == k);
    return any != 0;
}
#undef RS_XFORM_HAS
#endif

#undef RS_XFORM_TOP
#undef RS_XFORM_UNFOLD
#undef RS_XFORM_T
#undef RS_XFORM_ENCODE
#undef RS_XFORM_DECODE
#undef RS_XFORM_ANY
