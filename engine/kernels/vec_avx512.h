/*
 * vec_avx512.h - the AVX-512 vector vocabulary the kernel templates are written on.
 *
 * Included only by kern_avx512.c (built with -mavx512f/bw/vl/dq -mbmi2 -mpopcnt). Every
 * helper is static: nothing built with these flags may be reachable from other units.
 *
 * For each key width W (16, 32, 64): a vector type vW_t of VW_N lanes of kW_t, and
 *   loadu/storeu, load_pad (lanes past cnt read as the largest key), store_part (store
 *   only cnt lanes), set1, min, max, rev (reverse lanes), sort_in (sort one vector),
 *   merge_in (finish a bitonic merge inside one vector: half-cleaners N/2 .. 1),
 *   part (partition one vector around a pivot, storing both sides), hmin/hmax,
 *   klt (scalar order of keys), pre/post (a bijection applied before/after a sort so that
 *   the vector order is cheap; identity here).
 */
#ifndef RS_VEC_AVX512_H
#define RS_VEC_AVX512_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define RS_VINLINE static inline __attribute__((always_inline))
/* Vector registers (the networks size their batches of rows by it). */
#define RS_VREGS 32

/* ---------------------------------------------------------------- 16-bit keys */
/* 32 lanes of uint16_t (AVX-512BW), for the quicksort and register networks of one row (no
 * transposed layout: with 16 registers, fewer than the 32 lanes, net_t and the column
 * networks do not apply). No 16-bit compress without VBMI2, which the avx512 path does not
 * require: part widens each half to 32-bit lanes. Shuffles inside 32 bits are rotates,
 * inside 128 bits byte shuffles; wider ones are the 32-bit shuffles. */

typedef __m512i v16_t;
typedef uint16_t k16_t;
#define V16_N    32
#define K16_MAX  UINT16_MAX
#define K16_MIN  0u

RS_VINLINE v16_t v16_loadu(const uint16_t *p)
{
    return _mm512_loadu_si512((const void *)p);
}

RS_VINLINE void v16_storeu(uint16_t *p, v16_t v)
{
    _mm512_storeu_si512((void *)p, v);
}

RS_VINLINE v16_t v16_set1(uint16_t k)
{
    return _mm512_set1_epi16((short)k);
}

RS_VINLINE __mmask32 v16_first(size_t cnt)
{
    return (__mmask32)_bzhi_u32(0xFFFFFFFFu, (unsigned)cnt);
}

RS_VINLINE v16_t v16_load_pad(const uint16_t *p, size_t cnt)
{
    return _mm512_mask_loadu_epi16(_mm512_set1_epi16(-1), v16_first(cnt), (const void *)p);
}

RS_VINLINE void v16_store_part(uint16_t *p, v16_t v, size_t cnt)
{
    _mm512_mask_storeu_epi16((void *)p, v16_first(cnt), v);
}

RS_VINLINE void v16_cx_blend(v16_t *a, v16_t *b)
{
    const __mmask32 gt = _mm512_cmpgt_epu16_mask(*a, *b);
    const v16_t lo = _mm512_mask_blend_epi16(gt, *a, *b);
    *b = _mm512_mask_blend_epi16(gt, *b, *a);
    *a = lo;
}
#define V16_CX_BLEND 1

RS_VINLINE v16_t v16_min(v16_t a, v16_t b)
{
    return _mm512_min_epu16(a, b);
}

RS_VINLINE v16_t v16_max(v16_t a, v16_t b)
{
    return _mm512_max_epu16(a, b);
}

#define V16_STAGE(v, w, hi) _mm512_mask_max_epu16(_mm512_min_epu16((v), (w)), (hi), (v), (w))

/* Partner lane i ^ 1, ^ 2, ^ 4, ^ 8, ^ 16. */
RS_VINLINE v16_t v16_x1(v16_t v)
{
    return _mm512_rol_epi32(v, 16);
}
RS_VINLINE v16_t v16_x2(v16_t v)
{
    return _mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0xB1);
}
RS_VINLINE v16_t v16_x4(v16_t v)
{
    return _mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0x4E);
}
RS_VINLINE v16_t v16_x8(v16_t v)
{
    return _mm512_shuffle_i32x4(v, v, 0xB1);
}
RS_VINLINE v16_t v16_x16(v16_t v)
{
    return _mm512_shuffle_i32x4(v, v, 0x4E);
}
/* Lanes reversed inside each group of 4 and of 8 (one 128-bit lane). */
RS_VINLINE v16_t v16_x3(v16_t v)
{
    return _mm512_shuffle_epi8(v, _mm512_broadcast_i32x4(_mm_setr_epi8(
                                      6, 7, 4, 5, 2, 3, 0, 1, 14, 15, 12, 13, 10, 11, 8, 9)));
}
RS_VINLINE v16_t v16_x7(v16_t v)
{
    return _mm512_shuffle_epi8(v, _mm512_broadcast_i32x4(_mm_setr_epi8(
                                      14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1)));
}
RS_VINLINE v16_t v16_x15(v16_t v)
{
    const v16_t w = v16_x7(v);
    return _mm512_shuffle_i32x4(w, w, 0xB1);
}
RS_VINLINE v16_t v16_rev(v16_t v)
{
    const v16_t w = v16_x7(v);
    return _mm512_shuffle_i32x4(w, w, 0x1B);
}

RS_VINLINE v16_t v16_merge_in(v16_t v)
{
    v = V16_STAGE(v, v16_x16(v), 0xFFFF0000u);
    v = V16_STAGE(v, v16_x8(v), 0xFF00FF00u);
    v = V16_STAGE(v, v16_x4(v), 0xF0F0F0F0u);
    v = V16_STAGE(v, v16_x2(v), 0xCCCCCCCCu);
    v = V16_STAGE(v, v16_x1(v), 0xAAAAAAAAu);
    return v;
}

RS_VINLINE v16_t v16_sort_in(v16_t v)
{
    v = V16_STAGE(v, v16_x1(v), 0xAAAAAAAAu);
    v = V16_STAGE(v, v16_x3(v), 0xCCCCCCCCu);
    v = V16_STAGE(v, v16_x1(v), 0xAAAAAAAAu);
    v = V16_STAGE(v, v16_x7(v), 0xF0F0F0F0u);
    v = V16_STAGE(v, v16_x2(v), 0xCCCCCCCCu);
    v = V16_STAGE(v, v16_x1(v), 0xAAAAAAAAu);
    v = V16_STAGE(v, v16_x15(v), 0xFF00FF00u);
    v = V16_STAGE(v, v16_x4(v), 0xF0F0F0F0u);
    v = V16_STAGE(v, v16_x2(v), 0xCCCCCCCCu);
    v = V16_STAGE(v, v16_x1(v), 0xAAAAAAAAu);
    v = V16_STAGE(v, v16_rev(v), 0xFFFF0000u);
    v = V16_STAGE(v, v16_x8(v), 0xFF00FF00u);
    v = V16_STAGE(v, v16_x4(v), 0xF0F0F0F0u);
    v = V16_STAGE(v, v16_x2(v), 0xCCCCCCCCu);
    v = V16_STAGE(v, v16_x1(v), 0xAAAAAAAAu);
    return v;
}

/* One half of part: 16 keys widened to 32 bits, compressed, narrowed back. */
RS_VINLINE void v16_part_half(__m256i h, __mmask16 ge, uint16_t **l, uint16_t **r)
{
    const __m512i w = _mm512_cvtepu16_epi32(h);
    const unsigned cg = (unsigned)_mm_popcnt_u32(ge);
    _mm256_storeu_si256((__m256i *)(void *)*l,
                        _mm512_cvtepi32_epi16(_mm512_maskz_compress_epi32((__mmask16)~ge, w)));
    *r -= cg;
    _mm256_mask_storeu_epi16((void *)*r, (__mmask16)_bzhi_u32(0xFFFFu, cg),
                             _mm512_cvtepi32_epi16(_mm512_maskz_compress_epi32(ge, w)));
    *l += 16u - cg;
}

