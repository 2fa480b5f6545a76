#!/usr/bin/env python3
"""Thread scaling: rowsort on 1..N threads against an OpenMP loop of VQSort per row (issue 5).

For every (shape, dtype), in one process on identical data, interleaved and repeated:
  rowsort@t        rowsort_sort on a context with options.threads = t (kernel path: auto,
                   i.e. the best this CPU has; pin: the library's default)
  rowsort-nopin@t  the same with options.pin = ROWSORT_PIN_NONE (threads not bound: on a
                   shared machine a bound thread waits for its own core)
  vqsort-omp@t     `#pragma omp parallel num_threads(t)` over the rows, one hwy::Sorter per
                   thread (bench/peers.cpp rsb_vqsort_reuse): the natural threaded peer
  vqsort-avx2-omp@t  the same with Highway's AVX2 target forced (faster than its AVX-512
                   one on AMD Zen 4: see bench_sort.py)
  numpy@1          ndarray.sort(axis=-1), for reference (NumPy sorts on one thread)
Each timed call of a batch of up to 2^21 elements follows one untimed call of the same
contender (--settle): contexts of different thread counts share libgomp's pool of the
calling thread, and a change of team size costs more than a small batch's sort (seen on
16 cores: 8x8192 at 8 threads 3.5x slower right after a 4-thread call).
Speedup is each contender's own 1-thread median over its t-thread median; efficiency is
speedup / t. A batch of one row cannot be spread by a per-row loop: VQSort's speedup is 1
there by construction.

    .venv/bin/python bench/bench_scaling.py [--threads 1,2] [--shapes ...] [--dtypes ...]
        [--reps N] [--quick] [--csv FILE]
"""

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ.pop("ROWSORT_THREADS", None)  # contexts get their thread count explicitly

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import benchlib as bl  # noqa: E402

SHAPES = ["8x8192", "65536x64", "1024x1024", "4x4194304", "1x16777216"]
DTYPES = ["int32", "float32"]
QUICK_SHAPES = ["8x8192", "65536x64", "1024x1024"]
QUICK_DTYPES = ["int32"]

CSV_FIELDS = ["shape", "rows", "n", "dtype", "contender", "threads", "reps", "median_ns",
              "min_ns", "median_ns_per_elem", "min_ns_per_elem", "speedup", "efficiency", "ok",
              "note"]


