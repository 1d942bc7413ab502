"""Differentiation rules of the nnet ops (dialects/mt/nnet.py) and the composite
pullbacks that keep gradients of log-of-probability expressions finite. Merged into
the tables of passes/grad/__init__.py (which imports this module; it imports only core).

Rules of the ops, with s = softmax(x), l = log_softmax(x), p = exp(x - logsumexp(x)):

    softplus      g * sigmoid(x)
    softmax       s * (g - sum(g * s, axis))           tangent  s * (t - sum(s * t, axis))
    log_softmax   g - exp(l) * sum(g, axis)            tangent  t - sum(exp(l) * t, axis)
    logsumexp     g * p (g re-expanded over axes)      tangent  sum(t * p, axes)
    one_hot       disconnected (integer labels)

Composite pullbacks (`COMPOSITE_PULLBACK`, consulted by the pullbacks of `mt.log` and
`mt.log1p`): the chain rule through log(softmax(x)) computes g / s, which is inf where
a probability underflows to 0, and then 0 * inf = NaN. When the log's input was made by
one of the ops below (`Builder.producer`), the log and its producer are differentiated
as one function, whose gradient never divides by a probability:

    log(softmax(x))         g - s * sum(g, axis)           (the log_softmax pullback)
    log(sigmoid(x))         g * sigmoid(-x)
    log(1 - sigmoid(x))     -g * sigmoid(x)
    log(1 + exp(x))         g * sigmoid(x)                 (also exp(x) + 1, log1p(exp(x)))
    log(sum(exp(x), axes))  g * exp(x - logsumexp(x))

The answer is a `core.Bypass`: the gradient goes straight to x, skipping the
producer (and any intermediate value), unless one of the skipped values is held
constant, in which case the plain chain rule applies. The forward values of the same
expressions are made finite by the `stabilize` pass; in forward mode, the tangent of
log(softmax(x)) is t_s / s with t_s = s * (...), which `canonicalize` cancels.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.grad.builder import Expr, apply, exp, sigmoid, unary
from mlc.passes.grad.core import ZERO, Builder, Bypass, Node

Found = Optional[tuple[list[tuple[Any, Any]], tuple[Any, ...]]]
"""A composite's answer: ([(x, gradient of x)], intermediate values it skipped), or None
when the producer does not have the composite's full form."""


# -- helpers --------------------------------------------------------------------------------
def _mk(b: Builder, op: type, *inputs: Any, **params: Any) -> Any:
    return b.make(op, list(inputs), **params)


def _dtype(b: Builder, v: Any) -> str:
    return dt.dtype_of(b.type_of(v))


def _rank(b: Builder, v: Any) -> int:
    return len(dt.shape_of(b.type_of(v)))


def _cast(b: Builder, v: Any, like: Any) -> Any:
    to = _dtype(b, like)
    return v if _dtype(b, v) == to else _mk(b, mt.CastOp, v, dtype=to)


def _expand(b: Builder, v: Any, axes: tuple[int, ...], rank: int) -> Any:
    """Re-insert the reduced `axes` of v as broadcastable dims."""
    if not axes:
        return v
    kept = iter(range(rank - len(axes)))
    return _mk(b, mt.DimShuffleOp, v, pattern=tuple(-1 if a in axes else next(kept) for a in range(rank)))


def _sum_keep(b: Builder, v: Any, axes: tuple[int, ...]) -> Any:
    """sum(v, axes) with the axes kept (size 1)."""
    return _expand(b, _mk(b, mt.SumOp, v, axes=axes), axes, _rank(b, v))


def _active(t: Any) -> bool:
    return t is not None and t is not ZERO


def constant_value(b: Builder, v: Any) -> Optional[np.ndarray]:
    """The literal behind v, if v is a constant: an `mt.constant` op in IR, or a frontend
    constant (a leaf holding its array as `data`)."""
    p = b.producer(v)
    if p is None:
        data = getattr(v, "data", None)
        return data if isinstance(data, np.ndarray) else None
    owner = getattr(v, "owner", None)
    return owner.array() if p[0] is mt.ConstantOp and hasattr(owner, "array") else None


def _same_shape(b: Builder, u: Any, v: Any) -> bool:
    """Whether u reaches v without broadcasting (a larger constant would change the shape)."""
    return dt.shape_of(b.type_of(u)) == dt.shape_of(b.type_of(v))


def _is_one(b: Builder, v: Any) -> bool:
    c = constant_value(b, v)
    return c is not None and bool(np.all(c == 1))


# -- the ops' own rules -------------------------------------------------------------------
def _sum_keep_e(e: Expr, axes: tuple[int, ...]) -> Expr:
    return Expr(e.b, _sum_keep(e.b, e.v, axes))


