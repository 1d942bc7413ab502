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
from mlc.tensor.variable import Variable


def _as_value(value: Any, what: str) -> np.ndarray:
    if isinstance(value, Variable):
        raise TypeError(f"{what}: expected a numeric value, got the symbolic variable {value!r}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: expected a numeric value, got {value!r} (dtype {arr.dtype})")
    dt.check_dtype(arr.dtype)
    return arr


def _lossless(arr: np.ndarray, dtype: str) -> bool:
    """Whether every value of `arr` survives a cast to `dtype` unchanged."""
    if np.can_cast(arr.dtype, dtype, "safe"):
        return True
    with np.errstate(all="ignore"):
        back = arr.astype(dtype).astype(arr.dtype)
    return bool(np.array_equal(back, arr, equal_nan=arr.dtype.kind == "f"))


class SharedVariable(Variable):
    """A variable with a value: `get_value()`, `set_value(v)`; a leaf of every graph."""

    __slots__ = ("container",)

    def __init__(self, value: np.ndarray, name: Optional[str] = None) -> None:
        ty = TensorType.make(value.dtype.name, () if value.ndim == 0 else (DYN,) * value.ndim)
        super().__init__(ty, None, None, name, user_location())
        self.container: list[np.ndarray] = [value]

    def get_value(self, borrow: bool = False) -> np.ndarray:
        """The current value: a copy, or the stored array itself when borrow=True."""
        value = self.container[0]
        return value if borrow else value.copy()

    def set_value(self, value: Any, borrow: bool = False) -> None:
        """Replace the value. It must have the variable's rank and its dtype, or a dtype
        that converts without loss (Python floats into float32 are accepted, as in
        Theano); the array is copied unless borrow=True and no conversion is needed."""
        what = f"set_value of shared variable {self!r}"
        arr = _as_value(value, what)
        if arr.ndim != self.ndim:
            raise TypeError(f"{what}: expected a {self.ndim}-d value, got {arr.ndim}-d "
                            f"(shape {arr.shape})")
        if arr.dtype != self.dtype:
            lenient = type(value) in (int, float, bool, list, tuple) and dt.is_float(self.dtype)
            if not (lenient or _lossless(arr, self.dtype)):
                raise TypeError(f"{what}: value of dtype {arr.dtype} cannot be stored in a "
                                f"{self.dtype} variable without loss; cast it first")
            arr, borrow = arr.astype(self.dtype), True
        self.container[0] = arr if borrow and arr.flags.aligned else np.array(arr, copy=True)

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
