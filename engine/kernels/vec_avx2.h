/*
 * vec_avx2.h - the AVX2 vector vocabulary the kernel templates are written on.
 *
 * Included only by kern_avx2.c (built with -mavx2 -mbmi -mbmi2 -mpopcnt). Every helper is
 * static. Same names and meanings as vec_avx512.h (see there). AVX2 has no compress: a
 * partitioned vector is permuted by a table (keys < pivot first) and stored whole on both
 * sides. AVX2 has no unsigned 64-bit compare: 64-bit keys are sorted with the sign bit
 * flipped (pre/post), as signed integers.
 */
#ifndef RS_VEC_AVX2_H
#define RS_VEC_AVX2_H

#include <immintrin.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>

#define RS_VINLINE static inline __attribute__((always_inline))
/* Vector registers (the networks size their batches of rows by it). */
#define RS_VREGS 16

/* Generated (python, in the commit message of this file): for a mask of lanes >= pivot,
 * the lanes < pivot in order, then the others in order, one dword index per nibble. */
static const uint32_t v32_part_lut[256] = {
    0x76543210u, 0x07654321u, 0x17654320u, 0x10765432u, 0x27654310u, 0x20765431u, 0x21765430u,
    0x21076543u, 0x37654210u, 0x30765421u, 0x31765420u, 0x31076542u, 0x32765410u, 0x32076541u,
    0x32176540u, 0x32107654u, 0x47653210u, 0x40765321u, 0x41765320u, 0x41076532u, 0x42765310u,
    0x42076531u, 0x42176530u, 0x42107653u, 0x43765210u, 0x43076521u, 0x43176520u, 0x43107652u,
    0x43276510u, 0x43207651u, 0x43217650u, 0x43210765u, 0x57643210u, 0x50764321u, 0x51764320u,
    0x51076432u, 0x52764310u, 0x52076431u, 0x52176430u, 0x52107643u, 0x53764210u, 0x53076421u,
    0x53176420u, 0x53107642u, 0x53276410u, 0x53207641u, 0x53217640u, 0x53210764u, 0x54763210u,
    0x54076321u, 0x54176320u, 0x54107632u, 0x54276310u, 0x54207631u, 0x54217630u, 0x54210763u,
    0x54376210u, 0x54307621u, 0x54317620u, 0x54310762u, 0x54327610u, 0x54320761u, 0x54321760u,
    0x54321076u, 0x67543210u, 0x60754321u, 0x61754320u, 0x61075432u, 0x62754310u, 0x62075431u,
    0x62175430u, 0x62107543u, 0x63754210u, 0x63075421u, 0x63175420u, 0x63107542u, 0x63275410u,
    0x63207541u, 0x63217540u, 0x63210754u, 0x64753210u, 0x64075321u, 0x64175320u, 0x64107532u,
    0x64275310u, 0x64207531u, 0x64217530u, 0x64210753u, 0x64375210u, 0x64307521u, 0x64317520u,
    0x64310752u, 0x64327510u, 0x64320751u, 0x64321750u, 0x64321075u, 0x65743210u, 0x65074321u,
    0x65174320u, 0x65107432u, 0x65274310u, 0x65207431u, 0x65217430u, 0x65210743u, 0x65374210u,
    0x65307421u, 0x65317420u, 0x65310742u, 0x65327410u, 0x65320741u, 0x65321740u, 0x65321074u,
    0x65473210u, 0x65407321u, 0x65417320u, 0x65410732u, 0x65427310u, 0x65420731u, 0x65421730u,
    0x65421073u, 0x65437210u, 0x65430721u, 0x65431720u, 0x65431072u, 0x65432710u, 0x65432071u,
    0x65432170u, 0x65432107u, 0x76543210u, 0x70654321u, 0x71654320u, 0x71065432u, 0x72654310u,
    0x72065431u, 0x72165430u, 0x72106543u, 0x73654210u, 0x73065421u, 0x73165420u, 0x73106542u,
    0x73265410u, 0x73206541u, 0x73216540u, 0x73210654u, 0x74653210u, 0x74065321u, 0x74165320u,
    0x74106532u, 0x74265310u, 0x74206531u, 0x74216530u, 0x74210653u, 0x74365210u, 0x74306521u,
    0x74316520u, 0x74310652u, 0x74326510u, 0x74320651u, 0x74321650u, 0x74321065u, 0x75643210u,
    0x75064321u, 0x75164320u, 0x75106432u, 0x75264310u, 0x75206431u, 0x75216430u, 0x75210643u,
    0x75364210u, 0x75306421u, 0x75316420u, 0x75310642u, 0x75326410u, 0x75320641u, 0x75321640u,
    0x75321064u, 0x75463210u, 0x75406321u, 0x75416320u, 0x75410632u, 0x75426310u, 0x75420631u,
    0x75421630u, 0x75421063u, 0x75436210u, 0x75430621u, 0x75431620u, 0x75431062u, 0x75432610u,
    0x75432061u, 0x75432160u, 0x75432106u, 0x76543210u, 0x76054321u, 0x76154320u, 0x76105432u,
    0x76254310u, 0x76205431u, 0x76215430u, 0x76210543u, 0x76354210u, 0x76305421u, 0x76315420u,
    0x76310542u, 0x76325410u, 0x76320541u, 0x76321540u, 0x76321054u, 0x76453210u, 0x76405321u,
    0x76415320u, 0x76410532u, 0x76425310u, 0x76420531u, 0x76421530u, 0x76421053u, 0x76435210u,
    0x76430521u, 0x76431520u, 0x76431052u, 0x76432510u, 0x76432051u, 0x76432150u, 0x76432105u,
    0x76543210u, 0x76504321u, 0x76514320u, 0x76510432u, 0x76524310u, 0x76520431u, 0x76521430u,
    0x76521043u, 0x76534210u, 0x76530421u, 0x76531420u, 0x76531042u, 0x76532410u, 0x76532041u,
    0x76532140u, 0x76532104u, 0x76543210u, 0x76540321u, 0x76541320u, 0x76541032u, 0x76542310u,
    0x76542031u, 0x76542130u, 0x76542103u, 0x76543210u, 0x76543021u, 0x76543120u, 0x76543102u,
    0x76543210u, 0x76543201u, 0x76543210u, 0x76543210u,
};
static const uint32_t v64_part_lut[16] = {
    0x76543210u, 0x10765432u, 0x32765410u, 0x32107654u, 0x54763210u, 0x54107632u, 0x54327610u,
    0x54321076u, 0x76543210u, 0x76105432u, 0x76325410u, 0x76321054u, 0x76543210u, 0x76541032u,
    0x76543210u, 0x76543210u,
};

