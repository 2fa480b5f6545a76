/* prng.c - xoshiro256** seeded by splitmix64: small, fast, the same on every machine. */
#include <math.h>

#include "cli.h"

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void cli_prng_seed(cli_prng *rng, uint64_t seed)
{
    uint64_t state = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&state);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t cli_prng_next(cli_prng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double cli_prng_uniform(cli_prng *rng)
{
    return (double)(cli_prng_next(rng) >> 11) * 0x1.0p-53;
}

double cli_prng_normal(cli_prng *rng)
{
    /* Box-Muller; 1 - u is in (0, 1], so the logarithm is finite. */
    const double u = 1.0 - cli_prng_uniform(rng);
    const double v = cli_prng_uniform(rng);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

uint64_t cli_prng_below(cli_prng *rng, uint64_t bound)
{
    /* Rejection keeps it unbiased. */
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do
        x = cli_prng_next(rng);
    while (x >= limit);
    return x % bound;
}
