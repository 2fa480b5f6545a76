/* _rowsort.c - the CPython extension over the rowsort C API.
 *
 * One entry point, sort_rows(), takes arrays whose sort axis is already the last one (the
 * Python layer in rowsort/__init__.py moves axes, checks arguments and picks dtype codes) and
 * returns freshly allocated outputs. Inputs are read in place when their last axis is
 * contiguous and their leading axes flatten into one row stride; otherwise they are copied
 * once (C order). The GIL is released while the engine sorts.
 *
 * Contexts are kept between calls (ctx_take, ctx_give_back), one per thread count and
 * environment: a context owns the thread team, this machine's topology and the scratch, and a
 * new one per call cost more than the sort itself (8x8192 float32 on 2 threads: 350 us, of
 * which ~270 loading the topology, against 62 for the sort on a kept context). A context
 * serves one call at a time: a Python thread that finds every fitting one busy (another
 * thread is sorting with the GIL released) creates its own. A kept context that holds more
 * than RS_PY_KEEP_BYTES of scratch after a call frees it (rowsort_ctx_release_scratch), so
 * that a large call does not leave its scratch held; the team and topology stay.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <stdint.h>
#include <string.h>

#include "rowsort.h"

/* Contexts kept between calls: their number, and the most scratch one keeps between calls. */
#define RS_PY_CTX_SLOTS 4
#define RS_PY_KEEP_BYTES ((size_t)64 << 20)

/* The environment variables rowsort_create reads: a kept context serves calls made while
 * they have the values they had at its creation. */
#define RS_PY_ENV_VARS 3
static const char *const ctx_env_names[RS_PY_ENV_VARS] = {"ROWSORT_ISA", "ROWSORT_THREADS",
                                                          "ROWSORT_PIN_MIN_BYTES"};

typedef struct ctx_slot {
    rowsort_ctx *ctx; /* NULL: free */
    unsigned threads; /* as asked (0: the default) */
    char *env[RS_PY_ENV_VARS];
    int busy; /* a call holds it (the GIL guards every field) */
} ctx_slot;

typedef struct module_state {
    ctx_slot slot[RS_PY_CTX_SLOTS];
} module_state;

static int env_matches(char *const *saved)
{
    for (int i = 0; i < RS_PY_ENV_VARS; i++) {
        const char *now = getenv(ctx_env_names[i]);
        if ((now == NULL) != (saved[i] == NULL) || (now != NULL && strcmp(now, saved[i]) != 0))
            return 0;
    }
    return 1;
}

static void slot_clear(ctx_slot *s)
{
    rowsort_destroy(s->ctx);
    s->ctx = NULL;
    for (int i = 0; i < RS_PY_ENV_VARS; i++) {
        PyMem_RawFree(s->env[i]);
        s->env[i] = NULL;
    }
    s->busy = 0;
}

/* Records the environment in s; 0 when out of memory (s then holds none of it). */
static int slot_save_env(ctx_slot *s)
{
    for (int i = 0; i < RS_PY_ENV_VARS; i++) {
        const char *now = getenv(ctx_env_names[i]);
        if (now == NULL)
            continue;
        const size_t len = strlen(now) + 1;
        s->env[i] = PyMem_RawMalloc(len);
        if (s->env[i] == NULL) {
            for (int j = 0; j < i; j++) {
                PyMem_RawFree(s->env[j]);
                s->env[j] = NULL;
            }
            return 0;
        }
        memcpy(s->env[i], now, len);
    }
    return 1;
}

/* With the GIL held: a context for `threads`, a kept one that is idle, else a new one, kept
 * in a free slot or in place of an idle one when there is one. *slot_out: the slot it is
 * kept in, or NULL (the caller destroys it). NULL with *status set when creation failed. */
static rowsort_ctx *ctx_take(module_state *st, unsigned threads, ctx_slot **slot_out,
                             rowsort_status *status)
{
    *slot_out = NULL;
    for (int i = 0; i < RS_PY_CTX_SLOTS; i++) {
        ctx_slot *s = &st->slot[i];
        if (s->ctx != NULL && !s->busy && s->threads == threads && env_matches(s->env)) {
            s->busy = 1;
            *slot_out = s;
            return s->ctx;
        }
    }
    rowsort_options opts;
    rowsort_options_init(&opts);
    opts.threads = threads;
    rowsort_ctx *ctx = rowsort_create(&opts, status);
    if (ctx == NULL)
        return NULL;
    ctx_slot *s = NULL;
    for (int i = 0; i < RS_PY_CTX_SLOTS && s == NULL; i++)
        if (st->slot[i].ctx == NULL)
            s = &st->slot[i];
    for (int i = 0; i < RS_PY_CTX_SLOTS && s == NULL; i++)
        if (!st->slot[i].busy) {
            s = &st->slot[i];
            slot_clear(s);
        }
    if (s != NULL && slot_save_env(s)) {
        s->ctx = ctx;
        s->threads = threads;
        s->busy = 1;
        *slot_out = s;
    }
    return ctx;
}

