"""The math family of the frontend: exponentials and logarithms, trigonometric and
hyperbolic functions, `T.sigmoid`, rounding, the special functions and the float
classifiers (`T.exp`, `T.log1p`, `T.floor`, `T.round`, `T.erfinv`, `T.gammaln`,
`T.psi`, `T.isnan`, ...) with Theano's names and signatures.

Each builds one `mt` op, except `inv`/`reciprocal` (1 / x) and `deg2rad`/`rad2deg`
(a product with a constant, as in Theano), which are built from elemwise ops. Result
dtypes come from the op classes: rounding keeps integer dtypes, transcendental
functions compute integers in float (int8/int16 -> float32), `isnan` and `isinf` give
bool.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.srcloc import at
from mlc.tensor.basic import as_tensor_variable, elemwise, unary_function
from mlc.tensor.elemwise import cast, true_div
from mlc.tensor.variable import Variable


exp = unary_function(mt.ExpOp, "exp", "e**x.")
log = unary_function(mt.LogOp, "log", "Natural logarithm.")
log1p = unary_function(mt.Log1pOp, "log1p", "log(1 + x), accurate near 0.")
expm1 = unary_function(mt.Expm1Op, "expm1", "exp(x) - 1, accurate near 0.")
sqrt = unary_function(mt.SqrtOp, "sqrt", "Square root.")
sin = unary_function(mt.SinOp, "sin", "Sine.")
cos = unary_function(mt.CosOp, "cos", "Cosine.")
tanh = unary_function(mt.TanhOp, "tanh", "Hyperbolic tangent.")
sigmoid = unary_function(mt.SigmoidOp, "sigmoid", "1 / (1 + exp(-x)).")
floor = unary_function(mt.FloorOp, "floor", "Largest integral value <= x; integers keep their dtype.")
ceil = unary_function(mt.CeilOp, "ceil", "Smallest integral value >= x; integers keep their dtype.")
trunc = unary_function(mt.TruncOp, "trunc", "x rounded towards zero; integers keep their dtype.")
round_half_to_even = unary_function(mt.RoundHalfToEvenOp, "round_half_to_even",
                            "Nearest integral value, ties to even (np.round).")
round_half_away_from_zero = unary_function(mt.RoundHalfAwayFromZeroOp, "round_half_away_from_zero",
                                   "Nearest integral value, ties away from zero.")
exp2 = unary_function(mt.Exp2Op, "exp2", "2**x.")
log2 = unary_function(mt.Log2Op, "log2", "Base-2 logarithm.")
log10 = unary_function(mt.Log10Op, "log10", "Base-10 logarithm.")
cbrt = unary_function(mt.CbrtOp, "cbrt", "Cube root (negative for x < 0, as np.cbrt).")
tan = unary_function(mt.TanOp, "tan", "Tangent.")
arcsin = unary_function(mt.ArcsinOp, "arcsin", "Inverse sine (NaN outside [-1, 1]).")
arccos = unary_function(mt.ArccosOp, "arccos", "Inverse cosine (NaN outside [-1, 1]).")
arctan = unary_function(mt.ArctanOp, "arctan", "Inverse tangent.")
sinh = unary_function(mt.SinhOp, "sinh", "Hyperbolic sine.")
cosh = unary_function(mt.CoshOp, "cosh", "Hyperbolic cosine.")
arcsinh = unary_function(mt.ArcsinhOp, "arcsinh", "Inverse hyperbolic sine.")
arccosh = unary_function(mt.ArccoshOp, "arccosh", "Inverse hyperbolic cosine (NaN below 1).")
arctanh = unary_function(mt.ArctanhOp, "arctanh", "Inverse hyperbolic tangent (+-inf at +-1).")
erf = unary_function(mt.ErfOp, "erf", "The error function.")
erfc = unary_function(mt.ErfcOp, "erfc", "1 - erf(x), accurate where erf(x) is near 1.")
erfinv = unary_function(mt.ErfinvOp, "erfinv", "Inverse of erf on [-1, 1] (+-inf at +-1).")
erfcinv = unary_function(mt.ErfcinvOp, "erfcinv", "Inverse of erfc on [0, 2] (inf at 0, -inf at 2).")
gamma = unary_function(mt.GammaOp, "gamma", "The gamma function (scipy.special.gamma).")
gammaln = unary_function(mt.GammalnOp, "gammaln", "log|gamma(x)| (scipy.special.gammaln).")
psi = unary_function(mt.PsiOp, "psi", "The digamma function (scipy.special.psi).")
digamma = psi
isnan = unary_function(mt.IsNanOp, "isnan", "x is NaN (bool; False for integers).")
isinf = unary_function(mt.IsInfOp, "isinf", "x is +inf or -inf (bool; False for integers).")


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
    "exp", "log", "log1p", "expm1", "sqrt", "sin", "cos", "tanh", "sigmoid", "floor",
    "ceil", "trunc", "round", "round_half_to_even", "round_half_away_from_zero", "exp2",
    "log2", "log10", "cbrt", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh",
    "arcsinh", "arccosh", "arctanh", "erf", "erfc", "erfinv", "erfcinv", "gamma", "gammaln",
    "psi", "digamma", "isnan", "isinf", "inv", "reciprocal", "deg2rad", "rad2deg",
]
