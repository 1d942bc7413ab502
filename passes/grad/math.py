"""Differentiation rules of the math family (the float functions of dialects/mt: exp, log,
sqrt, trigonometry, erf, gamma, ...): each entry is g times the derivative, the `PARTIAL`
form of passes/grad/elemwise.py, which serves both pullback and pushforward. Rounding and
classification are piecewise constant (zero gradient); `mt.psi` is marked not
differentiable (its derivative, trigamma, is not an mt op yet)."""

from __future__ import annotations

import math
from typing import Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import Expr, apply, cos, exp, lit, partial, sin, sqrt, unary


def _arctan2(i: int, g: Expr, y: Expr, x: Expr, z: Expr) -> Expr:
    """d/dy atan2(y, x) = x / (x^2 + y^2); d/dx = -y / (x^2 + y^2)."""
    r2 = x * x + y * y
    return g * ((x if i == 0 else -y) / r2)


def psi(e: Expr) -> Expr:
    return apply(mt.PsiOp, e)


SQRT_PI = math.sqrt(math.pi)
LN2, LN10 = math.log(2.0), math.log(10.0)

MATH_PARTIAL: dict[type, Callable] = {
    mt.ExpOp: unary(lambda g, x, z: g * z),
    mt.LogOp: unary(lambda g, x, z: g / x),
    mt.Log1pOp: unary(lambda g, x, z: g / (x + 1)),
    mt.Expm1Op: unary(lambda g, x, z: g * (z + 1)),
    mt.SqrtOp: unary(lambda g, x, z: g / (z * 2)),
    mt.SinOp: unary(lambda g, x, z: g * cos(x)),
    mt.CosOp: unary(lambda g, x, z: g * -sin(x)),
    mt.TanhOp: unary(lambda g, x, z: g * (lit(z, 1.0) - z * z)),
    mt.SigmoidOp: unary(lambda g, x, z: g * (z * (1 - z))),
    mt.Exp2Op: unary(lambda g, x, z: g * (z * LN2)),
    mt.Log2Op: unary(lambda g, x, z: g / (x * LN2)),
    mt.Log10Op: unary(lambda g, x, z: g / (x * LN10)),
    mt.CbrtOp: unary(lambda g, x, z: g / (z * z * 3)),
    mt.TanOp: unary(lambda g, x, z: g * (lit(z, 1.0) + z * z)),
    mt.ArcsinOp: unary(lambda g, x, z: g / sqrt(lit(x, 1.0) - x * x)),
    mt.ArccosOp: unary(lambda g, x, z: -(g / sqrt(lit(x, 1.0) - x * x))),
    mt.ArctanOp: unary(lambda g, x, z: g / (lit(x, 1.0) + x * x)),
    mt.SinhOp: unary(lambda g, x, z: g * apply(mt.CoshOp, x)),
    mt.CoshOp: unary(lambda g, x, z: g * apply(mt.SinhOp, x)),
    mt.ArcsinhOp: unary(lambda g, x, z: g / sqrt(x * x + 1)),
    mt.ArccoshOp: unary(lambda g, x, z: g / sqrt(x * x - 1)),
    mt.ArctanhOp: unary(lambda g, x, z: g / (lit(x, 1.0) - x * x)),
    mt.ErfOp: unary(lambda g, x, z: g * (lit(x, 2.0 / SQRT_PI) * exp(-(x * x)))),
    mt.ErfcOp: unary(lambda g, x, z: g * (lit(x, -2.0 / SQRT_PI) * exp(-(x * x)))),
    mt.ErfinvOp: unary(lambda g, x, z: g * (lit(z, SQRT_PI / 2.0) * exp(z * z))),
    mt.ErfcinvOp: unary(lambda g, x, z: g * (lit(z, -SQRT_PI / 2.0) * exp(z * z))),
    mt.GammaOp: unary(lambda g, x, z: g * (z * psi(x))),
    mt.GammalnOp: unary(lambda g, x, z: g * psi(x)),
    mt.Arctan2Op: partial(_arctan2),
}

MATH_ZERO_GRADIENT_OPS = (mt.FloorOp, mt.CeilOp, mt.TruncOp, mt.RoundHalfToEvenOp,
                          mt.RoundHalfAwayFromZeroOp, mt.IsNanOp, mt.IsInfOp)
MATH_NOT_DIFFERENTIABLE = (mt.PsiOp,)
"""Explicitly without a rule: a gradient through them raises NotDifferentiableError."""
