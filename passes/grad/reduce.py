"""Differentiation rules of the reduce family: sum, prod, max, min, mean (mt.REDUCE_OPS)
over `axes` (the gradient is re-expanded over the reduced axes), the scans cumsum and
cumprod (whose pullbacks run the scan backwards), and the integer-valued argmax, argmin,
any, all (zero gradient)."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import Expr, apply, count, linear_pushforward, second
from mlc.passes.grad.core import Builder, Node


def _reduce_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, z = Expr(b, n.inputs[0]), Expr(b, n.outputs[0])
    axes, rank = n.params["axes"], x.rank
    gx = second(x, Expr(b, gouts[0]).cast(x.dtype).expand(axes, rank))
    if n.op is mt.MeanOp:
        gx = gx / Expr(b, count(b, x.v, axes, gx.v))
    elif n.op is mt.ProdOp:  # d prod / d x_i = prod / x_i (as Theano, not safe at x_i = 0)
        gx = gx * (z.expand(axes, rank) / x)
    elif n.op in (mt.MaxOp, mt.MinOp):  # every element equal to the extremum gets g
        gx = gx * apply(mt.EqOp, x, z.expand(axes, rank)).cast(gx.dtype)
    return [gx.v]


def _reduce_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, z = Expr(b, n.inputs[0]), Expr(b, n.outputs[0])
    axes, rank = n.params["axes"], x.rank
    t = second(x, Expr(b, tins[0]).cast(z.dtype))
    if n.op in (mt.SumOp, mt.MeanOp):
        return [apply(n.op, t, axes=axes).v]
    if n.op is mt.ProdOp:
        return [(t * (z.expand(axes, rank) / x)).sum(axes).v]
    hit = apply(mt.EqOp, x, z.expand(axes, rank)).cast(t.dtype)  # ties share the tangent
    return [((t * hit).sum(axes) / hit.sum(axes)).v]


def _reverse_cumsum(g: Expr, axis: int) -> Expr:
    return apply(mt.CumsumOp, g.flip(axis), axis=axis).flip(axis)


def _cumsum_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x = Expr(b, n.inputs[0])
    return [_reverse_cumsum(Expr(b, gouts[0]), n.params["axis"]).cast(x.dtype).v]


def _cumprod_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    """d/dx_i sum_j g_j z_j = sum_{j>=i} g_j z_j / x_i (as Theano; not at x_i = 0)."""
    x, z, g = Expr(b, n.inputs[0]), Expr(b, n.outputs[0]), Expr(b, gouts[0])
    return [(_reverse_cumsum(g * z, n.params["axis"]) / x).v]


def _cumprod_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, z, t = Expr(b, n.inputs[0]), Expr(b, n.outputs[0]), Expr(b, tins[0])
    return [(z * apply(mt.CumsumOp, t / x, axis=n.params["axis"])).v]


REDUCE_ZERO_GRADIENT_OPS = (mt.ArgMaxOp, mt.ArgMinOp, mt.AnyOp, mt.AllOp)
REDUCE_PULLBACK: dict[type, Callable] = {
    **{op: _reduce_pullback for op in mt.REDUCE_OPS},
    mt.CumsumOp: _cumsum_pullback, mt.CumprodOp: _cumprod_pullback,
}
REDUCE_PUSHFORWARD: dict[type, Callable] = {
    **{op: _reduce_pushforward for op in mt.REDUCE_OPS},
    mt.CumsumOp: linear_pushforward, mt.CumprodOp: _cumprod_pushforward,
}
