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
         * reads each column's stretch of the file once. Every few columns, the pages just
         * read are unmapped again: a window touches a stretch of every column, and the
         * kernel maps up to 64 KiB around each fault, so a window's mapped pages would
         * otherwise exceed the budget many times over (the page cache keeps them). */
        const size_t rows = in->rows;
        enum { ROWS_AT_ONCE = 2048, COLUMNS_AT_ONCE = 16 };
        size_t base[ROWS_AT_ONCE];
        const size_t page = (size_t)sysconf(_SC_PAGESIZE);
        for (size_t r0 = 0; r0 < nrows; r0 += ROWS_AT_ONCE) {
            const size_t chunk = nrows - r0 < ROWS_AT_ONCE ? nrows - r0 : ROWS_AT_ONCE;
            size_t lo = SIZE_MAX, hi = 0;
            for (size_t r = 0; r < chunk; r++) {
                base[r] = fortran_row_offset(&in->hdr, row + r0 + r);
                lo = base[r] < lo ? base[r] : lo;
                hi = base[r] > hi ? base[r] : hi;
            }
            for (size_t j0 = 0; j0 < count; j0 += COLUMNS_AT_ONCE) {
                const size_t j1 = count - j0 < COLUMNS_AT_ONCE ? count : j0 + COLUMNS_AT_ONCE;
                for (size_t j = j0; j < j1; j++) {
                    const size_t cj = (col + j) * rows;
                    for (size_t r = 0; r < chunk; r++)
                        memcpy(out + ((r0 + r) * count + j) * isz, src + (base[r] + cj) * isz, isz);
                }
                const uintptr_t from = (uintptr_t)(src + (lo + (col + j0) * rows) * isz);
                const uintptr_t to = (uintptr_t)(src + (hi + (col + j1 - 1) * rows + 1) * isz);
                const uintptr_t first = from / page * page;
                (void)madvise((void *)first, to - first, MADV_DONTNEED);
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
    if (in->hdr.fortran_order && in->hdr.ndim >= 2) {
        /* A window of rows touched pages all over the file (a stretch of every column):
         * unmap them all, which keeps RSS bounded; the page cache keeps them, since the
         * next windows read the same pages again. */
        if (in->map != NULL && nrows > 0)
            (void)madvise(in->map, in->map_bytes, MADV_DONTNEED);
        return;
    }
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
