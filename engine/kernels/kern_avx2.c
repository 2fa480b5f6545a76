/*
 * kern_avx2.c - the avx2 kernel table (built with -mavx2 -mbmi -mbmi2 -mpopcnt -mfma).
 *
 * The sorts are written once in bitonic_tmpl.h and entries_tmpl.h over vec_avx2.h and
 * instantiated here; every function is static and only the const table is exported, so
 * nothing built with these flags is reachable unless dispatch.c chose this table.
 */
#include "kernels.h"

#include <string.h>

#include "vec_avx2.h"

#define RS_ISA avx2
/* Registers in the largest network: 16: a 32-register network spills half of its 16
 * registers and measured slower. RS_NREGS_MAX32 / RS_NREGS_MAX64 override them. */
#ifndef RS_NREGS_MAX32
#define RS_NREGS_MAX32 16
#endif
#define RS_NREGS_MAX RS_NREGS_MAX32
/* The 32-bit networks keep their rolled half-cleaner loops (bitonic_tmpl.h, LOG2). */
#define RS_NET_ROLLED 1
#define RS_BITS 32
#include "bitonic_tmpl.h" /* rs_avx2_u32_sort, ... */
#define RS_VTAG i32
#define RS_SORT_FROM
#include "bitonic_tmpl.h" /* rs_avx2_ui32_sort, ...: int32 compared as signed */
#define RS_VTAG     f32
#define RS_SORT_FROM
#define RS_KEY_SUCC vf32_succ
#include "bitonic_tmpl.h" /* rs_avx2_uf32_sort, ...: float32 compared as numbers */
#undef RS_KEY_SUCC
#define RS_VTAG xf32
#define RS_ROWS_ONLY
#include "bitonic_tmpl.h" /* rs_avx2_uxf32_sort_rows: float32 rows, transformed in registers */
#define RS_VTAG w16
#define RS_ROWS_ONLY
#include "bitonic_tmpl.h" /* rs_avx2_uw16_sort_rows: 16-bit rows widened in registers */
#undef RS_BITS
#undef RS_NREGS_MAX
#undef RS_NET_ROLLED
#ifdef RS_NREGS_MAX64
#define RS_NREGS_MAX RS_NREGS_MAX64
#endif
#define RS_BITS 64
#include "bitonic_tmpl.h" /* rs_avx2_u64_sort, ... */
#define RS_VTAG i64
#define RS_SORT_FROM
#include "bitonic_tmpl.h" /* rs_avx2_ui64_sort, ...: int64 as they are (v64 without flips) */
#define RS_VTAG     f64
#define RS_SORT_FROM
#define RS_KEY_SUCC vf64_succ
#include "bitonic_tmpl.h" /* rs_avx2_uf64_sort, ...: float64 compared as numbers */
#undef RS_KEY_SUCC
#undef RS_BITS
#undef RS_NREGS_MAX
#include "pairs_tmpl.h" /* rs_avx2_p64_sort */
/* The quicksort's in-place threshold (bitonic_tmpl.h, qsort): 4 MiB, measured on Zen 4. On
 * an Intel Xeon 256 KiB measured better for 16M-element rows (5.2 -> 4.9 ns/key) but not
 * for 1M (3.58 -> 3.63); on Zen 3 none of 256 KiB, 1, 16 MiB or never beat 4 MiB beyond
 * the noise (1M and 16M keys, 32 and 64 bits): one tuning, for the AMD cores that run this
 * path. float32 rows keep the default f32_native (from 2^18 keys): on Zen 3 the float
 * compares measured 3-14% slower than the integer path for rows of 5 to 64K keys, except
 * rows of 16 and 32 keys (8-16% faster). */
#define INPLACE_ZEN4 (4u << 20)
/* 16-bit keys: AVX2 has no 16-bit sort here, and on Zen 3 the radix passes cost 5-6 ns/key
 * at every length from 256 to 1M keys (scattered 16-bit stores; 1.9 on an Intel Xeon)
 * against 2.3-3.5 for keys widened to 32 bits and sorted there (1K-28K keys), and the
 * counting sort measured 3.2 against 3.5 from 32K keys (1.9 against 3.7 at 64K): widened
 * below 32K keys, counted from there, no radix passes. */
/* 64-bit keys with an index (argsort of float64 and int64): the stable LSD radix passes of
 * the portable path (radix_tmpl.h: 8 of 8 bits, carrying the index) from 16K keys to below
 * 16M, where they beat the AVX2 pair quicksort (4-lane pair networks and partitions, two
 * vectors moved per four keys). A/B on Zen 3, float64 argsort, radix over quicksort: 16K
 * keys 1.02x, 32K 1.11x, 64K 1.15x, 1M 1.34x (int64 1.39x), 2M 1.43x, 4M 1.22x, 8M 1.03x,
 * 16M 0.97-1.07x; 4K-8K 0.92-0.97x, 2K 1.00x. (An Intel Xeon's bench run: 8K 1.6x, 64K
 * 1.8x, 1M 1.6x, 16M level.) */
