/* f16.c - float16 and bfloat16 conversions, rounding to nearest even, NaNs kept NaN. */
#include <string.h>

#include "cli.h"

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

uint16_t cli_f32_to_bf16(float f)
{
    const uint32_t u = bits_of(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) /* NaN: keep the sign and a quiet mantissa */
        return (uint16_t)((u >> 16) | 0x0040u);
    const uint32_t rounding = 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)((u + rounding) >> 16);
}

float cli_bf16_to_f32(uint16_t h)
{
    return float_of((uint32_t)h << 16);
}

uint16_t cli_f32_to_f16(float f)
{
    const uint32_t u = bits_of(f);
    const uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    const uint32_t abs = u & 0x7fffffffu;
    if (abs > 0x7f800000u) /* NaN: the top mantissa bits, made quiet */
        return (uint16_t)(sign | 0x7e00u | ((abs >> 13) & 0x03ffu));
    if (abs >= 0x477ff000u) /* rounds to 65520 or more: inf */
        return (uint16_t)(sign | 0x7c00u);
    if (abs < 0x38800000u) {
        /* Below the smallest normal (2^-14): a denormal, in units of 2^-24. */
        if (abs < 0x33000000u) /* below half the smallest denormal (2^-25): zero */
            return sign;
        const uint32_t exp = abs >> 23;
        const uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
        const unsigned shift = 126u - exp; /* 14..24 */
        uint32_t q = mant >> shift;
        const uint32_t rem = mant & ((1u << shift) - 1u);
        const uint32_t half = 1u << (shift - 1u);
        if (rem > half || (rem == half && (q & 1u)))
            q++;
        return (uint16_t)(sign | q);
    }
    /* Normal: rebias the exponent, round the 13 dropped bits to nearest even (a carry into
     * the exponent is right, up to inf). */
    const uint32_t rebased = abs - ((127u - 15u) << 23);
    const uint32_t rounding = 0x0fffu + ((rebased >> 13) & 1u);
    return (uint16_t)(sign | ((rebased + rounding) >> 13));
}

float cli_f16_to_f32(uint16_t h)
{
    const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f) /* inf or NaN, the payload kept */
        return float_of(sign | 0x7f800000u | (mant << 13));
    if (exp != 0)
        return float_of(sign | ((exp + 112u) << 23) | (mant << 13));
    /* zero or denormal: mant x 2^-24, exact in float */
    const float value = (float)mant * 0x1.0p-24f;
    return sign ? -value : value;
}
