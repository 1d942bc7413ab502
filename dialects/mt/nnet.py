"""Neural-network `mt` ops: `mt.softmax` and `mt.log_softmax` along one axis, the
elementwise `mt.softplus`, `mt.logsumexp` over a set of axes, and `mt.one_hot`.

They exist as ops of their own (rather than as compositions of exp, sum and log) because
their numerically stable forms subtract the maximum first: the `stabilize` pass rewrites
the naive compositions (`log(sum(exp(x)))`, `log(softmax(x))`, `log(1 + exp(x))`, ...)
into them, and their pullbacks never divide by a probability. Integer inputs are
computed in floating point (Theano's rule for transcendental functions):

    %s = mt.softmax %x {axis = 1 : i64} : tensor<?x?xf32> -> tensor<?x?xf32>
    %l = mt.logsumexp %x {axes = array<i64: 0, 1>} : tensor<?x?xf64> -> tensor<f64>
    %h = mt.one_hot %y, %s {axis = 1 : i64} : tensor<?xi64>, tensor<2xi64> -> tensor<?x?xf64>
"""

from __future__ import annotations

from typing import Any, ClassVar, Sequence

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr, TensorType
from xdsl.irdl import irdl_op_definition, operand_def, prop_def, result_def, traits_def
from xdsl.traits import Pure

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN, MtTypeError
from mlc.dialects.mt.base import AxisOp, MtOp, ScalarParamOp
from mlc.dialects.mt.elemwise import FloatUnaryOp
from mlc.dialects.mt.reduce import check_axes


@irdl_op_definition
class SoftplusOp(FloatUnaryOp):
    """`mt.softplus %x`: log(1 + exp(x)), computed as log1p(exp(-|x|)) + max(x, 0) so that
    it neither overflows for large x nor loses the tail for very negative x.

        %y = mt.softplus %x : tensor<?xf64> -> tensor<?xf64>
    """

    name = "mt.softplus"


class _AxisSoftmaxOp(AxisOp):
    """Normalized exponentials along `axis`, with the input's shape."""

    DTYPE_RULE = staticmethod(dt.float_dtype)


@irdl_op_definition
class SoftmaxOp(_AxisSoftmaxOp):
    """`mt.softmax %x {axis}`: exp(x - max) / sum(exp(x - max)) along axis
    (`scipy.special.softmax`); a row holding +inf, or only -inf, gives NaN as there.

        %s = mt.softmax %x {axis = 1 : i64} : tensor<?x?xf64> -> tensor<?x?xf64>
    """

    name = "mt.softmax"


@irdl_op_definition
class LogSoftmaxOp(_AxisSoftmaxOp):
    """`mt.log_softmax %x {axis}`: (x - m) - log(sum(exp(x - m))) along axis, where m is
    the maximum, or 0 where that is not finite (`scipy.special.log_softmax`).

        %l = mt.log_softmax %x {axis = 0 : i64} : tensor<?xf32> -> tensor<?xf32>
    """

    name = "mt.log_softmax"


@irdl_op_definition
class LogSumExpOp(MtOp):
    """`mt.logsumexp %x {axes}`: log(sum(exp(x))) over `axes` (sorted, unique; dropped
    from the result), as m + log(sum(exp(x - m))) with m the maximum, or 0 where that is
    not finite: a row of only -inf (or an empty row) gives -inf, one holding +inf gives
    +inf (`scipy.special.logsumexp`).

        %l = mt.logsumexp %x {axes = array<i64: 1>} : tensor<?x?xf64> -> tensor<?xf64>
    """

    name = "mt.logsumexp"
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
        return [dt.tensor_type(dt.float_dtype(dt.dtype_of(in_types[0])), kept)]


@irdl_op_definition
class OneHotOp(ScalarParamOp):
    """`mt.one_hot %y, %sizes {axis}`: for integer labels y and n = sizes[axis] classes
    (sizes is an int64 vector, e.g. the `mt.shape` of the scores), the tensor of shape
    y.shape + (n,) with 1 at [..., y[...]] and 0 elsewhere, in the result's dtype (`dtype`
    parameter). A label outside [0, n), or an axis beyond a dynamic-length sizes, is a
    run-time IndexError; n < 0 a ValueError.

        %s = mt.shape %p : tensor<?x?xf32> -> tensor<2xi64>
        %h = mt.one_hot %y, %s {axis = 1 : i64} : tensor<?xi32>, tensor<2xi64> -> tensor<?x?xf32>
    """

    name = "mt.one_hot"
    SCALAR_PARAMS: ClassVar[tuple[str, ...]] = ("axis",)
    DTYPE_PARAM: ClassVar[bool] = True
    axis = prop_def(IntegerAttr)
    labels = operand_def(TensorType)
    sizes = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$labels `,` $sizes attr-dict `:` type($labels) `,` type($sizes) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        labels, sizes = in_types
        if not dt.is_int(dt.dtype_of(labels)):
            raise MtTypeError(f"mt.one_hot: labels must be integers, got {dt.dtype_of(labels)}")
        shape = dt.shape_of(sizes)
        if dt.dtype_of(sizes) != "int64" or len(shape) != 1:
            raise MtTypeError(f"mt.one_hot: sizes must be an int64 vector, got {sizes}")
        if params["axis"] < 0 or shape[0] != DYN and params["axis"] >= shape[0]:
            raise MtTypeError(f"mt.one_hot: axis {params['axis']} is out of range for {shape[0]} sizes")
        return [dt.tensor_type(dt.check_dtype(params["dtype"]), dt.shape_of(labels) + (DYN,))]


NNET_UNARY_OPS = (SoftplusOp,)
"""The elementwise nnet ops (they join `mt.UNARY_OPS` / `mt.ELEMWISE_OPS`)."""
NNET_OPS = (SoftmaxOp, LogSoftmaxOp, LogSumExpOp, OneHotOp)
"""The other nnet ops."""
