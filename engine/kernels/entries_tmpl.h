/*
 * entries_tmpl.h - the rs_kernel_table entries of one ISA, written once over the sorts that
 * bitonic_tmpl.h instantiated for 32- and 64-bit keys. Include in a kernel file after
 * bitonic_tmpl.h for RS_BITS 32 and 64, with RS_ISA defined, and RS_VARIANT (a name suffix,
 * may be empty) and RS_VARIANT_INPLACE_BYTES (the quicksort's in-place threshold: see
 * bitonic_tmpl.h, qsort) defined for this set of entries; once per tuning of the ISA. Defines
 * static functions rs_<isa><variant>_e_<entry>; the kernel file puts them in its const
 * tables. RS_INPLACE_MIN_BYTES, when defined, overrides every variant's threshold (tests).
 *
 * - u16 keys: a counting sort from U16_COUNT_MIN keys (below, its pass over 2^16 counters
 *   costs more than the keys); below U16_NATIVE_MAX keys the 16-bit vector sort where the
 *   ISA has one (AVX-512BW); else two LSD radix passes of 8 bits from U16_RADIX_MIN keys, or
 *   widened to u32 and sorted there. The thresholds are per variant (per core).
 * - u16/u32 keys with an index: (key, idx) packed into one wider key, so that the order of
 *   (key, idx) is exact: key << 32 | idx in a u64, or key << 16 | position in a u32 for
 *   16-bit keys and n <= 2^16 (the index then comes back from a copy by position).
 *   Indices are strictly increasing, so idx[n - 1] bounds them all.
 * - u64 keys with an index: the pair quicksort of pairs_tmpl.h (included before this file),
 *   or a variant's radix sort for the lengths where RS_VARIANT_P64_RADIX(n) says so.
 * No include guard; it #undefs its macros.
 */

#include "count_u16.h"

#define RS_CAT_(a, b) a##b
#define RS_CAT(a, b)  RS_CAT_(a, b)
#define RS_E(x)       RS_CAT(RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), RS_VARIANT), _e_), x)
/* The name prefix of the networks each key tag's sorts come from: RS_ISA's, or for 16- and
 * 32-bit integer keys RS_VARIANT_NET_ISA's where the variant has networks of its own
 * (kern_avx512.c: Zen 4's, without compare-and-blend). */
#ifdef RS_VARIANT_NET_ISA
#define RS_NISA_16  RS_VARIANT_NET_ISA
#define RS_NISA_32  RS_VARIANT_NET_ISA
#define RS_NISA_i32 RS_VARIANT_NET_ISA
#else
#define RS_NISA_16  RS_ISA
#define RS_NISA_32  RS_ISA
#define RS_NISA_i32 RS_ISA
#endif
#define RS_NISA_f32 RS_ISA
#define RS_NISA_64  RS_ISA
#define RS_NISA_i64 RS_ISA
#define RS_NISA_f64 RS_ISA
#define RS_K(bits, x) RS_CAT(RS_CAT(RS_CAT(RS_CAT(rs_, RS_NISA_##bits), _u), bits), RS_CAT(_, x))
#ifdef RS_INPLACE_MIN_BYTES
#define INPLACE_BYTES ((size_t)(RS_INPLACE_MIN_BYTES))
#else
#define INPLACE_BYTES ((size_t)(RS_VARIANT_INPLACE_BYTES))
#endif
/* The sort of bitonic_tmpl.h for keys of `bits`, with this variant's threshold. */
#define RS_S(bits, keys, n, scratch) RS_K(bits, sort)((keys), (n), (scratch), INPLACE_BYTES)
#define RS_SR(bits, keys, rows, n, scratch)                                                 \
    RS_K(bits, sort_rows)((keys), (rows), (n), (scratch), INPLACE_BYTES)

/* The scratch past the first n elements of array p, rounded up to 64 bytes. */
#define RS_AFTER(p, n) ((void *)(((uintptr_t)((p) + (n)) + 63u) & ~(uintptr_t)63u))

