"""Differentiation rules of the linalg family: `mt.dot` (matrix and vector products) and
`mt.batched_dot`."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import Expr, active, apply
from mlc.passes.grad.core import Builder, Node


def _dot(u: Expr, v: Expr) -> Expr:
    return apply(mt.DotOp, u, v)


def _bdot(u: Expr, v: Expr) -> Expr:
    return apply(mt.BatchedDotOp, u, v)


def _dot_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, y = (Expr(b, v) for v in n.inputs)
    g = Expr(b, gouts[0])
    if x.rank == 2 and y.rank == 2:
        gx, gy = _dot(g, y.dimshuffle(1, 0)), _dot(x.dimshuffle(1, 0), g)
    elif x.rank == 2:  # matrix . vector
        gx = g.dimshuffle(0, -1) * y.dimshuffle(-1, 0)
        gy = _dot(x.dimshuffle(1, 0), g)
    elif y.rank == 2:  # vector . matrix
        gx = _dot(y, g)
        gy = x.dimshuffle(0, -1) * g.dimshuffle(-1, 0)
    else:  # inner product: g is a scalar
        gs = g.dimshuffle(-1)
        gx, gy = gs * y, gs * x
    return [gx.cast(x.dtype).v, gy.cast(y.dtype).v]


def _bdot_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, y = (Expr(b, v) for v in n.inputs)
    g = Expr(b, gouts[0])

    def t(v: Expr) -> Expr:
        return v.dimshuffle(0, 2, 1)

    def outer(u: Expr, v: Expr) -> Expr:  # (B, p) x (B, q) -> (B, p, q)
        return u.dimshuffle(0, 1, -1) * v.dimshuffle(0, -1, 1)
    if x.rank == 3 and y.rank == 3:
        gx, gy = _bdot(g, t(y)), _bdot(t(x), g)
    elif x.rank == 3:
        gx, gy = outer(g, y), _bdot(t(x), g)
    elif y.rank == 3:
        gx, gy = _bdot(y, g), outer(x, g)
    else:
        gs = g.dimshuffle(0, -1)
        gx, gy = gs * y, gs * x
    return [gx.cast(x.dtype).v, gy.cast(y.dtype).v]


def _product_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    """The tangent of the bilinear x . y (dot or batched_dot): tx . y + x . ty."""
    x, y = (Expr(b, v) for v in n.inputs)
    parts = []
    if active(tins[0]):
        parts.append(apply(n.op, Expr(b, tins[0]), y))
    if active(tins[1]):
        parts.append(apply(n.op, x, Expr(b, tins[1])))
    return [(parts[0] if len(parts) == 1 else parts[0] + parts[1]).v if parts else None]


LINALG_PULLBACK: dict[type, Callable] = {mt.DotOp: _dot_pullback, mt.BatchedDotOp: _bdot_pullback}
LINALG_PUSHFORWARD: dict[type, Callable] = {mt.DotOp: _product_pushforward,
                                            mt.BatchedDotOp: _product_pushforward}
