"""Differentiation rules of the `mt` ops: `PULLBACK` (reverse mode) and `PUSHFORWARD`
(forward mode), one entry per op class, plus the ops marked not differentiable.

Elementwise ops share one description: `PARTIAL[op](b, node, i, g)` is g times the
partial derivative of the output by input i, at the output's shape. The pullback sums it
back over broadcast axes (`unbroadcast`); the pushforward adds the partials of all
inputs. Rules build values only through the `Builder`, so they serve both the frontend
graph (`mlc.grad`) and IR (`autodiff` pass).
"""

from __future__ import annotations

from typing import Any, Callable, Optional


from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.autodiff_core import ZERO, Builder, Node
from mlc.passes.autodiff_indexing import INDEXING_PULLBACK, INDEXING_PUSHFORWARD
from mlc.passes.autodiff_structure import STRUCTURE_PULLBACK, STRUCTURE_PUSHFORWARD
from mlc.passes.autodiff_structure import ZERO_GRADIENT as STRUCTURE_ZERO_GRADIENT
from mlc.passes.autodiff_math import MATH_NOT_DIFFERENTIABLE, MATH_PARTIAL, MATH_ZERO_GRADIENT_OPS
from mlc.passes.autodiff_nnet import (NNET_DISCONNECTED_OPS, NNET_PARTIAL, NNET_PULLBACK,
                                      NNET_PUSHFORWARD, with_composites)

Partial = Callable[[Builder, Node, int, Any], Any]


from mlc.passes.autodiff_helpers import (  # noqa: F401 (re-exported for rule modules)
    as_float,
    cast,
    const,
    count,
    dtype,
    expand,
    linear_pushforward,
    mk,
    shape,
    unbroadcast,
    zero_grads,
)


# -- elementwise partials ------------------------------------------------------------
def _unary(f: Callable[[Builder, Node, Any], Any]) -> Partial:
    return lambda b, n, i, g: mk(b, mt.MulOp, g, f(b, n, n.inputs[0]))


def _one_minus_sq(b: Builder, n: Node, x: Any) -> Any:
    z = n.outputs[0]
    return mk(b, mt.SubOp, const(b, 1.0, z), mk(b, mt.MulOp, z, z))


def _div_partial(b: Builder, n: Node, i: int, g: Any) -> Any:
    x, y = n.inputs
    if i == 0:
        return mk(b, mt.TrueDivOp, g, y)
    return mk(b, mt.NegOp, mk(b, mt.TrueDivOp, mk(b, mt.MulOp, g, n.outputs[0]), y))


def _pow_partial(b: Builder, n: Node, i: int, g: Any) -> Any:
    x, y = n.inputs
    z = n.outputs[0]
    if i == 0:  # y * x**(y-1)
        ym1 = mk(b, mt.SubOp, y, const(b, 1.0, y))
        return mk(b, mt.MulOp, g, mk(b, mt.MulOp, y, mk(b, mt.PowOp, x, ym1)))
    return mk(b, mt.MulOp, g, mk(b, mt.MulOp, z, mk(b, mt.LogOp, x)))


def _extremum_partial(b: Builder, n: Node, i: int, g: Any) -> Any:
    """Theano's rule: every input equal to the result gets the gradient (ties share)."""
    z = n.outputs[0]
    return mk(b, mt.MulOp, g, as_float(b, mk(b, mt.EqOp, z, n.inputs[i]), z))


def _mod_partial(b: Builder, n: Node, i: int, g: Any) -> Any:
    if i == 0:
        return mk(b, mt.SecondOp, n.outputs[0], g)
    x, y = n.inputs
    return mk(b, mt.NegOp, mk(b, mt.MulOp, g, mk(b, mt.IntDivOp, x, y)))


def _select_partial(b: Builder, n: Node, i: int, g: Any) -> Any:
    if i == 0:
        return None
    c = n.inputs[0]
    zero = const(b, 0.0, g)
    pair = (g, zero) if i == 1 else (zero, g)
    return mk(b, mt.SelectOp, c, *pair)


