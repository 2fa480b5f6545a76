/* bench_clock.h - what the C benchmarks time with: a monotonic clock in nanoseconds, and the
 * comparison that sorts rounds for their median. Header only (static inline). */
#ifndef RS_BENCH_CLOCK_H
#define RS_BENCH_CLOCK_H

#include <time.h>

static inline double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
