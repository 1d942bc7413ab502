"""Differentiation rules of the indexing ops (dialects/mt/indexing.py and mt.subtensor).

A read's pullback scatters the gradient into zeros shaped like the source (increments,
so repeated advanced indices accumulate); a write's pullback sends the gradient of the
written region to the value and the rest to the destination. Index and bound operands
get no gradient. Pushforwards apply the same indexing to the tangents.
"""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import Expr, active, apply, linear_pushforward, reduce_to, zeros_like
from mlc.passes.grad.core import Builder, Node

READ_TO_INC: dict[type, type] = {
    mt.SubtensorOp: mt.IncSubtensorOp, mt.DynamicSubtensorOp: mt.IncSubtensorOp,
    mt.AdvancedSubtensorOp: mt.AdvancedIncSubtensorOp,
}
WRITE_TO_READ: dict[type, type] = {
    mt.SetSubtensorOp: mt.DynamicSubtensorOp, mt.IncSubtensorOp: mt.DynamicSubtensorOp,
    mt.AdvancedSetSubtensorOp: mt.AdvancedSubtensorOp,
    mt.AdvancedIncSubtensorOp: mt.AdvancedSubtensorOp,
}
WRITE_TO_SET: dict[type, type] = {
    mt.SetSubtensorOp: mt.SetSubtensorOp, mt.IncSubtensorOp: mt.SetSubtensorOp,
    mt.AdvancedSetSubtensorOp: mt.AdvancedSetSubtensorOp,
    mt.AdvancedIncSubtensorOp: mt.AdvancedSetSubtensorOp,
}


def _params(n: Node) -> dict[str, Any]:
    """The read/write parameters; mt.subtensor's become dynamic_subtensor's (no operands)."""
    params = dict(n.params)
    if n.op is mt.SubtensorOp:
        params["dynamic"] = ()
    return params


def _read_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, idx = Expr(b, n.inputs[0]), list(n.inputs[1:])
    zeros = zeros_like(x)
    gx = apply(READ_TO_INC[n.op], zeros, Expr(b, gouts[0]).cast(x.dtype), *idx, **_params(n))
    return [gx.v] + [None] * len(idx)


def _write_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    y, idx = n.inputs[1], list(n.inputs[2:])
    g = Expr(b, gouts[0])
    region = apply(WRITE_TO_READ[n.op], g, *idx, **n.params)
    gy = reduce_to(b, region.v, y)
    if n.op in (mt.IncSubtensorOp, mt.AdvancedIncSubtensorOp):
        gx = g
    else:  # the written region of x is overwritten: no gradient reaches it
        gx = apply(WRITE_TO_SET[n.op], g, zeros_like(region), *idx, **n.params)
    return [gx.v, gy] + [None] * len(idx)


def _write_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    tx, ty = tins[0], tins[1]
    if not (active(tx) or active(ty)):
        return [None]
    x, y = Expr(b, n.inputs[0]), Expr(b, n.inputs[1])
    dx = Expr(b, tx) if active(tx) else zeros_like(x)
    dy = Expr(b, ty).cast(x.dtype) if active(ty) else zeros_like(y)
    return [apply(n.op, dx, dy, *n.inputs[2:], **n.params).v]


INDEXING_ZERO_GRADIENT_OPS = (mt.NonzeroOp,)
"""The positions of the nonzero elements are integers: zero gradient."""
INDEXING_PULLBACK: dict[type, Callable] = {
    **{op: _read_pullback for op in READ_TO_INC},
    **{op: _write_pullback for op in WRITE_TO_READ},
}
INDEXING_PUSHFORWARD: dict[type, Callable] = {
    **{op: linear_pushforward for op in READ_TO_INC},
    **{op: _write_pushforward for op in WRITE_TO_READ},
}