PARTIAL: dict[type, Partial] = {
    mt.AddOp: lambda b, n, i, g: g,
    mt.SubOp: lambda b, n, i, g: g if i == 0 else mk(b, mt.NegOp, g),
    mt.MulOp: lambda b, n, i, g: mk(b, mt.MulOp, g, n.inputs[1 - i]),
    mt.TrueDivOp: _div_partial,
    mt.PowOp: _pow_partial,
    mt.ModOp: _mod_partial,
    mt.MaximumOp: _extremum_partial,
    mt.MinimumOp: _extremum_partial,
    mt.SelectOp: _select_partial,
    mt.SecondOp: lambda b, n, i, g: ZERO if i == 0 else mk(b, mt.SecondOp, n.outputs[0], g),
    mt.NegOp: lambda b, n, i, g: mk(b, mt.NegOp, g),
    mt.AbsOp: _unary(lambda b, n, x: mk(b, mt.SignOp, x)),
    mt.ExpOp: _unary(lambda b, n, x: n.outputs[0]),
    mt.LogOp: lambda b, n, i, g: mk(b, mt.TrueDivOp, g, n.inputs[0]),
    mt.Log1pOp: lambda b, n, i, g: mk(b, mt.TrueDivOp, g, mk(b, mt.AddOp, n.inputs[0], const(b, 1.0, n.inputs[0]))),
    mt.Expm1Op: _unary(lambda b, n, x: mk(b, mt.AddOp, n.outputs[0], const(b, 1.0, n.outputs[0]))),
    mt.SqrtOp: lambda b, n, i, g: mk(b, mt.TrueDivOp, g, mk(b, mt.MulOp, n.outputs[0], const(b, 2.0, n.outputs[0]))),
    mt.SinOp: _unary(lambda b, n, x: mk(b, mt.CosOp, x)),
    mt.CosOp: _unary(lambda b, n, x: mk(b, mt.NegOp, mk(b, mt.SinOp, x))),
    mt.TanhOp: _unary(_one_minus_sq),
    mt.SigmoidOp: _unary(lambda b, n, x: mk(b, mt.MulOp, n.outputs[0],
                                             mk(b, mt.SubOp, const(b, 1.0, n.outputs[0]), n.outputs[0]))),
    **NNET_PARTIAL,
    **MATH_PARTIAL,
}

ZERO_GRADIENT_OPS = (mt.SignOp, mt.IntDivOp, mt.EqOp, mt.NeqOp, mt.LtOp, mt.LeOp, mt.GtOp,
                     mt.GeOp, mt.AndOp, mt.OrOp, mt.XorOp) + MATH_ZERO_GRADIENT_OPS + STRUCTURE_ZERO_GRADIENT
"""Piecewise-constant ops: connected, with zero derivative (as in Theano)."""
DISCONNECTED_OPS = (mt.ShapeOp, mt.DisconnectedGradOp) + NNET_DISCONNECTED_OPS + mt.RANDOM_OPS
"""Ops through which no gradient flows at all (a wrt reached only through them is
disconnected)."""
NOT_DIFFERENTIABLE = MATH_NOT_DIFFERENTIABLE + (mt.MapOp,)
"""Ops with no rule on purpose: a gradient through them raises NotDifferentiableError."""


def _elemwise_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    g = gouts[0]
    out = []
    for i, x in enumerate(n.inputs):
        if not dt.is_float(dtype(b, x)):
            out.append(ZERO)
            continue
        p = PARTIAL[n.op](b, n, i, cast(b, g, dtype(b, n.outputs[0])))
        out.append(p if p is None or p is ZERO else unbroadcast(b, p, x))
    return out


def _elemwise_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    total: Optional[Any] = None
    for i, t in enumerate(tins):
        if t is None or t is ZERO:
            continue
        p = PARTIAL[n.op](b, n, i, cast(b, t, dtype(b, n.outputs[0])))
        if p is not None and p is not ZERO:
            p = mk(b, mt.SecondOp, n.outputs[0], p)
            total = p if total is None else mk(b, mt.AddOp, total, p)
    return [total]


# -- reductions ---------------------------------------------------------------------------
def _reduce_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, z = n.inputs[0], n.outputs[0]
    axes, rank = n.params["axes"], len(shape(b, x))
    g = cast(b, gouts[0], dtype(b, x))
    gx = mk(b, mt.SecondOp, x, expand(b, g, axes, rank))
    if n.op is mt.MeanOp:
        gx = mk(b, mt.TrueDivOp, gx, count(b, x, axes, gx))
    elif n.op is mt.ProdOp:  # d prod / d x_i = prod / x_i (as Theano, not safe at x_i = 0)
        gx = mk(b, mt.MulOp, gx, mk(b, mt.TrueDivOp, expand(b, z, axes, rank), x))
    elif n.op in (mt.MaxOp, mt.MinOp):  # every element equal to the extremum gets g
        hit = mk(b, mt.EqOp, x, expand(b, z, axes, rank))
        gx = mk(b, mt.MulOp, gx, as_float(b, hit, gx))
    return [gx]


def _reduce_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, z, t = n.inputs[0], n.outputs[0], tins[0]
    axes, rank = n.params["axes"], len(shape(b, x))
    t = mk(b, mt.SecondOp, x, cast(b, t, dtype(b, z)))
    if n.op in (mt.SumOp, mt.MeanOp):
        return [mk(b, n.op, t, axes=axes)]
    if n.op is mt.ProdOp:
        ratio = mk(b, mt.TrueDivOp, expand(b, z, axes, rank), x)
        return [mk(b, mt.SumOp, mk(b, mt.MulOp, t, ratio), axes=axes)]
    hit = as_float(b, mk(b, mt.EqOp, x, expand(b, z, axes, rank)), t)  # ties share the tangent
    total = mk(b, mt.SumOp, mk(b, mt.MulOp, t, hit), axes=axes)
    return [mk(b, mt.TrueDivOp, total, mk(b, mt.SumOp, hit, axes=axes))]


# -- linear algebra and structure ------------------------------------------------------
def _transpose(b: Builder, v: Any) -> Any:
    return mk(b, mt.DimShuffleOp, v, pattern=(1, 0))


