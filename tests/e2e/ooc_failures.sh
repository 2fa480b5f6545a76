#!/usr/bin/env bash
# End-to-end: failures of large runs leave nothing behind.
#   tests/e2e/ooc_failures.sh ROWSORT_BIN [SHIM_TRUNCATE_SO]
# - a 1 MiB tmpfs (root only; skipped otherwise): the output, then the sorted-runs file of an
#   out-of-core row, hit ENOSPC: exit 1, "No space left on device", the tmpfs left empty;
# - SIGTERM and SIGINT mid-run: exit 143/130, no output, no temporary;
# - SIGKILL mid-run over a previous output: the previous output intact under its name;
# - the rename of a second output refused: the first output's previous file put back;
# - an input truncated while it is sorted or verified (SIGBUS; with the shim library,
#   tests/e2e/shim_truncate.c): exit 1, a message, no output, no temporary.
set -u
RS=${1:?usage: ooc_failures.sh ROWSORT_BIN [SHIM_TRUNCATE_SO]}
SHIM=${2:-}
case "$SHIM" in /* | "") ;; *) SHIM="$PWD/$SHIM" ;; esac
case "$RS" in /*) ;; *) RS="$PWD/$RS" ;; esac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rowsort-oocf.XXXXXX")
MNT="$WORK/tiny"
cleanup() {
  mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
  rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# ---- ENOSPC on a tiny tmpfs ----
mkdir "$MNT"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1M tmpfs "$MNT" 2>/dev/null; then
  "$RS" gen --shape 4x131072 --dtype float32 -o big.npy || fail "gen big.npy"
  "$RS" sort big.npy -o "$MNT/out.npy" 2>err.txt
  rc=$?
  [ $rc -eq 1 ] || fail "ENOSPC (output): exit $rc, expected 1"
  grep -q "^rowsort: error: $MNT/out.npy: cannot reserve .* No space left on device" err.txt ||
    fail "ENOSPC (output): message: $(cat err.txt)"
  [ -z "$(ls -A "$MNT")" ] || fail "ENOSPC (output): left in the tmpfs: $(ls -A "$MNT")"
  # The output fits (768 KiB); the runs of the out-of-core row (12 bytes an element) do not.
  "$RS" gen --shape 1x196608 --dtype float32 -o row.npy || fail "gen row.npy"
  "$RS" sort row.npy -o "$MNT/out.npy" --memory-limit 9M --stable 2>err.txt
  rc=$?
  [ $rc -eq 1 ] || fail "ENOSPC (runs): exit $rc, expected 1"
  grep -q "^rowsort: error: $MNT/out.npy: cannot reserve .* bytes for sorted runs: No space left on device" err.txt ||
    fail "ENOSPC (runs): message: $(cat err.txt)"
  [ -z "$(ls -A "$MNT")" ] || fail "ENOSPC (runs): left in the tmpfs: $(ls -A "$MNT")"
  umount "$MNT"
  echo "ooc_failures: ENOSPC checked"
else
  echo "ooc_failures: not root or no tmpfs: ENOSPC cases skipped"
fi

# ---- signals mid-run (a run of a few seconds: out-of-core rows) ----
"$RS" gen --shape 8x4194304 --dtype float32 -o long.npy || fail "gen long.npy"
for sig in TERM INT BUS; do
  "$RS" sort long.npy -o sig.npy --memory-limit 16M --stable 2>err.txt &
  pid=$!
  sleep 1
  kill -s $sig $pid
  wait $pid
  rc=$?
  # SIGBUS sent by kill: a request to stop like the others (a fault on a mapping: below).
  case $sig in TERM) want=143 ;; INT) want=130 ;; BUS) want=135 ;; esac
  [ $rc -eq "$want" ] || fail "SIG$sig: exit $rc, expected $want"
  grep -q "rowsort: error: .*temporary outputs removed" err.txt || fail "SIG$sig: message: $(cat err.txt)"
  [ ! -e sig.npy ] || fail "SIG$sig: sig.npy exists"
  [ -z "$(find . -name '.*rowsort*')" ] || fail "SIG$sig: temporaries left: $(find . -name '.*rowsort*')"
done

# ---- SIGKILL over a previous output ----
"$RS" gen --shape 8x1024 --dtype float32 -o small.npy || fail "gen small.npy"
"$RS" sort small.npy -o kill.npy || fail "sort small.npy"
before=$(cksum <kill.npy)
"$RS" sort long.npy -o kill.npy --memory-limit 16M 2>/dev/null &
pid=$!
sleep 1
kill -s KILL $pid
wait $pid 2>/dev/null
[ "$(cksum <kill.npy)" = "$before" ] || fail "SIGKILL: kill.npy is not the previous output"
# The output's temporary (.kill.npy.rowsort-XXXXXX) cannot be removed by a killed process; the
# sorted runs are in an unlinked file and vanish with it.
echo "ooc_failures: after SIGKILL, left: $(find . -name '.*rowsort*' | tr '\n' ' ')"

find . -name '.*rowsort*' -delete

# ---- a later output's rename fails: the earlier ones are undone, the files they replaced
# put back (two outputs; the second's name becomes a folder while the run sorts) ----
"$RS" gen --shape 8x4194304 --dtype int32 -o pay.npy || fail "gen pay.npy"
echo "previous keys" >ok.npy
echo "previous payload" >op.npy
"$RS" sort long.npy pay.npy -o ok.npy -o op.npy --memory-limit 16M --threads 1 2>err.txt &
pid=$!
# As soon as the temporaries exist (the sort, seconds long, comes after them).
for _ in $(seq 1 1000); do
  [ -n "$(find . -maxdepth 1 -name '.op.npy.rowsort-*' -print -quit)" ] && break
  sleep 0.005
done
rm op.npy && mkdir op.npy
wait $pid
rc=$?
if [ $rc -eq 0 ]; then
  echo "ooc_failures: note: the rename case was inconclusive (the sort finished first)"
else
  [ $rc -eq 2 ] || fail "rename refused: exit $rc, expected 2"
  grep -q "^rowsort: error: op.npy: cannot move the output into place: Is a directory" err.txt ||
    fail "rename refused: message: $(cat err.txt)"
  [ "$(cat ok.npy)" = "previous keys" ] || fail "rename refused: ok.npy is not the previous file"
  [ -z "$(find . -name '.*rowsort*')" ] || fail "rename refused: left: $(find . -name '.*rowsort*')"
fi
rm -rf op.npy

# ---- an input truncated by another program while it is sorted (SIGBUS) ----
if [ -n "$SHIM" ]; then
  # ASan wants its runtime first in the library list; the shim goes before it here.
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
  "$RS" gen --shape 16x16384 --dtype float32 -o cut.npy || fail "gen cut.npy"
  "$RS" gen --shape 16x16384 --dtype int32 -o cutpay.npy || fail "gen cutpay.npy"
  echo "previous" >cutout.npy
  for threads in 1 2; do
    ROWSORT_SHIM_TRUNCATE=cut.npy LD_PRELOAD="$SHIM" "$RS" sort cut.npy cutpay.npy \
      -o cutout.npy -o cutpayout.npy --argsort cutidx.npy --stats cut.json \
      --threads $threads 2>err.txt
    rc=$?
    grep -q "^shim_truncate: .*cut.npy cut to" err.txt || fail "SIGBUS: the shim did not act: $(cat err.txt)"
    [ $rc -eq 1 ] || fail "SIGBUS ($threads threads): exit $rc, expected 1"
    grep -q "^rowsort: error: a mapped file could not be read or written (an input truncated .*; temporary outputs removed$" err.txt ||
      fail "SIGBUS ($threads threads): message: $(cat err.txt)"
    [ "$(cat cutout.npy)" = previous ] || fail "SIGBUS: cutout.npy is not the previous file"
    [ ! -e cutpayout.npy ] && [ ! -e cutidx.npy ] && [ ! -e cut.json ] ||
      fail "SIGBUS ($threads threads): an output appeared: $(ls cut*)"
    [ -z "$(find . -name '.*rowsort*')" ] || fail "SIGBUS ($threads threads): left: $(find . -name '.*rowsort*')"
    "$RS" gen --shape 16x16384 --dtype float32 -o cut.npy || fail "gen cut.npy again"
  done
  # verify reads both files through mappings too.
  "$RS" sort cut.npy -o cutsorted.npy || fail "sort cut.npy"
  ROWSORT_SHIM_TRUNCATE=cutsorted.npy LD_PRELOAD="$SHIM" "$RS" verify cut.npy cutsorted.npy 2>err.txt
  rc=$?
  [ $rc -eq 1 ] || fail "SIGBUS (verify): exit $rc, expected 1"
  grep -q "^rowsort: error: a mapped file could not be read or written (.*)$" err.txt ||
    fail "SIGBUS (verify): message: $(cat err.txt)"
  echo "ooc_failures: SIGBUS checked"
else
  echo "ooc_failures: no shim library given: the truncated-input cases skipped"
fi

echo "ooc_failures: $failures failure(s)"
[ $failures -eq 0 ]
