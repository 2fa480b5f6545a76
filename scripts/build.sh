#!/usr/bin/env bash
# Configures and builds rowsort: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Release (-O3) by default; warnings are errors here, as in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DROWSORT_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
