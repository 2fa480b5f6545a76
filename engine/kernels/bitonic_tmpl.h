/*
 * bitonic_tmpl.h - sorting networks and the vectorized quicksort, written once over the
 * vector vocabulary (vec_<isa>.h) and re-included per ISA and key width.
 *
 * Before each inclusion define RS_ISA (avx2, avx512) and RS_BITS (32, 64). Defines static
 * functions named rs_<isa>_u<bits>_<x>, among them
 *   RS_NAME(sort)(keys, n): sort keys[0..n) ascending in place (no scratch, no allocation).
 *   RS_NAME(small)(keys, n): the same for n <= RS_NAME(BLOCK) (one network, no branches on
 *     the data).
 * No include guard: this file is meant to be included many times; it #undefs its macros.
 *
 * The networks are bitonic sorts with the "mirror" first step (compare i with the mirrored
 * partner in each block), so that every compare-exchange puts the minimum at the lower
 * position: no direction bits. A block of R registers (R a power of two) is sorted by
 * sorting each register (sort_in), then merging blocks of 2, 4, .. R registers: mirror step
 * across registers (one of them reversed), half-cleaners across registers, and the last
 * log2(N) half-cleaners inside each register (merge_in). Short inputs are padded with the
 * largest key and only n keys are stored.
 *
 * Longer inputs: quicksort (as x86-simd-sort and vqsort): pivot = median of samples,
 * in-place partition one vector at a time (compress or table permute), recursion on the
 * smaller side, heapsort after too many levels (O(n log n) worst case), the network below
 * RS_NAME(BLOCK) keys. Runs of keys equal to the pivot are split off at once, so inputs with
 * few distinct keys cost O(n log distinct).
 */

#define RS_CAT_(a, b) a##b
#define RS_CAT(a, b)  RS_CAT_(a, b)
#define RS_NAME(x)    RS_CAT(RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), _u), RS_BITS), RS_CAT(_, x))
#define RS_V(op)      RS_CAT(RS_CAT(RS_CAT(v, RS_BITS), _), op)
#define VT            RS_CAT(RS_CAT(v, RS_BITS), _t)
#define KT            RS_CAT(RS_CAT(k, RS_BITS), _t)
#define VN            RS_CAT(RS_CAT(V, RS_BITS), _N)
#define KLT(a, b)     RS_V(klt)(a, b)
/* Registers in the largest network: 16 vectors (256 32-bit keys on AVX-512). */
#define NREGS_MAX 16
/* Vectors partitioned per step of the main partition loop. */
#ifndef RS_PART_UNROLL
#define UNROLL 4
#else
#define UNROLL RS_PART_UNROLL
#endif

enum { RS_NAME(BLOCK) = VN * NREGS_MAX };

/* Sorts R registers as one sequence of R * VN keys (register 0 first). R is a constant at
 * every call, so the loops unroll and v[] lives in registers. */
RS_VINLINE void RS_NAME(net)(VT *v, const int R)
{
#pragma GCC unroll 16
    for (int r = 0; r < R; r++)
        v[r] = RS_V(sort_in)(v[r]);
#pragma GCC unroll 4
    for (int B = 2; B <= R; B *= 2) {
#pragma GCC unroll 16
        for (int blk = 0; blk < R; blk += B) {
#pragma GCC unroll 8
            for (int r = 0; r < B / 2; r++) {
                const VT a = v[blk + r];
                const VT b = RS_V(rev)(v[blk + B - 1 - r]);
                v[blk + r] = RS_V(min)(a, b);
                v[blk + B - 1 - r] = RS_V(rev)(RS_V(max)(a, b));
            }
        }
#pragma GCC unroll 4
        for (int d = B / 4; d >= 1; d /= 2) {
#pragma GCC unroll 16
            for (int r = 0; r < R; r++) {
                if ((r & d) == 0) {
                    const VT a = v[r], b = v[r + d];
                    v[r] = RS_V(min)(a, b);
                    v[r + d] = RS_V(max)(a, b);
                }
            }
        }
#pragma GCC unroll 16
        for (int r = 0; r < R; r++)
            v[r] = RS_V(merge_in)(v[r]);
    }
}

