/*
 * gen.c - `rowsort gen`: writes a test input of a shape, dtype and distribution, the same
 * for the same seed on every machine.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef enum gen_dist {
    DIST_UNIFORM,
    DIST_NORMAL,
    DIST_SORTED,
    DIST_REVERSE,
    DIST_FEW,
    DIST_NAN
} gen_dist;

static const char *const dist_names[] = {"uniform", "normal", "sorted", "reverse", "few", "nan"};

/* Exponent and mantissa widths of a float format. */
typedef struct float_format {
    unsigned exp_bits, mant_bits;
} float_format;

static int is_float(rowsort_dtype d)
{
    return d == ROWSORT_DTYPE_F16 || d == ROWSORT_DTYPE_BF16 || d == ROWSORT_DTYPE_F32 ||
           d == ROWSORT_DTYPE_F64;
}

static int is_signed(rowsort_dtype d)
{
    return d == ROWSORT_DTYPE_I8 || d == ROWSORT_DTYPE_I16 || d == ROWSORT_DTYPE_I32 ||
           d == ROWSORT_DTYPE_I64;
}

static float_format format_of(rowsort_dtype d)
{
    switch (d) {
    case ROWSORT_DTYPE_F16:
        return (float_format){5, 10};
    case ROWSORT_DTYPE_BF16:
        return (float_format){8, 7};
    case ROWSORT_DTYPE_F32:
        return (float_format){8, 23};
    default:
        return (float_format){11, 52};
    }
}

/* Stores the low size bytes of bits (little-endian machine, as .npy '<'). */
static void store_bits(void *p, uint64_t bits, size_t size)
{
    switch (size) {
    case 1: {
        const uint8_t v = (uint8_t)bits;
        memcpy(p, &v, 1);
        break;
    }
    case 2: {
        const uint16_t v = (uint16_t)bits;
        memcpy(p, &v, 2);
        break;
    }
    case 4: {
        const uint32_t v = (uint32_t)bits;
        memcpy(p, &v, 4);
        break;
    }
    default:
        memcpy(p, &bits, 8);
        break;
    }
}

/* A float value rounded into a float dtype. */
static void store_float(void *p, rowsort_dtype d, double v)
{
    switch (d) {
    case ROWSORT_DTYPE_F16:
        store_bits(p, cli_f32_to_f16((float)v), 2);
        break;
    case ROWSORT_DTYPE_BF16:
        store_bits(p, cli_f32_to_bf16((float)v), 2);
        break;
    case ROWSORT_DTYPE_F32: {
        const float f = (float)v;
        memcpy(p, &f, sizeof f);
        break;
    }
    default:
        memcpy(p, &v, sizeof v);
        break;
    }
}

/* An integer value clamped into an integer dtype of `size` bytes. */
static void store_int(void *p, rowsort_dtype d, size_t size, double v)
{
    const double bits = (double)(size * 8);
    double lo, hi;
    if (d == ROWSORT_DTYPE_BOOL) {
        lo = 0;
        hi = 1;
    } else if (is_signed(d)) {
        lo = -ldexp(1.0, (int)bits - 1);
        hi = ldexp(1.0, (int)bits - 1) - 1;
    } else {
        lo = 0;
        hi = ldexp(1.0, (int)bits) - 1;
    }
    v = nearbyint(v);
    if (v <= lo) {
        store_bits(p, is_signed(d) ? (uint64_t)1 << (size * 8 - 1) : 0, size);
        return;
    }
    if (v >= hi) {
        /* The maximum, written exactly (double cannot hold 2^63 - 1). */
        const uint64_t max = d == ROWSORT_DTYPE_BOOL ? 1
                             : is_signed(d)          ? ((uint64_t)1 << (size * 8 - 1)) - 1
                             : size == 8             ? UINT64_MAX
                                                     : ((uint64_t)1 << (size * 8)) - 1;
        store_bits(p, max, size);
        return;
    }
    store_bits(p, v < 0 ? (uint64_t)(int64_t)v : (uint64_t)v, size);
}

/* The special values of the "nan" distribution, raw bits of a float format. */
static uint64_t special_float_bits(cli_prng *rng, float_format f, int *is_value, double *value)
{
    const uint64_t sign = (uint64_t)1 << (f.exp_bits + f.mant_bits);
    const uint64_t exp_all = (((uint64_t)1 << f.exp_bits) - 1) << f.mant_bits;
    const uint64_t mant_count = (uint64_t)1 << f.mant_bits;
    const uint64_t s = (cli_prng_next(rng) >> 63) ? sign : 0;
    *is_value = 0;
    switch (cli_prng_below(rng, 12)) {
    case 0:
    case 1: /* NaN of either sign, quiet or signalling, any payload */
        return s | exp_all | (1 + cli_prng_below(rng, mant_count - 1));
    case 2: /* the default quiet NaN */
        return s | exp_all | (mant_count >> 1);
    case 3: /* zero of either sign */
        return s;
    case 4: /* infinity of either sign */
        return s | exp_all;
    case 5: /* denormal */
        return s | (1 + cli_prng_below(rng, mant_count - 1));
    case 6: /* largest finite */
        return s | (exp_all - mant_count) | (mant_count - 1);
    case 7: /* ties */
        *is_value = 1;
        *value = (double)cli_prng_below(rng, 3) - 1.0;
        return 0;
    default:
        *is_value = 1;
        *value = ldexp(cli_prng_uniform(rng) * 2.0 - 1.0, (int)cli_prng_below(rng, 20) - 10);
        return 0;
    }
}

