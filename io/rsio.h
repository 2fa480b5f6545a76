/*
 * rsio.h - rowsort's I/O layer: .npy headers, memory-mapped inputs, atomic outputs.
 *
 * io knows the engine's public header only (for rowsort_dtype); the program (cli/) uses io.
 * Every function reports failure through an rsio_error and never prints or exits.
 */
#ifndef RSIO_H
#define RSIO_H

#include <stddef.h>
#include <stdint.h>

#include "rowsort.h"

#define RSIO_MAX_NDIM 32

/* What kind of failure: decides the program's exit status. */
typedef enum rsio_kind {
    RSIO_OK = 0,
    RSIO_RUNTIME = 1,   /* I/O, memory: exit 1 */
    RSIO_BAD_INPUT = 2  /* malformed file, unsupported layout, bad arguments: exit 2 */
} rsio_kind;

typedef struct rsio_error {
    rsio_kind kind;
    int errno_value;    /* 0 when not from a system call */
    char path[1024];    /* the file concerned, "" if none */
    char message[512];  /* what went wrong, without the path */
} rsio_error;

/* Fills err (if not NULL) and returns kind. printf-style message. */
rsio_kind rsio_fail(rsio_error *err, rsio_kind kind, int errno_value, const char *path,
                    const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- .npy headers ---- */

typedef struct rsio_npy_header {
    int version_major;      /* 1, 2 or 3 */
    rowsort_dtype dtype;
    int fortran_order;      /* 1 for Fortran (column-major) order */
    int big_endian;         /* 1 when the descr says '>' for a multi-byte type */
    size_t ndim;            /* 0 for a scalar */
    size_t shape[RSIO_MAX_NDIM];
    size_t data_offset;     /* bytes from the file's start to the data */
    size_t data_bytes;      /* product of shape x itemsize (overflow-checked) */
} rsio_npy_header;

/* Parses the header at buf[0..len) (the file's first bytes; len may exceed the header).
 * Strict: no eval; checks magic, version, header length, the dict's three keys, the descr
 * (every rowsort dtype; '|V2'/'<V2' is bfloat16), the shape, and size overflow.
 * Object arrays, unknown descrs and malformed dicts are RSIO_BAD_INPUT. */
rsio_kind rsio_npy_parse_header(const void *buf, size_t len, rsio_npy_header *hdr,
                                rsio_error *err);

/* Writes a version 1.0 header (2.0 when it does not fit) for a C-order little-endian array
 * into out[0..cap); returns its length (a multiple of 64), or 0 when cap is too small. */
size_t rsio_npy_format_header(rowsort_dtype dtype, size_t ndim, const size_t *shape, char *out,
                              size_t cap);

/* ---- memory-mapped inputs ---- */

typedef struct rsio_input {
    rsio_npy_header hdr;
    const void *data;  /* hdr.data_bytes bytes, read-only mapping */
    size_t rows;       /* product of all axes but the last (1 for 1-D) */
    size_t n;          /* the last axis */
    /* private */
    int fd;
    void *map;
    size_t map_bytes;
} rsio_input;

/* Opens an .npy file and maps it read-only. The file size must match the header.
 * Layouts not supported yet (Fortran order, big-endian) are RSIO_BAD_INPUT with a clear
 * message. */
rsio_kind rsio_input_open_npy(const char *path, rsio_input *in, rsio_error *err);
void rsio_input_close(rsio_input *in);

/* ---- atomic outputs ---- */

typedef struct rsio_output {
    void *data;        /* where to write hdr.data_bytes bytes of C-order data */
    char final_path[1024];
    char temp_path[1024];
    /* private */
    int fd;
    void *map;
    size_t map_bytes;
    size_t data_offset;
} rsio_output;

/* Creates a temporary file beside `path` (same folder), sized for an .npy of this dtype and
 * shape, mapped read-write. Nothing appears under `path` until rsio_output_commit(). */
rsio_kind rsio_output_create_npy(const char *path, rowsort_dtype dtype, size_t ndim,
                                 const size_t *shape, rsio_output *out, rsio_error *err);
/* Flushes, fsyncs and renames the temporary into place (then fsyncs the folder). */
rsio_kind rsio_output_commit(rsio_output *out, rsio_error *err);
/* Removes the temporary; safe after a failed create or commit, and twice. */
void rsio_output_abort(rsio_output *out);

#endif /* RSIO_H */
