/* test_io_layouts.c - Check suite for io's layouts and helpers: Fortran-order and big-endian
 * inputs read as C-order native rows (input_rows.c), raw inputs and outputs, big-endian
 * headers, outputs opened in place (--rows), byte swaps, the merge order (order.c) and
 * --memory-limit values (membudget.c). */

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_fixtures.h"
#include "rsio.h"

/* Writes an .npy file with a hand-written dict and the given data. */
static const char *write_npy_dict(const char *name, const char *dict, const void *data,
                                  size_t bytes)
{
    return iofx_write_npy_dict(name, 1, dict, data, bytes);
}

START_TEST(test_fortran_2d)
{
    /* a (3, 4) array with a[r][j] = 10 r + j, stored column by column */
    int32_t f[12];
    for (int j = 0; j < 4; j++)
        for (int r = 0; r < 3; r++)
            f[j * 3 + r] = 10 * r + j;
    const char *path = write_npy_dict(
        "f.npy", "{'descr': '<i4', 'fortran_order': True, 'shape': (3, 4), }", f, sizeof f);
    rsio_input in;
    rsio_error err;
    ck_assert_int_eq(rsio_input_open_npy(path, &in, &err), RSIO_OK);
    ck_assert_int_eq(in.native, 0);
    ck_assert_uint_eq(in.rows, 3);
    ck_assert_uint_eq(in.n, 4);
    int32_t c[12];
    rsio_input_read_rows(&in, 0, 3, 0, 4, c);
    for (int r = 0; r < 3; r++)
        for (int j = 0; j < 4; j++)
            ck_assert_int_eq(c[r * 4 + j], 10 * r + j);
    int32_t part[4];
    rsio_input_read_rows(&in, 1, 2, 1, 2, part); /* rows 1..2, columns 1..2 */
    ck_assert_int_eq(part[0], 11);
    ck_assert_int_eq(part[1], 12);
    ck_assert_int_eq(part[2], 21);
    ck_assert_int_eq(part[3], 22);
    rsio_input_close(&in);
}
END_TEST

START_TEST(test_fortran_3d_big_endian)
{
    /* a (2, 3, 4) big-endian int16 array, a[i][k][j] = 100 i + 10 k + j, Fortran order:
     * offset i + 2 k + 6 j */
    uint16_t f[24];
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 4; j++) {
                const uint16_t v = (uint16_t)(100 * i + 10 * k + j);
                f[i + 2 * k + 6 * j] = (uint16_t)(v >> 8 | v << 8);
            }
    const char *path = write_npy_dict(
        "f3.npy", "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3, 4), }", f, sizeof f);
    rsio_input in;
    rsio_error err;
    ck_assert_int_eq(rsio_input_open_npy(path, &in, &err), RSIO_OK);
    ck_assert_int_eq(in.native, 0);
    ck_assert_uint_eq(in.rows, 6);
    int16_t c[24];
    rsio_input_read_rows(&in, 0, 6, 0, 4, c);
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 3; k++)
            for (int j = 0; j < 4; j++)
                ck_assert_int_eq(c[(i * 3 + k) * 4 + j], 100 * i + 10 * k + j);
    rsio_input_close(&in);
}
END_TEST

START_TEST(test_byteswap)
{
    uint32_t u[2] = {0x01020304u, 0xa0b0c0d0u};
    rsio_byteswap(ROWSORT_DTYPE_F32, u, 2);
    ck_assert_uint_eq(u[0], 0x04030201u);
    ck_assert_uint_eq(u[1], 0xd0c0b0a0u);
    uint64_t c[2] = {0x0102030405060708u, 0x1112131415161718u}; /* one complex128 */
    rsio_byteswap(ROWSORT_DTYPE_C128, c, 1);
    ck_assert(c[0] == 0x0807060504030201u && c[1] == 0x1817161514131211u);
    uint8_t b[2] = {1, 2};
    rsio_byteswap(ROWSORT_DTYPE_U8, b, 2);
    ck_assert(b[0] == 1 && b[1] == 2);
}
END_TEST

