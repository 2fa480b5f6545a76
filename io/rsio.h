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
 * Object arrays, unknown descrs and malformed dicts are RSIO_BAD_INPUT.
 * Accepts what any NumPy writes: keys in any order, either quote, trailing commas, Python 2's
 * 'L' after integers (v1.0/v2.0). Descrs: '<', '=' or none for little endian, '|' for 1-byte
 * types and V2, '>' sets big_endian (multi-byte types). err->path is left "" (the parser
 * knows no path). Messages (err->message), all RSIO_BAD_INPUT:
 *   "not an .npy file (bad magic)"
 *   "file is truncated: ..." (the file ends inside the header)
 *   "unsupported .npy format version X.Y (rowsort reads 1.0, 2.0 and 3.0)"
 *   "unsupported dtype '<U5' (rowsort sorts bool, int8..uint64, float16, bfloat16, float32,
 *    float64, complex64, complex128)"
 *   "object arrays are not supported (dtype '|O': ...)"
 *   "array size overflows: ..." (a dimension past SIZE_MAX, or the file past PTRDIFF_MAX)
 *   "too many dimensions in 'shape' (rowsort reads up to 32)"
 *   "malformed .npy header: WHAT (at byte N)" / "... duplicate key 'shape' ..." /
 *   "... the key 'shape' is missing". Hostile bytes are shown as '?'. */
rsio_kind rsio_npy_parse_header(const void *buf, size_t len, rsio_npy_header *hdr,
                                rsio_error *err);

/* Writes a version 1.0 header (2.0 when it does not fit) for a C-order little-endian array
 * into out[0..cap); returns its length (a multiple of 64), or 0 when cap is too small. */
/* The bytes are np.save's exactly (sorted keys, 21-digit growth room after the dict, spaces
 * and '\n' up to a 64-byte boundary), so the data starts 64-byte aligned. bfloat16 is written
 * as '<V2', as np.save writes an ml_dtypes.bfloat16 array: np.load returns void '|V2' items;
 * a.view(ml_dtypes.bfloat16) gives the numbers back. 1 KiB always suffices (32 axes of 20
 * digits). Also returns 0 for an unknown dtype, ndim > RSIO_MAX_NDIM, or shape NULL with
 * ndim > 0. */
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
/* 0-D arrays are rows = n = 1. data is NULL when the array is empty (rows or n 0). No
 * descriptor stays open (the mapping holds the file); on failure *in holds nothing and
 * rsio_input_close() on it is a no-op. err->path is always `path`. Besides the header's
 * messages (rsio_npy_parse_header):
 *   RSIO_BAD_INPUT "cannot open: No such file or directory" (also ENOTDIR, ENAMETOOLONG, ELOOP)
 *   RSIO_RUNTIME   "cannot open: Permission denied" (EACCES, EIO...), "cannot map: ..."
 *   RSIO_BAD_INPUT "is a directory, not an .npy file", "not a regular file (...)" (FIFOs...)
 *   RSIO_BAD_INPUT "not an .npy file (bad magic)" (also for an empty file)
 *   RSIO_BAD_INPUT "file is truncated: header says N bytes of data, file has M"
 *   RSIO_BAD_INPUT "file is longer than its header says: header says N bytes of data, file
 *                  has M"
 *   RSIO_BAD_INPUT "Fortran-order arrays are not supported yet (...)" (ndim >= 2 only)
 *   RSIO_BAD_INPUT "big-endian arrays are not supported yet (...)" */
rsio_kind rsio_input_open_npy(const char *path, rsio_input *in, rsio_error *err);
/* Unmaps an input. Safe twice, after a failed open, and on a zeroed struct. */
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
/* The temporary is "<folder>/.<name>.rowsort-XXXXXX" (out->temp_path), created with mode
 * 0666 less the umask, its blocks reserved (posix_fallocate) so a full disk fails here and
 * not as SIGBUS while writing. data is NULL when the array is empty. On failure nothing is
 * left (temp_path ""; rsio_output_abort() is a no-op). err->path is always `path`:
 *   RSIO_BAD_INPUT "cannot create the output in its folder: No such file or directory"
 *                  (ENOENT, ENOTDIR, EACCES, EPERM, EROFS, ENAMETOOLONG, ELOOP: a bad folder)
 *   RSIO_RUNTIME   "cannot create the output in its folder: ..." (EMFILE, EIO...)
 *   RSIO_RUNTIME   "cannot reserve N bytes for the output: No space left on device" (ENOSPC,
 *                  EDQUOT, EFBIG, EIO), "cannot map the output: ..."
 *   RSIO_BAD_INPUT "is a directory, not an output file", "names a folder, not an output
 *                  file" (trailing '/', "." or ".."), "output path too long", "array size
 *                  overflows: ...", "unknown dtype N", "bad output shape (...)" */
rsio_kind rsio_output_create_npy(const char *path, rowsort_dtype dtype, size_t ndim,
                                 const size_t *shape, rsio_output *out, rsio_error *err);
/* Flushes, fsyncs and renames the temporary into place (then fsyncs the folder). */
/* Either the output is in place and synced (RSIO_OK, temp_path ""), or it is not: on any
 * failure the temporary is removed (temp_path ""), and if only the folder sync after the
 * rename failed, the renamed file is removed too. A file that was under `path` before is
 * untouched unless the rename happened. Failures are RSIO_RUNTIME ("cannot write the output:
 * ...", "cannot sync the output's folder (the output was removed): ..."), or RSIO_BAD_INPUT
 * when the rename is refused ("cannot move the output into place: Is a directory") or there
 * is nothing to commit. */
rsio_kind rsio_output_commit(rsio_output *out, rsio_error *err);
/* Removes the temporary; safe after a failed create or commit, and twice. */
/* Also a no-op after a successful commit and on a zeroed struct (it closes no descriptor). */
void rsio_output_abort(rsio_output *out);

#endif /* RSIO_H */
