/* test_outfile.c - Check suite for io/outfile.c: atomic .npy outputs. */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_fixtures.h"
#include "rsio.h"

/* ---- the scratch folder (io_fixtures.h) ---- */

/* The names in the scratch folder, sorted and joined by spaces: "" when empty. */
static const char *listing(void)
{
    static char names[2048];
    char *list[64];
    size_t count = 0;
    DIR *d = opendir(iofx_dir());
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 64)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            list[count++] = strdup(e->d_name);
    closedir(d);
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
            char *t = list[j];
            list[j] = list[j - 1];
            list[j - 1] = t;
        }
    names[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            strcat(names, " ");
        strncat(names, list[i], sizeof names - strlen(names) - 2);
        free(list[i]);
    }
    return names;
}

static off_t file_size(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return st.st_size;
}

static void write_file(const char *path, const char *text)
{
    iofx_write_file(path, text, strlen(text), NULL, 0);
}

/* ---- create, commit ---- */

static const size_t sizes[ROWSORT_DTYPE_COUNT] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 2, 4, 8, 8, 16};

START_TEST(test_commit_every_dtype)
{
    const rowsort_dtype dtype = (rowsort_dtype)_i;
    const size_t shape[2] = {3, 7};
    const size_t bytes = 21 * sizes[dtype];
    const char *path = iofx_path("out.npy");
    rsio_output out;
    rsio_error err;
    ck_assert_msg(rsio_output_create_npy(path, dtype, 2, shape, &out, &err) == RSIO_OK, "%s",
                  err.message);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_str_eq(out.final_path, path);
    /* Only the temporary exists, beside the final name, named after it. */
    ck_assert_int_eq(access(path, F_OK), -1);
    const char *names = listing();
    ck_assert_msg(strncmp(names, ".out.npy.rowsort-", 17) == 0 && strlen(names) == 23,
                  "folder holds '%s'", names);
    ck_assert_str_eq(strrchr(out.temp_path, '/') + 1, names);
    unsigned char *data = out.data;
    for (size_t i = 0; i < bytes; i++)
        data[i] = (unsigned char)(i * 7 + 3);
    ck_assert_msg(rsio_output_commit(&out, &err) == RSIO_OK, "%s", err.message);
    ck_assert_str_eq(listing(), "out.npy");
    ck_assert_ptr_null(out.data);

    /* Exact size, a header that parses, the data we wrote. */
    rsio_input in;
    ck_assert_msg(rsio_input_open_npy(path, &in, &err) == RSIO_OK, "%s", err.message);
    ck_assert_int_eq((long long)file_size(path), (long long)(in.hdr.data_offset + bytes));
    ck_assert_int_eq(in.hdr.dtype, dtype);
    ck_assert_uint_eq(in.rows, 3);
    ck_assert_uint_eq(in.n, 7);
    const unsigned char *back = in.data;
    for (size_t i = 0; i < bytes; i++)
        ck_assert_uint_eq(back[i], (unsigned char)(i * 7 + 3));
    rsio_input_close(&in);

    /* Done: abort is a no-op, a second commit is refused. */
    rsio_output_abort(&out);
    ck_assert_str_eq(listing(), "out.npy");
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_BAD_INPUT);
}
END_TEST

START_TEST(test_commit_shapes)
{
    static const size_t shapes[][4] = {{0}, {1, 0}, {2, 0, 5}, {2, 5, 0}, {3, 2, 3, 4}, {1, 1}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t ndim = shapes[s][0];
        const size_t *shape = &shapes[s][1];
        size_t count = 1;
        for (size_t i = 0; i < ndim; i++)
            count *= shape[i];
        const char *path = iofx_path("s.npy");
        rsio_output out;
        rsio_error err;
        ck_assert_msg(rsio_output_create_npy(path, ROWSORT_DTYPE_F64, ndim, shape, &out, &err) ==
                          RSIO_OK,
                      "%s", err.message);
        if (count == 0)
            ck_assert_ptr_null(out.data);
        else
            memset(out.data, 0x5a, count * 8);
        ck_assert_msg(rsio_output_commit(&out, &err) == RSIO_OK, "%s", err.message);
        rsio_input in;
        ck_assert_msg(rsio_input_open_npy(path, &in, &err) == RSIO_OK, "%s", err.message);
        ck_assert_uint_eq(in.hdr.ndim, ndim);
        ck_assert_uint_eq(in.hdr.data_bytes, count * 8);
        ck_assert_int_eq((long long)file_size(path), (long long)(in.hdr.data_offset + count * 8));
        rsio_input_close(&in);
    }
}
END_TEST

