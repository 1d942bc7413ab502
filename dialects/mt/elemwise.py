"""Elementwise `mt` ops: arithmetic (`mt.neg`, `mt.abs`, `mt.sign`, `mt.add`, ...,
`mt.pow`, `mt.maximum`), comparisons, bitwise/logical ops, `mt.select` and `mt.cast`,
and the base classes of every elementwise op (the math functions of math.py and
`mt.softplus` of nnet.py subclass them).

All operands of an elementwise op have equal rank (the frontend inserts `mt.dimshuffle`
to add leading broadcastable dims, as Theano does); a static size 1 broadcasts. The
result dtype comes from the op's `DTYPE_RULE`, one of the rules in `dtypes`:

    %z = mt.add %x, %y : tensor<?x3xf64>, tensor<1x3xf32> -> tensor<?x3xf64>
    %c = mt.lt %x, %y : tensor<?xi32>, tensor<?xf32> -> tensor<?xi1>
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.irdl import irdl_op_definition, operand_def, result_def, traits_def
from xdsl.traits import Pure

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import MtTypeError
from mlc.dialects.mt.base import MtOp


def _bool_result(*dtypes: str) -> str:
    return "bool"


def _logic_dtype(*dtypes: str) -> str:
    d = dt.upcast(*dtypes)
    if dt.is_float(d):
        raise MtTypeError(f"bitwise/logical ops need bool or integer operands, got {d}")
    return d


class ElemwiseOp(MtOp):
    """An elementwise map over broadcast operands."""

    DTYPE_RULE: ClassVar[Callable[..., str]] = staticmethod(dt.arith_dtype)

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        dtypes = [dt.dtype_of(t) for t in in_types]
        shape = dt.broadcast_shapes(cls.name, [dt.shape_of(t) for t in in_types])
        try:
            out = cls.DTYPE_RULE(*dtypes)
        except MtTypeError as e:
            raise MtTypeError(f"{cls.name}: {e}") from None
        return [dt.tensor_type(out, shape)]


class UnaryOp(ElemwiseOp):
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"


class BinaryOp(ElemwiseOp):
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)"


class FloatUnaryOp(UnaryOp):
    """Transcendental functions: integer inputs are computed in floating point."""

    DTYPE_RULE = staticmethod(dt.float_dtype)


class FloatBinaryOp(BinaryOp):
    DTYPE_RULE = staticmethod(dt.float_dtype)


class CompareOp(BinaryOp):
    DTYPE_RULE = staticmethod(_bool_result)


class LogicOp(BinaryOp):
    DTYPE_RULE = staticmethod(_logic_dtype)


@irdl_op_definition
class NegOp(UnaryOp):
    """`mt.neg %x`: -x (bool is promoted to int8)."""

    name = "mt.neg"

@irdl_op_definition
class AbsOp(UnaryOp):
    """`mt.abs %x`: |x|, of x's dtype (bool stays bool, as in NumPy)."""

    name = "mt.abs"
    DTYPE_RULE = staticmethod(dt.upcast)

@irdl_op_definition
class SignOp(UnaryOp):
    """`mt.sign %x`: -1, 0 or 1 by the sign of x (NaN stays NaN, -0.0 gives +0.0 as in NumPy)."""

    name = "mt.sign"

@irdl_op_definition
class AddOp(BinaryOp):
    """`mt.add %x, %y`: x + y."""

    name = "mt.add"

@irdl_op_definition
class SubOp(BinaryOp):
    """`mt.sub %x, %y`: x - y."""

    name = "mt.sub"

@irdl_op_definition
class MulOp(BinaryOp):
    """`mt.mul %x, %y`: x * y."""

    name = "mt.mul"

@irdl_op_definition
class TrueDivOp(FloatBinaryOp):
    """`mt.true_div %x, %y`: x / y in floating point (Python 3 `/`)."""

    name = "mt.true_div"

@irdl_op_definition
class IntDivOp(BinaryOp):
    """`mt.int_div %x, %y`: floor(x / y), Python's `//`."""

    name = "mt.int_div"

@irdl_op_definition
class ModOp(BinaryOp):
    """`mt.mod %x, %y`: x - floor(x / y) * y; the sign follows y (Python's `%`)."""

    name = "mt.mod"

