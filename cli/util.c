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

int cli_name_beside(const char *path, const char *tag, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    /* A name near NAME_MAX leaves no room for the dots and the tag: its start only. */
    const size_t extra = strlen("..-XXXXXX") + strlen(tag);
    const size_t base_max = NAME_MAX > extra ? NAME_MAX - extra : 0;
    const int base_len = (int)(strlen(base) < base_max ? strlen(base) : base_max);
    if (base[0] == '\0' || snprintf(out, cap, "%.*s.%.*s.%s-XXXXXX", (int)(base - path), path,
                                    base_len, base, tag) >= (int)cap) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

int cli_atomic_open(cli_atomic_file *f, const char *path, size_t reserve)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if (strcmp(path, "-") == 0) {
        f->to_stdout = 1;
        return 0;
    }
    snprintf(f->path, sizeof f->path, "%s", path);
    struct stat st, lst;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_error(CLI_EXIT_USAGE, path, "is a directory, not a file");
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* A device or a pipe (/dev/stdout on a terminal or a pipe, a FIFO): written through
         * (a rename would replace it: as root, even /dev/null), and opened only by
         * cli_atomic_finish (a FIFO's open waits for a reader; a device is not truncated by
         * a run that fails). */
        f->through = 1;
        return 0;
    }
    /* A symbolic link: its target is replaced, atomically, and the link kept. */
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        char resolved[PATH_MAX];
        if (realpath(path, resolved) == NULL)
            return cli_error(CLI_EXIT_USAGE, path,
                             "is a symbolic link to nothing that can be replaced: %s",
                             strerror(errno));
        snprintf(f->path, sizeof f->path, "%s", resolved);
    }
    const char *slash = strrchr(f->path, '/');
    const char *base = slash ? slash + 1 : f->path;
    const int dir_len = (int)(base - f->path);
    if (strlen(base) > rsio_name_max(f->path, (size_t)dir_len))
        return cli_error(CLI_EXIT_USAGE, path, "cannot create the file in its folder: %s",
                         strerror(ENAMETOOLONG));
    if (cli_name_beside(f->path, "rowsort", f->temp, sizeof f->temp) != 0)
        return cli_error(CLI_EXIT_USAGE, path, "not a usable file name");

    cli_signals_block();
    f->fd = mkstemp(f->temp);
    const int create_errno = errno;
    if (f->fd >= 0)
        cli_signals_add_temp(f->temp);
    cli_signals_unblock();
    if (f->fd < 0) {
        f->temp[0] = '\0';
        return cli_error(create_errno == ENOENT || create_errno == ENOTDIR ? CLI_EXIT_USAGE
                                                                           : CLI_EXIT_RUNTIME,
                         path, "cannot create the file in its folder: %s", strerror(create_errno));
    }
    /* mkstemp makes 0600; a stats file is for anyone who may read the folder. */
    (void)fchmod(f->fd, 0644);
    /* The blocks reserved now: a full disk fails here, not once the outputs are in place. */
    const int rc = reserve > 0 ? posix_fallocate(f->fd, 0, (off_t)reserve) : 0;
    if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) {
        cli_atomic_abort(f);
        return cli_error(CLI_EXIT_RUNTIME, path, "cannot reserve %zu bytes: %s", reserve,
                         strerror(rc));
    }
    return 0;
}

int cli_atomic_finish(cli_atomic_file *f, const char *text, size_t len)
{
    const char *path = f->path;
    if (f->to_stdout) {
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
            return cli_error(CLI_EXIT_RUNTIME, "-", "cannot write to stdout");
        return 0;
    }
    int status = 0;
    if (f->through) {
        f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (f->fd < 0)
            return cli_error(CLI_EXIT_RUNTIME, path, "cannot open: %s", strerror(errno));
        const int failed = write_all(f->fd, text, len) != 0;
        const int e = errno;
        if (close(f->fd) != 0 || failed)
            status =
                cli_error(CLI_EXIT_RUNTIME, path, "cannot write: %s", strerror(failed ? e : errno));
        f->fd = -1;
        return status;
    }
    if (write_all(f->fd, text, len) != 0 || ftruncate(f->fd, (off_t)len) != 0 ||
        fsync(f->fd) != 0) {
        status = cli_error(CLI_EXIT_RUNTIME, path, "cannot write: %s", strerror(errno));
    } else {
        const int fd = f->fd;
        f->fd = -1; /* closed, whatever close() says */
        if (close(fd) != 0)
            status = cli_error(CLI_EXIT_RUNTIME, path, "cannot write: %s", strerror(errno));
    }
    if (status == 0) {
        cli_signals_block(); /* renamed and forgotten together */
        if (rename(f->temp, path) != 0)
            status = cli_error(errno == EISDIR ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME, path,
                               "cannot rename the file into place: %s", strerror(errno));
        else
            cli_signals_forget_temp(f->temp);
        cli_signals_unblock();
    }
    if (status != 0)
        cli_atomic_abort(f);
    f->temp[0] = '\0';
    return status;
}

void cli_atomic_abort(cli_atomic_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    if (f->temp[0] != '\0') {
        cli_signals_forget_temp(f->temp);
        unlink(f->temp);
    }
    f->temp[0] = '\0';
}

int cli_cluster_agree(const cli_cluster *c, int status)
{
    if (c == NULL || c->size <= 1)
        return status;
    /* --help printed somewhere (CLI_DONE): every rank stops, with exit 0 where none failed. */
    enum { DONE = 3 };
    _Static_assert(DONE > CLI_EXIT_USAGE && DONE > CLI_EXIT_RUNTIME, "DONE above failures");
    const int worst = c->worst(c, status == CLI_DONE ? DONE : status);
    if (status != 0)
        return status;
    return worst == DONE ? CLI_DONE : worst;
}

void cli_canonical_path(const char *path, char *out, size_t cap)
{
    char resolved[PATH_MAX];
    if (realpath(path, resolved) != NULL) {
        snprintf(out, cap, "%s", resolved);
        return;
    }
    /* Not there yet: its folder resolved, and its name. */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char dir[PATH_MAX];
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (base[0] != '\0' && realpath(dir, resolved) != NULL)
        snprintf(out, cap, "%s/%s", strcmp(resolved, "/") == 0 ? "" : resolved, base);
    else
        snprintf(out, cap, "%s", path);
}
