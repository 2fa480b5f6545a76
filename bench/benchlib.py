"""Shared pieces of rowsort's benchmark drivers (bench_sort.py, bench_scaling.py).

- ctypes bindings of librowsort (the structs mirror engine/include/rowsort.h) and of the
  peers library built from bench/peers.cpp;
- the machine's description (CPU model, SIMD flags, cores) for tables, CSV and file names;
- the timing loop: every contender of a case gets the same input, copied into its buffer
  before each call and outside the timed region; contenders are interleaved and their order
  rotates each round; medians and minimums are reported.

Nothing here imports jax or matplotlib: the drivers do, when asked.
"""

import ctypes as C
import datetime
import gc
import json
import os
import platform
import re
import statistics
import subprocess
import time
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# ---- librowsort ------------------------------------------------------------------------

ROWSORT_OK = 0
ROWSORT_E_ISA = 10
ROWSORT_STABLE = 0x2
ISA_VALUES = {"scalar": 1, "avx2": 2, "avx512": 3}  # rowsort_isa
PIN_VALUES = {"none": 0, "core": 1, "numa": 2}  # rowsort_pin
DTYPE_I32 = 5  # ROWSORT_DTYPE_I32, the index dtype

# Room after the mirrored fields: rowsort_*_init() may fill fields a newer header added
# (the header asks callers to init before setting fields). The struct sizes are not
# exported, so this is a guard, not a guarantee; load_rowsort() checks the version.
_RESERVE = 256


class Options(C.Structure):
    _fields_ = [
        ("threads", C.c_uint),
        ("pin", C.c_int),
        ("isa", C.c_int),
        ("memory_limit_bytes", C.c_size_t),
        ("_reserved", C.c_ubyte * _RESERVE),
    ]


class Array(C.Structure):
    _fields_ = [("data", C.c_void_p), ("dtype", C.c_int), ("row_stride_bytes", C.c_size_t)]


class Request(C.Structure):
    _fields_ = [
        ("rows", C.c_size_t),
        ("n", C.c_size_t),
        ("operands", C.POINTER(Array)),
        ("num_operands", C.c_size_t),
        ("outputs", C.POINTER(Array)),
        ("num_keys", C.c_size_t),
        ("flags", C.c_uint),
        ("indices", Array),
        ("select", C.c_int),
        ("k", C.c_size_t),
        ("_reserved", C.c_ubyte * _RESERVE),
    ]


class RowsortError(RuntimeError):
    def __init__(self, lib, what, status):
        super().__init__(f"{what}: {lib.rowsort_status_string(status).decode()} ({status})")
        self.status = status


class Rowsort:
    """librowsort loaded with ctypes; contexts are kept across calls, as an embedder would."""

    def __init__(self, path):
        lib = C.CDLL(path)
        lib.rowsort_version.restype = C.c_char_p
        lib.rowsort_status_string.restype = C.c_char_p
        lib.rowsort_status_string.argtypes = [C.c_int]
        lib.rowsort_isa_name.restype = C.c_char_p
        lib.rowsort_isa_name.argtypes = [C.c_int]
        lib.rowsort_dtype_from_name.restype = C.c_int
        lib.rowsort_dtype_from_name.argtypes = [C.c_char_p, C.POINTER(C.c_int)]
        lib.rowsort_options_init.argtypes = [C.POINTER(Options)]
        lib.rowsort_options_init.restype = None
        lib.rowsort_request_init.argtypes = [C.POINTER(Request)]
        lib.rowsort_request_init.restype = None
        lib.rowsort_create.restype = C.c_void_p
        lib.rowsort_create.argtypes = [C.POINTER(Options), C.POINTER(C.c_int)]
        lib.rowsort_destroy.argtypes = [C.c_void_p]
        lib.rowsort_destroy.restype = None
        lib.rowsort_ctx_isa.argtypes = [C.c_void_p]
        lib.rowsort_ctx_isa.restype = C.c_int
        lib.rowsort_ctx_threads.argtypes = [C.c_void_p]
        lib.rowsort_ctx_threads.restype = C.c_uint
        lib.rowsort_sort.argtypes = [C.c_void_p, C.POINTER(Request)]
        lib.rowsort_sort.restype = C.c_int
        self.lib = lib
        self.path = path
        self.version = lib.rowsort_version().decode()
        if not self.version.startswith("0."):
            raise RuntimeError(f"{path}: rowsort {self.version}: these bindings mirror 0.x")

    def dtype(self, np_dtype):
        """rowsort_dtype of a NumPy dtype (by name: "int32", "bfloat16"...)."""
        d = C.c_int()
        s = self.lib.rowsort_dtype_from_name(np.dtype(np_dtype).name.encode(), C.byref(d))
        if s != ROWSORT_OK:
            raise RowsortError(self.lib, f"dtype {np.dtype(np_dtype).name}", s)
        return d.value

    def create(self, threads, isa="auto", pin=None):
        """A context with `threads` threads on kernel path `isa` and pin policy `pin` ("none",
        "core", "numa"; None: the library's default); RowsortError with status ROWSORT_E_ISA
        when this build or this CPU has no such path."""
        opts = Options()
        self.lib.rowsort_options_init(C.byref(opts))
        opts.threads = threads
        opts.isa = 0 if isa == "auto" else ISA_VALUES[isa]
        if pin is not None:
            opts.pin = PIN_VALUES[pin]
        status = C.c_int(0)
        ctx = self.lib.rowsort_create(C.byref(opts), C.byref(status))
        if not ctx:
            raise RowsortError(self.lib, f"rowsort_create(threads={threads}, isa={isa})",
                               status.value)
        return Context(self, ctx)


