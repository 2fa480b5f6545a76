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

int cli_cmd_info(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            cli_print_help("info");
            return 0;
        }
        return cli_usage_error("unexpected argument '%s' for 'rowsort info'", argv[i]);
    }
    printf("rowsort %s (library %s)\n", ROWSORT_VERSION_STRING, rowsort_version());

    rowsort_status s;
    rowsort_ctx *ctx = rowsort_create(NULL, &s);
    const char *env_isa = getenv("ROWSORT_ISA");
    if (ctx != NULL) {
        printf("isa: %s (chosen%s)\n", rowsort_isa_name(rowsort_ctx_isa(ctx)),
               env_isa != NULL && env_isa[0] != '\0' ? " by ROWSORT_ISA" : " from CPUID");
        printf("threads: %u (default%s)\n", rowsort_ctx_threads(ctx),
               getenv("ROWSORT_THREADS") != NULL ? ", from ROWSORT_THREADS"
                                                 : ": every CPU this process may run on");
        rowsort_destroy(ctx);
    } else {
        printf("isa: none (%s)\n", rowsort_status_string(s));
        printf("threads: unknown\n");
    }

    static const rowsort_isa all[] = {ROWSORT_ISA_SCALAR, ROWSORT_ISA_AVX2, ROWSORT_ISA_AVX512};
    printf("isas supported:");
    char missing[128] = "";
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        rowsort_options options;
        rowsort_options_init(&options);
        options.isa = all[i];
        options.threads = 1;
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

    char model[256];
    cpu_model(model, sizeof model);
    printf("cpu: %s\n", model);
    printf("topology: not yet reported (NUMA engine issue)\n");
    printf("placement: not yet planned (threads are not pinned; --pin none only)\n");
    return 0;
}
