/*
 * extsort.c - one row longer than the memory budget: sorted out of core.
 *
 * Phase 1 cuts the row into runs of run_elems elements; the engine sorts each (with int64
 * indices, to which the run's start is added; top-k keeps the run's first k) and the run is
 * written to one temporary file beside the first output: per run, each operand's items, then
 * the indices. The file is unlinked from the start (O_TMPFILE, or created and unlinked at
 * once), so no failure, signal or SIGKILL can leave it behind.
 *
 * Phase 2 merges all runs at once with a loser tree: the runs' heads compared by the keys
 * in the order of DESIGN section 1 (order.c; the engine's encodings are internal to it),
 * ties by run number. Runs hold ascending positions and are each sorted stably when the sort
 * is stable, so the merge is stable too. One key of a non-complex dtype (the common case)
 * compares cached integer keys; several keys or complex ones go through rsio_order_compare.
 * The merged row is written into the outputs' mapping front to back, released as it goes.
 */
#define _GNU_SOURCE /* O_TMPFILE */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rsio.h"
#include "rsio_internal.h"

#define MAX_OPERANDS      64
#define MIN_BUFFER_ELEMS  1024
#define MIN_RELEASE_ELEMS 4096 /* the merged output is released at least this often */

typedef struct run_state {
    uint64_t file_offset;                 /* where the run starts in the runs file */
    size_t stored;                        /* elements in the run */
    size_t next;                          /* next element of the run to load into the buffer */
    size_t fill, pos;                     /* elements in the buffer, the one at its head */
    unsigned char *buf[MAX_OPERANDS + 1]; /* per operand, then int64 indices */
    rsio_order_key head;                  /* the head's key, for one non-complex key */
    int done;                             /* every element merged: loses to every run */
} run_state;

typedef struct merge {
    const rsio_sort_job *job;
    size_t nops, nkeys;
    size_t isz[MAX_OPERANDS + 1];
    rowsort_dtype dtype[MAX_OPERANDS];
    unsigned order_flags;
    int fast; /* one key, not complex: compare run_state.head */
    int fd;
    run_state *runs;
    size_t cap;           /* buffer capacity per run, in elements */
    size_t release_elems; /* merged elements between releases of the output */
} merge;

/* Creates the unlinked runs file beside `path`. */
static int create_runs_file(const char *path)
{
    char dir[1100];
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return fd;
    /* No O_TMPFILE here: a name for an instant. */
    char name[1200];
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        snprintf(name, sizeof name, "%s/.rowsort-runs-%ld-%u", dir, (long)getpid(), attempt);
        fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            unlink(name);
            return fd;
        }
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

