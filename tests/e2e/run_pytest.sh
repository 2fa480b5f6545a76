#!/usr/bin/env bash
# Runs the NumPy end-to-end tests (tests/e2e/test_*.py) for CTest:
#   tests/e2e/run_pytest.sh ROWSORT_BIN [PYTEST ARGS...]
# Python: the project's venv (.venv, made by scripts/install-deps.sh) if it exists, else
# /usr/bin/python3. Exits 77 (CTest: skipped) when NumPy, ml_dtypes or pytest is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:?usage: run_pytest.sh ROWSORT_BIN [PYTEST ARGS...]}
shift
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
py="$root/.venv/bin/python"
[ -x "$py" ] || py=/usr/bin/python3
if ! "$py" -c "import numpy, ml_dtypes, pytest" 2>/dev/null; then
  echo "run_pytest.sh: $py lacks numpy, ml_dtypes or pytest: skipped (run scripts/install-deps.sh)"
  exit 77
fi
cd "$root" || exit 1
ROWSORT_BIN="$bin" exec "$py" -m pytest -q -p no:cacheprovider "$here" "$@"
