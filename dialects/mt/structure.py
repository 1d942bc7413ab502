"""Constants and ops that build, reshape or move data without arithmetic.

- `mt.constant`, `mt.dimshuffle`, `mt.reshape`, `mt.subtensor` (basic slicing with
  constant bounds) and `mt.shape`;
- allocation (`mt.alloc`, `mt.eye`, `mt.arange`), symbolic sizes (`mt.dyn_reshape`,
  `mt.specify_shape`), joining and splitting (`mt.join`, `mt.split`), `mt.repeat` and
  the diagonal ops (`mt.alloc_diag`, `mt.extract_diag`).

    %c = mt.constant {value = dense<[1.0, 2.0]> : tensor<2xf64>} : tensor<2xf64>
    %t = mt.dimshuffle %x {pattern = array<i64: 1, -1, 0>} : tensor<?x?xf64> -> tensor<?x1x?xf64>
    %s = mt.subtensor %x {starts = array<i64: 1>, stops = array<i64: 9223372036854775807>,
                          steps = array<i64: 2>, squeeze = array<i64>} : tensor<?xf64> -> tensor<?xf64>

Symbolic sizes are 0-d int64 tensor operands. An op that takes a shape holds it as the
`shape` parameter, in which -1 marks a dynamic dim whose size is the next size operand
(MLIR's `memref.alloc` convention), so the static part of the shape is in the type:

    %z = mt.alloc %zero, %n {shape = array<i64: -1, 3>} : tensor<f64>, tensor<i64> -> tensor<?x3xf64>
    %r = mt.dyn_reshape %x, %n {shape = array<i64: -1, 4>} : tensor<?x?xf64>, tensor<i64> -> tensor<?x4xf64>
    %c = mt.join %a, %b {axis = 0 : i64} : tensor<?x3xf32>, tensor<2x3xf64> -> tensor<?x3xf64>
"""

from __future__ import annotations

from typing import Any, ClassVar, Sequence

import numpy as np
from xdsl.dialects.builtin import (
    BytesAttr,
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    IntegerAttr,
    TensorType,
)
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def, var_operand_def
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN, MtTypeError
from mlc.dialects.mt.base import MtOp, ScalarParamOp

NONE_HI = 2**63 - 1
"""Encodes an omitted slice bound that Python resolves to the end of the axis."""
NONE_LO = -(2**63)
"""Encodes an omitted stop of a negative-step slice (before the first element)."""
SIZE_TYPE = dt.tensor_type("int64", ())
"""The type of a symbolic size operand: a 0-d int64 tensor."""


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


def check_shape(op_name: str, shape: Sequence[int], sizes: Sequence[TensorType]) -> None:
    """`shape` entries are sizes >= 0 or -1 (dynamic); one 0-d int64 operand per -1."""
    if any(s < -1 for s in shape):
        raise MtTypeError(f"{op_name}: shape {list(shape)} has a negative size")
    n_dyn = sum(1 for s in shape if s == -1)
    if n_dyn != len(sizes):
        raise MtTypeError(f"{op_name}: shape {list(shape)} has {n_dyn} dynamic dims but "
                          f"{len(sizes)} size operands")
    for t in sizes:
        if t != SIZE_TYPE:
            raise MtTypeError(f"{op_name}: size operands must be 0-d int64 tensors, got {t}")


