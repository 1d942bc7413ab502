"""Indexing of symbolic tensors, `x[...]`, with NumPy's semantics.

An index is parsed into entries (`parse`): `None` (np.newaxis), slices whose bounds are
ints, None or 0-d integer variables, scalar indices (ints or 0-d integer variables), and
advanced indices (`Adv`: integer arrays, boolean masks, Python lists and NumPy arrays).
Basic indexing becomes one `mt.subtensor` (constant bounds) or `mt.dynamic_subtensor`
(symbolic bounds), followed by an `mt.dimshuffle` for new axes. Advanced indexing
inserts new axes first, applies the slices as a basic view, then one
`mt.advanced_subtensor` whose scalar indices are 0-d index arrays (so the advanced
dims land where NumPy puts them). `mlc.tensor.indexing` builds writes from the same
entries; `INDEXED` remembers, for each result, the tensor and entries it came from.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects import mt
from mlc.dialects.dtypes import DYN
from mlc.srcloc import describe, user_location
from mlc.tensor.variable import Constant, Variable, apply

FULL = slice(None, None, None)
_INT64 = np.iinfo(np.int64)

INDEXED: "weakref.WeakKeyDictionary[Variable, tuple[Variable, list[Any]]]" = weakref.WeakKeyDictionary()
"""result of `x[index]` -> (x, parsed entries), read by `T.set_subtensor` / `T.inc_subtensor`."""


@dataclass(frozen=True)
class Adv:
    """An advanced index: an integer array or a boolean mask (of any rank)."""

    var: Variable

    @property
    def consumed(self) -> int:
        """How many axes of x it indexes."""
        return self.var.ndim if self.var.dtype == "bool" else 1


def _int_scalar(v: Variable) -> bool:
    return v.ndim == 0 and dt.is_int(v.dtype)


def _bound(b: Any) -> Any:
    """A slice bound: None, a Python int or a 0-d integer variable."""
    if b is None or isinstance(b, Variable) and _int_scalar(b) and not isinstance(b, Constant):
        return b
    if isinstance(b, Constant) and _int_scalar(b):
        return int(b.data)
    if isinstance(b, (int, np.integer)) and not isinstance(b, (bool, np.bool_)):
        return int(b)
    raise TypeError(f"slice indices must be integers, None or 0-d integer variables, got {b!r}")


def _array(e: Any) -> Any:
    """A list or NumPy array index: an int (0-d), or an `Adv` constant."""
    arr = np.asarray(e)
    if arr.dtype.kind == "O" or any(isinstance(v, Variable) for v in np.ravel(arr)):
        raise IndexError("lists of symbolic variables are not valid indices; use T.stack")
    if arr.size == 0 and arr.dtype.kind == "f":  # x[[]]: an empty integer index
        arr = arr.astype(np.int64)
    if arr.dtype.kind == "u":
        if arr.size and arr.max() > _INT64.max:
            raise IndexError(f"index {arr.max()} is out of bounds for any tensor")
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "bi":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    if arr.ndim == 0 and arr.dtype.kind == "i":
        return int(arr)
    return Adv(Constant(arr))


def _entry(e: Any) -> Any:
    if e is None or e is Ellipsis:
        return e
    if isinstance(e, slice):
        return slice(*(_bound(b) for b in (e.start, e.stop, e.step)))
    if isinstance(e, (bool, np.bool_)):
        return Adv(Constant(np.array(e, dtype=bool)))
    if isinstance(e, (int, np.integer)):
        return int(e)
    if isinstance(e, Variable):
        if e.dtype != "bool" and not dt.is_int(e.dtype):
            raise IndexError(f"arrays used as indices must be of integer (or boolean) type, "
                             f"got {e!r} of dtype {e.dtype}")
        if e.dtype == "bool" or e.ndim:
            return Adv(e)
        return int(e.data) if isinstance(e, Constant) else e
    if isinstance(e, (list, tuple, np.ndarray)):
        return _array(e)
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None, and integer or "
                     f"boolean arrays are valid indices, got {e!r}")


def consumed(e: Any) -> int:
    return 0 if e is None else e.consumed if isinstance(e, Adv) else 1


def parse(index: Any, ndim: int) -> list[Any]:
    """The entries of `index` with `...` expanded (see the module docstring)."""
    entries = [_entry(e) for e in (index if isinstance(index, tuple) else (index,))]
    if sum(1 for e in entries if e is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = sum(consumed(e) for e in entries if e is not Ellipsis)
    if used > ndim:
        raise IndexError(f"too many indices for tensor: tensor is {ndim}-dimensional, "
                         f"but {used} were indexed")
    if Ellipsis in entries:
        at = entries.index(Ellipsis)
        entries[at:at + 1] = [FULL] * (ndim - used)
    return entries


def _clamp(v: int, lo: int = mt.NONE_LO + 2, hi: int = mt.NONE_HI - 1) -> int:
    """Python clamps slice bounds to the axis, so clamping them inside int64 changes
    nothing; the extremes stay free to mean an omitted bound (mt.NONE_HI/NONE_LO)."""
    return max(lo, min(hi, v))


def _static_index(i: int, axis: int, size: int) -> int:
    if (size != DYN and not -size <= i < size) or not _INT64.min <= i <= _INT64.max:
        raise IndexError(f"index {i} is out of bounds for axis {axis} with size "
                         f"{'?' if size == DYN else size}")
    return i


def _slice_bounds(e: slice, axis: int, operands: list[Variable],
                  dynamic: list[int]) -> tuple[int, int, int]:
    step_known = not isinstance(e.step, Variable)
    step = 1 if e.step is None else _clamp(e.step, -mt.NONE_HI, mt.NONE_HI) if step_known else 0
    if step_known and step == 0:
        raise ValueError("slice step cannot be zero")
    forward = step > 0
    bounds = []
    for k, (b, none) in enumerate(((e.start, 0 if forward else mt.NONE_HI),
                                   (e.stop, mt.NONE_HI if forward else mt.NONE_LO), (e.step, step))):
        if isinstance(b, Variable):
            operands.append(b)
            dynamic.append(3 * axis + k)
            bounds.append(0)
        elif k == 2:
            bounds.append(step)
        elif b is None:  # under a run-time step NONE_HI means "omitted"
            bounds.append(none if step_known else mt.NONE_HI)
        else:
            bounds.append(_clamp(b))
    return bounds[0], bounds[1], bounds[2]


def basic_params(x: Variable, axes: list[Any]) -> tuple[list[Variable], dict[str, tuple]]:
    """(bound operands, params) of a basic index on x's leading axes; `dynamic` is ()
    when every bound is constant (an `mt.subtensor` then suffices)."""
    operands: list[Variable] = []
    dynamic: list[int] = []
    bounds, squeeze = [], []
    for axis, e in enumerate(axes):
        if isinstance(e, slice):
            bounds.append(_slice_bounds(e, axis, operands, dynamic))
            continue
        squeeze.append(axis)
        if isinstance(e, Variable):
            operands.append(e)
            dynamic.append(3 * axis)
            bounds.append((0, 0, 1))
        else:
            i = _static_index(e, axis, x.type.dims[axis])
            bounds.append((i, i + 1 if i != -1 else mt.NONE_HI, 1))
    params = {"starts": tuple(b[0] for b in bounds), "stops": tuple(b[1] for b in bounds),
              "steps": tuple(b[2] for b in bounds), "squeeze": tuple(squeeze)}
    if dynamic:
        params["dynamic"] = tuple(dynamic)
    return operands, params


def basic_read(x: Variable, axes: list[Any], loc: Any) -> Variable:
    """x indexed by slices and scalar indices (one per leading axis); x if trivial."""
    axes = list(axes)
    while axes and axes[-1] == FULL:
        axes.pop()
    if not axes:
        return x
    operands, params = basic_params(x, axes)
    op = mt.DynamicSubtensorOp if "dynamic" in params else mt.SubtensorOp
    return apply(op, [x, *operands], "subtensor", loc, **params)


def insert_newaxes(x: Variable, entries: list[Any], loc: Any) -> tuple[Variable, list[Any], list[int]]:
    """x with a broadcastable axis per None entry, the entries with those Nones as full
    slices, and the positions of x's own axes in the new tensor."""
    pattern, kept, axis = [], [], 0
    for e in entries:
        if e is None:
            pattern.append(-1)
            continue
        for _ in range(consumed(e)):
            kept.append(len(pattern))
            pattern.append(axis)
            axis += 1
    for a in range(axis, x.ndim):
        kept.append(len(pattern))
        pattern.append(a)
    y = apply(mt.DimShuffleOp, [x], "subtensor", loc, pattern=tuple(pattern))
    return y, [FULL if e is None else e for e in entries], kept