/* From this many keys, a counting sort (2^16 counters: 256 KiB of the scratch, which holds
 * 16 bytes per key and more). Its emit loop does not branch on runs of up to 16 keys,
 * so it pays from fewer keys per counter than a loop per run would (on Zen 3: 1.94 ns/key
 * at 64K keys, 1.08 at 256K, where a loop per run took 4.2 and 2.9, mispredicting once per
 * counter; count_u16.h). On an Intel Xeon (AVX-512) against the radix passes: 2.17 against
 * 1.98 ns/key at 32K keys, 1.52 against 1.85 at 64K, 1.23 against 1.96 at 128K; not
 * measured on Zen 4. A variant may set its own (RS_VARIANT_U16_COUNT_MIN). */
#ifdef RS_VARIANT_U16_COUNT_MIN
#define U16_COUNT_MIN RS_VARIANT_U16_COUNT_MIN
#else
#define U16_COUNT_MIN 65536u
#endif
_Static_assert(RS_KERNEL_SCRATCH_BYTES(U16_COUNT_MIN) >= 65536u * sizeof(uint32_t),
               "the counting sort's counters live in the scratch");
/* Below this many keys, where the vocabulary has 16-bit lanes (V16_N), the quicksort and
 * networks of bitonic_tmpl.h in 16-bit lanes: faster than the radix passes up to 16K keys
 * on Zen 4 (AVX-512: 1.50 against 2.08 ns/key at 2K, 1.79 against 2.10 at 8K, even at 32K),
 * up to 4K on an Intel Xeon (1.57 against 1.68 at 4K; 1.75 against 1.65 at 8K, 2.22
 * against 1.84 at 32K). A variant may set its own (RS_VARIANT_U16_NATIVE_MAX). */
#ifndef U16_NATIVE_MAX
#ifdef RS_VARIANT_U16_NATIVE_MAX
#define U16_NATIVE_MAX RS_VARIANT_U16_NATIVE_MAX
#else
#define U16_NATIVE_MAX 32768u
#endif
#endif
/* Batches of short 16-bit rows sorted in 16-bit lanes (else widened to 32 bits): on Zen 4
 * only 33..48 keys measured faster (6-9%, one network per row), and none against keys
 * widened by the loads (kern_avx512.c, RS_VARIANT_ROWS16_WIDE); on an Intel Xeon 33..64
 * with one network per row (64: 0.56 -> 0.47 ns/key, 56: 0.66 -> 0.56), and 17..64 since
 * 32 rows at a time are sorted as columns (bitonic_tmpl.h, cols: 17..32 keys 1.3-1.47x
 * faster than widened, 33..64 1.1-1.3x faster than a network per row). A variant may set
 * the range (RS_VARIANT_U16_ROWS_NATIVE_MIN, exclusive, and _MAX). */
#ifndef U16_ROWS_NATIVE
#ifdef RS_VARIANT_U16_ROWS_NATIVE_MAX
#define U16_ROWS_NATIVE(n) ((n) > RS_VARIANT_U16_ROWS_NATIVE_MIN && (n) <= RS_VARIANT_U16_ROWS_NATIVE_MAX)
#else
#define U16_ROWS_NATIVE(n) ((n) > 32 && (n) <= 48)
#endif
#endif
/* From this many keys (and below U16_COUNT_MIN), two radix passes of 8 bits. A variant
 * may set its own (RS_VARIANT_U16_RADIX_MIN; U16_COUNT_MIN or more: never). */
#ifndef U16_RADIX_MIN
#ifdef RS_VARIANT_U16_RADIX_MIN
#define U16_RADIX_MIN RS_VARIANT_U16_RADIX_MIN
#else
#define U16_RADIX_MIN 1024u
#endif
#endif

/* From this many keys to 2^16, where a variant sets it (RS_VARIANT_U16_LIST_MIN,
 * AVX-512 only), the counting sort with 16-bit counters and a compressed list of the keys
 * present (count_u16.h). */
#ifdef RS_VARIANT_U16_LIST_MIN
#define U16_LIST_MIN RS_VARIANT_U16_LIST_MIN
_Static_assert(RS_KERNEL_SCRATCH_BYTES(U16_LIST_MIN) >= RS_COUNT_LIST_BYTES(U16_LIST_MIN),
               "the listing counting sort's counters and lists live in the scratch");