START_TEST(test_raw_in_and_out)
{
    float data[6] = {3, 1, 2, 6, 5, 4};
    const char *path = iofx_path("r.bin");
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, sizeof data, f), sizeof data);
    ck_assert_int_eq(fclose(f), 0);
    rsio_input in;
    rsio_error err;
    const size_t shape[2] = {2, 3};
    ck_assert_int_eq(rsio_input_open_raw(path, ROWSORT_DTYPE_F32, 2, shape, &in, &err), RSIO_OK);
    ck_assert_int_eq(in.raw, 1);
    ck_assert_int_eq(in.native, 1);
    ck_assert_uint_eq(in.rows, 2);
    ck_assert_uint_eq(in.n, 3);
    ck_assert(memcmp(in.data, data, sizeof data) == 0);
    rsio_input_close(&in);
    const size_t wrong[2] = {2, 4};
    ck_assert_int_eq(rsio_input_open_raw(path, ROWSORT_DTYPE_F32, 2, wrong, &in, &err),
                     RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message,
                     "raw file has 24 bytes, but the shape given needs 32 bytes of float32");
    const size_t huge[2] = {SIZE_MAX / 2, 4};
    ck_assert_int_eq(rsio_input_open_raw(path, ROWSORT_DTYPE_F32, 2, huge, &in, &err),
                     RSIO_BAD_INPUT);
    ck_assert_int_eq(rsio_input_open_raw(path, ROWSORT_DTYPE_F32, 0, shape, &in, &err),
                     RSIO_BAD_INPUT);

    /* A raw output: exactly the data bytes, no header. */
    rsio_output out;
    const rsio_output_format raw = {1, 0};
    const char *opath = iofx_path("o.bin");
    ck_assert_int_eq(rsio_output_create(opath, ROWSORT_DTYPE_F32, 2, shape, &raw, &out, &err),
                     RSIO_OK);
    memcpy(out.data, data, sizeof data);
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_OK);
    f = fopen(opath, "rb");
    float back[7];
    ck_assert_uint_eq(fread(back, 1, sizeof back, f), sizeof data);
    fclose(f);
    ck_assert(memcmp(back, data, sizeof data) == 0);
}
END_TEST

START_TEST(test_big_endian_header)
{
    char h[1024];
    const size_t shape[2] = {2, 3};
    ck_assert_uint_gt(rsio_npy_format_header_endian(ROWSORT_DTYPE_F64, 1, 2, shape, h, sizeof h),
                      0);
    ck_assert_ptr_nonnull(strstr(h + 10, "'descr': '>f8'"));
    ck_assert_uint_gt(rsio_npy_format_header_endian(ROWSORT_DTYPE_U8, 1, 2, shape, h, sizeof h), 0);
    ck_assert_ptr_nonnull(strstr(h + 10, "'descr': '|u1'"));
    /* and it parses back as big-endian */
    ck_assert_uint_gt(rsio_npy_format_header_endian(ROWSORT_DTYPE_C64, 1, 2, shape, h, sizeof h),
                      0);
    rsio_npy_header hdr;
    rsio_error err;
    ck_assert_int_eq(rsio_npy_parse_header(h, sizeof h, &hdr, &err), RSIO_OK);
    ck_assert_int_eq(hdr.big_endian, 1);
    ck_assert_int_eq(hdr.dtype, ROWSORT_DTYPE_C64);
}
END_TEST

START_TEST(test_open_existing)
{
    const size_t shape[2] = {4, 2};
    rsio_output out;
    rsio_error err;
    const char *path = iofx_path("e.npy");
    ck_assert_int_eq(rsio_output_create_npy(path, ROWSORT_DTYPE_I32, 2, shape, &out, &err),
                     RSIO_OK);
    memset(out.data, 0, 32);
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_OK);

    ck_assert_int_eq(rsio_output_open_existing(path, ROWSORT_DTYPE_I32, 2, shape, NULL, &out, &err),
                     RSIO_OK);
    ck_assert_str_eq(out.temp_path, "");
    int32_t *d = out.data;
    d[2] = 7; /* row 1 */
    ck_assert_int_eq(rsio_output_sync(&out, &err), RSIO_OK);
    ck_assert_int_eq(rsio_output_open_existing(path, ROWSORT_DTYPE_I32, 2, shape, NULL, &out, &err),
                     RSIO_OK);
    ck_assert_int_eq(((int32_t *)out.data)[2], 7);
    rsio_output_close(&out);
    rsio_output_close(&out); /* twice is fine */

    const size_t other[2] = {4, 3};
    ck_assert_int_eq(rsio_output_open_existing(path, ROWSORT_DTYPE_I32, 2, other, NULL, &out, &err),
                     RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "the output does not match"));
    ck_assert_int_eq(rsio_output_open_existing(path, ROWSORT_DTYPE_F32, 2, shape, NULL, &out, &err),
                     RSIO_BAD_INPUT);
    ck_assert_int_eq(rsio_output_open_existing(iofx_path("none.npy"), ROWSORT_DTYPE_I32, 2, shape,
                                               NULL, &out, &err),
                     RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "cannot open the output: No such file or directory");
}
END_TEST

static int cmp_f32(unsigned flags, float a, float b)
{
    return rsio_order_compare(ROWSORT_DTYPE_F32, flags, &a, &b);
}

