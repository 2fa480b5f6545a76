/* sched_omp.c - rows partitioned across OpenMP threads. */
#define _GNU_SOURCE
#include "sched.h"

#include <sched.h>
#include <stdlib.h>

#include "alloc.h"

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

/* Rows per scheduling chunk: enough elements that the chunk dwarfs the cost of taking it,
 * few enough that threads stay balanced. */
static size_t chunk_rows(const rs_job *job, unsigned threads)
{
    const size_t target_elems = 16384;
    size_t chunk = job->n == 0 ? job->rows : target_elems / job->n;
    if (chunk < 1)
        chunk = 1;
    const size_t fair = job->rows / ((size_t)threads * 4) + 1;
    return chunk < fair ? chunk : fair;
}

rowsort_status rs_sched_run(const rs_job *job, unsigned threads)
{
    if (job->rows == 0)
        return ROWSORT_OK;
    if ((size_t)threads > job->rows)
        threads = (unsigned)job->rows;
    if (threads < 1)
        threads = 1;
    const size_t ws_bytes = rs_row_workspace_bytes(job);
    const size_t chunk = chunk_rows(job, threads);
    int alloc_failed = 0;

#pragma omp parallel num_threads(threads) if (threads > 1)
    {
        void *ws = rs_alloc_array(ws_bytes, 1); /* first touched by this thread */
        if (ws == NULL) {
#pragma omp atomic write
            alloc_failed = 1;
        }
#pragma omp barrier
        int failed;
#pragma omp atomic read
        failed = alloc_failed;
        if (!failed) {
#pragma omp for schedule(dynamic, 1)
            for (size_t start = 0; start < job->rows; start += chunk) {
                const size_t end = start + chunk < job->rows ? start + chunk : job->rows;
                for (size_t r = start; r < end; r++)
                    rs_row_sort(job, r, ws);
            }
        }
        free(ws);
    }
    return alloc_failed ? ROWSORT_E_NOMEM : ROWSORT_OK;
}
