/*
 * main_mpi.c - rowsort-mpi: `rowsort sort` and `rowsort run` shared by the ranks of an MPI
 * job (mpirun, srun). Every rank maps the inputs and sorts its own contiguous share of the
 * rows; rank 0 creates the outputs under temporary names, the other ranks write their rows
 * into them in place, and rank 0 renames them into place once every rank has synced its
 * rows (sort.c). The MPI calls are all here, behind cluster.h's two collective steps.
 */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static MPI_Comm comm_of(const cli_cluster *c)
{
    return *(const MPI_Comm *)c->impl;
}

static int mpi_worst(const cli_cluster *c, int status)
{
    int worst = status;
    if (MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, comm_of(c)) != MPI_SUCCESS)
        return CLI_EXIT_RUNTIME; /* not reached with MPI's default handler: the job aborts */
    return worst;
}

static int mpi_share(const cli_cluster *c, void *buf, size_t bytes)
{
    if (bytes > (size_t)INT_MAX)
        return -1; /* the same answer on every rank: bytes is the same everywhere */
    return MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, comm_of(c)) == MPI_SUCCESS ? 0 : -1;
}

static int dispatch(const cli_cluster *cluster, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("no command (sort or run)");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        if (cluster->rank == 0)
            cli_print_help("mpi");
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        if (cluster->rank == 0)
            printf("rowsort-mpi %s\n", rowsort_version());
        return 0;
    }
    if (strcmp(name, "sort") == 0)
        return cli_cmd_sort_on(cluster, argc - 2, argv + 2);
    if (strcmp(name, "run") == 0)
        return cli_cmd_run_on(cluster, argc - 2, argv + 2);
    return cli_usage_error("rowsort-mpi runs 'sort' and 'run'; '%s' is not one of them (gen, "
                           "verify and info are the rowsort program's)",
                           name);
}

int main(int argc, char **argv)
{
    int provided = 0;
    /* OpenMP threads sort; only the main thread calls MPI. */
    if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fputs("rowsort: error: cannot start MPI\n", stderr);
        return CLI_EXIT_RUNTIME;
    }
    MPI_Comm world = MPI_COMM_WORLD, node;
    cli_cluster cluster;
    memset(&cluster, 0, sizeof cluster);
    MPI_Comm_rank(world, &cluster.rank);
    MPI_Comm_size(world, &cluster.size);
    /* The ranks that share this machine's memory split its default budget. */
    cluster.local_size = 1;
    if (MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, cluster.rank, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &cluster.local_size);
        MPI_Comm_free(&node);
    }
    cluster.worst = mpi_worst;
    cluster.share = mpi_share;
    cluster.impl = &world;
    char tag[64];
    if (cluster.size > 1) {
        snprintf(tag, sizeof tag, "rank %d of %d", cluster.rank, cluster.size);
        cli_set_error_tag(tag);
    }
    int rc = dispatch(&cluster, argc, argv);
    if (fflush(stdout) != 0 && rc == 0)
        rc = cli_error(CLI_EXIT_RUNTIME, NULL, "cannot write to stdout");
    MPI_Finalize();
    return rc;
}
