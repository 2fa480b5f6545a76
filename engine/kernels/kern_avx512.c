/*
 * kern_avx512.c - the avx512 kernel tables (built with -mavx512f -mavx512bw -mavx512vl -mavx512dq -mbmi -mbmi2 -mpopcnt).
 *
 * The sorts are written once in bitonic_tmpl.h and entries_tmpl.h over vec_avx512.h and
 * instantiated here; every function is static and only the const tables are exported, so
 * nothing built with these flags is reachable unless dispatch.c chose one of them:
 * rs_kernels_avx512 (tuned on AMD Zen 4; every CPU but Intel's), rs_kernels_avx512_intel, or
 * rs_kernels_avx512_intel_vbmi2 (its 16-bit sorts from kern_avx512_vbmi2.c, for Intel cores
 * with VBMI2).
 */
#include "kernels.h"

#include <string.h>

#include "vec_avx512.h"

#define RS_ISA avx512
/* Registers in the largest network: 32 (1024 16-bit, 512 32-bit or 256 64-bit keys), the
 * whole register file. Once the networks' loops unrolled completely (bitonic_tmpl.h, LOG2)
 * and kept every register, 32 beat 16 on an Intel Xeon: 1024-key int16 rows 1.15 -> 0.86
 * ns/key, 512-key u32 1.27 -> 0.89, 256-key float64 2.19 -> 1.21; 8x8192 float64 3.31 ->
 * 3.06, u32 1.63 -> 1.54; 64K-key float64 rows 4.64 -> 4.16. (With the stack-resident networks of
 * before, 32 had measured 8-12% slower than 16 on 8x8192 float32 on Zen 4.)
 * RS_NREGS_MAX16 / 32 / 64 override them for experiments. */
#ifndef RS_NREGS_MAX32
#define RS_NREGS_MAX32 32
#endif
#ifndef RS_NREGS_MAX16
#define RS_NREGS_MAX16 32
#endif
#ifndef RS_NREGS_MAX64
#define RS_NREGS_MAX64 32
#endif
#include "nets_int_avx512.h" /* rs_avx512_u16_sort, rs_avx512_u32_sort, rs_avx512_ui32_sort */
#define RS_NREGS_MAX RS_NREGS_MAX32
#define RS_BITS      32
#define RS_VTAG     f32
#define RS_SORT_FROM
#define RS_KEY_SUCC vf32_succ
#include "bitonic_tmpl.h" /* rs_avx512_uf32_sort, ...: float32 compared as numbers */
#undef RS_KEY_SUCC
/* Zen 4's (its table alone takes them): min and max only, as avx512zen4's below. */
#define RS_VTAG        xf32
#define RS_ROWS_ONLY
#define RS_NET_MIX_OWN 1, 0
#include "bitonic_tmpl.h" /* rs_avx512_uxf32_sort_rows: float32 rows, transformed in registers */
/* Batches of 16-bit rows of 9..64 keys in 32-bit lanes, widened as the networks load them
 * instead of copied wider into the scratch and back (entries_tmpl.h, sort_rows_u16): Zen 4,
 * one thread, 65536 rows, both ways round: 64 keys 1.23-1.29x, 56 1.24x, 32 1.28x, 24
 * 1.36x, 16 1.22x, 12 1.28x; 2..8 keys (one register, mostly padding) 0.96-1.01x, so not
 * those. */
#define RS_VTAG      w16
#define RS_ROWS_ONLY
#include "bitonic_tmpl.h" /* rs_avx512_uw16_sort_rows: 16-bit rows widened in registers */
/* Longer float32 rows in the same order by the quicksort, the transform done by its first
 * partition and its leaves' networks (vdf32) instead of an encode and a decode pass:
 * rs_avx512_udf32_sort_enc, the one function of this instance that is called. On Zen 4, one
 * thread, both ways round: 8x8192 1.04-1.06x, 8x4097 1.01x, 1024x1024 1.07-1.09x, 16x16384
 * and 8x32768 1.03x, 4x131072 1.04x, 64x65536 (from memory) 1.00x. (On the AVX2 path, Zen 4:
 * 0.98-1.02x, left out.) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#define RS_VTAG df32
#include "bitonic_tmpl.h" /* rs_avx512_udf32_sort_enc */
#pragma GCC diagnostic pop
#undef RS_NET_MIX_OWN
#define RS_VARIANT_ROWS16_WIDE rs_avx512_uw16_sort_rows
#undef RS_BITS
#undef RS_NREGS_MAX
/* Zen 4's networks of 16- and 32-bit integer keys, under their own name: min and max only,
 * none of the compare-and-blend exchanges (bitonic_tmpl.h, NET_CX) that pay on Intel cores.
 * On Zen 4, one thread, both ways round (bench/micro/ab_libs.c), against the 2-of-5 mix:
 * 8x8192 int32 1.05x, float32 (through the transform) 1.04-1.06x, 8x4097 int32 1.06x,
 * 1024x1024 int32 1.07x, float32 1.08x, 64x65536 int32 1.01x, int16 8x8192 1.03x; rows of
 * 16 and 64 unchanged. (64-bit keys keep 2 of 3: without blends 8x8192 int64 0.95x.) */
