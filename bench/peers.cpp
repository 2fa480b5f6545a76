/*
 * peers.cpp - the other sorters rowsort is measured against, behind a small C ABI that the
 * Python drivers (bench_sort.py, bench_scaling.py) load with ctypes.
 *
 * Every entry point sorts `rows` contiguous rows of `n` elements in place (or writes a
 * stable argsort), one row at a time, the way a caller without a batch sorter would.
 * dtype values are rowsort_dtype's. Each returns 0, or -1 when the sorter has no such
 * dtype (reported as n/a, never emulated), or -2 when memory ran out.
 *
 * Highway 1.0.3 (Debian's libhwy-dev) has no free function VQSort(); its entry point is
 * hwy::Sorter, whose constructor allocates a small buffer. Two variants are timed:
 *   rsb_vqsort        a temporary hwy::Sorter per row (what a per-row call costs);
 *   rsb_vqsort_reuse  one hwy::Sorter per thread, reused for every row.
 * Both pay one getrandom(2) system call per sort call (1.0.3 seeds its pivot sampler
 * from the kernel on every call, whatever n is): that is part of what a per-row loop pays.
 *
 * `isa` chooses Highway's target: RSB_HWY_BEST (0), its own dynamic dispatch (AVX3, i.e.
 * AVX-512, on an AVX-512 CPU), or RSB_HWY_AVX2 (2), AVX2 forced with
 * hwy::SetSupportedTargetsForTest for the duration of the call. The second exists because
 * 1.0.3's AVX3 partitioning stores with vpcompress to memory, which is microcoded and very
 * slow on AMD Zen 4: there, Highway's own AVX2 path is several times faster than its choice.
 *
 * `threads` > 1 runs the row loop under OpenMP (schedule(static), num_threads on the
 * pragma), the peer of rowsort's own threads in the scaling benchmark.
 */
#include "rowsort.h"

#include <hwy/contrib/sort/vqsort.h>
#include <hwy/targets.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <optional>
#ifdef _OPENMP
#include <omp.h>
#endif

#define RSB_API extern "C" __attribute__((visibility("default")))

namespace
{

enum : int { RSB_OK = 0, RSB_NA = -1, RSB_NOMEM = -2 };
enum : int { RSB_HWY_BEST = 0, RSB_HWY_AVX2 = 2 };

/* Restricts Highway's dispatch to AVX2 and below while alive (RSB_HWY_AVX2); `ok` is false
 * when this CPU has no AVX2. Process-wide: construct it outside parallel regions only. */
class TargetScope
{
  public:
    explicit TargetScope(int isa)
    {
        if (isa == RSB_HWY_BEST)
            return;
        const int64_t want = HWY_AVX2 | HWY_SSE4 | HWY_SSSE3 | HWY_EMU128 | HWY_SCALAR;
        const int64_t have = hwy::SupportedTargets();
        if (isa != RSB_HWY_AVX2 || !(have & HWY_AVX2)) {
            ok = false;
            return;
        }
        hwy::SetSupportedTargetsForTest(want & have);
        active = true;
    }
    ~TargetScope()
    {
        if (active)
            hwy::SetSupportedTargetsForTest(0); /* back to the CPU's own targets */
    }
    TargetScope(const TargetScope &) = delete;
    TargetScope &operator=(const TargetScope &) = delete;
    bool ok = true;

  private:
    bool active = false;
};

/* Runs body(first_row, row_count) over the rows on `threads` threads; body returns a status. */
template <typename Body> int for_rows(size_t rows, int threads, Body body)
{
    if (threads <= 1 || rows <= 1)
        return body(size_t{0}, rows);
#ifndef _OPENMP
    return RSB_NA;
#else
    int status = RSB_OK;
#pragma omp parallel num_threads(threads) reduction(min : status)
    {
        /* Split the rows statically, as `omp for schedule(static)` would, so that a
         * per-thread object (a Sorter, a scratch buffer) is built once per thread. */
        const size_t t = (size_t)omp_get_thread_num();
        const size_t nt = (size_t)omp_get_num_threads();
        const size_t first = rows * t / nt, last = rows * (t + 1) / nt;
        status = body(first, last - first);
    }
    return status;
#endif
}

} // namespace

/* ---- Highway VQSort ------------------------------------------------------------------- */