/* Loads n keys (R * VN - VN < n <= R * VN) into R registers, sorts, stores n keys. */
RS_VINLINE void RS_NAME(net_io)(KT *keys, size_t n, const int R)
{
    VT v[NREGS_MAX];
#pragma GCC unroll 16
    for (int r = 0; r < R - 1; r++)
        v[r] = RS_V(loadu)(keys + (size_t)r * VN);
    v[R - 1] = RS_V(load_pad)(keys + (size_t)(R - 1) * VN, n - (size_t)(R - 1) * VN);
    RS_NAME(net)(v, R);
#pragma GCC unroll 16
    for (int r = 0; r < R - 1; r++)
        RS_V(storeu)(keys + (size_t)r * VN, v[r]);
    RS_V(store_part)(keys + (size_t)(R - 1) * VN, v[R - 1], n - (size_t)(R - 1) * VN);
}

/* Loads a register of keys[0..cnt) (cnt may exceed VN: a whole register; cnt may be 0). */
RS_VINLINE VT RS_NAME(load_some)(const KT *p, size_t cnt)
{
    return cnt >= VN ? RS_V(loadu)(p) : RS_V(load_pad)(p, cnt);
}

RS_VINLINE void RS_NAME(store_some)(KT *p, VT v, size_t cnt)
{
    if (cnt >= VN)
        RS_V(storeu)(p, v);
    else if (cnt > 0)
        RS_V(store_part)(p, v, cnt);
}

/* R registers hold n keys, (R / 2) * VN < n <= R * VN (R >= 4): registers wholly past n are
 * padding, sorted to the end and never stored. */
RS_VINLINE void RS_NAME(net_pad)(KT *keys, size_t n, const int R)
{
    VT v[NREGS_MAX];
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) {
        const size_t lo = (size_t)r * VN;
        v[r] = RS_NAME(load_some)(keys + lo, lo < n ? n - lo : 0);
    }
    RS_NAME(net)(v, R);
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) {
        const size_t lo = (size_t)r * VN;
        RS_NAME(store_some)(keys + lo, v[r], lo < n ? n - lo : 0);
    }
}

/* n <= BLOCK: one network of the smallest power-of-two register count that holds n. */
static void RS_NAME(small)(KT *keys, size_t n)
{
    if (n <= 1)
        return;
    const size_t nv = (n + VN - 1) / VN;
    if (nv == 1) {
        const VT v = RS_V(load_pad)(keys, n);
        RS_V(store_part)(keys, RS_V(sort_in)(v), n);
    } else if (nv == 2) {
        RS_NAME(net_io)(keys, n, 2);
    } else if (nv <= 4) {
        RS_NAME(net_pad)(keys, n, 4);
    } else if (nv <= 8) {
        RS_NAME(net_pad)(keys, n, 8);
    } else {
        RS_NAME(net_pad)(keys, n, 16);
    }
}

static void RS_NAME(sift)(KT *a, size_t root, size_t n)
{
    const KT x = a[root];
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            break;
        if (c + 1 < n && KLT(a[c], a[c + 1]))
            c++;
        if (!KLT(x, a[c]))
            break;
        a[root] = a[c];
        root = c;
    }
    a[root] = x;
}

/* The O(n log n) guarantee when pivots keep failing. */
static void RS_NAME(heapsort)(KT *a, size_t n)
{
    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        RS_NAME(sift)(a, i, n);
    for (size_t end = n - 1; end > 0; end--) {
        const KT t = a[0];
        a[0] = a[end];
        a[end] = t;
        RS_NAME(sift)(a, 0, end);
    }
}

/* Median of 4 * VN keys sampled over the whole range (n > BLOCK), sorted by a network (no
 * branches on the data). The sample positions are jittered by a hash of the position and n,
 * so that periodic inputs do not defeat them. */
static KT RS_NAME(pivot)(const KT *a, size_t n)
{
    enum { S = 4 * VN };
    KT s[S];
    const size_t step = n / S;
    uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < S; i++) {
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9u;
        s[i] = a[i * step + (size_t)((h >> 32) % step)];
    }
    RS_NAME(net_io)(s, S, 4);
    return s[S / 2];
}

