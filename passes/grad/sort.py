"""Differentiation rules of the sort family: `mt.sort` scatters its gradient back through
the permutation `mt.argsort` gives (and gathers the tangent through it); `mt.argsort` is
integer-valued (zero gradient)."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import Expr, apply, arange_along, scatter
from mlc.passes.grad.core import Builder, Node


def _sort_index(x: Expr, axis: int) -> list[Any]:
    """The index that gathers x into sorted order: argsort along `axis`, arange along
    every other axis (broadcast)."""
    order = apply(mt.ArgSortOp, x, axis=axis).v
    return [order if d == axis else arange_along(x.b, x.v, d, x.rank) for d in range(x.rank)]


def _sort_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x = Expr(b, n.inputs[0])
    return [scatter(b, x.v, gouts[0], _sort_index(x, n.params["axis"]), tuple(range(x.rank)))]


def _sort_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, t = Expr(b, n.inputs[0]), Expr(b, tins[0])
    return [apply(mt.AdvancedSubtensorOp, t, *_sort_index(x, n.params["axis"]), axes=tuple(range(x.rank))).v]


SORT_ZERO_GRADIENT_OPS = (mt.ArgSortOp,)
SORT_PULLBACK: dict[type, Callable] = {mt.SortOp: _sort_pullback}
SORT_PUSHFORWARD: dict[type, Callable] = {mt.SortOp: _sort_pushforward}
