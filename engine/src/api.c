/* api.c - the public entry points: contexts, request validation, the one-call helpers. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ctx.h"
#include "dispatch.h"
#include "dtype.h"
#include "keys.h"
#include "row_sort.h"
#include "rowsort.h"
#include "sched_pivot.h"
#include "sched_team.h"

struct rowsort_ctx {
    rowsort_options options; /* the topology strings point into the team's copies */
    rowsort_isa isa;
    const rs_kernel_table *kern;
    unsigned threads;
    rs_sched_team *team; /* threads, pin policy, topology, workspaces */
};

void rowsort_options_init(rowsort_options *options)
{
    if (options == NULL)
        return;
    memset(options, 0, sizeof *options);
    options->threads = 0;
    options->pin = ROWSORT_PIN_CORE;
    options->isa = ROWSORT_ISA_AUTO;
    options->memory_limit_bytes = 0;
    options->topology_synthetic = NULL;
    options->topology_xml = NULL;
}

void rowsort_request_init(rowsort_request *request)
{
    if (request == NULL)
        return;
    memset(request, 0, sizeof *request);
    request->num_keys = 1;
    request->select = ROWSORT_SELECT_ALL;
    request->indices.dtype = ROWSORT_DTYPE_I32;
}

/* Threads from ROWSORT_THREADS (a positive integer) or the CPUs we may run on. */
static rowsort_status default_threads(unsigned *threads)
{
    const char *env = getenv("ROWSORT_THREADS");
    if (env == NULL || *env == '\0') {
        *threads = rs_sched_allowed_cpus();
        return ROWSORT_OK;
    }
    char *end = NULL;
    errno = 0;
    const unsigned long v = strtoul(env, &end, 10);
    if (errno != 0 || end == env || *end != '\0' || v == 0 || v > 4096 || env[0] == '-')
        return ROWSORT_E_THREADS;
    *threads = (unsigned)v;
    return ROWSORT_OK;
}

/* ROWSORT_PIN_MIN_BYTES (decimal bytes per thread; 0: bind in every call), for the team's
 * config: 0 when unset (the plan's default). */
static rowsort_status pin_min_bytes(size_t *bytes)
{
    *bytes = 0;
    const char *env = getenv("ROWSORT_PIN_MIN_BYTES");
    if (env == NULL || *env == '\0')
        return ROWSORT_OK;
    if (env[0] < '0' || env[0] > '9') /* strtoull would take a sign or spaces */
        return ROWSORT_E_OPTIONS;
    char *end = NULL;
    errno = 0;
    const unsigned long long v = strtoull(env, &end, 10);
    if (errno != 0 || *end != '\0' || v > SIZE_MAX)
        return ROWSORT_E_OPTIONS;
    *bytes = v == 0 ? 1 : (size_t)v;
    return ROWSORT_OK;
}

static rowsort_status create_checked(const rowsort_options *options, rowsort_ctx **out)
{
    rowsort_options opts;
    rowsort_options_init(&opts);
    if (options != NULL)
        opts = *options;
    if (opts.pin != ROWSORT_PIN_NONE && opts.pin != ROWSORT_PIN_CORE &&
        opts.pin != ROWSORT_PIN_NUMA)
        return ROWSORT_E_OPTIONS;
    if (opts.topology_synthetic != NULL && opts.topology_xml != NULL)
        return ROWSORT_E_OPTIONS;
    if (opts.threads > 4096)
        return ROWSORT_E_THREADS;

    rowsort_isa isa;
    const rs_kernel_table *kern;
    RS_TRY(rs_dispatch_choose(opts.isa, &isa, &kern));
    unsigned threads = opts.threads;
    if (threads == 0)
        RS_TRY(default_threads(&threads));

    rs_sched_config config;
    memset(&config, 0, sizeof config);
    config.threads = threads;
    config.pin = opts.pin;
    config.topology_synthetic = opts.topology_synthetic;
    config.topology_xml = opts.topology_xml;
    config.memory_limit_bytes = opts.memory_limit_bytes;
    RS_TRY(pin_min_bytes(&config.min_bind_bytes));
    rs_sched_team *team = NULL;
    RS_TRY(rs_sched_team_create(&config, &team));
    rowsort_ctx *ctx = malloc(sizeof *ctx);
    if (ctx == NULL) {
        rs_sched_team_destroy(team);
        return ROWSORT_E_NOMEM;
    }
    ctx->options = opts;
    ctx->options.topology_synthetic = NULL; /* the caller's strings live only during create */
    ctx->options.topology_xml = NULL;
    ctx->isa = isa;
    ctx->kern = kern;
    ctx->threads = threads;
    ctx->team = team;
    *out = ctx;
    return ROWSORT_OK;
}

rowsort_ctx *rowsort_create(const rowsort_options *options, rowsort_status *status)
{
    rowsort_ctx *ctx = NULL;
    const rowsort_status s = create_checked(options, &ctx);
    if (status != NULL)
        *status = s;
    return s == ROWSORT_OK ? ctx : NULL;
}

