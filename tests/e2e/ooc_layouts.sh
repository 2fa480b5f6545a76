#!/usr/bin/env bash
# End-to-end: every .npy layout and the out-of-core paths against NumPy, bit for bit.
#   tests/e2e/ooc_layouts.sh ROWSORT_BIN [PYTHON]
# Fortran-order, big-endian (output keeps '>'), 3-D and bfloat16 inputs; raw files; --rows
# into an existing output; -o naming the input; windows and out-of-core rows under small
# --memory-limit values (stable, indices, descending, several operands, top-k). Exit 77
# (skipped) without NumPy.
set -u
RS=${1:?usage: ooc_layouts.sh ROWSORT_BIN [PYTHON]}
PY=${2:-python3}
case "$RS" in /*) ;; *) RS="$PWD/$RS" ;; esac
case "$PY" in */*) case "$PY" in /*) ;; *) PY="$PWD/$PY" ;; esac ;; esac
"$PY" -c "import numpy" 2>/dev/null || { echo "ooc_layouts.sh: no NumPy: skipped"; exit 77; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rowsort-ooc.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
RS="$RS" exec "$PY" - <<'EOF'
import os, subprocess, sys
import numpy as np

RS = os.environ["RS"]
failures = 0
rng = np.random.default_rng(6)

def run(*args, rc=0):
    p = subprocess.run([RS, *map(str, args)], capture_output=True, text=True)
    if p.returncode != rc:
        raise AssertionError(f"rowsort {' '.join(map(str, args))}: exit {p.returncode}: {p.stderr}")
    return p

def check(name, got, want):
    global failures
    ok = got.dtype == want.dtype and got.shape == want.shape and \
        np.ascontiguousarray(got).tobytes() == np.ascontiguousarray(want).tobytes()
    if not ok:
        failures += 1
        print(f"FAIL: {name}: got {got.dtype}{got.shape}, want {want.dtype}{want.shape}", file=sys.stderr)
    return ok

def floats(shape, dtype):
    a = rng.integers(-40, 40, size=shape).astype(dtype) / 4
    flat = a.reshape(-1)
    flat[rng.random(flat.size) < 0.05] = np.nan
    flat[rng.random(flat.size) < 0.05] = -0.0
    return a

def case(name, a, flags=(), mem=None):
    np.save("in.npy", a)
    extra = ["--memory-limit", mem] if mem else []
    run("sort", "in.npy", "-o", "out.npy", "--stable", "--argsort", "idx.npy", *flags, *extra)
    want_idx = np.argsort(a, axis=-1, kind="stable")
    if "--descending" in flags:  # stable descending: NaNs first, ties in input order
        want_idx = np.flip(np.argsort(np.flip(a, -1), axis=-1, kind="stable"), -1)
        want_idx = a.shape[-1] - 1 - want_idx
    want = np.take_along_axis(a, want_idx, -1)
    got = np.load("out.npy")
    run("verify", "in.npy", "out.npy", "--stable", "--argsort", "idx.npy", *flags)  # every layout
    # Bit for bit, dtype (byte order included) and values; C order.
    check(name, got, want.astype(want.dtype))
    check(name + " (indices)", np.load("idx.npy").astype(np.int64), want_idx.astype(np.int64))
    if not got.flags.c_contiguous:
        print(f"FAIL: {name}: output not C order", file=sys.stderr)

a = floats((37, 51), np.float32)
case("fortran f32", np.asfortranarray(a))
case("big-endian f64", floats((20, 33), np.float64).astype(">f8"))
case("big-endian i32", rng.integers(-9, 9, (5, 300)).astype(">i4"))
case("big-endian c64", (floats((4, 40), np.float32) + 1j * floats((4, 40), np.float32)).astype(">c8"))
case("3-D f32", floats((3, 4, 65), np.float32))
case("3-D fortran big-endian i16", np.asfortranarray(rng.integers(-5, 5, (3, 4, 65)).astype(">i2")))
case("1-D", floats((1000,), np.float32))
case("descending", floats((9, 130), np.float32), ["--descending"])
# windows: 8 MiB reserve + room for a few rows; out of core: less than one row's scratch
case("windows", floats((4000, 300), np.float32), mem="9M")
case("windows fortran big-endian", np.asfortranarray(floats((2000, 300), np.float32)).astype(">f4"), mem="9M")
case("out of core", floats((2, 300000), np.float32), mem="9M")
case("out of core descending", floats((1, 300000), np.float64), ["--descending"], mem="9M")
case("out of core big-endian", floats((1, 200000), np.float32).astype(">f4"), mem="9M")

# several operands out of core: key i16 with ties, payload f64
k = rng.integers(0, 50, (2, 250000)).astype(np.int16)
v = rng.random((2, 250000))
np.save("k.npy", k); np.save("v.npy", v)
run("sort", "k.npy", "v.npy", "-o", "ko.npy", "-o", "vo.npy", "--stable", "--memory-limit", "9M")
i = np.argsort(k, axis=-1, kind="stable")
check("operands out of core (key)", np.load("ko.npy"), np.take_along_axis(k, i, -1))
check("operands out of core (payload)", np.load("vo.npy"), np.take_along_axis(v, i, -1))

# top-k out of core: first k of the stable descending sort
x = floats((1, 300000), np.float32)
np.save("x.npy", x)
run("sort", "x.npy", "-o", "t.npy", "--top-k", "1000", "--argsort", "ti.npy", "--memory-limit", "9M")
order = np.flip(np.argsort(np.flip(x, -1), axis=-1, kind="stable"), -1)
order = (x.shape[-1] - 1 - order)[:, :1000]
check("top-k out of core", np.load("t.npy"), np.take_along_axis(x, order, -1))
check("top-k out of core (indices)", np.load("ti.npy").astype(np.int64), order)

# raw in, raw out
r = floats((64, 100), np.float32)
r.tofile("r.bin")
run("sort", "--raw", "--dtype", "float32", "--shape", "64x100", "r.bin", "-o", "rs.bin", "--stable")
check("raw", np.fromfile("rs.bin", np.float32).reshape(64, 100), np.sort(r, axis=-1, kind="stable"))

# --rows into an existing output: only those rows change
a = floats((100, 64), np.float32)
np.save("in.npy", a)
np.save("part.npy", np.zeros_like(a))
# (stable: -0.0 and +0.0 are equal, so only a stable sort fixes their bits)
run("sort", "in.npy", "-o", "part.npy", "--rows", "10:30", "--stable")
want = np.zeros_like(a); want[10:30] = np.sort(a[10:30], axis=-1, kind="stable")
check("--rows 10:30", np.load("part.npy"), want)
run("sort", "in.npy", "-o", "part.npy", "--rows", "0:10", "--stable")
run("sort", "in.npy", "-o", "part.npy", "--rows", "30:100", "--stable")
check("--rows in three parts", np.load("part.npy"), np.sort(a, axis=-1, kind="stable"))
run("sort", "in.npy", "-o", "in.npy", "--rows", "0:1", rc=2)
run("sort", "in.npy", "-o", "part.npy", "--rows", "0:101", rc=2)

# -o naming the input: replaced atomically
np.save("same.npy", a)
run("sort", "same.npy", "-o", "same.npy", "--stable")
check("in place", np.load("same.npy"), np.sort(a, axis=-1, kind="stable"))

left = [f for f in os.listdir(".") if "rowsort" in f]
if left:
    failures += 1
    print(f"FAIL: temporaries left: {left}", file=sys.stderr)
print(f"ooc_layouts: {failures} failure(s)")
sys.exit(1 if failures else 0)
EOF