/* Moves keys < p to the front, returns their count; *mn, *mx get the range of a[0..n).
 * n >= VN. */
static size_t RS_NAME(partition)(KT *a, size_t n, KT p, KT *mn, KT *mx)
{
    size_t lo = 0, hi = n;
    KT smin = a[0], smax = a[0];
    /* The first n % VN keys one by one, so that whole vectors remain. */
    for (size_t rem = n % VN; rem > 0; rem--) {
        const KT x = a[lo];
        smin = KLT(x, smin) ? x : smin;
        smax = KLT(smax, x) ? x : smax;
        if (KLT(x, p)) {
            lo++;
        } else {
            a[lo] = a[--hi];
            a[hi] = x;
        }
    }
    KT *l = a + lo, *r = a + hi;
    const VT pv = RS_V(set1)(p);
    if (hi - lo == VN) {
        const VT v = RS_V(loadu)(a + lo);
        RS_V(part)(v, pv, &l, &r);
        *mn = KLT(RS_V(hmin)(v), smin) ? RS_V(hmin)(v) : smin;
        *mx = KLT(smax, RS_V(hmax)(v)) ? RS_V(hmax)(v) : smax;
        return (size_t)(l - a);
    }
    if (hi == lo) {
        *mn = smin;
        *mx = smax;
        return lo;
    }
    if (hi - lo < 2 * UNROLL * VN) {
        /* One vector from each end is held back, so that every store lands in free
         * space (vec_avx2.h stores whole vectors on both sides). */
        const VT vl = RS_V(loadu)(a + lo);
        const VT vr = RS_V(loadu)(a + hi - VN);
        lo += VN;
        hi -= VN;
        VT vmin = RS_V(min)(vl, vr), vmax = RS_V(max)(vl, vr);
        while (hi > lo) {
            VT v;
            if ((size_t)(a + lo - l) > (size_t)(r - (a + hi))) {
                hi -= VN;
                v = RS_V(loadu)(a + hi);
            } else {
                v = RS_V(loadu)(a + lo);
                lo += VN;
            }
            vmin = RS_V(min)(vmin, v);
            vmax = RS_V(max)(vmax, v);
            RS_V(part)(v, pv, &l, &r);
        }
        RS_V(part)(vl, pv, &l, &r);
        RS_V(part)(vr, pv, &l, &r);
        const KT hmin = RS_V(hmin)(vmin), hmax = RS_V(hmax)(vmax);
        *mn = KLT(hmin, smin) ? hmin : smin;
        *mx = KLT(smax, hmax) ? hmax : smax;
        return (size_t)(l - a);
    }
    /* UNROLL vectors from each end are held back; then UNROLL vectors at a time are read
     * from the side with less free space, which leaves at least UNROLL vectors of free
     * space on both sides for their stores. */
    VT held[2 * UNROLL];
#pragma GCC unroll 16
    for (int u = 0; u < UNROLL; u++) {
        held[u] = RS_V(loadu)(a + lo + (size_t)u * VN);
        held[UNROLL + u] = RS_V(loadu)(a + hi - (size_t)(u + 1) * VN);
    }
    lo += UNROLL * VN;
    hi -= UNROLL * VN;
    VT vmin = held[0], vmax = held[0];
#pragma GCC unroll 16
    for (int u = 1; u < 2 * UNROLL; u++) {
        vmin = RS_V(min)(vmin, held[u]);
        vmax = RS_V(max)(vmax, held[u]);
    }
    while (hi - lo >= UNROLL * VN) {
        const KT *src;
        if ((size_t)(a + lo - l) > (size_t)(r - (a + hi))) {
            hi -= UNROLL * VN;
            src = a + hi;
        } else {
            src = a + lo;
            lo += UNROLL * VN;
        }
        VT v[UNROLL];
#pragma GCC unroll 16
        for (int u = 0; u < UNROLL; u++) {
            v[u] = RS_V(loadu)(src + (size_t)u * VN);
            vmin = RS_V(min)(vmin, v[u]);
            vmax = RS_V(max)(vmax, v[u]);
        }
#pragma GCC unroll 16
        for (int u = 0; u < UNROLL; u++)
            RS_V(part)(v[u], pv, &l, &r);
    }
    while (hi > lo) {
        VT v;
        if ((size_t)(a + lo - l) > (size_t)(r - (a + hi))) {
            hi -= VN;
            v = RS_V(loadu)(a + hi);
        } else {
            v = RS_V(loadu)(a + lo);
            lo += VN;
        }
        vmin = RS_V(min)(vmin, v);
        vmax = RS_V(max)(vmax, v);
        RS_V(part)(v, pv, &l, &r);
    }
#pragma GCC unroll 16
    for (int u = 0; u < 2 * UNROLL; u++)
        RS_V(part)(held[u], pv, &l, &r);
    const KT hmin = RS_V(hmin)(vmin), hmax = RS_V(hmax)(vmax);
    *mn = KLT(hmin, smin) ? hmin : smin;
    *mx = KLT(smax, hmax) ? hmax : smax;
    return (size_t)(l - a);
}

