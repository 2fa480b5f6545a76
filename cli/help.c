/* help.c - the program's help texts (stdout). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_main[] =
    "Usage: rowsort COMMAND [ARGS...]\n"
    "Sorts every row of batch arrays in .npy files (the last axis of N-D arrays).\n"
    "\n"
    "Commands:\n"
    "  sort IN.npy [IN2.npy ...] -o OUT.npy [-o OUT2.npy ...] [flags]\n"
    "                      sort the rows of one or more operands (keys, then payloads)\n"
    "  run JOB.ini [flags] the same, from an INI job file (flags override the job)\n"
    "  gen --shape RxN --dtype T [--dist D] [--seed S] -o F\n"
    "                      write a test input\n"
    "  verify IN.npy [IN2.npy ...] OUT.npy [OUT2.npy ...] [--argsort IDX.npy] [flags]\n"
    "                      check an output against its input (exit 1 if wrong)\n"
    "  info                version, instruction sets, threads, CPU\n"
    "\n"
    "  rowsort COMMAND --help   flags of one command\n"
    "  rowsort --version\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure (I/O, memory, a failed check), 2 usage or bad\n"
    "input. Errors are printed on stderr as 'rowsort: error: FILE: what went wrong'.\n"
    "Environment: ROWSORT_THREADS (default threads), ROWSORT_ISA (default kernel path).\n";

static const char order_flags[] =
    "Order:\n"
    "  --keys K            the first K operands are keys, compared in turn (default 1)\n"
    "  --descending        largest first (NaNs first, unless --nans-last)\n"
    "  --stable            equal keys keep their input order (default: any order)\n"
    "  --nans-last         NaNs last in descending sorts too\n"
    "  --total-order       floats by IEEE 754 totalOrder (-NaN < -inf < -0 < +0 < +inf < +NaN)\n"
    "  --argsort IDX.npy   the indices (sort writes them, verify reads them):\n"
    "                      out[j] == in[idx[j]]\n"
    "  --index-dtype T     int32 (default when n < 2^31) or int64\n"
    "  --top-k K           keep the K largest per row, largest first (ties: lower index first)\n"
    "  --smallest          with --top-k: the K smallest, smallest first\n"
    "  --ascending, --unstable, --no-nans-last, --no-total-order, --largest\n"
    "                      switch the above off (over a job file's settings)\n";

static const char raw_flags[] =
    "\nRaw files:\n"
    "  --raw               inputs and outputs are raw files (no header) of:\n"
    "  --dtype T           their element type, and\n"
    "  --shape RxN         their shape (sorted along the last axis); the indices are raw\n"
    "                      too, of --index-dtype and the outputs' shape\n";

static const char usage_sort[] =
    "Usage: rowsort sort IN.npy [IN2.npy ...] -o OUT.npy [-o OUT2.npy ...] [flags]\n"
    "Sorts every row of the inputs (operands of one shape; dtypes may differ). The first\n"
    "--keys operands are keys; the others are payloads moved with them. One -o per input.\n"
    "Outputs appear only when complete (temporary name, fsync, rename).\n"
    "\n";

static const char run_flags[] =
    "\n"
    "Run:\n"
    "  -o, --output FILE   output of the next operand (one per input, in order)\n"
    "  --threads N         worker threads (default: ROWSORT_THREADS, else every CPU allowed)\n"
    "  --isa I             auto, scalar, avx2 or avx512 (default auto: ROWSORT_ISA or the best)\n"
    "  --pin P             thread binding: core (default: one thread per core), numa (its\n"
    "                      node's cores) or none; calls under 1 MiB per thread run unbound\n"
    "                      (ROWSORT_PIN_MIN_BYTES sets the threshold, 0 binds every call)\n"
    "  --progress          print a summary line with timings on stderr\n"
    "  --no-progress       do not (default: only when stderr is a terminal)\n"
    "  --stats FILE.json   write timings and sizes as JSON ('-': stdout)\n"
    "  --memory-limit SIZE keep at most SIZE resident (512M, 2G; default: half of the\n"
    "                      available memory); larger inputs are sorted in windows of rows,\n"
    "                      and rows larger than SIZE out of core (runs, then a merge)\n"
    "  --rows A:B          sort only rows A..B-1 into the EXISTING outputs (same shape),\n"
    "                      written in place, not atomically: for several processes\n"
    "\n"
    "Fortran-order inputs give C-order outputs; big-endian inputs give big-endian outputs.\n"
    "-o may name the input: the output still goes through a temporary and a rename.\n";

static const char usage_run[] =
    "Usage: rowsort run JOB.ini [flags]\n"
    "Runs the sort a job file describes. Flags after the job file override it (-o replaces\n"
    "the job's outputs). Relative paths in the job resolve against the job file's folder.\n"
    "\n"
    "[input]   files = a.npy b.npy\n"
    "[sort]    keys, descending, stable, nans_last, total_order, top_k, smallest,\n"
    "          argsort (true/false), index_dtype\n"
    "[engine]  threads, isa, pin, memory_limit\n"
    "[output]  files = out_a.npy out_b.npy, argsort = idx.npy, stats = stats.json\n"
    "\n"
    "Booleans: true/false, yes/no, on/off, 1/0. Unknown sections and keys are errors.\n"
    "Examples: configs/*.ini.\n"
    "\n";

static const char usage_gen[] =
    "Usage: rowsort gen --shape RxN --dtype T [--dist D] [--seed S] -o FILE.npy\n"
    "Writes a test input, the same for the same seed.\n"
    "\n"
    "  --shape S   RxN, N or AxBxC...\n"
    "  --dtype T   bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float16,\n"
    "              bfloat16, float32, float64, complex64, complex128\n"
    "  --dist D    uniform (default; integers over their full range, floats in [-1, 1)),\n"
    "              normal, sorted, reverse, few (few distinct values), nan (NaNs of both\n"
    "              signs with payloads, +-0, +-inf, denormals mixed with numbers)\n"
    "  --seed S    default 0\n"
    "  -o FILE     the output (.npy)\n";

static const char usage_verify[] =
    "Usage: rowsort verify IN.npy [IN2.npy ...] OUT.npy [OUT2.npy ...] [--argsort IDX.npy]\n"
    "                      [flags]\n"
    "Checks, without the engine, that each output row is in the order the flags ask for,\n"
    "that it is a permutation of the input row bit for bit (every operand moved together),\n"
    "and with --argsort that out[j] == in[idx[j]] (with --stable: equal keys keep their\n"
    "order). Give the inputs then as many outputs. Prints 'ok: R rows x N verified', or an\n"
    "error and exit 1.\n"
    "\n";

static const char usage_info[] =
    "Usage: rowsort info [--topology DESC | --topology-xml FILE] [--shape RxN] [--dtype T]\n"
    "                    [--threads N] [--pin none|core|numa]\n"
    "Prints the version, the CPU model, the instruction-set paths this CPU supports and the\n"
    "one chosen, the thread count, the topology (allowed CPUs, cores, NUMA nodes, caches) and\n"
    "the placement plan for a sort of --shape (default 8x8192) --dtype (default float32):\n"
    "which PU each thread is bound to, which rows each NUMA node owns, whether rows are split.\n"
    "  --topology DESC      plan for an hwloc synthetic topology, e.g. \"numa:2 core:8 pu:2\"\n"
    "  --topology-xml FILE  plan for a topology saved by lstopo (hwloc XML)\n";

static const char usage_mpi[] =
    "Usage: mpirun -n RANKS rowsort-mpi sort IN.npy [IN2.npy ...] -o OUT.npy [...] [flags]\n"
    "       mpirun -n RANKS rowsort-mpi run JOB.ini [flags]\n"
    "       srun rowsort-mpi ...                       (in a Slurm allocation)\n"
    "The sort of `rowsort sort` and `rowsort run`, its rows split among the ranks: each rank\n"
    "maps the inputs and sorts its own contiguous share of the rows (of --rows A:B when\n"
    "given) with its own threads. Rank 0 creates each output under a temporary name, the\n"
    "other ranks write their rows into it in place, and it is renamed into place only when\n"
    "every rank has written and synced its rows: a failure on any rank leaves no output.\n"
    "With --rows the outputs already exist and are written in place, as by rowsort.\n"
    "The default --memory-limit is split among the ranks that share a machine. The flags are\n"
    "those of `rowsort sort --help`.\n";

void cli_print_help(const char *command)
{
    if (command == NULL) {
        fputs(usage_main, stdout);
    } else if (strcmp(command, "sort") == 0) {
        fputs(usage_sort, stdout);
        fputs(order_flags, stdout);
        fputs(run_flags, stdout);
        fputs(raw_flags, stdout);
    } else if (strcmp(command, "run") == 0) {
        fputs(usage_run, stdout);
        fputs(order_flags, stdout);
        fputs(run_flags, stdout);
        fputs(raw_flags, stdout);
    } else if (strcmp(command, "gen") == 0) {
        fputs(usage_gen, stdout);
    } else if (strcmp(command, "verify") == 0) {
        fputs(usage_verify, stdout);
        fputs(order_flags, stdout);
        fputs(raw_flags, stdout);
    } else if (strcmp(command, "info") == 0) {
        fputs(usage_info, stdout);
    } else if (strcmp(command, "mpi") == 0) {
        fputs(usage_mpi, stdout);
    } else {
        fputs(usage_main, stdout);
    }
}
