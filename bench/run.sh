#!/usr/bin/env bash
# Regenerates rowsort's benchmark figures: builds a Release tree with the peers library,
# runs the driver, writes the CSV under bench/results/, the plots under docs/ and the tables
# into docs/performance.md (between its markers).
#
#   bash bench/run.sh                 single-thread side by side (bench_sort.py), ~10-15 min
#   bash bench/run.sh --quick         the smoke run (< 1 min); CSV only, docs untouched
#   bash bench/run.sh --scaling       thread scaling (bench_scaling.py) instead
#   bash bench/run.sh --no-build ...  reuse build-bench as it is
#   bash bench/run.sh --rev REV ...   measure the engine as committed at REV (a snapshot by
#                                     git archive, with this tree's bench/), in
#                                     build-bench-rev/: for a tree whose engine is mid-edit
#   bash bench/run.sh -- ARGS...      extra arguments for the driver (--reps, --shapes ...)
#
# Environment: BUILD_DIR (default build-bench), PYTHON (default .venv/bin/python), JOBS (2).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build-bench}
py=${PYTHON:-.venv/bin/python}
jobs=${JOBS:-2}
quick=0
scaling=0
build=1
rev=""
extra=()
while (($#)); do
  case "$1" in
    --quick) quick=1 ;;
    --scaling) scaling=1 ;;
    --no-build) build=0 ;;
    --rev) rev=$2; shift ;;
    --) shift; extra+=("$@"); break ;;
    *) extra+=("$1") ;;
  esac
  shift
done

src=.
if [ -n "$rev" ]; then
  hash=$(git rev-parse --short "$rev^{commit}")
  build_root=${BUILD_DIR:-build-bench-rev}
  src=$build_root/src
  build_dir=$build_root/obj
  if [ "$build" -eq 1 ]; then
    rm -rf "$src"
    mkdir -p "$src"
    git archive "$hash" | tar -x -C "$src"
    mkdir -p "$src/bench"
    cp bench/CMakeLists.txt bench/peers.cpp "$src/bench/"
  fi
  export ROWSORT_BENCH_REV="$hash, committed engine with the working tree's bench/"
fi

if [ "$build" -eq 1 ]; then
  cmake -S "$src" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DROWSORT_BUILD_BENCH=ON \
    -DROWSORT_BUILD_TESTS=OFF -DROWSORT_BUILD_CLI=OFF >/dev/null
  cmake --build "$build_dir" -j"$jobs" --target bench_libs
fi

[ -x "$py" ] || { echo "run.sh: $py not found: bash scripts/install-deps.sh --jax" >&2; exit 1; }

if [ "$scaling" -eq 1 ]; then
  kind=scaling
  driver=bench/bench_scaling.py
else
  kind=sort
  driver=bench/bench_sort.py
fi
args=(--build-dir "$build_dir")
[ "$quick" -eq 0 ] || args+=(--quick)
csv=$("$py" -c 'import sys; sys.path.insert(0, "bench"); import benchlib as b; print(b.cpu_info()["slug"])')
csv="bench/results/${kind}$([ "$quick" -eq 0 ] || echo -quick)-${csv}.csv"
# Extra arguments may name another CSV; the report follows it.
for ((i = 0; i < ${#extra[@]}; i++)); do
  [ "${extra[$i]}" != "--csv" ] || csv=${extra[$((i + 1))]}
done
args+=(--csv "$csv")

"$py" "$driver" "${args[@]}" "${extra[@]}"

if [ "$quick" -eq 0 ]; then
  "$py" bench/plot.py "$kind" "$csv"
  "$py" bench/report.py "$kind" "$csv"
fi