@irdl_op_definition
class AllocOp(MtOp):
    """`mt.alloc %value, %sizes... {shape}`: a new tensor of `shape` filled with `value`
    (Theano's Alloc). `value` has at most the result's rank; its dims, aligned to the
    right, broadcast when of static size 1 and must match the size otherwise.

        %z = mt.alloc %v, %n {shape = array<i64: 2, -1>} : tensor<?xf32>, tensor<i64> -> tensor<2x?xf32>
    """

    name = "mt.alloc"
    INT_PARAMS: ClassVar[tuple[str, ...]] = ("shape",)
    shape = prop_def(DenseArrayBase)
    value = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = ("$value (`,` $sizes^)? attr-dict `:` type($value) (`,` type($sizes)^)? "
                       "`->` type($result)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = tuple(params["shape"])
        check_shape(cls.name, shape, in_types[1:])
        vshape = dt.shape_of(in_types[0])
        if len(vshape) > len(shape):
            raise MtTypeError(f"mt.alloc: the value has rank {len(vshape)}, more than the "
                              f"{len(shape)} dims of the result")
        for v, s in zip(reversed(vshape), reversed(shape)):
            if v not in (1, DYN) and s not in (v, DYN):
                raise MtTypeError(f"mt.alloc: a value of shape {list(vshape)} does not "
                                  f"broadcast to shape {list(shape)}")
        return [dt.tensor_type(dt.dtype_of(in_types[0]), shape)]


@irdl_op_definition
class DynReshapeOp(MtOp):
    """`mt.dyn_reshape %x, %sizes... {shape}`: C-order reshape to sizes known at run time.
    A size operand may be -1 at run time (at most one): that size is inferred from the
    element count, as in NumPy. Static entries of `shape` are sizes >= 0.

        %r = mt.dyn_reshape %x, %n, %m {shape = array<i64: -1, -1>} : tensor<?xf64>, tensor<i64>, tensor<i64> -> tensor<?x?xf64>
    """

    name = "mt.dyn_reshape"
    INT_PARAMS: ClassVar[tuple[str, ...]] = ("shape",)
    shape = prop_def(DenseArrayBase)
    input = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = ("$input (`,` $sizes^)? attr-dict `:` type($input) (`,` type($sizes)^)? "
                       "`->` type($result)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = tuple(params["shape"])
        check_shape(cls.name, shape, in_types[1:])
        src = dt.shape_of(in_types[0])
        if DYN not in src and DYN not in shape and _prod(src) != _prod(shape):
            raise MtTypeError(f"mt.dyn_reshape: cannot reshape {list(src)} into {list(shape)}")
        return [dt.tensor_type(dt.dtype_of(in_types[0]), shape)]


def _prod(values: Sequence[int]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


@irdl_op_definition
class SpecifyShapeOp(MtOp):
    """`mt.specify_shape %x, %sizes... {shape}`: x itself, checked at run time to have
    `shape` (PyTensor's specify_shape); the result type takes the static entries.

        %y = mt.specify_shape %x, %n {shape = array<i64: -1, 1>} : tensor<?x?xf64>, tensor<i64> -> tensor<?x1xf64>
    """

    name = "mt.specify_shape"
    INT_PARAMS: ClassVar[tuple[str, ...]] = ("shape",)
    shape = prop_def(DenseArrayBase)
    input = operand_def(TensorType)
    sizes = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = ("$input (`,` $sizes^)? attr-dict `:` type($input) (`,` type($sizes)^)? "
                       "`->` type($result)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = tuple(params["shape"])
        check_shape(cls.name, shape, in_types[1:])
        src = dt.shape_of(in_types[0])
        if len(src) != len(shape) or any(a not in (b, DYN) and b != DYN for a, b in zip(src, shape)):
            raise MtTypeError(f"mt.specify_shape: a tensor of shape {list(src)} cannot have "
                              f"shape {list(shape)}")
        out = tuple(b if b != DYN else a for a, b in zip(src, shape))
        return [dt.tensor_type(dt.dtype_of(in_types[0]), out)]


@irdl_op_definition
class JoinOp(ScalarParamOp):
    """`mt.join %t0, %t1, ... {axis}`: concatenation along `axis` (Theano's Join, NumPy's
    concatenate). Operands have equal rank and equal sizes off `axis` (checked at run
    time where dynamic); the dtype is their NumPy promotion.

        %c = mt.join %a, %b {axis = 1 : i64} : tensor<?x2xf64>, tensor<?x?xf64> -> tensor<?x?xf64>
    """

    name = "mt.join"
    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ("axis",)
    axis = prop_def(IntegerAttr)
    tensors = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$tensors attr-dict `:` type($tensors) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        axis = params["axis"]
        shapes = [dt.shape_of(t) for t in in_types]
        if not shapes or len({len(s) for s in shapes}) != 1:
            raise MtTypeError(f"mt.join: needs at least one operand, all of equal rank, got "
                              f"ranks {[len(s) for s in shapes]}")
        rank = len(shapes[0])
        if not 0 <= axis < rank:
            raise MtTypeError(f"mt.join: axis {axis} is out of range for rank-{rank} operands")
        out = []
        for k, dims in enumerate(zip(*shapes)):
            if k == axis:
                out.append(DYN if DYN in dims else sum(dims))
                continue
            static = {d for d in dims if d != DYN}
            if len(static) > 1:
                raise MtTypeError(f"mt.join: operands have sizes {sorted(static)} along axis "
                                  f"{k}; all sizes off the join axis must be equal")
            out.append(static.pop() if static else DYN)
        dtype = dt.upcast(*(dt.dtype_of(t) for t in in_types))
        return [dt.tensor_type(dtype, tuple(out))]


@irdl_op_definition
class SplitOp(ScalarParamOp):
    """`mt.split %x, %sizes {axis, n, index}`: piece `index` of x cut into `n` consecutive
    pieces along `axis` with the given sizes (an int64 vector of length n that sums to
    x's size there; Theano's Split, one op per piece).

        %b = mt.split %x, %s {axis = 0 : i64, n = 2 : i64, index = 1 : i64} : tensor<?xf64>, tensor<?xi64> -> tensor<?xf64>
    """

    name = "mt.split"
    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ("axis", "n", "index")
    axis = prop_def(IntegerAttr)
    n = prop_def(IntegerAttr)
    index = prop_def(IntegerAttr)
    input = operand_def(TensorType)
    splits = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input `,` $splits attr-dict `:` type($input) `,` type($splits) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape, splits = dt.shape_of(in_types[0]), dt.shape_of(in_types[1])
        axis, n, index = params["axis"], params["n"], params["index"]
        if not 0 <= axis < len(shape) or not 0 <= index < n:
            raise MtTypeError(f"mt.split: axis {axis} must be within rank {len(shape)} and "
                              f"index {index} within the {n} pieces")
        if dt.dtype_of(in_types[1]) != "int64" or len(splits) != 1 or splits[0] not in (n, DYN):
            raise MtTypeError(f"mt.split: the split sizes must be an int64 vector of length "
                              f"{n}, got {in_types[1]}")
        piece = tuple(DYN if k == axis else d for k, d in enumerate(shape))
        return [dt.tensor_type(dt.dtype_of(in_types[0]), piece)]


@irdl_op_definition
class EyeOp(ScalarParamOp):
    """`mt.eye %sizes... {shape, k}`: a matrix of `shape` with ones on diagonal `k`
    (k > 0 above the main diagonal) and zeros elsewhere, of the result's dtype.

        %i = mt.eye %n {shape = array<i64: -1, 4>, k = 0 : i64} : (tensor<i64>) -> tensor<?x4xf32>
    """

    name = "mt.eye"
    INT_PARAMS: ClassVar[tuple[str, ...]] = ("shape",)
    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ("k",)
    DTYPE_PARAM: ClassVar[bool] = True
    shape = prop_def(DenseArrayBase)
    k = prop_def(IntegerAttr)
    sizes = var_operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "($sizes^)? attr-dict `:` `(` type($sizes) `)` `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = tuple(params["shape"])
        if len(shape) != 2:
            raise MtTypeError(f"mt.eye: the shape must have 2 entries, got {list(shape)}")
        check_shape(cls.name, shape, in_types)
        return [dt.tensor_type(dt.check_dtype(params["dtype"]), shape)]


@irdl_op_definition
class ArangeOp(MtOp):
    """`mt.arange %start, %stop, %step`: NumPy's arange of the operands' dtype; the
    length is computed at run time (a zero step is a run-time ValueError).

        %r = mt.arange %a, %b, %s : tensor<f64>, tensor<f64>, tensor<f64> -> tensor<?xf64>
    """

    name = "mt.arange"
    start = operand_def(TensorType)
    stop = operand_def(TensorType)
    step = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = ("$start `,` $stop `,` $step attr-dict `:` type($start) `,` type($stop) "
                       "`,` type($step) `->` type($result)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        if len(set(in_types)) != 1 or dt.shape_of(in_types[0]) != ():
            raise MtTypeError("mt.arange: start, stop and step must be 0-d tensors of one "
                              f"dtype, got {', '.join(str(t) for t in in_types)}")
        dtype = dt.dtype_of(in_types[0])
        if dtype == "bool":
            raise MtTypeError("mt.arange: bool is not a valid dtype for arange")
        return [dt.tensor_type(dtype, (DYN,))]


@irdl_op_definition
class RepeatOp(ScalarParamOp):
    """`mt.repeat %x, %repeats {axis}`: element i of x along `axis` repeated repeats[i]
    times (an int64 vector with one count per element; NumPy's repeat).

        %r = mt.repeat %x, %n {axis = 0 : i64} : tensor<?x3xf64>, tensor<?xi64> -> tensor<?x3xf64>
    """

    name = "mt.repeat"
    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ("axis",)
    axis = prop_def(IntegerAttr)
    input = operand_def(TensorType)
    repeats = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input `,` $repeats attr-dict `:` type($input) `,` type($repeats) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape, reps = dt.shape_of(in_types[0]), dt.shape_of(in_types[1])
        axis = params["axis"]
        if not 0 <= axis < len(shape):
            raise MtTypeError(f"mt.repeat: axis {axis} is out of range for rank {len(shape)}")
        if dt.dtype_of(in_types[1]) != "int64" or len(reps) != 1:
            raise MtTypeError(f"mt.repeat: repeats must be an int64 vector, got {in_types[1]}")
        if DYN not in (reps[0], shape[axis]) and reps[0] != shape[axis]:
            raise MtTypeError(f"mt.repeat: {reps[0]} repeats for {shape[axis]} elements")
        out = tuple(DYN if k == axis else d for k, d in enumerate(shape))
        return [dt.tensor_type(dt.dtype_of(in_types[0]), out)]


class _DiagOp(ScalarParamOp):
    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ("offset",)
    offset = prop_def(IntegerAttr)
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"


@irdl_op_definition
class AllocDiagOp(_DiagOp):
    """`mt.alloc_diag %v {offset}`: the square matrix with v on diagonal `offset` and zeros
    elsewhere (NumPy's diag of a vector).

        %m = mt.alloc_diag %v {offset = 1 : i64} : tensor<3xf64> -> tensor<4x4xf64>
    """

    name = "mt.alloc_diag"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = dt.shape_of(in_types[0])
        if len(shape) != 1:
            raise MtTypeError(f"mt.alloc_diag: the input must be a vector, got rank {len(shape)}")
        n = DYN if shape[0] == DYN else shape[0] + abs(params["offset"])
        return [dt.tensor_type(dt.dtype_of(in_types[0]), (n, n))]


@irdl_op_definition
class ExtractDiagOp(_DiagOp):
    """`mt.extract_diag %x {offset}`: diagonal `offset` of a matrix as a vector (NumPy's
    diag of a matrix; empty when the diagonal lies outside).

        %d = mt.extract_diag %x {offset = -1 : i64} : tensor<?x?xf64> -> tensor<?xf64>
    """

    name = "mt.extract_diag"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = dt.shape_of(in_types[0])
        if len(shape) != 2:
            raise MtTypeError(f"mt.extract_diag: the input must be a matrix, got rank {len(shape)}")
        k = params["offset"]
        n = DYN if DYN in shape else diag_length(shape[0], shape[1], k)
        return [dt.tensor_type(dt.dtype_of(in_types[0]), (n,))]


def diag_length(rows: int, cols: int, k: int) -> int:
    """Length of diagonal k of a rows x cols matrix."""
    return max(0, min(rows + min(k, 0), cols - max(k, 0)))


STRUCTURE_OPS = (ConstantOp, DimShuffleOp, ReshapeOp, SubtensorOp, ShapeOp, AllocOp, DynReshapeOp,
                 SpecifyShapeOp, JoinOp, SplitOp, EyeOp, ArangeOp, RepeatOp, AllocDiagOp, ExtractDiagOp)