/* As v32_part: the left side stored whole (each half's 16 keys within the vector of free
 * space that the caller keeps at *l), the right side masked. */
RS_VINLINE void v16_part(v16_t v, v16_t pv, uint16_t **l, uint16_t **r)
{
    const __mmask32 ge = _mm512_cmpge_epu16_mask(v, pv);
#ifdef __AVX512VBMI2__
    /* 16-bit compresses (kern_avx512_vbmi2.c): the 32 keys as they are. */
    const unsigned cg = (unsigned)_mm_popcnt_u32(ge);
    _mm512_storeu_si512((void *)*l, _mm512_maskz_compress_epi16((__mmask32)~ge, v));
    *r -= cg;
    _mm512_mask_storeu_epi16((void *)*r, (__mmask32)_bzhi_u32(0xFFFFFFFFu, cg),
                             _mm512_maskz_compress_epi16(ge, v));
    *l += 32u - cg;
#else
    v16_part_half(_mm512_castsi512_si256(v), (__mmask16)ge, l, r);
    v16_part_half(_mm512_extracti64x4_epi64(v, 1), (__mmask16)(ge >> 16), l, r);
#endif
}

RS_VINLINE uint16_t v16_hmin(v16_t v)
{
    const __m256i m = _mm256_min_epu16(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    const __m128i x = _mm_min_epu16(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1));
    return (uint16_t)_mm_cvtsi128_si32(_mm_minpos_epu16(x));
}

RS_VINLINE uint16_t v16_hmax(v16_t v)
{
    const __m256i m = _mm256_max_epu16(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    const __m128i x = _mm_max_epu16(_mm256_castsi256_si128(m), _mm256_extracti128_si256(m, 1));
    const __m128i ones = _mm_set1_epi32(-1);
    return (uint16_t)~_mm_cvtsi128_si32(_mm_minpos_epu16(_mm_xor_si128(x, ones)));
}

#define v16_klt(a, b) ((a) < (b))

RS_VINLINE void v16_pre(uint16_t *p, size_t n)
{
    (void)p;
    (void)n;
}
RS_VINLINE void v16_post(uint16_t *p, size_t n)
{
    (void)p;
    (void)n;
}

/* ---------------------------------------------------------------- 32-bit keys */

typedef __m512i v32_t;
typedef uint32_t k32_t;
#define V32_N    16
#define K32_MAX  UINT32_MAX
#define K32_MIN  0u

RS_VINLINE v32_t v32_loadu(const uint32_t *p)
{
    return _mm512_loadu_si512((const void *)p);
}

RS_VINLINE void v32_storeu(uint32_t *p, v32_t v)
{
    _mm512_storeu_si512((void *)p, v);
}

RS_VINLINE v32_t v32_set1(uint32_t k)
{
    return _mm512_set1_epi32((int)k);
}

RS_VINLINE v32_t v32_load_pad(const uint32_t *p, size_t cnt)
{
    const __mmask16 m = (__mmask16)_bzhi_u32(0xFFFFu, (unsigned)cnt);
    return _mm512_mask_loadu_epi32(_mm512_set1_epi32(-1), m, (const void *)p);
}

RS_VINLINE void v32_store_part(uint32_t *p, v32_t v, size_t cnt)
{
    const __mmask16 m = (__mmask16)_bzhi_u32(0xFFFFu, (unsigned)cnt);
    _mm512_mask_storeu_epi32((void *)p, m, v);
}

RS_VINLINE v32_t v32_min(v32_t a, v32_t b)
{
    return _mm512_min_epu32(a, b);
}

RS_VINLINE v32_t v32_max(v32_t a, v32_t b)
{
    return _mm512_max_epu32(a, b);
}

RS_VINLINE v32_t v32_rev(v32_t v)
{
    return _mm512_permutexvar_epi32(
        _mm512_setr_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), v);
}

/* One compare-exchange stage inside a vector: w is v permuted to the partner lanes; lanes
 * in `hi` keep the larger key. */
#define V32_STAGE(v, w, hi) _mm512_mask_max_epu32(_mm512_min_epu32((v), (w)), (hi), (v), (w))

RS_VINLINE v32_t v32_x1(v32_t v)
{
    return _mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0xB1);
}
RS_VINLINE v32_t v32_x2(v32_t v)
{
    return _mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0x4E);
}
RS_VINLINE v32_t v32_x3(v32_t v)
{
    return _mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0x1B);
}
RS_VINLINE v32_t v32_x4(v32_t v)
{
    return _mm512_shuffle_i32x4(v, v, 0xB1);
}
RS_VINLINE v32_t v32_x7(v32_t v)
{
    return _mm512_shuffle_i32x4(_mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0x1B),
                                _mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0x1B), 0xB1);
}
RS_VINLINE v32_t v32_x8(v32_t v)
{
    return _mm512_shuffle_i32x4(v, v, 0x4E);
}

/* The stage sequences inside one register, written once for every vocabulary of 16 lanes
 * (v32, vi32): S is the vocabulary's stage. */
#define V32_MERGE_IN_STEPS(S, v)                                                           \
    do {                                                                                   \
        v = S(v, v32_x8(v), 0xFF00);                                                       \
        v = S(v, v32_x4(v), 0xF0F0);                                                       \
        v = S(v, v32_x2(v), 0xCCCC);                                                       \
        v = S(v, v32_x1(v), 0xAAAA);                                                       \
    } while (0)
#define V32_SORT_IN_STEPS(S, v)                                                            \
    do {                                                                                   \
        v = S(v, v32_x1(v), 0xAAAA);                                                       \
        v = S(v, v32_x3(v), 0xCCCC);                                                       \
        v = S(v, v32_x1(v), 0xAAAA);                                                       \
        v = S(v, v32_x7(v), 0xF0F0);                                                       \
        v = S(v, v32_x2(v), 0xCCCC);                                                       \
        v = S(v, v32_x1(v), 0xAAAA);                                                       \
        v = S(v, v32_rev(v), 0xFF00);                                                      \
        v = S(v, v32_x4(v), 0xF0F0);                                                       \
        v = S(v, v32_x2(v), 0xCCCC);                                                       \
        v = S(v, v32_x1(v), 0xAAAA);                                                       \
    } while (0)
#define V32_HC_LANE(S, v, b)                                                               \
    ((b) == 0   ? S(v, v32_x1(v), 0xAAAA)                                                  \
     : (b) == 1 ? S(v, v32_x2(v), 0xCCCC)                                                  \
     : (b) == 2 ? S(v, v32_x4(v), 0xF0F0)                                                  \
                : S(v, v32_x8(v), 0xFF00))

RS_VINLINE v32_t v32_merge_in(v32_t v)
{
    V32_MERGE_IN_STEPS(V32_STAGE, v);
    return v;
}

RS_VINLINE v32_t v32_sort_in(v32_t v)
{
    V32_SORT_IN_STEPS(V32_STAGE, v);
    return v;
}

/* The transposed-layout network (bitonic_tmpl.h, net_t): VN registers whose lane bits are the
 * high bits of the sorted position. flip_low reverses the lanes inside each aligned group
 * of 2^j; mirror_dir compares a with b mirrored (flip_low j), the lanes of a whose bit j-1
 * is set keeping the larger key; hc_lane is the half-cleaner on lane bit b; swapbit swaps
 * lane bit s with the register bit that tells a (clear) from b (set). */