#undef RS_ISA
#define RS_ISA         avx512zen4
#define RS_NET_MIX_OWN 1, 0
#include "nets_int_avx512.h" /* rs_avx512zen4_u16_sort, ... */
#include "rows16_pairs_avx512.h" /* rs_p16_sort_rows */
/* The pairs networks of 32-bit rows (rows32_pairs_avx512.h): unsigned keys, signed ones,
 * and float32 bit patterns through vxf32's encoding, compared as signed. */
#define RS_P32_NAME     rs_p32_sort_rows_u32
#define RS_P32_MIN      _mm512_min_epu32
#define RS_P32_MAX      _mm512_max_epu32
#define RS_P32_MASK_MAX _mm512_mask_max_epu32
#define RS_P32_PAD      UINT32_MAX
#define RS_P32_ENC(v)   (v)
#define RS_P32_DEC(v)   (v)
#include "rows32_pairs_avx512.h"
#undef RS_P32_NAME
#undef RS_P32_MIN
#undef RS_P32_MAX
#undef RS_P32_MASK_MAX
#undef RS_P32_PAD
#define RS_P32_NAME     rs_p32_sort_rows_i32
#define RS_P32_MIN      _mm512_min_epi32
#define RS_P32_MAX      _mm512_max_epi32
#define RS_P32_MASK_MAX _mm512_mask_max_epi32
#define RS_P32_PAD      INT32_MAX
#include "rows32_pairs_avx512.h"
#undef RS_P32_NAME
#undef RS_P32_ENC
#undef RS_P32_DEC
#define RS_P32_NAME     rs_p32_sort_rows_xf32
#define RS_P32_ENC(v)   vxf32_enc(v)
#define RS_P32_DEC(v)   vxf32_dec(v)
#include "rows32_pairs_avx512.h"
#undef RS_P32_NAME
#undef RS_P32_MIN
#undef RS_P32_MAX
#undef RS_P32_MASK_MAX
#undef RS_P32_PAD
#undef RS_P32_ENC
#undef RS_P32_DEC
#undef RS_NET_MIX_OWN
#undef RS_ISA
#define RS_ISA avx512
#ifdef RS_NREGS_MAX64
#define RS_NREGS_MAX RS_NREGS_MAX64
#endif
/* 64-bit keys take the transposed networks (net_t) at every register count: on an Intel
 * Xeon (model 167), with the compare-and-blend mix of vec_avx512.h, against net below 3/4
 * of the registers: 8x8192 int64 1.10x, float64 1.05x, rows of 70 int64 1.16x, 140 1.15x
 * (float64 1.15x), 200 and 256 unchanged, 64x65536 1.07x, 32-bit argsort (packed in 64
 * bits) 8x8192 1.10x. (32-bit keys keep 5/8: there rows of 140 measured 14% slower.) Not
 * measured on Zen 4, where the threshold was set. */
#define RS_NET_T_MIN64(R) ((R) / 2 + 1)
#define RS_BITS 64
#include "bitonic_tmpl.h" /* rs_avx512_u64_sort, ... */
#define RS_VTAG i64
#define RS_SORT_FROM
#include "bitonic_tmpl.h" /* rs_avx512_ui64_sort, ...: int64 compared as signed */
#define RS_VTAG      f64
#define RS_SORT_FROM
#define RS_KEY_SUCC  vf64_succ
#include "bitonic_tmpl.h" /* rs_avx512_uf64_sort, ...: float64 compared as numbers */
#undef RS_KEY_SUCC
#undef RS_BITS
#undef RS_NREGS_MAX
#include "pairs_tmpl.h" /* rs_avx512_p64_sort */
/* The entries twice, with the in-place threshold of the quicksort measured on each kind of
 * core (bitonic_tmpl.h, qsort): on AMD Zen 4, 4 MiB (four times its L2 cache; against 1 to
 * 64 MiB); on an Intel Xeon (2 MiB of L2 per core), 256 KiB: 16M-element u32 rows 4.6 ->
 * 4.0 ns/key, 1M 3.06 -> 2.84 (against 64 KiB .. 4 MiB; rows in cache unchanged). And which
 * 16-bit keys the 16-bit-lane sorts take (entries_tmpl.h). The networks and partitions are
 * shared; only the entries differ. */
