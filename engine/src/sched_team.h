/*
 * sched_team.h - running a job's rows on the context's thread team. The only place with OpenMP.
 *
 * A team belongs to one context: its options (threads, pin policy), the machine's topology
 * (loaded on first need: ~1 ms), and per-thread workspaces kept between calls. Each call
 * makes a placement plan (sched_plan.h) for its workload, binds the OpenMP threads as the
 * plan says (hwloc; calls too small to repay binding run unbound), runs, and gives every
 * thread, the caller's included, its old binding back. A plan of one thread runs on the caller's thread, unbound, with no OpenMP region.
 * (Not named sched.h: engine/src is on the include path, where it would hide <sched.h>.)
 */
#ifndef RS_SCHED_TEAM_H
#define RS_SCHED_TEAM_H

#include "row_sort.h"
#include "rowsort.h"
#include "sched_plan.h"
#include "sched_topology.h"

/* CPUs this process may run on (sched_getaffinity), at least 1. */
unsigned rs_sched_allowed_cpus(void);

typedef struct rs_sched_config {
    unsigned threads; /* >= 1 */
    rowsort_pin pin;
    const char *topology_synthetic; /* NULL: this machine (or XML) */
    const char *topology_xml;       /* NULL: this machine (or synthetic) */
    size_t min_elems_per_thread;    /* 0: the plan's default */
    size_t min_bind_bytes;          /* 0: the plan's default (RS_PLAN_MIN_BIND_BYTES) */
    size_t memory_limit_bytes;      /* scratch the team may hold; 0: no limit */
} rs_sched_config;

typedef struct rs_sched_team rs_sched_team;

/* Creates a team. A synthetic or XML topology is loaded now (ROWSORT_E_TOPOLOGY when hwloc
 * rejects it); this machine's is loaded by the first call that needs it. ROWSORT_E_NOMEM. */
rowsort_status rs_sched_team_create(const rs_sched_config *config, rs_sched_team **out);
void rs_sched_team_destroy(rs_sched_team *team);

/* Sorts every row of the job. ROWSORT_E_NOMEM when scratch cannot be allocated, or when
 * even one thread would need more than memory_limit_bytes (fewer threads run when all of
 * them would);
 * ROWSORT_E_PIN when threads cannot be bound as the pin policy asks (a topology that is
 * not this machine's, or hwloc refused); ROWSORT_E_TOPOLOGY when this machine's topology
 * cannot be read. One call at a time per team. */
rowsort_status rs_sched_run(rs_sched_team *team, const rs_job *job);

/* Bytes of scratch the team holds between calls, and how many scratch buffers it has
 * allocated since its creation (tests: a buffer large enough is reused, not allocated
 * again). */
size_t rs_sched_held_bytes(const rs_sched_team *team);
size_t rs_sched_allocations(const rs_sched_team *team);
/* Frees the scratch the team holds (not during a call). */
void rs_sched_release_scratch(rs_sched_team *team);

/* The workload a job puts to the plan. */
rs_plan_workload rs_sched_workload(const rs_sched_team *team, const rs_job *job);

/* Writes the topology and the plan for `work` as text into buf (NUL-terminated when cap >
 * 0); *needed gets the full length. Loads the topology if needed. */
rowsort_status rs_sched_describe(rs_sched_team *team, const rs_plan_workload *work, char *buf,
                                 size_t cap, size_t *needed);

#endif
