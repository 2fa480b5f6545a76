/* sched_topology.c - hwloc's topology, restricted to the allowed CPUs, and its summary. */
#include "sched_topology.h"

#include <hwloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "sched_plan.h"

struct rs_topo {
    hwloc_topology_t topology;
    int this_system;
    int source_kind; /* 0 this machine, 1 synthetic, 2 XML */
    char *source_text;
    hwloc_bitmap_t allowed;
    rs_topo_info info;
};

static char *copy_string(const char *s)
{
    const size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (c != NULL)
        memcpy(c, s, len);
    return c;
}

/* Only what the plan reads: PUs, cores, NUMA nodes and data caches. No I/O devices, and no
 * x86 CPUID backend (it binds to every PU in turn): loading stays near a millisecond. */
static void set_filters(hwloc_topology_t t)
{
    hwloc_topology_set_all_types_filter(t, HWLOC_TYPE_FILTER_KEEP_NONE);
    /* Groups and dies hold the NUMA nodes on many machines (and in synthetic ones). */
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_GROUP, HWLOC_TYPE_FILTER_KEEP_STRUCTURE);
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_DIE, HWLOC_TYPE_FILTER_KEEP_ALL);
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_PACKAGE, HWLOC_TYPE_FILTER_KEEP_ALL);
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_CORE, HWLOC_TYPE_FILTER_KEEP_ALL);
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_PU, HWLOC_TYPE_FILTER_KEEP_ALL);
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_NUMANODE, HWLOC_TYPE_FILTER_KEEP_ALL);
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_L1CACHE, HWLOC_TYPE_FILTER_KEEP_ALL);
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_L2CACHE, HWLOC_TYPE_FILTER_KEEP_ALL);
    hwloc_topology_set_type_filter(t, HWLOC_OBJ_L3CACHE, HWLOC_TYPE_FILTER_KEEP_ALL);
}

/* Per-core share of the cache of `type` above the first PU; 0 when there is none. */
static size_t cache_share(hwloc_topology_t t, hwloc_obj_t pu, hwloc_obj_type_t type)
{
    for (hwloc_obj_t o = pu->parent; o != NULL; o = o->parent) {
        if (o->type != type || o->attr == NULL)
            continue;
        const int cores = hwloc_get_nbobjs_inside_cpuset_by_type(t, o->cpuset, HWLOC_OBJ_CORE);
        const size_t size = (size_t)o->attr->cache.size;
        return cores > 1 ? size / (size_t)cores : size;
    }
    return 0;
}

static rowsort_status summarize(rs_topo *topo)
{
    hwloc_topology_t t = topo->topology;
    rs_topo_info *info = &topo->info;
    const int npus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
    const int ncores_all = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
    const int nnodes_all = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
    if (npus <= 0)
        return ROWSORT_E_TOPOLOGY;
    const size_t core_slots = (size_t)(ncores_all > 0 ? ncores_all : 0) + (size_t)npus;
    const size_t node_slots = (size_t)(nnodes_all > 0 ? nnodes_all : 1);
    info->pus = rs_alloc_array((size_t)npus, sizeof *info->pus);
    info->node_os_index = rs_alloc_array(node_slots, sizeof *info->node_os_index);
    unsigned *core_map = rs_alloc_array(core_slots, sizeof *core_map);
    unsigned *core_pus = rs_alloc_array(core_slots, sizeof *core_pus);
    rowsort_status status = ROWSORT_OK;
    if (info->pus == NULL || info->node_os_index == NULL || core_map == NULL || core_pus == NULL) {
        status = ROWSORT_E_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < core_slots; i++)
        core_map[i] = (unsigned)-1;

    size_t count = 0;
    for (int i = 0; i < npus; i++) {
        const hwloc_obj_t pu = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, (unsigned)i);
        if (pu == NULL || !hwloc_bitmap_isset(topo->allowed, pu->os_index))
            continue;
        const hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_CORE, pu);
        /* A PU without a core object counts as its own core. */
        const size_t core_slot = core != NULL
                                     ? core->logical_index
                                     : (size_t)(ncores_all > 0 ? ncores_all : 0) + (size_t)i;
        if (core_map[core_slot] == (unsigned)-1) {
            core_map[core_slot] = (unsigned)info->num_cores;
            core_pus[info->num_cores] = 0;
            info->num_cores++;
        }
        const unsigned core_index = core_map[core_slot];
        int node_os = hwloc_bitmap_first(pu->nodeset);
        if (node_os < 0)
            node_os = 0;
        size_t node = 0;
        while (node < info->num_nodes && info->node_os_index[node] != (unsigned)node_os)
            node++;
        if (node == info->num_nodes) {
            if (node == node_slots) {
                status = ROWSORT_E_TOPOLOGY;
                goto cleanup;
            }
            info->node_os_index[node] = (unsigned)node_os;
            info->num_nodes++;
        }
        rs_topo_pu *p = &info->pus[count++];
        p->os_index = pu->os_index;
        p->core = core_index;
        p->smt = core_pus[core_index]++;
        p->node = (unsigned)node;
    }
    info->num_pus = count;
    if (count == 0) {
        status = ROWSORT_E_TOPOLOGY;
        goto cleanup;
    }
    const hwloc_obj_t first = hwloc_get_pu_obj_by_os_index(t, info->pus[0].os_index);
    info->l1d_bytes = cache_share(t, first, HWLOC_OBJ_L1CACHE);
    info->l2_bytes = cache_share(t, first, HWLOC_OBJ_L2CACHE);
    info->l3_bytes = cache_share(t, first, HWLOC_OBJ_L3CACHE);
