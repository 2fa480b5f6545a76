/* test_extsort.c - Check suite for io/extsort.c and io/window.c: files sorted under a memory
 * budget (windows of rows, rows out of core) give the engine's in-memory results, byte for
 * byte (stable sorts, so the result is unique). */
#define _POSIX_C_SOURCE 200809L /* opendir */

#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck_expect.h"
#include "io_fixtures.h"
#include "rsio.h"

/* Leftover files in the folder (temporaries of runs must not stay). */
static int count_files(void)
{
    DIR *d = opendir(iofx_dir());
    ck_assert_ptr_nonnull(d);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        count += e->d_name[0] != '.' || strstr(e->d_name, "rowsort") != NULL;
    closedir(d);
    return count;
}

static uint64_t rng_state;
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Fills count items of dtype with few distinct values (ties), and for floats NaNs of both
 * signs, signed zeros and infinities. */
static void fill(rowsort_dtype dtype, void *p, size_t count)
{
    const size_t isz = rowsort_dtype_size(dtype);
    unsigned char *b = p;
    for (size_t i = 0; i < count; i++) {
        const uint64_t r = rng();
        if (dtype == ROWSORT_DTYPE_F32 || dtype == ROWSORT_DTYPE_C64) {
            for (size_t h = 0; h < isz / 4; h++) {
                static const uint32_t special[] = {0x7fc00000u, 0xffc00001u, 0x80000000u,
                                                   0,           0x7f800000u, 0xff800000u};
                const uint64_t s = rng();
                float f = (float)(int)(s % 50) - 25.0f;
                uint32_t u;
                memcpy(&u, &f, 4);
                if (s % 16 == 0)
                    u = special[(s >> 8) % 6];
                memcpy(b + i * isz + h * 4, &u, 4);
            }
        } else if (dtype == ROWSORT_DTYPE_F64) {
            double d = (double)(int)(r % 1000) / 8.0 - 60.0;
            if (r % 32 == 0)
                d = r % 64 == 0 ? NAN : -0.0;
            memcpy(b + i * isz, &d, 8);
        } else {
            const uint64_t v = r % 37 * 0x0101010101010101u; /* ties */
            memcpy(b + i * isz, &v, isz);
        }
    }
}

static const char *write_npy_data(const char *name, rowsort_dtype dtype, size_t rows, size_t n,
                                  const void *data)
{
    const size_t shape[2] = {rows, n};
    return iofx_write_npy(name, dtype, 2, shape, data, rows * n * rowsort_dtype_size(dtype));
}

typedef struct sort_case {
    size_t rows, n, nops, num_keys;
    rowsort_dtype dtypes[3];
    unsigned flags;
    rowsort_select select;
    size_t k;
    int with_indices;
} sort_case;