#define V32_TRANSPOSE 1

RS_VINLINE v32_t v32_flip_low(v32_t v, const int j)
{
    return j == 1 ? v32_x1(v) : j == 2 ? v32_x3(v) : j == 3 ? v32_x7(v) : v32_rev(v);
}

RS_VINLINE void v32_mirror_dir(v32_t *a, v32_t *b, const int j)
{
    const __mmask16 up = j == 1 ? 0xAAAA : j == 2 ? 0xCCCC : j == 3 ? 0xF0F0 : 0xFF00;
    const v32_t x = *a, y = v32_flip_low(*b, j);
    const v32_t mn = _mm512_min_epu32(x, y), mx = _mm512_max_epu32(x, y);
    *a = _mm512_mask_max_epu32(mn, up, x, y);
    *b = v32_flip_low(_mm512_mask_min_epu32(mx, up, x, y), j);
}

RS_VINLINE v32_t v32_hc_lane(v32_t v, const int b)
{
    return V32_HC_LANE(V32_STAGE, v, b);
}

RS_VINLINE void v32_swapbit(v32_t *a, v32_t *b, const int s)
{
    const v32_t x = *a, y = *b;
    switch (s) {
    case 0:
        *a = _mm512_mask_shuffle_epi32(x, 0xAAAA, y, (_MM_PERM_ENUM)0xB1);
        *b = _mm512_mask_shuffle_epi32(y, 0x5555, x, (_MM_PERM_ENUM)0xB1);
        break;
    case 1:
        *a = _mm512_mask_shuffle_epi32(x, 0xCCCC, y, (_MM_PERM_ENUM)0x4E);
        *b = _mm512_mask_shuffle_epi32(y, 0x3333, x, (_MM_PERM_ENUM)0x4E);
        break;
    case 2:
        *a = _mm512_mask_shuffle_i32x4(x, 0xF0F0, y, y, 0xB1);
        *b = _mm512_mask_shuffle_i32x4(y, 0x0F0F, x, x, 0xB1);
        break;
    default:
        *a = _mm512_mask_shuffle_i32x4(x, 0xFF00, y, y, 0x4E);
        *b = _mm512_mask_shuffle_i32x4(y, 0x00FF, x, x, 0x4E);
        break;
    }
}

/* swapbit for 16-bit lanes (bitonic_tmpl.h, cols: 32 rows of 16-bit keys sorted at once):
 * lane bit 0 by shifting the 32-bit pairs, bits 1..4 as v32_swapbit's bits 0..3. */
#define V16_COLS 1
RS_VINLINE void v16_swapbit(v16_t *a, v16_t *b, const int s)
{
    if (s == 0) {
        const v16_t x = *a, y = *b;
        *a = _mm512_mask_blend_epi16(0xAAAAAAAAu, x, _mm512_slli_epi32(y, 16));
        *b = _mm512_mask_blend_epi16(0x55555555u, y, _mm512_srli_epi32(x, 16));
    } else {
        v32_swapbit(a, b, s - 1);
    }
}

/* Keys < pivot go to *l (growing up), keys >= pivot to just below *r (growing down). The
 * left side is stored as a whole vector (a masked store costs more on Zen 4): the caller
 * keeps a vector of free space at *l, as for vec_avx2.h; the right side is masked. */
RS_VINLINE void v32_cx_blend(v32_t *a, v32_t *b)
{
    const __mmask16 gt = _mm512_cmpgt_epu32_mask(*a, *b);
    const v32_t lo = _mm512_mask_blend_epi32(gt, *a, *b);
    *b = _mm512_mask_blend_epi32(gt, *b, *a);
    *a = lo;
}
#define V32_CX_BLEND 1

RS_VINLINE void v32_part_mask(v32_t v, __mmask16 ge, uint32_t **l, uint32_t **r)
{
    const unsigned cg = (unsigned)_mm_popcnt_u32(ge);
    const unsigned cl = 16u - cg;
    _mm512_storeu_si512((void *)*l, _mm512_maskz_compress_epi32((__mmask16)~ge, v));
    *r -= cg;
    _mm512_mask_storeu_epi32((void *)*r, (__mmask16)_bzhi_u32(0xFFFFu, cg),
                             _mm512_maskz_compress_epi32(ge, v));
    *l += cl;
}

RS_VINLINE void v32_part(v32_t v, v32_t pv, uint32_t **l, uint32_t **r)
{
    v32_part_mask(v, _mm512_cmpge_epu32_mask(v, pv), l, r);
}

RS_VINLINE uint32_t v32_hmin(v32_t v)
{
    return _mm512_reduce_min_epu32(v);
}

RS_VINLINE uint32_t v32_hmax(v32_t v)
{
    return _mm512_reduce_max_epu32(v);
}

#define v32_klt(a, b) ((a) < (b))

RS_VINLINE void v32_pre(uint32_t *p, size_t n)
{
    (void)p;
    (void)n;
}
RS_VINLINE void v32_post(uint32_t *p, size_t n)
{
    (void)p;
    (void)n;
}

/* ---------------------------------------------------------------- 64-bit keys */

typedef __m512i v64_t;
typedef uint64_t k64_t;
#define V64_N    8
#define K64_MAX  UINT64_MAX
#define K64_MIN  0u

RS_VINLINE v64_t v64_loadu(const uint64_t *p)
{
    return _mm512_loadu_si512((const void *)p);
}

RS_VINLINE void v64_storeu(uint64_t *p, v64_t v)
{
    _mm512_storeu_si512((void *)p, v);
}

RS_VINLINE v64_t v64_set1(uint64_t k)
{
    return _mm512_set1_epi64((long long)k);
}

RS_VINLINE v64_t v64_load_pad(const uint64_t *p, size_t cnt)
{
    const __mmask8 m = (__mmask8)_bzhi_u32(0xFFu, (unsigned)cnt);
    return _mm512_mask_loadu_epi64(_mm512_set1_epi64(-1), m, (const void *)p);
}

RS_VINLINE void v64_store_part(uint64_t *p, v64_t v, size_t cnt)
{
    const __mmask8 m = (__mmask8)_bzhi_u32(0xFFu, (unsigned)cnt);
    _mm512_mask_storeu_epi64((void *)p, m, v);
}

RS_VINLINE v64_t v64_min(v64_t a, v64_t b)
{
    return _mm512_min_epu64(a, b);
}

RS_VINLINE v64_t v64_max(v64_t a, v64_t b)
{
    return _mm512_max_epu64(a, b);
}

RS_VINLINE v64_t v64_rev(v64_t v)
{
    return _mm512_permutexvar_epi64(_mm512_setr_epi64(7, 6, 5, 4, 3, 2, 1, 0), v);
}

#define V64_STAGE(v, w, hi) _mm512_mask_max_epu64(_mm512_min_epu64((v), (w)), (hi), (v), (w))

RS_VINLINE v64_t v64_x1(v64_t v)
{
    return _mm512_shuffle_epi32(v, (_MM_PERM_ENUM)0x4E);
}
RS_VINLINE v64_t v64_x2(v64_t v)
{
    return _mm512_permutex_epi64(v, 0x4E);
}
RS_VINLINE v64_t v64_x3(v64_t v)
{
    return _mm512_permutex_epi64(v, 0x1B);
}
RS_VINLINE v64_t v64_x4(v64_t v)
{
    return _mm512_shuffle_i64x2(v, v, 0x4E);
}

