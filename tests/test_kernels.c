/*
 * test_kernels.c - every entry of one kernel table against a plain reference.
 *
 * The table is chosen by ROWSORT_TEST_ISA (scalar, avx2, avx512; scalar when unset), so
 * CTest runs this suite once per path; a path this CPU (or build) lacks exits 77: skipped,
 * not passed. Lengths 0..1100 and 2^k-1..2^k+1 up to 2^20+1; random, sorted, reversed,
 * all-equal, few distinct, extreme (0 and the largest key) and organ-pipe data (every shape
 * up to 300 keys and for 2^k+-1 up to 2^14, random plus a rotating shape beyond); misaligned
 * starts; red zones before and after keys, indices and scratch. Key+index pairs are checked
 * against qsort of (key, idx), which is the contract's order. Prints the seed.
 */
#include <check.h>
#include <inttypes.h>
#include <math.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "dispatch.h"
#include "ck_expect.h"
#include "kernels.h"

#ifdef RS_HAVE_KERN_AVX2
extern const rs_kernel_table rs_kernels_avx2;
#endif
#ifdef RS_HAVE_KERN_AVX512
extern const rs_kernel_table rs_kernels_avx512, rs_kernels_avx512_vbmi2,
    rs_kernels_avx512_intel, rs_kernels_avx512_intel_vbmi2;
#endif
/* The same kernels built for this suite with RS_INPLACE_MIN_BYTES=LOW_INPLACE_BYTES
 * (tests/CMakeLists.txt), so that the in-place top partitions of rows far larger than the
 * caches run on lengths a sanitizer build can afford. */
#define LOW_INPLACE_BYTES 16384u
#ifdef RS_HAVE_KERN_AVX2
extern const rs_kernel_table rs_test_kernels_avx2_low_inplace;
#endif
#ifdef RS_HAVE_KERN_AVX512
extern const rs_kernel_table rs_test_kernels_avx512_low_inplace;
#endif

/* table: the one dispatch.c chooses for the ISA on this CPU; tunings: every table of the
 * ISA (one per tuning: they share all code but the in-place threshold and some 16-bit
 * sorts); table_low: the low-threshold build. */
static const rs_kernel_table *table, *table_low;
static const rs_kernel_table *tunings[4];
static size_t ntunings;
static uint64_t seed = 0x9E3779B97F4A7C15u;

enum { RED = 64 /* red-zone bytes on each side */, RED_BYTE = 0xA5 };
enum { P_RANDOM, P_SORTED, P_REVERSED, P_EQUAL, P_FEW, P_EXTREMES, P_ORGAN, P_CLUSTER, P_COUNT };
/* Shapes for long rows only: keys in a narrow range high up (a long common prefix), and
 * normally distributed floats as order-preserving integers (clustered in the top bits). */
enum { P_NARROW = P_COUNT, P_NORMAL, P_LONG_COUNT };

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t gen_key(int pat, size_t i, size_t n, unsigned bits, uint64_t *s)
{
    const uint64_t mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    switch (pat) {
    case P_RANDOM:
        return rnd(s) & mask;
    case P_SORTED:
        return ((uint64_t)i * (mask / (n + 1))) & mask;
    case P_REVERSED:
        return mask - (((uint64_t)i * (mask / (n + 1))) & mask);
    case P_EQUAL:
        return UINT64_C(0x5A5A5A5A5A5A5A5A) & mask;
    case P_FEW:
        return (rnd(s) % 4) * (mask / 3);
    case P_ORGAN: /* organ pipe: rising, then falling (pivots from samples must cope) */
        return ((uint64_t)(i < n / 2 ? i : n - 1 - i) * (mask / (n + 1)) * 2) & mask;
    case P_CLUSTER: {
        /* keys within 2^20 of each other, and in about half the rows one far above them:
         * there the 64-bit rows sorted through packed keys (rows64_packed_avx512.h) find
         * equal windows out of order, and leave the row to the sort before */
        const uint64_t r = rnd(s);
        if (i == n / 2 && (r & 1))
            return mask;
        return (mask / 3 + (r >> 44)) & mask;
    }
    case P_NARROW:
        return (mask - mask / 5 + rnd(s) % 1000) & mask;
    case P_NORMAL: {
        const double u = ((double)(rnd(s) >> 11) + 0.5) / 9007199254740992.0;
        const double v = (double)(rnd(s) >> 11) / 9007199254740992.0;
        const double g = sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
        uint64_t b, sign;
        if (bits == 64) {
            memcpy(&b, &g, sizeof b);
            sign = UINT64_C(1) << 63;
        } else {
            const float f = (float)g;
            uint32_t b32;
            memcpy(&b32, &f, sizeof b32);
            b = bits == 32 ? b32 : b32 >> 16;
            sign = UINT64_C(1) << (bits - 1);
        }
        return (b & sign ? ~b : b | sign) & mask;
    }
    default: {
        const uint64_t r = rnd(s);
        return r % 3 == 0 ? 0 : r % 3 == 1 ? mask : (r >> 8) & mask;
    }
    }
}

/* One buffer with red zones: `count` elements of `size` bytes starting `misalign`
 * elements past a 64-byte boundary. */
typedef struct {
    unsigned char *raw;
    void *data;
    size_t bytes;
} zoned;

static zoned zoned_new(size_t count, size_t size, size_t misalign)
{
    zoned z;
    z.bytes = count * size;
    const size_t total = RED + misalign * size + z.bytes + RED;
    z.raw = aligned_alloc(64, (total + 63) / 64 * 64);
    ck_assert_ptr_nonnull(z.raw);
    memset(z.raw, RED_BYTE, total);
    z.data = z.raw + RED + misalign * size;
    return z;
}

