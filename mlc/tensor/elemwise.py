"""The elemwise family of the frontend: arithmetic, comparisons, bitwise logic,
`T.switch`/`T.where` and `T.cast` (`T.add`, `T.maximum`, `T.eq`, `T.and_`, ...).

Every function builds frontend `Apply` nodes of one `mt` op (through `basic.elemwise`
for broadcasting and weak Python scalars); result dtypes come from the op classes'
`infer`, i.e. from `mlc.dialects.dtypes`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.srcloc import at
from mlc.tensor.basic import as_tensor_variable, binary_function, constant, elemwise, unary_function
from mlc.tensor.variable import Variable, apply


neg = unary_function(mt.NegOp, "neg", "-x (bool becomes int8).")
abs = unary_function(mt.AbsOp, "abs", "|x|.")
sgn = unary_function(mt.SignOp, "sgn", "-1, 0 or 1 by the sign of x.")
sign = sgn

sub = binary_function(mt.SubOp, "sub", "x - y.")
true_div = binary_function(mt.TrueDivOp, "true_div", "x / y in floating point.")
int_div = binary_function(mt.IntDivOp, "int_div", "floor(x / y), Python's //.")
floor_div = int_div
mod = binary_function(mt.ModOp, "mod", "x % y; the sign follows y, as in Python.")
pow = binary_function(mt.PowOp, "pow", "x ** y.")
maximum = binary_function(mt.MaximumOp, "maximum", "Elementwise maximum (NaN-propagating).")
minimum = binary_function(mt.MinimumOp, "minimum", "Elementwise minimum (NaN-propagating).")
eq = binary_function(mt.EqOp, "eq", "x == y, elementwise (bool).", widen_ints=True)
neq = binary_function(mt.NeqOp, "neq", "x != y, elementwise (bool).", widen_ints=True)
lt = binary_function(mt.LtOp, "lt", "x < y, elementwise (bool).", widen_ints=True)
le = binary_function(mt.LeOp, "le", "x <= y, elementwise (bool).", widen_ints=True)
gt = binary_function(mt.GtOp, "gt", "x > y, elementwise (bool).", widen_ints=True)
ge = binary_function(mt.GeOp, "ge", "x >= y, elementwise (bool).", widen_ints=True)
and_ = binary_function(mt.AndOp, "and_", "Bitwise and (logical and on bool).")
or_ = binary_function(mt.OrOp, "or_", "Bitwise or (logical or on bool).")
xor = binary_function(mt.XorOp, "xor", "Bitwise xor (logical xor on bool).")
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


def cast(x: Any, dtype: Any) -> Variable:
    """`x` converted to `dtype` (C/NumPy `astype` semantics); `x` itself if already so."""
    if str(dtype).startswith("complex"):
        raise TypeError(f"T.cast: complex dtypes are not supported yet (got {dtype})")
    target = dt.check_dtype(dtype)
    x = as_tensor_variable(x)
    if x.dtype == target:
        return x
    return apply(mt.CastOp, [x], "T.cast", dtype=target)


def switch(cond: Any, ift: Any, iff: Any) -> Variable:
    """Elementwise `ift if cond else iff`, all three broadcast; a non-bool condition is
    true where it is nonzero (Theano)."""
    if isinstance(cond, Variable) and cond.dtype != "bool":
        cond = elemwise(mt.NeqOp, [cond, 0], "switch")
    elif not isinstance(cond, Variable):
        cond = constant(np.asarray(cond).astype(bool))
    return elemwise(mt.SelectOp, [cond, ift, iff], "switch", weak_from=(1, 2))


where = switch
__all__ = [
    "neg", "abs", "sgn", "sign", "add", "sub", "mul", "true_div", "int_div", "floor_div",
    "mod", "pow", "maximum", "minimum", "eq", "neq", "lt", "le", "gt", "ge", "and_", "or_",
    "xor", "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "sqr", "clip", "cast",
    "switch", "where",
]
