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
    RSIO_RUNTIME = 1,  /* I/O, memory: exit 1 */
    RSIO_BAD_INPUT = 2 /* malformed file, unsupported layout, bad arguments: exit 2 */
} rsio_kind;

typedef struct rsio_error {
    rsio_kind kind;
    int errno_value;   /* 0 when not from a system call */
    char path[1024];   /* the file concerned, "" if none */
    char message[512]; /* what went wrong, without the path */
} rsio_error;

/* Fills err (if not NULL) and returns kind. printf-style message. */
rsio_kind rsio_fail(rsio_error *err, rsio_kind kind, int errno_value, const char *path,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- .npy headers ---- */

typedef struct rsio_npy_header {
    int version_major; /* 1, 2 or 3 */
    rowsort_dtype dtype;
    int fortran_order; /* 1 for Fortran (column-major) order */
    int big_endian;    /* 1 when the descr says '>' for a multi-byte type */
    size_t ndim;       /* 0 for a scalar */
    size_t shape[RSIO_MAX_NDIM];
    size_t data_offset; /* bytes from the file's start to the data */
    size_t data_bytes;  /* product of shape x itemsize (overflow-checked) */
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
rsio_kind rsio_npy_parse_header(const void *buf, size_t len, rsio_npy_header *hdr, rsio_error *err);

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
/* As rsio_npy_format_header, with '>' in the descr when big_endian and the dtype's items are
 * wider than one byte (complex: both halves big-endian), as np.save writes a '>f4' array. */
size_t rsio_npy_format_header_endian(rowsort_dtype dtype, int big_endian, size_t ndim,
                                     const size_t *shape, char *out, size_t cap);

/* ---- memory-mapped inputs ---- */

typedef struct rsio_input {
    rsio_npy_header hdr;
    const void *data; /* hdr.data_bytes bytes, read-only mapping */
    size_t rows;      /* product of all axes but the last (1 for 1-D) */
    size_t n;         /* the last axis */
    /* 1 when data holds rows x n elements in C order and this machine's byte order, so the
     * engine may read it directly; 0 for Fortran order (ndim >= 2) or big-endian items:
     * read those through rsio_input_read_rows(). */
    int native;
    int raw; /* opened by rsio_input_open_raw: hdr.data_offset is 0 */
    /* private */
    int fd;
    void *map;
    size_t map_bytes;
} rsio_input;

/* Opens an .npy file and maps it read-only. The file size must match the header.
 * Every layout is accepted: C or Fortran order, little- or big-endian items (in->native
 * says whether the data can be used as it is). */
/* 0-D arrays are rows = n = 1. data is NULL when the array is empty (rows or n 0). One
 * read-only descriptor stays open (for posix_fadvise on finished windows) until
 * rsio_input_close(); on failure *in holds nothing and rsio_input_close() on it is a no-op.
 * err->path is always `path`. Besides the header's messages (rsio_npy_parse_header):
 *   RSIO_BAD_INPUT "cannot open: No such file or directory" (also ENOTDIR, ENAMETOOLONG, ELOOP)
 *   RSIO_RUNTIME   "cannot open: Permission denied" (EACCES, EIO...), "cannot map: ..."
 *   RSIO_BAD_INPUT "is a directory, not an .npy file", "not a regular file (...)" (FIFOs...)
 *   RSIO_BAD_INPUT "not an .npy file (bad magic)" (also for an empty file)
 *   RSIO_BAD_INPUT "file is truncated: header says N bytes of data, file has M"
 *   RSIO_BAD_INPUT "file is longer than its header says: header says N bytes of data, file
 *                  has M" */
rsio_kind rsio_input_open_npy(const char *path, rsio_input *in, rsio_error *err);
/* Opens a raw binary file of C-order, little-endian items of `dtype` with the given shape
 * (ndim 1..RSIO_MAX_NDIM) and maps it read-only; in->hdr describes it as an .npy header
 * would (data_offset 0, version_major 0) and in->raw is 1. Messages as rsio_input_open_npy
 * for the file itself, and RSIO_BAD_INPUT "raw file has M bytes, but shape (R, N) of T needs
 * N", "array size overflows: ...", "unknown dtype N", "bad raw shape (...)". */
rsio_kind rsio_input_open_raw(const char *path, rowsort_dtype dtype, size_t ndim,
                              const size_t *shape, rsio_input *in, rsio_error *err);
/* Copies elements [col, col + count) of rows [row, row + nrows) into dst (nrows x count
 * items, packed), in C order and this machine's byte order, whatever the file's layout.
 * Touches only the pages holding those elements. The caller checks the bounds. */
void rsio_input_read_rows(const rsio_input *in, size_t row, size_t nrows, size_t col, size_t count,
                          void *dst);
/* Hints for the pages of rows [row, row + nrows): rsio_input_prefetch starts reading them
 * (MADV_WILLNEED), rsio_input_release drops them from the process (MADV_DONTNEED) and from
 * the page cache (POSIX_FADV_DONTNEED). Only advice: failures are ignored. For Fortran
 * order, which spreads a row over the whole file, prefetch does nothing and release unmaps
 * every page of the file from the process (the page cache keeps them for the next window). */
void rsio_input_prefetch(const rsio_input *in, size_t row, size_t nrows);
void rsio_input_release(const rsio_input *in, size_t row, size_t nrows);
/* Unmaps an input. Safe twice, after a failed open, and on a zeroed struct. */
void rsio_input_close(rsio_input *in);

/* ---- atomic outputs ---- */

typedef struct rsio_output {
    void *data; /* where to write hdr.data_bytes bytes of C-order data */
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
/* The first half of rsio_output_commit, for callers that commit several outputs together:
 * writes the data back (msync, fsync) and closes the file, which stays under its temporary
 * name; rsio_output_commit then only renames it (and syncs the folder). On failure the
 * temporary is removed. Same messages. */
rsio_kind rsio_output_write_back(rsio_output *out, rsio_error *err);
/* How an output file is laid out (rsio_output_create). Zero it for rsio_output_create_npy's
 * layout: an .npy file, C order, little-endian. */
typedef struct rsio_output_format {
    int raw;        /* no header: the bytes of the array only */
    int big_endian; /* .npy descr '>' (the caller writes big-endian items) */
} rsio_output_format;

/* The longest file name the folder of `path` (its first dir_len characters; 0: ".") holds:
 * pathconf's _PC_NAME_MAX, else NAME_MAX. */
size_t rsio_name_max(const char *path, size_t dir_len);
/* rsio_output_create_npy with a layout (NULL: the default); same messages. */
rsio_kind rsio_output_create(const char *path, rowsort_dtype dtype, size_t ndim,
                             const size_t *shape, const rsio_output_format *format,
                             rsio_output *out, rsio_error *err);

/* Opens an existing output in place, read-write and mapped, to write some of its rows
 * (--rows A:B: several processes filling one file). NOT atomic: rows are written where they
 * are, and a failure leaves them partly written; the file must already have the layout the
 * arguments describe (an .npy of this dtype, C order, this shape, big_endian as format says,
 * or a raw file of exactly this size). out->temp_path stays "" and final_path is `path`;
 * finish with rsio_output_sync() (msync + fsync), or rsio_output_close() to drop it.
 * RSIO_BAD_INPUT "cannot open the output: No such file or directory", "the output does not
 * match: it holds SHAPE of T, the sort writes SHAPE of T", header messages; RSIO_RUNTIME for
 * I/O failures. */
rsio_kind rsio_output_open_existing(const char *path, rowsort_dtype dtype, size_t ndim,
                                    const size_t *shape, const rsio_output_format *format,
                                    rsio_output *out, rsio_error *err);
/* Writes an output opened by rsio_output_open_existing back (msync, fsync) and unmaps it.
 * RSIO_RUNTIME "cannot write the output: ...". */
rsio_kind rsio_output_sync(rsio_output *out, rsio_error *err);
/* Writes what the mapping holds so far (msync) to the file, which stays mapped: another
 * process may then open it (rowsort-mpi's ranks open rank 0's temporaries in place). Only
 * the pages written so far cost anything. RSIO_RUNTIME "cannot write the output: ...". */
rsio_kind rsio_output_flush(rsio_output *out, rsio_error *err);
/* Unmaps and closes an output opened in place without syncing; also a no-op on a zeroed
 * struct. */
void rsio_output_close(rsio_output *out);
/* Hints for bytes [offset, offset + bytes) of out->data once written: starts their
 * write-back and drops them from the process, so finished windows stay neither resident nor
 * (once written) cached. Only advice. */
void rsio_output_release(rsio_output *out, size_t offset, size_t bytes);
/* Waits for the write-back of those bytes and drops them from the page cache (call it a
 * window later than rsio_output_release, so the write-back has had time). Only advice. */
void rsio_output_drop_cache(rsio_output *out, size_t offset, size_t bytes);

/* Removes the temporary; safe after a failed create or commit, and twice. */
/* Also a no-op after a successful commit and on a zeroed struct (it closes no descriptor). */
void rsio_output_abort(rsio_output *out);

/* ---- byte order (byteswap.c) ---- */

/* Reverses the bytes of each of `count` items of `dtype` in place (complex: each half). */
void rsio_byteswap(rowsort_dtype dtype, void *items, size_t count);

/* ---- element order, DESIGN section 1 (order.c) ---- */

/* Compares one element of `dtype` at a and b in the order `flags` give (ROWSORT_DESCENDING,
 * ROWSORT_NANS_LAST, ROWSORT_TOTAL_ORDER; ROWSORT_STABLE is ignored): negative when a comes
 * first, 0 when they are equal, positive otherwise. */
int rsio_order_compare(rowsort_dtype dtype, unsigned flags, const void *a, const void *b);

/* An element as a (cls, key) pair that compares, cls first, as rsio_order_compare does; for
 * every dtype but complex (whose two halves are two such pairs). */
typedef struct rsio_order_key {
    uint64_t key;
    unsigned cls;
} rsio_order_key;
rsio_order_key rsio_order_key_of(rowsort_dtype dtype, unsigned flags, const void *p);

/* ---- memory budget (membudget.c) ---- */

/* Parses a byte count: digits with an optional K, M, G or T suffix (powers of 1024; "KB",
 * "KiB" and lower case too). Returns 0, or -1 for anything else, 0 bytes, or overflow. */
int rsio_parse_bytes(const char *text, size_t *bytes);
/* The default budget: half of MemAvailable (/proc/meminfo), else half of the physical memory
 * (sysconf), at least 64 MiB. Not hwloc's NUMA sizes, which virtual machines misreport. */
size_t rsio_memory_default(void);

/* Engine scratch per element of a row being sorted, per thread, as budgeted: the engine says
 * "about 24 bytes per element" (keys, indices, a merge buffer) and 2 x (key + index) more
 * when it splits one row across threads; 40 covers both for 8-byte keys and indices. */
#define RSIO_SCRATCH_BYTES_PER_ELEMENT 40
/* Kept out of every budget for the program itself (code, libraries, stacks, small buffers). */
#define RSIO_RESERVE_BYTES ((size_t)8 << 20)

/* ---- sorting files under a memory budget (window.c, extsort.c) ---- */

typedef struct rsio_sort_job {
    rowsort_ctx *ctx;
    const rsio_input *inputs; /* num_operands inputs, all of the same rows and n */
    size_t num_operands;
    size_t num_keys;       /* 0: 1 */
    unsigned flags;        /* ROWSORT_DESCENDING | ROWSORT_STABLE | ... */
    rowsort_select select; /* ROWSORT_SELECT_ALL, or top-k with k */
    size_t k;
    /* num_operands outputs of every row of the input (rows x out_n, out_n = n or k), created
     * with rsio_output_create (big-endian for a big-endian input: the items are written in
     * the input's byte order) or opened with rsio_output_open_existing. */
    rsio_output *outputs;
    rsio_output *indices;      /* NULL: no index output */
    rowsort_dtype index_dtype; /* ROWSORT_DTYPE_I32 or _I64 */
    size_t row_begin;          /* rows [row_begin, row_end) are sorted (--rows) */
    size_t row_end;
    size_t memory_limit_bytes; /* 0: rsio_memory_default() */
} rsio_sort_job;

typedef struct rsio_sort_stats {
    size_t budget_bytes;    /* the budget used */
    size_t rows_per_window; /* 0 when rows were sorted out of core */
    size_t windows;
    size_t out_of_core_rows;
    size_t runs; /* sorted runs per out-of-core row */
} rsio_sort_stats;

/* Sorts rows [row_begin, row_end) of the inputs into the same rows of the outputs, holding
 * at most the budget resident: windows of whole rows (the next read ahead while one sorts,
 * finished ones dropped from memory and page cache), or, for a row too long for the budget,
 * rsio_extsort_row(). Inputs in Fortran order or big-endian are converted per window.
 * Errors: RSIO_RUNTIME "sort failed: ..." (the engine's status: memory), RSIO_BAD_INPUT for
 * a bad request ("sort failed: ...", "--rows A:B is out of range (N rows)"), and
 * rsio_extsort_row's. The outputs are not committed: the caller does that. */
rsio_kind rsio_sort_run(const rsio_sort_job *job, rsio_sort_stats *stats, rsio_error *err);

/* Sorts row `row` out of core: runs of at most `run_elems` elements sorted by the engine
 * (indices offset by the run's start) into one temporary file beside the first output (an
 * unlinked file: nothing is left behind, even after SIGKILL), then one k-way merge into the
 * outputs' row. Same contract as rowsort_sort (stable, indices, several operands, descending,
 * top-k). RSIO_RUNTIME "cannot write a sorted run: No space left on device", "cannot create
 * a temporary file for sorted runs: ...", "out of memory"; err->path is the first output. */
rsio_kind rsio_extsort_row(const rsio_sort_job *job, size_t row, size_t run_elems,
                           size_t budget_bytes, size_t *runs, rsio_error *err);

#endif /* RSIO_H */
