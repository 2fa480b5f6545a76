/* test_oracle.c - the oracle checked on its own, on hand-written examples and by properties.
 * Links neither the library nor the test helpers: only oracle.c (and rowsort.h's enums). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

#define F32_NAN_P(payload) (0x7f800000u | (payload))
#define F32_NAN_N(payload) (0xff800000u | (payload))

static uint32_t f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

/* Sorts `bits` (float32 patterns) with flags and checks the result against `want`. */
static void check_f32(const uint32_t *bits, size_t n, unsigned flags, const uint32_t *want)
{
    size_t perm[32];
    const oracle_col col = {bits, ROWSORT_DTYPE_F32};
    ck_assert_int_eq(oracle_sort_perm(&col, 1, n, flags, perm), 0);
    for (size_t j = 0; j < n; j++)
        ck_assert_msg(bits[perm[j]] == want[j], "flags 0x%x position %zu: got 0x%08x want 0x%08x",
                      flags, j, bits[perm[j]], want[j]);
}

START_TEST(test_f32_orders)
{
    const uint32_t nan = F32_NAN_P(0x400000), mnan = F32_NAN_N(0x400000);
    const uint32_t pinf = 0x7f800000u, minf = 0xff800000u, pz = 0, mz = 0x80000000u;
    const uint32_t one = f32_bits(1.0f), three = f32_bits(3.0f);
    const uint32_t in[] = {three, nan, mz, pz, minf, one, mnan};
    const size_t n = sizeof in / sizeof in[0];
    {
        const uint32_t want[] = {minf, mz, pz, one, three, nan, mnan};
        check_f32(in, n, 0, want);
        check_f32(in, n, ROWSORT_NANS_LAST, want); /* no change ascending */
        check_f32(in, n, ROWSORT_STABLE, want);    /* the oracle is always stable */
    }
    {
        const uint32_t want[] = {nan, mnan, three, one, mz, pz, minf};
        check_f32(in, n, ROWSORT_DESCENDING, want);
    }
    {
        const uint32_t want[] = {three, one, mz, pz, minf, nan, mnan};
        check_f32(in, n, ROWSORT_DESCENDING | ROWSORT_NANS_LAST, want);
    }
    {
        const uint32_t want[] = {mnan, minf, mz, pz, one, three, nan};
        check_f32(in, n, ROWSORT_TOTAL_ORDER, want);
    }
    {
        const uint32_t want[] = {nan, three, one, pz, mz, minf, mnan};
        check_f32(in, n, ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING, want);
    }
    {
        const uint32_t want[] = {three, one, pz, mz, minf, nan, mnan};
        check_f32(in, n, ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING | ROWSORT_NANS_LAST, want);
    }
    (void)pinf;
}
END_TEST

START_TEST(test_f32_nan_payloads)
{
    const uint32_t p1 = F32_NAN_P(1), p5 = F32_NAN_P(5), q = F32_NAN_P(0x400000);
    const uint32_t m2 = F32_NAN_N(2), m7 = F32_NAN_N(7);
    const uint32_t pinf = 0x7f800000u, minf = 0xff800000u, two = f32_bits(2.0f);
    const uint32_t in[] = {p5, m2, two, p1, m7, pinf, q, minf};
    const size_t n = sizeof in / sizeof in[0];
    {
        /* default: every NaN equal, after +inf, input order kept */
        const uint32_t want[] = {minf, two, pinf, p5, m2, p1, m7, q};
        check_f32(in, n, 0, want);
    }
    {
        const uint32_t want[] = {p5, m2, p1, m7, q, pinf, two, minf};
        check_f32(in, n, ROWSORT_DESCENDING, want);
    }
    {
        /* totalOrder: -NaN by payload high to low, ..., +NaN by payload low to high */
        const uint32_t want[] = {m7, m2, minf, two, pinf, p1, p5, q};
        check_f32(in, n, ROWSORT_TOTAL_ORDER, want);
    }
    {
        const uint32_t want[] = {q, p5, p1, pinf, two, minf, m2, m7};
        check_f32(in, n, ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING, want);
    }
    {
        /* descending totalOrder, then the NaNs moved last keeping that order */
        const uint32_t want[] = {pinf, two, minf, q, p5, p1, m2, m7};
        check_f32(in, n, ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING | ROWSORT_NANS_LAST, want);
    }
}
END_TEST

