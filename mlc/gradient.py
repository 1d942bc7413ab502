"""Symbolic differentiation of frontend graphs: `grad`, `Lop`, `Rop`, `jacobian`,
`hessian`, `verify_grad` and the gradient-only ops `grad_clip`, `disconnected_grad`,
`zero_grad`.

The walks and per-op rules are those of `mlc.passes.grad` (core.py and one module per
op family), which the `autodiff` pass applies to `ad.vjp`/`ad.jvp` IR. Here they run on
the light frontend graph, so `mlc.grad` returns a symbolic variable at once (errors such
as a disconnected input raise at the call, as in Theano) and grad of grad works.

The Jacobian of a vector is one gradient per element: stacked at build time when the
length is static, and computed by an `mt.map` loop in compiled code (`map_rows`, one
gradient of y[i] per index i) when the length is known only at run time. `verify_grad`
compares `grad` with central finite differences of compiled functions.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional, Sequence

import numpy as np

from mlc.compile import function
from mlc.config import config
from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.srcloc import describe
from mlc.tensor.basic import as_tensor_variable, constant
from mlc.tensor.graph import toposort
from mlc.tensor.map import map_rows
from mlc.tensor.structure import stack
from mlc.tensor.type import TensorType
from mlc.tensor.variable import Variable, apply

__all__ = ["grad", "Lop", "Rop", "jacobian", "hessian", "verify_grad", "grad_clip",
           "disconnected_grad", "zero_grad", "DisconnectedInputError", "GradientError",
           "NotDifferentiableError"]  # noqa: F822 (loaded on first use by __getattr__)



def __getattr__(name: str) -> Any:
    # The rule tables live in mlc.passes; load them on first use so `import mlc` stays light.
    if name == "NotDifferentiableError":
        from mlc.passes.grad.core import NotDifferentiableError
        return NotDifferentiableError
    raise AttributeError(name)


def _core() -> Any:
    from mlc.passes.grad import core as autodiff_core
    return autodiff_core


def _tables() -> tuple[dict, dict]:
    from mlc.passes.grad import PULLBACK, PUSHFORWARD
    return PULLBACK, PUSHFORWARD


class DisconnectedInputError(ValueError):
    """A variable we differentiate with respect to is not part of the cost's graph."""


class FrontendBuilder:
    """Lets the shared autodiff rules build frontend nodes (see autodiff_core.Builder)."""

    def __init__(self, fn: str):
        self.fn = fn
        self.loc: Any = None

    def make(self, op: type, inputs: Sequence[Variable], **params: Any) -> Variable:
        return apply(op, list(inputs), self.fn, loc=self.loc, **params)

    def type_of(self, v: Variable) -> Any:
        return v.type.mt

    def constant(self, value: np.ndarray) -> Variable:
        return constant(value)

    def at(self, loc: Any) -> None:
        self.loc = loc

    def producer(self, v: Variable) -> Optional[tuple[type, list[Variable], dict[str, Any]]]:
        node = v.owner
        return None if node is None else (node.op, list(node.inputs), node.params)


def _as_list(x: Any) -> tuple[list[Any], bool]:
    if isinstance(x, (list, tuple)):
        return list(x), False
    return [x], True


def _check_wrt(wrt: Sequence[Any], fn: str) -> None:
    for i, w in enumerate(wrt):
        if not isinstance(w, Variable):
            raise TypeError(f"{fn}: wrt[{i}] is {w!r}, not a symbolic variable")


def _name(v: Variable) -> str:
    return repr(v.name) if v.name else f"the variable created at {describe(v.loc)}"


def _zeros_like(b: FrontendBuilder, w: Variable) -> Variable:
    dtype = w.dtype if dt.is_float(w.dtype) else config.floatX
    core = _core()
    return core.materialize(b, core.ZERO, w, dtype)


def _finish(b: FrontendBuilder, g: Any, w: Variable, policy: str, ret: str, fn: str) -> Any:
    core = _core()
    if g is None:
        msg = (f"{fn}: the cost does not depend on {_name(w)} (wrt); pass "
               "disconnected_inputs='ignore' or 'warn' to get zeros instead")
        if policy == "raise":
            raise DisconnectedInputError(msg)
        if policy == "warn":
            warnings.warn(msg, stacklevel=3)
        return None if ret in ("None", "Disconnected") else _zeros_like(b, w)
    if g is core.ZERO or not dt.is_float(w.dtype):
        return _zeros_like(b, w)
    return g if g.dtype == w.dtype else b.make(mt.CastOp, [g], dtype=w.dtype)


def _pull(fn: str, seeds: list[tuple[Variable, Variable]], wrt: list[Variable],
          consider_constant: Optional[Sequence[Variable]]) -> tuple[FrontendBuilder, list[Any]]:
    stop = frozenset(consider_constant or ())
    nodes = toposort([s[0] for s in seeds], stop=stop)
    b = FrontendBuilder(fn)
    return b, _core().vjp(b, nodes, seeds, wrt, _tables()[0], stop)