#endif

static void RS_E(sort_u32)(uint32_t *keys, size_t n, void *scratch)
{
    RS_S(32, keys, n, scratch);
}

static void RS_E(sort_u64)(uint64_t *keys, size_t n, void *scratch)
{
    RS_S(64, keys, n, scratch);
}

/* The quicksort's partition for rows split by a team: whole vectors from VN keys (the
 * v32, vi32, vf32, vi64 and vf64 vocabularies compare keys as they are: their pre/post do
 * nothing; v64's flip signs on AVX2, so 64-bit keys are partitioned as int64). */
#define RS_PARTITION_ENTRY(name, KT, VN, tag, less)                                         \
    static size_t RS_E(name)(KT * keys, size_t n, KT p)                                     \
    {                                                                                       \
        if (n < VN) {                                                                       \
            size_t m = 0;                                                                   \
            for (size_t i = 0; i < n; i++)                                                  \
                if (less(keys[i], p)) {                                                     \
                    const KT t = keys[m];                                                   \
                    keys[m++] = keys[i];                                                    \
                    keys[i] = t;                                                            \
                }                                                                           \
            return m;                                                                       \
        }                                                                                   \
        KT mn, mx;                                                                          \
        return RS_K(tag, partition)(keys, n, p, &mn, &mx);                                  \
    }
#define RS_LESS_U32(a, b) ((a) < (b))
#define RS_LESS_I32(a, b) ((int32_t)(a) < (int32_t)(b))
#define RS_LESS_I64(a, b) ((int64_t)(a) < (int64_t)(b))
RS_PARTITION_ENTRY(partition_u32, uint32_t, V32_N, 32, RS_LESS_U32)
#ifdef Vi32_N
RS_PARTITION_ENTRY(partition_i32, uint32_t, V32_N, i32, RS_LESS_I32)
#endif
#ifdef Vi64_N
RS_PARTITION_ENTRY(partition_i64, uint64_t, Vi64_N, i64, RS_LESS_I64)
#endif
#ifdef Vf32_N
#define RS_LESS_F32(a, b) vf32_klt((a), (b))
RS_PARTITION_ENTRY(partition_f32, uint32_t, V32_N, f32, RS_LESS_F32)
#undef RS_LESS_F32
#endif
#ifdef Vf64_N
#define RS_LESS_F64(a, b) vf64_klt((a), (b))
RS_PARTITION_ENTRY(partition_f64, uint64_t, Vf64_N, f64, RS_LESS_F64)
#undef RS_LESS_F64
#endif
#undef RS_LESS_I64
#undef RS_LESS_I32
#undef RS_LESS_U32
#undef RS_PARTITION_ENTRY

#ifdef Vf64_N
/* float64 rows without NaNs, sorted as numbers by the f64 vocabulary (no key transform). */
static int RS_E(sort_f64)(uint64_t *keys, size_t n, void *scratch)
{
    return RS_K(f64, sort_chk)(keys, n, scratch, INPLACE_BYTES);
}

static int RS_E(sort_from_f64)(const uint64_t *src, uint64_t *dst, size_t n, void *scratch)
{
    return RS_K(f64, sort_from)(src, dst, n, scratch, INPLACE_BYTES);
}

/* Whether sort_f64 takes keys[0..n) (no NaN, MXCSR.DAZ clear), and sort_f64 for keys it took
 * on the same thread. */
static int RS_E(f64_usable)(const uint64_t *keys, size_t n)
{
    return vf64_usable(keys, n);
}

static void RS_E(sort_f64_checked)(uint64_t *keys, size_t n, void *scratch)
{
    RS_S(f64, keys, n, scratch);
}

static int RS_E(sort_rows_f64)(uint64_t *keys, size_t rows, size_t n, void *scratch)
{
    return RS_K(f64, sort_rows_chk)(keys, rows, n, scratch, INPLACE_BYTES);
}
#endif

