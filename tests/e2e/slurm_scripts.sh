#!/usr/bin/env bash
# End-to-end: the Slurm job scripts in configs/slurm, run as Slurm would run them (its
# environment variables set; srun stood in for by mpirun), without a Slurm cluster.
#   tests/e2e/slurm_scripts.sh ROWSORT_BIN [ROWSORT_MPI_BIN]
# - sort_array.sbatch: each array task sorts its line of the list (IN OUT, or a job file),
#   skips comments, refuses malformed lines and a run outside an array job;
# - sort_mpi.sbatch (with rowsort-mpi and mpirun): a job file and sort arguments on 3 ranks
#   give the one process's outputs, bit for bit.
set -u
RS=${1:?usage: slurm_scripts.sh ROWSORT_BIN [ROWSORT_MPI_BIN]}
RSM=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
SLURM_DIR="$HERE/../../configs/slurm"
case "$RS" in /*) ;; *) RS="$PWD/$RS" ;; esac
case "$RSM" in /* | "") ;; *) RSM="$PWD/$RSM" ;; esac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rowsort-slurm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
export ROWSORT_THREADS=1

# ---- array jobs ----
"$RS" gen --shape 64x1000 --dtype float32 --dist nan --seed 1 -o a.npy || fail "gen a.npy"
"$RS" gen --shape 3x5000 --dtype int16 --seed 2 -o b.npy || fail "gen b.npy"
cat >job.ini <<'INI'
[input]
files = b.npy
[sort]
descending = true
stable = true
[output]
files = b.job.npy
INI
printf '%s\n' "a.npy a.sorted.npy" "# a comment" "b.npy b.sorted.npy" "job.ini" "a.npy" \
  "a.npy x.npy y.npy" >list.txt
array() { SLURM_ARRAY_TASK_ID=$1 ROWSORT="$RS" bash "$SLURM_DIR/sort_array.sbatch" list.txt "${@:2}"; }
array 0 --stable >out.txt 2>&1 || fail "array task 0: $(cat out.txt)"
"$RS" verify a.npy a.sorted.npy --stable >out.txt 2>&1 || fail "array task 0: verify: $(cat out.txt)"
array 1 >out.txt 2>&1 || fail "array task 1 (a comment): $(cat out.txt)"
grep -q "nothing to do" out.txt || fail "array task 1: $(cat out.txt)"
array 2 --descending >out.txt 2>&1 || fail "array task 2: $(cat out.txt)"
"$RS" verify b.npy b.sorted.npy --descending >out.txt 2>&1 || fail "array task 2: verify: $(cat out.txt)"
array 3 >out.txt 2>&1 || fail "array task 3 (a job file): $(cat out.txt)"
"$RS" verify b.npy b.job.npy --descending --stable >out.txt 2>&1 ||
  fail "array task 3: verify: $(cat out.txt)"
array 4 >out.txt 2>&1 && fail "array task 4 (no output named) succeeded"
grep -q "no output named" out.txt || fail "array task 4: $(cat out.txt)"
array 5 >out.txt 2>&1 && fail "array task 5 (three names) succeeded"
[ ! -e x.npy ] || fail "array task 5 wrote x.npy"
array 6 >out.txt 2>&1 && fail "array task 6 (past the list's end) succeeded"
grep -q "has only 6 lines" out.txt || fail "array task 6: $(cat out.txt)"
printf 'a.npy a.crlf.npy\r\n' >crlf.txt
SLURM_ARRAY_TASK_ID=0 ROWSORT="$RS" bash "$SLURM_DIR/sort_array.sbatch" crlf.txt >out.txt 2>&1 ||
  fail "CRLF list: $(cat out.txt)"
[ -e a.crlf.npy ] || fail "CRLF list: a.crlf.npy not written under its name: $(ls)"
ROWSORT="$RS" bash "$SLURM_DIR/sort_array.sbatch" list.txt >out.txt 2>&1 &&
  fail "sort_array.sbatch outside an array job succeeded"
grep -q "not an array task" out.txt || fail "outside an array job: $(cat out.txt)"

# ---- one batch on every task, through srun (here mpirun) ----
if [ -n "$RSM" ] && command -v mpirun >/dev/null; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  mkdir bin
  # shellcheck disable=SC2016 # srun's script expands them, not this one
  printf '#!/bin/sh\nwhile [ "${1#--}" != "$1" ]; do shift; done\nexec mpirun -np "${SLURM_NTASKS:-1}" "$@"\n' >bin/srun
  chmod +x bin/srun
  slurm_mpi() { PATH="$WORK/bin:$PATH" SLURM_NTASKS=3 SLURM_CPUS_PER_TASK=1 ROWSORT_MPI="$RSM" \
    bash "$SLURM_DIR/sort_mpi.sbatch" "$@"; }
  "$RS" sort a.npy -o a.ref.npy --stable --argsort a.ref.idx.npy || fail "reference"
  slurm_mpi a.npy -o a.mpi.npy --stable --argsort a.mpi.idx.npy >out.txt 2>&1 ||
    fail "sort_mpi.sbatch (sort arguments): $(cat out.txt)"
  cmp -s a.ref.npy a.mpi.npy || fail "sort_mpi.sbatch: a.mpi.npy differs"
  cmp -s a.ref.idx.npy a.mpi.idx.npy || fail "sort_mpi.sbatch: a.mpi.idx.npy differs"
  rm -f b.job.npy
  slurm_mpi job.ini >out.txt 2>&1 || fail "sort_mpi.sbatch (job file): $(cat out.txt)"
  "$RS" verify b.npy b.job.npy --descending --stable >out.txt 2>&1 ||
    fail "sort_mpi.sbatch (job file): verify: $(cat out.txt)"
  slurm_mpi >out.txt 2>&1 && fail "sort_mpi.sbatch without arguments succeeded"
else
  echo "slurm_scripts: no rowsort-mpi or mpirun: sort_mpi.sbatch not run"
fi

if [ $failures -ne 0 ]; then
  echo "slurm_scripts: $failures failure(s)"
  exit 1
fi
echo "slurm_scripts: all checks passed"