START_TEST(test_commit_replaces_atomically)
{
    const char *path = iofx_path("out.npy");
    write_file(path, "old contents");
    struct stat before;
    ck_assert_int_eq(stat(path, &before), 0);
    /* A reader of the old file keeps it whole throughout. */
    const int old_fd = open(path, O_RDONLY);
    ck_assert_int_ge(old_fd, 0);

    const size_t shape[1] = {4};
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(rsio_output_create_npy(path, ROWSORT_DTYPE_I32, 1, shape, &out, &err),
                     RSIO_OK);
    memcpy(out.data, "\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0", 16);
    /* Before the commit the old file is untouched under its name. */
    ck_assert_int_eq((long long)file_size(path), 12);
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_OK);

    struct stat after;
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_uint_ne(after.st_ino, before.st_ino); /* renamed over, not rewritten */
    ck_assert_str_eq(listing(), "out.npy");
    char old[16] = {0};
    ck_assert_int_eq(read(old_fd, old, sizeof old), 12);
    ck_assert_str_eq(old, "old contents");
    close(old_fd);
    rsio_input in;
    ck_assert_int_eq(rsio_input_open_npy(path, &in, &err), RSIO_OK);
    ck_assert_int_eq(((const int32_t *)in.data)[3], 4);
    rsio_input_close(&in);
}
END_TEST

/* An output named by a symbolic link replaces the link's target; the link stays. A link to
 * nothing is refused. */
