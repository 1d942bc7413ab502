"""Dtypes, tensor types and the promotion/broadcast rules shared by every `mt` op.

`mt` values are xDSL builtin `TensorType`s (DESIGN.md "Types"): the element type is the
dtype, the rank is static, and each dim is a known size or dynamic (`?`). A static size 1
is Theano's broadcastable flag. This module is the only place that maps NumPy dtypes to
xDSL element types and back, and it holds the promotion rules so that the frontend, the
verifier and the NumPy reference can never disagree.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    Float32Type,
    Float64Type,
    IntegerType,
    TensorType,
)
from xdsl.ir import Attribute

DYN = -1
"""A dynamic dimension in the shapes this module hands out (xDSL uses DYNAMIC_INDEX)."""
MAX_RANK = 64
"""Most dimensions a tensor may have: NumPy 2's limit, and the runtime's (runtime/_rt.cpp)."""

SUPPORTED_DTYPES = ("bool", "int8", "int16", "int32", "int64", "float32", "float64")
FLOAT_DTYPES = ("float32", "float64")
INT_DTYPES = ("int8", "int16", "int32", "int64")

_ELEM = {
    "bool": IntegerType(1),
    "int8": IntegerType(8),
    "int16": IntegerType(16),
    "int32": IntegerType(32),
    "int64": IntegerType(64),
    "float32": Float32Type(),
    "float64": Float64Type(),
}
_DTYPE = {v: k for k, v in _ELEM.items()}


class MtTypeError(TypeError):
    """A graph cannot be typed: bad dtype, rank or static shape for an op."""


def check_dtype(dtype: object) -> str:
    """Normalise a dtype-like to one of SUPPORTED_DTYPES, or raise a clear TypeError."""
    try:
        name = np.dtype(dtype).name  # type: ignore[arg-type]
    except TypeError as e:
        raise MtTypeError(f"{dtype!r} is not a dtype") from e
    if name.startswith("complex"):
        raise MtTypeError(f"dtype {name} is not supported yet (complex numbers)")
    if name not in _ELEM:
        raise MtTypeError(f"dtype {name} is not supported; use one of {', '.join(SUPPORTED_DTYPES)}")
    return name


def elem_type(dtype: str) -> Attribute:
    return _ELEM[dtype]


def dtype_of(t: Attribute) -> str:
    """The NumPy dtype name of a tensor type or of a scalar element type."""
    el = t.element_type if isinstance(t, TensorType) else t
    try:
        return _DTYPE[el]
    except KeyError:
        raise MtTypeError(f"element type {el} is not an mlc dtype") from None


def shape_of(t: TensorType) -> tuple[int, ...]:
    """Static shape with DYN (-1) for dynamic dims."""
    return tuple(DYN if d == DYNAMIC_INDEX else d for d in t.get_shape())


@lru_cache(maxsize=4096)
def tensor_type(dtype: str, shape: tuple[int, ...]) -> TensorType:
    """The builtin tensor type of a dtype and a static shape (DYN = `?`)."""
    dims = [DYNAMIC_INDEX if d < 0 else d for d in shape]
    return TensorType(_ELEM[dtype], dims)


def is_float(dtype: str) -> bool:
    return dtype in FLOAT_DTYPES


def is_int(dtype: str) -> bool:
    return dtype in INT_DTYPES


@lru_cache(maxsize=1024)
def upcast(*dtypes: str) -> str:
    """NumPy's type promotion between tensors (no value-based casting)."""
    return np.result_type(*dtypes).name


def arith_dtype(*dtypes: str) -> str:
    """Result dtype of + - * and friends: NumPy promotion, but bool arithmetic gives int8
    (Theano) instead of NumPy's logical or/and."""
    d = upcast(*dtypes)
    return "int8" if d == "bool" else d


def float_dtype(*dtypes: str) -> str:
    """Result dtype of / and transcendental functions. Floats keep their precision;
    integers follow Theano: bool/int8/int16 give float32, int32/int64 give float64."""
    d = upcast(*dtypes)
    if is_float(d):
        return d
    return "float32" if d in ("bool", "int8", "int16") else "float64"


def sum_dtype(dtype: str) -> str:
    """Accumulator dtype of sum/prod: NumPy's, small integers and bool accumulate in int64."""
    return dtype if is_float(dtype) or dtype == "int64" else "int64"


def broadcast_shapes(op_name: str, shapes: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    """Static result shape of an elementwise op over equal-rank operands.

    A static 1 broadcasts (Theano's broadcastable flag); a dynamic dim must match the
    other operands at run time; two different static sizes are an error now.
    """
    ranks = {len(s) for s in shapes}
    if len(ranks) != 1:
        raise MtTypeError(f"{op_name}: operands have ranks {sorted(ranks)}; "
                          "elementwise operands must have equal rank")
    out = []
    for axis, dims in enumerate(zip(*shapes)):
        static = {d for d in dims if d >= 0 and d != 1}
        if len(static) > 1:
            raise MtTypeError(f"{op_name}: dimension {axis} has sizes {sorted(static)}, "
                              "which do not broadcast")
        if static:
            out.append(static.pop())
        elif any(d == DYN for d in dims):
            out.append(DYN)
        else:
            out.append(1)
    return tuple(out)
