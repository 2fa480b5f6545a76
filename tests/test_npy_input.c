/* test_npy_input.c - Check suite for io/npy_input.c: opening and mapping .npy inputs. */
#define _POSIX_C_SOURCE 200809L /* mkfifo */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_fixtures.h"
#include "rsio.h"

/* Writes name: our header for (dtype, shape), then data_len bytes counting up from 1. */
static const char *write_npy(const char *name, rowsort_dtype dtype, size_t ndim,
                             const size_t *shape, size_t data_len)
{
    unsigned char *data = malloc(data_len + 1);
    ck_assert_ptr_nonnull(data);
    for (size_t i = 0; i < data_len; i++)
        data[i] = (unsigned char)(i + 1);
    const char *path = iofx_write_npy(name, dtype, ndim, shape, data, data_len);
    free(data);
    return path;
}

/* Writes name with a hand-made header: dict padded to 64 bytes, then data_len zero bytes. */
static const char *write_dict(const char *name, unsigned major, const char *dict, size_t data_len)
{
    return iofx_write_npy_dict(name, major, dict, NULL, data_len);
}

static void expect_fail(const char *path, rsio_kind kind, const char *needle)
{
    rsio_input in;
    rsio_error err;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(rsio_input_open_npy(path, &in, &err), kind);
    ck_assert_int_eq(err.kind, kind);
    ck_assert_msg(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'", err.message,
                  needle);
    ck_assert_str_eq(err.path, path == NULL ? "" : path);
    ck_assert_ptr_null(in.map);
    ck_assert_ptr_null(in.data);
    rsio_input_close(&in); /* safe after a failed open */
}

/* ---- opening ---- */

static const size_t sizes[ROWSORT_DTYPE_COUNT] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 2, 4, 8, 8, 16};

START_TEST(test_open_every_dtype)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const size_t shape[2] = {3, 5};
    const size_t bytes = 15 * sizes[dtype];
    const char *path = write_npy("a.npy", dtype, 2, shape, bytes);
    rsio_input in;
    rsio_error err;
    ck_assert_msg(rsio_input_open_npy(path, &in, &err) == RSIO_OK, "%s", err.message);
    ck_assert_int_eq(in.hdr.dtype, dtype);
    ck_assert_uint_eq(in.rows, 3);
    ck_assert_uint_eq(in.n, 5);
    ck_assert_uint_eq(in.hdr.data_bytes, bytes);
    ck_assert_uint_eq(in.hdr.data_offset % 64, 0);
    ck_assert_ptr_nonnull(in.data);
    const unsigned char *data = in.data;
    for (size_t i = 0; i < bytes; i++)
        ck_assert_uint_eq(data[i], (unsigned char)(i + 1));
    rsio_input_close(&in);
    ck_assert_ptr_null(in.data);
    rsio_input_close(&in); /* twice is fine */
}
END_TEST

static const struct layout_case {
    size_t ndim;
    size_t shape[3];
    size_t rows, n;
} layout_cases[] = {
    {0, {0}, 1, 1},       {1, {7}, 1, 7},    {2, {4, 6}, 4, 6}, {3, {2, 3, 4}, 6, 4},
    {1, {0}, 1, 0},       {2, {0, 5}, 0, 5}, {2, {4, 0}, 4, 0}, {3, {2, 0, 3}, 0, 3},
    {3, {1, 1, 1}, 1, 1}, {2, {1, 9}, 1, 9},
};

START_TEST(test_open_layouts)
{
    const struct layout_case *lc = &layout_cases[_i];
    size_t count = 1;
    for (size_t i = 0; i < lc->ndim; i++)
        count *= lc->shape[i];
    const char *path = write_npy("a.npy", ROWSORT_DTYPE_I32, lc->ndim, lc->shape, count * 4);
    rsio_input in;
    rsio_error err;
    ck_assert_msg(rsio_input_open_npy(path, &in, &err) == RSIO_OK, "%s", err.message);
    ck_assert_uint_eq(in.rows, lc->rows);
    ck_assert_uint_eq(in.n, lc->n);
    ck_assert_uint_eq(in.rows * in.n, count);
    ck_assert_uint_eq(in.hdr.ndim, lc->ndim);
    if (count == 0)
        ck_assert_ptr_null(in.data);
    else
        ck_assert_ptr_eq(in.data, (const char *)in.map + in.hdr.data_offset);
    rsio_input_close(&in);
}
END_TEST

