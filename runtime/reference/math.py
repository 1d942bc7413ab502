"""NumPy / scipy.special semantics of the math family (the ops of
passes/mt_to_loop/math.py): exponentials, logarithms, trigonometric and hyperbolic
functions, sigmoid, rounding, the special functions and the float classifiers.

Operands arrive already converted to the computation dtype (`core.computation_operands`:
floats for the float-rule functions, the input dtype for rounding and classifiers).
`scipy.special` is imported on first use, so importing the compiler stays light.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from mlc.dialects import mt
from mlc.runtime.reference.core import Ref


def _scipy(name: str) -> Callable[[np.ndarray], np.ndarray]:
    def ref(x: np.ndarray) -> np.ndarray:
        import scipy.special
        return getattr(scipy.special, name)(x).astype(x.dtype, copy=False)
    ref.__name__ = name
    return ref


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (1 / (1 + np.exp(-x))).astype(x.dtype)


def _rounding(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """Integers and bool are already integral: they keep dtype and value."""
    return lambda x: fn(x) if x.dtype.kind == "f" else x.copy()


def _round_half_away_from_zero(x: np.ndarray) -> np.ndarray:
    """C's round(): |x| + 0.5 floored would round 0.49999999999999994 up, so snap
    by comparing the fractional part with 0.5 instead."""
    a = np.abs(x)
    f = np.floor(a)
    return np.copysign(np.where(a - f >= 0.5, f + 1, f), x)


MATH_REFERENCE: dict[type, Ref] = {
    mt.ExpOp: np.exp, mt.LogOp: np.log, mt.Log1pOp: np.log1p, mt.Expm1Op: np.expm1,
    mt.SqrtOp: np.sqrt, mt.SinOp: np.sin, mt.CosOp: np.cos, mt.TanhOp: np.tanh,
    mt.SigmoidOp: _sigmoid,
    mt.FloorOp: _rounding(np.floor), mt.CeilOp: _rounding(np.ceil),
    mt.TruncOp: _rounding(np.trunc), mt.RoundHalfToEvenOp: _rounding(np.rint),
    mt.RoundHalfAwayFromZeroOp: _rounding(_round_half_away_from_zero),
    mt.Exp2Op: np.exp2, mt.Log2Op: np.log2, mt.Log10Op: np.log10, mt.CbrtOp: np.cbrt,
    mt.TanOp: np.tan, mt.ArcsinOp: np.arcsin, mt.ArccosOp: np.arccos, mt.ArctanOp: np.arctan,
    mt.SinhOp: np.sinh, mt.CoshOp: np.cosh, mt.ArcsinhOp: np.arcsinh,
    mt.ArccoshOp: np.arccosh, mt.ArctanhOp: np.arctanh,
    mt.ErfOp: _scipy("erf"), mt.ErfcOp: _scipy("erfc"), mt.ErfinvOp: _scipy("erfinv"),
    mt.ErfcinvOp: _scipy("erfcinv"), mt.GammaOp: _scipy("gamma"),
    mt.GammalnOp: _scipy("gammaln"), mt.PsiOp: _scipy("psi"),
    mt.Arctan2Op: np.arctan2,
    mt.IsNanOp: np.isnan, mt.IsInfOp: np.isinf,
}
