# kernels_cmp.py - the kernel tables side by side with VQSort and NumPy, one process, same data.
#
# A kernel engineer's micro-benchmark (the project's benchmark is bench/bench_sort.py):
# rows sorted by the avx512 and avx2 tables directly (batch entry for n <= 64), Highway VQSort
# (libhwy 1.0.3, one Sorter) and np.sort / np.argsort(kind="stable"), interleaved, single
# thread, thread CPU time; ns per element, min/median of the repetitions.
#   bench/micro/build.sh && .venv/bin/python bench/micro/kernels_cmp.py uint32 sort 5
#   args: dtype (uint16|uint32|uint64), sort|argsort (argsort: uint32 only; VQSort then sorts
#   packed key << 32 | index), repetitions, shape indices (comma-separated, default all).
#   NPY_DISABLE_CPU_FEATURES="AVX512_ICL X86_V4" gives NumPy's AVX2 path.
import ctypes, os, numpy as np, time, sys
lib = ctypes.CDLL(os.path.abspath(os.environ.get('KERNELS_SHIM', 'build-micro/libkernels_shim.so')))
lib.shim_sort.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
SH = [(8,8192),(8,4097),(4096,16),(65536,64),(1024,1024),(64,65536),(16,1048576),(1,16777216)]
dt = np.dtype(sys.argv[1] if len(sys.argv) > 1 else 'uint32')
mode = sys.argv[2] if len(sys.argv) > 2 else 'sort'
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
shapes = [SH[int(i)] for i in sys.argv[4].split(',')] if len(sys.argv) > 4 else SH
rng = np.random.default_rng(7)
names = ['rs-avx512', 'rs-avx2', 'vqsort', 'numpy']
print(f"{'shape':12} {dt.name} {mode}: ns/element min/median of {reps}; ratio = best peer min / rowsort min")
for r, n in shapes:
    a = rng.integers(0, np.iinfo(dt).max, size=(r, n), dtype=dt, endpoint=True)
    ref = np.sort(a, axis=-1)
    t = {k: [] for k in names}
    for _ in range(reps):
        for k in names:
            b = a.copy(); idx = np.empty((r, n), np.uint32) if mode == 'argsort' else None
            t0 = time.thread_time()
            if k == 'numpy':
                if mode == 'argsort': idx = np.argsort(b, axis=-1, kind='stable')
                else: b.sort(axis=-1)
            else:
                lib.shim_sort(b.ctypes.data, r, n, dt.itemsize, names.index(k), idx.ctypes.data if idx is not None else None)
            t[k].append((time.thread_time() - t0) / a.size * 1e9)
            if mode == 'argsort':
                assert (np.take_along_axis(a, idx.astype(np.int64), -1) == ref).all(), k
                assert (idx == np.argsort(a, axis=-1, kind='stable')).all(), k
            elif k != 'numpy': assert (b == ref).all(), k
    m = {k: (min(v), sorted(v)[len(v)//2]) for k, v in t.items()}
    peer = min(m['vqsort'][0], m['numpy'][0])
    print(f"{r}x{n:<10}" + ''.join(f" {k} {m[k][0]:6.2f}/{m[k][1]:6.2f}" for k in names)
          + f"  ratio512 {peer/m['rs-avx512'][0]:.2f} ratio2 {peer/m['rs-avx2'][0]:.2f}", flush=True)
