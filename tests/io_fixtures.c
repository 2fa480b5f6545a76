/* io_fixtures.c - the io suites' scratch folder and file writers (io_fixtures.h). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_fixtures.h"
#include "rsio.h"

/* Each forked test has its own copy; the fixture sets it before the test runs. */
static char dir[64];

void iofx_make_dir(void)
{
    strcpy(dir, "/tmp/rowsort-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

void iofx_remove_dir(void)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
    rmdir(dir);
}

const char *iofx_dir(void)
{
    return dir;
}

const char *iofx_path(const char *name)
{
    static char p[4][512];
    static int slot;
    slot = (slot + 1) % 4;
    snprintf(p[slot], sizeof p[slot], "%s/%s", dir, name);
    return p[slot];
}

void iofx_write_file(const char *path, const void *a, size_t a_len, const void *b, size_t b_len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(a, 1, a_len, f), a_len);
    if (b_len > 0)
        ck_assert_uint_eq(fwrite(b, 1, b_len, f), b_len);
    ck_assert_int_eq(fclose(f), 0);
}

const char *iofx_write_npy(const char *name, rowsort_dtype dtype, size_t ndim, const size_t *shape,
                           const void *data, size_t data_len)
{
    char header[1024];
    const size_t len = rsio_npy_format_header(dtype, ndim, shape, header, sizeof header);
    ck_assert_uint_gt(len, 0);
    const char *path = iofx_path(name);
    iofx_write_file(path, header, len, data, data_len);
    return path;
}

const char *iofx_write_npy_dict(const char *name, unsigned major, const char *dict,
                                const void *data, size_t data_len)
{
    const size_t prefix = major == 1 ? 10 : 12; /* magic, version, 2- or 4-byte length */
    size_t total = prefix + strlen(dict) + 1;
    total += 63 - (total + 63) % 64;
    char *buf = calloc(1, total + data_len);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (char)major;
    for (size_t i = 8; i < prefix; i++)
        buf[i] = (char)((total - prefix) >> (8 * (i - 8)));
    memset(buf + prefix, ' ', total - prefix);
    memcpy(buf + prefix, dict, strlen(dict));
    buf[total - 1] = '\n';
    if (data != NULL)
        memcpy(buf + total, data, data_len);
    const char *path = iofx_path(name);
    iofx_write_file(path, buf, total + data_len, NULL, 0);
    free(buf);
    return path;
}
