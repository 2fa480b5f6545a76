/*
 * sort.c - `rowsort sort`: map the inputs, create the outputs under temporary names, let io
 * sort the one into the other under the memory budget (windows of rows, rows out of core),
 * and rename the outputs into place only when everything succeeded. With --rows, the outputs
 * already exist and their rows are written in place (not atomically).
 *
 * Under rowsort-mpi (a cluster of ranks), the rows are split among the ranks: rank 0
 * creates the outputs under their temporary names, every other rank opens those files in
 * place and writes its own rows, and rank 0 renames them into place only when every rank
 * has written and synced its rows. Every rank passes the same collective steps (settle)
 * in the same order, failed or not, so that a failure anywhere ends the run everywhere.
 */
#define _POSIX_C_SOURCE 200809L /* isatty, fileno */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Everything one run holds, released by release_run(). */
typedef struct sort_run {
    rsio_input *inputs;
    size_t num_inputs_open;
    rsio_output *outputs; /* one per operand, then the indices */
    size_t num_outputs_created;
    size_t num_committed;
    rowsort_ctx *ctx;
    int in_place; /* --rows, or a rank other than 0: outputs opened in place, synced
                   * rather than committed */
    const cli_cluster *cluster; /* NULL: this process alone */
    rsio_sort_stats stats;
    cli_atomic_file stats_file; /* --stats: opened before the outputs are committed */
    int stats_open;
} sort_run;

static int distributed(const sort_run *run)
{
    return run->cluster != NULL && run->cluster->size > 1;
}

/* Rank 0 (or the process alone): creates and commits the outputs, writes the stats. */
static int leader(const sort_run *run)
{
    return run->cluster == NULL || run->cluster->rank == 0;
}

/* The run's status after a step every rank takes: this rank's own failure (its message
 * printed), else the worst of the other ranks' (printed by them), else 0. */
static int settle(const sort_run *run, int status)
{
    return cli_cluster_agree(run->cluster, status);
}

/* This rank's rows of [begin, end): contiguous, as many for every rank within one. */
static void rank_rows(const cli_cluster *c, size_t begin, size_t end, size_t *first,
                      size_t *last)
{
    const size_t rows = end - begin, ranks = (size_t)c->size, rank = (size_t)c->rank;
    const size_t each = rows / ranks, extra = rows % ranks;
    *first = begin + each * rank + (rank < extra ? rank : extra);
    *last = *first + each + (rank < extra ? 1 : 0);
}

typedef struct sort_times {
    double open_s, create_s, sort_s, commit_s, total_s;
} sort_times;

static void release_run(sort_run *run)
{
    /* Outputs not committed are removed: a failed run leaves no partial output. */
    for (size_t i = 0; i < run->num_outputs_created; i++) {
        if (run->in_place)
            rsio_output_close(&run->outputs[i]);
        else
            rsio_output_abort(&run->outputs[i]);
    }
    if (run->stats_open)
        cli_atomic_abort(&run->stats_file);
    cli_signals_clear();
    for (size_t i = 0; i < run->num_inputs_open; i++)
        rsio_input_close(&run->inputs[i]);
    rowsort_destroy(run->ctx);
    free(run->inputs);
    free(run->outputs);
}

/* The i-th file the run writes: the outputs, the indices, the stats (NULL: none). */
static const char *written_file(const cli_sort_opts *opts, size_t i)
{
    const size_t count = opts->outputs.count;
    if (i < count)
        return opts->outputs.items[i];
    if (i == count)
        return opts->argsort_path;
    const char *stats = opts->stats_path;
    return stats != NULL && strcmp(stats, "-") != 0 ? stats : NULL;
}

/* Every output file once, however it is spelled (o/x.npy, ./o/x.npy, a symbolic or a hard
 * link to it): two outputs in one file would leave only one of them. */
