/*
 * test_api.c - the public API's surface: request validation (a bad request returns its status
 * and writes nothing), status strings, versions, dtype names, ISA names, option and request
 * defaults, contexts and their environment variables, the one-call helpers.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_expect.h"
#include "ctx.h" /* rs_ctx_team: the context's scratch */
#include "rowsort.h"

static rowsort_ctx *make_ctx(unsigned threads)
{
    rowsort_status status = ROWSORT_OK;
    rowsort_options options;
    rowsort_options_init(&options);
    options.threads = threads;
    rowsort_ctx *ctx = rowsort_create(&options, &status);
    ck_assert_msg(ctx != NULL, "rowsort_create: %s", rowsort_status_string(status));
    ck_assert_int_eq(status, ROWSORT_OK);
    return ctx;
}

/* A request for `rows` rows of n elements of one operand, everything else at its default. */
static rowsort_request one_operand(const rowsort_array *op, size_t rows, size_t n)
{
    rowsort_request req;
    rowsort_request_init(&req);
    req.rows = rows;
    req.n = n;
    req.operands = op;
    req.num_operands = 1;
    return req;
}

/* ------------------------------------------------------------------ version, statuses */

START_TEST(test_version)
{
    ck_assert_str_eq(rowsort_version(), ROWSORT_VERSION_STRING);
    ck_assert_uint_eq(rowsort_version_number(), ROWSORT_VERSION_NUMBER);
    char buf[64];
    snprintf(buf, sizeof buf, "%d.%d.%d", ROWSORT_VERSION_MAJOR, ROWSORT_VERSION_MINOR,
             ROWSORT_VERSION_PATCH);
    ck_assert_str_eq(rowsort_version(), buf);
    ck_assert_uint_eq(rowsort_version_number(), ROWSORT_VERSION_MAJOR * 10000u +
                                                    ROWSORT_VERSION_MINOR * 100u +
                                                    ROWSORT_VERSION_PATCH);
}
END_TEST

START_TEST(test_status_strings)
{
    /* the pinned values (never renumbered) */
    ck_assert_int_eq(ROWSORT_OK, 0);
    ck_assert_int_eq(ROWSORT_E_NULL, 1);
    ck_assert_int_eq(ROWSORT_E_OVERFLOW, 8);
    ck_assert_int_eq(ROWSORT_E_INTERNAL, 15);
    const int last = ROWSORT_E_INTERNAL;
    for (int a = 0; a <= last; a++) {
        const char *sa = rowsort_status_string((rowsort_status)a);
        ck_assert_msg(sa != NULL && *sa != '\0', "status %d has no message", a);
        for (int b = 0; b < a; b++)
            ck_assert_msg(strcmp(sa, rowsort_status_string((rowsort_status)b)) != 0,
                          "statuses %d and %d share the message \"%s\"", a, b, sa);
    }
    ck_assert_ptr_nonnull(rowsort_status_string((rowsort_status)999));
    ck_assert_ptr_nonnull(rowsort_status_string((rowsort_status)-1));
}
END_TEST

/* ------------------------------------------------------------------ dtypes, ISA names */

START_TEST(test_dtypes)
{
    static const struct {
        rowsort_dtype dtype;
        const char *name;
        size_t size;
    } table[] = {
        {ROWSORT_DTYPE_BOOL, "bool", 1},        {ROWSORT_DTYPE_I8, "int8", 1},
        {ROWSORT_DTYPE_U8, "uint8", 1},         {ROWSORT_DTYPE_I16, "int16", 2},
        {ROWSORT_DTYPE_U16, "uint16", 2},       {ROWSORT_DTYPE_I32, "int32", 4},
        {ROWSORT_DTYPE_U32, "uint32", 4},       {ROWSORT_DTYPE_I64, "int64", 8},
        {ROWSORT_DTYPE_U64, "uint64", 8},       {ROWSORT_DTYPE_F16, "float16", 2},
        {ROWSORT_DTYPE_BF16, "bfloat16", 2},    {ROWSORT_DTYPE_F32, "float32", 4},
        {ROWSORT_DTYPE_F64, "float64", 8},      {ROWSORT_DTYPE_C64, "complex64", 8},
        {ROWSORT_DTYPE_C128, "complex128", 16},
    };
    ck_assert_uint_eq(sizeof table / sizeof table[0], ROWSORT_DTYPE_COUNT);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        ck_assert_int_eq((int)table[i].dtype, (int)i); /* pinned values */
        ck_assert_uint_eq(rowsort_dtype_size(table[i].dtype), table[i].size);
        const char *name = rowsort_dtype_name(table[i].dtype);
        ck_assert_ptr_nonnull(name);
        ck_assert_str_eq(name, table[i].name);
        rowsort_dtype back = ROWSORT_DTYPE_COUNT;
        ck_assert_int_eq(rowsort_dtype_from_name(name, &back), ROWSORT_OK);
        ck_assert_int_eq(back, table[i].dtype);
    }
    static const struct {
        const char *alias;
        rowsort_dtype dtype;
    } aliases[] = {{"f4", ROWSORT_DTYPE_F32},    {"i4", ROWSORT_DTYPE_I32},
                   {"bf16", ROWSORT_DTYPE_BF16}, {"f2", ROWSORT_DTYPE_F16},
                   {"half", ROWSORT_DTYPE_F16},  {"c16", ROWSORT_DTYPE_C128}};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        rowsort_dtype d = ROWSORT_DTYPE_COUNT;
        ck_assert_msg(rowsort_dtype_from_name(aliases[i].alias, &d) == ROWSORT_OK, "alias %s",
                      aliases[i].alias);
        ck_assert_int_eq(d, aliases[i].dtype);
    }
    rowsort_dtype d = ROWSORT_DTYPE_I8;
    ck_assert_int_eq(rowsort_dtype_from_name("bogus", &d), ROWSORT_E_DTYPE);
    ck_assert_int_eq(rowsort_dtype_from_name("", &d), ROWSORT_E_DTYPE);
    ck_assert_int_eq(rowsort_dtype_from_name("float32x", &d), ROWSORT_E_DTYPE);
    /* NumPy reads "f16" as float128: refused rather than given another meaning. */
    ck_assert_int_eq(rowsort_dtype_from_name("f16", &d), ROWSORT_E_DTYPE);
    ck_assert_int_eq(d, ROWSORT_DTYPE_I8); /* untouched on failure */
    ck_assert_uint_eq(rowsort_dtype_size(ROWSORT_DTYPE_COUNT), 0);
    ck_assert_uint_eq(rowsort_dtype_size((rowsort_dtype)99), 0);
    ck_assert_uint_eq(rowsort_dtype_size((rowsort_dtype)-1), 0);
    ck_assert_ptr_null(rowsort_dtype_name(ROWSORT_DTYPE_COUNT));
    ck_assert_ptr_null(rowsort_dtype_name((rowsort_dtype)-1));
}
END_TEST