RS_VINLINE __m256i rs_lut_index(uint32_t entry)
{
    /* vpermd reads only the low 3 bits of each index. */
    return _mm256_srlv_epi32(_mm256_set1_epi32((int)entry),
                             _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28));
}

RS_VINLINE __m256i rs_lane_mask(size_t cnt, size_t lanes32)
{
    /* Dword lanes below cnt * (8 / lanes32) are all-ones. */
    const int dw = (int)(cnt * (8 / lanes32));
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(dw), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* ---------------------------------------------------------------- 32-bit keys */

typedef __m256i v32_t;
typedef uint32_t k32_t;
#define V32_N    8
#define K32_MAX  UINT32_MAX
#define K32_MIN  0u

RS_VINLINE v32_t v32_loadu(const uint32_t *p)
{
    return _mm256_loadu_si256((const __m256i *)p);
}

RS_VINLINE void v32_storeu(uint32_t *p, v32_t v)
{
    _mm256_storeu_si256((__m256i *)p, v);
}

RS_VINLINE v32_t v32_set1(uint32_t k)
{
    return _mm256_set1_epi32((int)k);
}

RS_VINLINE v32_t v32_load_pad(const uint32_t *p, size_t cnt)
{
    const __m256i m = rs_lane_mask(cnt, 8);
    const __m256i x = _mm256_maskload_epi32((const int *)p, m);
    return _mm256_or_si256(x, _mm256_andnot_si256(m, _mm256_set1_epi32(-1)));
}

RS_VINLINE void v32_store_part(uint32_t *p, v32_t v, size_t cnt)
{
    _mm256_maskstore_epi32((int *)p, rs_lane_mask(cnt, 8), v);
}

RS_VINLINE v32_t v32_min(v32_t a, v32_t b)
{
    return _mm256_min_epu32(a, b);
}

RS_VINLINE v32_t v32_max(v32_t a, v32_t b)
{
    return _mm256_max_epu32(a, b);
}

RS_VINLINE v32_t v32_rev(v32_t v)
{
    return _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0));
}

/* One compare-exchange stage inside a vector: w is v permuted to the partner lanes; lanes
 * in the immediate `hi` keep the larger key. */
#define V32_STAGE(v, w, hi) \
    _mm256_blend_epi32(_mm256_min_epu32((v), (w)), _mm256_max_epu32((v), (w)), (hi))

#define v32_x1(v) _mm256_shuffle_epi32((v), 0xB1)
#define v32_x2(v) _mm256_shuffle_epi32((v), 0x4E)
#define v32_x3(v) _mm256_shuffle_epi32((v), 0x1B)
#define v32_x4(v) _mm256_permute4x64_epi64((v), 0x4E)

/* The stage sequences inside one register, written once for v32 and vi32: S is the
 * vocabulary's stage. */
#define V32_MERGE_IN_STEPS(S, v)                                                           \
    do {                                                                                   \
        v = S(v, v32_x4(v), 0xF0);                                                         \
        v = S(v, v32_x2(v), 0xCC);                                                         \
        v = S(v, v32_x1(v), 0xAA);                                                         \
    } while (0)
#define V32_SORT_IN_STEPS(S, v)                                                            \
    do {                                                                                   \
        v = S(v, v32_x1(v), 0xAA);                                                         \
        v = S(v, v32_x3(v), 0xCC);                                                         \
        v = S(v, v32_x1(v), 0xAA);                                                         \
        v = S(v, v32_rev(v), 0xF0);                                                        \
        v = S(v, v32_x2(v), 0xCC);                                                         \
        v = S(v, v32_x1(v), 0xAA);                                                         \
    } while (0)
#define V32_HC_LANE(S, v, b)                                                               \
    ((b) == 0 ? S(v, v32_x1(v), 0xAA) : (b) == 1 ? S(v, v32_x2(v), 0xCC) : S(v, v32_x4(v), 0xF0))

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

/* The transposed-layout network (bitonic_tmpl.h, net_t); see vec_avx512.h. */
#define V32_TRANSPOSE 1

RS_VINLINE v32_t v32_flip_low(v32_t v, const int j)
{
    return j == 1 ? v32_x1(v) : j == 2 ? v32_x3(v) : v32_rev(v);
}

/* The end of mirror_dir, given the minima and maxima of a and b mirrored. */
RS_VINLINE void v32_mirror_store(v32_t *a, v32_t *b, const int j, v32_t mn, v32_t mx)
{
    if (j == 1) {
        *a = _mm256_blend_epi32(mn, mx, 0xAA);
        *b = v32_flip_low(_mm256_blend_epi32(mx, mn, 0xAA), j);
    } else if (j == 2) {
        *a = _mm256_blend_epi32(mn, mx, 0xCC);
        *b = v32_flip_low(_mm256_blend_epi32(mx, mn, 0xCC), j);
    } else {
        *a = _mm256_blend_epi32(mn, mx, 0xF0);
        *b = v32_flip_low(_mm256_blend_epi32(mx, mn, 0xF0), j);
    }
}

RS_VINLINE void v32_mirror_dir(v32_t *a, v32_t *b, const int j)
{
    const v32_t x = *a, y = v32_flip_low(*b, j);
    v32_mirror_store(a, b, j, _mm256_min_epu32(x, y), _mm256_max_epu32(x, y));
}

RS_VINLINE v32_t v32_hc_lane(v32_t v, const int b)
{
    return V32_HC_LANE(V32_STAGE, v, b);
}

