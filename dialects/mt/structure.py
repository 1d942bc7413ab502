"""Constants and ops that move data without arithmetic: `mt.constant`, `mt.dimshuffle`,
`mt.reshape`, `mt.subtensor` (basic slicing) and `mt.shape`.

    %c = mt.constant {value = dense<[1.0, 2.0]> : tensor<2xf64>} : tensor<2xf64>
    %t = mt.dimshuffle %x {pattern = array<i64: 1, -1, 0>} : tensor<?x?xf64> -> tensor<?x1x?xf64>
    %s = mt.subtensor %x {starts = array<i64: 1>, stops = array<i64: 9223372036854775807>,
                          steps = array<i64: 2>, squeeze = array<i64>} : tensor<?xf64> -> tensor<?xf64>
"""

from __future__ import annotations

from typing import Any, ClassVar, Sequence

import numpy as np
from xdsl.dialects.builtin import BytesAttr, DenseArrayBase, DenseIntOrFPElementsAttr, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN, MtTypeError
from mlc.dialects.mt.base import MtOp

NONE_HI = 2**63 - 1
"""Encodes an omitted slice bound that Python resolves to the end of the axis."""
NONE_LO = -(2**63)
"""Encodes an omitted stop of a negative-step slice (before the first element)."""


@irdl_op_definition
class ConstantOp(MtOp):
    """`mt.constant`: a tensor literal with a static shape."""

    name = "mt.constant"
    value = prop_def(DenseIntOrFPElementsAttr)
    result = result_def(TensorType)
    traits = traits_def(Pure(), ConstantLike())
    assembly_format = "attr-dict `:` type($result)"

    @classmethod
    def from_array(cls, array: np.ndarray) -> "ConstantOp":
        arr = np.array(array, dtype=dt.check_dtype(np.asarray(array).dtype), order="C")
        ty = dt.tensor_type(arr.dtype.name, arr.shape)
        attr = DenseIntOrFPElementsAttr(ty, BytesAttr(arr.tobytes()))
        return cls.create(result_types=[ty], properties={"value": attr})

    def array(self) -> np.ndarray:
        """The literal as a fresh NumPy array."""
        dtype = dt.dtype_of(self.result.type)
        shape = dt.shape_of(self.result.type)
        raw = self.value.data.data
        if dtype == "bool":  # xDSL stores i1 true as 0xff
            return (np.frombuffer(raw, np.uint8) != 0).reshape(shape)
        return np.frombuffer(raw, dtype).reshape(shape).copy()

    def params(self) -> dict[str, Any]:
        return {}

    def verify_(self) -> None:
        if self.value.type != self.result.type:
            raise VerifyException(f"mt.constant: value type {self.value.type} differs from "
                              f"result type {self.result.type}")
        if DYN in dt.shape_of(self.result.type):
            raise VerifyException("mt.constant: a literal needs a static shape")


class _UnaryStructOp(MtOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"


@irdl_op_definition
class DimShuffleOp(_UnaryStructOp):
    """`mt.dimshuffle`: Theano's DimShuffle. `pattern[i]` is the input axis that becomes
    output axis i, or -1 for a new broadcastable axis ('x'); input axes left out must be
    broadcastable (static size 1) and are dropped."""

    name = "mt.dimshuffle"
    INT_PARAMS: ClassVar[tuple[str, ...]] = ("pattern",)
    pattern = prop_def(DenseArrayBase)

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = dt.shape_of(in_types[0])
        pattern = params["pattern"]
        used = [p for p in pattern if p != -1]
        if len(set(used)) != len(used) or any(not 0 <= p < len(shape) for p in used):
            raise MtTypeError(f"mt.dimshuffle: pattern {list(pattern)} is invalid for a "
                              f"rank-{len(shape)} input")
        for axis, size in enumerate(shape):
            if axis not in used and size != 1:
                raise MtTypeError(f"mt.dimshuffle: cannot drop axis {axis} of size "
                                  f"{'?' if size == DYN else size}: only broadcastable axes can be dropped")
        out = tuple(1 if p == -1 else shape[p] for p in pattern)
        return [dt.tensor_type(dt.dtype_of(in_types[0]), out)]


@irdl_op_definition
class ReshapeOp(_UnaryStructOp):
    """`mt.reshape`: C-order reshape to `shape`, in which one entry may be -1."""

    name = "mt.reshape"
    INT_PARAMS: ClassVar[tuple[str, ...]] = ("shape",)
    shape = prop_def(DenseArrayBase)

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        src = dt.shape_of(in_types[0])
        shape = tuple(params["shape"])
        if sum(1 for s in shape if s == -1) > 1 or any(s < -1 for s in shape):
            raise MtTypeError(f"mt.reshape: invalid shape {list(shape)}")
        if DYN not in src:
            n, known = int(np.prod(src)), int(np.prod([s for s in shape if s != -1]))
            if -1 in shape:
                if known == 0 or n % known:
                    raise MtTypeError(f"mt.reshape: cannot reshape {list(src)} into {list(shape)}")
                shape = tuple(n // known if s == -1 else s for s in shape)
            elif n != known:
                raise MtTypeError(f"mt.reshape: cannot reshape {list(src)} ({n} elements) "
                                  f"into {list(shape)} ({known} elements)")
        return [dt.tensor_type(dt.dtype_of(in_types[0]), shape)]


def slice_length(start: int, stop: int, step: int, size: int) -> int:
    return len(range(*slice(start, stop, step).indices(size)))


@irdl_op_definition
class SubtensorOp(_UnaryStructOp):
    """`mt.subtensor`: basic indexing `x[a:b:c, i, ...]` with constant bounds.

    Entry k of `starts/stops/steps` applies to axis k (trailing axes are taken whole);
    omitted bounds are NONE_HI/NONE_LO, which Python's slice rules clamp exactly.
    Axes listed in `squeeze` are integer-indexed by their start and removed."""

    name = "mt.subtensor"
    INT_PARAMS: ClassVar[tuple[str, ...]] = ("starts", "stops", "steps", "squeeze")
    starts = prop_def(DenseArrayBase)
    stops = prop_def(DenseArrayBase)
    steps = prop_def(DenseArrayBase)
    squeeze = prop_def(DenseArrayBase)

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = dt.shape_of(in_types[0])
        starts, stops, steps = params["starts"], params["stops"], params["steps"]
        squeeze = set(params["squeeze"])
        if not len(starts) == len(stops) == len(steps) <= len(shape):
            raise MtTypeError(f"mt.subtensor: too many indices for a rank-{len(shape)} tensor")
        if 0 in steps or any(not 0 <= a < len(starts) for a in squeeze):
            raise MtTypeError("mt.subtensor: slice step cannot be zero")
        out = []
        for axis, size in enumerate(shape):
            if axis >= len(starts):
                out.append(size)
            elif axis in squeeze:
                i = starts[axis]
                if size != DYN and not -size <= i < size:
                    raise MtTypeError(f"mt.subtensor: index {i} is out of bounds for axis "
                                      f"{axis} with size {size}")
            elif size == DYN:
                out.append(DYN)
            else:
                out.append(slice_length(starts[axis], stops[axis], steps[axis], size))
        return [dt.tensor_type(dt.dtype_of(in_types[0]), tuple(out))]


@irdl_op_definition
class ShapeOp(_UnaryStructOp):
    """`mt.shape %x`: the sizes of x as an int64 vector."""

    name = "mt.shape"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        return [dt.tensor_type("int64", (len(dt.shape_of(in_types[0])),))]


STRUCTURE_OPS = (ConstantOp, DimShuffleOp, ReshapeOp, SubtensorOp, ShapeOp)
