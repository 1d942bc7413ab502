"""Differentiation rules of the sort family: `mt.sort` scatters its gradient back through
the permutation `mt.argsort` gives (and gathers the tangent through it); `mt.argsort` is
integer-valued (zero gradient)."""

from __future__ import annotations

from typing import Any, Callable

from mlc.dialects import mt
from mlc.passes.grad.builder import arange_along, mk, scatter, shape
from mlc.passes.grad.core import Builder, Node


def _sort_index(b: Builder, x: Any, axis: int) -> list[Any]:
    rank = len(shape(b, x))
    order = mk(b, mt.ArgSortOp, x, axis=axis)
    return [order if d == axis else arange_along(b, x, d, rank) for d in range(rank)]


def _sort_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x = n.inputs[0]
    rank = len(shape(b, x))
    return [scatter(b, x, gouts[0], _sort_index(b, x, n.params["axis"]), tuple(range(rank)))]


def _sort_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, t = n.inputs[0], tins[0]
    rank = len(shape(b, x))
    return [mk(b, mt.AdvancedSubtensorOp, t, *_sort_index(b, x, n.params["axis"]),
               axes=tuple(range(rank)))]


SORT_ZERO_GRADIENT_OPS = (mt.ArgSortOp,)
SORT_PULLBACK: dict[type, Callable] = {mt.SortOp: _sort_pullback}
SORT_PUSHFORWARD: dict[type, Callable] = {mt.SortOp: _sort_pushforward}
