"""Differentiation rules of the reduce family: sum, prod, max, min, mean (mt.REDUCE_OPS)
over `axes` (the gradient is re-expanded over the reduced axes), the scans cumsum and
cumprod (whose pullbacks run the scan backwards), and the integer-valued argmax, argmin,
any, all (zero gradient)."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import as_float, cast, count, dtype, expand, flip, linear_pushforward, mk, shape
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


def _reverse_cumsum(b: Builder, g: Any, axis: int) -> Any:
    return flip(b, mk(b, mt.CumsumOp, flip(b, g, axis), axis=axis), axis)


def _cumsum_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x = n.inputs[0]
    return [cast(b, _reverse_cumsum(b, gouts[0], n.params["axis"]), dtype(b, x))]


def _cumprod_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    """d/dx_i sum_j g_j z_j = sum_{j>=i} g_j z_j / x_i (as Theano; not at x_i = 0)."""
    x, z = n.inputs[0], n.outputs[0]
    acc = _reverse_cumsum(b, mk(b, mt.MulOp, gouts[0], z), n.params["axis"])
    return [mk(b, mt.TrueDivOp, acc, x)]


def _cumprod_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, z = n.inputs[0], n.outputs[0]
    ratio = mk(b, mt.CumsumOp, mk(b, mt.TrueDivOp, tins[0], x), axis=n.params["axis"])
    return [mk(b, mt.MulOp, z, ratio)]


REDUCE_ZERO_GRADIENT_OPS = (mt.ArgMaxOp, mt.ArgMinOp, mt.AnyOp, mt.AllOp)
REDUCE_PULLBACK: dict[type, Callable] = {
    **{op: _reduce_pullback for op in mt.REDUCE_OPS},
    mt.CumsumOp: _cumsum_pullback, mt.CumprodOp: _cumprod_pullback,
}
REDUCE_PUSHFORWARD: dict[type, Callable] = {
    **{op: _reduce_pushforward for op in mt.REDUCE_OPS},
    mt.CumsumOp: linear_pushforward, mt.CumprodOp: _cumprod_pushforward,
}
