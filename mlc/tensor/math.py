"""Elementwise math, comparisons, reductions and `dot`: `T.exp`, `T.maximum`, `T.sum`, ...

Every function builds frontend `Apply` nodes of one `mt` op (through `basic.elemwise`
for broadcasting and weak Python scalars); result dtypes come from the op classes'
`infer`, i.e. from `mlc.dialects.dtypes`.
"""

from __future__ import annotations

import builtins
from typing import Any, Callable

import numpy as np

from mlc.dialects import mt
from mlc.srcloc import at, user_location
from mlc.tensor.basic import as_tensor_variable, elemwise
from mlc.tensor.variable import Variable, apply


def _unary(op: type, name: str, doc: str) -> Callable[[Any], Variable]:
    def fn(x: Any) -> Variable:
        return apply(op, [as_tensor_variable(x)], f"T.{name}")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _binary(op: type, name: str, doc: str, widen_ints: bool = False) -> Callable[[Any, Any], Variable]:
    def fn(x: Any, y: Any) -> Variable:
        return elemwise(op, (x, y), f"T.{name}", widen_ints=widen_ints)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


neg = _unary(mt.NegOp, "neg", "-x (bool becomes int8).")
abs = _unary(mt.AbsOp, "abs", "|x|.")
sgn = _unary(mt.SignOp, "sgn", "-1, 0 or 1 by the sign of x.")
sign = sgn
exp = _unary(mt.ExpOp, "exp", "e**x.")
log = _unary(mt.LogOp, "log", "Natural logarithm.")
log1p = _unary(mt.Log1pOp, "log1p", "log(1 + x), accurate near 0.")
expm1 = _unary(mt.Expm1Op, "expm1", "exp(x) - 1, accurate near 0.")
sqrt = _unary(mt.SqrtOp, "sqrt", "Square root.")
sin = _unary(mt.SinOp, "sin", "Sine.")
cos = _unary(mt.CosOp, "cos", "Cosine.")
tanh = _unary(mt.TanhOp, "tanh", "Hyperbolic tangent.")
sigmoid = _unary(mt.SigmoidOp, "sigmoid", "1 / (1 + exp(-x)).")

sub = _binary(mt.SubOp, "sub", "x - y.")
true_div = _binary(mt.TrueDivOp, "true_div", "x / y in floating point.")
int_div = _binary(mt.IntDivOp, "int_div", "floor(x / y), Python's //.")
floor_div = int_div
mod = _binary(mt.ModOp, "mod", "x % y; the sign follows y, as in Python.")
pow = _binary(mt.PowOp, "pow", "x ** y.")
maximum = _binary(mt.MaximumOp, "maximum", "Elementwise maximum (NaN-propagating).")
minimum = _binary(mt.MinimumOp, "minimum", "Elementwise minimum (NaN-propagating).")
eq = _binary(mt.EqOp, "eq", "x == y, elementwise (bool).", widen_ints=True)
neq = _binary(mt.NeqOp, "neq", "x != y, elementwise (bool).", widen_ints=True)
lt = _binary(mt.LtOp, "lt", "x < y, elementwise (bool).", widen_ints=True)
le = _binary(mt.LeOp, "le", "x <= y, elementwise (bool).", widen_ints=True)
gt = _binary(mt.GtOp, "gt", "x > y, elementwise (bool).", widen_ints=True)
ge = _binary(mt.GeOp, "ge", "x >= y, elementwise (bool).", widen_ints=True)
and_ = _binary(mt.AndOp, "and_", "Bitwise and (logical and on bool).")
or_ = _binary(mt.OrOp, "or_", "Bitwise or (logical or on bool).")
xor = _binary(mt.XorOp, "xor", "Bitwise xor (logical xor on bool).")
bitwise_and, bitwise_or, bitwise_xor = and_, or_, xor


def add(x: Any, y: Any, *more: Any) -> Variable:
    """x + y (+ more terms, left to right)."""
    out = elemwise(mt.AddOp, (x, y), "T.add")
    for z in more:
        out = elemwise(mt.AddOp, (out, z), "T.add")
    return out


def mul(x: Any, y: Any, *more: Any) -> Variable:
    """x * y (* more factors, left to right)."""
    out = elemwise(mt.MulOp, (x, y), "T.mul")
    for z in more:
        out = elemwise(mt.MulOp, (out, z), "T.mul")
    return out


def sqr(x: Any) -> Variable:
    """x * x."""
    x = as_tensor_variable(x)
    return mul(x, x)


def invert(x: Any) -> Variable:
    """~x: logical not on bool, bitwise not on integers."""
    x = as_tensor_variable(x)
    if x.dtype == "bool":
        return xor(x, True)
    if x.dtype.startswith("int"):
        return xor(x, -1)
    raise TypeError(f"~ (invert) needs a bool or integer operand, got {x.dtype}" + at())


def clip(x: Any, a_min: Any, a_max: Any) -> Variable:
    """min(max(x, a_min), a_max), elementwise."""
    return minimum(maximum(x, a_min), a_max)


def normalize_axes(axis: Any, ndim: int, fn: str) -> tuple[int, ...]:
    """Sorted non-negative axes from None, an int or a sequence of ints (NumPy rules)."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{fn}: axis must be None, an int or a tuple of ints, "
                            f"got {axis!r}" + at())
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(f"{fn}: axis {a} is out of bounds for a {ndim}-d "
                                          "tensor" + at())
        out.append(int(a) % ndim if ndim else int(a))
    if len(set(out)) != len(out):
        raise ValueError(f"{fn}: duplicate value in axis {axis!r}" + at())
    return tuple(sorted(out))


def _reduce(op: type, x: Any, axis: Any, keepdims: bool, fn: str) -> Variable:
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
    return _reduce(mt.SumOp, x, axis, keepdims, "T.sum")


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Product over `axis` (all axes by default)."""
    return _reduce(mt.ProdOp, x, axis, keepdims, "T.prod")


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Arithmetic mean over `axis`, in floating point."""
    return _reduce(mt.MeanOp, x, axis, keepdims, "T.mean")


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Maximum over `axis` (NaN-propagating)."""
    return _reduce(mt.MaxOp, x, axis, keepdims, "T.max")


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Variable:
    """Minimum over `axis` (NaN-propagating)."""
    return _reduce(mt.MinOp, x, axis, keepdims, "T.min")


def dot(x: Any, y: Any) -> Variable:
    """Matrix/vector products (NumPy's `dot` for ranks 1 and 2); a scalar operand
    multiplies elementwise, as in Theano."""
    if not isinstance(x, Variable) and not isinstance(y, Variable):
        x = as_tensor_variable(x)
    if builtins.min(_ndim(x), _ndim(y)) == 0:
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


__all__ = [
    "neg", "abs", "sgn", "sign", "exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tanh",
    "sigmoid", "add", "sub", "mul", "true_div", "int_div", "floor_div", "mod", "pow",
    "maximum", "minimum", "eq", "neq", "lt", "le", "gt", "ge", "and_", "or_", "xor",
    "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "sqr", "clip", "sum", "prod", "mean",
    "max", "min", "dot", "matmul",
]