static rowsort_ctx *make_ctx(void)
{
    rowsort_options o;
    rowsort_options_init(&o);
    o.threads = 2;
    o.pin = ROWSORT_PIN_NONE;
    rowsort_status s;
    rowsort_ctx *ctx = rowsort_create(&o, &s);
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

/* Sorts c's data with the engine in memory (expected), and through files with rsio: by
 * rsio_sort_run under `budget` when run_elems is 0, else row by row with rsio_extsort_row
 * and run_elems; compares every output byte. */
static void check_case(const sort_case *c, size_t budget, size_t run_elems)
{
    rowsort_ctx *ctx = make_ctx();
    const size_t out_n = c->select != ROWSORT_SELECT_ALL ? c->k : c->n;
    void *data[3], *expect[3];
    rowsort_array ops[3], outs[3];
    rsio_input in[3];
    rsio_output out[3], idx_out;
    rsio_error err;
    for (size_t i = 0; i < c->nops; i++) {
        const size_t isz = rowsort_dtype_size(c->dtypes[i]);
        data[i] = malloc(c->rows * c->n * isz + 1);
        expect[i] = malloc(c->rows * out_n * isz + 1);
        fill(c->dtypes[i], data[i], c->rows * c->n);
        ops[i] = (rowsort_array){data[i], c->dtypes[i], 0};
        outs[i] = (rowsort_array){expect[i], c->dtypes[i], 0};
        char name[32];
        snprintf(name, sizeof name, "in%zu.npy", i);
        const char *path = write_npy_data(name, c->dtypes[i], c->rows, c->n, data[i]);
        ck_assert_int_eq(rsio_input_open_npy(path, &in[i], &err), RSIO_OK);
        const size_t shape[2] = {c->rows, out_n};
        snprintf(name, sizeof name, "out%zu.npy", i);
        ck_assert_int_eq(
            rsio_output_create_npy(iofx_path(name), c->dtypes[i], 2, shape, &out[i], &err),
            RSIO_OK);
    }
    int64_t *expect_idx = malloc(c->rows * out_n * 8 + 8);
    rowsort_request req;
    rowsort_request_init(&req);
    req.rows = c->rows;
    req.n = c->n;
    req.operands = ops;
    req.outputs = outs;
    req.num_operands = c->nops;
    req.num_keys = c->num_keys;
    req.flags = c->flags;
    req.select = c->select;
    req.k = c->k;
    req.indices = (rowsort_array){expect_idx, ROWSORT_DTYPE_I64, 0};
    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);

    const size_t shape[2] = {c->rows, out_n};
    if (c->with_indices)
        ck_assert_int_eq(rsio_output_create_npy(iofx_path("idx.npy"), ROWSORT_DTYPE_I64, 2, shape,
                                                &idx_out, &err),
                         RSIO_OK);
    rsio_sort_job job;
    memset(&job, 0, sizeof job);
    job.ctx = ctx;
    job.inputs = in;
    job.num_operands = c->nops;
    job.num_keys = c->num_keys;
    job.flags = c->flags;
    job.select = c->select;
    job.k = c->k;
    job.outputs = out;
    job.indices = c->with_indices ? &idx_out : NULL;
    job.index_dtype = ROWSORT_DTYPE_I64;
    job.row_begin = 0;
    job.row_end = c->rows;
    job.memory_limit_bytes = budget;
    if (run_elems == 0) {
        rsio_sort_stats stats;
        ck_assert_msg(rsio_sort_run(&job, &stats, &err) == RSIO_OK, "%s", err.message);
    } else {
        for (size_t r = 0; r < c->rows; r++) {
            size_t runs = 0;
            ck_assert_msg(rsio_extsort_row(&job, r, run_elems, budget, &runs, &err) == RSIO_OK,
                          "%s", err.message);
            ck_assert_uint_eq(runs, (c->n + run_elems - 1) / run_elems);
        }
    }
    for (size_t i = 0; i < c->nops; i++) {
        const size_t bytes = c->rows * out_n * rowsort_dtype_size(c->dtypes[i]);
        ck_assert_msg(bytes == 0 || memcmp(out[i].data, expect[i], bytes) == 0,
                      "operand %zu differs (rows %zu n %zu flags %u select %d k %zu runs of %zu)",
                      i, c->rows, c->n, c->flags, (int)c->select, c->k, run_elems);
    }
    if (c->with_indices && c->rows * out_n > 0)
        ck_assert(memcmp(idx_out.data, expect_idx, c->rows * out_n * 8) == 0);
    for (size_t i = 0; i < c->nops; i++) {
        ck_assert_int_eq(rsio_output_commit(&out[i], &err), RSIO_OK);
        rsio_input_close(&in[i]);
        free(data[i]);
        free(expect[i]);
    }
    if (c->with_indices)
        ck_assert_int_eq(rsio_output_commit(&idx_out, &err), RSIO_OK);
    /* inputs + outputs (+ indices): no run file left */
    ck_assert_int_eq(count_files(), (int)(2 * c->nops + (c->with_indices ? 1 : 0)));
    free(expect_idx);
    rowsort_destroy(ctx);
}

static const unsigned flag_sets[] = {
    ROWSORT_STABLE,
    ROWSORT_STABLE | ROWSORT_DESCENDING,
    ROWSORT_STABLE | ROWSORT_DESCENDING | ROWSORT_NANS_LAST,
    ROWSORT_STABLE | ROWSORT_TOTAL_ORDER,
    ROWSORT_STABLE | ROWSORT_TOTAL_ORDER | ROWSORT_DESCENDING | ROWSORT_NANS_LAST,
};

START_TEST(test_extsort_one_key)
{
    rng_state = 1000 + (uint64_t)_i;
    static const rowsort_dtype dtypes[] = {ROWSORT_DTYPE_F32, ROWSORT_DTYPE_I16, ROWSORT_DTYPE_F64,
                                           ROWSORT_DTYPE_U8, ROWSORT_DTYPE_C64};
    static const size_t runs[] = {1, 7, 100, 999, 5000};
    const size_t nflags = sizeof flag_sets / sizeof flag_sets[0];
    const size_t nd = sizeof dtypes / sizeof dtypes[0];
    sort_case c = {2,
                   3001,
                   1,
                   1,
                   {dtypes[(size_t)_i % nd]},
                   flag_sets[(size_t)_i / nd % nflags],
                   ROWSORT_SELECT_ALL,
                   0,
                   1};
    printf("extsort one key: seed %d dtype %d flags %u\n", 1000 + _i, (int)c.dtypes[0], c.flags);
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++)
        check_case(&c, 64 << 20, runs[r]);
}
END_TEST