static void zoned_check_free(zoned *z, const char *what, size_t n)
{
    const unsigned char *lo = (const unsigned char *)z->data - RED;
    const unsigned char *hi = (const unsigned char *)z->data + z->bytes;
    for (size_t i = 0; i < RED; i++) {
        CK_EXPECT(lo[i] == RED_BYTE, "%s: red zone before written (n=%zu)", what, n);
        CK_EXPECT(hi[i] == RED_BYTE, "%s: red zone after written (n=%zu)", what, n);
    }
    free(z->raw);
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

typedef struct {
    uint64_t key, idx;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Whether a[0..n) and b[0..n), keys of `size` bytes (4 or 8), hold the same multiset: what a
 * refusing float entry leaves (its first partition may have moved the keys). */
static int same_keys(const void *a, const void *b, size_t n, size_t size)
{
    uint64_t *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
    ck_assert(x != NULL && y != NULL);
    for (size_t i = 0; i < n; i++) {
        x[i] = size == 4 ? ((const uint32_t *)a)[i] : ((const uint64_t *)a)[i];
        y[i] = size == 4 ? ((const uint32_t *)b)[i] : ((const uint64_t *)b)[i];
    }
    qsort(x, n, sizeof *x, cmp_u64);
    qsort(y, n, sizeof *y, cmp_u64);
    const int same = memcmp(x, y, n * sizeof *x) == 0;
    free(x);
    free(y);
    return same;
}

static uint64_t get(const void *p, size_t i, unsigned bits)
{
    switch (bits) {
    case 16:
        return ((const uint16_t *)p)[i];
    case 32:
        return ((const uint32_t *)p)[i];
    default:
        return ((const uint64_t *)p)[i];
    }
}

static void put(void *p, size_t i, unsigned bits, uint64_t v)
{
    switch (bits) {
    case 16:
        ((uint16_t *)p)[i] = (uint16_t)v;
        break;
    case 32:
        ((uint32_t *)p)[i] = (uint32_t)v;
        break;
    default:
        ((uint64_t *)p)[i] = v;
        break;
    }
}

static void call_keys(unsigned bits, void *keys, size_t n, void *scratch)
{
    switch (bits) {
    case 16:
        table->sort_u16(keys, n, scratch);
        break;
    case 32:
        table->sort_u32(keys, n, scratch);
        break;
    default:
        table->sort_u64(keys, n, scratch);
        break;
    }
}

static void call_pairs(unsigned bits, unsigned ibits, void *keys, void *idx, size_t n,
                       void *scratch)
{
    if (ibits == 32) {
        if (bits == 16)
            table->sort_u16_i32(keys, idx, n, scratch);
        else if (bits == 32)
            table->sort_u32_i32(keys, idx, n, scratch);
        else
            table->sort_u64_i32(keys, idx, n, scratch);
    } else {
        if (bits == 16)
            table->sort_u16_i64(keys, idx, n, scratch);
        else if (bits == 32)
            table->sort_u32_i64(keys, idx, n, scratch);
        else
            table->sort_u64_i64(keys, idx, n, scratch);
    }
}

/* Scratch of exactly RS_KERNEL_SCRATCH_BYTES(n), 64-byte aligned, with a red zone after. */
static zoned scratch_new(size_t n)
{
    return zoned_new(RS_KERNEL_SCRATCH_BYTES(n), 1, 0);
}

static void check_keys(unsigned bits, size_t n, int pat, size_t misalign)
{
    const size_t size = bits / 8;
    uint64_t s = seed ^ (n * 1315423911u) ^ (uint64_t)pat << 40 ^ bits;
    zoned k = zoned_new(n, size, misalign);
    zoned sc = scratch_new(n);
    uint64_t *ref = malloc((n + 1) * sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < n; i++) {
        ref[i] = gen_key(pat, i, n, bits, &s);
        put(k.data, i, bits, ref[i]);
    }
    qsort(ref, n, sizeof *ref, cmp_u64);
    call_keys(bits, k.data, n, sc.data);
    for (size_t i = 0; i < n; i++) {
        const uint64_t got = get(k.data, i, bits);
        CK_EXPECT(got == ref[i], "%s u%u n=%zu pattern=%d misalign=%zu: key[%zu]=%llu, want %llu",
                  table->name, bits, n, pat, misalign, i, (unsigned long long)got,
                  (unsigned long long)ref[i]);
    }
    free(ref);
    zoned_check_free(&k, "keys", n);
    zoned_check_free(&sc, "scratch", n);
}

static void check_pairs(unsigned bits, unsigned ibits, size_t n, int pat, size_t misalign,
                        uint64_t idx_base)
{
    const size_t size = bits / 8;
    uint64_t s = seed ^ (n * 2654435761u) ^ (uint64_t)pat << 44 ^ bits ^ (uint64_t)ibits << 8;
    zoned k = zoned_new(n, size, misalign);
    zoned x = zoned_new(n, ibits / 8, misalign);
    zoned sc = scratch_new(n);
    pair *ref = malloc((n + 1) * sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < n; i++) {
        ref[i].key = gen_key(pat, i, n, bits, &s);
        ref[i].idx = idx_base + 3 * (uint64_t)i; /* strictly increasing, not positions */
        put(k.data, i, bits, ref[i].key);
        put(x.data, i, ibits, ref[i].idx);
    }
    qsort(ref, n, sizeof *ref, cmp_pair);
    call_pairs(bits, ibits, k.data, x.data, n, sc.data);
    for (size_t i = 0; i < n; i++) {
        const uint64_t gk = get(k.data, i, bits), gi = get(x.data, i, ibits);
        CK_EXPECT(gk == ref[i].key && gi == ref[i].idx,
                  "%s u%u/i%u n=%zu pattern=%d misalign=%zu base=%llu: [%zu]=(%llu,%llu), "
                  "want (%llu,%llu)",
                  table->name, bits, ibits, n, pat, misalign, (unsigned long long)idx_base, i,
                  (unsigned long long)gk, (unsigned long long)gi, (unsigned long long)ref[i].key,
                  (unsigned long long)ref[i].idx);
    }
    free(ref);
    zoned_check_free(&k, "keys", n);
    zoned_check_free(&x, "idx", n);
    zoned_check_free(&sc, "scratch", n);
}

static void call_argsort(unsigned bits, unsigned ibits, void *keys, void *pos, size_t n,
                         void *scratch)
{
    if (ibits == 32) {
        if (bits == 16)
            table->argsort_u16_i32(keys, pos, n, scratch);
        else
            table->argsort_u32_i32(keys, pos, n, scratch);
    } else {
        if (bits == 16)
            table->argsort_u16_i64(keys, pos, n, scratch);
        else
            table->argsort_u32_i64(keys, pos, n, scratch);
    }
}

/* The argsort entries against qsort of (key, position): every position once, equal keys'
 * positions ascending. */
static void check_argsort(unsigned bits, unsigned ibits, size_t n, int pat, size_t misalign)
{
    const size_t size = bits / 8;
    uint64_t s = seed ^ (n * 40503u) ^ (uint64_t)pat << 36 ^ bits ^ (uint64_t)ibits << 12;
    zoned k = zoned_new(n, size, misalign);
    zoned x = zoned_new(n, ibits / 8, misalign);
    zoned sc = scratch_new(n);
    pair *ref = malloc((n + 1) * sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < n; i++) {
        ref[i].key = gen_key(pat, i, n, bits, &s);
        ref[i].idx = i;
        put(k.data, i, bits, ref[i].key);
        put(x.data, i, ibits, UINT64_MAX); /* nothing of the output's old contents survives */
    }
    qsort(ref, n, sizeof *ref, cmp_pair);
    call_argsort(bits, ibits, k.data, x.data, n, sc.data);
    for (size_t i = 0; i < n; i++) {
        const uint64_t got = get(x.data, i, ibits);
        CK_EXPECT(got == ref[i].idx,
                  "%s argsort u%u/i%u n=%zu pattern=%d misalign=%zu: pos[%zu]=%llu, want %llu",
                  table->name, bits, ibits, n, pat, misalign, i, (unsigned long long)got,
                  (unsigned long long)ref[i].idx);
    }
    free(ref);
    zoned_check_free(&k, "keys", n);
    zoned_check_free(&x, "pos", n);
    zoned_check_free(&sc, "scratch", n);
}

static const unsigned key_bits[3] = {16, 32, 64};

/* Loop index: the key width. */
START_TEST(keys_short)
{
    const unsigned bits = key_bits[_i];
    /* Every shape up to 300 keys, aligned and not; then random plus one rotating shape. */
    for (size_t n = 0; n <= 300; n++)
        for (int pat = 0; pat < P_COUNT; pat++)
            for (size_t mis = 0; mis < 2; mis++)
                check_keys(bits, n, pat, mis);
    for (size_t n = 301; n <= 1100; n++) {
        check_keys(bits, n, P_RANDOM, n & 1);
        check_keys(bits, n, 1 + (int)(n % (P_COUNT - 1)), (n >> 1) & 1);
    }
}
END_TEST

/* Largest power of two the pow2 tests reach: 2^20 by default; ROWSORT_TEST_MAX_LOG2 lowers it
 * for slow builds (valgrind, a debug build on a small machine). */
static unsigned max_log2(void)
{
    const char *s = getenv("ROWSORT_TEST_MAX_LOG2");
    const long v = s != NULL ? strtol(s, NULL, 10) : 20;
    return v >= 1 && v <= 20 ? (unsigned)v : 20;
}

START_TEST(keys_pow2)
{
    const unsigned bits = key_bits[_i];
    for (unsigned k = 1, kmax = max_log2(); k <= kmax; k++) {
        for (size_t n = ((size_t)1 << k) - 1; n <= ((size_t)1 << k) + 1; n++) {
            for (int pat = 0; pat < P_COUNT; pat++) {
                if (k > 16 && pat != P_RANDOM && pat != P_FEW)
                    continue;
                check_keys(bits, n, pat, (n + (size_t)pat) & 1);
            }
        }
    }
}
END_TEST

/* Rows at and past the length from which the quicksort partitions in place before it goes
 * out of place, every shape: with each of the library's tables of the ISA (each tuning has
 * its own threshold) up to the ROWSORT_TEST_MAX_LOG2 cap, and with tables built with a low
 * threshold (LOW_INPLACE_BYTES) at lengths any build affords. Loop index: the key width
 * (16, 32, 64; 16-bit rows this long are counted or radix-sorted, but the low-threshold
 * table partitions its shorter ones in place). */
START_TEST(keys_long)
{
    const unsigned bits = 16u << _i;
    const size_t size = bits / 8;
    const size_t cap = (size_t)1 << max_log2();
    for (size_t t = 0; t < ntunings; t++) {
        table = tunings[t];
        const size_t real = table->inplace_min_bytes / size;
        const size_t real_n[] = {real - 1, real, real + 37};
        for (size_t j = 0; j < sizeof real_n / sizeof real_n[0]; j++)
            if (real_n[j] <= cap + 64)
                for (int pat = 0; pat < P_LONG_COUNT; pat++)
                    check_keys(bits, real_n[j], pat, (real_n[j] + (size_t)pat) & 1);
    }
    const size_t low = LOW_INPLACE_BYTES / size;
    const size_t low_n[] = {low - 1, low, low + 1, low + 37, 3 * low + 5, 16 * low + 3};
    if (table_low == NULL)
        return;
    table = table_low;
    for (size_t j = 0; j < sizeof low_n / sizeof low_n[0]; j++)
        for (int pat = 0; pat < P_LONG_COUNT; pat++)
            check_keys(bits, low_n[j], pat, (low_n[j] + (size_t)pat) & 1);
}
END_TEST

/* 16-bit keys alone take different sorts by length and tuning (16-bit lanes, partitioned
 * with or without VBMI2, radix passes, counting with a list of the keys present up to 2^16
 * keys, counting with a dense scan): every tuning of the ISA at the lengths where they meet,
 * every shape (all-equal rows of 2^16 keys wrap a 16-bit counter to 0). */
START_TEST(keys_u16_counted)
{
    static const size_t lens[] = {1500,  4097,  8191,  8192,  16383, 16384, 16385,  23456,
                                  32767, 32768, 65535, 65536, 65537, 131071, 262145};
    for (size_t t = 0; t < ntunings; t++) {
        table = tunings[t];
        for (size_t j = 0; j < sizeof lens / sizeof lens[0]; j++)
            for (int pat = 0; pat < P_LONG_COUNT; pat++)
                check_keys(16, lens[j], pat, (lens[j] + (size_t)pat) & 1);
    }
}
END_TEST

/* Loop index: key width x index width. */
START_TEST(pairs_short)
{
    const unsigned bits = key_bits[_i % 3], ibits = _i < 3 ? 32 : 64;
    for (size_t n = 0; n <= 1100; n++) {
        check_pairs(bits, ibits, n, P_RANDOM, n & 1, n % 3 == 0 ? 0 : 7);
        check_pairs(bits, ibits, n, 1 + (int)(n % (P_COUNT - 1)), (n >> 1) & 1, 7);
        if (n <= 300)
            check_pairs(bits, ibits, n, P_FEW, 0, 0);
    }
    if (ibits == 64)
        for (size_t n = 0; n <= 300; n += 7)
            for (int pat = 0; pat < P_COUNT; pat++)
                check_pairs(bits, ibits, n, pat, 0, UINT64_C(1) << 33);
}
END_TEST

START_TEST(pairs_pow2)
{
    const unsigned bits = key_bits[_i % 3], ibits = _i < 3 ? 32 : 64;
    for (unsigned k = 1, kmax = max_log2(); k <= kmax; k++) {
        for (size_t n = ((size_t)1 << k) - 1; n <= ((size_t)1 << k) + 1; n++) {
            for (int pat = 0; pat < P_COUNT; pat++) {
                if ((k > 14 && pat != P_RANDOM && pat != P_FEW) ||
                    (k > 17 && n != ((size_t)1 << k) + 1))
                    continue;
                check_pairs(bits, ibits, n, pat, n & 1, 0);
                if (ibits == 64 && pat == P_FEW)
                    check_pairs(bits, ibits, n, pat, 0, (UINT64_C(1) << 32) - 2);
            }
        }
    }
}
END_TEST

/* Loop index: key width (16, 32) x index width. Short rows every shape, then around powers
 * of two (16-bit keys pack into 32 bits up to 2^16 keys, into 64 beyond). */
START_TEST(argsort_entries)
{
    const unsigned bits = _i % 2 == 0 ? 16 : 32, ibits = _i < 2 ? 32 : 64;
    for (size_t n = 0; n <= 600; n++)
        for (int pat = 0; pat < P_COUNT; pat++)
            if (n <= 300 || pat == P_RANDOM || (int)(n % P_COUNT) == pat)
                check_argsort(bits, ibits, n, pat, n & 1);
    for (unsigned k = 10, kmax = max_log2(); k <= kmax; k++)
        for (size_t n = ((size_t)1 << k) - 1; n <= ((size_t)1 << k) + 1; n++)
            for (int pat = 0; pat < P_COUNT; pat++)
                if (k <= 14 || pat == P_RANDOM || pat == P_FEW)
                    check_argsort(bits, ibits, n, pat, (n + (size_t)pat) & 1);
}
END_TEST

static void call_rows(unsigned bits, void *keys, size_t rows, size_t n, void *scratch)
{
    switch (bits) {
    case 16:
        table->sort_rows_u16(keys, rows, n, scratch);
        break;
    case 32:
        table->sort_rows_u32(keys, rows, n, scratch);
        break;
    default:
        table->sort_rows_u64(keys, rows, n, scratch);
        break;
    }
}

static void check_rows(unsigned bits, size_t rows, size_t n, int pat, size_t misalign)
{
    const size_t size = bits / 8, total = rows * n;
    uint64_t s = seed ^ (n * 40503u) ^ (rows << 20) ^ (uint64_t)pat << 48 ^ bits;
    zoned k = zoned_new(total, size, misalign);
    zoned sc = scratch_new(n);
    uint64_t *ref = malloc((total + 1) * sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < total; i++) {
        ref[i] = gen_key(pat, i % (n ? n : 1), n, bits, &s);
        put(k.data, i, bits, ref[i]);
    }
    for (size_t r = 0; r < rows; r++)
        qsort(ref + r * n, n, sizeof *ref, cmp_u64);
    call_rows(bits, k.data, rows, n, sc.data);
    for (size_t i = 0; i < total; i++) {
        const uint64_t got = get(k.data, i, bits);
        CK_EXPECT(got == ref[i], "%s rows u%u rows=%zu n=%zu pattern=%d: [%zu]=%llu, want %llu",
                  table->name, bits, rows, n, pat, i, (unsigned long long)got,
                  (unsigned long long)ref[i]);
    }
    free(ref);
    zoned_check_free(&k, "keys", total);
    zoned_check_free(&sc, "scratch", n);
}

/* Loop index: the key width. A table without batch entries (NULL) has nothing to test. */
START_TEST(rows_batch)
{
    const unsigned bits = key_bits[_i];
    if ((bits == 16 && table->sort_rows_u16 == NULL) ||
        (bits == 32 && table->sort_rows_u32 == NULL) ||
        (bits == 64 && table->sort_rows_u64 == NULL))
        return;
    const size_t rows_list[] = {0, 1, 2, 3, 37, 300};
    for (size_t n = 0; n <= 300; n += n < 80 ? 1 : 23)
        for (size_t ri = 0; ri < sizeof rows_list / sizeof rows_list[0]; ri++)
            for (int pat = 0; pat < P_COUNT; pat++)
                check_rows(bits, rows_list[ri], n, pat, (n + ri) & 1);
    check_rows(bits, 3, 5000, P_RANDOM, 1);
}
END_TEST

/* ---- float64 compared as numbers (sort_f64, sort_rows_f64), where a table has them */

/* Patterns of float64 bit patterns without NaNs: the integer patterns mapped back from
 * order-preserving keys to doubles (NaNs replaced by zeros of either sign), and F_SPECIAL:
 * zeros of both signs, denormals, infinities and the extremes, mixed with random numbers. */
enum { F_SPECIAL = P_LONG_COUNT, F_COUNT };

static uint64_t gen_f64(int pat, size_t i, size_t n, uint64_t *s)
{
    const uint64_t sign = UINT64_C(1) << 63;
    if (pat == F_SPECIAL) {
        static const uint64_t special[] = {0,
                                           UINT64_C(1) << 63,
                                           1,
                                           sign | 1,
                                           UINT64_C(0x000FFFFFFFFFFFFF),
                                           sign | UINT64_C(0x000FFFFFFFFFFFFF),
                                           UINT64_C(0x0010000000000000),
                                           UINT64_C(0x7FF0000000000000),
                                           UINT64_C(0xFFF0000000000000),
                                           UINT64_C(0x7FEFFFFFFFFFFFFF),
                                           UINT64_C(0xFFEFFFFFFFFFFFFF),
                                           UINT64_C(0x3FF0000000000000),
                                           UINT64_C(0xBFF0000000000000)};
        const uint64_t r = rnd(s);
        const size_t count = sizeof special / sizeof special[0];
        if (r % 4 != 0)
            return special[(r >> 8) % count];
        return (r >> 10) & UINT64_C(0x800FFFFFFFFFFFFF); /* a random denormal or zero */
    }
    const uint64_t k = gen_key(pat, i, n, 64, s);
    const uint64_t b = (k & sign) ? k ^ sign : ~k;
    if ((b & ~sign) > UINT64_C(0x7FF0000000000000))
        return b & sign; /* a NaN: a zero of its sign */
    return b;
}

static double as_f64(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* keys[0..n) (as float64) are ascending as numbers and a permutation of ref[0..n) (the
 * input, sorted here as integers). */
static void check_f64_row(const uint64_t *keys, uint64_t *ref, size_t n, const char *what)
{
    for (size_t i = 1; i < n; i++)
        CK_EXPECT(!(as_f64(keys[i]) < as_f64(keys[i - 1])), "%s %s: n=%zu: [%zu]=%a after %a",
                  table->name, what, n, i, as_f64(keys[i]), as_f64(keys[i - 1]));
    uint64_t *got = malloc((n + 1) * sizeof *got);
    ck_assert_ptr_nonnull(got);
    memcpy(got, keys, n * sizeof *got);
    qsort(got, n, sizeof *got, cmp_u64);
    qsort(ref, n, sizeof *ref, cmp_u64);
    ck_assert_msg(memcmp(got, ref, n * sizeof *got) == 0,
                  "%s %s: n=%zu: the output is not a permutation of the input", table->name, what,
                  n);
    free(got);
}

/* What RS_SORTED_ZEROS promises of a row: no +0.0 comes before a -0.0. The first
 * position of a -0.0 right after a +0.0, or 0 where there is none. */
static size_t zeros_out_of_order(const uint64_t *row, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (row[i - 1] == 0 && row[i] == UINT64_C(1) << 63)
            return i;
    return 0;
}

static void check_f64(const rs_kernel_table *t, size_t n, int pat, size_t misalign)
{
    uint64_t s = seed ^ (n * 2654435761u) ^ (uint64_t)pat << 44;
    zoned k = zoned_new(n, 8, misalign);
    zoned sc = scratch_new(n);
    uint64_t *ref = malloc((n + 1) * sizeof *ref), *keys = k.data;
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < n; i++)
        keys[i] = ref[i] = gen_f64(pat, i, n, &s);
    ck_assert_msg(t->sort_f64(keys, n, sc.data) == 1, "%s sort_f64 refused n=%zu pattern=%d",
                  t->name, n, pat);
    check_f64_row(keys, ref, n, "sort_f64");
    free(ref);
    zoned_check_free(&k, "keys", n);
    zoned_check_free(&sc, "scratch", n);
}

static void check_f64_rows(size_t rows, size_t n, int pat)
{
    const size_t total = rows * n;
    uint64_t s = seed ^ (n * 97u) ^ (rows << 24) ^ (uint64_t)pat << 52;
    zoned k = zoned_new(total, 8, n & 1);
    zoned sc = scratch_new(n);
    uint64_t *ref = malloc((total + 1) * sizeof *ref), *keys = k.data;
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < total; i++)
        keys[i] = ref[i] = gen_f64(pat, i % (n ? n : 1), n, &s);
    const int took = table->sort_rows_f64(keys, rows, n, sc.data);
    ck_assert_msg(took == 1 || took == RS_SORTED_ZEROS,
                  "%s sort_rows_f64 returned %d rows=%zu n=%zu", table->name, took, rows, n);
    for (size_t r = 0; r < rows; r++) {
        check_f64_row(keys + r * n, ref + r * n, n, "sort_rows_f64");
        CK_EXPECT(took != RS_SORTED_ZEROS || zeros_out_of_order(keys + r * n, n) == 0,
                  "%s sort_rows_f64 rows=%zu n=%zu pattern %d: +0.0 before -0.0 in row %zu",
                  table->name, rows, n, pat, r);
    }
    free(ref);
    zoned_check_free(&k, "keys", total);
    zoned_check_free(&sc, "scratch", n);
}

START_TEST(f64_numbers)
{
    if (table->sort_f64 == NULL)
        return;
    for (size_t n = 0; n <= 600; n++)
        for (int pat = 0; pat < F_COUNT; pat++)
            check_f64(table, n, pat, (n + (size_t)pat) & 1);
    for (unsigned k = 10, kmax = max_log2(); k <= kmax; k++)
        for (size_t n = ((size_t)1 << k) - 1; n <= ((size_t)1 << k) + 1; n++)
            for (int pat = 0; pat < F_COUNT; pat++)
                check_f64(table, n, pat, n & 1);
    /* Around each tuning's in-place threshold, and the low-threshold build's. */
    const size_t cap = (size_t)1 << max_log2();
    for (size_t t = 0; t < ntunings; t++) {
        const size_t real = tunings[t]->inplace_min_bytes / 8;
        if (real + 37 <= cap + 64)
            for (int pat = 0; pat < F_COUNT; pat++)
                check_f64(tunings[t], real + 37, pat, 1);
    }
    if (table_low != NULL)
        for (int pat = 0; pat < F_COUNT; pat++)
            check_f64(table_low, 3 * (LOW_INPLACE_BYTES / 8) + 5, pat, 0);
}
END_TEST

START_TEST(f64_rows)
{
    if (table->sort_rows_f64 == NULL)
        return;
    const size_t rows_list[] = {0, 1, 2, 3, 37, 300};
    for (size_t n = 0; n <= 300; n += n < 80 ? 1 : 23)
        for (size_t ri = 0; ri < sizeof rows_list / sizeof rows_list[0]; ri++)
            for (int pat = 0; pat < F_COUNT; pat++)
                check_f64_rows(rows_list[ri], n, pat);
}
END_TEST

/* The positions where the refusal tests put a NaN: both ends (the partitions' scalar parts),
 * the last few vectors (the out-of-place partition's one-vector loop, n - 2 * 4 * VN .. n -
 * VN), a few between. Positions past the row are skipped. */
static size_t nan_pos(size_t n, size_t k)
{
    static const size_t from_end[] = {1, 9, 20, 40, 70, 100};
    if (k < 6)
        return n >= from_end[k] ? n - from_end[k] : n;
    return k == 6 ? n / 2 : (k - 7) * (n / 5 + 1);
}
#define NAN_POS_COUNT 13

/* ---- float32 compared as numbers (sort_f32), where a table has it */

/* As gen_f64, for float32 bit patterns. */
static uint32_t gen_f32(int pat, size_t i, size_t n, uint64_t *s)
{
    const uint32_t sign = UINT32_C(1) << 31;
    if (pat == F_SPECIAL) {
        static const uint32_t special[] = {0,           UINT32_C(1) << 31, 1,
                                           sign | 1,    0x007FFFFFu,       sign | 0x007FFFFFu,
                                           0x00800000u, 0x7F800000u,       0xFF800000u,
                                           0x7F7FFFFFu, 0xFF7FFFFFu,       0x3F800000u,
                                           0xBF800000u};
        const uint64_t r = rnd(s);
        const size_t count = sizeof special / sizeof special[0];
        if (r % 4 != 0)
            return special[(r >> 8) % count];
        return (uint32_t)(r >> 10) & 0x807FFFFFu; /* a random denormal or zero */
    }
    const uint32_t k = (uint32_t)gen_key(pat, i, n, 32, s);
    const uint32_t b = (k & sign) ? k ^ sign : ~k;
    if ((b & ~sign) > 0x7F800000u)
        return b & sign; /* a NaN: a zero of its sign */
    return b;
}

static float as_f32(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static int cmp_u32_bits(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* keys[0..n) sorted as numbers and a permutation of ref[0..n) (both reordered here). */
static void check_f32_row(uint32_t *keys, uint32_t *ref, size_t n, const char *what)
{
    for (size_t i = 1; i < n; i++)
        CK_EXPECT(!(as_f32(keys[i]) < as_f32(keys[i - 1])), "%s %s: n=%zu: [%zu]=%a after %a",
                  table->name, what, n, i, (double)as_f32(keys[i]), (double)as_f32(keys[i - 1]));
    qsort(ref, n, sizeof *ref, cmp_u32_bits);
    qsort(keys, n, sizeof *keys, cmp_u32_bits);
    ck_assert_msg(memcmp(keys, ref, n * sizeof *ref) == 0,
                  "%s %s: n=%zu: not a permutation of the input", table->name, what, n);
}

static void check_f32(const rs_kernel_table *t, size_t n, int pat, size_t misalign)
{
    uint64_t s = seed ^ (n * 2654435761u) ^ (uint64_t)pat << 40;
    zoned k = zoned_new(n, 4, misalign);
    zoned sc = scratch_new(n);
    uint32_t *ref = malloc((n + 1) * sizeof *ref), *keys = k.data;
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < n; i++)
        keys[i] = ref[i] = gen_f32(pat, i, n, &s);
    ck_assert_msg(t->sort_f32(keys, n, sc.data) == 1, "%s sort_f32 refused n=%zu pattern=%d",
                  t->name, n, pat);
    check_f32_row(keys, ref, n, "sort_f32");
    free(ref);
    zoned_check_free(&k, "keys", n);
    zoned_check_free(&sc, "scratch", n);
}

static void check_f32_rows(size_t rows, size_t n, int pat)
{
    const size_t total = rows * n;
    uint64_t s = seed ^ (n * 89u) ^ (rows << 20) ^ (uint64_t)pat << 48;
    zoned k = zoned_new(total, 4, n & 1);
    zoned sc = scratch_new(n);
    uint32_t *ref = malloc((total + 1) * sizeof *ref), *keys = k.data;
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < total; i++)
        keys[i] = ref[i] = gen_f32(pat, i % (n ? n : 1), n, &s);
    ck_assert_msg(table->sort_rows_f32(keys, rows, n, sc.data) == 1,
                  "%s sort_rows_f32 refused rows=%zu n=%zu", table->name, rows, n);
    for (size_t r = 0; r < rows; r++)
        check_f32_row(keys + r * n, ref + r * n, n, "sort_rows_f32");
    free(ref);
    zoned_check_free(&k, "keys", total);
    zoned_check_free(&sc, "scratch", n);
}

START_TEST(f32_numbers)
{
    if (table->sort_f32 == NULL)
        return;
    for (size_t n = 0; n <= 600; n++)
        for (int pat = 0; pat < F_COUNT; pat++)
            check_f32(table, n, pat, (n + (size_t)pat) & 1);
    for (unsigned k = 10, kmax = max_log2(); k <= kmax; k++)
        for (size_t n = ((size_t)1 << k) - 1; n <= ((size_t)1 << k) + 1; n++)
            for (int pat = 0; pat < F_COUNT; pat++)
                check_f32(table, n, pat, n & 1);
    const size_t cap = (size_t)1 << max_log2();
    for (size_t t = 0; t < ntunings; t++) {
        const size_t real = tunings[t]->inplace_min_bytes / 4;
        if (real + 37 <= cap + 64)
            for (int pat = 0; pat < F_COUNT; pat++)
                check_f32(tunings[t], real + 37, pat, 1);
    }
    if (table_low != NULL)
        for (int pat = 0; pat < F_COUNT; pat++)
            check_f32(table_low, 3 * (LOW_INPLACE_BYTES / 4) + 5, pat, 0);
}
END_TEST

START_TEST(f32_rows)
{
    if (table->sort_f32 == NULL)
        return;
    ck_assert_msg(table->sort_rows_f32 != NULL && table->f32_native != NULL,
                  "%s: sort_f32 without sort_rows_f32 or f32_native", table->name);
    const size_t rows_list[] = {0, 1, 2, 3, 37, 300};
    for (size_t n = 0; n <= 600; n += n < 80 ? 1 : 23)
        for (size_t ri = 0; ri < sizeof rows_list / sizeof rows_list[0]; ri++)
            for (int pat = 0; pat < F_COUNT; pat++)
                check_f32_rows(rows_list[ri], n, pat);
}
END_TEST

/* ---- float32 rows in the ascending order, transformed in registers (sort_rows_f32_asc) */

/* The ascending order's key of float32 bits u, as kernels.h and keys.c define it: the
 * negatives folded (all bits flipped), the positives' sign bit set, then RS_F32_ASC_NANS
 * subtracted (wrapping), which moves the negative NaNs after the positive ones. */
static uint32_t f32_asc_key(uint32_t u)
{
    const uint32_t t = (u >> 31) ? ~u : u | UINT32_C(0x80000000);
    return t - RS_F32_ASC_NANS;
}

static int cmp_f32_asc(const void *a, const void *b)
{
    const uint32_t x = f32_asc_key(*(const uint32_t *)a), y = f32_asc_key(*(const uint32_t *)b);
    return (x > y) - (x < y);
}

/* gen_f32's numbers with NaNs of both signs and payloads mixed in (pattern F_COUNT: NaNs
 * only). */
static uint32_t gen_f32_nans(int pat, size_t i, size_t n, uint64_t *s)
{
    static const uint32_t nans[] = {0x7FC00000u, 0xFFC00000u, 0x7F800001u, 0xFF800001u,
                                    0x7FFFFFFFu, 0xFFFFFFFFu, 0x7FA5A5A5u, 0xFFB00001u};
    const uint64_t r = rnd(s);
    if (pat == F_COUNT || r % 7 == 0)
        return nans[(r >> 8) % (sizeof nans / sizeof nans[0])] ^ (uint32_t)(r >> 40 & 0x3FFFu);
    return gen_f32(pat, i, n, s);
}

/* rows of n float32 keys through t's sort_rows_f32_asc against qsort in the same order:
 * the same bits (equal keys are equal bits), the red zones untouched. */
static int check_f32_asc_rows(const rs_kernel_table *t, size_t rows, size_t n, int pat)
{
    const size_t total = rows * n;
    uint64_t s = seed ^ (n * 131u) ^ (rows << 24) ^ (uint64_t)pat << 44;
    zoned k = zoned_new(total, 4, (n + rows) & 1);
    zoned sc = scratch_new(n);
    uint32_t *ref = malloc((total + 1) * sizeof *ref), *keys = k.data;
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < total; i++)
        keys[i] = ref[i] = gen_f32_nans(pat, i % (n ? n : 1), n, &s);
    const int taken = t->sort_rows_f32_asc(keys, rows, n, sc.data);
    if (taken) {
        for (size_t r = 0; r < rows; r++) {
            qsort(ref + r * n, n, sizeof *ref, cmp_f32_asc);
            for (size_t i = 0; i < n; i++)
                if (keys[r * n + i] != ref[r * n + i])
                    ck_abort_msg("%s sort_rows_f32_asc: rows=%zu n=%zu pattern=%d: row %zu "
                                 "[%zu] = %08x, expected %08x",
                                 t->name, rows, n, pat, r, i, keys[r * n + i], ref[r * n + i]);
        }
    } else {
        CK_EXPECT(memcmp(keys, ref, total * sizeof *ref) == 0,
                  "%s sort_rows_f32_asc refused rows=%zu n=%zu but changed them", t->name, rows, n);
    }
    free(ref);
    zoned_check_free(&k, "keys", total);
    zoned_check_free(&sc, "scratch", n);
    return taken;
}

