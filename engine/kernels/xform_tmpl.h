/*
 * xform_tmpl.h - the encode/decode entries of a kernel table (recipe in kernels.h), written
 * as plain loops that the compiler vectorizes with the including file's ISA flags.
 * Re-included per key width: no include guard. Inputs: RS_XFORM_T (uint16_t, uint32_t,
 * uint64_t), RS_XFORM_ENCODE, RS_XFORM_DECODE (function names).
 */

static void RS_XFORM_ENCODE(const RS_XFORM_T *src, RS_XFORM_T *dst, size_t n,
                            const rs_key_xform *x)
{
    const RS_XFORM_T sign = (RS_XFORM_T)x->sign, sub1 = (RS_XFORM_T)x->sub1;
    const RS_XFORM_T flip = (RS_XFORM_T)x->flip, sub2 = (RS_XFORM_T)x->sub2;
    const RS_XFORM_T inf_abs = (RS_XFORM_T)x->inf_abs, canon_nan = (RS_XFORM_T)x->canon_nan;
    /* Loop variants without data-dependent branches on the recipe, so each vectorizes. */
    if (x->fold_negative && x->canonicalize) {
        for (size_t i = 0; i < n; i++) {
            RS_XFORM_T u = src[i];
            const RS_XFORM_T a = u & (RS_XFORM_T)~sign;
            u = a > inf_abs ? canon_nan : u;
            u = a == 0 ? 0 : u;
            const RS_XFORM_T t = (u & sign) ? (RS_XFORM_T)~u : (RS_XFORM_T)(u | sign);
            dst[i] = (RS_XFORM_T)((RS_XFORM_T)((RS_XFORM_T)(t - sub1) ^ flip) - sub2);
        }
    } else if (x->fold_negative) {
        for (size_t i = 0; i < n; i++) {
            const RS_XFORM_T u = src[i];
            const RS_XFORM_T t = (u & sign) ? (RS_XFORM_T)~u : (RS_XFORM_T)(u | sign);
            dst[i] = (RS_XFORM_T)((RS_XFORM_T)((RS_XFORM_T)(t - sub1) ^ flip) - sub2);
        }
    } else {
        const RS_XFORM_T both = sign ^ flip; /* integers: sub1 = sub2 = 0 */
        for (size_t i = 0; i < n; i++)
            dst[i] = (RS_XFORM_T)(src[i] ^ both);
    }
}

static void RS_XFORM_DECODE(const RS_XFORM_T *src, RS_XFORM_T *dst, size_t n,
                            const rs_key_xform *x)
{
    const RS_XFORM_T sign = (RS_XFORM_T)x->sign, sub1 = (RS_XFORM_T)x->sub1;
    const RS_XFORM_T flip = (RS_XFORM_T)x->flip, sub2 = (RS_XFORM_T)x->sub2;
    if (x->fold_negative) {
        for (size_t i = 0; i < n; i++) {
            const RS_XFORM_T t =
                (RS_XFORM_T)((RS_XFORM_T)((RS_XFORM_T)(src[i] + sub2) ^ flip) + sub1);
            dst[i] = (t & sign) ? (RS_XFORM_T)(t ^ sign) : (RS_XFORM_T)~t;
        }
    } else {
        const RS_XFORM_T both = sign ^ flip;
        for (size_t i = 0; i < n; i++)
            dst[i] = (RS_XFORM_T)(src[i] ^ both);
    }
}

#undef RS_XFORM_T
#undef RS_XFORM_ENCODE
#undef RS_XFORM_DECODE
