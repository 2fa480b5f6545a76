/* sched.h - running a job's rows on the context's threads. The only place with OpenMP. */
#ifndef RS_SCHED_H
#define RS_SCHED_H

#include "row_sort.h"
#include "rowsort.h"

/* CPUs this process may run on (sched_getaffinity), at least 1. */
unsigned rs_sched_allowed_cpus(void);

/* Sorts every row of the job on up to `threads` threads. Each thread allocates and first
 * touches its own workspace. ROWSORT_E_NOMEM when a workspace cannot be allocated. */
rowsort_status rs_sched_run(const rs_job *job, unsigned threads);

#endif