cleanup:
    free(core_map);
    free(core_pus);
    return status;
}

static rowsort_status load(const rs_topo_source *src, rs_topo *topo)
{
    if (hwloc_topology_init(&topo->topology) != 0) {
        topo->topology = NULL;
        return ROWSORT_E_TOPOLOGY;
    }
    hwloc_topology_t t = topo->topology;
    set_filters(t);
    if (src->synthetic != NULL) {
        topo->source_kind = 1;
        if (hwloc_topology_set_synthetic(t, src->synthetic) != 0)
            return ROWSORT_E_TOPOLOGY;
    } else if (src->xml_path != NULL) {
        topo->source_kind = 2;
        if (hwloc_topology_set_xml(t, src->xml_path) != 0)
            return ROWSORT_E_TOPOLOGY;
    } else {
        hwloc_topology_set_components(t, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "x86");
        hwloc_topology_set_components(t, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "linuxio");
    }
    if (hwloc_topology_load(t) != 0)
        return ROWSORT_E_TOPOLOGY;
    topo->this_system = hwloc_topology_is_thissystem(t);

    topo->allowed = hwloc_bitmap_alloc();
    if (topo->allowed == NULL)
        return ROWSORT_E_NOMEM;
    if (src->allowed_cpus != NULL) {
        if (hwloc_bitmap_list_sscanf(topo->allowed, src->allowed_cpus) != 0)
            return ROWSORT_E_TOPOLOGY;
    } else if (!topo->this_system ||
               hwloc_get_cpubind(t, topo->allowed, HWLOC_CPUBIND_PROCESS) != 0) {
        /* hwloc sees the whole machine under taskset, Slurm or a cgroup: the process's
         * binding says which CPUs are ours. Without binding support: what hwloc allows. */
        if (hwloc_bitmap_copy(topo->allowed, hwloc_topology_get_allowed_cpuset(t)) != 0)
            return ROWSORT_E_NOMEM;
    }
    hwloc_bitmap_and(topo->allowed, topo->allowed, hwloc_topology_get_topology_cpuset(t));
    if (hwloc_bitmap_iszero(topo->allowed))
        return ROWSORT_E_TOPOLOGY;
    if (hwloc_topology_restrict(t, topo->allowed, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS) != 0)
        return ROWSORT_E_TOPOLOGY;
    return summarize(topo);
}

