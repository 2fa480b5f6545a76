"""End-to-end tests of the rowsort program against NumPy, bit for bit.

Inputs are written with np.save, sorted by `rowsort sort`, and compared with the stable order
NumPy computes (np.lexsort on keys built by the rules of DESIGN section 1: -0 == +0, NaNs equal
and greatest, descending with NaNs first, nans_last, IEEE totalOrder). Run by CTest through the
project's venv; ROWSORT_BIN names the program (default: build/cli/rowsort).
"""

import glob
import os
import shutil
import subprocess
import zlib

import numpy as np
import pytest

ml_dtypes = pytest.importorskip("ml_dtypes")
BF16 = np.dtype(ml_dtypes.bfloat16)
# Casting NaNs between float widths is what these tests mean to do.
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in cast")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("ROWSORT_BIN") or os.path.join(ROOT, "build", "cli", "rowsort")

DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
          "float16", "bfloat16", "float32", "float64", "complex64", "complex128"]
FLOATS = ["float16", "bfloat16", "float32", "float64"]
LENGTHS = [0, 1, 2, 3, 5, 15, 16, 17, 31, 32, 33, 127, 128, 129, 1000]

DESC, STABLE, NANS_LAST, TOTAL = "--descending", "--stable", "--nans-last", "--total-order"


def np_dtype(name):
    return BF16 if name == "bfloat16" else np.dtype(name)


def run(*args, check=True):
    proc = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"rowsort {' '.join(map(str, args))} exited {proc.returncode}:\n"
                             f"{proc.stderr}")
    return proc


def load(path):
    a = np.load(path)
    if a.dtype.kind == "V" and a.dtype.itemsize == 2:
        a = a.view(BF16)
    return a


def bits(a):
    """The raw bytes of each element, for bit-exact comparison."""
    a = np.ascontiguousarray(a)
    return a.view(np.uint8).reshape(a.shape + (a.dtype.itemsize,)) if a.ndim else a.view(np.uint8)


def assert_bits_equal(got, want, what=""):
    assert got.dtype == want.dtype, (what, got.dtype, want.dtype)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    if not np.array_equal(bits(got), bits(want)):
        bad = np.argwhere(np.any(bits(got) != bits(want), axis=-1) if got.ndim else True)
        raise AssertionError(f"{what}: outputs differ at {bad[:5].tolist()}: "
                             f"got {got[tuple(bad[0])]!r}, want {want[tuple(bad[0])]!r}")


# ---- data ----------------------------------------------------------------------------------

FLOAT_LAYOUT = {"float16": (np.uint16, 5, 10), "bfloat16": (np.uint16, 8, 7),
                "float32": (np.uint32, 8, 23), "float64": (np.uint64, 11, 52)}


def special_floats(name, rng, size):
    """NaNs of both signs with payloads, +-0, +-inf, denormals, ties and ordinary numbers."""
    ut, e, m = FLOAT_LAYOUT[name]
    sign = 1 << (e + m)
    exp_all = ((1 << e) - 1) << m
    kind = rng.integers(0, 10, size)
    payload = rng.integers(1, 1 << m, size, dtype=np.uint64)
    signs = np.where(rng.integers(0, 2, size) == 1, sign, 0).astype(np.uint64)
    ordinary = rng.normal(size=size) * 4
    ordinary = np.where(kind == 9, np.round(ordinary), ordinary)  # ties
    dt = np_dtype(name)
    out = ordinary.astype(np.float32).astype(dt).view(ut).astype(np.uint64)
    out = np.where(kind == 0, signs | exp_all | payload, out)           # NaN, any payload
    out = np.where(kind == 1, signs | exp_all | (1 << (m - 1)), out)    # default quiet NaN
    out = np.where(kind == 2, signs, out)                               # +-0
    out = np.where(kind == 3, signs | exp_all, out)                     # +-inf
    out = np.where(kind == 4, signs | payload, out)                     # denormal
    return out.astype(ut).view(dt)


