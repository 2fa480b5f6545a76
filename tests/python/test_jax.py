"""rowsort's front ends bit for bit against jax.lax.sort / jax.lax.top_k (jax on the CPU).

Where jax and rowsort's contract differ (docs/python.md, "rowsort and jax"), the data
avoids the difference: jax.lax.sort on the CPU compares denormals as zero, so the sort tests
use data without denormals; jax canonicalizes bfloat16 NaNs (payload dropped, sign kept) in
sort and top_k, so bfloat16 data carries canonical NaNs only; jax.lax.top_k uses totalOrder,
so it is compared with ``total_order=True``.
"""

import zlib

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)  # float64/int64 stay 64-bit
jnp = jax.numpy

import rowsort  # noqa: E402
import rowsort.tax  # noqa: E402
from rs_oracle import (ALL_DTYPES, BF16, COMPLEX_DTYPES, SEED, assert_bits_equal,  # noqa: E402
                       dtype_id, make_data)

LENGTHS = [0, 1, 2, 3, 7, 8, 9, 16, 17, 31, 32, 33, 127, 128, 129, 1024, 1025]
ROWS = 3


def rng_for(*salt):
    return np.random.default_rng([SEED, *[zlib.crc32(str(s).encode()) for s in salt]])


def np_of(x):
    return np.asarray(x)


def data(dt, shape, rng, denormals=False):
    """make_data, with bfloat16 NaNs made canonical (0x7FC0 / 0xFFC0) as jax makes them."""
    x = make_data(dt, shape, rng, denormals)
    if x.dtype == BF16:
        b = x.view(np.uint16)
        nan = (b & 0x7F80) == 0x7F80
        nan &= (b & 0x007F) != 0
        x = np.where(nan, (b & 0x8000) | 0x7FC0, b).astype(np.uint16).view(BF16)
    return x


@pytest.mark.parametrize("dt", ALL_DTYPES, ids=dtype_id)
def test_sort_matches_jax(dt):
    rng = rng_for("jaxsort", dtype_id(dt))
    for n in LENGTHS:
        x = data(dt, (ROWS, n), rng)
        pay = make_data(np.int32, (ROWS, n), rng)
        assert_bits_equal(rowsort.sort(x), np_of(jax.lax.sort(x)), f"n={n}")
        got = rowsort.sort((x, pay))
        want = jax.lax.sort((x, pay), num_keys=1, is_stable=True)
        for g, w in zip(got, want):
            assert_bits_equal(g, np_of(w), f"n={n} with payload")
        if n:  # along the other axis too
            assert_bits_equal(rowsort.sort(x, dimension=0),
                              np_of(jax.lax.sort(x, dimension=0)), f"n={n} dimension 0")


def test_several_keys_match_jax():
    rng = rng_for("jaxkeys")
    for n in [0, 1, 2, 33, 256, 1025]:
        k0 = make_data(np.float16, (ROWS, n), rng, denormals=False)
        k1 = make_data(np.complex64, (ROWS, n), rng, denormals=False)
        k2 = make_data(np.int8, (ROWS, n), rng) % np.int8(2)
        p = make_data(np.float64, (ROWS, n), rng)
        ops = (k0, k1, k2, p)
        for num_keys in (1, 2, 3):
            got = rowsort.sort(ops, num_keys=num_keys)
            want = jax.lax.sort(ops, num_keys=num_keys, is_stable=True)
            for g, w in zip(got, want):
                assert_bits_equal(g, np_of(w), f"n={n} num_keys={num_keys}")


def test_jax_arrays_are_accepted():
    rng = rng_for("jaxin")
    x = make_data(np.float32, (4, 100), rng, denormals=False)
    jx = jnp.asarray(x)
    assert_bits_equal(rowsort.sort(jx), np_of(jax.lax.sort(jx)))
    v, i = rowsort.top_k(jx, 7, total_order=True)
    jv, ji = jax.lax.top_k(jx, 7)
    assert_bits_equal(v, np_of(jv))
    np.testing.assert_array_equal(i, np_of(ji))


