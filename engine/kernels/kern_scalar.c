/* kern_scalar.c - the portable kernel path: stable LSD radix sorts (16-bit keys alone from
 * 64K keys: counted), no ISA flags. */
#include <stdint.h>
#include <string.h>

#include "count_u16.h"
#include "kernels.h"

#define RS_RADIX_FN  radix_u16
#define RS_KEY_T     uint16_t
#define RS_KEY_BYTES 2
#include "radix_tmpl.h"
#define RS_RADIX_FN  sort_u32
#define RS_KEY_T     uint32_t
#define RS_KEY_BYTES 4
#include "radix_tmpl.h"
#define RS_RADIX_FN  sort_u64
#define RS_KEY_T     uint64_t
#define RS_KEY_BYTES 8
#include "radix_tmpl.h"

#define RS_RADIX_FN  sort_u16_i32
#define RS_KEY_T     uint16_t
#define RS_KEY_BYTES 2
#define RS_IDX_T     uint32_t
#include "radix_tmpl.h"
#define RS_RADIX_FN  sort_u32_i32
#define RS_KEY_T     uint32_t
#define RS_KEY_BYTES 4
#define RS_IDX_T     uint32_t
#include "radix_tmpl.h"
#define RS_RADIX_FN  sort_u64_i32
#define RS_KEY_T     uint64_t
#define RS_KEY_BYTES 8
#define RS_IDX_T     uint32_t
#include "radix_tmpl.h"

#define RS_RADIX_FN  sort_u16_i64
#define RS_KEY_T     uint16_t
#define RS_KEY_BYTES 2
#define RS_IDX_T     uint64_t
#include "radix_tmpl.h"
#define RS_RADIX_FN  sort_u32_i64
#define RS_KEY_T     uint32_t
#define RS_KEY_BYTES 4
#define RS_IDX_T     uint64_t
#include "radix_tmpl.h"
#define RS_RADIX_FN  sort_u64_i64
#define RS_KEY_T     uint64_t
#define RS_KEY_BYTES 8
#define RS_IDX_T     uint64_t
#include "radix_tmpl.h"

/* Stable argsorts: the radix passes on the identity (stable, so ties keep positions). */
#define RS_IDENTITY_ARGSORT(NAME, KEYT, IDXT, PAIRS)                                        \
    static void NAME(KEYT *keys, IDXT *pos, size_t n, void *scratch)                        \
    {                                                                                       \
        for (size_t i = 0; i < n; i++)                                                      \
            pos[i] = (IDXT)i;                                                               \
        PAIRS(keys, pos, n, scratch);                                                       \
    }
RS_IDENTITY_ARGSORT(argsort_u16_i32, uint16_t, uint32_t, sort_u16_i32)
RS_IDENTITY_ARGSORT(argsort_u32_i32, uint32_t, uint32_t, sort_u32_i32)
RS_IDENTITY_ARGSORT(argsort_u16_i64, uint16_t, uint64_t, sort_u16_i64)
RS_IDENTITY_ARGSORT(argsort_u32_i64, uint32_t, uint64_t, sort_u32_i64)
#undef RS_IDENTITY_ARGSORT

/* 16-bit keys alone: counted from 64K keys (one key per counter; on Zen 3 1.9 against
 * 4.4-5.6 ns/key for the two radix passes at 64K keys, 1.1 against 5.3 at 1M), else the
 * radix passes. The counters need 256 KiB of the scratch, which has 16 bytes per key. */
#define U16_COUNT_MIN 65536u
_Static_assert(RS_KERNEL_SCRATCH_BYTES(U16_COUNT_MIN) >= 65536u * sizeof(uint32_t),
               "the counting sort's counters live in the scratch");
static void sort_u16(uint16_t *keys, size_t n, void *scratch)
{
    if (n >= U16_COUNT_MIN && n <= UINT32_MAX)
        rs_count_sort_u16(keys, n, (uint32_t *)scratch);
    else
        radix_u16(keys, n, scratch);
}

/* Hoare's partition: keys below p first; returns their count. */
static size_t partition_u32(uint32_t *keys, size_t n, uint32_t p)
{
    size_t lo = 0, hi = n;
    for (;;) {
        while (lo < hi && keys[lo] < p)
            lo++;
        while (lo < hi && !(keys[hi - 1] < p))
            hi--;
        if (lo >= hi)
            return lo;
        const uint32_t t = keys[lo];
        keys[lo++] = keys[--hi];
        keys[hi] = t;
    }
}

#define RS_XFORM_T      uint16_t
#define RS_XFORM_ENCODE encode_u16
#define RS_XFORM_DECODE decode_u16
#define RS_XFORM_ANY    zero_or_nan_u16
#include "xform_tmpl.h"
#define RS_XFORM_T      uint32_t
#define RS_XFORM_ENCODE encode_u32
#define RS_XFORM_DECODE decode_u32
#define RS_XFORM_ANY    zero_or_nan_u32
#define RS_XFORM_HAS    has_u32
#include "xform_tmpl.h"
#define RS_XFORM_T      uint64_t
#define RS_XFORM_ENCODE encode_u64
#define RS_XFORM_DECODE decode_u64
#define RS_XFORM_ANY    zero_or_nan_u64
#define RS_XFORM_HAS    has_u64
#include "xform_tmpl.h"
#define RS_SELECT_T  uint16_t
#define RS_SELECT_FN select_le_u16
#include "select_tmpl.h"
#define RS_SELECT_T  uint32_t
#define RS_SELECT_FN select_le_u32
#include "select_tmpl.h"
#define RS_SELECT_T  uint64_t
#define RS_SELECT_FN select_le_u64
#include "select_tmpl.h"

const rs_kernel_table rs_kernels_scalar = {
    .name = "scalar",
    .tuned_for = "any",
    .inplace_min_bytes = 0, /* radix sorts */
    .sort_u16 = sort_u16,
    .sort_u32 = sort_u32,
    .sort_u64 = sort_u64,
    .sort_u16_i32 = sort_u16_i32,
    .sort_u32_i32 = sort_u32_i32,
    .sort_u64_i32 = sort_u64_i32,
    .sort_u16_i64 = sort_u16_i64,
    .sort_u32_i64 = sort_u32_i64,
    .sort_u64_i64 = sort_u64_i64,
    .argsort_u16_i32 = argsort_u16_i32,
    .argsort_u32_i32 = argsort_u32_i32,
    .argsort_u16_i64 = argsort_u16_i64,
    .argsort_u32_i64 = argsort_u32_i64,
    .partition_u32 = partition_u32,
    .partition_i32 = NULL, /* no sort_i32 */
    .partition_f32 = NULL, /* no sort_f32 */
    .f32_usable = NULL,
    .sort_f32_checked = NULL,
    .partition_i64 = NULL, /* no sort_i64: 64-bit rows split by parts and merges */
    .partition_f64 = NULL,
    .f64_usable = NULL,
    .sort_f64_checked = NULL,
    .encode_u16 = encode_u16,
    .encode_u32 = encode_u32,
    .encode_u64 = encode_u64,
    .decode_u16 = decode_u16,
    .decode_u32 = decode_u32,
    .decode_u64 = decode_u64,
    .zero_or_nan_u16 = zero_or_nan_u16,
    .zero_or_nan_u32 = zero_or_nan_u32,
    .zero_or_nan_u64 = zero_or_nan_u64,
    .has_u32 = has_u32,
    .has_u64 = has_u64,
    .select_le_u16 = select_le_u16,
    .select_le_u32 = select_le_u32,
    .select_le_u64 = select_le_u64,
};
