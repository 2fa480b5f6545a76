/*
 * sched_topology.h - the machine as the scheduler sees it: hwloc's topology restricted to the
 * CPUs the process may run on, and a plain summary of it (PUs, cores, NUMA nodes, caches)
 * that the placement plan reads. The summary is plain data so that the plan stays a pure
 * function, unit-tested with synthetic topologies.
 */
#ifndef RS_SCHED_TOPOLOGY_H
#define RS_SCHED_TOPOLOGY_H

#include <stddef.h>

#include "rowsort.h"

/* Where a topology comes from: this machine (both strings NULL), an hwloc synthetic
 * description ("numa:2 core:8 pu:2") or an hwloc XML file. allowed_cpus, when not NULL,
 * is an hwloc list string ("0-3,8") of OS indices the topology is restricted to, in place
 * of the process's binding (for tests). */
typedef struct rs_topo_source {
    const char *synthetic;
    const char *xml_path;
    const char *allowed_cpus;
} rs_topo_source;

/* One allowed processing unit (hardware thread). */
typedef struct rs_topo_pu {
    unsigned os_index; /* the number taskset and the OS use */
    unsigned core;     /* index of its core among the allowed cores, 0.. */
    unsigned smt;      /* rank among the allowed PUs of its core: 0 first */
    unsigned node;     /* index of its NUMA node among the nodes with allowed PUs, 0.. */
} rs_topo_pu;

/* The summary: allowed PUs in hwloc's logical order (PUs of a core adjacent, cores of a
 * node adjacent). */
typedef struct rs_topo_info {
    size_t num_pus;
    size_t num_cores;
    size_t num_nodes;
    rs_topo_pu *pus;
    unsigned *node_os_index; /* num_nodes entries */
    size_t l1d_bytes;        /* per core; 0 when unknown */
    size_t l2_bytes;         /* per core (an L2 shared by k cores counts 1/k); 0 unknown */
    size_t l3_bytes;         /* per core share, likewise */
} rs_topo_info;

typedef struct rs_topo rs_topo;

/* Loads a topology. ROWSORT_E_TOPOLOGY when hwloc fails (bad synthetic string, unreadable
 * XML, an allowed set with no PU of the topology), ROWSORT_E_NOMEM. */
rowsort_status rs_topo_load(const rs_topo_source *source, rs_topo **out);
void rs_topo_destroy(rs_topo *topo);

/* The summary, owned by topo. */
const rs_topo_info *rs_topo_summary(const rs_topo *topo);

/* 1 when the topology is this machine's, so threads can be bound on it. */
int rs_topo_is_this_system(const rs_topo *topo);

/* 1 when this system's hwloc can bind single threads (and so can honour a pin policy). */
int rs_topo_can_bind_threads(const rs_topo *topo);

/* The hwloc topology (hwloc_topology_t), for the scheduler's binding code. */
void *rs_topo_hwloc(const rs_topo *topo);

/* Appends a text description ("NUMA node P#0: cores 0-7 (PUs 0-15) ...") to buf, as
 * snprintf does: returns the length it wanted. */
size_t rs_topo_describe(const rs_topo *topo, char *buf, size_t cap);

#endif
