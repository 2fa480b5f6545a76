/* info.c - `rowsort info`: version, kernel paths, threads and CPU, nothing invented. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The "model name" line of /proc/cpuinfo, or "unknown". */
static void cpu_model(char *buf, size_t cap)
{
    snprintf(buf, cap, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        const char *colon = strchr(line, ':');
        if (colon == NULL)
            continue;
        colon++;
        while (*colon == ' ' || *colon == '\t')
            colon++;
        snprintf(buf, cap, "%s", colon);
        buf[strcspn(buf, "\n")] = '\0';
        break;
    }
    fclose(f);
}

static void print_isas(void)
{
    static const rowsort_isa all[] = {ROWSORT_ISA_SCALAR, ROWSORT_ISA_AVX2, ROWSORT_ISA_AVX512};
    printf("isas supported:");
    char missing[128] = "";
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        rowsort_options options;
        rowsort_options_init(&options);
        options.isa = all[i];
        options.threads = 1;
        options.pin = ROWSORT_PIN_NONE;
        rowsort_status s;
        rowsort_ctx *c = rowsort_create(&options, &s);
        if (c != NULL) {
            printf(" %s", rowsort_isa_name(all[i]));
            rowsort_destroy(c);
        } else {
            const size_t used = strlen(missing);
            snprintf(missing + used, sizeof missing - used, " %s", rowsort_isa_name(all[i]));
        }
    }
    printf("\n");
    if (missing[0] != '\0')
        printf("isas not supported here:%s\n", missing);
}

int cli_cmd_info(int argc, char **argv)
{
    rowsort_options options;
    rowsort_options_init(&options);
    size_t shape[RSIO_MAX_NDIM] = {8, 8192};
    size_t ndim = 2;
    rowsort_dtype dtype = ROWSORT_DTYPE_F32;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_print_help("info");
            return 0;
        }
        const int takes_value = strcmp(a, "--topology") == 0 || strcmp(a, "--topology-xml") == 0 ||
                                strcmp(a, "--shape") == 0 || strcmp(a, "--dtype") == 0 ||
                                strcmp(a, "--threads") == 0 || strcmp(a, "--pin") == 0;
        if (!takes_value)
            return cli_usage_error("unexpected argument '%s' for 'rowsort info'", a);
        if (i + 1 >= argc)
            return cli_usage_error("%s needs a value", a);
        const char *v = argv[++i];
        if (strcmp(a, "--topology") == 0) {
            options.topology_synthetic = v;
        } else if (strcmp(a, "--topology-xml") == 0) {
            options.topology_xml = v;
        } else if (strcmp(a, "--shape") == 0) {
            if (cli_parse_shape(v, shape, &ndim) != 0)
                return cli_usage_error("invalid --shape '%s' (RxN)", v);
        } else if (strcmp(a, "--dtype") == 0) {
            if (rowsort_dtype_from_name(v, &dtype) != ROWSORT_OK)
                return cli_usage_error("unknown --dtype '%s'", v);
        } else if (strcmp(a, "--threads") == 0) {
            if (cli_parse_threads(v, &options.threads) != 0)
                return cli_usage_error("invalid --threads '%s' (a whole number from 1 to 4096)", v);
        } else if (cli_parse_pin(v, &options.pin) != 0) {
            return cli_usage_error("invalid --pin '%s' (none, core or numa)", v);
        }
    }
    if (options.topology_synthetic != NULL && options.topology_xml != NULL)
        return cli_usage_error("--topology and --topology-xml exclude each other");
    size_t rows = 1;
    for (size_t d = 0; d + 1 < ndim; d++)
        rows *= shape[d];
    const size_t n = ndim > 0 ? shape[ndim - 1] : 1;

    rowsort_status s;
    rowsort_ctx *ctx = rowsort_create(&options, &s);
    if (ctx == NULL) {
        /* A topology the user described and we cannot read is bad input. */
        const int user_topology = options.topology_synthetic != NULL || options.topology_xml;
        return cli_error(user_topology && s == ROWSORT_E_TOPOLOGY ? 2 : cli_status_exit(s),
                         options.topology_xml, "%s%s%s", rowsort_status_string(s),
                         options.topology_synthetic ? ": " : "",
                         options.topology_synthetic ? options.topology_synthetic : "");
    }
    printf("rowsort %s (library %s)\n", ROWSORT_VERSION_STRING, rowsort_version());
    char model[256];
    cpu_model(model, sizeof model);
    printf("cpu: %s\n", model);
    print_isas();
    const char *env_isa = getenv("ROWSORT_ISA");
    printf("isa: %s (chosen%s; kernels tuned for %s)\n", rowsort_isa_name(rowsort_ctx_isa(ctx)),
           env_isa != NULL && env_isa[0] != '\0' ? " by ROWSORT_ISA" : " from CPUID",
           rowsort_ctx_kernel_tuning(ctx));
    printf("threads: %u%s\n", rowsort_ctx_threads(ctx),
           options.threads != 0                ? " (--threads)"
           : getenv("ROWSORT_THREADS") != NULL ? " (from ROWSORT_THREADS)"
                                               : " (every CPU this process may run on)");
    size_t len = 0;
    s = rowsort_ctx_describe(ctx, rows, n, dtype, NULL, 0, &len);
    char *text = s == ROWSORT_OK ? malloc(len + 1) : NULL;
    if (text != NULL)
        s = rowsort_ctx_describe(ctx, rows, n, dtype, text, len + 1, NULL);
    rowsort_destroy(ctx);
    if (s != ROWSORT_OK || text == NULL) {
        free(text);
        return cli_error(text == NULL && s == ROWSORT_OK ? 1 : cli_status_exit(s),
                         options.topology_xml, "cannot describe the topology: %s",
                         text == NULL && s == ROWSORT_OK ? "out of memory"
                                                         : rowsort_status_string(s));
    }
    printf("plan for %zux%zu %s:\n%s", rows, n, rowsort_dtype_name(dtype), text);
    if (len > 0 && text[len - 1] != '\n')
        printf("\n");
    free(text);
    return 0;
}