START_TEST(test_f16_decode)
{
    ck_assert(oracle_f16_to_double(0x0000) == 0.0 && !signbit(oracle_f16_to_double(0x0000)));
    ck_assert(oracle_f16_to_double(0x8000) == 0.0 && signbit(oracle_f16_to_double(0x8000)));
    ck_assert(oracle_f16_to_double(0x0001) == ldexp(1.0, -24));
    ck_assert(oracle_f16_to_double(0x03ff) == 1023 * ldexp(1.0, -24));
    ck_assert(oracle_f16_to_double(0x0400) == ldexp(1.0, -14));
    ck_assert(oracle_f16_to_double(0x3c00) == 1.0);
    ck_assert(oracle_f16_to_double(0x3c01) == 1.0 + ldexp(1.0, -10));
    ck_assert(oracle_f16_to_double(0xc000) == -2.0);
    ck_assert(oracle_f16_to_double(0x7bff) == 65504.0);
    ck_assert(oracle_f16_to_double(0x7c00) == INFINITY);
    ck_assert(oracle_f16_to_double(0xfc00) == -INFINITY);
    ck_assert(isnan(oracle_f16_to_double(0x7e00)));
    ck_assert(isnan(oracle_f16_to_double(0xfc01)));
#ifdef __FLT16_MAX__
    /* an independent decoder: the compiler's _Float16, for every bit pattern */
    for (uint32_t b = 0; b < 65536; b++) {
        const uint16_t bits = (uint16_t)b;
        _Float16 h;
        memcpy(&h, &bits, 2);
        const double want = (double)h, got = oracle_f16_to_double(bits);
        ck_assert_msg((isnan(want) && isnan(got)) || (want == got && signbit(want) == signbit(got)),
                      "f16 0x%04x: %g vs %g", b, got, want);
    }
#endif
}
END_TEST

START_TEST(test_bf16_decode)
{
    ck_assert(oracle_bf16_to_double(0x3f80) == 1.0);
    ck_assert(oracle_bf16_to_double(0xc040) == -3.0);
    ck_assert(oracle_bf16_to_double(0x0001) == ldexp(1.0, -133));
    ck_assert(oracle_bf16_to_double(0x0080) == ldexp(1.0, -126));
    ck_assert(oracle_bf16_to_double(0x7f80) == INFINITY);
    ck_assert(oracle_bf16_to_double(0xff80) == -INFINITY);
    ck_assert(isnan(oracle_bf16_to_double(0x7fc0)));
    ck_assert(isnan(oracle_bf16_to_double(0xff81)));
    ck_assert(oracle_bf16_to_double(0x7f7f) == ldexp(255.0, 127 - 7));
}
END_TEST

/* Sorts 16-bit patterns of `dtype` and compares with want. */
static void check_u16(rowsort_dtype dtype, const uint16_t *bits, size_t n, unsigned flags,
                      const uint16_t *want)
{
    size_t perm[32];
    const oracle_col col = {bits, dtype};
    ck_assert_int_eq(oracle_sort_perm(&col, 1, n, flags, perm), 0);
    for (size_t j = 0; j < n; j++)
        ck_assert_msg(bits[perm[j]] == want[j], "flags 0x%x position %zu: got 0x%04x want 0x%04x",
                      flags, j, bits[perm[j]], want[j]);
}

START_TEST(test_half_orders)
{
    {
        const uint16_t in[] = {0x0001, 0x8001, 0x0000, 0x3c00, 0x03ff, 0x0400, 0x8000, 0xfe00};
        const uint16_t want[] = {0x8001, 0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xfe00};
        check_u16(ROWSORT_DTYPE_F16, in, 8, 0, want);
        const uint16_t want_total[] = {0xfe00, 0x8001, 0x8000, 0x0000,
                                       0x0001, 0x03ff, 0x0400, 0x3c00};
        check_u16(ROWSORT_DTYPE_F16, in, 8, ROWSORT_TOTAL_ORDER, want_total);
    }
    {
        const uint16_t in[] = {0x0001, 0x8001, 0x3f80, 0x0080, 0x7fc1, 0xff80, 0x007f};
        const uint16_t want[] = {0x3f80, 0x0080, 0x007f, 0x0001, 0x8001, 0xff80, 0x7fc1};
        check_u16(ROWSORT_DTYPE_BF16, in, 7, ROWSORT_DESCENDING | ROWSORT_NANS_LAST, want);
    }
}
END_TEST