class Context:
    def __init__(self, rs, ctx):
        self.rs, self.ctx = rs, ctx
        self.isa = rs.lib.rowsort_isa_name(rs.lib.rowsort_ctx_isa(ctx)).decode()
        self.threads = rs.lib.rowsort_ctx_threads(ctx)

    def close(self):
        if self.ctx:
            self.rs.lib.rowsort_destroy(self.ctx)
            self.ctx = None

    def __del__(self):
        self.close()

    def sorter(self, data):
        """A call that sorts every row of the C-contiguous 2-D array `data` in place
        (unstable, ascending): rowsort_sort_rows's semantics on this context."""
        return self._call(data, None, 0)

    def argsorter(self, data, indices):
        """A call that writes the stable argsort of every row of `data` (only read) into the
        int32 array `indices`: rowsort_argsort_rows's semantics on this context."""
        assert indices.dtype == np.int32 and indices.shape == data.shape
        return self._call(data, indices, ROWSORT_STABLE)

    def _call(self, data, indices, flags):
        assert data.ndim == 2 and data.flags.c_contiguous
        rs = self.rs
        req = Request()
        rs.lib.rowsort_request_init(C.byref(req))
        req.rows, req.n = data.shape
        operand = (Array * 1)(Array(data.ctypes.data, rs.dtype(data.dtype), 0))
        req.operands = operand
        req.num_operands = 1
        req.flags = flags
        outputs = None
        if indices is not None:
            outputs = (Array * 1)(Array(None, operand[0].dtype, 0))  # values not wanted
            req.outputs = outputs
            req.indices = Array(indices.ctypes.data, DTYPE_I32, 0)
        ctx, sort, ref = self.ctx, rs.lib.rowsort_sort, C.byref(req)
        keep = (req, operand, outputs, data, indices)  # alive as long as the call is

        def call():
            s = sort(ctx, ref)
            if s != ROWSORT_OK:
                raise RowsortError(rs.lib, "rowsort_sort", s)
            return keep

        return call


# ---- the peers (bench/peers.cpp) -------------------------------------------------------

PEERS_ABI = 2
HWY_BEST, HWY_AVX2 = 0, 2  # peers.cpp's `isa` argument of the VQSort entry points