START_TEST(test_commit_through_symlink)
{
    ck_assert_int_eq(mkdir(iofx_path("data"), 0700), 0);
    char target[512]; /* iofx_path's buffers are reused */
    snprintf(target, sizeof target, "%s", iofx_path("data/real.npy"));
    write_file(target, "old contents");
    ck_assert_int_eq(symlink("data/real.npy", iofx_path("link.npy")), 0);
    const size_t shape[1] = {4};
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(
        rsio_output_create_npy(iofx_path("link.npy"), ROWSORT_DTYPE_I32, 1, shape, &out, &err),
        RSIO_OK);
    memcpy(out.data, "\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0", 16);
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_OK);
    struct stat st;
    ck_assert_int_eq(lstat(iofx_path("link.npy"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    rsio_input in;
    ck_assert_int_eq(rsio_input_open_npy(target, &in, &err), RSIO_OK);
    ck_assert_int_eq(((const int32_t *)in.data)[3], 4);
    rsio_input_close(&in);
    ck_assert_str_eq(listing(), "data link.npy");

    ck_assert_int_eq(symlink("data/none.npy", iofx_path("dangling.npy")), 0);
    ck_assert_int_eq(rsio_output_create_npy(iofx_path("dangling.npy"), ROWSORT_DTYPE_I32, 1,
                                            shape, &out, &err),
                     RSIO_BAD_INPUT);
    ck_assert_msg(strstr(err.message, "symbolic link") != NULL, "%s", err.message);
    ck_assert_int_eq(lstat(iofx_path("dangling.npy"), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    unlink(iofx_path("dangling.npy"));
}
END_TEST

START_TEST(test_relative_path)
{
    char cwd[512];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(iofx_dir()), 0);
    const size_t shape[1] = {3};
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(rsio_output_create_npy("rel.npy", ROWSORT_DTYPE_U8, 1, shape, &out, &err),
                     RSIO_OK);
    ck_assert_int_eq(strncmp(out.temp_path, ".rel.npy.rowsort-", 17), 0);
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_OK);
    ck_assert_int_eq(access("rel.npy", F_OK), 0);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_str_eq(listing(), "rel.npy");
}
END_TEST

START_TEST(test_permissions_follow_umask)
{
    static const mode_t masks[3] = {022, 077, 002};
    for (int i = 0; i < 3; i++) {
        umask(masks[i]);
        const size_t shape[1] = {1};
        rsio_output out;
        rsio_error err;
        const char *path = iofx_path("p.npy");
        ck_assert_int_eq(rsio_output_create_npy(path, ROWSORT_DTYPE_U8, 1, shape, &out, &err),
                         RSIO_OK);
        ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_OK);
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        ck_assert_uint_eq(st.st_mode & 0777, 0666 & ~masks[i]);
    }
}
END_TEST

START_TEST(test_two_outputs_same_name)
{
    /* Two writers of one name get distinct temporaries; the last commit wins. */
    const char *path = iofx_path("same.npy");
    const size_t shape[1] = {2};
    rsio_output a, b;
    rsio_error err;
    ck_assert_int_eq(rsio_output_create_npy(path, ROWSORT_DTYPE_U8, 1, shape, &a, &err), RSIO_OK);
    ck_assert_int_eq(rsio_output_create_npy(path, ROWSORT_DTYPE_U8, 1, shape, &b, &err), RSIO_OK);
    ck_assert_str_ne(a.temp_path, b.temp_path);
    memcpy(a.data, "aa", 2);
    memcpy(b.data, "bb", 2);
    ck_assert_int_eq(rsio_output_commit(&a, &err), RSIO_OK);
    ck_assert_int_eq(rsio_output_commit(&b, &err), RSIO_OK);
    ck_assert_str_eq(listing(), "same.npy");
    rsio_input in;
    ck_assert_int_eq(rsio_input_open_npy(path, &in, &err), RSIO_OK);
    ck_assert_int_eq(memcmp(in.data, "bb", 2), 0);
    rsio_input_close(&in);
}
END_TEST

/* Written back first, renamed later (several outputs committed together): nothing under the
 * final name in between, the data there after. */
START_TEST(test_write_back_then_commit)
{
    const size_t shape[1] = {1000};
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(
        rsio_output_create_npy(iofx_path("wb.npy"), ROWSORT_DTYPE_I32, 1, shape, &out, &err),
        RSIO_OK);
    for (int i = 0; i < 1000; i++)
        ((int32_t *)out.data)[i] = i * 7;
    ck_assert_int_eq(rsio_output_write_back(&out, &err), RSIO_OK);
    ck_assert_ptr_null(out.data);
    ck_assert_int_ne(access(iofx_path("wb.npy"), F_OK), 0); /* not in place yet */
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_OK);
    rsio_input in;
    ck_assert_int_eq(rsio_input_open_npy(iofx_path("wb.npy"), &in, &err), RSIO_OK);
    int32_t x = 0;
    rsio_input_read_rows(&in, 0, 1, 999, 1, &x);
    ck_assert_int_eq(x, 999 * 7);
    rsio_input_close(&in);
    ck_assert_int_eq(rsio_output_write_back(&out, &err), RSIO_BAD_INPUT); /* committed */
}
END_TEST

/* A file name longer than the folder takes is refused at creation, not at the rename after
 * the sort; one just short enough works (its temporary's name is cut to fit). */
START_TEST(test_name_too_long)
{
    const size_t shape[1] = {4};
    const size_t max = rsio_name_max(iofx_path("x"), strlen(iofx_path("x")) - 1);
    char name[600];
    ck_assert_uint_lt(max, sizeof name - 8);
    memset(name, 'n', max + 1);
    strcpy(name + max + 1 - 4, ".npy");
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(rsio_output_create_npy(iofx_path(name), ROWSORT_DTYPE_I32, 1, shape, &out, &err),
                     RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "File name too long"));
    ck_assert_str_eq(listing(), "");
    strcpy(name + max - 4, ".npy"); /* max characters */
    ck_assert_int_eq(rsio_output_create_npy(iofx_path(name), ROWSORT_DTYPE_I32, 1, shape, &out, &err),
                     RSIO_OK);
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_OK);
    ck_assert_int_eq(access(iofx_path(name), F_OK), 0);
}
END_TEST

/* ---- abort and failures ---- */