static int write_all(int fd, const void *buf, size_t bytes, uint64_t offset)
{
    const char *p = buf;
    while (bytes > 0) {
        const ssize_t w = pwrite(fd, p, bytes, (off_t)offset);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        bytes -= (size_t)w;
        offset += (uint64_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t bytes, uint64_t offset)
{
    char *p = buf;
    while (bytes > 0) {
        const ssize_t r = pread(fd, p, bytes, (off_t)offset);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO; /* the file is shorter than what was written */
            return -1;
        }
        p += r;
        bytes -= (size_t)r;
        offset += (uint64_t)r;
    }
    return 0;
}

/* Bytes of one run section before operand `op` (op == nops: the indices). */
static uint64_t section_offset(const merge *m, const run_state *run, size_t op)
{
    uint64_t off = run->file_offset;
    for (size_t i = 0; i < op; i++)
        off += (uint64_t)run->stored * m->isz[i];
    return off;
}

static void load_head(const merge *m, run_state *run)
{
    if (m->fast)
        run->head =
            rsio_order_key_of(m->dtype[0], m->order_flags, run->buf[0] + run->pos * m->isz[0]);
}

/* Refills a run's buffer; 0, or -1 with errno. */
static int refill(const merge *m, run_state *run)
{
    size_t count = run->stored - run->next;
    if (count > m->cap)
        count = m->cap;
    for (size_t i = 0; i <= m->nops; i++)
        if (read_all(m->fd, run->buf[i], count * m->isz[i],
                     section_offset(m, run, i) + (uint64_t)run->next * m->isz[i]) != 0)
            return -1;
    run->next += count;
    run->fill = count;
    run->pos = 0;
    load_head(m, run);
    return 0;
}

/* Whether run a's head comes before run b's (ties: the lower run first; a finished run
 * last). */
static int before(const merge *m, size_t a, size_t b)
{
    const run_state *ra = &m->runs[a], *rb = &m->runs[b];
    if (ra->done || rb->done)
        return rb->done && (!ra->done || a < b);
    int c = 0;
    if (m->fast) {
        if (ra->head.cls != rb->head.cls)
            c = ra->head.cls < rb->head.cls ? -1 : 1;
        else
            c = (ra->head.key > rb->head.key) - (ra->head.key < rb->head.key);
    } else {
        for (size_t k = 0; c == 0 && k < m->nkeys; k++)
            c = rsio_order_compare(m->dtype[k], m->order_flags, ra->buf[k] + ra->pos * m->isz[k],
                                   rb->buf[k] + rb->pos * m->isz[k]);
    }
    return c != 0 ? c < 0 : a < b;
}

/* A loser tree over the runs (leaves nruns..2 nruns-1 of an implicit binary tree, any
 * nruns): each inner node keeps the loser of its match, so replacing the winner costs one
 * comparison per level, half of a binary heap's. Returns the first winner. */
static size_t tree_build(const merge *m, size_t *loser, size_t *scratch, size_t nruns)
{
    if (nruns == 1)
        return 0;
    for (size_t r = 0; r < nruns; r++)
        scratch[nruns + r] = r; /* winners of the subtrees */
    for (size_t i = nruns - 1; i >= 1; i--) {
        const size_t a = scratch[2 * i], b = scratch[2 * i + 1];
        const int a_wins = before(m, a, b);
        scratch[i] = a_wins ? a : b;
        loser[i] = a_wins ? b : a;
    }
    return scratch[1];
}

/* After run `winner` moved on: its new head plays its way up; returns the new winner. */
static size_t tree_replay(const merge *m, size_t *loser, size_t nruns, size_t winner)
{
    for (size_t node = (nruns + winner) / 2; node >= 1; node /= 2) {
        if (before(m, loser[node], winner)) {
            const size_t t = loser[node];
            loser[node] = winner;
            winner = t;
        }
    }
    return winner;
}

static rsio_kind sort_runs(const rsio_sort_job *job, merge *m, size_t row, size_t run_elems,
                           size_t nruns, size_t run_keep, rsio_error *err)
{
    const size_t n = job->inputs[0].n;
    const char *path = job->outputs[0].final_path;
    rsio_kind kind = RSIO_OK;
    void *stage[MAX_OPERANDS] = {0}, *sorted[MAX_OPERANDS] = {0};
    int64_t *idx = malloc(run_keep * sizeof *idx);
    rowsort_array ops[MAX_OPERANDS], outs[MAX_OPERANDS];
    int ok = idx != NULL;
    for (size_t i = 0; ok && i < m->nops; i++) {
        stage[i] = malloc(run_elems * m->isz[i]);
        sorted[i] = malloc(run_keep * m->isz[i]);
        ok = stage[i] != NULL && sorted[i] != NULL;
    }
    if (!ok) {
        kind = rsio_fail(err, RSIO_RUNTIME, ENOMEM, path, "out of memory for sorted runs");
        goto cleanup;
    }
    uint64_t offset = 0;
    for (size_t r = 0; r < nruns; r++) {
        const size_t start = r * run_elems;
        const size_t len = n - start < run_elems ? n - start : run_elems;
        const size_t keep = job->select != ROWSORT_SELECT_ALL && job->k < len ? job->k : len;
        for (size_t i = 0; i < m->nops; i++) {
            const rsio_input *in = &job->inputs[i];
            rsio_input_read_rows(in, row, 1, start, len, stage[i]);
            rsio_input_release_bytes(in, (row * n + start) * m->isz[i], len * m->isz[i]);
            ops[i].data = stage[i];
            ops[i].dtype = m->dtype[i];
            ops[i].row_stride_bytes = 0;
            outs[i].data = sorted[i];
            outs[i].dtype = m->dtype[i];
            outs[i].row_stride_bytes = 0;
        }
        rowsort_request req;
        rowsort_request_init(&req);
        req.rows = 1;
        req.n = len;
        req.operands = ops;
        req.outputs = outs;
        req.num_operands = m->nops;
        req.num_keys = m->nkeys;
        req.flags = job->flags;
        req.select = job->select;
        req.k = keep;
        req.indices.data = idx;
        req.indices.dtype = ROWSORT_DTYPE_I64;
        const rowsort_status s = rowsort_sort(job->ctx, &req);
        if (s != ROWSORT_OK) {
            kind = rsio_fail(err, rsio_engine_kind(s), 0, path, "sort failed: %s",
                             rowsort_status_string(s));
            goto cleanup;
        }
        for (size_t j = 0; j < keep; j++)
            idx[j] += (int64_t)start;
        m->runs[r].file_offset = offset;
        m->runs[r].stored = keep;
        for (size_t i = 0; i <= m->nops; i++) {
            const void *src = i < m->nops ? sorted[i] : (const void *)idx;
            if (write_all(m->fd, src, keep * m->isz[i], offset) != 0) {
                kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot write a sorted run");
                goto cleanup;
            }
            offset += (uint64_t)keep * m->isz[i];
        }
    }

cleanup:
    for (size_t i = 0; i < m->nops; i++) {
        free(stage[i]);
        free(sorted[i]);
    }
    free(idx);
    return kind;
}

/* Releases what the merge wrote of the outputs' row so far: elements [from, to). */
static void release_written(const rsio_sort_job *job, const merge *m, size_t row, size_t out_n,
                            size_t from, size_t to, size_t idx_size)
{
    for (size_t i = 0; i < m->nops; i++)
        rsio_output_release(&job->outputs[i], (row * out_n + from) * m->isz[i],
                            (to - from) * m->isz[i]);
    if (job->indices != NULL)
        rsio_output_release(job->indices, (row * out_n + from) * idx_size, (to - from) * idx_size);
}

static rsio_kind merge_runs(const rsio_sort_job *job, merge *m, size_t row, size_t nruns,
                            rsio_error *err)
{
    const char *path = job->outputs[0].final_path;
    const size_t out_n = job->select != ROWSORT_SELECT_ALL ? job->k : job->inputs[0].n;
    const size_t idx_size = job->indices != NULL ? rsio_dtype_itemsize(job->index_dtype) : 0;
    size_t *loser = malloc(2 * nruns * sizeof *loser);
    size_t *scratch = malloc(2 * nruns * sizeof *scratch);
    rsio_kind kind = RSIO_OK;
    if (loser == NULL || scratch == NULL) {
        kind = rsio_fail(err, RSIO_RUNTIME, ENOMEM, path, "out of memory for the merge");
        goto cleanup;
    }
    for (size_t r = 0; r < nruns; r++) {
        run_state *run = &m->runs[r];
        for (size_t i = 0; i <= m->nops; i++) {
            run->buf[i] = malloc(m->cap * m->isz[i]);
            if (run->buf[i] == NULL) {
                kind = rsio_fail(err, RSIO_RUNTIME, ENOMEM, path, "out of memory for the merge");
                goto cleanup;
            }
        }
        run->done = run->stored == 0;
        if (!run->done && refill(m, run) != 0) {
            kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot read a sorted run");
            goto cleanup;
        }
    }
    size_t winner = tree_build(m, loser, scratch, nruns);

    unsigned char *dst[MAX_OPERANDS];
    for (size_t i = 0; i < m->nops; i++)
        dst[i] = (unsigned char *)job->outputs[i].data + row * out_n * m->isz[i];
    unsigned char *dst_idx =
        job->indices != NULL ? (unsigned char *)job->indices->data + row * out_n * idx_size : NULL;
    const size_t release_every = m->release_elems;
    size_t released = 0;
    for (size_t j = 0; j < out_n && !m->runs[winner].done; j++) {
        run_state *run = &m->runs[winner];
        for (size_t i = 0; i < m->nops; i++) {
            unsigned char *d = dst[i] + j * m->isz[i];
            memcpy(d, run->buf[i] + run->pos * m->isz[i], m->isz[i]);
            if (job->inputs[i].hdr.big_endian)
                rsio_byteswap(m->dtype[i], d, 1);
        }
        if (dst_idx != NULL) {
            int64_t v;
            memcpy(&v, run->buf[m->nops] + run->pos * 8, 8);
            if (idx_size == 4) {
                const int32_t v32 = (int32_t)v;
                memcpy(dst_idx + j * 4, &v32, 4);
            } else {
                memcpy(dst_idx + j * 8, &v, 8);
            }
        }
        if (++run->pos < run->fill) {
            load_head(m, run);
        } else if (run->next < run->stored) {
            if (refill(m, run) != 0) {
                kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot read a sorted run");
                goto cleanup;
            }
        } else {
            run->done = 1;
        }
        if (nruns > 1)
            winner = tree_replay(m, loser, nruns, winner);
        if (j + 1 - released >= release_every) {
            release_written(job, m, row, out_n, released, j + 1, idx_size);
            released = j + 1;
        }
    }
    release_written(job, m, row, out_n, released, out_n, idx_size);

cleanup:
    for (size_t r = 0; r < nruns; r++)
        for (size_t i = 0; i <= m->nops; i++) {
            free(m->runs[r].buf[i]);
            m->runs[r].buf[i] = NULL;
        }
    free(loser);
    free(scratch);
    return kind;
}

rsio_kind rsio_extsort_row(const rsio_sort_job *job, size_t row, size_t run_elems,
                           size_t budget_bytes, size_t *runs_out, rsio_error *err)
{
    const char *path = job->outputs[0].final_path;
    const size_t n = job->inputs[0].n;
    if (job->num_operands > MAX_OPERANDS)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "too many operands to sort out of core (at most %d)", MAX_OPERANDS);
    if (n == 0 || row >= job->inputs[0].rows)
        return RSIO_OK;
    merge m;
    memset(&m, 0, sizeof m);
    m.job = job;
    m.nops = job->num_operands;
    m.nkeys = job->num_keys ? job->num_keys : 1;
    if (m.nkeys > m.nops)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path, "sort failed: %s",
                         rowsort_status_string(ROWSORT_E_NUM_KEYS));
    size_t rec = 8;
    for (size_t i = 0; i < m.nops; i++) {
        m.dtype[i] = job->inputs[i].hdr.dtype;
        m.isz[i] = rsio_dtype_itemsize(m.dtype[i]);
        rec += m.isz[i];
    }
    m.isz[m.nops] = 8;
    const unsigned order = job->flags & (ROWSORT_NANS_LAST | ROWSORT_TOTAL_ORDER);
    if (job->select == ROWSORT_SELECT_LARGEST)
        m.order_flags = order | ROWSORT_DESCENDING;
    else if (job->select == ROWSORT_SELECT_SMALLEST)
        m.order_flags = order;
    else
        m.order_flags = order | (job->flags & ROWSORT_DESCENDING);
    m.fast = m.nkeys == 1 && m.dtype[0] != ROWSORT_DTYPE_C64 && m.dtype[0] != ROWSORT_DTYPE_C128;

    if (run_elems == 0)
        run_elems = 1;
    const size_t nruns = n / run_elems + (n % run_elems != 0);
    const size_t run_keep =
        job->select != ROWSORT_SELECT_ALL && job->k < run_elems ? job->k : run_elems;
    uint64_t total = 0;
    for (size_t r = 0; r < nruns; r++) {
        const size_t len = n - r * run_elems < run_elems ? n - r * run_elems : run_elems;
        const size_t keep = job->select != ROWSORT_SELECT_ALL && job->k < len ? job->k : len;
        total += (uint64_t)keep * rec;
    }
    const size_t avail = budget_bytes > RSIO_RESERVE_BYTES ? budget_bytes - RSIO_RESERVE_BYTES : 0;
    /* A quarter of the budget: the engine keeps its run-phase scratch (in the context) and
     * the output is released every eighth. */
    m.cap = avail / 4 / nruns / rec;
    if (m.cap < MIN_BUFFER_ELEMS)
        m.cap = MIN_BUFFER_ELEMS;
    if (m.cap > run_keep)
        m.cap = run_keep;
    /* The merged output is written through its mapping: release it every eighth of the
     * budget, so the written pages stay within it. */
    const size_t out_bytes =
        rec - 8 + (job->indices != NULL ? rsio_dtype_itemsize(job->index_dtype) : 0);
    m.release_elems = avail / 8 / out_bytes;
    if (m.release_elems < MIN_RELEASE_ELEMS)
        m.release_elems = MIN_RELEASE_ELEMS;
    m.runs = calloc(nruns, sizeof *m.runs);
    if (m.runs == NULL)
        return rsio_fail(err, RSIO_RUNTIME, ENOMEM, path, "out of memory for sorted runs");

    rsio_kind kind = RSIO_OK;
    m.fd = create_runs_file(path);
    if (m.fd < 0) {
        kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path,
                               "cannot create a temporary file for sorted runs");
        goto cleanup;
    }
    /* Reserve the runs' space now: a full disk fails before any sorting. */
    int rc = total > 0 ? posix_fallocate(m.fd, 0, (off_t)total) : 0;
    if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) {
        char what[128];
        snprintf(what, sizeof what, "cannot reserve %llu bytes for sorted runs",
                 (unsigned long long)total);
        kind = rsio_fail_errno(err, RSIO_RUNTIME, rc, path, what);
        goto cleanup;
    }
    kind = sort_runs(job, &m, row, run_elems, nruns, run_keep, err);
    if (kind == RSIO_OK)
        kind = merge_runs(job, &m, row, nruns, err);
    if (runs_out != NULL)
        *runs_out = nruns;

cleanup:
    if (m.fd >= 0)
        close(m.fd);
    free(m.runs);
    return kind;
}
