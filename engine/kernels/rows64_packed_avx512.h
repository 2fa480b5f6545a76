/*
 * rows64_packed_avx512.h - batches of short 64-bit rows (33..64 keys) sorted through 32-bit
 * keys: 26 bits of each key's distance from the least key of its row, with its position in
 * the row in the 6 bits below them. AVX-512F; included by kern_avx512.c after
 * rows32_pairs_avx512.h (whose unsigned pairs networks, rs_p32_sort_rows_u32, sort the
 * packed keys), once per key kind, with
 *
 *   RS_K64_NAME     the function's name;
 *   RS_K64_ENC(v)   the kind's order-preserving encoding to unsigned 64-bit keys (in
 *                   registers: the rows are read, never rewritten, until their sorted
 *                   keys are stored);
 *   RS_K64_NAN(lo, hi)  optional: whether a row whose least and greatest encoded keys are
 *                   lo and hi holds a key that the kind refuses (float64's NaNs).
 *
 * Why: a 64-bit lane holds one key where a 32-bit pair of lanes holds two, so the 64-bit
 * networks do half the compare-exchanges per instruction of the 32-bit ones, and rows of 64
 * do not fit the register file. The keys of a row of n <= 64 seldom need more than 26 bits
 * to be told apart, once their common offset and the bits too low to matter are left out:
 *
 *  1. For each row of a block of 8: its least key lo and greatest hi (encoded), and s, the
 *     lowest bit of the 26-bit window that ends at the highest set bit of hi - lo (0 where
 *     hi - lo < 2^26). Packed key i = bits s..s+25 of key i - lo, shifted up by 6, OR i
 *     (a subtraction, a rotation and one ternary logic), narrowed to 32 bits. (A window from
 *     the bits in which the keys differ, without lo, put small signed keys of both signs
 *     all in one window.)
 *  2. The 8 rows of packed keys are sorted by the 32-bit pairs networks (unsigned). Keys
 *     with different windows are now in order; equal windows come in the order of their
 *     positions.
 *  3. Each row's key i is fetched from the row's registers by the position in packed key i
 *     (permutes), and stored. Where s = 0 the windows hold every bit of key - lo, so equal
 *     windows are equal keys. Where s > 0 and neighbours' windows are equal (for random
 *     64-bit keys about once in 30000 rows of 64; for repeated keys often), their keys are
 *     compared: in order (equal keys are), the row is stored; out of order, it is left
 *     untouched, for the caller to sort another way. So every output is exact.
 *
 * A row left costs the attempt and a sort of that row alone, about twice what the caller's
 * batch sort costs a row. So the first row of each call is probed first: where its keys
 * look crowded (one other than the least within a window's width of it, or other than
 * the greatest of the greatest: keys clustered beside an outlier, as in rows padded with a
 * sentinel), the whole call goes back to the caller's sort; and a batch whose rows are
 * left often anyway is handed back after a few blocks. Zen 4, one thread, 16384 rows of 64
 * (bench/micro/ab_libs.c, AB_DATA), against the column networks: uniform int64 1.33-1.34x,
 * float64 1.15-1.19x; 16 values repeated 1.03-1.22x; clustered below an outlier, or ragged
 * rows padded with int64's greatest value, 1.03x (0.65-0.68x without the probe, when the
 * engine handed the kernels 16 rows a call; 64 now for int64 and float64, rows64_call_bytes).
 */
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#ifndef RS_K64_COMMON
#define RS_K64_COMMON
#define RS_K64_INLINE static inline __attribute__((always_inline))
/* Bits of a row position in a packed key, and of the window above them. */
#define RS_K64_POS_BITS 6
#define RS_K64_WIN_BITS (32 - RS_K64_POS_BITS)
/* What the sort_rows function returns where RS_K64_NAN found a NaN. */
#define RS_K64_REFUSED ((size_t)-1)
/* What the pack returns for a crowded row (a probe), and the block function for a block
 * whose probe found one. */
#define RS_K64_CROWDED      (-2)
#define RS_K64_BLOCK_CROWDED 0x2FFu

/* Mask of the keys of register q (8 keys) of a row of n; of the neighbours (i, i + 1) with
 * i in register q and i + 1 < n for n - 1. (For registers of 16 packed keys,
 * rows32_pairs_avx512.h's rs_p32_lanes.) */
