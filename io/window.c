/*
 * window.c - sorting an input file into its outputs under a memory budget: windows of whole
 * rows, one at a time. The engine reads a window straight from the input's mapping (or from
 * a staging buffer when the input is Fortran-order or big-endian) and writes it into the
 * outputs' mappings; the next window is read ahead (MADV_WILLNEED) while one sorts, and
 * finished windows are dropped from the process and, once written back, from the page cache.
 *
 * The budget: per row, two input windows (the one sorting, the one read ahead), the output
 * window and the staging copy; plus the engine's scratch, RSIO_SCRATCH_BYTES_PER_ELEMENT per
 * element of a row per thread; plus RSIO_RESERVE_BYTES for the program. A row that does not
 * fit is sorted out of core (extsort.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rsio.h"
#include "rsio_internal.h"

/* Per element of an out-of-core run: the staging copy and the input pages it came from, the
 * sorted run, its int64 index, and the engine's scratch for a row split across threads
 * (24 per element per thread's part, 2 x (key + index) shared). */
#define RUN_SCRATCH_BYTES_PER_ELEMENT 56

rsio_kind rsio_engine_kind(rowsort_status status)
{
    switch (status) {
    case ROWSORT_E_NOMEM:
    case ROWSORT_E_TOPOLOGY:
    case ROWSORT_E_PIN:
    case ROWSORT_E_INTERNAL:
        return RSIO_RUNTIME;
    default:
        return RSIO_BAD_INPUT;
    }
}

