/* npy_input.c - opening an .npy input: one read-only shared mapping of the whole file. */
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
    /* A 1-D array is the same in either order; ndim >= 2 would need a transpose. */
    if (hdr->fortran_order && hdr->ndim >= 2)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "Fortran-order arrays are not supported yet (save "
                         "np.ascontiguousarray(a) instead)");
    if (hdr->big_endian)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "big-endian arrays are not supported yet (save "
                         "a.astype(a.dtype.newbyteorder('<')) instead)");
    return RSIO_OK;
}

rsio_kind rsio_input_open_npy(const char *path, rsio_input *in, rsio_error *err)
{
    if (in == NULL)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path, "no input to open into");
    memset(in, 0, sizeof *in);
    in->fd = -1;
    if (path == NULL || path[0] == '\0')
        return rsio_fail(err, RSIO_BAD_INPUT, 0, "", "no input file given");

    /* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it. */
    const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return rsio_fail_errno(err, open_error_kind(errno), errno, path, "cannot open");
    rsio_kind kind = RSIO_OK;
    void *map = MAP_FAILED;
    size_t file_bytes = 0;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot stat");
        goto cleanup;
    }
    if (S_ISDIR(st.st_mode)) {
        kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path, "is a directory, not an .npy file");
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "not a regular file (rowsort maps its inputs: save the array to a "
                         "file first)");
        goto cleanup;
    }
    if (st.st_size <= 0) {
        kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path, "not an .npy file (bad magic)");
        goto cleanup;
    }
    if ((uintmax_t)st.st_size > (uintmax_t)PTRDIFF_MAX) {
        kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path, "file too large to map on this machine");
        goto cleanup;
    }
    file_bytes = (size_t)st.st_size;

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

    /* Rows are read front to back: ask for read-ahead. Only advice, so failure is ignored. */
    if (in->hdr.data_bytes > 0)
        (void)posix_madvise(map, file_bytes, POSIX_MADV_SEQUENTIAL);
    in->map = map;
    in->map_bytes = file_bytes;
    in->data = in->hdr.data_bytes > 0 ? (const char *)map + in->hdr.data_offset : NULL;
    if (in->hdr.ndim == 0) {
        in->rows = 1;
        in->n = 1;
    } else {
        in->n = in->hdr.shape[in->hdr.ndim - 1];
        in->rows = 1;
        /* Cannot overflow: the parser bounded the product of the nonzero axes. */
        for (size_t i = 0; i + 1 < in->hdr.ndim; i++)
            in->rows *= in->hdr.shape[i];
    }
    map = MAP_FAILED; /* now owned by in */

cleanup:
    if (map != MAP_FAILED)
        munmap(map, file_bytes);
    /* The mapping keeps the file open; the descriptor is not needed any more. */
    close(fd);
    if (kind != RSIO_OK) {
        rsio_npy_header none;
        memset(&none, 0, sizeof none);
        in->hdr = none;
    }
    return kind;
}

void rsio_input_close(rsio_input *in)
{
    if (in == NULL)
        return;
    if (in->map != NULL)
        munmap(in->map, in->map_bytes);
    in->map = NULL;
    in->map_bytes = 0;
    in->data = NULL;
    in->rows = 0;
    in->n = 0;
    in->fd = -1;
}
