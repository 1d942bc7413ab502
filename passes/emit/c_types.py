"""C names of IR types and C literals of constants, shared by every emitter table.

`C_TYPES` is the default type map of `CEmitter.c_types` (a backend that names types
differently overrides that attribute); `layout_code` spells an argument's dtype and rank
the way runtime/mlc_abi.h's layout string does.
"""

from __future__ import annotations

import math as pymath

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import Float32Type, Float64Type, FloatAttr, IndexType, IntegerType
from xdsl.ir import Attribute

from mlc.dialects.dtypes import dtype_of

C_TYPES: dict[Attribute, str] = {
    Float64Type(): "double", Float32Type(): "float", IndexType(): "int64_t",
    IntegerType(1): "uint8_t", IntegerType(8): "int8_t", IntegerType(16): "int16_t",
    IntegerType(32): "int32_t", IntegerType(64): "int64_t",
}


def float_literal(value: float, t: Attribute) -> str:
    """A C literal of a float of type t: `1.5f` in float32, NAN and INFINITY by name."""
    if pymath.isnan(value):
        return "NAN"
    if pymath.isinf(value):
        return ("-" if value < 0 else "") + "INFINITY"
    return repr(float(value)) + ("f" if isinstance(t, Float32Type) else "")


def constant_literal(op: arith.ConstantOp) -> str:
    v = op.value
    if isinstance(v, FloatAttr):
        return float_literal(v.value.data, v.type)
    n = v.value.data  # type: ignore[attr-defined]
    if v.type == IntegerType(1):  # type: ignore[attr-defined]
        return "1" if n else "0"
    return f"INT64_C({n})" if abs(n) > 2**31 - 1 else str(n)


def is_f32(t: Attribute) -> bool:
    return isinstance(t, Float32Type)


def layout_code(element_type: Attribute, rank: int) -> str:
    """`f8:2`: NumPy's kind and item size of an element type, and a rank."""
    dtype = np.dtype(dtype_of(element_type))
    return f"{dtype.kind}{dtype.itemsize}:{rank}"