/* One row of n float32 keys through t's sort_from_f32_asc, from another array, against qsort
 * in the same order: the same bits in dst, src unchanged; where not taken, dst untouched. */
static int check_f32_asc_from(const rs_kernel_table *t, size_t n, int pat)
{
    uint64_t s = seed ^ (n * 137u) ^ (uint64_t)pat << 44;
    zoned in = zoned_new(n, 4, n & 1), out = zoned_new(n, 4, 0);
    zoned sc = scratch_new(n);
    uint32_t *src = in.data, *dst = out.data, *ref = malloc((n + 1) * sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < n; i++)
        src[i] = ref[i] = gen_f32_nans(pat, i, n, &s);
    const int taken = t->sort_from_f32_asc(src, dst, n, sc.data);
    CK_EXPECT(memcmp(src, ref, n * sizeof *ref) == 0,
              "%s sort_from_f32_asc changed its source (n=%zu, pattern=%d)", t->name, n, pat);
    if (taken) {
        qsort(ref, n, sizeof *ref, cmp_f32_asc);
        for (size_t i = 0; i < n; i++)
            if (dst[i] != ref[i])
                ck_abort_msg("%s sort_from_f32_asc: n=%zu pattern=%d: [%zu] = %08x, expected %08x",
                             t->name, n, pat, i, dst[i], ref[i]);
    } else {
        size_t i = 0;
        while (i < n * sizeof *dst && ((const unsigned char *)dst)[i] == RED_BYTE)
            i++;
        CK_EXPECT(i == n * sizeof *dst, "%s sort_from_f32_asc refused n=%zu but wrote dst",
                  t->name, n);
    }
    free(ref);
    zoned_check_free(&in, "src", n);
    zoned_check_free(&out, "dst", n);
    zoned_check_free(&sc, "scratch", n);
    return taken;
}

