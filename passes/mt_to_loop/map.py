"""Lowering of `mt.map`: one `scf.for` over the index whose body is the lowered region,
each row copied into its slice of the stacked result.

    %J = mt.map %n, %x captures(...) { body(%i, ...) ; mt.yield %row }
  ->
    %J = memref.alloc(%n, sizes of %x)       %i_buf = memref.alloc() : memref<i64>
    scf.for %i = 0 to %n {
      memref.store %i, %i_buf[]
      (the body, lowered like a function body; its buffers are freed each iteration)
      loop.check (row sizes == sizes of %x)
      loop.elemwise ins(%row) outs(loop.slice %J [%i, 0..] -> J[i])
    }
"""

from __future__ import annotations

from typing import Callable

from xdsl.dialects import arith, memref, scf
from xdsl.dialects.builtin import (IndexType, i64)
from xdsl.ir import Block, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, bind_results, elemwise_kernel, where


def row_view(L: FuncLowering, out: SSAValue, iv: SSAValue, sizes: list[SSAValue]) -> SSAValue:
    """out[i] as a view of rank len(sizes)."""
    r = len(sizes)
    t = L.memref_type(out)
    ty = loop.strided_type(t.element_type, t.get_shape()[1:])
    view = L.emit(loop.SliceOp.create(
        operands=[out, iv, *[L.index(0)] * r, *sizes, *[L.index(1)] * r], result_types=[ty],
        properties={"keep": int_array(range(1, r + 1))}))
    L.set_sizes(view, sizes)
    return view


def _lower_body(L: FuncLowering, op: mt.MapOp, ibuf: SSAValue, iv: SSAValue, out: SSAValue,
                sizes: list[SSAValue], lowerings: dict[type, Callable]) -> None:
    block = op.body.block
    L.buf[block.args[0]] = ibuf
    for arg, cap in zip(block.args[1:], op.captures):
        L.buf[arg] = L.buf[cap]
    if block.args[0].uses:
        L.emit(memref.StoreOp.get(L.emit(arith.IndexCastOp(iv, i64)), ibuf, []))
    for inner in block.ops:
        L.location = inner.location
        if not isinstance(inner, mt.MapYieldOp):
            bind_results(L, inner, lowerings[type(inner)](L, inner))
            continue
        row = L.buf[inner.value]
        for axis, (got, want) in enumerate(zip(L.sizes(row), sizes)):
            L.check_equal(want, got, f"mt.map{where(op)}: the body yields size {{1}} along "
                                     f"axis {axis} where the rows have size {{0}}")
        src, dst = dt.dtype_of(inner.value.type), dt.dtype_of(op.result.type)
        elemwise_kernel(L, [row], row_view(L, out, iv, sizes), [],
                        lambda sb, a: sb.convert(a[0], src, dst))


def lower_map(L: FuncLowering, op: mt.MapOp, lowerings: dict[type, Lowering]) -> SSAValue:
    """One `scf.for` over the rows whose body lowers the region with `lowerings` (the
    pass's whole table, so any op may appear in a body)."""
    n64 = L.emit(memref.LoadOp.get(L.buf[op.count], []))
    n = L.emit(arith.IndexCastOp(n64, IndexType()))
    L.check(L.emit(arith.CmpiOp(n, L.index(0), "sge")), [n],
            f"mt.map{where(op)}: the count {{0}} is negative")
    sizes = L.sizes(L.buf[op.like])
    out = L.alloc(op.result.type.element_type, dt.shape_of(op.result.type), [n, *sizes])  # type: ignore[attr-defined]
    ibuf = L.alloc(i64, (), [])
    body = Block(arg_types=[IndexType()])
    child = L.child()
    _lower_body(child, op, ibuf, body.args[0], out, sizes, lowerings)
    body.add_ops(child.ops + [scf.YieldOp()])
    L.emit(scf.ForOp(L.index(0), n, L.index(1), [], body))
    return out
