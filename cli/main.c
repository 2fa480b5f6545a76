/* main.c - the rowsort program: dispatches to its commands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} command;

static const command commands[] = {
    {"sort", cli_cmd_sort},     {"run", cli_cmd_run},   {"gen", cli_cmd_gen},
    {"verify", cli_cmd_verify}, {"info", cli_cmd_info},
};

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("no command (sort, run, gen, verify or info)");
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        cli_print_help(argc > 2 && strcmp(name, "help") == 0 ? argv[2] : NULL);
        return 0;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        if (argc > 2)
            return cli_usage_error("%s takes no arguments (got '%s')", name, argv[2]);
        printf("rowsort %s\n", rowsort_version());
        return fflush(stdout) == 0 ? 0 : CLI_EXIT_RUNTIME;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) == 0) {
            const int rc = commands[i].run(argc - 2, argv + 2);
            if (fflush(stdout) != 0 && rc == 0)
                return cli_error(CLI_EXIT_RUNTIME, NULL, "cannot write to stdout");
            return rc;
        }
    }
    if (name[0] == '-')
        return cli_usage_error("unknown option '%s'", name);
    return cli_usage_error("unknown command '%s' (sort, run, gen, verify or info)", name);
}
