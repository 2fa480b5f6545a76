#!/usr/bin/env python3
"""rowsort against the best sorters we know, side by side, single-threaded (issue 4).

One process, identical data: for every (op, shape, dtype) each contender sorts the same
input, copied into its buffer before each call and outside the timed region; the contenders
are interleaved and their order rotates every round; medians and minimums are reported, with
ns per element, GB/s (bytes of the keys / median time) and the ratio to rowsort's best
kernel path (peer time / rowsort time: above 1, rowsort is faster).

Contenders, all on one thread:
  rowsort/<isa>      rowsort_sort on a context made once (options.threads = 1, options.isa
                     = each path this build and CPU have; a missing path is skipped with a
                     note); argsort: a request with int32 indices and ROWSORT_STABLE, the
                     semantics of rowsort_argsort_rows
  numpy              ndarray.sort(axis=-1) in place (default kind: x86-simd-sort's AVX-512 or
                     AVX2 quicksort in NumPy 2.x for 16/32/64-bit numbers; ml_dtypes.bfloat16
                     goes through NumPy's generic compare-function sort);
                     argsort: np.argsort(kind="stable"), which returns a new int64 array
  numpy-avx2         the same in a helper process with NumPy's AVX-512 targets disabled
                     (NPY_DISABLE_CPU_FEATURES, read only at import): on AMD Zen 4 its AVX2
                     path is several times faster than its AVX-512 one (below)
  vqsort             Highway 1.0.3 hwy::Sorter per row (a temporary Sorter per call)
  vqsort-reuse       one hwy::Sorter reused for every row
  vqsort-avx2        one hwy::Sorter, Highway's AVX2 target forced: 1.0.3's AVX-512 (AVX3)
                     partition stores with vpcompress to memory, microcoded on Zen 4
  vqsort-pack[-reuse|-avx2]  argsort: VQSort of packed (key, index) per row (key << 32 |
                     index in a u64 for 32-bit keys, a u128 for 64-bit keys),
                     packing and unpacking included
  std::sort, qsort   per row; std::stable_sort of indices for argsort
  memcpy             memcpy of the same bytes: the floor
  jax, jax-1st       jax.lax.sort (is_stable=False) on CPU, seed workload (8x8192, 8x4097
                     float32) only: later calls of one jitted function, and the first call
                     of a fresh jit after jax.clear_caches() (trace + compile + run)

    .venv/bin/python bench/bench_sort.py [--quick] [--reps N] [--shapes 8x8192,...]
        [--dtypes int32,...] [--argsort-dtypes int32,float32|none] [--csv FILE]

`bash bench/run.sh` builds the libraries and runs this, then the plot and the docs table.
"""

import os

# Single thread for everything, before NumPy, OpenMP or XLA start.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["ROWSORT_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false"
                           " intra_op_parallelism_threads=1").strip()

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import benchlib as bl  # noqa: E402
import report  # noqa: E402  (issue 4's targets, one definition for the driver and the tables)

try:
    import ml_dtypes
except ImportError:  # bfloat16 cases are then skipped
    ml_dtypes = None

SHAPES = ["8x8192", "8x4097", "4096x16", "65536x64", "1024x1024", "64x65536", "16x1048576",
          "1x16777216"]
SEED_SHAPES = ("8x8192", "8x4097")
DTYPES = ["int32", "float32", "bfloat16", "int16", "float64", "int64"]
ARGSORT_DTYPES = ["int32", "float32", "float64"]
QUICK_SHAPES = ["8x8192", "8x4097", "4096x16", "65536x64", "1024x1024"]
QUICK_DTYPES = ["int32", "float32"]
QUICK_ARGSORT = ["int32"]
ISAS = ["scalar", "avx2", "avx512"]
VQSORT_DTYPES = {"int16", "int32", "int64", "uint16", "uint32", "uint64", "float32", "float64"}

# Contenders that are not peers in the "best peer" column: the floor, and compile time.
NOT_PEERS = {"memcpy", "jax-1st"}

