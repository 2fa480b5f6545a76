/*
 * test_cli_f16.c - the program's float -> float16/bfloat16 conversions (cli/f16.c, used by
 * `rowsort gen` and `rowsort verify`) against a reference that shares no code with them:
 * the nearest half value found by comparing distances in double, ties to the even one.
 * Every half value is checked at its neighbours' midpoints and one float ulp either side,
 * plus a strided sweep of every float; decoding is checked for all 65536 bit patterns.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int failures;

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Value of a half pattern (exp_bits 5 for float16, 8 for bfloat16), by the definition. */
static double half_value(uint16_t h, int exp_bits)
{
    const int mant_bits = 15 - exp_bits;
    const int bias = (1 << (exp_bits - 1)) - 1;
    const int sign = h >> 15;
    const int exp = (h >> mant_bits) & ((1 << exp_bits) - 1);
    const int mant = h & ((1 << mant_bits) - 1);
    double v;
    if (exp == (1 << exp_bits) - 1)
        v = mant ? NAN : INFINITY;
    else if (exp == 0)
        v = ldexp(mant, 1 - bias - mant_bits);
    else
        v = ldexp(mant + (1 << mant_bits), exp - bias - mant_bits);
    return sign ? -v : v;
}

/* Reference rounding of a finite float to a half format, to nearest, ties to even. */
static uint16_t reference_round(float f, int exp_bits)
{
    const double x = f;
    const uint16_t sign = signbit(f) ? 0x8000u : 0;
    const double ax = fabs(x);
    const int mant_bits = 15 - exp_bits;
    const uint16_t inf = (uint16_t)(((1u << exp_bits) - 1u) << mant_bits);
    /* Largest finite and the overflow threshold (halfway to the next binade's first). */
    const double max = half_value((uint16_t)(inf - 1u), exp_bits);
    const double limit = max + (max - half_value((uint16_t)(inf - 2u), exp_bits)) / 2;
    if (ax >= limit)
        return sign | inf;
    /* Binary search for the largest pattern <= ax, then compare with the next one. */
    uint16_t lo = 0, hi = (uint16_t)(inf - 1u);
    while (lo < hi) {
        const uint16_t mid = (uint16_t)((lo + hi + 1u) / 2u);
        if (half_value(mid, exp_bits) <= ax)
            lo = mid;
        else
            hi = (uint16_t)(mid - 1u);
    }
    if (lo == inf - 1u)
        return sign | lo;
    const double d_lo = ax - half_value(lo, exp_bits);
    const double d_hi = half_value((uint16_t)(lo + 1u), exp_bits) - ax;
    if (d_hi < d_lo || (d_hi == d_lo && (lo & 1u)))
        lo++;
    return sign | lo;
}

static void check_one(float f)
{
    if (isnan(f)) {
        const uint16_t h = cli_f32_to_f16(f), b = cli_f32_to_bf16(f);
        if (!isnan(half_value(h, 5)) || !isnan(half_value(b, 8)) || (h >> 15) != !!signbit(f) ||
            (b >> 15) != !!signbit(f)) {
            if (failures++ < 10)
                printf("NaN 0x%08x -> f16 0x%04x bf16 0x%04x\n", bits_of(f), h, b);
        }
        return;
    }
    const uint16_t want16 = reference_round(f, 5), got16 = cli_f32_to_f16(f);
    const uint16_t want_bf = reference_round(f, 8), got_bf = cli_f32_to_bf16(f);
    if (want16 != got16 && failures++ < 10)
        printf("f16: %a (0x%08x): got 0x%04x, want 0x%04x\n", (double)f, bits_of(f), got16, want16);
    if (want_bf != got_bf && failures++ < 10)
        printf("bf16: %a (0x%08x): got 0x%04x, want 0x%04x\n", (double)f, bits_of(f), got_bf,
               want_bf);
}

/* Every midpoint between neighbouring half values, and one float ulp either side. */
static void check_midpoints(int exp_bits)
{
    for (uint32_t h = 0; h < 0x7fffu; h++) {
        const double a = half_value((uint16_t)h, exp_bits);
        const double b = half_value((uint16_t)(h + 1), exp_bits);
        if (isnan(a) || isnan(b) || isinf(a))
            continue;
        const double mid =
            isinf(b) ? a + (a - half_value((uint16_t)(h - 1), exp_bits)) / 2 : (a + b) / 2;
        const float m = (float)mid;
        if ((double)m != mid)
            continue; /* not representable in float: no float lies exactly there */
        for (int s = 0; s < 2; s++) {
            const float base = s ? -m : m;
            check_one(base);
            check_one(nextafterf(base, INFINITY));
            check_one(nextafterf(base, -INFINITY));
            check_one(s ? -(float)a : (float)a);
        }
    }
}

int main(void)
{
    /* Decoding: every pattern against the definition. */
    for (uint32_t h = 0; h <= 0xffffu; h++) {
        const double v16 = half_value((uint16_t)h, 5), vbf = half_value((uint16_t)h, 8);
        const float g16 = cli_f16_to_f32((uint16_t)h), gbf = cli_bf16_to_f32((uint16_t)h);
        const int ok16 =
            isnan(v16) ? isnan(g16) : (double)g16 == v16 && !signbit(g16) == !signbit(v16);
        const int okbf =
            isnan(vbf) ? isnan(gbf) : (double)gbf == vbf && !signbit(gbf) == !signbit(vbf);
        if ((!ok16 || !okbf) && failures++ < 10)
            printf("decode 0x%04x: f16 %a (want %a), bf16 %a (want %a)\n", h, (double)g16, v16,
                   (double)gbf, vbf);
        /* NaN payloads survive decoding (f16: the top bits; bf16: all of them). */
        if (isnan(gbf) && (bits_of(gbf) >> 16) != h && failures++ < 10)
            printf("bf16 NaN 0x%04x decoded to 0x%08x\n", h, bits_of(gbf));
    }
    check_midpoints(5);
    check_midpoints(8);
    /* A strided sweep of every float bit pattern (the stride is odd and prime). */
    for (uint64_t u = 0; u <= 0xffffffffu; u += 65521u)
        check_one(float_of((uint32_t)u));
    check_one(float_of(0x7f800000u));
    check_one(float_of(0xff800000u));
    printf("test_cli_f16: %d failure%s\n", failures, failures == 1 ? "" : "s");
    return failures ? 1 : 0;
}