def _expand_e(e: Expr, axes: tuple[int, ...], like: Expr) -> Expr:
    return Expr(e.b, _expand(e.b, e.v, axes, _rank(e.b, like.v)))


def _softmax_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    s, axes = Expr(b, n.outputs[0]), (n.params["axis"],)
    g = Expr(b, _cast(b, gouts[0], s.v))
    return [(s * (g - _sum_keep_e(g * s, axes))).v]


def _softmax_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    if not _active(tins[0]):
        return [None]
    s, axes = Expr(b, n.outputs[0]), (n.params["axis"],)
    t = Expr(b, _cast(b, tins[0], s.v))
    return [(s * (t - _sum_keep_e(s * t, axes))).v]


def _log_softmax_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    out, axes = Expr(b, n.outputs[0]), (n.params["axis"],)
    g = Expr(b, _cast(b, gouts[0], out.v))
    return [(g - exp(out) * _sum_keep_e(g, axes)).v]


def _log_softmax_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    if not _active(tins[0]):
        return [None]
    out, axes = Expr(b, n.outputs[0]), (n.params["axis"],)
    t = Expr(b, _cast(b, tins[0], out.v))
    return [(t - _sum_keep_e(exp(out) * t, axes)).v]


def _lse_weights(x: Expr, out: Expr, axes: tuple[int, ...]) -> Expr:
    """exp(x - logsumexp(x)): the softmax over `axes`, at x's shape."""
    return exp(x - _expand_e(out, axes, x))


def _logsumexp_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, out, axes = Expr(b, n.inputs[0]), Expr(b, n.outputs[0]), n.params["axes"]
    g = _expand_e(Expr(b, _cast(b, gouts[0], out.v)), axes, x)
    return [(g * _lse_weights(x, out, axes)).v]


def _logsumexp_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    if not _active(tins[0]):
        return [None]
    x, out, axes = Expr(b, n.inputs[0]), Expr(b, n.outputs[0]), n.params["axes"]
    t = Expr(b, _cast(b, tins[0], out.v))
    return [apply(mt.SumOp, t * _lse_weights(x, out, axes), axes=axes).v]


NNET_PARTIAL: dict[type, Callable[[Builder, Node, int, Any], Any]] = {
    mt.SoftplusOp: unary(lambda g, x, z: g * sigmoid(x)),
}
"""Elementwise partials (joins the merged PARTIAL: g times d out / d input i)."""
NNET_DISCONNECTED_OPS = (mt.OneHotOp,)
"""No gradient flows through a one-hot encoding of integer labels."""
NNET_PULLBACK: dict[type, Callable] = {
    mt.SoftmaxOp: _softmax_pullback,
    mt.LogSoftmaxOp: _log_softmax_pullback,
    mt.LogSumExpOp: _logsumexp_pullback,
}
NNET_PUSHFORWARD: dict[type, Callable] = {
    mt.SoftmaxOp: _softmax_pushforward,
    mt.LogSoftmaxOp: _log_softmax_pushforward,
    mt.LogSumExpOp: _logsumexp_pushforward,
}


# -- composite pullbacks ----------------------------------------------------------------------
def _via_softmax(b: Builder, g: Any, v: Any, ins: list[Any], params: dict) -> Found:
    """log(softmax(x)): g - s * sum(g, axis), with s = v (no division by s)."""
    return [(ins[0], _mk(b, mt.SubOp, g, _mk(b, mt.MulOp, v, _sum_keep(b, g, (params["axis"],)))))], ()


def _via_sigmoid(b: Builder, g: Any, v: Any, ins: list[Any], params: dict) -> Found:
    """log(sigmoid(x)): g * (1 - sigmoid(x)) = g * sigmoid(-x)."""
    x = ins[0]
    return [(x, _mk(b, mt.MulOp, g, _mk(b, mt.SigmoidOp, _mk(b, mt.NegOp, x))))], ()


def _logistic_exponent(b: Builder, q: Any) -> Optional[tuple[Any, tuple]]:
    """t when q = 1 / (1 + exp(t)) (or exp(t) + 1), with the values in between."""
    p = b.producer(q)
    if p is None or p[0] is not mt.TrueDivOp or not _is_one(b, p[1][0]):
        return None
    den = b.producer(p[1][1])
    if den is None or den[0] is not mt.AddOp:
        return None
    for one, e in (den[1], den[1][::-1]):
        pe = b.producer(e)
        if pe is not None and pe[0] is mt.ExpOp and _is_one(b, one) and _same_shape(b, e, q):
            return pe[1][0], (p[1][1], e)
    return None


