/* sched_plan.c - the placement plan, a pure function (see sched_plan.h). */
#include "sched_plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void rs_plan_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *at = buf != NULL && *len < cap ? buf + *len : NULL;
    const size_t room = at != NULL ? cap - *len : 0;
    const int n = vsnprintf(at, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len += (size_t)n;
}

void rs_plan_part(size_t n, size_t parts, size_t part, size_t *begin, size_t *end)
{
    const size_t q = n / parts, r = n % parts;
    *begin = part * q + (part < r ? part : r);
    *end = *begin + q + (part < r ? 1 : 0);
}

size_t rs_plan_part_begin(size_t n, size_t parts, size_t part)
{
    if (part >= parts)
        return n;
    size_t begin, end;
    rs_plan_part(n, parts, part, &begin, &end);
    return begin;
}

size_t rs_plan_scale(size_t n, size_t num, size_t den)
{
    return (n / den) * num + (n % den) * num / den;
}

static size_t ceil_div(size_t a, size_t b)
{
    return a / b + (a % b != 0);
}

/* Threads the work deserves, and whether rows are split (see the header's cost model). */
static void choose_threads(const rs_plan_workload *w, size_t min_elems, unsigned *threads,
                           int *split)
{
    *split = 0;
    *threads = 1;
    if (w->rows == 0 || w->n == 0 || w->threads <= 1)
        return;
    const size_t total = w->rows > SIZE_MAX / w->n ? SIZE_MAX : w->rows * w->n;
    size_t t = total / min_elems;
    if (t > w->threads)
        t = w->threads;
    if (t <= 1)
        return;
    if (w->rows >= t) {
        /* Rows per thread rounded up: the slowest thread's share. Split when whole rows
         * leave more than an eighth of the threads' time idle. */
        const size_t rounds = ceil_div(w->rows, t);
        const int uneven = 8 * w->rows < 7 * t * rounds;
        if (uneven && w->splittable && w->n / t >= RS_PLAN_MIN_SPLIT_ELEMS)
            *split = 1;
        *threads = (unsigned)t;
        return;
    }
    if (w->splittable && w->n >= 2 * RS_PLAN_MIN_SPLIT_ELEMS) {
        const size_t parts = w->n / RS_PLAN_MIN_SPLIT_ELEMS;
        *threads = (unsigned)(parts < t ? parts : t);
        *split = 1;
        return;
    }
    *threads = (unsigned)w->rows; /* one row per thread, the rest would idle */
}

/* Bytes each thread reads and writes, saturating. */
static size_t bytes_per_thread(const rs_plan_workload *w, unsigned threads)
{
    int overflow = 0;
    const size_t elems = rs_mul_size(w->rows, w->n, &overflow);
    const size_t bytes = rs_mul_size(elems, w->elem_bytes ? w->elem_bytes : 1, &overflow);
    return overflow ? SIZE_MAX : bytes / threads;
}

/* PUs of each node in the order threads take them: one per core first, then the second
 * PU of each core, and so on. order[] holds indices into topo->pus; first[node] indexes
 * order[]. */
static void order_pus(const rs_topo_info *topo, size_t *order, size_t *first, size_t *count)
{
    unsigned max_smt = 0;
    for (size_t i = 0; i < topo->num_pus; i++)
        if (topo->pus[i].smt > max_smt)
            max_smt = topo->pus[i].smt;
    size_t at = 0;
    for (size_t node = 0; node < topo->num_nodes; node++) {
        first[node] = at;
        for (unsigned smt = 0; smt <= max_smt; smt++)
            for (size_t i = 0; i < topo->num_pus; i++)
                if (topo->pus[i].node == node && topo->pus[i].smt == smt)
                    order[at++] = i;
        count[node] = at - first[node];
    }
}

unsigned rs_plan_threads(const rs_plan_workload *work, const rs_plan_options *options, int *split)
{
    const size_t min_elems = options->min_elems_per_thread ? options->min_elems_per_thread
                                                           : RS_PLAN_MIN_ELEMS_PER_THREAD;
    unsigned threads;
    choose_threads(work, min_elems, &threads, split);
    return threads;
}

