"""Differentiation rules of the reduce family: sum, prod, max, min, mean (mt.REDUCE_OPS)
over `axes`; the gradient is re-expanded over the reduced axes."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import as_float, cast, count, dtype, expand, mk, shape
from mlc.passes.grad.core import Builder, Node


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


REDUCE_PULLBACK: dict[type, Callable] = {op: _reduce_pullback for op in mt.REDUCE_OPS}
REDUCE_PUSHFORWARD: dict[type, Callable] = {op: _reduce_pushforward for op in mt.REDUCE_OPS}
