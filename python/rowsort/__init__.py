"""rowsort: sort every row of batch arrays, fast, on every core.

Front ends over the rowsort C library (see docs/python.md):

- :func:`sort` is shaped like ``jax.lax.sort``: one array in gives one array out, a
  sequence gives a tuple; stable by default; keys compared lexicographically, payloads
  permuted with them.
- :func:`argsort` is shaped like ``numpy.argsort`` (stable by default).
- :func:`top_k` is shaped like ``jax.lax.top_k``: (values, int32 indices) of the k largest
  (or smallest) along the last axis.
- :mod:`rowsort.tax` has ``rowsort.tax.sort``, shaped like ``tallax.tax.sort``.

Order (DESIGN section 1): integers numerically, bool false < true; floats numerically with
-0.0 == +0.0 and every NaN equal to every other NaN and greater than +inf (ascending puts NaNs
last, descending first); complex lexicographically on (real, imag). ``nans_last`` puts NaNs
last in descending sorts too; ``total_order`` compares floats by IEEE 754 totalOrder.
Outputs are bit-exact permutations of the inputs: zero signs and NaN payloads are kept.

Inputs: NumPy arrays are read in place when their sort axis is contiguous and their other
axes flatten into one row stride; anything else (other strides, non-native byte order,
unaligned data) is copied once. JAX arrays, objects with ``__array__`` and DLPack producers
are converted with ``np.asarray`` / ``np.from_dlpack`` (no copy for CPU buffers NumPy can
view). Outputs are new NumPy arrays; inputs are never modified.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np

from . import _rowsort

__all__ = ["sort", "argsort", "top_k", "info", "__version__"]
__version__ = _rowsort.__version__

_INT32_LIMIT = 2**31
_DEFAULT_INDEX = "int32-if-it-fits"  # marker: indices wanted, int32 when n < 2**31

# (kind, itemsize) -> rowsort_dtype code
_CODES = {
    ("b", 1): _rowsort.DTYPE_BOOL,
    ("i", 1): _rowsort.DTYPE_I8,
    ("u", 1): _rowsort.DTYPE_U8,
    ("i", 2): _rowsort.DTYPE_I16,
    ("u", 2): _rowsort.DTYPE_U16,
    ("i", 4): _rowsort.DTYPE_I32,
    ("u", 4): _rowsort.DTYPE_U32,
    ("i", 8): _rowsort.DTYPE_I64,
    ("u", 8): _rowsort.DTYPE_U64,
    ("f", 2): _rowsort.DTYPE_F16,
    ("f", 4): _rowsort.DTYPE_F32,
    ("f", 8): _rowsort.DTYPE_F64,
    ("c", 8): _rowsort.DTYPE_C64,
    ("c", 16): _rowsort.DTYPE_C128,
}
_BF16_NAMES = ("bfloat16", "bf16")
_FLOATLIKE = (
    _rowsort.DTYPE_F16,
    _rowsort.DTYPE_BF16,
    _rowsort.DTYPE_F32,
    _rowsort.DTYPE_F64,
    _rowsort.DTYPE_C64,
    _rowsort.DTYPE_C128,
)


def info(threads=None):
    """The engine's version, kernel path (``isa``), the cores its kernels were tuned on
    (``kernel_tuning``) and thread count, as a dict."""
    return _rowsort.info(_threads_arg(threads))


def _threads_arg(threads):
    if threads is None:
        return 0
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
        raise TypeError(f"rowsort: threads must be a positive int or None, got {threads!r}")
    if not 1 <= int(threads) <= 4096:
        raise ValueError(f"rowsort: threads must be in 1..4096, got {threads}")
    return int(threads)


def _int_arg(name, value):
    if isinstance(value, bool):
        raise TypeError(f"rowsort: {name} must be an int, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"rowsort: {name} must be an int, got {value!r}") from None


def _to_numpy(x):
    """x as a NumPy array, without a copy where NumPy can view its buffer."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "__array__") or not hasattr(x, "__dlpack__"):
        try:
            return np.asarray(x)
        except Exception as e:  # noqa: BLE001 - re-raised with context
            raise TypeError(f"rowsort: cannot convert {type(x).__name__} to an array: {e}") from e
    try:
        return np.from_dlpack(x)
    except Exception:  # e.g. a DLPack dtype NumPy lacks (bfloat16): fall back to a copy
        return np.asarray(x)