namespace
{

template <typename T> void vq_rows(T *data, size_t rows, size_t n, bool reuse)
{
    if (reuse) {
        const hwy::Sorter sorter;
        for (size_t r = 0; r < rows; r++)
            sorter(data + r * n, n, hwy::SortAscending());
    } else {
        for (size_t r = 0; r < rows; r++)
            hwy::Sorter()(data + r * n, n, hwy::SortAscending());
    }
}

int vq_dispatch(void *data, size_t rows, size_t n, int dtype, int threads, bool reuse, int isa)
{
    const TargetScope scope(isa);
    if (!scope.ok)
        return RSB_NA;
    return for_rows(rows, threads, [=](size_t first, size_t count) {
        switch (dtype) {
        case ROWSORT_DTYPE_I16:
            vq_rows(static_cast<int16_t *>(data) + first * n, count, n, reuse);
            return (int)RSB_OK;
        case ROWSORT_DTYPE_U16:
            vq_rows(static_cast<uint16_t *>(data) + first * n, count, n, reuse);
            return (int)RSB_OK;
        case ROWSORT_DTYPE_I32:
            vq_rows(static_cast<int32_t *>(data) + first * n, count, n, reuse);
            return (int)RSB_OK;
        case ROWSORT_DTYPE_U32:
            vq_rows(static_cast<uint32_t *>(data) + first * n, count, n, reuse);
            return (int)RSB_OK;
        case ROWSORT_DTYPE_I64:
            vq_rows(static_cast<int64_t *>(data) + first * n, count, n, reuse);
            return (int)RSB_OK;
        case ROWSORT_DTYPE_U64:
            vq_rows(static_cast<uint64_t *>(data) + first * n, count, n, reuse);
            return (int)RSB_OK;
        case ROWSORT_DTYPE_F32:
            vq_rows(static_cast<float *>(data) + first * n, count, n, reuse);
            return (int)RSB_OK;
        case ROWSORT_DTYPE_F64:
            vq_rows(static_cast<double *>(data) + first * n, count, n, reuse);
            return (int)RSB_OK;
        default: /* no bf16, f16, bool, 8-bit or complex sort in VQSort */
            return (int)RSB_NA;
        }
    });
}

/* Order-preserving u32 of a key (DESIGN's rules: -0.0 == +0.0, every NaN equal, last). */
inline uint32_t key_u32_i32(int32_t v)
{
    return (uint32_t)v ^ 0x80000000u;
}

inline uint32_t key_u32_f32(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) /* NaN */
        return 0xffffffffu;
    if (u == 0x80000000u) /* -0.0 sorts as +0.0 */
        u = 0;
    /* The sign trick: negative floats have all bits flipped, positive get the sign bit. */
    return u ^ ((uint32_t)((int32_t)u >> 31) | 0x80000000u);
}

/* Order-preserving u64 of a 64-bit key, by the same rules. */
inline uint64_t key_u64_i64(int64_t v)
{
    return (uint64_t)v ^ (uint64_t{1} << 63);
}

inline uint64_t key_u64_f64(double f)
{
    uint64_t u;
    std::memcpy(&u, &f, sizeof u);
    if ((u & ~(uint64_t{1} << 63)) > 0x7ff0000000000000u) /* NaN */
        return ~uint64_t{0};
    if (u == uint64_t{1} << 63) /* -0.0 sorts as +0.0 */
        u = 0;
    return u ^ ((uint64_t)((int64_t)u >> 63) | (uint64_t{1} << 63));
}

/* 32-bit keys: (key << 32 | index) in a u64. */
template <typename T, uint32_t (*Key)(T)>
int vq_argsort_rows(const T *keys, size_t rows, size_t n, int32_t *idx, bool reuse)
{
    uint64_t *packed = static_cast<uint64_t *>(std::malloc(n * sizeof(uint64_t) + 1));
    if (packed == nullptr)
        return RSB_NOMEM;
    std::optional<hwy::Sorter> shared;
    if (reuse)
        shared.emplace();
    for (size_t r = 0; r < rows; r++) {
        const T *in = keys + r * n;
        int32_t *out = idx + r * n;
        for (size_t j = 0; j < n; j++)
            packed[j] = (uint64_t)Key(in[j]) << 32 | (uint32_t)j;
        if (shared)
            (*shared)(packed, n, hwy::SortAscending());
        else
            hwy::Sorter()(packed, n, hwy::SortAscending());
        for (size_t j = 0; j < n; j++)
            out[j] = (int32_t)(uint32_t)packed[j];
    }
    std::free(packed);
    return RSB_OK;
}

