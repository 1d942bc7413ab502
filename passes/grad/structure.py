"""Differentiation rules of the structure family: dimshuffle, reshape, constant, shape,
alloc, join/split, repeat, the diagonals, eye, arange (dialects/mt/structure*.py).

Where a gradient has to be scattered (repeat, diagonals) the rule builds integer index
arrays with `mt.arange` and uses `mt.advanced_inc_subtensor` (builder.scatter), which
accumulates repeated indices. Eye and arange have zero gradients; integer size operands
never get one.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.grad.builder import (Expr, active, apply, arange_along, i64, linear_pushforward, reduce_to, scatter,
                                     size_of, zero_grads, zeros_like)
from mlc.passes.grad.core import Builder, Node


def reshape_like(g: Expr, x: Expr) -> Expr:
    """g reshaped to x's shape, which may be known only at run time."""
    if dt.DYN not in x.shape:
        return apply(mt.ReshapeOp, g, shape=x.shape)
    sizes = [size_of(x.b, x.v, a) for a, n in enumerate(x.shape) if n == dt.DYN]
    return apply(mt.DynReshapeOp, g, *sizes, shape=x.shape)


def _alloc_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    return [reduce_to(b, gouts[0], n.inputs[0])] + [None] * (len(n.inputs) - 1)


def _reshape_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    return [reshape_like(Expr(b, gouts[0]), Expr(b, n.inputs[0])).v] + [None] * (len(n.inputs) - 1)


def _identity_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    return [gouts[0]] + [None] * (len(n.inputs) - 1)


def _piece(g: Expr, axis: int, start: Expr, stop: Expr, write: Optional[Expr] = None) -> Expr:
    """g[..., start:stop, ...] along axis (or, with `write`, g with that region += write)."""
    params = {"starts": (0,) * (axis + 1), "stops": (mt.NONE_HI,) * (axis + 1),
              "steps": (1,) * (axis + 1), "squeeze": (), "dynamic": (3 * axis, 3 * axis + 1)}
    if write is None:
        return apply(mt.DynamicSubtensorOp, g, start, stop, **params)
    return apply(mt.IncSubtensorOp, g, write, start, stop, **params)


def _join_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    axis, g = n.params["axis"], Expr(b, gouts[0])
    out, start = [], Expr(b, i64(b, 0))
    for x in n.inputs:
        stop = start + Expr(b, size_of(b, x, axis))
        out.append(_piece(g, axis, start, stop).cast(Expr(b, x).dtype).v)
        start = stop
    return out


def _split_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, splits = (Expr(b, v) for v in n.inputs)
    axis, index = n.params["axis"], n.params["index"]
    start = apply(mt.SubtensorOp, splits, starts=(0,), stops=(index,), steps=(1,), squeeze=()).sum((0,))
    stop = start + apply(mt.SubtensorOp, splits, starts=(index,), stops=(index + 1,), steps=(1,), squeeze=(0,))
    return [_piece(zeros_like(x), axis, start, stop, Expr(b, gouts[0])).v, None]


def _repeat_index(b: Builder, n: Node) -> Any:
    x, reps = n.inputs
    return apply(mt.RepeatOp, Expr(b, arange_along(b, x, n.params["axis"], 1)), reps, axis=0).v


def _repeat_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    axis = n.params["axis"]
    return [scatter(b, n.inputs[0], gouts[0], [_repeat_index(b, n)], (axis,)), None]


def _diag_index(b: Builder, d: Any, offset: int) -> list[Any]:
    """(rows, cols) of diagonal `offset`, whose length is d's."""
    r = Expr(b, arange_along(b, d, 0, 1))
    return [(r + max(-offset, 0)).v, (r + max(offset, 0)).v]


def _extract_diag_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, g = n.inputs[0], gouts[0]
    return [scatter(b, x, g, _diag_index(b, g, n.params["offset"]), (0, 1))]


def _join_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    out_dtype = Expr(b, n.outputs[0]).dtype
    parts = [(Expr(b, t) if active(t) else zeros_like(Expr(b, x))).cast(out_dtype)
             for x, t in zip(n.inputs, tins)]
    return [apply(mt.JoinOp, *parts, **n.params).v]


def _dimshuffle_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    pattern = n.params["pattern"]
    rank = Expr(b, n.inputs[0]).rank
    where = {p: i for i, p in enumerate(pattern) if p != -1}
    kept = sorted(where, key=lambda p: where[p])  # input axes in output order
    g = Expr(b, gouts[0])
    dropped_x = tuple(i for i, p in enumerate(pattern) if p == -1)
    if dropped_x:  # sum away the inserted axes (they are static 1, so this is a squeeze)
        g = g.sum(dropped_x)
    order = [kept.index(a) if a in where else -1 for a in range(rank)]
    return [g.dimshuffle(*order).v]


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
    mt.AllocDiagOp: lambda b, n, g: [apply(mt.ExtractDiagOp, Expr(b, g[0]), **n.params).v],
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