@pytest.mark.parametrize("dt", [d for d in ALL_DTYPES if d not in COMPLEX_DTYPES], ids=dtype_id)
def test_top_k_total_order_matches_jax(dt):
    """jax.lax.top_k orders floats by totalOrder (denormals included, NaNs by sign and
    payload): rowsort.top_k(total_order=True) gives its results exactly. bfloat16 data has
    no denormals here: on CPUs with AVX512_BF16 (an Intel Xeon, not a Zen 4) jax's bfloat16
    top_k compares them as zero; test_numpy_oracle checks rowsort's totalOrder on them."""
    rng = rng_for("jaxtopk", dtype_id(dt))
    for n in [1, 2, 3, 8, 9, 33, 128, 1025, 8192]:
        x = data(dt, (ROWS, n), rng, denormals=dt != BF16)
        # n // 8 and below: rowsort's selection path (row_topk.c) for n >= 1024
        for k in sorted({1, min(n, 2), max(n // 64, 1), n // 8 or 1, n // 2 or 1, n}):
            v, i = rowsort.top_k(x, k, total_order=True)
            jv, ji = jax.lax.top_k(x, k)
            assert i.dtype == np.int32 == np_of(ji).dtype
            np.testing.assert_array_equal(i, np_of(ji), err_msg=f"n={n} k={k}")
            assert_bits_equal(v, np_of(jv), f"n={n} k={k}")


def _xla_equivalent_sort(operands, num_keys, is_stable, return_argsort, descending):
    """tallax's own reference: jax.lax.sort, an iota for the argsort, a negated iota key
    for stable descending, then reversed for descending."""
    operands = list(operands)
    shape = operands[0].shape
    if return_argsort:
        operands.append(jax.lax.broadcasted_iota(jnp.int32, shape, 1))
    if descending and is_stable:
        operands.insert(num_keys, -jax.lax.broadcasted_iota(jnp.int32, shape, 1))
        num_keys += 1
    outs = list(jax.lax.sort(operands, num_keys=num_keys, is_stable=is_stable))
    if descending and is_stable:
        outs.pop(num_keys - 1)
    if descending:
        outs = [o[..., ::-1] for o in outs]
    return tuple(np_of(o) for o in outs)


def bitwise_sorted(ops):
    """Each row's elements (tuples across operands) sorted by their bit patterns."""
    u = [np.ascontiguousarray(o).view(f"u{o.dtype.itemsize}") for o in ops]
    perm = np.lexsort(u[::-1], axis=-1)
    return [np.take_along_axis(o, perm, axis=-1) for o in ops]


VARIANTS = ["default", "return_argsort", "return_argsort_stable", "descending",
            "return_argsort_descending", "descending_stable", "stable",
            "return_argsort_stable_descending"]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("dt", [np.float32, "bfloat16", np.int32, np.float64], ids=str)
@pytest.mark.parametrize("num_arrays,num_keys", [(1, 1), (2, 1), (2, 2)])
def test_tax_sort_as_tallax_checks_itself(variant, dt, num_arrays, num_keys):
    return_argsort = "return_argsort" in variant
    is_stable = "stable" in variant
    descending = "descending" in variant
    rng = rng_for("tax", variant, dt, num_arrays, num_keys)
    dt = np.dtype(jnp.bfloat16) if dt == "bfloat16" else np.dtype(dt)
    for batch, size in [(16, 17), (19, 173), (2, 1024), (1, 1), (4, 0)]:
        ops = [data(dt, (batch, size), rng) for _ in range(num_arrays)]
        out = rowsort.tax.sort(ops, num_keys=num_keys, is_stable=is_stable,
                               return_argsort=return_argsort, descending=descending,
                               interpret=True, block_token=None, num_vmem_substages=2)
        assert isinstance(out, tuple) and len(out) == num_arrays + return_argsort
        what = f"{variant} {dt} {batch}x{size}"
        if is_stable:
            want = _xla_equivalent_sort(ops, num_keys, True, return_argsort, descending)
            for g, w in zip(out, want):
                assert_bits_equal(g, w, what)
            continue
        # unstable: the output is sorted (a stable re-sort leaves it as it is) ...
        resorted = _xla_equivalent_sort(out[:num_arrays], num_keys, True, False, descending)
        for g, w in zip(out, resorted):
            assert_bits_equal(g, w, what + " not sorted")
        # ... and a permutation of the input, bit for bit (rows as multisets of tuples)
        for a, b in zip(bitwise_sorted(ops), bitwise_sorted(out[:num_arrays])):
            assert_bits_equal(a, b, what + " not a permutation")
        if return_argsort:
            idx = out[-1]
            assert idx.dtype == np.int32
            for g, o in zip(out[:num_arrays], ops):
                assert_bits_equal(g, np.take_along_axis(o, idx, axis=1), what + " indices")
