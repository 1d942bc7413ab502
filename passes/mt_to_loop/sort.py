"""Lowering of `mt.sort`/`mt.argsort` to `loop.sort` over a contiguous copy of the input
(the emitter's C helper sorts each lane along the axis; NaNs sort last, as in NumPy).
"""

from __future__ import annotations


from xdsl.dialects.builtin import (IntegerAttr, i64)
from xdsl.ir import SSAValue

from mlc.dialects import loop, mt
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, copy_to_fresh
from mlc.passes.mt_to_loop.sizes import alloc_result


def lower_sort(L: FuncLowering, op: mt.AxisOp) -> SSAValue:
    x = L.buf[op.input]
    if not loop.is_contiguous(L.memref_type(x)):
        x = copy_to_fresh(L, x)
    out = alloc_result(L, op, L.sizes(x))
    L.emit(loop.SortOp.create(operands=[x, out], properties={
        "axis": IntegerAttr(op.params()["axis"], i64),
        "arg": IntegerAttr.from_bool(isinstance(op, mt.ArgSortOp))}))
    return out


LOWERINGS: dict[type, Lowering] = {mt.SortOp: lower_sort, mt.ArgSortOp: lower_sort}
