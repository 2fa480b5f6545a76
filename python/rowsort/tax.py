"""``rowsort.tax.sort``: a drop-in for ``tallax.tax.sort`` on the CPU, without compilation.

Same signature and results as tallax's sort (checked as tallax checks itself: against
``jax.lax.sort`` with an index key for stable descending), except that rowsort keeps the
bits of its inputs: NaN payloads and the sign of -0.0 come back as given, where tallax
canonicalizes them. Outputs are NumPy arrays.
"""

from __future__ import annotations

from . import _prepare, _check_num_keys, _run, _flags, _DEFAULT_INDEX

__all__ = ["sort"]


def sort(operand, num_keys=1, is_stable=False, return_argsort=False, descending=False,
         num_vmem_substages=None, block_token=None, interpret=False):
    """Sorts 2-D operands along axis 1, as ``tallax.tax.sort``.

    Args:
      operand: a 2-D array or a sequence of 2-D arrays of one shape (dtypes may differ);
        payloads may carry extra trailing dimensions (records).
      num_keys: the first `num_keys` operands are keys, compared lexicographically.
      is_stable: equal keys keep their input order (in descending sorts too).
      return_argsort: append the int32 permutation (int64 for rows of 2**31 or more).
      descending: reverse the key order (NaNs first).
      num_vmem_substages, block_token, interpret: tallax's tuning arguments, accepted and
        ignored.

    Returns:
      A tuple always: the sorted operands, then the indices when `return_argsort`.
    """
    del num_vmem_substages, block_token, interpret  # tuning for TPUs: nothing to tune here
    arrays, codes, _ = _prepare(operand, None)
    num_keys = _check_num_keys(num_keys, len(arrays))
    for i, a in enumerate(arrays):
        if a.ndim < 2 or (i < num_keys and a.ndim != 2):
            raise ValueError(
                f"rowsort: tax.sort: operand {i} has shape {a.shape}; operands must be 2-D "
                "(rows, n)"
            )
    outs, idx = _run(arrays, codes, num_keys, 1, _flags(is_stable, descending, False, False),
                     index=_DEFAULT_INDEX if return_argsort else None)
    return tuple(outs) + ((idx,) if return_argsort else ())
