"""Differentiation rules of the shape-building, joining, scanning and sorting ops
(dialects/mt/structure2.py, sortscan.py, linalg.py's batched_dot).

Where a gradient has to be scattered (repeat, sort, diagonals) the rule builds integer
index arrays with `mt.arange`/`mt.argsort` and uses `mt.advanced_inc_subtensor`, which
accumulates repeated indices. Integer-valued ops (argmax, argsort, nonzero, any, all,
eye) have zero gradients; their integer size operands never get one.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.passes.grad.core import ZERO, Builder, Node, materialize
from mlc.passes.grad.builder import (
    cast,
    dtype,
    linear_pushforward,
    mk,
    reduce_to,
    shape,
    zero_grads,
)


def _i64(b: Builder, v: int) -> Any:
    return b.constant(np.array(v, dtype=np.int64))


def size_of(b: Builder, x: Any, axis: int) -> Any:
    """x.shape[axis] as a 0-d int64 value (a literal when static)."""
    n = shape(b, x)[axis]
    if n >= 0:
        return _i64(b, n)
    shp = mk(b, mt.ShapeOp, x)
    return mk(b, mt.SubtensorOp, shp, starts=(axis,), stops=(axis + 1,), steps=(1,), squeeze=(0,))


def reshape_like(b: Builder, g: Any, x: Any) -> Any:
    """g reshaped to x's shape, which may be known only at run time."""
    xs = shape(b, x)
    if dt.DYN not in xs:
        return mk(b, mt.ReshapeOp, g, shape=xs)
    sizes = [size_of(b, x, a) for a, n in enumerate(xs) if n == dt.DYN]
    return mk(b, mt.DynReshapeOp, g, *sizes, shape=xs)


def arange_along(b: Builder, x: Any, axis: int, rank: int) -> Any:
    """0..x.shape[axis]-1 as int64, shaped to broadcast along `axis` of a rank-`rank` array."""
    r = mk(b, mt.ArangeOp, _i64(b, 0), size_of(b, x, axis), _i64(b, 1))
    if rank == 1:
        return r
    return mk(b, mt.DimShuffleOp, r, pattern=tuple(0 if d == axis else -1 for d in range(rank)))


def _flip(b: Builder, v: Any, axis: int) -> Any:
    hi, lo = mt.NONE_HI, mt.NONE_LO
    return mk(b, mt.SubtensorOp, v, starts=(0,) * axis + (hi,), stops=(hi,) * axis + (lo,),
              steps=(1,) * axis + (-1,), squeeze=())


def _reverse_cumsum(b: Builder, g: Any, axis: int) -> Any:
    return _flip(b, mk(b, mt.CumsumOp, _flip(b, g, axis), axis=axis), axis)


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
    out, start = [], _i64(b, 0)
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


def _scatter(b: Builder, x: Any, g: Any, index: list[Any], axes: tuple[int, ...]) -> Any:
    return mk(b, mt.AdvancedIncSubtensorOp, materialize(b, ZERO, x), g, *index, axes=axes)


def _repeat_index(b: Builder, n: Node) -> Any:
    x, reps = n.inputs
    return mk(b, mt.RepeatOp, arange_along(b, x, n.params["axis"], 1), reps, axis=0)


def _repeat_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    axis = n.params["axis"]
    return [_scatter(b, n.inputs[0], gouts[0], [_repeat_index(b, n)], (axis,)), None]


def _diag_index(b: Builder, d: Any, offset: int) -> list[Any]:
    """(rows, cols) of diagonal `offset`, whose length is d's."""
    r = mk(b, mt.ArangeOp, _i64(b, 0), size_of(b, d, 0), _i64(b, 1))
    return [mk(b, mt.AddOp, r, _i64_vec(b, max(-offset, 0))), mk(b, mt.AddOp, r, _i64_vec(b, max(offset, 0)))]


def _i64_vec(b: Builder, v: int) -> Any:
    return b.constant(np.array([v], dtype=np.int64))


def _extract_diag_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x, g = n.inputs[0], gouts[0]
    return [_scatter(b, x, g, _diag_index(b, g, n.params["offset"]), (0, 1))]


def _sort_index(b: Builder, x: Any, axis: int) -> list[Any]:
    rank = len(shape(b, x))
    order = mk(b, mt.ArgSortOp, x, axis=axis)
    return [order if d == axis else arange_along(b, x, d, rank) for d in range(rank)]


def _sort_pullback(b: Builder, n: Node, gouts: list[Any]) -> list[Any]:
    x = n.inputs[0]
    rank = len(shape(b, x))
    return [_scatter(b, x, gouts[0], _sort_index(b, x, n.params["axis"]), tuple(range(rank)))]


def _sort_pushforward(b: Builder, n: Node, tins: list[Any]) -> list[Any]:
    x, t = n.inputs[0], tins[0]
    rank = len(shape(b, x))
    return [mk(b, mt.AdvancedSubtensorOp, t, *_sort_index(b, x, n.params["axis"]),
               axes=tuple(range(rank)))]


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
STRUCTURE_ZERO_GRADIENT_OPS = (mt.ArgMaxOp, mt.ArgMinOp, mt.ArgSortOp, mt.NonzeroOp, mt.AnyOp, mt.AllOp,
                 mt.EyeOp, mt.ArangeOp)

STRUCTURE_PULLBACK: dict[type, Callable] = {
    **{op: zero_grads for op in STRUCTURE_ZERO_GRADIENT_OPS},
    mt.DimShuffleOp: _dimshuffle_pullback, mt.ConstantOp: _disconnected,
    mt.BatchedDotOp: _bdot_pullback, mt.AllocOp: _alloc_pullback,
    mt.ReshapeOp: _reshape_pullback, mt.DynReshapeOp: _reshape_pullback,
    mt.SpecifyShapeOp: _identity_pullback, mt.JoinOp: _join_pullback,
    mt.SplitOp: _split_pullback, mt.RepeatOp: _repeat_pullback,
    mt.AllocDiagOp: lambda b, n, g: [mk(b, mt.ExtractDiagOp, g[0], **n.params)],
    mt.ExtractDiagOp: _extract_diag_pullback,
    mt.CumsumOp: _cumsum_pullback, mt.CumprodOp: _cumprod_pullback, mt.SortOp: _sort_pullback,
}
STRUCTURE_PUSHFORWARD: dict[type, Callable] = {
    **{op: (lambda b, n, t: [None]) for op in STRUCTURE_ZERO_GRADIENT_OPS},
    mt.DimShuffleOp: linear_pushforward, mt.ReshapeOp: linear_pushforward,
    mt.ConstantOp: lambda b, n, t: [None],
    mt.BatchedDotOp: _bdot_pushforward, mt.AllocOp: linear_pushforward,
    mt.DynReshapeOp: linear_pushforward, mt.SpecifyShapeOp: linear_pushforward, mt.JoinOp: _join_pushforward,
    mt.SplitOp: linear_pushforward, mt.RepeatOp: linear_pushforward, mt.AllocDiagOp: linear_pushforward,
    mt.ExtractDiagOp: linear_pushforward, mt.CumsumOp: linear_pushforward, mt.CumprodOp: _cumprod_pushforward,
    mt.SortOp: _sort_pushforward,
}
