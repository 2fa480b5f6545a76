/*
 * cli.h - internal interfaces of the rowsort program (cli/). Uses only the engine's public
 * header and io's rsio.h.
 *
 * Every command returns its exit status: 0 success, 1 runtime failure (I/O, memory, a check
 * that failed), 2 usage or bad input. Errors are printed once, where they are detected, by
 * cli_error() or cli_usage_error(); callers only pass the status up.
 */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdint.h>

#include "rowsort.h"
#include "rsio.h"
#include "cluster.h"

#define CLI_EXIT_OK      0
#define CLI_EXIT_RUNTIME 1
#define CLI_EXIT_USAGE   2

/* ---- errors (error.c) ---- */

/* Names the process in every error message after "rowsort: error: " (rowsort-mpi's rank);
 * the program sets it once at start-up. */
void cli_set_error_tag(const char *tag);
/* Prints "rowsort: error: FILE: MESSAGE" (no "FILE: " when file is NULL or empty) on stderr
 * and returns status. */
int cli_error(int status, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A usage error: the message, then "Try 'rowsort --help'."; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an io error and returns its exit status (1 runtime, 2 bad input). */
int cli_io_error(const rsio_error *err);
/* Exit status for an engine status: 1 for memory and internal failures, 2 for the rest. */
int cli_status_exit(rowsort_status status);

/* ---- growable list of owned strings (strlist.c) ---- */

typedef struct cli_strlist {
    char **items;
    size_t count;
    size_t cap;
} cli_strlist;

/* Appends a copy of s; returns 0, or -1 when out of memory (error printed). */
int cli_strlist_push(cli_strlist *list, const char *s);
void cli_strlist_clear(cli_strlist *list);
/* A copy of s, or NULL when out of memory (error printed). */
char *cli_strdup(const char *s);

/* ---- sort options, shared by sort, run and verify (args.c) ---- */

#define CLI_PROGRESS_AUTO (-1)

/* Operands of a sort or a verify: what the out-of-core sort takes (io/extsort.c). */
#define CLI_MAX_OPERANDS 64

typedef struct cli_sort_opts {
    cli_strlist inputs;
    cli_strlist outputs;
    size_t keys;        /* 0: not given (1) */
    unsigned flags;     /* ROWSORT_DESCENDING | ROWSORT_STABLE | ... */
    char *argsort_path; /* NULL: no index output */
    int index_int64;    /* --index-dtype int64 */
    int index_dtype_set; /* --index-dtype given (int32 or int64) */
    int top_k_set;      /* --top-k given */
    size_t top_k;
    int smallest;     /* --smallest */
    unsigned threads; /* 0: the library's default */
    rowsort_isa isa;
    rowsort_pin pin;     /* --pin; the library's default (core) unless given */
    int progress;        /* 1, 0 or CLI_PROGRESS_AUTO */
    char *stats_path;    /* NULL: none; "-": stdout */
    size_t memory_limit; /* --memory-limit in bytes; 0: io's default (rsio_memory_default) */
    int rows_set;        /* --rows A:B given: sort rows [row_begin, row_end) in place */
    size_t row_begin, row_end;
    int raw; /* --raw: inputs and outputs are raw files of --dtype, --shape */
    int raw_dtype_set;
    rowsort_dtype raw_dtype;
    size_t raw_ndim; /* 0: --shape not given */
    size_t raw_shape[RSIO_MAX_NDIM];
    const cli_cluster *cluster; /* rowsort-mpi's ranks; NULL: this process alone */
} cli_sort_opts;

void cli_sort_opts_init(cli_sort_opts *opts);
void cli_sort_opts_free(cli_sort_opts *opts);

/* Which flags a command accepts. */
enum {
    CLI_ARGS_POSITIONAL = 1u, /* input files as positional arguments */
    CLI_ARGS_OUTPUTS = 2u,    /* -o OUT */
    CLI_ARGS_RUN = 4u,        /* sort's run-time flags (threads, isa, progress, stats...) */
    CLI_ARGS_RAW = 8u,        /* --raw --dtype T --shape S: raw files */
};

/* Parses argv[0..argc) into opts (on top of what is there: -o and positional files replace
 * earlier lists the first time they appear). Returns 0, an exit status (error printed), or
 * CLI_DONE when --help was printed (exit 0). */
#define CLI_DONE (-1)
int cli_parse_sort_args(int argc, char **argv, unsigned accept, const char *command,
                        cli_sort_opts *opts);

/* Parsers for option values; return 0 or -1 (nothing printed). */
int cli_parse_size(const char *s, size_t *out);
int cli_parse_threads(const char *s, unsigned *out);
int cli_parse_isa(const char *s, rowsort_isa *out);
/* "none", "core" or "numa"; returns 0 or -1. */
int cli_parse_pin(const char *s, rowsort_pin *out);
int cli_parse_bool(const char *s, int *out);

/* Checks that the options make sense together (keys, top-k, descending...) for `nops`
 * operands; returns 0 or an exit status. */
int cli_check_sort_opts(const cli_sort_opts *opts, size_t nops);

/* The indices' dtype for rows of n elements: --index-dtype where given, else int32 below
 * 2^31 elements and int64 from there; returns 0, or a usage error for int32 asked for
 * longer rows. */
int cli_index_dtype(const cli_sort_opts *opts, size_t n, rowsort_dtype *out);

/* ---- commands ---- */

int cli_cmd_sort(int argc, char **argv);
int cli_cmd_run(int argc, char **argv);
/* The same, the sort shared by a cluster's ranks (rowsort-mpi; NULL: alone). */
int cli_cmd_sort_on(const cli_cluster *cluster, int argc, char **argv);
int cli_cmd_run_on(const cli_cluster *cluster, int argc, char **argv);
int cli_cmd_gen(int argc, char **argv);
int cli_cmd_verify(int argc, char **argv);
int cli_cmd_info(int argc, char **argv);

/* Runs a sort with parsed options (sort.c); the command `run` calls it too. */
int cli_sort_execute(const cli_sort_opts *opts);

/* ---- help (help.c) ---- */

/* Prints the help of a command (NULL: the program's) on stdout. */
void cli_print_help(const char *command);

/* ---- job files (job.c) ---- */

/* Loads an INI job file into opts; relative paths resolve against the file's folder. */
int cli_job_load(const char *path, cli_sort_opts *opts);

/* ---- temporaries removed on SIGINT, SIGTERM, SIGHUP and SIGBUS (signals.c) ---- */

/* Installs handlers for SIGINT, SIGTERM and SIGHUP (unless ignored) that unlink the
 * registered temporaries and exit with 128 + the signal number, and for SIGBUS (a mapped
 * input truncated meanwhile, an I/O error) that unlinks them and exits with status 1. */
void cli_signals_install(void);
/* Installs the SIGBUS handler alone (for a command that writes nothing). */
void cli_signals_install_fault(void);
/* Holds those signals back (in every thread: the handler defers them) around the creation
 * of a temporary and its registration, and around the commit of the outputs; unblocking
 * acts on one that came meanwhile. Main thread only; pairs may nest (the outermost acts). */
void cli_signals_block(void);
void cli_signals_unblock(void);
/* Registers a temporary path (copied); returns 0, or -1 when the table is full (more than
 * CLI_MAX_OPERANDS + 2 files: the values, the indices and the stats). */
int cli_signals_add_temp(const char *path);
/* Forgets one temporary (renamed into place: nothing to remove any more); call it with the
 * signals blocked. */
void cli_signals_forget_temp(const char *path);
/* Forgets every registered temporary (after commit or abort). */
void cli_signals_clear(void);

/* ---- half-precision conversions (f16.c) ---- */

uint16_t cli_f32_to_f16(float f);  /* round to nearest even; NaN stays NaN */
uint16_t cli_f32_to_bf16(float f); /* round to nearest even; NaN stays NaN */
float cli_f16_to_f32(uint16_t h);
float cli_bf16_to_f32(uint16_t h);

/* ---- pseudo-random numbers (prng.c) ---- */

typedef struct cli_prng {
    uint64_t s[4];
} cli_prng;

void cli_prng_seed(cli_prng *rng, uint64_t seed);
uint64_t cli_prng_next(cli_prng *rng);                  /* xoshiro256** */
double cli_prng_uniform(cli_prng *rng);                 /* [0, 1) with 53 bits */
double cli_prng_normal(cli_prng *rng);                  /* standard normal (Box-Muller) */
uint64_t cli_prng_below(cli_prng *rng, uint64_t bound); /* [0, bound), bound > 0 */

/* ---- small shared helpers (util.c) ---- */

/* Seconds from a monotonic clock. */
double cli_now(void);
/* Formats a shape as "(8, 8192)" into buf. */
void cli_format_shape(const size_t *shape, size_t ndim, char *buf, size_t cap);
/* Parses "RxN", "N" or "AxBxC" into shape; returns 0 or -1. */
int cli_parse_shape(const char *s, size_t *shape, size_t *ndim);
/* 1 when a and b name the same existing file (device and inode), else 0. */
int cli_same_file(const char *a, const char *b);
/* The name of a temporary beside path, for mkstemp: "<folder>/.<name>.<tag>-XXXXXX", the
 * name cut to fit NAME_MAX. Returns 0, or -1 (out "") for an empty name or a short cap. */
int cli_name_beside(const char *path, const char *tag, char *out, size_t cap);
/* The same in two steps: cli_atomic_open creates the temporary (or opens a device or a pipe,
 * written through; "-" is stdout) with `reserve` bytes reserved, cli_atomic_finish writes the
 * text and renames it into place; cli_atomic_abort removes it. Each returns 0 or an exit
 * status (error printed; the temporary removed). */
typedef struct cli_atomic_file {
    char path[4096]; /* where it goes: a symbolic link's target */
    char temp[4200]; /* "" when none is left */
    int fd;          /* -1 when closed */
    int through;     /* a device or a pipe: written in place */
    int to_stdout;   /* "-" */
} cli_atomic_file;
int cli_atomic_open(cli_atomic_file *f, const char *path, size_t reserve);
int cli_atomic_finish(cli_atomic_file *f, const char *text, size_t len);
void cli_atomic_abort(cli_atomic_file *f);
/* The outcome of a step every rank of a cluster takes (NULL or one rank: status itself):
 * this rank's own failure (its message printed), else the worst of the others' (printed
 * by them; CLI_DONE when one printed --help), else 0. Collective: every rank calls it at
 * the same point, whatever happened before, or the ranks wait for each other forever. */
int cli_cluster_agree(const cli_cluster *c, int status);
/* Where a file path leads: the path with every symbolic link resolved, or, for a file that
 * does not exist yet, its resolved folder and its name; the path itself when neither
 * resolves. Two names of one file give one answer. */
void cli_canonical_path(const char *path, char *out, size_t cap);

#endif /* CLI_H */
