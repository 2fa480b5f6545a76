/* sched_omp.c - the thread team: plan, bind, run rows (or split rows), restore bindings. */
#define _GNU_SOURCE
#include "sched_team.h"

#include <hwloc.h>
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "row_split.h"
#include "sched_split.h"

/* A workspace larger than this is released at the end of the call instead of kept. */
#define RS_SCHED_KEEP_WS_BYTES ((size_t)64 << 20)

unsigned rs_sched_allowed_cpus(void)
{
#ifdef CPU_COUNT
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int count = CPU_COUNT(&set);
        if (count > 0)
            return (unsigned)count;
    }
#endif
    return 1;
}

/* One per thread slot, on its own cache lines. */
typedef struct ws_slot {
    void *ptr;
    size_t bytes;
    int hwloc_alloc; /* bound with hwloc_alloc_membind: release with hwloc_free */
    char pad[64 - sizeof(void *) - sizeof(size_t) - sizeof(int)];
} ws_slot;

struct rs_sched_team {
    rs_sched_config config;
    char *synthetic;
    char *xml;
    rs_topo *topo; /* NULL until needed */
    ws_slot *ws;   /* config.threads slots */
};

static char *copy_string(const char *s)
{
    if (s == NULL)
        return NULL;
    const size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (c != NULL)
        memcpy(c, s, len);
    return c;
}

static rowsort_status load_topology(rs_sched_team *team)
{
    if (team->topo != NULL)
        return ROWSORT_OK;
    const rs_topo_source src = {team->synthetic, team->xml, NULL};
    return rs_topo_load(&src, &team->topo);
}

rowsort_status rs_sched_team_create(const rs_sched_config *config, rs_sched_team **out)
{
    if (config->threads == 0)
        return ROWSORT_E_THREADS;
    rs_sched_team *team = calloc(1, sizeof *team);
    if (team == NULL)
        return ROWSORT_E_NOMEM;
    team->config = *config;
    team->synthetic = copy_string(config->topology_synthetic);
    team->xml = copy_string(config->topology_xml);
    team->config.topology_synthetic = team->synthetic;
    team->config.topology_xml = team->xml;
    team->ws = rs_alloc_array(config->threads, sizeof *team->ws);
    rowsort_status status = ROWSORT_OK;
    if (team->ws == NULL || (config->topology_synthetic && team->synthetic == NULL) ||
        (config->topology_xml && team->xml == NULL))
        status = ROWSORT_E_NOMEM;
    if (status == ROWSORT_OK) {
        memset(team->ws, 0, config->threads * sizeof *team->ws);
        if (team->synthetic != NULL || team->xml != NULL)
            status = load_topology(team); /* a bad description is reported now */
    }
    if (status != ROWSORT_OK) {
        rs_sched_team_destroy(team);
        return status;
    }
    *out = team;
    return ROWSORT_OK;
}

static void release_ws(const rs_sched_team *team, ws_slot *slot)
{
    if (slot->ptr == NULL)
        return;
    if (slot->hwloc_alloc)
        hwloc_free(rs_topo_hwloc(team->topo), slot->ptr, slot->bytes);
    else
        free(slot->ptr);
    slot->ptr = NULL;
    slot->bytes = 0;
}

void rs_sched_team_destroy(rs_sched_team *team)
{
    if (team == NULL)
        return;
    if (team->ws != NULL)
        for (unsigned t = 0; t < team->config.threads; t++)
            release_ws(team, &team->ws[t]);
    rs_topo_destroy(team->topo);
    free(team->ws);
    free(team->synthetic);
    free(team->xml);
    free(team);
}

rs_plan_workload rs_sched_workload(const rs_sched_team *team, const rs_job *job)
{
    size_t bytes = job->idx_out_bytes ? job->idx_out_bytes : 0;
    for (size_t o = 0; o < job->num_operands; o++)
        bytes += job->ops[o].info->size;
    rs_plan_workload w;
    w.rows = job->rows;
    w.n = job->n;
    w.elem_bytes = bytes;
    w.threads = team->config.threads;
    w.splittable = job->n > 0 && rs_split_supported(job);
    return w;
}

static rs_plan_options plan_options(const rs_sched_team *team)
{
    rs_plan_options o;
    o.pin = team->config.pin;
    o.min_elems_per_thread = team->config.min_elems_per_thread;
    return o;
}

/* Slot t's workspace of at least `bytes`, allocated by the calling thread (first touch, and
 * bound to its node when the plan pins threads on a machine of several nodes). */
static void *thread_ws(const rs_sched_team *team, unsigned t, size_t bytes, int bind_node,
                       hwloc_const_bitmap_t cpuset)
{
    ws_slot *slot = &team->ws[t];
    if (slot->ptr != NULL && slot->bytes >= bytes)
        return slot->ptr;
    release_ws(team, slot);
    bytes = (bytes + 63u) & ~(size_t)63u;
    if (bind_node) {
        /* By cpuset: hwloc binds to the nodes near those PUs. Pages are then placed there
         * whatever thread touches them first. */
        slot->ptr =
            hwloc_alloc_membind(rs_topo_hwloc(team->topo), bytes, cpuset, HWLOC_MEMBIND_BIND, 0);
        slot->hwloc_alloc = slot->ptr != NULL;
    }
    if (slot->ptr == NULL) {
        slot->ptr = rs_alloc_array(bytes, 1);
        slot->hwloc_alloc = 0;
    }
    slot->bytes = slot->ptr != NULL ? bytes : 0;
    return slot->ptr;
}

