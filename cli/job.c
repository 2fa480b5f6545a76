/*
 * job.c - INI job files (parsed by libinih) and `rowsort run`.
 *
 *   [input]   files = a.npy b.npy
 *   [sort]    keys, descending, stable, nans_last, total_order, top_k, smallest,
 *             argsort (true/false), index_dtype
 *   [engine]  threads, isa, pin
 *   [output]  files = out_a.npy out_b.npy, argsort = idx.npy, stats = stats.json
 *
 * Unknown sections and keys are errors with their line; relative paths resolve against the
 * job file's folder; flags after the job file on the command line override it. Before inih
 * reads it, check_text() refuses what inih would misread silently: lines longer than its
 * buffer (it splits them), NUL bytes, and a `files` key given twice in a section (which
 * inih hands over just as it hands over a value's continuation lines).
 */
#include <errno.h>
#include <stdarg.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* inih's reader over the job's text, as ini_parse_string's, counting the lines it hands
 * over (check_text has made sure that each fits inih's buffer whole). */
typedef struct text_reader {
    const char *at, *end;
    int line; /* the line inih is parsing */
} text_reader;

static char *read_line(char *buf, int size, void *stream)
{
    text_reader *r = stream;
    if (r->at >= r->end || size < 2)
        return NULL;
    const char *nl = memchr(r->at, '\n', (size_t)(r->end - r->at));
    size_t len = nl != NULL ? (size_t)(nl - r->at) + 1 : (size_t)(r->end - r->at);
    if (len > (size_t)size - 1)
        len = (size_t)size - 1;
    memcpy(buf, r->at, len);
    buf[len] = '\0';
    r->at += len;
    r->line++;
    return buf;
}

typedef struct job_state {
    cli_sort_opts *opts;
    const text_reader *reader;
    char dir[1024];    /* the job file's folder with a trailing '/', or "" */
    char message[512]; /* the first error a handler found */
    int message_line;  /* its line: inih goes on after a line it cannot parse, and reports
                        * the first bad line, which may come before the handler's */
    int out_of_memory;
    int argsort_wanted; /* [sort] argsort: -1 not given, 0 or 1 */
    char seen[32][48];  /* "section.key" already given (scalars only) */
    size_t num_seen;
} job_state;

static int job_fail(job_state *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first error; returning 0 makes inih report the line. Control characters of
 * the file (what a binary file is made of) are shown as '?'. */
static int job_fail(job_state *job, const char *fmt, ...)
{
    if (job->message[0] == '\0') {
        job->message_line = job->reader != NULL ? job->reader->line : 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(job->message, sizeof job->message, fmt, ap);
        va_end(ap);
        for (char *c = job->message; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
    }
    return 0;
}

/* The longest line inih reads whole (INI_MAX_LINE is 200 in Debian's libinih, its NUL
 * included); longer ones it would cut in two. */
#define JOB_MAX_LINE 199
/* Job files are small: read whole (once: a pipe cannot be read twice). */
#define JOB_MAX_BYTES (1u << 20)

/* The checks inih cannot make (see the top of the file) on the job file's text. Returns 0
 * or an exit status. */
static int check_text(const char *path, const char *text, size_t bytes)
{
    char section[64] = "", files_in[16][64];
    size_t num_files = 0;
    int line = 1, after_section = 0;
    size_t at = 0;
    if (bytes >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        at = 3; /* a UTF-8 byte-order mark, which inih skips */
    while (at < bytes) {
        const char *start = text + at;
        const char *nl = memchr(start, '\n', bytes - at);
        size_t len = nl != NULL ? (size_t)(nl - start) : bytes - at;
        at += len + 1;
        if (memchr(start, '\0', len) != NULL)
            return cli_error(CLI_EXIT_USAGE, path, "line %d: a NUL byte: not a text job file",
                             line);
        if (len > 0 && start[len - 1] == '\r')
            len--; /* CRLF */
        if (len > JOB_MAX_LINE)
            return cli_error(CLI_EXIT_USAGE, path,
                             "line %d: longer than %d characters, the most a line may have",
                             line, JOB_MAX_LINE);
        /* A section header, or a `files` key (a line at the start, or the first after a
         * header: inih continues only a key's value). */
        const char *h = start, *end = start + len;
        while (h < end && (*h == ' ' || *h == '\t'))
            h++;
        const size_t rest = (size_t)(end - h);
        if (rest > 0 && *h == '[') {
            const char *close = memchr(h, ']', rest);
            const size_t n = close != NULL ? (size_t)(close - h - 1) : rest - 1;
            snprintf(section, sizeof section, "%.*s", (int)(n < 60 ? n : 60), h + 1);
            after_section = 1;
        } else if (rest > 0 && *h != ';' && *h != '#') {
            const int is_key = h == start || after_section;
            if (is_key && rest >= 5 && strncmp(h, "files", 5) == 0 &&
                (rest == 5 || h[5] == '=' || h[5] == ':' || h[5] == ' ' || h[5] == '\t')) {
                for (size_t i = 0; i < num_files; i++)
                    if (strcmp(files_in[i], section) == 0)
                        return cli_error(CLI_EXIT_USAGE, path,
                                         "line %d: 'files' given twice in [%s]", line, section);
                if (num_files < sizeof files_in / sizeof files_in[0])
                    snprintf(files_in[num_files++], sizeof files_in[0], "%s", section);
            }
            after_section = 0;
        }
        line++;
    }
    return 0;
}

/* The job file's text, NUL-terminated, into *text (freed by the caller). Returns 0 or an
 * exit status. */
static int read_job(const char *path, char **text, size_t *bytes)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return cli_error(errno == ENOENT || errno == ENOTDIR ? CLI_EXIT_USAGE
                                                                                : CLI_EXIT_RUNTIME,
                         path, "cannot open the job file: %s", strerror(errno));
    char *buf = malloc(JOB_MAX_BYTES + 1);
    if (buf == NULL) {
        fclose(f);
        return cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
    }
    const size_t got = fread(buf, 1, JOB_MAX_BYTES + 1, f);
    const int failed = ferror(f);
    const int e = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return cli_error(CLI_EXIT_RUNTIME, path, "cannot read the job file: %s", strerror(e));
    }
    if (got > JOB_MAX_BYTES) {
        free(buf);
        return cli_error(CLI_EXIT_USAGE, path, "larger than %u bytes: not a job file",
                         JOB_MAX_BYTES);
    }
    buf[got] = '\0';
    *text = buf;
    *bytes = got;
    return 0;
}

/* dir + value unless value is absolute; into a fresh string (NULL: out of memory). */
static char *resolve(const job_state *job, const char *value)
{
    /* "-" (stdout, for stats) and absolute paths are kept as they are. */
    const size_t dir_len = value[0] == '/' || strcmp(value, "-") == 0 ? 0 : strlen(job->dir);
    const size_t len = strlen(value);
    char *path = malloc(dir_len + len + 1);
    if (path == NULL)
        return NULL;
    memcpy(path, job->dir, dir_len);
    memcpy(path + dir_len, value, len + 1);
    return path;
}

/* Appends the whitespace-separated paths of value to list. */
static int add_files(job_state *job, cli_strlist *list, const char *value)
{
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const size_t len = strcspn(p, " \t,");
        if (len == 0)
            break;
        char word[1024];
        if (len >= sizeof word)
            return job_fail(job, "file name too long");
        memcpy(word, p, len);
        word[len] = '\0';
        char *path = resolve(job, word);
        if (path == NULL || cli_strlist_push(list, path) != 0) {
            free(path);
            job->out_of_memory = 1;
            return job_fail(job, "out of memory");
        }
        free(path);
        p += len;
    }
    return 1;
}

static int set_path(job_state *job, char **slot, const char *value)
{
    char *path = resolve(job, value);
    if (path == NULL) {
        job->out_of_memory = 1;
        return job_fail(job, "out of memory");
    }
    free(*slot);
    *slot = path;
    return 1;
}

static int set_flag(job_state *job, const char *section, const char *name, const char *value,
                    unsigned flag)
{
    int on;
    if (cli_parse_bool(value, &on) != 0)
        return job_fail(job, "[%s] %s = '%s': not a boolean (true/false, yes/no, on/off, 1/0)",
                        section, name, value);
    if (on)
        job->opts->flags |= flag;
    else
        job->opts->flags &= ~flag;
    return 1;
}

static int handle_sort(job_state *job, const char *name, const char *value)
{
    cli_sort_opts *opts = job->opts;
    if (strcmp(name, "keys") == 0) {
        if (cli_parse_size(value, &opts->keys) != 0 || opts->keys == 0)
            return job_fail(job, "[sort] keys = '%s': a whole number from 1 up", value);
        return 1;
    }
    if (strcmp(name, "descending") == 0)
        return set_flag(job, "sort", name, value, ROWSORT_DESCENDING);
    if (strcmp(name, "stable") == 0)
        return set_flag(job, "sort", name, value, ROWSORT_STABLE);
    if (strcmp(name, "nans_last") == 0)
        return set_flag(job, "sort", name, value, ROWSORT_NANS_LAST);
    if (strcmp(name, "total_order") == 0)
        return set_flag(job, "sort", name, value, ROWSORT_TOTAL_ORDER);
    if (strcmp(name, "top_k") == 0) {
        if (cli_parse_size(value, &opts->top_k) != 0)
            return job_fail(job, "[sort] top_k = '%s': a whole number", value);
        opts->top_k_set = 1;
        return 1;
    }
    if (strcmp(name, "smallest") == 0) {
        if (cli_parse_bool(value, &opts->smallest) != 0)
            return job_fail(job, "[sort] smallest = '%s': not a boolean", value);
        return 1;
    }
    if (strcmp(name, "argsort") == 0) {
        if (cli_parse_bool(value, &job->argsort_wanted) != 0)
            return job_fail(job,
                            "[sort] argsort = '%s': not a boolean (the file goes in "
                            "[output] argsort)",
                            value);
        return 1;
    }
    if (strcmp(name, "index_dtype") == 0) {
        if (strcmp(value, "int32") != 0 && strcmp(value, "int64") != 0)
            return job_fail(job, "[sort] index_dtype = '%s': int32 or int64", value);
        opts->index_int64 = strcmp(value, "int64") == 0;
        opts->index_dtype_set = 1;
        return 1;
    }
    return job_fail(job, "unknown key '%s' in [sort]", name);
}

static int handle_engine(job_state *job, const char *name, const char *value)
{
    cli_sort_opts *opts = job->opts;
    if (strcmp(name, "threads") == 0) {
        if (strcmp(value, "auto") == 0 || strcmp(value, "0") == 0) {
            opts->threads = 0;
            return 1;
        }
        if (cli_parse_threads(value, &opts->threads) != 0)
            return job_fail(job,
                            "[engine] threads = '%s': auto (or 0), or a whole number from 1 "
                            "to 4096",
                            value);
        return 1;
    }
    if (strcmp(name, "isa") == 0) {
        if (cli_parse_isa(value, &opts->isa) != 0)
            return job_fail(job, "[engine] isa = '%s': auto, scalar, avx2 or avx512", value);
        return 1;
    }
    if (strcmp(name, "pin") == 0) {
        if (cli_parse_pin(value, &opts->pin) != 0)
            return job_fail(job, "[engine] pin = '%s': none, core or numa", value);
        return 1;
    }
    if (strcmp(name, "memory_limit") == 0) {
        if (rsio_parse_bytes(value, &job->opts->memory_limit) != 0)
            return job_fail(job, "[engine] memory_limit = '%s': bytes, with K, M, G or T", value);
        return 1;
    }
    return job_fail(job, "unknown key '%s' in [engine]", name);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    job_state *job = user;
    cli_sort_opts *opts = job->opts;
    if (job->message[0] != '\0')
        return 1; /* report the first error only */
    const int is_files = strcmp(name, "files") == 0;
    if (!is_files) {
        /* A scalar key given twice is a mistake, not an override. */
        char key[48];
        snprintf(key, sizeof key, "%.20s.%.20s", section, name);
        for (size_t i = 0; i < job->num_seen; i++)
            if (strcmp(job->seen[i], key) == 0)
                return job_fail(job, "'%s' given twice in [%s]", name, section);
        if (job->num_seen < sizeof job->seen / sizeof job->seen[0])
            memcpy(job->seen[job->num_seen++], key, sizeof key);
    }
    if (section[0] == '\0')
        return job_fail(job, "'%s' outside a section ([input], [sort], [engine], [output])", name);
    if (strcmp(section, "input") == 0) {
        if (is_files)
            return add_files(job, &opts->inputs, value);
        return job_fail(job, "unknown key '%s' in [input]", name);
    }
    if (strcmp(section, "sort") == 0)
        return handle_sort(job, name, value);
    if (strcmp(section, "engine") == 0)
        return handle_engine(job, name, value);
    if (strcmp(section, "output") == 0) {
        if (is_files)
            return add_files(job, &opts->outputs, value);
        if (strcmp(name, "argsort") == 0)
            return set_path(job, &opts->argsort_path, value);
        if (strcmp(name, "stats") == 0)
            return set_path(job, &opts->stats_path, value);
        return job_fail(job, "unknown key '%s' in [output]", name);
    }
    return job_fail(job, "unknown section [%s]", section);
}

int cli_job_load(const char *path, cli_sort_opts *opts)
{
    job_state *job = calloc(1, sizeof *job);
    if (job == NULL)
        return cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
    job->opts = opts;
    job->argsort_wanted = -1;
    const char *slash = strrchr(path, '/');
    if (slash != NULL) {
        const size_t len = (size_t)(slash - path) + 1;
        if (len >= sizeof job->dir) {
            free(job);
            return cli_error(CLI_EXIT_USAGE, path, "path too long");
        }
        memcpy(job->dir, path, len);
        job->dir[len] = '\0';
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        free(job);
        return cli_error(CLI_EXIT_USAGE, path, "is a directory, not a job file");
    }
    char *text = NULL;
    size_t bytes = 0;
    int rc = read_job(path, &text, &bytes);
    if (rc == 0)
        rc = check_text(path, text, bytes);
    if (rc != 0) {
        free(text);
        free(job);
        return rc;
    }
    text_reader reader = {text, text + bytes, 0};
    job->reader = &reader;
    const int line = ini_parse_stream(read_line, &reader, handler, job);
    job->reader = NULL;
    free(text);
    if (line == -2)
        rc = cli_error(CLI_EXIT_RUNTIME, path, "out of memory");
    else if (line > 0)
        rc = cli_error(job->out_of_memory ? CLI_EXIT_RUNTIME : CLI_EXIT_USAGE, path, "line %d: %s",
                       line,
                       job->message[0] && job->message_line == line
                           ? job->message
                           : "not a 'key = value' line or a [section]");
    else if (job->argsort_wanted == 1 && opts->argsort_path == NULL)
        rc = cli_error(CLI_EXIT_USAGE, path,
                       "[sort] argsort = true needs the index file: [output] argsort = FILE");
    else if (job->argsort_wanted == 0 && opts->argsort_path != NULL)
        rc = cli_error(CLI_EXIT_USAGE, path,
                       "[sort] argsort = false conflicts with [output] argsort = FILE");
    free(job);
    return rc;
}

int cli_cmd_run(int argc, char **argv)
{
    return cli_cmd_run_on(NULL, argc, argv);
}

int cli_cmd_run_on(const cli_cluster *cluster, int argc, char **argv)
{
    int rc = 0;
    for (int i = 0; i < argc && rc == 0; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            if (cluster == NULL || cluster->rank == 0)
                cli_print_help("run");
            rc = CLI_DONE;
        }
    }
    if (rc == 0 && (argc < 1 || argv[0][0] == '-'))
        rc = cli_usage_error("run needs a job file first (rowsort run JOB.ini [flags])");
    cli_sort_opts opts;
    cli_sort_opts_init(&opts);
    opts.cluster = cluster;
    if (rc == 0)
        rc = cli_job_load(argv[0], &opts);
    if (rc == 0)
        rc = cli_parse_sort_args(argc - 1, argv + 1, CLI_ARGS_OUTPUTS | CLI_ARGS_RUN | CLI_ARGS_RAW,
                                 "run", &opts);
    /* cli_sort_execute's first step is the ranks' agreement: a rank that stops here (a job
     * file one node cannot read) takes that step too. */
    if (rc == 0)
        rc = cli_sort_execute(&opts);
    else
        rc = cli_cluster_agree(cluster, rc);
    cli_sort_opts_free(&opts);
    return rc == CLI_DONE ? 0 : rc;
}