START_TEST(test_order)
{
    const float nan = NAN, inf = INFINITY;
    const float neg_nan = -NAN;
    ck_assert_int_lt(cmp_f32(0, 1.0f, 2.0f), 0);
    ck_assert_int_eq(cmp_f32(0, -0.0f, 0.0f), 0);
    ck_assert_int_gt(cmp_f32(0, nan, inf), 0);
    ck_assert_int_eq(cmp_f32(0, nan, neg_nan), 0);
    ck_assert_int_lt(cmp_f32(ROWSORT_DESCENDING, nan, inf), 0); /* NaNs first descending */
    ck_assert_int_gt(cmp_f32(ROWSORT_DESCENDING | ROWSORT_NANS_LAST, nan, -inf), 0);
    ck_assert_int_lt(cmp_f32(ROWSORT_DESCENDING, 2.0f, 1.0f), 0);
    ck_assert_int_lt(cmp_f32(ROWSORT_TOTAL_ORDER, -0.0f, 0.0f), 0);
    ck_assert_int_lt(cmp_f32(ROWSORT_TOTAL_ORDER, neg_nan, -inf), 0);
    ck_assert_int_gt(cmp_f32(ROWSORT_TOTAL_ORDER, nan, inf), 0);
    ck_assert_int_gt(cmp_f32(ROWSORT_TOTAL_ORDER | ROWSORT_NANS_LAST, neg_nan, inf), 0);
    const int8_t a = -5, b = 3;
    ck_assert_int_lt(rsio_order_compare(ROWSORT_DTYPE_I8, 0, &a, &b), 0);
    const uint8_t t = 7, f = 0; /* bool: any non-zero byte is true */
    const uint8_t one = 1;
    ck_assert_int_gt(rsio_order_compare(ROWSORT_DTYPE_BOOL, 0, &t, &f), 0);
    ck_assert_int_eq(rsio_order_compare(ROWSORT_DTYPE_BOOL, 0, &t, &one), 0);
    const int64_t lo = INT64_MIN, hi = INT64_MAX;
    ck_assert_int_lt(rsio_order_compare(ROWSORT_DTYPE_I64, 0, &lo, &hi), 0);
    const float c1[2] = {1.0f, nan}, c2[2] = {1.0f, 5.0f}; /* complex: (real, imag) */
    ck_assert_int_gt(rsio_order_compare(ROWSORT_DTYPE_C64, 0, c1, c2), 0);
    const uint16_t h1 = 0x3c00, h2 = 0xbc00, hn = 0x7e00; /* f16 1, -1, NaN */
    ck_assert_int_gt(rsio_order_compare(ROWSORT_DTYPE_F16, 0, &h1, &h2), 0);
    ck_assert_int_gt(rsio_order_compare(ROWSORT_DTYPE_F16, 0, &hn, &h1), 0);
    const uint16_t b1 = 0x3f80, bi = 0x7f80; /* bf16 1, +inf */
    ck_assert_int_lt(rsio_order_compare(ROWSORT_DTYPE_BF16, 0, &b1, &bi), 0);
}
END_TEST

START_TEST(test_parse_bytes)
{
    size_t v = 0;
    ck_assert_int_eq(rsio_parse_bytes("512M", &v), 0);
    ck_assert_uint_eq(v, (size_t)512 << 20);
    ck_assert_int_eq(rsio_parse_bytes("2G", &v), 0);
    ck_assert_uint_eq(v, (size_t)2 << 30);
    ck_assert_int_eq(rsio_parse_bytes("64KiB", &v), 0);
    ck_assert_uint_eq(v, (size_t)64 << 10);
    ck_assert_int_eq(rsio_parse_bytes("1000", &v), 0);
    ck_assert_uint_eq(v, 1000);
    ck_assert_int_eq(rsio_parse_bytes("3gb", &v), 0);
    ck_assert_uint_eq(v, (size_t)3 << 30);
    static const char *const bad[] = {
        "", "M", "0", "-1M", "1.5G", "12Q", "1M1", "99999999999T", "18446744073709551616"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(rsio_parse_bytes(bad[i], &v) == -1, "accepted '%s'", bad[i]);
    ck_assert_uint_ge(rsio_memory_default(), (size_t)64 << 20);
}
END_TEST

static Suite *layouts_suite(void)
{
    Suite *s = suite_create("io_layouts");
    TCase *tc = tcase_create("layouts");
    tcase_add_checked_fixture(tc, iofx_make_dir, iofx_remove_dir);
    tcase_add_test(tc, test_fortran_2d);
    tcase_add_test(tc, test_fortran_3d_big_endian);
    tcase_add_test(tc, test_byteswap);
    tcase_add_test(tc, test_raw_in_and_out);
    tcase_add_test(tc, test_big_endian_header);
    tcase_add_test(tc, test_open_existing);
    tcase_add_test(tc, test_order);
    tcase_add_test(tc, test_parse_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(layouts_suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
