/*
 * float_keys.h - the scalar side of the f64 and f32 vocabularies (vec_avx512.h,
 * vec_avx2.h): float64 and float32 bit patterns compared as numbers. Included by a
 * vocabulary header, which defines RS_VINLINE first, and by the pivot split (sched_pivot.c),
 * which takes plain static inline functions.
 */
#ifndef RS_FLOAT_KEYS_H
#define RS_FLOAT_KEYS_H

#ifndef RS_VINLINE
#define RS_VINLINE static inline
#endif

#include <stdint.h>
#include <string.h>

/* +inf: the padding of the f64 networks (larger than every key they are given). */
#define Kf64_MAX UINT64_C(0x7FF0000000000000)

RS_VINLINE uint64_t vf64_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

RS_VINLINE int vf64_klt(uint64_t a, uint64_t b)
{
    double x, y;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    return x < y;
}

/* The float64 just above p (p a number below +inf): the partition bound that splits off the
 * keys equal to p (zeros of both signs together). */
RS_VINLINE uint64_t vf64_succ(uint64_t p)
{
    if ((p << 1) == 0)
        return 1u; /* -0.0 or +0.0: the smallest positive denormal */
    return (p >> 63) ? p - 1u : p + 1u;
}

/* The same for float32. */
#define Kf32_MAX UINT32_C(0x7F800000)

RS_VINLINE uint32_t vf32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

RS_VINLINE int vf32_klt(uint32_t a, uint32_t b)
{
    float x, y;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    return x < y;
}

RS_VINLINE uint32_t vf32_succ(uint32_t p)
{
    if ((p << 1) == 0)
        return 1u;
    return (p >> 31) ? p - 1u : p + 1u;
}

/* MXCSR.DAZ: the FPU takes denormal operands for zeros, and the compares would too. */
#define RS_MXCSR_DAZ 0x40u

#endif /* RS_FLOAT_KEYS_H */
