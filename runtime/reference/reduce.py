"""NumPy semantics of the reduce family (the ops of passes/mt_to_loop/reduce.py):
sum, prod, max, min, mean, any, all, argmax/argmin over several axes, and the
scans cumsum/cumprod.

max, min, argmax and argmin of an empty axis raise ValueError as NumPy does; mean
accumulates in float64 and returns `float_dtype(x)`.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.runtime.reference.core import Ref


def _reduce(fn: Callable, empty_error: bool = False) -> Ref:
    def ref(x: np.ndarray, axes: tuple) -> np.ndarray:
        if empty_error and any(x.shape[a] == 0 for a in axes):
            raise ValueError("zero-size array to a reduction with no identity")
        return np.asarray(fn(x, axis=tuple(axes)))
    return ref


def _mean(x: np.ndarray, axes: tuple) -> np.ndarray:
    return np.asarray(np.mean(x, axis=tuple(axes), dtype=np.float64)).astype(dt.float_dtype(x.dtype.name))


def _logical(fn: Callable[..., Any]) -> Ref:
    return lambda x, axes: np.asarray(fn(x, axis=tuple(axes)))


def _arg(fn: Callable[..., np.ndarray]) -> Ref:
    """argmax/argmin over several axes: the C-order index into the reduced axes."""
    def ref(x: np.ndarray, axes: tuple) -> np.ndarray:
        if any(x.shape[a] == 0 for a in axes):
            raise ValueError("attempt to get argmax/argmin of an empty sequence")
        kept = [a for a in range(x.ndim) if a not in axes]
        moved = np.transpose(x, kept + list(axes))
        flat = moved.reshape(moved.shape[:len(kept)] + (-1,))
        return fn(flat, axis=-1).astype(np.int64)
    return ref


def _cum(fn: Callable[..., np.ndarray]) -> Ref:
    def ref(x: np.ndarray, axis: int) -> np.ndarray:
        dtype = x.dtype if x.dtype.kind == "f" or x.dtype == np.int64 else np.int64
        return fn(x, axis=axis, dtype=dtype)
    return ref


REDUCE_REFERENCE: dict[type, Ref] = {
    mt.SumOp: _reduce(np.sum), mt.ProdOp: _reduce(np.prod),
    mt.MaxOp: _reduce(np.max, True), mt.MinOp: _reduce(np.min, True),
    mt.MeanOp: _mean,
    mt.AnyOp: _logical(np.any), mt.AllOp: _logical(np.all),
    mt.ArgMaxOp: _arg(np.argmax), mt.ArgMinOp: _arg(np.argmin),
    mt.CumsumOp: _cum(np.cumsum), mt.CumprodOp: _cum(np.cumprod),
}