def make_data(name, shape, rng, adversarial=True):
    size = int(np.prod(shape))
    dt = np_dtype(name)
    if name == "bool":
        return (rng.integers(0, 2, size) == 1).reshape(shape)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, size, dtype=dt, endpoint=True)
        if adversarial and size:
            extremes = np.array([info.min, info.max, 0, 1, info.max - 1], dtype=dt)
            pick = rng.integers(0, 3, size) == 0
            a = np.where(pick, extremes[rng.integers(0, len(extremes), size)], a)
            a = np.where(rng.integers(0, 4, size) == 0, a[rng.integers(0, size, size)], a)
        return a.reshape(shape)
    if dt.kind == "c":
        part = "float32" if name == "complex64" else "float64"
        re = special_floats(part, rng, size) if adversarial else rng.normal(size=size)
        im = special_floats(part, rng, size) if adversarial else rng.normal(size=size)
        # Ties on the real part, so the imaginary part decides.
        re = np.where(rng.integers(0, 3, size) == 0, np.asarray(re, dtype=part)[0] if size else 0,
                      re).astype(part)
        a = np.empty(size, dtype=dt)
        a.real = re
        a.imag = np.asarray(im, dtype=part)
        return a.reshape(shape)
    if adversarial:
        return special_floats(name, rng, size).reshape(shape)
    return rng.normal(size=size).astype(np.float32).astype(dt).reshape(shape)


# ---- the expected order, independent of the engine ---------------------------------------

def float_keys(v, unsigned_bits, descending, nans_last, total_order):
    """lexsort keys (least significant first) of one float component."""
    if total_order:
        ut = unsigned_bits.dtype
        sign = ut.type(1) << ut.type(8 * ut.itemsize - 1)
        t = np.where(unsigned_bits & sign, ~unsigned_bits, unsigned_bits | sign).astype(ut)
        key = ~t if descending else t
        return [key, np.isnan(v)] if nans_last else [key]
    v = np.where(v == 0, 0.0, v)  # -0 == +0
    nan = np.isnan(v)
    if not descending:
        return [v]
    return [-v, nan if nans_last else ~nan]


def keys_of(a, descending=False, nans_last=False, total_order=False):
    dt = a.dtype
    if dt == np.bool_:
        b = a.view(np.uint8) != 0
        return [~b if descending else b]
    if dt.kind in "iu":
        return [~a if descending else a]
    if dt.kind == "c":
        part = np.float32 if dt == np.complex64 else np.float64
        ut = np.uint32 if part == np.float32 else np.uint64
        pair = a.view(part).reshape(a.shape + (2,))
        ubits = a.view(ut).reshape(a.shape + (2,))
        re = float_keys(pair[..., 0].astype(np.float64), ubits[..., 0], descending, nans_last,
                        total_order)
        im = float_keys(pair[..., 1].astype(np.float64), ubits[..., 1], descending, nans_last,
                        total_order)
        return im + re
    ut = {2: np.uint16, 4: np.uint32, 8: np.uint64}[dt.itemsize]
    return float_keys(a.astype(np.float64), a.view(ut), descending, nans_last, total_order)


def expected_order(key_operands, descending=False, nans_last=False, total_order=False):
    """Stable sort permutation along the last axis: key 0 first, then key 1, ..."""
    keys = []
    for k in reversed(key_operands):
        keys += keys_of(k, descending, nans_last, total_order)
    shape = key_operands[0].shape
    if shape[-1] == 0:
        return np.zeros(shape, dtype=np.int64)
    return np.lexsort(keys, axis=-1)


def gather(a, idx):
    return np.take_along_axis(a, idx, axis=-1)


def sort_flags(descending, nans_last, total_order):
    return ([DESC] if descending else []) + ([NANS_LAST] if nans_last else []) + \
           ([TOTAL] if total_order else [])


# ---- tests ---------------------------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def program_exists():
    if not os.access(BIN, os.X_OK):
        pytest.fail(f"rowsort program not found at {BIN} (set ROWSORT_BIN)")


MODES = [(False, False, False), (True, False, False), (True, True, False),
         (False, False, True), (True, False, True), (True, True, True)]


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("mode", MODES, ids=["asc", "desc", "desc-nanslast", "total",
                                            "total-desc", "total-desc-nanslast"])
