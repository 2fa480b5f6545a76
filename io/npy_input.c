/* npy_input.c - opening an .npy or raw input: one read-only shared mapping of the whole file. */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC, posix_madvise */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rsio.h"
#include "rsio_internal.h"

/* A missing file or a bad path is the user's to fix (exit 2); a file we may not read, or a
 * failing disk, is a runtime failure (exit 1). */
static rsio_kind open_error_kind(int errno_value)
{
    switch (errno_value) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
    case ELOOP:
        return RSIO_BAD_INPUT;
    default:
        return RSIO_RUNTIME;
    }
}

static rsio_kind check_layout(const rsio_npy_header *hdr, size_t file_bytes, const char *path,
                              rsio_error *err)
{
    const size_t have = file_bytes - hdr->data_offset; /* the parser checked the offset */
    if (have < hdr->data_bytes)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "file is truncated: header says %zu bytes of data, file has %zu",
                         hdr->data_bytes, have);
    if (have > hdr->data_bytes)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "file is longer than its header says: header says %zu bytes of data, "
                         "file has %zu",
                         hdr->data_bytes, have);
    return RSIO_OK;
}

/* Opens path read-only and checks it is a regular file of a mappable size. */
static rsio_kind open_regular(const char *path, int *fd_out, size_t *bytes, rsio_error *err)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. */
    const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return rsio_fail_errno(err, open_error_kind(errno), errno, path, "cannot open");
    rsio_kind kind = RSIO_OK;
    struct stat st;
    if (fstat(fd, &st) != 0)
        kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot stat");
    else if (S_ISDIR(st.st_mode))
        kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path, "is a directory, not an .npy file");
    else if (!S_ISREG(st.st_mode))
        kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "not a regular file (rowsort maps its inputs: save the array to a "
                         "file first)");
    else if ((uintmax_t)st.st_size > (uintmax_t)PTRDIFF_MAX)
        kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path, "file too large to map on this machine");
    if (kind != RSIO_OK) {
        close(fd);
        return kind;
    }
    *fd_out = fd;
    *bytes = (size_t)st.st_size;
    return RSIO_OK;
}

/* Rows, n and whether the engine can read the data as it is. */
static void set_geometry(rsio_input *in)
{
    const rsio_npy_header *h = &in->hdr;
    if (h->ndim == 0) {
        in->rows = 1;
        in->n = 1;
    } else {
        in->n = h->shape[h->ndim - 1];
        in->rows = 1;
        /* Cannot overflow: the parser bounded the product of the nonzero axes. */
        for (size_t i = 0; i + 1 < h->ndim; i++)
            in->rows *= h->shape[i];
    }
    /* A 1-D array is the same in either order. */
    in->native = !h->big_endian && !(h->fortran_order && h->ndim >= 2);
}

rsio_kind rsio_input_open_npy(const char *path, rsio_input *in, rsio_error *err)
{
    if (in == NULL)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path, "no input to open into");
    memset(in, 0, sizeof *in);
    in->fd = -1;
    if (path == NULL || path[0] == '\0')
        return rsio_fail(err, RSIO_BAD_INPUT, 0, "", "no input file given");

    int fd = -1;
    size_t file_bytes = 0;
    rsio_kind kind = open_regular(path, &fd, &file_bytes, err);
    if (kind != RSIO_OK)
        return kind;
    void *map = MAP_FAILED;
    if (file_bytes == 0) {
        kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path, "not an .npy file (bad magic)");
        goto cleanup;
    }

    /* The whole file, header included: offset 0 is page-aligned, and the parser then checks
     * the header length against the real file size. Pages are read only when touched. */
    map = mmap(NULL, file_bytes, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot map");
        goto cleanup;
    }
    kind = rsio_npy_parse_header(map, file_bytes, &in->hdr, err);
    if (kind != RSIO_OK) {
        rsio_error_set_path(err, path);
        goto cleanup;
    }
    kind = check_layout(&in->hdr, file_bytes, path, err);
    if (kind != RSIO_OK)
        goto cleanup;

    in->map = map;
    in->map_bytes = file_bytes;
    in->data = in->hdr.data_bytes > 0 ? (const char *)map + in->hdr.data_offset : NULL;
    in->fd = fd;
    set_geometry(in);
    map = MAP_FAILED; /* now owned by in */
    fd = -1;

cleanup:
    if (map != MAP_FAILED)
        munmap(map, file_bytes);
    if (fd >= 0)
        close(fd);
    if (kind != RSIO_OK) {
        rsio_npy_header none;
        memset(&none, 0, sizeof none);
        in->hdr = none;
    }
    return kind;
}

rsio_kind rsio_input_open_raw(const char *path, rowsort_dtype dtype, size_t ndim,
                              const size_t *shape, rsio_input *in, rsio_error *err)
{
    if (in == NULL)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path, "no input to open into");
    memset(in, 0, sizeof *in);
    in->fd = -1;
    if (path == NULL || path[0] == '\0')
        return rsio_fail(err, RSIO_BAD_INPUT, 0, "", "no input file given");
    if (rsio_dtype_itemsize(dtype) == 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path, "unknown dtype %d", (int)dtype);
    if (ndim == 0 || ndim > RSIO_MAX_NDIM || shape == NULL)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "bad raw shape (%zu dimensions; rowsort reads 1 to %d)", ndim,
                         RSIO_MAX_NDIM);
    size_t data_bytes = 0;
    if (rsio_npy_data_bytes(dtype, ndim, shape, 0, &data_bytes) != 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path, "array size overflows: more than %zu bytes",
                         (size_t)PTRDIFF_MAX);
    int fd = -1;
    size_t file_bytes = 0;
    rsio_kind kind = open_regular(path, &fd, &file_bytes, err);
    if (kind != RSIO_OK)
        return kind;
    if (file_bytes != data_bytes) {
        close(fd);
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "raw file has %zu bytes, but the shape given needs %zu bytes of %s",
                         file_bytes, data_bytes, rowsort_dtype_name(dtype));
    }
    void *map = NULL;
    if (file_bytes > 0) {
        map = mmap(NULL, file_bytes, PROT_READ, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
            const int e = errno;
            close(fd);
            return rsio_fail_errno(err, RSIO_RUNTIME, e, path, "cannot map");
        }
    }
    in->hdr.version_major = 0;
    in->hdr.dtype = dtype;
    in->hdr.ndim = ndim;
    memcpy(in->hdr.shape, shape, ndim * sizeof *shape);
    in->hdr.data_offset = 0;
    in->hdr.data_bytes = data_bytes;
    in->map = map;
    in->map_bytes = file_bytes;
    in->data = data_bytes > 0 ? map : NULL;
    in->fd = fd;
    in->raw = 1;
    set_geometry(in);
    return RSIO_OK;
}

void rsio_input_close(rsio_input *in)
{
    if (in == NULL)
        return;
    if (in->map != NULL)
        munmap(in->map, in->map_bytes);
    /* A zeroed struct has fd 0 but no mapping: only a descriptor beside a mapping, or one
     * of an empty raw file, is ours. */
    if (in->fd > 0 || (in->fd == 0 && in->map != NULL))
        close(in->fd);
    in->map = NULL;
    in->map_bytes = 0;
    in->data = NULL;
    in->rows = 0;
    in->n = 0;
    in->fd = -1;
}