RS_K64_INLINE __mmask8 rs_k64_lanes(size_t n, int q)
{
    const size_t at = (size_t)q * 8;
    const size_t cnt = n > at ? n - at : 0;
    return cnt >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << cnt) - 1);
}

/* Whether neighbours of the sorted packed keys k[0..4) (n of them) have equal windows. */
RS_K64_INLINE int rs_k64_window_ties(const __m512i *k, size_t n)
{
    __mmask16 tie = 0;
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
        const __m512i next = _mm512_alignr_epi32(q < 3 ? k[q + 1] : k[q], k[q], 1);
        tie |= _mm512_mask_cmplt_epu32_mask(rs_p32_lanes(n - 1, q),
                                            _mm512_xor_si512(k[q], next),
                                            _mm512_set1_epi32(1 << RS_K64_POS_BITS));
    }
    return tie != 0;
}

/* Key i = row[pos_i] for the 8 positions in the 64-bit lanes of pos: two of the row's 8
 * registers at a time by its bits 0..3, the four results chosen by bits 4 and 5 (Zen 4:
 * 0.17 ns/key for a row of 64, where gathers from the row took 0.30). */
RS_K64_INLINE __m512i rs_k64_fetch(const __m512i *row, __m512i pos)
{
    const __m512i p01 = _mm512_permutex2var_epi64(row[0], pos, row[1]);
    const __m512i p23 = _mm512_permutex2var_epi64(row[2], pos, row[3]);
    const __m512i p45 = _mm512_permutex2var_epi64(row[4], pos, row[5]);
    const __m512i p67 = _mm512_permutex2var_epi64(row[6], pos, row[7]);
    const __mmask8 b4 = _mm512_test_epi64_mask(pos, _mm512_set1_epi64(16));
    const __mmask8 b5 = _mm512_test_epi64_mask(pos, _mm512_set1_epi64(32));
    return _mm512_mask_blend_epi64(b5, _mm512_mask_blend_epi64(b4, p01, p23),
                                   _mm512_mask_blend_epi64(b4, p45, p67));
}
#endif

#define RS_K64_CAT_(a, b) a##b
#define RS_K64_CAT(a, b)  RS_K64_CAT_(a, b)
#define RS_K64_PACK       RS_K64_CAT(RS_K64_NAME, _pack)
#define RS_K64_UNPACK     RS_K64_CAT(RS_K64_NAME, _unpack)
#define RS_K64_BLOCK      RS_K64_CAT(RS_K64_NAME, _block)

/* The row of n keys at p packed into out[0..n): key - the row's least key, bits s..s+25 of
 * it, s such that the greatest key's fits; returns s, or -1 where RS_K64_NAN found a NaN in
 * the row (out then undefined), or RS_K64_CROWDED where `probe` is set and the row looks
 * crowded (out then undefined): a key other than its least lies within a window's width
 * (2^s) of it, or one other than its greatest of the greatest (for uniform 64-bit keys,
 * about one row of 64 in 500000). Rows of keys clustered beside an outlier (as rows padded
 * with a sentinel) are, and would be left. */
