/*
 * kern_avx512_vbmi2.c - the 16-bit sorts of the AVX-512 tables for cores with VBMI2
 * (built with the AVX-512 flags plus -mavx512vbmi2; dispatch.c hands out
 * rs_kernels_avx512_intel_vbmi2 and rs_kernels_avx512_vbmi2 only where CPUID reports VBMI2).
 *
 * VBMI2 compresses 16-bit lanes (vpcompressw): the quicksort's partition of 16-bit keys
 * moves 32 keys with two compresses instead of widening them to two vectors of 32-bit lanes
 * (vec_avx512.h, v16_part). On an Intel Xeon (family 6 model 167) that makes the 16-bit
 * quicksort the fastest sort of 16-bit keys below 32K keys: 4K keys 1.52 -> 1.15 ns/key,
 * 8K 2.21 (the radix passes) -> 1.27, 16K 1.92 (the listing counting sort) -> 1.37, 32K
 * about level with the counting sort, which keeps the rows from 32K keys.
 */
#include "kernels.h"

#include <string.h>

#include "count_u16.h"
#include "vec_avx512.h"

#ifndef __AVX512VBMI2__
#error "kern_avx512_vbmi2.c needs -mavx512vbmi2"
#endif

/* Only the 16-bit sort of the template is called here; the rest of it stays unused. */
#pragma GCC diagnostic ignored "-Wunused-function"

#define RS_ISA       avx512vbmi2
#define RS_NREGS_MAX 32
#define RS_BITS      16
#include "bitonic_tmpl.h" /* rs_avx512vbmi2_u16_sort */
#undef RS_BITS
#undef RS_ISA
/* Zen 4's: min and max only in the networks, as kern_avx512.c's Zen 4 networks (8x8192
 * int16 1.03x on Zen 4, one thread, both ways round). */
#define RS_ISA         avx512vbmi2zen4
#define RS_NET_MIX_OWN 1, 0
#define RS_BITS        16
#include "bitonic_tmpl.h" /* rs_avx512vbmi2zen4_u16_sort */
#undef RS_BITS
#undef RS_NET_MIX_OWN
#undef RS_ISA

extern const rs_kernel_table rs_kernels_avx512, rs_kernels_avx512_intel;

/* Below this many keys the 16-bit quicksort, up to 2^16 the listing counting sort; longer
 * rows as the base table sorts them (the dense counting sort). */
#define U16_NATIVE_MAX 32768u
_Static_assert(RS_KERNEL_SCRATCH_BYTES(U16_NATIVE_MAX) >= RS_COUNT_LIST_BYTES(U16_NATIVE_MAX),
               "the listing counting sort's counters and lists live in the scratch");

typedef void sort16_fn(uint16_t *keys, size_t n, void *scratch, size_t inplace_min_bytes);

/* The 16-bit sorts with VBMI2 over a tuning's table (its in-place threshold, its sorts of
 * the rows these do not take) and its quicksort (sort16). */
static void sort_u16_over(const rs_kernel_table *base, sort16_fn *sort16, uint16_t *keys,
                          size_t n, void *scratch)
{
    if (n <= 1)
        return;
    if (n < U16_NATIVE_MAX)
        sort16(keys, n, scratch, base->inplace_min_bytes);
    else if (n <= 65536u)
        rs_count_sort_u16_list(keys, n, scratch);
    else
        base->sort_u16(keys, n, scratch);
}

static void sort_rows_u16_over(const rs_kernel_table *base, sort16_fn *sort16, uint16_t *keys,
                               size_t rows, size_t n, void *scratch)
{
    /* Rows of up to 64 keys are sorted by networks alone (no partition): the base table's. */
    if (n <= 64) {
        base->sort_rows_u16(keys, rows, n, scratch);
        return;
    }
    for (size_t r = 0; r < rows; r++)
        sort_u16_over(base, sort16, keys + r * n, n, scratch);
}

void rs_avx512vbmi2_sort_u16(uint16_t *keys, size_t n, void *scratch)
{
    sort_u16_over(&rs_kernels_avx512_intel, rs_avx512vbmi2_u16_sort, keys, n, scratch);
}

void rs_avx512vbmi2_sort_rows_u16(uint16_t *keys, size_t rows, size_t n, void *scratch)
{
    sort_rows_u16_over(&rs_kernels_avx512_intel, rs_avx512vbmi2_u16_sort, keys, rows, n,
                       scratch);
}

/* AMD Zen 4 has VBMI2 too: against its table's 16-bit sorts (widened partitions, radix and
 * dense counting passes), one thread, `bench/micro/ab_libs.c` both ways round: 8x8192
 * int16 1.19-1.22x, 8x4097 1.14-1.15x, 64x65536 1.29-1.30x (the listing counting sort),
 * 1024x1024 and 65536x64 1.00x. Short rows keep the Zen 4 networks (the Intel table's
 * measured 0.90x on 65536x64). */
void rs_avx512vbmi2_zen4_sort_u16(uint16_t *keys, size_t n, void *scratch)
{
    sort_u16_over(&rs_kernels_avx512, rs_avx512vbmi2zen4_u16_sort, keys, n, scratch);
}

void rs_avx512vbmi2_zen4_sort_rows_u16(uint16_t *keys, size_t rows, size_t n, void *scratch)
{
    sort_rows_u16_over(&rs_kernels_avx512, rs_avx512vbmi2zen4_u16_sort, keys, rows, n,
                       scratch);
}
