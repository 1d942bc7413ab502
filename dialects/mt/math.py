"""Elementwise math functions of the `mt` dialect: exponentials and logarithms (`mt.exp`,
`mt.log`, `mt.log1p`, `mt.expm1`, bases 2 and 10), `mt.sqrt`, rounding, trigonometric and
hyperbolic functions and their inverses, `mt.sigmoid`, the special functions of
`scipy.special` (erf family, gamma family, digamma) and the float classifiers
`isnan`/`isinf`.

They subclass the elementwise base classes of `elemwise.py`; only the result dtype rule
differs by kind:

    %y = mt.exp %i : tensor<?xi32> -> tensor<?xf64>          (float rule: int32 -> f64)
    %f = mt.floor %i : tensor<?xi32> -> tensor<?xi32>        (rounding keeps the dtype)
    %e = mt.erfinv %x : tensor<?xf32> -> tensor<?xf32>       (float rule: int8 -> f32)
    %n = mt.isnan %x : tensor<?xf64> -> tensor<?xi1>         (classifiers give bool)

Their semantics are NumPy's (`np.floor`, `np.arctan2`, ...) and `scipy.special`'s
(`erfinv`, `gammaln`, `psi`, ...): runtime/reference_math.py holds them.
"""

from __future__ import annotations

from xdsl.irdl import irdl_op_definition

from mlc.dialects.mt.elemwise import FloatBinaryOp, FloatUnaryOp, UnaryOp


def _same_dtype(dtype: str) -> str:
    return dtype


def _bool_result(dtype: str) -> str:
    return "bool"


class RoundingOp(UnaryOp):
    """Rounding to an integral value. Integer and bool inputs keep their dtype and value,
    as NumPy >= 2.3 does for `np.floor`/`np.ceil`/`np.trunc` and `np.round` does for
    integers (NumPy gives float16 for `np.round` of bool, a dtype mlc lacks: bool stays
    bool). Theano instead computed integer inputs in float; we follow NumPy."""

    DTYPE_RULE = staticmethod(_same_dtype)


class ClassifyOp(UnaryOp):
    """A bool predicate of one float value; integer and bool inputs are never NaN or
    infinite, so the result is all False (NumPy). Computed in the input's own dtype."""

    DTYPE_RULE = staticmethod(_bool_result)


@irdl_op_definition
class ExpOp(FloatUnaryOp):
    """`mt.exp %x`: e**x."""

    name = "mt.exp"

@irdl_op_definition
class LogOp(FloatUnaryOp):
    """`mt.log %x`: natural logarithm."""

    name = "mt.log"

@irdl_op_definition
class Log1pOp(FloatUnaryOp):
    """`mt.log1p %x`: log(1 + x), accurate near 0."""

    name = "mt.log1p"

@irdl_op_definition
class Expm1Op(FloatUnaryOp):
    """`mt.expm1 %x`: exp(x) - 1, accurate near 0."""

    name = "mt.expm1"

@irdl_op_definition
class SqrtOp(FloatUnaryOp):
    """`mt.sqrt %x`: square root."""

    name = "mt.sqrt"

@irdl_op_definition
class SinOp(FloatUnaryOp):
    """`mt.sin %x`: sine."""

    name = "mt.sin"

@irdl_op_definition
class CosOp(FloatUnaryOp):
    """`mt.cos %x`: cosine."""

    name = "mt.cos"

@irdl_op_definition
class TanhOp(FloatUnaryOp):
    """`mt.tanh %x`: hyperbolic tangent."""

    name = "mt.tanh"

@irdl_op_definition
class SigmoidOp(FloatUnaryOp):
    """`mt.sigmoid %x`: 1 / (1 + exp(-x))."""

    name = "mt.sigmoid"

@irdl_op_definition
class FloorOp(RoundingOp):
    """`mt.floor %x`: the largest integral value <= x (`np.floor`)."""

    name = "mt.floor"

@irdl_op_definition
class CeilOp(RoundingOp):
    """`mt.ceil %x`: the smallest integral value >= x (`np.ceil`)."""

    name = "mt.ceil"

@irdl_op_definition
class TruncOp(RoundingOp):
    """`mt.trunc %x`: x rounded towards zero (`np.trunc`)."""

    name = "mt.trunc"

@irdl_op_definition
class RoundHalfToEvenOp(RoundingOp):
    """`mt.round_half_to_even %x`: nearest integral value, ties to even (`np.round`,
    Theano's default `T.round` mode)."""

    name = "mt.round_half_to_even"

@irdl_op_definition
class RoundHalfAwayFromZeroOp(RoundingOp):
    """`mt.round_half_away_from_zero %x`: nearest integral value, ties away from zero
    (C's `round`)."""

    name = "mt.round_half_away_from_zero"

@irdl_op_definition
class Exp2Op(FloatUnaryOp):
    """`mt.exp2 %x`: 2**x."""

    name = "mt.exp2"

@irdl_op_definition
class Log2Op(FloatUnaryOp):
    """`mt.log2 %x`: base-2 logarithm."""

    name = "mt.log2"

