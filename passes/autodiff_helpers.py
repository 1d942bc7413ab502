"""Helpers that differentiation rules build with: dtype/shape queries, literals shaped
like a value, casts, re-inserting reduced axes and summing over broadcast axes. Shared by
every rule module (autodiff_mt, autodiff_math, autodiff_nnet, ...)."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.autodiff_core import ZERO, Builder, Node


def dtype(b: Builder, v: Any) -> str:
    return dt.dtype_of(b.type_of(v))


def shape(b: Builder, v: Any) -> tuple[int, ...]:
    return dt.shape_of(b.type_of(v))


def const(b: Builder, value: float, like: Any) -> Any:
    """A literal with like's dtype and rank (all dims broadcastable)."""
    return b.constant(np.full((1,) * len(shape(b, like)), value, dtype=dtype(b, like)))


def mk(b: Builder, op: type, *inputs: Any, **params: Any) -> Any:
    return b.make(op, list(inputs), **params)


def cast(b: Builder, v: Any, to: str) -> Any:
    return v if dtype(b, v) == to else mk(b, mt.CastOp, v, dtype=to)


def expand(b: Builder, g: Any, axes: tuple[int, ...], rank: int) -> Any:
    """Re-insert reduced `axes` as broadcastable dims (the inverse of a reduction)."""
    if not axes:
        return g
    it = iter(range(rank - len(axes)))
    return mk(b, mt.DimShuffleOp, g, pattern=tuple(-1 if a in axes else next(it) for a in range(rank)))


def unbroadcast(b: Builder, g: Any, x: Any) -> Any:
    """Sum g over the axes along which x was broadcast; give it x's dtype."""
    xs, gs = shape(b, x), shape(b, g)
    axes = tuple(a for a, (n, m) in enumerate(zip(xs, gs)) if n == 1 and m != 1)
    if axes:
        g = expand(b, mk(b, mt.SumOp, g, axes=axes), axes, len(xs))
    return cast(b, g, dtype(b, x))


def as_float(b: Builder, cond: Any, like: Any) -> Any:
    return cast(b, cond, dtype(b, like))


def count(b: Builder, x: Any, axes: tuple[int, ...], like: Any) -> Any:
    """The number of elements reduced over `axes`, as a scalar of like's dtype and rank."""
    shp = mk(b, mt.ShapeOp, x)
    n: Any = None
    for a in axes:
        size = mk(b, mt.SubtensorOp, shp, starts=(a,), stops=(a + 1,), steps=(1,), squeeze=(0,))
        n = size if n is None else mk(b, mt.MulOp, n, size)
    n = cast(b, n if n is not None else b.constant(np.array(1, np.int64)), dtype(b, like))
    rank = len(shape(b, like))
    return mk(b, mt.DimShuffleOp, n, pattern=(-1,) * rank) if rank else n


def reduce_to(b: Builder, g: Any, y: Any) -> Any:
    """g summed down to the shape and dtype of y, which g's shape broadcasts from (leading
    axes y lacks, then y's broadcastable axes)."""
    extra = len(shape(b, g)) - len(shape(b, y))
    if extra > 0:
        g = mk(b, mt.SumOp, g, axes=tuple(range(extra)))
    return unbroadcast(b, g, y)


def zero_grads(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    """Pullback of a piecewise-constant or integer-valued op: connected, zero."""
    return [ZERO] * len(n.inputs)


def linear_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    """Pushforward of an op linear in its first input (structure, indexing reads): the
    same op applied to the tangent, with the other operands and parameters unchanged."""
    t = tins[0]
    return [None if t is None or t is ZERO else mk(b, n.op, t, *n.inputs[1:], **n.params)]
