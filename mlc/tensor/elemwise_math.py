"""Elementwise math functions of the frontend: `T.floor`, `T.round`, `T.log2`, `T.arctan2`,
`T.erfinv`, `T.gammaln`, `T.psi`, `T.isnan`, ... with Theano's names and signatures.

Each builds one `mt` op of dialects/mt/elemwise_math.py, except `inv`/`reciprocal`
(1 / x), `deg2rad`/`rad2deg` (a product with a constant, as in Theano) which are built
from other ops. Result dtypes come from the op classes: rounding keeps integer dtypes,
transcendental functions compute integers in float (int8/int16 -> float32), `isnan` and
`isinf` give bool.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.srcloc import at
from mlc.tensor.basic import as_tensor_variable, cast, elemwise
from mlc.tensor.math import true_div
from mlc.tensor.variable import Variable, apply


def _unary(op: type, name: str, doc: str) -> Callable[[Any], Variable]:
    def fn(x: Any) -> Variable:
        return apply(op, [as_tensor_variable(x)], f"T.{name}")
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


floor = _unary(mt.FloorOp, "floor", "Largest integral value <= x; integers keep their dtype.")
ceil = _unary(mt.CeilOp, "ceil", "Smallest integral value >= x; integers keep their dtype.")
trunc = _unary(mt.TruncOp, "trunc", "x rounded towards zero; integers keep their dtype.")
round_half_to_even = _unary(mt.RoundHalfToEvenOp, "round_half_to_even",
                            "Nearest integral value, ties to even (np.round).")
round_half_away_from_zero = _unary(mt.RoundHalfAwayFromZeroOp, "round_half_away_from_zero",
                                   "Nearest integral value, ties away from zero.")
exp2 = _unary(mt.Exp2Op, "exp2", "2**x.")
log2 = _unary(mt.Log2Op, "log2", "Base-2 logarithm.")
log10 = _unary(mt.Log10Op, "log10", "Base-10 logarithm.")
tan = _unary(mt.TanOp, "tan", "Tangent.")
arcsin = _unary(mt.ArcsinOp, "arcsin", "Inverse sine (NaN outside [-1, 1]).")
arccos = _unary(mt.ArccosOp, "arccos", "Inverse cosine (NaN outside [-1, 1]).")
arctan = _unary(mt.ArctanOp, "arctan", "Inverse tangent.")
sinh = _unary(mt.SinhOp, "sinh", "Hyperbolic sine.")
cosh = _unary(mt.CoshOp, "cosh", "Hyperbolic cosine.")
arcsinh = _unary(mt.ArcsinhOp, "arcsinh", "Inverse hyperbolic sine.")
arccosh = _unary(mt.ArccoshOp, "arccosh", "Inverse hyperbolic cosine (NaN below 1).")
arctanh = _unary(mt.ArctanhOp, "arctanh", "Inverse hyperbolic tangent (+-inf at +-1).")
erf = _unary(mt.ErfOp, "erf", "The error function.")
erfc = _unary(mt.ErfcOp, "erfc", "1 - erf(x), accurate where erf(x) is near 1.")
erfinv = _unary(mt.ErfinvOp, "erfinv", "Inverse of erf on [-1, 1] (+-inf at +-1).")
erfcinv = _unary(mt.ErfcinvOp, "erfcinv", "Inverse of erfc on [0, 2] (inf at 0, -inf at 2).")
gamma = _unary(mt.GammaOp, "gamma", "The gamma function (scipy.special.gamma).")
gammaln = _unary(mt.GammalnOp, "gammaln", "log|gamma(x)| (scipy.special.gammaln).")
psi = _unary(mt.PsiOp, "psi", "The digamma function (scipy.special.psi).")
digamma = psi
isnan = _unary(mt.IsNanOp, "isnan", "x is NaN (bool; False for integers).")
isinf = _unary(mt.IsInfOp, "isinf", "x is +inf or -inf (bool; False for integers).")


def arctan2(y: Any, x: Any) -> Variable:
    """The angle of the point (x, y) in [-pi, pi], elementwise (`np.arctan2`)."""
    return elemwise(mt.Arctan2Op, (y, x), "T.arctan2")


_ROUND_MODES = {"half_to_even": round_half_to_even,
                "half_away_from_zero": round_half_away_from_zero}


def round(a: Any, mode: str | None = None) -> Variable:
    """Round to the nearest integral value; `mode` is 'half_to_even' (the default, as
    NumPy's `np.round` and Theano's `T.round`) or 'half_away_from_zero'."""
    fn = _ROUND_MODES.get("half_to_even" if mode is None else mode)
    if fn is None:
        raise ValueError(f"T.round: mode must be 'half_to_even' or 'half_away_from_zero', "
                         f"got {mode!r}" + at())
    return fn(a)


def inv(x: Any) -> Variable:
    """1 / x in floating point (Theano's `T.inv`; integers give floats)."""
    return true_div(1, x)


reciprocal = inv


def _in_float(x: Any) -> Variable:
    """x itself when it is floating point, else x cast by the rule of transcendental
    functions (bool/int8/int16 -> float32, int32/int64 -> float64)."""
    x = as_tensor_variable(x)
    return x if dt.is_float(x.dtype) else cast(x, dt.float_dtype(x.dtype))


def deg2rad(x: Any) -> Variable:
    """Degrees to radians: x * (pi / 180); integers give floats as exp(x) does."""
    return elemwise(mt.MulOp, (_in_float(x), np.pi / 180), "T.deg2rad")


def rad2deg(x: Any) -> Variable:
    """Radians to degrees: x * (180 / pi); integers give floats as exp(x) does."""
    return elemwise(mt.MulOp, (_in_float(x), 180 / np.pi), "T.rad2deg")


__all__ = [
    "floor", "ceil", "trunc", "round", "round_half_to_even", "round_half_away_from_zero",
    "exp2", "log2", "log10", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh",
    "arcsinh", "arccosh", "arctanh", "erf", "erfc", "erfinv", "erfcinv", "gamma", "gammaln",
    "psi", "digamma", "isnan", "isinf", "inv", "reciprocal", "deg2rad", "rad2deg",
]