@irdl_op_definition
class CbrtOp(FloatUnaryOp):
    """`mt.cbrt %x`: cube root (real, so negative for x < 0)."""

    name = "mt.cbrt"

@irdl_op_definition
class Log10Op(FloatUnaryOp):
    """`mt.log10 %x`: base-10 logarithm."""

    name = "mt.log10"

@irdl_op_definition
class TanOp(FloatUnaryOp):
    """`mt.tan %x`: tangent."""

    name = "mt.tan"

@irdl_op_definition
class ArcsinOp(FloatUnaryOp):
    """`mt.arcsin %x`: inverse sine, NaN outside [-1, 1]."""

    name = "mt.arcsin"

@irdl_op_definition
class ArccosOp(FloatUnaryOp):
    """`mt.arccos %x`: inverse cosine, NaN outside [-1, 1]."""

    name = "mt.arccos"

@irdl_op_definition
class ArctanOp(FloatUnaryOp):
    """`mt.arctan %x`: inverse tangent."""

    name = "mt.arctan"

@irdl_op_definition
class SinhOp(FloatUnaryOp):
    """`mt.sinh %x`: hyperbolic sine."""

    name = "mt.sinh"

@irdl_op_definition
class CoshOp(FloatUnaryOp):
    """`mt.cosh %x`: hyperbolic cosine."""

    name = "mt.cosh"

@irdl_op_definition
class ArcsinhOp(FloatUnaryOp):
    """`mt.arcsinh %x`: inverse hyperbolic sine."""

    name = "mt.arcsinh"

@irdl_op_definition
class ArccoshOp(FloatUnaryOp):
    """`mt.arccosh %x`: inverse hyperbolic cosine, NaN below 1."""

    name = "mt.arccosh"

@irdl_op_definition
class ArctanhOp(FloatUnaryOp):
    """`mt.arctanh %x`: inverse hyperbolic tangent, +-inf at +-1, NaN outside [-1, 1]."""

    name = "mt.arctanh"

@irdl_op_definition
class ErfOp(FloatUnaryOp):
    """`mt.erf %x`: the error function."""

    name = "mt.erf"

@irdl_op_definition
class ErfcOp(FloatUnaryOp):
    """`mt.erfc %x`: 1 - erf(x), accurate where erf(x) is near 1."""

    name = "mt.erfc"

@irdl_op_definition
class ErfinvOp(FloatUnaryOp):
    """`mt.erfinv %x`: inverse of erf on [-1, 1] (+-inf at +-1, NaN outside)."""

    name = "mt.erfinv"

@irdl_op_definition
class ErfcinvOp(FloatUnaryOp):
    """`mt.erfcinv %x`: inverse of erfc on [0, 2] (inf at 0, -inf at 2, NaN outside)."""

    name = "mt.erfcinv"

@irdl_op_definition
class GammaOp(FloatUnaryOp):
    """`mt.gamma %x`: the gamma function (`scipy.special.gamma`: +-inf at +-0, NaN at
    negative integers and -inf)."""

    name = "mt.gamma"

@irdl_op_definition
class GammalnOp(FloatUnaryOp):
    """`mt.gammaln %x`: log|gamma(x)| (`scipy.special.gammaln`: inf at the poles)."""

    name = "mt.gammaln"

@irdl_op_definition
class PsiOp(FloatUnaryOp):
    """`mt.psi %x`: the digamma function d/dx log gamma(x) (`scipy.special.psi`: -inf at
    +0, inf at -0, NaN at negative integers and -inf)."""

    name = "mt.psi"

@irdl_op_definition
class Arctan2Op(FloatBinaryOp):
    """`mt.arctan2 %y, %x`: the angle of the point (x, y), in [-pi, pi] (`np.arctan2`).

        %a = mt.arctan2 %y, %x : tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
    """

    name = "mt.arctan2"

@irdl_op_definition
class IsNanOp(ClassifyOp):
    """`mt.isnan %x`: x is NaN (bool)."""

    name = "mt.isnan"

@irdl_op_definition
class IsInfOp(ClassifyOp):
    """`mt.isinf %x`: x is +inf or -inf (bool)."""

    name = "mt.isinf"


ROUNDING_OPS = (FloorOp, CeilOp, TruncOp, RoundHalfToEvenOp, RoundHalfAwayFromZeroOp)
SPECIAL_OPS = (ErfcOp, ErfinvOp, ErfcinvOp, GammaOp, GammalnOp, PsiOp)
"""The functions that xDSL's `math` dialect lacks: they lower to `loop.special`."""
MATH_UNARY_OPS = ((ExpOp, LogOp, Log1pOp, Expm1Op, SqrtOp, SinOp, CosOp, TanhOp, SigmoidOp)
                  + ROUNDING_OPS
                  + (Exp2Op, Log2Op, Log10Op, CbrtOp, TanOp, ArcsinOp, ArccosOp, ArctanOp, SinhOp, CoshOp,
                     ArcsinhOp, ArccoshOp, ArctanhOp, ErfOp)
                  + SPECIAL_OPS + (IsNanOp, IsInfOp))
MATH_BINARY_OPS = (Arctan2Op,)
MATH_OPS = MATH_UNARY_OPS + MATH_BINARY_OPS
