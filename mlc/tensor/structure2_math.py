"""Index-valued reductions, scans, sorting, statistics and products: `T.argmax`,
`T.argmin`, `T.max_and_argmax`, `T.any`, `T.all`, `T.cumsum`, `T.cumprod`, `T.sort`,
`T.argsort`, `T.nonzero`, `T.flatnonzero`, `T.nonzero_values`, `T.var`, `T.std`,
`T.tensordot`, `T.outer`, `T.batched_dot`.

argmax/argmin, cumsum/cumprod, sort/argsort, nonzero, any/all and batched_dot are `mt`
ops with their own kernels (dialects/mt/sortscan.py, reduce.py, linalg.py); var/std,
tensordot and outer are built here from existing ops (mean, sum, dimshuffle, reshape,
dot), which compute the same values with the same kernels.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional, Sequence

import numpy as np

from mlc.dialects import mt
from mlc.srcloc import at, user_location
from mlc.tensor.basic import as_tensor_variable, cast, constant, dimshuffle
from mlc.tensor.math import _reduce, dot, maximum, mean, mul, normalize_axes, sqrt, sub, true_div
from mlc.tensor.math import sum as tsum
from mlc.tensor.structure2 import Size, dim, flatten, mul_sizes, specify_shape, reshape_to
from mlc.tensor.variable import Variable, apply


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
    from mlc.tensor.math import max as tmax
    return tmax(a, axis, keepdims), argmax(a, axis, keepdims)


def any(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Whether any element over `axis` is nonzero (bool)."""
    return _reduce(mt.AnyOp, x, axis, keepdims, "any")