/* With the GIL held: the end of a call on ctx (from ctx_take). A kept context keeps at most
 * RS_PY_KEEP_BYTES of scratch; one made for this call alone goes. */
static void ctx_give_back(rowsort_ctx *ctx, ctx_slot *slot)
{
    if (slot == NULL) {
        rowsort_destroy(ctx);
        return;
    }
    if (rowsort_ctx_scratch_bytes(ctx) > RS_PY_KEEP_BYTES)
        rowsort_ctx_release_scratch(ctx);
    slot->busy = 0;
}

/* Raises the Python exception that fits a status; returns NULL for `return raise(...)`. */
static PyObject *raise_status(rowsort_status s)
{
    PyObject *type = PyExc_RuntimeError;
    switch (s) {
    case ROWSORT_E_NOMEM:
        type = PyExc_MemoryError;
        break;
    case ROWSORT_E_DTYPE:
        type = PyExc_TypeError;
        break;
    case ROWSORT_E_NULL:
    case ROWSORT_E_FLAGS:
    case ROWSORT_E_NUM_KEYS:
    case ROWSORT_E_TOP_K:
    case ROWSORT_E_INDEX_DTYPE:
    case ROWSORT_E_STRIDE:
    case ROWSORT_E_OVERFLOW:
    case ROWSORT_E_ISA:
    case ROWSORT_E_THREADS:
    case ROWSORT_E_OPTIONS:
    case ROWSORT_E_PIN:
        type = PyExc_ValueError;
        break;
    default:
        break;
    }
    PyErr_Format(type, "rowsort: %s", rowsort_status_string(s));
    return NULL;
}

/* The row stride of an array sorted along its last axis, if the engine can read it in place:
 * the last axis contiguous, the leading axes flattening into one positive stride that is at
 * least a row long, aligned data. Returns 0 when the array must be copied first. */
static int flat_row_stride(PyArrayObject *a, size_t *stride_out)
{
    const int nd = PyArray_NDIM(a);
    const npy_intp *shape = PyArray_SHAPE(a);
    const npy_intp *strides = PyArray_STRIDES(a);
    const npy_intp item = PyArray_ITEMSIZE(a);
    const npy_intp n = shape[nd - 1];

    if (PyArray_SIZE(a) == 0) {
        *stride_out = 0;
        return 1;
    }
    if (!PyArray_ISALIGNED(a))
        return 0;
    if (n > 1 && strides[nd - 1] != item)
        return 0;
    npy_intp s = 0, inner = 1;
    for (int i = nd - 2; i >= 0; i--) {
        if (shape[i] == 1)
            continue;
        if (s == 0) {
            s = strides[i];
            if (s <= 0)
                return 0;
            inner = shape[i];
            continue;
        }
        if (strides[i] != s * inner)
            return 0;
        inner *= shape[i];
    }
    if (s == 0) { /* at most one row */
        *stride_out = 0;
        return 1;
    }
    if (s % item != 0 || s < n * item)
        return 0;
    *stride_out = (size_t)s;
    return 1;
}

static const char sort_rows_doc[] =
    "sort_rows(operands, dtypes, num_keys, flags, select, k, values, index_bytes, threads)\n"
    "--\n\n"
    "Low-level entry point used by rowsort.sort/argsort/top_k: sorts every row (last axis)\n"
    "of same-shaped, native-byte-order arrays. dtypes are rowsort_dtype codes; values[i]\n"
    "says whether operand i's sorted values are wanted; index_bytes is 0, 4 or 8; select is\n"
    "0 (whole row), 1 (top-k largest) or 2 (top-k smallest). Returns (outputs, indices)\n"
    "with None for what was not asked.";