START_TEST(test_isa_names)
{
    ck_assert_str_eq(rowsort_isa_name(ROWSORT_ISA_AUTO), "auto");
    ck_assert_str_eq(rowsort_isa_name(ROWSORT_ISA_SCALAR), "scalar");
    ck_assert_str_eq(rowsort_isa_name(ROWSORT_ISA_AVX2), "avx2");
    ck_assert_str_eq(rowsort_isa_name(ROWSORT_ISA_AVX512), "avx512");
    ck_assert_ptr_null(rowsort_isa_name((rowsort_isa)42));
}
END_TEST

/* ------------------------------------------------------------------ defaults, contexts */

START_TEST(test_defaults)
{
    rowsort_options o;
    memset(&o, 0x5a, sizeof o);
    rowsort_options_init(&o);
    ck_assert_uint_eq(o.threads, 0);
    ck_assert_int_eq(o.pin, ROWSORT_PIN_CORE);
    ck_assert_int_eq(o.isa, ROWSORT_ISA_AUTO);
    ck_assert_uint_eq(o.memory_limit_bytes, 0);
    ck_assert_ptr_null(o.topology_synthetic);
    ck_assert_ptr_null(o.topology_xml);

    rowsort_request r;
    memset(&r, 0x5a, sizeof r);
    rowsort_request_init(&r);
    ck_assert_uint_eq(r.rows, 0);
    ck_assert_uint_eq(r.n, 0);
    ck_assert_ptr_null(r.operands);
    ck_assert_uint_eq(r.num_operands, 0);
    ck_assert_ptr_null(r.outputs);
    ck_assert_uint_eq(r.num_keys, 1);
    ck_assert_uint_eq(r.flags, 0);
    ck_assert_ptr_null(r.indices.data);
    ck_assert_int_eq(r.select, ROWSORT_SELECT_ALL);
    ck_assert_uint_eq(r.k, 0);
}
END_TEST

START_TEST(test_contexts)
{
    unsetenv("ROWSORT_ISA");
    unsetenv("ROWSORT_THREADS");
    rowsort_status st = ROWSORT_E_INTERNAL;
    rowsort_ctx *ctx = rowsort_create(NULL, &st);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(st, ROWSORT_OK);
    ck_assert_int_ne(rowsort_ctx_isa(ctx), ROWSORT_ISA_AUTO);
    ck_assert_uint_ge(rowsort_ctx_threads(ctx), 1);
    ck_assert_uint_gt(strlen(rowsort_ctx_kernel_tuning(ctx)), 0);
    rowsort_destroy(ctx);
    rowsort_destroy(NULL);
    ck_assert_str_eq(rowsort_ctx_kernel_tuning(NULL), "");
    ctx = rowsort_create(NULL, NULL); /* status may be NULL */
    ck_assert_ptr_nonnull(ctx);
    rowsort_destroy(ctx);

    rowsort_options o;
    rowsort_options_init(&o);
    o.threads = 2;
    o.isa = ROWSORT_ISA_SCALAR;
    ctx = rowsort_create(&o, &st);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_uint_eq(rowsort_ctx_threads(ctx), 2);
    ck_assert_int_eq(rowsort_ctx_isa(ctx), ROWSORT_ISA_SCALAR);
    ck_assert_str_eq(rowsort_ctx_kernel_tuning(ctx), "any");
    rowsort_destroy(ctx);

    o.isa = (rowsort_isa)77;
    ctx = rowsort_create(&o, &st);
    ck_assert_ptr_null(ctx);
    ck_assert_int_ne(st, ROWSORT_OK);
}
END_TEST

