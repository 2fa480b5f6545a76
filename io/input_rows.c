/*
 * input_rows.c - reading rows of a mapped input in C order and this machine's byte order
 * (Fortran order is transposed, big-endian items swapped, on the way), and the page-cache
 * hints for windows of rows.
 */
#define _GNU_SOURCE /* madvise, posix_fadvise */

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rsio.h"
#include "rsio_internal.h"

/* Element offset of (row, 0) in a Fortran-order array: the leading axes' index of row in C
 * order, weighted by Fortran strides (axis 0 fastest). */
static size_t fortran_row_offset(const rsio_npy_header *h, size_t row)
{
    if (h->ndim <= 2)
        return row;
    size_t rem = row, offset = 0;
    size_t stride[RSIO_MAX_NDIM];
    stride[0] = 1;
    for (size_t a = 1; a + 1 < h->ndim; a++)
        stride[a] = stride[a - 1] * h->shape[a - 1];
    for (size_t a = h->ndim - 1; a-- > 0;) {
        offset += (rem % h->shape[a]) * stride[a];
        rem /= h->shape[a];
    }
    return offset;
}

void rsio_input_read_rows(const rsio_input *in, size_t row, size_t nrows, size_t col, size_t count,
                          void *dst)
{
    if (nrows == 0 || count == 0)
        return;
    const size_t isz = rsio_dtype_itemsize(in->hdr.dtype);
    const unsigned char *src = in->data;
    unsigned char *out = dst;
    if (!in->hdr.fortran_order || in->hdr.ndim < 2) {
        const size_t n = in->n;
        if (col == 0 && count == n) {
            memcpy(out, src + row * n * isz, nrows * n * isz);
        } else {
            for (size_t r = 0; r < nrows; r++)
                memcpy(out + r * count * isz, src + ((row + r) * n + col) * isz, count * isz);
        }
    } else {
        /* Column j of row r is at offset(r) + rows * j: walk a column's rows together, which
         * reads each column's stretch of the file once. */
        const size_t rows = in->rows;
        size_t base[256];
        for (size_t r0 = 0; r0 < nrows; r0 += 256) {
            const size_t chunk = nrows - r0 < 256 ? nrows - r0 : 256;
            for (size_t r = 0; r < chunk; r++)
                base[r] = fortran_row_offset(&in->hdr, row + r0 + r);
            for (size_t j = 0; j < count; j++) {
                const size_t cj = (col + j) * rows;
                for (size_t r = 0; r < chunk; r++)
                    memcpy(out + ((r0 + r) * count + j) * isz, src + (base[r] + cj) * isz, isz);
            }
        }
    }
    if (in->hdr.big_endian)
        rsio_byteswap(in->hdr.dtype, dst, nrows * count);
}

/* The page-aligned span covering bytes [offset, offset + bytes) of the data, inside the
 * mapping; 0 when there is none. */
static size_t page_span(const rsio_input *in, size_t offset, size_t bytes, char **start)
{
    if (in->map == NULL || bytes == 0)
        return 0;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t begin = (in->hdr.data_offset + offset) / page * page;
    size_t end = in->hdr.data_offset + offset + bytes;
    if (end > in->map_bytes)
        end = in->map_bytes;
    *start = (char *)in->map + begin;
    return end - begin;
}

/* Only C order gives a window of rows one stretch of the file. */
static size_t row_span(const rsio_input *in, size_t row, size_t nrows, char **start)
{
    if (in->hdr.fortran_order && in->hdr.ndim >= 2)
        return 0;
    const size_t row_bytes = in->n * rsio_dtype_itemsize(in->hdr.dtype);
    return page_span(in, row * row_bytes, nrows * row_bytes, start);
}

void rsio_input_prefetch(const rsio_input *in, size_t row, size_t nrows)
{
    char *start = NULL;
    const size_t len = row_span(in, row, nrows, &start);
    if (len > 0)
        (void)madvise(start, len, MADV_WILLNEED);
}

static void release_span(const rsio_input *in, char *start, size_t len)
{
    if (len == 0)
        return;
    (void)madvise(start, len, MADV_DONTNEED);
    if (in->fd >= 0)
        (void)posix_fadvise(in->fd, (off_t)(start - (char *)in->map), (off_t)len,
                            POSIX_FADV_DONTNEED);
}

void rsio_input_release(const rsio_input *in, size_t row, size_t nrows)
{
    char *start = NULL;
    const size_t len = row_span(in, row, nrows, &start);
    release_span(in, start, len);
}

void rsio_input_release_bytes(const rsio_input *in, size_t offset, size_t bytes)
{
    if (in->hdr.fortran_order && in->hdr.ndim >= 2)
        return;
    char *start = NULL;
    const size_t len = page_span(in, offset, bytes, &start);
    release_span(in, start, len);
}
