"""The reduce family of the frontend: reductions over axes and the scans
(`T.sum`, `T.prod`, `T.mean`, `T.max`, `T.min`, `T.argmax`, `T.argmin`,
`T.max_and_argmax`, `T.any`, `T.all`, `T.cumsum`, `T.cumprod`, `T.var`, `T.std`).

Each is one `mt` op with its own kernel, except var/std, which are built from mean, sum
and elemwise ops (the same values with the same kernels). `keepdims=True` re-inserts
the reduced axes as broadcastable ones with an `mt.dimshuffle`.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional, Sequence

import numpy as np

from mlc.dialects import mt
from mlc.srcloc import user_location
from mlc.tensor.basic import as_tensor_variable, constant, normalize_axes
from mlc.tensor.elemwise import cast, maximum, mul, sub, true_div
from mlc.tensor.math import sqrt
from mlc.tensor.structure import along_axis, axes_size
from mlc.tensor.variable import Variable, apply


def reduction(op: type, x: Any, axis: Any, keepdims: bool, fn: str) -> Variable:
    """One reducing `op` of x over `axis` (normalized), with the reduced axes kept as
    broadcastable ones when `keepdims`."""
    x = as_tensor_variable(x)
    axes = normalize_axes(axis, x.ndim, fn)
    loc = user_location()
    out = apply(op, [x], fn, loc, axes=axes)
    if keepdims and axes:
        kept = iter(range(out.ndim))
        pattern = tuple(-1 if i in axes else next(kept) for i in range(x.ndim))
        out = apply(mt.DimShuffleOp, [out], fn, loc, pattern=pattern)
    return out


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Sum over `axis` (all axes by default); bool and small ints accumulate in int64."""
    return reduction(mt.SumOp, x, axis, keepdims, "T.sum")


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Product over `axis` (all axes by default)."""
    return reduction(mt.ProdOp, x, axis, keepdims, "T.prod")


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Arithmetic mean over `axis`, in floating point."""
    return reduction(mt.MeanOp, x, axis, keepdims, "T.mean")


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Maximum over `axis` (NaN-propagating)."""
    return reduction(mt.MaxOp, x, axis, keepdims, "T.max")


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Minimum over `axis` (NaN-propagating)."""
    return reduction(mt.MinOp, x, axis, keepdims, "T.min")


def _keep(out: Variable, axes: Sequence[int], ndim: int, fn: str) -> Variable:
    """Re-insert reduced axes as broadcastable ones (keepdims=True)."""
    kept = iter(range(out.ndim))
    pattern = tuple(-1 if i in axes else next(kept) for i in range(ndim))
    return apply(mt.DimShuffleOp, [out], fn, user_location(), pattern=pattern)


def _arg(op: type, x: Any, axis: Any, keepdims: bool, fn: str) -> Variable:
    x = as_tensor_variable(x)
    axes = normalize_axes(axis, x.ndim, fn)
    out = apply(op, [x], fn, axes=axes)
    return _keep(out, axes, x.ndim, fn) if keepdims and axes else out


def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Index of the first maximum over `axis` (all axes: an index into the flattened x;
    several axes: a C-order index into those axes); the first NaN wins, as in NumPy."""
    return _arg(mt.ArgMaxOp, x, axis, keepdims, "argmax")


def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Index of the first minimum over `axis` (see argmax)."""
    return _arg(mt.ArgMinOp, x, axis, keepdims, "argmin")


def max_and_argmax(a: Any, axis: Any = None, keepdims: bool = False) -> tuple[Variable, Variable]:
    """(max, argmax) over `axis` (Theano)."""
    return max(a, axis, keepdims), argmax(a, axis, keepdims)


def any(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Whether any element over `axis` is nonzero (bool)."""
    return reduction(mt.AnyOp, x, axis, keepdims, "any")


def all(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Whether every element over `axis` is nonzero (bool)."""
    return reduction(mt.AllOp, x, axis, keepdims, "all")


def cumsum(x: Any, axis: Optional[int] = None) -> Variable:
    """Running sum along `axis` (of the flattened x by default); small ints give int64."""
    return along_axis(mt.CumsumOp, x, axis, "cumsum")


def cumprod(x: Any, axis: Optional[int] = None) -> Variable:
    """Running product along `axis` (of the flattened x by default)."""
    return along_axis(mt.CumprodOp, x, axis, "cumprod")


def var(x: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False,
        corrected: bool = False) -> Variable:
    """Variance over `axis`: sum((x - mean)**2) / max(n - ddof, 0), in floating point
    (`corrected=True` is ddof=1, PyTensor's spelling)."""
    x = as_tensor_variable(x)
    axes = normalize_axes(axis, x.ndim, "var")
    ddof = 1 if corrected else ddof
    centered = sub(x, mean(x, axes, keepdims=True))
    total = sum(mul(centered, centered), axes, keepdims=keepdims)
    n = axes_size(x, axes)
    if isinstance(n, int):
        denom: Any = constant(np.array(builtins.max(n - ddof, 0), dtype=total.dtype))
    else:
        denom = cast(maximum(sub(n, ddof), 0), total.dtype)
    return true_div(total, denom)


def std(x: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False,
        corrected: bool = False) -> Variable:
    """Standard deviation: sqrt(var(x, axis, ddof, keepdims))."""
    return sqrt(var(x, axis, ddof, keepdims, corrected))


__all__ = [
    "sum", "prod", "mean", "max", "min", "argmax", "argmin", "max_and_argmax", "any", "all",
    "cumsum", "cumprod", "var", "std",
]