void rowsort_destroy(rowsort_ctx *ctx)
{
    if (ctx == NULL)
        return;
    rs_sched_team_destroy(ctx->team);
    free(ctx);
}

rs_sched_team *rs_ctx_team(const rowsort_ctx *ctx)
{
    return ctx->team;
}

rowsort_isa rowsort_ctx_isa(const rowsort_ctx *ctx)
{
    return ctx ? ctx->isa : ROWSORT_ISA_AUTO;
}

const char *rowsort_ctx_kernel_tuning(const rowsort_ctx *ctx)
{
    return ctx ? ctx->kern->tuned_for : "";
}

unsigned rowsort_ctx_threads(const rowsort_ctx *ctx)
{
    return ctx ? ctx->threads : 0;
}

size_t rowsort_ctx_scratch_bytes(const rowsort_ctx *ctx)
{
    return ctx ? rs_sched_held_bytes(ctx->team) : 0;
}

void rowsort_ctx_release_scratch(rowsort_ctx *ctx)
{
    if (ctx != NULL)
        rs_sched_release_scratch(ctx->team);
}

rowsort_status rowsort_ctx_describe(rowsort_ctx *ctx, size_t rows, size_t n, rowsort_dtype dtype,
                                    char *buf, size_t cap, size_t *length)
{
    if (ctx == NULL || (buf == NULL && cap > 0))
        return ROWSORT_E_NULL;
    const rs_dtype_info *info = rs_dtype_info_of(dtype);
    if (info == NULL)
        return ROWSORT_E_DTYPE;
    rs_plan_workload work;
    work.rows = rows;
    work.n = n;
    work.elem_bytes = info->size;
    work.threads = ctx->threads;
    work.splittable = info->words == 1;
    work.pivot_split = rs_pivot_dtype(info, ctx->kern); /* as a values-only sort of this dtype */
    size_t len = 0;
    RS_TRY(rs_sched_describe(ctx->team, &work, buf, cap, &len));
    if (length != NULL)
        *length = len;
    return ROWSORT_OK;
}

/* Checks one array of rows x cols elements; returns its effective row stride. */
static rowsort_status check_array(const rowsort_array *a, size_t rows, size_t cols,
                                  size_t *stride_out)
{
    const rs_dtype_info *info = rs_dtype_info_of(a->dtype);
    if (info == NULL)
        return ROWSORT_E_DTYPE;
    int overflow = 0;
    const size_t row_bytes = rs_mul_size(cols, info->size, &overflow);
    if (overflow)
        return ROWSORT_E_OVERFLOW;
    const size_t stride = a->row_stride_bytes ? a->row_stride_bytes : row_bytes;
    if (rows > 1 && stride < row_bytes)
        return ROWSORT_E_STRIDE;
    if (rows > 0) {
        const size_t before_last = rs_mul_size(rows - 1, stride, &overflow);
        if (overflow || before_last > SIZE_MAX - row_bytes)
            return ROWSORT_E_OVERFLOW;
    }
    if (a->data == NULL && rows > 0 && cols > 0)
        return ROWSORT_E_NULL;
    *stride_out = stride;
    return ROWSORT_OK;
}

static int is_top_k(rowsort_select select)
{
    return select == ROWSORT_SELECT_LARGEST || select == ROWSORT_SELECT_SMALLEST;
}

