"""NumPy semantics of the indexing family (the ops of passes/mt_to_loop/indexing.py):
dynamic and advanced subtensors, their set/inc writes, and `mt.nonzero`.

Each entry rebuilds the Python index the op stands for and applies NumPy's own
indexing, so out-of-range indices raise IndexError and a zero step ValueError exactly
as NumPy does. Writes copy x first (value semantics); `inc` on advanced indices is
`np.add.at`, so repeated indices accumulate.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from mlc.dialects import mt
from mlc.runtime.reference.core import Ref


def basic_index(starts: Sequence[int], stops: Sequence[int], steps: Sequence[int],
                squeeze: Sequence[int], dynamic: Sequence[int], values: Sequence[np.ndarray]) -> tuple:
    """The Python index of a `mt.dynamic_subtensor`-style op, bounds substituted."""
    bounds = [list(b) for b in zip(starts, stops, steps)]
    for p, v in zip(dynamic, values):
        bounds[p // 3][p % 3] = int(v)
    for axis, b in enumerate(bounds):  # under a run-time step, NONE_HI/NONE_LO mean None
        if 3 * axis + 2 in dynamic:
            b[:2] = [None if 3 * axis + k not in dynamic and b[k] in (mt.NONE_HI, mt.NONE_LO)
                     else b[k] for k in range(2)]
    return tuple(b[0] if axis in squeeze else slice(*b) for axis, b in enumerate(bounds))


def advanced_index(ndim: int, indices: Sequence[np.ndarray], axes: Sequence[int],
                   expand_masks: bool = False) -> tuple:
    """The NumPy index of an `mt.advanced_subtensor`-style op: full slices on the axes
    that no index covers; with `expand_masks`, masks of rank >= 1 become their
    `nonzero()` arrays (what NumPy does, and what `np.add.at` needs)."""
    entries: list[Any] = []
    for idx, a in zip(indices, axes):
        entries += [slice(None)] * (a - _covered(entries))
        if idx.dtype == bool and idx.ndim and expand_masks:
            entries += list(np.nonzero(idx))
        else:
            entries.append(idx if idx.ndim else idx[()])
    return tuple(entries)


def _covered(entries: list[Any]) -> int:
    return sum(e.ndim if isinstance(e, np.ndarray) and e.dtype == bool else
               0 if isinstance(e, np.bool_) else 1 for e in entries)


def _dynamic_subtensor(x: np.ndarray, *values: np.ndarray, **p: Any) -> np.ndarray:
    return np.array(x[basic_index(values=values, **p)])


def _basic_write(inc: bool):
    def ref(x: np.ndarray, y: np.ndarray, *values: np.ndarray, **p: Any) -> np.ndarray:
        out, index = x.copy(), basic_index(values=values, **p)
        out[index] = out[index] + y if inc else y
        return out
    return ref


def _advanced_subtensor(x: np.ndarray, *indices: np.ndarray, axes: tuple) -> np.ndarray:
    return x[advanced_index(x.ndim, indices, axes)]


def _advanced_write(inc: bool):
    def ref(x: np.ndarray, y: np.ndarray, *indices: np.ndarray, axes: tuple) -> np.ndarray:
        out = x.copy()
        index = advanced_index(x.ndim, indices, axes, expand_masks=True)
        if inc:
            np.add.at(out, index, y)
        else:
            out[index] = y
        return out
    return ref


INDEXING_REFERENCE: dict[type, Ref] = {
    mt.DynamicSubtensorOp: _dynamic_subtensor,
    mt.SetSubtensorOp: _basic_write(False), mt.IncSubtensorOp: _basic_write(True),
    mt.AdvancedSubtensorOp: _advanced_subtensor,
    mt.AdvancedSetSubtensorOp: _advanced_write(False),
    mt.AdvancedIncSubtensorOp: _advanced_write(True),
    mt.NonzeroOp: lambda x: np.array(np.nonzero(x), dtype=np.int64).reshape(x.ndim, -1),
}