START_TEST(test_open_versions)
{
    static const char dict[] = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }";
    for (unsigned major = 1; major <= 3; major++) {
        const char *path = write_dict("v.npy", major, dict, 12);
        rsio_input in;
        rsio_error err;
        ck_assert_msg(rsio_input_open_npy(path, &in, &err) == RSIO_OK, "%s", err.message);
        ck_assert_int_eq(in.hdr.version_major, (int)major);
        ck_assert_uint_eq(in.rows, 2);
        ck_assert_uint_eq(in.n, 3);
        rsio_input_close(&in);
    }
}
END_TEST

START_TEST(test_open_accepted_layouts)
{
    rsio_input in;
    rsio_error err;
    /* A 1-D array is the same in Fortran order; byte order does not apply to 1-byte types;
     * '|V2' is bfloat16 as ml_dtypes saves it. */
    const char *path =
        write_dict("f.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (4,), }", 32);
    ck_assert_msg(rsio_input_open_npy(path, &in, &err) == RSIO_OK, "%s", err.message);
    ck_assert_uint_eq(in.n, 4);
    rsio_input_close(&in);
    path = write_dict("b.npy", 1, "{'descr': '>u1', 'fortran_order': False, 'shape': (2, 2), }", 4);
    ck_assert_msg(rsio_input_open_npy(path, &in, &err) == RSIO_OK, "%s", err.message);
    rsio_input_close(&in);
    path =
        write_dict("bf.npy", 1, "{'descr': '|V2', 'fortran_order': False, 'shape': (3, 2), }", 12);
    ck_assert_msg(rsio_input_open_npy(path, &in, &err) == RSIO_OK, "%s", err.message);
    ck_assert_int_eq(in.hdr.dtype, ROWSORT_DTYPE_BF16);
    rsio_input_close(&in);
}
END_TEST

/* ---- refusals ---- */

START_TEST(test_truncated_and_long)
{
    const size_t shape[2] = {3, 5};
    const char *path = write_npy("t.npy", ROWSORT_DTYPE_F32, 2, shape, 59);
    expect_fail(path, RSIO_BAD_INPUT,
                "file is truncated: header says 60 bytes of data, file has 59");
    path = write_npy("t0.npy", ROWSORT_DTYPE_F32, 2, shape, 0);
    expect_fail(path, RSIO_BAD_INPUT,
                "file is truncated: header says 60 bytes of data, file has 0");
    path = write_npy("l.npy", ROWSORT_DTYPE_F32, 2, shape, 61);
    expect_fail(path, RSIO_BAD_INPUT,
                "file is longer than its header says: header says 60 bytes of data, file has 61");
    /* Cut inside the header: the header length runs past the end. */
    char header[256];
    const size_t len = rsio_npy_format_header(ROWSORT_DTYPE_F32, 2, shape, header, sizeof header);
    path = iofx_path("h.npy");
    iofx_write_file(path, header, len - 1, NULL, 0);
    expect_fail(path, RSIO_BAD_INPUT, "file is truncated");
    iofx_write_file(path, header, 9, NULL, 0);
    expect_fail(path, RSIO_BAD_INPUT, "file is truncated");
}
END_TEST

START_TEST(test_fortran_and_big_endian)
{
    /* Accepted since issue 6, flagged not native: readers go through rsio_input_read_rows. */
    static const struct {
        const char *name;
        unsigned major;
        const char *dict;
        size_t bytes;
        int native;
    } cases[] = {
        {"f.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 5), }", 60, 0},
        {"f3.npy", 3, "{'descr': '<u1', 'fortran_order': True, 'shape': (2, 1, 2), }", 4, 0},
        {"be.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (3, 5), }", 60, 0},
        {"be1.npy", 1, "{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", 16, 0},
        {"f1.npy", 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (4,), }", 32, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = write_dict(cases[i].name, cases[i].major, cases[i].dict, cases[i].bytes);
        rsio_input in;
        rsio_error err;
        ck_assert_int_eq(rsio_input_open_npy(path, &in, &err), RSIO_OK);
        ck_assert_int_eq(in.native, cases[i].native);
        rsio_input_close(&in);
    }
}
END_TEST

