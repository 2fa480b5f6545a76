/*
 * fuzz_npy_header.c - libFuzzer target for rsio_npy_parse_header (io/npy_header.c).
 *
 * Any input: the parser must return, never read past the buffer (ASan), never overflow
 * (UBSan), and fill a printable message on failure. On success the header must be
 * consistent with the buffer, and writing the same dtype and shape back must parse to the
 * same array. A violated invariant aborts: libFuzzer saves the input as a crash.
 * regression_driver.c runs the seed corpus through this function in ordinary builds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rsio.h"

#define CHECK(cond)  \
    do {             \
        if (!(cond)) \
            abort(); \
    } while (0)

/* Independent of io's own table on purpose: the fuzzer checks it. */
static const size_t itemsizes[ROWSORT_DTYPE_COUNT] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 2, 4, 8, 8, 16};

static void check_failure(rsio_kind kind, const rsio_error *err)
{
    CHECK(kind == RSIO_BAD_INPUT);
    CHECK(err->kind == kind);
    CHECK(err->errno_value == 0);
    const char *end = memchr(err->message, '\0', sizeof err->message);
    CHECK(end != NULL && end > err->message);
    for (const char *p = err->message; p < end; p++)
        CHECK(*p >= 0x20 && *p < 0x7f); /* hostile bytes never reach a terminal */
}

static void check_header(const uint8_t *data, size_t size, const rsio_npy_header *hdr)
{
    CHECK(hdr->version_major >= 1 && hdr->version_major <= 3);
    CHECK((unsigned)hdr->dtype < (unsigned)ROWSORT_DTYPE_COUNT);
    CHECK(hdr->ndim <= RSIO_MAX_NDIM);
    CHECK(hdr->fortran_order == 0 || hdr->fortran_order == 1);
    CHECK(hdr->big_endian == 0 || hdr->big_endian == 1);
    CHECK(hdr->data_offset <= size);
    size_t header_len = (size_t)data[8] | (size_t)data[9] << 8;
    if (hdr->version_major > 1)
        header_len |= (size_t)data[10] << 16 | (size_t)data[11] << 24;
    CHECK(hdr->data_offset == (hdr->version_major == 1 ? 10u : 12u) + header_len);

    /* data_bytes is the product of the shape and the itemsize, and the file fits PTRDIFF_MAX
     * even counting only the nonzero axes. */
    size_t nonzero = itemsizes[hdr->dtype];
    int empty = 0;
    for (size_t i = 0; i < hdr->ndim; i++) {
        if (hdr->shape[i] == 0)
            empty = 1;
        else
            CHECK(!__builtin_mul_overflow(nonzero, hdr->shape[i], &nonzero));
    }
    CHECK(hdr->data_bytes == (empty ? 0 : nonzero));
    CHECK(nonzero <= (size_t)PTRDIFF_MAX - hdr->data_offset);

    /* Round trip: our own header for this dtype and shape parses to the same array. */
    char out[2048];
    const size_t len = rsio_npy_format_header(hdr->dtype, hdr->ndim, hdr->shape, out, sizeof out);
    CHECK(len > 0 && len % 64 == 0);
    rsio_npy_header again;
    rsio_error err;
    CHECK(rsio_npy_parse_header(out, len, &again, &err) == RSIO_OK);
    CHECK(again.dtype == hdr->dtype && again.ndim == hdr->ndim);
    CHECK(again.data_bytes == hdr->data_bytes && again.data_offset == len);
    CHECK(again.fortran_order == 0 && again.big_endian == 0);
    CHECK(memcmp(again.shape, hdr->shape, hdr->ndim * sizeof hdr->shape[0]) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rsio_npy_header hdr;
    rsio_error err;
    const rsio_kind kind = rsio_npy_parse_header(data, size, &hdr, &err);
    if (kind == RSIO_OK)
        check_header(data, size, &hdr);
    else
        check_failure(kind, &err);
    return 0;
}