/* One value of a float or complex part. */
static void gen_float(void *p, rowsort_dtype d, gen_dist dist, cli_prng *rng)
{
    switch (dist) {
    case DIST_NORMAL:
        store_float(p, d, cli_prng_normal(rng));
        return;
    case DIST_FEW:
        store_float(p, d, (double)cli_prng_below(rng, 5) * 0.5 - 1.0);
        return;
    case DIST_NAN: {
        int is_value;
        double value = 0;
        const uint64_t bits = special_float_bits(rng, format_of(d), &is_value, &value);
        if (is_value)
            store_float(p, d, value);
        else
            store_bits(p, bits, rowsort_dtype_size(d));
        return;
    }
    default: /* uniform, and before sorting */
        store_float(p, d, cli_prng_uniform(rng) * 2.0 - 1.0);
        return;
    }
}

static void gen_int(void *p, rowsort_dtype d, gen_dist dist, cli_prng *rng)
{
    const size_t size = rowsort_dtype_size(d);
    const double span = d == ROWSORT_DTYPE_BOOL ? 1.0 : ldexp(1.0, (int)(size * 8));
    switch (dist) {
    case DIST_NORMAL: {
        const double sd = d == ROWSORT_DTYPE_BOOL ? 1.0 : fmin(1000.0, span / 16.0);
        const double mean = is_signed(d) || d == ROWSORT_DTYPE_BOOL ? 0.0 : 4.0 * sd;
        store_int(p, d, size, mean + sd * cli_prng_normal(rng));
        return;
    }
    case DIST_FEW:
        store_int(p, d, size,
                  d == ROWSORT_DTYPE_BOOL
                      ? (double)cli_prng_below(rng, 2)
                      : (double)cli_prng_below(rng, 5) + (is_signed(d) ? -2.0 : 0.0));
        return;
    case DIST_NAN: {
        /* Extremes and neighbours: MIN, MIN+1, -1, 0, 1, MAX-1, MAX, or any value. */
        const uint64_t bits = size * 8 == 64 ? UINT64_MAX : ((uint64_t)1 << (size * 8)) - 1;
        const uint64_t min = is_signed(d) ? (uint64_t)1 << (size * 8 - 1) : 0;
        const uint64_t max = is_signed(d) ? min - 1 : bits;
        static const int picks = 8;
        uint64_t v;
        switch (cli_prng_below(rng, (uint64_t)picks)) {
        case 0:
            v = min;
            break;
        case 1:
            v = min + 1;
            break;
        case 2:
            v = bits; /* -1, or MAX for unsigned */
            break;
        case 3:
            v = 0;
            break;
        case 4:
            v = 1;
            break;
        case 5:
            v = max - 1;
            break;
        case 6:
            v = max;
            break;
        default:
            v = cli_prng_next(rng);
            break;
        }
        if (d == ROWSORT_DTYPE_BOOL)
            v &= 1;
        store_bits(p, v, size);
        return;
    }
    default: /* uniform over the whole range */
        store_bits(p, d == ROWSORT_DTYPE_BOOL ? cli_prng_next(rng) >> 63 : cli_prng_next(rng),
                   size);
        return;
    }
}

static void gen_element(unsigned char *p, rowsort_dtype d, gen_dist dist, cli_prng *rng)
{
    if (d == ROWSORT_DTYPE_C64 || d == ROWSORT_DTYPE_C128) {
        const rowsort_dtype part = d == ROWSORT_DTYPE_C64 ? ROWSORT_DTYPE_F32 : ROWSORT_DTYPE_F64;
        gen_float(p, part, dist, rng);
        gen_float(p + rowsort_dtype_size(part), part, dist, rng);
    } else if (is_float(d)) {
        gen_float(p, d, dist, rng);
    } else {
        gen_int(p, d, dist, rng);
    }
}

/* qsort has no context argument: the program may keep the sort's parameters here. */
static rowsort_dtype sort_dtype;
static unsigned sort_flags;

static int compare_elements(const void *a, const void *b)
{
    return rsio_order_compare(sort_dtype, sort_flags, a, b);
}