#ifdef Vf32_N
/* The row lengths for which sort_f32 / sort_rows_f32 beat the key transform and the integer
 * compares. By default rows of 2^18 keys or more: there the transform's two passes cost
 * 10-12% of the sort, more than the float compares lose where they are slower (1-2% at 1M
 * keys when measured with networks that spilled; 5-7% on AVX2, Intel Xeon). A variant may set
 * its own (RS_VARIANT_F32_NATIVE(n)). */
#ifdef RS_VARIANT_F32_NATIVE
#define F32_NATIVE(n) RS_VARIANT_F32_NATIVE(n)
#else
#define F32_NATIVE(n) ((n) >= ((size_t)1 << 18))
#endif
static int RS_E(f32_native)(size_t n)
{
    return F32_NATIVE(n);
}

/* Whether sort_f32 takes keys[0..n): no NaN, and MXCSR.DAZ clear. */
static int RS_E(f32_usable)(const uint32_t *keys, size_t n)
{
    return vf32_usable(keys, n);
}

/* sort_f32 for keys f32_usable took, on the same thread: no second pass to check them. */
static void RS_E(sort_f32_checked)(uint32_t *keys, size_t n, void *scratch)
{
    RS_S(f32, keys, n, scratch);
}

/* float32 rows without NaNs, as sort_f64. */
static int RS_E(sort_f32)(uint32_t *keys, size_t n, void *scratch)
{
    return RS_K(f32, sort_chk)(keys, n, scratch, INPLACE_BYTES);
}

static int RS_E(sort_from_f32)(const uint32_t *src, uint32_t *dst, size_t n, void *scratch)
{
    return RS_K(f32, sort_from)(src, dst, n, scratch, INPLACE_BYTES);
}

static int RS_E(sort_rows_f32)(uint32_t *keys, size_t rows, size_t n, void *scratch)
{
    return RS_K(f32, sort_rows_chk)(keys, rows, n, scratch, INPLACE_BYTES);
}
#endif

#ifdef Vi32_N
/* int32 and int64 keys sorted as signed integers by the i32/i64 vocabularies (no key
 * transform). */
static void RS_E(sort_i32)(uint32_t *keys, size_t n, void *scratch)
{
    RS_S(i32, keys, n, scratch);
}

static void RS_E(sort_from_i32)(const uint32_t *src, uint32_t *dst, size_t n, void *scratch)
{
    RS_K(i32, sort_from)(src, dst, n, scratch, INPLACE_BYTES);
}

static void RS_E(sort_rows_i32)(uint32_t *keys, size_t rows, size_t n, void *scratch)
{
    RS_SR(i32, keys, rows, n, scratch);
}
#endif

#ifdef Vi64_N
static void RS_E(sort_i64)(uint64_t *keys, size_t n, void *scratch)
{
    RS_S(i64, keys, n, scratch);
}

static void RS_E(sort_from_i64)(const uint64_t *src, uint64_t *dst, size_t n, void *scratch)
{
    RS_K(i64, sort_from)(src, dst, n, scratch, INPLACE_BYTES);
}

static void RS_E(sort_rows_i64)(uint64_t *keys, size_t rows, size_t n, void *scratch)
{
    RS_SR(i64, keys, rows, n, scratch);
}
#endif

/* Two stable counting passes over the low then the high byte, through tmp[0..n). */
static void RS_E(radix_u16)(uint16_t *keys, size_t n, uint16_t *tmp)
{
    uint32_t lo[256], hi[256];
    memset(lo, 0, sizeof lo);
    memset(hi, 0, sizeof hi);
    for (size_t i = 0; i < n; i++) {
        lo[keys[i] & 0xFFu]++;
        hi[keys[i] >> 8]++;
    }
    uint32_t slo = 0, shi = 0;
    for (size_t d = 0; d < 256; d++) {
        const uint32_t a = lo[d], b = hi[d];
        lo[d] = slo;
        hi[d] = shi;
        slo += a;
        shi += b;
    }
    for (size_t i = 0; i < n; i++)
        tmp[lo[keys[i] & 0xFFu]++] = keys[i];
    for (size_t i = 0; i < n; i++)
        keys[hi[tmp[i] >> 8]++] = tmp[i];
}