START_TEST(test_extsort_operands_and_topk)
{
    rng_state = 77;
    /* two keys (ties in the first) and a payload */
    sort_case c = {3,
                   2000,
                   3,
                   2,
                   {ROWSORT_DTYPE_I32, ROWSORT_DTYPE_F32, ROWSORT_DTYPE_F64},
                   ROWSORT_STABLE | ROWSORT_DESCENDING,
                   ROWSORT_SELECT_ALL,
                   0,
                   1};
    check_case(&c, 64 << 20, 333);
    c.num_keys = 1;
    c.flags = ROWSORT_STABLE;
    check_case(&c, 64 << 20, 64);
    static const size_t ks[] = {0, 1, 5, 400, 2000};
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
        c.k = ks[i];
        c.select = ROWSORT_SELECT_LARGEST;
        check_case(&c, 64 << 20, 300);
        c.select = ROWSORT_SELECT_SMALLEST;
        c.flags = ROWSORT_TOTAL_ORDER;
        check_case(&c, 64 << 20, 300);
        c.flags = ROWSORT_STABLE;
    }
}
END_TEST

START_TEST(test_budget_out_of_core)
{
    /* 9 MiB leaves 1 MiB after the reserve: less than the scratch of a 100000-long row, so
     * rsio_sort_run sorts it out of core. */
    rng_state = 5;
    sort_case c = {2, 100000, 1, 1, {ROWSORT_DTYPE_F32}, ROWSORT_STABLE, ROWSORT_SELECT_ALL, 0, 1};
    check_case(&c, 9 << 20, 0);
    c.select = ROWSORT_SELECT_LARGEST;
    c.k = 1000;
    check_case(&c, 9 << 20, 0);
}
END_TEST

START_TEST(test_budget_windows)
{
    /* 1000 rows of 2000: 9 MiB allows a few dozen rows per window. */
    rng_state = 6;
    sort_case c = {1000,
                   2000,
                   2,
                   1,
                   {ROWSORT_DTYPE_U16, ROWSORT_DTYPE_F32},
                   ROWSORT_STABLE,
                   ROWSORT_SELECT_ALL,
                   0,
                   1};
    check_case(&c, (8 << 20) + (600 << 10), 0);
    check_case(&c, 0, 0); /* the default budget: one window */
    c.select = ROWSORT_SELECT_SMALLEST;
    c.k = 10;
    check_case(&c, (8 << 20) + (600 << 10), 0);
}
END_TEST

START_TEST(test_window_stats)
{
    rng_state = 8;
    rowsort_ctx *ctx = make_ctx();
    const size_t rows = 300, n = 1000;
    float *data = malloc(rows * n * 4);
    fill(ROWSORT_DTYPE_F32, data, rows * n);
    const char *path = write_npy_data("w.npy", ROWSORT_DTYPE_F32, rows, n, data);
    rsio_input in;
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(rsio_input_open_npy(path, &in, &err), RSIO_OK);
    const size_t shape[2] = {rows, n};
    ck_assert_int_eq(
        rsio_output_create_npy(iofx_path("o.npy"), ROWSORT_DTYPE_F32, 2, shape, &out, &err),
        RSIO_OK);
    rsio_sort_job job;
    memset(&job, 0, sizeof job);
    job.ctx = ctx;
    job.inputs = &in;
    job.num_operands = 1;
    job.outputs = &out;
    job.row_end = rows;
    job.memory_limit_bytes = (8 << 20) + (200 << 10);
    rsio_sort_stats stats;
    ck_assert_int_eq(rsio_sort_run(&job, &stats, &err), RSIO_OK);
    ck_assert_uint_gt(stats.windows, 1);
    ck_assert_uint_gt(stats.rows_per_window, 0);
    ck_assert_uint_eq(stats.out_of_core_rows, 0);
    /* Every row sorted (unstable: check order only). */
    const float *o = out.data;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 1; j < n; j++) {
            const float *pair = &o[r * n + j - 1];
            CK_EXPECT(rsio_order_compare(ROWSORT_DTYPE_F32, 0, pair, pair + 1) <= 0,
                      "row %zu not sorted at %zu", r, j);
        }
    /* A bad row range. */
    job.row_begin = 5;
    job.row_end = rows + 1;
    ck_assert_int_eq(rsio_sort_run(&job, &stats, &err), RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "--rows 5:301 is out of range (300 rows)");
    rsio_output_abort(&out);
    rsio_input_close(&in);
    free(data);
    rowsort_destroy(ctx);
}
END_TEST

static Suite *extsort_suite(void)
{
    Suite *s = suite_create("extsort");
    TCase *tc = tcase_create("extsort");
    tcase_add_checked_fixture(tc, iofx_make_dir, iofx_remove_dir);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_extsort_one_key, 0, 25);
    tcase_add_test(tc, test_extsort_operands_and_topk);
    tcase_add_test(tc, test_budget_out_of_core);
    tcase_add_test(tc, test_budget_windows);
    tcase_add_test(tc, test_window_stats);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(extsort_suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
