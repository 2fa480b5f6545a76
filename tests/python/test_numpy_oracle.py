"""rowsort.sort / argsort / top_k / tax.sort, bit for bit against NumPy oracles."""

import zlib

import numpy as np
import pytest

import rowsort
import rowsort.tax
from rs_oracle import (ALL_DTYPES, BF16, FLOAT_DTYPES, INT_DTYPES, LENGTHS, SEED,
                       assert_bits_equal, dtype_id, make_data, oracle_perm)

ROWS = 3


def rng_for(*salt):
    return np.random.default_rng([SEED, *[zlib.crc32(str(s).encode()) for s in salt]])


def take(x, perm):
    return np.take_along_axis(x, perm, axis=-1)


@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_stable_every_length(dt, descending):
    rng = rng_for("sort", dtype_id(dt), descending)
    for n in LENGTHS:
        x = make_data(dt, (ROWS, n), rng)
        x0 = x.copy()
        perm = oracle_perm([x], descending=descending)
        got = rowsort.sort(x, descending=descending)
        assert_bits_equal(got, take(x, perm), f"n={n}")
        idx = rowsort.argsort(x, descending=descending)
        assert idx.dtype == np.int32
        np.testing.assert_array_equal(idx, perm, err_msg=f"n={n}")
        assert_bits_equal(x, x0, "input modified")


@pytest.mark.parametrize("dt", [np.bool_] + INT_DTYPES + FLOAT_DTYPES, ids=dtype_id)
def test_numpy_argsort_stable(dt):
    """Real dtypes: NumPy's stable argsort follows the contract (-0.0 == +0.0, NaNs equal
    and last), so it is a direct oracle for indices and values."""
    rng = rng_for("np", dtype_id(dt))
    for n in LENGTHS:
        x = make_data(dt, (ROWS, n), rng)
        ref = x.astype(np.float32) if x.dtype == BF16 else x
        want = np.argsort(ref, axis=-1, kind="stable")
        np.testing.assert_array_equal(rowsort.argsort(x), want, err_msg=f"n={n}")
        assert_bits_equal(rowsort.sort(x), take(x, want), f"n={n}")
        if x.dtype.kind in "biu":  # np.sort keeps bits only where equal means identical
            assert_bits_equal(rowsort.sort(x, is_stable=False), np.sort(x, axis=-1))


@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_sort_unstable_is_a_sorted_permutation(dt):
    rng = rng_for("unstable", dtype_id(dt))
    for n in [0, 1, 2, 17, 255, 256, 1025]:
        x = make_data(dt, (ROWS, n), rng)
        payload = np.arange(ROWS * n, dtype=np.int64).reshape(ROWS, n)
        for descending in (False, True):
            got, pay = rowsort.sort((x, payload), is_stable=False, descending=descending)
            # pay says where each element came from: a permutation, consistent with got
            idx = pay - np.arange(ROWS)[:, None] * n
            assert_bits_equal(np.sort(idx, axis=-1), np.broadcast_to(np.arange(n), idx.shape))
            assert_bits_equal(got, take(x, idx))
            # sorted: the oracle's stable order of the output is the identity
            np.testing.assert_array_equal(
                oracle_perm([got], descending=descending), np.broadcast_to(np.arange(n), got.shape)
            )


@pytest.mark.parametrize("descending", [False, True])
def test_several_keys_against_lexsort(descending):
    rng = rng_for("lexsort", descending)
    for n in [0, 1, 2, 9, 64, 257, 1024]:
        k0 = rng.integers(0, 3, (ROWS, n)).astype(np.int16)
        k1 = make_data(np.float32, (ROWS, n), rng)
        k2 = make_data(np.uint64, (ROWS, n), rng) % np.uint64(3)
        pay = make_data(np.complex128, (ROWS, n), rng)
        got = rowsort.sort((k0, k1, k2, pay), num_keys=3, descending=descending)
        perm = oracle_perm([k0, k1, k2], descending=descending)
        for g, a in zip(got, (k0, k1, k2, pay)):
            assert_bits_equal(g, take(a, perm), f"n={n}")
        if not descending:
            # np.lexsort directly (last key primary; NaNs last, -0.0 == +0.0 as ours)
            np.testing.assert_array_equal(perm, np.lexsort((k2, k1, k0), axis=-1))
            np.testing.assert_array_equal(rowsort.argsort([k0, k2]),
                                          np.lexsort((k2, k0), axis=-1))
        np.testing.assert_array_equal(rowsort.argsort([k0, k1, k2], descending=descending),
                                      perm)