@irdl_op_definition
class PowOp(BinaryOp):
    """`mt.pow %x, %y`: x ** y."""

    name = "mt.pow"

@irdl_op_definition
class MaximumOp(BinaryOp):
    """`mt.maximum %x, %y`: NaN-propagating maximum (NumPy's)."""

    name = "mt.maximum"

@irdl_op_definition
class MinimumOp(BinaryOp):
    """`mt.minimum %x, %y`: NaN-propagating minimum (NumPy's)."""

    name = "mt.minimum"

@irdl_op_definition
class EqOp(CompareOp):
    """`mt.eq %x, %y`: x == y."""

    name = "mt.eq"

@irdl_op_definition
class NeqOp(CompareOp):
    """`mt.neq %x, %y`: x != y."""

    name = "mt.neq"

@irdl_op_definition
class LtOp(CompareOp):
    """`mt.lt %x, %y`: x < y."""

    name = "mt.lt"

@irdl_op_definition
class LeOp(CompareOp):
    """`mt.le %x, %y`: x <= y."""

    name = "mt.le"

@irdl_op_definition
class GtOp(CompareOp):
    """`mt.gt %x, %y`: x > y."""

    name = "mt.gt"

@irdl_op_definition
class GeOp(CompareOp):
    """`mt.ge %x, %y`: x >= y."""

    name = "mt.ge"

@irdl_op_definition
class AndOp(LogicOp):
    """`mt.and %x, %y`: bitwise and (logical and on bool)."""

    name = "mt.and"

@irdl_op_definition
class OrOp(LogicOp):
    """`mt.or %x, %y`: bitwise or (logical or on bool)."""

    name = "mt.or"

@irdl_op_definition
class XorOp(LogicOp):
    """`mt.xor %x, %y`: bitwise xor (logical xor on bool)."""

    name = "mt.xor"


@irdl_op_definition
class SelectOp(ElemwiseOp):
    """`mt.select %c, %a, %b`: a where c else b, Theano's `switch` (all three broadcast).

        %r = mt.select %c, %a, %b : tensor<?xi1>, tensor<?xf64>, tensor<1xf64> -> tensor<?xf64>
    """

    name = "mt.select"
    cond = operand_def(TensorType)
    lhs = operand_def(TensorType)
    rhs = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = ("$cond `,` $lhs `,` $rhs attr-dict `:` type($cond) `,` type($lhs) `,` "
                       "type($rhs) `->` type($result)")

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        if dt.dtype_of(in_types[0]) != "bool":
            raise MtTypeError(f"mt.select: condition must be bool, got {dt.dtype_of(in_types[0])}")
        shape = dt.broadcast_shapes(cls.name, [dt.shape_of(t) for t in in_types])
        out = dt.upcast(dt.dtype_of(in_types[1]), dt.dtype_of(in_types[2]))
        return [dt.tensor_type(out, shape)]


@irdl_op_definition
class CastOp(MtOp):
    """`mt.cast %x`: convert to the result's dtype with C/NumPy `astype` semantics.

        %y = mt.cast %x : tensor<?xf64> -> tensor<?xi32>
    """

    name = "mt.cast"
    input = operand_def(TensorType)
    result = result_def(TensorType)
    traits = traits_def(Pure())
    assembly_format = "$input attr-dict `:` type($input) `->` type($result)"

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        return [dt.tensor_type(dt.check_dtype(params["dtype"]), dt.shape_of(in_types[0]))]

    def params(self) -> dict[str, Any]:
        return {"dtype": dt.dtype_of(self.result.type)}

    @classmethod
    def encode_params(cls, params: dict[str, Any]) -> dict:
        return {}


UNARY_OPS = (NegOp, AbsOp, SignOp)
BINARY_OPS = (AddOp, SubOp, MulOp, TrueDivOp, IntDivOp, ModOp, PowOp, MaximumOp, MinimumOp,
              EqOp, NeqOp, LtOp, LeOp, GtOp, GeOp, AndOp, OrOp, XorOp)
ELEMWISE_OPS = UNARY_OPS + BINARY_OPS + (SelectOp, CastOp)