static PyObject *sort_rows(PyObject *self, PyObject *args, PyObject *kwargs)
{
    module_state *mst = PyModule_GetState(self);
    static char *kwlist[] = {"operands", "dtypes",      "num_keys", "flags", "select", "k",
                             "values",   "index_bytes", "threads",  NULL};
    PyObject *operands_obj, *dtypes_obj, *values_obj;
    Py_ssize_t num_keys, k;
    unsigned int flags, threads;
    int select, index_bytes;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOnIinOiI:sort_rows", kwlist, &operands_obj,
                                     &dtypes_obj, &num_keys, &flags, &select, &k, &values_obj,
                                     &index_bytes, &threads))
        return NULL;

    PyObject *ops_seq = NULL, *dt_seq = NULL, *val_seq = NULL, *result = NULL;
    PyArrayObject **ins = NULL, **outs = NULL;
    PyArrayObject *idx = NULL;
    rowsort_array *in_arrays = NULL, *out_arrays = NULL;
    Py_ssize_t nops = 0;

    ops_seq = PySequence_Fast(operands_obj, "operands must be a sequence of arrays");
    dt_seq = ops_seq ? PySequence_Fast(dtypes_obj, "dtypes must be a sequence of ints") : NULL;
    val_seq = dt_seq ? PySequence_Fast(values_obj, "values must be a sequence of bools") : NULL;
    if (val_seq == NULL)
        goto cleanup;
    nops = PySequence_Fast_GET_SIZE(ops_seq);
    if (nops < 1) {
        PyErr_SetString(PyExc_ValueError, "rowsort: at least one operand is needed");
        goto cleanup;
    }
    if (PySequence_Fast_GET_SIZE(dt_seq) != nops || PySequence_Fast_GET_SIZE(val_seq) != nops) {
        PyErr_SetString(PyExc_ValueError, "rowsort: dtypes and values need one entry per operand");
        goto cleanup;
    }
    if (num_keys < 1 || num_keys > nops) {
        PyErr_Format(PyExc_ValueError, "rowsort: num_keys must be in 1..%zd, got %zd", nops,
                     num_keys);
        goto cleanup;
    }
    if (index_bytes != 0 && index_bytes != 4 && index_bytes != 8) {
        PyErr_SetString(PyExc_ValueError, "rowsort: index_bytes must be 0, 4 or 8");
        goto cleanup;
    }
    if (select < 0 || select > 2) {
        PyErr_SetString(PyExc_ValueError, "rowsort: select must be 0, 1 or 2");
        goto cleanup;
    }

    ins = PyMem_Calloc((size_t)nops, sizeof *ins);
    outs = PyMem_Calloc((size_t)nops, sizeof *outs);
    in_arrays = PyMem_Calloc((size_t)nops, sizeof *in_arrays);
    out_arrays = PyMem_Calloc((size_t)nops, sizeof *out_arrays);
    if (!ins || !outs || !in_arrays || !out_arrays) {
        PyErr_NoMemory();
        goto cleanup;
    }

    int nd = 0;
    npy_intp shape[NPY_MAXDIMS];
    size_t rows = 1, n = 0;
    for (Py_ssize_t o = 0; o < nops; o++) {
        PyObject *obj = PySequence_Fast_GET_ITEM(ops_seq, o);
        if (!PyArray_Check(obj)) {
            PyErr_Format(PyExc_TypeError, "rowsort: operand %zd is not a NumPy array", o);
            goto cleanup;
        }
        PyArrayObject *a = (PyArrayObject *)obj;
        const long code = PyLong_AsLong(PySequence_Fast_GET_ITEM(dt_seq, o));
        if (code == -1 && PyErr_Occurred())
            goto cleanup;
        if (code < 0 || code >= ROWSORT_DTYPE_COUNT) {
            PyErr_Format(PyExc_TypeError, "rowsort: operand %zd: bad dtype code %ld", o, code);
            goto cleanup;
        }
        const size_t size = rowsort_dtype_size((rowsort_dtype)code);
        if ((size_t)PyArray_ITEMSIZE(a) != size) {
            PyErr_Format(PyExc_TypeError,
                         "rowsort: operand %zd: %zd-byte elements do not match dtype %s", o,
                         (Py_ssize_t)PyArray_ITEMSIZE(a), rowsort_dtype_name((rowsort_dtype)code));
            goto cleanup;
        }
        if (!PyArray_ISNOTSWAPPED(a)) {
            PyErr_Format(PyExc_ValueError, "rowsort: operand %zd is not in native byte order", o);
            goto cleanup;
        }
        if (PyArray_NDIM(a) < 1) {
            PyErr_Format(PyExc_ValueError, "rowsort: operand %zd is 0-dimensional", o);
            goto cleanup;
        }
        if (o == 0) {
            nd = PyArray_NDIM(a);
            memcpy(shape, PyArray_SHAPE(a), (size_t)nd * sizeof *shape);
            n = (size_t)shape[nd - 1];
            for (int i = 0; i < nd - 1; i++)
                rows *= (size_t)shape[i];
        } else if (PyArray_NDIM(a) != nd ||
                   memcmp(shape, PyArray_SHAPE(a), (size_t)nd * sizeof *shape) != 0) {
            PyErr_Format(PyExc_ValueError,
                         "rowsort: operand %zd's shape differs from operand 0's", o);
            goto cleanup;
        }

        size_t stride = 0;
        Py_INCREF(a);
        if (!flat_row_stride(a, &stride)) {
            PyArrayObject *c = (PyArrayObject *)PyArray_NewCopy(a, NPY_CORDER);
            Py_DECREF(a);
            if (c == NULL)
                goto cleanup;
            a = c;
            stride = 0;
        }
        ins[o] = a;
        in_arrays[o].data = PyArray_DATA(a);
        in_arrays[o].dtype = (rowsort_dtype)code;
        in_arrays[o].row_stride_bytes = stride;
    }

    if (select != 0 && (k < 0 || (size_t)k > n)) {
        PyErr_Format(PyExc_ValueError, "rowsort: k must be in 0..%zu, got %zd", n, k);
        goto cleanup;
    }
    const size_t out_n = select != 0 ? (size_t)k : n;
    npy_intp out_shape[NPY_MAXDIMS];
    memcpy(out_shape, shape, (size_t)nd * sizeof *shape);
    out_shape[nd - 1] = (npy_intp)out_n;

    for (Py_ssize_t o = 0; o < nops; o++) {
        const int want = PyObject_IsTrue(PySequence_Fast_GET_ITEM(val_seq, o));
        if (want < 0)
            goto cleanup;
        out_arrays[o].dtype = in_arrays[o].dtype;
        out_arrays[o].data = NULL;
        out_arrays[o].row_stride_bytes = 0;
        if (want) {
            PyArray_Descr *descr = PyArray_DESCR(ins[o]);
            Py_INCREF(descr); /* stolen below */
            outs[o] = (PyArrayObject *)PyArray_NewFromDescr(&PyArray_Type, descr, nd, out_shape,
                                                            NULL, NULL, 0, NULL);
            if (outs[o] == NULL)
                goto cleanup;
            out_arrays[o].data = PyArray_DATA(outs[o]);
        }
    }

    rowsort_request req;
    rowsort_request_init(&req);
    req.rows = rows;
    req.n = n;
    req.operands = in_arrays;
    req.outputs = out_arrays;
    req.num_operands = (size_t)nops;
    req.num_keys = (size_t)num_keys;
    req.flags = flags;
    req.select = (rowsort_select)select;
    req.k = select != 0 ? (size_t)k : 0;
    if (index_bytes != 0) {
        idx = (PyArrayObject *)PyArray_SimpleNew(nd, out_shape,
                                                 index_bytes == 4 ? NPY_INT32 : NPY_INT64);
        if (idx == NULL)
            goto cleanup;
        req.indices.data = PyArray_DATA(idx);
        req.indices.dtype = index_bytes == 4 ? ROWSORT_DTYPE_I32 : ROWSORT_DTYPE_I64;
        req.indices.row_stride_bytes = 0;
    }

    rowsort_status status = ROWSORT_OK;
    ctx_slot *slot;
    rowsort_ctx *ctx = ctx_take(mst, threads, &slot, &status);
    if (ctx != NULL) {
        Py_BEGIN_ALLOW_THREADS
        status = rowsort_sort(ctx, &req);
        Py_END_ALLOW_THREADS
        ctx_give_back(ctx, slot);
    }
    if (status != ROWSORT_OK) {
        raise_status(status);
        goto cleanup;
    }

    PyObject *out_tuple = PyTuple_New(nops);
    if (out_tuple == NULL)
        goto cleanup;
    for (Py_ssize_t o = 0; o < nops; o++) {
        PyObject *v = outs[o] ? (PyObject *)outs[o] : Py_None;
        Py_INCREF(v);
        PyTuple_SET_ITEM(out_tuple, o, v);
    }
    result = Py_BuildValue("(NO)", out_tuple, idx ? (PyObject *)idx : Py_None);

