"""Differentiation rules of the nnet ops (dialects/mt/nnet.py) and the composite
pullbacks that keep gradients of log-of-probability expressions finite. Merged into
the tables of passes/grad/__init__.py (which imports this module; it imports core and builder).

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
from mlc.passes.grad.builder import Expr, active, apply, exp, sigmoid, unary
from mlc.passes.grad.core import Builder, Bypass, Node

Found = Optional[tuple[list[tuple[Expr, Expr]], tuple[Any, ...]]]
"""A composite's answer: ([(x, gradient of x)], intermediate values it skipped), or None
when the producer does not have the composite's full form."""


# -- helpers --------------------------------------------------------------------------------
def _sum_keep(e: Expr, axes: tuple[int, ...]) -> Expr:
    """sum(e, axes) with the axes kept (size 1)."""
    return e.sum(axes).expand(axes, e.rank)


def constant_value(b: Builder, v: Any) -> Optional[np.ndarray]:
    """The literal behind v, if v is a constant: an `mt.constant` op in IR, or a frontend
    constant (a leaf holding its array as `data`)."""
    p = b.producer(v)
    if p is None:
        data = getattr(v, "data", None)
        return data if isinstance(data, np.ndarray) else None
    owner = getattr(v, "owner", None)
    return owner.array() if p[0] is mt.ConstantOp and hasattr(owner, "array") else None


def _producer(e: Expr) -> Optional[tuple[type, list[Expr]]]:
    """(op class, inputs as Exprs) of the node that computed e, or None for a leaf."""
    p = e.b.producer(e.v)
    return None if p is None else (p[0], [Expr(e.b, v) for v in p[1]])


def _is_one(e: Expr) -> bool:
    c = constant_value(e.b, e.v)
    return c is not None and bool(np.all(c == 1))


def _exp_of(e: Expr, like: Expr) -> Optional[Expr]:
    """x when e = exp(x) and e has like's shape (a larger value would broadcast it)."""
    p = _producer(e)
    return p[1][0] if p is not None and p[0] is mt.ExpOp and e.shape == like.shape else None


# -- the ops' own rules -------------------------------------------------------------------
def _softmax_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    s, axes = Expr(b, n.outputs[0]), (n.params["axis"],)
    g = Expr(b, gouts[0]).cast(s.dtype)
    return [(s * (g - _sum_keep(g * s, axes))).v]


def _softmax_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    if not active(tins[0]):
        return [None]
    s, axes = Expr(b, n.outputs[0]), (n.params["axis"],)
    t = Expr(b, tins[0]).cast(s.dtype)
    return [(s * (t - _sum_keep(s * t, axes))).v]


def _log_softmax_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    out, axes = Expr(b, n.outputs[0]), (n.params["axis"],)
    g = Expr(b, gouts[0]).cast(out.dtype)
    return [(g - exp(out) * _sum_keep(g, axes)).v]


def _log_softmax_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    if not active(tins[0]):
        return [None]
    out, axes = Expr(b, n.outputs[0]), (n.params["axis"],)
    t = Expr(b, tins[0]).cast(out.dtype)
    return [(t - _sum_keep(exp(out) * t, axes)).v]


def _lse_weights(x: Expr, out: Expr, axes: tuple[int, ...]) -> Expr:
    """exp(x - logsumexp(x)): the softmax over `axes`, at x's shape."""
    return exp(x - out.expand(axes, x.rank))


def _logsumexp_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, out, axes = Expr(b, n.inputs[0]), Expr(b, n.outputs[0]), n.params["axes"]
    g = Expr(b, gouts[0]).cast(out.dtype).expand(axes, x.rank)
    return [(g * _lse_weights(x, out, axes)).v]


def _logsumexp_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    if not active(tins[0]):
        return [None]
    x, out, axes = Expr(b, n.inputs[0]), Expr(b, n.outputs[0]), n.params["axes"]
    t = Expr(b, tins[0]).cast(out.dtype)
    return [(t * _lse_weights(x, out, axes)).sum(axes).v]


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
# Each takes (g, v, ins, params): the log's output gradient, its input v, and v's
# producer's inputs and params, all but params as Exprs.
def _via_softmax(g: Expr, v: Expr, ins: list[Expr], params: dict) -> Found:
    """log(softmax(x)): g - s * sum(g, axis), with s = v (no division by s)."""
    return [(ins[0], g - v * _sum_keep(g, (params["axis"],)))], ()


def _via_sigmoid(g: Expr, v: Expr, ins: list[Expr], params: dict) -> Found:
    """log(sigmoid(x)): g * (1 - sigmoid(x)) = g * sigmoid(-x)."""
    x = ins[0]
    return [(x, g * sigmoid(-x))], ()