def _via_logistic(b: Builder, g: Any, v: Any, ins: list[Any], params: dict) -> Found:
    """log(1 / (1 + exp(t))) = -softplus(t): -g * sigmoid(t)."""
    found = _logistic_exponent(b, v)
    if found is None:
        return None
    t, between = found
    return [(t, _mk(b, mt.NegOp, _mk(b, mt.MulOp, g, _mk(b, mt.SigmoidOp, t))))], between


def _via_one_minus_sigmoid(b: Builder, g: Any, v: Any, ins: list[Any], params: dict) -> Found:
    """log(1 - sigmoid(x)): -g * sigmoid(x); log(1 - 1/(1 + exp(t))) = log(sigmoid(t)):
    g * sigmoid(-t)."""
    one, sig = ins
    if not _is_one(b, one) or not _same_shape(b, sig, v):
        return None
    p = b.producer(sig)
    if p is not None and p[0] is mt.SigmoidOp:
        x = p[1][0]
        return [(x, _mk(b, mt.NegOp, _mk(b, mt.MulOp, g, _mk(b, mt.SigmoidOp, x))))], (sig,)
    found = _logistic_exponent(b, sig)
    if found is None:
        return None
    t, between = found
    return [(t, _mk(b, mt.MulOp, g, _mk(b, mt.SigmoidOp, _mk(b, mt.NegOp, t))))], (sig, *between)


def _softplus_grad(b: Builder, g: Any, x: Any) -> list[tuple[Any, Any]]:
    return [(x, _mk(b, mt.MulOp, g, _mk(b, mt.SigmoidOp, x)))]


def _via_one_plus_exp(b: Builder, g: Any, v: Any, ins: list[Any], params: dict) -> Found:
    """log(1 + exp(x)) and log(exp(x) + 1): g * sigmoid(x)."""
    for one, e in (ins, ins[::-1]):
        p = b.producer(e)
        if p is not None and p[0] is mt.ExpOp and _is_one(b, one) and _same_shape(b, e, v):
            return _softplus_grad(b, g, p[1][0]), (e,)
    return None


def _via_exp(b: Builder, g: Any, v: Any, ins: list[Any], params: dict) -> Found:
    """log1p(exp(x)): g * sigmoid(x)."""
    return _softplus_grad(b, g, ins[0]), ()


def _via_sum_exp(b: Builder, g: Any, v: Any, ins: list[Any], params: dict) -> Found:
    """log(sum(exp(x), axes)): g * exp(x - logsumexp(x, axes)), g re-expanded."""
    p = b.producer(ins[0])
    if p is None or p[0] is not mt.ExpOp:
        return None
    x, axes = p[1][0], params["axes"]
    lse = _mk(b, mt.LogSumExpOp, x, axes=axes)
    gx = _mk(b, mt.MulOp, _expand(b, g, axes, _rank(b, x)), _lse_weights(Expr(b, x), Expr(b, lse), axes).v)
    return [(x, gx)], (ins[0],)


COMPOSITE_PULLBACK: dict[tuple[type, type], Callable[..., Found]] = {
    (mt.LogOp, mt.SoftmaxOp): _via_softmax,
    (mt.LogOp, mt.SigmoidOp): _via_sigmoid,
    (mt.LogOp, mt.SubOp): _via_one_minus_sigmoid,
    (mt.LogOp, mt.TrueDivOp): _via_logistic,
    (mt.LogOp, mt.AddOp): _via_one_plus_exp,
    (mt.LogOp, mt.SumOp): _via_sum_exp,
    (mt.Log1pOp, mt.ExpOp): _via_exp,
}
"""(log-like op, producer of its input) -> composite rule(b, g, input, producer inputs,
producer params): the stable gradient of the pair, or None when the form does not match."""


def with_composites(plain: Callable) -> Callable:
    """The pullback of a log-like op: a composite rule when its input's producer has
    one (and it matches), else `plain`."""
    def rule(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
        v = n.inputs[0]
        p = b.producer(v)
        composite = COMPOSITE_PULLBACK.get((n.op, p[0])) if p is not None else None
        if composite is not None and dt.is_float(_dtype(b, v)):
            found = composite(b, _cast(b, gouts[0], n.outputs[0]), v, p[1], p[2])  # type: ignore[index]
            if found is not None:
                grads = [(u, _cast(b, gu, u) if dt.is_float(_dtype(b, u)) else gu) for u, gu in found[0]]
                return [Bypass(grads, (v, *found[1]), lambda: plain(b, n, gouts)[0])]
        return plain(b, n, gouts)
    return rule
