/*
 * io_fixtures.h - shared fixtures of the io suites (test_npy_input, test_outfile,
 * test_extsort, test_io_layouts): a scratch folder per test and files written into it.
 *
 * iofx_make_dir and iofx_remove_dir are Check checked fixtures (they run in the forked
 * test). Every helper fails the running test through ck_assert on an I/O error.
 */
#ifndef RS_IO_FIXTURES_H
#define RS_IO_FIXTURES_H

#include <stddef.h>

#include "rowsort.h"

/* Creates a fresh /tmp/rowsort-test-XXXXXX folder for the test. */
void iofx_make_dir(void);
/* Removes the folder with its files and empty subfolders. */
void iofx_remove_dir(void);
/* The folder's path. */
const char *iofx_dir(void);
/* "folder/name", in one of 4 static buffers used in turn: valid for the next 3 calls. */
const char *iofx_path(const char *name);

/* Writes a_len bytes of a, then b_len bytes of b (b may be NULL when b_len is 0), to path. */
void iofx_write_file(const char *path, const void *a, size_t a_len, const void *b, size_t b_len);
/* Writes name: io's header for (dtype, shape), then data_len bytes of data; returns its path. */
const char *iofx_write_npy(const char *name, rowsort_dtype dtype, size_t ndim, const size_t *shape,
                           const void *data, size_t data_len);
/* Writes name with a hand-made version `major` header around dict (padded with spaces to a
 * multiple of 64 bytes), then data_len bytes of data (zeros when data is NULL); returns its
 * path. */
const char *iofx_write_npy_dict(const char *name, unsigned major, const char *dict,
                                const void *data, size_t data_len);

#endif /* RS_IO_FIXTURES_H */