def test_stable_with_indices_matches_numpy(tmp_path, name, mode):
    descending, nans_last, total_order = mode
    if total_order and name not in FLOATS + ["complex64", "complex128"]:
        pytest.skip("total order only changes floats")
    rng = np.random.default_rng(zlib.crc32(repr((name, mode)).encode()))
    for n in LENGTHS:
        a = make_data(name, (3, n), rng)
        src, out, idx = tmp_path / "in.npy", tmp_path / "out.npy", tmp_path / "idx.npy"
        np.save(src, a)
        run("sort", src, "-o", out, STABLE, "--argsort", idx,
            *sort_flags(descending, nans_last, total_order))
        want_idx = expected_order([a], descending, nans_last, total_order)
        got_idx = np.load(idx)
        assert got_idx.dtype == np.int32
        assert np.array_equal(got_idx, want_idx), (name, mode, n)
        assert_bits_equal(load(out), gather(a, want_idx), f"{name} {mode} n={n}")
        run("verify", src, out, STABLE, "--argsort", idx,
            *sort_flags(descending, nans_last, total_order))


@pytest.mark.parametrize("name", DTYPES)
def test_ascending_equals_numpy_stable_sort(tmp_path, name):
    """NumPy's own stable sort is the reference for ascending (NaNs last, -0 == +0)."""
    rng = np.random.default_rng(7)
    a = make_data(name, (4, 300), rng)
    if a.dtype.kind == "c":
        a = make_data(name, (4, 300), rng, adversarial=False)  # NumPy orders complex NaNs
    np.save(tmp_path / "in.npy", a)
    run("sort", tmp_path / "in.npy", "-o", tmp_path / "out.npy", STABLE,
        "--argsort", tmp_path / "idx.npy")
    ref = a.astype(np.float32) if a.dtype == BF16 else a
    want = np.argsort(ref, kind="stable", axis=-1)
    assert np.array_equal(np.load(tmp_path / "idx.npy"), want)
    assert_bits_equal(load(tmp_path / "out.npy"), gather(a, want), name)


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("descending", [False, True])
def test_unstable_is_ordered_and_bit_exact_multiset(tmp_path, name, descending):
    rng = np.random.default_rng(11)
    a = make_data(name, (5, 777), rng)
    np.save(tmp_path / "in.npy", a)
    flags = [DESC] if descending else []
    run("sort", tmp_path / "in.npy", "-o", tmp_path / "out.npy", "--argsort",
        tmp_path / "idx.npy", *flags)
    got, idx = load(tmp_path / "out.npy"), np.load(tmp_path / "idx.npy")
    assert_bits_equal(got, gather(a, idx), "out == in[idx]")
    assert np.array_equal(np.sort(idx, axis=-1), np.broadcast_to(np.arange(777), idx.shape))
    # Same keys as the stable order, position by position (ties may differ in bits).
    want = gather(a, expected_order([a], descending))
    for kg, kw in zip(keys_of(got, descending), keys_of(want, descending)):
        assert np.array_equal(kg, kw, equal_nan=True)
    run("verify", tmp_path / "in.npy", tmp_path / "out.npy", *flags)


@pytest.mark.parametrize("dtypes", [("int32", "float32", "uint8"), ("bfloat16", "int64", "float64"),
                                    ("bool", "complex64", "int16"), ("float16", "uint16", "bool")])
@pytest.mark.parametrize("descending", [False, True])
def test_several_keys_and_payloads_match_lexsort(tmp_path, dtypes, descending):
    rng = np.random.default_rng(3)
    shape = (4, 513)
    ops = []
    for i, name in enumerate(dtypes):
        a = make_data(name, shape, rng)
        if i == 0 and a.dtype.kind in "iu":
            a = (a % 4).astype(a.dtype)  # many ties on the first key
        ops.append(a)
    paths = []
    for i, a in enumerate(ops):
        np.save(tmp_path / f"in{i}.npy", a)
        paths.append(tmp_path / f"in{i}.npy")
    outs = [tmp_path / f"out{i}.npy" for i in range(3)]
    args = ["sort", *paths]
    for o in outs:
        args += ["-o", o]
    flags = [STABLE, "--keys", "2"] + ([DESC] if descending else [])
    run(*args, *flags, "--argsort", tmp_path / "idx.npy")
    want = expected_order(ops[:2], descending)
    assert np.array_equal(np.load(tmp_path / "idx.npy"), want)
    for i, a in enumerate(ops):
        assert_bits_equal(load(outs[i]), gather(a, want), f"operand {i}")
    run("verify", *paths, *outs, *flags, "--argsort", tmp_path / "idx.npy")