/* Every table that has the entry takes some lengths (AVX2: every n up to its networks' 128
 * keys; Zen 4's AVX-512 table the lengths it sends to AVX2, 33..128). */
START_TEST(f32_asc_rows)
{
    const size_t rows_list[] = {0, 1, 2, 3, 8, 9, 17, 37, 300};
    for (size_t t = 0; t < ntunings; t++) {
        const rs_kernel_table *tt = tunings[t];
        if (tt->sort_rows_f32_asc == NULL)
            continue;
        size_t taken = 0;
        for (size_t n = 0; n <= 300; n += n < 140 ? 1 : 23)
            for (size_t ri = 0; ri < sizeof rows_list / sizeof rows_list[0]; ri++)
                for (int pat = 0; pat <= F_COUNT; pat++)
                    taken += (size_t)check_f32_asc_rows(tt, rows_list[ri], n, pat);
        ck_assert_msg(taken > 0, "%s: sort_rows_f32_asc took no rows", tt->name);
    }
}
END_TEST

/* Rows longer than the networks (Zen 4's AVX-512 table sorts them by its quicksort with the
 * transform in the first partition and the leaves, bitonic_tmpl.h sort_enc), in place and
 * from another array: around the leaf size and powers of two, every pattern, NaNs of both
 * signs among them. The
 * low-threshold build (in place from 4096 keys) checks the rows whose first partitions are
 * in place: from 1M keys in the real tables. */
START_TEST(f32_asc_long_rows)
{
    const size_t lengths[] = {511, 512, 513, 600, 1023, 1024, 1025, 2049, 4097, 8191, 8192, 20000,
                              70001};
    for (size_t t = 0; t <= ntunings; t++) {
        const rs_kernel_table *tt = t < ntunings ? tunings[t] : table_low;
        if (tt == NULL || tt->sort_rows_f32_asc == NULL)
            continue;
        int taken_8192 = 0, from_8192 = 0;
        for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++)
            for (int pat = 0; pat <= F_COUNT; pat++) {
                for (size_t rows = 1; rows <= 3; rows += 2) {
                    const int taken = check_f32_asc_rows(tt, rows, lengths[li], pat);
                    if (lengths[li] == 8192)
                        taken_8192 |= taken;
                }
                if (tt->sort_from_f32_asc != NULL) {
                    const int taken = check_f32_asc_from(tt, lengths[li], pat);
                    if (lengths[li] == 8192)
                        from_8192 |= taken;
                }
            }
        if (strcmp(tt->name, "avx512") == 0 && strncmp(tt->tuned_for, "AMD Zen 4", 9) == 0) {
            ck_assert_msg(taken_8192, "%s (%s): rows of 8192 not taken", tt->name, tt->tuned_for);
            ck_assert_msg(from_8192, "%s (%s): rows of 8192 not taken from another array",
                          tt->name, tt->tuned_for);
        }
    }
}
END_TEST

/* Key i of an array of keys of `bits` (32 or 64) set to v. */
static void put_key(void *keys, size_t i, unsigned bits, uint64_t v)
{
    if (bits == 32) {
        const uint32_t w = (uint32_t)v;
        memcpy((unsigned char *)keys + 4 * i, &w, 4);
    } else {
        memcpy((unsigned char *)keys + 8 * i, &v, 8);
    }
}

/* gen_f32 or gen_f64, by `bits`. */
static uint64_t gen_float(unsigned bits, int pat, size_t i, size_t n, uint64_t *s)
{
    return bits == 32 ? gen_f32(pat, i, n, s) : gen_f64(pat, i, n, s);
}

/* The float entries of t for keys of `bits`: sort_fW (rows == 0) or sort_rows_fW. */
static int sort_float(const rs_kernel_table *t, unsigned bits, void *keys, size_t rows, size_t n,
                      void *scratch)
{
    if (bits == 32)
        return rows == 0 ? t->sort_f32(keys, n, scratch) : t->sort_rows_f32(keys, rows, n, scratch);
    return rows == 0 ? t->sort_f64(keys, n, scratch) : t->sort_rows_f64(keys, rows, n, scratch);
}

/* A NaN anywhere, or MXCSR.DAZ set, and the float entries (_i: 0 float64, 1 float32) refuse,
 * leaving the same keys (the first partition, which finds the NaN, may have moved them).
 * Rows of 40000 float64 / 70000 float32 keys are partitioned in place first where a table's
 * threshold is 256 KiB (Intel), out of place elsewhere. */