START_TEST(test_env_isa)
{
    setenv("ROWSORT_ISA", "bogus", 1);
    setenv("ROWSORT_THREADS", "2", 1);
    rowsort_status st = ROWSORT_OK;
    ck_assert_ptr_null(rowsort_create(NULL, &st));
    ck_assert_int_eq(st, ROWSORT_E_ISA);
    /* an explicit ISA in the options wins over the environment */
    rowsort_options o;
    rowsort_options_init(&o);
    o.isa = ROWSORT_ISA_SCALAR;
    rowsort_ctx *ctx = rowsort_create(&o, &st);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(rowsort_ctx_isa(ctx), ROWSORT_ISA_SCALAR);
    rowsort_destroy(ctx);
    /* the helpers report it */
    float x[4] = {3, 1, 2, 0};
    int32_t idx[4];
    ck_assert_int_eq(rowsort_sort_rows(x, 1, 4, ROWSORT_DTYPE_F32, 0), ROWSORT_E_ISA);
    ck_assert_int_eq(rowsort_argsort_rows(x, 1, 4, ROWSORT_DTYPE_F32, 0, idx), ROWSORT_E_ISA);
    ck_assert(x[0] == 3 && x[1] == 1); /* nothing written */

    setenv("ROWSORT_ISA", "scalar", 1);
    ctx = rowsort_create(NULL, &st);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(rowsort_ctx_isa(ctx), ROWSORT_ISA_SCALAR);
    rowsort_destroy(ctx);
    ck_assert_int_eq(rowsort_sort_rows(x, 1, 4, ROWSORT_DTYPE_F32, 0), ROWSORT_OK);
    ck_assert(x[0] == 0 && x[1] == 1 && x[2] == 2 && x[3] == 3);
}
END_TEST

START_TEST(test_env_threads)
{
    unsetenv("ROWSORT_ISA");
    const char *bad[] = {"abc", "2x", "-1", "0", "1.5", " "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("ROWSORT_THREADS", bad[i], 1);
        rowsort_status st = ROWSORT_OK;
        ck_assert_msg(rowsort_create(NULL, &st) == NULL, "ROWSORT_THREADS=\"%s\" accepted", bad[i]);
        ck_assert_msg(st == ROWSORT_E_THREADS, "ROWSORT_THREADS=\"%s\": %s", bad[i],
                      rowsort_status_string(st));
    }
    setenv("ROWSORT_THREADS", "abc", 1);
    float x[3] = {2, 1, 0};
    int32_t idx[3];
    ck_assert_int_eq(rowsort_sort_rows(x, 1, 3, ROWSORT_DTYPE_F32, 0), ROWSORT_E_THREADS);
    ck_assert_int_eq(rowsort_argsort_rows(x, 1, 3, ROWSORT_DTYPE_F32, 0, idx), ROWSORT_E_THREADS);
    ck_assert(x[0] == 2);
    /* explicit threads in the options: the environment is not consulted */
    rowsort_options o;
    rowsort_options_init(&o);
    o.threads = 2;
    rowsort_status st = ROWSORT_OK;
    rowsort_ctx *ctx = rowsort_create(&o, &st);
    ck_assert_ptr_nonnull(ctx);
    rowsort_destroy(ctx);

    setenv("ROWSORT_THREADS", "3", 1);
    ctx = rowsort_create(NULL, &st);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_uint_eq(rowsort_ctx_threads(ctx), 3);
    rowsort_destroy(ctx);
}
END_TEST

/* ROWSORT_PIN_MIN_BYTES: decimal bytes per thread (0: bind in every call); anything else is
 * refused at create, and the threshold shows in the plan. */
START_TEST(test_env_pin_min_bytes)
{
    unsetenv("ROWSORT_ISA");
    unsetenv("ROWSORT_THREADS");
    const char *bad[] = {"abc", "1M", "-1", " -1", "+5", " 7", "1.5", " ", "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("ROWSORT_PIN_MIN_BYTES", bad[i], 1);
        rowsort_status st = ROWSORT_OK;
        ck_assert_msg(rowsort_create(NULL, &st) == NULL, "ROWSORT_PIN_MIN_BYTES=\"%s\" accepted",
                      bad[i]);
        ck_assert_int_eq(st, ROWSORT_E_OPTIONS);
    }
    rowsort_options o;
    rowsort_options_init(&o);
    o.threads = 2;
    o.topology_synthetic = "core:2 pu:1";
    const struct {
        const char *env; /* NULL: unset */
        int bound;       /* the 8x8192 float32 plan binds its 2 threads (128 KiB each) */
    } good[] = {{NULL, 0}, {"0", 1}, {"131072", 1}, {"131073", 0}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (good[i].env != NULL)
            setenv("ROWSORT_PIN_MIN_BYTES", good[i].env, 1);
        else
            unsetenv("ROWSORT_PIN_MIN_BYTES");
        rowsort_status st = ROWSORT_OK;
        rowsort_ctx *ctx = rowsort_create(&o, &st);
        ck_assert_msg(ctx != NULL, "%s", rowsort_status_string(st));
        char buf[4096];
        ck_assert_int_eq(rowsort_ctx_describe(ctx, 8, 8192, ROWSORT_DTYPE_F32, buf, sizeof buf, NULL),
                         ROWSORT_OK);
        const int unbound = strstr(buf, "threads not bound in this call") != NULL;
        ck_assert_msg(unbound == !good[i].bound, "ROWSORT_PIN_MIN_BYTES=%s: %s",
                      good[i].env ? good[i].env : "(unset)", buf);
        rowsort_destroy(ctx);
    }
    unsetenv("ROWSORT_PIN_MIN_BYTES");
}
END_TEST

