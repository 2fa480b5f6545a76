/*
 * rows16_pairs_avx512.h - batches of short 16-bit rows (17..64 keys) sorted 16 rows at a
 * time in 16-bit lanes, two keys of a row to a 32-bit lane ("pairs"). AVX-512BW; included by
 * kern_avx512.c.
 *
 * The column networks elsewhere (bitonic_tmpl.h, cols) put one row in each lane of a
 * register and key k of every row in register k; for 16-bit keys they widen them to 32-bit
 * lanes first, so a row of 64 keys takes 64 registers of 16 rows. Here a register's 32-bit
 * lane r holds two keys of row r, one in each 16-bit half, so 16 rows of 2H keys fit in H
 * registers (H = 16 or 32), and each min or max does 32 compare-exchanges:
 *
 *  1. 16 rows are loaded (one or two registers each; short rows padded with 0xFFFF, the
 *     largest key) and transposed as 16 x 16 matrices of 32-bit lanes: register k then holds
 *     the 32-bit word k of every row, keys 2k and 2k+1. Which key goes where does not
 *     matter: the rows are not sorted yet. The low halves of the H registers are one
 *     sequence of H keys per row (E), the high halves another (O).
 *  2. The high halves are complemented (xor 0xFFFF: the order reversed), so that Batcher's
 *     H-input network (networks.h), min and max only, sorts E ascending and O descending,
 *     both at once; then complemented back. E followed by O is now bitonic.
 *  3. The first level of the bitonic merge of 2H compares E[i] with O[i]: the two halves of
 *     one 32-bit lane, so a rotation by 16 bits, a min and a masked max per register. The
 *     other levels (distances H/2 .. 1) compare register i with register i + d, as the
 *     column networks do, the same direction in both halves.
 *  4. Register i now holds sorted keys i (low half) and H + i (high half) of each row. The
 *     transpose back gives each row as words (s[i], s[H + i]), which one (H = 16) or two
 *     (H = 32) permutes of 16-bit lanes put in order before the store.
 *
 * Keys are unsigned (the dtype's order-preserving encoding). Zen 4, one thread, rows of 64
 * u16 keys: 0.18 ns/key in the L1 and L2 caches against 0.35 for the widened column
 * networks; from memory (65536 rows, with the next block prefetched) 0.18 against 0.32.
 */
#ifndef RS_ROWS16_PAIRS_AVX512_H
#define RS_ROWS16_PAIRS_AVX512_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define RS_PC_NAME     rs_p16_columns
#define RS_PC_MIN      _mm512_min_epu16
#define RS_PC_MAX      _mm512_max_epu16
#define RS_PC_MASK_MAX _mm512_mask_max_epu16
#define RS_PC_HIGH     _mm512_set1_epi32((int)0xFFFF0000u)
#define RS_PC_SWAP(v)  _mm512_rol_epi32((v), 16)
#define RS_PC_ODD      0xAAAAAAAAu
#include "pairs_core_avx512.h" /* rs_p16_columns */
#undef RS_PC_NAME
#undef RS_PC_MIN
#undef RS_PC_MAX
#undef RS_PC_MASK_MAX
#undef RS_PC_HIGH
#undef RS_PC_SWAP
#undef RS_PC_ODD

#define RS_P16_INLINE static inline __attribute__((always_inline))

/* 16 x 16 transpose of 32-bit lanes: v[i] lane j becomes v[j] lane i. */
RS_P16_INLINE void rs_p16_transpose(__m512i *v)
{
    __m512i t[16];
#pragma GCC unroll 8
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(v[i], v[i + 1]);
    }
#pragma GCC unroll 4
    for (int i = 0; i < 16; i += 4) {
        v[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        v[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        v[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        v[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    /* Each 128-bit block is now a 4 x 4 transpose; the blocks themselves, two steps. */
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_i32x4(v[i], v[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_i32x4(v[i], v[i + 4], 0xDD);
        t[i + 8] = _mm512_shuffle_i32x4(v[i + 8], v[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_i32x4(v[i + 8], v[i + 12], 0xDD);
    }
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        v[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
        v[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xDD);
        v[i + 4] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0x88);
        v[i + 12] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0xDD);
    }
}

/* Mask of the first `cnt` (0..32) 16-bit lanes. */
RS_P16_INLINE __mmask32 rs_p16_lanes(size_t cnt)
{
    return cnt >= 32 ? ~(__mmask32)0 : (((__mmask32)1 << cnt) - 1);
}

/* 16 rows of n keys (H < n <= 2H, H = 16 or 32), row r at keys + r * n, sorted. */
RS_P16_INLINE void rs_p16_block(uint16_t *keys, size_t n, const int H)
{
    __m512i c[32];
    const __m512i pad = _mm512_set1_epi16(-1);
    /* The keys of the second register of a row (H = 32), or of its only one (H = 16). */
    const __mmask32 tail = rs_p16_lanes(H == 32 ? n - 32 : n);
    /* The next block's rows, which the passes below leave the prefetchers no time for
     * (from memory, 65536 rows of 64: 0.24 -> 0.18 ns/key). Harmless past the array. */
#pragma GCC unroll 1
    for (size_t b = 0; b < 16 * n * sizeof(uint16_t); b += 64)
        __builtin_prefetch((const char *)(keys + 16 * n) + b, 1, 3);
#pragma GCC unroll 16
    for (int r = 0; r < 16; r++) {
        const uint16_t *row = keys + (size_t)r * n;
        if (H == 32) {
            c[r] = _mm512_loadu_si512((const void *)row);
            c[16 + r] = _mm512_mask_loadu_epi16(pad, tail, row + 32);
        } else {
            c[r] = _mm512_mask_loadu_epi16(pad, tail, row);
        }
    }
    rs_p16_transpose(c);
    if (H == 32)
        rs_p16_transpose(c + 16);
    rs_p16_columns(c, H);
    rs_p16_transpose(c);
    if (H == 32)
        rs_p16_transpose(c + 16);
    /* Word i of a row's registers holds s[i] and s[H + i]: the low halves first. */
    const __m512i low_keys =
        _mm512_set_epi16(62, 60, 58, 56, 54, 52, 50, 48, 46, 44, 42, 40, 38, 36, 34, 32, 30, 28, 26,
                         24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i high_keys = _mm512_add_epi16(low_keys, _mm512_set1_epi16(1));
#pragma GCC unroll 16
    for (int r = 0; r < 16; r++) {
        uint16_t *row = keys + (size_t)r * n;
        if (H == 32) {
            _mm512_storeu_si512((void *)row, _mm512_permutex2var_epi16(c[r], low_keys, c[16 + r]));
            _mm512_mask_storeu_epi16(row + 32, tail,
                                     _mm512_permutex2var_epi16(c[r], high_keys, c[16 + r]));
        } else {
            /* s[i] in word i's low half, s[16 + i] in its high half. */
            const __m512i order = _mm512_permutexvar_epi16(
                _mm512_set_epi16(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1, 30, 28,
                                 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0),
                c[r]);
            _mm512_mask_storeu_epi16(row, tail, order);
        }
    }
}

/* Sorts the first rows - rows % 16 of rows of n keys (17 <= n <= 64); returns how many. */
static size_t rs_p16_sort_rows(uint16_t *keys, size_t rows, size_t n)
{
    RS_PAIRS_SORT_BLOCKS(rs_p16_block, 16, keys, rows, n);
}

#undef RS_P16_INLINE
#endif