START_TEST(test_integers_and_bool)
{
    size_t perm[8];
    {
        const unsigned char in[] = {2, 0, 1, 255, 0};
        const oracle_col col = {in, ROWSORT_DTYPE_BOOL};
        const size_t want[] = {1, 4, 0, 2, 3}; /* nonzero bytes are all true, stable */
        oracle_sort_perm(&col, 1, 5, 0, perm);
        for (size_t j = 0; j < 5; j++)
            ck_assert_uint_eq(perm[j], want[j]);
        const size_t want_desc[] = {0, 2, 3, 1, 4};
        oracle_sort_perm(&col, 1, 5, ROWSORT_DESCENDING, perm);
        for (size_t j = 0; j < 5; j++)
            ck_assert_uint_eq(perm[j], want_desc[j]);
    }
    {
        const int8_t in[] = {-128, 127, 0, -1};
        const oracle_col col = {in, ROWSORT_DTYPE_I8};
        const size_t want[] = {0, 3, 2, 1};
        oracle_sort_perm(&col, 1, 4, ROWSORT_TOTAL_ORDER | ROWSORT_NANS_LAST, perm);
        for (size_t j = 0; j < 4; j++)
            ck_assert_uint_eq(perm[j], want[j]);
    }
    {
        const uint8_t in[] = {255, 0, 128};
        const oracle_col col = {in, ROWSORT_DTYPE_U8};
        const size_t want[] = {1, 2, 0};
        oracle_sort_perm(&col, 1, 3, 0, perm);
        for (size_t j = 0; j < 3; j++)
            ck_assert_uint_eq(perm[j], want[j]);
    }
    {
        const int64_t in[] = {INT64_MAX, INT64_MIN, -1, 0, INT64_MIN + 1};
        const oracle_col col = {in, ROWSORT_DTYPE_I64};
        const size_t want[] = {0, 3, 2, 4, 1};
        oracle_sort_perm(&col, 1, 5, ROWSORT_DESCENDING, perm);
        for (size_t j = 0; j < 5; j++)
            ck_assert_uint_eq(perm[j], want[j]);
    }
    {
        const uint64_t in[] = {UINT64_MAX, 1ull << 63, 0, (1ull << 63) - 1};
        const oracle_col col = {in, ROWSORT_DTYPE_U64};
        const size_t want[] = {2, 3, 1, 0};
        oracle_sort_perm(&col, 1, 4, 0, perm);
        for (size_t j = 0; j < 4; j++)
            ck_assert_uint_eq(perm[j], want[j]);
    }
    {
        const uint32_t in[] = {0x80000000u, 0x7fffffffu, 0xffffffffu};
        const oracle_col col = {in, ROWSORT_DTYPE_U32};
        const size_t want[] = {1, 0, 2};
        oracle_sort_perm(&col, 1, 3, 0, perm);
        for (size_t j = 0; j < 3; j++)
            ck_assert_uint_eq(perm[j], want[j]);
    }
    {
        const int16_t in[] = {-32768, 32767, -32767};
        const oracle_col col = {in, ROWSORT_DTYPE_I16};
        const size_t want[] = {0, 2, 1};
        oracle_sort_perm(&col, 1, 3, 0, perm);
        for (size_t j = 0; j < 3; j++)
            ck_assert_uint_eq(perm[j], want[j]);
    }
}
END_TEST

START_TEST(test_complex)
{
    const float nan = NAN;
    const float in[][2] = {{1, 2}, {1, nan}, {nan, 0}, {1, -1}, {0, 5}, {-0.0f, 5}};
    const oracle_col col = {in, ROWSORT_DTYPE_C64};
    size_t perm[6];
    const size_t want_asc[] = {4, 5, 3, 0, 1, 2};
    oracle_sort_perm(&col, 1, 6, 0, perm);
    for (size_t j = 0; j < 6; j++)
        ck_assert_uint_eq(perm[j], want_asc[j]);
    const size_t want_desc[] = {2, 1, 0, 3, 4, 5};
    oracle_sort_perm(&col, 1, 6, ROWSORT_DESCENDING, perm);
    for (size_t j = 0; j < 6; j++)
        ck_assert_uint_eq(perm[j], want_desc[j]);
    /* nans_last is a float rule, applied per part: real parts first */
    const size_t want_nl[] = {0, 3, 1, 4, 5, 2};
    oracle_sort_perm(&col, 1, 6, ROWSORT_DESCENDING | ROWSORT_NANS_LAST, perm);
    for (size_t j = 0; j < 6; j++)
        ck_assert_uint_eq(perm[j], want_nl[j]);
    /* total order: -0 < +0 */
    const size_t want_total[] = {5, 4, 3, 0, 1, 2};
    oracle_sort_perm(&col, 1, 6, ROWSORT_TOTAL_ORDER, perm);
    for (size_t j = 0; j < 6; j++)
        ck_assert_uint_eq(perm[j], want_total[j]);

    const double in2[][2] = {{2, 1}, {2, -0.0}, {2, 0.0}, {-1, 9}};
    const oracle_col col2 = {in2, ROWSORT_DTYPE_C128};
    const size_t want2[] = {3, 1, 2, 0};
    oracle_sort_perm(&col2, 1, 4, 0, perm);
    for (size_t j = 0; j < 4; j++)
        ck_assert_uint_eq(perm[j], want2[j]);
    ck_assert(oracle_is_nan(ROWSORT_DTYPE_C64, in[1]));
    ck_assert(!oracle_is_nan(ROWSORT_DTYPE_C64, in[0]));
}
END_TEST