START_TEST(test_options_validation)
{
    unsetenv("ROWSORT_ISA");
    unsetenv("ROWSORT_THREADS");
    rowsort_options o;
    rowsort_status st = ROWSORT_OK;
    rowsort_options_init(&o);
    o.pin = (rowsort_pin)7;
    ck_assert_ptr_null(rowsort_create(&o, &st));
    ck_assert_int_eq(st, ROWSORT_E_OPTIONS);

    rowsort_options_init(&o);
    o.topology_synthetic = "numa:2 core:2 pu:1";
    o.topology_xml = "/nonexistent.xml";
    ck_assert_ptr_null(rowsort_create(&o, &st));
    ck_assert_int_eq(st, ROWSORT_E_OPTIONS);

    rowsort_options_init(&o);
    o.topology_synthetic = "this is not a topology";
    ck_assert_ptr_null(rowsort_create(&o, &st));
    ck_assert_int_eq(st, ROWSORT_E_TOPOLOGY);

    /* a synthetic machine: described, and sorts with PIN_NONE */
    char synthetic[] = "numa:2 core:4 pu:2";
    rowsort_options_init(&o);
    o.topology_synthetic = synthetic;
    o.pin = ROWSORT_PIN_NONE;
    o.threads = 2;
    rowsort_ctx *ctx = rowsort_create(&o, &st);
    ck_assert_msg(ctx != NULL, "synthetic topology: %s", rowsort_status_string(st));
    memset(synthetic, 'x', sizeof synthetic - 1); /* copied by rowsort_create */
    size_t len = 0;
    ck_assert_int_eq(rowsort_ctx_describe(ctx, 100, 1000, ROWSORT_DTYPE_F32, NULL, 0, &len),
                     ROWSORT_OK);
    ck_assert_uint_gt(len, 0);
    char *text = malloc(len + 1);
    ck_assert_ptr_nonnull(text);
    size_t len2 = 0;
    ck_assert_int_eq(rowsort_ctx_describe(ctx, 100, 1000, ROWSORT_DTYPE_F32, text, len + 1, &len2),
                     ROWSORT_OK);
    ck_assert_uint_eq(len2, len);
    ck_assert_uint_eq(strlen(text), len);
    char small[8];
    ck_assert_int_eq(
        rowsort_ctx_describe(ctx, 100, 1000, ROWSORT_DTYPE_F32, small, sizeof small, NULL),
        ROWSORT_OK);
    ck_assert_uint_eq(strlen(small), sizeof small - 1); /* cut to fit, NUL-terminated */
    ck_assert(memcmp(small, text, sizeof small - 1) == 0);
    free(text);
    ck_assert_int_eq(rowsort_ctx_describe(ctx, 1, 1, ROWSORT_DTYPE_COUNT, NULL, 0, NULL),
                     ROWSORT_E_DTYPE);
    ck_assert_int_eq(rowsort_ctx_describe(NULL, 1, 1, ROWSORT_DTYPE_F32, NULL, 0, NULL),
                     ROWSORT_E_NULL);
    ck_assert_int_eq(rowsort_ctx_describe(ctx, 1, 1, ROWSORT_DTYPE_F32, NULL, 5, NULL),
                     ROWSORT_E_NULL);
    float x[2][20000];
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < 20000; i++)
            x[r][i] = (float)((i * 7919) % 20000);
    rowsort_array op = {x, ROWSORT_DTYPE_F32, 0};
    rowsort_request req = one_operand(&op, 2, 20000);
    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < 20000; i++)
            ck_assert(x[r][i] == (float)i);
    rowsort_destroy(ctx);
}
END_TEST

/* ------------------------------------------------------------------ request validation */

#define VN    8 /* elements per row */
#define VROWS 2

/* A valid request and its buffers, each filled with a pattern so that "nothing written"
 * can be checked after a rejected call. */
typedef struct vfix {
    float data[VROWS * VN];
    int16_t keys2[VROWS * VN];
    float out[VROWS * VN];
    int16_t out2[VROWS * VN];
    int64_t idx[VROWS * VN];
    rowsort_array ops[2], outs[2];
    rowsort_request req;
} vfix;