static size_t sat_mul(size_t a, size_t b)
{
    size_t r;
    return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

static size_t sat_add(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static const char *first_output_path(const rsio_sort_job *job)
{
    return job->outputs != NULL ? job->outputs[0].final_path : "";
}

rsio_kind rsio_sort_run(const rsio_sort_job *job, rsio_sort_stats *stats, rsio_error *err)
{
    rsio_sort_stats local;
    if (stats == NULL)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (job == NULL || job->ctx == NULL || job->inputs == NULL || job->outputs == NULL ||
        job->num_operands == 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, "", "no sort to run");
    const rsio_input *in0 = &job->inputs[0];
    const size_t rows = in0->rows, n = in0->n, nops = job->num_operands;
    for (size_t i = 1; i < nops; i++)
        if (job->inputs[i].rows != rows || job->inputs[i].n != n)
            return rsio_fail(err, RSIO_BAD_INPUT, 0, "", "operands have different shapes");
    if (job->row_begin > job->row_end || job->row_end > rows)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, first_output_path(job),
                         "--rows %zu:%zu is out of range (%zu rows)", job->row_begin, job->row_end,
                         rows);
    if (job->select != ROWSORT_SELECT_ALL && job->k > n)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, "", "top-k %zu is larger than the row length %zu",
                         job->k, n);
    const size_t out_n = job->select != ROWSORT_SELECT_ALL ? job->k : n;
    const size_t budget = job->memory_limit_bytes ? job->memory_limit_bytes : rsio_memory_default();
    stats->budget_bytes = budget;
    const size_t begin = job->row_begin, end = job->row_end;
    if (begin == end || n == 0 || out_n == 0)
        return RSIO_OK; /* nothing to write */

    const size_t idx_size = job->indices != NULL ? rsio_dtype_itemsize(job->index_dtype) : 0;
    size_t in_row = 0, out_row = sat_mul(out_n, idx_size), stage_row = 0, item_bytes = 0;
    for (size_t i = 0; i < nops; i++) {
        const size_t isz = rsio_dtype_itemsize(job->inputs[i].hdr.dtype);
        item_bytes += isz;
        in_row = sat_add(in_row, sat_mul(n, isz));
        out_row = sat_add(out_row, sat_mul(out_n, isz));
        if (!job->inputs[i].native)
            stage_row = sat_add(stage_row, sat_mul(n, isz));
    }
    const size_t per_row = sat_add(sat_add(sat_mul(2, in_row), out_row), stage_row);
    const size_t threads = rowsort_ctx_threads(job->ctx);
    const size_t scratch = sat_mul(sat_mul(threads, RSIO_SCRATCH_BYTES_PER_ELEMENT), n);
    const size_t avail = budget > RSIO_RESERVE_BYTES ? budget - RSIO_RESERVE_BYTES : 0;

    if (avail <= scratch || (avail - scratch) / per_row == 0) {
        /* One row does not fit: each is sorted out of core, in runs. */
        const size_t per_elem = 3 * item_bytes + 8 + RUN_SCRATCH_BYTES_PER_ELEMENT;
        size_t run_elems = avail / 2 / per_elem; /* half for the runs, half to merge them */
        if (run_elems < 4096)
            run_elems = 4096;
        for (size_t r = begin; r < end; r++) {
            const rsio_kind kind = rsio_extsort_row(job, r, run_elems, budget, &stats->runs, err);
            if (kind != RSIO_OK)
                return kind;
            stats->out_of_core_rows++;
        }
        return RSIO_OK;
    }

    size_t window = (avail - scratch) / per_row;
    if (window > end - begin)
        window = end - begin;
    stats->rows_per_window = window;

    rsio_kind kind = RSIO_OK;
    void **stage = calloc(nops, sizeof *stage);
    rowsort_array *ops = calloc(nops, sizeof *ops);
    rowsort_array *outs = calloc(nops, sizeof *outs);
    if (stage == NULL || ops == NULL || outs == NULL) {
        kind = rsio_fail(err, RSIO_RUNTIME, 0, "", "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < nops; i++) {
        if (job->inputs[i].native)
            continue;
        const size_t bytes =
            sat_mul(sat_mul(window, n), rsio_dtype_itemsize(job->inputs[i].hdr.dtype));
        stage[i] = bytes == SIZE_MAX ? NULL : malloc(bytes);
        if (stage[i] == NULL) {
            kind = rsio_fail(err, RSIO_RUNTIME, 0, "", "out of memory");
            goto cleanup;
        }
    }

    size_t prev_w0 = 0, prev_nr = 0;
    for (size_t w0 = begin; w0 < end; w0 += window) {
        const size_t nr = end - w0 < window ? end - w0 : window;
        if (w0 + nr < end) {
            const size_t next = end - (w0 + nr) < window ? end - (w0 + nr) : window;
            for (size_t i = 0; i < nops; i++)
                rsio_input_prefetch(&job->inputs[i], w0 + nr, next);
        }
        for (size_t i = 0; i < nops; i++) {
            const rsio_input *in = &job->inputs[i];
            const size_t isz = rsio_dtype_itemsize(in->hdr.dtype);
            if (in->native) {
                ops[i].data = (char *)in->data + w0 * n * isz;
            } else {
                rsio_input_read_rows(in, w0, nr, 0, n, stage[i]);
                ops[i].data = stage[i];
            }
            ops[i].dtype = in->hdr.dtype;
            ops[i].row_stride_bytes = 0;
            outs[i].data = (char *)job->outputs[i].data + w0 * out_n * isz;
            outs[i].dtype = in->hdr.dtype;
            outs[i].row_stride_bytes = 0;
        }
        rowsort_request req;
        rowsort_request_init(&req);
        req.rows = nr;
        req.n = n;
        req.operands = ops;
        req.outputs = outs;
        req.num_operands = nops;
        req.num_keys = job->num_keys ? job->num_keys : 1;
        req.flags = job->flags;
        req.select = job->select;
        req.k = job->k;
        if (job->indices != NULL) {
            req.indices.data = (char *)job->indices->data + w0 * out_n * idx_size;
            req.indices.dtype = job->index_dtype;
        }
        const rowsort_status s = rowsort_sort(job->ctx, &req);
        if (s != ROWSORT_OK) {
            kind = rsio_fail(err, rsio_engine_kind(s), 0, "", "sort failed: %s",
                             rowsort_status_string(s));
            goto cleanup;
        }
        /* Written back in the input's byte order. */
        for (size_t i = 0; i < nops; i++)
            if (job->inputs[i].hdr.big_endian)
                rsio_byteswap(job->inputs[i].hdr.dtype, outs[i].data, nr * out_n);
        stats->windows++;

        /* This window is finished: out of the process; the one before out of the cache. */
        for (size_t i = 0; i < nops; i++) {
            const size_t isz = rsio_dtype_itemsize(job->inputs[i].hdr.dtype);
            rsio_input_release(&job->inputs[i], w0, nr);
            rsio_output_release(&job->outputs[i], w0 * out_n * isz, nr * out_n * isz);
            if (prev_nr > 0)
                rsio_output_drop_cache(&job->outputs[i], prev_w0 * out_n * isz,
                                       prev_nr * out_n * isz);
        }
        if (job->indices != NULL) {
            rsio_output_release(job->indices, w0 * out_n * idx_size, nr * out_n * idx_size);
            if (prev_nr > 0)
                rsio_output_drop_cache(job->indices, prev_w0 * out_n * idx_size,
                                       prev_nr * out_n * idx_size);
        }
        prev_w0 = w0;
        prev_nr = nr;
    }

cleanup:
    if (stage != NULL)
        for (size_t i = 0; i < nops; i++)
            free(stage[i]);
    free(stage);
    free(ops);
    free(outs);
    return kind;
}