/* As V32_MERGE_IN_STEPS etc., for the vocabularies of 8 lanes (v64, vi64, vf64). */
#define V64_MERGE_IN_STEPS(S, v)                                                           \
    do {                                                                                   \
        v = S(v, v64_x4(v), 0xF0);                                                         \
        v = S(v, v64_x2(v), 0xCC);                                                         \
        v = S(v, v64_x1(v), 0xAA);                                                         \
    } while (0)
#define V64_SORT_IN_STEPS(S, v)                                                            \
    do {                                                                                   \
        v = S(v, v64_x1(v), 0xAA);                                                         \
        v = S(v, v64_x3(v), 0xCC);                                                         \
        v = S(v, v64_x1(v), 0xAA);                                                         \
        v = S(v, v64_rev(v), 0xF0);                                                        \
        v = S(v, v64_x2(v), 0xCC);                                                         \
        v = S(v, v64_x1(v), 0xAA);                                                         \
    } while (0)
#define V64_HC_LANE(S, v, b)                                                               \
    ((b) == 0   ? S(v, v64_x1(v), 0xAA)                                                    \
     : (b) == 1 ? S(v, v64_x2(v), 0xCC)                                                    \
                : S(v, v64_x4(v), 0xF0))

RS_VINLINE v64_t v64_merge_in(v64_t v)
{
    V64_MERGE_IN_STEPS(V64_STAGE, v);
    return v;
}

RS_VINLINE v64_t v64_sort_in(v64_t v)
{
    V64_SORT_IN_STEPS(V64_STAGE, v);
    return v;
}

/* The transposed-layout network: as for 32-bit keys. */
#define V64_TRANSPOSE 1

RS_VINLINE v64_t v64_flip_low(v64_t v, const int j)
{
    return j == 1 ? v64_x1(v) : j == 2 ? v64_x3(v) : v64_rev(v);
}

RS_VINLINE void v64_mirror_dir(v64_t *a, v64_t *b, const int j)
{
    const __mmask8 up = j == 1 ? 0xAA : j == 2 ? 0xCC : 0xF0;
    const v64_t x = *a, y = v64_flip_low(*b, j);
    const v64_t mn = _mm512_min_epu64(x, y), mx = _mm512_max_epu64(x, y);
    *a = _mm512_mask_max_epu64(mn, up, x, y);
    *b = v64_flip_low(_mm512_mask_min_epu64(mx, up, x, y), j);
}

RS_VINLINE v64_t v64_hc_lane(v64_t v, const int b)
{
    return V64_HC_LANE(V64_STAGE, v, b);
}

RS_VINLINE void v64_swapbit(v64_t *a, v64_t *b, const int s)
{
    const v64_t x = *a, y = *b;
    switch (s) {
    case 0:
        *a = _mm512_mask_shuffle_epi32(x, 0xCCCC, y, (_MM_PERM_ENUM)0x4E);
        *b = _mm512_mask_shuffle_epi32(y, 0x3333, x, (_MM_PERM_ENUM)0x4E);
        break;
    case 1:
        *a = _mm512_mask_permutex_epi64(x, 0xCC, y, 0x4E);
        *b = _mm512_mask_permutex_epi64(y, 0x33, x, 0x4E);
        break;
    default:
        *a = _mm512_mask_shuffle_i64x2(x, 0xF0, y, y, 0x4E);
        *b = _mm512_mask_shuffle_i64x2(y, 0x0F, x, x, 0x4E);
        break;
    }
}

RS_VINLINE void v64_cx_blend(v64_t *a, v64_t *b)
{
    const __mmask8 gt = _mm512_cmpgt_epu64_mask(*a, *b);
    const v64_t lo = _mm512_mask_blend_epi64(gt, *a, *b);
    *b = _mm512_mask_blend_epi64(gt, *b, *a);
    *a = lo;
}
#define V64_CX_BLEND 1

/* Partitioning 8 lanes by one permutation instead of two compresses: for each mask of the
 * lanes >= the pivot, the lane indices of the others in order, then its own, as bytes (vpermq
 * reads the low 3 bits of each 64-bit index). A vpcompressq is two uops on port 5 of an Intel
 * core, as is the compare; a vpermq one. On an Intel Xeon (model 167) against the two
 * compresses: 8x8192 int64 1.02-1.03x, float64 1.04x, 1024x1024 1.035x, 16M keys 1.007x,
 * stable argsort of 32-bit keys (packed into 64) 1.02x; the key-payload pairs (p64_part)
 * float64 argsort 1.06x, int64 1.045x. Not measured on Zen 4. The table is
 * built by the preprocessor: lane j of mask m goes to byte RS_PPOS(m, j). */
#define RS_POP8(x)                                                                          \
    (((x) & 1u) + ((x) >> 1 & 1u) + ((x) >> 2 & 1u) + ((x) >> 3 & 1u) + ((x) >> 4 & 1u) +  \
     ((x) >> 5 & 1u) + ((x) >> 6 & 1u) + ((x) >> 7 & 1u))
#define RS_PPOS(m, j)                                                                       \
    (((m) >> (j) & 1u) ? 8u - RS_POP8(m) + RS_POP8((m) & ((1u << (j)) - 1u))                \
                       : RS_POP8(~(m) & ((1u << (j)) - 1u)))
#define RS_PENT(m, j) ((uint64_t)(j) << (8u * RS_PPOS(m, j)))
#define RS_PERM(m)                                                                          \
    (RS_PENT(m, 0u) | RS_PENT(m, 1u) | RS_PENT(m, 2u) | RS_PENT(m, 3u) | RS_PENT(m, 4u) |   \
     RS_PENT(m, 5u) | RS_PENT(m, 6u) | RS_PENT(m, 7u))
#define RS_PERM4(m)  RS_PERM(m), RS_PERM((m) + 1u), RS_PERM((m) + 2u), RS_PERM((m) + 3u)
#define RS_PERM16(m) RS_PERM4(m), RS_PERM4((m) + 4u), RS_PERM4((m) + 8u), RS_PERM4((m) + 12u)
#define RS_PERM64(m)                                                                        \
    RS_PERM16(m), RS_PERM16((m) + 16u), RS_PERM16((m) + 32u), RS_PERM16((m) + 48u)
static _Alignas(64) const uint64_t rs_v64_part_perm[256] = {
    RS_PERM64(0u), RS_PERM64(64u), RS_PERM64(128u), RS_PERM64(192u)};
#undef RS_PERM64
#undef RS_PERM16
#undef RS_PERM4
#undef RS_PERM
#undef RS_PENT
#undef RS_PPOS
#undef RS_POP8

/* The permutation that moves the lanes outside ge to the front, those in ge behind them. */
RS_VINLINE __m512i v64_part_perm(__mmask8 ge)
{
    return _mm512_srlv_epi64(_mm512_set1_epi64((long long)rs_v64_part_perm[(unsigned)ge]),
                             _mm512_set_epi64(56, 48, 40, 32, 24, 16, 8, 0));
}

/* Stores the lanes of v outside ge at *l (a whole vector), those in ge just below *r. */
RS_VINLINE void v64_part_mask(v64_t v, __mmask8 ge, uint64_t **l, uint64_t **r)
{
    const unsigned cg = (unsigned)_mm_popcnt_u32(ge);
    const unsigned cl = 8u - cg;
    const v64_t w = _mm512_permutexvar_epi64(v64_part_perm(ge), v);
    _mm512_storeu_si512((void *)*l, w);
    /* The same vector, its last cg lanes ending at *r. */
    _mm512_mask_storeu_epi64((void *)(*r - 8), (__mmask8)~_bzhi_u32(0xFFu, cl), w);
    *r -= cg;
    *l += cl;
}

RS_VINLINE void v64_part(v64_t v, v64_t pv, uint64_t **l, uint64_t **r)
{
    v64_part_mask(v, _mm512_cmpge_epu64_mask(v, pv), l, r);
}