def _logistic_exponent(q: Expr) -> Optional[tuple[Expr, tuple]]:
    """t when q = 1 / (1 + exp(t)) (or exp(t) + 1), with the values in between."""
    p = _producer(q)
    if p is None or p[0] is not mt.TrueDivOp or not _is_one(p[1][0]):
        return None
    den = _producer(p[1][1])
    if den is None or den[0] is not mt.AddOp:
        return None
    for one, e in (den[1], den[1][::-1]):
        t = _exp_of(e, q)
        if t is not None and _is_one(one):
            return t, (p[1][1].v, e.v)
    return None


def _via_logistic(g: Expr, v: Expr, ins: list[Expr], params: dict) -> Found:
    """log(1 / (1 + exp(t))) = -softplus(t): -g * sigmoid(t)."""
    found = _logistic_exponent(v)
    if found is None:
        return None
    t, between = found
    return [(t, -(g * sigmoid(t)))], between


def _via_one_minus_sigmoid(g: Expr, v: Expr, ins: list[Expr], params: dict) -> Found:
    """log(1 - sigmoid(x)): -g * sigmoid(x); log(1 - 1/(1 + exp(t))) = log(sigmoid(t)):
    g * sigmoid(-t)."""
    one, sig = ins
    if not _is_one(one) or sig.shape != v.shape:
        return None
    p = _producer(sig)
    if p is not None and p[0] is mt.SigmoidOp:
        x = p[1][0]
        return [(x, -(g * sigmoid(x)))], (sig.v,)
    found = _logistic_exponent(sig)
    if found is None:
        return None
    t, between = found
    return [(t, g * sigmoid(-t))], (sig.v, *between)


def _via_one_plus_exp(g: Expr, v: Expr, ins: list[Expr], params: dict) -> Found:
    """log(1 + exp(x)) and log(exp(x) + 1): g * sigmoid(x)."""
    for one, e in (ins, ins[::-1]):
        x = _exp_of(e, v)
        if x is not None and _is_one(one):
            return [(x, g * sigmoid(x))], (e.v,)
    return None


def _via_exp(g: Expr, v: Expr, ins: list[Expr], params: dict) -> Found:
    """log1p(exp(x)): g * sigmoid(x)."""
    return [(ins[0], g * sigmoid(ins[0]))], ()


def _via_sum_exp(g: Expr, v: Expr, ins: list[Expr], params: dict) -> Found:
    """log(sum(exp(x), axes)): g * exp(x - logsumexp(x, axes)), g re-expanded."""
    p = _producer(ins[0])
    if p is None or p[0] is not mt.ExpOp:
        return None
    x, axes = p[1][0], params["axes"]
    lse = apply(mt.LogSumExpOp, x, axes=axes)
    return [(x, g.expand(axes, x.rank) * _lse_weights(x, lse, axes))], (ins[0].v,)


COMPOSITE_PULLBACK: dict[tuple[type, type], Callable[..., Found]] = {
    (mt.LogOp, mt.SoftmaxOp): _via_softmax,
    (mt.LogOp, mt.SigmoidOp): _via_sigmoid,
    (mt.LogOp, mt.SubOp): _via_one_minus_sigmoid,
    (mt.LogOp, mt.TrueDivOp): _via_logistic,
    (mt.LogOp, mt.AddOp): _via_one_plus_exp,
    (mt.LogOp, mt.SumOp): _via_sum_exp,
    (mt.Log1pOp, mt.ExpOp): _via_exp,
}
"""(log-like op, producer of its input) -> composite rule(g, input, producer inputs,
producer params): the stable gradient of the pair, or None when the form does not match."""


def with_composites(plain: Callable) -> Callable:
    """The pullback of a log-like op: a composite rule when its input's producer has
    one (and it matches), else `plain`."""
    def rule(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
        v = Expr(b, n.inputs[0])
        p = b.producer(v.v)
        composite = COMPOSITE_PULLBACK.get((n.op, p[0])) if p is not None else None
        if composite is not None and dt.is_float(v.dtype):
            g = Expr(b, gouts[0]).cast(Expr(b, n.outputs[0]).dtype)
            found = composite(g, v, [Expr(b, u) for u in p[1]], p[2])  # type: ignore[index]
            if found is not None:
                grads = [(u.v, (gu.cast(u.dtype) if dt.is_float(u.dtype) else gu).v) for u, gu in found[0]]
                return [Bypass(grads, (v.v, *found[1]), lambda: plain(b, n, gouts)[0])]
        return plain(b, n, gouts)
    return rule