def _np_dtype(dtype, what):
    """np.dtype(dtype), with NumPy's refusal reworded as this package's errors are."""
    try:
        return np.dtype(dtype)
    except (TypeError, ValueError) as e:
        raise TypeError(f"rowsort: {what}: {dtype!r} is not a dtype ({e})") from None


def _dtype_code(a, dtype, where):
    """(array in native byte order, rowsort dtype code) for one operand."""
    dt = a.dtype
    if dtype is not None:
        name = dtype if isinstance(dtype, str) else getattr(dtype, "__name__", None) or str(
            _np_dtype(dtype, where)
        )
        if str(name).lower() in _BF16_NAMES:
            if dt.itemsize != 2 or not (dt.kind == "u" or dt.name == "bfloat16"):
                raise TypeError(
                    f"rowsort: {where}: dtype='bfloat16' needs uint16 or bfloat16 data, got {dt}"
                )
            code = _rowsort.DTYPE_BF16
        else:
            want = _np_dtype(dtype, where)
            if want != dt.newbyteorder("="):
                raise TypeError(f"rowsort: {where}: dtype={want} does not match the data's {dt}")
            code = None
    else:
        code = None
    if code is None:
        if dt.kind == "V" and dt.itemsize == 2 and dt.name == "bfloat16":
            code = _rowsort.DTYPE_BF16
        else:
            code = _CODES.get((dt.kind, dt.itemsize))
        if code is None:
            raise TypeError(
                f"rowsort: {where}: unsupported dtype {dt} (supported: bool, int8..int64, "
                "uint8..uint64, float16, bfloat16, float32, float64, complex64, complex128)"
            )
    if not dt.isnative:
        a = a.astype(dt.newbyteorder("="))  # a copy in native byte order
    return a, code


def _flags(stable, descending, nans_last, total_order):
    f = 0
    if stable:
        f |= _rowsort.STABLE
    if descending:
        f |= _rowsort.DESCENDING
    if nans_last:
        f |= _rowsort.NANS_LAST
    if total_order:
        f |= _rowsort.TOTAL_ORDER
    return f


def _index_bytes(n, index_dtype):
    if index_dtype is None:
        return 4 if n < _INT32_LIMIT else 8
    d = _np_dtype(index_dtype, "index_dtype")
    if d == np.int32:
        if n >= _INT32_LIMIT:
            raise ValueError(f"rowsort: int32 indices cannot address rows of {n} elements")
        return 4
    if d == np.int64:
        return 8
    raise TypeError(f"rowsort: index_dtype must be int32 or int64, got {d}")


