/*
 * shim_truncate.c - an LD_PRELOAD library for tests/e2e/ooc_failures.sh: right after the
 * program maps the file named by $ROWSORT_SHIM_TRUNCATE read-only, the file is cut to its
 * first page (4096 bytes), as another program truncating an input in use would do. Reading
 * the mapped pages past the new end then raises SIGBUS, deterministically.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);

/* The file behind fd when it is the victim ("" otherwise). */
static void victim_path(int fd, char *path, size_t cap)
{
    const char *victim = getenv("ROWSORT_SHIM_TRUNCATE");
    char link[64], want[PATH_MAX];
    path[0] = '\0';
    if (victim == NULL || realpath(victim, want) == NULL)
        return;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, cap - 1);
    path[n > 0 ? n : 0] = '\0';
    if (strcmp(path, want) != 0)
        path[0] = '\0';
}

/* Exported whatever the build's default visibility. */
__attribute__((visibility("default"))) void *mmap(void *addr, size_t len, int prot, int flags,
                                                  int fd, off_t offset)
{
    static mmap_fn real;
    if (real == NULL)
        real = (mmap_fn)dlsym(RTLD_NEXT, "mmap");
    void *map = real(addr, len, prot, flags, fd, offset);
    char path[PATH_MAX];
    struct stat st;
    if (map == MAP_FAILED || fd < 0 || (prot & PROT_WRITE))
        return map;
    victim_path(fd, path, sizeof path);
    const off_t keep = 4096;
    if (path[0] != '\0' && fstat(fd, &st) == 0 && st.st_size > keep && truncate(path, keep) == 0)
        fprintf(stderr, "shim_truncate: %s cut to %lld bytes\n", path, (long long)keep);
    return map;
}
