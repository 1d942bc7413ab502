"""`mt.map`: evaluate a region once per index and stack the results (the special case of
scan without carried state that `jacobian` and `hessian` need for dynamic lengths).

The body's block arguments are the index (a 0-d int64 tensor) and the captured values,
passed explicitly; it yields one row per index. Every row has the shape of the `like`
operand (checked at run time), so the result is `count` rows of like's shape:

    %J = mt.map %n, %x captures(%x, %w) {
    ^bb0(%i: tensor<i64>, %xc: tensor<?xf64>, %wc: tensor<?xf64>):
      ...
      mt.yield %row : tensor<?xf64>
    } : (tensor<i64>, tensor<?xf64>, tensor<?xf64>, tensor<?xf64>) -> tensor<?x?xf64>
"""

from __future__ import annotations

from typing import Any, Sequence

from xdsl.dialects.builtin import TensorType
from xdsl.ir import Block, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    lazy_traits_def,
    operand_def,
    region_def,
    result_def,
    var_operand_def,
)
from xdsl.traits import HasParent, IsTerminator, Pure, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from mlc.dialects import dtypes as dt
from mlc.dialects.dtypes import DYN, MtTypeError
from mlc.dialects.mt.base import MtOp

INDEX_TYPE = dt.tensor_type("int64", ())


@irdl_op_definition
class MapYieldOp(IRDLOperation):
    """`mt.yield %row`: the row an `mt.map` body produces for its index."""

    name = "mt.yield"
    value = operand_def(TensorType)
    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(MapOp), Pure()))
    assembly_format = "$value attr-dict `:` type($value)"

    def __init__(self, value: SSAValue):
        super().__init__(operands=[value])


@irdl_op_definition
class MapOp(MtOp):
    """`mt.map %count, %like captures(...) {body}`: stack body(i, captures...) for i in
    0..count-1 (see the module docstring)."""

    name = "mt.map"
    count = operand_def(TensorType)
    like = operand_def(TensorType)
    captures = var_operand_def(TensorType)
    result = result_def(TensorType)
    body = region_def("single_block")
    traits = lazy_traits_def(lambda: (RecursiveMemoryEffect(),))
    assembly_format = ("$count `,` $like `captures` `(` $captures `)` $body attr-dict `:` "
                       "functional-type(operands, results)")

    @staticmethod
    def row_block(captures: Sequence[SSAValue]) -> Block:
        """An empty body block: the index argument, then one argument per capture."""
        return Block(arg_types=[INDEX_TYPE, *(SSAValue.get(c).type for c in captures)])

    @classmethod
    def infer_map(cls, count: TensorType, like: TensorType, row: TensorType) -> TensorType:
        if count != INDEX_TYPE:
            raise MtTypeError(f"mt.map: the count must be a 0-d int64 tensor, got {count}")
        want, got = dt.shape_of(like), dt.shape_of(row)
        if len(want) != len(got) or any(a != b and DYN not in (a, b) for a, b in zip(want, got)):
            raise MtTypeError(f"mt.map: the body yields {row}, which cannot have the shape of {like}")
        return dt.tensor_type(dt.dtype_of(row), (DYN, *want))

    @classmethod
    def make_map(cls, count: SSAValue, like: SSAValue, captures: Sequence[SSAValue],
                 block: Block) -> "MapOp":
        """Build from a body block that ends in `mt.yield`."""
        row = block.last_op.value.type  # type: ignore[union-attr]
        out = cls.infer_map(count.type, like.type, row)  # type: ignore[arg-type]
        return cls.create(operands=[count, like, *captures], result_types=[out],
                          regions=[Region(block)])

    @classmethod
    def infer(cls, in_types: Sequence[TensorType], **params: Any) -> list[TensorType]:
        """`body` is a region builder: an object with `result_types` (the yielded type,
        one) and `build(block) -> [row]` (fills a `row_block` and returns the row)."""
        return [cls.infer_map(in_types[0], in_types[1], params["body"].result_types[0])]

    @classmethod
    def make(cls, operands: Sequence[SSAValue | Any], **params: Any) -> "MapOp":
        vals = [SSAValue.get(v) for v in operands]
        block = cls.row_block(vals[2:])
        block.add_op(MapYieldOp(params["body"].build(block)[0]))
        return cls.make_map(vals[0], vals[1], vals[2:], block)

    def params(self) -> dict[str, Any]:
        return {}

    def verify_(self) -> None:
        block = self.body.block
        if [a.type for a in block.args] != [INDEX_TYPE, *(c.type for c in self.captures)]:
            raise VerifyException("mt.map: the body takes the index and one argument per capture")
        last = block.last_op
        if not isinstance(last, MapYieldOp):
            raise VerifyException("mt.map: the body must end in mt.yield")
        try:
            out = self.infer_map(self.count.type, self.like.type, last.value.type)  # type: ignore[arg-type]
        except MtTypeError as e:
            raise VerifyException(str(e)) from None
        if out != self.result.type:
            raise VerifyException(f"mt.map: result type should be {out}, got {self.result.type}")


MAP_OPS = (MapOp,)