CSV_FIELDS = ["op", "shape", "rows", "n", "dtype", "contender", "group", "reps", "median_ns",
              "min_ns", "median_ns_per_elem", "min_ns_per_elem", "gbps", "ratio_vs_rowsort",
              "ok", "note"]


def np_dtype(name):
    if name == "bfloat16":
        if ml_dtypes is None:
            raise bl.NotAvailable("ml_dtypes is not installed")
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


# ---- contenders --------------------------------------------------------------------------


def rowsort_contenders(ctxs, op):
    out = []
    for isa, ctx in ctxs.items():
        if op == "sort":
            out.append(bl.Contender(f"rowsort/{isa}", "rowsort",
                                    lambda case, ctx=ctx: ctx.sorter(case.work)))
        else:
            def prepare(case, ctx=ctx, isa=isa):
                idx = case.extra.setdefault(f"idx:{isa}", np.full(case.src.shape, -1, np.int32))
                return ctx.argsorter(case.work, idx)

            out.append(bl.Contender(f"rowsort/{isa}", "rowsort", prepare,
                                    output=lambda case, ret, isa=isa: case.extra[f"idx:{isa}"]))
    return out


def peer_sort_contenders(peers, rs_dtype_of, np_worker):
    def vq(fname, isa):
        def prepare(case):
            if case.dtype.name not in VQSORT_DTYPES:
                raise bl.NotAvailable("n/a: VQSort has no " + case.dtype.name + " sort")
            return peers.call(fname, case.work.ctypes.data, case.rows, case.n,
                              rs_dtype_of(case.dtype), 1, isa)
        return prepare

    def plain(fname):
        def prepare(case):
            return peers.call(fname, case.work.ctypes.data, case.rows, case.n,
                              rs_dtype_of(case.dtype))
        return prepare

    def numpy_sort(case):
        w = case.work
        return lambda: w.sort(axis=-1)

    def memcpy(case):
        dst = case.extra.setdefault("memcpy", np.empty_like(case.src))
        return peers.call("rsb_memcpy", dst.ctypes.data, case.work.ctypes.data, case.bytes)

    out = [bl.Contender("numpy", "peer", numpy_sort)]
    if np_worker:
        out.append(worker_contender(np_worker, "sort"))
    out += [
        bl.Contender("vqsort", "peer", vq("rsb_vqsort", bl.HWY_BEST)),
        bl.Contender("vqsort-reuse", "peer", vq("rsb_vqsort_reuse", bl.HWY_BEST)),
    ]
    if peers.hwy_avx2_target and peers.hwy_avx2_target != peers.hwy_target:
        out.append(bl.Contender("vqsort-avx2", "peer", vq("rsb_vqsort_reuse", bl.HWY_AVX2),
                                note=f"reused Sorter, Highway target {peers.hwy_avx2_target}"))
    out += [
        bl.Contender("std::sort", "peer", plain("rsb_std_sort")),
        bl.Contender("qsort", "peer", plain("rsb_qsort")),
        bl.Contender("memcpy", "floor", memcpy, check=False),
    ]
    return out


def worker_contender(worker, op):
    def prepare(case):
        if case.dtype.name not in VQSORT_DTYPES:
            # No SIMD sort for it in NumPy (bfloat16): the same generic code as `numpy`.
            raise bl.NotAvailable(f"n/a: NumPy has no SIMD {op} for {case.dtype.name}: "
                                  "same code as numpy")
        case.extra["worker_out"] = worker.setup(case, op)
        return worker.run

    note = "NumPy in a helper process, NPY_DISABLE_CPU_FEATURES=" + worker.disabled
    if op == "argsort":
        note += "; int64 indices"
    return bl.Contender(worker.name, "peer", prepare, before=lambda case: None,
                        output=lambda case, ret: case.extra["worker_out"], note=note)


