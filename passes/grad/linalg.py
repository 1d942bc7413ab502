"""Differentiation rules of the linalg family: `mt.dot` (matrix and vector products) and
`mt.batched_dot`."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import cast, dtype, mk, shape
from mlc.passes.grad.core import ZERO, Builder, Node


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


def _bdot_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, y = n.inputs
    g = gouts[0]
    rx, ry = len(shape(b, x)), len(shape(b, y))

    def t(v: Any) -> Any:
        return mk(b, mt.DimShuffleOp, v, pattern=(0, 2, 1))

    def outer(u: Any, v: Any) -> Any:  # (B, p) x (B, q) -> (B, p, q)
        return mk(b, mt.MulOp, mk(b, mt.DimShuffleOp, u, pattern=(0, 1, -1)),
                  mk(b, mt.DimShuffleOp, v, pattern=(0, -1, 1)))
    if rx == 3 and ry == 3:
        gx, gy = mk(b, mt.BatchedDotOp, g, t(y)), mk(b, mt.BatchedDotOp, t(x), g)
    elif rx == 3:
        gx, gy = outer(g, y), mk(b, mt.BatchedDotOp, t(x), g)
    elif ry == 3:
        gx, gy = mk(b, mt.BatchedDotOp, y, g), outer(x, g)
    else:
        gs = mk(b, mt.DimShuffleOp, g, pattern=(0, -1))
        gx, gy = mk(b, mt.MulOp, gs, y), mk(b, mt.MulOp, gs, x)
    return [cast(b, gx, dtype(b, x)), cast(b, gy, dtype(b, y))]


def _bdot_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, y = n.inputs
    parts = [mk(b, mt.BatchedDotOp, tins[0], y)] if tins[0] not in (None, ZERO) else []
    if tins[1] not in (None, ZERO):
        parts.append(mk(b, mt.BatchedDotOp, x, tins[1]))
    return [(parts[0] if len(parts) == 1 else mk(b, mt.AddOp, *parts)) if parts else None]


LINALG_PULLBACK: dict[type, Callable] = {mt.DotOp: _dot_pullback, mt.BatchedDotOp: _bdot_pullback}
LINALG_PUSHFORWARD: dict[type, Callable] = {mt.DotOp: _dot_pushforward, mt.BatchedDotOp: _bdot_pushforward}