/* 64-bit keys: (key, index) as the high and low halves of a 128-bit key. */
template <typename T, uint64_t (*Key)(T)>
int vq_argsort128_rows(const T *keys, size_t rows, size_t n, int32_t *idx, bool reuse)
{
    hwy::uint128_t *packed =
        static_cast<hwy::uint128_t *>(std::aligned_alloc(16, (n + 1) * sizeof(hwy::uint128_t)));
    if (packed == nullptr)
        return RSB_NOMEM;
    std::optional<hwy::Sorter> shared;
    if (reuse)
        shared.emplace();
    for (size_t r = 0; r < rows; r++) {
        const T *in = keys + r * n;
        int32_t *out = idx + r * n;
        for (size_t j = 0; j < n; j++) {
            packed[j].hi = Key(in[j]);
            packed[j].lo = j;
        }
        if (shared)
            (*shared)(packed, n, hwy::SortAscending());
        else
            hwy::Sorter()(packed, n, hwy::SortAscending());
        for (size_t j = 0; j < n; j++)
            out[j] = (int32_t)packed[j].lo;
    }
    std::free(packed);
    return RSB_OK;
}

int vq_argsort(const void *keys, size_t rows, size_t n, int dtype, int32_t *idx, int threads,
               bool reuse, int isa)
{
    if (n >= (size_t{1} << 31))
        return RSB_NA;
    const TargetScope scope(isa);
    if (!scope.ok)
        return RSB_NA;
    return for_rows(rows, threads, [=](size_t first, size_t count) {
        switch (dtype) {
        case ROWSORT_DTYPE_I32:
            return vq_argsort_rows<int32_t, key_u32_i32>(
                static_cast<const int32_t *>(keys) + first * n, count, n, idx + first * n, reuse);
        case ROWSORT_DTYPE_F32:
            return vq_argsort_rows<float, key_u32_f32>(static_cast<const float *>(keys) + first * n,
                                                       count, n, idx + first * n, reuse);
        case ROWSORT_DTYPE_I64:
            return vq_argsort128_rows<int64_t, key_u64_i64>(
                static_cast<const int64_t *>(keys) + first * n, count, n, idx + first * n, reuse);
        case ROWSORT_DTYPE_F64:
            return vq_argsort128_rows<double, key_u64_f64>(
                static_cast<const double *>(keys) + first * n, count, n, idx + first * n, reuse);
        default:
            return (int)RSB_NA;
        }
    });
}

} // namespace

/** VQSort with a temporary hwy::Sorter per row. */
RSB_API int rsb_vqsort(void *data, size_t rows, size_t n, int dtype, int threads, int isa)
{
    return vq_dispatch(data, rows, n, dtype, threads, false, isa);
}

/** VQSort with one hwy::Sorter per thread, reused for every row. */
RSB_API int rsb_vqsort_reuse(void *data, size_t rows, size_t n, int dtype, int threads, int isa)
{
    return vq_dispatch(data, rows, n, dtype, threads, true, isa);
}

/** Stable argsort (int32 indices) by VQSort of packed (key, index): 32-bit keys as (key << 32
 *  | index) u64, 64-bit keys as u128 (key high, index low); keys mapped to order-preserving
 *  unsigned integers first (integers: sign bit flipped; floats: the sign trick). The time
 *  includes packing and unpacking, which any caller of this method pays. */
RSB_API int rsb_vqsort_argsort(const void *keys, size_t rows, size_t n, int dtype, int32_t *idx,
                               int threads, int isa)
{
    return vq_argsort(keys, rows, n, dtype, idx, threads, false, isa);
}

/** As rsb_vqsort_argsort, one hwy::Sorter per thread. */
RSB_API int rsb_vqsort_argsort_reuse(const void *keys, size_t rows, size_t n, int dtype,
                                     int32_t *idx, int threads, int isa)
{
    return vq_argsort(keys, rows, n, dtype, idx, threads, true, isa);
}

/** The target Highway's dynamic dispatch picks with `isa` (RSB_HWY_BEST or RSB_HWY_AVX2):
 *  the best it compiled that this CPU has ("AVX3" is AVX-512), or NULL if none. */
RSB_API const char *rsb_hwy_target(int isa)
{
    const TargetScope scope(isa);
    if (!scope.ok)
        return nullptr;
    const int64_t targets = HWY_TARGETS & hwy::SupportedTargets();
    return hwy::TargetName(targets & -targets);
}

/* ---- std::sort, std::stable_sort and qsort -------------------------------------------- */