@pytest.mark.parametrize("name", ["float32", "int32", "bfloat16"])
@pytest.mark.parametrize("shape", ["8x8192", "8x4097"])
def test_seed_workload(tmp_path, name, shape):
    src, out, idx = tmp_path / "in.npy", tmp_path / "out.npy", tmp_path / "idx.npy"
    run("gen", "--shape", shape, "--dtype", name, "--seed", "42", "-o", src)
    a = load(src)
    assert a.shape == tuple(int(x) for x in shape.split("x"))
    assert a.dtype == np_dtype(name)
    run("sort", src, "-o", out, STABLE, "--argsort", idx)
    ref = a.astype(np.float32) if a.dtype == BF16 else a
    want = np.argsort(ref, kind="stable", axis=-1)
    assert np.array_equal(np.load(idx), want)
    assert_bits_equal(load(out), np.take_along_axis(a, want, -1), "seed workload")
    assert "ok: 8 rows x" in run("verify", src, out, STABLE, "--argsort", idx).stdout
    for mode in ([], [DESC]):
        run("sort", src, "-o", out, *mode)
        run("verify", src, out, *mode)


def corrupt_and_expect_failure(tmp_path, src, out, extra, mutate):
    a = load(out)
    b = a.copy()
    mutate(b)
    bad = tmp_path / "bad.npy"
    np.save(bad, b)
    proc = run("verify", src, bad, *extra, check=False)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("rowsort: error: ")


def test_verify_rejects_corrupted_outputs(tmp_path):
    src, out, idx = tmp_path / "in.npy", tmp_path / "out.npy", tmp_path / "idx.npy"
    run("gen", "--shape", "8x8192", "--dtype", "float32", "--seed", "1", "-o", src)
    run("sort", src, "-o", out, STABLE, "--argsort", idx)

    def swap(b):
        b[3, 17], b[3, 18] = b[3, 18], b[3, 17]

    def flip_bit(b):
        b.view(np.uint32)[5, 100] ^= 1

    def duplicate(b):
        b[2, 10] = b[2, 11]

    for mutate in (swap, flip_bit, duplicate):
        corrupt_and_expect_failure(tmp_path, src, out, [], mutate)
        corrupt_and_expect_failure(tmp_path, src, out, [STABLE, "--argsort", idx], mutate)
    # A wrong order of the indices alone (the data stays sorted).
    i = np.load(idx)
    i[0, 0], i[0, 1] = i[0, 1], i[0, 0]
    np.save(tmp_path / "badidx.npy", i)
    proc = run("verify", src, out, "--argsort", tmp_path / "badidx.npy", check=False)
    assert proc.returncode == 1 and "row 0" in proc.stderr
    # Sorted ascending is not sorted descending.
    proc = run("verify", src, out, DESC, check=False)
    assert proc.returncode == 1 and "not in order" in proc.stderr


def test_verify_checks_stability(tmp_path):
    a = np.array([[2, 1, 2, 1, 2, 1]], dtype=np.int32)
    np.save(tmp_path / "in.npy", a)
    np.save(tmp_path / "out.npy", np.sort(a, axis=-1))
    np.save(tmp_path / "idx.npy", np.array([[3, 1, 5, 0, 2, 4]], dtype=np.int32))
    ok = run("verify", tmp_path / "in.npy", tmp_path / "out.npy", "--argsort",
             tmp_path / "idx.npy")
    assert ok.returncode == 0
    proc = run("verify", tmp_path / "in.npy", tmp_path / "out.npy", STABLE, "--argsort",
               tmp_path / "idx.npy", check=False)
    assert proc.returncode == 1 and "not stable" in proc.stderr


@pytest.mark.parametrize("name", ["float32", "bfloat16", "int16", "complex128", "float64"])
@pytest.mark.parametrize("smallest", [False, True])
@pytest.mark.parametrize("total_order", [False, True])
def test_top_k(tmp_path, name, smallest, total_order):
    rng = np.random.default_rng(5)
    a = make_data(name, (6, 200), rng)
    src = tmp_path / "in.npy"
    np.save(src, a)
    order = expected_order([a], descending=not smallest, total_order=total_order)
    for k in (0, 1, 7, 200):
        flags = ["--top-k", k] + (["--smallest"] if smallest else []) + \
                ([TOTAL] if total_order else [])
        run("sort", src, "-o", tmp_path / "out.npy", "--argsort", tmp_path / "idx.npy", *flags)
        want = order[:, :k]
        assert np.array_equal(np.load(tmp_path / "idx.npy"), want), (k, flags)
        assert_bits_equal(load(tmp_path / "out.npy"), gather(a, want), f"top-k {k}")
        run("verify", src, tmp_path / "out.npy", "--argsort", tmp_path / "idx.npy", *flags)
        run("verify", src, tmp_path / "out.npy", *flags)


