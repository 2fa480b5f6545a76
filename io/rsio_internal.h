/*
 * rsio_internal.h - helpers shared by the io sources; not for cli/ (rsio.h is the interface).
 */
#ifndef RSIO_INTERNAL_H
#define RSIO_INTERNAL_H

#include <stddef.h>

#include "rsio.h"

/* Fills err like rsio_fail() with the message "WHAT: <strerror(errno_value)>". */
rsio_kind rsio_fail_errno(rsio_error *err, rsio_kind kind, int errno_value, const char *path,
                          const char *what);

/* Sets err->path (when err is not NULL), e.g. after a parser that knows no path failed. */
void rsio_error_set_path(rsio_error *err, const char *path);

/* Bytes per element of `dtype` as stored in an .npy file; 0 for an unknown dtype.
 * io keeps its own table so that it (and its fuzzer) builds without the engine. */
size_t rsio_dtype_itemsize(rowsort_dtype dtype);

/* The data size of an array: product of shape x itemsize into *data_bytes. Returns 0, or -1
 * when the size of the nonzero axes times the itemsize plus header_bytes exceeds PTRDIFF_MAX
 * (NumPy refuses such shapes even when another axis is 0, and so do we). */
int rsio_npy_data_bytes(rowsort_dtype dtype, size_t ndim, const size_t *shape, size_t header_bytes,
                        size_t *data_bytes);

/* Drops bytes [offset, offset + bytes) of an input's data from the process and the page
 * cache (as rsio_input_release, for part of a row). Only advice. */
void rsio_input_release_bytes(const rsio_input *in, size_t offset, size_t bytes);

/* The exit kind for an engine status: memory and the machine are runtime failures, the
 * rest a bad request. */
rsio_kind rsio_engine_kind(rowsort_status status);

#endif /* RSIO_INTERNAL_H */