START_TEST(float_refuses)
{
    const unsigned bits = _i == 0 ? 64 : 32;
    const size_t size = bits / 8;
    uint64_t s = seed ^ (bits == 64 ? 0xF64u : 0xF32u);
    static const size_t lens64[] = {1, 7, 8, 9, 31, 32, 33, 64, 65, 257, 1000, 4097, 40000, 0};
    static const size_t lens32[] = {1, 15, 16, 17, 63, 64, 65, 513, 1000, 4097, 70000, 0};
    const size_t *lens = bits == 64 ? lens64 : lens32;
    /* the suite's table, and the low-threshold build (in place first from 4097 keys) */
    for (int ti = 0; ti < 2; ti++) {
        const rs_kernel_table *t = ti == 0 ? table : table_low;
        if (t == NULL || (bits == 64 ? t->sort_f64 == NULL : t->sort_f32 == NULL))
            continue;
        for (size_t li = 0; lens[li] != 0; li++) {
            const size_t n = lens[li];
            unsigned char *keys = malloc(n * size), *copy = malloc(n * size);
            zoned scz = scratch_new(n);
            ck_assert(keys != NULL && copy != NULL);
            for (size_t k = 0; k < NAN_POS_COUNT; k++) {
                const size_t pos = nan_pos(n, k);
                if (pos >= n)
                    continue;
                for (size_t i = 0; i < n; i++)
                    put_key(keys, i, bits, gen_float(bits, P_RANDOM, i, n, &s));
                const uint64_t nan =
                    bits == 64 ? (rnd(&s) & 1 ? UINT64_C(0xFFF8000000000000)
                                              : UINT64_C(0x7FF0000000000001))
                               : (rnd(&s) & 1 ? UINT64_C(0xFFC00000) : UINT64_C(0x7F800001));
                put_key(keys, pos, bits, nan | (rnd(&s) & 0xFFFF));
                memcpy(copy, keys, n * size);
                ck_assert_msg(sort_float(t, bits, keys, 0, n, scz.data) == 0,
                              "f%u n=%zu NaN at %zu", bits, n, pos);
                ck_assert(same_keys(keys, copy, n, size));
                ck_assert_int_eq(sort_float(t, bits, keys, 1, n, scz.data), 0);
                ck_assert(same_keys(keys, copy, n, size));
            }
#if defined(__x86_64__) || defined(__i386__)
            for (size_t i = 0; i < n; i++)
                put_key(keys, i, bits, gen_float(bits, F_SPECIAL, i, n, &s));
            memcpy(copy, keys, n * size);
            const unsigned csr = _mm_getcsr();
            _mm_setcsr(csr | 0x40u); /* DAZ */
            const int took = sort_float(t, bits, keys, 0, n, scz.data);
            _mm_setcsr(csr);
            ck_assert_int_eq(took, 0);
            ck_assert(same_keys(keys, copy, n, size));
#endif
            free(keys);
            free(copy);
            zoned_check_free(&scz, "scratch", n);
        }
        /* 3 rows longer than a network, the NaN in the last: refused, the same keys (the
         * rows before it sorted) */
        const size_t rows = 3, n = 1000;
        unsigned char *keys = malloc(rows * n * size), *copy = malloc(rows * n * size);
        zoned scz = scratch_new(n);
        ck_assert(keys != NULL && copy != NULL);
        for (size_t i = 0; i < rows * n; i++)
            put_key(keys, i, bits, gen_float(bits, P_RANDOM, i % n, n, &s));
        put_key(keys, 2 * n + 500, bits,
                bits == 64 ? UINT64_C(0x7FF8000000000000) : UINT64_C(0x7FC00000));
        memcpy(copy, keys, rows * n * size);
        ck_assert_int_eq(sort_float(t, bits, keys, rows, n, scz.data), 0);
        ck_assert(same_keys(keys, copy, rows * n, size));
        free(keys);
        free(copy);
        zoned_check_free(&scz, "scratch", n);
        /* Batches of 20 short rows (Zen 4 sorts 64-bit ones 8 rows at a time through packed
         * keys), a NaN in row 0, 11 or 17 or DAZ set: refused, the same keys */
        static const size_t batch_lens[] = {20, 40, 64};
        for (size_t li = 0; li < sizeof batch_lens / sizeof batch_lens[0]; li++) {
            const size_t bn = batch_lens[li], brows = 20;
            unsigned char *bk = malloc(brows * bn * size), *bc = malloc(brows * bn * size);
            zoned bsc = scratch_new(bn);
            ck_assert(bk != NULL && bc != NULL);
            /* cases 0..5: a NaN of either sign in row 0, 11 or 17 (the first block, a later
             * one, the rows left over); 6: DAZ */
            for (int c = 0; c < 7; c++) {
                const int daz = c == 6;
                for (size_t i = 0; i < brows * bn; i++)
                    put_key(bk, i, bits, gen_float(bits, P_RANDOM, i % bn, bn, &s));
                static const size_t nan_rows[] = {0, 11, 17};
                const uint64_t nan =
                    bits == 64 ? (c & 1 ? UINT64_C(0x7FF0000000000001) : UINT64_C(0xFFF8000000000001))
                               : (c & 1 ? UINT64_C(0x7F800001) : UINT64_C(0xFFC00001));
                if (!daz)
                    put_key(bk, nan_rows[c / 2] * bn + bn / 3, bits, nan);
                memcpy(bc, bk, brows * bn * size);
#if defined(__x86_64__) || defined(__i386__)
                const unsigned csr = _mm_getcsr();
                if (daz)
                    _mm_setcsr(csr | 0x40u);
                const int took = sort_float(t, bits, bk, brows, bn, bsc.data);
                _mm_setcsr(csr);
#else
                if (daz)
                    continue;
                const int took = sort_float(t, bits, bk, brows, bn, bsc.data);
#endif
                ck_assert_msg(took == 0, "f%u %zux%zu %s: not refused", bits, brows, bn,
                              daz ? "DAZ" : "NaN");
                ck_assert(same_keys(bk, bc, brows * bn, size));
            }
            free(bk);
            free(bc);
            zoned_check_free(&bsc, "scratch", bn);
        }
    }
}
END_TEST

/* ---- int32 / int64 compared as signed integers (sort_i32, sort_i64, sort_rows_*) */

/* The integer patterns with the sign bit flipped (sorted stays sorted as signed), and
 * S_EXTREMES: INT_MIN, INT_MAX, -1, 0, 1 and their neighbours, mixed with random keys. */
enum { S_EXTREMES = P_LONG_COUNT, S_COUNT };

static uint64_t gen_signed(int pat, size_t i, size_t n, unsigned bits, uint64_t *s)
{
    const uint64_t sign = UINT64_C(1) << (bits - 1), mask = sign | (sign - 1);
    if (pat == S_EXTREMES) {
        const uint64_t special[] = {sign, sign + 1, sign - 1, sign - 2, mask, 0, 1};
        const uint64_t r = rnd(s);
        return r % 4 != 0 ? special[(r >> 8) % 7] : (r >> 16) & mask;
    }
    return gen_key(pat, i, n, bits, s) ^ sign;
}