static void vfix_init(vfix *f)
{
    for (int i = 0; i < VROWS * VN; i++) {
        f->data[i] = (float)((i * 7) % 5) - 2.0f;
        f->keys2[i] = (int16_t)(i % 3);
        f->out[i] = -1234.0f;
        f->out2[i] = -77;
        f->idx[i] = -99;
    }
    f->ops[0] = (rowsort_array){f->data, ROWSORT_DTYPE_F32, 0};
    f->ops[1] = (rowsort_array){f->keys2, ROWSORT_DTYPE_I16, 0};
    f->outs[0] = (rowsort_array){f->out, ROWSORT_DTYPE_F32, 0};
    f->outs[1] = (rowsort_array){f->out2, ROWSORT_DTYPE_I16, 0};
    rowsort_request_init(&f->req);
    f->req.rows = VROWS;
    f->req.n = VN;
    f->req.operands = f->ops;
    f->req.num_operands = 2;
}

/* Nothing of the fixture's buffers changed. */
static void vfix_untouched(const vfix *f, const char *what)
{
    vfix fresh;
    vfix_init(&fresh);
    ck_assert_msg(memcmp(f->data, fresh.data, sizeof f->data) == 0, "%s: data written", what);
    ck_assert_msg(memcmp(f->keys2, fresh.keys2, sizeof f->keys2) == 0, "%s: data written", what);
    ck_assert_msg(memcmp(f->out, fresh.out, sizeof f->out) == 0, "%s: output written", what);
    ck_assert_msg(memcmp(f->out2, fresh.out2, sizeof f->out2) == 0, "%s: output written", what);
    ck_assert_msg(memcmp(f->idx, fresh.idx, sizeof f->idx) == 0, "%s: indices written", what);
}

#define EXPECT_REJECTED(ctx, f, want, what)                                                   \
    do {                                                                                      \
        const rowsort_status got_ = rowsort_sort((ctx), &(f)->req);                           \
        ck_assert_msg(got_ == (want), "%s: got %d (%s), want %d (%s)", (what), (int)got_,     \
                      rowsort_status_string(got_), (int)(want), rowsort_status_string(want)); \
        vfix_untouched((f), (what));                                                          \
    } while (0)