@pytest.mark.parametrize("shape", [(2, 3, 50), (4, 1, 2, 9), (129,), (1, 1), (0, 5), (5, 0), ()])
def test_shapes(tmp_path, shape):
    rng = np.random.default_rng(9)
    a = make_data("float64", shape, rng)
    np.save(tmp_path / "in.npy", a)
    run("sort", tmp_path / "in.npy", "-o", tmp_path / "out.npy", STABLE, "--argsort",
        tmp_path / "idx.npy")
    got = load(tmp_path / "out.npy")
    assert got.shape == a.shape
    if a.ndim == 0:
        assert_bits_equal(got, a, "0-D")
        assert np.load(tmp_path / "idx.npy").shape == ()
        return
    want = expected_order([a])
    assert np.array_equal(np.load(tmp_path / "idx.npy"), want)
    assert_bits_equal(got, gather(a, want), str(shape))
    run("verify", tmp_path / "in.npy", tmp_path / "out.npy", STABLE, "--argsort",
        tmp_path / "idx.npy")


def test_index_dtype_int64(tmp_path):
    a = np.arange(10, dtype=np.int32)[::-1].copy()
    np.save(tmp_path / "in.npy", a)
    run("sort", tmp_path / "in.npy", "-o", tmp_path / "out.npy", "--argsort",
        tmp_path / "idx.npy", "--index-dtype", "int64")
    idx = np.load(tmp_path / "idx.npy")
    assert idx.dtype == np.int64 and np.array_equal(idx, np.arange(10)[::-1])


def test_npy_versions_and_bfloat16_descrs(tmp_path):
    """Format 2.0 and 3.0 headers are read; '|V2' and '<V2' are bfloat16."""
    a = np.array([[3.0, -1.0, 2.0, -0.0, 0.0]], dtype=np.float32)
    for version in ((1, 0), (2, 0), (3, 0)):
        with open(tmp_path / "in.npy", "wb") as f:
            np.lib.format.write_array(f, a, version=version)
        run("sort", tmp_path / "in.npy", "-o", tmp_path / "out.npy", STABLE)
        assert_bits_equal(load(tmp_path / "out.npy"), gather(a, expected_order([a])),
                          str(version))
    b = a.astype(BF16)
    np.save(tmp_path / "bf.npy", b)
    run("sort", tmp_path / "bf.npy", "-o", tmp_path / "out.npy", STABLE)
    got = load(tmp_path / "out.npy")
    assert_bits_equal(got, gather(b, expected_order([b])), "bfloat16")


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("dist", ["uniform", "normal", "sorted", "reverse", "few", "nan"])
def test_gen(tmp_path, name, dist):
    out = tmp_path / "g.npy"
    run("gen", "--shape", "3x257", "--dtype", name, "--dist", dist, "--seed", "5", "-o", out)
    a = load(out)
    assert a.shape == (3, 257) and a.dtype == np_dtype(name)
    again = tmp_path / "g2.npy"
    run("gen", "--shape", "3x257", "--dtype", name, "--dist", dist, "--seed", "5", "-o", again)
    assert_bits_equal(load(again), a, "same seed, same data")
    if dist in ("sorted", "reverse"):
        run("verify", out, out, *([DESC] if dist == "reverse" else []))
    if dist == "few" and name != "bool":
        assert all(len(np.unique(row)) <= 25 for row in a)
    if dist == "nan" and name in FLOATS:
        f = a.astype(np.float64)
        assert np.isnan(f).any() and np.isinf(f).any()
        assert (np.signbit(f) & np.isnan(f)).any() and (~np.signbit(f) & np.isnan(f)).any()
    if dist == "uniform" and name == "int64":
        assert a.min() < -(2**60) and a.max() > 2**60