rowsort_status rs_topo_load(const rs_topo_source *source, rs_topo **out)
{
    const rs_topo_source none = {NULL, NULL, NULL};
    const rs_topo_source *src = source != NULL ? source : &none;
    rs_topo *topo = calloc(1, sizeof *topo);
    if (topo == NULL)
        return ROWSORT_E_NOMEM;
    const char *text = src->synthetic != NULL ? src->synthetic : src->xml_path;
    rowsort_status status = ROWSORT_OK;
    if (text != NULL && (topo->source_text = copy_string(text)) == NULL)
        status = ROWSORT_E_NOMEM;
    if (status == ROWSORT_OK)
        status = load(src, topo);
    if (status != ROWSORT_OK) {
        rs_topo_destroy(topo);
        return status;
    }
    *out = topo;
    return ROWSORT_OK;
}

void rs_topo_destroy(rs_topo *topo)
{
    if (topo == NULL)
        return;
    if (topo->allowed != NULL)
        hwloc_bitmap_free(topo->allowed);
    if (topo->topology != NULL)
        hwloc_topology_destroy(topo->topology);
    free(topo->info.pus);
    free(topo->info.node_os_index);
    free(topo->source_text);
    free(topo);
}

const rs_topo_info *rs_topo_summary(const rs_topo *topo)
{
    return &topo->info;
}

int rs_topo_is_this_system(const rs_topo *topo)
{
    return topo->this_system;
}

int rs_topo_can_bind_threads(const rs_topo *topo)
{
    if (!topo->this_system)
        return 0;
    const struct hwloc_topology_support *s = hwloc_topology_get_support(topo->topology);
    return s != NULL && s->cpubind != NULL && s->cpubind->set_thread_cpubind &&
           s->cpubind->get_thread_cpubind;
}

void *rs_topo_hwloc(const rs_topo *topo)
{
    return topo->topology;
}

static void size_text(size_t bytes, char *out, size_t cap)
{
    if (bytes == 0)
        snprintf(out, cap, "unknown");
    else if (bytes % (1024 * 1024) == 0)
        snprintf(out, cap, "%zu MiB", bytes / (1024 * 1024));
    else
        snprintf(out, cap, "%zu KiB", bytes / 1024);
}

size_t rs_topo_describe(const rs_topo *topo, char *buf, size_t cap)
{
    size_t len = 0;
    const rs_topo_info *info = &topo->info;
    static const char *const kinds[] = {"this machine", "synthetic", "XML"};
    rs_plan_append(buf, cap, &len, "topology: %s%s%s%s\n", kinds[topo->source_kind],
                   topo->source_text ? " \"" : "", topo->source_text ? topo->source_text : "",
                   topo->source_text ? "\"" : "");
    char list[256];
    hwloc_bitmap_list_snprintf(list, sizeof list, topo->allowed);
    rs_plan_append(buf, cap, &len, "allowed CPUs: %s (%zu PUs, %zu cores, %zu NUMA nodes)\n", list,
                   info->num_pus, info->num_cores, info->num_nodes);
    char l1[32], l2[32], l3[32];
    size_text(info->l1d_bytes, l1, sizeof l1);
    size_text(info->l2_bytes, l2, sizeof l2);
    size_text(info->l3_bytes, l3, sizeof l3);
    rs_plan_append(buf, cap, &len, "caches per core: L1d %s, L2 %s, L3 share %s\n", l1, l2, l3);
    hwloc_bitmap_t set = hwloc_bitmap_alloc();
    if (set == NULL)
        return len;
    for (size_t node = 0; node < info->num_nodes; node++) {
        hwloc_bitmap_zero(set);
        size_t cores = 0;
        unsigned last_core = (unsigned)-1;
        for (size_t i = 0; i < info->num_pus; i++) {
            if (info->pus[i].node != node)
                continue;
            hwloc_bitmap_set(set, info->pus[i].os_index);
            if (info->pus[i].core != last_core) {
                last_core = info->pus[i].core;
                cores++;
            }
        }
        hwloc_bitmap_list_snprintf(list, sizeof list, set);
        rs_plan_append(buf, cap, &len, "  NUMA node P#%u: %zu cores, PUs %s\n",
                       info->node_os_index[node], cores, list);
    }
    hwloc_bitmap_free(set);
    return len;
}