class Peers:
    def __init__(self, path):
        lib = C.CDLL(path)
        lib.rsb_abi_version.restype = C.c_int
        if lib.rsb_abi_version() != PEERS_ABI:
            raise RuntimeError(f"{path}: peers ABI {lib.rsb_abi_version()}, want {PEERS_ABI}")
        sort_args = [C.c_void_p, C.c_size_t, C.c_size_t, C.c_int]
        for name in ("rsb_vqsort", "rsb_vqsort_reuse"):
            getattr(lib, name).argtypes = sort_args + [C.c_int, C.c_int]
            getattr(lib, name).restype = C.c_int
        for name in ("rsb_std_sort", "rsb_qsort"):
            getattr(lib, name).argtypes = sort_args
            getattr(lib, name).restype = C.c_int
        for name in ("rsb_vqsort_argsort", "rsb_vqsort_argsort_reuse"):
            getattr(lib, name).argtypes = sort_args + [C.c_void_p, C.c_int, C.c_int]
            getattr(lib, name).restype = C.c_int
        lib.rsb_std_stable_argsort.argtypes = sort_args + [C.c_void_p]
        lib.rsb_std_stable_argsort.restype = C.c_int
        lib.rsb_memcpy.argtypes = [C.c_void_p, C.c_void_p, C.c_size_t]
        lib.rsb_memcpy.restype = None
        lib.rsb_hwy_target.restype = C.c_char_p
        lib.rsb_hwy_target.argtypes = [C.c_int]
        self.lib = lib
        self.path = path
        self.hwy_target = lib.rsb_hwy_target(HWY_BEST).decode()
        avx2 = lib.rsb_hwy_target(HWY_AVX2)
        self.hwy_avx2_target = avx2.decode() if avx2 else None

    def call(self, name, *args):
        """A call of peers function `name` with these arguments; None when the peer has no
        such dtype (it returned -1)."""
        fn = getattr(self.lib, name)

        def call():
            s = fn(*args)
            if s:  # None (a void function) or 0: done
                raise MemoryError(f"{name}: out of memory") if s == -2 else NotAvailable(name)

        return call


class NotAvailable(Exception):
    """The contender has no such dtype or shape: reported as n/a."""


def load_libs(build_dir):
    """(Rowsort, Peers) from the build tree's bench/bench_libs.json (bench/CMakeLists.txt)."""
    path = os.path.join(build_dir, "bench", "bench_libs.json")
    try:
        with open(path) as f:
            libs = json.load(f)
    except OSError as e:
        raise SystemExit(f"{path}: {e.strerror}: configure and build with "
                         "-DROWSORT_BUILD_BENCH=ON first (bash bench/run.sh does)")
    if libs.get("build_type") not in ("Release", "RelWithDebInfo"):
        print(f"warning: {build_dir} is a {libs.get('build_type') or 'no-type'} build, "
              "not Release", flush=True)
    return Rowsort(libs["rowsort"]), Peers(libs["peers"])


# ---- NumPy in a helper process, with other dispatch settings ----------------------------


class NumpyWorker:
    """bench/np_worker.py in a subprocess whose NumPy runs with `env` (for example
    NPY_DISABLE_CPU_FEATURES, read only at import). Inputs and outputs go through files in
    /dev/shm; the worker copies the input into its own private buffer before each call
    and times the call itself, so the pipe and the copies are not timed. Calls alternate
    with the in-process contenders: the interleaving is kept."""

    def __init__(self, env):
        import sys
        e = dict(os.environ)
        e.update(env)
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "np_worker.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=e,
                                     text=True, bufsize=1)
        self.info = self._ask({"cmd": "hello"})

    def _ask(self, msg):
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("np_worker.py died")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError("np_worker.py: " + reply["error"])
        return reply

    def setup(self, case, op):
        """Shares the case's input with the worker; returns the output array it fills on
        its first call (sorted values, or int64 argsort indices)."""
        import tempfile
        d = "/dev/shm" if os.path.isdir("/dev/shm") else None
        fd, src_path = tempfile.mkstemp(prefix="rowsort-bench-", dir=d)
        os.close(fd)
        fd, out_path = tempfile.mkstemp(prefix="rowsort-bench-", dir=d)
        os.close(fd)

        def cleanup():
            for p in (src_path, out_path):
                try:
                    os.unlink(p)
                except OSError:
                    pass

        case.cleanups.append(cleanup)
        src = np.memmap(src_path, dtype=case.src.dtype, mode="w+", shape=case.src.shape)
        np.copyto(src, case.src)
        src.flush()
        del src
        out_dtype = np.int64 if op == "argsort" else case.src.dtype
        out = np.memmap(out_path, dtype=out_dtype, mode="w+", shape=case.src.shape)
        self._ask({"cmd": "setup", "op": op, "src": src_path, "out": out_path,
                   "shape": list(case.src.shape), "dtype": case.src.dtype.name})
        return out

    def run(self):
        return SelfTimed(self._ask({"cmd": "run"})["ns"])

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.proc.stdin.flush()
            except OSError:
                pass
            self.proc.wait(timeout=10)


# ---- the machine -----------------------------------------------------------------------

SIMD_FLAGS = ("avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vbmi2")