def peer_argsort_contenders(peers, rs_dtype_of, np_worker):
    def indices(case, name):
        return case.extra.setdefault(f"idx:{name}", np.full(case.src.shape, -1, np.int32))

    def c_argsort(name, fname, vq_isa=None, note=""):
        def prepare(case):
            args = [case.work.ctypes.data, case.rows, case.n, rs_dtype_of(case.dtype),
                    indices(case, name).ctypes.data]
            if vq_isa is not None:
                args += [1, vq_isa]
            return peers.call(fname, *args)
        return bl.Contender(name, "peer", prepare, note=note,
                            output=lambda case, ret: case.extra[f"idx:{name}"])

    def numpy_argsort(case):
        w = case.work
        return lambda: np.argsort(w, axis=-1, kind="stable")

    out = [bl.Contender("numpy", "peer", numpy_argsort, output=lambda case, ret: ret,
                        note="int64 indices (NumPy has no int32 argsort)")]
    if np_worker:
        out.append(worker_contender(np_worker, "argsort"))
    out += [
        c_argsort("vqsort-pack", "rsb_vqsort_argsort", bl.HWY_BEST),
        c_argsort("vqsort-pack-reuse", "rsb_vqsort_argsort_reuse", bl.HWY_BEST),
    ]
    if peers.hwy_avx2_target and peers.hwy_avx2_target != peers.hwy_target:
        out.append(c_argsort("vqsort-pack-avx2", "rsb_vqsort_argsort_reuse", bl.HWY_AVX2,
                             note=f"reused Sorter, Highway target {peers.hwy_avx2_target}"))
    out.append(c_argsort("std::stable_sort", "rsb_std_stable_argsort"))
    return out


