/*
 * outfile.c - atomic .npy outputs: a temporary file beside the final path, mapped read-write,
 * then msync, fsync, rename and an fsync of the folder. A failed or aborted run leaves neither
 * a partial output nor the temporary (as redis' rdbSave).
 */
#define _GNU_SOURCE /* sync_file_range, madvise; O_CLOEXEC, posix_fallocate */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rsio.h"
#include "rsio_internal.h"

#define TEMP_TAG      ".rowsort-"
#define TEMP_RANDOM   6
#define TEMP_ATTEMPTS 100

/* Problems with the output path or folder are the user's to fix (exit 2); a full or failing
 * disk, or too many open files, are runtime failures (exit 1). */
static rsio_kind create_error_kind(int errno_value)
{
    switch (errno_value) {
    case EACCES:
    case EPERM:
    case EROFS:
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case ELOOP:
        return RSIO_BAD_INPUT;
    default:
        return RSIO_RUNTIME;
    }
}

/* splitmix64: spreads a weak seed into well-mixed bits for the temporary name. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Creates temp_path (its last TEMP_RANDOM characters replaced) with O_EXCL, as mkstemp
 * does, but with mode 0666 so the kernel applies the umask and the folder's default ACL:
 * mkstemp's 0600 would need umask() to repair, which is process-wide and racy. */
static int create_temp(char *temp_path, size_t len, const void *salt)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t state = (uint64_t)now.tv_sec * 1000000007u ^ (uint64_t)now.tv_nsec ^
                     (uint64_t)getpid() << 40 ^ (uint64_t)(uintptr_t)salt;
    for (int attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
        uint64_t bits = next_random(&state);
        for (size_t i = len - TEMP_RANDOM; i < len; i++, bits /= 62)
            temp_path[i] = letters[bits % 62];
        const int fd = open(temp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

/* The folder of path, for fsync: "." when it has none, "/" for "/name". */
static void folder_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, cap, ".");
    else
        snprintf(dir, cap, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

rsio_kind rsio_output_create_npy(const char *path, rowsort_dtype dtype, size_t ndim,
                                 const size_t *shape, rsio_output *out, rsio_error *err)
{
    return rsio_output_create(path, dtype, ndim, shape, NULL, out, err);
}

/* The header of an output in this format into header[0..cap): its length (0 for raw), or
 * (size_t)-1 when the shape cannot be written. */
static size_t format_header(rowsort_dtype dtype, size_t ndim, const size_t *shape,
                            const rsio_output_format *format, char *header, size_t cap)
{
    if (format != NULL && format->raw)
        return 0;
    const size_t len = rsio_npy_format_header_endian(dtype, format != NULL && format->big_endian,
                                                     ndim, shape, header, cap);
    return len == 0 ? (size_t)-1 : len;
}

size_t rsio_name_max(const char *path, size_t dir_len)
{
    char dir[PATH_MAX];
    if (dir_len == 0)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)dir_len, path);
    const long max = pathconf(dir, _PC_NAME_MAX);
    return max > 0 ? (size_t)max : NAME_MAX;
}

