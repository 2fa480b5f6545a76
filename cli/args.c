/* args.c - command-line flags of sort, run and verify, and the parsers of their values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_sort_opts_init(cli_sort_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->isa = ROWSORT_ISA_AUTO;
    rowsort_options defaults;
    rowsort_options_init(&defaults);
    opts->pin = defaults.pin;
    opts->progress = CLI_PROGRESS_AUTO;
}

void cli_sort_opts_free(cli_sort_opts *opts)
{
    cli_strlist_clear(&opts->inputs);
    cli_strlist_clear(&opts->outputs);
    free(opts->argsort_path);
    free(opts->stats_path);
    opts->argsort_path = NULL;
    opts->stats_path = NULL;
}

/* A whole decimal number without sign, spaces or overflow. */
static int parse_count(const char *s, unsigned long long *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    char *end = NULL;
    errno = 0;
    const unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, size_t *out)
{
    unsigned long long v;
    if (parse_count(s, &v) != 0 || v > SIZE_MAX)
        return -1;
    *out = (size_t)v;
    return 0;
}

int cli_parse_threads(const char *s, unsigned *out)
{
    unsigned long long v;
    if (parse_count(s, &v) != 0 || v < 1 || v > 4096)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int cli_parse_isa(const char *s, rowsort_isa *out)
{
    static const rowsort_isa all[] = {ROWSORT_ISA_AUTO, ROWSORT_ISA_SCALAR, ROWSORT_ISA_AVX2,
                                      ROWSORT_ISA_AVX512};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const char *name = rowsort_isa_name(all[i]);
        if (name != NULL && strcmp(s, name) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

int cli_parse_pin(const char *s, rowsort_pin *out)
{
    static const struct {
        const char *name;
        rowsort_pin pin;
    } pins[] = {{"none", ROWSORT_PIN_NONE}, {"core", ROWSORT_PIN_CORE}, {"numa", ROWSORT_PIN_NUMA}};
    for (size_t i = 0; i < sizeof pins / sizeof pins[0]; i++) {
        if (strcmp(s, pins[i].name) == 0) {
            *out = pins[i].pin;
            return 0;
        }
    }
    return -1;
}

int cli_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

static int replace_string(char **slot, const char *value)
{
    char *copy = cli_strdup(value);
    if (copy == NULL)
        return CLI_EXIT_RUNTIME;
    free(*slot);
    *slot = copy;
    return 0;
}

/* Flags that take a value. */
static int takes_value(const char *name)
{
    static const char *const with_value[] = {
        "-o",    "--output", "--keys",  "--argsort",      "--index-dtype", "--top-k", "--threads",
        "--isa", "--pin",    "--stats", "--memory-limit", "--rows",        "--dtype", "--shape"};
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (strcmp(name, with_value[i]) == 0)
            return 1;
    return 0;
}

static int is_order_flag(const char *name)
{
    static const char *const order[] = {
        "--keys",        "--descending", "--stable",  "--nans-last",    "--total-order",
        "--argsort",     "--index-dtype", "--top-k",  "--smallest",     "--ascending",
        "--unstable",    "--no-nans-last", "--no-total-order", "--largest"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (strcmp(name, order[i]) == 0)
            return 1;
    return 0;
}

static int is_run_flag(const char *name)
{
    static const char *const run[] = {"--threads",     "--isa",   "--pin",          "--progress",
                                      "--no-progress", "--stats", "--memory-limit", "--rows"};
    for (size_t i = 0; i < sizeof run / sizeof run[0]; i++)
        if (strcmp(name, run[i]) == 0)
            return 1;
    return 0;
}

static int is_raw_flag(const char *name)
{
    return strcmp(name, "--raw") == 0 || strcmp(name, "--dtype") == 0 ||
           strcmp(name, "--shape") == 0;
}

/* Applies one flag with its value (NULL for switches). */
static int apply_flag(const char *name, const char *value, cli_sort_opts *opts, int *outputs_seen)
{
    if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
        if (!*outputs_seen)
            cli_strlist_clear(&opts->outputs);
        *outputs_seen = 1;
        return cli_strlist_push(&opts->outputs, value) == 0 ? 0 : CLI_EXIT_RUNTIME;
    }
    if (strcmp(name, "--keys") == 0) {
        if (cli_parse_size(value, &opts->keys) != 0 || opts->keys == 0)
            return cli_usage_error("invalid --keys '%s' (a whole number from 1 to the number "
                                   "of operands)",
                                   value);
        return 0;
    }
    /* The order switches, and their opposites that turn a job file's settings off from the
     * command line. */
    static const struct {
        const char *name;
        unsigned flag;
        int on;
    } switches[] = {
        {"--descending", ROWSORT_DESCENDING, 1}, {"--ascending", ROWSORT_DESCENDING, 0},
        {"--stable", ROWSORT_STABLE, 1},         {"--unstable", ROWSORT_STABLE, 0},
        {"--nans-last", ROWSORT_NANS_LAST, 1},   {"--no-nans-last", ROWSORT_NANS_LAST, 0},
        {"--total-order", ROWSORT_TOTAL_ORDER, 1}, {"--no-total-order", ROWSORT_TOTAL_ORDER, 0},
    };
    for (size_t i = 0; i < sizeof switches / sizeof switches[0]; i++) {
        if (strcmp(name, switches[i].name) != 0)
            continue;
        if (switches[i].on)
            opts->flags |= switches[i].flag;
        else
            opts->flags &= ~switches[i].flag;
        return 0;
    }
    if (strcmp(name, "--largest") == 0) {
        opts->smallest = 0;
        return 0;
    }
    if (strcmp(name, "--argsort") == 0)
        return replace_string(&opts->argsort_path, value);
    if (strcmp(name, "--index-dtype") == 0) {
        if (strcmp(value, "int32") == 0)
            opts->index_int64 = 0;
        else if (strcmp(value, "int64") == 0)
            opts->index_int64 = 1;
        else
            return cli_usage_error("invalid --index-dtype '%s' (int32 or int64)", value);
        opts->index_dtype_set = 1;
        return 0;
    }
    if (strcmp(name, "--top-k") == 0) {
        if (cli_parse_size(value, &opts->top_k) != 0)
            return cli_usage_error("invalid --top-k '%s' (a whole number from 0 to the row "
                                   "length)",
                                   value);
        opts->top_k_set = 1;
        return 0;
    }
    if (strcmp(name, "--smallest") == 0) {
        opts->smallest = 1;
        return 0;
    }
    if (strcmp(name, "--threads") == 0) {
        if (cli_parse_threads(value, &opts->threads) != 0)
            return cli_usage_error("invalid --threads '%s' (a whole number from 1 to 4096)", value);
        return 0;
    }
    if (strcmp(name, "--isa") == 0) {
        if (cli_parse_isa(value, &opts->isa) != 0)
            return cli_usage_error("invalid --isa '%s' (auto, scalar, avx2 or avx512)", value);
        return 0;
    }
    if (strcmp(name, "--pin") == 0) {
        if (cli_parse_pin(value, &opts->pin) != 0)
            return cli_usage_error("invalid --pin '%s' (none, core or numa)", value);
        return 0;
    }
    if (strcmp(name, "--progress") == 0) {
        opts->progress = 1;
        return 0;
    }
    if (strcmp(name, "--no-progress") == 0) {
        opts->progress = 0;
        return 0;
    }
    if (strcmp(name, "--stats") == 0)
        return replace_string(&opts->stats_path, value);
    if (strcmp(name, "--memory-limit") == 0) {
        if (rsio_parse_bytes(value, &opts->memory_limit) != 0)
            return cli_usage_error("invalid --memory-limit '%s' (bytes, with K, M, G or T: "
                                   "512M)",
                                   value);
        return 0;
    }
    if (strcmp(name, "--rows") == 0) {
        unsigned long long a, b;
        const char *colon = strchr(value, ':');
        char first[32];
        if (colon == NULL || (size_t)(colon - value) >= sizeof first)
            return cli_usage_error("invalid --rows '%s' (A:B, rows A to B-1)", value);
        memcpy(first, value, (size_t)(colon - value));
        first[colon - value] = '\0';
        if (parse_count(first, &a) != 0 || parse_count(colon + 1, &b) != 0 || a > b || b > SIZE_MAX)
            return cli_usage_error("invalid --rows '%s' (A:B, rows A to B-1, A <= B)", value);
        opts->rows_set = 1;
        opts->row_begin = (size_t)a;
        opts->row_end = (size_t)b;
        return 0;
    }
    if (strcmp(name, "--raw") == 0) {
        opts->raw = 1;
        return 0;
    }
    if (strcmp(name, "--dtype") == 0) {
        if (rowsort_dtype_from_name(value, &opts->raw_dtype) != ROWSORT_OK)
            return cli_usage_error("invalid --dtype '%s' (bool, int8 ... float64, complex128)",
                                   value);
        opts->raw_dtype_set = 1;
        return 0;
    }
    if (strcmp(name, "--shape") == 0) {
        if (cli_parse_shape(value, opts->raw_shape, &opts->raw_ndim) != 0 || opts->raw_ndim == 0)
            return cli_usage_error("invalid --shape '%s' (RxN, N or AxBxC)", value);
        return 0;
    }
    return cli_usage_error("unknown option '%s'", name);
}

int cli_parse_sort_args(int argc, char **argv, unsigned accept, const char *command,
                        cli_sort_opts *opts)
{
    int outputs_seen = 0;
    int inputs_seen = 0;
    int only_files = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const int is_flag = !only_files && arg[0] == '-' && arg[1] != '\0';
        if (!is_flag) {
            if (!(accept & CLI_ARGS_POSITIONAL))
                return cli_usage_error("unexpected argument '%s' for 'rowsort %s'", arg, command);
            if (!inputs_seen)
                cli_strlist_clear(&opts->inputs);
            inputs_seen = 1;
            if (cli_strlist_push(&opts->inputs, arg) != 0)
                return CLI_EXIT_RUNTIME;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_files = 1;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            if (opts->cluster == NULL || opts->cluster->rank == 0) /* once, not per rank */
                cli_print_help(command);
            return CLI_DONE;
        }
        /* "--name=value", "--name value", "-o FILE" or "-oFILE". */
        char name[64];
        const char *value = NULL;
        if (arg[1] == '-') {
            const char *eq = strchr(arg, '=');
            const size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
            if (len >= sizeof name)
                return cli_usage_error("unknown option '%s'", arg);
            memcpy(name, arg, len);
            name[len] = '\0';
            if (eq != NULL)
                value = eq + 1;
        } else if (arg[1] == 'o') {
            strcpy(name, "-o");
            if (arg[2] != '\0')
                value = arg + 2;
        } else {
            return cli_usage_error("unknown option '%s'", arg);
        }

        const int is_output = strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0;
        const int known = is_output || is_order_flag(name) || is_run_flag(name) ||
                          is_raw_flag(name);
        if (!known)
            return cli_usage_error("unknown option '%s'", name);
        if ((is_output && !(accept & CLI_ARGS_OUTPUTS)) ||
            (is_run_flag(name) && !(accept & CLI_ARGS_RUN)) ||
            (is_raw_flag(name) && !(accept & CLI_ARGS_RAW)))
            return cli_usage_error("option '%s' does not apply to 'rowsort %s'", name, command);
        if (takes_value(name)) {
            if (value == NULL) {
                if (i + 1 >= argc)
                    return cli_usage_error("option '%s' needs a value", name);
                value = argv[++i];
            }
        } else if (value != NULL) {
            return cli_usage_error("option '%s' takes no value", name);
        }
        const int rc = apply_flag(name, value, opts, &outputs_seen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int cli_index_dtype(const cli_sort_opts *opts, size_t n, rowsort_dtype *out)
{
    if (opts->index_dtype_set && !opts->index_int64 && n > (size_t)INT32_MAX)
        return cli_usage_error("--index-dtype int32 cannot index rows of %zu elements (at most "
                               "2147483647): ask for int64, or leave it out",
                               n);
    *out = opts->index_int64 || n > (size_t)INT32_MAX ? ROWSORT_DTYPE_I64 : ROWSORT_DTYPE_I32;
    return 0;
}

int cli_check_sort_opts(const cli_sort_opts *opts, size_t nops)
{
    if (nops > CLI_MAX_OPERANDS)
        return cli_usage_error("at most %d operands (got %zu)", CLI_MAX_OPERANDS, nops);
    if (opts->keys > nops)
        return cli_usage_error("--keys %zu is larger than the number of operands (%zu)", opts->keys,
                               nops);
    if (opts->smallest && !opts->top_k_set)
        return cli_usage_error("--smallest needs --top-k K");
    if (opts->top_k_set && (opts->flags & ROWSORT_DESCENDING))
        return cli_usage_error("--descending conflicts with --top-k (the k largest come "
                               "largest first; --smallest gives the k smallest)");
    if (opts->index_dtype_set && opts->argsort_path == NULL)
        return cli_usage_error("--index-dtype needs --argsort FILE");
    if (opts->raw && (!opts->raw_dtype_set || opts->raw_ndim == 0))
        return cli_usage_error("--raw needs --dtype T and --shape RxN");
    if (!opts->raw && (opts->raw_dtype_set || opts->raw_ndim > 0))
        return cli_usage_error("--dtype and --shape describe raw inputs: they need --raw");
    return 0;
}
