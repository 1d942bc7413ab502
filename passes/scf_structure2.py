"""`convert-loop-to-scf` rules of issue 3's structure kernels (merged into `KERNELS`):
`loop.arg_reduce`, `loop.accumulate` and `loop.batch_matmul` become `scf.for` nests.

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

from typing import TYPE_CHECKING, Any

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, IntegerType, i64
from xdsl.ir import Operation, SSAValue

from mlc.dialects import loop

if TYPE_CHECKING:
    from mlc.passes.convert_loop_to_scf import KernelBuilder


def inline_body(*args: Any, **kwargs: Any) -> SSAValue:
    # convert_loop_to_scf imports this module to fill KERNELS: import it back lazily
    from mlc.passes.convert_loop_to_scf import inline_body as inline

    return inline(*args, **kwargs)


def _add(ops: list[Operation], op: Operation) -> SSAValue:
    ops.append(op)
    return op.results[0]


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
            v = _add(ops2, memref.LoadOp.get(x, full))
            take = inline_body(ops2, op.body, [best, v], mapping, full)
            return [_add(ops2, arith.SelectOp(take, v, best)),
                    _add(ops2, arith.SelectOp(take, at, best_at)),
                    _add(ops2, arith.AddiOp(at, kb.one))]
        found = kb.nest(ops, [sizes[a] for a in axes], [init, kb.zero, kb.zero], inner)[1]
        ops.append(memref.StoreOp.get(_add(ops, arith.IndexCastOp(found, i64)), out, kept_ivs))
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
            v = _add(ops2, memref.LoadOp.get(x, full))
            acc = inline_body(ops2, op.body, [carried[0], v], mapping, full)
            ops2.append(memref.StoreOp.get(acc, out, full))
            return [acc]
        kb.nest(ops, [sizes[axis]], [init], inner)
        return []
    kb.nest(kb.ops, [sizes[a] for a in others], [], outer)


def _batch_matmul(kb: KernelBuilder, op: loop.BatchMatmulOp, ins, out, mapping) -> None:
    a, b = ins
    a_sizes = kb.sizes(a)
    el = a.type.element_type
    zero = IntegerAttr(0, el) if isinstance(el, IntegerType) else FloatAttr(0.0, el)
    init = kb.add(arith.ConstantOp(zero))
    n_rows = len(a_sizes) - 2

    def outer(ops: list[Operation], ivs: list[SSAValue], _: list[SSAValue]) -> list[SSAValue]:
        batch, rows, cols = ivs[:1], ivs[1:1 + n_rows], ivs[1 + n_rows:]

        def inner(ops2: list[Operation], k: list[SSAValue], carried: list[SSAValue]) -> list[SSAValue]:
            la = _add(ops2, memref.LoadOp.get(a, batch + rows + k))
            lb = _add(ops2, memref.LoadOp.get(b, batch + k + cols))
            return [inline_body(ops2, op.body, [carried[0], la, lb], mapping, ivs + k)]
        acc = kb.nest(ops, [a_sizes[-1]], [init], inner)
        ops.append(memref.StoreOp.get(acc[0], out, ivs))
        return []
    kb.nest(kb.ops, kb.sizes(out), [], outer)


STRUCTURE2_KERNELS = {
    loop.ArgReduceOp: _arg_reduce, loop.AccumulateOp: _accumulate,
    loop.BatchMatmulOp: _batch_matmul,
}
