#!/usr/bin/env bash
# Fuzzes the .npy header parser for SECONDS (default 30): builds the libFuzzer target with
# clang in build-fuzz/ and runs it on build-fuzz/corpus_npy, a copy of the seed corpus (the
# seeds in git stay as they are; new inputs accumulate in the copy across runs).
# A crash is saved as build-fuzz/crash-*: add it to tests/fuzz/corpus_npy/ once fixed, and
# the fuzz_npy_header_corpus CTest replays it in every build.
# usage: tests/fuzz/run_fuzz.sh [SECONDS]
set -euo pipefail
seconds=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build-fuzz

cmake -S "$here" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target fuzz_npy_header
mkdir -p "$build/corpus_npy"
cp -n "$here"/corpus_npy/* "$build/corpus_npy/"
"$build/fuzz_npy_header" -max_total_time="$seconds" -max_len=4096 -dict="$here/npy.dict" \
    -artifact_prefix="$build/" -print_final_stats=1 "$build/corpus_npy"
