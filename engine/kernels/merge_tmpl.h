/*
 * merge_tmpl.h - the vectorized merge of two sorted runs, written once over the vector
 * vocabulary (vec_<isa>.h) and re-included per ISA and key width.
 *
 * Before each inclusion define RS_ISA (avx2, avx512) and RS_BITS (32, 64). Defines
 *   static void rs_<isa>_e_merge_u<bits>(a, na, b, nb, out, count): out[0..count) = the
 *   first count keys of the merge of the ascending runs a[0..na) and b[0..nb) (count <=
 *   na + nb; out overlaps neither).
 * Used where one row is split across threads and the sorted parts are merged (merge-path
 * slices: each thread merges `count` keys from positions found by a binary search).
 *
 * The loop keeps VN pending keys in a register, merges them with the next VN keys of the run
 * whose next key is smaller (the mirror step and half-cleaners of a bitonic merge, as in
 * bitonic_tmpl.h), stores the lower VN and keeps the upper VN. Invariant: every key stored
 * is <= the pending keys and the rest of both runs. Once a run has fewer than VN keys left,
 * the pending keys and both rests are merged by scalar code.
 * Keys only: equal keys are identical bits, so which run a tie is taken from does not show.
 * No include guard: it #undefs its macros.
 */

#define RS_CAT_(a, b) a##b
#define RS_CAT(a, b)  RS_CAT_(a, b)
#define RS_MERGE      RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), _e_merge_u), RS_BITS)
#define RS_V(op)      RS_CAT(RS_CAT(RS_CAT(v, RS_BITS), _), op)
#define VT            RS_CAT(RS_CAT(v, RS_BITS), _t)
#define KT            RS_CAT(RS_CAT(k, RS_BITS), _t)
#define VN            RS_CAT(RS_CAT(V, RS_BITS), _N)

static void RS_MERGE(const KT *a, size_t na, const KT *b, size_t nb, KT *out, size_t count)
{
    size_t i = 0, j = 0, o = 0;
    KT pend[VN];
    size_t np = 0; /* pending keys in pend[] for the scalar tail */
    if (count >= VN && na >= VN && nb >= VN) {
        VT v = RS_V(loadu)(a);
        VT w = RS_V(loadu)(b);
        i = VN;
        j = VN;
        for (;;) {
            const VT r = RS_V(rev)(w);
            RS_V(storeu)(out + o, RS_V(merge_in)(RS_V(min)(v, r)));
            o += VN;
            v = RS_V(merge_in)(RS_V(rev)(RS_V(max)(v, r)));
            if (o + VN > count)
                break;
            /* The next VN keys come from the run whose next key is smaller. */
            const int take_a = i < na && (j >= nb || a[i] <= b[j]);
            if (take_a ? i + VN > na : j + VN > nb)
                break;
            if (take_a) {
                w = RS_V(loadu)(a + i);
                i += VN;
            } else {
                w = RS_V(loadu)(b + j);
                j += VN;
            }
        }
        RS_V(storeu)(pend, v);
        np = VN;
    }
    /* Scalar: three sorted sequences, pend[0..np), a[i..na), b[j..nb). */
    size_t p = 0;
    while (o < count) {
        if (p >= np && (i >= na || j >= nb)) { /* one sequence left: copy it */
            const KT *rest = i < na ? a + i : b + j;
            memcpy(out + o, rest, (count - o) * sizeof(KT));
            break;
        }
        KT best = 0;
        int from = -1;
        if (p < np) {
            best = pend[p];
            from = 0;
        }
        if (i < na && (from < 0 || a[i] < best)) {
            best = a[i];
            from = 1;
        }
        if (j < nb && (from < 0 || b[j] < best)) {
            best = b[j];
            from = 2;
        }
        p += from == 0;
        i += from == 1;
        j += from == 2;
        out[o++] = best;
    }
}

#undef VN
#undef KT
#undef VT
#undef RS_V
#undef RS_MERGE
#undef RS_CAT
#undef RS_CAT_