def run(args):
    cpu = bl.cpu_info()
    rs, peers = bl.load_libs(args.build_dir)
    log = print
    ctxs = {t: rs.create(t, "auto") for t in args.threads}
    nopin = {} if args.no_nopin else {t: rs.create(t, "auto", "none") for t in args.threads}
    isa = next(iter(ctxs.values())).isa
    opts = bl.Options()
    rs.lib.rowsort_options_init(bl.C.byref(opts))
    default_pin = {v: k for k, v in bl.PIN_VALUES.items()}.get(opts.pin, str(opts.pin))
    meta = {
        "benchmark": "bench/bench_scaling.py (threads)",
        "cpu": cpu["description"],
        "simd": " ".join(cpu["simd"]) or "none",
        "cores_available": str(cpu["cores"]),
        "date": bl.now_utc(),
        "command": "bench/bench_scaling.py " + " ".join(args.argv),
        "rowsort": f"{rs.version} ({bl.git_describe()}), path {isa}, pin: {default_pin} "
                   "(the default) and none (rowsort-nopin)",
        "numpy": np.__version__,
        "highway": f"1.0.3 (Debian libhwy-dev), dispatches to {peers.hwy_target}"
                   + (f"; vqsort-avx2-omp forces {peers.hwy_avx2_target}"
                      if peers.hwy_avx2_target != peers.hwy_target else ""),
        "threads": ", ".join(str(t) for t in args.threads),
        "settle": (str(args.settle) if args.settle >= 0 else
                   "1 untimed call before each timed one up to 2^21 elements, else 0"),
    }
    for k, v in meta.items():
        log(f"# {k}: {v}")
    if max(args.threads) > cpu["cores"]:
        log(f"# warning: more threads than the {cpu['cores']} CPUs this process may use")

    rows_out = []
    load_start = bl.load_average()
    log(f"# load average (1, 5, 15 min): {load_start}")
    t_start = time.time()
    log(f"{'shape':<12}{'dtype':<9}{'contender':<19}{'med ns/el':>10}{'min ns/el':>10}"
        f"{'speedup':>9}{'effic.':>8}")
    for shape in args.shapes:
        rows, n = bl.parse_shape(shape)
        for dname in args.dtypes:
            dtype = np.dtype(dname)
            src = bl.make_input("sort", rows, n, dtype, args.seed)
            case = bl.Case("sort", rows, n, dtype, src, lambda src=src: bl.sort_reference(src))
            d = rs.dtype(dtype)
            cs = []
            for label, contexts in (("rowsort", ctxs), ("rowsort-nopin", nopin)):
                for t, ctx in contexts.items():
                    cs.append(bl.Contender(f"{label}@{t}", "rowsort",
                                           lambda case, ctx=ctx: ctx.sorter(case.work)))
            vq_variants = [("vqsort-omp", bl.HWY_BEST)]
            if peers.hwy_avx2_target and peers.hwy_avx2_target != peers.hwy_target:
                vq_variants.append(("vqsort-avx2-omp", bl.HWY_AVX2))
            for name, hwy_isa in vq_variants:
                for t in args.threads:
                    cs.append(bl.Contender(
                        f"{name}@{t}", "peer",
                        lambda case, t=t, hwy_isa=hwy_isa: peers.call(
                            "rsb_vqsort_reuse", case.work.ctypes.data, case.rows, case.n, d, t,
                            hwy_isa)))
            if not args.no_numpy:
                cs.append(bl.Contender("numpy@1", "peer",
                                       lambda case: (lambda w=case.work: w.sort(axis=-1))))
            reps = args.reps or bl.default_reps(case.elements)
            try:
                small = case.elements <= (1 << 21)
                settle = args.settle if args.settle >= 0 else int(small)
                results = bl.time_case(case, cs, reps, warmup=small,
                                       verify=not args.no_verify, log=log, settle=settle)
            finally:
                case.release()
            stats = {c.name: bl.summarize(results[c.name]["ns"], case.elements, case.bytes)
                     for c in cs}
            for c in cs:
                s, r = stats[c.name], results[c.name]
                base_name, t = c.name.split("@")
                t = int(t)
                one = stats.get(f"{base_name}@1")
                speedup = one["median_ns"] / s["median_ns"] if s and one else None
                row = {"shape": shape, "rows": rows, "n": n, "dtype": dname,
                       "contender": base_name, "threads": t, "reps": s["reps"] if s else 0,
                       "median_ns": f"{s['median_ns']:.0f}" if s else "",
                       "min_ns": f"{s['min_ns']:.0f}" if s else "",
                       "median_ns_per_elem": f"{s['median_ns_per_elem']:.4g}" if s else "",
                       "min_ns_per_elem": f"{s['min_ns_per_elem']:.4g}" if s else "",
                       "speedup": f"{speedup:.3g}" if speedup else "",
                       "efficiency": f"{speedup / t:.3g}" if speedup else "",
                       "ok": {True: "yes", False: "NO", None: ""}[r["ok"]], "note": r["note"]}
                rows_out.append(row)
                if s:
                    log(f"{shape:<12}{dname:<9}{c.name:<19}{s['median_ns_per_elem']:>10.3f}"
                        f"{s['min_ns_per_elem']:>10.3f}"
                        f"{(f'{speedup:.2f}x' if speedup else ''):>9}"
                        f"{(f'{speedup / t * 100:.0f}%' if speedup else ''):>8}  {r['note']}")
                else:
                    log(f"{shape:<12}{dname:<9}{c.name:<19}{'n/a':>10}  {r['note']}")
            sys.stdout.flush()
    meta["wall_seconds"] = f"{time.time() - t_start:.0f}"
    meta["load_average"] = f"{load_start} at the start, {bl.load_average()} at the end"
    for ctx in list(ctxs.values()) + list(nopin.values()):
        ctx.close()
    log(f"# wall: {meta['wall_seconds']} s")
    os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
    tmp = args.csv + ".tmp"
    with open(tmp, "w", newline="") as f:
        for k, v in meta.items():
            f.write(f"# {k}: {v}\n")
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerows(rows_out)
    os.replace(tmp, args.csv)
    log(f"# wrote {os.path.relpath(args.csv)}")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(bl.ROOT, "build-bench"))
    ap.add_argument("--threads", help="comma-separated thread counts (default: 1..CPUs)")
    ap.add_argument("--shapes")
    ap.add_argument("--dtypes")
    ap.add_argument("--reps", type=int, default=0)
    ap.add_argument("--settle", type=int, default=-1,
                    help="untimed calls before each timed one (default: 1 on batches of up "
                         "to 2^21 elements, else 0): switching thread counts resizes "
                         "libgomp's pool, which a caller keeping one context never pays")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-numpy", action="store_true")
    ap.add_argument("--no-nopin", action="store_true", help="leave rowsort-nopin out")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--csv")
    args = ap.parse_args(argv)
    args.argv = argv

    def split(s):
        return [x for x in (s or "").split(",") if x]

    cpu = bl.cpu_info()
    args.threads = [int(t) for t in split(args.threads)] or list(range(1, cpu["cores"] + 1))
    if 1 not in args.threads:
        args.threads.insert(0, 1)  # speedups need the 1-thread time
    args.shapes = split(args.shapes) or (QUICK_SHAPES if args.quick else SHAPES)
    args.dtypes = split(args.dtypes) or (QUICK_DTYPES if args.quick else DTYPES)
    if args.quick:
        args.reps = args.reps or 5
    if not args.csv:
        args.csv = os.path.join(bl.HERE, "results",
                                f"scaling{'-quick' if args.quick else ''}-{cpu['slug']}.csv")
    run(args)


if __name__ == "__main__":
    main()
