#!/usr/bin/env bash
# End-to-end tests of the rowsort program's failures, in the spirit of zstd's tests/cli-tests:
# each case checks the exit status, a substring of stderr, and that no output and no temporary
# file (.NAME.rowsort-XXXXXX) is left behind.
#
#   tests/e2e/cli_errors.sh ROWSORT_BIN [PYTHON]
#
# PYTHON (default python3) only writes malformed .npy files with the struct module; NumPy is
# not needed. Exit status: 0 when every case passes, 1 otherwise.
set -u

RS=${1:?usage: cli_errors.sh ROWSORT_BIN [PYTHON]}
PY=${2:-python3}
case "$RS" in /*) ;; *) RS="$PWD/$RS" ;; esac
[ -x "$RS" ] || { echo "cli_errors.sh: $RS is not executable" >&2; exit 1; }
case "$PY" in */*) case "$PY" in /*) ;; *) PY="$PWD/$PY" ;; esac ;; esac
[ -x "$PY" ] || command -v "$PY" >/dev/null 2>&1 || PY=python3

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rowsort-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

failures=0
cases=0

fail() {
  echo "FAIL: $case_name: $*" >&2
  failures=$((failures + 1))
}

# Files a failed run must not leave: temporaries anywhere under $WORK.
leftover_temps() {
  find "$WORK" -name '.*.rowsort-*' -print
}

# expect EXIT STDERR_SUBSTRING [--absent FILE]... -- ARGS...
# Runs rowsort ARGS; checks the exit status, that stderr contains the substring, that the
# files named with --absent do not exist afterwards, and that no temporary is left.
expect() {
  local want_rc=$1 want_err=$2
  shift 2
  local absent=()
  while [ "$1" != "--" ]; do
    [ "$1" = "--absent" ] && absent+=("$2")
    shift 2
  done
  shift
  cases=$((cases + 1))
  case_name="rowsort $*"
  "$RS" "$@" >"$WORK/.stdout" 2>"$WORK/.stderr"
  local rc=$?
  [ "$rc" -eq "$want_rc" ] || fail "exit $rc, expected $want_rc; stderr: $(cat "$WORK/.stderr")"
  [ -z "$want_err" ] || grep -qF -- "$want_err" "$WORK/.stderr" ||
    fail "stderr lacks '$want_err': $(cat "$WORK/.stderr")"
  if [ "$want_rc" -ne 0 ]; then
    head -n1 "$WORK/.stderr" | grep -q '^rowsort: error: ' ||
      fail "first stderr line is not 'rowsort: error: ...': $(head -n1 "$WORK/.stderr")"
    local errs
    errs=$(grep -c '^rowsort: error: ' "$WORK/.stderr")
    [ "$errs" -eq 1 ] || fail "$errs error lines, expected exactly one"
    [ ! -s "$WORK/.stdout" ] || fail "stdout not empty: $(cat "$WORK/.stdout")"
  fi
  local f
  for f in "${absent[@]+"${absent[@]}"}"; do
    [ ! -e "$f" ] || fail "$f exists after the failure"
  done
  local temps
  temps=$(leftover_temps)
  [ -z "$temps" ] || { fail "temporaries left: $temps"; find "$WORK" -name '.*.rowsort-*' -delete; }
}

# Writes an .npy file: mknpy FILE DESCR SHAPE DATA_BYTES [fortran]
mknpy() {
  "$PY" - "$@" <<'EOF'
import struct, sys
path, descr, shape, nbytes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
fortran = len(sys.argv) > 5
d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
h = d + ' ' * (64 - (10 + len(d) + 1) % 64) + '\n'
with open(path, 'wb') as f:
    f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(h)) + h.encode())
    f.write(bytes((i * 37) & 255 for i in range(nbytes)))
EOF
}

# ---- inputs ----
"$RS" gen --shape 8x64 --dtype float32 --seed 1 -o a.npy || { echo "gen failed" >&2; exit 1; }
"$RS" gen --shape 8x64 --dtype int32 --seed 2 -o b.npy || exit 1
"$RS" gen --shape 8x32 --dtype float32 --seed 3 -o short.npy || exit 1
printf 'this is not an array\n' >text.npy
: >empty.npy
mknpy truncated.npy '<f4' '(4, 4)' 10
mknpy longer.npy '<f4' '(4, 4)' 100
mknpy shape_mismatch.npy '<f4' '(8, 8)' 64
mknpy unknown_descr.npy '<U8' '(4,)' 128
mknpy void_descr.npy '|V7' '(4,)' 28
mknpy object.npy '|O' '(4,)' 40
mknpy bigendian.npy '>f4' '(2, 4)' 32
mknpy fortran.npy '<f4' '(2, 4)' 32 fortran
if "$PY" -c "import numpy" 2>/dev/null; then
  "$PY" -c "import numpy as np; np.save('np_object.npy', np.array([1, 'a', None], dtype=object), allow_pickle=True)"
else
  cp object.npy np_object.npy
fi
printf 'x' >afile
mkdir adir

# ---- bad inputs (exit 2) ----
expect 2 "missing.npy: cannot open" --absent out.npy -- sort missing.npy -o out.npy
expect 2 "text.npy: not an .npy file" --absent out.npy -- sort text.npy -o out.npy
expect 2 "empty.npy: not an .npy file" --absent out.npy -- sort empty.npy -o out.npy
expect 2 "truncated.npy: file is truncated" --absent out.npy -- sort truncated.npy -o out.npy
expect 2 "longer.npy: file is longer than its header says" --absent out.npy -- sort longer.npy -o out.npy
expect 2 "shape_mismatch.npy: file is truncated" --absent out.npy -- sort shape_mismatch.npy -o out.npy
expect 2 "unknown_descr.npy: unsupported dtype '<U8'" --absent out.npy -- sort unknown_descr.npy -o out.npy
expect 2 "void_descr.npy: " --absent out.npy -- sort void_descr.npy -o out.npy
expect 2 "object.npy: object arrays are not supported" --absent out.npy -- sort object.npy -o out.npy
expect 2 "np_object.npy: object arrays are not supported" --absent out.npy -- sort np_object.npy -o out.npy
expect 2 "adir: is a directory" --absent out.npy -- sort adir -o out.npy

# ---- outputs that cannot be written (exit 2), nothing left behind ----
expect 2 "nodir/out.npy: cannot create the output in its folder" -- sort a.npy -o nodir/out.npy
expect 2 "afile/out.npy: cannot create the output in its folder" -- sort a.npy -o afile/out.npy
expect 2 "adir: is a directory" -- sort a.npy -o adir
# A pipe (as a device: /dev/null, which a rename would replace for root) is refused as an
# output, and stays a pipe; the stats go through a device as written.
mkfifo apipe
expect 2 "apipe: is not a regular file" -- sort a.npy -o apipe
[ -p apipe ] || fail "sort -o apipe: the pipe was replaced"
expect 0 "" --absent nothere.npy -- sort a.npy -o st.npy --stats /dev/stdout
grep -q '"command": "sort"' "$WORK/.stdout" || fail "--stats /dev/stdout: no JSON on stdout"
# --stats through a symbolic link: the target replaced, the link kept; a dangling link refused.
mkdir -p statdir && echo old >statdir/real.json && ln -s statdir/real.json stlink.json
expect 0 "" -- sort a.npy -o st2.npy --stats stlink.json
[ -L stlink.json ] || fail "--stats stlink.json: the link was replaced"
grep -q '"command": "sort"' statdir/real.json || fail "--stats stlink.json: the target has no JSON"
ln -s statdir/none.json dangling.json
expect 2 "dangling.json: is a symbolic link to nothing" -- sort a.npy -o st3.npy --stats dangling.json
[ -L dangling.json ] || fail "--stats dangling.json: the link was replaced"
# The first output was created before the second failed: it must be gone too.
expect 2 "nodir/b.out.npy" --absent a.out.npy -- sort a.npy b.npy -o a.out.npy -o nodir/b.out.npy
expect 2 "nodir/idx.npy" --absent a.out.npy -- sort a.npy -o a.out.npy --argsort nodir/idx.npy
# A failed run keeps the previous output as it was.
printf 'previous' >keep.npy
expect 2 "nodir/idx.npy" -- sort a.npy -o keep.npy --argsort nodir/idx.npy
[ "$(cat keep.npy)" = previous ] || { case_name="keep previous output"; fail "keep.npy changed"; }
rm -f keep.npy

# ---- operands ----
expect 2 "operands have different shapes: (8, 64) vs (8, 32)" --absent o1.npy --absent o2.npy -- \
  sort a.npy short.npy -o o1.npy -o o2.npy
expect 2 "--keys 3 is larger than the number of operands (2)" --absent o1.npy -- \
  sort a.npy b.npy -o o1.npy -o o2.npy --keys 3
expect 2 "invalid --keys '0'" --absent o1.npy -- sort a.npy -o o1.npy --keys 0
expect 2 "2 inputs need 2 outputs (one -o per input); got 1" --absent o1.npy -- sort a.npy b.npy -o o1.npy
expect 2 "no input file" -- sort -o o1.npy
expect 2 "named twice as an output" --absent o1.npy -- sort a.npy b.npy -o o1.npy -o o1.npy
expect 2 "named twice as an output" --absent o1.npy -- sort a.npy -o o1.npy --argsort o1.npy
expect 2 "named twice as an output" --absent o1.npy -- sort a.npy -o o1.npy --stats o1.npy
expect 2 "--top-k 65 is larger than the row length 64" --absent o1.npy -- sort a.npy -o o1.npy --top-k 65
expect 2 "--descending conflicts with --top-k" --absent o1.npy -- sort a.npy -o o1.npy --top-k 3 --descending
expect 2 "--smallest needs --top-k" --absent o1.npy -- sort a.npy -o o1.npy --smallest

# ---- usage ----
expect 2 "unknown option '--frobnicate'" --absent o1.npy -- sort a.npy -o o1.npy --frobnicate
expect 2 "Try 'rowsort --help'." -- sort a.npy -o o1.npy --frobnicate
expect 2 "unknown option '-x'" -- sort a.npy -o o1.npy -x
expect 2 "option '-o' needs a value" -- sort a.npy -o
expect 2 "option '--stable' takes no value" -- sort a.npy -o o1.npy --stable=yes
expect 2 "unknown command 'frob'" -- frob
expect 2 "no command" --
expect 2 "invalid --threads '0'" --absent o1.npy -- sort a.npy -o o1.npy --threads 0
expect 2 "invalid --threads 'abc'" --absent o1.npy -- sort a.npy -o o1.npy --threads abc
expect 2 "invalid --threads '-1'" --absent o1.npy -- sort a.npy -o o1.npy --threads -1
expect 2 "invalid --threads '99999'" --absent o1.npy -- sort a.npy -o o1.npy --threads 99999
expect 2 "invalid --isa 'sse9'" --absent o1.npy -- sort a.npy -o o1.npy --isa sse9
expect 2 "invalid --index-dtype 'int16'" --absent o1.npy -- sort a.npy -o o1.npy --argsort i.npy --index-dtype int16
# a row of 2^31 int8 (a sparse file: refused before a byte is read)
"$PY" -c "
import struct
d = \"{'descr': '|i1', 'fortran_order': False, 'shape': (1, 2147483648), }\"
h = d + ' ' * (64 - (10 + len(d) + 1) % 64) + '\\n'
f = open('huge.npy', 'wb')
f.write(b'\\x93NUMPY\\x01\\x00' + struct.pack('<H', len(h)) + h.encode())
f.truncate(10 + len(h) + 2147483648)
" || exit 1
expect 2 "--index-dtype int32 cannot index rows of 2147483648 elements" --absent hk.npy --absent hki.npy -- sort huge.npy -o hk.npy --top-k 0 --argsort hki.npy --index-dtype int32
rm -f huge.npy
expect 2 "invalid --top-k '-3'" --absent o1.npy -- sort a.npy -o o1.npy --top-k -3
expect 2 "option '--threads' does not apply to 'rowsort verify'" -- verify a.npy a.npy --threads 2

# ---- out-of-core flags (issue 6): bad values, missing outputs, mismatched raw files ----
expect 2 "o1.npy: cannot open the output: No such file or directory" --absent o1.npy -- sort a.npy -o o1.npy --rows 0:4
expect 2 "invalid --rows '4:2'" --absent o1.npy -- sort a.npy -o o1.npy --rows 4:2
expect 2 "invalid --memory-limit '1X'" --absent o1.npy -- sort a.npy -o o1.npy --memory-limit 1X
expect 2 "a.npy: raw file has 2176 bytes, but the shape given needs 2048 bytes of float32" --absent o1.npy -- sort a.npy -o o1.npy --raw --dtype float32 --shape 8x64
expect 2 "--raw needs --dtype T and --shape RxN" --absent o1.npy -- sort a.npy -o o1.npy --raw --dtype float32
expect 2 "--dtype and --shape describe raw inputs: they need --raw" --absent o1.npy -- sort a.npy -o o1.npy --dtype float32
expect 2 "--dtype and --shape describe raw inputs: they need --raw" --absent o1.npy -- sort a.npy -o o1.npy --shape 8x64
expect 2 "invalid --pin 'all'" --absent o1.npy -- sort a.npy -o o1.npy --pin all
expect 0 "" -- sort a.npy -o o1.npy --pin core
expect 0 "" -- sort a.npy -o o1.npy --pin numa
expect 0 "" -- sort a.npy -o o1.npy --pin none
rm -f o1.npy

# ---- environment ----
export ROWSORT_THREADS=zero
expect 2 "ROWSORT_THREADS" --absent o1.npy -- sort a.npy -o o1.npy
unset ROWSORT_THREADS
export ROWSORT_ISA=sse9
expect 2 "ROWSORT_ISA" --absent o1.npy -- sort a.npy -o o1.npy
unset ROWSORT_ISA
export ROWSORT_PIN_MIN_BYTES=xyz
expect 2 "ROWSORT_PIN_MIN_BYTES='xyz'" --absent o1.npy -- sort a.npy -o o1.npy
unset ROWSORT_PIN_MIN_BYTES

# ---- operand counts: 64 at most; 64 with the indices and the stats are written ----
ops=(); outs=(); pairs=()
for i in $(seq 1 65); do ops+=(a.npy); outs+=(-o "many_$i.npy"); pairs+=("many_$i.npy"); done
expect 2 "at most 64 operands (got 65)" --absent many_1.npy -- sort "${ops[@]}" "${outs[@]}"
expect 2 "verify compares at most 64 operands (got 130 files: 65 pairs)" -- verify "${ops[@]}" "${ops[@]}"
expect 0 "" -- sort "${ops[@]:0:64}" "${outs[@]:0:128}" --stable --argsort many_idx.npy --stats many.json
expect 0 "" -- verify "${ops[@]:0:64}" "${pairs[@]:0:64}" --stable --argsort many_idx.npy
rm -f many_*.npy many.json

# ---- gen ----
expect 2 "unknown --dtype 'float128'" --absent g.npy -- gen --shape 4x4 --dtype float128 -o g.npy
expect 2 "invalid --shape '4xx4'" --absent g.npy -- gen --shape 4xx4 --dtype int8 -o g.npy
expect 2 "unknown --dist 'zipf'" --absent g.npy -- gen --shape 4 --dtype int8 --dist zipf -o g.npy
expect 2 "gen needs --shape, --dtype and -o" -- gen --shape 4 --dtype int8
expect 2 "nodir/g.npy: cannot create" -- gen --shape 4 --dtype int8 -o nodir/g.npy
expect 2 "array size overflows" --absent g.npy -- gen --shape 4294967296x4294967296 --dtype int64 -o g.npy

# ---- verify ----
"$RS" sort a.npy -o sorted.npy --stable --argsort idx.npy || exit 1
expect 0 "" -- verify a.npy sorted.npy --stable --argsort idx.npy
expect 1 "sorted.npy: row 0, position 1: not in order" -- verify a.npy sorted.npy --descending
expect 1 "a.npy: row 0, position" -- verify a.npy a.npy
expect 1 "dtype int32, but its input is float32" -- verify a.npy b.npy
expect 1 "shape (8, 32), expected (8, 64)" -- verify a.npy short.npy
expect 2 "verify needs the inputs, then as many outputs" -- verify a.npy
expect 2 "missing.npy: cannot open" -- verify a.npy missing.npy
# raw files: verify reads what sort --raw wrote (values, top k, indices of --index-dtype)
"$PY" -c "open('raw_in.bin', 'wb').write(bytes((i * 37 + 11) & 255 for i in range(6 * 40 * 2)))" || exit 1
"$RS" sort raw_in.bin -o raw_out.bin --raw --dtype int16 --shape 6x40 --stable --argsort raw_idx.bin || exit 1
expect 0 "" -- verify raw_in.bin raw_out.bin --raw --dtype int16 --shape 6x40 --stable --argsort raw_idx.bin
expect 2 "raw_idx.bin: raw file has 960 bytes, but the shape given needs 1920 bytes of int64" -- verify raw_in.bin raw_out.bin --raw --dtype int16 --shape 6x40 --argsort raw_idx.bin --index-dtype int64
expect 1 "not in order" -- verify raw_in.bin raw_in.bin --raw --dtype int16 --shape 6x40
"$RS" sort raw_in.bin -o raw_top.bin --raw --dtype int16 --shape 6x40 --top-k 5 --argsort raw_tidx.bin --index-dtype int64 || exit 1
expect 0 "" -- verify raw_in.bin raw_top.bin --raw --dtype int16 --shape 6x40 --top-k 5 --argsort raw_tidx.bin --index-dtype int64
expect 2 "--top-k 41 is larger than the row length 40" -- verify raw_in.bin raw_top.bin --raw --dtype int16 --shape 6x40 --top-k 41

# ---- job files ----
cat >bad_key.ini <<'EOF'
[input]
files = a.npy
[sort]
stable = true
colour = blue
EOF
cat >bad_section.ini <<'EOF'
[input]
files = a.npy
[frobs]
x = 1
EOF
cat >bad_bool.ini <<'EOF'
[sort]
stable = maybe
EOF
cat >later.ini <<'EOF'
[engine]
memory_limit = lots
EOF
cat >good.ini <<'EOF'
[input]
files = a.npy
[output]
files = job_out.npy
EOF
cat >pin.ini <<'EOF'
[engine]
pin = sockets
EOF
expect 2 "bad_key.ini: line 5: unknown key 'colour' in [sort]" -- run bad_key.ini
expect 2 "bad_section.ini: line 4: unknown section [frobs]" -- run bad_section.ini
expect 2 "bad_bool.ini: line 2: [sort] stable = 'maybe': not a boolean" -- run bad_bool.ini
expect 2 "later.ini: line 2: [engine] memory_limit = 'lots': bytes, with K, M, G or T" -- run later.ini
expect 2 "pin.ini: line 2: [engine] pin = 'sockets': none, core or numa" -- run pin.ini
# inih goes on after a line it cannot parse: the message is that line's, not a later one's
printf '[input\nfiles = a.npy\n[output]\nfiles = o.npy\n' >bad_header.ini
expect 2 "bad_header.ini: line 1: not a 'key = value' line or a [section]" --absent o.npy -- run bad_header.ini
expect 2 "--version takes no arguments (got 'extra')" -- --version extra
expect 2 "nojob.ini: cannot open the job file" -- run nojob.ini
expect 2 "run needs a job file first" -- run
expect 2 "unexpected argument 'b.npy' for 'rowsort run'" --absent job_out.npy -- run good.ini b.npy
expect 0 "" -- run good.ini
[ -f job_out.npy ] || { case_name="run good.ini"; fail "job_out.npy missing"; }
# A job's switches are turned off from the command line (--ascending, --unstable, ...).
cat >desc.ini <<'EOF'
[input]
files = a.npy
[sort]
descending = true
stable = true
nans_last = true
[output]
files = desc_out.npy
EOF
expect 0 "" -- run desc.ini
expect 0 "" -- verify a.npy desc_out.npy --descending --stable --nans-last
expect 0 "" -- run desc.ini --ascending --unstable --no-nans-last
expect 0 "" -- verify a.npy desc_out.npy
expect 1 "" -- verify a.npy desc_out.npy --descending
expect 0 "" -- sort a.npy -o to_off.npy --total-order --no-total-order --top-k 3 --smallest --largest
expect 0 "" -- verify a.npy to_off.npy --top-k 3
expect 1 "" -- verify a.npy to_off.npy --top-k 3 --smallest

# ---- help and version go to stdout, exit 0 ----
for args in "--help" "sort --help" "run --help" "gen --help" "verify --help" "info --help" "--version" "info"; do
  cases=$((cases + 1))
  case_name="rowsort $args"
  # shellcheck disable=SC2086
  out=$("$RS" $args 2>"$WORK/.stderr") || fail "exit status $?"
  [ -n "$out" ] || fail "nothing on stdout"
  [ ! -s "$WORK/.stderr" ] || fail "stderr: $(cat "$WORK/.stderr")"
done
cases=$((cases + 1))
case_name="rowsort --version"
[ "$("$RS" --version)" = "rowsort 0.1.0" ] || fail "version line: $("$RS" --version)"
case_name="rowsort info"
"$RS" info | grep -q "^allowed CPUs: " || fail "no topology lines"
"$RS" info | grep -q "thread 0 -> PU" || fail "no placement plan"
cases=$((cases + 1))
case_name="rowsort info --topology (2 NUMA nodes)"
syn=$("$RS" info --topology "numa:2 core:4 pu:2" --shape 64x1024 --threads 8 --pin core)
echo "$syn" | grep -q "NUMA node P#1: rows 32-63" || fail "no rows for node 1: $syn"
echo "$syn" | grep -q "thread 7 -> PU" || fail "no thread 7: $syn"
expect 2 "the machine topology could not be read: bogus:3" -- info --topology "bogus:3"
expect 2 "nothere.xml: the machine topology could not be read" -- info --topology-xml nothere.xml
expect 2 "invalid --pin 'all'" -- info --pin all

# ---- one file under two names, outputs that are inputs ----
mkdir -p od
expect 2 "od/x.npy and ./od/x.npy: one file named twice" --absent od/x.npy -- \
  sort a.npy -o od/x.npy --argsort ./od/x.npy
expect 2 "one file named twice as an output" --absent od/y.npy -- \
  sort a.npy b.npy -o od/y.npy -o od/../od/y.npy
cp a.npy od/target.npy
ln -sf target.npy od/link.npy
expect 2 "od/target.npy and od/link.npy: one file named twice" -- \
  sort a.npy -o od/target.npy --argsort od/link.npy
expect 2 "one file named twice as an output" --absent od/s.json -- \
  sort a.npy -o od/s.json --stats ./od/s.json
cp a.npy rows_a.npy
cp b.npy rows_b.npy
expect 2 "--rows writes into its outputs in place" -- \
  sort rows_a.npy rows_b.npy -o rows_b.npy -o rows_a.npy --rows 0:8
expect 2 "--rows writes into its outputs in place" -- \
  sort rows_a.npy -o od/target.npy --argsort rows_a.npy --rows 0:8
if ! { cmp -s a.npy rows_a.npy && cmp -s b.npy rows_b.npy; }; then
  case_name="--rows over inputs"
  fail "an input changed"
fi

cp a.npy od/h1.npy
ln -f od/h1.npy od/h2.npy
expect 2 "od/h1.npy and od/h2.npy: one file named twice" -- \
  sort a.npy b.npy -o od/h1.npy -o od/h2.npy --rows 0:8
cmp -s a.npy od/h1.npy || { case_name="hard links"; fail "od/h1.npy changed"; }

# ---- a --stats file that cannot be written fails the run before any output is in place ----
"$RS" sort short.npy -o prev.npy || exit 1
before=$(cksum <prev.npy)
expect 2 "/nonexistent/s.json: cannot create the file in its folder" -- \
  sort a.npy -o prev.npy --stats /nonexistent/s.json
expect 2 "od: is a directory, not a file" --absent new_out.npy -- sort a.npy -o new_out.npy --stats od
[ "$(cksum <prev.npy)" = "$before" ] || { case_name="--stats failure"; fail "prev.npy was replaced"; }

too_long=$(printf 'n%.0s' $(seq 1 260))
expect 2 "$too_long.json: cannot create the file in its folder: File name too long" -- \
  sort a.npy -o prev.npy --stats "$too_long.json"
expect 2 "cannot create the output in its folder: File name too long" -- \
  sort a.npy -o "$too_long.npy"
[ "$(cksum <prev.npy)" = "$before" ] || { case_name="--stats name too long"; fail "prev.npy was replaced"; }

# ---- names near NAME_MAX: the temporaries' names are cut, not refused ----
long=$(printf 'n%.0s' $(seq 1 245))
expect 0 "" -- sort a.npy -o "$long.npy" --stats "$long.json"
if ! { [ -s "$long.npy" ] && [ -s "$long.json" ]; }; then
  case_name="long names"
  fail "outputs missing"
fi
rm -f "$long.npy" "$long.json"

# ---- verify: empty arrays whatever their other axis ----
mknpy empty_rows.npy '<f4' '(1000000000000000, 0)' 0
mknpy empty_cols.npy '<f4' '(0, 1000000000000)' 0
for f in empty_rows empty_cols; do
  cases=$((cases + 1))
  case_name="verify $f.npy"
  out=$(timeout 20 "$RS" verify $f.npy $f.npy 2>&1)
  rc=$?
  [ $rc -eq 0 ] || fail "exit $rc: $out"
  case "$out" in "ok: "*) ;; *) fail "printed: $out" ;; esac
done

# ---- job files inih would misread ----
printf '[input]\nfiles = a.npy\nfiles = b.npy\n[output]\nfiles = j1.npy j2.npy\n' >dup.ini
expect 2 "dup.ini: line 3: 'files' given twice in [input]" --absent j1.npy -- run dup.ini
printf '[input]\nfiles = a.npy\n[output]\nfiles = j1.npy\n[input]\nfiles = b.npy\n' >dup2.ini
expect 2 "dup2.ini: line 6: 'files' given twice in [input]" --absent j1.npy -- run dup2.ini
printf '[input]\nfiles = a.npy\n    b.npy\n[output]\nfiles = j1.npy\n    j2.npy\n' >cont.ini
expect 0 "" -- run cont.ini
rm -f j1.npy j2.npy
{ printf '[input]\nfiles = a.npy ; '; printf 'x%.0s' $(seq 1 200); printf '\n[output]\nfiles = j1.npy\n'; } >longline.ini
expect 2 "longline.ini: line 2: longer than 199 characters" --absent j1.npy -- run longline.ini
printf '[input]\nfiles = a.npy\0\n' >nul.ini
expect 2 "nul.ini: line 2: a NUL byte" -- run nul.ini
printf '[input]\nfi\001les = a.npy\n' >ctrl.ini
expect 2 "unknown key 'fi?les' in [input]" -- run ctrl.ini
expect 2 "od: is a directory, not a job file" -- run od
cases=$((cases + 1))
case_name="run a job file from a pipe"
printf '[input]\nfiles = %s/a.npy\n[output]\nfiles = %s/piped.npy\n' "$WORK" "$WORK" |
  "$RS" run /dev/stdin 2>"$WORK/.stderr" || fail "exit $?: $(cat "$WORK/.stderr")"
[ -s piped.npy ] || fail "piped.npy not written"

# ---- sort prints nothing on stdout ----
cases=$((cases + 1))
case_name="sort is quiet"
out=$("$RS" sort a.npy -o quiet.npy --no-progress 2>&1) || fail "exit $?"
[ -z "$out" ] || fail "printed: $out"

# ---- SIGTERM and SIGINT mid-run remove the temporaries ----
"$RS" gen --shape 8x1048576 --dtype float64 --seed 4 -o big.npy || exit 1
for sig in TERM INT HUP; do
  cases=$((cases + 1))
  case_name="SIG$sig during sort"
  "$RS" sort big.npy -o big_out.npy --argsort big_idx.npy --stable --threads 1 --isa scalar \
    2>"$WORK/.stderr" &
  pid=$!
  # Wait until the temporaries exist (the sort runs after they are created).
  for _ in $(seq 1 400); do
    [ -n "$(find "$WORK" -maxdepth 1 -name '.big_idx.npy.rowsort-*' -print -quit)" ] && break
    sleep 0.005
  done
  kill -s "$sig" "$pid"
  wait "$pid"
  rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "note: SIG$sig test inconclusive (the sort finished first)" >&2
    rm -f big_out.npy big_idx.npy
  else
    want=$(case $sig in TERM) echo 143 ;; INT) echo 130 ;; HUP) echo 129 ;; esac)
    [ "$rc" -eq "$want" ] || fail "exit $rc, expected $want"
    grep -q "rowsort: error: " "$WORK/.stderr" || fail "no message: $(cat "$WORK/.stderr")"
    if [ -e big_out.npy ] || [ -e big_idx.npy ]; then fail "an output appeared"; fi
    temps=$(leftover_temps)
    [ -z "$temps" ] || fail "temporaries left: $temps"
  fi
done
rm -f big.npy

echo "cli_errors.sh: $cases cases, $failures failed"
[ "$failures" -eq 0 ]