namespace
{

inline float bf16_to_f32(uint16_t b)
{
    const uint32_t u = (uint32_t)b << 16;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

struct Bf16Less {
    bool operator()(uint16_t a, uint16_t b) const
    {
        return bf16_to_f32(a) < bf16_to_f32(b);
    }
};

template <typename T> int qsort_cmp(const void *a, const void *b)
{
    const T x = *static_cast<const T *>(a), y = *static_cast<const T *>(b);
    return (x > y) - (x < y);
}

int qsort_cmp_bf16(const void *a, const void *b)
{
    const float x = bf16_to_f32(*static_cast<const uint16_t *>(a));
    const float y = bf16_to_f32(*static_cast<const uint16_t *>(b));
    return (x > y) - (x < y);
}

template <typename T, typename Less = std::less<T>> void std_rows(T *data, size_t rows, size_t n)
{
    for (size_t r = 0; r < rows; r++)
        std::sort(data + r * n, data + (r + 1) * n, Less());
}

void qsort_rows(void *data, size_t rows, size_t n, size_t size,
                int (*cmp)(const void *, const void *))
{
    for (size_t r = 0; r < rows; r++)
        std::qsort(static_cast<char *>(data) + r * n * size, n, size, cmp);
}

} // namespace

/** std::sort (introsort) per row, operator< (no NaNs in the benchmark's data). */
RSB_API int rsb_std_sort(void *data, size_t rows, size_t n, int dtype)
{
    switch (dtype) {
    case ROWSORT_DTYPE_I16:
        std_rows(static_cast<int16_t *>(data), rows, n);
        return RSB_OK;
    case ROWSORT_DTYPE_I32:
        std_rows(static_cast<int32_t *>(data), rows, n);
        return RSB_OK;
    case ROWSORT_DTYPE_I64:
        std_rows(static_cast<int64_t *>(data), rows, n);
        return RSB_OK;
    case ROWSORT_DTYPE_F32:
        std_rows(static_cast<float *>(data), rows, n);
        return RSB_OK;
    case ROWSORT_DTYPE_F64:
        std_rows(static_cast<double *>(data), rows, n);
        return RSB_OK;
    case ROWSORT_DTYPE_BF16:
        std_rows<uint16_t, Bf16Less>(static_cast<uint16_t *>(data), rows, n);
        return RSB_OK;
    default:
        return RSB_NA;
    }
}

/** libc qsort per row with a three-way comparison function. */
RSB_API int rsb_qsort(void *data, size_t rows, size_t n, int dtype)
{
    switch (dtype) {
    case ROWSORT_DTYPE_I16:
        qsort_rows(data, rows, n, 2, qsort_cmp<int16_t>);
        return RSB_OK;
    case ROWSORT_DTYPE_I32:
        qsort_rows(data, rows, n, 4, qsort_cmp<int32_t>);
        return RSB_OK;
    case ROWSORT_DTYPE_I64:
        qsort_rows(data, rows, n, 8, qsort_cmp<int64_t>);
        return RSB_OK;
    case ROWSORT_DTYPE_F32:
        qsort_rows(data, rows, n, 4, qsort_cmp<float>);
        return RSB_OK;
    case ROWSORT_DTYPE_F64:
        qsort_rows(data, rows, n, 8, qsort_cmp<double>);
        return RSB_OK;
    case ROWSORT_DTYPE_BF16:
        qsort_rows(data, rows, n, 2, qsort_cmp_bf16);
        return RSB_OK;
    default:
        return RSB_NA;
    }
}

namespace
{

template <typename T> int stable_argsort_rows(const T *keys, size_t rows, size_t n, int32_t *idx)
{
    for (size_t r = 0; r < rows; r++) {
        const T *in = keys + r * n;
        int32_t *out = idx + r * n;
        for (size_t j = 0; j < n; j++)
            out[j] = (int32_t)j;
        try {
            std::stable_sort(out, out + n, [in](int32_t a, int32_t b) { return in[a] < in[b]; });
        } catch (const std::bad_alloc &) {
            return RSB_NOMEM;
        }
    }
    return RSB_OK;
}

} // namespace

/** std::stable_sort of an index array per row, comparing keys through the indices. */
RSB_API int rsb_std_stable_argsort(const void *keys, size_t rows, size_t n, int dtype, int32_t *idx)
{
    if (n >= (size_t{1} << 31))
        return RSB_NA;
    switch (dtype) {
    case ROWSORT_DTYPE_I32:
        return stable_argsort_rows(static_cast<const int32_t *>(keys), rows, n, idx);
    case ROWSORT_DTYPE_F32:
        return stable_argsort_rows(static_cast<const float *>(keys), rows, n, idx);
    case ROWSORT_DTYPE_I64:
        return stable_argsort_rows(static_cast<const int64_t *>(keys), rows, n, idx);
    case ROWSORT_DTYPE_F64:
        return stable_argsort_rows(static_cast<const double *>(keys), rows, n, idx);
    default:
        return RSB_NA;
    }
}

/* ---- The floor -------------------------------------------------------------------------- */

/** memcpy of the same bytes: no sort reads and writes its data faster than this. */
RSB_API void rsb_memcpy(void *dst, const void *src, size_t bytes)
{
    std::memcpy(dst, src, bytes);
}

/** Bumped when a signature above changes; the drivers check it. */
RSB_API int rsb_abi_version(void)
{
    return 2;
}