#define RS_RADIX_FN  rs_avx2_radix_u64_i32
#define RS_KEY_T     uint64_t
#define RS_KEY_BYTES 8
#define RS_IDX_T     uint32_t
#include "radix_tmpl.h"
#define RS_RADIX_FN  rs_avx2_radix_u64_i64
#define RS_KEY_T     uint64_t
#define RS_KEY_BYTES 8
#define RS_IDX_T     uint64_t
#include "radix_tmpl.h"
#define RS_VARIANT
#define RS_VARIANT_INPLACE_BYTES INPLACE_ZEN4
#define RS_VARIANT_P64_RADIX(n)  ((n) >= 16384u && (n) < ((size_t)1 << 24))
#define RS_VARIANT_P64_RADIX_I32 rs_avx2_radix_u64_i32
#define RS_VARIANT_P64_RADIX_I64 rs_avx2_radix_u64_i64
#define RS_VARIANT_U16_COUNT_MIN 32768u
#define RS_VARIANT_U16_RADIX_MIN RS_VARIANT_U16_COUNT_MIN
/* Batches of 16-bit rows of 9..32 and 49..64 keys widened by the networks' loads (vw16)
 * instead of copied wider into the scratch and back: on Zen 4 (this path forced), one
 * thread, 65536 rows, both ways round: 9 keys 1.20x, 12 1.36x, 13 1.29x, 16 1.06x, 20
 * 1.05x, 24 1.08x, 32 1.09x, 56 1.11x, 63 1.12x, 64 1.09-1.15x. Rows of 33..48 keys (net_t
 * on padded registers) measured 0.89-0.96x. */
#define RS_VARIANT_ROWS16_WIDE         rs_avx2_uw16_sort_rows
#define RS_VARIANT_ROWS16_WIDE_USE(n) ((n) > 8 && ((n) <= 32 || (n) > 48))
#include "entries_tmpl.h" /* rs_avx2_e_sort_u16, ... */
#define RS_BITS 32
#include "merge_tmpl.h" /* rs_avx2_e_merge_u32 */
#undef RS_BITS

/* Batches of float32 rows in the ascending order, the key transform done as the networks
 * load and store the rows (vxf32) instead of in an encode and a decode pass over them, for
 * the lengths where that measured faster: on Zen 4 (this path forced), one thread, 2^22
 * keys a batch, both ways round: rows of 33..128 keys (one network per row) 1.05-1.23x
 * (64: 1.19x, 128: 1.10x), 8 and 16 keys 1.17x and 1.16x (column networks, no padding);
 * but the column networks of other lengths up to 32 0.80-0.98x (17..32 keys: 32 columns in
 * 16 registers spill, and the transform adds to it), 5 and 7 keys 0.92-0.95x. */
#define AVX2_F32_ASC_ROWS(n) ((n) == 8 || (n) == 16 || ((n) > 32 && (n) <= rs_avx2_uxf32_BLOCK))
static int rs_avx2_e_sort_rows_f32_asc(uint32_t *keys, size_t rows, size_t n, void *scratch)
{
    if (!AVX2_F32_ASC_ROWS(n))
        return 0;
    rs_avx2_uxf32_sort_rows(keys, rows, n, scratch, 0);
    return 1;
}

/* The key transforms: plain loops, vectorized by the compiler with this file's flags. */
#define RS_XFORM_T      uint16_t
#define RS_XFORM_ENCODE rs_avx2_encode_u16
#define RS_XFORM_DECODE rs_avx2_decode_u16
#define RS_XFORM_ANY    rs_avx2_zero_or_nan_u16
#include "xform_tmpl.h"
#define RS_XFORM_T      uint32_t
#define RS_XFORM_ENCODE rs_avx2_encode_u32
#define RS_XFORM_DECODE rs_avx2_decode_u32
#define RS_XFORM_ANY    rs_avx2_zero_or_nan_u32
#define RS_XFORM_HAS    rs_avx2_has_u32
#include "xform_tmpl.h"
#define RS_XFORM_T      uint64_t
#define RS_XFORM_ENCODE rs_avx2_encode_u64
#define RS_XFORM_DECODE rs_avx2_decode_u64
#define RS_XFORM_ANY    rs_avx2_zero_or_nan_u64
#define RS_XFORM_HAS    rs_avx2_has_u64
#include "xform_tmpl.h"
#define RS_SELECT_T  uint16_t
#define RS_SELECT_FN rs_avx2_select_le_u16
#include "select_tmpl.h"
/* Top-k's selection: k <= t as not (k > t), compared as signed after flipping the sign
 * bits (AVX2 has no unsigned compare), one mask per vector. 16-bit keys: the plain loop. */
#define RS_SELECT_T       uint32_t
#define RS_SELECT_FN      rs_avx2_select_le_u32
#define RS_SELECT_LANES   8
#define RS_SELECT_MASK(p, t)                                                                \
    ((uint64_t)(~(unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(        \
                    _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)(p)),  \
                                     _mm256_set1_epi32(INT32_MIN)),                         \
                    _mm256_set1_epi32((int)((t) ^ 0x80000000u)))))) &                        \
     0xFFu)
