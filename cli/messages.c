/* messages.c - the one place the program prints errors: "rowsort: error: FILE: what". */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

/* Set once at start-up by rowsort-mpi ("rank 1 of 4"), before anything can fail. */
static const char *error_tag;

void cli_set_error_tag(const char *tag)
{
    error_tag = tag;
}

static void print_error(const char *file, const char *fmt, va_list ap)
{
    fputs("rowsort: error: ", stderr);
    if (error_tag != NULL)
        fprintf(stderr, "%s: ", error_tag);
    if (file != NULL && file[0] != '\0')
        fprintf(stderr, "%s: ", file);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_error(int status, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_error(file, fmt, ap);
    va_end(ap);
    return status;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_error(NULL, fmt, ap);
    va_end(ap);
    fputs("Try 'rowsort --help'.\n", stderr);
    return CLI_EXIT_USAGE;
}

int cli_io_error(const rsio_error *err)
{
    const int status = err->kind == RSIO_RUNTIME ? CLI_EXIT_RUNTIME : CLI_EXIT_USAGE;
    return cli_error(status, err->path, "%s", err->message);
}

int cli_status_exit(rowsort_status status)
{
    switch (status) {
    case ROWSORT_OK:
        return CLI_EXIT_OK;
    case ROWSORT_E_NOMEM:
    case ROWSORT_E_INTERNAL:
    case ROWSORT_E_TOPOLOGY:
    case ROWSORT_E_PIN:
        return CLI_EXIT_RUNTIME;
    case ROWSORT_E_NULL:
    case ROWSORT_E_DTYPE:
    case ROWSORT_E_FLAGS:
    case ROWSORT_E_NUM_KEYS:
    case ROWSORT_E_TOP_K:
    case ROWSORT_E_INDEX_DTYPE:
    case ROWSORT_E_STRIDE:
    case ROWSORT_E_OVERFLOW:
    case ROWSORT_E_ISA:
    case ROWSORT_E_THREADS:
    case ROWSORT_E_OPTIONS:
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_RUNTIME; /* a status this program does not know yet */
}