RS_VINLINE uint64_t v64_hmin(v64_t v)
{
    return _mm512_reduce_min_epu64(v);
}

RS_VINLINE uint64_t v64_hmax(v64_t v)
{
    return _mm512_reduce_max_epu64(v);
}

#define v64_klt(a, b) ((a) < (b))

RS_VINLINE void v64_pre(uint64_t *p, size_t n)
{
    (void)p;
    (void)n;
}
RS_VINLINE void v64_post(uint64_t *p, size_t n)
{
    (void)p;
    (void)n;
}

/* Pairs of 64-bit keys and 64-bit payloads (pairs_tmpl.h), in two vectors of the same
 * lanes: every move of a key moves its payload. m64_t: a lane mask; v64_eq: lanes where
 * the keys are equal; v64_blend(m, a, b): b where m, else a. */
#define V64_PAIRS 1
typedef __mmask8 m64_t;

RS_VINLINE m64_t v64_eq(v64_t a, v64_t b)
{
    return _mm512_cmpeq_epu64_mask(a, b);
}

RS_VINLINE v64_t v64_blend(m64_t m, v64_t a, v64_t b)
{
    return _mm512_mask_blend_epi64(m, a, b);
}

RS_VINLINE int v64_none(m64_t m)
{
    return m == 0;
}

/* A stage inside one register (as V64_STAGE); a lane whose key changed took its partner's,
 * so it takes its partner's payload too (equal keys never move). */
#define P64_STAGE(k, p, perm, hi)                                                           \
    do {                                                                                    \
        const v64_t nk_ = V64_STAGE((k), perm(k), (hi));                                    \
        (p) = v64_blend(v64_eq(nk_, (k)), perm(p), (p));                                    \
        (k) = nk_;                                                                          \
    } while (0)

RS_VINLINE void p64_sort_in(v64_t *k, v64_t *p)
{
    P64_STAGE(*k, *p, v64_x1, 0xAA);
    P64_STAGE(*k, *p, v64_x3, 0xCC);
    P64_STAGE(*k, *p, v64_x1, 0xAA);
    P64_STAGE(*k, *p, v64_rev, 0xF0);
    P64_STAGE(*k, *p, v64_x2, 0xCC);
    P64_STAGE(*k, *p, v64_x1, 0xAA);
}

RS_VINLINE void p64_merge_in(v64_t *k, v64_t *p)
{
    P64_STAGE(*k, *p, v64_x4, 0xF0);
    P64_STAGE(*k, *p, v64_x2, 0xCC);
    P64_STAGE(*k, *p, v64_x1, 0xAA);
}

/* Partitions the pairs (k, p) around pv into K/P: keys < pv at index *l (a whole vector is
 * stored there: the caller keeps V64_N free slots at *l), the others just below *r. */
RS_VINLINE void p64_part(v64_t k, v64_t p, v64_t pv, uint64_t *K, uint64_t *P, size_t *l,
                         size_t *r)
{
    const __mmask8 ge = _mm512_cmpge_epu64_mask(k, pv);
    const unsigned cg = (unsigned)_mm_popcnt_u32(ge);
    const __mmask8 rmask = (__mmask8)~_bzhi_u32(0xFFu, 8u - cg);
    const __m512i perm = v64_part_perm(ge);
    const v64_t wk = _mm512_permutexvar_epi64(perm, k), wp = _mm512_permutexvar_epi64(perm, p);
    _mm512_storeu_si512((void *)(K + *l), wk);
    _mm512_storeu_si512((void *)(P + *l), wp);
    _mm512_mask_storeu_epi64((void *)(K + *r - 8), rmask, wk);
    _mm512_mask_storeu_epi64((void *)(P + *r - 8), rmask, wp);
    *r -= cg;
    *l += 8u - cg;
}

/* ------------------------------------------------ float64 numbers, compared as numbers */

/* The bit patterns of float64 values, ordered as numbers by vminpd/vmaxpd and vcmppd: on
 * Intel cores the 64-bit integer min/max (vpminuq) run on one port, the FP ones on two, and
 * they need no key transform. For rows without NaNs only, and only while MXCSR.DAZ is clear
 * (denormals compared as themselves): vf64_usable. -0.0 and +0.0 are equal here, and every
 * compare-exchange keeps a tie a permutation (its two outputs are its two inputs, in either
 * order): vf64_min returns b on a tie and vf64_max a; VF64_STAGE swaps the partners. The
 * other operations are those of v64. Padding: +inf. */
#include "float_keys.h" /* Kf64_MAX, vf64_klt, vf64_succ, Kf32_MAX, ... */

typedef __m512i vf64_t;
typedef uint64_t kf64_t;
#define Vf64_N   8
#define RS_PD(v) _mm512_castsi512_pd(v)
#define RS_SI(v) _mm512_castpd_si512(v)

#define vf64_loadu      v64_loadu
#define vf64_storeu     v64_storeu
#define vf64_set1       v64_set1
#define vf64_store_part v64_store_part
#define vf64_rev        v64_rev
#define vf64_swapbit    v64_swapbit
#define vf64_pre        v64_pre
#define vf64_post       v64_post

RS_VINLINE vf64_t vf64_load_pad(const uint64_t *p, size_t cnt)
{
    const __mmask8 m = (__mmask8)_bzhi_u32(0xFFu, (unsigned)cnt);
    return _mm512_mask_loadu_epi64(_mm512_set1_epi64((long long)Kf64_MAX), m, (const void *)p);
}

RS_VINLINE vf64_t vf64_min(vf64_t a, vf64_t b)
{
    return RS_SI(_mm512_min_pd(RS_PD(a), RS_PD(b)));
}

RS_VINLINE vf64_t vf64_max(vf64_t a, vf64_t b)
{
    return RS_SI(_mm512_max_pd(RS_PD(b), RS_PD(a)));
}

/* Lanes outside hi take min(v, w), lanes in hi max(v, w); on a tie both take w, their
 * partner's key. */
#define VF64_STAGE(v, w, hi)                                                                \
    RS_SI(_mm512_mask_max_pd(_mm512_min_pd(RS_PD(v), RS_PD(w)), (hi), RS_PD(v), RS_PD(w)))

RS_VINLINE vf64_t vf64_merge_in(vf64_t v)
{
    V64_MERGE_IN_STEPS(VF64_STAGE, v);
    return v;
}

RS_VINLINE vf64_t vf64_sort_in(vf64_t v)
{
    V64_SORT_IN_STEPS(VF64_STAGE, v);
    return v;
}

RS_VINLINE void vf64_mirror_dir(vf64_t *a, vf64_t *b, const int j)
{
    const __mmask8 up = j == 1 ? 0xAA : j == 2 ? 0xCC : 0xF0;
    const vf64_t x = *a, y = v64_flip_low(*b, j);
    const vf64_t mn = vf64_min(x, y), mx = vf64_max(x, y);
    *a = _mm512_mask_mov_epi64(mn, up, mx);
    *b = v64_flip_low(_mm512_mask_mov_epi64(mx, up, mn), j);
}

RS_VINLINE vf64_t vf64_hc_lane(vf64_t v, const int b)
{
    return V64_HC_LANE(VF64_STAGE, v, b);
}

RS_VINLINE void vf64_part(vf64_t v, vf64_t pv, uint64_t **l, uint64_t **r)
{
    v64_part_mask(v, _mm512_cmp_pd_mask(RS_PD(v), RS_PD(pv), _CMP_GE_OQ), l, r);
}

RS_VINLINE uint64_t vf64_hmin(vf64_t v)
{
    return vf64_bits(_mm512_reduce_min_pd(RS_PD(v)));
}

