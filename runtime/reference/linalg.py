"""NumPy semantics of the linalg family: `mt.dot` and `mt.batched_dot` (the ops of
passes/mt_to_loop/linalg.py). `mt.dot`'s operands arrive in their common arithmetic
dtype (`core.computation_operands`); `mt.batched_dot` converts its own."""

from __future__ import annotations

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.runtime.reference.core import Ref


def _batched_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"mt.batched_dot: batch sizes {a.shape[0]} and {b.shape[0]} differ")
    dtype = dt.arith_dtype(a.dtype.name, b.dtype.name)
    out = [np.dot(x, y) for x, y in zip(a.astype(dtype), b.astype(dtype))]
    shape = (a.shape[0],) + a.shape[1:-1] + b.shape[2:]
    return np.array(out, dtype=dtype).reshape(shape)


LINALG_REFERENCE: dict[type, Ref] = {
    mt.DotOp: np.dot,
    mt.BatchedDotOp: _batched_dot,
}
