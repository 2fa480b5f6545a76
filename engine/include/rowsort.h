/*
 * rowsort.h - sort every row of large batch arrays, fast, on every core.
 *
 * rowsort sorts each row of one or more operands of shape (rows, n). The first
 * `num_keys` operands are keys compared lexicographically; the others are
 * payloads permuted exactly as the keys are (the semantics of jax.lax.sort).
 * Every common dtype is supported, float16, bfloat16 and complex included.
 *
 * Order rules (the contract, see docs/semantics.md):
 *  - integers numerically, bool false < true;
 *  - floats numerically, -0.0 == +0.0, every NaN equal to every other NaN and
 *    greater than +inf (ascending puts NaNs last, descending first);
 *  - complex lexicographically on (real, imag), each by the float rules;
 *  - ROWSORT_NANS_LAST puts NaNs last in descending sorts too;
 *  - ROWSORT_TOTAL_ORDER compares floats by IEEE 754 totalOrder;
 *  - outputs are bit-exact permutations of the inputs (zero signs and NaN
 *    payloads are kept).
 *
 * Thread safety: the library has no global mutable state. A context may be
 * used by one call at a time; several contexts may be used from different
 * threads at once. The one-call helpers create a private context per call.
 *
 * Example:
 *     float x[8][8192];  ... fill ...
 *     rowsort_status s = rowsort_sort_rows(x, 8, 8192, ROWSORT_DTYPE_F32, 0);
 *     if (s != ROWSORT_OK) fprintf(stderr, "%s\n", rowsort_status_string(s));
 */
#ifndef ROWSORT_H
#define ROWSORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ROWSORT_STATIC_DEFINE)
#define ROWSORT_API
#elif defined(_WIN32)
#ifdef ROWSORT_BUILDING
#define ROWSORT_API __declspec(dllexport)
#else
#define ROWSORT_API __declspec(dllimport)
#endif
#else
#define ROWSORT_API __attribute__((visibility("default")))
#endif

/** \defgroup version Version */
#define ROWSORT_VERSION_MAJOR 0
#define ROWSORT_VERSION_MINOR 1
#define ROWSORT_VERSION_PATCH 0
#define ROWSORT_VERSION_NUMBER \
    (ROWSORT_VERSION_MAJOR * 10000 + ROWSORT_VERSION_MINOR * 100 + ROWSORT_VERSION_PATCH)
#define ROWSORT_VERSION_STRING "0.1.0"

/** \brief The library's version string, "MAJOR.MINOR.PATCH". Never NULL. */
ROWSORT_API const char *rowsort_version(void);
/** \brief The library's version as MAJOR*10000 + MINOR*100 + PATCH. */
ROWSORT_API unsigned rowsort_version_number(void);

/** \defgroup status Status codes (values are pinned: never renumbered) */
typedef enum rowsort_status {
    ROWSORT_OK = 0,
    ROWSORT_E_NULL = 1,        /**< a required pointer was NULL */
    ROWSORT_E_DTYPE = 2,       /**< unknown dtype value */
    ROWSORT_E_FLAGS = 3,       /**< unknown or conflicting flag bits */
    ROWSORT_E_NUM_KEYS = 4,    /**< num_keys is 0 or larger than the number of operands */
    ROWSORT_E_TOP_K = 5,       /**< k larger than n, or top-k without output arrays */
    ROWSORT_E_INDEX_DTYPE = 6, /**< indices neither int32 nor int64, or int32 with n >= 2^31 */
    ROWSORT_E_STRIDE = 7,      /**< a row stride smaller than a row */
    ROWSORT_E_OVERFLOW = 8,    /**< rows x n x itemsize does not fit in size_t */
    ROWSORT_E_NOMEM = 9,       /**< an allocation failed */
    ROWSORT_E_ISA = 10,        /**< the requested instruction set is unknown or not supported */
    ROWSORT_E_THREADS = 11,    /**< bad thread count (options or ROWSORT_THREADS) */
    ROWSORT_E_TOPOLOGY = 12,   /**< the machine topology could not be read */
    ROWSORT_E_PIN = 13,        /**< threads could not be bound as the pin policy asks */
    ROWSORT_E_OPTIONS = 14,    /**< an invalid option value */
    ROWSORT_E_INTERNAL = 15    /**< a bug in rowsort: please report it */
} rowsort_status;

/** \brief A static, human-readable message for a status. Never NULL. */
ROWSORT_API const char *rowsort_status_string(rowsort_status status);