RS_VINLINE uint64_t vf64_hmax(vf64_t v)
{
    return vf64_bits(_mm512_reduce_max_pd(RS_PD(v)));
}

/* As vf32_chk_*: the NaN check fused into sort_chk's first partition. */
#define Vf64_CHECKS 1
RS_VINLINE vf64_t vf64_chk_init(void)
{
    return _mm512_setzero_si512();
}

RS_VINLINE vf64_t vf64_chk_acc(vf64_t acc, vf64_t v)
{
    return _mm512_max_epu64(acc,
                            _mm512_and_si512(v, _mm512_set1_epi64(INT64_C(0x7FFFFFFFFFFFFFFF))));
}

RS_VINLINE int vf64_chk_ok(vf64_t acc)
{
    return _mm512_reduce_max_epu64(acc) <= Kf64_MAX;
}

RS_VINLINE int vf64_chk_env(void)
{
    return !(_mm_getcsr() & RS_MXCSR_DAZ);
}

/* One pass over keys[0..n): 0 where one is a NaN or MXCSR.DAZ is set, else 1 where
 * find_neg_zero (a constant: the compare is compiled out without it) found a -0.0, else 2. */
RS_VINLINE int vf64_scan(const uint64_t *keys, size_t n, int find_neg_zero)
{
    if (!vf64_chk_env())
        return 0;
    const __m512i neg_zero = _mm512_set1_epi64(INT64_MIN);
    __mmask8 neg = 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __mmask8 nan = 0;
        for (int u = 0; u < 4; u++) {
            const __m512i k = v64_loadu(keys + i + 8 * (size_t)u);
            nan |= _mm512_cmp_pd_mask(RS_PD(k), RS_PD(k), _CMP_UNORD_Q);
            if (find_neg_zero)
                neg |= _mm512_cmpeq_epi64_mask(k, neg_zero);
        }
        if (nan)
            return 0;
    }
    for (; i < n; i += 8) {
        const __m512i k = vf64_load_pad(keys + i, n - i < 8 ? n - i : 8);
        if (_mm512_cmp_pd_mask(RS_PD(k), RS_PD(k), _CMP_UNORD_Q))
            return 0;
        if (find_neg_zero)
            neg |= _mm512_cmpeq_epi64_mask(k, neg_zero);
    }
    return neg ? 1 : 2;
}

/* Whether these kernels may sort keys[0..n): no NaN among them and MXCSR.DAZ clear. */
RS_VINLINE int vf64_usable(const uint64_t *keys, size_t n)
{
    return vf64_scan(keys, n, 0) != 0;
}

/* vf64_usable that also tells whether a -0.0 is among the keys: 0 (not usable), 1 (usable,
 * a -0.0 among them), 2 (usable, no -0.0: RS_SORTED_ZEROS, kernels.h; then whatever order
 * the networks leave equal keys in, the zeros are +0.0 alone). One more compare in the
 * pass that was there, where the engine's own pass after the sort measured 11-20% of the
 * sort of float64 rows of 16; with it spared, rows of 16 and 24 gained 6-7.5% (Zen 4, one
 * thread). */
#define Vf64_USABLE_Z 1
RS_VINLINE int vf64_usable_z(const uint64_t *keys, size_t n)
{
    return vf64_scan(keys, n, 1);
}

/* float32 numbers, as vf64 (same rules: no NaN, MXCSR.DAZ clear, ties kept permutations,
 * +inf padding). On 32-bit keys the integer min/max are as fast as the FP ones here (the
 * FP ones measured 1-7% slower on rows in cache): the engine takes these only for rows
 * long enough that the key transform's two passes cost more (row_sort.c). */
typedef __m512i vf32_t;
typedef uint32_t kf32_t;
#define Vf32_N   16
#define RS_PS(v) _mm512_castsi512_ps(v)
#define RS_SI32(v) _mm512_castps_si512(v)

#define vf32_loadu      v32_loadu
#define vf32_storeu     v32_storeu
#define vf32_set1       v32_set1
#define vf32_store_part v32_store_part
#define vf32_rev        v32_rev
#define vf32_swapbit    v32_swapbit
#define vf32_pre        v32_pre
#define vf32_post       v32_post

RS_VINLINE vf32_t vf32_load_pad(const uint32_t *p, size_t cnt)
{
    const __mmask16 m = (__mmask16)_bzhi_u32(0xFFFFu, (unsigned)cnt);
    return _mm512_mask_loadu_epi32(_mm512_set1_epi32((int)Kf32_MAX), m, (const void *)p);
}

RS_VINLINE vf32_t vf32_min(vf32_t a, vf32_t b)
{
    return RS_SI32(_mm512_min_ps(RS_PS(a), RS_PS(b)));
}

RS_VINLINE vf32_t vf32_max(vf32_t a, vf32_t b)
{
    return RS_SI32(_mm512_max_ps(RS_PS(b), RS_PS(a)));
}

#define VF32_STAGE(v, w, hi)                                                                \
    RS_SI32(_mm512_mask_max_ps(_mm512_min_ps(RS_PS(v), RS_PS(w)), (hi), RS_PS(v), RS_PS(w)))

RS_VINLINE vf32_t vf32_merge_in(vf32_t v)
{
    V32_MERGE_IN_STEPS(VF32_STAGE, v);
    return v;
}

RS_VINLINE vf32_t vf32_sort_in(vf32_t v)
{
    V32_SORT_IN_STEPS(VF32_STAGE, v);
    return v;
}

RS_VINLINE void vf32_mirror_dir(vf32_t *a, vf32_t *b, const int j)
{
    const __mmask16 up = j == 1 ? 0xAAAA : j == 2 ? 0xCCCC : j == 3 ? 0xF0F0 : 0xFF00;
    const vf32_t x = *a, y = v32_flip_low(*b, j);
    const vf32_t mn = vf32_min(x, y), mx = vf32_max(x, y);
    *a = _mm512_mask_mov_epi32(mn, up, mx);
    *b = v32_flip_low(_mm512_mask_mov_epi32(mx, up, mn), j);
}

RS_VINLINE vf32_t vf32_hc_lane(vf32_t v, const int b)
{
    return V32_HC_LANE(VF32_STAGE, v, b);
}

RS_VINLINE void vf32_part(vf32_t v, vf32_t pv, uint32_t **l, uint32_t **r)
{
    v32_part_mask(v, _mm512_cmp_ps_mask(RS_PS(v), RS_PS(pv), _CMP_GE_OQ), l, r);
}

RS_VINLINE uint32_t vf32_hmin(vf32_t v)
{
    return vf32_bits(_mm512_reduce_min_ps(RS_PS(v)));
}

RS_VINLINE uint32_t vf32_hmax(vf32_t v)
{
    return vf32_bits(_mm512_reduce_max_ps(RS_PS(v)));
}

/* The NaN check of sort_chk (bitonic_tmpl.h), fused into the first partition: the largest
 * magnitude seen, as bits (a NaN's exceed +inf's); an and and an integer max (ports 0 and
 * 5, 0) beside the partition's compare and compresses (port 5). */
#define Vf32_CHECKS 1
#define vf32_chk_init vf64_chk_init /* the same vector type */
#define vf32_chk_env  vf64_chk_env
RS_VINLINE vf32_t vf32_chk_acc(vf32_t acc, vf32_t v)
{
    return _mm512_max_epu32(acc, _mm512_and_si512(v, _mm512_set1_epi32(0x7FFFFFFF)));
}

RS_VINLINE int vf32_chk_ok(vf32_t acc)
{
    return _mm512_reduce_max_epu32(acc) <= Kf32_MAX;
}

