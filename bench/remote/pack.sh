#!/usr/bin/env bash
# Packs a Release build (test programs, the CLI, the benchmark libraries) and the shared
# libraries they load into devrun/, for a machine that lacks the build dependencies (the
# 16-core machine of the `device` tool). There, from the repository root with devrun/
# beside it: `bash bench/remote/checks.sh`.
#
#   bash bench/remote/pack.sh        BUILD_DIR (default build-dev), JOBS (2)
set -euo pipefail
cd "$(dirname "$0")/../.."
b=${BUILD_DIR:-build-dev}
cmake -S . -B "$b" -DCMAKE_BUILD_TYPE=Release -DROWSORT_BUILD_BENCH=ON \
  -DROWSORT_BUILD_TESTS=ON >/dev/null
cmake --build "$b" -j"${JOBS:-2}"
rm -rf devrun
mkdir -p devrun/lib devrun/bin devrun/bb/engine devrun/bb/bench
cp -a "$b"/engine/librowsort.so* devrun/bb/engine/
cp "$b"/bench/librowsort_bench_peers.so devrun/bb/bench/
cp "$b"/tests/test_{kernels,sort,sched,plan,api,keys} "$b"/cli/rowsort devrun/bin/
# Everything they load beyond the C and C++ runtimes, which any x86-64 Linux has.
ldd devrun/bin/* devrun/bb/engine/librowsort.so devrun/bb/bench/*.so |
  awk '/=> \//{print $3}' | sort -u |
  grep -vE '/(libc|libm|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' |
  while read -r lib; do cp -L "$lib" devrun/lib/; done
du -sh devrun
