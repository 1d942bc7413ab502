"""The structure family of `loop` beyond the views of core.py: `loop.diagonal`, the
vector view of one diagonal of a matrix (mt.alloc_diag, mt.extract_diag). It survives to
the C emitter as a descriptor computation.

    %d = loop.diagonal %m [%r, %c, %n] : memref<?x?xf64> -> memref<?xf64, strided<[?], offset: ?>>
"""

from __future__ import annotations

from xdsl.dialects.builtin import IndexType, MemRefType
from xdsl.irdl import irdl_op_definition, operand_def, result_def

from mlc.dialects.loop.core import ViewOp


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


STRUCTURE_OPS = (DiagonalOp,)