/** \defgroup dtype Element types (values are pinned) */
typedef enum rowsort_dtype {
    ROWSORT_DTYPE_BOOL = 0,
    ROWSORT_DTYPE_I8 = 1,
    ROWSORT_DTYPE_U8 = 2,
    ROWSORT_DTYPE_I16 = 3,
    ROWSORT_DTYPE_U16 = 4,
    ROWSORT_DTYPE_I32 = 5,
    ROWSORT_DTYPE_U32 = 6,
    ROWSORT_DTYPE_I64 = 7,
    ROWSORT_DTYPE_U64 = 8,
    ROWSORT_DTYPE_F16 = 9,   /**< IEEE binary16 */
    ROWSORT_DTYPE_BF16 = 10, /**< bfloat16: the upper half of a binary32 */
    ROWSORT_DTYPE_F32 = 11,
    ROWSORT_DTYPE_F64 = 12,
    ROWSORT_DTYPE_C64 = 13,  /**< two float32: real, imaginary */
    ROWSORT_DTYPE_C128 = 14, /**< two float64: real, imaginary */
    ROWSORT_DTYPE_COUNT = 15
} rowsort_dtype;

/** \brief Size in bytes of one element of `dtype`, or 0 for an unknown dtype. */
ROWSORT_API size_t rowsort_dtype_size(rowsort_dtype dtype);
/** \brief NumPy-style name ("int32", "bfloat16", "complex64"...), or NULL if unknown. */
ROWSORT_API const char *rowsort_dtype_name(rowsort_dtype dtype);
/**
 * \brief Parses a NumPy-style dtype name (as rowsort_dtype_name writes it), or one of the
 * array-protocol codes without byte order ("b1", "i1".."u8", "f2", "f4", "f8", "c8", "c16")
 * and the aliases "half", "bf16", "f32", "f64", "float", "double". ("f16" is NumPy's
 * float128, so it is not accepted.)
 * \return ROWSORT_OK and *dtype set, or ROWSORT_E_DTYPE.
 */
ROWSORT_API rowsort_status rowsort_dtype_from_name(const char *name, rowsort_dtype *dtype);

/** \defgroup flags Sort flags (or-ed) */
#define ROWSORT_DESCENDING  0x1u /**< reverse the order of keys (NaNs first) */
#define ROWSORT_STABLE      0x2u /**< equal keys keep their input order */
#define ROWSORT_NANS_LAST   0x4u /**< NaNs last in descending sorts too */
#define ROWSORT_TOTAL_ORDER 0x8u /**< floats by IEEE 754 totalOrder */
#define ROWSORT_FLAGS_ALL   0xFu

/** \defgroup options Context options */
typedef enum rowsort_pin {
    ROWSORT_PIN_NONE = 0, /**< threads are not bound */
    ROWSORT_PIN_CORE = 1, /**< each thread bound to one core */
    ROWSORT_PIN_NUMA = 2  /**< each thread bound to the cores of one NUMA node */
} rowsort_pin;

typedef enum rowsort_isa {
    ROWSORT_ISA_AUTO = 0, /**< ROWSORT_ISA from the environment if set, else the best */
    ROWSORT_ISA_SCALAR = 1,
    ROWSORT_ISA_AVX2 = 2,
    ROWSORT_ISA_AVX512 = 3
} rowsort_isa;

/** \brief Name of an instruction-set path ("scalar", "avx2", "avx512"; "auto"), or NULL. */
ROWSORT_API const char *rowsort_isa_name(rowsort_isa isa);

typedef struct rowsort_options {
    /** Worker threads; 0: ROWSORT_THREADS from the environment if set, else one per CPU
     *  the process may run on. */
    unsigned threads;
    /** Thread binding; ROWSORT_PIN_CORE by default. Threads take one PU per core before a
     *  second PU of any core, spread over the NUMA nodes in proportion to their allowed PUs;
     *  with more threads than allowed PUs they wrap around (each still bound to one PU).
     *  A call the cost model gives one thread runs on the calling thread, unbound; so does
     *  every thread of a call of less than 1 MiB per thread (ROWSORT_PIN_MIN_BYTES from
     *  the environment sets another threshold, 0 binds in every call), where binding
     *  would cost more than it saves. Every thread gets its old binding back at the end of
     *  the call. */
    rowsort_pin pin;
    /** Kernel path; ROWSORT_ISA_AUTO by default. */
    rowsort_isa isa;
    /** Bytes the engine may hold for scratch beyond the caller's arrays; 0: no limit (the
     *  context then keeps up to 1 GiB of scratch between calls). A call whose threads'
     *  scratch would pass the limit runs on one thread; one whose single thread's scratch
     *  would is ROWSORT_E_NOMEM. */
    size_t memory_limit_bytes;
    /** An hwloc synthetic topology ("numa:2 core:8 pu:2") to plan for instead of this
     *  machine's, or NULL (the default). Copied by rowsort_create. Such a context describes
     *  its plan (rowsort_ctx_describe) and sorts with ROWSORT_PIN_NONE; with another pin
     *  policy its multi-threaded sorts fail with ROWSORT_E_PIN (no such PUs to bind to). */
    const char *topology_synthetic;
    /** An hwloc XML topology file to plan for, or NULL (the default); as above. At most one
     *  of topology_synthetic and topology_xml. */
    const char *topology_xml;
} rowsort_options;