START_TEST(test_not_npy)
{
    const char *path = iofx_path("empty.npy");
    iofx_write_file(path, "", 0, NULL, 0);
    expect_fail(path, RSIO_BAD_INPUT, "not an .npy file (bad magic)");
    path = iofx_path("text.npy");
    iofx_write_file(path, "hello, world\n", 13, NULL, 0);
    expect_fail(path, RSIO_BAD_INPUT, "not an .npy file (bad magic)");
    path = write_dict("obj.npy", 1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 40);
    expect_fail(path, RSIO_BAD_INPUT, "object arrays are not supported");
    path = write_dict("u.npy", 1, "{'descr': '<U5', 'fortran_order': False, 'shape': (2,), }", 40);
    expect_fail(path, RSIO_BAD_INPUT, "unsupported dtype '<U5'");
}
END_TEST

START_TEST(test_open_errors)
{
    rsio_input in;
    rsio_error err;
    const char *missing = iofx_path("missing.npy");
    ck_assert_int_eq(rsio_input_open_npy(missing, &in, &err), RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "cannot open: No such file or directory");
    ck_assert_int_eq(err.errno_value, ENOENT);
    ck_assert_str_eq(err.path, missing);

    /* A path through a regular file. */
    iofx_write_file(iofx_path("file"), "x", 1, NULL, 0);
    char through[600];
    snprintf(through, sizeof through, "%s/x.npy", iofx_path("file"));
    ck_assert_int_eq(rsio_input_open_npy(through, &in, &err), RSIO_BAD_INPUT);
    ck_assert_int_eq(err.errno_value, ENOTDIR);

    expect_fail(iofx_dir(), RSIO_BAD_INPUT, "is a directory");

    /* A FIFO is refused at once rather than waited on. */
    const char *fifo = iofx_path("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    expect_fail(fifo, RSIO_BAD_INPUT, "not a regular file");

    ck_assert_int_eq(rsio_input_open_npy("", &in, &err), RSIO_BAD_INPUT);
    ck_assert_int_eq(rsio_input_open_npy(NULL, &in, &err), RSIO_BAD_INPUT);
    ck_assert_int_eq(rsio_input_open_npy(missing, NULL, &err), RSIO_BAD_INPUT);
    ck_assert_int_eq(rsio_input_open_npy(missing, &in, NULL), RSIO_BAD_INPUT);

    /* Root reads anything: the permission case only means something for other users. */
    if (geteuid() != 0) {
        const size_t shape[1] = {2};
        const char *path = write_npy("locked.npy", ROWSORT_DTYPE_U8, 1, shape, 2);
        ck_assert_int_eq(chmod(path, 0), 0);
        expect_fail(path, RSIO_RUNTIME, "cannot open: Permission denied");
    }
}
END_TEST

START_TEST(test_close_zeroed)
{
    /* close on a zeroed struct closes no descriptor (fd 0 is not ours). */
    const int before = fcntl(0, F_GETFD);
    rsio_input in;
    memset(&in, 0, sizeof in);
    rsio_input_close(&in);
    rsio_input_close(NULL);
    ck_assert_int_eq(fcntl(0, F_GETFD), before);
}
END_TEST

START_TEST(test_input_survives_unlink)
{
    /* The mapping holds the data even when the file's name goes away (rename over it). */
    const size_t shape[1] = {100};
    const char *path = write_npy("gone.npy", ROWSORT_DTYPE_U8, 1, shape, 100);
    rsio_input in;
    rsio_error err;
    ck_assert_int_eq(rsio_input_open_npy(path, &in, &err), RSIO_OK);
    ck_assert_int_eq(unlink(path), 0);
    const unsigned char *data = in.data;
    ck_assert_uint_eq(data[99], 100);
    rsio_input_close(&in);
}
END_TEST

static Suite *npy_input_suite(void)
{
    Suite *s = suite_create("npy_input");
    TCase *tc = tcase_create("open");
    tcase_add_checked_fixture(tc, iofx_make_dir, iofx_remove_dir);
    tcase_add_loop_test(tc, test_open_every_dtype, 0, ROWSORT_DTYPE_COUNT);
    tcase_add_loop_test(tc, test_open_layouts, 0, sizeof layout_cases / sizeof layout_cases[0]);
    tcase_add_test(tc, test_open_versions);
    tcase_add_test(tc, test_open_accepted_layouts);
    tcase_add_test(tc, test_input_survives_unlink);
    tcase_add_test(tc, test_close_zeroed);
    suite_add_tcase(s, tc);

    tc = tcase_create("refuse");
    tcase_add_checked_fixture(tc, iofx_make_dir, iofx_remove_dir);
    tcase_add_test(tc, test_truncated_and_long);
    tcase_add_test(tc, test_fortran_and_big_endian);
    tcase_add_test(tc, test_not_npy);
    tcase_add_test(tc, test_open_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(npy_input_suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