static void RS_E(sort_u16)(uint16_t *keys, size_t n, void *scratch)
{
    if (n <= 1)
        return;
#ifdef U16_LIST_MIN
    if (n >= U16_LIST_MIN && n <= 65536u) {
        rs_count_sort_u16_list(keys, n, scratch);
        return;
    }
#endif
#ifdef V16_N
    if (n < U16_NATIVE_MAX) {
        RS_S(16, keys, n, scratch);
        return;
    }
#endif
    if (n >= U16_RADIX_MIN && n < U16_COUNT_MIN) {
        RS_E(radix_u16)(keys, n, (uint16_t *)scratch);
        return;
    }
    if (n >= U16_COUNT_MIN && n <= UINT32_MAX) {
        rs_count_sort_u16(keys, n, (uint32_t *)scratch);
        return;
    }
    uint32_t *w = (uint32_t *)scratch;
    for (size_t i = 0; i < n; i++)
        w[i] = keys[i];
    RS_S(32, w, n, RS_AFTER(w, n));
    for (size_t i = 0; i < n; i++)
        keys[i] = (uint16_t)w[i];
}

static void RS_E(sort_rows_u32)(uint32_t *keys, size_t rows, size_t n, void *scratch)
{
    RS_SR(32, keys, rows, n, scratch);
}

static void RS_E(sort_rows_u64)(uint64_t *keys, size_t rows, size_t n, void *scratch)
{
    RS_SR(64, keys, rows, n, scratch);
}

/* Short 16-bit rows are widened a chunk of rows at a time into the scratch (which holds
 * at least 4 * n + 4096 bytes, so 1024 / n rows of u32 fit beyond the first row); or, where
 * a variant has them (RS_VARIANT_ROWS16_WIDE: the sort_rows of networks whose loads widen
 * 16-bit keys), rows of 9..64 keys go there. */
static void RS_E(sort_rows_u16)(uint16_t *keys, size_t rows, size_t n, void *scratch)
{
    if (n <= 1 || rows == 0)
        return;
    if (n > 64) {
        for (size_t r = 0; r < rows; r++)
            RS_E(sort_u16)(keys + r * n, n, scratch);
        return;
    }
#ifdef V16_N
    if (U16_ROWS_NATIVE(n)) {
        RS_SR(16, keys, rows, n, scratch);
        return;
    }
#endif
#ifdef RS_VARIANT_ROWS16_WIDE
#ifndef RS_VARIANT_ROWS16_WIDE_USE
#define RS_VARIANT_ROWS16_WIDE_USE(n) ((n) > 8)
#endif
    if (RS_VARIANT_ROWS16_WIDE_USE(n)) {
        RS_VARIANT_ROWS16_WIDE(keys, rows, n, NULL, 0);
        return;
    }
#endif
    uint32_t *w = (uint32_t *)scratch;
    const size_t chunk = 1024 / n;
    for (size_t r0 = 0; r0 < rows; r0 += chunk) {
        const size_t cr = rows - r0 < chunk ? rows - r0 : chunk;
        uint16_t *k = keys + r0 * n;
        for (size_t i = 0; i < cr * n; i++)
            w[i] = k[i];
        RS_SR(32, w, cr, n, NULL);
        for (size_t i = 0; i < cr * n; i++)
            k[i] = (uint16_t)w[i];
    }
}

