/* membudget.c - how much memory a run may keep resident: parsing --memory-limit, and the
 * default read from the system. */
#define _POSIX_C_SOURCE 200809L /* sysconf */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rsio.h"

int rsio_parse_bytes(const char *text, size_t *bytes)
{
    if (text == NULL || *text < '0' || *text > '9')
        return -1;
    uint64_t v = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    unsigned shift = 0;
    switch (*p) {
    case 'k':
    case 'K':
        shift = 10;
        p++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        p++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        p++;
        break;
    case 't':
    case 'T':
        shift = 40;
        p++;
        break;
    default:
        break;
    }
    if (shift != 0 && (p[0] == 'i' || p[0] == 'I') && (p[1] == 'B' || p[1] == 'b'))
        p += 2;
    else if (p[0] == 'B' || p[0] == 'b')
        p++;
    if (*p != '\0' || v == 0 || v > (SIZE_MAX >> shift))
        return -1;
    *bytes = (size_t)(v << shift);
    return 0;
}

/* MemAvailable in bytes, or 0 when /proc/meminfo does not say. */
static size_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    if (f == NULL)
        return 0;
    char line[256];
    unsigned long long kib = 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
            break;
    fclose(f);
    return kib > SIZE_MAX / 1024 ? SIZE_MAX : (size_t)kib * 1024;
}

size_t rsio_memory_default(void)
{
    size_t bytes = mem_available();
    if (bytes == 0) {
        const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        if (pages > 0 && page > 0)
            bytes =
                (size_t)pages > SIZE_MAX / (size_t)page ? SIZE_MAX : (size_t)pages * (size_t)page;
    }
    bytes /= 2;
    const size_t floor = (size_t)64 << 20;
    return bytes < floor ? floor : bytes;
}