static void trim_ws(const rs_sched_team *team, unsigned t)
{
    if (team->ws[t].bytes > RS_SCHED_KEEP_WS_BYTES)
        release_ws(team, &team->ws[t]);
}

/* Per-node row counters, each on its own cache line. */
typedef struct node_counter {
    atomic_size_t next;
    char pad[64 - sizeof(atomic_size_t)];
} node_counter;

/* Rows of the plan's nodes: first the thread's own node, then the others' leftovers, so that
 * uneven rows or a slow core do not stall the batch. */
static void run_rows(const rs_job *job, const rs_plan *plan, node_counter *counters, unsigned t,
                     void *ws)
{
    const size_t chunk = plan->chunk_rows;
    const size_t nodes = plan->num_nodes;
    const size_t home = plan->thread[t].node;
    for (size_t k = 0; k < nodes; k++) {
        const size_t node = (home + k) % nodes;
        const size_t begin = plan->node[node].row_begin, end = plan->node[node].row_end;
        for (;;) {
            const size_t start = begin + atomic_fetch_add(&counters[node].next, chunk);
            if (start >= end)
                break;
            const size_t stop = start + chunk < end ? start + chunk : end;
            rs_row_sort_range(job, start, stop, ws);
        }
    }
}

/* The cpuset thread t is bound to: its PU (pin core) or its node's allowed PUs (pin numa). */
static rowsort_status target_cpuset(const rs_sched_team *team, const rs_plan *plan, unsigned t,
                                    hwloc_bitmap_t set)
{
    hwloc_topology_t topology = rs_topo_hwloc(team->topo);
    const rs_plan_thread *pt = &plan->thread[t];
    if (plan->pin == ROWSORT_PIN_CORE) {
        return hwloc_bitmap_only(set, (unsigned)pt->pu) == 0 ? ROWSORT_OK : ROWSORT_E_NOMEM;
    }
    const hwloc_obj_t node =
        hwloc_get_numanode_obj_by_os_index(topology, (unsigned)plan->node[pt->node].os_index);
    if (node == NULL)
        return ROWSORT_E_PIN;
    if (hwloc_bitmap_and(set, node->cpuset, hwloc_topology_get_topology_cpuset(topology)) != 0)
        return ROWSORT_E_NOMEM;
    return hwloc_bitmap_iszero(set) ? ROWSORT_E_PIN : ROWSORT_OK;
}

typedef struct run_state {
    rs_sched_team *team;
    const rs_job *job;
    const rs_plan *plan;
    node_counter *counters;
    rs_split_shared split;
    size_t ws_bytes;
    rowsort_status *status; /* per thread */
} run_state;

/* Everything thread t does in the region. */
static void region_body(const run_state *s, unsigned t, unsigned threads)
{
    const rs_plan *plan = s->plan;
    const int pinned = plan->pin != ROWSORT_PIN_NONE;
    hwloc_topology_t topology = pinned ? rs_topo_hwloc(s->team->topo) : NULL;
    hwloc_bitmap_t old = NULL, set = NULL;
    rowsort_status st = ROWSORT_OK;
    int bound = 0;
    if (pinned) {
        old = hwloc_bitmap_alloc();
        set = hwloc_bitmap_alloc();
        if (old == NULL || set == NULL)
            st = ROWSORT_E_NOMEM;
        if (st == ROWSORT_OK && hwloc_get_cpubind(topology, old, HWLOC_CPUBIND_THREAD) != 0)
            st = ROWSORT_E_PIN;
        if (st == ROWSORT_OK)
            st = target_cpuset(s->team, plan, t, set);
        if (st == ROWSORT_OK) {
            if (hwloc_set_cpubind(topology, set, HWLOC_CPUBIND_THREAD) != 0)
                st = ROWSORT_E_PIN;
            else
                bound = 1;
        }
    }
    const int bind_node = pinned && plan->num_nodes > 1;
    void *ws = NULL;
    if (st == ROWSORT_OK) {
        ws = thread_ws(s->team, t, s->ws_bytes, bind_node, set);
        if (ws == NULL)
            st = ROWSORT_E_NOMEM;
    }
    if (plan->split) {
        /* Every thread must reach the same barriers: all of them learn whether any
         * failed first. */
        s->status[t] = st;
#pragma omp barrier
        for (unsigned u = 0; u < threads && st == ROWSORT_OK; u++)
            st = s->status[u];
#pragma omp barrier
        if (st == ROWSORT_OK)
            rs_sched_split_body(s->job, t, threads, &s->split, ws);
    } else if (st == ROWSORT_OK) {
        run_rows(s->job, plan, s->counters, t, ws);
    }
    trim_ws(s->team, t);
    if (bound && hwloc_set_cpubind(topology, old, HWLOC_CPUBIND_THREAD) != 0 && st == ROWSORT_OK)
        st = ROWSORT_E_PIN;
    if (old != NULL)
        hwloc_bitmap_free(old);
    if (set != NULL)
        hwloc_bitmap_free(set);
    s->status[t] = st;
}

