/* strlist.c - a growable list of owned strings (file lists of commands and job files). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

char *cli_strdup(const char *s)
{
    const size_t len = strlen(s);
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
        return NULL;
    }
    memcpy(copy, s, len + 1);
    return copy;
}

int cli_strlist_push(cli_strlist *list, const char *s)
{
    if (list->count == list->cap) {
        const size_t cap = list->cap ? 2 * list->cap : 8;
        char **items = realloc(list->items, cap * sizeof *items);
        if (items == NULL) {
            cli_error(CLI_EXIT_RUNTIME, NULL, "out of memory");
            return -1;
        }
        list->items = items;
        list->cap = cap;
    }
    char *copy = cli_strdup(s);
    if (copy == NULL)
        return -1;
    list->items[list->count++] = copy;
    return 0;
}

void cli_strlist_clear(cli_strlist *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}
