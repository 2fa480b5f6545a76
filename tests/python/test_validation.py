"""Bad arguments get clear Python exceptions, never a crash; inputs of every kind accepted."""

import numpy as np
import pytest

import rowsort
import rowsort.tax
from rowsort import _rowsort

X = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::-1]


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: rowsort.sort(np.float32(1.0)), ValueError),  # 0-d
        (lambda: rowsort.sort([]), ValueError),
        (lambda: rowsort.sort((X, X[:2])), ValueError),  # shapes differ
        (lambda: rowsort.sort((X, X.T)), ValueError),
        (lambda: rowsort.sort((X, X[..., None]), num_keys=2), ValueError),  # key with extra dims
        (lambda: rowsort.sort((X, X[:, :, None, None][:, :2])), ValueError),
        (lambda: rowsort.sort(X, dimension=2), ValueError),
        (lambda: rowsort.sort(X, dimension=-3), ValueError),
        (lambda: rowsort.sort(X, dimension=1.0), TypeError),
        (lambda: rowsort.sort(X, num_keys=0), ValueError),
        (lambda: rowsort.sort(X, num_keys=2), ValueError),
        (lambda: rowsort.sort((X, X), num_keys=3), ValueError),
        (lambda: rowsort.sort(X, num_keys=True), TypeError),
        (lambda: rowsort.sort(X, num_keys="1"), TypeError),
        (lambda: rowsort.sort(X, threads=0), ValueError),
        (lambda: rowsort.sort(X, threads=-2), ValueError),
        (lambda: rowsort.sort(X, threads=1.5), TypeError),
        (lambda: rowsort.sort(np.array([["a", "b"]])), TypeError),
        (lambda: rowsort.sort(np.array([[object(), 1]], dtype=object)), TypeError),
        (lambda: rowsort.sort(np.zeros((2, 3), np.longdouble)), TypeError),
        (lambda: rowsort.sort(np.zeros((2, 3), "datetime64[s]")), TypeError),
        (lambda: rowsort.sort(np.zeros((2, 3), [("a", "i4"), ("b", "f4")])), TypeError),
        (lambda: rowsort.sort(X, dtype="bfloat16"), TypeError),  # float32 data
        (lambda: rowsort.sort(X, dtype=np.int32), TypeError),  # does not match the data
        (lambda: rowsort.sort((X, X), dtype=[None]), ValueError),  # wrong count
        (lambda: rowsort.argsort(X, axis=5), ValueError),
        (lambda: rowsort.argsort(X, index_dtype=np.int16), TypeError),
        (lambda: rowsort.top_k(X, 5), ValueError),
        (lambda: rowsort.top_k(X, -1), ValueError),
        (lambda: rowsort.top_k(X, 2.0), TypeError),
        (lambda: rowsort.top_k(np.float32(3), 0), ValueError),
        (lambda: rowsort.top_k([X, X], 1), TypeError),
        (lambda: rowsort.top_k(X, 1, axis=3), ValueError),
        (lambda: rowsort.tax.sort(X[0]), ValueError),  # 1-D
        (lambda: rowsort.tax.sort(X[None]), ValueError),  # 3-D key
        (lambda: rowsort.tax.sort([X, X], num_keys=3), ValueError),
        (lambda: rowsort.tax.sort(X, num_keys=0), ValueError),
        (lambda: rowsort.tax.sort([X, X[:1]]), ValueError),
        (lambda: rowsort.sort(X, dtype="notadtype"), TypeError),
        (lambda: rowsort.sort((X, X), dtype=[None, "notadtype"]), TypeError),
        (lambda: rowsort.argsort(X, index_dtype="garbage"), TypeError),
    ],
)
def test_bad_arguments_raise(call, exc):
    """Each refusal is the documented exception, its message starting "rowsort:"
    (docs/python.md), NumPy's own refusals of a dtype included."""
    with pytest.raises(exc) as e:
        call()
    assert str(e.value).startswith("rowsort:"), str(e.value)


def test_low_level_entry_checks_everything():
    f = _rowsort.sort_rows
    ok = dict(operands=[X], dtypes=[_rowsort.DTYPE_F32], num_keys=1, flags=0, select=0, k=0,
              values=[True], index_bytes=0, threads=0)
    assert f(**ok)[0][0] is not None
    bad = [
        (dict(operands=[X.tolist()]), TypeError),
        (dict(operands=[]), ValueError),
        (dict(dtypes=[99]), TypeError),
        (dict(dtypes=[_rowsort.DTYPE_F64]), TypeError),  # itemsize mismatch
        (dict(dtypes=[]), ValueError),
        (dict(num_keys=0), ValueError),
        (dict(num_keys=2), ValueError),
        (dict(flags=0x100), ValueError),
        (dict(select=3), ValueError),
        (dict(select=1, k=99), ValueError),
        (dict(select=1, k=-1), ValueError),
        (dict(select=1, k=1, flags=_rowsort.DESCENDING), ValueError),
        (dict(index_bytes=2), ValueError),
        (dict(operands=[np.float32(1)]), TypeError),  # a NumPy scalar is not an array
        (dict(operands=[np.array(1.0, np.float32)]), ValueError),
        (dict(operands=[X.astype(">f4")]), ValueError),
        (dict(operands=[X, X[:2]], dtypes=[11, 11], values=[1, 1]), ValueError),
    ]
    for change, exc in bad:
        with pytest.raises(exc):
            f(**{**ok, **change})


def test_input_kinds():
    want = rowsort.sort(np.ascontiguousarray(X))
    np.testing.assert_array_equal(rowsort.sort(X.tolist()), want.astype(np.float64))
    # read-only arrays are fine: inputs are only read
    ro = np.array(X)
    ro.setflags(write=False)
    np.testing.assert_array_equal(rowsort.sort(ro), want)

    class ArrayLike:
        def __init__(self, a):
            self.a = a

        def __array__(self, dtype=None, copy=None):
            return self.a

    np.testing.assert_array_equal(rowsort.sort(ArrayLike(X)), want)

    class DLPackOnly:
        def __init__(self, a):
            self.a = a

        def __dlpack__(self, **kw):
            return self.a.__dlpack__(**kw)

        def __dlpack_device__(self):
            return self.a.__dlpack_device__()

    np.testing.assert_array_equal(rowsort.sort(DLPackOnly(np.ascontiguousarray(X))), want)
    # empty shapes of every kind
    for shape in [(0,), (0, 5), (5, 0), (0, 0), (2, 0, 3), (1,), (7,)]:
        e = np.zeros(shape, np.int16)
        assert rowsort.sort(e).shape == shape
        assert rowsort.argsort(e).shape == shape
        v, i = rowsort.top_k(e, 0)
        assert v.shape == shape[:-1] + (0,) and i.dtype == np.int32


def test_one_array_gives_array_sequence_gives_tuple():
    assert isinstance(rowsort.sort(X), np.ndarray)
    out = rowsort.sort([X])
    assert isinstance(out, tuple) and len(out) == 1
    out = rowsort.sort((X, X.astype(np.int8)))
    assert isinstance(out, tuple) and len(out) == 2 and out[1].dtype == np.int8
