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


LINALG_PULLBACK: dict[type, Callable] = {mt.DotOp: _dot_pullback}
LINALG_PUSHFORWARD: dict[type, Callable] = {mt.DotOp: _dot_pushforward}