def split_advanced(x: Variable, entries: list[Any],
                   loc: Any) -> tuple[list[Any], list[Variable], tuple[int, ...]]:
    """(one slice per axis for the basic part, index arrays, their axes) of an index
    with advanced entries and no None; scalar indices become 0-d index arrays."""
    slices: list[Any] = []
    arrays, axes = [], []
    for e in entries:
        if isinstance(e, slice):
            slices.append(e)
            continue
        if isinstance(e, int):
            e = Adv(Constant(np.array(_static_index(e, len(slices), x.type.dims[len(slices)]), np.int64),
                             None, loc))
        elif isinstance(e, Variable):
            e = Adv(e)
        arrays.append(e.var)
        axes.append(len(slices))
        slices.extend([FULL] * e.consumed)
    return slices, arrays, tuple(axes)


def checked_apply(op: type, inputs: list[Variable], loc: Any, **params: Any) -> Variable:
    """`apply`, with the index errors of type inference raised as IndexError."""
    try:
        op.infer([v.type.mt for v in inputs], **params)
    except mt.MtIndexError as e:
        raise IndexError(str(e)) from None
    return apply(op, inputs, "subtensor", loc, **params)


def _read(x: Variable, entries: list[Any], loc: Any) -> Variable:
    if not any(isinstance(e, Adv) for e in entries):
        y = basic_read(x, [e for e in entries if e is not None], loc)
        if any(e is None for e in entries):
            y = _newaxes(y, entries, loc)
        return y
    if any(e is None for e in entries):
        x, entries, _ = insert_newaxes(x, entries, loc)
    slices, arrays, axes = split_advanced(x, entries, loc)
    x = basic_read(x, slices, loc)
    return checked_apply(mt.AdvancedSubtensorOp, [x, *arrays], loc, axes=axes)


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


def with_location(fn: Any, x: Variable, loc: Any) -> Any:
    """Run fn(); index errors get `x[...]: ` in front and the user's line after."""
    try:
        return fn()
    except (IndexError, ValueError) as e:
        raise type(e)(f"{x!r}[...]: {e}\n  at {describe(loc)}") from None
    except TypeError as e:
        if "\n  at " in str(e):
            raise
        raise TypeError(f"{x!r}[...]: {e}\n  at {describe(loc)}") from None


def getitem(x: Variable, index: Any, loc: Optional[Any] = None) -> Variable:
    """`x[index]`: basic and advanced indexing with NumPy's semantics."""
    loc = loc or user_location()
    entries = with_location(lambda: parse(index, x.ndim), x, loc)
    y = with_location(lambda: _read(x, entries, loc), x, loc)
    if y is x:  # x[:] or x[...]: a view of all of x, a variable of its own (as in Theano)
        y = apply(mt.DimShuffleOp, [x], "subtensor", loc, pattern=tuple(range(x.ndim)))
    INDEXED[y] = (x, entries)
    return y