#define INPLACE_ZEN4  (4u << 20)
#define INPLACE_INTEL (256u << 10)
#define RS_VARIANT
#define RS_VARIANT_INPLACE_BYTES INPLACE_ZEN4
#define RS_VARIANT_NET_ISA       avx512zen4
/* Short 16-bit rows: in 32-bit lanes widened by the loads (RS_VARIANT_ROWS16_WIDE above),
 * none in 16-bit lanes (they measured 0.72-0.93x of the widened ones at 17..32 and 49..64
 * keys; at 33..48 the 32-bit lanes loaded wide measured 1.01-1.13x of them). */
#define RS_VARIANT_U16_ROWS_NATIVE_MIN 0
#define RS_VARIANT_U16_ROWS_NATIVE_MAX 0
/* float32 rows never as numbers (float compares): the transform inside the quicksort
 * (sort_rows_f32_asc below, vdf32) measured faster at every length that used them (from
 * 2^18 keys: one thread, 4x262144 1.18x, 16x1048576 1.12x, 1x16777216 1.10x; descending,
 * through the transform's passes, 1.14-1.29x). */
#define RS_VARIANT_F32_NATIVE(n) ((void)(n), 0)
#include "entries_tmpl.h" /* rs_avx512_e_sort_u16, ... */
#define RS_VARIANT                     _intel
#define RS_VARIANT_INPLACE_BYTES       INPLACE_INTEL
#define RS_VARIANT_U16_NATIVE_MAX      8192u
#define RS_VARIANT_U16_ROWS_NATIVE_MIN 16
#define RS_VARIANT_U16_ROWS_NATIVE_MAX 64
#define RS_VARIANT_U16_LIST_MIN        16384u
/* float32 compares (vminps, two ports) against the transform and the integer ones (vpminud,
 * one port) on an Intel Xeon: faster where the networks are wide enough to be bound by
 * throughput, slower where the float compares' latency shows (one row of up to 8
 * registers, net instead of net_t: 65..144 keys, 16-key rows 0.35 -> 0.67 ns/key, 100 keys
 * 1.04 -> 1.21). Faster: the column networks of 17..32 and 49..64 keys (64: 0.65 -> 0.48),
 * and from 145 keys (200: 1.10 -> 0.91, 400: 1.22 -> 0.84, 1024: 1.43 -> 1.24, 8192: 1.65
 * -> 1.52, 64K: 2.34 -> 2.19). */
#define RS_VARIANT_F32_NATIVE(n) (((n) > 16 && (n) <= 32) || ((n) > 48 && (n) <= 64) || (n) > 144)
#include "entries_tmpl.h" /* rs_avx512_intel_e_sort_u16, ... */
#define RS_BITS 32
#include "merge_tmpl.h" /* rs_avx512_e_merge_u32 */
#undef RS_BITS
#define RS_BITS 64
#include "merge_tmpl.h" /* rs_avx512_e_merge_u64 */
#undef RS_BITS

/* The key transforms: plain loops, vectorized by the compiler with this file's flags. */
#define RS_XFORM_T      uint16_t
#define RS_XFORM_ENCODE rs_avx512_encode_u16
#define RS_XFORM_DECODE rs_avx512_decode_u16
#define RS_XFORM_ANY    rs_avx512_zero_or_nan_u16
#include "xform_tmpl.h"
#define RS_XFORM_T      uint32_t
#define RS_XFORM_ENCODE rs_avx512_encode_u32
#define RS_XFORM_DECODE rs_avx512_decode_u32
#define RS_XFORM_ANY    rs_avx512_zero_or_nan_u32
#define RS_XFORM_HAS    rs_avx512_has_u32
#include "xform_tmpl.h"
#define RS_XFORM_T      uint64_t
#define RS_XFORM_ENCODE rs_avx512_encode_u64
#define RS_XFORM_DECODE rs_avx512_decode_u64
#define RS_XFORM_ANY    rs_avx512_zero_or_nan_u64
#define RS_XFORM_HAS    rs_avx512_has_u64
#include "xform_tmpl.h"
/* Top-k's selection: one unsigned compare into a mask per vector. */
#define RS_SELECT_T       uint16_t
#define RS_SELECT_FN      rs_avx512_select_le_u16
#define RS_SELECT_LANES   32
#define RS_SELECT_MASK(p, t)                                                                \
    ((uint64_t)_mm512_cmple_epu16_mask(_mm512_loadu_si512((const void *)(p)),                \
                                       _mm512_set1_epi16((short)(t))))