/** \brief Fills *options with the defaults. Call it before setting fields, so that
 *  fields added later get their defaults. */
ROWSORT_API void rowsort_options_init(rowsort_options *options);

/** \defgroup ctx Contexts */
typedef struct rowsort_ctx rowsort_ctx;

/**
 * \brief Creates a context: chooses the kernel path and the threads once.
 * \param options NULL for the defaults; read during the call only.
 * \param status  where the outcome is written (may be NULL): ROWSORT_E_ISA when the
 *                requested path (options or ROWSORT_ISA) is unknown or unsupported by
 *                this CPU, ROWSORT_E_THREADS for a bad ROWSORT_THREADS, ROWSORT_E_OPTIONS
 *                for a bad pin value, both topology options or a bad
 *                ROWSORT_PIN_MIN_BYTES, ROWSORT_E_TOPOLOGY when
 *                hwloc rejects the synthetic or XML topology, ROWSORT_E_NOMEM.
 * \note This machine's topology is read (hwloc, about a millisecond) by the first call
 *       that runs more than one thread, not here; the OpenMP threads are kept by the
 *       OpenMP runtime and the workspaces by the context between calls.
 * \return a context to release with rowsort_destroy(), or NULL on failure.
 */
ROWSORT_API rowsort_ctx *rowsort_create(const rowsort_options *options, rowsort_status *status);

/** \brief Releases a context. NULL is accepted. */
ROWSORT_API void rowsort_destroy(rowsort_ctx *ctx);

/** \brief The kernel path a context uses (never ROWSORT_ISA_AUTO). */
ROWSORT_API rowsort_isa rowsort_ctx_isa(const rowsort_ctx *ctx);
/** \brief The number of worker threads a context uses. */
ROWSORT_API unsigned rowsort_ctx_threads(const rowsort_ctx *ctx);
/** \brief The cores the context's kernel constants were measured on ("Intel Xeon, VBMI2",
 * "Intel Xeon", "AMD Zen 4, VBMI2", "AMD Zen 4", "AMD Zen 3 and Zen 4", "any"): a path may
 * have one tuning per CPU vendor (and feature), chosen with it. A static string; "" for a
 * NULL ctx. */
ROWSORT_API const char *rowsort_ctx_kernel_tuning(const rowsort_ctx *ctx);

/** \brief Bytes of scratch the context holds between calls (kept so that the next call of
 * the same size neither allocates nor faults pages in); 0 for a NULL ctx. */
ROWSORT_API size_t rowsort_ctx_scratch_bytes(const rowsort_ctx *ctx);
/** \brief Frees the scratch the context holds; its threads and topology stay, and the next
 * call allocates what it needs again. Not while a call runs on the same context. NULL is
 * accepted. */
ROWSORT_API void rowsort_ctx_release_scratch(rowsort_ctx *ctx);

/**
 * \brief Describes, as text, the machine a context plans for and the placement plan it
 * would make for `rows` rows of `n` elements of `dtype` (values only): allowed CPUs, cores,
 * NUMA nodes, caches; threads used, which PU each is bound to, which rows each NUMA node
 * owns, whether rows are split across threads, whether the call would bind its threads.
 * For `rowsort info`.
 * \param ctx    one call at a time per context. Loads this machine's topology if no call
 *               has yet (about a millisecond).
 * \param buf    where the text goes, NUL-terminated and cut to fit `cap` bytes; may be NULL
 *               when cap is 0 (to learn the length).
 * \param length where the full length is written (without the NUL), or NULL.
 * \return ROWSORT_OK; ROWSORT_E_NULL (ctx, or buf with cap > 0); ROWSORT_E_DTYPE;
 *         ROWSORT_E_TOPOLOGY when this machine's topology cannot be read; ROWSORT_E_NOMEM.
 */
ROWSORT_API rowsort_status rowsort_ctx_describe(rowsort_ctx *ctx, size_t rows, size_t n,
                                                rowsort_dtype dtype, char *buf, size_t cap,
                                                size_t *length);

/** \defgroup request Sort requests */

/** A 2-D array of `rows` rows; elements contiguous within a row. */
typedef struct rowsort_array {
    void *data;              /**< first element of row 0; may be NULL only when empty */
    rowsort_dtype dtype;     /**< element type */
    size_t row_stride_bytes; /**< bytes from one row to the next; 0: rows are packed */
} rowsort_array;