RS_K64_INLINE int RS_K64_PACK(const uint64_t *p, size_t n, uint32_t *out, int probe)
{
    __m512i x[8], lo[8], hi[8];
    const __m512i first = _mm512_set1_epi64((long long)p[0]);
#pragma GCC unroll 8
    for (int q = 0; q < 8; q++) {
        const __mmask8 m = rs_k64_lanes(n, q);
        /* (registers wholly past the row: no address formed past it) */
        const __m512i v = m == 0xFF ? _mm512_loadu_si512((const void *)(p + 8 * q))
                          : m != 0  ? _mm512_mask_loadu_epi64(first, m, p + 8 * q)
                                    : first;
        x[q] = lo[q] = hi[q] = RS_K64_ENC(v);
    }
    /* The least and greatest keys, as trees (short dependency chains). */
#pragma GCC unroll 3
    for (int w = 4; w >= 1; w /= 2)
#pragma GCC unroll 4
        for (int q = 0; q < w; q++) {
            lo[q] = _mm512_min_epu64(lo[q], lo[q + w]);
            hi[q] = _mm512_max_epu64(hi[q], hi[q + w]);
        }
    const uint64_t lo_key = (uint64_t)_mm512_reduce_min_epu64(lo[0]);
    const uint64_t hi_key = (uint64_t)_mm512_reduce_max_epu64(hi[0]);
#ifdef RS_K64_NAN
    if (RS_K64_NAN(lo_key, hi_key))
        return -1;
#endif
    const uint64_t d = hi_key - lo_key;
    const unsigned lz = d == 0 ? 64u : (unsigned)__builtin_clzll(d);
    const unsigned s = lz >= 64u - RS_K64_WIN_BITS ? 0u : 64u - RS_K64_WIN_BITS - lz;
    const __m512i base = _mm512_set1_epi64((long long)lo_key);
    __m512i dist[8];
#pragma GCC unroll 8
    for (int q = 0; q < 8; q++)
        dist[q] = _mm512_sub_epi64(x[q], base);
    if (probe && s > 0) {
        /* 1 <= key - lo < 2^s, or 1 <= hi - key < 2^s, each as one unsigned compare of its
         * value less one (0 wraps to the top). */
        const __m512i one = _mm512_set1_epi64(1);
        const __m512i top = _mm512_set1_epi64((long long)(d - 1));
        const __m512i lim = _mm512_set1_epi64((long long)((UINT64_C(1) << s) - 1));
        __mmask8 crowd = 0;
#pragma GCC unroll 8
        for (int q = 0; q < 8; q++) {
            const __mmask8 m = rs_k64_lanes(n, q);
            crowd |= _mm512_mask_cmplt_epu64_mask(m, _mm512_sub_epi64(dist[q], one), lim);
            crowd |= _mm512_mask_cmplt_epu64_mask(m, _mm512_sub_epi64(top, dist[q]), lim);
        }
        if (crowd != 0)
            return RS_K64_CROWDED;
    }
    /* Rotated right by s - 6 (mod 64), the window's bits land on bits 6..31. */
    const __m512i rot = _mm512_set1_epi64((long long)((s - RS_K64_POS_BITS) & 63u));
    const __m512i low = _mm512_set1_epi64((1 << RS_K64_POS_BITS) - 1);
    const __m512i pos0 = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i even =
        _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
        __m512i w[2];
#pragma GCC unroll 2
        for (int h = 0; h < 2; h++) {
            const __m512i pos = _mm512_add_epi64(pos0, _mm512_set1_epi64(8 * (2 * q + h)));
            /* low ? pos : rotated */
            w[h] = _mm512_ternarylogic_epi64(
                _mm512_rorv_epi64(dist[2 * q + h], rot), pos, low, 0xD8);
        }
        const __m512i v = _mm512_permutex2var_epi32(w[0], even, w[1]);
        const __mmask16 m = rs_p32_lanes(n, q);
        if (m == 0xFFFF)
            _mm512_storeu_si512((void *)(out + 16 * q), v);
        else if (m != 0)
            _mm512_mask_storeu_epi32(out + 16 * q, m, v);
    }
    return (int)s;
}

/* Row p's keys in the order of its sorted packed keys pk[0..n), stored in place; 0 (the row
 * untouched) where they are not in order: neighbours with equal windows (s > 0) whose keys
 * are not. */
RS_K64_INLINE int RS_K64_UNPACK(uint64_t *p, const uint32_t *pk, size_t n, int s)
{
    __m512i k[4], row[8], out[8];
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
        const __mmask16 m = rs_p32_lanes(n, q);
        k[q] = m == 0xFFFF ? _mm512_loadu_si512((const void *)(pk + 16 * q))
                           : _mm512_maskz_loadu_epi32(m, pk + 16 * q);
    }
#pragma GCC unroll 8
    for (int q = 0; q < 8; q++) {
        const __mmask8 m = rs_k64_lanes(n, q);
        row[q] = m == 0xFF ? _mm512_loadu_si512((const void *)(p + 8 * q))
                 : m != 0  ? _mm512_maskz_loadu_epi64(m, p + 8 * q)
                           : _mm512_setzero_si512();
    }
    const __m512i low = _mm512_set1_epi32((1 << RS_K64_POS_BITS) - 1);
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
        const __m512i pos = _mm512_and_si512(k[q], low);