def all(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Whether every element over `axis` is nonzero (bool)."""
    return _reduce(mt.AllOp, x, axis, keepdims, "all")


def _along(op: type, x: Any, axis: Any, fn: str) -> Variable:
    x = as_tensor_variable(x)
    if axis is None:
        x, ax = flatten(x), 0
    else:
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"{fn}: axis must be None or an int, got {axis!r}" + at())
        ax = normalize_axes(axis, x.ndim, fn)[0]
    return apply(op, [x], fn, axis=ax)


def cumsum(x: Any, axis: Optional[int] = None) -> Variable:
    """Running sum along `axis` (of the flattened x by default); small ints give int64."""
    return _along(mt.CumsumOp, x, axis, "cumsum")


def cumprod(x: Any, axis: Optional[int] = None) -> Variable:
    """Running product along `axis` (of the flattened x by default)."""
    return _along(mt.CumprodOp, x, axis, "cumprod")


def _check_sort(kind: str, order: Any, fn: str) -> None:
    if order is not None:
        raise ValueError(f"{fn}: order is only for structured arrays, which mlc lacks" + at())
    if kind not in ("quicksort", "mergesort", "heapsort", "stable"):
        raise ValueError(f"{fn}: unknown kind {kind!r}" + at())


def sort(a: Any, axis: Optional[int] = -1, kind: str = "quicksort", order: Any = None) -> Variable:
    """Sorted copy along `axis` (the flattened a when None); NaNs last. The sort is
    always stable, whatever `kind` says."""
    _check_sort(kind, order, "sort")
    return _along(mt.SortOp, a, axis, "sort")


def argsort(a: Any, axis: Optional[int] = -1, kind: str = "quicksort", order: Any = None) -> Variable:
    """Indices that sort a along `axis` (stable: ties keep their order; NaNs last)."""
    _check_sort(kind, order, "argsort")
    return _along(mt.ArgSortOp, a, axis, "argsort")


def _count(x: Variable, axes: Sequence[int]) -> Size:
    n: Size = 1
    for a in axes:
        n = mul_sizes(n, dim(x, a))
    return n


def var(x: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False,
        corrected: bool = False) -> Variable:
    """Variance over `axis`: sum((x - mean)**2) / max(n - ddof, 0), in floating point
    (`corrected=True` is ddof=1, PyTensor's spelling)."""
    x = as_tensor_variable(x)
    axes = normalize_axes(axis, x.ndim, "var")
    ddof = 1 if corrected else ddof
    centered = sub(x, mean(x, axes, keepdims=True))
    total = tsum(mul(centered, centered), axes, keepdims=keepdims)
    n = _count(x, axes)
    if isinstance(n, int):
        denom: Any = constant(np.array(builtins.max(n - ddof, 0), dtype=total.dtype))
    else:
        denom = cast(maximum(sub(n, ddof), 0), total.dtype)
    return true_div(total, denom)


def std(x: Any, axis: Any = None, ddof: int = 0, keepdims: bool = False,
        corrected: bool = False) -> Variable:
    """Standard deviation: sqrt(var(x, axis, ddof, keepdims))."""
    return sqrt(var(x, axis, ddof, keepdims, corrected))


def _tensordot_axes(a: Variable, b: Variable, axes: Any) -> tuple[list[int], list[int]]:
    na, nb = _axis_lists(a, b, axes)
    for i, j in zip(na, nb):
        if a.type.dims[i] >= 0 and b.type.dims[j] >= 0 and a.type.dims[i] != b.type.dims[j]:
            raise ValueError(f"tensordot: shape mismatch: axis {i} of a has size "
                             f"{a.type.dims[i]}, axis {j} of b has size {b.type.dims[j]}" + at())
    return na, nb


def _axis_lists(a: Variable, b: Variable, axes: Any) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if not 0 <= n <= builtins.min(a.ndim, b.ndim):
            raise ValueError(f"tensordot: cannot contract {n} axes of {a.ndim}-d and "
                             f"{b.ndim}-d tensors" + at())
        return list(range(a.ndim - n, a.ndim)), list(range(n))
    try:
        xa, xb = axes
    except (TypeError, ValueError):
        raise TypeError(f"tensordot: axes must be an int or a pair of axis lists, got "
                        f"{axes!r}" + at()) from None
    xa = [xa] if isinstance(xa, (int, np.integer)) else list(xa)
    xb = [xb] if isinstance(xb, (int, np.integer)) else list(xb)
    if len(xa) != len(xb):
        raise ValueError(f"tensordot: {len(xa)} axes of a but {len(xb)} of b" + at())
    na = [normalize_axes(int(i), a.ndim, "tensordot")[0] for i in xa]
    nb = [normalize_axes(int(i), b.ndim, "tensordot")[0] for i in xb]
    if len(set(na)) != len(na) or len(set(nb)) != len(nb):
        raise ValueError("tensordot: repeated axis" + at())
    return na, nb


def tensordot(a: Any, b: Any, axes: Any = 2) -> Variable:
    """Sum of products over the given axes (NumPy's tensordot): both operands are
    transposed and reshaped into matrices for one `dot`; each contracted pair of sizes
    is checked at run time."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    xa, xb = _tensordot_axes(a, b, axes)
    free_a = [i for i in range(a.ndim) if i not in xa]
    free_b = [j for j in range(b.ndim) if j not in xb]
    bt = dimshuffle(b, xb + free_b)
    bt = specify_shape(bt, [dim(a, i) for i in xa] + [None] * len(free_b))
    at_ = dimshuffle(a, free_a + xa)
    k = _count(a, xa)
    lhs = reshape_to(at_, [_count(a, free_a), k], "tensordot")
    rhs = reshape_to(bt, [k, _count(b, free_b)], "tensordot")
    out = [dim(a, i) for i in free_a] + [dim(b, j) for j in free_b]
    return reshape_to(dot(lhs, rhs), out, "tensordot")


def outer(x: Any, y: Any) -> Variable:
    """Outer product of two vectors (other ranks are flattened first, as NumPy)."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    x = x if x.ndim == 1 else flatten(x)
    y = y if y.ndim == 1 else flatten(y)
    return mul(dimshuffle(x, 0, "x"), dimshuffle(y, "x", 0))


def batched_dot(a: Any, b: Any) -> Variable:
    """`dot(a[i], b[i])` for every i along the leading axis; ranks 2 or 3 (Theano)."""
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    return apply(mt.BatchedDotOp, [a, b], "batched_dot")


def nonzero(a: Any, return_matrix: bool = False) -> Any:
    """The positions of the nonzero elements of a, in C order: a tuple of one int64
    vector per axis (NumPy), or with `return_matrix` one (ndim, N) matrix (Theano)."""
    a = as_tensor_variable(a)
    if a.ndim == 0:
        raise ValueError("nonzero: the input must have at least one dimension" + at())
    m = apply(mt.NonzeroOp, [a], "nonzero")
    return m if return_matrix else tuple(m[i] for i in range(a.ndim))


def flatnonzero(a: Any) -> Variable:
    """The positions of the nonzero elements of the flattened a."""
    return nonzero(flatten(a), return_matrix=True)[0]


def nonzero_values(a: Any) -> Variable:
    """The nonzero elements of the flattened a, in order."""
    flat = flatten(a)
    return flat[nonzero(flat, return_matrix=True)[0]]


__all__ = [
    "nonzero", "flatnonzero", "nonzero_values", "argmax", "argmin", "max_and_argmax", "any",
    "all", "cumsum", "cumprod", "sort", "argsort",
    "var", "std", "tensordot", "outer", "batched_dot",
]