START_TEST(test_multi_key_and_stability)
{
    const float k0[] = {1, 1, 0, 1, 1};
    const int16_t k1[] = {3, 1, 2, 1, 3};
    const oracle_col keys[] = {{k0, ROWSORT_DTYPE_F32}, {k1, ROWSORT_DTYPE_I16}};
    size_t perm[5];
    const size_t want[] = {2, 1, 3, 0, 4};
    oracle_sort_perm(keys, 2, 5, 0, perm);
    for (size_t j = 0; j < 5; j++)
        ck_assert_uint_eq(perm[j], want[j]);
    const size_t want_desc[] = {0, 4, 1, 3, 2}; /* stable descending: ties keep input order */
    oracle_sort_perm(keys, 2, 5, ROWSORT_DESCENDING, perm);
    for (size_t j = 0; j < 5; j++)
        ck_assert_uint_eq(perm[j], want_desc[j]);
    const size_t want_one[] = {2, 0, 1, 3, 4};
    oracle_sort_perm(keys, 1, 5, 0, perm);
    for (size_t j = 0; j < 5; j++)
        ck_assert_uint_eq(perm[j], want_one[j]);

    double payload[5] = {10, 11, 12, 13, 14}, out[5];
    oracle_apply_perm(out, payload, want, 5, sizeof(double));
    ck_assert(out[0] == 12 && out[1] == 11 && out[2] == 13 && out[3] == 10 && out[4] == 14);
}
END_TEST

START_TEST(test_topk_flags)
{
    const float in[] = {1, NAN, 3, 3};
    const oracle_col col = {in, ROWSORT_DTYPE_F32};
    size_t perm[4];
    oracle_sort_perm(&col, 1, 4, oracle_topk_flags(ROWSORT_SELECT_LARGEST, ROWSORT_STABLE), perm);
    ck_assert_uint_eq(perm[0], 1); /* NaN counted largest */
    ck_assert_uint_eq(perm[1], 2);
    ck_assert_uint_eq(perm[2], 3);
    oracle_sort_perm(&col, 1, 4, oracle_topk_flags(ROWSORT_SELECT_LARGEST, ROWSORT_NANS_LAST),
                     perm);
    ck_assert_uint_eq(perm[0], 2);
    ck_assert_uint_eq(perm[3], 1);
    oracle_sort_perm(&col, 1, 4, oracle_topk_flags(ROWSORT_SELECT_SMALLEST, ROWSORT_DESCENDING),
                     perm);
    ck_assert_uint_eq(perm[0], 0); /* DESCENDING ignored by top-k */
    ck_assert_uint_eq(perm[3], 1);
}
END_TEST

/* Property: for every dtype and order, the comparator is a total preorder (reflexive,
 * antisymmetric, transitive) on bit patterns with many specials, and the sort output is
 * ordered and stable. */
static uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void special_bits(rowsort_dtype dtype, uint64_t *s, unsigned char *dst)
{
    const size_t size = oracle_dtype_size(dtype);
    uint64_t v = next64(s);
    const unsigned pick = (unsigned)(next64(s) % 4);
    if (pick == 0)
        v &= 0x8000800080008000ull | 0x7ff07f807f807c00ull; /* zeros, infs, exponent-only */
    else if (pick == 1)
        v |= 0x7ff07f807f807c00ull; /* NaN-ish for every width */
    else if (pick == 2)
        v &= 0x800f807f8000803full; /* subnormal-ish */
    memcpy(dst, &v, size < 8 ? size : 8);
    if (size == 16) {
        v = next64(s);
        memcpy(dst + 8, &v, 8);
        if (next64(s) % 2)
            memcpy(dst + 8, dst, 8);
    }
}

