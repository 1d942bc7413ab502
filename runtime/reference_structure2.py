"""NumPy reference semantics of the shape-building, joining, sorting and scanning `mt`
ops of issue 3 (dialects/mt/structure2.py, sortscan.py, `mt.any`/`mt.all`,
`mt.batched_dot`). Merged into `REFERENCE` by runtime/reference.py.

Size operands arrive as 0-d int64 arrays; invalid sizes raise `ValueError` as the
compiled code does.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt


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


def _arg(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """argmax/argmin over several axes: the C-order index into the reduced axes."""
    def ref(x: np.ndarray, axes: tuple) -> np.ndarray:
        if any(x.shape[a] == 0 for a in axes):
            raise ValueError("attempt to get argmax/argmin of an empty sequence")
        kept = [a for a in range(x.ndim) if a not in axes]
        moved = np.transpose(x, kept + list(axes))
        flat = moved.reshape(moved.shape[:len(kept)] + (-1,))
        return fn(flat, axis=-1).astype(np.int64)
    return ref


def _cum(fn: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    def ref(x: np.ndarray, axis: int) -> np.ndarray:
        dtype = x.dtype if x.dtype.kind == "f" or x.dtype == np.int64 else np.int64
        return fn(x, axis=axis, dtype=dtype)
    return ref


def _batched_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"mt.batched_dot: batch sizes {a.shape[0]} and {b.shape[0]} differ")
    dtype = dt.arith_dtype(a.dtype.name, b.dtype.name)
    out = [np.dot(x, y) for x, y in zip(a.astype(dtype), b.astype(dtype))]
    shape = (a.shape[0],) + a.shape[1:-1] + b.shape[2:]
    return np.array(out, dtype=dtype).reshape(shape)


def _logical(fn: Callable[..., Any]) -> Callable[..., np.ndarray]:
    return lambda x, axes: np.asarray(fn(x, axis=tuple(axes)))


STRUCTURE2_REFERENCE: dict[type, Callable[..., np.ndarray]] = {
    mt.AllocOp: _alloc, mt.DynReshapeOp: _dyn_reshape, mt.SpecifyShapeOp: _specify_shape,
    mt.JoinOp: lambda *xs, axis: np.concatenate(xs, axis=axis),
    mt.SplitOp: _split, mt.EyeOp: _eye, mt.ArangeOp: _arange, mt.RepeatOp: _repeat,
    mt.AllocDiagOp: _alloc_diag, mt.ExtractDiagOp: _extract_diag,
    mt.ArgMaxOp: _arg(np.argmax), mt.ArgMinOp: _arg(np.argmin),
    mt.CumsumOp: _cum(np.cumsum), mt.CumprodOp: _cum(np.cumprod),
    mt.SortOp: lambda x, axis: np.sort(x, axis=axis, kind="stable"),
    mt.ArgSortOp: lambda x, axis: np.argsort(x, axis=axis, kind="stable").astype(np.int64),
    mt.BatchedDotOp: _batched_dot,
    mt.NonzeroOp: lambda x: np.array(np.nonzero(x), dtype=np.int64).reshape(x.ndim, -1),
    mt.AnyOp: _logical(np.any), mt.AllOp: _logical(np.all),
}