def cpu_info():
    """Model name, family/model, a microarchitecture guess, SIMD flags and usable cores."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break  # the first processor is enough
                k, _, v = line.partition(":")
                fields[k.strip()] = v.strip()
    except OSError:
        pass
    model = fields.get("model name", platform.processor() or "unknown CPU")
    fam, mod = fields.get("cpu family"), fields.get("model")
    flags = set(fields.get("flags", "").split())
    uarch = ""
    if fields.get("vendor_id") == "AuthenticAMD" and fam and mod:
        f, m = int(fam), int(mod)
        if f == 25:
            uarch = "Zen 4" if (0x10 <= m <= 0x1F or 0x60 <= m <= 0xAF) else "Zen 3"
        elif f == 26:
            uarch = "Zen 5"
        elif f == 23:
            uarch = "Zen 2" if m >= 0x30 else "Zen/Zen+"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    desc = model
    if fam and mod:
        desc += f" (family {fam} model {mod}{', ' + uarch if uarch else ''})"
    slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
    if fam and mod:
        slug += f"-f{fam}m{mod}"
    return {
        "model": model,
        "description": desc,
        "uarch": uarch,
        "simd": [x for x in SIMD_FLAGS if x in flags],
        "cores": cores,
        "slug": slug,
    }


def numpy_simd():
    """NumPy's dispatch targets that this CPU runs and NPY_DISABLE_CPU_FEATURES leaves on
    (x86-simd-sort picks among them)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:
        return "unknown"
    off = set(os.environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split())
    have = [t for t in __cpu_dispatch__ if __cpu_features__.get(t) and t not in off]
    return " ".join(have) or "baseline only"