typedef enum rowsort_select {
    ROWSORT_SELECT_ALL = 0,     /**< the whole sorted row */
    ROWSORT_SELECT_LARGEST = 1, /**< top-k: first k of the stable descending sort */
    ROWSORT_SELECT_SMALLEST = 2 /**< first k of the stable ascending sort */
} rowsort_select;

typedef struct rowsort_request {
    size_t rows; /**< number of rows (0 allowed) */
    size_t n;    /**< elements per row (0 allowed) */
    /** Input operands, `num_operands` of them, each rows x n. With outputs == NULL they
     *  are sorted in place; otherwise they are only read (may alias their output). */
    const rowsort_array *operands;
    size_t num_operands;
    /** Output operands (rows x out_n each, out_n = n or k), or NULL to sort in place.
     *  Required with top-k. Dtypes must match the operands'. An output whose data is NULL
     *  is not written (for example argsort only). */
    const rowsort_array *outputs;
    size_t num_keys; /**< the first num_keys operands are keys; 1 by default */
    unsigned flags;  /**< ROWSORT_DESCENDING | ROWSORT_STABLE | ... */
    /** Index output (rows x out_n, dtype ROWSORT_DTYPE_I32 or _I64), or data == NULL
     *  for none. idx[r][j] is the input position of the element at output position j. */
    rowsort_array indices;
    /** Whole row, or top-k. Top-k is always stable and picks its own direction: LARGEST is
     *  descending, SMALLEST ascending; adding ROWSORT_DESCENDING is ROWSORT_E_FLAGS. */
    rowsort_select select;
    size_t k;              /**< with top-k: elements kept per row, 0 <= k <= n */
} rowsort_request;

/** \brief Fills *request with defaults: no operands, num_keys 1, no flags, no indices,
 *  the whole row. */
ROWSORT_API void rowsort_request_init(rowsort_request *request);

/**
 * \brief Sorts every row of the request's operands.
 * \param ctx one call at a time per context.
 * \param request read during the call only; the arrays it names must not overlap
 *        unless an output is exactly its own operand.
 * \return ROWSORT_OK; ROWSORT_E_NULL, _DTYPE, _FLAGS, _NUM_KEYS, _TOP_K, _INDEX_DTYPE,
 *         _STRIDE or _OVERFLOW for a bad request (nothing written); ROWSORT_E_NOMEM when
 *         scratch could not be allocated, ROWSORT_E_PIN when threads could not be bound as
 *         the pin policy asks, ROWSORT_E_TOPOLOGY when this machine's topology could not be
 *         read (outputs may be partly written).
 * \note Allocates per-thread scratch of about 24 bytes per element of a row, kept by the
 *       context for the next call (within memory_limit_bytes, or 1 GiB), and runs on the context's
 *       threads: as many as the work is worth (at least 8192 elements per thread). When
 *       there are fewer rows than threads, a row of one key (not complex) is split across
 *       threads: a values-only row of 32- or 64-bit keys is partitioned in place around
 *       pivots into one segment per thread (shared scratch of one key per element; 64-bit
 *       keys on the AVX2 and AVX-512 paths); so is a row of 16- or 32-bit keys with
 *       indices or payloads (stable or not, not top-k), as packed (key, position) keys
 *       (shared scratch of about 20 bytes per element); other rows
 *       have each part sorted and the parts merged in parallel (shared scratch of about
 *       2 x (key + index) bytes per element). Results are the same bytes for every thread
 *       count and pin policy. Rows of several keys or of a complex key are sorted one
 *       thread per row.
 */
ROWSORT_API rowsort_status rowsort_sort(rowsort_ctx *ctx, const rowsort_request *request);

/** \defgroup helpers One-call helpers
 * Default options (threads from ROWSORT_THREADS, else every CPU the process may run on;
 * kernel path from ROWSORT_ISA, else the best) with a private context per call, whose
 * threads are not bound: binding needs the machine's topology, which costs more to read
 * than sorting a typical batch. Reuse a context (rowsort_create) for pinned threads. */

/** Sorts each of `rows` contiguous rows of `n` elements in place. */
ROWSORT_API rowsort_status rowsort_sort_rows(void *data, size_t rows, size_t n, rowsort_dtype dtype,
                                             unsigned flags);
/** Writes, for each row, the stable-sort permutation (int32, requires n < 2^31). */
ROWSORT_API rowsort_status rowsort_argsort_rows(const void *data, size_t rows, size_t n,
                                                rowsort_dtype dtype, unsigned flags,
                                                int32_t *indices);

#ifdef __cplusplus
}
#endif

#endif /* ROWSORT_H */
