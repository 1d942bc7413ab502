"""`jacobian`, `hessian` (built from `grad`) and `verify_grad` (finite differences).

The Jacobian of a vector is one gradient per element: stacked at build time when the
length is static, and computed by an `mt.map` loop in compiled code (`map_rows`, one
gradient of y[i] per index i) when the length is known only at run time.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.tensor.basic import as_tensor_variable, constant
from mlc.tensor.map import map_rows
from mlc.tensor.structure2 import stack
from mlc.tensor.variable import Variable

__all__ = ["jacobian", "hessian", "verify_grad", "GradientError"]


def jacobian(expression: Any, wrt: Any, consider_constant: Optional[Sequence[Variable]] = None,
             disconnected_inputs: str = "raise") -> Any:
    """d expression[i] / d wrt[j...]: shape expression.shape + wrt.shape (Theano's)."""
    from mlc.gradient import grad

    expression = as_tensor_variable(expression)
    single = not isinstance(wrt, (list, tuple))
    wrt_list = [wrt] if single else list(wrt)
    if expression.ndim == 0:
        out = grad(expression, wrt_list, consider_constant, disconnected_inputs)
        return out[0] if single else out
    if expression.ndim != 1:
        raise TypeError(f"mlc.gradient.jacobian: the expression must be a scalar or a vector, "
                        f"got ndim {expression.ndim}")
    n = expression.type.dims[0]
    if n >= 0:
        per_row = [grad(expression[i], wrt_list, consider_constant, disconnected_inputs)
                   for i in range(n)]
        out = [stack([row[k] for row in per_row]) for k in range(len(wrt_list))]
    else:
        out = [map_rows(expression.shape[0], w,
                        lambda i, w=w: grad(expression[i], w, consider_constant, disconnected_inputs))
               for w in wrt_list]
    return out[0] if single else out


def hessian(cost: Any, wrt: Any, consider_constant: Optional[Sequence[Variable]] = None,
            disconnected_inputs: str = "raise") -> Any:
    """The matrix of second derivatives of a scalar cost, per (vector) wrt."""
    from mlc.gradient import grad

    single = not isinstance(wrt, (list, tuple))
    wrt_list = [wrt] if single else list(wrt)
    out = []
    for w in wrt_list:
        if w.ndim != 1:
            raise TypeError(f"mlc.gradient.hessian: wrt must be vectors, got ndim {w.ndim}")
        g = grad(cost, w, consider_constant, disconnected_inputs)
        out.append(jacobian(g, w, consider_constant, disconnected_inputs))
    return out[0] if single else out


class GradientError(ValueError):
    """verify_grad found an analytic gradient that disagrees with finite differences."""

    def __init__(self, arg: int, abs_err: float, rel_err: float, abs_tol: float, rel_tol: float):
        super().__init__(f"verify_grad: the gradient of argument {arg} disagrees with finite "
                         f"differences: max abs error {abs_err:.3g} (tol {abs_tol:.3g}), max "
                         f"rel error {rel_err:.3g} (tol {rel_tol:.3g})")
        self.arg, self.abs_err, self.rel_err = arg, abs_err, rel_err
        self.abs_tol, self.rel_tol = abs_tol, rel_tol


_TOL = {"float64": (1e-7, 1e-4, 1e-4), "float32": (3e-3, 1e-2, 1e-2)}
"""eps, abs_tol, rel_tol by dtype (Theano's defaults, central differences here)."""


def _numeric_grad(cost: Callable, pt: list[np.ndarray], eps: float) -> list[np.ndarray]:
    out = []
    for i, p in enumerate(pt):
        g = np.zeros(p.shape, dtype=np.float64)
        for idx in np.ndindex(*p.shape):
            args = [q.copy() for q in pt]
            args[i][idx] = p[idx] + eps
            hi = float(cost(*args))
            args[i][idx] = p[idx] - eps
            lo = float(cost(*args))
            g[idx] = (hi - lo) / (2 * eps)
        out.append(g)
    return out


def verify_grad(fun: Callable, pt: Sequence[Any], n_tests: int = 2,
                rng: Optional[np.random.Generator] = None, eps: Optional[float] = None,
                abs_tol: Optional[float] = None, rel_tol: Optional[float] = None,
                mode: Optional[str] = None) -> None:
    """Check `mlc.grad` of fun at the point pt against central finite differences of
    a random projection of fun's output (Theano's verify_grad); raise GradientError."""
    import mlc
    from mlc.gradient import grad
    from mlc.tensor.type import TensorType

    pt = [np.array(p, dtype=np.result_type(p, np.float64) if np.asarray(p).dtype.kind in "biu"
                   else np.asarray(p).dtype) for p in pt]
    rng = rng if rng is not None else np.random.default_rng(42)
    dtype = dt.upcast(*(p.dtype.name for p in pt))
    d_eps, d_abs, d_rel = _TOL.get(dtype, _TOL["float64"])
    eps, abs_tol, rel_tol = eps or d_eps, abs_tol or d_abs, rel_tol or d_rel
    # size-1 dims of the point are broadcastable, the others dynamic
    inputs = [TensorType(p.dtype.name, shape=tuple(1 if n == 1 else None for n in p.shape))(f"x{i}")
              for i, p in enumerate(pt)]
    out = as_tensor_variable(fun(*inputs))
    shape = np.shape(mlc.function(inputs, out, mode=mode)(*pt))
    for _ in range(n_tests):
        proj = constant(rng.random(shape).astype(out.dtype) + 0.5)
        cost = (out * proj).sum()
        analytic = mlc.function(inputs, grad(cost, inputs), mode=mode)(*pt)
        numeric = _numeric_grad(mlc.function(inputs, cost, mode=mode), pt, eps)
        for i, (a, n) in enumerate(zip(analytic, numeric)):
            abs_err = np.abs(a - n)
            rel_err = abs_err / np.maximum(np.abs(a) + np.abs(n), 1e-300)
            bad = (abs_err > abs_tol) & (rel_err > rel_tol)
            if bad.any():
                raise GradientError(i, float(abs_err.max()), float(rel_err.max()), abs_tol, rel_tol)