static int check_output_names(const cli_sort_opts *opts)
{
    const size_t files = opts->outputs.count + 2;
    char(*canon)[PATH_MAX] = calloc(files, sizeof *canon);
    if (canon == NULL)
        return cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
    for (size_t i = 0; i < files; i++) {
        const char *a = written_file(opts, i);
        if (a != NULL)
            cli_canonical_path(a, canon[i], sizeof canon[i]);
    }
    int rc = 0;
    for (size_t i = 0; i < files && rc == 0; i++) {
        const char *a = written_file(opts, i);
        for (size_t j = i + 1; j < files && a != NULL && rc == 0; j++) {
            const char *b = written_file(opts, j);
            /* Hard links and bind mounts: one file (device and inode) under two paths. */
            if (b != NULL && (strcmp(canon[i], canon[j]) == 0 || cli_same_file(a, b)))
                rc = strcmp(a, b) == 0
                         ? cli_usage_error("%s: named twice as an output", a)
                         : cli_usage_error("%s and %s: one file named twice as an output", a, b);
        }
    }
    free(canon);
    return rc;
}

static int same_shape(const rsio_npy_header *a, const rsio_npy_header *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (size_t i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return 0;
    return 1;
}

static int open_inputs(const cli_sort_opts *opts, sort_run *run)
{
    const size_t nops = opts->inputs.count;
    for (size_t i = 0; i < nops; i++) {
        rsio_error err;
        const rsio_kind kind =
            opts->raw ? rsio_input_open_raw(opts->inputs.items[i], opts->raw_dtype, opts->raw_ndim,
                                            opts->raw_shape, &run->inputs[i], &err)
                      : rsio_input_open_npy(opts->inputs.items[i], &run->inputs[i], &err);
        if (kind != RSIO_OK)
            return cli_io_error(&err);
        run->num_inputs_open++;
        const rsio_npy_header *h0 = &run->inputs[0].hdr;
        const rsio_npy_header *hi = &run->inputs[i].hdr;
        if (!same_shape(h0, hi)) {
            char s0[256], si[256];
            cli_format_shape(h0->shape, h0->ndim, s0, sizeof s0);
            cli_format_shape(hi->shape, hi->ndim, si, sizeof si);
            return cli_error(CLI_EXIT_USAGE, opts->inputs.items[i],
                             "operands have different shapes: %s vs %s", s0, si);
        }
    }
    return 0;
}

static int create_context(const cli_sort_opts *opts, sort_run *run)
{
    rowsort_options options;
    rowsort_options_init(&options);
    options.threads = opts->threads;
    options.isa = opts->isa;
    options.pin = opts->pin;
    rowsort_status s = ROWSORT_OK;
    run->ctx = rowsort_create(&options, &s);
    if (run->ctx != NULL)
        return 0;
    if (s == ROWSORT_E_ISA)
        return cli_error(CLI_EXIT_USAGE, NULL, "--isa %s: %s",
                         opts->isa == ROWSORT_ISA_AUTO ? "auto (ROWSORT_ISA)"
                                                       : rowsort_isa_name(opts->isa),
                         rowsort_status_string(s));
    if (s == ROWSORT_E_THREADS)
        return cli_error(CLI_EXIT_USAGE, NULL, "%s: %s",
                         opts->threads ? "--threads" : "ROWSORT_THREADS", rowsort_status_string(s));
    /* the one option of the environment that rowsort_create reads besides those */
    const char *pin_min = getenv("ROWSORT_PIN_MIN_BYTES");
    if (s == ROWSORT_E_OPTIONS && pin_min != NULL && *pin_min != '\0')
        return cli_error(CLI_EXIT_USAGE, NULL,
                         "ROWSORT_PIN_MIN_BYTES='%s': %s (a count of bytes, 0 or more)", pin_min,
                         rowsort_status_string(s));
    return cli_error(cli_status_exit(s), NULL, "cannot set up the sort: %s",
                     rowsort_status_string(s));
}

static int create_output(const char *path, rowsort_dtype dtype, size_t ndim, const size_t *shape,
                         const rsio_output_format *format, sort_run *run)
{
    rsio_error err;
    rsio_output *out = &run->outputs[run->num_outputs_created];
    if (run->in_place) {
        if (rsio_output_open_existing(path, dtype, ndim, shape, format, out, &err) != RSIO_OK)
            return cli_io_error(&err);
        run->num_outputs_created++;
        return 0;
    }
    cli_signals_block();
    const rsio_kind kind = rsio_output_create(path, dtype, ndim, shape, format, out, &err);
    int table_full = 0;
    if (kind == RSIO_OK) {
        run->num_outputs_created++;
        table_full = cli_signals_add_temp(out->temp_path) != 0;
    }
    cli_signals_unblock();
    if (kind != RSIO_OK)
        return cli_io_error(&err);
    if (table_full) /* cli_check_sort_opts keeps the count within the table */
        return cli_error(CLI_EXIT_RUNTIME, out->temp_path,
                         "cannot register the temporary output for removal on a signal");
    return 0;
}

/* A second name (a hard link beside it: .NAME.rowsort-prev-XXXXXX) for the file under
 * `path` now, so that it can be put back if a later output's commit fails. Returns 1 when
 * a regular file is there (keep is "" when no link could be made: a file system without
 * hard links, protected_hardlinks), 0 when there is none. */
static int keep_previous(const char *path, char *keep, size_t cap)
{
    keep[0] = '\0';
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    if (cli_name_beside(path, "rowsort-prev", keep, cap) != 0)
        return 1;
    const int fd = mkstemp(keep);
    if (fd < 0) {
        keep[0] = '\0';
        return 1;
    }
    close(fd);
    if (unlink(keep) != 0 || link(path, keep) != 0)
        keep[0] = '\0';
    return 1;
}

/* What one output's name held before the commit. */
typedef struct previous_file {
    char link[PATH_MAX + 32]; /* its second name ("" none) */
    int existed;              /* a file was there */
    int keep_link;            /* the link must stay: the previous file lives only there */
} previous_file;

/* Undoes output j's commit: puts back the file it replaced, or removes the new file where
 * there was none. Never loses a previous file: when it cannot be put back, the new output
 * stays (and the link too, if the move back failed). */
static void undo_commit(const char *path, previous_file *prev)
{
    if (prev->link[0] != '\0') {
        if (rename(prev->link, path) == 0)
            prev->link[0] = '\0';
        else
            prev->keep_link = 1;
    } else if (!prev->existed) {
        unlink(path);
    }
}

/* Renames every output into place: all of them or none. The data are written back first
 * (msync, fsync: long for big outputs, with signals acting at once), then, signals held
 * back, the renames; if one fails, those already done are undone (undo_commit). */
static int commit_outputs(sort_run *run)
{
    int status = 0;
    if (run->in_place) {
        /* --rows: written where they are; only make them durable. */
        for (size_t i = 0; i < run->num_outputs_created; i++) {
            rsio_error err;
            if (rsio_output_sync(&run->outputs[i], &err) != RSIO_OK && status == 0)
                status = cli_io_error(&err);
        }
        return status;
    }
    const size_t count = run->num_outputs_created;
    for (size_t i = 0; i < count; i++) {
        rsio_error err;
        if (rsio_output_write_back(&run->outputs[i], &err) != RSIO_OK)
            return cli_io_error(&err);
    }
    previous_file *prev = calloc(count ? count : 1, sizeof *prev);
    if (prev == NULL)
        return cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
    cli_signals_block();
    for (size_t i = 0; i < count; i++)
        prev[i].existed =
            keep_previous(run->outputs[i].final_path, prev[i].link, sizeof prev[i].link);
    for (size_t i = 0; i < count; i++) {
        rsio_error err;
        const char *path = run->outputs[i].final_path;
        /* Renamed or removed below: not the signal handler's to remove any more. */
        cli_signals_forget_temp(run->outputs[i].temp_path);
        /* A failed commit removes its temporary, and its renamed file when only the folder
         * sync failed (then the previous file is put back too). */
        if (rsio_output_commit(&run->outputs[i], &err) != RSIO_OK) {
            status = cli_io_error(&err);
            struct stat st;
            if (lstat(path, &st) != 0 && errno == ENOENT && prev[i].link[0] != '\0')
                undo_commit(path, &prev[i]);
            for (size_t j = 0; j < run->num_committed; j++)
                undo_commit(run->outputs[j].final_path, &prev[j]);
            break;
        }
        run->num_committed++;
    }
    for (size_t i = 0; i < count; i++)
        if (prev[i].link[0] != '\0' && !prev[i].keep_link)
            unlink(prev[i].link);
    cli_signals_unblock();
    free(prev);
    return status;
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_list(FILE *f, const cli_strlist *list)
{
    fputc('[', f);
    for (size_t i = 0; i < list->count; i++) {
        if (i)
            fputs(", ", f);
        json_string(f, list->items[i]);
    }
    fputc(']', f);
}

static int write_stats(const cli_sort_opts *opts, sort_run *run, const sort_times *t,
                       size_t out_n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL)
        return cli_error(CLI_EXIT_RUNTIME, opts->stats_path, "out of memory");
    const rsio_input *in0 = &run->inputs[0];
    fputs("{\n  \"command\": \"sort\",\n  \"version\": ", f);
    json_string(f, rowsort_version());
    fputs(",\n  \"inputs\": ", f);
    json_list(f, &opts->inputs);
    fputs(",\n  \"outputs\": ", f);
    json_list(f, &opts->outputs);
    fputs(",\n  \"argsort\": ", f);
    if (opts->argsort_path)
        json_string(f, opts->argsort_path);
    else
        fputs("null", f);
    fputs(",\n  \"dtypes\": [", f);
    for (size_t i = 0; i < opts->inputs.count; i++)
        fprintf(f, "%s\"%s\"", i ? ", " : "", rowsort_dtype_name(run->inputs[i].hdr.dtype));
    fprintf(f, "],\n  \"rows\": %zu,\n  \"n\": %zu,\n  \"out_n\": %zu,\n", in0->rows, in0->n,
            out_n);
    fprintf(f, "  \"keys\": %zu,\n", opts->keys ? opts->keys : 1);
    fprintf(f, "  \"descending\": %s,\n  \"stable\": %s,\n  \"nans_last\": %s,\n",
            opts->flags & ROWSORT_DESCENDING ? "true" : "false",
            opts->flags & ROWSORT_STABLE ? "true" : "false",
            opts->flags & ROWSORT_NANS_LAST ? "true" : "false");
    fprintf(f, "  \"total_order\": %s,\n", opts->flags & ROWSORT_TOTAL_ORDER ? "true" : "false");
    if (opts->top_k_set)
        fprintf(f, "  \"top_k\": %zu,\n  \"smallest\": %s,\n", opts->top_k,
                opts->smallest ? "true" : "false");
    else
        fputs("  \"top_k\": null,\n  \"smallest\": false,\n", f);
    fprintf(f, "  \"isa\": \"%s\",\n  \"threads\": %u,\n  \"ranks\": %d,\n",
            rowsort_isa_name(rowsort_ctx_isa(run->ctx)), rowsort_ctx_threads(run->ctx),
            run->cluster != NULL ? run->cluster->size : 1);
    size_t bytes = 0;
    for (size_t i = 0; i < opts->inputs.count; i++)
        bytes += run->inputs[i].hdr.data_bytes;
    fprintf(f, "  \"input_bytes\": %zu,\n", bytes);
    fprintf(f,
            "  \"memory_limit\": %zu,\n  \"windows\": %zu,\n  \"rows_per_window\": %zu,\n"
            "  \"out_of_core_rows\": %zu,\n  \"runs_per_row\": %zu,\n",
            run->stats.budget_bytes, run->stats.windows, run->stats.rows_per_window,
            run->stats.out_of_core_rows, run->stats.runs);
    fprintf(f,
            "  \"seconds\": {\"open\": %.9f, \"create\": %.9f, \"sort\": %.9f, "
            "\"commit\": %.9f, \"total\": %.9f}\n}\n",
            t->open_s, t->create_s, t->sort_s, t->commit_s, t->total_s);
    if (fclose(f) != 0 || text == NULL) {
        free(text);
        return cli_error(CLI_EXIT_RUNTIME, opts->stats_path, "out of memory");
    }
    run->stats_open = 0;
    const int status = cli_atomic_finish(&run->stats_file, text, len);
    free(text);
    return status;
}

static void print_progress(const cli_sort_opts *opts, const sort_run *run, const sort_times *t)
{
    const rsio_input *in0 = &run->inputs[0];
    size_t bytes = 0;
    for (size_t i = 0; i < opts->inputs.count; i++)
        bytes += run->inputs[i].hdr.data_bytes;
    const double mb_s = t->sort_s > 0 ? (double)bytes / t->sort_s / 1e6 : 0.0;
    char ranks[48] = "";
    if (distributed(run))
        snprintf(ranks, sizeof ranks, " per rank, %d ranks (rank 0's times)", run->cluster->size);
    fprintf(stderr,
            "rowsort: sorted %zu rows x %zu %s (%zu operand%s) in %.3f ms (%.0f MB/s; total "
            "%.3f ms with I/O), isa %s, %u thread%s%s\n",
            in0->rows, in0->n, rowsort_dtype_name(in0->hdr.dtype), opts->inputs.count,
            opts->inputs.count == 1 ? "" : "s", t->sort_s * 1e3, mb_s, t->total_s * 1e3,
            rowsort_isa_name(rowsort_ctx_isa(run->ctx)), rowsort_ctx_threads(run->ctx),
            rowsort_ctx_threads(run->ctx) == 1 ? "" : "s", ranks);
}

/* The checks every rank makes before any file is written: inputs, top-k, context, rows. */
static int prepare(const cli_sort_opts *opts, sort_run *run)
{
    int rc = open_inputs(opts, run);
    if (rc != 0)
        return rc;
    const rsio_input *in0 = &run->inputs[0];
    if (opts->top_k_set && opts->top_k > in0->n)
        return cli_usage_error("--top-k %zu is larger than the row length %zu", opts->top_k,
                               in0->n);
    /* The context first: a bad --isa or ROWSORT_THREADS creates no file. */
    rc = create_context(opts, run);
    if (rc != 0)
        return rc;
    if (opts->rows_set && opts->row_end > in0->rows)
        return cli_usage_error("--rows %zu:%zu is out of range (the input has %zu rows)",
                               opts->row_begin, opts->row_end, in0->rows);
    if (opts->rows_set) {
        /* Written in place: no output may be an input (its own or another operand's). */
        for (size_t j = 0; j <= opts->outputs.count; j++) {
            const char *out = written_file(opts, j);
            for (size_t i = 0; i < opts->inputs.count && out != NULL; i++)
                if (cli_same_file(opts->inputs.items[i], out))
                    return cli_error(CLI_EXIT_USAGE, out,
                                     "--rows writes into its outputs in place: %s",
                                     strcmp(opts->inputs.items[i], out) == 0
                                         ? "it must not be an input"
                                         : "it is an input (the same file)");
        }
    }
    /* The stats file's temporary now, its blocks reserved: once the outputs are renamed into
     * place, writing it cannot fail for want of room or of a folder. */
    if (opts->stats_path != NULL && leader(run)) {
        size_t names = 0; /* the JSON lists every file name, escaped (at most 6 bytes each) */
        for (size_t i = 0; i < opts->inputs.count; i++)
            names += strlen(opts->inputs.items[i]);
        for (size_t j = 0; j < opts->outputs.count + 2; j++) {
            const char *f = written_file(opts, j);
            names += f != NULL ? strlen(f) : 0;
        }
        rc = cli_atomic_open(&run->stats_file, opts->stats_path, 4096 + 6 * names);
        if (rc != 0)
            return rc;
        run->stats_open = 1;
    }
    return 0;
}

/* The shape of the outputs and the dtype of the indices. */
typedef struct out_layout {
    size_t ndim, shape[RSIO_MAX_NDIM], n;
    rowsort_dtype idx_dtype;
} out_layout;

/* Outputs keep the input's shape; top-k replaces the last axis by k (a 0-D input, one row
 * of one, gives a 1-D output of k). */
static int layout_outputs(const cli_sort_opts *opts, const rsio_input *in0, out_layout *o)
{
    o->n = opts->top_k_set ? opts->top_k : in0->n;
    o->ndim = in0->hdr.ndim;
    memcpy(o->shape, in0->hdr.shape, sizeof o->shape);
    if (opts->top_k_set) {
        if (o->ndim == 0)
            o->ndim = 1;
        o->shape[o->ndim - 1] = o->n;
    }
    return cli_index_dtype(opts, in0->n, &o->idx_dtype);
}

/* Creates the outputs (or opens them in place): output i at paths[i] when paths is given
 * (the temporaries rank 0 created), else at the path the options name. */
static int create_outputs(const cli_sort_opts *opts, const out_layout *o, char (*paths)[1024],
                          sort_run *run)
{
    const size_t nops = opts->inputs.count;
    const size_t total = nops + (opts->argsort_path != NULL);
    for (size_t i = 0; i < total; i++) {
        const int values = i < nops;
        rsio_output_format format = {opts->raw, values ? run->inputs[i].hdr.big_endian : 0};
        const char *path = paths != NULL ? paths[i] : written_file(opts, i);
        const rowsort_dtype dtype = values ? run->inputs[i].hdr.dtype : o->idx_dtype;
        const int rc = create_output(path, dtype, o->ndim, o->shape, &format, run);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Rank 0's outputs, created under temporary names, opened in place by every other rank:
 * the names go from rank 0 to the others. */
static int open_shared_outputs(const cli_sort_opts *opts, const out_layout *o, sort_run *run)
{
    const size_t total = opts->inputs.count + (opts->argsort_path != NULL);
    int rc = 0;
    if (leader(run)) {
        rc = create_outputs(opts, o, NULL, run);
        for (size_t i = 0; i < run->num_outputs_created && rc == 0; i++) {
            /* The header, written through rank 0's mapping, must be in the file before
             * the other ranks check it. */
            rsio_error err;
            if (rsio_output_flush(&run->outputs[i], &err) != RSIO_OK)
                rc = cli_io_error(&err);
        }
    }
    rc = settle(run, rc);
    if (rc != 0)
        return rc;
    char(*paths)[1024] = calloc(total, sizeof *paths);
    const int have = paths != NULL;
    rc = settle(run, have ? 0 : cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory"));
    if (rc != 0) {
        free(paths);
        return rc;
    }
    if (leader(run))
        for (size_t i = 0; i < total; i++)
            snprintf(paths[i], sizeof paths[i], "%s", run->outputs[i].temp_path);
    if (run->cluster->share(run->cluster, paths, total * sizeof *paths) != 0)
        rc = cli_error(CLI_EXIT_RUNTIME, NULL,
                       "cannot pass the temporary outputs' names from rank 0 to the others");
    if (rc == 0 && !leader(run))
        rc = create_outputs(opts, o, paths, run);
    free(paths);
    return settle(run, rc);
}

static int execute(const cli_sort_opts *opts, sort_run *run, sort_times *t)
{
    const double t0 = cli_now();
    const size_t nops = opts->inputs.count;
    int rc = settle(run, prepare(opts, run));
    if (rc != 0)
        return rc;
    const rsio_input *in0 = &run->inputs[0];
    const double t1 = cli_now();

    out_layout layout;
    rc = settle(run, layout_outputs(opts, in0, &layout));
    if (rc != 0)
        return rc;
    /* Every rank but 0 writes into rank 0's files in place, as --rows does into existing
     * ones. */
    run->in_place = opts->rows_set || !leader(run);
    if (distributed(run) && !opts->rows_set)
        rc = open_shared_outputs(opts, &layout, run);
    else
        rc = settle(run, create_outputs(opts, &layout, NULL, run));
    if (rc != 0)
        return rc;
    const double t2 = cli_now();

    rsio_sort_job job;
    memset(&job, 0, sizeof job);
    job.ctx = run->ctx;
    job.inputs = run->inputs;
    job.num_operands = nops;
    job.num_keys = opts->keys ? opts->keys : 1;
    job.flags = opts->flags;
    if (opts->top_k_set) {
        job.select = opts->smallest ? ROWSORT_SELECT_SMALLEST : ROWSORT_SELECT_LARGEST;
        job.k = opts->top_k;
    }
    job.outputs = run->outputs;
    job.indices = opts->argsort_path != NULL ? &run->outputs[nops] : NULL;
    job.index_dtype = layout.idx_dtype;
    job.row_begin = opts->rows_set ? opts->row_begin : 0;
    job.row_end = opts->rows_set ? opts->row_end : in0->rows;
    job.memory_limit_bytes = opts->memory_limit;
    if (distributed(run)) {
        rank_rows(run->cluster, job.row_begin, job.row_end, &job.row_begin, &job.row_end);
        /* The default budget is a share of the machine's memory: the ranks on one machine
         * split it. */
        if (job.memory_limit_bytes == 0 && run->cluster->local_size > 1)
            job.memory_limit_bytes = rsio_memory_default() / (size_t)run->cluster->local_size;
    }
    rsio_error err;
    const rsio_kind kind = rsio_sort_run(&job, &run->stats, &err);
    if (kind != RSIO_OK) {
        if (err.path[0] == '\0' && nops == 1)
            snprintf(err.path, sizeof err.path, "%s", opts->inputs.items[0]);
        rc = cli_io_error(&err);
    }
    const double t3 = cli_now();

    /* Rows written in place are synced by every rank; then rank 0 renames its temporaries,
     * which hold every rank's rows. */
    if (rc == 0 && run->in_place)
        rc = commit_outputs(run);
    rc = settle(run, rc);
    if (rc == 0 && !run->in_place)
        rc = commit_outputs(run);
    rc = settle(run, rc);
    if (rc != 0 || !leader(run))
        return rc;
    const double t4 = cli_now();
    t->open_s = t1 - t0;
    t->create_s = t2 - t1;
    t->sort_s = t3 - t2;
    t->commit_s = t4 - t3;
    t->total_s = t4 - t0;
    if (opts->progress == 1 || (opts->progress == CLI_PROGRESS_AUTO && isatty(STDERR_FILENO)))
        print_progress(opts, run, t);
    if (opts->stats_path != NULL)
        return write_stats(opts, run, t, layout.n);
    return 0;
}

int cli_sort_execute(const cli_sort_opts *opts)
{
    const size_t nops = opts->inputs.count;
    int rc = 0;
    if (nops == 0)
        rc = cli_usage_error("no input file (rowsort sort IN.npy -o OUT.npy)");
    else if (opts->outputs.count != nops)
        rc = cli_usage_error("%zu input%s need%s %zu output%s (one -o per input); got %zu", nops,
                             nops == 1 ? "" : "s", nops == 1 ? "s" : "", nops,
                             nops == 1 ? "" : "s", opts->outputs.count);
    if (rc == 0)
        rc = cli_check_sort_opts(opts, nops);
    if (rc == 0)
        rc = check_output_names(opts);

    sort_run run;
    memset(&run, 0, sizeof run);
    if (rc == 0) {
        run.inputs = calloc(nops, sizeof *run.inputs);
        run.outputs = calloc(nops + 1, sizeof *run.outputs);
        if (run.inputs == NULL || run.outputs == NULL)
            rc = cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
    }
    /* The ranks agree before execute()'s own collective steps. */
    rc = cli_cluster_agree(opts->cluster, rc);
    if (rc != 0) {
        release_run(&run);
        return rc;
    }
    run.cluster = opts->cluster;
    cli_signals_install();
    sort_times times;
    memset(&times, 0, sizeof times);
    rc = execute(opts, &run, &times);
    release_run(&run);
    return rc;
}

int cli_cmd_sort(int argc, char **argv)
{
    return cli_cmd_sort_on(NULL, argc, argv);
}

int cli_cmd_sort_on(const cli_cluster *cluster, int argc, char **argv)
{
    cli_sort_opts opts;
    cli_sort_opts_init(&opts);
    opts.cluster = cluster;
    int rc = cli_parse_sort_args(
        argc, argv, CLI_ARGS_POSITIONAL | CLI_ARGS_OUTPUTS | CLI_ARGS_RUN | CLI_ARGS_RAW, "sort",
        &opts);
    /* cli_sort_execute's first step is the ranks' agreement: a rank that stops here takes
     * that step too. */
    if (rc == 0)
        rc = cli_sort_execute(&opts);
    else
        rc = cli_cluster_agree(cluster, rc);
    cli_sort_opts_free(&opts);
    return rc == CLI_DONE ? 0 : rc;
}