/* Pairs (key, idx) for keys of at most 32 bits, any index type: packs, sorts, unpacks. */
#define RS_PACKED_PAIRS(KEYT, IDXT)                                                         \
    if (n <= 1)                                                                             \
        return;                                                                             \
    if (sizeof(KEYT) == 2 && n <= 65536u) {                                                 \
        uint32_t *w = (uint32_t *)scratch;                                                  \
        IDXT *copy = (IDXT *)(w + ((n + 15u) & ~(size_t)15u));                              \
        for (size_t i = 0; i < n; i++) {                                                    \
            w[i] = (uint32_t)keys[i] << 16 | (uint32_t)i;                                   \
            copy[i] = idx[i];                                                               \
        }                                                                                   \
        RS_S(32, w, n, RS_AFTER(copy, n));                                                  \
        for (size_t i = 0; i < n; i++) {                                                    \
            keys[i] = (KEYT)(w[i] >> 16);                                                   \
            idx[i] = copy[w[i] & 0xFFFFu];                                                  \
        }                                                                                   \
        return;                                                                             \
    }                                                                                       \
    uint64_t *w = (uint64_t *)scratch;                                                      \
    if ((uint64_t)idx[n - 1] <= UINT32_MAX) {                                               \
        for (size_t i = 0; i < n; i++)                                                      \
            w[i] = (uint64_t)keys[i] << 32 | (uint64_t)idx[i];                              \
        RS_S(64, w, n, RS_AFTER(w, n));                                                     \
        for (size_t i = 0; i < n; i++) {                                                    \
            keys[i] = (KEYT)(w[i] >> 32);                                                   \
            idx[i] = (IDXT)(uint32_t)w[i];                                                  \
        }                                                                                   \
        return;                                                                             \
    }                                                                                       \
    /* Indices past 32 bits (n < 2^32 still): pack the position, copy the index. */         \
    IDXT *copy = (IDXT *)(w + n);                                                           \
    for (size_t i = 0; i < n; i++) {                                                        \
        w[i] = (uint64_t)keys[i] << 32 | (uint64_t)i;                                       \
        copy[i] = idx[i];                                                                   \
    }                                                                                       \
    RS_S(64, w, n, NULL); /* the scratch is full: in place */                               \
    for (size_t i = 0; i < n; i++) {                                                        \
        keys[i] = (KEYT)(w[i] >> 32);                                                       \
        idx[i] = copy[(uint32_t)w[i]];                                                      \
    }

static void RS_E(sort_u16_i32)(uint16_t *keys, uint32_t *idx, size_t n, void *scratch)
{
    RS_PACKED_PAIRS(uint16_t, uint32_t)
}

static void RS_E(sort_u16_i64)(uint16_t *keys, uint64_t *idx, size_t n, void *scratch)
{
    RS_PACKED_PAIRS(uint16_t, uint64_t)
}

static void RS_E(sort_u32_i32)(uint32_t *keys, uint32_t *idx, size_t n, void *scratch)
{
    RS_PACKED_PAIRS(uint32_t, uint32_t)
}

static void RS_E(sort_u32_i64)(uint32_t *keys, uint64_t *idx, size_t n, void *scratch)
{
    RS_PACKED_PAIRS(uint32_t, uint64_t)
}

/* Stable argsort of keys of at most 32 bits: (key, position) packed into one wider key as
 * RS_PACKED_PAIRS does, without an index array to read or keys to write back: only the
 * positions come out. Rows of 2^32 keys or more (positions past 32 bits) take the pairs
 * entry on the identity. */
#define RS_PACKED_POS(KEYT, IDXT, PAIRS)                                                    \
    if (n <= 1) {                                                                           \
        if (n == 1)                                                                         \
            pos[0] = 0;                                                                     \
        return;                                                                             \
    }                                                                                       \
    if (sizeof(KEYT) == 2 && n <= 65536u) {                                                 \
        uint32_t *w = (uint32_t *)scratch;                                                  \
        for (size_t i = 0; i < n; i++)                                                      \
            w[i] = (uint32_t)keys[i] << 16 | (uint32_t)i;                                   \
        RS_S(32, w, n, RS_AFTER(w, n));                                                     \
        for (size_t i = 0; i < n; i++)                                                      \
            pos[i] = (IDXT)(w[i] & 0xFFFFu);                                                \
        return;                                                                             \
    }                                                                                       \
    if ((uint64_t)(n - 1) <= UINT32_MAX) {                                                  \
        uint64_t *w = (uint64_t *)scratch;                                                  \
        for (size_t i = 0; i < n; i++)                                                      \
            w[i] = (uint64_t)keys[i] << 32 | (uint64_t)i;                                   \
        RS_S(64, w, n, RS_AFTER(w, n));                                                     \
        for (size_t i = 0; i < n; i++)                                                      \
            pos[i] = (IDXT)(uint32_t)w[i];                                                  \
        return;                                                                             \
    }                                                                                       \
    for (size_t i = 0; i < n; i++)                                                          \
        pos[i] = (IDXT)i;                                                                   \
    PAIRS(keys, pos, n, scratch);

