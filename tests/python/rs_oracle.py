"""Adversarial data and a NumPy oracle for DESIGN section 1, shared by the pytest suites.

The oracle sorts with np.lexsort (stable) on key columns that encode the contract's order:
floats as (is NaN, value with -0.0 made +0.0), complex as (real columns, imaginary columns),
totalOrder as the sign-flipped bit pattern. It shares no code with the engine.
"""

import os

import numpy as np

try:
    import ml_dtypes

    BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - ml_dtypes is a test requirement
    ml_dtypes = None
    BF16 = None

SEED = int(os.environ.get("ROWSORT_TEST_SEED", "20240607"))

INT_DTYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64]
FLOAT_DTYPES = [np.float16, np.float32, np.float64] + ([BF16] if BF16 is not None else [])
COMPLEX_DTYPES = [np.complex64, np.complex128]
ALL_DTYPES = [np.bool_] + INT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES

LENGTHS = [0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256,
           257, 1023, 1024, 1025, 4097]


def dtype_id(dt):
    return np.dtype(dt).name


def _uint_of(dt):
    return np.dtype(f"u{np.dtype(dt).itemsize}")


def float_bits(dt, shape, rng, denormals=True):
    """Float data of dtype dt: few distinct values (ties), +-0.0, +-inf, NaNs of both signs
    with payloads, denormals, normal values."""
    dt = np.dtype(dt)
    u = _uint_of(dt)
    bits = dt.itemsize * 8
    mant = {16: 10, 32: 23, 64: 52}[bits] if dt != BF16 else 7
    exp_all = ((1 << (bits - 1 - mant)) - 1) << mant
    sign = 1 << (bits - 1)
    size = int(np.prod(shape))
    pool_f = np.array([0.0, 1.0, -1.0, 2.5, -2.5, 1e-3, 65504.0 if bits == 16 else 1e30, 3.0],
                      np.float64)
    pool = pool_f.astype(np.float32 if dt == BF16 else dt)
    if dt == BF16:
        pool = pool.astype(BF16)
    pool_bits = pool.view(u)
    specials = np.array(
        [0, sign, exp_all, exp_all | sign,  # +-0, +-inf
         exp_all | (1 << (mant - 1)), exp_all | (1 << (mant - 1)) | sign,  # quiet NaNs
         exp_all | 1, exp_all | 1 | sign, exp_all | ((1 << mant) - 1),  # payload NaNs
         1, 1 | sign, (1 << mant) - 1],  # denormals
        dtype=np.uint64).astype(u)
    if not denormals:
        specials = specials[:-3]
    choice = rng.integers(0, 4, size)
    out = rng.integers(0, np.iinfo(u).max, size, dtype=u, endpoint=True)  # any bit pattern
    out[choice == 0] = rng.choice(pool_bits, int((choice == 0).sum()))
    out[choice == 1] = rng.choice(specials, int((choice == 1).sum()))
    if not denormals:  # random bit patterns may be denormal: push them to normal
        e = out & u.type(exp_all)
        out = np.where(e == 0, out | u.type(1 << mant), out)
    return out.view(dt).reshape(shape)


def make_data(dt, shape, rng, denormals=True):
    """Adversarial data of any contract dtype."""
    dt = np.dtype(dt)
    size = int(np.prod(shape))
    if dt == np.bool_:
        return rng.integers(0, 2, size).astype(np.bool_).reshape(shape)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        pool = np.array([info.min, info.max, 0, 1, info.min + 1, info.max - 1], dtype=dt)
        out = rng.integers(info.min, info.max, size, dtype=dt, endpoint=True)
        choice = rng.integers(0, 3, size)
        out[choice == 0] = rng.choice(pool, int((choice == 0).sum()))
        out[choice == 1] = rng.integers(-3 if dt.kind == "i" else 0, 4, int((choice == 1).sum()))
        return out.reshape(shape)
    if dt.kind == "c":
        f = np.dtype(f"f{dt.itemsize // 2}")
        re = float_bits(f, (size,), rng, denormals)
        im = float_bits(f, (size,), rng, denormals)
        # ties on the real part, so the imaginary part decides
        re[rng.integers(0, 2, size) == 0] = 1.0
        out = np.empty(size, dt)
        out.real = re
        out.imag = im
        return out.reshape(shape)
    return float_bits(dt, shape, rng, denormals)


def key_columns(x, total_order=False):
    """Columns (least significant first, as np.lexsort wants) whose lexicographic ascending
    order is the contract's ascending order of x's elements (rows along the last axis)."""
    dt = x.dtype
    if dt == np.bool_ or dt.kind in "iu":
        return [x]
    if dt.kind == "c":
        return key_columns(np.ascontiguousarray(x.imag), total_order) + key_columns(
            np.ascontiguousarray(x.real), total_order)
    if dt == BF16:
        x = x.astype(np.float32)  # exact
        dt = x.dtype
    if total_order:
        u = _uint_of(dt)
        b = np.ascontiguousarray(x).view(u)
        sign = u.type(1 << (dt.itemsize * 8 - 1))
        return [np.where(b & sign, ~b, b | sign)]
    nan = np.isnan(x)
    return [np.where(nan, 0, x) + dt.type(0), nan]  # + 0 turns -0.0 into +0.0


def oracle_perm(keys, descending=False, nans_last=False, total_order=False):
    """The stable permutation of each row (last axis) of 2-D keys by the contract."""
    keys = [np.asarray(k) for k in keys]
    n = keys[0].shape[-1]
    cols = []
    for k in reversed(keys):  # lexsort: last column is primary
        cols += key_columns(k, total_order)
    if not descending:
        return np.lexsort(cols, axis=-1)
    if nans_last and not total_order:
        # Reversal trick with the NaN columns inverted: ascending on the reversed row with
        # NaNs first, reversed back, gives descending values with NaNs last, ties stable.
        rcols = []
        for k in reversed(keys):
            kc = key_columns(k[..., ::-1], total_order)
            if k.dtype.kind in "fcV":
                kc = [~c if c.dtype == np.bool_ else c for c in kc]
            rcols += kc
        perm = np.lexsort(rcols, axis=-1)[..., ::-1]
        return n - 1 - perm
    rcols = []
    for k in reversed(keys):
        rcols += key_columns(k[..., ::-1], total_order)
    perm = np.lexsort(rcols, axis=-1)[..., ::-1]
    return n - 1 - perm


def bits(a):
    """The raw bytes of an array, for bit-exact comparison."""
    a = np.ascontiguousarray(a)
    return a.view(np.uint8).reshape(a.shape + (a.dtype.itemsize,)) if a.size else a.tobytes()


def assert_bits_equal(got, want, what=""):
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    g, w = bits(got), bits(want)
    if isinstance(g, bytes):
        assert g == w, what
        return
    bad = np.argwhere((g != w).any(axis=-1))
    assert bad.size == 0, f"{what}: {len(bad)} elements differ, first at {tuple(bad[0])}: " \
        f"got {got[tuple(bad[0])]!r} want {want[tuple(bad[0])]!r} (seed {SEED})"