#include "select_tmpl.h"
#define RS_SELECT_T       uint32_t
#define RS_SELECT_FN      rs_avx512_select_le_u32
#define RS_SELECT_LANES   16
#define RS_SELECT_MASK(p, t)                                                                \
    ((uint64_t)_mm512_cmple_epu32_mask(_mm512_loadu_si512((const void *)(p)),                \
                                       _mm512_set1_epi32((int)(t))))
#include "select_tmpl.h"
#define RS_SELECT_T       uint64_t
#define RS_SELECT_FN      rs_avx512_select_le_u64
#define RS_SELECT_LANES   8
#define RS_SELECT_MASK(p, t)                                                                \
    ((uint64_t)_mm512_cmple_epu64_mask(_mm512_loadu_si512((const void *)(p)),                \
                                       _mm512_set1_epi64((long long)(t))))
#include "select_tmpl.h"
#undef RS_ISA

#define RS_PASTE_(a, b) a##b
#define RS_PASTE(a, b)  RS_PASTE_(a, b)

/* One table per tuning: the tuning's sort entries, the shared merges and transforms. */
#define RS_AVX512_TABLE(NAME, V, CORES, INPLACE, SORT_U16, SORT_ROWS_U16, ROWS, ROWS_F32_ASC, \
                        FROM_F32_ASC)                    \
    const rs_kernel_table NAME = {                       \
        .name = "avx512",                                \
        .tuned_for = CORES,                              \
        .inplace_min_bytes = INPLACE,                    \
        .rows64_call_bytes = RS_PASTE(ROWS, _rows64_call_bytes), \
        .sort_u16 = SORT_U16,                            \
        .sort_u32 = rs_avx512##V##_e_sort_u32,           \
        .sort_u64 = rs_avx512##V##_e_sort_u64,           \
        .sort_u16_i32 = rs_avx512##V##_e_sort_u16_i32,   \
        .sort_u32_i32 = rs_avx512##V##_e_sort_u32_i32,   \
        .sort_u64_i32 = rs_avx512##V##_e_sort_u64_i32,   \
        .sort_u16_i64 = rs_avx512##V##_e_sort_u16_i64,   \
        .sort_u32_i64 = rs_avx512##V##_e_sort_u32_i64,   \
        .argsort_u16_i32 = rs_avx512##V##_e_argsort_u16_i32, \
        .argsort_u32_i32 = rs_avx512##V##_e_argsort_u32_i32, \
        .argsort_u16_i64 = rs_avx512##V##_e_argsort_u16_i64, \
        .argsort_u32_i64 = rs_avx512##V##_e_argsort_u32_i64, \
        .sort_u64_i64 = rs_avx512##V##_e_sort_u64_i64,   \
        .sort_rows_u16 = SORT_ROWS_U16,                  \
        .sort_rows_u32 = RS_PASTE(ROWS, _sort_rows_u32), \
        .sort_rows_u64 = RS_PASTE(ROWS, _sort_rows_u64), \
        .sort_f64 = rs_avx512##V##_e_sort_f64,           \
        .sort_rows_f64 = RS_PASTE(ROWS, _sort_rows_f64), \
        .sort_f32 = rs_avx512##V##_e_sort_f32,           \
        .sort_rows_f32 = rs_avx512##V##_e_sort_rows_f32, \
        .f32_native = rs_avx512##V##_e_f32_native,       \
        .sort_rows_f32_asc = ROWS_F32_ASC,               \
        .sort_from_f32_asc = FROM_F32_ASC,               \
        .sort_i32 = rs_avx512##V##_e_sort_i32,           \
        .sort_i64 = rs_avx512##V##_e_sort_i64,           \
        .sort_rows_i32 = RS_PASTE(ROWS, _sort_rows_i32), \
        .sort_rows_i64 = RS_PASTE(ROWS, _sort_rows_i64), \
        .sort_from_i32 = rs_avx512##V##_e_sort_from_i32, \
        .sort_from_i64 = rs_avx512##V##_e_sort_from_i64, \
        .sort_from_f32 = rs_avx512##V##_e_sort_from_f32, \
        .sort_from_f64 = rs_avx512##V##_e_sort_from_f64, \
        .merge_u32 = rs_avx512_e_merge_u32,              \
        .merge_u64 = rs_avx512_e_merge_u64,              \
        .partition_u32 = rs_avx512##V##_e_partition_u32, \
        .partition_i32 = rs_avx512##V##_e_partition_i32, \
        .partition_f32 = rs_avx512##V##_e_partition_f32, \
        .f32_usable = rs_avx512##V##_e_f32_usable,       \
        .sort_f32_checked = rs_avx512##V##_e_sort_f32_checked, \
        .partition_i64 = rs_avx512##V##_e_partition_i64, \
        .partition_f64 = rs_avx512##V##_e_partition_f64, \
        .f64_usable = rs_avx512##V##_e_f64_usable,       \
        .sort_f64_checked = rs_avx512##V##_e_sort_f64_checked, \
        .encode_u16 = rs_avx512_encode_u16,              \
        .encode_u32 = rs_avx512_encode_u32,              \
        .encode_u64 = rs_avx512_encode_u64,              \
        .decode_u16 = rs_avx512_decode_u16,              \
        .decode_u32 = rs_avx512_decode_u32,              \
        .decode_u64 = rs_avx512_decode_u64,              \
        .zero_or_nan_u16 = rs_avx512_zero_or_nan_u16,    \
        .zero_or_nan_u32 = rs_avx512_zero_or_nan_u32,    \
        .zero_or_nan_u64 = rs_avx512_zero_or_nan_u64,    \
        .has_u32 = rs_avx512_has_u32,                    \
        .has_u64 = rs_avx512_has_u64,                    \
        .select_le_u16 = rs_avx512_select_le_u16,        \
        .select_le_u32 = rs_avx512_select_le_u32,        \
        .select_le_u64 = rs_avx512_select_le_u64,        \
    }