def _dot_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, y = n.inputs
    g = gouts[0]
    rx, ry = len(shape(b, x)), len(shape(b, y))
    if rx == 2 and ry == 2:
        gx, gy = mk(b, mt.DotOp, g, _transpose(b, y)), mk(b, mt.DotOp, _transpose(b, x), g)
    elif rx == 2:  # matrix . vector
        gx = mk(b, mt.MulOp, mk(b, mt.DimShuffleOp, g, pattern=(0, -1)),
                mk(b, mt.DimShuffleOp, y, pattern=(-1, 0)))
        gy = mk(b, mt.DotOp, _transpose(b, x), g)
    elif ry == 2:  # vector . matrix
        gx = mk(b, mt.DotOp, y, g)
        gy = mk(b, mt.MulOp, mk(b, mt.DimShuffleOp, x, pattern=(0, -1)),
                mk(b, mt.DimShuffleOp, g, pattern=(-1, 0)))
    else:  # inner product: g is a scalar
        gs = mk(b, mt.DimShuffleOp, g, pattern=(-1,))
        gx, gy = mk(b, mt.MulOp, gs, y), mk(b, mt.MulOp, gs, x)
    return [cast(b, gx, dtype(b, x)), cast(b, gy, dtype(b, y))]


def _dot_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, y = n.inputs
    parts = []
    if tins[0] not in (None, ZERO):
        parts.append(mk(b, mt.DotOp, tins[0], y))
    if tins[1] not in (None, ZERO):
        parts.append(mk(b, mt.DotOp, x, tins[1]))
    return [parts[0] if len(parts) == 1 else mk(b, mt.AddOp, *parts)] if parts else [None]


def _dimshuffle_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    pattern = n.params["pattern"]
    rank = len(shape(b, n.inputs[0]))
    where = {p: i for i, p in enumerate(pattern) if p != -1}
    kept = sorted(where, key=lambda p: where[p])  # input axes in output order
    g = gouts[0]
    dropped_x = tuple(i for i, p in enumerate(pattern) if p == -1)
    if dropped_x:  # sum away the inserted axes (they are static 1, so this is a squeeze)
        g = mk(b, mt.SumOp, g, axes=dropped_x)
    order = [kept.index(a) if a in where else -1 for a in range(rank)]
    return [mk(b, mt.DimShuffleOp, g, pattern=tuple(order))]


def _cast_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x = n.inputs[0]
    return [cast(b, gouts[0], dtype(b, x)) if dt.is_float(dtype(b, x)) else ZERO]


def _cast_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    to = dtype(b, n.outputs[0])
    return [cast(b, tins[0], to) if dt.is_float(to) else None]


def _grad_clip_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, lo, hi = n.inputs
    g = gouts[0]
    rank = len(shape(b, g))
    lo_b = mk(b, mt.DimShuffleOp, lo, pattern=(-1,) * rank) if rank else lo
    hi_b = mk(b, mt.DimShuffleOp, hi, pattern=(-1,) * rank) if rank else hi
    return [mk(b, mt.MinimumOp, mk(b, mt.MaximumOp, g, lo_b), hi_b), None, None]


def _disconnected(b: Builder, n: Node, g: list[Any]) -> list[Any]:
    return [None] * len(n.inputs)


PULLBACK: dict[type, Callable] = {
    **{op: _elemwise_pullback for op in PARTIAL},
    **{op: zero_grads for op in ZERO_GRADIENT_OPS},
    **{op: _disconnected for op in DISCONNECTED_OPS},
    **{op: _reduce_pullback for op in mt.REDUCE_OPS},
    mt.DotOp: _dot_pullback,
    mt.DimShuffleOp: _dimshuffle_pullback,
    mt.CastOp: _cast_pullback,
    mt.ConstantOp: _disconnected,
    mt.ZeroGradOp: zero_grads,
    mt.GradClipOp: _grad_clip_pullback,
    **NNET_PULLBACK,
    **{op: with_composites(_elemwise_pullback) for op in (mt.LogOp, mt.Log1pOp)},
    **INDEXING_PULLBACK,
    **STRUCTURE_PULLBACK,
}

PUSHFORWARD: dict[type, Callable] = {
    **{op: _elemwise_pushforward for op in PARTIAL},
    **{op: (lambda b, n, t: [None]) for op in ZERO_GRADIENT_OPS + DISCONNECTED_OPS},
    **{op: _reduce_pushforward for op in mt.REDUCE_OPS},
    mt.DotOp: _dot_pushforward,
    mt.DimShuffleOp: linear_pushforward,
    mt.ReshapeOp: linear_pushforward,
    mt.CastOp: _cast_pushforward,
    mt.ConstantOp: lambda b, n, t: [None],
    mt.ZeroGradOp: lambda b, n, t: [t[0]],
    mt.GradClipOp: lambda b, n, t: [t[0]],
    **NNET_PUSHFORWARD,
    **INDEXING_PUSHFORWARD,
    **STRUCTURE_PUSHFORWARD,
}