def test_gen_shapes(tmp_path):
    for text, shape in (("100", (100,)), ("2x3x4", (2, 3, 4)), ("0x5", (0, 5))):
        run("gen", "--shape", text, "--dtype", "int8", "-o", tmp_path / "g.npy")
        assert np.load(tmp_path / "g.npy").shape == shape


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_gen_half_precision_rounds_like_numpy(tmp_path, name):
    """gen's float -> half conversions agree with NumPy's / ml_dtypes' (round to nearest even):
    every value it writes must survive a round trip through float32."""
    run("gen", "--shape", "4x4096", "--dtype", name, "--dist", "normal", "-o", tmp_path / "g.npy")
    a = load(tmp_path / "g.npy")
    back = a.astype(np.float32).astype(np_dtype(name))
    assert_bits_equal(back, a, "round trip")


def test_run_configs(tmp_path):
    """Every example job in configs/ runs, in a copy of configs/ so that outputs land there.
    A job's inputs are made by the `# gen: ARGS` lines at its top (`rowsort gen ARGS`, run in
    the job's folder)."""
    configs = sorted(glob.glob(os.path.join(ROOT, "configs", "*.ini")))
    assert configs, "no example job files in configs/"
    work = tmp_path / "configs"
    shutil.copytree(os.path.join(ROOT, "configs"), work)
    for cfg in sorted(work.glob("*.ini")):
        for line in cfg.read_text().splitlines():
            if line.startswith("# gen:"):
                args = line[len("# gen:"):].split()
                proc = subprocess.run([BIN, "gen", *args], cwd=work, capture_output=True,
                                      text=True)
                assert proc.returncode == 0, (cfg.name, line, proc.stderr)
        proc = run("run", cfg, "--no-progress", check=False)
        assert proc.returncode == 0, (cfg.name, proc.stderr)
        for line in cfg.read_text().splitlines():
            if line.startswith("# verify:"):
                args = line[len("# verify:"):].split()
                proc = subprocess.run([BIN, "verify", *args], cwd=work, capture_output=True,
                                      text=True)
                assert proc.returncode == 0, (cfg.name, line, proc.stderr)
                assert proc.stdout.startswith("ok: ")


def test_run_job_overrides_and_relative_paths(tmp_path):
    a = make_data("float32", (4, 100), np.random.default_rng(2))
    sub = tmp_path / "job"
    sub.mkdir()
    np.save(sub / "in.npy", a)
    (sub / "job.ini").write_text(
        "[input]\nfiles = in.npy\n[sort]\nstable = true\n[engine]\nthreads = 1\n"
        "[output]\nfiles = out.npy\nargsort = idx.npy\nstats = stats.json\n")
    run("run", sub / "job.ini")
    want = expected_order([a])
    assert np.array_equal(np.load(sub / "idx.npy"), want)
    assert_bits_equal(load(sub / "out.npy"), gather(a, want), "job")
    assert '"threads": 1' in (sub / "stats.json").read_text()
    # Command-line flags override the job: descending, another output.
    run("run", sub / "job.ini", DESC, "-o", tmp_path / "desc.npy")
    want = expected_order([a], descending=True)
    assert_bits_equal(load(tmp_path / "desc.npy"), gather(a, want), "override")


def test_stats_json(tmp_path):
    import json
    run("gen", "--shape", "8x1000", "--dtype", "int32", "-o", tmp_path / "in.npy")
    run("sort", tmp_path / "in.npy", "-o", tmp_path / "out.npy", "--threads", "2",
        "--stats", tmp_path / "s.json")
    s = json.loads((tmp_path / "s.json").read_text())
    assert s["rows"] == 8 and s["n"] == 1000 and s["dtypes"] == ["int32"]
    assert s["threads"] == 2 and s["isa"] in ("scalar", "avx2", "avx512")
    assert s["seconds"]["sort"] >= 0
    out = run("sort", tmp_path / "in.npy", "-o", tmp_path / "out.npy", "--stats", "-").stdout
    assert json.loads(out)["n"] == 1000


@pytest.mark.parametrize("isa", ["scalar", "avx2", "avx512"])
def test_isa_paths_agree(tmp_path, isa):
    info = run("info").stdout
    supported = [l for l in info.splitlines() if l.startswith("isas supported:")][0]
    if isa not in supported.split():
        pytest.skip(f"{isa} not supported here")
    a = make_data("float32", (8, 4097), np.random.default_rng(1))
    np.save(tmp_path / "in.npy", a)
    run("sort", tmp_path / "in.npy", "-o", tmp_path / "out.npy", "--isa", isa, STABLE)
    assert_bits_equal(load(tmp_path / "out.npy"), gather(a, expected_order([a])), isa)
