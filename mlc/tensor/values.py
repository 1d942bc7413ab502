"""Converting user values to a tensor type: the rules shared by the arguments of
compiled functions (`mlc.compile.convert`) and `SharedVariable.set_value`.

Theano's rules, with NumPy's casting table: arrays and NumPy scalars convert only by a
safe cast; Python scalars and lists convert when every value survives the cast (Python
floats may round into float32, as Theano allows); wrong rank is a TypeError, and a size
that contradicts a static size a ValueError, each naming the value's `label`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlc.tensor.type import TensorType
from mlc.tensor.variable import Variable

PYTHON_DATA = (bool, int, float, list, tuple)
"""Values converted by their contents rather than by their dtype."""


def _fits(arr: np.ndarray, out: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        back = out.astype(arr.dtype)
    if np.array_equal(back, arr, equal_nan=arr.dtype.kind == "f"):
        return True
    # Python floats may lose precision in float32, but not overflow to inf
    return out.dtype.kind == "f" and arr.dtype.kind in "biuf" and bool(
        np.all(np.isfinite(out) | ~np.isfinite(arr.astype(np.float64))))


def _cast(value: Any, arr: np.ndarray, dtype: np.dtype, label: str) -> np.ndarray:
    if np.can_cast(arr.dtype, dtype, "safe"):
        return arr.astype(dtype)
    if type(value) in PYTHON_DATA:
        with np.errstate(all="ignore"):
            out = arr.astype(dtype)
        if _fits(arr, out):
            return out
        raise TypeError(f"{label}: {value!r} cannot be represented exactly as {dtype} "
                        f"(expected dtype {dtype})")
    raise TypeError(f"{label}: expected dtype {dtype}, got {arr.dtype}; a {arr.dtype} value "
                    f"does not convert to {dtype} without loss (use .astype('{dtype}'))")


def filter_value(value: Any, ty: TensorType, label: str) -> np.ndarray:
    """`value` as an ndarray of type `ty`, or a TypeError/ValueError naming `label`."""
    if isinstance(value, Variable):
        raise TypeError(f"{label}: got the symbolic variable {value!r}; a numeric value "
                        "is needed here")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as e:
        raise TypeError(f"{label}: cannot convert {value!r} to an array: {e}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{label}: expected a {ty.dtype} value, got {value!r} of type "
                        f"{type(value).__name__} (not numeric)")
    if arr.ndim != ty.ndim:
        raise TypeError(f"{label}: expected a {ty.ndim}-d {ty.dtype} array, got {arr.ndim}-d "
                        f"(shape {arr.shape})")
    dtype = np.dtype(ty.dtype)
    if arr.dtype != dtype:
        arr = _cast(value, arr, dtype, label)
    for axis, (want, got) in enumerate(zip(ty.dims, arr.shape)):
        if want >= 0 and want != got:
            kind = "broadcastable (size 1)" if want == 1 else f"of static size {want}"
            raise ValueError(f"{label}: axis {axis} is {kind} in the function's type, but the "
                             f"value has shape {arr.shape}")
    return arr