START_TEST(test_validation)
{
    rowsort_ctx *ctx = make_ctx(2);
    vfix f;

    vfix_init(&f);
    ck_assert_int_eq(rowsort_sort(NULL, &f.req), ROWSORT_E_NULL);
    vfix_untouched(&f, "NULL ctx");
    ck_assert_int_eq(rowsort_sort(ctx, NULL), ROWSORT_E_NULL);

    vfix_init(&f);
    f.req.operands = NULL;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_NULL, "operands NULL");

    vfix_init(&f);
    f.ops[1].data = NULL;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_NULL, "operand data NULL");

    vfix_init(&f);
    f.req.outputs = f.outs;
    f.ops[0].data = NULL;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_NULL, "operand data NULL, out of place");

    const rowsort_dtype bad_dtypes[] = {ROWSORT_DTYPE_COUNT, (rowsort_dtype)99, (rowsort_dtype)-1};
    for (size_t i = 0; i < 3; i++) {
        vfix_init(&f);
        f.ops[1].dtype = bad_dtypes[i];
        EXPECT_REJECTED(ctx, &f, ROWSORT_E_DTYPE, "bad operand dtype");
        vfix_init(&f);
        f.req.outputs = f.outs;
        f.ops[0].dtype = bad_dtypes[i];
        f.outs[0].dtype = bad_dtypes[i];
        EXPECT_REJECTED(ctx, &f, ROWSORT_E_DTYPE, "bad operand and output dtype");
    }

    vfix_init(&f);
    f.req.outputs = f.outs;
    f.outs[1].dtype = ROWSORT_DTYPE_I32;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_DTYPE, "output dtype differs from its operand");

    const unsigned bad_flags[] = {0x10u, 0x80000000u, ROWSORT_FLAGS_ALL + 1, ~0u};
    for (size_t i = 0; i < 4; i++) {
        vfix_init(&f);
        f.req.flags = bad_flags[i];
        EXPECT_REJECTED(ctx, &f, ROWSORT_E_FLAGS, "unknown flag bits");
    }

    vfix_init(&f);
    f.req.num_keys = 0;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_NUM_KEYS, "num_keys 0");
    vfix_init(&f);
    f.req.num_keys = 3;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_NUM_KEYS, "num_keys > num_operands");
    vfix_init(&f);
    f.req.num_operands = 0;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_NUM_KEYS, "no operands");

    vfix_init(&f);
    f.req.outputs = f.outs;
    f.req.select = ROWSORT_SELECT_LARGEST;
    f.req.k = VN + 1;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_TOP_K, "k > n");
    vfix_init(&f);
    f.req.outputs = f.outs;
    f.req.select = ROWSORT_SELECT_SMALLEST;
    f.req.k = SIZE_MAX;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_TOP_K, "k = SIZE_MAX");
    vfix_init(&f);
    f.req.select = ROWSORT_SELECT_LARGEST;
    f.req.k = 2;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_TOP_K, "top-k without outputs");
    vfix_init(&f);
    f.req.select = (rowsort_select)9;
    {
        const rowsort_status st = rowsort_sort(ctx, &f.req);
        ck_assert_msg(st != ROWSORT_OK, "unknown select value accepted");
        vfix_untouched(&f, "unknown select");
    }

    const rowsort_dtype bad_index[] = {ROWSORT_DTYPE_I16, ROWSORT_DTYPE_U32, ROWSORT_DTYPE_U64,
                                       ROWSORT_DTYPE_F32, ROWSORT_DTYPE_I8};
    for (size_t i = 0; i < sizeof bad_index / sizeof bad_index[0]; i++) {
        vfix_init(&f);
        f.req.indices = (rowsort_array){f.idx, bad_index[i], 0};
        EXPECT_REJECTED(ctx, &f, ROWSORT_E_INDEX_DTYPE, "index dtype not int32/int64");
    }

    vfix_init(&f);
    f.ops[0].row_stride_bytes = VN * sizeof(float) - 4;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_STRIDE, "operand stride smaller than a row");
    vfix_init(&f);
    f.ops[1].row_stride_bytes = 1;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_STRIDE, "operand stride 1 byte");
    vfix_init(&f);
    f.req.outputs = f.outs;
    f.outs[0].row_stride_bytes = VN * sizeof(float) - 4;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_STRIDE, "output stride smaller than a row");
    vfix_init(&f);
    f.req.indices = (rowsort_array){f.idx, ROWSORT_DTYPE_I64, VN * 8 - 8};
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_STRIDE, "index stride smaller than a row");

    /* rows x n x itemsize beyond size_t: rejected before any access */
    vfix_init(&f);
    f.req.num_operands = 1;
    f.req.n = SIZE_MAX / 2;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_OVERFLOW, "n x itemsize overflows");
    vfix_init(&f);
    f.req.num_operands = 1;
    f.req.rows = SIZE_MAX / 16;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_OVERFLOW, "rows x n x itemsize overflows");
    vfix_init(&f);
    f.req.num_operands = 1;
    f.req.rows = 3;
    f.ops[0].row_stride_bytes = SIZE_MAX / 2;
    EXPECT_REJECTED(ctx, &f, ROWSORT_E_OVERFLOW, "rows x stride overflows");

    /* int32 indices need n < 2^31 (the buffers are never reached: validation comes first) */
    if (sizeof(size_t) == 8) {
        vfix_init(&f);
        f.req.num_operands = 1;
        f.req.rows = 1;
        f.req.n = (size_t)1 << 31;
        f.req.indices = (rowsort_array){f.idx, ROWSORT_DTYPE_I32, 0};
        EXPECT_REJECTED(ctx, &f, ROWSORT_E_INDEX_DTYPE, "int32 indices with n = 2^31");
    }

    /* the valid request itself works (so the rejections above were about the mutation) */
    vfix_init(&f);
    f.req.num_keys = 2;
    f.req.outputs = f.outs;
    f.req.indices = (rowsort_array){f.idx, ROWSORT_DTYPE_I64, 0};
    f.req.flags = ROWSORT_STABLE;
    ck_assert_int_eq(rowsort_sort(ctx, &f.req), ROWSORT_OK);
    for (int r = 0; r < VROWS; r++)
        for (int j = 1; j < VN; j++)
            ck_assert(f.out[r * VN + j - 1] < f.out[r * VN + j] ||
                      (f.out[r * VN + j - 1] == f.out[r * VN + j] &&
                       f.out2[r * VN + j - 1] <= f.out2[r * VN + j]));
    rowsort_destroy(ctx);
}
END_TEST

/* Top-k picks its own direction: DESCENDING with it is ROWSORT_E_FLAGS, and nothing is
 * written. */
START_TEST(test_top_k_descending_flag)
{
    rowsort_ctx *ctx = make_ctx(1);
    vfix f;
    vfix_init(&f);
    f.req.num_operands = 1;
    f.req.outputs = f.outs;
    f.req.select = ROWSORT_SELECT_LARGEST;
    f.req.k = 3;
    f.req.flags = ROWSORT_DESCENDING;
    ck_assert_int_eq(rowsort_sort(ctx, &f.req), ROWSORT_E_FLAGS);
    vfix_untouched(&f, "top-k with DESCENDING");
    rowsort_destroy(ctx);
}
END_TEST

/* ------------------------------------------------------------------ one-call helpers */

