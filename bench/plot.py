#!/usr/bin/env python3
"""Plots of a benchmark CSV: ns per element per shape per contender (log scale).

    plot.py sort    CSV [--out-dir docs]  -> perf_sort_i32.png, perf_sort_f32.png,
                                             perf_argsort_i32.png, perf_argsort_f32.png
    plot.py scaling CSV [--out-dir docs]  -> perf_scaling.png

Needs matplotlib (`.venv/bin/pip install matplotlib`); without it, says so and exits 0, so
that bench/run.sh still writes the CSV and the tables.
"""

import argparse
import os
import sys

from report import ROOT, read_csv

SHORT = {"int32": "i32", "float32": "f32", "int16": "i16", "int64": "i64", "float64": "f64",
         "bfloat16": "bf16"}
# Contenders in a fixed order and colour, rowsort first.
ORDER = ["rowsort/avx512", "rowsort/avx2", "rowsort/scalar", "numpy", "numpy-avx2", "vqsort",
         "vqsort-reuse", "vqsort-avx2", "vqsort-pack", "vqsort-pack-reuse", "vqsort-pack-avx2",
         "std::sort", "std::stable_sort", "qsort", "jax", "memcpy"]


def color_of(plt, name, names):
    """A fixed colour per contender (tab20 has room for ORDER), the same in every plot."""
    colors = plt.get_cmap("tab20").colors
    i = ORDER.index(name) if name in ORDER else len(ORDER) + names.index(name)
    return colors[i % len(colors)]


def plot_sort(plt, meta, rows, out_dir):
    written = []
    for op in ("sort", "argsort"):
        for dtype in ("int32", "float32"):
            sel = [r for r in rows if r["op"] == op and r["dtype"] == dtype
                   and r["median_ns_per_elem"] and r["contender"] != "jax-1st"]
            if not sel:
                continue
            shapes = []
            for r in sel:
                if r["shape"] not in shapes:
                    shapes.append(r["shape"])
            names = [c for c in ORDER if any(r["contender"] == c for r in sel)]
            names += sorted({r["contender"] for r in sel} - set(names))
            fig, ax = plt.subplots(figsize=(max(9, 1.4 * len(shapes) + 2), 4.8))
            width = 0.8 / len(names)
            for i, name in enumerate(names):
                xs, ys = [], []
                for j, shape in enumerate(shapes):
                    for r in sel:
                        if r["contender"] == name and r["shape"] == shape:
                            xs.append(j + (i - (len(names) - 1) / 2) * width)
                            ys.append(float(r["median_ns_per_elem"]))
                style = {"edgecolor": "black", "linewidth": 0.6} if name.startswith(
                    "rowsort/") else {}
                ax.bar(xs, ys, width, label=name, color=color_of(plt, name, names), **style)
            ax.set_yscale("log")
            ax.set_xticks(range(len(shapes)))
            ax.set_xticklabels(shapes)
            ax.set_xlabel("shape (rows x n)")
            ax.set_ylabel("ns per element (median; lower is better)")
            what = "stable argsort, int32 indices" if op == "argsort" else "sort"
            ax.set_title(f"{dtype} {what}, one thread: {meta.get('cpu', '')}\n"
                         f"{meta.get('date', '')}, rowsort {meta.get('rowsort', '')}",
                         fontsize=9)
            ax.grid(axis="y", which="both", alpha=0.3)
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
            fig.tight_layout()
            path = os.path.join(out_dir, f"perf_{op}_{SHORT[dtype]}.png")
            fig.savefig(path, dpi=110)
            plt.close(fig)
            written.append(path)
    return written


def plot_scaling(plt, meta, rows, out_dir):
    cases = []
    for r in rows:
        k = (r["shape"], r["dtype"])
        if k not in cases:
            cases.append(k)
    cols = min(len(cases), 4) or 1
    nrows = (len(cases) + cols - 1) // cols
    fig, axes = plt.subplots(nrows, cols, figsize=(3.6 * cols, 3.2 * nrows), squeeze=False)
    tmax = max(int(r["threads"]) for r in rows)
    for ax, (shape, dtype) in zip(axes.flat, cases):
        names = []
        for r in rows:
            if (r["shape"], r["dtype"]) == (shape, dtype) and r["contender"] not in names:
                names.append(r["contender"])
        for name in names:
            pts = sorted((int(r["threads"]), float(r["speedup"])) for r in rows
                         if (r["shape"], r["dtype"], r["contender"]) == (shape, dtype, name)
                         and r["speedup"])
            if len(pts) > 1:  # numpy (one thread only) has no curve
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
        ax.plot([1, tmax], [1, tmax], color="grey", linestyle=":", linewidth=1)
        ax.set_xticks(sorted({int(r["threads"]) for r in rows}))
        ax.set_title(f"{shape} {dtype}", fontsize=9)
        ax.set_xlabel("threads")
        ax.set_ylabel("speedup")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(cases):]:
        ax.axis("off")
    fig.suptitle(f"Thread scaling: {meta.get('cpu', '')}, {meta.get('date', '')}", fontsize=9)
    fig.tight_layout()
    path = os.path.join(out_dir, "perf_scaling.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return [path]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["sort", "scaling"])
    ap.add_argument("csv")
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "docs"))
    args = ap.parse_args(argv)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot.py: matplotlib is not installed: no plot (.venv/bin/pip install matplotlib)",
              file=sys.stderr)
        return 0
    meta, _, rows = read_csv(args.csv)
    fn = plot_sort if args.kind == "sort" else plot_scaling
    for p in fn(plt, meta, rows, args.out_dir):
        print(f"plot.py: wrote {os.path.relpath(p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
