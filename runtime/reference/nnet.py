"""NumPy semantics of the nnet family (the ops of passes/mt_to_loop/nnet.py; the
formulas of `scipy.special.softmax`, `log_softmax` and `logsumexp`).

`core.computation_operands` converts the operands of the elementwise `mt.softplus` to the
result dtype; the other entries receive the raw operands and compute in
`float_dtype(x)`. Reductions over an empty axis are defined (the maximum of nothing is
-inf), so `logsumexp` of an empty row is -inf and softmax of an empty axis is empty.
"""

from __future__ import annotations

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.runtime.reference.core import Ref


def _float(x: np.ndarray) -> np.ndarray:
    return x.astype(dt.float_dtype(x.dtype.name), copy=False)


def _max(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    return np.amax(x, axis=axes, keepdims=True, initial=-np.inf)


def _finite_max(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The maximum over axes (kept), replaced by 0 where it is not finite."""
    m = _max(x, axes)
    return np.where(np.isfinite(m), m, np.zeros((), x.dtype))


def softplus(x: np.ndarray) -> np.ndarray:
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, np.zeros((), x.dtype))


def softmax(x: np.ndarray, axis: int) -> np.ndarray:
    x = _float(x)
    e = np.exp(x - _max(x, (axis,)))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    x = _float(x)
    shifted = x - _finite_max(x, (axis,))
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def logsumexp(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    x = _float(x)
    m = _finite_max(x, tuple(axes))
    s = np.sum(np.exp(x - m), axis=tuple(axes), keepdims=True)
    return np.squeeze(np.log(s) + m, axis=tuple(axes))


def one_hot(labels: np.ndarray, sizes: np.ndarray, axis: int, dtype: str) -> np.ndarray:
    if axis >= len(sizes):
        raise IndexError(f"axis {axis} is out of range for {len(sizes)} sizes")
    n = int(sizes[axis])
    if n < 0:
        raise ValueError(f"the number of classes must be >= 0, got {n}")
    bad = (labels < 0) | (labels >= n)
    if bad.any():
        raise IndexError(f"label {labels[bad].flat[0]} is out of range for {n} classes")
    return (labels[..., None] == np.arange(n)).astype(dtype)


NNET_REFERENCE: dict[type, Ref] = {
    mt.SoftplusOp: softplus,
    mt.SoftmaxOp: softmax,
    mt.LogSoftmaxOp: log_softmax,
    mt.LogSumExpOp: logsumexp,
    mt.OneHotOp: one_hot,
}
