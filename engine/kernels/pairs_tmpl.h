/*
 * pairs_tmpl.h - the vectorized sort of (64-bit key, 64-bit payload) pairs: what argsort,
 * stable sorts and several-key sorts of 64-bit keys run on (entries_tmpl.h, sort_u64_i32 and
 * sort_u64_i64), written once over the pair words of the vector vocabulary (V64_PAIRS:
 * v64_eq, v64_blend, p64_sort_in, p64_merge_in, p64_part).
 *
 * Include once per kernel file, after bitonic_tmpl.h for RS_BITS 64 (it uses that
 * instantiation's pivot and sort), with RS_ISA defined. Defines static functions
 * rs_<isa>_p64_<x>, among them
 *   sort(keys, pay, n, inplace_min_bytes): pairs ascending by key, equal keys by payload
 *     (in place, no scratch; the last argument for the payload sorts of ties).
 *
 * The quicksort of bitonic_tmpl.h on two arrays: the pivot from the keys, an in-place
 * partition that stores each vector of keys and its vector of payloads with one compress
 * (or one permutation) mask, and bitonic networks of up to 8 registers of pairs for the
 * leaves (a lane whose key changes takes its partner's payload; equal keys never move). It
 * is not stable; a pass afterwards sorts the payloads of each run of equal keys, which
 * gives the entries' contract (ties by payload: by index, since callers pass increasing
 * indices). The networks pad a short leaf with the largest key; a real key may equal it,
 * but the pads never move: every compare-exchange puts the smaller key at the lower
 * position and leaves equal keys, so the pads, the highest positions, stay there. Worst
 * case O(n log n): a heapsort after too many levels. No include guard; it #undefs its
 * macros.
 */

#define RS_CAT_(a, b) a##b
#define RS_CAT(a, b)  RS_CAT_(a, b)
#define PN(x)         RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), _p64_), x)
#define KN(x)         RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), _u64_), x)
/* Registers of keys (and as many of payloads) in the largest leaf network. */
#define PREGS  8
#define PBLOCK (PREGS * V64_N)

/* Compare-exchange of two registers of pairs: the smaller keys to (ka, pa). */
RS_VINLINE void PN(cx)(v64_t *ka, v64_t *pa, v64_t *kb, v64_t *pb)
{
    const v64_t lo = v64_min(*ka, *kb), hi = v64_max(*ka, *kb);
    const m64_t stay = v64_eq(lo, *ka);
    const v64_t qa = v64_blend(stay, *pb, *pa), qb = v64_blend(stay, *pa, *pb);
    *ka = lo;
    *kb = hi;
    *pa = qa;
    *pb = qb;
}

/* Sorts R registers of pairs (R a power of two, at most PREGS) as one sequence: each
 * register, then bitonic merges of blocks of s registers (the "mirror" first step: the
 * first block against the second reversed, the maxima stored reversed back), half-cleaners
 * across registers, and the last ones inside each register. */
RS_VINLINE void PN(net)(v64_t *k, v64_t *p, const int R)
{
    for (int i = 0; i < R; i++)
        p64_sort_in(&k[i], &p[i]);
    for (int s = 1; s < R; s *= 2) {
        for (int b = 0; b < R; b += 2 * s) {
            for (int i = 0; i < s; i++) {
                const int j = b + 2 * s - 1 - i;
                v64_t kj = v64_rev(k[j]), pj = v64_rev(p[j]);
                PN(cx)(&k[b + i], &p[b + i], &kj, &pj);
                k[j] = v64_rev(kj);
                p[j] = v64_rev(pj);
            }
            for (int d = s / 2; d >= 1; d /= 2)
                for (int j = b; j < b + 2 * s; j++)
                    if ((j & d) == 0)
                        PN(cx)(&k[j], &p[j], &k[j + d], &p[j + d]);
        }
        for (int i = 0; i < R; i++)
            p64_merge_in(&k[i], &p[i]);
    }
}

/* NR registers loaded (the last one padded), in a network of R. */
RS_VINLINE void PN(leaf_r)(uint64_t *keys, uint64_t *pay, size_t n, const int R)
{
    v64_t k[PREGS], p[PREGS];
    for (int i = 0; i < R; i++) {
        const size_t at = (size_t)i * V64_N;
        const size_t cnt = at < n ? (n - at < V64_N ? n - at : V64_N) : 0;
        k[i] = v64_load_pad(keys + at, cnt);
        p[i] = v64_load_pad(pay + at, cnt);
    }
    PN(net)(k, p, R);
    for (int i = 0; i < R; i++) {
        const size_t at = (size_t)i * V64_N;
        if (at >= n)
            break;
        const size_t cnt = n - at < V64_N ? n - at : V64_N;
        v64_store_part(keys + at, k[i], cnt);
        v64_store_part(pay + at, p[i], cnt);
    }
}

/* n <= PBLOCK pairs, none with the pad key: the smallest network that holds them. */
static void PN(leaf)(uint64_t *keys, uint64_t *pay, size_t n)
{
    if (n <= 1)
        return;
    if (n <= V64_N)
        PN(leaf_r)(keys, pay, n, 1);
    else if (n <= 2 * V64_N)
        PN(leaf_r)(keys, pay, n, 2);
    else if (n <= 4 * V64_N)
        PN(leaf_r)(keys, pay, n, 4);
    else
        PN(leaf_r)(keys, pay, n, 8);
}

static void PN(sift)(uint64_t *k, uint64_t *p, size_t root, size_t n)
{
    const uint64_t x = k[root], y = p[root];
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            break;
        if (c + 1 < n && v64_klt(k[c], k[c + 1]))
            c++;
        if (!v64_klt(x, k[c]))
            break;
        k[root] = k[c];
        p[root] = p[c];
        root = c;
    }
    k[root] = x;
    p[root] = y;
}

