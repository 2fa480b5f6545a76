/* sched_omp.c - the thread team: plan, bind, run rows (or split rows), restore bindings. */
#define _GNU_SOURCE
#include "sched_team.h"

#include <hwloc.h>
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "row_split.h"
#include "sched_pivot.h"
#include "sched_split.h"

/* Scratch kept between calls (workspaces and split buffers, sized to the largest call so
 * far, so that repeated calls neither allocate nor fault pages in) unless it adds up to more
 * than this; with memory_limit_bytes set, that limit. */
#define RS_SCHED_KEEP_BYTES ((size_t)1 << 30)
/* Buffers at least this large are aligned for and advised to use transparent huge pages:
 * one page fault per 2 MiB instead of per 4 KiB when first touched. */
#define RS_SCHED_HUGE_BYTES ((size_t)4 << 20)
#define RS_SCHED_HUGE_ALIGN ((size_t)2 << 20)

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
    rs_topo *topo;                 /* NULL until needed */
    ws_slot *ws;                   /* config.threads slots */
    ws_slot shared[RS_SPLIT_BUFS]; /* buffers of split rows */
    atomic_size_t allocations;     /* scratch buffers allocated so far (tests); threads
                                    * reserve their own slots at once */
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
    atomic_init(&team->allocations, 0);
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

static void release_all(rs_sched_team *team)
{
    for (unsigned t = 0; t < team->config.threads; t++)
        release_ws(team, &team->ws[t]);
    for (int b = 0; b < RS_SPLIT_BUFS; b++)
        release_ws(team, &team->shared[b]);
}

void rs_sched_team_destroy(rs_sched_team *team)
{
    if (team == NULL)
        return;
    if (team->ws != NULL) /* NULL only when creation failed: nothing held */
        release_all(team);
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
    w.pivot_split = w.splittable && rs_pivot_supported(job);
    return w;
}

static rs_plan_options plan_options(const rs_sched_team *team)
{
    rs_plan_options o;
    o.pin = team->config.pin;
    o.min_elems_per_thread = team->config.min_elems_per_thread;
    o.min_bind_bytes = team->config.min_bind_bytes;
    return o;
}

/* A large buffer: 2 MiB aligned and advised to use huge pages (a hint: ignored where
 * transparent huge pages are off). */