def grad(cost: Any, wrt: Any, consider_constant: Optional[Sequence[Variable]] = None,
         disconnected_inputs: str = "raise", add_names: bool = True,
         known_grads: Optional[dict] = None, return_disconnected: str = "zero",
         null_gradients: str = "raise") -> Any:
    """d cost / d wrt for a scalar cost (Theano's `grad`). `known_grads` maps
    intermediate variables to gradients to start from (cost may then be None)."""
    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError(f"mlc.grad: disconnected_inputs must be 'raise', 'warn' or 'ignore', "
                         f"got {disconnected_inputs!r}")
    wrt_list, single = _as_list(wrt)
    _check_wrt(wrt_list, "mlc.grad")
    seeds = []
    if cost is not None:
        cost = as_tensor_variable(cost)
        if cost.ndim != 0:
            raise TypeError(f"mlc.grad: the cost must be a scalar, got {_name(cost)} with "
                            f"ndim {cost.ndim}; take its sum() or use Lop/jacobian")
        dtype = cost.dtype if dt.is_float(cost.dtype) else config.floatX
        seeds.append((cost, constant(np.array(1, dtype=dtype))))
    elif not known_grads:
        raise ValueError("mlc.grad: cost is None and no known_grads were given")
    for var, g in (known_grads or {}).items():
        seeds.append((var, as_tensor_variable(g)))
    b, grads = _pull("mlc.grad", seeds, wrt_list, consider_constant)
    out = [_finish(b, g, w, disconnected_inputs, return_disconnected, "mlc.grad")
           for g, w in zip(grads, wrt_list)]
    if add_names and cost is not None and cost.name:
        for g, w in zip(out, wrt_list):
            if g is not None and w.name and g.name is None:
                g.name = f"(d{cost.name}/d{w.name})"
    return out[0] if single else out


def Lop(f: Any, wrt: Any, eval_points: Any, consider_constant: Optional[Sequence[Variable]] = None,
        disconnected_inputs: str = "raise") -> Any:  # noqa: N802 (Theano's name)
    """Vector-Jacobian product: sum_k eval_points[k]^T d f[k] / d wrt."""
    fs, _ = _as_list(f)
    points, _ = _as_list(eval_points)
    if len(fs) != len(points):
        raise ValueError(f"mlc.Lop: {len(fs)} outputs but {len(points)} eval_points")
    seeds = []
    for i, (o, p) in enumerate(zip(fs, points)):
        p = as_tensor_variable(p)
        if p.ndim != o.ndim:
            raise TypeError(f"mlc.Lop: eval_points[{i}] has ndim {p.ndim}, its output has {o.ndim}")
        seeds.append((o, p))
    wrt_list, single = _as_list(wrt)
    _check_wrt(wrt_list, "mlc.Lop")
    b, grads = _pull("mlc.Lop", seeds, wrt_list, consider_constant)
    out = [_finish(b, g, w, disconnected_inputs, "zero", "mlc.Lop") for g, w in zip(grads, wrt_list)]
    return out[0] if single else out


def Rop(f: Any, wrt: Any, eval_points: Any, disconnected_outputs: str = "raise",
        return_disconnected: str = "zero") -> Any:  # noqa: N802 (Theano's name)
    """Jacobian-vector product: d f / d wrt . eval_points, one result per output."""
    fs, single = _as_list(f)
    wrt_list, _ = _as_list(wrt)
    points, _ = _as_list(eval_points)
    _check_wrt(wrt_list, "mlc.Rop")
    if len(wrt_list) != len(points):
        raise ValueError(f"mlc.Rop: {len(wrt_list)} wrt but {len(points)} eval_points")
    tangents = {}
    for i, (w, p) in enumerate(zip(wrt_list, points)):
        p = as_tensor_variable(p)
        if p.ndim != w.ndim:
            raise TypeError(f"mlc.Rop: eval_points[{i}] has ndim {p.ndim}, wrt[{i}] has {w.ndim}")
        tangents[w] = p
    b = FrontendBuilder("mlc.Rop")
    outs = _core().jvp(b, toposort(fs), tangents, fs, _tables()[1])
    out = [_finish(b, t, o, disconnected_outputs, return_disconnected, "mlc.Rop")
           for t, o in zip(outs, fs)]
    return out[0] if single else out


def grad_clip(x: Any, lower_bound: float, upper_bound: float) -> Variable:
    """x, whose gradient is clipped to [lower_bound, upper_bound] on the way back."""
    x = as_tensor_variable(x)
    lo = constant(np.array(lower_bound, dtype=x.dtype))
    hi = constant(np.array(upper_bound, dtype=x.dtype))
    return apply(mt.GradClipOp, [x, lo, hi], "grad_clip")


def disconnected_grad(x: Any) -> Variable:
    """x, through which no gradient flows (a wrt reached only through it is disconnected)."""
    return apply(mt.DisconnectedGradOp, [as_tensor_variable(x)], "disconnected_grad")


def zero_grad(x: Any) -> Variable:
    """x, whose gradient is zero (but connected)."""
    return apply(mt.ZeroGradOp, [as_tensor_variable(x)], "zero_grad")


def jacobian(expression: Any, wrt: Any, consider_constant: Optional[Sequence[Variable]] = None,
             disconnected_inputs: str = "raise") -> Any:
    """d expression[i] / d wrt[j...]: shape expression.shape + wrt.shape (Theano's)."""
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
    shape = np.shape(function(inputs, out, mode=mode)(*pt))
    for _ in range(n_tests):
        proj = constant(rng.random(shape).astype(out.dtype) + 0.5)
        cost = (out * proj).sum()
        analytic = function(inputs, grad(cost, inputs), mode=mode)(*pt)
        numeric = _numeric_grad(function(inputs, cost, mode=mode), pt, eps)
        for i, (a, n) in enumerate(zip(analytic, numeric)):
            abs_err = np.abs(a - n)
            rel_err = abs_err / np.maximum(np.abs(a) + np.abs(n), 1e-300)
            bad = (abs_err > abs_tol) & (rel_err > rel_tol)
            if bad.any():
                raise GradientError(i, float(abs_err.max()), float(rel_err.max()), abs_tol, rel_tol)
