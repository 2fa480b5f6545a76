#!/usr/bin/env python3
"""rowsort's Python front end against np.sort / np.argsort and jax.lax.sort, in one run.

Workloads (float32, normal random): the seed workload 8x8192 and 8x4097, 65536x64,
1024x1024. Contenders run interleaved (each repetition runs every contender once, in a
shuffled order) and the median is reported with ratios to rowsort. jax.lax.sort is timed on
its first call (tracing + XLA compilation + run, a fresh jit per workload) and on later calls.
Every call takes a NumPy array and gives back a NumPy array (jax: np.asarray of the result).

Then top-k (float32, normal random): rowsort.top_k against jax.lax.top_k (jitted, later
calls) and NumPy's np.argpartition followed by a sort of the k picked (the usual NumPy
idiom; ties aside, the same values), on 8x8192 (k = 8, 64, 1024), 1024x1024 (k = 16) and
4x1048576 (k = 100), interleaved the same way, results checked against jax.lax.top_k.

Then the whole-process time of a script that loads an .npy, sorts every row and saves the
result, with each library (subprocess, repeated, interleaved, median).

    .venv/bin/python bench/bench_python.py [--reps 15] [--proc-reps 5] [--no-jax]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import rowsort

WORKLOADS = [(8, 8192), (8, 4097), (65536, 64), (1024, 1024)]


def timed(f):
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def fmt(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.0f} us"


def interleaved_medians(contenders, reps, seed):
    """Each contender's median time over `reps` rounds, every round running all of them."""
    names = list(contenders)
    times = {k: [] for k in names}
    shuffle = np.random.default_rng(seed)
    for r in range(reps):
        # A fresh order each round: in a fixed rotation each contender always followed the
        # same one, and whichever followed jax.lax.sort shared the cores with XLA's
        # threads still spinning (rowsort.sort unstable on 8x8192: 262 against 130 us).
        for k in [names[i] for i in shuffle.permutation(len(names))]:
            times[k].append(timed(contenders[k]))
    return {k: statistics.median(v) for k, v in times.items()}


def bench_calls(reps, use_jax):
    jax = None
    if use_jax:
        try:
            import jax
        except ImportError:
            print("jax not importable: skipping its columns", file=sys.stderr)
    rng = np.random.default_rng(0)
    rows_out = []
    for shape in WORKLOADS:
        x = rng.standard_normal(shape).astype(np.float32)
        want = np.sort(x, axis=-1)
        contenders = {
            "rowsort.sort (unstable)": lambda: rowsort.sort(x, is_stable=False),
            "rowsort.sort (stable)": lambda: rowsort.sort(x),
            "np.sort": lambda: np.sort(x, axis=-1),
            "rowsort.argsort": lambda: rowsort.argsort(x),
            "np.argsort stable": lambda: np.argsort(x, axis=-1, kind="stable"),
        }
        first = {}
        if jax is not None:
            fn = jax.jit(lambda a: jax.lax.sort(a))  # a fresh jit: the first call compiles
            t0 = time.perf_counter()
            got = np.asarray(fn(x))
            first["jax.lax.sort"] = time.perf_counter() - t0
            assert np.array_equal(got, want)
            contenders["jax.lax.sort"] = lambda: np.asarray(fn(x))
        t0 = time.perf_counter()
        rowsort.sort(x)
        first["rowsort.sort (stable)"] = time.perf_counter() - t0
        assert np.array_equal(rowsort.sort(x, is_stable=False), want)
        rows_out.append((shape, interleaved_medians(contenders, reps, seed=1), first))
    return rows_out


TOPK_WORKLOADS = [((8, 8192), 8), ((8, 8192), 64), ((8, 8192), 1024), ((1024, 1024), 16),
                  ((4, 1 << 20), 100)]


def np_top_k(x, k):
    """The k largest per row, largest first: np.argpartition, then a stable sort of the k."""
    part = np.argpartition(-x, k - 1, axis=-1)[:, :k]
    vals = np.take_along_axis(x, part, axis=-1)
    order = np.argsort(-vals, axis=-1, kind="stable")
    return np.take_along_axis(vals, order, axis=-1), np.take_along_axis(part, order, axis=-1)


