"""NumPy semantics of the structure family (the ops of passes/mt_to_loop/structure.py):
constants, shapes, reshapes, dimshuffles, basic slicing, alloc, join/split, eye,
arange, repeat and diagonals.

Size operands arrive as 0-d int64 arrays; invalid sizes raise `ValueError` as the
compiled code does. `mt.constant` has no entry to call: `evaluate` reads its literal.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

import numpy as np

from mlc.dialects import mt
from mlc.runtime.reference.core import Ref


def full_shape(shape: Sequence[int], sizes: Sequence[np.ndarray]) -> list[int]:
    """`shape` with each -1 replaced by the next size operand."""
    it: Iterator[np.ndarray] = iter(sizes)
    return [int(next(it)) if s == -1 else s for s in shape]


def _alloc(value: np.ndarray, *sizes: np.ndarray, shape: tuple) -> np.ndarray:
    dims = full_shape(shape, sizes)
    if any(d < 0 for d in dims):
        raise ValueError(f"mt.alloc: negative dimensions are not allowed: {dims}")
    v = value.reshape((1,) * (len(dims) - value.ndim) + value.shape)
    if any(a not in (1, b) for a, b in zip(v.shape, dims)):
        raise ValueError(f"mt.alloc: cannot broadcast a value of shape {value.shape} to {dims}")
    return np.broadcast_to(v, dims).copy()


def _dyn_reshape(x: np.ndarray, *sizes: np.ndarray, shape: tuple) -> np.ndarray:
    dims = full_shape(shape, sizes)
    if any(d < -1 for d in dims) or dims.count(-1) > 1:
        raise ValueError(f"mt.dyn_reshape: invalid shape {dims}")
    return x.reshape(dims)


def _specify_shape(x: np.ndarray, *sizes: np.ndarray, shape: tuple) -> np.ndarray:
    dims = full_shape(shape, sizes)
    if list(x.shape) != dims:
        raise ValueError(f"mt.specify_shape: expected shape {tuple(dims)}, got {x.shape}")
    return x


def _split(x: np.ndarray, splits: np.ndarray, axis: int, n: int, index: int) -> np.ndarray:
    if splits.shape != (n,) or (splits < 0).any() or splits.sum() != x.shape[axis]:
        raise ValueError(f"mt.split: split sizes {splits.tolist()} do not cut {x.shape[axis]} "
                         f"elements into {n} pieces")
    start = int(splits[:index].sum())
    return np.take(x, np.arange(start, start + int(splits[index])), axis=axis)


def _eye(*sizes: np.ndarray, shape: tuple, k: int, dtype: str) -> np.ndarray:
    n, m = full_shape(shape, sizes)
    if n < 0 or m < 0:
        raise ValueError(f"mt.eye: negative dimensions are not allowed: {(n, m)}")
    return np.eye(n, m, k, dtype=dtype)


def _arange(start: np.ndarray, stop: np.ndarray, step: np.ndarray) -> np.ndarray:
    if step == 0:
        raise ValueError("mt.arange: step cannot be zero")
    return np.arange(start[()], stop[()], step[()], dtype=start.dtype)


def _repeat(x: np.ndarray, repeats: np.ndarray, axis: int) -> np.ndarray:
    if repeats.shape != (x.shape[axis],) or (repeats < 0).any():
        raise ValueError(f"mt.repeat: invalid repeats {repeats.tolist()} for "
                         f"{x.shape[axis]} elements")
    return np.repeat(x, repeats, axis=axis)


def _alloc_diag(v: np.ndarray, offset: int) -> np.ndarray:
    return np.diag(v, offset)


def _extract_diag(x: np.ndarray, offset: int) -> np.ndarray:
    return np.diag(x, offset).copy()


def _subtensor(x: np.ndarray, starts: tuple, stops: tuple, steps: tuple, squeeze: tuple) -> np.ndarray:
    index: list[Any] = []
    for axis, (s, e, st) in enumerate(zip(starts, stops, steps)):
        if axis in squeeze:
            if not -x.shape[axis] <= s < x.shape[axis]:
                raise IndexError(f"index {s} is out of bounds for axis {axis} with size {x.shape[axis]}")
            index.append(s)
        else:
            index.append(slice(s, e, st))
    return x[tuple(index)]


def _dimshuffle(x: np.ndarray, pattern: tuple) -> np.ndarray:
    kept = [p for p in pattern if p != -1]
    dropped = tuple(a for a in range(x.ndim) if a not in kept)
    y = np.transpose(x.squeeze(dropped), [sorted(kept).index(p) for p in kept])
    return y.reshape([1 if p == -1 else x.shape[p] for p in pattern])


STRUCTURE_REFERENCE: dict[type, Ref] = {
    mt.ConstantOp: lambda: None,  # evaluated from its literal by `evaluate`
    mt.ShapeOp: lambda x: np.array(x.shape, dtype=np.int64),
    mt.DimShuffleOp: _dimshuffle,
    mt.ReshapeOp: lambda x, shape: x.reshape(shape),
    mt.SubtensorOp: _subtensor,
    mt.AllocOp: _alloc, mt.DynReshapeOp: _dyn_reshape, mt.SpecifyShapeOp: _specify_shape,
    mt.JoinOp: lambda *xs, axis: np.concatenate(xs, axis=axis),
    mt.SplitOp: _split, mt.EyeOp: _eye, mt.ArangeOp: _arange, mt.RepeatOp: _repeat,
    mt.AllocDiagOp: _alloc_diag, mt.ExtractDiagOp: _extract_diag,
}
