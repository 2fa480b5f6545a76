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
 * the pending keys and both rests are merged by scalar code. Long merges are cut in two at
 * the middle output (a binary search, as merge-path does) and the halves stepped in turn.
 * Keys only: equal keys are identical bits, so which run a tie is taken from does not show.
 * No include guard: it #undefs its macros.
 */

#include "merge_path.h"

#define RS_CAT_(a, b) a##b
#define RS_CAT(a, b)  RS_CAT_(a, b)
#define RS_MERGE      RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), _e_merge_u), RS_BITS)
#define RS_V(op)      RS_CAT(RS_CAT(RS_CAT(v, RS_BITS), _), op)
#define VT            RS_CAT(RS_CAT(v, RS_BITS), _t)
#define KT            RS_CAT(RS_CAT(k, RS_BITS), _t)
#define RS_PFX        RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), _merge), RS_BITS)
#define RS_STATE      RS_CAT(RS_PFX, _state)
#define RS_START      RS_CAT(RS_PFX, _start)
#define RS_STEP       RS_CAT(RS_PFX, _step)
#define RS_FINISH     RS_CAT(RS_PFX, _finish)
#define RS_SPLIT_AT   RS_CAT(rs_merge_path_u, RS_BITS) /* merge_path.h */
#define VN            RS_CAT(RS_CAT(V, RS_BITS), _N)

/* One merge in progress: the vector loop's state (see the header comment). */
typedef struct RS_STATE {
    const KT *a, *b;
    size_t na, nb, i, j, o, count;
    KT *out;
    VT v, w;
    int vec; /* 1 while the vector loop runs */
    int ran; /* the vector loop ran: v holds pending keys */
} RS_STATE;

static inline __attribute__((always_inline)) void RS_START(RS_STATE *s, const KT *a, size_t na,
                                                           const KT *b, size_t nb, KT *out,
                                                           size_t count)
{
    s->a = a;
    s->b = b;
    s->na = na;
    s->nb = nb;
    s->out = out;
    s->count = count;
    s->i = s->j = s->o = 0;
    s->vec = s->ran = count >= VN && na >= VN && nb >= VN;
    if (s->vec) {
        s->v = RS_V(loadu)(a);
        s->w = RS_V(loadu)(b);
        s->i = VN;
        s->j = VN;
    }
}

/* Stores VN keys and loads the next VN; vec = 0 when the vector loop must stop. */
static inline __attribute__((always_inline)) void RS_STEP(RS_STATE *s)
{
    const VT r = RS_V(rev)(s->w);
    RS_V(storeu)(s->out + s->o, RS_V(merge_in)(RS_V(min)(s->v, r)));
    s->o += VN;
    s->v = RS_V(merge_in)(RS_V(rev)(RS_V(max)(s->v, r)));
    /* The next VN keys come from the run whose next key is smaller. */
    const int take_a = s->i < s->na && (s->j >= s->nb || s->a[s->i] <= s->b[s->j]);
    if (s->o + VN > s->count || (take_a ? s->i + VN > s->na : s->j + VN > s->nb)) {
        s->vec = 0;
        return;
    }
    if (take_a) {
        s->w = RS_V(loadu)(s->a + s->i);
        s->i += VN;
    } else {
        s->w = RS_V(loadu)(s->b + s->j);
        s->j += VN;
    }
}

/* The rest by scalar code: three sorted sequences, the pending keys (if the vector loop
 * ran), a[i..na) and b[j..nb). */
static void RS_FINISH(RS_STATE *s)
{
    KT pend[VN];
    size_t np = 0, p = 0;
    if (s->ran) {
        RS_V(storeu)(pend, s->v);
        np = VN;
    }
    const KT *a = s->a, *b = s->b;
    size_t i = s->i, j = s->j, o = s->o;
    while (o < s->count) {
        if (p >= np && (i >= s->na || j >= s->nb)) { /* one sequence left: copy it */
            const KT *rest = i < s->na ? a + i : b + j;
            memcpy(s->out + o, rest, (s->count - o) * sizeof(KT));
            break;
        }
        KT best = 0;
        int from = -1;
        if (p < np) {
            best = pend[p];
            from = 0;
        }
        if (i < s->na && (from < 0 || a[i] < best)) {
            best = a[i];
            from = 1;
        }
        if (j < s->nb && (from < 0 || b[j] < best)) {
            best = b[j];
            from = 2;
        }
        p += from == 0;
        i += from == 1;
        j += from == 2;
        s->out[o++] = best;
    }
}

/* Each step's keys depend on the previous step's (a chain of shuffles and min/max), so two
 * independent merges, the first and second half of the output, are stepped in turn: the
 * core overlaps their chains. */
static void RS_MERGE(const KT *a, size_t na, const KT *b, size_t nb, KT *out, size_t count)
{
    RS_STATE s[2];
    if (count < 8 * VN) {
        RS_START(&s[0], a, na, b, nb, out, count);
        while (s[0].vec)
            RS_STEP(&s[0]);
        RS_FINISH(&s[0]);
        return;
    }
    const size_t h = count / 2;
    const size_t ia = RS_SPLIT_AT(a, na, b, nb, h), jb = h - ia;
    RS_START(&s[0], a, ia, b, jb, out, h);
    RS_START(&s[1], a + ia, na - ia, b + jb, nb - jb, out + h, count - h);
    while (s[0].vec && s[1].vec) {
        RS_STEP(&s[0]);
        RS_STEP(&s[1]);
    }
    for (int k = 0; k < 2; k++) {
        while (s[k].vec)
            RS_STEP(&s[k]);
        RS_FINISH(&s[k]);
    }
}

#undef RS_SPLIT_AT
#undef RS_FINISH
#undef RS_STEP
#undef RS_START
#undef RS_STATE
#undef RS_PFX
#undef VN
#undef KT
#undef VT
#undef RS_V
#undef RS_MERGE
#undef RS_CAT
#undef RS_CAT_