static void *alloc_huge(size_t bytes)
{
    if (bytes > SIZE_MAX - RS_SCHED_HUGE_ALIGN)
        return NULL;
    bytes = (bytes + RS_SCHED_HUGE_ALIGN - 1) & ~(RS_SCHED_HUGE_ALIGN - 1);
    void *p = aligned_alloc(RS_SCHED_HUGE_ALIGN, bytes);
#ifdef MADV_HUGEPAGE
    if (p != NULL)
        (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
    return p;
}

/* The slot's buffer of at least `bytes`, allocated (not touched) by the calling thread:
 * bound to the node of `cpuset` when bind_node (multi-node plans that bind), else placed by
 * first touch. */
static void *slot_reserve(rs_sched_team *team, ws_slot *slot, size_t bytes, int bind_node,
                          hwloc_const_bitmap_t cpuset)
{
    if (slot->ptr != NULL && slot->bytes >= bytes)
        return slot->ptr;
    release_ws(team, slot);
    if (bytes > SIZE_MAX - 63u)
        return NULL;
    bytes = (bytes + 63u) & ~(size_t)63u;
    if (bind_node) {
        /* By cpuset: hwloc binds to the nodes near those PUs. Pages are then placed there
         * whatever thread touches them first. */
        slot->ptr =
            hwloc_alloc_membind(rs_topo_hwloc(team->topo), bytes, cpuset, HWLOC_MEMBIND_BIND, 0);
        slot->hwloc_alloc = slot->ptr != NULL;
    }
    if (slot->ptr == NULL) {
        slot->ptr = bytes >= RS_SCHED_HUGE_BYTES ? alloc_huge(bytes) : rs_alloc_array(bytes, 1);
        slot->hwloc_alloc = 0;
    }
    slot->bytes = slot->ptr != NULL ? bytes : 0;
    if (slot->ptr != NULL)
        atomic_fetch_add(&team->allocations, 1);
    return slot->ptr;
}

/* Slot t's workspace of at least `bytes`, allocated by thread t (first touch). */
static void *thread_ws(rs_sched_team *team, unsigned t, size_t bytes, int bind_node,
                       hwloc_const_bitmap_t cpuset)
{
    return slot_reserve(team, &team->ws[t], bytes, bind_node, cpuset);
}

/* Bytes of scratch the team holds. */
static size_t held_bytes(const rs_sched_team *team)
{
    size_t total = 0;
    for (unsigned t = 0; t < team->config.threads; t++)
        total += team->ws[t].bytes;
    for (int b = 0; b < RS_SPLIT_BUFS; b++)
        total += team->shared[b].bytes;
    return total;
}

size_t rs_sched_held_bytes(const rs_sched_team *team)
{
    return held_bytes(team);
}

size_t rs_sched_allocations(const rs_sched_team *team)
{
    return atomic_load(&team->allocations);
}

void rs_sched_release_scratch(rs_sched_team *team)
{
    release_all(team);
}

static size_t keep_limit(const rs_sched_team *team)
{
    return team->config.memory_limit_bytes ? team->config.memory_limit_bytes : RS_SCHED_KEEP_BYTES;
}

static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* What the team would hold at the peak of a call whose threads [0, threads) want ws_bytes
 * each and whose split buffers want shared[b] (shared may be NULL): a slot too small is
 * freed and allocated again at the new size; the others are reused as they are. */
static size_t peak_bytes(const rs_sched_team *team, unsigned threads, size_t ws_bytes,
                         const size_t *shared)
{
    size_t peak = held_bytes(team);
    for (unsigned t = 0; t < threads && t < team->config.threads; t++)
        if (team->ws[t].bytes < ws_bytes)
            peak = add_sat(peak - team->ws[t].bytes, ws_bytes);
    for (int b = 0; shared != NULL && b < RS_SPLIT_BUFS; b++)
        if (team->shared[b].bytes < shared[b])
            peak = add_sat(peak - team->shared[b].bytes, shared[b]);
    return peak;
}

/* Before a call: what is held goes if keeping it beside the buffers the call adds could pass
 * the limit. Buffers large enough are kept (a 16M-key argsort wants 512 MiB: freeing and
 * faulting it in again on every call took ~40% of the call). */
static void make_room(rs_sched_team *team, unsigned threads, size_t ws_bytes,
                      const size_t *shared)
{
    if (held_bytes(team) > 0 && peak_bytes(team, threads, ws_bytes, shared) > keep_limit(team))
        release_all(team);
}

/* After a call: keep what the next call may reuse, within the limit. */
static void trim(rs_sched_team *team)
{
    if (held_bytes(team) > keep_limit(team))
        release_all(team);
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
    const int pinned = plan->bind;
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
        /* A thread already bound where the plan puts it (taskset to one CPU, OpenMP's own
         * binding) keeps its binding: two system calls fewer, nothing to restore. */
        if (st == ROWSORT_OK && !hwloc_bitmap_isequal(old, set)) {
            if (hwloc_set_cpubind(topology, set, HWLOC_CPUBIND_THREAD) != 0)
                st = ROWSORT_E_PIN;
            else
                bound = 1;
        }
    }
    const int bind_node = pinned && plan->num_nodes > 1;
    void *ws = NULL;
    /* Split rows are cut in as many parts as threads came (OpenMP may give fewer than
     * planned): the scratch is sized for those. */
    const size_t ws_bytes =
        plan->split ? rs_sched_split_scratch_bytes(s->job, threads) : s->ws_bytes;
    if (st == ROWSORT_OK) {
        ws = thread_ws(s->team, t, ws_bytes, bind_node, set);
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
    return ROWSORT_OK;
}

/* The scratch a plan wants: the workspace of each thread (returned) and the split buffers
 * (shared; zeros when rows are not split). */
static size_t plan_wants(const rs_job *job, const rs_plan *plan, size_t shared[RS_SPLIT_BUFS])
{
    if (!plan->split) {
        memset(shared, 0, RS_SPLIT_BUFS * sizeof *shared);
        return rs_row_workspace_bytes(job);
    }
    rs_sched_split_sizes(job, plan->threads, shared);
    return rs_sched_split_scratch_bytes(job, plan->threads);
}

/* Scratch bytes a plan needs in all: a workspace per thread, and the split buffers. */
static size_t plan_need(const rs_job *job, const rs_plan *plan)
{
    int overflow = 0;
    size_t shared[RS_SPLIT_BUFS];
    size_t need = rs_mul_size(plan->threads, plan_wants(job, plan, shared), &overflow);
    for (int b = 0; b < RS_SPLIT_BUFS; b++)
        need = add_sat(need, shared[b]);
    return overflow ? SIZE_MAX : need;
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
        size_t bytes[RS_SPLIT_BUFS];
        rs_sched_split_sizes(job, plan->threads, bytes);
        for (int b = 0; b < RS_SPLIT_BUFS; b++) {
            s.split.buf[b] =
                bytes[b] ? slot_reserve(team, &team->shared[b], bytes[b], 0, NULL) : NULL;
            if (bytes[b] && s.split.buf[b] == NULL)
                status = ROWSORT_E_NOMEM;
        }
        const size_t words = rs_sched_split_words(job, threads);
        if (words > 0) {
            s.split.words = rs_alloc_array(words, sizeof *s.split.words);
            if (s.split.words == NULL)
                status = ROWSORT_E_NOMEM;
        }
        if (status != ROWSORT_OK)
            goto cleanup;
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
    free(s.split.words);
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

/* The plan binds thread 0 (the caller's) to a PU of its node; when the caller runs on
 * another PU of the plan's in that node, the two threads trade PUs, so that the caller is
 * not moved away from the caches that hold the data it just wrote. The plan itself (which
 * PUs, which rows per node) is unchanged. */
static void keep_caller_pu(rs_plan *plan)
{
    if (plan->pin != ROWSORT_PIN_CORE || !plan->bind)
        return;
    const int cpu = sched_getcpu();
    if (cpu < 0 || plan->thread[0].pu == cpu)
        return;
    for (unsigned t = 1; t < plan->threads; t++) {
        if (plan->thread[t].pu == cpu && plan->thread[t].node == plan->thread[0].node) {
            const rs_plan_thread caller = plan->thread[0];
            plan->thread[0] = plan->thread[t];
            plan->thread[t] = caller;
            return;
        }
    }
}

/* The job on one thread, within the memory limit. */
static rowsort_status run_single_within(rs_sched_team *team, const rs_job *job)
{
    const size_t need = rs_row_workspace_bytes(job);
    if (team->config.memory_limit_bytes && need > team->config.memory_limit_bytes)
        return ROWSORT_E_NOMEM;
    make_room(team, 1, need, NULL);
    return run_single(team, job);
}

static rowsort_status run_job(rs_sched_team *team, const rs_job *job)
{
    const rs_plan_options opts = plan_options(team);
    int split;
    rs_job stable;
    if (job->stable_refill) {
        /* Stable float values are sorted unstable and refilled, row by row; rows long
         * enough to be split across threads go the way of any stable sort instead. */
        stable = *job;
        stable.values_only = 0;
        stable.stable_refill = 0;
        const rs_plan_workload w = rs_sched_workload(team, &stable);
        if (rs_plan_threads(&w, &opts, &split) > 1 && split)
            job = &stable;
    }
    const rs_plan_workload work = rs_sched_workload(team, job);
    if (rs_plan_threads(&work, &opts, &split) <= 1)
        return run_single_within(team, job);
    if (team->config.pin != ROWSORT_PIN_NONE) {
        RS_TRY(load_topology(team));
        if (!rs_topo_can_bind_threads(team->topo))
            return ROWSORT_E_PIN; /* never silently unbound; refused whatever the call's size,
                                   * so the same options fail the same way on every call */
    }
    rs_plan plan;
    RS_TRY(make_plan(team, &work, &plan));
    keep_caller_pu(&plan);
    const size_t need = plan_need(job, &plan);
    rowsort_status status;
    if (team->config.memory_limit_bytes && need > team->config.memory_limit_bytes) {
        status = run_single_within(team, job); /* the threads' scratch would not fit */
    } else {
        size_t shared[RS_SPLIT_BUFS];
        const size_t ws_bytes = plan_wants(job, &plan, shared);
        make_room(team, plan.threads, ws_bytes, shared);
        status = run_plan(team, job, &plan);
    }
    rs_plan_free(&plan);
    return status;
}

rowsort_status rs_sched_run(rs_sched_team *team, const rs_job *job)
{
    if (job->rows == 0 || job->n == 0)
        return ROWSORT_OK;
    const rowsort_status status = run_job(team, job);
    trim(team);
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