rowsort_status rs_plan_make(const rs_topo_info *topo, const rs_plan_workload *work,
                            const rs_plan_options *options, rs_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (work->threads == 0 || topo->num_pus == 0 || topo->num_nodes == 0)
        return ROWSORT_E_THREADS;
    const unsigned threads = rs_plan_threads(work, options, &plan->split);
    plan->pin = options->pin;
    plan->threads = threads;
    plan->bind_min_bytes = options->min_bind_bytes ? options->min_bind_bytes
                                                   : RS_PLAN_MIN_BIND_BYTES;
    plan->bind = options->pin != ROWSORT_PIN_NONE && threads > 1 &&
                 bytes_per_thread(work, threads) >= plan->bind_min_bytes;

    const size_t nodes = topo->num_nodes;
    size_t *order = rs_alloc_array(topo->num_pus, sizeof *order);
    size_t *first = rs_alloc_array(nodes, sizeof *first);
    size_t *cap = rs_alloc_array(nodes, sizeof *cap);
    size_t *taken = rs_alloc_array(nodes, sizeof *taken);
    plan->thread = rs_alloc_array(threads, sizeof *plan->thread);
    plan->node = rs_alloc_array(nodes, sizeof *plan->node);
    rowsort_status status = ROWSORT_OK;
    if (order == NULL || first == NULL || cap == NULL || taken == NULL || plan->thread == NULL ||
        plan->node == NULL) {
        status = ROWSORT_E_NOMEM;
        goto cleanup;
    }
    order_pus(topo, order, first, cap);

    if (options->pin == ROWSORT_PIN_NONE) {
        /* One group: no binding, so no node owns anything. */
        plan->num_nodes = 1;
        plan->node[0] = (rs_plan_node){-1, 0, work->rows, 0, threads};
        for (unsigned t = 0; t < threads; t++)
            plan->thread[t] = (rs_plan_thread){-1, 0, 0};
    } else {
        /* Threads go to the node least filled relative to its PUs (ties: lowest index),
         * which spreads them over the nodes in proportion to the allowed PUs. */
        memset(taken, 0, nodes * sizeof *taken);
        for (unsigned t = 0; t < threads; t++) {
            size_t best = 0;
            for (size_t node = 1; node < nodes; node++)
                if (taken[node] * cap[best] < taken[best] * cap[node])
                    best = node;
            taken[best]++;
        }
        unsigned t = 0;
        for (size_t node = 0; node < nodes; node++) {
            if (taken[node] == 0)
                continue;
            rs_plan_node *pn = &plan->node[plan->num_nodes];
            pn->os_index = (int)topo->node_os_index[node];
            pn->thread_begin = t;
            pn->thread_count = (unsigned)taken[node];
            for (size_t k = 0; k < taken[node]; k++, t++) {
                const rs_topo_pu *pu = &topo->pus[order[first[node] + k % cap[node]]];
                plan->thread[t].pu = options->pin == ROWSORT_PIN_CORE ? (int)pu->os_index : -1;
                plan->thread[t].node = (unsigned)plan->num_nodes;
                plan->thread[t].core = pu->core;
            }
            plan->num_nodes++;
        }
        /* Contiguous rows per node, in proportion to its threads: balanced by bytes, as
         * every row has the same size. */
        size_t before = 0;
        for (size_t i = 0; i < plan->num_nodes; i++) {
            rs_plan_node *pn = &plan->node[i];
            pn->row_begin = rs_plan_scale(work->rows, before, threads);
            before += pn->thread_count;
            pn->row_end = rs_plan_scale(work->rows, before, threads);
        }
    }
    if (plan->split) { /* every thread works on every row */
        for (size_t i = 0; i < plan->num_nodes; i++) {
            plan->node[i].row_begin = 0;
            plan->node[i].row_end = work->rows;
        }
    }

    plan->block_bytes = topo->l2_bytes ? topo->l2_bytes / 2 : (size_t)256 * 1024;
    const size_t row_bytes = work->n * (work->elem_bytes ? work->elem_bytes : 1);
    size_t chunk = row_bytes ? plan->block_bytes / row_bytes : 1;
    /* Four claims per thread at least: a slow thread (one whose rows sit in another core's
     * cache) then holds up the others by one small chunk at most. */
    const size_t fair = work->rows / ((size_t)threads * 4);
    if (chunk > fair)
        chunk = fair;
    plan->chunk_rows = chunk ? chunk : 1;

cleanup:
    free(order);
    free(first);
    free(cap);
    free(taken);
    if (status != ROWSORT_OK)
        rs_plan_free(plan);
    return status;
}