def _run(ops, codes, num_keys, dimension, flags, *, values=None, index=None, select=0, k=0,
         threads=None):
    """Sorts operands along `dimension` of the keys' shape.

    ops[0]'s shape S is the keys' shape; payloads may have extra trailing dims (records).
    Returns (values list with None where not wanted, indices or None), axes restored."""
    shape = ops[0].shape
    nd = len(shape)
    if nd == 0:
        raise ValueError("rowsort: operands must have at least one dimension")
    dimension = _int_arg("dimension", dimension)
    if not -nd <= dimension < nd:
        raise ValueError(f"rowsort: dimension {dimension} is out of range for {nd}-D operands")
    dimension %= nd
    for i, a in enumerate(ops):
        if i < num_keys and a.shape != shape:
            raise ValueError(
                f"rowsort: key {i} has shape {a.shape}; every key must have shape {shape}"
            )
        if a.shape[:nd] != shape:
            raise ValueError(
                f"rowsort: operand {i} has shape {a.shape}; operands must have shape {shape} "
                "(payloads may add trailing dimensions)"
            )
    n = shape[dimension]
    if values is None:
        values = [True] * len(ops)
    records = [i for i, a in enumerate(ops) if a.ndim > nd]
    want_index = index is not None or (records and any(values[i] for i in records))
    ibytes = 0
    if want_index:
        ibytes = _index_bytes(n, None if index is None or index is _DEFAULT_INDEX else index)

    scalar = [i for i in range(len(ops)) if i not in records]
    last = dimension == nd - 1
    moved = [ops[i] if last else np.moveaxis(ops[i], dimension, -1) for i in scalar]
    outs, idx = _rowsort.sort_rows(
        moved,
        [codes[i] for i in scalar],
        num_keys,
        flags,
        select,
        k,
        [values[i] for i in scalar],
        ibytes,
        _threads_arg(threads),
    )
    result = [None] * len(ops)
    for i, o in zip(scalar, outs):
        if o is not None:
            result[i] = o if last else np.moveaxis(o, -1, dimension)
    if idx is not None and not last:
        idx = np.moveaxis(idx, -1, dimension)
    for i in records:
        if not values[i]:
            continue
        # Records move whole: gather them by the permutation (a copy in NumPy).
        a = ops[i]
        extra = a.ndim - nd
        take = idx.reshape(idx.shape + (1,) * extra)
        result[i] = np.take_along_axis(a, take.astype(np.intp, copy=False), axis=dimension)
    if index is None:
        idx = None
    return result, idx


def _prepare(operand, dtype, what="operand"):
    """(list of arrays, list of codes, whether a single array was given)."""
    single = not isinstance(operand, (list, tuple))
    items = [operand] if single else list(operand)
    if not items:
        raise ValueError(f"rowsort: {what} is an empty sequence")
    if dtype is None or isinstance(dtype, (str, type, np.dtype)):
        dtypes = [dtype] * len(items)
    elif isinstance(dtype, Sequence) and len(dtype) == len(items):
        dtypes = list(dtype)
    else:
        raise ValueError("rowsort: dtype must be one dtype or one per operand")
    arrays, codes = [], []
    for i, (x, d) in enumerate(zip(items, dtypes)):
        a, c = _dtype_code(_to_numpy(x), d, f"operand {i}")
        arrays.append(a)
        codes.append(c)
    return arrays, codes, single


def _plain_code(a, axis):
    """a's dtype code when a is one native NumPy array sorted along its last axis (the common
    call, which goes straight to the extension: about 2-4 us less than the general path; the
    extension checks the rest), else None."""
    if (type(a) is not np.ndarray or type(axis) is not int or a.ndim < 1
            or axis not in (-1, a.ndim - 1) or not a.dtype.isnative):
        return None
    return _CODES.get((a.dtype.kind, a.dtype.itemsize))


def _check_num_keys(num_keys, count):
    num_keys = _int_arg("num_keys", num_keys)
    if not 1 <= num_keys <= count:
        raise ValueError(f"rowsort: num_keys must be in 1..{count} (the operands), got {num_keys}")
    return num_keys


def sort(operand, dimension=-1, is_stable=True, num_keys=1, *, descending=False,
         nans_last=False, total_order=False, threads=None, dtype=None):
    """Sorts along `dimension`, as ``jax.lax.sort`` (stable by default).

    Args:
      operand: an array, or a sequence of arrays of one shape (dtypes may differ). The
        first `num_keys` are keys compared lexicographically; the rest are payloads permuted
        as the keys are. Payloads may carry extra trailing dimensions: a (rows, n, 3) payload
        sorted by (rows, n) keys moves as records (gathered by the permutation, a copy).
      dimension: the axis to sort along (of the keys' shape).
      is_stable: equal keys keep their input order (ascending and descending alike).
      num_keys: how many leading operands are keys.
      descending: reverse the key order (NaNs first, as jax and tallax).
      nans_last: NaNs last in descending sorts too (NumPy 2's ``descending=True``).
      total_order: floats by IEEE 754 totalOrder (-NaN < -inf < -0.0 < +0.0 < +inf < +NaN).
      threads: worker threads; None for ``ROWSORT_THREADS`` or every CPU.
      dtype: "bfloat16" to read uint16 operands as bfloat16 (one, or one per operand).

    Returns:
      One NumPy array for one array, a tuple for a sequence.
    """
    flags = _flags(is_stable, descending, nans_last, total_order)
    one_key = type(num_keys) is int and num_keys == 1
    code = _plain_code(operand, dimension) if dtype is None and one_key else None
    if code is not None:
        outs, _ = _rowsort.sort_rows([operand], [code], 1, flags, 0, 0, [True], 0,
                                     _threads_arg(threads))
        return outs[0]
    arrays, codes, single = _prepare(operand, dtype)
    num_keys = _check_num_keys(num_keys, len(arrays))
    outs, _ = _run(arrays, codes, num_keys, dimension, flags, threads=threads)
    return outs[0] if single else tuple(outs)


