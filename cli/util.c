/* util.c - small helpers shared by the commands: clock, shapes, atomic text files. */
#define _XOPEN_SOURCE 700 /* clock_gettime, O_CLOEXEC; realpath */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_format_shape(const size_t *shape, size_t ndim, char *buf, size_t cap)
{
    size_t used = 0;
    int len = snprintf(buf, cap, "(");
    for (size_t i = 0; i < ndim && len >= 0 && (size_t)len < cap - used; i++) {
        used += (size_t)len;
        len = snprintf(buf + used, cap - used, "%s%zu", i ? ", " : "", shape[i]);
    }
    if (len >= 0 && (size_t)len < cap - used)
        used += (size_t)len;
    snprintf(buf + used, cap - used, ndim == 1 ? ",)" : ")");
}

int cli_parse_shape(const char *s, size_t *shape, size_t *ndim)
{
    size_t count = 0;
    const char *p = s;
    for (;;) {
        if (*p < '0' || *p > '9' || count == RSIO_MAX_NDIM)
            return -1;
        char *end = NULL;
        errno = 0;
        const unsigned long long v = strtoull(p, &end, 10);
        if (errno != 0 || v > SIZE_MAX)
            return -1;
        shape[count++] = (size_t)v;
        if (*end == '\0')
            break;
        if (*end != 'x' && *end != 'X' && *end != ',')
            return -1;
        p = end + 1;
    }
    *ndim = count;
    return 0;
}

int cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        const ssize_t w = write(fd, text, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        text += w;
        len -= (size_t)w;
    }
    return 0;
}

int cli_write_file_atomic(const char *path, const char *text, size_t len)
{
    if (strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
            return cli_error(CLI_EXIT_RUNTIME, "-", "cannot write to stdout");
        return 0;
    }
    struct stat st, lst;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* A device or a pipe (/dev/stdout on a terminal or a pipe, a FIFO): written through;
         * a rename would replace it (as root, even /dev/null). */
        const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return cli_error(CLI_EXIT_RUNTIME, path, "cannot open: %s", strerror(errno));
        const int failed = write_all(fd, text, len) != 0;
        const int e = errno;
        if (close(fd) != 0 || failed)
            return cli_error(CLI_EXIT_RUNTIME, path, "cannot write: %s",
                             strerror(failed ? e : errno));
        return 0;
    }
    /* A symbolic link: its target is replaced, atomically, and the link kept. */
    char resolved[PATH_MAX];
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        if (realpath(path, resolved) == NULL)
            return cli_error(CLI_EXIT_USAGE, path,
                             "is a symbolic link to nothing that can be replaced: %s",
                             strerror(errno));
        path = resolved;
    }
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const int dir_len = (int)(base - path);
    char temp[1200];
    if (base[0] == '\0' || snprintf(temp, sizeof temp, "%.*s.%s.rowsort-XXXXXX", dir_len, path,
                                    base) >= (int)sizeof temp)
        return cli_error(CLI_EXIT_USAGE, path, "not a usable file name");

    cli_signals_block();
    const int fd = mkstemp(temp);
    const int create_errno = errno;
    if (fd >= 0)
        cli_signals_add_temp(temp);
    cli_signals_unblock();
    if (fd < 0)
        return cli_error(create_errno == ENOENT || create_errno == ENOTDIR ? CLI_EXIT_USAGE
                                                                           : CLI_EXIT_RUNTIME,
                         path, "cannot create the file in its folder: %s", strerror(create_errno));
    /* mkstemp makes 0600; a stats file is for anyone who may read the folder. */
    (void)fchmod(fd, 0644);
    int status = 0;
    if (write_all(fd, text, len) != 0 || fsync(fd) != 0) {
        status = cli_error(CLI_EXIT_RUNTIME, path, "cannot write: %s", strerror(errno));
        close(fd);
    } else if (close(fd) != 0) {
        status = cli_error(CLI_EXIT_RUNTIME, path, "cannot write: %s", strerror(errno));
    } else if (rename(temp, path) != 0) {
        status = cli_error(errno == EISDIR ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME, path,
                           "cannot rename the file into place: %s", strerror(errno));
    }
    if (status != 0)
        unlink(temp);
    return status;
}
