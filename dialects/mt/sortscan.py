"""Order-dependent `mt` ops along axes: index-valued reductions (`mt.argmax`,
`mt.argmin`), running scans (`mt.cumsum`, `mt.cumprod`), sorting (`mt.sort`,
`mt.argsort`) and the C-order positions of nonzero elements (`mt.nonzero`). Indices are
int64; NaN is treated as NumPy does (the first NaN is the argmax/argmin, NaNs sort last).

    %i = mt.argmax %x {axes = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xi64>
    %c = mt.cumsum %x {axis = 0 : i64} : tensor<?xi8> -> tensor<?xi64>
    %s = mt.argsort %x {axis = 1 : i64} : tensor<?x?xf32> -> tensor<?x?xi64>
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Sequence

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def
from xdsl.traits import Pure

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import MtTypeError
from mlc.dialects.mt.reduce import check_axes
from mlc.dialects.mt.structure2 import ScalarParamOp


def _int64(dtype: str) -> str:
    return "int64"


def _same(dtype: str) -> str:
    return dtype


class _UnaryOp(ScalarParamOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"


class ArgReduceOp(_UnaryOp):
    """The position of the extreme element over `axes` (sorted, unique), as a C-order
    index into the reduced axes; the reduced axes are dropped."""

    INT_PARAMS: ClassVar[tuple[str, ...]] = ("axes",)
    axes = prop_def(DenseArrayBase)

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


class AxisOp(_UnaryOp):
    """An op along one axis that keeps the input's shape; `DTYPE_RULE` gives the dtype."""

    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ("axis",)
    axis = prop_def(IntegerAttr)
    DTYPE_RULE: ClassVar[Callable[[str], str]] = staticmethod(_same)

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        shape = dt.shape_of(in_types[0])
        if not 0 <= params["axis"] < len(shape):
            raise MtTypeError(f"{cls.name}: axis {params['axis']} is out of range for a "
                              f"rank-{len(shape)} operand")
        return [dt.tensor_type(cls.DTYPE_RULE(dt.dtype_of(in_types[0])), shape)]


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


@irdl_op_definition
class SortOp(AxisOp):
    """`mt.sort %x {axis}`: the values sorted ascending along axis, NaNs last."""

    name = "mt.sort"


@irdl_op_definition
class ArgSortOp(AxisOp):
    """`mt.argsort %x {axis}`: int64 indices that sort x along axis (stable, NaNs last)."""

    name = "mt.argsort"
    DTYPE_RULE = staticmethod(_int64)


@irdl_op_definition
class NonzeroOp(_UnaryOp):
    """`mt.nonzero %x`: the positions of the nonzero elements of x (NaN counts as nonzero)
    in C order, as an int64 matrix with one row per axis of x (Theano's Nonzero).

        %p = mt.nonzero %x : tensor<?x?xf64> -> tensor<2x?xi64>
    """

    name = "mt.nonzero"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        rank = len(dt.shape_of(in_types[0]))
        if rank == 0:
            raise MtTypeError("mt.nonzero: the input must have at least one dimension")
        return [dt.tensor_type("int64", (rank, dt.DYN))]


SORTSCAN_OPS = (ArgMaxOp, ArgMinOp, CumsumOp, CumprodOp, SortOp, ArgSortOp, NonzeroOp)