static int cmp_s32(const void *a, const void *b)
{
    const int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_s64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* `rows` rows of n signed keys of `bits`, sorted by the single-row entry (rows == 1 and
 * single) or the batch entry, against qsort with a signed compare, bit for bit. */
static void check_signed(const rs_kernel_table *t, unsigned bits, size_t rows, size_t n, int pat,
                         int single, size_t misalign)
{
    const size_t total = rows * n, size = bits / 8;
    uint64_t s = seed ^ (n * 2654435761u) ^ (rows << 20) ^ (uint64_t)pat << 44 ^ bits;
    zoned k = zoned_new(total, size, misalign);
    zoned sc = scratch_new(n);
    unsigned char *ref = malloc(total * size + 1);
    ck_assert_ptr_nonnull(ref);
    for (size_t i = 0; i < total; i++) {
        const uint64_t v = gen_signed(pat, i % (n ? n : 1), n, bits, &s);
        if (bits == 32) {
            const uint32_t w = (uint32_t)v;
            memcpy((unsigned char *)k.data + 4 * i, &w, 4);
        } else {
            memcpy((unsigned char *)k.data + 8 * i, &v, 8);
        }
    }
    memcpy(ref, k.data, total * size);
    for (size_t r = 0; r < rows; r++)
        qsort(ref + r * n * size, n, size, bits == 32 ? cmp_s32 : cmp_s64);
    if (single && bits == 32)
        t->sort_i32(k.data, n, sc.data);
    else if (single)
        t->sort_i64(k.data, n, sc.data);
    else if (bits == 32)
        t->sort_rows_i32(k.data, rows, n, sc.data);
    else
        t->sort_rows_i64(k.data, rows, n, sc.data);
    ck_assert_msg(memcmp(k.data, ref, total * size) == 0,
                  "%s sort_%si%u: rows=%zu n=%zu pattern=%d: not the signed order", t->name,
                  single ? "" : "rows_", bits, rows, n, pat);
    free(ref);
    zoned_check_free(&k, "keys", total);
    zoned_check_free(&sc, "scratch", n);
}

START_TEST(signed_keys)
{
    const unsigned bits = _i == 0 ? 32 : 64;
    if (bits == 32 ? table->sort_i32 == NULL : table->sort_i64 == NULL)
        return;
    for (size_t n = 0; n <= 600; n++)
        for (int pat = 0; pat < S_COUNT; pat++)
            check_signed(table, bits, 1, n, pat, 1, (n + (size_t)pat) & 1);
    for (unsigned k = 10, kmax = max_log2(); k <= kmax; k++)
        for (size_t n = ((size_t)1 << k) - 1; n <= ((size_t)1 << k) + 1; n++)
            for (int pat = 0; pat < S_COUNT; pat++)
                check_signed(table, bits, 1, n, pat, 1, n & 1);
    /* Around each tuning's in-place threshold, and the low-threshold build's. */
    const size_t cap = (size_t)1 << max_log2();
    for (size_t t = 0; t < ntunings; t++) {
        const size_t real = tunings[t]->inplace_min_bytes / (bits / 8);
        if (real + 37 <= cap + 64)
            for (int pat = 0; pat < S_COUNT; pat++)
                check_signed(tunings[t], bits, 1, real + 37, pat, 1, 1);
    }
    if (table_low != NULL)
        for (int pat = 0; pat < S_COUNT; pat++)
            check_signed(table_low, bits, 1, 3 * (LOW_INPLACE_BYTES / (bits / 8)) + 5, pat, 1, 0);
}
END_TEST

/* The sort_from entries (src into dst): src unchanged, dst what the in-place entry's
 * contract gives (ints: qsort's signed order bit for bit; floats: ascending as numbers, the
 * same keys); a float NaN anywhere refused, src unchanged. kind: 0 i32, 1 i64, 2 f32,
 * 3 f64. */
static void check_from(const rs_kernel_table *t, int kind, size_t n, int pat)
{
    const size_t size = kind == 0 || kind == 2 ? 4 : 8;
    uint64_t s = seed ^ (n * 2654435761u) ^ (uint64_t)pat << 44 ^ (uint64_t)kind << 50;
    zoned src = zoned_new(n, size, (size_t)pat & 1), dst = zoned_new(n, size, 0);
    zoned sc = scratch_new(n);
    unsigned char *copy = malloc(n * size + 1), *ref = malloc(n * size + 1);
    ck_assert(copy != NULL && ref != NULL);
    for (size_t i = 0; i < n; i++) {
        const uint64_t v = kind < 2 ? gen_signed(pat % S_COUNT, i, n, (unsigned)size * 8, &s)
                                    : gen_float((unsigned)size * 8, pat % F_COUNT, i, n, &s);
        put_key(src.data, i, (unsigned)size * 8, v);
    }
    memcpy(copy, src.data, n * size);
    memcpy(ref, src.data, n * size);
    switch (kind) {
    case 0:
        t->sort_from_i32(src.data, dst.data, n, sc.data);
        qsort(ref, n, 4, cmp_s32);
        ck_assert_msg(memcmp(dst.data, ref, n * 4) == 0, "%s sort_from_i32 n=%zu pat=%d",
                      t->name, n, pat);
        break;
    case 1:
        t->sort_from_i64(src.data, dst.data, n, sc.data);
        qsort(ref, n, 8, cmp_s64);
        ck_assert_msg(memcmp(dst.data, ref, n * 8) == 0, "%s sort_from_i64 n=%zu pat=%d",
                      t->name, n, pat);
        break;
    case 2:
        ck_assert_int_eq(t->sort_from_f32(src.data, dst.data, n, sc.data), 1);
        check_f32_row(dst.data, (uint32_t *)ref, n, "sort_from_f32");
        break;
    default:
        ck_assert_int_eq(t->sort_from_f64(src.data, dst.data, n, sc.data), 1);
        check_f64_row(dst.data, (uint64_t *)ref, n, "sort_from_f64");
        break;
    }
    ck_assert_msg(memcmp(src.data, copy, n * size) == 0, "%s sort_from kind %d n=%zu: src changed",
                  t->name, kind, n);
    if (kind >= 2 && n > 0) {
        /* a NaN at one of nan_pos's positions */
        const size_t at = nan_pos(n, (size_t)pat % NAN_POS_COUNT), pos = at < n ? at : 0;
        put_key(src.data, pos, (unsigned)size * 8,
                size == 4 ? UINT64_C(0xFFC00001) : UINT64_C(0x7FF0000000000003));
        memcpy(copy, src.data, n * size);
        const int took = kind == 2 ? t->sort_from_f32(src.data, dst.data, n, sc.data)
                                   : t->sort_from_f64(src.data, dst.data, n, sc.data);
        ck_assert_msg(took == 0, "%s sort_from kind %d n=%zu: NaN at %zu taken", t->name, kind, n,
                      pos);
        ck_assert(memcmp(src.data, copy, n * size) == 0);
    }
    free(copy);
    free(ref);
    zoned_check_free(&src, "src", n);
    zoned_check_free(&dst, "dst", n);
    zoned_check_free(&sc, "scratch", n);
}

START_TEST(from_entries)
{
    const int kind = _i;
    const rs_kernel_table *list[2 + sizeof tunings / sizeof tunings[0]] = {table, table_low};
    size_t count = 2;
    for (size_t k = 0; k < ntunings; k++)
        list[count++] = tunings[k];
    const size_t lens[] = {0, 1, 2, 3, 15, 16, 17, 33, 64, 65, 100, 255, 256, 257, 511, 512, 513,
                           1000, 4097, 20000, 70000};
    for (size_t ti = 0; ti < count; ti++) {
        const rs_kernel_table *t = list[ti];
        if (t == NULL)
            continue;
        const void *entry = kind == 0   ? (const void *)t->sort_from_i32
                            : kind == 1 ? (const void *)t->sort_from_i64
                            : kind == 2 ? (const void *)t->sort_from_f32
                                        : (const void *)t->sort_from_f64;
        if (entry == NULL)
            continue;
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
            for (int pat = 0; pat < (kind < 2 ? S_COUNT : F_COUNT); pat++)
                check_from(t, kind, lens[li], pat);
    }
}
END_TEST

START_TEST(signed_rows)
{
    const unsigned bits = _i == 0 ? 32 : 64;
    if (bits == 32 ? table->sort_rows_i32 == NULL : table->sort_rows_i64 == NULL)
        return;
    const size_t rows_list[] = {0, 1, 2, 3, 37, 300};
    for (size_t n = 0; n <= 300; n += n < 80 ? 1 : 23)
        for (size_t ri = 0; ri < sizeof rows_list / sizeof rows_list[0]; ri++)
            for (int pat = 0; pat < S_COUNT; pat++)
                check_signed(table, bits, rows_list[ri], n, pat, 0, (n + ri) & 1);
    check_signed(table, bits, 3, 5000, P_RANDOM, 0, 1);
}
END_TEST

/* Batches of 20 rows of 33, 40 and 64 64-bit keys (sort_rows_u64, _i64, _f64 of every
 * tuning), ragged: row r holds 1 + (7r + 3) % n keys within 2^20 of each other, padded with
 * the greatest value (UINT64_MAX, INT64_MAX, +inf). Zen 4 sorts such batches through packed
 * keys (rows64_packed_avx512.h), whose probe finds row 0 crowded and hands the whole batch
 * back (layout 0); with row 0 holding uniform keys instead, the first block is tried and
 * its padded rows are left to the column networks (layout 1); float64 with a NaN in row 11
 * as well is refused, the same keys left (layout 2). Against qsort. */
START_TEST(rows64_padded)
{
    static const size_t lens[] = {33, 40, 64};
    const size_t rows = 20;
    for (size_t t = 0; t < ntunings; t++) {
        const rs_kernel_table *tb = tunings[t];
        for (int kind = 0; kind < 3; kind++) /* u64, i64, f64 */
            for (size_t li = 0; li < 3; li++)
                for (int layout = 0; layout < (kind == 2 ? 3 : 2); layout++) {
                    if ((kind == 0 && tb->sort_rows_u64 == NULL) ||
                        (kind == 1 && tb->sort_rows_i64 == NULL) ||
                        (kind == 2 && tb->sort_rows_f64 == NULL))
                        continue;
                    const size_t n = lens[li], total = rows * n;
                    uint64_t s = seed ^ (n * 131u) ^ (uint64_t)(kind * 3 + layout) << 40;
                    zoned k = zoned_new(total, 8, layout & 1);
                    zoned sc = scratch_new(n);
                    uint64_t *ref = malloc(total * sizeof *ref), *keys = k.data;
                    ck_assert_ptr_nonnull(ref);
                    for (size_t r = 0; r < rows; r++) {
                        const size_t len = 1 + (7 * r + 3) % n;
                        for (size_t i = 0; i < n; i++) {
                            const uint64_t small = rnd(&s) >> 44, u = rnd(&s);
                            uint64_t v;
                            if (r == 0 && layout >= 1)
                                v = kind == 2 ? UINT64_C(0x3FF0000000000000) | (u >> 12) : u;
                            else if (i >= len)
                                v = kind == 0   ? UINT64_MAX
                                    : kind == 1 ? (uint64_t)INT64_MAX
                                                : UINT64_C(0x7FF0000000000000);
                            else
                                v = kind == 0   ? (UINT64_C(1) << 62) + small
                                    : kind == 1 ? small - (UINT64_C(1) << 19)
                                                : UINT64_C(0x3FF0000000000000) + small;
                            keys[r * n + i] = ref[r * n + i] = v;
                        }
                    }
                    if (layout == 2)
                        keys[11 * n + 5] = ref[11 * n + 5] = UINT64_C(0xFFF8000000000123);
                    if (kind == 0) {
                        tb->sort_rows_u64(keys, rows, n, sc.data);
                    } else if (kind == 1) {
                        tb->sort_rows_i64(keys, rows, n, sc.data);
                    } else {
                        const int took = tb->sort_rows_f64(keys, rows, n, sc.data);
                        ck_assert_msg((took != 0) == (layout != 2),
                                      "%s (%s) sort_rows_f64 n=%zu layout %d: returned %d",
                                      tb->name, tb->tuned_for, n, layout, took);
                    }
                    if (layout == 2) {
                        ck_assert(same_keys(keys, ref, total, 8));
                    } else {
                        for (size_t r = 0; r < rows; r++)
                            qsort(ref + r * n, n, 8, kind == 1 ? cmp_s64 : cmp_u64);
                        ck_assert_msg(memcmp(keys, ref, total * 8) == 0,
                                      "%s (%s) sort_rows_%s n=%zu layout %d: not sorted",
                                      tb->name, tb->tuned_for,
                                      kind == 0 ? "u64" : kind == 1 ? "i64" : "f64", n, layout);
                    }
                    free(ref);
                    zoned_check_free(&k, "keys", total);
                    zoned_check_free(&sc, "scratch", n);
                }
    }
}
END_TEST

/* float64 batches of 33, 40 and 64 keys (sort_rows_f64 of every tuning) with +0.0 before
 * -0.0 in some rows: Zen 4's packed keys leave such rows (their windows tie, their keys out
 * of order) to a sort that must order the zeros too, as must its sort of the rows after
 * the last block of 8, for the table to return RS_SORTED_ZEROS (row_sort.c then skips its
 * own pass over the zeros). The rows are sorted as numbers against the input, and where
 * the entry returns RS_SORTED_ZEROS no +0.0 comes before a -0.0; Zen 4's tables must
 * return it for these batches (uniform keys but the zeros). */
START_TEST(f64_rows_zeros)
{
    static const size_t lens[] = {33, 40, 64}, rows_list[] = {8, 16, 20, 37};
    const uint64_t neg_zero = UINT64_C(1) << 63;
    for (size_t t = 0; t < ntunings; t++) {
        const rs_kernel_table *tb = tunings[t];
        if (tb->sort_rows_f64 == NULL)
            continue;
        const int zen4 = strncmp(tb->tuned_for, "AMD Zen 4", 9) == 0; /* AVX-512 */
        for (size_t li = 0; li < 3; li++)
            for (size_t ri = 0; ri < 4; ri++) {
                const size_t n = lens[li], rows = rows_list[ri], total = rows * n;
                uint64_t s = seed ^ (n * 977u) ^ (rows << 20);
                zoned k = zoned_new(total, 8, ri & 1);
                zoned sc = scratch_new(n);
                uint64_t *ref = malloc(total * sizeof *ref), *keys = k.data;
                ck_assert_ptr_nonnull(ref);
                for (size_t i = 0; i < total; i++)
                    keys[i] = gen_f64(P_RANDOM, i % n, n, &s);
                for (size_t r = 0; r < rows; r++)
                    if (r % 7 == 3 || r == rows - 1) { /* a block's row, and the last */
                        keys[r * n + 2] = 0;
                        keys[r * n + 5] = neg_zero;
                    }
                memcpy(ref, keys, total * sizeof *ref);
                const int took = tb->sort_rows_f64(keys, rows, n, sc.data);
                ck_assert_msg(zen4 ? took == RS_SORTED_ZEROS : took == 1,
                              "%s (%s) sort_rows_f64 rows=%zu n=%zu: returned %d", tb->name,
                              tb->tuned_for, rows, n, took);
                for (size_t r = 0; r < rows; r++) {
                    check_f64_row(keys + r * n, ref + r * n, n, "sort_rows_f64 (zeros)");
                    ck_assert_msg(took != RS_SORTED_ZEROS ||
                                      zeros_out_of_order(keys + r * n, n) == 0,
                                  "%s (%s) sort_rows_f64 rows=%zu n=%zu: +0.0 before -0.0 "
                                  "in row %zu",
                                  tb->name, tb->tuned_for, rows, n, r);
                }
                free(ref);
                zoned_check_free(&k, "keys", total);
                zoned_check_free(&sc, "scratch", n);
            }
    }
}
END_TEST

/* The transform entries of a table agree with the scalar table's, bit for bit. */
START_TEST(xform_matches_scalar)
{
    const rs_key_xform recipes[] = {
        {0, 0, 0, 0, 0, 0, 0, 0},
        {UINT64_C(0x8000000000000000), 0, 0, 0, 0, 0, UINT64_MAX, 0},
        {UINT64_C(0x8000000000000000), 1, 0, 0, 0, 0, 0, 0},
        {UINT64_C(0x8000000000000000), 1, 1, UINT64_C(0x7FF0000000000000),
         UINT64_C(0x7FF8000000000000), 3, UINT64_MAX, 5},
        {0x80000000u, 1, 1, 0x7F800000u, 0x7FC00000u, 1, 0xFFFFFFFFu, 2},
        {0x8000u, 1, 1, 0x7C00u, 0x7E00u, 0, 0xFFFFu, 0},
    };
    enum { N = 1027 };
    uint64_t s = seed;
    for (size_t ri = 0; ri < sizeof recipes / sizeof recipes[0]; ri++) {
        const rs_key_xform *x = &recipes[ri];
        uint16_t a16[N], b16[N], c16[N];
        uint32_t a32[N], b32[N], c32[N];
        uint64_t a64[N], b64[N], c64[N];
        for (size_t i = 0; i < N; i++) {
            a64[i] = rnd(&s);
            if (i % 7 == 0)
                a64[i] = i % 2 ? UINT64_C(0x7FF8000000000001) : UINT64_C(0x8000000000000000);
            a32[i] = (uint32_t)a64[i];
            a16[i] = (uint16_t)a64[i];
        }
#define XF(W, a, b, c)                                                               \
    if (table->encode_u##W != NULL) {                                                \
        table->encode_u##W(a, b, N, x);                                              \
        rs_kernels_scalar.encode_u##W(a, c, N, x);                                   \
        ck_assert_msg(memcmp(b, c, sizeof b) == 0, "encode_u" #W " recipe %zu", ri); \
    }                                                                                \
    if (table->decode_u##W != NULL) {                                                \
        table->decode_u##W(a, b, N, x);                                              \
        rs_kernels_scalar.decode_u##W(a, c, N, x);                                   \
        ck_assert_msg(memcmp(b, c, sizeof b) == 0, "decode_u" #W " recipe %zu", ri); \
    }
        XF(16, a16, b16, c16)
        XF(32, a32, b32, c32)
        XF(64, a64, b64, c64)
#undef XF
    }
}
END_TEST

/* The merge entries: the first `count` keys of the merge of two sorted runs, for run
 * lengths around the vector width, every data shape (ties included) and every count. */
START_TEST(merge_runs)
{
    const unsigned bits = _i == 0 ? 32 : 64;
    if ((bits == 32 ? (void *)table->merge_u32 : (void *)table->merge_u64) == NULL)
        return; /* the scalar table merges in the row splitter */
    static const size_t lens[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 100, 1000, 4099};
    enum { NL = sizeof lens / sizeof lens[0] };
    const size_t size = bits / 8;
    uint64_t s = seed;
    for (int pat = 0; pat < P_COUNT; pat++)
        for (size_t la = 0; la < NL; la++)
            for (size_t lb = 0; lb < NL; lb++) {
                const size_t na = lens[la], nb = lens[lb], total = na + nb;
                uint64_t *all = malloc((total + 1) * sizeof *all);
                ck_assert_ptr_nonnull(all);
                for (size_t i = 0; i < total; i++)
                    all[i] = gen_key(pat, i, total, bits, &s);
                zoned a = zoned_new(na, size, 1), b = zoned_new(nb, size, 3);
                qsort(all, na, sizeof *all, cmp_u64);
                qsort(all + na, nb, sizeof *all, cmp_u64);
                for (size_t i = 0; i < na; i++)
                    put(a.data, i, bits, all[i]);
                for (size_t i = 0; i < nb; i++)
                    put(b.data, i, bits, all[na + i]);
                qsort(all, total, sizeof *all, cmp_u64); /* the reference merge */
                const size_t counts[] = {0, 1, total / 2, total > 0 ? total - 1 : 0, total};
                for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
                    const size_t count = counts[c] <= total ? counts[c] : total;
                    zoned out = zoned_new(count, size, 2);
                    if (bits == 32)
                        table->merge_u32(a.data, na, b.data, nb, out.data, count);
                    else
                        table->merge_u64(a.data, na, b.data, nb, out.data, count);
                    for (size_t i = 0; i < count; i++)
                        CK_EXPECT(get(out.data, i, bits) == all[i],
                                  "merge_u%u pat %d na %zu nb %zu count %zu: key %zu", bits, pat,
                                  na, nb, count, i);
                    zoned_check_free(&out, "merge out", count);
                }
                zoned_check_free(&a, "merge a", na);
                zoned_check_free(&b, "merge b", nb);
                free(all);
            }
}
END_TEST

/* The partition entries by loop index (mode): 0 partition_u32, 1 partition_i32,
 * 2 partition_f32, 3 partition_i64, 4 partition_f64. Keys are held widened to 64 bits. */
static const char *const part_names[] = {"u32", "i32", "f32", "i64", "f64"};
#define PART_MODES 5

static unsigned part_bits(int mode)
{
    return mode < 3 ? 32 : 64;
}

static int part_has(const rs_kernel_table *t, int mode)
{
    switch (mode) {
    case 0:
        return t->partition_u32 != NULL;
    case 1:
        return t->partition_i32 != NULL;
    case 2:
        return t->partition_f32 != NULL;
    case 3:
        return t->partition_i64 != NULL;
    default:
        return t->partition_f64 != NULL;
    }
}

static size_t part_call(int mode, void *keys, size_t n, uint64_t p)
{
    switch (mode) {
    case 0:
        return table->partition_u32(keys, n, (uint32_t)p);
    case 1:
        return table->partition_i32(keys, n, (uint32_t)p);
    case 2:
        return table->partition_f32(keys, n, (uint32_t)p);
    case 3:
        return table->partition_i64(keys, n, p);
    default:
        return table->partition_f64(keys, n, p);
    }
}

/* Whether a < b as the entry compares: unsigned, signed, float numbers. */
static int part_less(int mode, uint64_t a, uint64_t b)
{
    switch (mode) {
    case 0:
        return (uint32_t)a < (uint32_t)b;
    case 1:
        return (int32_t)(uint32_t)a < (int32_t)(uint32_t)b;
    case 2:
        return as_f32((uint32_t)a) < as_f32((uint32_t)b);
    case 3:
        return (int64_t)a < (int64_t)b;
    default:
        return as_f64(a) < as_f64(b);
    }
}

/* The float entries take no NaN: those keys become infinities of their sign. */
static uint64_t part_key(int mode, uint64_t k)
{
    if (mode == 2 && (k & 0x7F800000u) == 0x7F800000u)
        return k & 0xFF800000u;
    const uint64_t exp64 = UINT64_C(0x7FF0000000000000);
    if (mode == 4 && (k & exp64) == exp64)
        return k & UINT64_C(0xFFF0000000000000);
    return k;
}

static uint64_t part_get(int mode, const void *keys, size_t i)
{
    return part_bits(mode) == 32 ? ((const uint32_t *)keys)[i] : ((const uint64_t *)keys)[i];
}

static void part_set(int mode, void *keys, size_t i, uint64_t k)
{
    if (part_bits(mode) == 32)
        ((uint32_t *)keys)[i] = (uint32_t)k;
    else
        ((uint64_t *)keys)[i] = k;
}

static void check_partition(int mode, size_t n, int pat, uint64_t p, size_t misalign)
{
    const unsigned bits = part_bits(mode);
    uint64_t s = seed ^ (n * 2654435761u) ^ (uint64_t)pat << 32 ^ p;
    zoned k = zoned_new(n, bits / 8, misalign);
    uint64_t *before = malloc((n + 1) * sizeof *before), *after = malloc((n + 1) * sizeof *after);
    ck_assert(before != NULL && after != NULL);
    size_t below = 0;
    for (size_t i = 0; i < n; i++) {
        const uint64_t key = part_key(mode, gen_key(pat, i, n, bits, &s));
        part_set(mode, k.data, i, key);
        before[i] = key;
        below += part_less(mode, key, p);
    }
    const size_t got = part_call(mode, k.data, n, p);
    CK_EXPECT(got == below,
              "%s partition_%s n=%zu pat=%d p=%" PRIx64 ": returned %zu, %zu keys below",
              table->name, part_names[mode], n, pat, p, got, below);
    for (size_t i = 0; i < n; i++) {
        after[i] = part_get(mode, k.data, i);
        CK_EXPECT(part_less(mode, after[i], p) == (i < below),
                  "%s partition_%s n=%zu pat=%d p=%" PRIx64 ": key %zu on the wrong side",
                  table->name, part_names[mode], n, pat, p, i);
    }
    qsort(before, n, sizeof *before, cmp_u64);
    qsort(after, n, sizeof *after, cmp_u64);
    CK_EXPECT(n == 0 || memcmp(before, after, n * sizeof *before) == 0,
              "%s partition_%s n=%zu pat=%d: keys lost or duplicated", table->name,
              part_names[mode], n, pat);
    free(before);
    free(after);
    zoned_check_free(&k, "partitioned keys", n);
}

/* The in-place partition entries of the pivot split (sched_pivot.c): every key below the
 * bound first, the count returned, the same keys, nothing written outside. Bounds: a key of
 * the data, the key after it, the smallest and largest keys (floats: -inf and +inf; -0.0
 * and +0.0 too, which compare equal). Loop index: the mode (part_names). */
START_TEST(partition_entries)
{
    const int mode = _i;
    if (!part_has(table, mode))
        return;
    static const size_t lens[] = {0,   1,   2,    3,    7,    8,     9,     15,    16,  17,
                                  31,  32,  33,   63,   64,   65,    100,   127,   128, 129,
                                  255, 256, 1000, 4095, 4097, 65535, 65537, 300007};
    const int wide = part_bits(mode) == 64;
    const uint64_t sign = wide ? UINT64_C(1) << 63 : UINT64_C(0x80000000);
    static const uint64_t smallest[] = {0, 0x80000000u, 0xFF800000u, UINT64_C(1) << 63,
                                        UINT64_C(0xFFF0000000000000)};
    static const uint64_t largest[] = {UINT32_MAX, 0x7FFFFFFFu, 0x7F800000u, INT64_MAX,
                                       UINT64_C(0x7FF0000000000000)};
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
        for (int pat = 0; pat < P_COUNT; pat++) {
            const size_t n = lens[li];
            uint64_t s = seed ^ n;
            const uint64_t key =
                n ? part_key(mode, gen_key(pat, (size_t)(rnd(&s) % n), n, part_bits(mode), &s))
                  : 7;
            const uint64_t next = wide ? key + 1u : (uint32_t)(key + 1u);
            const uint64_t bounds[] = {
                key, part_key(mode, next), smallest[mode], largest[mode], sign, 0};
            for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++)
                check_partition(mode, n, pat, bounds[b], (n + b) & 1);
        }
}
END_TEST

/* select_le_u16/u32/u64 (top-k's selection) against a plain loop: the keys <= t in input
 * order and their positions, for thresholds below, at and above keys of the row (sign bits
 * set too: unsigned compares), lengths around every vector width. Loop index: the width. */
START_TEST(select_entries)
{
    static const unsigned widths[] = {16, 32, 64};
    const unsigned bits = widths[_i];
    const size_t size = bits / 8;
    static const size_t lens[] = {0,  1,  2,  3,  7,  8,   9,   15,  16,   17,  31,
                                  32, 33, 63, 64, 65, 100, 127, 128, 1000, 4097};
    size_t (*const sel)(void *, size_t, uint64_t, uint32_t *) =
        bits == 16 ? (size_t (*)(void *, size_t, uint64_t, uint32_t *))table->select_le_u16
        : bits == 32 ? (size_t (*)(void *, size_t, uint64_t, uint32_t *))table->select_le_u32
                     : (size_t (*)(void *, size_t, uint64_t, uint32_t *))table->select_le_u64;
    ck_assert_msg(sel != NULL, "%s: no select_le_u%u", table->name, bits);
    const uint64_t mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
        for (int pat = 0; pat < P_COUNT; pat++) {
            const size_t n = lens[li];
            uint64_t s = seed ^ (n * 31 + (size_t)pat);
            uint64_t *in = malloc((n + 1) * 8), *want = malloc((n + 1) * 8);
            unsigned char *keys = malloc(n * size + 1);
            uint32_t *pos = malloc((n + 1) * 4), *want_pos = malloc((n + 1) * 4);
            ck_assert(in && want && keys && pos && want_pos);
            for (size_t i = 0; i < n; i++)
                in[i] = gen_key(pat, i, n, bits, &s);
            const uint64_t ts[] = {0, mask, mask >> 1, (mask >> 1) + 1,
                                   n ? in[rnd(&s) % n] : 5, n ? in[rnd(&s) % n] - 1 : 6,
                                   rnd(&s) & mask};
            for (size_t ti = 0; ti < sizeof ts / sizeof ts[0]; ti++) {
                const uint64_t t = ts[ti] & mask;
                size_t m = 0;
                for (size_t i = 0; i < n; i++)
                    if (in[i] <= t) {
                        want[m] = in[i];
                        want_pos[m++] = (uint32_t)i;
                    }
                for (size_t i = 0; i < n; i++)
                    memcpy(keys + i * size, (const unsigned char *)&in[i], size); /* LE */
                const size_t got = sel(keys, n, t, pos);
                ck_assert_msg(got == m, "%s u%u n=%zu pat=%d t=%llx: %zu keys, want %zu",
                              table->name, bits, n, pat, (unsigned long long)t, got, m);
                for (size_t j = 0; j < m; j++) {
                    uint64_t k = 0;
                    memcpy(&k, keys + j * size, size);
                    ck_assert_msg(k == want[j] && pos[j] == want_pos[j],
                                  "%s u%u n=%zu pat=%d t=%llx: entry %zu is (%llx, %u), want "
                                  "(%llx, %u)",
                                  table->name, bits, n, pat, (unsigned long long)t, j,
                                  (unsigned long long)k, pos[j], (unsigned long long)want[j],
                                  want_pos[j]);
                }
            }
            free(in);
            free(want);
            free(keys);
            free(pos);
            free(want_pos);
        }
}
END_TEST

/* f32_usable and f64_usable say what sort_f32 and sort_f64 would: no to a NaN anywhere
 * (either sign, any payload). Loop index: 0 float32, 1 float64. */
START_TEST(float_usable_entries)
{
    const int wide = _i == 1;
    if (wide ? table->f64_usable == NULL : table->f32_usable == NULL)
        return;
    static const uint64_t nans32[] = {0x7FC00000u, 0xFFC00001u, 0x7F800001u, 0xFFFFFFFFu};
    static const uint64_t nans64[] = {UINT64_C(0x7FF8000000000000), UINT64_C(0xFFF8000000000001),
                                      UINT64_C(0x7FF0000000000001), UINT64_MAX};
    const int mode = wide ? 4 : 2;
    for (size_t n = 1; n <= 200; n += n < 40 ? 1 : 37) {
        void *k = malloc(n * 8);
        ck_assert_ptr_nonnull(k);
        uint64_t s = seed ^ n;
        for (size_t i = 0; i < n; i++)
            part_set(mode, k, i, part_key(mode, rnd(&s)));
        const int usable = wide ? table->f64_usable(k, n) : table->f32_usable(k, n);
        ck_assert_int_eq(usable, 1);
        for (size_t at = 0; at < n; at += 1 + n / 7) {
            const uint64_t keep = part_get(mode, k, at);
            part_set(mode, k, at, wide ? nans64[at % 4] : nans32[at % 4]);
            const int took = wide ? table->f64_usable(k, n) : table->f32_usable(k, n);
            CK_EXPECT(took == 0, "%s f%d_usable n=%zu: NaN at %zu missed", table->name,
                      wide ? 64 : 32, n, at);
            part_set(mode, k, at, keep);
        }
        free(k);
    }
}
END_TEST

/* The key-only sorts with no more scratch than RS_KERNEL_SCRATCH_BYTES_KEYS (the pivot split
 * hands each thread that much): sorted, and no byte written past it. Lengths past the
 * in-place threshold of the low-threshold table, where the out-of-place levels use the
 * scratch. Loop index: sort_u32, sort_i32, sort_f32, sort_f32_checked, sort_u64, sort_i64,
 * sort_f64, sort_f64_checked (the float ones on finite keys). */
static const char *const small_names[] = {"sort_u32", "sort_i32", "sort_f32",
                                          "sort_f32_checked", "sort_u64", "sort_i64",
                                          "sort_f64", "sort_f64_checked"};

static int small_has(const rs_kernel_table *t, int which)
{
    switch (which) {
    case 1:
        return t->sort_i32 != NULL;
    case 2:
        return t->sort_f32 != NULL;
    case 3:
        return t->sort_f32_checked != NULL;
    case 5:
        return t->sort_i64 != NULL;
    case 6:
        return t->sort_f64 != NULL;
    case 7:
        return t->sort_f64_checked != NULL;
    default:
        return 1; /* sort_u32, sort_u64 */
    }
}

static void small_call(const rs_kernel_table *t, int which, void *keys, size_t n, void *sc)
{
    switch (which) {
    case 0:
        t->sort_u32(keys, n, sc);
        break;
    case 1:
        t->sort_i32(keys, n, sc);
        break;
    case 2:
        ck_assert_int_eq(t->sort_f32(keys, n, sc), 1);
        break;
    case 3:
        t->sort_f32_checked(keys, n, sc);
        break;
    case 4:
        t->sort_u64(keys, n, sc);
        break;
    case 5:
        t->sort_i64(keys, n, sc);
        break;
    case 6:
        ck_assert_int_eq(t->sort_f64(keys, n, sc), 1);
        break;
    default:
        t->sort_f64_checked(keys, n, sc);
        break;
    }
}

START_TEST(key_sorts_small_scratch)
{
    const int which = _i;
    /* the order the sort gives, as a partition mode: u32, i32, f32, (u64), i64, f64 */
    static const int order_mode[] = {0, 1, 2, 2, -1, 3, 4, 4};
    const int wide = which >= 4;
    const size_t kb = wide ? 8 : 4;
    const rs_kernel_table *tables[] = {table, table_low};
    for (size_t ti = 0; ti < 2; ti++) {
        const rs_kernel_table *t = tables[ti];
        if (t == NULL || !small_has(t, which))
            continue;
        static const size_t lens[] = {0, 1, 100, 5000, 3 * (LOW_INPLACE_BYTES / 4) + 5, 300007};
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            const size_t n = lens[li];
            uint64_t s = seed ^ n ^ (uint64_t)which << 50;
            zoned k = zoned_new(n, kb, n & 1);
            zoned sc = zoned_new(RS_KERNEL_SCRATCH_BYTES_KEYS(n, kb), 1, 0);
            const int float_keys = which == 2 || which == 3 || which == 6 || which == 7;
            for (size_t i = 0; i < n; i++) {
                uint64_t r = rnd(&s);
                if (float_keys && !wide) /* finite: exponent below 0xFF */
                    r = (r & 0x807FFFFFu) | ((r >> 8) % 254u) << 23;
                else if (float_keys) /* finite: exponent below 0x7FF */
                    r = (r & UINT64_C(0x800FFFFFFFFFFFFF)) | ((r >> 12) % 2046u) << 52;
                part_set(wide ? 3 : 0, k.data, i, r);
            }
            small_call(t, which, k.data, n, sc.data);
            const int mode = order_mode[which];
            for (size_t i = 1; i < n; i++) {
                const uint64_t a = part_get(wide ? 3 : 0, k.data, i - 1),
                               b = part_get(wide ? 3 : 0, k.data, i);
                const int ordered = mode < 0 ? a <= b : !part_less(mode, b, a);
                CK_EXPECT(ordered, "%s %s n=%zu: keys %zu, %zu out of order", t->name,
                          small_names[which], n, i - 1, i);
            }
            zoned_check_free(&k, "keys", n);
            zoned_check_free(&sc, "key-only scratch", n);
        }
    }
}
END_TEST