rsio_kind rsio_output_create(const char *name, rowsort_dtype dtype, size_t ndim,
                             const size_t *shape, const rsio_output_format *format,
                             rsio_output *out, rsio_error *err)
{
    if (out == NULL)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, name, "no output to create into");
    memset(out, 0, sizeof *out);
    out->fd = -1;
    if (name == NULL || name[0] == '\0')
        return rsio_fail(err, RSIO_BAD_INPUT, 0, "", "no output file given");
    /* A symbolic link: its target is the file replaced (a rename over the link would
     * replace the link itself); the checks below apply to the target. */
    char resolved[PATH_MAX];
    const char *path = name;
    struct stat lst;
    if (lstat(name, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        if (realpath(name, resolved) == NULL)
            return rsio_fail_errno(err, RSIO_BAD_INPUT, errno, name,
                                   "is a symbolic link to nothing that can be replaced");
        path = resolved;
    }
    if (rsio_dtype_itemsize(dtype) == 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, name, "unknown dtype %d", (int)dtype);
    if (ndim > RSIO_MAX_NDIM || (ndim > 0 && shape == NULL))
        return rsio_fail(err, RSIO_BAD_INPUT, 0, name,
                         "bad output shape (%zu dimensions; rowsort writes up to %d)", ndim,
                         RSIO_MAX_NDIM);

    const size_t path_len = strlen(path);
    const char *slash = strrchr(path, '/');
    const char *base = slash == NULL ? path : slash + 1;
    const size_t dir_len = (size_t)(base - path);
    if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, name, "names a folder, not an output file");
    /* folder + "." + base + ".rowsort-XXXXXX" */
    if (path_len + 1 + strlen(TEMP_TAG) + TEMP_RANDOM >= sizeof out->temp_path)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, name, "output path too long");
    /* A name the folder cannot hold would fail only at the rename, after the whole sort. */
    if (strlen(base) > rsio_name_max(path, (size_t)(base - path)))
        return rsio_fail_errno(err, RSIO_BAD_INPUT, ENAMETOOLONG, name,
                               "cannot create the output in its folder");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return rsio_fail(err, RSIO_BAD_INPUT, 0, name, "is a directory, not an output file");
    /* The rename below would replace a device, a pipe or a socket (as root, even /dev/null)
     * with the new file: such an output is refused, not written through. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return rsio_fail(err, RSIO_BAD_INPUT, 0, name,
                         "is not a regular file (a device, pipe or socket): outputs are "
                         "written to a temporary file renamed over the target");

    char header[1024];
    const size_t header_bytes = format_header(dtype, ndim, shape, format, header, sizeof header);
    size_t data_bytes = 0;
    if (header_bytes == (size_t)-1 ||
        rsio_npy_data_bytes(dtype, ndim, shape, header_bytes, &data_bytes) != 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, name,
                         "array size overflows: the output would exceed %zu bytes",
                         (size_t)PTRDIFF_MAX);
    const size_t total = header_bytes + data_bytes;

    memcpy(out->final_path, path, path_len + 1);
    /* A name near NAME_MAX leaves no room for the temporary's dot and tag: its start only. */
    const size_t base_max = NAME_MAX - 1 - strlen(TEMP_TAG) - TEMP_RANDOM;
    const size_t base_len = strlen(base) < base_max ? strlen(base) : base_max;
    const int temp_len = snprintf(out->temp_path, sizeof out->temp_path, "%.*s.%.*s" TEMP_TAG "%0*d",
                                  (int)dir_len, path, (int)base_len, base, TEMP_RANDOM, 0);
    out->fd = create_temp(out->temp_path, (size_t)temp_len, out);
    if (out->fd < 0) {
        const int e = errno;
        out->temp_path[0] = '\0';
        return rsio_fail_errno(err, create_error_kind(e), e, name,
                               "cannot create the output in its folder");
    }

    rsio_kind kind;
    /* Reserve the blocks now, so a full disk is an error here rather than a SIGBUS when a
     * page of the mapping is first written. */
    int rc = posix_fallocate(out->fd, 0, (off_t)total);
    if (rc == EOPNOTSUPP || rc == EINVAL) {
        /* The file system cannot reserve: size the file sparsely instead. */
        rc = ftruncate(out->fd, (off_t)total) == 0 ? 0 : errno;
    }
    if (rc != 0) {
        char what[96];
        snprintf(what, sizeof what, "cannot reserve %zu bytes for the output", total);
        kind = rsio_fail_errno(err, create_error_kind(rc), rc, name, what);
        goto fail;
    }
    if (total == 0)
        return RSIO_OK; /* an empty raw output: nothing to map */
    out->map = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, out->fd, 0);
    if (out->map == MAP_FAILED) {
        out->map = NULL;
        kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, name, "cannot map the output");
        goto fail;
    }
    out->map_bytes = total;
    out->data_offset = header_bytes;
    memcpy(out->map, header, header_bytes);
    out->data = data_bytes > 0 ? (char *)out->map + header_bytes : NULL;
    return RSIO_OK;

fail:
    rsio_output_abort(out);
    return kind;
}

/* Makes the rename itself durable. Folders that cannot be synced (EINVAL: not supported)
 * or opened for reading (EACCES: a write-only folder) are skipped: nothing more can be done. */
static rsio_kind sync_folder(const char *path, rsio_error *err)
{
    char dir[sizeof((rsio_output *)0)->final_path];
    folder_of(path, dir, sizeof dir);
    const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return RSIO_OK;
    rsio_kind kind = RSIO_OK;
    if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS && errno != EBADF)
        kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path,
                               "cannot sync the output's folder (the output was removed)");
    close(fd);
    return kind;
}