cleanup:
    if (ins != NULL)
        for (Py_ssize_t o = 0; o < nops; o++)
            Py_XDECREF(ins[o]);
    if (outs != NULL)
        for (Py_ssize_t o = 0; o < nops; o++)
            Py_XDECREF(outs[o]);
    Py_XDECREF(idx);
    PyMem_Free(ins);
    PyMem_Free(outs);
    PyMem_Free(in_arrays);
    PyMem_Free(out_arrays);
    Py_XDECREF(ops_seq);
    Py_XDECREF(dt_seq);
    Py_XDECREF(val_seq);
    return result;
}

static const char info_doc[] =
    "info(threads=0)\n--\n\n"
    "A dict describing the engine: version, the kernel path (isa) and the thread count a\n"
    "context created with `threads` (0: the default) uses.";

static PyObject *info(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *kwlist[] = {"threads", NULL};
    unsigned int threads = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|I:info", kwlist, &threads))
        return NULL;
    rowsort_options opts;
    rowsort_options_init(&opts);
    opts.threads = threads;
    rowsort_status status;
    rowsort_ctx *ctx = rowsort_create(&opts, &status);
    if (ctx == NULL)
        return raise_status(status);
    PyObject *d = Py_BuildValue("{s:s,s:s,s:s,s:I}", "version", rowsort_version(), "isa",
                                rowsort_isa_name(rowsort_ctx_isa(ctx)), "kernel_tuning",
                                rowsort_ctx_kernel_tuning(ctx), "threads",
                                rowsort_ctx_threads(ctx));
    rowsort_destroy(ctx);
    return d;
}

