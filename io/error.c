/* error.c - filling an rsio_error: the one place io writes messages. */
#define _POSIX_C_SOURCE 200809L /* the XSI strerror_r, thread-safe unlike strerror */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rsio.h"
#include "rsio_internal.h"

/* Copies a NUL-terminated string, truncated to fit; src may overlap dst (err->path passed
 * back in as the path). */
static void copy_truncated(char *dst, size_t cap, const char *src)
{
    if (src == NULL)
        src = "";
    size_t len = strlen(src);
    if (len >= cap)
        len = cap - 1;
    memmove(dst, src, len);
    dst[len] = '\0';
}

rsio_kind rsio_fail(rsio_error *err, rsio_kind kind, int errno_value, const char *path,
                    const char *fmt, ...)
{
    if (err == NULL)
        return kind;
    err->kind = kind;
    err->errno_value = errno_value;
    copy_truncated(err->path, sizeof err->path, path);
    va_list ap;
    va_start(ap, fmt);
    const int len = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (len < 0)
        copy_truncated(err->message, sizeof err->message, "(the message could not be formatted)");
    return kind;
}

rsio_kind rsio_fail_errno(rsio_error *err, rsio_kind kind, int errno_value, const char *path,
                          const char *what)
{
    char text[256];
    if (strerror_r(errno_value, text, sizeof text) != 0)
        snprintf(text, sizeof text, "error %d", errno_value);
    return rsio_fail(err, kind, errno_value, path, "%s: %s", what, text);
}

void rsio_error_set_path(rsio_error *err, const char *path)
{
    if (err != NULL)
        copy_truncated(err->path, sizeof err->path, path);
}