START_TEST(test_helpers_validation)
{
    setenv("ROWSORT_THREADS", "2", 1);
    unsetenv("ROWSORT_ISA");
    float x[6] = {5, 4, 3, 2, 1, 0};
    int32_t idx[6] = {-1, -1, -1, -1, -1, -1};
    ck_assert_int_eq(rowsort_sort_rows(NULL, 2, 3, ROWSORT_DTYPE_F32, 0), ROWSORT_E_NULL);
    ck_assert_int_eq(rowsort_sort_rows(NULL, 0, 3, ROWSORT_DTYPE_F32, 0), ROWSORT_OK);
    ck_assert_int_eq(rowsort_sort_rows(NULL, 3, 0, ROWSORT_DTYPE_F32, 0), ROWSORT_OK);
    ck_assert_int_eq(rowsort_sort_rows(x, 2, 3, ROWSORT_DTYPE_COUNT, 0), ROWSORT_E_DTYPE);
    ck_assert_int_eq(rowsort_sort_rows(x, 2, 3, ROWSORT_DTYPE_F32, 0x100), ROWSORT_E_FLAGS);
    ck_assert_int_eq(rowsort_sort_rows(x, SIZE_MAX / 4, 8, ROWSORT_DTYPE_F32, 0),
                     ROWSORT_E_OVERFLOW);
    ck_assert(x[0] == 5 && x[5] == 0);
    ck_assert_int_eq(rowsort_argsort_rows(x, 2, 3, ROWSORT_DTYPE_F32, 0, NULL), ROWSORT_E_NULL);
    ck_assert_int_eq(rowsort_argsort_rows(NULL, 2, 3, ROWSORT_DTYPE_F32, 0, idx), ROWSORT_E_NULL);
    ck_assert_int_eq(rowsort_argsort_rows(x, 2, 3, (rowsort_dtype)-3, 0, idx), ROWSORT_E_DTYPE);
    ck_assert_int_eq(rowsort_argsort_rows(x, 2, 3, ROWSORT_DTYPE_F32, 0x40, idx), ROWSORT_E_FLAGS);
    ck_assert_int_eq(rowsort_argsort_rows(x, 0, 3, ROWSORT_DTYPE_F32, 0, NULL), ROWSORT_OK);
    ck_assert_int_eq(idx[0], -1);
    ck_assert(x[0] == 5 && x[5] == 0);
}
END_TEST

static uint32_t fbits(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b;
}

START_TEST(test_helpers_examples)
{
    setenv("ROWSORT_THREADS", "2", 1);
    unsetenv("ROWSORT_ISA");
    /* two rows, sorted independently; bit-exact (-0.0 and NaN payloads kept) */
    const uint32_t nan_a = 0x7fc00001u, nan_b = 0xffc00002u;
    float x[2][5];
    const uint32_t in_bits[2][5] = {{fbits(3), nan_a, fbits(-0.0f), fbits(0.0f), fbits(1)},
                                    {fbits(-1), fbits(2), nan_b, fbits(2), fbits(-INFINITY)}};
    memcpy(x, in_bits, sizeof x);
    ck_assert_int_eq(rowsort_sort_rows(x, 2, 5, ROWSORT_DTYPE_F32,
                                       ROWSORT_DESCENDING | ROWSORT_NANS_LAST | ROWSORT_STABLE),
                     ROWSORT_OK);
    const uint32_t want[2][5] = {{fbits(3), fbits(1), fbits(-0.0f), fbits(0.0f), nan_a},
                                 {fbits(2), fbits(2), fbits(-1), fbits(-INFINITY), nan_b}};
    ck_assert(memcmp(x, want, sizeof x) == 0);

    int32_t idx[2][5];
    memcpy(x, in_bits, sizeof x);
    ck_assert_int_eq(rowsort_argsort_rows(x, 2, 5, ROWSORT_DTYPE_F32, ROWSORT_DESCENDING, idx[0]),
                     ROWSORT_OK);
    const int32_t want_idx[2][5] = {{1, 0, 4, 2, 3}, {2, 1, 3, 0, 4}};
    ck_assert(memcmp(idx, want_idx, sizeof idx) == 0);
    ck_assert(memcmp(x, in_bits, sizeof x) == 0);

    int16_t v[7] = {INT16_MAX, -1, INT16_MIN, 0, 5, -1, INT16_MIN + 1};
    ck_assert_int_eq(rowsort_sort_rows(v, 1, 7, ROWSORT_DTYPE_I16, 0), ROWSORT_OK);
    const int16_t want_v[7] = {INT16_MIN, INT16_MIN + 1, -1, -1, 0, 5, INT16_MAX};
    ck_assert(memcmp(v, want_v, sizeof v) == 0);
}
END_TEST

/* memory_limit_bytes: a call whose one-thread scratch would pass the limit is
 * ROWSORT_E_NOMEM and writes nothing; one that fits on one thread but not on two still
 * sorts (on one thread), with the same bytes as an unlimited context. */
START_TEST(test_memory_limit)
{
    enum { N = 1 << 16 };
    int32_t *data = malloc(N * sizeof *data), *want = malloc(N * sizeof *want);
    ck_assert_ptr_nonnull(data);
    ck_assert_ptr_nonnull(want);
    uint32_t s = 12345;
    for (size_t i = 0; i < N; i++) {
        s = s * 1664525u + 1013904223u;
        want[i] = data[i] = (int32_t)s;
    }
    rowsort_status st;
    rowsort_options o;
    rowsort_options_init(&o);
    o.threads = 2;
    o.pin = ROWSORT_PIN_NONE;
    o.memory_limit_bytes = 4096; /* far below one thread's scratch for 2^16 keys */
    rowsort_ctx *tight = rowsort_create(&o, &st);
    ck_assert_ptr_nonnull(tight);
    rowsort_array a = {data, ROWSORT_DTYPE_I32, 0};
    rowsort_request req = one_operand(&a, 1, N);
    ck_assert_int_eq(rowsort_sort(tight, &req), ROWSORT_E_NOMEM);
    ck_assert(memcmp(data, want, N * sizeof *data) == 0);
    rowsort_destroy(tight);

    /* One thread's scratch (16 bytes per key) fits, two threads' split buffers do not. */
    o.memory_limit_bytes = (size_t)N * 16 + 8192;
    rowsort_ctx *one = rowsort_create(&o, &st);
    ck_assert_ptr_nonnull(one);
    ck_assert_int_eq(rowsort_sort(one, &req), ROWSORT_OK);
    rowsort_destroy(one);
    rowsort_ctx *free_ctx = make_ctx(2);
    rowsort_array b = {want, ROWSORT_DTYPE_I32, 0};
    req.operands = &b;
    ck_assert_int_eq(rowsort_sort(free_ctx, &req), ROWSORT_OK);
    rowsort_destroy(free_ctx);
    ck_assert(memcmp(data, want, N * sizeof *data) == 0);
    for (size_t i = 1; i < N; i++)
        CK_EXPECT(data[i - 1] <= data[i], "not sorted at %zu", i);
    free(data);
    free(want);
}
END_TEST