#include "select_tmpl.h"
#define RS_SELECT_T       uint64_t
#define RS_SELECT_FN      rs_avx2_select_le_u64
#define RS_SELECT_LANES   4
#define RS_SELECT_MASK(p, t)                                                                \
    ((uint64_t)(~(unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(        \
                    _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)(p)),  \
                                     _mm256_set1_epi64x(INT64_MIN)),                        \
                    _mm256_set1_epi64x((long long)((t) ^ 0x8000000000000000u)))))) &         \
     0xFu)
#include "select_tmpl.h"
#undef RS_ISA

const rs_kernel_table rs_kernels_avx2 = {
    .name = "avx2",
    .tuned_for = "AMD Zen 3 and Zen 4",
#ifdef RS_INPLACE_MIN_BYTES
    .inplace_min_bytes = RS_INPLACE_MIN_BYTES,
#else
    .inplace_min_bytes = INPLACE_ZEN4,
#endif
    .sort_u16 = rs_avx2_e_sort_u16,
    .sort_u32 = rs_avx2_e_sort_u32,
    .sort_u64 = rs_avx2_e_sort_u64,
    .sort_u16_i32 = rs_avx2_e_sort_u16_i32,
    .sort_u32_i32 = rs_avx2_e_sort_u32_i32,
    .sort_u64_i32 = rs_avx2_e_sort_u64_i32,
    .sort_u16_i64 = rs_avx2_e_sort_u16_i64,
    .sort_u32_i64 = rs_avx2_e_sort_u32_i64,
    .argsort_u16_i32 = rs_avx2_e_argsort_u16_i32,
    .argsort_u32_i32 = rs_avx2_e_argsort_u32_i32,
    .argsort_u16_i64 = rs_avx2_e_argsort_u16_i64,
    .argsort_u32_i64 = rs_avx2_e_argsort_u32_i64,
    .sort_u64_i64 = rs_avx2_e_sort_u64_i64,
    .sort_rows_u16 = rs_avx2_e_sort_rows_u16,
    .sort_rows_u32 = rs_avx2_e_sort_rows_u32,
    .sort_rows_u64 = rs_avx2_e_sort_rows_u64,
    .sort_f64 = rs_avx2_e_sort_f64,
    .sort_rows_f64 = rs_avx2_e_sort_rows_f64,
    .sort_f32 = rs_avx2_e_sort_f32,
    .sort_rows_f32 = rs_avx2_e_sort_rows_f32,
    .f32_native = rs_avx2_e_f32_native,
    .sort_rows_f32_asc = rs_avx2_e_sort_rows_f32_asc,
    .sort_i32 = rs_avx2_e_sort_i32,
    .sort_i64 = rs_avx2_e_sort_i64,
    .sort_rows_i32 = rs_avx2_e_sort_rows_i32,
    .sort_rows_i64 = rs_avx2_e_sort_rows_i64,
    .sort_from_i32 = rs_avx2_e_sort_from_i32,
    .sort_from_i64 = rs_avx2_e_sort_from_i64,
    .sort_from_f32 = rs_avx2_e_sort_from_f32,
    .sort_from_f64 = rs_avx2_e_sort_from_f64,
    .merge_u32 = rs_avx2_e_merge_u32,
    .merge_u64 = NULL, /* 64-bit keys are compared as signed here (pre/post): scalar merge */
    .partition_u32 = rs_avx2_e_partition_u32,
    .partition_i32 = rs_avx2_e_partition_i32,
    .partition_f32 = rs_avx2_e_partition_f32,
    .f32_usable = rs_avx2_e_f32_usable,
    .sort_f32_checked = rs_avx2_e_sort_f32_checked,
    .partition_i64 = rs_avx2_e_partition_i64,
    .partition_f64 = rs_avx2_e_partition_f64,
    .f64_usable = rs_avx2_e_f64_usable,
    .sort_f64_checked = rs_avx2_e_sort_f64_checked,
    .encode_u16 = rs_avx2_encode_u16,
    .encode_u32 = rs_avx2_encode_u32,
    .encode_u64 = rs_avx2_encode_u64,
    .decode_u16 = rs_avx2_decode_u16,
    .decode_u32 = rs_avx2_decode_u32,
    .decode_u64 = rs_avx2_decode_u64,
    .zero_or_nan_u16 = rs_avx2_zero_or_nan_u16,
    .zero_or_nan_u32 = rs_avx2_zero_or_nan_u32,
    .zero_or_nan_u64 = rs_avx2_zero_or_nan_u64,
    .has_u32 = rs_avx2_has_u32,
    .has_u64 = rs_avx2_has_u64,
    .select_le_u16 = rs_avx2_select_le_u16,
    .select_le_u32 = rs_avx2_select_le_u32,
    .select_le_u64 = rs_avx2_select_le_u64,
};
