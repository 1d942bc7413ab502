"""`loop` ops of issue 3's structure ops: three kernels with scalar bodies
(`loop.arg_reduce`, `loop.accumulate`, `loop.batch_matmul`), the `loop.sort` runtime op
and the `loop.diagonal` view.

The kernels become `scf.for` nests in `convert-loop-to-scf` (passes/loop_to_scf/reduce.py and linalg.py);
`loop.sort` and `loop.diagonal` survive to the C emitter (passes/emit/structure.py, sort.py).

    loop.arg_reduce ins(%x : memref<?x?xf64>) outs(%o : memref<?xi64>) {axes = array<i64: 1>, init = -inf : f64} {
    ^bb0(%best : f64, %v : f64):
      %t = arith.cmpf ogt, %v, %best : f64
      loop.yield %t : i1
    }
    loop.sort %src, %out {axis = 1 : i64, arg = false} : memref<?x?xf64>, memref<?x?xf64>
    %d = loop.diagonal %m [%r, %c, %n] : memref<?x?xf64> -> memref<?xf64, strided<[?], offset: ?>>
"""

from __future__ import annotations

from xdsl.dialects.builtin import BoolAttr, DenseArrayBase, IndexType, IntegerAttr, MemRefType
from xdsl.ir import Attribute
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
)
from xdsl.utils.exceptions import VerifyException

from mlc.dialects.loop.core import KernelOp, ViewOp, is_contiguous


@irdl_op_definition
class ArgReduceOp(KernelOp):
    """out[kept...] = C-order position, within the reduced `axes`, of the element the body
    prefers: the body maps (best so far, element) -> i1 "the element replaces the best".
    The best starts at `init` and position 0; the caller checks that no axis is empty."""

    name = "loop.arg_reduce"
    axes = prop_def(DenseArrayBase)
    init = prop_def(Attribute)

    def get_axes(self) -> tuple[int, ...]:
        return tuple(self.axes.get_values())  # type: ignore[arg-type]


@irdl_op_definition
class AccumulateOp(KernelOp):
    """out[..., i, ...] = fold(body, init, in[..., 0..i, ...]) along `axis`: a running
    reduction (cumsum, cumprod). The body maps (accumulator, element) -> accumulator of
    the output's element type."""

    name = "loop.accumulate"
    axis = prop_def(IntegerAttr)
    init = prop_def(Attribute)


@irdl_op_definition
class BatchMatmulOp(KernelOp):
    """out[b] = dot(a[b], b[b]) for each b along the leading axis; a and b have rank 2 or
    3 and equal element types. The body maps (accumulator, a, b) -> accumulator."""

    name = "loop.batch_matmul"


@irdl_op_definition
class SortOp(IRDLOperation):
    """`loop.sort %src, %out {axis, arg}`: sort every line of contiguous `src` along
    `axis` into contiguous `out` (same sizes): the values ascending with NaNs last, or,
    with `arg`, the int64 positions that sort them (stable). Emitted as a call of a total
    C helper that allocates its own scratch."""

    name = "loop.sort"
    source = operand_def(MemRefType)
    out = operand_def(MemRefType)
    axis = prop_def(IntegerAttr)
    arg = prop_def(BoolAttr)
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$source `,` $out attr-dict `:` type($source) `,` type($out)"

    def verify_(self) -> None:
        src, out = self.source.type, self.out.type
        if not (is_contiguous(src) and is_contiguous(out)):  # type: ignore[arg-type]
            raise VerifyException("loop.sort: source and output must be contiguous")
        rank = src.get_num_dims()  # type: ignore[attr-defined]
        if out.get_num_dims() != rank or not 0 <= self.axis.value.data < rank:  # type: ignore[attr-defined]
            raise VerifyException("loop.sort: output rank or axis does not match the source")


@irdl_op_definition
class DiagonalOp(ViewOp):
    """`loop.diagonal %m [%row, %col, %len]`: the vector view m[row + i, col + i] for
    i < len of a matrix m. No bounds checks: the lowering that builds it ensures them."""

    name = "loop.diagonal"
    source = operand_def(MemRefType)
    row = operand_def(IndexType)
    col = operand_def(IndexType)
    length = operand_def(IndexType)
    result = result_def(MemRefType)
    assembly_format = ("$source `[` $row `,` $col `,` $length `]` attr-dict `:` type($source) "
                       "`->` type($result)")


STRUCTURE2_LOOP_OPS = (ArgReduceOp, AccumulateOp, BatchMatmulOp, SortOp, DiagonalOp)