def argsort(a, axis=-1, stable=True, descending=False, *, nans_last=False, total_order=False,
            threads=None, dtype=None, index_dtype=None):
    """Indices that sort `a` along `axis`, as ``numpy.argsort`` (stable by default).

    `a` may also be a sequence of arrays compared lexicographically (first one first, unlike
    ``np.lexsort``, which takes its last key first). ``axis=None`` sorts the flattened array.
    Indices are int32 when the axis has fewer than 2**31 elements, else int64
    (``index_dtype=np.int64`` asks for int64 always). With ``stable=False`` ties may come in
    any order.
    """
    if axis is None:
        if isinstance(a, (list, tuple)):
            a = [np.ravel(_to_numpy(x)) for x in a]
        else:
            a = np.ravel(_to_numpy(a))
        axis = -1
    flags = _flags(stable, descending, nans_last, total_order)
    code = _plain_code(a, axis) if dtype is None and index_dtype is None else None
    if code is not None:
        ibytes = 4 if a.shape[-1] < _INT32_LIMIT else 8
        _, idx = _rowsort.sort_rows([a], [code], 1, flags, 0, 0, [False], ibytes,
                                    _threads_arg(threads))
        return idx
    arrays, codes, _ = _prepare(a, dtype, "a")
    _, idx = _run(arrays, codes, len(arrays), axis, flags,
                  values=[False] * len(arrays),
                  index=_DEFAULT_INDEX if index_dtype is None else index_dtype,
                  threads=threads)
    return idx




def top_k(operand, k, smallest=False, total_order=False, *, axis=-1, nans_last=False,
          threads=None, dtype=None):
    """The k largest elements along `axis` (the last by default) and their int32 indices,
    as ``jax.lax.top_k``: per row the first k of the stable descending sort (largest first,
    ties by lower index first, NaN counted largest); `smallest` gives the first k of the
    stable ascending sort. ``total_order=True`` gives jax.lax.top_k's results exactly
    (it orders -0.0 below +0.0 and NaNs by sign). ``nans_last=True`` counts NaNs below
    every number in the largest k (they come last, as in ``sort(descending=True,
    nans_last=True)``).

    Returns:
      (values, indices): arrays of the operand's shape with `axis` cut to k.
    """
    if isinstance(operand, (list, tuple)):
        raise TypeError("rowsort: top_k takes one array")
    arrays, codes, _ = _prepare(operand, dtype)
    k = _int_arg("k", k)
    shape = arrays[0].shape
    if len(shape) == 0:
        raise ValueError("rowsort: top_k needs an operand with at least one dimension")
    axis = _int_arg("axis", axis)
    if not -len(shape) <= axis < len(shape):
        raise ValueError(f"rowsort: axis {axis} is out of range for {len(shape)}-D operands")
    n = shape[axis]
    if not 0 <= k <= n:
        raise ValueError(f"rowsort: k must be in 0..{n} (the axis length), got {k}")
    select = 2 if smallest else 1
    outs, idx = _run(arrays, codes, 1, axis, _flags(False, False, nans_last, total_order),
                     select=select, k=k, index=_DEFAULT_INDEX, threads=threads)
    return outs[0], idx