@pytest.mark.parametrize("dt", FLOAT_DTYPES + [np.complex64, np.complex128], ids=dtype_id)
def test_nans_last_descending(dt):
    rng = rng_for("nanslast", dtype_id(dt))
    for n in [0, 1, 2, 33, 256, 1025]:
        x = make_data(dt, (ROWS, n), rng)
        perm = oracle_perm([x], descending=True, nans_last=True)
        assert_bits_equal(rowsort.sort(x, descending=True, nans_last=True), take(x, perm))
        if dt in (np.float32, np.float64):
            # NumPy's own idea of it: descending values, NaNs last (values only)
            v = rowsort.sort(x, descending=True, nans_last=True)
            ref = -np.sort(-x, axis=-1)
            np.testing.assert_array_equal(v, ref)


@pytest.mark.parametrize("dt", FLOAT_DTYPES + [np.complex64, np.complex128], ids=dtype_id)
@pytest.mark.parametrize("descending", [False, True])
def test_total_order(dt, descending):
    rng = rng_for("total", dtype_id(dt), descending)
    for n in [0, 1, 2, 31, 256, 1025]:
        x = make_data(dt, (ROWS, n), rng)
        perm = oracle_perm([x], descending=descending, total_order=True)
        assert_bits_equal(rowsort.sort(x, descending=descending, total_order=True), take(x, perm))