/* Whether these kernels may sort keys[0..n): no NaN among them and MXCSR.DAZ clear. */
RS_VINLINE int vf32_usable(const uint32_t *keys, size_t n)
{
    if (!vf32_chk_env())
        return 0;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __mmask16 nan = 0;
        for (int u = 0; u < 4; u++) {
            const __m512 v = RS_PS(v32_loadu(keys + i + 16 * (size_t)u));
            nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        }
        if (nan)
            return 0;
    }
    for (; i < n; i += 16) {
        const __m512 v = RS_PS(vf32_load_pad(keys + i, n - i < 16 ? n - i : 16));
        if (_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q))
            return 0;
    }
    return 1;
}

/* ------------------------------------------------ signed integers, compared as themselves */

/* int32 and int64 bit patterns ordered as signed integers: vpminsd/vpminsq and vpcmpd/q
 * cost what the unsigned ones cost, and the keys need no transform (the sign-bit flip was
 * a pass over the row before the sort and one after). Padding: the largest signed key.
 * The operations that do not compare are v32's and v64's. */
typedef __m512i vi32_t;
typedef uint32_t ki32_t;
#define Vi32_N   16
#define Ki32_MAX UINT32_C(0x7FFFFFFF)

#define vi32_loadu      v32_loadu
#define vi32_storeu     v32_storeu
#define vi32_set1       v32_set1
#define vi32_store_part v32_store_part
#define vi32_rev        v32_rev
#define vi32_swapbit    v32_swapbit
#define vi32_pre        v32_pre
#define vi32_post       v32_post
#define vi32_klt(a, b)  ((int32_t)(a) < (int32_t)(b))

RS_VINLINE vi32_t vi32_load_pad(const uint32_t *p, size_t cnt)
{
    const __mmask16 m = (__mmask16)_bzhi_u32(0xFFFFu, (unsigned)cnt);
    return _mm512_mask_loadu_epi32(_mm512_set1_epi32(INT32_MAX), m, (const void *)p);
}

/* A compare-exchange by a compare and two blends (port 5 and either port) instead of
 * min and max (port 0 only on Intel cores): networks mix the two (bitonic_tmpl.h, CX). */
RS_VINLINE void vi32_cx_blend(vi32_t *a, vi32_t *b)
{
    const __mmask16 gt = _mm512_cmpgt_epi32_mask(*a, *b);
    const vi32_t lo = _mm512_mask_blend_epi32(gt, *a, *b);
    *b = _mm512_mask_blend_epi32(gt, *b, *a);
    *a = lo;
}
#define Vi32_CX_BLEND 1

RS_VINLINE vi32_t vi32_min(vi32_t a, vi32_t b)
{
    return _mm512_min_epi32(a, b);
}

RS_VINLINE vi32_t vi32_max(vi32_t a, vi32_t b)
{
    return _mm512_max_epi32(a, b);
}

#define VI32_STAGE(v, w, hi) _mm512_mask_max_epi32(_mm512_min_epi32((v), (w)), (hi), (v), (w))

RS_VINLINE vi32_t vi32_merge_in(vi32_t v)
{
    V32_MERGE_IN_STEPS(VI32_STAGE, v);
    return v;
}

RS_VINLINE vi32_t vi32_sort_in(vi32_t v)
{
    V32_SORT_IN_STEPS(VI32_STAGE, v);
    return v;
}

RS_VINLINE void vi32_mirror_dir(vi32_t *a, vi32_t *b, const int j)
{
    const __mmask16 up = j == 1 ? 0xAAAA : j == 2 ? 0xCCCC : j == 3 ? 0xF0F0 : 0xFF00;
    const vi32_t x = *a, y = v32_flip_low(*b, j);
    const vi32_t mn = _mm512_min_epi32(x, y), mx = _mm512_max_epi32(x, y);
    *a = _mm512_mask_max_epi32(mn, up, x, y);
    *b = v32_flip_low(_mm512_mask_min_epi32(mx, up, x, y), j);
}

RS_VINLINE vi32_t vi32_hc_lane(vi32_t v, const int b)
{
    return V32_HC_LANE(VI32_STAGE, v, b);
}

RS_VINLINE void vi32_part(vi32_t v, vi32_t pv, uint32_t **l, uint32_t **r)
{
    v32_part_mask(v, _mm512_cmpge_epi32_mask(v, pv), l, r);
}

RS_VINLINE uint32_t vi32_hmin(vi32_t v)
{
    return (uint32_t)_mm512_reduce_min_epi32(v);
}

RS_VINLINE uint32_t vi32_hmax(vi32_t v)
{
    return (uint32_t)_mm512_reduce_max_epi32(v);
}

/* float32 bit patterns sorted in the ascending order (NaNs of either sign last) by the int32
 * networks, the key transform done in the registers as rows are loaded and undone as they are
 * stored: vec_avx2.h's vxf32, 16 lanes. Only the row networks (bitonic_tmpl.h with
 * RS_ROWS_ONLY). The compare-and-blend of vi32 too, which also makes the networks split
 * their leaves of 17..24 registers as vi32's do (bitonic_tmpl.h, SPLIT_LEAF: with the
 * padded network, 300-key rows measured 0.79x of the encode and decode passes on Zen 4;
 * split, 1.02x); the kernel file picks the mix. */
typedef __m512i vxf32_t;
typedef uint32_t kxf32_t;
#define Vxf32_N          16
#define Kxf32_MAX        UINT32_C(0x7FFFFFFF)
#define vxf32_set1       v32_set1
#define vxf32_rev        v32_rev
#define vxf32_swapbit    v32_swapbit
#define vxf32_min        vi32_min
#define vxf32_max        vi32_max
#define vxf32_cx_blend   vi32_cx_blend
#define Vxf32_CX_BLEND   1
#define vxf32_merge_in   vi32_merge_in
#define vxf32_sort_in    vi32_sort_in
#define vxf32_mirror_dir vi32_mirror_dir
#define vxf32_hc_lane    vi32_hc_lane
#define vxf32_pre        v32_pre
#define vxf32_post       v32_post

/* v ^ ((v >> 31) & 0x7FFFFFFF): one ternary logic op (A ^ (B & C): 0x78) after the shift. */
RS_VINLINE vxf32_t vxf32_fold(__m512i v)
{
    return _mm512_ternarylogic_epi32(v, _mm512_srai_epi32(v, 31), _mm512_set1_epi32(INT32_MAX),
                                     0x78);
}

RS_VINLINE vxf32_t vxf32_enc(__m512i u)
{
    return _mm512_sub_epi32(vxf32_fold(u), _mm512_set1_epi32((int)RS_F32_ASC_NANS));
}

RS_VINLINE __m512i vxf32_dec(vxf32_t k)
{
    return vxf32_fold(_mm512_add_epi32(k, _mm512_set1_epi32((int)RS_F32_ASC_NANS)));
}

RS_VINLINE vxf32_t vxf32_loadu(const uint32_t *p)
{
    return vxf32_enc(v32_loadu(p));
}

RS_VINLINE vxf32_t vxf32_load_pad(const uint32_t *p, size_t cnt)
{
    const __mmask16 m = (__mmask16)_bzhi_u32(0xFFFFu, (unsigned)cnt);
    const vxf32_t x = vxf32_enc(_mm512_maskz_loadu_epi32(m, (const void *)p));
    return _mm512_mask_blend_epi32(m, _mm512_set1_epi32(INT32_MAX), x);
}

RS_VINLINE void vxf32_storeu(uint32_t *p, vxf32_t v)
{
    v32_storeu(p, vxf32_dec(v));
}