#ifdef RS_INPLACE_MIN_BYTES
#define RS_INPLACE_OF(v) ((size_t)(RS_INPLACE_MIN_BYTES))
#else
#define RS_INPLACE_OF(v) ((size_t)(v))
#endif
/* Batches of rows of 33 to 128 32-bit keys on Zen 4 go to the AVX2 kernels: there its
 * 16-register networks on 256-bit vectors beat the 32-register ones on 512-bit vectors
 * (which Zen 4 runs as two halves, its cross-lane permutes the dearer), one thread, 2^22
 * keys a batch, both ways round (bench/micro/ab_libs.c, AB_ISA_A/B): int32 33 keys 1.30x, 40
 * 1.39x, 64 1.28x, 100 1.69x, 128 1.69x; float32 (through the transform) 1.06-1.29x. Below
 * 33 keys (16: 0.86x) and from 129 (160: 0.84x) the AVX-512 networks win. */
extern const rs_kernel_table rs_kernels_avx2;
#define ZEN4_ROWS32_AVX2(n) ((n) > 32 && (n) <= 128)
/* Batches of 33..64 integer keys and of 17..64 float32 ones (ascending) go to the pairs
 * networks, 8 rows at a time (rows32_pairs_avx512.h; the rows left over, fewer than 8, as
 * before). One thread, 2^22 keys a batch, against the kernels before, both ways round:
 * int32 64 keys 1.15-1.18x, 60 1.16x, 56 1.02-1.05x, 48 1.12x, 40 1.09x, 33 1.18x, but 32
 * 1.01-1.02x, 24 0.97-1.03x, 20 0.94x, so not below 33; float32 64 1.20-1.23x, 60 1.20x,
 * 56 1.04-1.06x, 48 1.08x, 40 1.10x, 33 1.17x, 32 1.06-1.07x, 24 1.06x, 20 1.03x, 17 1.10x. */
#define ZEN4_ROWS32_PAIRS(n)    ((n) > 32 && (n) <= 64)
#define ZEN4_ROWS32_PAIRS_F(n)  ((n) > 16 && (n) <= 64)
/* Whole blocks of rows to the pairs networks where `use` takes n: keys and rows advanced
 * past them (16- and 32-bit kinds). */
#define ZEN4_PAIRS(fn, use, keys, rows, n)                                                 \
    do {                                                                                   \
        if (use(n)) {                                                                      \
            const size_t done_ = fn(keys, rows, n);                                        \
            (keys) += done_ * (n);                                                         \
            (rows) -= done_;                                                               \
        }                                                                                  \
    } while (0)

static void rs_avx512_zen4_sort_rows_u32(uint32_t *keys, size_t rows, size_t n, void *scratch)
{
    ZEN4_PAIRS(rs_p32_sort_rows_u32, ZEN4_ROWS32_PAIRS, keys, rows, n);
    if (rows == 0)
        return;
    if (ZEN4_ROWS32_AVX2(n))
        rs_kernels_avx2.sort_rows_u32(keys, rows, n, scratch);
    else
        rs_avx512_e_sort_rows_u32(keys, rows, n, scratch);
}

static void rs_avx512_zen4_sort_rows_i32(uint32_t *keys, size_t rows, size_t n, void *scratch)
{
    ZEN4_PAIRS(rs_p32_sort_rows_i32, ZEN4_ROWS32_PAIRS, keys, rows, n);
    if (rows == 0)
        return;
    if (ZEN4_ROWS32_AVX2(n))
        rs_kernels_avx2.sort_rows_i32(keys, rows, n, scratch);
    else
        rs_avx512_e_sort_rows_i32(keys, rows, n, scratch);
}

