"""Basic indexing of symbolic tensors: `x[1:, ::2, 0]`, `x[-1]`, `x[..., None]`.

Integer and slice entries with constant bounds become one `mt.subtensor`; `None`
(np.newaxis) entries become an `mt.dimshuffle` after it. Symbolic bounds and advanced
(array or boolean) indexing raise a clear error until their ops exist.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from mlc.dialects import mt
from mlc.dialects.dtypes import DYN
from mlc.srcloc import describe, user_location
from mlc.tensor.variable import Constant, Variable, apply

_FULL = slice(None, None, None)


def _constant_int(value: Any, what: str) -> Optional[int]:
    """`value` as a Python int (None stays None), or a clear error."""
    if value is None:
        return None
    if isinstance(value, Constant) and value.ndim == 0 and value.dtype.startswith("int"):
        return int(value.data)
    if isinstance(value, Variable):
        raise TypeError(f"indexing with a symbolic {what} ({value!r}) is not supported yet; "
                        "use constant integers")
    if isinstance(value, (bool, np.bool_)):
        raise IndexError("boolean indices (advanced indexing) are not supported yet")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        raise IndexError("advanced indexing with integer arrays or lists is not supported yet; "
                         "use integers, slices, ... and None")
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`) and None are valid "
                     f"indices, got {value!r}")


def _normalise(index: Any, ndim: int) -> list[Any]:
    """Entries that are ints, slices of ints/None, or None, with `...` expanded."""
    entries = list(index) if isinstance(index, tuple) else [index]
    if sum(1 for e in entries if e is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    out: list[Any] = []
    for e in entries:
        if e is None or e is Ellipsis:
            out.append(e)
        elif isinstance(e, slice):
            out.append(slice(*(_constant_int(b, "slice bound") for b in (e.start, e.stop, e.step))))
        else:
            out.append(_constant_int(e, "index"))
    consumed = sum(1 for e in out if e is not None and e is not Ellipsis)
    if consumed > ndim:
        raise IndexError(f"too many indices for tensor: tensor is {ndim}-dimensional, "
                         f"but {consumed} were indexed")
    if Ellipsis in out:
        at = out.index(Ellipsis)
        out[at:at + 1] = [_FULL] * (ndim - consumed)
    return out


def _bounds(entry: Any, axis: int, size: int) -> tuple[int, int, int]:
    if isinstance(entry, int):
        if size != DYN and not -size <= entry < size:
            raise IndexError(f"index {entry} is out of bounds for axis {axis} with size {size}")
        return entry, (entry + 1 if entry != -1 else mt.NONE_HI), 1
    step = 1 if entry.step is None else entry.step
    if step == 0:
        raise ValueError("slice step cannot be zero")
    start = entry.start if entry.start is not None else (0 if step > 0 else mt.NONE_HI)
    stop = entry.stop if entry.stop is not None else (mt.NONE_HI if step > 0 else mt.NONE_LO)
    return start, stop, step


def _subtensor(x: Variable, entries: list[Any], loc: Any) -> Variable:
    axes = [e for e in entries if e is not None]
    while axes and axes[-1] == _FULL:
        axes.pop()
    if not axes:
        return x
    bounds = [_bounds(e, i, x.type.dims[i]) for i, e in enumerate(axes)]
    starts, stops, steps = (tuple(b[k] for b in bounds) for k in range(3))
    squeeze = tuple(i for i, e in enumerate(axes) if isinstance(e, int))
    return apply(mt.SubtensorOp, [x], "subtensor", loc, starts=starts, stops=stops,
                 steps=steps, squeeze=squeeze)


def _newaxes(y: Variable, entries: list[Any], loc: Any) -> Variable:
    pattern: list[int] = []
    kept = 0
    for e in entries:
        if e is None:
            pattern.append(-1)
        elif isinstance(e, slice):
            pattern.append(kept)
            kept += 1
    pattern.extend(range(kept, y.ndim))
    return apply(mt.DimShuffleOp, [y], "subtensor", loc, pattern=tuple(pattern))


def getitem(x: Variable, index: Any) -> Variable:
    """`x[index]` for basic indexing with constant integers, slices, `...` and None."""
    loc = user_location()
    try:
        entries = _normalise(index, x.ndim)
        y = _subtensor(x, entries, loc)
    except (IndexError, ValueError) as e:
        raise type(e)(f"{x!r}[...]: {e}\n  at {describe(loc)}") from None
    except TypeError as e:
        if "\n  at " in str(e):
            raise
        raise TypeError(f"{x!r}[...]: {e}\n  at {describe(loc)}") from None
    if any(e is None for e in entries):
        y = _newaxes(y, entries, loc)
    return y