static Suite *kernels_suite(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("keys");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, keys_short, 0, 3);
    tcase_add_loop_test(tc, keys_pow2, 0, 3);
    suite_add_tcase(s, tc);
    tc = tcase_create("long");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, keys_long, 0, 3);
    tcase_add_test(tc, keys_u16_counted);
    suite_add_tcase(s, tc);
    tc = tcase_create("pairs");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, pairs_short, 0, 6);
    tcase_add_loop_test(tc, pairs_pow2, 0, 6);
    tcase_add_loop_test(tc, argsort_entries, 0, 4);
    suite_add_tcase(s, tc);
    tc = tcase_create("batch");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, rows_batch, 0, 3);
    tcase_add_test(tc, xform_matches_scalar);
    tcase_add_loop_test(tc, merge_runs, 0, 2);
    tcase_add_loop_test(tc, partition_entries, 0, PART_MODES);
    tcase_add_loop_test(tc, select_entries, 0, 3);
    tcase_add_loop_test(tc, float_usable_entries, 0, 2);
    tcase_add_loop_test(tc, key_sorts_small_scratch, 0, 8);
    suite_add_tcase(s, tc);
    tc = tcase_create("f64");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, f64_numbers);
    tcase_add_test(tc, f64_rows);
    tcase_add_test(tc, f32_numbers);
    tcase_add_test(tc, f32_rows);
    tcase_add_test(tc, f32_asc_rows);
    tcase_add_test(tc, f32_asc_long_rows);
    tcase_add_loop_test(tc, float_refuses, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("signed");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, signed_keys, 0, 2);
    tcase_add_loop_test(tc, signed_rows, 0, 2);
    tcase_add_test(tc, rows64_padded);
    tcase_add_test(tc, f64_rows_zeros);
    tcase_add_loop_test(tc, from_entries, 0, 4);
    suite_add_tcase(s, tc);
    return s;
}

