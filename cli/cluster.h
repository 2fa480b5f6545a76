/*
 * cluster.h - the processes that share one `rowsort sort` (the ranks of rowsort-mpi), as
 * sort.c sees them: a rank, a count and two collective steps. The plain program has none
 * (NULL): the sort runs as one process. main_mpi.c implements them over MPI.
 */
#ifndef CLI_CLUSTER_H
#define CLI_CLUSTER_H

#include <stddef.h>

typedef struct cli_cluster cli_cluster;
struct cli_cluster {
    int rank;       /* 0 .. size - 1; rank 0 creates, commits and reports */
    int size;       /* ranks in the run */
    int local_size; /* ranks on this machine (they share its memory) */
    /* Every rank's status (an exit status: 0, 1, 2...) -> the largest of them. Collective:
     * every rank calls it, in the same order. */
    int (*worst)(const cli_cluster *c, int status);
    /* Rank 0's `bytes` bytes at buf copied into every rank's buf. Collective. Returns 0, or
     * -1 when the transfer failed (on every rank). */
    int (*share)(const cli_cluster *c, void *buf, size_t bytes);
    void *impl;
};

#endif /* CLI_CLUSTER_H */