static void RS_NAME(qsort)(KT *a, size_t n, int depth)
{
    while (n > RS_NAME(BLOCK)) {
        if (depth-- <= 0) {
            RS_NAME(heapsort)(a, n);
            return;
        }
        const KT p = RS_NAME(pivot)(a, n);
        KT mn, mx;
        size_t m = RS_NAME(partition)(a, n, p, &mn, &mx);
        if (mn == mx)
            return; /* all equal */
        if (m == 0) {
            /* p is the minimum: split off every key equal to it (p + 1 cannot wrap, since
             * p < mx) and go on with the rest. */
            m = RS_NAME(partition)(a, n, (KT)(p + 1u), &mn, &mx);
            a += m;
            n -= m;
            continue;
        }
        if (m < n - m) {
            RS_NAME(qsort)(a, m, depth);
            a += m;
            n -= m;
        } else {
            RS_NAME(qsort)(a + m, n - m, depth);
            n = m;
        }
    }
    RS_NAME(small)(a, n);
}

static void RS_NAME(sort)(KT *keys, size_t n)
{
    if (n <= RS_NAME(BLOCK)) {
        RS_V(pre)(keys, n);
        RS_NAME(small)(keys, n);
        RS_V(post)(keys, n);
        return;
    }
    int depth = 0;
    for (size_t m = n; m > 1; m >>= 1)
        depth += 2;
    RS_V(pre)(keys, n);
    RS_NAME(qsort)(keys, n, depth + 4);
    RS_V(post)(keys, n);
}

/* Sorts rows of n keys each, row r at keys + r * n. Short rows: the length dispatch is
 * hoisted out of the row loop, so each row is one inlined network. */
static void RS_NAME(sort_rows)(KT *keys, size_t rows, size_t n)
{
    if (n <= 1 || rows == 0)
        return;
    if (n > RS_NAME(BLOCK)) {
        for (size_t r = 0; r < rows; r++)
            RS_NAME(sort)(keys + r * n, n);
        return;
    }
    RS_V(pre)(keys, rows * n);
    const size_t nv = (n + VN - 1) / VN;
    if (nv == 1) {
        for (size_t r = 0; r < rows; r++) {
            KT *row = keys + r * n;
            RS_V(store_part)(row, RS_V(sort_in)(RS_V(load_pad)(row, n)), n);
        }
    } else if (nv == 2) {
        for (size_t r = 0; r < rows; r++)
            RS_NAME(net_io)(keys + r * n, n, 2);
    } else if (nv <= 4) {
        for (size_t r = 0; r < rows; r++)
            RS_NAME(net_pad)(keys + r * n, n, 4);
    } else if (nv <= 8) {
        for (size_t r = 0; r < rows; r++)
            RS_NAME(net_pad)(keys + r * n, n, 8);
    } else {
        for (size_t r = 0; r < rows; r++)
            RS_NAME(small)(keys + r * n, n);
    }
    RS_V(post)(keys, rows * n);
}

#undef NREGS_MAX
#undef UNROLL
#undef KLT
#undef VN
#undef KT
#undef VT
#undef RS_V
#undef RS_NAME
#undef RS_CAT
#undef RS_CAT_
