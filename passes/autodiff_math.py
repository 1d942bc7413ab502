"""Differentiation rules of the elementwise math ops of dialects/mt/elemwise_math.py:
each entry is g times the derivative (`PARTIAL` form of autodiff_mt, which serves both
pullback and pushforward). Rounding and classification are piecewise constant (zero
gradient); `mt.psi` is marked not differentiable (its derivative, trigamma, is not an
mt op yet)."""

from __future__ import annotations

import math
from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.autodiff_core import Builder, Node
from mlc.passes.autodiff_helpers import const, mk


def _times(f: Callable[[Builder, Node, Any, Any], Any]) -> Callable:
    """A unary partial g * f(b, node, x, z) with x the input and z the output."""
    return lambda b, n, i, g: mk(b, mt.MulOp, g, f(b, n, n.inputs[0], n.outputs[0]))


def _over(f: Callable[[Builder, Node, Any, Any], Any]) -> Callable:
    """A unary partial g / f(b, node, x, z)."""
    return lambda b, n, i, g: mk(b, mt.TrueDivOp, g, f(b, n, n.inputs[0], n.outputs[0]))


def _sq(b: Builder, v: Any) -> Any:
    return mk(b, mt.MulOp, v, v)


def _sqrt_1_minus_sq(b: Builder, n: Node, x: Any, z: Any) -> Any:
    return mk(b, mt.SqrtOp, mk(b, mt.SubOp, const(b, 1.0, x), _sq(b, x)))


def _neg(partial: Callable) -> Callable:
    return lambda b, n, i, g: mk(b, mt.NegOp, partial(b, n, i, g))


def _gauss(scale: float) -> Callable[[Builder, Node, Any, Any], Any]:
    """scale * exp(-x^2): the derivative of erf (scale 2/sqrt(pi))."""
    return lambda b, n, x, z: mk(b, mt.MulOp, const(b, scale, x), mk(b, mt.ExpOp, mk(b, mt.NegOp, _sq(b, x))))


def _inv_gauss(scale: float) -> Callable[[Builder, Node, Any, Any], Any]:
    """scale * exp(z^2): the derivative of erfinv at z = erfinv(x) (scale sqrt(pi)/2)."""
    return lambda b, n, x, z: mk(b, mt.MulOp, const(b, scale, z), mk(b, mt.ExpOp, _sq(b, z)))


def _arctan2(b: Builder, n: Node, i: int, g: Any) -> Any:
    """d/dy atan2(y, x) = x / (x^2 + y^2); d/dx = -y / (x^2 + y^2)."""
    y, x = n.inputs
    r2 = mk(b, mt.AddOp, _sq(b, x), _sq(b, y))
    num = x if i == 0 else mk(b, mt.NegOp, y)
    return mk(b, mt.MulOp, g, mk(b, mt.TrueDivOp, num, r2))


SQRT_PI = math.sqrt(math.pi)

MATH_PARTIAL: dict[type, Callable] = {
    mt.Exp2Op: _times(lambda b, n, x, z: mk(b, mt.MulOp, z, const(b, math.log(2.0), z))),
    mt.Log2Op: _over(lambda b, n, x, z: mk(b, mt.MulOp, x, const(b, math.log(2.0), x))),
    mt.Log10Op: _over(lambda b, n, x, z: mk(b, mt.MulOp, x, const(b, math.log(10.0), x))),
    mt.TanOp: _times(lambda b, n, x, z: mk(b, mt.AddOp, const(b, 1.0, z), _sq(b, z))),
    mt.ArcsinOp: _over(_sqrt_1_minus_sq),
    mt.ArccosOp: _neg(_over(_sqrt_1_minus_sq)),
    mt.ArctanOp: _over(lambda b, n, x, z: mk(b, mt.AddOp, const(b, 1.0, x), _sq(b, x))),
    mt.SinhOp: _times(lambda b, n, x, z: mk(b, mt.CoshOp, x)),
    mt.CoshOp: _times(lambda b, n, x, z: mk(b, mt.SinhOp, x)),
    mt.ArcsinhOp: _over(lambda b, n, x, z: mk(b, mt.SqrtOp, mk(b, mt.AddOp, _sq(b, x), const(b, 1.0, x)))),
    mt.ArccoshOp: _over(lambda b, n, x, z: mk(b, mt.SqrtOp, mk(b, mt.SubOp, _sq(b, x), const(b, 1.0, x)))),
    mt.ArctanhOp: _over(lambda b, n, x, z: mk(b, mt.SubOp, const(b, 1.0, x), _sq(b, x))),
    mt.ErfOp: _times(_gauss(2.0 / SQRT_PI)),
    mt.ErfcOp: _times(_gauss(-2.0 / SQRT_PI)),
    mt.ErfinvOp: _times(_inv_gauss(SQRT_PI / 2.0)),
    mt.ErfcinvOp: _times(_inv_gauss(-SQRT_PI / 2.0)),
    mt.GammaOp: _times(lambda b, n, x, z: mk(b, mt.MulOp, z, mk(b, mt.PsiOp, x))),
    mt.GammalnOp: _times(lambda b, n, x, z: mk(b, mt.PsiOp, x)),
    mt.Arctan2Op: _arctan2,
}

MATH_ZERO_GRADIENT_OPS = (mt.FloorOp, mt.CeilOp, mt.TruncOp, mt.RoundHalfToEvenOp,
                          mt.RoundHalfAwayFromZeroOp, mt.IsNanOp, mt.IsInfOp)
MATH_NOT_DIFFERENTIABLE = (mt.PsiOp,)
"""Explicitly without a rule: a gradient through them raises NotDifferentiableError."""