static const char scratch_held_doc[] =
    "_scratch_held()\n--\n\n"
    "Bytes of scratch held by the contexts kept between calls, and their number (for tests).";

static PyObject *scratch_held(PyObject *self, PyObject *unused)
{
    (void)unused;
    module_state *st = PyModule_GetState(self);
    size_t bytes = 0;
    int kept = 0;
    for (int i = 0; i < RS_PY_CTX_SLOTS; i++)
        if (st->slot[i].ctx != NULL) {
            bytes += rowsort_ctx_scratch_bytes(st->slot[i].ctx);
            kept++;
        }
    return Py_BuildValue("(ni)", (Py_ssize_t)bytes, kept);
}

static PyMethodDef methods[] = {
    {"_scratch_held", scratch_held, METH_NOARGS, scratch_held_doc},
    {"sort_rows", (PyCFunction)(void (*)(void))sort_rows, METH_VARARGS | METH_KEYWORDS,
     sort_rows_doc},
    {"info", (PyCFunction)(void (*)(void))info, METH_VARARGS | METH_KEYWORDS, info_doc},
    {NULL, NULL, 0, NULL}};

static void module_free(void *m)
{
    module_state *st = PyModule_GetState((PyObject *)m);
    if (st == NULL)
        return;
    for (int i = 0; i < RS_PY_CTX_SLOTS; i++)
        slot_clear(&st->slot[i]);
}

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT,
                                    "_rowsort",
                                    "rowsort's C extension (use the rowsort package).",
                                    sizeof(module_state),
                                    methods,
                                    NULL,
                                    NULL,
                                    NULL,
                                    module_free};

PyMODINIT_FUNC PyInit__rowsort(void)
{
    import_array();
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddStringConstant(m, "__version__", rowsort_version()) < 0 ||
        PyModule_AddIntConstant(m, "DESCENDING", ROWSORT_DESCENDING) < 0 ||
        PyModule_AddIntConstant(m, "STABLE", ROWSORT_STABLE) < 0 ||
        PyModule_AddIntConstant(m, "NANS_LAST", ROWSORT_NANS_LAST) < 0 ||
        PyModule_AddIntConstant(m, "TOTAL_ORDER", ROWSORT_TOTAL_ORDER) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    static const char *const names[ROWSORT_DTYPE_COUNT] = {
        "BOOL", "I8", "U8", "I16", "U16", "I32", "U32", "I64", "U64",
        "F16",  "BF16", "F32", "F64", "C64", "C128"};
    for (int d = 0; d < ROWSORT_DTYPE_COUNT; d++) {
        char name[32];
        snprintf(name, sizeof name, "DTYPE_%s", names[d]);
        if (PyModule_AddIntConstant(m, name, d) < 0) {
            Py_DECREF(m);
            return NULL;
        }
    }
    return m;
}
