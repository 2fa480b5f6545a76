/* test_keys.c - the key encodings of engine/src/keys.c: the vectorizable recipes (kernels.h)
 * agree with the generic encoder, injective encodings round-trip bit for bit, and canonical
 * keys merge exactly the values that compare equal (-0.0/+0.0, NaNs). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_expect.h"
#include "dtype.h"
#include "kernels.h"
#include "keys.h"

enum { N = 4096 };

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Random bits, with a third of the values special: zeros, infinities, NaNs of both signs. */
static void fill_values(const rs_dtype_info *info, void *buf, size_t n, uint64_t seed)
{
    const unsigned bits = info->key_bits;
    const uint64_t mask = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    const uint64_t sign = (uint64_t)1 << (bits - 1);
    const uint64_t inf = (sign - 1) & ~(((uint64_t)1 << info->mant_bits) - 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t v = next_random(&seed) & mask;
        if (info->key_class == RS_KEY_FLOAT) {
            switch (next_random(&seed) % 9) {
            case 0:
                v = (v & sign); /* +-0 */
                break;
            case 1:
                v = (v & sign) | inf; /* +-inf */
                break;
            case 2:
                v = (v & sign) | inf | (1 + v % (sign - inf - 1)); /* NaN, any payload */
                break;
            default:
                break;
            }
        }
        memcpy((char *)buf + i * (bits / 8), &v, bits / 8);
    }
}

static uint64_t load(const void *buf, size_t i, unsigned bits)
{
    uint64_t v = 0;
    memcpy(&v, (const char *)buf + i * (bits / 8), bits / 8);
    return v;
}

static void encode_recipe(unsigned bits, const void *src, void *dst, size_t n,
                          const rs_key_xform *x)
{
    if (bits == 16)
        rs_kernels_scalar.encode_u16(src, dst, n, x);
    else if (bits == 32)
        rs_kernels_scalar.encode_u32(src, dst, n, x);
    else
        rs_kernels_scalar.encode_u64(src, dst, n, x);
}

static const rowsort_dtype recipe_dtypes[] = {
    ROWSORT_DTYPE_I16, ROWSORT_DTYPE_U16, ROWSORT_DTYPE_I32, ROWSORT_DTYPE_U32,
    ROWSORT_DTYPE_I64, ROWSORT_DTYPE_U64, ROWSORT_DTYPE_F16, ROWSORT_DTYPE_BF16,
    ROWSORT_DTYPE_F32, ROWSORT_DTYPE_F64};

START_TEST(recipe_matches_generic_encoder)
{
    const rs_dtype_info *info = rs_dtype_info_of(recipe_dtypes[_i]);
    static unsigned char values[N * 8], generic[N * 8], recipe[N * 8];
    for (int order = RS_ORDER_ASC; order <= RS_ORDER_TOTAL_DESC_NANS_LAST; order++) {
        for (int canonical = 0; canonical <= 1; canonical++) {
            rs_key_xform x;
            if (!rs_keys_xform(info, (rs_order)order, canonical, &x))
                continue;
            fill_values(info, values, N, 1000u + (unsigned)order);
            rs_keys_extract(info, values, 0, NULL, 4, N, generic);
            rs_keys_encode(info, (rs_order)order, canonical, generic, N);
            encode_recipe(info->key_bits, values, recipe, N, &x);
            for (size_t i = 0; i < N; i++)
                CK_EXPECT(load(generic, i, info->key_bits) == load(recipe, i, info->key_bits),
                          "%s order %d canonical %d: value %#llx -> generic %#llx recipe %#llx",
                          info->name, order, canonical,
                          (unsigned long long)load(values, i, info->key_bits),
                          (unsigned long long)load(generic, i, info->key_bits),
                          (unsigned long long)load(recipe, i, info->key_bits));
        }
    }
}
END_TEST

START_TEST(injective_round_trip)
{
    const rs_dtype_info *info = rs_dtype_info_of((rowsort_dtype)_i);
    if (info->words != 1)
        return; /* complex goes through the permutation path only */
    const size_t bytes = rs_key_word_bytes(info);
    static unsigned char values[N * 8], keys[N * 8], back[N * 8];
    for (int order = RS_ORDER_ASC; order <= RS_ORDER_TOTAL_DESC_NANS_LAST; order++) {
        fill_values(rs_dtype_info_of(bytes == 2   ? ROWSORT_DTYPE_F16
                                     : bytes == 4 ? ROWSORT_DTYPE_F32
                                                  : ROWSORT_DTYPE_F64),
                    values, N, 7u + (unsigned)order);
        rs_keys_extract(info, values, 0, NULL, 4, N, keys);
        rs_keys_encode(info, (rs_order)order, 0, keys, N);
        rs_keys_decode(info, (rs_order)order, keys, N);
        rs_keys_store(info, keys, N, back);
        ck_assert_msg(memcmp(values, back, N * info->size) == 0, "%s order %d: not bijective",
                      info->name, order);
    }
}
END_TEST

/* Canonical float keys: equal iff the values compare equal under the default rules. */
START_TEST(canonical_merges_zeros_and_nans)
{
    const rs_dtype_info *f32 = rs_dtype_info_of(ROWSORT_DTYPE_F32);
    const uint32_t v[] = {0x00000000u, 0x80000000u, 0x7FC00000u, 0xFFC00001u, 0x7F800001u,
                          0x7F800000u, 0xFF800000u, 0x3F800000u};
    for (int order = RS_ORDER_ASC; order <= RS_ORDER_DESC_NANS_LAST; order++) {
        uint32_t k[8];
        memcpy(k, v, sizeof k);
        rs_keys_encode(f32, (rs_order)order, 1, k, 8);
        ck_assert_uint_eq(k[0], k[1]); /* +0 == -0 */
        ck_assert_uint_eq(k[2], k[3]); /* NaNs of both signs and payloads */
        ck_assert_uint_eq(k[2], k[4]);
        ck_assert_uint_ne(k[5], k[2]); /* +inf is not NaN */
        if (order == RS_ORDER_ASC) {
            ck_assert_uint_lt(k[6], k[0]); /* -inf < 0 < 1 < inf < NaN */
            ck_assert_uint_lt(k[0], k[7]);
            ck_assert_uint_lt(k[7], k[5]);
            ck_assert_uint_lt(k[5], k[2]);
        } else if (order == RS_ORDER_DESC) {
            ck_assert_uint_lt(k[2], k[5]); /* NaN first */
            ck_assert_uint_lt(k[5], k[7]);
        } else {
            ck_assert_uint_lt(k[5], k[7]); /* inf first, NaN last */
            ck_assert_uint_lt(k[6], k[2]);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("keys");
    TCase *tc = tcase_create("encodings");
    tcase_add_loop_test(tc, recipe_matches_generic_encoder, 0,
                        (int)(sizeof recipe_dtypes / sizeof recipe_dtypes[0]));
    tcase_add_loop_test(tc, injective_round_trip, 0, ROWSORT_DTYPE_COUNT);
    tcase_add_test(tc, canonical_merges_zeros_and_nans);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
