"""The sort family of `loop`: `loop.sort`, a runtime op that sorts every line of a
buffer along one axis (the values, or with `arg` their int64 positions). It survives to
the C emitter, which calls a C helper.

    loop.sort %src, %out {axis = 1 : i64, arg = false} : memref<?x?xf64>, memref<?x?xf64>
"""

from __future__ import annotations

from xdsl.dialects.builtin import BoolAttr, IntegerAttr, MemRefType
from xdsl.irdl import IRDLOperation, ParsePropInAttrDict, irdl_op_definition, operand_def, prop_def
from xdsl.utils.exceptions import VerifyException

from mlc.dialects.loop.core import is_contiguous


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


SORT_OPS = (SortOp,)
