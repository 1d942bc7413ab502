"""Differentiation rules of the structure family: dimshuffle, reshape, constant, shape,
alloc, join/split, repeat, the diagonals, eye, arange (dialects/mt/structure*.py).

Where a gradient has to be scattered (repeat, diagonals) the rule builds integer index
arrays with `mt.arange` and uses `mt.advanced_inc_subtensor` (builder.scatter), which
accumulates repeated indices. Eye and arange have zero gradients; integer size operands
never get one.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.grad.builder import (arange_along, cast, dtype, i64, linear_pushforward, mk, reduce_to,
                                     scatter, shape, size_of, zero_grads)
from mlc.passes.grad.core import ZERO, Builder, Node, materialize


def reshape_like(b: Builder, g: Any, x: Any) -> Any:
    """g reshaped to x's shape, which may be known only at run time."""
    xs = shape(b, x)
    if dt.DYN not in xs:
        return mk(b, mt.ReshapeOp, g, shape=xs)
    sizes = [size_of(b, x, a) for a, n in enumerate(xs) if n == dt.DYN]
    return mk(b, mt.DynReshapeOp, g, *sizes, shape=xs)


def _alloc_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    return [reduce_to(b, gouts[0], n.inputs[0])] + [None] * (len(n.inputs) - 1)


def _reshape_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    return [reshape_like(b, gouts[0], n.inputs[0])] + [None] * (len(n.inputs) - 1)


def _identity_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    return [gouts[0]] + [None] * (len(n.inputs) - 1)


def _piece(b: Builder, g: Any, axis: int, start: Any, stop: Any, write: Any = None) -> Any:
    """g[..., start:stop, ...] along axis (or, with `write`, g with that region += write)."""
    params = {"starts": (0,) * (axis + 1), "stops": (mt.NONE_HI,) * (axis + 1),
              "steps": (1,) * (axis + 1), "squeeze": (), "dynamic": (3 * axis, 3 * axis + 1)}
    if write is None:
        return mk(b, mt.DynamicSubtensorOp, g, start, stop, **params)
    return mk(b, mt.IncSubtensorOp, g, write, start, stop, **params)


def _join_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    axis, g = n.params["axis"], gouts[0]
    out, start = [], i64(b, 0)
    for x in n.inputs:
        stop = mk(b, mt.AddOp, start, size_of(b, x, axis))
        out.append(cast(b, _piece(b, g, axis, start, stop), dtype(b, x)))
        start = stop
    return out


def _split_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, splits = n.inputs
    axis, index = n.params["axis"], n.params["index"]
    before = mk(b, mt.SubtensorOp, splits, starts=(0,), stops=(index,), steps=(1,), squeeze=())
    start = mk(b, mt.SumOp, before, axes=(0,))
    size = mk(b, mt.SubtensorOp, splits, starts=(index,), stops=(index + 1,), steps=(1,), squeeze=(0,))
    stop = mk(b, mt.AddOp, start, size)
    return [_piece(b, materialize(b, ZERO, x), axis, start, stop, gouts[0]), None]


def _repeat_index(b: Builder, n: Node) -> Any:
    x, reps = n.inputs
    return mk(b, mt.RepeatOp, arange_along(b, x, n.params["axis"], 1), reps, axis=0)


def _repeat_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    axis = n.params["axis"]
    return [scatter(b, n.inputs[0], gouts[0], [_repeat_index(b, n)], (axis,)), None]


def _diag_index(b: Builder, d: Any, offset: int) -> list[Any]:
    """(rows, cols) of diagonal `offset`, whose length is d's."""
    r = mk(b, mt.ArangeOp, i64(b, 0), size_of(b, d, 0), i64(b, 1))
    return [mk(b, mt.AddOp, r, _i64_vec(b, max(-offset, 0))), mk(b, mt.AddOp, r, _i64_vec(b, max(offset, 0)))]


def _i64_vec(b: Builder, v: int) -> Any:
    return b.constant(np.array([v], dtype=np.int64))


def _extract_diag_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, g = n.inputs[0], gouts[0]
    return [scatter(b, x, g, _diag_index(b, g, n.params["offset"]), (0, 1))]


def _join_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    out_dtype = dtype(b, n.outputs[0])
    parts = [cast(b, materialize(b, ZERO, x) if t in (None, ZERO) else t, out_dtype)
             for x, t in zip(n.inputs, tins)]
    return [mk(b, mt.JoinOp, *parts, **n.params)]


def _dimshuffle_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    pattern = n.params["pattern"]
    rank = len(shape(b, n.inputs[0]))
    where = {p: i for i, p in enumerate(pattern) if p != -1}
    kept = sorted(where, key=lambda p: where[p])  # input axes in output order
    g = gouts[0]
    dropped_x = tuple(i for i, p in enumerate(pattern) if p == -1)
    if dropped_x:  # sum away the inserted axes (they are static 1, so this is a squeeze)
        g = mk(b, mt.SumOp, g, axes=dropped_x)
    order = [kept.index(a) if a in where else -1 for a in range(rank)]
    return [mk(b, mt.DimShuffleOp, g, pattern=tuple(order))]


def _disconnected(b: Builder, n: Node, g: list[Any]) -> list[Any]:
    return [None] * len(n.inputs)


STRUCTURE_DISCONNECTED_OPS = (mt.ShapeOp,)
"""The shape of a value carries no gradient to the value."""
STRUCTURE_ZERO_GRADIENT_OPS = (mt.EyeOp, mt.ArangeOp)

STRUCTURE_PULLBACK: dict[type, Callable] = {
    **{op: zero_grads for op in STRUCTURE_ZERO_GRADIENT_OPS},
    mt.DimShuffleOp: _dimshuffle_pullback, mt.ConstantOp: _disconnected,
    mt.AllocOp: _alloc_pullback,
    mt.ReshapeOp: _reshape_pullback, mt.DynReshapeOp: _reshape_pullback,
    mt.SpecifyShapeOp: _identity_pullback, mt.JoinOp: _join_pullback,
    mt.SplitOp: _split_pullback, mt.RepeatOp: _repeat_pullback,
    mt.AllocDiagOp: lambda b, n, g: [mk(b, mt.ExtractDiagOp, g[0], **n.params)],
    mt.ExtractDiagOp: _extract_diag_pullback,
    }
STRUCTURE_PUSHFORWARD: dict[type, Callable] = {
    **{op: (lambda b, n, t: [None]) for op in STRUCTURE_ZERO_GRADIENT_OPS},
    mt.DimShuffleOp: linear_pushforward, mt.ReshapeOp: linear_pushforward,
    mt.ConstantOp: lambda b, n, t: [None],
    mt.AllocOp: linear_pushforward,
    mt.DynReshapeOp: linear_pushforward, mt.SpecifyShapeOp: linear_pushforward, mt.JoinOp: _join_pushforward,
    mt.SplitOp: linear_pushforward, mt.RepeatOp: linear_pushforward, mt.AllocDiagOp: linear_pushforward,
    mt.ExtractDiagOp: linear_pushforward,
}