/* Batches of 16-bit rows of 33 to 48 keys on Zen 4 go to the AVX2 kernels too (which widen
 * them into 32-bit lanes and sort them there, kern_avx2.c): one thread, 65536 rows, both
 * ways round, against the AVX-512 networks' widening loads (vw16): 33 keys 1.27x, 36 1.25x,
 * 40 1.31x, 44 1.13x, 48 1.21x. From 49 keys the AVX-512 column networks win (64: the AVX2
 * networks' widening loads 0.85x). */
#define ZEN4_ROWS16_AVX2(n) ((n) > 32 && (n) <= 48)
/* Batches of 16-bit rows of 17..64 keys on Zen 4 go to the pairs networks, 16 rows at a time
 * (rows16_pairs_avx512.h; the rows left over, fewer than 16, as above). One thread, 2^22
 * keys a batch, both ways round, int16 (its key transform's passes included) against the
 * kernels above: 64 keys 1.53-1.59x (65536 rows: 0.394 -> 0.257 ns/key), 56 1.31x, 48
 * 1.93x, 40 1.91x, 33 1.92x, 32 1.37x, 24 1.35x, 17 1.47x. Not measured on an Intel Xeon,
 * so not in its tables. */
#ifndef ZEN4_ROWS16_PAIRS
#define ZEN4_ROWS16_PAIRS(n) ((n) > 16 && (n) <= 64)
#endif
static void rs_avx512_zen4_sort_rows_u16(uint16_t *keys, size_t rows, size_t n, void *scratch)
{
    ZEN4_PAIRS(rs_p16_sort_rows, ZEN4_ROWS16_PAIRS, keys, rows, n);
    if (rows == 0)
        return;
    if (ZEN4_ROWS16_AVX2(n))
        rs_kernels_avx2.sort_rows_u16(keys, rows, n, scratch);
    else
        rs_avx512_e_sort_rows_u16(keys, rows, n, scratch);
}

/* float32 rows, ascending, with the key transform in the registers of the networks (vxf32):
 * the lengths that go to AVX2 there (kern_avx2.c), 9..32 and 129..512 keys here, and the
 * quicksort's rows from 513 keys (sort_enc, above; with scratch); else 0 (the caller
 * encodes, sorts with sort_rows_u32, decodes). On Zen 4, one thread, 2^22 keys
 * a batch, both ways round, against the passes: 65536x64 1.12-1.30x (AVX2), 4096x16 1.20x,
 * 65536x32 1.12x, 65536x12 1.16x, 65536x9 1.11x, 65536x20 1.00x, 4096x400 1.10x, 8192x300
 * 1.02x; rows of 2..8 keys (one register each, mostly padding) 0.91-0.96x, so not those. */
static int rs_avx512_zen4_sort_rows_f32_asc(uint32_t *keys, size_t rows, size_t n, void *scratch)
{
    ZEN4_PAIRS(rs_p32_sort_rows_xf32, ZEN4_ROWS32_PAIRS_F, keys, rows, n);
    if (rows == 0)
        return 1;
    if (ZEN4_ROWS32_AVX2(n))
        return rs_kernels_avx2.sort_rows_f32_asc(keys, rows, n, scratch);
    if (n > rs_avx512_udf32_BLOCK) {
        if (scratch == NULL)
            return 0;
        for (size_t r = 0; r < rows; r++)
            rs_avx512_udf32_sort_enc(keys + r * n, keys + r * n, n, scratch,
                                     RS_INPLACE_OF(INPLACE_ZEN4));
        return 1;
    }
    if (n <= 8 || n > rs_avx512_uxf32_BLOCK)
        return 0;
    rs_avx512_uxf32_sort_rows(keys, rows, n, scratch, 0);
    return 1;
}

/* One row of those from src into dst (the quicksort's rows: 513 keys and more, with
 * scratch), the copy's pass saved; else 0. */
static int rs_avx512_zen4_sort_from_f32_asc(const uint32_t *src, uint32_t *dst, size_t n,
                                            void *scratch)
{
    if (n <= rs_avx512_udf32_BLOCK || scratch == NULL)
        return 0;
    rs_avx512_udf32_sort_enc(src, dst, n, scratch, RS_INPLACE_OF(INPLACE_ZEN4));
    return 1;
}

