/*
 * rows32_pairs_avx512.h - batches of short 32-bit rows (17..64 keys) sorted 8 rows at a
 * time, two keys of a row to a 64-bit lane: rows16_pairs_avx512.h's scheme on 32-bit keys
 * (its comment has the steps). Included by kern_avx512.c once per key kind, with
 *
 *   RS_P32_NAME   the function's name;
 *   RS_P32_MIN, RS_P32_MAX, RS_P32_MASK_MAX   the 32-bit lane minimum and maximum, and the
 *                            masked maximum (_epu32 or _epi32);
 *   RS_P32_PAD   the largest key (as compared), which pads short rows;
 *   RS_P32_ENC, RS_P32_DEC   an order-preserving encoding applied as the keys are loaded
 *                            and undone as they are stored (or none: the identity).
 *
 * Against the widened 16-bit networks the gain there was half the min/max per key; here
 * the column networks already fill their lanes, and what the pairs save is registers: the
 * 64 keys of 8 rows fit in 32 registers, so Batcher's network runs without the staged
 * passes through memory that 64 columns need (cols64_staged), and with 8 x 8 transposes of
 * 64-bit lanes. Zen 4, one thread, rows of 64 u32 keys: 0.30 against 0.36 ns/key in the
 * caches, 0.32 against 0.37 from memory (65536 rows).
 */
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#ifndef RS_P32_COMMON
#define RS_P32_COMMON
#define RS_P32_INLINE static inline __attribute__((always_inline))

/* 8 x 8 transpose of 64-bit lanes: v[i] lane j becomes v[j] lane i. */
RS_P32_INLINE void rs_p32_transpose(__m512i *v)
{
    __m512i t[8];
#pragma GCC unroll 4
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm512_unpacklo_epi64(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi64(v[i], v[i + 1]);
    }
#pragma GCC unroll 2
    for (int i = 0; i < 8; i += 4) {
        v[i] = _mm512_shuffle_i64x2(t[i], t[i + 2], 0x88);
        v[i + 2] = _mm512_shuffle_i64x2(t[i], t[i + 2], 0xDD);
        v[i + 1] = _mm512_shuffle_i64x2(t[i + 1], t[i + 3], 0x88);
        v[i + 3] = _mm512_shuffle_i64x2(t[i + 1], t[i + 3], 0xDD);
    }
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_i64x2(v[i], v[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_i64x2(v[i], v[i + 4], 0xDD);
    }
#pragma GCC unroll 8
    for (int i = 0; i < 8; i++)
        v[i] = t[i];
}

/* Mask of the keys of register q (16 keys) of a row of n. */
RS_P32_INLINE __mmask16 rs_p32_lanes(size_t n, int q)
{
    const size_t at = (size_t)q * 16;
    const size_t cnt = n > at ? n - at : 0;
    return cnt >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cnt) - 1);
}
#endif

#define RS_P32_CAT_(a, b) a##b
#define RS_P32_CAT(a, b)  RS_P32_CAT_(a, b)
#define RS_P32_BLOCK      RS_P32_CAT(RS_P32_NAME, _block)
#define RS_P32_COLUMNS    RS_P32_CAT(RS_P32_NAME, _columns)

#define RS_PC_NAME     RS_P32_COLUMNS
#define RS_PC_MIN      RS_P32_MIN
#define RS_PC_MAX      RS_P32_MAX
#define RS_PC_MASK_MAX RS_P32_MASK_MAX
#define RS_PC_HIGH     _mm512_set1_epi64((long long)0xFFFFFFFF00000000ull)
#define RS_PC_SWAP(v)  _mm512_rol_epi64((v), 32)
#define RS_PC_ODD      0xAAAA
#include "pairs_core_avx512.h"
#undef RS_PC_NAME
#undef RS_PC_MIN
#undef RS_PC_MAX
#undef RS_PC_MASK_MAX
#undef RS_PC_HIGH
#undef RS_PC_SWAP
#undef RS_PC_ODD

/* 8 rows of n keys (H < n <= 2H, H = 16 or 32), row r at keys + r * n, sorted. */
RS_P32_INLINE void RS_P32_BLOCK(uint32_t *keys, size_t n, const int H)
{
    __m512i c[32];
    const int Q = H / 8; /* registers of a row */
    const __m512i pad = _mm512_set1_epi32((int)(RS_P32_PAD));
#pragma GCC unroll 8
    for (int r = 0; r < 8; r++)
#pragma GCC unroll 4
        for (int q = 0; q < Q; q++) {
            const uint32_t *p = keys + (size_t)r * n + (size_t)q * 16;
            const __mmask16 m = rs_p32_lanes(n, q);
            const __m512i v =
                m == 0xFFFF
                    ? RS_P32_ENC(_mm512_loadu_si512((const void *)p))
                    : _mm512_mask_blend_epi32(m, pad, RS_P32_ENC(_mm512_maskz_loadu_epi32(m, p)));
            c[q * 8 + r] = v;
        }
#pragma GCC unroll 4
    for (int q = 0; q < Q; q++)
        rs_p32_transpose(c + 8 * q);
    RS_P32_COLUMNS(c, H);
#pragma GCC unroll 4
    for (int q = 0; q < Q; q++)
        rs_p32_transpose(c + 8 * q);
    /* Row r's register 8q + r holds (s[8q + j], s[H + 8q + j]) in 64-bit lane j. */
    const __m512i low_keys =
        _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i high_keys = _mm512_add_epi32(low_keys, _mm512_set1_epi32(1));
#pragma GCC unroll 8
    for (int r = 0; r < 8; r++)
#pragma GCC unroll 4
        for (int p = 0; p < Q; p++) {
            const int pair = p % (Q / 2); /* registers 16 pair .. 16 pair + 15 of the half */
            const __m512i v = RS_P32_DEC(_mm512_permutex2var_epi32(
                c[16 * pair + r], p < Q / 2 ? low_keys : high_keys, c[16 * pair + 8 + r]));
            uint32_t *out = keys + (size_t)r * n + (size_t)p * 16;
            const __mmask16 m = rs_p32_lanes(n, p);
            if (m == 0xFFFF)
                _mm512_storeu_si512((void *)out, v);
            else
                _mm512_mask_storeu_epi32(out, m, v);
        }
}

/* Sorts the first rows - rows % 8 of rows of n keys (17 <= n <= 64); returns how many. */
static size_t RS_P32_NAME(uint32_t *keys, size_t rows, size_t n)
{
    RS_PAIRS_SORT_BLOCKS(RS_P32_BLOCK, 8, keys, rows, n);
}

#undef RS_P32_BLOCK
#undef RS_P32_COLUMNS
#undef RS_P32_CAT
#undef RS_P32_CAT_