#pragma GCC unroll 2
        for (int h = 0; h < 2; h++)
            out[2 * q + h] = rs_k64_lanes(n, 2 * q + h) == 0
                                 ? _mm512_setzero_si512()
                                 : rs_k64_fetch(row, _mm512_cvtepu32_epi64(
                                                         h == 0 ? _mm512_castsi512_si256(pos)
                                                                : _mm512_extracti64x4_epi64(pos, 1)));
    }
    /* Equal windows are equal keys where s = 0; else their keys decide (equal keys, the
     * usual case of such neighbours, are in order). */
    if (s > 0 && rs_k64_window_ties(k, n)) {
        __mmask8 down = 0;
#pragma GCC unroll 8
        for (int q = 0; q < 8; q++) {
            const __m512i e = RS_K64_ENC(out[q]);
            const __m512i next = _mm512_alignr_epi64(q < 7 ? RS_K64_ENC(out[q + 1]) : e, e, 1);
            down |= _mm512_mask_cmpgt_epu64_mask(rs_k64_lanes(n - 1, q), e, next);
        }
        if (down != 0)
            return 0;
    }
#pragma GCC unroll 8
    for (int q = 0; q < 8; q++) {
        const __mmask8 m = rs_k64_lanes(n, q);
        if (m == 0xFF)
            _mm512_storeu_si512((void *)(p + 8 * q), out[q]);
        else if (m != 0)
            _mm512_mask_storeu_epi64(p + 8 * q, m, out[q]);
    }
    return 1;
}

/* 8 rows of n keys (32 < n <= 64), row r at keys + r * n: sorted, but those whose bit r is
 * set in the returned mask, left untouched; or none: where RS_K64_NAN found a NaN (bit 8
 * set), or where `probe` is set and the first row looks crowded (RS_K64_BLOCK_CROWDED). */
RS_K64_INLINE unsigned RS_K64_BLOCK(uint64_t *keys, size_t n, int probe)
{
    uint32_t pk[8 * 64];
    int s[8];
#pragma GCC unroll 1
    for (int r = 0; r < 8; r++) {
        s[r] = RS_K64_PACK(keys + (size_t)r * n, n, pk + (size_t)r * n, probe && r == 0);
        if (s[r] < 0)
            return s[r] == RS_K64_CROWDED ? RS_K64_BLOCK_CROWDED : 0x1FFu;
    }
    rs_p32_sort_rows_u32(pk, 8, n);
    unsigned refused = 0;
#pragma GCC unroll 1
    for (int r = 0; r < 8; r++)
        if (!RS_K64_UNPACK(keys + (size_t)r * n, pk + (size_t)r * n, n, s[r]))
            refused |= 1u << r;
    return refused;
}

/* Sorts the first rows - rows % 8 of rows of n keys (32 < n <= 64: the lengths measured
 * faster and tested; the pairs networks would take 17..32 too), but for the rows it
 * leaves, which fallback(row, n, scratch) sorts; returns how many rows that was, or
 * RS_K64_REFUSED where RS_K64_NAN found a NaN (the rows before its block sorted, the others
 * untouched). It stops, the caller's sort of a batch taking the rest:
 *  - before the first block, where its first row looks crowded (the pack's probe): the
 *    caller hands over a few blocks a call (64 rows of 64 for int64 and float64,
 *    kernels.h's rows64_call_bytes; 16 for the others), so rows padded with a sentinel
 *    would otherwise pay a block's attempt per call. A batch whose first row is not
 *    crowded skips the probe;
 *  - after a block, once more than tried / 8 + 1 of the rows tried have been left (3 of the
 *    first 8, 4 of the first 16): such rows cost the attempt and the fallback's sort of one
 *    row, about twice the caller's sort of a batch. */
static size_t RS_K64_NAME(uint64_t *keys, size_t rows, size_t n,
                          void (*fallback)(uint64_t *, size_t, void *), void *scratch)
{
    const size_t whole = rows - rows % 8;
    size_t left_total = 0;
    for (size_t r = 0; r < whole; r += 8) {
        unsigned left = n == 64 ? RS_K64_BLOCK(keys + r * 64, 64, r == 0)
                                : RS_K64_BLOCK(keys + r * n, n, r == 0);
        if (left == RS_K64_BLOCK_CROWDED)
            return 0;
        if (left > 0xFFu)
            return RS_K64_REFUSED;
        left_total += (size_t)__builtin_popcount(left);
        while (left != 0) {
            const unsigned i = (unsigned)__builtin_ctz(left);
            left &= left - 1;
            fallback(keys + (r + i) * n, n, scratch);
        }
        if (left_total * 8 > r + 16)
            return r + 8;
    }
    return whole;
}

#undef RS_K64_PACK
#undef RS_K64_UNPACK
#undef RS_K64_BLOCK
#undef RS_K64_CAT
#undef RS_K64_CAT_