static int fill(void *data, size_t rows, size_t n, rowsort_dtype d, gen_dist dist, uint64_t seed)
{
    cli_prng rng;
    cli_prng_seed(&rng, seed);
    const size_t size = rowsort_dtype_size(d);
    unsigned char *row = data;
    for (size_t r = 0; r < rows; r++, row += n * size) {
        for (size_t j = 0; j < n; j++)
            gen_element(row + j * size, d, dist, &rng);
        if (dist == DIST_SORTED || dist == DIST_REVERSE) {
            sort_dtype = d;
            sort_flags = dist == DIST_REVERSE ? ROWSORT_DESCENDING : 0;
            qsort(row, n, size, compare_elements);
        }
    }
    return 0;
}

int cli_cmd_gen(int argc, char **argv)
{
    const char *shape_arg = NULL, *dtype_arg = NULL, *dist_arg = "uniform", *seed_arg = "0";
    const char *out_path = NULL;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cli_print_help("gen");
            return 0;
        }
        const char **slot = NULL;
        const char *name = arg;
        const char *value = NULL;
        char buf[32];
        const char *eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
        if (eq != NULL && (size_t)(eq - arg) < sizeof buf) {
            memcpy(buf, arg, (size_t)(eq - arg));
            buf[eq - arg] = '\0';
            name = buf;
            value = eq + 1;
        }
        if (strcmp(name, "--shape") == 0)
            slot = &shape_arg;
        else if (strcmp(name, "--dtype") == 0)
            slot = &dtype_arg;
        else if (strcmp(name, "--dist") == 0)
            slot = &dist_arg;
        else if (strcmp(name, "--seed") == 0)
            slot = &seed_arg;
        else if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0)
            slot = &out_path;
        else if (strncmp(arg, "-o", 2) == 0 && arg[2] != '\0') {
            out_path = arg + 2;
            continue;
        } else if (arg[0] == '-')
            return cli_usage_error("unknown option '%s' for 'rowsort gen'", name);
        else
            return cli_usage_error("unexpected argument '%s' for 'rowsort gen'", arg);
        if (value == NULL) {
            if (i + 1 >= argc)
                return cli_usage_error("option '%s' needs a value", name);
            value = argv[++i];
        }
        *slot = value;
    }
    if (shape_arg == NULL || dtype_arg == NULL || out_path == NULL)
        return cli_usage_error("gen needs --shape, --dtype and -o");

    size_t shape[RSIO_MAX_NDIM];
    size_t ndim = 0;
    if (cli_parse_shape(shape_arg, shape, &ndim) != 0)
        return cli_usage_error("invalid --shape '%s' (RxN, N or AxBxC)", shape_arg);
    rowsort_dtype dtype;
    if (rowsort_dtype_from_name(dtype_arg, &dtype) != ROWSORT_OK)
        return cli_usage_error("unknown --dtype '%s'", dtype_arg);
    gen_dist dist = DIST_UNIFORM;
    size_t d = 0;
    while (d < sizeof dist_names / sizeof dist_names[0] && strcmp(dist_arg, dist_names[d]) != 0)
        d++;
    if (d == sizeof dist_names / sizeof dist_names[0])
        return cli_usage_error("unknown --dist '%s' (uniform, normal, sorted, reverse, few or "
                               "nan)",
                               dist_arg);
    dist = (gen_dist)d;
    size_t seed;
    if (cli_parse_size(seed_arg, &seed) != 0)
        return cli_usage_error("invalid --seed '%s' (a whole number)", seed_arg);

    size_t rows = 1;
    for (size_t i = 0; i + 1 < ndim; i++)
        rows *= shape[i]; /* io refuses the shape below if its size overflows */
    const size_t n = shape[ndim - 1];

    cli_signals_install();
    rsio_output out;
    rsio_error err;
    cli_signals_block();
    const rsio_kind kind = rsio_output_create_npy(out_path, dtype, ndim, shape, &out, &err);
    if (kind == RSIO_OK)
        cli_signals_add_temp(out.temp_path);
    cli_signals_unblock();
    if (kind != RSIO_OK)
        return cli_io_error(&err);
    if (out.data != NULL)
        fill(out.data, rows, n, dtype, dist, (uint64_t)seed);
    int rc = 0;
    /* The data written back first, signals acting at once (long for big files); then the
     * rename, and the temporary forgotten with it. */
    rsio_kind kind_done = rsio_output_write_back(&out, &err);
    if (kind_done == RSIO_OK) {
        cli_signals_block();
        cli_signals_forget_temp(out.temp_path);
        kind_done = rsio_output_commit(&out, &err);
        cli_signals_unblock();
    }
    if (kind_done != RSIO_OK)
        rc = cli_io_error(&err);
    rsio_output_abort(&out);
    cli_signals_clear();
    return rc;
}