static void RS_E(argsort_u16_i32)(uint16_t *keys, uint32_t *pos, size_t n, void *scratch)
{
    RS_PACKED_POS(uint16_t, uint32_t, RS_E(sort_u16_i32))
}

static void RS_E(argsort_u32_i32)(uint32_t *keys, uint32_t *pos, size_t n, void *scratch)
{
    RS_PACKED_POS(uint32_t, uint32_t, RS_E(sort_u32_i32))
}

static void RS_E(argsort_u16_i64)(uint16_t *keys, uint64_t *pos, size_t n, void *scratch)
{
    RS_PACKED_POS(uint16_t, uint64_t, RS_E(sort_u16_i64))
}

static void RS_E(argsort_u32_i64)(uint32_t *keys, uint64_t *pos, size_t n, void *scratch)
{
    RS_PACKED_POS(uint32_t, uint64_t, RS_E(sort_u32_i64))
}

#undef RS_PACKED_POS

/* Pairs of u64 keys and indices: the pair quicksort of pairs_tmpl.h (ties by index), on
 * the indices widened to 64 bits in the scratch for 32-bit ones. */
#define RS_P(x) RS_CAT(RS_CAT(RS_CAT(rs_, RS_ISA), _p64_), x)

static void RS_E(sort_u64_i32)(uint64_t *keys, uint32_t *idx, size_t n, void *scratch)
{
    if (n <= 1)
        return;
#ifdef RS_VARIANT_P64_RADIX
    if (RS_VARIANT_P64_RADIX(n)) {
        RS_VARIANT_P64_RADIX_I32(keys, idx, n, scratch);
        return;
    }
#endif
    uint64_t *wide = (uint64_t *)scratch;
    for (size_t i = 0; i < n; i++)
        wide[i] = idx[i];
    RS_P(sort)(keys, wide, n, INPLACE_BYTES);
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)wide[i];
}

static void RS_E(sort_u64_i64)(uint64_t *keys, uint64_t *idx, size_t n, void *scratch)
{
#ifdef RS_VARIANT_P64_RADIX
    if (RS_VARIANT_P64_RADIX(n)) {
        RS_VARIANT_P64_RADIX_I64(keys, idx, n, scratch);
        return;
    }
#endif
    (void)scratch;
    RS_P(sort)(keys, idx, n, INPLACE_BYTES);
}

#undef RS_P
#undef RS_PACKED_PAIRS
#undef U16_COUNT_MIN
#undef U16_LIST_MIN
#undef U16_RADIX_MIN
#undef U16_NATIVE_MAX
#undef U16_ROWS_NATIVE
#undef F32_NATIVE
#undef RS_AFTER
#undef RS_SR
#undef RS_S
#undef INPLACE_BYTES
#undef RS_K
#undef RS_E
#undef RS_VARIANT
#undef RS_VARIANT_INPLACE_BYTES
#undef RS_VARIANT_NET_ISA
#undef RS_NISA_16
#undef RS_NISA_32
#undef RS_NISA_i32
#undef RS_NISA_f32
#undef RS_NISA_64
#undef RS_NISA_i64
#undef RS_NISA_f64
#undef RS_VARIANT_U16_NATIVE_MAX
#undef RS_VARIANT_U16_COUNT_MIN
#undef RS_VARIANT_U16_LIST_MIN
#undef RS_VARIANT_U16_RADIX_MIN
#undef RS_VARIANT_P64_RADIX
#undef RS_VARIANT_P64_RADIX_I32
#undef RS_VARIANT_P64_RADIX_I64
#undef RS_VARIANT_U16_ROWS_NATIVE_MAX
#undef RS_VARIANT_U16_ROWS_NATIVE_MIN
#undef RS_VARIANT_ROWS16_WIDE
#undef RS_VARIANT_ROWS16_WIDE_USE
#undef RS_VARIANT_F32_NATIVE
#undef RS_CAT
#undef RS_CAT_
