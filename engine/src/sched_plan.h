/*
 * sched_plan.h - the placement plan: which thread runs on which processing unit, which rows
 * each NUMA node owns, how rows are handed out within a node, and whether rows are split
 * across threads. A pure function of a topology summary, a workload and options: no hwloc
 * call, no clock, no environment; unit-tested with synthetic topologies (tests/test_plan.c).
 */
#ifndef RS_SCHED_PLAN_H
#define RS_SCHED_PLAN_H

#include <stddef.h>

#include "rowsort.h"
#include "sched_topology.h"

typedef struct rs_plan_workload {
    size_t rows;
    size_t n;          /* elements per row */
    size_t elem_bytes; /* bytes read and written per element (operands, indices) */
    unsigned threads;  /* threads the context may use, >= 1 */
    int splittable;    /* 1 when the row sorter can split one row across threads */
    int pivot_split;   /* split rows are partitioned around pivots (sched_pivot.c), not
                        * sorted in parts and merged (sched_split.c) */
} rs_plan_workload;

typedef struct rs_plan_options {
    rowsort_pin pin;
    /* Cost model: a thread is worth waking only for at least this many elements.
     * 0: RS_PLAN_MIN_ELEMS_PER_THREAD. */
    size_t min_elems_per_thread;
    /* Threads are bound (pin core, numa) only in calls of at least this many bytes per
     * thread. 0: RS_PLAN_MIN_BIND_BYTES. */
    size_t min_bind_bytes;
} rs_plan_options;

/* Measured on the 2-core machines (docs/scaling.md): waking a pooled OpenMP thread, binding
 * it and handing it work costs a few microseconds, sorting 8192 int32 about 40. */
#define RS_PLAN_MIN_ELEMS_PER_THREAD ((size_t)8192)
/* Binding a thread and giving it its old binding back takes three system calls per thread
 * and call: 7-20 us a call on the 2-core VMs (bench/micro/pin_modes.c), 6-10% of the seed
 * workload (8x8192 float32, ~90 us per thread), about 1% from a few MiB per thread.
 * Smaller calls run on the threads where they are: binding cannot repay itself there. */
#define RS_PLAN_MIN_BIND_BYTES ((size_t)1 << 20)

/* A row is split only when each part keeps at least this many elements. */
#define RS_PLAN_MIN_SPLIT_ELEMS ((size_t)65536)

typedef struct rs_plan_thread {
    int pu;        /* OS index of the PU it is bound to (pin core); -1 otherwise */
    unsigned node; /* index of its node in the plan's nodes */
    unsigned core; /* index of its core in the topology summary; ignored with pin none */
} rs_plan_thread;

typedef struct rs_plan_node {
    int os_index;     /* NUMA node P#; -1 with pin none (one group, no node) */
    size_t row_begin; /* rows [row_begin, row_end) are this node's */
    size_t row_end;
    unsigned thread_begin; /* threads [thread_begin, thread_begin + thread_count) */
    unsigned thread_count;
} rs_plan_node;

typedef struct rs_plan {
    rowsort_pin pin;        /* the policy: where threads go (PUs, nodes, rows per node) */
    int bind;               /* 1: threads are bound as pin says during the call; 0 with pin
                             * none, one thread, or fewer than bind_min_bytes per thread */
    size_t bind_min_bytes;  /* the threshold this plan was made with */
    unsigned threads;       /* threads used: the cost model may use fewer than asked */
    size_t num_nodes;       /* groups of threads; 1 with pin none */
    rs_plan_thread *thread; /* threads entries; thread 0 is the caller's */
    rs_plan_node *node;     /* num_nodes entries, threads and rows contiguous */
    int split;              /* 1: every row is sorted by all threads, in `threads` parts */
    size_t chunk_rows;      /* rows taken at once from a node's counter (row mode) */
    size_t block_bytes;     /* bytes a thread works on at a time: half its L2 */
} rs_plan;

/* The cost model alone: threads the plan would use, and whether rows are split (*split).
 * Needs no topology: a plan of one thread binds nothing. */
unsigned rs_plan_threads(const rs_plan_workload *work, const rs_plan_options *options, int *split);

/* Makes the plan. ROWSORT_E_NOMEM; ROWSORT_E_THREADS for a workload without threads.
 * With pin core and more threads than allowed PUs, threads wrap around the PUs (each still
 * bound to one PU). Release with rs_plan_free. */
rowsort_status rs_plan_make(const rs_topo_info *topo, const rs_plan_workload *work,
                            const rs_plan_options *options, rs_plan *plan);
void rs_plan_free(rs_plan *plan);

/* Part `part` of `parts` of a row of n elements: [*begin, *end), contiguous, in order,
 * sizes differing by at most one. */
void rs_plan_part(size_t n, size_t parts, size_t part, size_t *begin, size_t *end);
/* The first element of part `part` (part >= parts: n), as rs_plan_part gives it. */
size_t rs_plan_part_begin(size_t n, size_t parts, size_t part);

/* n * num / den without overflow (num <= den). */
size_t rs_plan_scale(size_t n, size_t num, size_t den);

/* Appends the plan as text (see rowsort_ctx_describe). Returns what rs_plan_append does. */
size_t rs_plan_describe(const rs_plan *plan, const rs_plan_workload *work, char *buf, size_t cap,
                        size_t len);

/* snprintf appending at *len, never past cap; *len counts what was wanted. */
void rs_plan_append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