rsio_kind rsio_output_write_back(rsio_output *out, rsio_error *err)
{
    if (out == NULL || out->temp_path[0] == '\0')
        return rsio_fail(err, RSIO_BAD_INPUT, 0, out == NULL ? "" : out->final_path,
                         "no output to write back (not created, or already committed or "
                         "aborted)");
    const char *path = out->final_path;
    rsio_kind kind;
    if (out->map != NULL) {
        /* msync reports write-back errors of the mapping; munmap would drop them. */
        if (msync(out->map, out->map_bytes, MS_SYNC) != 0) {
            kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot write the output");
            goto fail;
        }
        munmap(out->map, out->map_bytes);
        out->map = NULL;
        out->data = NULL;
    }
    if (out->fd >= 0) {
        if (fsync(out->fd) != 0) {
            kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot write the output");
            goto fail;
        }
        const int fd = out->fd;
        out->fd = -1;
        if (close(fd) != 0) {
            kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot write the output");
            goto fail;
        }
    }
    return RSIO_OK;

fail:
    rsio_output_abort(out);
    return kind;
}

rsio_kind rsio_output_commit(rsio_output *out, rsio_error *err)
{
    if (out == NULL || out->temp_path[0] == '\0')
        return rsio_fail(err, RSIO_BAD_INPUT, 0, out == NULL ? "" : out->final_path,
                         "no output to commit (not created, or already committed or aborted)");
    rsio_kind kind = rsio_output_write_back(out, err);
    if (kind != RSIO_OK)
        return kind;
    const char *path = out->final_path;
    if (rename(out->temp_path, path) != 0) {
        kind = rsio_fail_errno(err, create_error_kind(errno), errno, path,
                               "cannot move the output into place");
        rsio_output_abort(out);
        return kind;
    }
    out->temp_path[0] = '\0';
    /* A failed commit must mean "not in place": a rename that may not survive a crash is
     * undone rather than reported beside a file that looks complete. */
    kind = sync_folder(path, err);
    if (kind != RSIO_OK)
        unlink(path);
    return kind;
}

void rsio_output_abort(rsio_output *out)
{
    if (out == NULL)
        return;
    if (out->map != NULL)
        munmap(out->map, out->map_bytes);
    out->map = NULL;
    out->data = NULL;
    /* An fd is held only while a temporary exists: a zeroed struct (fd 0) closes nothing. */
    if (out->temp_path[0] != '\0') {
        if (out->fd >= 0)
            close(out->fd);
        unlink(out->temp_path);
        out->temp_path[0] = '\0';
    }
    out->fd = -1;
}

rsio_kind rsio_output_open_existing(const char *path, rowsort_dtype dtype, size_t ndim,
                                    const size_t *shape, const rsio_output_format *format,
                                    rsio_output *out, rsio_error *err)
{
    if (out == NULL)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path, "no output to open into");
    memset(out, 0, sizeof *out);
    out->fd = -1;
    if (path == NULL || path[0] == '\0')
        return rsio_fail(err, RSIO_BAD_INPUT, 0, "", "no output file given");
    if (strlen(path) >= sizeof out->final_path)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path, "output path too long");
    char header[1024];
    const size_t header_bytes = format_header(dtype, ndim, shape, format, header, sizeof header);
    size_t data_bytes = 0;
    if (header_bytes == (size_t)-1 ||
        rsio_npy_data_bytes(dtype, ndim, shape, header_bytes, &data_bytes) != 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                         "array size overflows: the output would exceed %zu bytes",
                         (size_t)PTRDIFF_MAX);
    const int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return rsio_fail_errno(err, create_error_kind(errno), errno, path,
                               "cannot open the output");
    rsio_kind kind = RSIO_OK;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot stat the output");
        goto fail;
    }
    size_t data_offset = 0;
    if (format != NULL && format->raw) {
        if ((uintmax_t)st.st_size != (uintmax_t)data_bytes) {
            kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                             "the output does not match: it has %jd bytes, the sort writes %zu",
                             (intmax_t)st.st_size, data_bytes);
            goto fail;
        }
    } else {
        /* Any valid .npy of this dtype, byte order, C order and shape: NumPy's header may
         * differ from ours in spacing, so compare what it says rather than its bytes. */
        char have[4096];
        const ssize_t got = pread(fd, have, sizeof have, 0);
        rsio_npy_header h;
        if (got < 0) {
            kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot read the output");
            goto fail;
        }
        kind = rsio_npy_parse_header(have, (size_t)got, &h, err);
        if (kind != RSIO_OK) {
            rsio_error_set_path(err, path);
            goto fail;
        }
        int same = h.dtype == dtype && h.ndim == ndim && !(h.fortran_order && ndim >= 2) &&
                   h.big_endian ==
                       (format != NULL && format->big_endian && rsio_dtype_itemsize(dtype) > 1) &&
                   (uintmax_t)st.st_size == (uintmax_t)(h.data_offset + h.data_bytes);
        for (size_t i = 0; same && i < ndim; i++)
            same = h.shape[i] == shape[i];
        if (!same) {
            kind = rsio_fail(err, RSIO_BAD_INPUT, 0, path,
                             "the output does not match: it is not a C-order %s array of the "
                             "sort's shape and byte order",
                             rowsort_dtype_name(dtype));
            goto fail;
        }
        data_offset = h.data_offset;
    }
    memcpy(out->final_path, path, strlen(path) + 1);
    out->fd = fd;
    out->data_offset = data_offset;
    out->map_bytes = data_offset + data_bytes;
    if (data_bytes > 0) {
        out->map = mmap(NULL, out->map_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (out->map == MAP_FAILED) {
            out->map = NULL;
            kind = rsio_fail_errno(err, RSIO_RUNTIME, errno, path, "cannot map the output");
            rsio_output_close(out);
            return kind;
        }
        out->data = (char *)out->map + data_offset;
    }
    return RSIO_OK;

fail:
    close(fd);
    return kind;
}

