/*
 * nets_int_avx512.h - bitonic_tmpl.h's sorts of 16-bit, 32-bit and int32 keys, instantiated
 * under the RS_ISA that the includer defines (with RS_NREGS_MAX16 and RS_NREGS_MAX32 set).
 * kern_avx512.c includes it once per mix of its integer networks: with the default mix
 * (rs_avx512_u16_sort, rs_avx512_u32_sort, rs_avx512_ui32_sort, ...) and with
 * RS_NET_MIX_OWN for Zen 4 (rs_avx512zen4_...). No include guard: meant for several
 * inclusions; it #undefs what it defines.
 */
#define RS_NREGS_MAX RS_NREGS_MAX16
#define RS_BITS      16
#include "bitonic_tmpl.h" /* rs_<isa>_u16_sort, ... */
#undef RS_BITS
#undef RS_NREGS_MAX
#define RS_NREGS_MAX RS_NREGS_MAX32
#define RS_BITS      32
#include "bitonic_tmpl.h" /* rs_<isa>_u32_sort, ... */
#define RS_VTAG i32
#define RS_SORT_FROM
#include "bitonic_tmpl.h" /* rs_<isa>_ui32_sort, ...: int32 compared as signed */
#undef RS_BITS
#undef RS_NREGS_MAX
