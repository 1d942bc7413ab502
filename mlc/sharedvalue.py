"""`mlc.shared`: symbolic variables that own a value shared by every compiled function.

A `SharedVariable` is a graph leaf whose storage is `container`, a one-element list
holding an ndarray. Compiled functions receive the container itself (the runtime reads
it on every call and writes update results back, all at once after a successful call),
so `set_value` is seen by every function without recompiling. Its type keeps the value's
dtype and rank; sizes are dynamic (not broadcastable) except for 0-d values.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN
from mlc.srcloc import user_location
from mlc.tensor.type import TensorType
from mlc.tensor.values import filter_value
from mlc.tensor.variable import Variable


def _as_value(value: Any, what: str) -> np.ndarray:
    if isinstance(value, Variable):
        raise TypeError(f"{what}: expected a numeric value, got the symbolic variable {value!r}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: expected a numeric value, got {value!r} (dtype {arr.dtype})")
    dt.check_dtype(arr.dtype)
    return arr


class SharedVariable(Variable):
    """A variable with a value: `get_value()`, `set_value(v)`; a leaf of every graph.

    `default_update` (Theano's attribute): when not None, every function whose graph
    uses this variable updates it to that expression unless the function's `updates`
    name it (random streams advance their state this way). `serial` numbers shared
    variables in creation order (scan tells the random states its step made by it)."""

    __slots__ = ("container", "default_update", "serial")
    created = 0

    def __init__(self, value: np.ndarray, name: Optional[str] = None) -> None:
        ty = TensorType.make(value.dtype.name, () if value.ndim == 0 else (DYN,) * value.ndim)
        super().__init__(ty, None, None, name, user_location())
        self.container: list[np.ndarray] = [value]
        self.default_update: Optional[Variable] = None
        self.serial = SharedVariable.created
        SharedVariable.created += 1

    def get_value(self, borrow: bool = False, return_internal_type: bool = False) -> np.ndarray:
        """The current value: a copy, or the stored array itself when borrow=True. The
        internal type is always an ndarray (`return_internal_type` is Theano's flag for
        GPU storage and changes nothing here). A compiled function's update replaces the
        stored array, so an array borrowed earlier keeps the value it had."""
        value = self.container[0]
        return value if borrow else value.copy()

    def set_value(self, value: Any, borrow: bool = False) -> None:
        """Replace the value, under the rules of a compiled function's arguments: the
        variable's rank, and its dtype or one that casts safely (Python values convert
        when every element survives, so Python floats go into float32). The array is
        copied unless borrow=True and it needed no conversion."""
        arr = filter_value(value, self.type, f"set_value of shared variable {self!r}")
        if arr is value and not (borrow and arr.flags.aligned):
            arr = arr.copy()
        self.container[0] = arr

    def __repr__(self) -> str:
        return self.name or f"<shared {self.type}>"


def shared(value: Any, name: Optional[str] = None, borrow: bool = False) -> SharedVariable:
    """A shared variable holding `value` (copied unless borrow=True). It keeps the value's
    dtype: `shared(1.5)` is a float64 scalar, `shared(np.float32(1))` a float32 one."""
    arr = _as_value(value, "mlc.shared")
    if not arr.dtype.isnative:
        arr, borrow = arr.astype(arr.dtype.newbyteorder("=")), True
    if not borrow or not arr.flags.aligned:
        arr = np.array(arr, copy=True)
    return SharedVariable(arr, name)