/* Batches of 64-bit rows of 33..64 keys on Zen 4 go through packed 32-bit keys, 8 rows
 * at a time (rows64_packed_avx512.h; the rows it leaves and those left over, fewer than 8,
 * as before). One thread, 2^20 keys a batch, against the column networks, uniform keys,
 * both ways round: int64 64 keys 1.33-1.34x, 56 1.23-1.28x, 48 1.25-1.27x, 40 1.39-1.43x,
 * 33 1.24x; float64 64 1.15-1.19x, 56 1.10-1.12x, 48 1.09x, 40 1.10-1.11x, 33 1.03x; but
 * 32 keys 0.64x (int64) and 0.66x (float64), 24 0.73-0.78x, 17 0.57-0.60x, where the
 * column networks fit the registers. Not measured on an Intel Xeon, so not in its tables. */
#define ZEN4_ROWS64_PACKED(n) ((n) > 32 && (n) <= 64)
#define RS_K64_NAME   rs_k64_sort_rows_u64
#define RS_K64_ENC(v) (v)
#include "rows64_packed_avx512.h"
#undef RS_K64_NAME
#undef RS_K64_ENC
#define RS_K64_NAME   rs_k64_sort_rows_i64
#define RS_K64_ENC(v) _mm512_xor_si512((v), _mm512_set1_epi64(INT64_MIN))
#include "rows64_packed_avx512.h"
#undef RS_K64_NAME
#undef RS_K64_ENC
/* float64 in the total order's encoding: v ^ (v >> 63 (arithmetic) | sign bit); NaNs
 * refused (the caller sorts such rows encoded, in the order their sign asks for). */
#define RS_K64_NAME   rs_k64_sort_rows_f64
#define RS_K64_ENC(v)                                                                       \
    _mm512_ternarylogic_epi64((v), _mm512_srai_epi64((v), 63), _mm512_set1_epi64(INT64_MIN), 0x1E)
/* NaNs encode above +inf's key or below -inf's: a row's least and greatest keys tell. */
#define RS_K64_NAN(lo, hi)                                                                  \
    ((hi) > UINT64_C(0xFFF0000000000000) || (lo) < UINT64_C(0x000FFFFFFFFFFFFF))
#include "rows64_packed_avx512.h"
#undef RS_K64_NAME
#undef RS_K64_ENC
#undef RS_K64_NAN

/* One row through the entry before (a row the packed keys left). */
static void zen4_row_u64(uint64_t *row, size_t n, void *scratch)
{
    rs_avx512_e_sort_rows_u64(row, 1, n, scratch);
}
static void zen4_row_i64(uint64_t *row, size_t n, void *scratch)
{
    rs_avx512_e_sort_rows_i64(row, 1, n, scratch);
}
/* `rows` rows of float64 keys without NaNs sorted as integers in the total order's
 * encoding, so that -0.0 comes before +0.0, as in the rows the packed keys take. */
static void zen4_rows_f64_encoded(uint64_t *keys, size_t rows, size_t n, void *scratch)
{
    const uint64_t sign = UINT64_C(1) << 63;
    for (size_t i = 0; i < rows * n; i++)
        keys[i] ^= ((uint64_t)0 - (keys[i] >> 63)) | sign;
    rs_avx512_e_sort_rows_u64(keys, rows, n, scratch);
    for (size_t i = 0; i < rows * n; i++)
        keys[i] ^= ((uint64_t)0 - (~keys[i] >> 63)) | sign;
}

/* (Its rows have no NaN: checked before.) */
static void zen4_row_f64(uint64_t *row, size_t n, void *scratch)
{
    zen4_rows_f64_encoded(row, 1, n, scratch);
}

/* Whole blocks of 64-bit rows through the packed keys where n takes them: keys and rows
 * advanced past them. */
#define ZEN4_PACKED(fn, row_fn, keys, rows, n, scratch)                                     \
    do {                                                                                    \
        if (ZEN4_ROWS64_PACKED(n)) {                                                        \
            const size_t done_ = fn(keys, rows, n, row_fn, scratch);                        \
            (keys) += done_ * (n);                                                          \
            (rows) -= done_;                                                                \
        }                                                                                   \
    } while (0)

static void rs_avx512_zen4_sort_rows_u64(uint64_t *keys, size_t rows, size_t n, void *scratch)
{
    ZEN4_PACKED(rs_k64_sort_rows_u64, zen4_row_u64, keys, rows, n, scratch);
    if (rows > 0)
        rs_avx512_e_sort_rows_u64(keys, rows, n, scratch);
}

static void rs_avx512_zen4_sort_rows_i64(uint64_t *keys, size_t rows, size_t n, void *scratch)
{
    ZEN4_PACKED(rs_k64_sort_rows_i64, zen4_row_i64, keys, rows, n, scratch);
    if (rows > 0)
        rs_avx512_e_sort_rows_i64(keys, rows, n, scratch);
}

