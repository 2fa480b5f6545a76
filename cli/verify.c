/*
 * verify.c - `rowsort verify`: checks outputs against their inputs without the engine.
 *
 * Per row: the output is in the order the flags give (multi-key, each key by io's
 * rsio_order_compare, which shares no code with the engine's key encodings), it is the input
 * row permuted bit for bit with every operand moved together (records of all operands
 * compared as multisets), and with --argsort out[j] == in[idx[j]] for each operand, idx a
 * permutation (distinct positions for top-k), equal keys in increasing idx when stable.
 * A check that fails exits 1; files that cannot be read exit 2.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct verify_ctx {
    size_t nops, num_keys;
    unsigned flags; /* order flags of the check (top-k: its own direction) */
    int stable;     /* equal keys must keep increasing indices */
    int top_k;      /* outputs hold the first out_n of the order */
    size_t n, out_n, rows;
    rsio_input *ins; /* nops inputs, then nops outputs, then the indices */
    rowsort_dtype dtypes[64];
    size_t sizes[64];
    size_t offsets[64]; /* of each operand in a record */
    size_t rec_size;
    const char *const *names;
    const char *idx_name;
} verify_ctx;

static size_t record_bytes_for_sort; /* qsort has no context argument */

static int compare_bytes(const void *a, const void *b)
{
    return memcmp(a, b, record_bytes_for_sort);
}

/* The order of two records by the keys. */
static int compare_keys(const verify_ctx *v, const unsigned char *a, const unsigned char *b)
{
    for (size_t k = 0; k < v->num_keys; k++) {
        const int c =
            rsio_order_compare(v->dtypes[k], v->flags, a + v->offsets[k], b + v->offsets[k]);
        if (c != 0)
            return c;
    }
    return 0;
}

/* Gathers row r of the operands starting at ins[first] into records. */
static void gather(const verify_ctx *v, size_t first, size_t r, size_t count, unsigned char *rec)
{
    for (size_t k = 0; k < v->nops; k++) {
        const rsio_input *in = &v->ins[first + k];
        if (!in->native) {
            /* Fortran order or big-endian: io converts, one element at a time. */
            for (size_t j = 0; j < count; j++)
                rsio_input_read_rows(in, r, 1, j, 1, rec + j * v->rec_size + v->offsets[k]);
            continue;
        }
        const unsigned char *row = (const unsigned char *)in->data + r * count * v->sizes[k];
        for (size_t j = 0; j < count; j++)
            memcpy(rec + j * v->rec_size + v->offsets[k], row + j * v->sizes[k], v->sizes[k]);
    }
}

static size_t load_index(const rsio_input *idx, size_t r, size_t out_n, size_t j, int *bad)
{
    if (idx->hdr.dtype == ROWSORT_DTYPE_I32) {
        int32_t x;
        if (idx->native)
            memcpy(&x, (const char *)idx->data + (r * out_n + j) * 4, 4);
        else
            rsio_input_read_rows(idx, r, 1, j, 1, &x);
        *bad = x < 0;
        return (size_t)(uint32_t)x;
    }
    int64_t x;
    if (idx->native)
        memcpy(&x, (const char *)idx->data + (r * out_n + j) * 8, 8);
    else
        rsio_input_read_rows(idx, r, 1, j, 1, &x);
    *bad = x < 0;
    return (size_t)(uint64_t)x;
}

/* Which operand differs between two records (for the message). */
static size_t differing_operand(const verify_ctx *v, const unsigned char *a, const unsigned char *b)
{
    for (size_t k = 0; k < v->nops; k++)
        if (memcmp(a + v->offsets[k], b + v->offsets[k], v->sizes[k]) != 0)
            return k;
    return 0;
}