def bench_topk(reps, use_jax):
    jax = None
    if use_jax:
        try:
            import jax
        except ImportError:
            pass
    rng = np.random.default_rng(2)
    rows_out = []
    for shape, k in TOPK_WORKLOADS:
        x = rng.standard_normal(shape).astype(np.float32)
        vals, idx = rowsort.top_k(x, k)
        assert np.array_equal(np_top_k(x, k)[0], vals)
        contenders = {
            "rowsort.top_k": lambda: rowsort.top_k(x, k),
            "np.argpartition + sort": lambda: np_top_k(x, k),
        }
        if jax is not None:
            fn = jax.jit(lambda a: jax.lax.top_k(a, k))
            jv, ji = fn(x)
            assert np.array_equal(np.asarray(jv), vals) and np.array_equal(np.asarray(ji), idx)
            contenders["jax.lax.top_k"] = lambda: [np.asarray(a) for a in fn(x)]
        rows_out.append((shape, k, interleaved_medians(contenders, reps, seed=3)))
    return rows_out


SCRIPT = {
    "rowsort": "import numpy as np, rowsort; x = np.load(sys.argv[1]); "
               "np.save(sys.argv[2], rowsort.sort(x, is_stable=False))",
    "numpy": "import numpy as np; x = np.load(sys.argv[1]); np.save(sys.argv[2], np.sort(x))",
    "jax": "import numpy as np, jax; x = np.load(sys.argv[1]); "
           "np.save(sys.argv[2], np.asarray(jax.lax.sort(x)))",
}


def bench_processes(reps, use_jax):
    out = []
    with tempfile.TemporaryDirectory() as d:
        for shape in [(8, 8192), (1024, 1024)]:
            src = os.path.join(d, "in.npy")
            np.save(src, np.random.default_rng(1).standard_normal(shape).astype(np.float32))
            want = np.sort(np.load(src))
            libs = [k for k in SCRIPT if use_jax or k != "jax"]
            times = {k: [] for k in libs}
            for r in range(reps):
                for k in libs[r % len(libs):] + libs[:r % len(libs)]:
                    dst = os.path.join(d, f"out_{k}.npy")
                    cmd = [sys.executable, "-c", "import sys; " + SCRIPT[k], src, dst]
                    t = time.perf_counter()
                    subprocess.run(cmd, check=True)
                    times[k].append(time.perf_counter() - t)
                    assert np.array_equal(np.load(dst), want), k
            out.append((shape, {k: statistics.median(v) for k, v in times.items()}))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--proc-reps", type=int, default=5)
    ap.add_argument("--no-jax", action="store_true")
    args = ap.parse_args()
    use_jax = not args.no_jax
    info = rowsort.info()
    print(f"rowsort {info['version']} (isa {info['isa']}, {info['threads']} threads), "
          f"numpy {np.__version__}", end="")
    if use_jax:
        try:
            import jax

            print(f", jax {jax.__version__} ({jax.devices()[0].platform})", end="")
        except ImportError:
            use_jax = False
    print(f", {os.cpu_count()} CPUs, python {sys.version.split()[0]}\n")

    res = bench_calls(args.reps, use_jax)
    print(f"## In-process calls (median of {args.reps}, interleaved; ratio = time / rowsort's)\n")
    print("| shape | contender | first call | later calls | ratio |")
    print("|---|---|---|---|---|")
    for shape, med, first in res:
        for k, v in med.items():
            base = med["rowsort.sort (stable)"] if k in ("jax.lax.sort", "rowsort.sort (stable)") \
                else med["rowsort.argsort"] if "argsort" in k else med["rowsort.sort (unstable)"]
            fc = fmt(first[k]) if k in first else ""
            print(f"| {shape[0]}x{shape[1]} | {k} | {fc} | {fmt(v)} | {v / base:.2f} |")
    print("\nRatios: np.sort against rowsort.sort (unstable), np.argsort against "
          "rowsort.argsort, jax.lax.sort (stable) against rowsort.sort (stable).\n")

    topk = bench_topk(args.reps, use_jax)
    print(f"## top-k, float32 (median of {args.reps}, interleaved; ratio = time / rowsort's)\n")
    print("| shape | k | contender | later calls | ratio |")
    print("|---|---|---|---|---|")
    for shape, k, med in topk:
        for c, v in med.items():
            print(f"| {shape[0]}x{shape[1]} | {k} | {c} | {fmt(v)} | "
                  f"{v / med['rowsort.top_k']:.2f} |")
    print()

    proc = bench_processes(args.proc_reps, use_jax)
    print(f"## Whole process: load .npy, sort rows, save .npy (median of {args.proc_reps})\n")
    print("| shape | library | wall time | ratio |")
    print("|---|---|---|---|")
    for shape, med in proc:
        for k, v in med.items():
            print(f"| {shape[0]}x{shape[1]} | {k} | {fmt(v)} | {v / med['rowsort']:.2f} |")


if __name__ == "__main__":
    main()
