#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#  1. Release build with -Werror: every CTest suite (Check suites per module and per ISA,
#     end-to-end tests of the program against NumPy);
#  2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer;
#  3. the installed package: cmake --install, then the embedding example built against it
#     with find_package and with pkg-config;
#  4. the Python package: pip install . into the venv, then pytest;
#  5. a short libFuzzer run of the .npy header parser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --jax
export PATH="$PWD/.venv/bin:$PATH"
jobs=$(nproc)

step() { printf '\n==== %s ====\n' "$*"; }

step "release build + tests"
bash scripts/build.sh build
ctest --test-dir build --output-on-failure -j"$jobs"

step "ASan + UBSan build + tests"
# -O1: with both sanitizers gcc took 11 minutes to compile kern_avx512.c at -O2 (1.4 at
# -O1; its networks are large inlined functions), and the kernel files are built twice here.
# Assertions stay on (no -DNDEBUG). Every suite runs, at the release run's sizes.
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DROWSORT_SANITIZE=address,undefined
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE nosan

if [ -f tests/install/run.sh ]; then
  step "install + embedding example"
  bash tests/install/run.sh
fi

if [ -f pyproject.toml ]; then
  step "python package"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation .
  .venv/bin/python -m pytest -q tests/python
fi

if [ -x tests/fuzz/run_fuzz.sh ]; then
  step "fuzz .npy header parser (short)"
  bash tests/fuzz/run_fuzz.sh 20
fi
echo
echo "all tests passed"