@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_top_k(dt):
    rng = rng_for("topk", dtype_id(dt))
    # 1024 and more: the selection (k <= n / 8) as well as the whole-row sort
    for n in [0, 1, 2, 7, 64, 65, 1025, 4099]:
        x = make_data(dt, (ROWS, n), rng)
        for k in sorted({0, min(n, 1), min(n, 3), n // 8, min(n, n // 8 + 1), n // 2, n}):
            for smallest in (False, True):
                perm = oracle_perm([x], descending=not smallest)[:, :k]
                v, i = rowsort.top_k(x, k, smallest=smallest)
                assert i.dtype == np.int32 and i.shape == (ROWS, k)
                np.testing.assert_array_equal(i, perm, err_msg=f"n={n} k={k}")
                assert_bits_equal(v, take(x, perm))
            if dt in FLOAT_DTYPES:
                perm = oracle_perm([x], descending=True, total_order=True)[:, :k]
                v, i = rowsort.top_k(x, k, total_order=True)
                np.testing.assert_array_equal(i, perm)
                perm = oracle_perm([x], descending=True, nans_last=True)[:, :k]
                v, i = rowsort.top_k(x, k, nans_last=True)
                np.testing.assert_array_equal(i, perm, err_msg=f"nans_last n={n} k={k}")
                assert_bits_equal(v, take(x, perm))


@pytest.mark.parametrize("dt", [np.float32, np.int64, np.complex64], ids=dtype_id)
def test_other_axes_and_layouts(dt):
    rng = rng_for("axes", dtype_id(dt))
    x = make_data(dt, (4, 5, 33), rng)
    for axis in (0, 1, 2, -1, -2):
        moved = np.moveaxis(x, axis, -1)
        perm = oracle_perm([moved.reshape(-1, moved.shape[-1])]).reshape(moved.shape)
        want = np.moveaxis(take(moved, perm), -1, axis)
        assert_bits_equal(rowsort.sort(x, dimension=axis), want, f"axis={axis}")
        np.testing.assert_array_equal(rowsort.argsort(x, axis=axis), np.moveaxis(perm, -1, axis))
    views = {
        "fortran": np.asfortranarray(x),
        "strided rows": x[:, ::2, :],
        "padded rows": np.pad(x, ((0, 0), (0, 0), (0, 7)))[:, :, :33],
        "reversed rows": x[::-1, ::-1, :],
        "reversed elements": x[:, :, ::-1],
        "every other element": x[:, :, ::2],
        "broadcast": np.broadcast_to(x[:1], x.shape),
    }
    for name, v in views.items():
        c = np.ascontiguousarray(v)
        assert_bits_equal(rowsort.sort(v), rowsort.sort(c), name)
        np.testing.assert_array_equal(rowsort.argsort(v), oracle_perm([c]), err_msg=name)
    # unaligned data: a float view one byte into a buffer
    buf = np.zeros(x.nbytes + 1, np.uint8)
    u = buf[1:].view(x.dtype).reshape(x.shape)
    u[...] = x
    assert not u.flags.aligned
    assert_bits_equal(rowsort.sort(u), rowsort.sort(x), "unaligned")
    # big-endian
    be = x.astype(x.dtype.newbyteorder(">"))
    assert_bits_equal(rowsort.sort(be), rowsort.sort(x), "big-endian")
    assert rowsort.sort(be).dtype.isnative


def test_axis_none_and_argsort_sequences():
    rng = rng_for("none")
    x = make_data(np.float32, (4, 9), rng)
    np.testing.assert_array_equal(rowsort.argsort(x, axis=None),
                                  np.argsort(x, axis=None, kind="stable"))
    idx64 = rowsort.argsort(x, index_dtype=np.int64)
    assert idx64.dtype == np.int64
    np.testing.assert_array_equal(idx64, np.argsort(x, kind="stable"))


@pytest.mark.parametrize("extra", [(3,), (2, 2), (1,), (5,)])
def test_record_payloads(extra):
    rng = rng_for("records", extra)
    for n in [0, 1, 2, 17, 1025]:
        key = make_data(np.float32, (ROWS, n), rng)
        rec = make_data(np.float64, (ROWS, n) + extra, rng)
        pay = make_data(np.int8, (ROWS, n), rng)
        for descending in (False, True):
            k, r, p = rowsort.sort((key, rec, pay), descending=descending)
            perm = oracle_perm([key], descending=descending)
            assert_bits_equal(k, take(key, perm))
            assert_bits_equal(p, take(pay, perm))
            want = np.take_along_axis(rec, perm.reshape(perm.shape + (1,) * len(extra)), axis=1)
            assert_bits_equal(r, want)
        # tax front end too
        k, r, i = rowsort.tax.sort((key, rec), is_stable=True, return_argsort=True)
        assert_bits_equal(r, np.take_along_axis(rec, i.reshape(i.shape + (1,) * len(extra)),
                                                axis=1))
    # records along another dimension of a 3-D key
    key = make_data(np.int32, (2, 6, 4), rng)
    rec = make_data(np.float32, (2, 6, 4, 3), rng)
    k, r = rowsort.sort((key, rec), dimension=1)
    perm = np.argsort(key, axis=1, kind="stable")
    assert_bits_equal(r, np.take_along_axis(rec, perm[..., None], axis=1))


@pytest.mark.parametrize("dt", [np.float32, np.uint16], ids=dtype_id)
def test_bfloat16_as_uint16(dt):
    if BF16 is None:
        pytest.skip("ml_dtypes missing")
    rng = rng_for("bf16")
    x = make_data(BF16, (ROWS, 300), rng)
    u = x.view(np.uint16)
    if dt == np.uint16:
        got = rowsort.sort(u, dtype="bfloat16")
        assert got.dtype == np.uint16
        assert_bits_equal(got.view(BF16), rowsort.sort(x))
        v, i = rowsort.top_k(u, 5, dtype="bfloat16")
        np.testing.assert_array_equal(i, rowsort.top_k(x, 5)[1])
        np.testing.assert_array_equal(rowsort.argsort(u, dtype="bfloat16"), rowsort.argsort(x))
    else:
        with pytest.raises(TypeError):
            rowsort.sort(u.astype(np.float32), dtype="bfloat16")


def test_threads_and_concurrency():
    from concurrent.futures import ThreadPoolExecutor

    rng = rng_for("threads")
    xs = [make_data(np.float64, (64, 999), rng) for _ in range(8)]
    want = [take(x, oracle_perm([x])) for x in xs]
    for t in (None, 1, 2, 3):
        assert_bits_equal(rowsort.sort(xs[0], threads=t), want[0], f"threads={t}")
    with ThreadPoolExecutor(4) as ex:
        for got, w in zip(ex.map(lambda x: rowsort.sort(x, threads=2), xs * 4), want * 4):
            assert_bits_equal(got, w)
    info = rowsort.info()
    assert info["version"] == rowsort.__version__ and info["threads"] >= 1
    assert isinstance(info["kernel_tuning"], str) and info["kernel_tuning"]
    assert rowsort.info(threads=3)["threads"] == 3


def test_tax_sort_shapes_and_tuple():
    rng = rng_for("tax")
    x = make_data(np.float32, (5, 40), rng)
    out = rowsort.tax.sort(x)
    assert isinstance(out, tuple) and len(out) == 1
    out = rowsort.tax.sort([x], return_argsort=True, is_stable=True, num_vmem_substages=3,
                           block_token=7, interpret=True)
    assert len(out) == 2 and out[1].dtype == np.int32
    np.testing.assert_array_equal(out[1], oracle_perm([x]))
    y = make_data(np.float16, (5, 40), rng)
    a, b, i = rowsort.tax.sort((x, y), num_keys=2, descending=True, is_stable=True,
                               return_argsort=True)
    np.testing.assert_array_equal(i, oracle_perm([x, y], descending=True))