rsio_kind rsio_output_sync(rsio_output *out, rsio_error *err)
{
    if (out == NULL || out->fd < 0 || out->temp_path[0] != '\0')
        return rsio_fail(err, RSIO_BAD_INPUT, 0, out == NULL ? "" : out->final_path,
                         "no output opened in place to sync");
    rsio_kind kind = RSIO_OK;
    if (out->map != NULL && msync(out->map, out->map_bytes, MS_SYNC) != 0)
        kind =
            rsio_fail_errno(err, RSIO_RUNTIME, errno, out->final_path, "cannot write the output");
    if (kind == RSIO_OK && fsync(out->fd) != 0)
        kind =
            rsio_fail_errno(err, RSIO_RUNTIME, errno, out->final_path, "cannot write the output");
    rsio_output_close(out);
    return kind;
}

rsio_kind rsio_output_flush(rsio_output *out, rsio_error *err)
{
    if (out == NULL || out->fd < 0)
        return rsio_fail(err, RSIO_BAD_INPUT, 0, out == NULL ? "" : out->final_path,
                         "no output to flush");
    if (out->map != NULL && msync(out->map, out->map_bytes, MS_SYNC) != 0)
        return rsio_fail_errno(err, RSIO_RUNTIME, errno, out->final_path,
                               "cannot write the output");
    return RSIO_OK;
}

void rsio_output_close(rsio_output *out)
{
    if (out == NULL || out->temp_path[0] != '\0')
        return; /* a temporary is aborted or committed, never just closed */
    if (out->map != NULL)
        munmap(out->map, out->map_bytes);
    out->map = NULL;
    out->data = NULL;
    if (out->fd > 0 || (out->fd == 0 && out->final_path[0] != '\0'))
        close(out->fd);
    out->fd = -1;
}

/* The page-aligned span of data bytes [offset, offset + bytes) in the file. */
static size_t output_span(const rsio_output *out, size_t offset, size_t bytes, size_t *begin)
{
    if (out == NULL || out->map == NULL || bytes == 0)
        return 0;
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    *begin = (out->data_offset + offset) / page * page;
    size_t end = out->data_offset + offset + bytes;
    if (end > out->map_bytes)
        end = out->map_bytes;
    return end > *begin ? end - *begin : 0;
}

void rsio_output_release(rsio_output *out, size_t offset, size_t bytes)
{
    size_t begin = 0;
    const size_t len = output_span(out, offset, bytes, &begin);
    if (len == 0)
        return;
    /* Start the write-back now; the dirty pages stay in the page cache (a shared mapping's
     * MADV_DONTNEED only unmaps them from this process). */
    (void)sync_file_range(out->fd, (off_t)begin, (off_t)len, SYNC_FILE_RANGE_WRITE);
    (void)madvise((char *)out->map + begin, len, MADV_DONTNEED);
}

void rsio_output_drop_cache(rsio_output *out, size_t offset, size_t bytes)
{
    size_t begin = 0;
    const size_t len = output_span(out, offset, bytes, &begin);
    if (len == 0)
        return;
    (void)sync_file_range(out->fd, (off_t)begin, (off_t)len,
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                              SYNC_FILE_RANGE_WAIT_AFTER);
    (void)posix_fadvise(out->fd, (off_t)begin, (off_t)len, POSIX_FADV_DONTNEED);
}
