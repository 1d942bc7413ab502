"""`loop.reduce`, `loop.arg_reduce` and `loop.accumulate` as `scf.for` nests: an outer nest
over the kept dims and an inner one over the reduced dims carrying the accumulator
(float32 sums carry a float64 accumulator, narrowed at the store).

    loop.accumulate ins(%x) outs(%o) {axis = 1, init = 0.0} { arith.addf }
  ->
    scf.for %i ... {
      %s = scf.for %j ... iter_args(%acc = %init) {
        %v = memref.load %x[%i, %j]   %n = arith.addf %acc, %v
        memref.store %n, %o[%i, %j]   scf.yield %n } }

`loop.arg_reduce` carries (best value, best position, position) through the nest over
the reduced axes, so the position is the C-order index into those axes.
"""

from __future__ import annotations

from typing import Callable

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import i64
from xdsl.ir import Attribute, Operation, SSAValue

from mlc.dialects import loop
from mlc.passes.loop_to_scf.builder import KernelBuilder, emit, inline_body


def _reduce(kb: KernelBuilder, op: loop.ReduceOp, ins, out, mapping) -> None:
    axes = op.get_axes()
    x = ins[0]
    in_sizes = kb.sizes(x)
    rank = len(in_sizes)
    kept = [a for a in range(rank) if a not in axes]
    init = kb.add(arith.ConstantOp(op.init))

    def outer(ops, kept_ivs, _):
        def inner(ops2, red_ivs, carried):
            pos = dict(zip(kept, kept_ivs)) | dict(zip(axes, red_ivs))
            full = [pos[a] for a in range(rank)]
            loads = [memref.LoadOp.get(m, full) for m in ins]  # every input in x's index space
            ops2.extend(loads)
            return [inline_body(ops2, op.body, [carried[0], *(l.res for l in loads)], mapping, full)]
        acc = kb.nest(ops, [in_sizes[a] for a in axes], [init], inner)[0]
        if acc.type != out.type.element_type:  # a wider accumulator (float32 sums)
            acc = _narrow(ops, acc, out.type.element_type)
        ops.append(memref.StoreOp.get(acc, out, kept_ivs))
        return []
    kb.nest(kb.ops, [in_sizes[a] for a in kept], [], outer)


def _narrow(ops: list[Operation], v: SSAValue, to: Attribute) -> SSAValue:
    op = arith.TruncFOp(v, to)
    ops.append(op)
    return op.result


def _arg_reduce(kb: KernelBuilder, op: loop.ArgReduceOp, ins, out, mapping) -> None:
    axes = op.get_axes()
    x = ins[0]
    sizes = kb.sizes(x)
    kept = [a for a in range(len(sizes)) if a not in axes]
    init = kb.add(arith.ConstantOp(op.init))

    def outer(ops: list[Operation], kept_ivs: list[SSAValue], _: list[SSAValue]) -> list[SSAValue]:
        def inner(ops2: list[Operation], red_ivs: list[SSAValue], carried: list[SSAValue]) -> list[SSAValue]:
            best, best_at, at = carried
            pos = dict(zip(kept, kept_ivs)) | dict(zip(axes, red_ivs))
            full = [pos[a] for a in range(len(sizes))]
            v = emit(ops2, memref.LoadOp.get(x, full))
            take = inline_body(ops2, op.body, [best, v], mapping, full)
            return [emit(ops2, arith.SelectOp(take, v, best)),
                    emit(ops2, arith.SelectOp(take, at, best_at)),
                    emit(ops2, arith.AddiOp(at, kb.one))]
        found = kb.nest(ops, [sizes[a] for a in axes], [init, kb.zero, kb.zero], inner)[1]
        ops.append(memref.StoreOp.get(emit(ops, arith.IndexCastOp(found, i64)), out, kept_ivs))
        return []
    kb.nest(kb.ops, [sizes[a] for a in kept], [], outer)


def _accumulate(kb: KernelBuilder, op: loop.AccumulateOp, ins, out, mapping) -> None:
    axis = op.axis.value.data
    x = ins[0]
    sizes = kb.sizes(x)
    others = [a for a in range(len(sizes)) if a != axis]
    init = kb.add(arith.ConstantOp(op.init))

    def outer(ops: list[Operation], ivs: list[SSAValue], _: list[SSAValue]) -> list[SSAValue]:
        def inner(ops2: list[Operation], along: list[SSAValue], carried: list[SSAValue]) -> list[SSAValue]:
            pos = dict(zip(others, ivs)) | {axis: along[0]}
            full = [pos[a] for a in range(len(sizes))]
            v = emit(ops2, memref.LoadOp.get(x, full))
            acc = inline_body(ops2, op.body, [carried[0], v], mapping, full)
            ops2.append(memref.StoreOp.get(acc, out, full))
            return [acc]
        kb.nest(ops, [sizes[axis]], [init], inner)
        return []
    kb.nest(kb.ops, [sizes[a] for a in others], [], outer)


KERNELS: dict[type, Callable] = {
    loop.ReduceOp: _reduce, loop.ArgReduceOp: _arg_reduce, loop.AccumulateOp: _accumulate,
}