def start_numpy_avx2():
    """NumPy without its AVX-512 dispatch targets, in a helper process; None when this CPU
    gives NumPy no AVX-512 target (then `numpy` already is its AVX2 path)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:
        return None
    off = [t for t in __cpu_dispatch__
           if __cpu_features__.get(t) and (t.startswith("AVX512") or t == "X86_V4")]
    if not off:
        return None
    w = bl.NumpyWorker({"NPY_DISABLE_CPU_FEATURES": " ".join(off)})
    w.disabled = '"' + " ".join(off) + '"'
    w.name = "numpy-avx2" if "X86_V3" in w.info["simd"].split() or "AVX2" in w.info["simd"] \
        else "numpy-noavx512"
    return w


def jax_contenders():
    """jax.lax.sort on CPU: later calls of one jit, and first calls of fresh jits."""
    import jax

    def sort_fn(a):
        return jax.lax.sort(a, dimension=-1, is_stable=False)

    def setup(case):
        st = case.extra.get("jax")
        if st is None:
            x = jax.device_put(case.src)
            f = jax.jit(sort_fn)
            f(x).block_until_ready()
            st = case.extra["jax"] = {"x": x, "f": f}
        return st

    def later(case):
        st = setup(case)
        x, f = st["x"], st["f"]
        return lambda: f(x).block_until_ready()

    def warm_later(case):
        st = setup(case)
        st["f"](st["x"]).block_until_ready()  # recompiles here (untimed) after a clear_caches

    def first(case):
        st = setup(case)
        x = st["x"]
        return lambda: jax.jit(lambda a: sort_fn(a))(x).block_until_ready()

    out = lambda case, ret: np.asarray(ret)  # noqa: E731
    return [
        bl.Contender("jax", "peer", later, output=out, before=warm_later,
                     note=f"jax {jax.__version__}, later calls"),
        bl.Contender("jax-1st", "peer", first, output=out,
                     before=lambda case: jax.clear_caches(),
                     note="first call of a fresh jit: trace + compile + sort"),
    ]


# ---- the run -----------------------------------------------------------------------------


def run(args):
    cpu = bl.cpu_info()
    rs, peers = bl.load_libs(args.build_dir)
    log = print

    ctxs, isa_notes = {}, []
    for isa in ISAS:
        try:
            ctx = rs.create(1, isa)
            ctxs[isa] = ctx
        except bl.RowsortError as e:
            if e.status != bl.ROWSORT_E_ISA:
                raise
            isa_notes.append(f"rowsort/{isa} skipped: {e}")
    if not ctxs:
        raise SystemExit("bench_sort.py: no rowsort kernel path could be created")

    def rs_dtype_of(d):
        return rs.dtype(d)

    np_worker = None if "numpy-avx2" in args.skip else start_numpy_avx2()

    jax_version = ""
    want_jax = not args.no_jax and any(s in SEED_SHAPES for s in args.shapes)
    jax_cs = []
    if want_jax:
        try:
            jax_cs = jax_contenders()
            import jax
            jax_version = jax.__version__
        except ImportError as e:
            isa_notes.append(f"jax skipped: {e}")

    meta = {
        "benchmark": "bench/bench_sort.py (single thread)",
        "cpu": cpu["description"],
        "simd": " ".join(cpu["simd"]) or "none",
        "cores_available": str(cpu["cores"]),
        "date": bl.now_utc(),
        "command": "bench/bench_sort.py " + " ".join(args.argv),
        "rowsort": f"{rs.version} ({bl.git_describe()}), paths: {', '.join(ctxs)}",
        "numpy": f"{np.__version__} (dispatch targets on this CPU: {bl.numpy_simd()})"
                 + (f"; {np_worker.name}: {np_worker.info['simd']} in a helper process"
                    if np_worker else ""),
        "ml_dtypes": getattr(ml_dtypes, "__version__", "absent"),
        "jax": jax_version or "not run",
        "highway": f"1.0.3 (Debian libhwy-dev), dispatches to {peers.hwy_target}"
                   + (f"; vqsort-avx2 forces {peers.hwy_avx2_target}"
                      if peers.hwy_avx2_target != peers.hwy_target else ""),
        "python": sys.version.split()[0],
        "threads": "1 (options.threads=1, ROWSORT_THREADS=1, OMP_NUM_THREADS=1)",
    }
    for k, v in meta.items():
        log(f"# {k}: {v}")
    for note in isa_notes:
        log(f"# note: {note}")

    skip = set(args.skip)
    rows_out = []
    load_start = bl.load_average()
    log(f"# load average (1, 5, 15 min): {load_start}")
    t_start = time.time()
    plan = [("sort", s, d) for s in args.shapes for d in args.dtypes]
    plan += [("argsort", s, d) for s in args.shapes for d in args.argsort_dtypes]
    plan.sort(key=lambda p: args.shapes.index(p[1]))  # shape by shape, sorts then argsorts
    header = (f"{'op':<8}{'shape':<12}{'dtype':<9}{'contender':<19}{'med ns/el':>10}"
              f"{'min ns/el':>10}{'GB/s':>8}{'ratio':>8}  note")
    log(header)
    for op, shape, dname in plan:
        rows, n = bl.parse_shape(shape)
        try:
            dtype = np_dtype(dname)
        except bl.NotAvailable as e:
            log(f"{op:<8}{shape:<12}{dname:<9}skipped: {e}")
            continue
        src = bl.make_input(op, rows, n, dtype, args.seed)
        if op == "sort":
            ref = lambda src=src: bl.sort_reference(src)  # noqa: E731
        else:
            ref = lambda src=src: np.argsort(src, axis=-1, kind="stable")  # noqa: E731
        case = bl.Case(op, rows, n, dtype, src, ref)
        cs = rowsort_contenders(ctxs, op)
        # jax runs in a rotation of its own, after the others: its calls (XLA's runtime, and
        # a compilation for jax-1st) evict the caches, so interleaved with the others they
        # slowed whichever call came next (memcpy of the seed workload: 0.48 ns/el against
        # 0.22 without them in the rotation; rowsort float32 3.18 against 2.32).
        own = []
        if op == "sort":
            cs += peer_sort_contenders(peers, rs_dtype_of, np_worker)
            if jax_cs and shape in SEED_SHAPES and dname == "float32":
                own = [c for c in jax_cs if c.name not in skip]
        else:
            cs += peer_argsort_contenders(peers, rs_dtype_of, np_worker)
        cs = [c for c in cs if c.name not in skip]
        reps = args.reps or bl.default_reps(case.elements)
        try:
            # A warm-up round for every case: a kept context's first call on a larger case
            # allocates and faults in its workspace (argsort of 1x16M int32: 62 against
            # 11.6 ns/element on later calls), which the peers' steady state does not pay.
            results = bl.time_case(case, cs, reps, warmup=True,
                                   verify=not args.no_verify, log=log)
            if own:
                results.update(bl.time_case(case, own, reps, warmup=True,
                                            verify=not args.no_verify, log=log))
                cs += own
        finally:
            case.release()
        stats = {name: bl.summarize(r["ns"], case.elements, case.bytes)
                 for name, r in results.items()}
        rs_meds = [s["median_ns"] for name, s in stats.items()
                   if s and name.startswith("rowsort/") and results[name]["ok"] is not False]
        best_rs = min(rs_meds) if rs_meds else None
        for c in cs:
            s, r = stats[c.name], results[c.name]
            ratio = s["median_ns"] / best_rs if s and best_rs else None
            row = {"op": op, "shape": shape, "rows": rows, "n": n, "dtype": dname,
                   "contender": c.name, "group": c.group, "reps": s["reps"] if s else 0,
                   "median_ns": f"{s['median_ns']:.0f}" if s else "",
                   "min_ns": f"{s['min_ns']:.0f}" if s else "",
                   "median_ns_per_elem": f"{s['median_ns_per_elem']:.4g}" if s else "",
                   "min_ns_per_elem": f"{s['min_ns_per_elem']:.4g}" if s else "",
                   "gbps": f"{s['gbps']:.4g}" if s else "",
                   "ratio_vs_rowsort": f"{ratio:.3g}" if ratio else "",
                   "ok": {True: "yes", False: "NO", None: ""}[r["ok"]],
                   "note": r["note"]}
            rows_out.append(row)
            if s:
                log(f"{op:<8}{shape:<12}{dname:<9}{c.name:<19}"
                    f"{s['median_ns_per_elem']:>10.3f}{s['min_ns_per_elem']:>10.3f}"
                    f"{s['gbps']:>8.2f}{(f'{ratio:.2f}' if ratio else '-'):>8}  {r['note']}")
            else:
                log(f"{op:<8}{shape:<12}{dname:<9}{c.name:<19}{'n/a':>10}{'':>10}{'':>8}"
                    f"{'':>8}  {r['note']}")
        sys.stdout.flush()
    meta["wall_seconds"] = f"{time.time() - t_start:.0f}"
    meta["load_average"] = f"{load_start} at the start, {bl.load_average()} at the end"
    for ctx in ctxs.values():
        ctx.close()
    if np_worker:
        np_worker.close()

    summary = summarize_run(rows_out)
    log("")
    log("summary: rowsort's best path against the best peer (ratio = peer / rowsort, "
        ">1: rowsort faster); target from issue 4")
    log(f"{'op':<8}{'shape':<12}{'dtype':<9}{'rowsort':>9} {'path':<7}{'best peer':>10} "
        f"{'(who)':<17}{'ratio':>7}{'target':>8}  met")
    for s in summary:
        log(f"{s['op']:<8}{s['shape']:<12}{s['dtype']:<9}{s['rs_ns']:>9.3f} {s['rs_isa']:<7}"
            f"{s['peer_ns']:>10.3f} {s['peer']:<17}{s['ratio']:>7.2f}"
            + (f"{'none':>8}" if s["target"] is None else
               f"{s['target']:>8.2f}  {'yes' if report.target_met(s['ratio'], s['target']) else 'no'}"))
    log(f"# wall: {meta['wall_seconds']} s")

    os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
    tmp = args.csv + ".tmp"
    with open(tmp, "w", newline="") as f:
        for k, v in meta.items():
            f.write(f"# {k}: {v}\n")
        for note in isa_notes:
            f.write(f"# note: {note}\n")
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        w.writerows(rows_out)
    os.replace(tmp, args.csv)
    log(f"# wrote {os.path.relpath(args.csv)}")


def summarize_run(rows):
    """Per case: rowsort's best path, the best peer, their ratio, issue 4's target."""
    cases = {}
    for r in rows:
        cases.setdefault((r["op"], r["shape"], r["dtype"]), []).append(r)
    out = []
    for (op, shape, dname), rs in cases.items():
        timed = [r for r in rs if r["median_ns_per_elem"] and r["ok"] != "NO"]
        mine = [r for r in timed if r["group"] == "rowsort"]
        theirs = [r for r in timed if r["group"] == "peer" and r["contender"] not in NOT_PEERS]
        if not mine or not theirs:
            continue
        m = min(mine, key=lambda r: float(r["median_ns_per_elem"]))
        p = min(theirs, key=lambda r: float(r["median_ns_per_elem"]))
        out.append({"op": op, "shape": shape, "dtype": dname,
                    "rs_ns": float(m["median_ns_per_elem"]),
                    "rs_isa": m["contender"].split("/", 1)[1],
                    "peer_ns": float(p["median_ns_per_elem"]), "peer": p["contender"],
                    "ratio": float(p["median_ns_per_elem"]) / float(m["median_ns_per_elem"]),
                    "target": report.target_of(op, shape, dname)})
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(bl.ROOT, "build-bench"),
                    help="build tree with -DROWSORT_BUILD_BENCH=ON (default: build-bench)")
    ap.add_argument("--quick", action="store_true",
                    help="few shapes, dtypes and rounds: a smoke run in well under a minute")
    ap.add_argument("--reps", type=int, default=0,
                    help="timed rounds per case (default: 3..25, fewer for bigger cases)")
    ap.add_argument("--shapes", help="comma-separated ROWSxN list")
    ap.add_argument("--dtypes", help="comma-separated dtypes to sort")
    ap.add_argument("--argsort-dtypes", help="comma-separated dtypes to argsort, or none")
    ap.add_argument("--skip", default="", help="contenders to leave out, e.g. qsort,std::sort")
    ap.add_argument("--no-jax", action="store_true", help="leave jax.lax.sort out")
    ap.add_argument("--no-verify", action="store_true", help="do not check outputs")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--csv", help="CSV to write (default: bench/results/sort[-quick]-CPU.csv)")
    args = ap.parse_args(argv)
    args.argv = argv

    def split(s):
        return [x for x in (s or "").split(",") if x and x != "none"]

    if args.quick:
        args.shapes = split(args.shapes) or QUICK_SHAPES
        args.dtypes = split(args.dtypes) or QUICK_DTYPES
        args.argsort_dtypes = (split(args.argsort_dtypes) if args.argsort_dtypes is not None
                               else QUICK_ARGSORT)
        args.reps = args.reps or 5
    else:
        args.shapes = split(args.shapes) or SHAPES
        args.dtypes = split(args.dtypes) if args.dtypes is not None else DTYPES
        args.argsort_dtypes = (split(args.argsort_dtypes) if args.argsort_dtypes is not None
                               else ARGSORT_DTYPES)
    for s in args.shapes:
        bl.parse_shape(s)
    if args.reps and args.reps < 3:
        print("bench_sort.py: warning: fewer than 3 rounds: medians mean little", file=sys.stderr)
    args.skip = split(args.skip)
    if not args.csv:
        slug = bl.cpu_info()["slug"]
        args.csv = os.path.join(bl.HERE, "results",
                                f"sort{'-quick' if args.quick else ''}-{slug}.csv")
    run(args)


if __name__ == "__main__":
    main()
