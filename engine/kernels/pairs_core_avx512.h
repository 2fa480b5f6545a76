/*
 * pairs_core_avx512.h - the sorting step of the pairs networks (rows16_pairs_avx512.h has
 * the scheme), shared by the 16- and 32-bit kinds: H column registers (H = 16 or 32), each
 * lane holding two keys of one row, a low and a high half, in; each lane's row sorted out,
 * key i in register i's low half and key H + i in its high half. A template, included with
 *
 *   RS_PC_NAME                               the function's name;
 *   RS_PC_MIN, RS_PC_MAX, RS_PC_MASK_MAX     the half-lane minimum, maximum and masked
 *                                            maximum (_epu16, _epu32 or _epi32);
 *   RS_PC_HIGH                               a vector with every high half's bits set;
 *   RS_PC_SWAP(v)                            v with each lane's halves exchanged;
 *   RS_PC_ODD                                the mask of the high halves.
 */
#include <immintrin.h>
#include <stddef.h>

#include "networks.h"

#ifndef RS_PAIRS_SORT_BLOCKS
/* The kinds' sort_rows: the first rows - rows % R of rows of n keys (17 <= n <= 64) through
 * BLOCK(keys, n, H), R rows a call, H a constant in each call, and n too where it is 64
 * (no masked loads or stores in the block then); returns how many rows it sorted. */
#define RS_PAIRS_SORT_BLOCKS(BLOCK, R, keys, rows, n)   \
    do {                                                \
        const size_t whole_ = (rows) - (rows) % (R);    \
        if ((n) == 64) {                                \
            for (size_t r_ = 0; r_ < whole_; r_ += (R)) \
                BLOCK((keys) + r_ * 64, 64, 32);        \
        } else if ((n) > 32) {                          \
            for (size_t r_ = 0; r_ < whole_; r_ += (R)) \
                BLOCK((keys) + r_ * (n), (n), 32);      \
        } else {                                        \
            for (size_t r_ = 0; r_ < whole_; r_ += (R)) \
                BLOCK((keys) + r_ * (n), (n), 16);      \
        }                                               \
        return whole_;                                  \
    } while (0)
#endif

static inline __attribute__((always_inline)) void RS_PC_NAME(__m512i *c, const int H)
{
    const __m512i high = RS_PC_HIGH;
    /* The high halves complemented (the order reversed): the network sorts the low halves'
     * sequence ascending and the high halves' descending, together a bitonic sequence. */
#pragma GCC unroll 32
    for (int i = 0; i < H; i++)
        c[i] = _mm512_xor_si512(c[i], high);
#define CX(x, y)                                   \
    {                                              \
        const __m512i lo_ = RS_PC_MIN(c[x], c[y]); \
        c[y] = RS_PC_MAX(c[x], c[y]);              \
        c[x] = lo_;                                \
    }
    if (H == 32) {
        RS_NETWORK32
    } else {
        RS_NETWORK16
    }
    /* The bitonic merge's first level, the two halves of a lane: the minimum to the low
     * half (complemented back first). */
#pragma GCC unroll 32
    for (int i = 0; i < H; i++) {
        const __m512i u = _mm512_xor_si512(c[i], high);
        const __m512i s = RS_PC_SWAP(u);
        c[i] = RS_PC_MASK_MAX(RS_PC_MIN(u, s), RS_PC_ODD, u, s);
    }
    /* Its other levels, register against register, both halves ascending. */
#pragma GCC unroll 5
    for (int d = H / 2; d >= 1; d >>= 1)
#pragma GCC unroll 32
        for (int i = 0; i < H; i++)
            if ((i & d) == 0)
                CX(i, i + d)
#undef CX
}