/* One thread: the caller's, unbound, as rs_row_sort alone would. */
static rowsort_status run_single(rs_sched_team *team, const rs_job *job)
{
    void *ws = thread_ws(team, 0, rs_row_workspace_bytes(job), 0, NULL);
    if (ws == NULL)
        return ROWSORT_E_NOMEM;
    rs_row_sort_range(job, 0, job->rows, ws);
    trim_ws(team, 0);
    return ROWSORT_OK;
}

static rowsort_status run_plan(rs_sched_team *team, const rs_job *job, const rs_plan *plan)
{
    const unsigned threads = plan->threads;
    run_state s;
    memset(&s, 0, sizeof s);
    s.team = team;
    s.job = job;
    s.plan = plan;
    s.status = rs_alloc_array(threads, sizeof *s.status);
    s.counters = rs_alloc_array(plan->num_nodes, sizeof *s.counters);
    rowsort_status status = ROWSORT_OK;
    if (s.status == NULL || s.counters == NULL) {
        status = ROWSORT_E_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < plan->num_nodes; i++)
        atomic_init(&s.counters[i].next, 0);
    if (plan->split) {
        status = rs_sched_split_alloc(job, &s.split);
        if (status != ROWSORT_OK)
            goto cleanup;
        s.ws_bytes = rs_sched_split_scratch_bytes(job, threads);
    } else {
        s.ws_bytes = rs_row_workspace_bytes(job);
    }
    unsigned ran = 0;
#pragma omp parallel num_threads(threads)
    {
        const unsigned t = (unsigned)omp_get_thread_num();
        /* OpenMP may give fewer threads (OMP_THREAD_LIMIT, nesting): rows are then shared by
         * those it gave, split rows are cut in as many parts. */
        const unsigned got = (unsigned)omp_get_num_threads();
        if (t == 0)
            ran = got;
        region_body(&s, t, got);
    }
    for (unsigned t = 0; t < ran; t++)
        if (s.status[t] != ROWSORT_OK && status == ROWSORT_OK)
            status = s.status[t];
cleanup:
    rs_sched_split_free(&s.split);
    free(s.status);
    free(s.counters);
    return status;
}

/* The plan for a workload: a one-node, unbound summary when the team does not pin (no
 * topology needed), else this machine's (or the given) topology. */
static rowsort_status make_plan(rs_sched_team *team, const rs_plan_workload *work, rs_plan *plan)
{
    const rs_plan_options opts = plan_options(team);
    if (opts.pin == ROWSORT_PIN_NONE && team->topo == NULL) {
        rs_topo_pu pu = {0, 0, 0, 0};
        unsigned node = 0;
        const rs_topo_info flat = {1, 1, 1, &pu, &node, 0, 0, 0};
        return rs_plan_make(&flat, work, &opts, plan);
    }
    RS_TRY(load_topology(team));
    return rs_plan_make(rs_topo_summary(team->topo), work, &opts, plan);
}

rowsort_status rs_sched_run(rs_sched_team *team, const rs_job *job)
{
    if (job->rows == 0 || job->n == 0)
        return ROWSORT_OK;
    const rs_plan_workload work = rs_sched_workload(team, job);
    int split;
    const rs_plan_options opts = plan_options(team);
    if (rs_plan_threads(&work, &opts, &split) <= 1)
        return run_single(team, job);
    if (team->config.pin != ROWSORT_PIN_NONE) {
        RS_TRY(load_topology(team));
        if (!rs_topo_can_bind_threads(team->topo))
            return ROWSORT_E_PIN; /* never silently unbound */
    }
    rs_plan plan;
    RS_TRY(make_plan(team, &work, &plan));
    const rowsort_status status = run_plan(team, job, &plan);
    rs_plan_free(&plan);
    return status;
}

rowsort_status rs_sched_describe(rs_sched_team *team, const rs_plan_workload *work, char *buf,
                                 size_t cap, size_t *needed)
{
    RS_TRY(load_topology(team));
    rs_plan plan;
    const rs_plan_options opts = plan_options(team);
    RS_TRY(rs_plan_make(rs_topo_summary(team->topo), work, &opts, &plan));
    size_t len = rs_topo_describe(team->topo, buf, cap);
    len = rs_plan_describe(&plan, work, buf, cap, len);
    rs_plan_free(&plan);
    if (buf != NULL && cap > 0 && len >= cap)
        buf[cap - 1] = '\0';
    if (needed != NULL)
        *needed = len;
    return ROWSORT_OK;
}