START_TEST(test_comparator_properties)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const unsigned orders[] = {0,
                               ROWSORT_DESCENDING,
                               ROWSORT_DESCENDING | ROWSORT_NANS_LAST,
                               ROWSORT_NANS_LAST,
                               ROWSORT_TOTAL_ORDER,
                               ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING,
                               ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING | ROWSORT_NANS_LAST,
                               ROWSORT_TOTAL_ORDER | ROWSORT_NANS_LAST};
    const size_t size = oracle_dtype_size(dtype), count = 40;
    unsigned char *vals = malloc(count * size);
    ck_assert_ptr_nonnull(vals);
    uint64_t seed = 1234 + (uint64_t)_i;
    for (size_t i = 0; i < count; i++)
        special_bits(dtype, &seed, vals + i * size);
    for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
        const unsigned f = orders[o];
        for (size_t a = 0; a < count; a++) {
            const void *pa = vals + a * size;
            ck_assert_int_eq(oracle_compare(dtype, pa, pa, f), 0);
            for (size_t b = 0; b < count; b++) {
                const void *pb = vals + b * size;
                const int ab = oracle_compare(dtype, pa, pb, f);
                ck_assert_int_eq(ab, -oracle_compare(dtype, pb, pa, f));
                if (f & ROWSORT_TOTAL_ORDER && oracle_dtype_is_float(dtype))
                    ck_assert_msg(ab != 0 || memcmp(pa, pb, size) == 0,
                                  "total order: distinct bits compare equal");
                for (size_t c = 0; c < count; c += 4) {
                    const void *pc = vals + c * size;
                    if (ab <= 0 && oracle_compare(dtype, pb, pc, f) <= 0)
                        ck_assert_int_le(oracle_compare(dtype, pa, pc, f), 0);
                }
                /* descending reverses; nans_last only moves NaNs */
                if (!(f & ROWSORT_DESCENDING) && !(f & ROWSORT_NANS_LAST))
                    ck_assert_int_eq(ab, -oracle_compare(dtype, pa, pb, f | ROWSORT_DESCENDING));
            }
        }
        /* the sort is ordered and stable */
        size_t perm[48];
        const oracle_col col = {vals, dtype};
        ck_assert_int_eq(oracle_sort_perm(&col, 1, count, f, perm), 0);
        for (size_t j = 1; j < count; j++) {
            const int c =
                oracle_compare(dtype, vals + perm[j - 1] * size, vals + perm[j] * size, f);
            ck_assert_int_le(c, 0);
            if (c == 0)
                ck_assert_uint_lt(perm[j - 1], perm[j]);
        }
        if (f & ROWSORT_NANS_LAST) { /* no NaN before a non-NaN */
            int seen_nan = 0;
            for (size_t j = 0; j < count; j++) {
                const int is_nan = oracle_is_nan(dtype, vals + perm[j] * size);
                if (dtype != ROWSORT_DTYPE_C64 && dtype != ROWSORT_DTYPE_C128)
                    ck_assert(!(seen_nan && !is_nan));
                seen_nan |= is_nan;
            }
        }
    }
    free(vals);
}
END_TEST

START_TEST(test_float_value_order_matches_hardware)
{
    /* for non-NaN floats, the default order is the hardware's < on doubles/floats */
    uint64_t s = 99;
    for (int i = 0; i < 20000; i++) {
        double a, b;
        uint64_t x = next64(&s), y = next64(&s);
        if (i % 3 == 0)
            y = x ^ (next64(&s) & 0x800000000000000full);
        memcpy(&a, &x, 8);
        memcpy(&b, &y, 8);
        if (isnan(a) || isnan(b))
            continue;
        const int want = (a > b) - (a < b);
        ck_assert_int_eq(oracle_compare(ROWSORT_DTYPE_F64, &a, &b, 0), want);
        const float fa = (float)a, fb = (float)b;
        if (!isnan(fa) && !isnan(fb))
            ck_assert_int_eq(oracle_compare(ROWSORT_DTYPE_F32, &fa, &fb, 0), (fa > fb) - (fa < fb));
        /* total order agrees except -0 < +0 */
        if (a != b || signbit(a) == signbit(b))
            ck_assert_int_eq(oracle_compare(ROWSORT_DTYPE_F64, &a, &b, ROWSORT_TOTAL_ORDER), want);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("oracle");
    TCase *tc = tcase_create("oracle");
    tcase_add_test(tc, test_f32_orders);
    tcase_add_test(tc, test_f32_nan_payloads);
    tcase_add_test(tc, test_f16_decode);
    tcase_add_test(tc, test_bf16_decode);
    tcase_add_test(tc, test_half_orders);
    tcase_add_test(tc, test_integers_and_bool);
    tcase_add_test(tc, test_complex);
    tcase_add_test(tc, test_multi_key_and_stability);
    tcase_add_test(tc, test_topk_flags);
    tcase_add_loop_test(tc, test_comparator_properties, 0, ROWSORT_DTYPE_COUNT);
    tcase_add_test(tc, test_float_value_order_matches_hardware);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