static int fail(const char *file, size_t r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "FILE: row R, what" and exit status 1: the output failed the check. */
static int fail(const char *file, size_t r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return cli_error(CLI_EXIT_RUNTIME, file, "row %zu, %s", r, msg);
}

static int check_row_with_indices(const verify_ctx *v, size_t r, const unsigned char *in_rec,
                                  const unsigned char *out_rec, unsigned char *seen, size_t *idx)
{
    const rsio_input *ix = &v->ins[2 * v->nops];
    memset(seen, 0, v->n);
    for (size_t j = 0; j < v->out_n; j++) {
        int negative;
        idx[j] = load_index(ix, r, v->out_n, j, &negative);
        if (negative || idx[j] >= v->n)
            return fail(v->idx_name, r, "position %zu: index out of range (row length %zu)", j,
                        v->n);
        if (seen[idx[j]])
            return fail(v->idx_name, r, "position %zu: index %zu appears twice", j, idx[j]);
        seen[idx[j]] = 1;
        const unsigned char *o = out_rec + j * v->rec_size;
        const unsigned char *i = in_rec + idx[j] * v->rec_size;
        if (memcmp(o, i, v->rec_size) != 0) {
            const size_t k = differing_operand(v, o, i);
            return fail(v->names[v->nops + k], r,
                        "position %zu: differs from input position %zu (the index says so)", j,
                        idx[j]);
        }
        if (j > 0 && v->stable && idx[j - 1] > idx[j] &&
            compare_keys(v, out_rec + (j - 1) * v->rec_size, o) == 0)
            return fail(v->names[v->nops], r,
                        "position %zu: equal keys out of input order (not stable: index %zu "
                        "after a larger one)",
                        j, idx[j]);
    }
    if (v->top_k && v->out_n > 0) {
        /* Nothing left out may come before the last element kept (ties: by index). */
        const unsigned char *last = out_rec + (v->out_n - 1) * v->rec_size;
        for (size_t i = 0; i < v->n; i++) {
            if (seen[i])
                continue;
            const int c = compare_keys(v, in_rec + i * v->rec_size, last);
            if (c < 0 || (c == 0 && i < idx[v->out_n - 1]))
                return fail(v->names[v->nops], r,
                            "input position %zu belongs in the top %zu but is missing", i,
                            v->out_n);
        }
    }
    return 0;
}

static int check_row_multiset(const verify_ctx *v, size_t r, unsigned char *in_rec,
                              unsigned char *out_rec)
{
    /* The orders were checked: the raw records may be sorted now. */
    record_bytes_for_sort = v->rec_size;
    qsort(in_rec, v->n, v->rec_size, compare_bytes);
    unsigned char *keep = malloc(v->rec_size > 0 && v->out_n > 0 ? v->rec_size : 1);
    if (keep == NULL)
        return cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
    if (v->out_n > 0)
        memcpy(keep, out_rec + (v->out_n - 1) * v->rec_size, v->rec_size);
    qsort(out_rec, v->out_n, v->rec_size, compare_bytes);
    int rc = 0;
    if (!v->top_k) {
        if (memcmp(in_rec, out_rec, v->n * v->rec_size) != 0)
            rc = fail(v->names[v->nops], r,
                      "not a permutation of the input row (bit for bit, all %zu operand%s "
                      "together)",
                      v->nops, v->nops == 1 ? "" : "s");
    } else {
        /* out must be a sub-multiset of in; nothing left out may come before the last kept. */
        size_t i = 0;
        for (size_t j = 0; j < v->out_n && rc == 0; j++) {
            const unsigned char *o = out_rec + j * v->rec_size;
            while (i < v->n && memcmp(in_rec + i * v->rec_size, o, v->rec_size) < 0) {
                if (compare_keys(v, in_rec + i * v->rec_size, keep) < 0)
                    rc = fail(v->names[v->nops], r, "an element left out belongs in the top %zu",
                              v->out_n);
                i++;
            }
            if (rc == 0 && (i == v->n || memcmp(in_rec + i * v->rec_size, o, v->rec_size) != 0))
                rc = fail(v->names[v->nops], r,
                          "the output holds an element that is not in the input row");
            i++;
        }
        for (; i < v->n && rc == 0 && v->out_n > 0; i++)
            if (compare_keys(v, in_rec + i * v->rec_size, keep) < 0)
                rc = fail(v->names[v->nops], r, "an element left out belongs in the top %zu",
                          v->out_n);
    }
    free(keep);
    return rc;
}

static int check_rows(const verify_ctx *v)
{
    /* Empty rows, or none: nothing to check, however long the other axis says it is. */
    if (v->rows == 0 || v->n == 0)
        return 0;
    const int with_idx = v->idx_name != NULL;
    unsigned char *in_rec = malloc(v->n * v->rec_size + 1);
    unsigned char *out_rec = malloc(v->out_n * v->rec_size + 1);
    unsigned char *seen = malloc(v->n + 1);
    size_t *idx = malloc((v->out_n + 1) * sizeof *idx);
    int rc = 0;
    if (in_rec == NULL || out_rec == NULL || seen == NULL || idx == NULL)
        rc = cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
    for (size_t r = 0; r < v->rows && rc == 0; r++) {
        gather(v, 0, r, v->n, in_rec);
        gather(v, v->nops, r, v->out_n, out_rec);
        for (size_t j = 1; j < v->out_n && rc == 0; j++)
            if (compare_keys(v, out_rec + (j - 1) * v->rec_size, out_rec + j * v->rec_size) > 0)
                rc = fail(v->names[v->nops], r, "position %zu: not in order", j);
        if (rc == 0)
            rc = with_idx ? check_row_with_indices(v, r, in_rec, out_rec, seen, idx)
                          : check_row_multiset(v, r, in_rec, out_rec);
    }
    free(in_rec);
    free(out_rec);
    free(seen);
    free(idx);
    return rc;
}

static int same_shape(const rsio_npy_header *a, size_t ndim, const size_t *shape)
{
    if (a->ndim != ndim)
        return 0;
    for (size_t i = 0; i < ndim; i++)
        if (a->shape[i] != shape[i])
            return 0;
    return 1;
}

static int check_files(verify_ctx *v, const cli_sort_opts *opts)
{
    const rsio_npy_header *h0 = &v->ins[0].hdr;
    char s0[256], si[256];
    cli_format_shape(h0->shape, h0->ndim, s0, sizeof s0);
    for (size_t k = 1; k < v->nops; k++) {
        const rsio_npy_header *h = &v->ins[k].hdr;
        if (!same_shape(h, h0->ndim, h0->shape)) {
            cli_format_shape(h->shape, h->ndim, si, sizeof si);
            return cli_error(CLI_EXIT_USAGE, v->names[k],
                             "operands have different shapes: %s vs %s", s0, si);
        }
    }
    v->rows = v->ins[0].rows;
    v->n = v->ins[0].n;
    if (opts->top_k_set && opts->top_k > v->n)
        return cli_usage_error("--top-k %zu is larger than the row length %zu", opts->top_k, v->n);
    v->out_n = opts->top_k_set ? opts->top_k : v->n;
    size_t out_shape[RSIO_MAX_NDIM];
    size_t out_ndim = h0->ndim;
    memcpy(out_shape, h0->shape, sizeof out_shape);
    if (opts->top_k_set) {
        if (out_ndim == 0)
            out_ndim = 1;
        out_shape[out_ndim - 1] = v->out_n;
    }
    char so[256];
    cli_format_shape(out_shape, out_ndim, so, sizeof so);
    for (size_t k = 0; k < v->nops; k++) {
        const rsio_npy_header *h = &v->ins[v->nops + k].hdr;
        if (h->dtype != v->ins[k].hdr.dtype)
            return cli_error(CLI_EXIT_RUNTIME, v->names[v->nops + k],
                             "dtype %s, but its input is %s", rowsort_dtype_name(h->dtype),
                             rowsort_dtype_name(v->ins[k].hdr.dtype));
        if (!same_shape(h, out_ndim, out_shape)) {
            cli_format_shape(h->shape, h->ndim, si, sizeof si);
            return cli_error(CLI_EXIT_RUNTIME, v->names[v->nops + k], "shape %s, expected %s", si,
                             so);
        }
    }
    if (v->idx_name != NULL) {
        const rsio_npy_header *h = &v->ins[2 * v->nops].hdr;
        if (h->dtype != ROWSORT_DTYPE_I32 && h->dtype != ROWSORT_DTYPE_I64)
            return cli_error(CLI_EXIT_RUNTIME, v->idx_name,
                             "indices of dtype %s (int32 or int64 expected)",
                             rowsort_dtype_name(h->dtype));
        if (opts->index_int64 && h->dtype != ROWSORT_DTYPE_I64)
            return cli_error(CLI_EXIT_RUNTIME, v->idx_name, "int32 indices, int64 asked for");
        if (!same_shape(h, out_ndim, out_shape)) {
            cli_format_shape(h->shape, h->ndim, si, sizeof si);
            return cli_error(CLI_EXIT_RUNTIME, v->idx_name, "shape %s, expected %s", si, so);
        }
    }
    return 0;
}

/* File i of the command line (the inputs, then as many outputs, then the indices) as a
 * .npy file, or as the raw file that `sort --raw` with these flags wrote: the inputs of
 * --dtype and --shape, the outputs of that dtype and of the top k where asked, the indices
 * of the output shape and of idx_dtype (cli_index_dtype, as sort has it). */
static rsio_kind open_file(const cli_sort_opts *opts, rowsort_dtype idx_dtype, size_t i,
                           size_t files, const char *path, rsio_input *in, rsio_error *err)
{
    if (!opts->raw)
        return rsio_input_open_npy(path, in, err);
    const size_t ndim = opts->raw_ndim;
    size_t shape[RSIO_MAX_NDIM];
    memcpy(shape, opts->raw_shape, sizeof shape);
    if (i >= files / 2 && opts->top_k_set)
        shape[ndim - 1] = opts->top_k;
    return rsio_input_open_raw(path, i >= files ? idx_dtype : opts->raw_dtype, ndim, shape, in,
                               err);
}

int cli_cmd_verify(int argc, char **argv)
{
    cli_sort_opts opts;
    cli_sort_opts_init(&opts);
    int rc = cli_parse_sort_args(argc, argv, CLI_ARGS_POSITIONAL | CLI_ARGS_RAW, "verify", &opts);
    if (rc != 0) {
        cli_sort_opts_free(&opts);
        return rc == CLI_DONE ? 0 : rc;
    }
    const size_t files = opts.inputs.count;
    if (files / 2 > CLI_MAX_OPERANDS) {
        cli_sort_opts_free(&opts);
        return cli_usage_error("verify compares at most %d operands (got %zu files: %zu pairs)",
                               CLI_MAX_OPERANDS, files, files / 2);
    }
    if (files < 2 || files % 2 != 0) {
        cli_sort_opts_free(&opts);
        return cli_usage_error("verify needs the inputs, then as many outputs (got %zu file%s)",
                               files, files == 1 ? "" : "s");
    }
    cli_signals_install_fault(); /* a mapped input truncated meanwhile: an error, not a crash */
    verify_ctx v;
    memset(&v, 0, sizeof v);
    v.nops = files / 2;
    rc = cli_check_sort_opts(&opts, v.nops);
    rowsort_dtype idx_dtype = ROWSORT_DTYPE_I32;
    if (rc == 0 && opts.raw) {
        const size_t n = opts.raw_shape[opts.raw_ndim - 1];
        if (opts.top_k_set && opts.top_k > n) /* before the outputs' sizes are checked */
            rc = cli_usage_error("--top-k %zu is larger than the row length %zu", opts.top_k, n);
        else
            rc = cli_index_dtype(&opts, n, &idx_dtype);
    }
    const size_t num_files = files + (opts.argsort_path != NULL);
    v.ins = rc == 0 ? calloc(num_files, sizeof *v.ins) : NULL;
    if (rc == 0 && v.ins == NULL)
        rc = cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
    size_t opened = 0;
    for (; rc == 0 && opened < num_files; opened++) {
        const char *path = opened < files ? opts.inputs.items[opened] : opts.argsort_path;
        rsio_error err;
        if (open_file(&opts, idx_dtype, opened, files, path, &v.ins[opened], &err) != RSIO_OK) {
            rc = cli_io_error(&err);
            break;
        }
    }
    if (rc == 0) {
        v.names = (const char *const *)opts.inputs.items;
        v.idx_name = opts.argsort_path;
        v.num_keys = opts.keys ? opts.keys : 1;
        v.top_k = opts.top_k_set;
        v.stable = opts.top_k_set || (opts.flags & ROWSORT_STABLE);
        v.flags = opts.flags & (ROWSORT_NANS_LAST | ROWSORT_TOTAL_ORDER);
        if (opts.top_k_set)
            v.flags |= opts.smallest ? 0 : ROWSORT_DESCENDING;
        else
            v.flags |= opts.flags & ROWSORT_DESCENDING;
        for (size_t k = 0; k < v.nops; k++) {
            v.dtypes[k] = v.ins[k].hdr.dtype;
            v.sizes[k] = rowsort_dtype_size(v.dtypes[k]);
            v.offsets[k] = v.rec_size;
            v.rec_size += v.sizes[k];
        }
        rc = check_files(&v, &opts);
    }
    if (rc == 0)
        rc = check_rows(&v);
    if (rc == 0) {
        printf("ok: %zu rows x %zu verified", v.rows, v.n);
        if (v.top_k)
            printf(" (top %zu, %s)", v.out_n, opts.smallest ? "smallest" : "largest");
        if ((opts.flags & ROWSORT_STABLE) && v.idx_name == NULL && !v.top_k)
            printf(" (stability not checked: no --argsort)");
        printf("\n");
    }
    for (size_t i = 0; i < opened && v.ins != NULL; i++)
        rsio_input_close(&v.ins[i]);
    free(v.ins);
    cli_sort_opts_free(&opts);
    return rc;
}