/* float64 rows compared as numbers: 0 where a key is a NaN or MXCSR.DAZ is set, as the
 * entry before (the keys maybe moved, as its contract allows: rows before the NaN's block
 * sorted). -0.0 comes before +0.0 in the rows the packed keys take, in those they leave
 * (zen4_row_f64) and in the fewer than 8 after their last block: where the packed keys
 * went through every block, RS_SORTED_ZEROS spares the engine its pass that looks for a
 * -0.0, which measured 10% of the sort of 65536 rows of 64 (one thread, in place; checking
 * the rows before the sort instead cost as much). */
static int rs_avx512_zen4_sort_rows_f64(uint64_t *keys, size_t rows, size_t n, void *scratch)
{
    if (ZEN4_ROWS64_PACKED(n) && rows >= 8) {
        if (!vf64_chk_env())
            return 0;
        const size_t done = rs_k64_sort_rows_f64(keys, rows, n, zen4_row_f64, scratch);
        if (done == RS_K64_REFUSED)
            return 0;
        if (rows - done < 8) {
            /* (The packed keys did not look at these rows: NaNs refused here.) */
            if (!vf64_usable(keys + done * n, (rows - done) * n))
                return 0;
            zen4_rows_f64_encoded(keys + done * n, rows - done, n, scratch);
            return RS_SORTED_ZEROS;
        }
        keys += done * n;
        rows -= done;
    }
    return rows == 0 ? 1 : rs_avx512_e_sort_rows_f64(keys, rows, n, scratch);
}

/* The entries each table's batches of 32- and 64-bit rows go to (prefixes of
 * _sort_rows_u32, _i32, _u64, _i64, _f64, and of _rows64_call_bytes). */
#define ROWS_ZEN4  rs_avx512_zen4
#define ROWS_INTEL rs_avx512_intel_e
/* Zen 4's packed keys are handed 32 KiB a call of int64 and float64 rows (64 rows of 64)
 * instead of the engine's 8 KiB: one thread, bench/micro/ab_libs.c both ways round, with
 * the probe: int64 16384x64 1.03x in place, 1.07-1.14x out of place, 65536x64 1.02x; 40
 * keys 1.00x; rows padded with a sentinel 1.41-1.45x (the probe's cost and a failed
 * block's spread over 64 rows, not 16); float64 (with RS_SORTED_ZEROS) 65536x64 1.04x in
 * place, 16384x64 1.06x out of place, 40 keys 1.01x. Not measured on an Intel Xeon, whose
 * table has no packed keys. */
enum {
    rs_avx512_zen4_rows64_call_bytes = 32 * 1024,
    rs_avx512_intel_e_rows64_call_bytes = 0
};

RS_AVX512_TABLE(rs_kernels_avx512, , "AMD Zen 4", RS_INPLACE_OF(INPLACE_ZEN4),
                rs_avx512_e_sort_u16, rs_avx512_zen4_sort_rows_u16, ROWS_ZEN4,
                rs_avx512_zen4_sort_rows_f32_asc, rs_avx512_zen4_sort_from_f32_asc);
RS_AVX512_TABLE(rs_kernels_avx512_intel, _intel, "Intel Xeon", RS_INPLACE_OF(INPLACE_INTEL),
                rs_avx512_intel_e_sort_u16, rs_avx512_intel_e_sort_rows_u16, ROWS_INTEL, NULL,
                NULL);
/* The Intel table with the 16-bit sorts of kern_avx512_vbmi2.c, for cores with VBMI2. */
void rs_avx512vbmi2_sort_u16(uint16_t *keys, size_t n, void *scratch);
void rs_avx512vbmi2_sort_rows_u16(uint16_t *keys, size_t rows, size_t n, void *scratch);
RS_AVX512_TABLE(rs_kernels_avx512_intel_vbmi2, _intel, "Intel Xeon, VBMI2",
                RS_INPLACE_OF(INPLACE_INTEL), rs_avx512vbmi2_sort_u16,
                rs_avx512vbmi2_sort_rows_u16, ROWS_INTEL, NULL, NULL);
/* The Zen 4 table with the 16-bit sorts of kern_avx512_vbmi2.c, for other cores with VBMI2. */
void rs_avx512vbmi2_zen4_sort_u16(uint16_t *keys, size_t n, void *scratch);
void rs_avx512vbmi2_zen4_sort_rows_u16(uint16_t *keys, size_t rows, size_t n, void *scratch);
RS_AVX512_TABLE(rs_kernels_avx512_vbmi2, , "AMD Zen 4, VBMI2", RS_INPLACE_OF(INPLACE_ZEN4),
                rs_avx512vbmi2_zen4_sort_u16, rs_avx512vbmi2_zen4_sort_rows_u16, ROWS_ZEN4,
                rs_avx512_zen4_sort_rows_f32_asc, rs_avx512_zen4_sort_from_f32_asc);