RS_VINLINE void v32_swapbit(v32_t *a, v32_t *b, const int s)
{
    const v32_t x = *a, y = *b;
    if (s == 0) {
        *a = _mm256_blend_epi32(x, _mm256_shuffle_epi32(y, 0xB1), 0xAA);
        *b = _mm256_blend_epi32(y, _mm256_shuffle_epi32(x, 0xB1), 0x55);
    } else if (s == 1) {
        *a = _mm256_blend_epi32(x, _mm256_shuffle_epi32(y, 0x4E), 0xCC);
        *b = _mm256_blend_epi32(y, _mm256_shuffle_epi32(x, 0x4E), 0x33);
    } else {
        *a = _mm256_permute2x128_si256(x, y, 0x20);
        *b = _mm256_permute2x128_si256(x, y, 0x31);
    }
}

/* The whole 8 x 8 transpose of v[0..8) (what swapbit does for s = 0, 1, 2 over the
 * block): 24 shuffles, 3 per register, against swapbit's 5 (its s = 0 and 1 take a
 * shuffle and a blend per register). bitonic_tmpl.h, swap_lane_bits, takes it for whole
 * blocks where the vocabulary says so (V<tag>_HAS_TRANSPOSE): the column networks' and
 * net_t's transposes. Zen 4, AVX2 path, one thread, both ways round: 65536 rows of 32
 * keys int32 and float32 1.12x, of 8 int32 1.19x, of 16 float32 1.15x, int32 0.99x;
 * 8x8192 and 1024x1024 1.01-1.02x. */