def load_average():
    """The 1, 5 and 15 minute load averages: how busy the shared machine was."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def git_describe():
    """The engine's revision: ROWSORT_BENCH_REV (bench/run.sh --rev), else this tree's HEAD
    with +dirty when tracked files differ from it."""
    if os.environ.get("ROWSORT_BENCH_REV"):
        return os.environ["ROWSORT_BENCH_REV"]
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# ---- timing ----------------------------------------------------------------------------


class Contender:
    """One way of doing a case's work.

    prepare(case) returns a zero-argument callable doing one timed call, or raises
    NotAvailable. `before(case)` is the untimed set-up of each call (by default: copy the
    input into the work buffer); `output(case, ret)` (ret: what the call returned) is what is
    checked against the case's reference after the first call, unless check is False.
    """

    def __init__(self, name, group, prepare, output=None, before=None, note="", check=True):
        self.name, self.group, self.prepare, self.note = name, group, prepare, note
        self.output = output or (lambda case, ret: case.work)
        self.before = before or (lambda case: np.copyto(case.work, case.src))
        self.check = check


class Case:
    """One (op, shape, dtype): the input, a work buffer, and what a correct output is."""

    def __init__(self, op, rows, n, dtype, src, reference):
        self.op, self.rows, self.n, self.dtype = op, rows, n, np.dtype(dtype)
        self.src = src
        self.work = np.empty_like(src)
        self.reference = reference  # callable -> the expected output (computed once, lazily)
        self._ref = None
        self.extra = {}  # per-case buffers contenders share (indices, memcpy destination)
        self.cleanups = []  # callables run by release()

    @property
    def elements(self):
        return self.rows * self.n

    @property
    def bytes(self):
        return self.elements * self.dtype.itemsize

    @property
    def shape(self):
        return f"{self.rows}x{self.n}"

    def expected(self):
        if self._ref is None:
            self._ref = self.reference()
        return self._ref

    def release(self):
        for fn in self.cleanups:
            fn()
        self.cleanups.clear()
        self.src = self.work = self._ref = None
        self.extra.clear()


class SelfTimed:
    """What a call returns when it timed itself (in another process): its ns are used."""

    def __init__(self, ns, value=None):
        self.ns, self.value = ns, value


def _bits(a):
    return a.view(np.dtype(f"u{a.dtype.itemsize}"))


def matches(out, ref, src):
    """Whether `out` is a correct answer: the same bits as the reference `ref`, or, for an
    unstable float sort, the same values in the same order (-0.0 == +0.0, NaN == NaN) and
    a bit-exact permutation of the input `src` (the order of -0.0 and +0.0 is free)."""
    out, ref = np.asarray(out), np.asarray(ref)
    if out.shape != ref.shape:
        return False
    if out.dtype.kind in "iu" and ref.dtype.kind in "iu":
        return bool(np.array_equal(out, ref))  # indices: int32 vs NumPy's int64
    if out.dtype.itemsize != ref.dtype.itemsize:
        return False
    if np.array_equal(_bits(out), _bits(ref)):
        return True
    if src is None or out.dtype.kind not in "fV":
        return False
    fo, fr = out.astype(np.float64), ref.astype(np.float64)  # bfloat16 too
    if not np.array_equal(fo, fr, equal_nan=True):
        return False
    return bool(np.array_equal(np.sort(_bits(out), axis=-1),
                               np.sort(_bits(np.asarray(src)), axis=-1)))


def time_case(case, contenders, rounds, warmup=True, verify=True, log=None, settle=0):
    """Interleaves the contenders over `rounds` rounds (order rotated each round).

    settle: untimed calls of the same contender just before each timed one (the scaling
    benchmark's contexts of different thread counts share libgomp's one pool of the calling
    thread, which is resized when the team size changes: a caller that keeps one context
    never pays that, so it is not timed).

    Returns {name: {"ns": [...], "note": str, "ok": bool | None}}; a contender that raised
    NotAvailable has ns == [] and the reason in note.
    """
    calls, results = [], {}
    for c in contenders:
        try:
            calls.append((c, c.prepare(case)))
            results[c.name] = {"ns": [], "note": c.note, "ok": None}
        except NotAvailable as e:
            results[c.name] = {"ns": [], "note": str(e) or "n/a", "ok": None}
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for r in range(-1 if warmup else 0, rounds):
            k = len(calls)
            order = calls[r % k:] + calls[:r % k] if k and r >= 0 else calls
            for c, fn in order:
                res = results[c.name]
                try:
                    for _ in range(settle if r >= 0 else 0):
                        c.before(case)
                        fn()
                    c.before(case)
                    t0 = time.perf_counter_ns()
                    ret = fn()
                    t1 = time.perf_counter_ns()
                except NotAvailable as e:
                    res["note"] = str(e) or "n/a"
                    calls = [x for x in calls if x[0] is not c]
                    continue
                if r >= 0:
                    res["ns"].append(ret.ns if isinstance(ret, SelfTimed) else t1 - t0)
                if verify and c.check and res["ok"] is None:
                    res["ok"] = matches(c.output(case, ret), case.expected(),
                                        case.src if case.op == "sort" else None)
                    if not res["ok"]:
                        res["note"] = (res["note"] + "; " if res["note"] else "") + "WRONG OUTPUT"
                        if log:
                            log(f"  !! {c.name}: output differs from the reference")
                del ret
    finally:
        if gc_was:
            gc.enable()
    return results


def summarize(ns, elements, nbytes):
    if not ns:
        return None
    med, mn = statistics.median(ns), min(ns)
    return {
        "reps": len(ns),
        "median_ns": med,
        "min_ns": mn,
        "median_ns_per_elem": med / elements,
        "min_ns_per_elem": mn / elements,
        "gbps": nbytes / med if med > 0 else float("inf"),  # bytes per ns = GB/s
    }


# ---- inputs ----------------------------------------------------------------------------


def parse_shape(s):
    try:
        r, n = s.lower().split("x")
        return int(r), int(n)
    except ValueError:
        raise SystemExit(f"bad shape {s!r} (want ROWSxN, e.g. 8x8192)")


def default_reps(elements):
    """Rounds per case: many for small cases, at least 3 for the 16M-element ones."""
    return max(3, min(25, int(2e7 // max(elements, 1))))


def make_input(op, rows, n, dtype, seed):
    """The case's input: same seed -> same data, whatever the contenders."""
    key = zlib.crc32(f"{op}:{rows}x{n}:{dtype.name}".encode())
    rng = np.random.default_rng([seed, key])
    size = (rows, n)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=size, dtype=dtype, endpoint=True)
    if dtype in (np.dtype(np.float32), np.dtype(np.float64)):
        return rng.standard_normal(size=size, dtype=dtype)
    # bfloat16 (and anything else): from float32 normals, many ties as real data has
    return rng.standard_normal(size=size, dtype=np.float32).astype(dtype)


def sort_reference(src):
    if src.dtype.kind == "V" or src.dtype.name == "bfloat16":
        return np.sort(src.astype(np.float32), axis=-1).astype(src.dtype)
    return np.sort(src, axis=-1)