START_TEST(test_abort_leaves_nothing)
{
    const size_t shape[2] = {100, 100};
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(
        rsio_output_create_npy(iofx_path("out.npy"), ROWSORT_DTYPE_F32, 2, shape, &out, &err),
        RSIO_OK);
    memset(out.data, 1, 100 * 100 * 4);
    ck_assert_str_ne(listing(), "");
    rsio_output_abort(&out);
    ck_assert_str_eq(listing(), "");
    ck_assert_ptr_null(out.data);
    rsio_output_abort(&out); /* twice */
    rsio_output_abort(NULL);
    ck_assert_int_eq(rsio_output_commit(&out, &err), RSIO_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.message, "no output to commit"));
    ck_assert_str_eq(listing(), "");

    /* An existing file under the name survives an abort untouched. */
    write_file(iofx_path("keep.npy"), "keep");
    ck_assert_int_eq(
        rsio_output_create_npy(iofx_path("keep.npy"), ROWSORT_DTYPE_F32, 2, shape, &out, &err),
        RSIO_OK);
    rsio_output_abort(&out);
    ck_assert_str_eq(listing(), "keep.npy");
    ck_assert_int_eq((long long)file_size(iofx_path("keep.npy")), 4);
}
END_TEST

START_TEST(test_abort_zeroed)
{
    /* abort on a zeroed struct closes no descriptor (fd 0 is not ours). */
    const int before = fcntl(0, F_GETFD);
    rsio_output out;
    memset(&out, 0, sizeof out);
    rsio_output_abort(&out);
    ck_assert_int_eq(fcntl(0, F_GETFD), before);
}
END_TEST

static void expect_create_fail(const char *path, rowsort_dtype dtype, size_t ndim,
                               const size_t *shape, rsio_kind kind, const char *needle)
{
    rsio_output out;
    rsio_error err;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(rsio_output_create_npy(path, dtype, ndim, shape, &out, &err), kind);
    ck_assert_int_eq(err.kind, kind);
    ck_assert_msg(strstr(err.message, needle) != NULL, "message '%s' lacks '%s'", err.message,
                  needle);
    ck_assert_str_eq(err.path, path == NULL ? "" : path);
    ck_assert_ptr_null(out.data);
    ck_assert_str_eq(out.temp_path, "");
    rsio_output_abort(&out); /* safe after a failed create */
}