#define V32_HAS_TRANSPOSE 1
RS_VINLINE void v32_transpose(v32_t *v)
{
    const __m256i t0 = _mm256_unpacklo_epi32(v[0], v[1]), t1 = _mm256_unpackhi_epi32(v[0], v[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(v[2], v[3]), t3 = _mm256_unpackhi_epi32(v[2], v[3]);
    const __m256i t4 = _mm256_unpacklo_epi32(v[4], v[5]), t5 = _mm256_unpackhi_epi32(v[4], v[5]);
    const __m256i t6 = _mm256_unpacklo_epi32(v[6], v[7]), t7 = _mm256_unpackhi_epi32(v[6], v[7]);
    const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
    const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
    v[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
    v[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
    v[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
    v[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
    v[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
    v[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
    v[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
    v[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

/* Keys < pivot go to *l (growing up), keys >= pivot to just below *r (growing down). Both
 * stores write a whole vector: the caller keeps a vector of free space on each side. */
RS_VINLINE void v32_part_mask(v32_t v, unsigned m, uint32_t **l, uint32_t **r)
{
    const unsigned cg = (unsigned)_mm_popcnt_u32(m);
    const __m256i w = _mm256_permutevar8x32_epi32(v, rs_lut_index(v32_part_lut[m]));
    _mm256_storeu_si256((__m256i *)*l, w);
    _mm256_storeu_si256((__m256i *)(*r - 8), w);
    *l += 8u - cg;
    *r -= cg;
}

/* m: the lanes of v that are >= the pivot. */
RS_VINLINE void v32_part(v32_t v, v32_t pv, uint32_t **l, uint32_t **r)
{
    const __m256i ge = _mm256_cmpeq_epi32(_mm256_max_epu32(v, pv), v);
    v32_part_mask(v, (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(ge)), l, r);
}

RS_VINLINE uint32_t v32_hmin(v32_t v)
{
    __m128i x = _mm_min_epu32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    x = _mm_min_epu32(x, _mm_shuffle_epi32(x, 0x4E));
    x = _mm_min_epu32(x, _mm_shuffle_epi32(x, 0xB1));
    return (uint32_t)_mm_cvtsi128_si32(x);
}

RS_VINLINE uint32_t v32_hmax(v32_t v)
{
    __m128i x = _mm_max_epu32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    x = _mm_max_epu32(x, _mm_shuffle_epi32(x, 0x4E));
    x = _mm_max_epu32(x, _mm_shuffle_epi32(x, 0xB1));
    return (uint32_t)_mm_cvtsi128_si32(x);
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

/* int32 bit patterns sorted as signed integers (vpminsd, vpcmpgtd): no key transform. The
 * operations that do not compare are v32's. Padding: INT32_MAX. */
typedef v32_t vi32_t;
typedef uint32_t ki32_t;
#define Vi32_N          V32_N
#define Ki32_MAX        UINT32_C(0x7FFFFFFF)
#define vi32_loadu      v32_loadu
#define vi32_storeu     v32_storeu
#define vi32_set1       v32_set1
#define vi32_store_part v32_store_part
#define vi32_rev        v32_rev
#define vi32_swapbit    v32_swapbit
#define Vi32_HAS_TRANSPOSE 1
#define vi32_transpose v32_transpose
#define vi32_pre        v32_pre
#define vi32_post       v32_post
#define vi32_klt(a, b)  ((int32_t)(a) < (int32_t)(b))

RS_VINLINE vi32_t vi32_load_pad(const uint32_t *p, size_t cnt)
{
    const __m256i m = rs_lane_mask(cnt, 8);
    const __m256i x = _mm256_maskload_epi32((const int *)p, m);
    return _mm256_blendv_epi8(_mm256_set1_epi32(INT32_MAX), x, m);
}

RS_VINLINE vi32_t vi32_min(vi32_t a, vi32_t b)
{
    return _mm256_min_epi32(a, b);
}

RS_VINLINE vi32_t vi32_max(vi32_t a, vi32_t b)
{
    return _mm256_max_epi32(a, b);
}

#define VI32_STAGE(v, w, hi) \
    _mm256_blend_epi32(_mm256_min_epi32((v), (w)), _mm256_max_epi32((v), (w)), (hi))

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
    const vi32_t x = *a, y = v32_flip_low(*b, j);
    v32_mirror_store(a, b, j, _mm256_min_epi32(x, y), _mm256_max_epi32(x, y));
}

RS_VINLINE vi32_t vi32_hc_lane(vi32_t v, const int b)
{
    return V32_HC_LANE(VI32_STAGE, v, b);
}

RS_VINLINE void vi32_part(vi32_t v, vi32_t pv, uint32_t **l, uint32_t **r)
{
    const __m256i lt = _mm256_cmpgt_epi32(pv, v);
    v32_part_mask(v, ~(unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(lt)) & 0xFFu, l, r);
}

RS_VINLINE uint32_t vi32_hmin(vi32_t v)
{
    __m128i x = _mm_min_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    x = _mm_min_epi32(x, _mm_shuffle_epi32(x, 0x4E));
    x = _mm_min_epi32(x, _mm_shuffle_epi32(x, 0xB1));
    return (uint32_t)_mm_cvtsi128_si32(x);
}

RS_VINLINE uint32_t vi32_hmax(vi32_t v)
{
    __m128i x = _mm_max_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    x = _mm_max_epi32(x, _mm_shuffle_epi32(x, 0x4E));
    x = _mm_max_epi32(x, _mm_shuffle_epi32(x, 0xB1));
    return (uint32_t)_mm_cvtsi128_si32(x);
}

/* float32 bit patterns sorted in the ascending order (NaNs of either sign last) by the int32
 * networks, the key transform done in the registers as rows are loaded and undone as they are
 * stored, instead of in passes of their own over the rows. keys.c's transform for that order
 * (fold the negatives, subtract RS_F32_ASC_NANS: kernels.h), written for signed compares:
 * k = (u ^ ((u >> 31) & 0x7FFFFFFF)) - RS_F32_ASC_NANS, a bijection in the same order. Only
 * the row networks take it (bitonic_tmpl.h with RS_ROWS_ONLY): the quicksort's partitions
 * store the registers they load. Padding: INT32_MAX, the largest transformed key. */
typedef v32_t vxf32_t;
typedef uint32_t kxf32_t;
#define Vxf32_N          V32_N
#define Kxf32_MAX        UINT32_C(0x7FFFFFFF)
#define vxf32_set1       v32_set1
#define vxf32_rev        v32_rev
#define vxf32_swapbit    v32_swapbit
#define Vxf32_HAS_TRANSPOSE 1
#define vxf32_transpose v32_transpose
#define vxf32_min        vi32_min
#define vxf32_max        vi32_max
#define vxf32_merge_in   vi32_merge_in
#define vxf32_sort_in    vi32_sort_in
#define vxf32_mirror_dir vi32_mirror_dir
#define vxf32_hc_lane    vi32_hc_lane
#define vxf32_pre        v32_pre
#define vxf32_post       v32_post

/* The sign folded (an involution: the top bit stays), then the NaN shift. */
RS_VINLINE vxf32_t vxf32_fold(__m256i v)
{
    return _mm256_xor_si256(v, _mm256_and_si256(_mm256_srai_epi32(v, 31),
                                                _mm256_set1_epi32(INT32_MAX)));
}

RS_VINLINE vxf32_t vxf32_enc(__m256i u)
{
    return _mm256_sub_epi32(vxf32_fold(u), _mm256_set1_epi32((int)RS_F32_ASC_NANS));
}

RS_VINLINE __m256i vxf32_dec(vxf32_t k)
{
    return vxf32_fold(_mm256_add_epi32(k, _mm256_set1_epi32((int)RS_F32_ASC_NANS)));
}

RS_VINLINE vxf32_t vxf32_loadu(const uint32_t *p)
{
    return vxf32_enc(v32_loadu(p));
}

RS_VINLINE vxf32_t vxf32_load_pad(const uint32_t *p, size_t cnt)
{
    const __m256i m = rs_lane_mask(cnt, 8);
    const __m256i x = vxf32_enc(_mm256_maskload_epi32((const int *)p, m));
    return _mm256_blendv_epi8(_mm256_set1_epi32(INT32_MAX), x, m);
}

RS_VINLINE void vxf32_storeu(uint32_t *p, vxf32_t v)
{
    v32_storeu(p, vxf32_dec(v));
}

RS_VINLINE void vxf32_store_part(uint32_t *p, vxf32_t v, size_t cnt)
{
    v32_store_part(p, vxf32_dec(v), cnt);
}

/* 16-bit keys sorted in 32-bit lanes, widened as the networks load them (vpmovzxwd) and
 * narrowed as they store them (vpackusdw), instead of copied wider into a buffer and back:
 * the u32 networks otherwise (v32's operations; vec_avx512.h's vw16 on 8 lanes). Only the
 * row networks (RS_ROWS_ONLY). Padding: 0xFFFF, the largest 16-bit key. AVX2 has no
 * 16-bit masked loads or stores: part vectors move their pairs of keys as dwords and an
 * odd last key by itself. */
typedef __m256i vw16_t;
typedef uint16_t kw16_t;
#define Vw16_N            8
#define Kw16_MAX          UINT16_C(0xFFFF)
#define vw16_set1         v32_set1
#define vw16_rev          v32_rev
#define vw16_swapbit      v32_swapbit
#define Vw16_HAS_TRANSPOSE 1
#define vw16_transpose    v32_transpose
#define vw16_min          v32_min
#define vw16_max          v32_max
#define vw16_merge_in     v32_merge_in
#define vw16_sort_in      v32_sort_in
#define vw16_mirror_dir   v32_mirror_dir
#define vw16_hc_lane      v32_hc_lane
#define vw16_pre(p, n)    ((void)(p), (void)(n))
#define vw16_post(p, n)   ((void)(p), (void)(n))

RS_VINLINE vw16_t vw16_loadu(const uint16_t *p)
{
    return _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)p));
}

/* cnt < 8 keys: the pairs of keys by a masked load of dwords, the odd one by itself. */
RS_VINLINE vw16_t vw16_load_pad(const uint16_t *p, size_t cnt)
{
    __m128i x = _mm_maskload_epi32((const int *)(const void *)p,
                                   _mm256_castsi256_si128(rs_lane_mask(cnt / 2, 8)));
    if (cnt & 1) {
        const __m128i at = _mm_cmpeq_epi16(_mm_set1_epi16((short)(cnt - 1)),
                                           _mm_setr_epi16(0, 1, 2, 3, 4, 5, 6, 7));
        x = _mm_blendv_epi8(x, _mm_set1_epi16((short)p[cnt - 1]), at);
    }
    return _mm256_blendv_epi8(_mm256_set1_epi32(0xFFFF), _mm256_cvtepu16_epi32(x),
                              rs_lane_mask(cnt, 8));
}

/* The 8 keys as 16 bits (every lane <= 0xFFFF: the unsigned saturation keeps them). */
RS_VINLINE __m128i vw16_narrow(vw16_t v)
{
    const __m256i x = _mm256_packus_epi32(v, v); /* keys 0..3 in qword 0, 4..7 in qword 2 */
    return _mm256_castsi256_si128(_mm256_permute4x64_epi64(x, 0x08));
}

RS_VINLINE void vw16_storeu(uint16_t *p, vw16_t v)
{
    _mm_storeu_si128((__m128i *)(void *)p, vw16_narrow(v));
}

RS_VINLINE void vw16_store_part(uint16_t *p, vw16_t v, size_t cnt)
{
    _mm_maskstore_epi32((int *)(void *)p, _mm256_castsi256_si128(rs_lane_mask(cnt / 2, 8)),
                        vw16_narrow(v));
    if (cnt & 1) /* lane cnt - 1 of the 32-bit lanes to lane 0 */
        p[cnt - 1] = (uint16_t)_mm256_cvtsi256_si32(
            _mm256_permutevar8x32_epi32(v, _mm256_set1_epi32((int)(cnt - 1))));
}

/* ---------------------------------------------------------------- 64-bit keys */

/* Keys are held with the sign bit flipped and compared as signed: K64_MAX is the largest
 * key in that form. */
typedef __m256i v64_t;
typedef uint64_t k64_t;
#define V64_N    4
#define K64_MAX  UINT64_C(0x7FFFFFFFFFFFFFFF)
#define K64_MIN  UINT64_C(0x8000000000000000)

RS_VINLINE v64_t v64_loadu(const uint64_t *p)
{
    return _mm256_loadu_si256((const __m256i *)p);
}

RS_VINLINE void v64_storeu(uint64_t *p, v64_t v)
{
    _mm256_storeu_si256((__m256i *)p, v);
}

RS_VINLINE v64_t v64_set1(uint64_t k)
{
    return _mm256_set1_epi64x((long long)k);
}

RS_VINLINE v64_t v64_load_pad(const uint64_t *p, size_t cnt)
{
    const __m256i m = rs_lane_mask(cnt, 4);
    const __m256i x = _mm256_maskload_epi64((const long long *)p, m);
    return _mm256_blendv_epi8(_mm256_set1_epi64x((long long)K64_MAX), x, m);
}

RS_VINLINE void v64_store_part(uint64_t *p, v64_t v, size_t cnt)
{
    _mm256_maskstore_epi64((long long *)p, rs_lane_mask(cnt, 4), v);
}

RS_VINLINE v64_t v64_min(v64_t a, v64_t b)
{
    return _mm256_blendv_epi8(a, b, _mm256_cmpgt_epi64(a, b));
}

RS_VINLINE v64_t v64_max(v64_t a, v64_t b)
{
    return _mm256_blendv_epi8(b, a, _mm256_cmpgt_epi64(a, b));
}

#define v64_x1(v) _mm256_shuffle_epi32((v), 0x4E)
#define v64_x2(v) _mm256_permute4x64_epi64((v), 0x4E)
#define v64_x3(v) _mm256_permute4x64_epi64((v), 0x1B)

RS_VINLINE v64_t v64_rev(v64_t v)
{
    return v64_x3(v);
}

/* Lanes in `hi` (an immediate over dwords) keep the larger key. */
RS_VINLINE v64_t v64_stage_(v64_t v, v64_t w, __m256i hi)
{
    const __m256i gt = _mm256_cmpgt_epi64(v, w);
    /* Take w where (v > w) differs from "this lane keeps the larger". */
    return _mm256_blendv_epi8(v, w, _mm256_xor_si256(gt, hi));
}
#define V64_STAGE(v, w, hi) v64_stage_((v), (w), (hi))
#define V64_HI1 _mm256_setr_epi64x(0, -1, 0, -1)
#define V64_HI2 _mm256_setr_epi64x(0, 0, -1, -1)

RS_VINLINE v64_t v64_merge_in(v64_t v)
{
    v = V64_STAGE(v, v64_x2(v), V64_HI2);
    v = V64_STAGE(v, v64_x1(v), V64_HI1);
    return v;
}

RS_VINLINE v64_t v64_sort_in(v64_t v)
{
    v = V64_STAGE(v, v64_x1(v), V64_HI1);
    v = V64_STAGE(v, v64_x3(v), V64_HI2);
    v = V64_STAGE(v, v64_x1(v), V64_HI1);
    return v;
}

/* The transposed-layout network; see vec_avx512.h. */
#define V64_TRANSPOSE 1

RS_VINLINE v64_t v64_flip_low(v64_t v, const int j)
{
    return j == 1 ? v64_x1(v) : v64_x3(v);
}

RS_VINLINE void v64_mirror_dir(v64_t *a, v64_t *b, const int j)
{
    const v64_t x = *a, y = v64_flip_low(*b, j);
    const __m256i gt = _mm256_cmpgt_epi64(x, y);
    const v64_t mn = _mm256_blendv_epi8(x, y, gt), mx = _mm256_blendv_epi8(y, x, gt);
    if (j == 1) {
        *a = _mm256_blend_epi32(mn, mx, 0xCC);
        *b = v64_flip_low(_mm256_blend_epi32(mx, mn, 0xCC), j);
    } else {
        *a = _mm256_blend_epi32(mn, mx, 0xF0);
        *b = v64_flip_low(_mm256_blend_epi32(mx, mn, 0xF0), j);
    }
}

RS_VINLINE v64_t v64_hc_lane(v64_t v, const int b)
{
    return b == 0 ? V64_STAGE(v, v64_x1(v), V64_HI1) : V64_STAGE(v, v64_x2(v), V64_HI2);
}

RS_VINLINE void v64_swapbit(v64_t *a, v64_t *b, const int s)
{
    const v64_t x = *a, y = *b;
    if (s == 0) {
        *a = _mm256_blend_epi32(x, _mm256_shuffle_epi32(y, 0x4E), 0xCC);
        *b = _mm256_blend_epi32(y, _mm256_shuffle_epi32(x, 0x4E), 0x33);
    } else {
        *a = _mm256_permute2x128_si256(x, y, 0x20);
        *b = _mm256_permute2x128_si256(x, y, 0x31);
    }
}

/* Partitions v by m, its lanes >= the pivot (bit i: lane i). */
RS_VINLINE void v64_part_mask(v64_t v, unsigned m, uint64_t **l, uint64_t **r)
{
    const unsigned cg = (unsigned)_mm_popcnt_u32(m);
    const __m256i w = _mm256_permutevar8x32_epi32(v, rs_lut_index(v64_part_lut[m]));
    _mm256_storeu_si256((__m256i *)*l, w);
    _mm256_storeu_si256((__m256i *)(*r - 4), w);
    *l += 4u - cg;
    *r -= cg;
}

RS_VINLINE void v64_part(v64_t v, v64_t pv, uint64_t **l, uint64_t **r)
{
    const __m256i lt = _mm256_cmpgt_epi64(pv, v);
    v64_part_mask(v, (unsigned)~_mm256_movemask_pd(_mm256_castsi256_pd(lt)) & 0xFu, l, r);
}

RS_VINLINE uint64_t v64_hmin(v64_t v)
{
    v = v64_min(v, v64_x2(v));
    v = v64_min(v, v64_x1(v));
    return (uint64_t)_mm256_extract_epi64(v, 0);
}

RS_VINLINE uint64_t v64_hmax(v64_t v)
{
    v = v64_max(v, v64_x2(v));
    v = v64_max(v, v64_x1(v));
    return (uint64_t)_mm256_extract_epi64(v, 0);
}

#define v64_klt(a, b) ((int64_t)(a) < (int64_t)(b))

RS_VINLINE void v64_flip(uint64_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] ^= UINT64_C(0x8000000000000000);
}
/* v64 keys are sorted with their sign bits flipped (bitonic_tmpl.h: no sort_from). */
#define V64_PRE_MOVES 1
RS_VINLINE void v64_pre(uint64_t *p, size_t n)
{
    v64_flip(p, n);
}
RS_VINLINE void v64_post(uint64_t *p, size_t n)
{
    v64_flip(p, n);
}

/* int64 bit patterns sorted as signed integers: v64's keys are held that way already, so
 * these are v64 without its sign flips before and after the sort (and the engine's key
 * transform, which flipped the same bit back: four passes over the row fewer). */
typedef v64_t vi64_t;
typedef uint64_t ki64_t;
#define Vi64_N          V64_N
#define Ki64_MAX        K64_MAX
#define vi64_loadu      v64_loadu
#define vi64_storeu     v64_storeu
#define vi64_set1       v64_set1
#define vi64_load_pad   v64_load_pad
#define vi64_store_part v64_store_part
#define vi64_min        v64_min
#define vi64_max        v64_max
#define vi64_rev        v64_rev
#define vi64_sort_in    v64_sort_in
#define vi64_merge_in   v64_merge_in
#define vi64_mirror_dir v64_mirror_dir
#define vi64_hc_lane    v64_hc_lane
#define vi64_swapbit    v64_swapbit
#define vi64_part       v64_part
#define vi64_hmin       v64_hmin
#define vi64_hmax       v64_hmax
#define vi64_klt        v64_klt

RS_VINLINE void vi64_pre(uint64_t *p, size_t n)
{
    (void)p;
    (void)n;
}
RS_VINLINE void vi64_post(uint64_t *p, size_t n)
{
    (void)p;
    (void)n;
}

/* Pairs of 64-bit keys and payloads (pairs_tmpl.h); see vec_avx512.h. m64_t: a vector
 * of all-ones / all-zero lanes. */
#define V64_PAIRS 1
typedef __m256i m64_t;

RS_VINLINE m64_t v64_eq(v64_t a, v64_t b)
{
    return _mm256_cmpeq_epi64(a, b);
}

RS_VINLINE v64_t v64_blend(m64_t m, v64_t a, v64_t b)
{
    return _mm256_blendv_epi8(a, b, m);
}

RS_VINLINE int v64_none(m64_t m)
{
    return _mm256_testz_si256(m, m);
}

#define P64_STAGE(k, p, perm, hi)                                                           \
    do {                                                                                    \
        const v64_t nk_ = V64_STAGE((k), perm(k), (hi));                                    \
        (p) = v64_blend(v64_eq(nk_, (k)), perm(p), (p));                                    \
        (k) = nk_;                                                                          \
    } while (0)

RS_VINLINE void p64_sort_in(v64_t *k, v64_t *p)
{
    P64_STAGE(*k, *p, v64_x1, V64_HI1);
    P64_STAGE(*k, *p, v64_x3, V64_HI2);
    P64_STAGE(*k, *p, v64_x1, V64_HI1);
}

RS_VINLINE void p64_merge_in(v64_t *k, v64_t *p)
{
    P64_STAGE(*k, *p, v64_x2, V64_HI2);
    P64_STAGE(*k, *p, v64_x1, V64_HI1);
}

/* As v64_part, for pairs in K/P at indices *l and *r (whole vectors on both sides). */
RS_VINLINE void p64_part(v64_t k, v64_t p, v64_t pv, uint64_t *K, uint64_t *P, size_t *l,
                         size_t *r)
{
    const __m256i lt = _mm256_cmpgt_epi64(pv, k);
    const unsigned m = (unsigned)~_mm256_movemask_pd(_mm256_castsi256_pd(lt)) & 0xFu;
    const unsigned cg = (unsigned)_mm_popcnt_u32(m);
    const __m256i idx = rs_lut_index(v64_part_lut[m]);
    const __m256i wk = _mm256_permutevar8x32_epi32(k, idx);
    const __m256i wp = _mm256_permutevar8x32_epi32(p, idx);
    _mm256_storeu_si256((__m256i *)(K + *l), wk);
    _mm256_storeu_si256((__m256i *)(K + *r - 4), wk);
    _mm256_storeu_si256((__m256i *)(P + *l), wp);
    _mm256_storeu_si256((__m256i *)(P + *r - 4), wp);
    *l += 4u - cg;
    *r -= cg;
}

/* ------------------------------------------------ float64 numbers, compared as numbers */

/* As in vec_avx512.h: float64 bit patterns without NaNs, ordered by vminpd/vmaxpd/vcmppd,
 * with no key transform (and none of v64's sign flips: pre/post do nothing). Ties of -0.0
 * and +0.0 stay permutations: vf64_min returns b on a tie, vf64_max a; VF64_STAGE swaps
 * the partners. Padding: +inf. */
#include "float_keys.h" /* Kf64_MAX, vf64_klt, vf64_succ, Kf32_MAX, ... */

typedef __m256i vf64_t;
typedef uint64_t kf64_t;
#define Vf64_N    4
#define RS_PD(v)  _mm256_castsi256_pd(v)
#define RS_SI(v)  _mm256_castpd_si256(v)

#define vf64_loadu      v64_loadu
#define vf64_storeu     v64_storeu
#define vf64_set1       v64_set1
#define vf64_store_part v64_store_part
#define vf64_rev        v64_rev
#define vf64_swapbit    v64_swapbit

RS_VINLINE void vf64_pre(uint64_t *p, size_t n)
{
    (void)p;
    (void)n;
}
RS_VINLINE void vf64_post(uint64_t *p, size_t n)
{
    (void)p;
    (void)n;
}

RS_VINLINE vf64_t vf64_load_pad(const uint64_t *p, size_t cnt)
{
    const __m256i m = rs_lane_mask(cnt, 4);
    const __m256i x = _mm256_maskload_epi64((const long long *)p, m);
    return _mm256_blendv_epi8(_mm256_set1_epi64x((long long)Kf64_MAX), x, m);
}

RS_VINLINE vf64_t vf64_min(vf64_t a, vf64_t b)
{
    return RS_SI(_mm256_min_pd(RS_PD(a), RS_PD(b)));
}

RS_VINLINE vf64_t vf64_max(vf64_t a, vf64_t b)
{
    return RS_SI(_mm256_max_pd(RS_PD(b), RS_PD(a)));
}

/* Lanes outside hi (an immediate over the 4 lanes) take min(v, w), lanes in hi max(v, w);
 * on a tie both take w, their partner's key. */
#define VF64_STAGE(v, w, hi)                                                                \
    RS_SI(_mm256_blend_pd(_mm256_min_pd(RS_PD(v), RS_PD(w)), _mm256_max_pd(RS_PD(v), RS_PD(w)), \
                          (hi)))

RS_VINLINE vf64_t vf64_merge_in(vf64_t v)
{
    v = VF64_STAGE(v, v64_x2(v), 0xC);
    v = VF64_STAGE(v, v64_x1(v), 0xA);
    return v;
}

RS_VINLINE vf64_t vf64_sort_in(vf64_t v)
{
    v = VF64_STAGE(v, v64_x1(v), 0xA);
    v = VF64_STAGE(v, v64_x3(v), 0xC);
    v = VF64_STAGE(v, v64_x1(v), 0xA);
    return v;
}

RS_VINLINE void vf64_mirror_dir(vf64_t *a, vf64_t *b, const int j)
{
    const vf64_t x = *a, y = v64_flip_low(*b, j);
    const vf64_t mn = vf64_min(x, y), mx = vf64_max(x, y);
    if (j == 1) {
        *a = _mm256_blend_epi32(mn, mx, 0xCC);
        *b = v64_flip_low(_mm256_blend_epi32(mx, mn, 0xCC), j);
    } else {
        *a = _mm256_blend_epi32(mn, mx, 0xF0);
        *b = v64_flip_low(_mm256_blend_epi32(mx, mn, 0xF0), j);
    }
}

RS_VINLINE vf64_t vf64_hc_lane(vf64_t v, const int b)
{
    return b == 0 ? VF64_STAGE(v, v64_x1(v), 0xA) : VF64_STAGE(v, v64_x2(v), 0xC);
}

RS_VINLINE void vf64_part(vf64_t v, vf64_t pv, uint64_t **l, uint64_t **r)
{
    const __m256d ge = _mm256_cmp_pd(RS_PD(v), RS_PD(pv), _CMP_GE_OQ);
    v64_part_mask(v, (unsigned)_mm256_movemask_pd(ge), l, r);
}

RS_VINLINE uint64_t vf64_hmin(vf64_t v)
{
    v = vf64_min(v, v64_x2(v));
    v = vf64_min(v, v64_x1(v));
    return (uint64_t)_mm256_extract_epi64(v, 0);
}

RS_VINLINE uint64_t vf64_hmax(vf64_t v)
{
    v = vf64_max(v, v64_x2(v));
    v = vf64_max(v, v64_x1(v));
    return (uint64_t)_mm256_extract_epi64(v, 0);
}

/* The NaN check of sort_chk (bitonic_tmpl.h), fused into the first partition: the lanes that
 * were ever unordered with themselves. */
#define Vf64_CHECKS 1
RS_VINLINE vf64_t vf64_chk_init(void)
{
    return _mm256_setzero_si256();
}

RS_VINLINE vf64_t vf64_chk_acc(vf64_t acc, vf64_t v)
{
    return _mm256_or_si256(acc, RS_SI(_mm256_cmp_pd(RS_PD(v), RS_PD(v), _CMP_UNORD_Q)));
}

RS_VINLINE int vf64_chk_ok(vf64_t acc)
{
    return _mm256_testz_si256(acc, acc);
}

RS_VINLINE int vf64_chk_env(void)
{
    return !(_mm_getcsr() & RS_MXCSR_DAZ);
}

/* The pass over keys[0..n) of vf64_usable and vf64_usable_z: 0 where a key is a NaN or
 * MXCSR.DAZ is set; else 2, or 1 where find_neg_zero is set and a key is -0.0. */
RS_VINLINE int vf64_scan(const uint64_t *keys, size_t n, const int find_neg_zero)
{
    if (!vf64_chk_env())
        return 0;
    const __m256i neg_zero = _mm256_set1_epi64x(INT64_MIN);
    __m256i neg = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256d nan = _mm256_setzero_pd();
        for (int u = 0; u < 4; u++) {
            const __m256i k = v64_loadu(keys + i + 4 * (size_t)u);
            nan = _mm256_or_pd(nan, _mm256_cmp_pd(RS_PD(k), RS_PD(k), _CMP_UNORD_Q));
            if (find_neg_zero)
                neg = _mm256_or_si256(neg, _mm256_cmpeq_epi64(k, neg_zero));
        }
        if (_mm256_movemask_pd(nan))
            return 0;
    }
    for (; i < n; i += 4) {
        const __m256i k = vf64_load_pad(keys + i, n - i < 4 ? n - i : 4);
        if (_mm256_movemask_pd(_mm256_cmp_pd(RS_PD(k), RS_PD(k), _CMP_UNORD_Q)))
            return 0;
        if (find_neg_zero)
            neg = _mm256_or_si256(neg, _mm256_cmpeq_epi64(k, neg_zero));
    }
    return _mm256_testz_si256(neg, neg) ? 2 : 1;
}

/* Whether these kernels may sort keys[0..n): no NaN among them and MXCSR.DAZ clear. */
RS_VINLINE int vf64_usable(const uint64_t *keys, size_t n)
{
    return vf64_scan(keys, n, 0) != 0;
}

/* vf64_usable that also tells whether a -0.0 is among the keys: 0 (not usable), 1 (usable,
 * a -0.0 among them), 2 (usable, no -0.0: RS_SORTED_ZEROS, kernels.h), as in
 * vec_avx512.h: the engine's own pass over the zeros after the sort is spared. */
#define Vf64_USABLE_Z 1
RS_VINLINE int vf64_usable_z(const uint64_t *keys, size_t n)
{
    return vf64_scan(keys, n, 1);
}

/* float32 numbers, as vf64 above and vf32 in vec_avx512.h (the engine takes them for long
 * rows only). */
typedef __m256i vf32_t;
typedef uint32_t kf32_t;
#define Vf32_N     8
#define RS_PS(v)   _mm256_castsi256_ps(v)
#define RS_SI32(v) _mm256_castps_si256(v)

#define vf32_loadu      v32_loadu
#define vf32_storeu     v32_storeu
#define vf32_set1       v32_set1
#define vf32_store_part v32_store_part
#define vf32_rev        v32_rev
#define vf32_swapbit    v32_swapbit
#define Vf32_HAS_TRANSPOSE 1
#define vf32_transpose v32_transpose
#define vf32_pre        v32_pre
#define vf32_post       v32_post

RS_VINLINE vf32_t vf32_load_pad(const uint32_t *p, size_t cnt)
{
    const __m256i m = rs_lane_mask(cnt, 8);
    const __m256i x = _mm256_maskload_epi32((const int *)p, m);
    return _mm256_blendv_epi8(_mm256_set1_epi32((int)Kf32_MAX), x, m);
}

RS_VINLINE vf32_t vf32_min(vf32_t a, vf32_t b)
{
    return RS_SI32(_mm256_min_ps(RS_PS(a), RS_PS(b)));
}

RS_VINLINE vf32_t vf32_max(vf32_t a, vf32_t b)
{
    return RS_SI32(_mm256_max_ps(RS_PS(b), RS_PS(a)));
}

#define VF32_STAGE(v, w, hi)                                                                \
    RS_SI32(_mm256_blend_ps(_mm256_min_ps(RS_PS(v), RS_PS(w)), _mm256_max_ps(RS_PS(v), RS_PS(w)), \
                            (hi)))

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
    const vf32_t x = *a, y = v32_flip_low(*b, j);
    v32_mirror_store(a, b, j, vf32_min(x, y), vf32_max(x, y));
}

RS_VINLINE vf32_t vf32_hc_lane(vf32_t v, const int b)
{
    return V32_HC_LANE(VF32_STAGE, v, b);
}

RS_VINLINE void vf32_part(vf32_t v, vf32_t pv, uint32_t **l, uint32_t **r)
{
    const __m256 ge = _mm256_cmp_ps(RS_PS(v), RS_PS(pv), _CMP_GE_OQ);
    v32_part_mask(v, (unsigned)_mm256_movemask_ps(ge), l, r);
}

RS_VINLINE uint32_t vf32_hmin(vf32_t v)
{
    v = vf32_min(v, v32_x4(v));
    v = vf32_min(v, v32_x2(v));
    v = vf32_min(v, v32_x1(v));
    return (uint32_t)_mm256_extract_epi32(v, 0);
}

RS_VINLINE uint32_t vf32_hmax(vf32_t v)
{
    v = vf32_max(v, v32_x4(v));
    v = vf32_max(v, v32_x2(v));
    v = vf32_max(v, v32_x1(v));
    return (uint32_t)_mm256_extract_epi32(v, 0);
}

/* As vf64_chk_*, for float32. */
#define Vf32_CHECKS 1
#define vf32_chk_init vf64_chk_init /* the same vector type */
#define vf32_chk_env  vf64_chk_env
#define vf32_chk_ok   vf64_chk_ok
RS_VINLINE vf32_t vf32_chk_acc(vf32_t acc, vf32_t v)
{
    return _mm256_or_si256(acc, RS_SI32(_mm256_cmp_ps(RS_PS(v), RS_PS(v), _CMP_UNORD_Q)));
}

/* Whether these kernels may sort keys[0..n): no NaN among them and MXCSR.DAZ clear. */
RS_VINLINE int vf32_usable(const uint32_t *keys, size_t n)
{
    if (!vf32_chk_env())
        return 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 nan = _mm256_setzero_ps();
        for (int u = 0; u < 4; u++) {
            const __m256 v = RS_PS(v32_loadu(keys + i + 8 * (size_t)u));
            nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        }
        if (_mm256_movemask_ps(nan))
            return 0;
    }
    for (; i < n; i += 8) {
        const __m256 v = RS_PS(vf32_load_pad(keys + i, n - i < 8 ? n - i : 8));
        if (_mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)))
            return 0;
    }
    return 1;
}

#endif /* RS_VEC_AVX2_H */