void rs_plan_free(rs_plan *plan)
{
    free(plan->thread);
    free(plan->node);
    plan->thread = NULL;
    plan->node = NULL;
}

static const char *pin_name(rowsort_pin pin)
{
    switch (pin) {
    case ROWSORT_PIN_NONE:
        return "none";
    case ROWSORT_PIN_CORE:
        return "core";
    case ROWSORT_PIN_NUMA:
        return "numa";
    }
    return "?";
}

size_t rs_plan_describe(const rs_plan *plan, const rs_plan_workload *work, char *buf, size_t cap,
                        size_t len)
{
    rs_plan_append(buf, cap, &len,
                   "plan: %zu rows x %zu elements (%zu bytes each), pin %s, %u of %u threads, %s\n",
                   work->rows, work->n, work->elem_bytes, pin_name(plan->pin), plan->threads,
                   work->threads, plan->split ? "rows split across threads" : "whole rows");
    if (plan->pin != ROWSORT_PIN_NONE && plan->threads > 1 && !plan->bind)
        rs_plan_append(buf, cap, &len,
                       "  threads not bound in this call: %zu KiB per thread, under the %zu KiB "
                       "that repay binding\n",
                       bytes_per_thread(work, plan->threads) / 1024, plan->bind_min_bytes / 1024);
    if (plan->split && work->pivot_split)
        rs_plan_append(buf, cap, &len,
                       "  each row: partitioned in place around pivots into %u segments, each "
                       "sorted by its thread; idle threads take parts of the others'\n",
                       plan->threads);
    else if (plan->split)
        rs_plan_append(buf, cap, &len,
                       "  each row: %u parts sorted in parallel, then merged (merge path)\n",
                       plan->threads);
    else
        rs_plan_append(buf, cap, &len, "  rows taken %zu at a time; block %zu KiB per thread\n",
                       plan->chunk_rows, plan->block_bytes / 1024);
    for (size_t i = 0; i < plan->num_nodes; i++) {
        const rs_plan_node *pn = &plan->node[i];
        if (pn->os_index >= 0)
            rs_plan_append(buf, cap, &len, "  NUMA node P#%d:", pn->os_index);
        else
            rs_plan_append(buf, cap, &len, "  all CPUs (unbound):");
        if (pn->row_end > pn->row_begin)
            rs_plan_append(buf, cap, &len, " rows %zu-%zu,", pn->row_begin, pn->row_end - 1);
        else
            rs_plan_append(buf, cap, &len, " no rows,");
        rs_plan_append(buf, cap, &len, " threads %u-%u\n", pn->thread_begin,
                       pn->thread_begin + pn->thread_count - 1);
        for (unsigned t = pn->thread_begin; t < pn->thread_begin + pn->thread_count; t++) {
            if (plan->thread[t].pu >= 0)
                rs_plan_append(buf, cap, &len, "    thread %u -> PU P#%d (core %u)\n", t,
                               plan->thread[t].pu, plan->thread[t].core);
            else if (pn->os_index >= 0)
                rs_plan_append(buf, cap, &len, "    thread %u -> any PU of node P#%d\n", t,
                               pn->os_index);
        }
    }
    return len;
}
