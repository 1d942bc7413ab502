"""The indexing family's writes and searches: `T.set_subtensor` and `T.inc_subtensor`
(also `x[idx].set(y)` / `x[idx].inc(y)`): x with `x[idx] = y` or `x[idx] += y`, as a new
tensor (value semantics); and `T.nonzero`, `T.flatnonzero`, `T.nonzero_values` (one
`mt.nonzero`: the positions of the nonzero elements in C order). Reads, `x[...]`, are
in subtensor.py.

As in Theano, they take the indexed variable `x[idx]` and find x and idx from the
record that `x[idx]` left (`subtensor.INDEXED`). The write mirrors the read: new axes
are inserted into x and dropped again from the result; basic indices become one
`mt.set_subtensor` / `mt.inc_subtensor`; advanced ones one `mt.advanced_set_subtensor`
/ `mt.advanced_inc_subtensor` on x's basic view, written back into x with
`mt.set_subtensor` when that view is not all of x. y takes x's dtype (NumPy's
assignment casts; `inc` refuses to cast across kinds, e.g. float into int).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlc.dialects import mt
from mlc.srcloc import at, describe, user_location
from mlc.tensor.basic import as_tensor_variable, weak_dtype
from mlc.tensor.elemwise import cast
from mlc.tensor.structure import flatten
from mlc.tensor.subtensor import (
    FULL,
    INDEXED,
    Adv,
    basic_params,
    basic_read,
    checked_apply,
    insert_newaxes,
    split_advanced,
)
from mlc.tensor.variable import Constant, Variable, apply


def _value(x: Variable, y: Any, inc: bool, fn: str) -> Variable:
    """y as a tensor of x's dtype."""
    if type(y) in (bool, int, float):
        y = Constant(np.array(y, dtype=weak_dtype(y, x.dtype, fn)))
    y = as_tensor_variable(y)
    if inc and not np.can_cast(y.dtype, x.dtype, "same_kind"):
        raise TypeError(f"{fn}: cannot add a {y.dtype} value to a {x.dtype} tensor (it would "
                        f"cast across kinds); cast the value with T.cast first")
    return cast(y, x.dtype)


def _basic_write(x: Variable, axes: list[Any], y: Variable, inc: bool, loc: Any) -> Variable:
    operands, params = basic_params(x, axes)
    params.setdefault("dynamic", ())
    op = mt.IncSubtensorOp if inc else mt.SetSubtensorOp
    return checked_apply(op, [x, y, *operands], loc, **params)


def write(x: Variable, entries: list[Any], y: Variable, inc: bool, loc: Any) -> Variable:
    """x with y stored into (or added to) `x[entries]`."""
    if any(e is None for e in entries):
        wide, entries, kept = insert_newaxes(x, entries, loc)
        return apply(mt.DimShuffleOp, [write(wide, entries, y, inc, loc)], "subtensor", loc,
                     pattern=tuple(kept))
    if not any(isinstance(e, Adv) for e in entries):
        return _basic_write(x, entries, y, inc, loc)
    slices, arrays, axes = split_advanced(x, entries, loc)
    op = mt.AdvancedIncSubtensorOp if inc else mt.AdvancedSetSubtensorOp
    if all(s == FULL for s in slices):
        return checked_apply(op, [x, y, *arrays], loc, axes=axes)
    view = basic_read(x, slices, loc)
    written = checked_apply(op, [view, y, *arrays], loc, axes=axes)
    return _basic_write(x, slices, written, False, loc)


def _write(sub: Any, y: Any, inc: bool, fn: str) -> Variable:
    loc = user_location()
    found = INDEXED.get(sub) if isinstance(sub, Variable) else None
    if found is None:
        raise TypeError(f"{fn}: {sub!r} is not the result of indexing; pass x[index] (x[:] "
                        f"or x[...] for all of x)\n  at {describe(loc)}")
    x, entries = found
    try:
        return write(x, entries, _value(x, y, inc, fn), inc, loc)
    except (IndexError, ValueError, TypeError, OverflowError) as e:
        if "\n  at " in str(e):
            raise
        raise type(e)(f"{fn}: {e}\n  at {describe(loc)}") from None


def set_subtensor(x: Any, y: Any, inplace: bool = False,
                  tolerate_inplace_aliasing: bool = False) -> Variable:
    """The tensor that `x` indexes, with `x[...] = y` (y broadcasts; for repeated
    advanced indices the last write wins). `x` must be an indexing result `t[idx]`."""
    return _write(x, y, False, "T.set_subtensor")


def inc_subtensor(x: Any, y: Any, inplace: bool = False, set_instead_of_inc: bool = False,
                  tolerate_inplace_aliasing: bool = False) -> Variable:
    """The tensor that `x` indexes, with `x[...] += y` (y broadcasts; repeated advanced
    indices accumulate, like `np.add.at`). `x` must be an indexing result `t[idx]`."""
    fn = "T.set_subtensor" if set_instead_of_inc else "T.inc_subtensor"
    return _write(x, y, not set_instead_of_inc, fn)


def nonzero(a: Any, return_matrix: bool = False) -> Any:
    """The positions of the nonzero elements of a, in C order: a tuple of one int64
    vector per axis (NumPy), or with `return_matrix` one (ndim, N) matrix (Theano)."""
    a = as_tensor_variable(a)
    if a.ndim == 0:
        raise ValueError("nonzero: the input must have at least one dimension" + at())
    m = apply(mt.NonzeroOp, [a], "nonzero")
    return m if return_matrix else tuple(m[i] for i in range(a.ndim))



def flatnonzero(a: Any) -> Variable:
    """The positions of the nonzero elements of the flattened a."""
    return nonzero(flatten(a), return_matrix=True)[0]



def nonzero_values(a: Any) -> Variable:
    """The nonzero elements of the flattened a, in order."""
    flat = flatten(a)
    return flat[nonzero(flat, return_matrix=True)[0]]