/* The O(n log n) guarantee when pivots keep failing (ties in any order: see sort). */
static void PN(heapsort)(uint64_t *k, uint64_t *p, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        PN(sift)(k, p, i, n);
    for (size_t end = n; end-- > 1;) {
        const uint64_t tk = k[0], tp = p[0];
        k[0] = k[end];
        p[0] = p[end];
        k[end] = tk;
        p[end] = tp;
        PN(sift)(k, p, 0, end);
    }
}

/* Moves pairs with keys < pv to the front, returns their count; *mn, *mx get the range of
 * the keys. n >= 2 * V64_N. One vector is held back from each end, then vectors are read
 * from the side with less free space, so that every whole-vector store lands in free space
 * (as bitonic_tmpl.h's partition, unrolled once). */
static size_t PN(partition)(uint64_t *K, uint64_t *P, size_t n, uint64_t pivot, uint64_t *mn,
                            uint64_t *mx)
{
    size_t lo = 0, hi = n;
    uint64_t smin = K[0], smax = K[0];
    for (size_t rem = n % V64_N; rem > 0; rem--) {
        const uint64_t x = K[lo], y = P[lo];
        smin = v64_klt(x, smin) ? x : smin;
        smax = v64_klt(smax, x) ? x : smax;
        if (v64_klt(x, pivot)) {
            lo++;
        } else {
            hi--;
            K[lo] = K[hi];
            P[lo] = P[hi];
            K[hi] = x;
            P[hi] = y;
        }
    }
    size_t l = lo, r = hi;
    const v64_t pv = v64_set1(pivot);
    const v64_t kl = v64_loadu(K + lo), pl = v64_loadu(P + lo);
    const v64_t kr = v64_loadu(K + hi - V64_N), pr = v64_loadu(P + hi - V64_N);
    lo += V64_N;
    hi -= V64_N;
    v64_t vmin = v64_min(kl, kr), vmax = v64_max(kl, kr);
    while (hi > lo) {
        size_t at;
        if (lo - l > r - hi) {
            hi -= V64_N;
            at = hi;
        } else {
            at = lo;
            lo += V64_N;
        }
        const v64_t k = v64_loadu(K + at), p = v64_loadu(P + at);
        vmin = v64_min(vmin, k);
        vmax = v64_max(vmax, k);
        p64_part(k, p, pv, K, P, &l, &r);
    }
    p64_part(kl, pl, pv, K, P, &l, &r);
    p64_part(kr, pr, pv, K, P, &l, &r);
    const uint64_t hmin = v64_hmin(vmin), hmax = v64_hmax(vmax);
    *mn = v64_klt(hmin, smin) ? hmin : smin;
    *mx = v64_klt(smax, hmax) ? hmax : smax;
    return l;
}

static void PN(qsort)(uint64_t *k, uint64_t *p, size_t n, int depth)
{
    while (n > PBLOCK) {
        if (depth-- <= 0) {
            PN(heapsort)(k, p, n);
            return;
        }
        const uint64_t pivot = KN(pivot)(k, n);
        uint64_t mn, mx;
        size_t m = PN(partition)(k, p, n, pivot, &mn, &mx);
        if (mn == mx)
            return; /* all keys equal */
        if (m == 0) {
            /* the pivot is the minimum: split off the keys equal to it (no wrap: pivot <
             * mx) and go on with the rest */
            m = PN(partition)(k, p, n, pivot + 1u, &mn, &mx);
        } else if (m < n - m) {
            PN(qsort)(k, p, m, depth);
        } else {
            PN(qsort)(k + m, p + m, n - m, depth);
            n = m;
            continue;
        }
        k += m;
        p += m;
        n -= m;
    }
    PN(leaf)(k, p, n);
}

/* Sorts the payloads of every run of equal keys ascending. */
static void PN(order_ties)(const uint64_t *k, uint64_t *p, size_t n, size_t inplace_min_bytes)
{
    size_t i = 0;
    while (i + 1 < n) {
        /* whole vectors of keys without a tie to the next key are skipped at once */
        if (i + V64_N + 1 <= n) {
            const v64_t a = v64_loadu(k + i), b = v64_loadu(k + i + 1);
            if (v64_none(v64_eq(a, b))) {
                i += V64_N;
                continue;
            }
        }
        if (k[i] != k[i + 1]) {
            i++;
            continue;
        }
        size_t j = i + 2;
        while (j < n && k[j] == k[i])
            j++;
        if (j - i <= 16) {
            for (size_t a = i + 1; a < j; a++) {
                const uint64_t x = p[a];
                size_t b = a;
                for (; b > i && p[b - 1] > x; b--)
                    p[b] = p[b - 1];
                p[b] = x;
            }
        } else {
            KN(sort)(p + i, j - i, NULL, inplace_min_bytes);
        }
        i = j;
    }
}

/* Sorts pairs (keys[i], pay[i]) ascending by key, equal keys by payload. */
static void PN(sort)(uint64_t *keys, uint64_t *pay, size_t n, size_t inplace_min_bytes)
{
    if (n <= 1)
        return;
    int depth = 4;
    for (size_t x = n; x > 1; x >>= 1)
        depth += 2;
    v64_pre(keys, n);
    PN(qsort)(keys, pay, n, depth);
    v64_post(keys, n);
    PN(order_ties)(keys, pay, n, inplace_min_bytes);
}

#undef PBLOCK
#undef PREGS
#undef KN
#undef PN
#undef RS_CAT
#undef RS_CAT_