/* Scratch kept between calls: a call that fits in the buffers held reuses them, even where
 * holding them beside new ones would pass the limit (they were freed and allocated again
 * on every call before: a 16M-key argsort paid its page faults each time); a call that
 * needs more replaces them, and what is held stays within the limit. */
START_TEST(test_scratch_reused)
{
    enum { N = 1 << 16 };
    int32_t *keys = malloc(2 * N * sizeof *keys), *idx = malloc(2 * N * sizeof *idx);
    ck_assert_ptr_nonnull(keys);
    ck_assert_ptr_nonnull(idx);
    rowsort_options o;
    rowsort_options_init(&o);
    o.threads = 1;
    /* One argsort of N int32 keys holds about 32 bytes per key: one fits, two do not. */
    o.memory_limit_bytes = (size_t)N * 48;
    rowsort_status st;
    rowsort_ctx *ctx = rowsort_create(&o, &st);
    ck_assert_ptr_nonnull(ctx);
    const rs_sched_team *team = rs_ctx_team(ctx);
    rowsort_array a = {keys, ROWSORT_DTYPE_I32, 0};
    rowsort_request req = one_operand(&a, 1, N);
    req.flags = ROWSORT_STABLE;
    req.indices = (rowsort_array){idx, ROWSORT_DTYPE_I32, 0};
    ck_assert_uint_eq(rs_sched_allocations(team), 0);
    for (int call = 0; call < 3; call++) {
        uint32_t s = 777u + (uint32_t)call;
        for (size_t i = 0; i < N; i++) {
            s = s * 1664525u + 1013904223u;
            keys[i] = (int32_t)(s >> 8);
        }
        ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
        for (size_t i = 1; i < N; i++)
            CK_EXPECT(keys[i - 1] <= keys[i], "call %d: not sorted at %zu", call, i);
        ck_assert_uint_eq(rs_sched_allocations(team), 1);
        ck_assert_uint_gt(rs_sched_held_bytes(team), (size_t)N * 16);
        ck_assert_uint_le(rs_sched_held_bytes(team), o.memory_limit_bytes);
    }
    /* Shorter rows fit in the same buffer. */
    req.rows = 2;
    req.n = N / 2;
    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
    ck_assert_uint_eq(rs_sched_allocations(team), 1);
    /* Longer ones do not: the buffer held goes before the larger one comes (both at once
     * would pass the limit). */
    req.rows = 1;
    req.n = N + N / 4;
    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
    ck_assert_uint_eq(rs_sched_allocations(team), 2);
    ck_assert_uint_le(rs_sched_held_bytes(team), o.memory_limit_bytes);
    /* The public view of it, and its release: the next call allocates again and sorts. */
    ck_assert_uint_eq(rowsort_ctx_scratch_bytes(ctx), rs_sched_held_bytes(team));
    ck_assert_uint_gt(rowsort_ctx_scratch_bytes(ctx), 0);
    rowsort_ctx_release_scratch(ctx);
    ck_assert_uint_eq(rowsort_ctx_scratch_bytes(ctx), 0);
    ck_assert_int_eq(rowsort_sort(ctx, &req), ROWSORT_OK);
    for (size_t i = 1; i < req.n; i++)
        CK_EXPECT(keys[i - 1] <= keys[i], "after the release: not sorted at %zu", i);
    ck_assert_uint_eq(rs_sched_allocations(team), 3);
    ck_assert_uint_eq(rowsort_ctx_scratch_bytes(NULL), 0);
    rowsort_ctx_release_scratch(NULL);
    rowsort_destroy(ctx);
    free(keys);
    free(idx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_status_strings);
    tcase_add_test(tc, test_dtypes);
    tcase_add_test(tc, test_isa_names);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_contexts);
    tcase_add_test(tc, test_env_isa);
    tcase_add_test(tc, test_env_threads);
    tcase_add_test(tc, test_env_pin_min_bytes);
    tcase_add_test(tc, test_options_validation);
    tcase_add_test(tc, test_validation);
    tcase_add_test(tc, test_top_k_descending_flag);
    tcase_add_test(tc, test_helpers_validation);
    tcase_add_test(tc, test_helpers_examples);
    tcase_add_test(tc, test_memory_limit);
    tcase_add_test(tc, test_scratch_reused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
