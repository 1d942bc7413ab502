"""`convert-loop-to-scf` rules of the indexing kernels:
`loop.gather`, `loop.scatter` and `loop.nonzero` become `scf.for` nests over
`memref.load`/`memref.store` at computed positions.

    loop.gather ins(%x, %i) outs(%o) {axes = array<i64: 0>, bstart = 0}
  ->
    scf.for %p0 ... { scf.for %p1 ... {
      %v = memref.load %i[%p0]  %k = index_cast(extsi %v)  %w = select(%k < 0, %k + n, %k)
      %e = memref.load %x[%w, %p1]   memref.store %e, %o[%p0, %p1] } }

Index arrays were checked against the axis sizes before the kernel runs (the lowering
emits `loop.check`s), so positions are in range; negative entries wrap here.
"""

from __future__ import annotations

from typing import Callable, Sequence

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IndexType, IntegerAttr, IntegerType, i64
from xdsl.ir import Operation, SSAValue

from mlc.dialects import loop
from mlc.passes.loop_to_scf.builder import KernelBuilder, emit, inline_body


def to_index(ops: list[Operation], v: SSAValue) -> SSAValue:
    """An integer scalar of any width as an index (sign-extended)."""
    if isinstance(v.type, IntegerType) and v.type.width.data < 64:
        v = emit(ops, arith.ExtSIOp(v, i64))
    return emit(ops, arith.IndexCastOp(v, IndexType()))


def _positions(ops: list[Operation], kb: KernelBuilder, op: loop.IndexedKernelOp, idxs: Sequence[SSAValue],
               sizes: Sequence[SSAValue], ivs: Sequence[SSAValue], nb: int) -> list[SSAValue]:
    """The indexed buffer's position for iteration point `ivs`."""
    bstart = op.bstart.value.data
    bivs, rest = list(ivs[bstart:bstart + nb]), iter(list(ivs[:bstart]) + list(ivs[bstart + nb:]))
    by_axis: dict[int, SSAValue] = {}
    for m, axis in zip(idxs, op.get_axes()):
        k = to_index(ops, emit(ops, memref.LoadOp.get(m, bivs)))
        neg = emit(ops, arith.CmpiOp(k, kb.zero, "slt"))
        by_axis[axis] = emit(ops, arith.SelectOp(neg, emit(ops, arith.AddiOp(k, sizes[axis])), k))
    return [by_axis[a] if a in by_axis else next(rest) for a in range(len(sizes))]


def gather(kb: KernelBuilder, op: loop.GatherOp, ins, out, mapping) -> None:
    x, idxs = ins[0], ins[1:]
    nb = op.layout(x.type, out.type)[1]
    sizes = kb.sizes(x)

    def body(ops, ivs, _):
        load = memref.LoadOp.get(x, _positions(ops, kb, op, idxs, sizes, ivs, nb))
        ops.append(load)
        ops.append(memref.StoreOp.get(inline_body(ops, op.body, [load.res], mapping, ivs), out, ivs))
        return []
    kb.nest(kb.ops, kb.sizes(out), [], body)


def scatter(kb: KernelBuilder, op: loop.ScatterOp, ins, out, mapping) -> None:
    y, idxs = ins[0], ins[1:]
    nb = op.layout(out.type, y.type)[1]
    sizes = kb.sizes(out)

    def body(ops, ivs, _):
        pos = _positions(ops, kb, op, idxs, sizes, ivs, nb)
        old, new = memref.LoadOp.get(out, pos), memref.LoadOp.get(y, ivs)
        ops.extend([old, new])
        ops.append(memref.StoreOp.get(inline_body(ops, op.body, [old.res, new.res], mapping, ivs),
                                      out, pos))
        return []
    kb.nest(kb.ops, kb.sizes(y), [], body)


def nonzero(kb: KernelBuilder, op: loop.NonzeroOp, ins, out, mapping) -> None:
    m = ins[0]
    scratch = kb.add(arith.SubiOp(kb.sizes(out)[0], kb.one))
    cols = [kb.add(arith.ConstantOp(IntegerAttr(d, IndexType()))) for d in range(m.type.get_num_dims())]

    def body(ops, ivs, carried):
        load = memref.LoadOp.get(m, ivs)
        ops.append(load)
        selected = inline_body(ops, op.body, [load.res], mapping, ivs)
        row = emit(ops, arith.SelectOp(selected, carried[0], scratch))
        for d, iv in zip(cols, ivs):
            ops.append(memref.StoreOp.get(emit(ops, arith.IndexCastOp(iv, i64)), out, [row, d]))
        step = emit(ops, arith.SelectOp(selected, kb.one, kb.zero))
        return [emit(ops, arith.AddiOp(carried[0], step))]
    kb.nest(kb.ops, kb.sizes(m), [kb.zero], body)


KERNELS: dict[type, Callable] = {loop.GatherOp: gather, loop.ScatterOp: scatter, loop.NonzeroOp: nonzero}
