#!/usr/bin/env bash
# Installs what rowsort needs to build, test and benchmark on Debian 12:
# Debian packages (compiler, CMake, OpenMP, hwloc, Check, inih, Highway, Open MPI) and a
# Python virtual environment in .venv (NumPy 2.x, ml_dtypes, pytest; jax with --jax).
# Idempotent: skips what is already there. Runs as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

want_jax=0
for a in "$@"; do
  case "$a" in
    --jax) want_jax=1 ;;
    *) echo "install-deps.sh: unknown argument: $a" >&2; exit 2 ;;
  esac
done

pkgs=(build-essential cmake pkg-config libomp-dev check libsubunit-dev libhwloc-dev hwloc
      libinih-dev libhwy-dev clang python3 python3-venv python3-pip time
      libopenmpi-dev openmpi-bin)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  for try in 1 2 3; do
    if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
      break
    fi
    [ "$try" -lt 3 ] || { echo "install-deps: apt-get failed" >&2; exit 1; }
    sleep 5
  done
fi

# Python: prefer the PyPI-capable python3 on PATH; Debian's python3-numpy is the fallback.
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv || /usr/bin/python3 -m venv --system-site-packages .venv
fi
pyreqs=("numpy>=2" "ml_dtypes" "pytest" "scikit-build-core")
[ "$want_jax" -eq 0 ] || pyreqs+=("jax[cpu]")
if ! .venv/bin/python -c "import numpy, ml_dtypes, pytest, scikit_build_core, sys; sys.exit(0 if int(numpy.__version__.split('.')[0]) >= 2 else 1)" 2>/dev/null \
   || { [ "$want_jax" -eq 1 ] && ! .venv/bin/python -c "import jax" 2>/dev/null; }; then
  if ! .venv/bin/python -m pip install -q --disable-pip-version-check "${pyreqs[@]}"; then
    echo "install-deps: pip failed; falling back to Debian's python3-numpy" >&2
    apt-get install -y -qq --no-install-recommends python3-numpy python3-pytest || true
  fi
fi
echo "install-deps: ok"