/* Validates the request and fills the job (ops must have num_operands entries). */
static rowsort_status plan_job(const rowsort_ctx *ctx, const rowsort_request *req,
                               rs_operand_plan *ops, rs_job *job)
{
    const size_t n = req->n;
    unsigned flags = req->flags;
    if (flags & ~ROWSORT_FLAGS_ALL)
        return ROWSORT_E_FLAGS;
    const int top_k = is_top_k(req->select);
    if (!top_k && req->select != ROWSORT_SELECT_ALL)
        return ROWSORT_E_TOP_K;
    if (top_k) {
        if (flags & ROWSORT_DESCENDING)
            return ROWSORT_E_FLAGS; /* top-k picks its own direction: LARGEST or SMALLEST */
        if (req->k > n || req->outputs == NULL)
            return ROWSORT_E_TOP_K;
        flags |= ROWSORT_STABLE;
        if (req->select == ROWSORT_SELECT_LARGEST)
            flags |= ROWSORT_DESCENDING;
    }
    const size_t out_n = top_k ? req->k : n;

    for (size_t o = 0; o < req->num_operands; o++) {
        const rowsort_array *in = &req->operands[o];
        size_t in_stride, out_stride;
        RS_TRY(check_array(in, req->rows, n, &in_stride));
        const rs_dtype_info *info = rs_dtype_info_of(in->dtype);
        ops[o].info = info;
        ops[o].in = in->data;
        ops[o].in_stride_bytes = in_stride;
        if (req->outputs != NULL) {
            const rowsort_array *out = &req->outputs[o];
            if (out->dtype != in->dtype)
                return ROWSORT_E_DTYPE;
            ops[o].out = NULL; /* data == NULL: this operand's values are not wanted */
            ops[o].out_stride_bytes = 0;
            if (out->data != NULL) {
                RS_TRY(check_array(out, req->rows, out_n, &out_stride));
                ops[o].out = out->data;
                ops[o].out_stride_bytes = out_stride;
            }
        } else {
            ops[o].out = in->data;
            ops[o].out_stride_bytes = in_stride;
        }
    }

    memset(job, 0, sizeof *job);
    job->idx_out = NULL;
    if (req->indices.data != NULL) {
        const rowsort_dtype d = req->indices.dtype;
        if (d != ROWSORT_DTYPE_I32 && d != ROWSORT_DTYPE_I64)
            return ROWSORT_E_INDEX_DTYPE;
        if (d == ROWSORT_DTYPE_I32 && n > (size_t)INT32_MAX)
            return ROWSORT_E_INDEX_DTYPE;
        size_t idx_stride;
        RS_TRY(check_array(&req->indices, req->rows, out_n, &idx_stride));
        job->idx_out = req->indices.data;
        job->idx_stride_bytes = idx_stride;
        job->idx_out_bytes = d == ROWSORT_DTYPE_I32 ? 4 : 8;
    }

    job->kern = ctx->kern;
    job->rows = req->rows;
    job->n = n;
    job->out_n = out_n;
    job->num_operands = req->num_operands;
    job->num_keys = req->num_keys;
    job->ops = ops;
    job->order = rs_order_from_flags(flags);
    job->perm_bytes = n <= UINT32_MAX ? 4 : 8;
    /* One operand without indices: stability shows only where equal values differ in bits:
     * nowhere for integers and totalOrder, only among zeros and NaNs for floats, which the
     * unstable sort then puts back in input order (row_refill.h). */
    const int one_value = req->num_operands == 1 && !top_k && job->idx_out == NULL &&
                          ops[0].info->words == 1 && ops[0].out != NULL;
    const int stable = (flags & ROWSORT_STABLE) != 0;
    const int identical = rs_keys_equal_is_identical(ops[0].info, job->order);
    job->stable_refill = one_value && stable && !identical &&
                         ops[0].info->key_class == RS_KEY_FLOAT;
    job->values_only = one_value && (!stable || identical || job->stable_refill);
    return ROWSORT_OK;
}

rowsort_status rowsort_sort(rowsort_ctx *ctx, const rowsort_request *request)
{
    if (ctx == NULL || request == NULL)
        return ROWSORT_E_NULL;
    if (request->num_keys == 0 || request->num_keys > request->num_operands)
        return ROWSORT_E_NUM_KEYS;
    if (request->operands == NULL)
        return ROWSORT_E_NULL;

    rs_operand_plan *ops = rs_alloc_array(request->num_operands, sizeof *ops);
    if (ops == NULL)
        return ROWSORT_E_NOMEM;
    rs_job job;
    rowsort_status status = plan_job(ctx, request, ops, &job);
    if (status == ROWSORT_OK && job.n > 0)
        status = rs_sched_run(ctx->team, &job);
    free(ops);
    return status;
}

/* The one-call helpers: default options, a private context per call. Its threads are not
 * bound: reading the topology to bind them costs a millisecond or more, more than sorting
 * a typical batch, and a context that lives for one call cannot amortize it. */
static rowsort_status sort_with_default_ctx(const rowsort_request *req)
{
    rowsort_status status;
    rowsort_options options;
    rowsort_options_init(&options);
    options.pin = ROWSORT_PIN_NONE;
    rowsort_ctx *ctx = rowsort_create(&options, &status);
    if (ctx == NULL)
        return status;
    status = rowsort_sort(ctx, req);
    rowsort_destroy(ctx);
    return status;
}

rowsort_status rowsort_sort_rows(void *data, size_t rows, size_t n, rowsort_dtype dtype,
                                 unsigned flags)
{
    rowsort_request req;
    rowsort_request_init(&req);
    const rowsort_array operand = {data, dtype, 0};
    req.rows = rows;
    req.n = n;
    req.operands = &operand;
    req.num_operands = 1;
    req.flags = flags;
    return sort_with_default_ctx(&req);
}

rowsort_status rowsort_argsort_rows(const void *data, size_t rows, size_t n, rowsort_dtype dtype,
                                    unsigned flags, int32_t *indices)
{
    if (indices == NULL && rows > 0 && n > 0)
        return ROWSORT_E_NULL;
    rowsort_request req;
    rowsort_request_init(&req);
    const rowsort_array operand = {(void *)data, dtype, 0};
    const rowsort_array output = {NULL, dtype, 0}; /* indices only: no values written */
    req.rows = rows;
    req.n = n;
    req.operands = &operand;
    req.outputs = &output;
    req.num_operands = 1;
    req.flags = flags | ROWSORT_STABLE;
    req.indices.data = indices;
    req.indices.dtype = ROWSORT_DTYPE_I32;
    return sort_with_default_ctx(&req);
}
