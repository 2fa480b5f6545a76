"""The extension keeps contexts between calls (python/src/_rowsort.c, ctx_take): results
stay right when calls alternate thread counts and sizes, when several Python threads sort at
once (a busy context is never shared: a thread then gets its own), and a kept context
follows the environment variables that rowsort_create reads."""

import threading

import numpy as np
import pytest

import rowsort

RNG = np.random.default_rng(20261205)


def _check(a, out):
    np.testing.assert_array_equal(out, np.sort(a, axis=-1, kind="stable"))


def test_alternating_threads_and_shapes():
    arrays = [
        RNG.integers(-(2**31), 2**31, (8, 4097), dtype=np.int32),
        RNG.standard_normal((3, 70000)).astype(np.float32),
        RNG.integers(0, 2**16, (1000, 17), dtype=np.uint16),
        RNG.standard_normal((2, 5)).astype(np.float64),
    ]
    for round_ in range(3):
        for threads in (None, 1, 2, 3, 5, 1):
            for a in arrays:
                _check(a, rowsort.sort(a, threads=threads))
                idx = rowsort.argsort(a, threads=threads)
                np.testing.assert_array_equal(idx, np.argsort(a, axis=-1, kind="stable"))


def test_threads_sorting_at_once():
    """Eight Python threads, each sorting its own arrays many times on the same thread
    counts: with the GIL released during sorts, calls overlap and find kept contexts busy."""
    errors = []
    start = threading.Barrier(8)

    def work(seed):
        rng = np.random.default_rng(seed)
        try:
            start.wait()
            for i in range(40):
                a = rng.integers(-(2**31), 2**31, (16, 2048 + seed), dtype=np.int32)
                out = rowsort.sort(a, threads=1 + i % 2)
                if not np.array_equal(out, np.sort(a, axis=-1)):
                    errors.append(f"thread {seed}, call {i}: wrong result")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(f"thread {seed}: {e!r}")

    workers = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []


def test_environment_is_followed(monkeypatch):
    a = RNG.integers(-100, 100, (4, 300), dtype=np.int32)
    _check(a, rowsort.sort(a))  # a context for the default thread count is now kept
    monkeypatch.setenv("ROWSORT_THREADS", "not-a-number")
    with pytest.raises(ValueError, match="thread"):
        rowsort.sort(a)  # the kept one was made under another environment
    monkeypatch.setenv("ROWSORT_ISA", "no-such-isa")
    with pytest.raises(ValueError):
        rowsort.sort(a, threads=1)
    monkeypatch.delenv("ROWSORT_THREADS")
    monkeypatch.delenv("ROWSORT_ISA")
    _check(a, rowsort.sort(a))


def test_large_call_then_small():
    """A call whose scratch passes 64 MiB frees it afterwards; smaller scratch is kept."""
    from rowsort import _rowsort

    small = RNG.standard_normal((4, 100)).astype(np.float64)
    _check(small, rowsort.sort(small, threads=2))
    held, kept = _rowsort._scratch_held()
    assert kept >= 1 and 0 < held <= 64 << 20
    big = RNG.standard_normal((2, 5_000_000)).astype(np.float64)  # 80 MB of keys
    _check(big, rowsort.sort(big, threads=2))
    held, kept = _rowsort._scratch_held()
    assert kept >= 1 and held <= 4 * (64 << 20)  # every kept context within its cap
    assert held < big.nbytes  # the big call's scratch (more than its data) went
    _check(small, rowsort.sort(small, threads=2))