/* The low-threshold build of the named table, or NULL. */
static const rs_kernel_table *table_low_named(const char *name)
{
#ifdef RS_HAVE_KERN_AVX2
    if (strcmp(name, "avx2") == 0)
        return &rs_test_kernels_avx2_low_inplace;
#endif
#ifdef RS_HAVE_KERN_AVX512
    if (strcmp(name, "avx512") == 0)
        return &rs_test_kernels_avx512_low_inplace;
#endif
    (void)name;
    return NULL;
}

static const rs_kernel_table *table_named(const char *name, rowsort_isa *isa)
{
    if (strcmp(name, "scalar") == 0) {
        *isa = ROWSORT_ISA_SCALAR;
        return &rs_kernels_scalar;
    }
    if (strcmp(name, "avx2") == 0) {
        *isa = ROWSORT_ISA_AVX2;
#ifdef RS_HAVE_KERN_AVX2
        tunings[0] = &rs_kernels_avx2;
        ntunings = 1;
        return &rs_kernels_avx2;
#endif
    }
    if (strcmp(name, "avx512") == 0) {
        *isa = ROWSORT_ISA_AVX512;
#ifdef RS_HAVE_KERN_AVX512
        tunings[0] = &rs_kernels_avx512;
        tunings[1] = &rs_kernels_avx512_intel;
        ntunings = 2;
        /* Their 16-bit sorts use VBMI2: tested only where the CPU has it. */
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512vbmi2")) {
            tunings[ntunings++] = &rs_kernels_avx512_vbmi2;
            tunings[ntunings++] = &rs_kernels_avx512_intel_vbmi2;
        }
        return &rs_kernels_avx512;
#endif
    }
    return NULL;
}

int main(void)
{
    const char *name = getenv("ROWSORT_TEST_ISA");
    if (name == NULL || *name == '\0')
        name = "scalar";
    rowsort_isa isa = ROWSORT_ISA_AUTO;
    table = table_named(name, &isa);
    table_low = table_low_named(name);
    if (isa == ROWSORT_ISA_AUTO) {
        fprintf(stderr, "test_kernels: unknown ROWSORT_TEST_ISA=%s\n", name);
        return 1;
    }
    if (table == NULL || !rs_isa_supported(isa)) {
        printf("test_kernels: %s not supported by this CPU or build: skipped\n", name);
        return 77;
    }
    /* The table this CPU gets (its tuning), which must be one of the ISA's. */
    rowsort_isa chosen;
    if (rs_dispatch_choose(isa, &chosen, &table) != ROWSORT_OK || chosen != isa ||
        strcmp(table->name, name) != 0) {
        fprintf(stderr, "test_kernels: dispatch did not give the %s table\n", name);
        return 1;
    }
    const char *s = getenv("ROWSORT_TEST_SEED");
    if (s != NULL && *s != '\0')
        seed = strtoull(s, NULL, 0);
#ifdef __GLIBC__
    /* Large buffers are allocated and freed thousands of times: keep them on the heap
     * instead of a fresh mmap (and its page faults) each time. */
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
    printf("test_kernels: table %s (tuned for %s), seed 0x%llx\n", table->name, table->tuned_for,
           (unsigned long long)seed);
    SRunner *sr = srunner_create(kernels_suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
