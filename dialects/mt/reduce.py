"""Reductions: over a set of axes (`mt.sum`, `mt.prod`, `mt.max`, `mt.min`, `mt.mean`,
`mt.any`, `mt.all`), their index-valued forms (`mt.argmax`, `mt.argmin`) and the
running scans along one axis (`mt.cumsum`, `mt.cumprod`).

The reduced axes are dropped from the result (the frontend adds them back with
`mt.dimshuffle` for `keepdims=True`); indices are int64 and the first NaN is the
argmax/argmin, as in NumPy; a scan keeps its input's shape:

    %s = mt.sum %x {axes = array<i64: 1>} : tensor<?x?xf32> -> tensor<?xf32>
    %i = mt.argmax %x {axes = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xi64>
    %c = mt.cumsum %x {axis = 0 : i64} : tensor<?xi8> -> tensor<?xi64>
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Sequence

from xdsl.dialects.builtin import DenseArrayBase, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def
from xdsl.traits import Pure

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import MtTypeError
from mlc.dialects.mt.base import AxisOp, MtOp, ScalarParamOp


def _same(dtype: str) -> str:
    return dtype


def check_axes(op_name: str, axes: Sequence[int], rank: int) -> None:
    if list(axes) != sorted(set(axes)) or any(not 0 <= a < rank for a in axes):
        raise MtTypeError(f"{op_name}: axes {list(axes)} must be sorted, unique and in "
                          f"[0, {rank}) for a rank-{rank} operand")


class ReduceOp(MtOp):
    """Reduce `input` over `axes` (sorted, unique)."""

    INT_PARAMS: ClassVar[tuple[str, ...]] = ("axes",)
    axes = prop_def(DenseArrayBase)
    DTYPE_RULE: ClassVar[Callable[[str], str]] = staticmethod(_same)
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = dt.shape_of(in_types[0])
        axes = params["axes"]
        check_axes(cls.name, axes, len(shape))
        kept = tuple(d for i, d in enumerate(shape) if i not in axes)
        return [dt.tensor_type(cls.DTYPE_RULE(dt.dtype_of(in_types[0])), kept)]


@irdl_op_definition
class SumOp(ReduceOp):
    """`mt.sum`: sum; bool and small integers accumulate in int64 (NumPy)."""

    name = "mt.sum"
    DTYPE_RULE = staticmethod(dt.sum_dtype)


@irdl_op_definition
class ProdOp(ReduceOp):
    """`mt.prod`: product; bool and small integers accumulate in int64 (NumPy)."""

    name = "mt.prod"
    DTYPE_RULE = staticmethod(dt.sum_dtype)


@irdl_op_definition
class MaxOp(ReduceOp):
    """`mt.max`: maximum, NaN-propagating; an empty reduction is a run-time error."""

    name = "mt.max"


@irdl_op_definition
class MinOp(ReduceOp):
    """`mt.min`: minimum, NaN-propagating; an empty reduction is a run-time error."""

    name = "mt.min"


@irdl_op_definition
class MeanOp(ReduceOp):
    """`mt.mean`: arithmetic mean, in floating point (NaN for an empty reduction)."""

    name = "mt.mean"
    DTYPE_RULE = staticmethod(dt.float_dtype)


def _bool(dtype: str) -> str:
    return "bool"


@irdl_op_definition
class AnyOp(ReduceOp):
    """`mt.any`: whether any element is nonzero (NaN counts as nonzero); False when empty."""

    name = "mt.any"
    DTYPE_RULE = staticmethod(_bool)


@irdl_op_definition
class AllOp(ReduceOp):
    """`mt.all`: whether every element is nonzero (NaN counts as nonzero); True when empty."""

    name = "mt.all"
    DTYPE_RULE = staticmethod(_bool)


class ArgReduceOp(ScalarParamOp):
    """The position of the extreme element over `axes` (sorted, unique), as a C-order
    index into the reduced axes; the reduced axes are dropped."""

    INT_PARAMS: ClassVar[tuple[str, ...]] = ("axes",)
    axes = prop_def(DenseArrayBase)
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = dt.shape_of(in_types[0])
        check_axes(cls.name, params["axes"], len(shape))
        kept = tuple(d for i, d in enumerate(shape) if i not in params["axes"])
        return [dt.tensor_type("int64", kept)]


@irdl_op_definition
class ArgMaxOp(ArgReduceOp):
    """`mt.argmax %x {axes}`: index of the first maximum (of the first NaN if any); an
    empty reduction is a run-time ValueError."""

    name = "mt.argmax"


@irdl_op_definition
class ArgMinOp(ArgReduceOp):
    """`mt.argmin %x {axes}`: index of the first minimum (of the first NaN if any); an
    empty reduction is a run-time ValueError."""

    name = "mt.argmin"


@irdl_op_definition
class CumsumOp(AxisOp):
    """`mt.cumsum %x {axis}`: running sum along axis, accumulated in the result dtype
    (bool and small integers give int64, as NumPy)."""

    name = "mt.cumsum"
    DTYPE_RULE = staticmethod(dt.sum_dtype)


@irdl_op_definition
class CumprodOp(AxisOp):
    """`mt.cumprod %x {axis}`: running product along axis (dtypes as mt.cumsum)."""

    name = "mt.cumprod"
    DTYPE_RULE = staticmethod(dt.sum_dtype)


REDUCE_OPS = (SumOp, ProdOp, MaxOp, MinOp, MeanOp, AnyOp, AllOp)
"""The reductions over a set of axes (the `ReduceOp`s)."""
ARG_REDUCE_OPS = (ArgMaxOp, ArgMinOp)
SCAN_OPS = (CumsumOp, CumprodOp)