START_TEST(test_create_bad_folders)
{
    const size_t shape[1] = {4};
    char path[600];
    /* A folder that does not exist. */
    snprintf(path, sizeof path, "%s/no/such/folder/out.npy", iofx_dir());
    expect_create_fail(path, ROWSORT_DTYPE_F32, 1, shape, RSIO_BAD_INPUT,
                       "cannot create the output in its folder: No such file or directory");
    /* A "folder" that is a regular file. */
    write_file(iofx_path("file"), "x");
    snprintf(path, sizeof path, "%s/file/out.npy", iofx_dir());
    expect_create_fail(path, ROWSORT_DTYPE_F32, 1, shape, RSIO_BAD_INPUT,
                       "cannot create the output in its folder: Not a directory");
    /* The output names a folder. */
    ck_assert_int_eq(mkdir(iofx_path("sub"), 0700), 0);
    expect_create_fail(iofx_path("sub"), ROWSORT_DTYPE_F32, 1, shape, RSIO_BAD_INPUT,
                       "is a directory");
    snprintf(path, sizeof path, "%s/sub/", iofx_dir());
    expect_create_fail(path, ROWSORT_DTYPE_F32, 1, shape, RSIO_BAD_INPUT, "names a folder");
    snprintf(path, sizeof path, "%s/sub/..", iofx_dir());
    expect_create_fail(path, ROWSORT_DTYPE_F32, 1, shape, RSIO_BAD_INPUT, "names a folder");
    ck_assert_str_eq(listing(), "file sub");
    /* The output names a pipe (or a device, as /dev/null: not tried here, since a failure
     * would replace it): refused, and the pipe stays a pipe. */
    ck_assert_int_eq(mkfifo(iofx_path("pipe"), 0600), 0);
    expect_create_fail(iofx_path("pipe"), ROWSORT_DTYPE_F32, 1, shape, RSIO_BAD_INPUT,
                       "is not a regular file");
    struct stat st;
    ck_assert_int_eq(stat(iofx_path("pipe"), &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    ck_assert_str_eq(listing(), "file pipe sub");
    unlink(iofx_path("pipe"));
    /* A read-only folder (only for non-root: root writes anywhere). */
    if (geteuid() != 0) {
        ck_assert_int_eq(chmod(iofx_path("sub"), 0555), 0);
        snprintf(path, sizeof path, "%s/sub/out.npy", iofx_dir());
        expect_create_fail(path, ROWSORT_DTYPE_F32, 1, shape, RSIO_BAD_INPUT, "Permission denied");
        chmod(iofx_path("sub"), 0700);
    }
}
END_TEST

START_TEST(test_create_bad_arguments)
{
    const size_t shape[2] = {SIZE_MAX / 2, 4};
    const char *path = iofx_path("out.npy");
    expect_create_fail(path, ROWSORT_DTYPE_F32, 2, shape, RSIO_BAD_INPUT, "array size overflows");
    const size_t zero_beside_huge[2] = {0, SIZE_MAX};
    expect_create_fail(path, ROWSORT_DTYPE_U8, 2, zero_beside_huge, RSIO_BAD_INPUT,
                       "array size overflows");
    expect_create_fail(path, ROWSORT_DTYPE_COUNT, 2, shape, RSIO_BAD_INPUT, "unknown dtype");
    expect_create_fail(path, ROWSORT_DTYPE_F32, RSIO_MAX_NDIM + 1, shape, RSIO_BAD_INPUT,
                       "bad output shape");
    expect_create_fail(path, ROWSORT_DTYPE_F32, 2, NULL, RSIO_BAD_INPUT, "bad output shape");
    expect_create_fail("", ROWSORT_DTYPE_F32, 2, shape, RSIO_BAD_INPUT, "no output file given");
    expect_create_fail(NULL, ROWSORT_DTYPE_F32, 2, shape, RSIO_BAD_INPUT, "no output file given");
    char long_path[1100];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[sizeof long_path - 1] = '\0';
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(rsio_output_create_npy(long_path, ROWSORT_DTYPE_F32, 0, NULL, &out, &err),
                     RSIO_BAD_INPUT);
    ck_assert_str_eq(err.message, "output path too long");
    ck_assert_int_eq(rsio_output_create_npy(path, ROWSORT_DTYPE_F32, 0, NULL, NULL, &err),
                     RSIO_BAD_INPUT);
    ck_assert_str_eq(listing(), "");
}
END_TEST

START_TEST(test_no_space_is_runtime)
{
    /* A file size limit makes reserving the blocks fail as a full disk would (EFBIG). */
    signal(SIGXFSZ, SIG_IGN);
    const struct rlimit limit = {4096, 4096};
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &limit), 0);
    const size_t shape[2] = {100, 1000};
    rsio_output out;
    rsio_error err;
    ck_assert_int_eq(
        rsio_output_create_npy(iofx_path("big.npy"), ROWSORT_DTYPE_F32, 2, shape, &out, &err),
        RSIO_RUNTIME);
    ck_assert_int_eq(err.errno_value, EFBIG);
    ck_assert_ptr_nonnull(strstr(err.message, "cannot reserve 400128 bytes for the output"));
    ck_assert_str_eq(listing(), "");
    ck_assert_str_eq(out.temp_path, "");
    rsio_output_abort(&out);
}
END_TEST

static Suite *outfile_suite(void)
{
    Suite *s = suite_create("outfile");
    TCase *tc = tcase_create("commit");
    tcase_add_checked_fixture(tc, iofx_make_dir, iofx_remove_dir);
    tcase_add_loop_test(tc, test_commit_every_dtype, 0, ROWSORT_DTYPE_COUNT);
    tcase_add_test(tc, test_commit_shapes);
    tcase_add_test(tc, test_write_back_then_commit);
    tcase_add_test(tc, test_name_too_long);
    tcase_add_test(tc, test_commit_replaces_atomically);
    tcase_add_test(tc, test_commit_through_symlink);
    tcase_add_test(tc, test_relative_path);
    tcase_add_test(tc, test_permissions_follow_umask);
    tcase_add_test(tc, test_two_outputs_same_name);
    suite_add_tcase(s, tc);

    tc = tcase_create("fail");
    tcase_add_checked_fixture(tc, iofx_make_dir, iofx_remove_dir);
    tcase_add_test(tc, test_abort_leaves_nothing);
    tcase_add_test(tc, test_abort_zeroed);
    tcase_add_test(tc, test_create_bad_folders);
    tcase_add_test(tc, test_create_bad_arguments);
    tcase_add_test(tc, test_no_space_is_runtime);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(outfile_suite());
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
