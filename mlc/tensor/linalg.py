"""The linalg family of the frontend: products of tensors (`T.dot`, `x @ y`,
`T.tensordot`, `T.outer`, `T.batched_dot`).

`dot`/`matmul` and `batched_dot` are `mt` ops with their own kernels; tensordot and
outer are built here from dimshuffle, reshape and `dot` or an elementwise product,
which compute the same values with the same kernels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlc.dialects import mt
from mlc.srcloc import at
from mlc.tensor.basic import as_tensor_variable, normalize_axes
from mlc.tensor.elemwise import mul
from mlc.tensor.structure import axes_size, dim, dimshuffle, flatten, reshape_to, specify_shape
from mlc.tensor.variable import Variable, apply


def dot(x: Any, y: Any) -> Variable:
    """Matrix/vector products (NumPy's `dot` for ranks 1 and 2); a scalar operand
    multiplies elementwise, as in Theano."""
    if not isinstance(x, Variable) and not isinstance(y, Variable):
        x = as_tensor_variable(x)
    if min(_ndim(x), _ndim(y)) == 0:
        return mul(x, y)
    return apply(mt.DotOp, [as_tensor_variable(x), as_tensor_variable(y)], "T.dot")


def matmul(x: Any, y: Any) -> Variable:
    """`x @ y`: like `dot`, but scalar operands are an error (as in NumPy)."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"@ (matmul): operands must not be scalars (got ranks {x.ndim} and "
                         f"{y.ndim}); use * for scaling" + at())
    return apply(mt.DotOp, [x, y], "@ (matmul)")


def _ndim(x: Any) -> int:
    return x.ndim if isinstance(x, Variable) else np.ndim(x)


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
        if not 0 <= n <= min(a.ndim, b.ndim):
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
    k = axes_size(a, xa)
    lhs = reshape_to(at_, [axes_size(a, free_a), k], "tensordot")
    rhs = reshape_to(bt, [k, axes_size(b, free_b)], "tensordot")
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


__all__ = [
    "dot", "matmul", "tensordot", "outer", "batched_dot",
]