RS_VINLINE void vxf32_store_part(uint32_t *p, vxf32_t v, size_t cnt)
{
    v32_store_part(p, vxf32_dec(v), cnt);
}

/* The quicksort of long float32 rows in the same ascending order (bitonic_tmpl.h, sort_enc):
 * in memory the keys are vxf32's encoded keys, compared as int32 (vi32's operations), but at
 * the two ends of the sort, so that neither is a pass of its own: the first partition
 * encodes the float32 bit patterns as it reads them (enc, kenc) and the leaves' networks
 * decode them as they store them (storeu, store_part; kdec). storeu_keys stores as they
 * are. No compare-and-blend (Zen 4's networks take min and max only). */
typedef __m512i vdf32_t;
typedef uint32_t kdf32_t;
#define Vdf32_N           16
#define Kdf32_MAX         UINT32_C(0x7FFFFFFF)
#define Vdf32_DEC_STORES  1
#define vdf32_loadu       v32_loadu
#define vdf32_load_pad    vi32_load_pad
#define vdf32_storeu_keys v32_storeu
#define vdf32_set1        v32_set1
#define vdf32_rev         v32_rev
#define vdf32_swapbit     v32_swapbit
#define vdf32_min         vi32_min
#define vdf32_max         vi32_max
#define vdf32_merge_in    vi32_merge_in
#define vdf32_sort_in     vi32_sort_in
#define vdf32_mirror_dir  vi32_mirror_dir
#define vdf32_hc_lane     vi32_hc_lane
#define vdf32_part        vi32_part
#define vdf32_hmin        vi32_hmin
#define vdf32_hmax        vi32_hmax
#define vdf32_klt         vi32_klt
#define vdf32_pre         v32_pre
#define vdf32_post        v32_post
#define vdf32_enc         vxf32_enc
#define vdf32_kenc        rs_f32_asc_enc
#define vdf32_kdec        rs_f32_asc_dec

RS_VINLINE void vdf32_storeu(uint32_t *p, vdf32_t v)
{
    v32_storeu(p, vxf32_dec(v));
}

RS_VINLINE void vdf32_store_part(uint32_t *p, vdf32_t v, size_t cnt)
{
    v32_store_part(p, vxf32_dec(v), cnt);
}

/* 16-bit keys sorted in 32-bit lanes, widened as the networks load them (vpmovzxwd) and
 * narrowed as they store them (vpmovdw), instead of copied wider into a buffer and back:
 * the u32 networks otherwise (v32's operations). Only the row networks (RS_ROWS_ONLY).
 * Padding: 0xFFFF, the largest 16-bit key. */
typedef __m512i vw16_t;
typedef uint16_t kw16_t;
#define Vw16_N         16
#define Kw16_MAX       UINT16_C(0xFFFF)
#define vw16_set1      v32_set1
#define vw16_rev       v32_rev
#define vw16_swapbit   v32_swapbit
#define vw16_min       v32_min
#define vw16_max       v32_max
#define vw16_cx_blend  v32_cx_blend
#define Vw16_CX_BLEND  1
#define vw16_merge_in  v32_merge_in
#define vw16_sort_in   v32_sort_in
#define vw16_mirror_dir v32_mirror_dir
#define vw16_hc_lane   v32_hc_lane
#define vw16_pre(p, n)  ((void)(p), (void)(n))
#define vw16_post(p, n) ((void)(p), (void)(n))

RS_VINLINE vw16_t vw16_loadu(const uint16_t *p)
{
    return _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(const void *)p));
}

RS_VINLINE vw16_t vw16_load_pad(const uint16_t *p, size_t cnt)
{
    const __mmask16 m = (__mmask16)_bzhi_u32(0xFFFFu, (unsigned)cnt);
    const vw16_t x = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, (const void *)p));
    return _mm512_mask_blend_epi32(m, _mm512_set1_epi32(0xFFFF), x);
}

RS_VINLINE void vw16_storeu(uint16_t *p, vw16_t v)
{
    _mm256_storeu_si256((__m256i *)(void *)p, _mm512_cvtepi32_epi16(v));
}

RS_VINLINE void vw16_store_part(uint16_t *p, vw16_t v, size_t cnt)
{
    _mm512_mask_cvtepi32_storeu_epi16((void *)p, (__mmask16)_bzhi_u32(0xFFFFu, (unsigned)cnt), v);
}

typedef __m512i vi64_t;
typedef uint64_t ki64_t;
#define Vi64_N   8
#define Ki64_MAX UINT64_C(0x7FFFFFFFFFFFFFFF)

#define vi64_loadu      v64_loadu
#define vi64_storeu     v64_storeu
#define vi64_set1       v64_set1
#define vi64_store_part v64_store_part
#define vi64_rev        v64_rev
#define vi64_swapbit    v64_swapbit
#define vi64_pre        v64_pre
#define vi64_post       v64_post
#define vi64_klt(a, b)  ((int64_t)(a) < (int64_t)(b))

RS_VINLINE vi64_t vi64_load_pad(const uint64_t *p, size_t cnt)
{
    const __mmask8 m = (__mmask8)_bzhi_u32(0xFFu, (unsigned)cnt);
    return _mm512_mask_loadu_epi64(_mm512_set1_epi64(INT64_MAX), m, (const void *)p);
}

RS_VINLINE void vi64_cx_blend(vi64_t *a, vi64_t *b)
{
    const __mmask8 gt = _mm512_cmpgt_epi64_mask(*a, *b);
    const vi64_t lo = _mm512_mask_blend_epi64(gt, *a, *b);
    *b = _mm512_mask_blend_epi64(gt, *b, *a);
    *a = lo;
}
#define Vi64_CX_BLEND 1

RS_VINLINE vi64_t vi64_min(vi64_t a, vi64_t b)
{
    return _mm512_min_epi64(a, b);
}

RS_VINLINE vi64_t vi64_max(vi64_t a, vi64_t b)
{
    return _mm512_max_epi64(a, b);
}

#define VI64_STAGE(v, w, hi) _mm512_mask_max_epi64(_mm512_min_epi64((v), (w)), (hi), (v), (w))

RS_VINLINE vi64_t vi64_merge_in(vi64_t v)
{
    V64_MERGE_IN_STEPS(VI64_STAGE, v);
    return v;
}

RS_VINLINE vi64_t vi64_sort_in(vi64_t v)
{
    V64_SORT_IN_STEPS(VI64_STAGE, v);
    return v;
}

RS_VINLINE void vi64_mirror_dir(vi64_t *a, vi64_t *b, const int j)
{
    const __mmask8 up = j == 1 ? 0xAA : j == 2 ? 0xCC : 0xF0;
    const vi64_t x = *a, y = v64_flip_low(*b, j);
    const vi64_t mn = _mm512_min_epi64(x, y), mx = _mm512_max_epi64(x, y);
    *a = _mm512_mask_max_epi64(mn, up, x, y);
    *b = v64_flip_low(_mm512_mask_min_epi64(mx, up, x, y), j);
}

RS_VINLINE vi64_t vi64_hc_lane(vi64_t v, const int b)
{
    return V64_HC_LANE(VI64_STAGE, v, b);
}

RS_VINLINE void vi64_part(vi64_t v, vi64_t pv, uint64_t **l, uint64_t **r)
{
    v64_part_mask(v, _mm512_cmpge_epi64_mask(v, pv), l, r);
}

RS_VINLINE uint64_t vi64_hmin(vi64_t v)
{
    return (uint64_t)_mm512_reduce_min_epi64(v);
}

RS_VINLINE uint64_t vi64_hmax(vi64_t v)
{
    return (uint64_t)_mm512_reduce_max_epi64(v);
}

#endif /* RS_VEC_AVX512_H */
