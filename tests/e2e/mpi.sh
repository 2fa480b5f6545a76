#!/usr/bin/env bash
# End-to-end: rowsort-mpi, the sort shared by MPI ranks (cli/main_mpi.c, cli/sort.c).
#   tests/e2e/mpi.sh ROWSORT_BIN ROWSORT_MPI_BIN
# - 1, 2, 3 and 4 ranks give the outputs the one process gives, bit for bit (stable sorts,
#   argsort, payloads, top-k, descending, a 3-D input, windows and out-of-core rows under a
#   small --memory-limit, more ranks than rows, 0 rows, raw files, `run JOB.ini`, --rows
#   into existing outputs), and `rowsort verify` (no engine) accepts them;
# - failures on every rank (a missing input) or on one (a bad ROWSORT_THREADS; ENOSPC for
#   one rank's sorted runs on a tiny tmpfs, root only) exit non-zero and leave no output,
#   no temporary, and an earlier output untouched.
# Skipped (77) without mpirun.
set -u
RS=${1:?usage: mpi.sh ROWSORT_BIN ROWSORT_MPI_BIN}
RSM=${2:?usage: mpi.sh ROWSORT_BIN ROWSORT_MPI_BIN}
case "$RS" in /*) ;; *) RS="$PWD/$RS" ;; esac
case "$RSM" in /*) ;; *) RSM="$PWD/$RSM" ;; esac
command -v mpirun >/dev/null || { echo "mpi: no mpirun: skipped"; exit 77; }
# Open MPI: root allowed (CI runs as root), more ranks than cores, shared memory only.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader
# Open MPI's own allocations are not ours to report (sanitizer builds).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ROWSORT_THREADS=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rowsort-mpi.XXXXXX")
MNT="$WORK/tiny"
cleanup() {
  mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
mpi() { local np=$1; shift; mpirun -np "$np" "$RSM" "$@"; }
no_temps() { [ -z "$(find . -name '.*rowsort*')" ] || fail "$1: temporaries left: $(find . -name '.*rowsort*')"; }

"$RS" gen --shape 1001x777 --dtype float32 --dist nan --seed 1 -o f.npy || fail "gen f.npy"
"$RS" gen --shape 1001x777 --dtype int16 --dist few --seed 2 -o p.npy || fail "gen p.npy"
"$RS" gen --shape 5x7x300 --dtype bfloat16 --seed 3 -o b3.npy || fail "gen b3.npy"
"$RS" gen --shape 2x5000 --dtype int64 --seed 4 -o two.npy || fail "gen two.npy"
"$RS" gen --shape 0x16 --dtype uint8 --seed 5 -o empty.npy || fail "gen empty.npy"
"$RS" gen --shape 3x200000 --dtype float64 --dist normal --seed 6 -o long.npy || fail "gen long.npy"

# One case: the same arguments for `rowsort` and for `rowsort-mpi` on NP ranks (files named
# by the outputs, written ref-* and mpi-*), then cmp and verify.
# check NAME NP VERIFY_ARGS -- SORT ARGS WITH @ FOR THE OUTPUT PREFIX
check() {
  local name=$1 np=$2 vargs=$3; shift 4
  local ref=() mine=() outs=() a
  for a in "$@"; do
    case "$a" in
      @*) ref+=("ref-${a#@}"); mine+=("mpi-${a#@}"); outs+=("${a#@}") ;;
      *) ref+=("$a"); mine+=("$a") ;;
    esac
  done
  rm -f ref-* mpi-*
  "$RS" sort "${ref[@]}" 2>err.txt || { fail "$name: rowsort: $(cat err.txt)"; return; }
  mpi "$np" sort "${mine[@]}" 2>err.txt || { fail "$name: $np ranks: exit $?: $(cat err.txt)"; return; }
  for a in "${outs[@]}"; do
    cmp -s "ref-$a" "mpi-$a" || fail "$name: $np ranks: mpi-$a differs from the one process's"
  done
  if [ -n "$vargs" ]; then
    # shellcheck disable=SC2086
    "$RS" verify $vargs >vout.txt 2>&1 || fail "$name: $np ranks: verify: $(cat vout.txt)"
  fi
  no_temps "$name ($np ranks)"
}

for np in 1 2 3 4; do
  check "stable argsort payload" $np "f.npy p.npy mpi-o.npy mpi-op.npy --stable --argsort mpi-i.npy" -- \
    f.npy p.npy -o @o.npy -o @op.npy --stable --argsort @i.npy
  check "descending top-k" $np "" -- f.npy p.npy -o @o.npy -o @op.npy --top-k 50 --argsort @i.npy
  check "keys 2 descending" $np "p.npy f.npy mpi-o.npy mpi-op.npy --keys 2 --descending --stable" -- \
    p.npy f.npy -o @o.npy -o @op.npy --keys 2 --descending --stable
done
check "3-D bfloat16" 3 "b3.npy mpi-o.npy --stable" -- b3.npy -o @o.npy --stable
check "more ranks than rows" 3 "two.npy mpi-o.npy --stable --argsort mpi-i.npy" -- \
  two.npy -o @o.npy --stable --argsort @i.npy
check "no rows" 2 "" -- empty.npy -o @o.npy
check "windows and out-of-core rows" 2 "long.npy mpi-o.npy --stable --argsort mpi-i.npy" -- \
  long.npy -o @o.npy --stable --argsort @i.npy --memory-limit 2M
tail -c $((1001 * 777 * 4)) f.npy >f.raw
check "raw" 3 "" -- --raw --dtype float32 --shape 1001x777 f.raw -o @o.raw --stable

# run JOB.ini, and --rows A:B into existing outputs (split again among the ranks)
cat >job.ini <<'INI'
[input]
files = f.npy, p.npy
[sort]
stable = true
argsort = true
[output]
files = mpi-jo.npy, mpi-jop.npy
argsort = mpi-ji.npy
INI
"$RS" sort f.npy p.npy -o ref-jo.npy -o ref-jop.npy --stable --argsort ref-ji.npy || fail "job ref"
mpi 3 run job.ini 2>err.txt || fail "run job.ini: $(cat err.txt)"
for a in jo jop ji; do cmp -s "ref-$a.npy" "mpi-$a.npy" || fail "run job.ini: mpi-$a.npy differs"; done
cp f.npy rows.npy
"$RS" sort f.npy -o rows-ref.npy --rows 100:900 --stable 2>err.txt && fail "--rows into a missing output"
"$RS" gen --shape 1001x777 --dtype float32 --seed 9 -o rows-ref.npy || fail "gen rows-ref"
cp rows-ref.npy rows-mpi.npy
"$RS" sort f.npy -o rows-ref.npy --rows 100:900 --stable || fail "--rows ref"
mpi 3 sort f.npy -o rows-mpi.npy --rows 100:900 --stable 2>err.txt || fail "--rows: $(cat err.txt)"
cmp -s rows-ref.npy rows-mpi.npy || fail "--rows: differs from the one process's"
no_temps "--rows"

# ---- failures ----
# expect_failure NAME WANT PATTERN -- COMMAND...: COMMAND fails (exit WANT, or any non-zero
# exit for "any") within 120 s, its stderr matches PATTERN, the earlier keep.npy is unchanged
# and no temporary is left.
expect_failure() {
  local name=$1 want=$2 pattern=$3
  shift 4
  timeout 120 "$@" >/dev/null 2>err.txt
  local rc=$?
  [ $rc -ne 124 ] || fail "$name: the ranks hung"
  if [ "$want" = any ]; then
    [ $rc -ne 0 ] || fail "$name: exit 0"
  else
    [ $rc -eq "$want" ] || fail "$name: exit $rc, expected $want"
  fi
  grep -q "$pattern" err.txt || fail "$name: message: $(cat err.txt)"
  [ "$(cat keep.npy)" = previous ] || fail "$name: keep.npy changed"
  no_temps "$name"
}
echo previous >keep.npy
expect_failure "missing input" 2 "^rowsort: error: rank [0-2] of 3: missing.npy: cannot open" -- \
  mpirun -np 3 "$RSM" sort missing.npy -o keep.npy
# One rank fails before anything is written (Open MPI's MPMD form: rank 2 gets another
# environment).
expect_failure "one rank's bad ROWSORT_THREADS" any "^rowsort: error: rank 2 of 3: ROWSORT_THREADS" -- \
  mpirun -np 2 "$RSM" sort f.npy -o keep.npy : -np 1 -x ROWSORT_THREADS=bogus "$RSM" sort f.npy \
  -o keep.npy
# One rank fails before the ranks' first step together (its job file is not there, as on a
# node-local path; a bad flag): every rank stops, none waits forever.
expect_failure "a rank's missing job file" any \
  "^rowsort: error: rank 2 of 3: missing.ini: cannot open the job file" -- \
  mpirun -np 2 "$RSM" run job.ini : -np 1 "$RSM" run missing.ini
expect_failure "a rank's bad flag" 2 "^rowsort: error: rank 2 of 3: invalid --top-k '0x'" -- \
  mpirun -np 2 "$RSM" sort f.npy -o keep.npy : -np 1 "$RSM" sort f.npy -o keep.npy --top-k 0x

# One rank fails while sorting: its rows go out of core (a smaller --memory-limit), and
# their sorted runs do not fit on the tmpfs, where the others' rows do.
mkdir "$MNT"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=3M tmpfs "$MNT" 2>/dev/null; then
  "$RS" gen --shape 3x196608 --dtype float32 --seed 7 -o three.npy || fail "gen three.npy"
  "$RS" sort three.npy -o "$MNT/fits.npy" || fail "tmpfs: the output alone does not fit"
  rm -f "$MNT/fits.npy"
  mpirun -np 2 "$RSM" sort three.npy -o "$MNT/out.npy" : -np 1 "$RSM" sort three.npy \
    -o "$MNT/out.npy" --memory-limit 1M --stable >/dev/null 2>err.txt
  rc=$?
  [ $rc -eq 1 ] || fail "ENOSPC on rank 2: exit $rc, expected 1"
  grep -q "^rowsort: error: rank 2 of 3: .*No space left on device" err.txt ||
    fail "ENOSPC on rank 2: message: $(cat err.txt)"
  [ -z "$(ls -A "$MNT")" ] || fail "ENOSPC on rank 2: left in the tmpfs: $(ls -A "$MNT")"
  umount "$MNT"
else
  echo "mpi: not root or no tmpfs: the ENOSPC case skipped"
fi

# The program's own words.
mpi 2 --version | grep -q "^rowsort-mpi " || fail "--version"
[ "$(mpi 2 --help | grep -c '^Usage: mpirun')" -eq 1 ] || fail "--help: not printed once"
[ "$(mpi 3 sort --help | grep -c '^Usage: rowsort sort')" -eq 1 ] || fail "sort --help: not printed once"
[ "$(mpi 3 run job.ini --help | grep -c '^Usage: rowsort run')" -eq 1 ] ||
  fail "run --help: not printed once"
mpi 1 gen --shape 2x2 --dtype int32 -o g.npy >/dev/null 2>err.txt && fail "gen accepted"
grep -q "rowsort-mpi runs 'sort' and 'run'" err.txt || fail "gen: message: $(cat err.txt)"

if [ $failures -ne 0 ]; then
  echo "mpi: $failures failure(s)"
  exit 1
fi
echo "mpi: all checks passed"
