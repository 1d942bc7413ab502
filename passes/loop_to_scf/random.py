"""`convert-loop-to-scf` rules of the random kernels:
`loop.shuffle` and `loop.weighted_choice` become sequential `scf.for` nests.

    loop.shuffle outs(%p : memref<?x?xi64>) { body: j }
  ->
    scf.for %r {                                   // every row
      scf.for %i { memref.store i, %p[%r, %i] }
      scf.for %i { %j = clamp(body(%r, %i), i, n - 1)
                   swap %p[%r, %i] and %p[%r, %j] } }

    loop.weighted_choice ins(%w) outs(%idx) { body: u }
  ->
    scf.for %t {                                   // every draw, in order
      %total = sum of %w                           // sequential, as the reference
      %acc, %hit, %last = scf.for %j iter_args(...) { first j with w[j] > 0 and
                                                      u * total < w[0] + ... + w[j] }
      memref.store (hit or last positive), %idx[%t]   (and w[hit] = 0 without replacement) }

The clamp keeps every access inside the buffer whatever the body yields.
"""

from __future__ import annotations

from typing import Callable

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import FloatAttr, IndexType, IntegerAttr, f64, i64
from xdsl.ir import Operation, SSAValue

from mlc.dialects import loop
from mlc.passes.loop_to_scf.builder import KernelBuilder, emit, inline_body


def _shuffle(kb: KernelBuilder, op: loop.ShuffleOp, ins, out, mapping) -> None:
    sizes = kb.sizes(out)
    rows, n = sizes[:-1], sizes[-1]
    last = kb.add(arith.SubiOp(n, kb.one))

    def fill(ops: list[Operation], ivs: list[SSAValue], _: list[SSAValue]) -> list[SSAValue]:
        ops.append(memref.StoreOp.get(emit(ops, arith.IndexCastOp(ivs[-1], i64)), out, ivs))
        return []

    def swap(ops: list[Operation], ivs: list[SSAValue], _: list[SSAValue]) -> list[SSAValue]:
        i = ivs[-1]
        j = emit(ops, arith.IndexCastOp(inline_body(ops, op.body, [], mapping, ivs), IndexType()))
        j = emit(ops, arith.MinSIOp(emit(ops, arith.MaxSIOp(j, i)), last))
        other = ivs[:-1] + [j]
        a, b = emit(ops, memref.LoadOp.get(out, ivs)), emit(ops, memref.LoadOp.get(out, other))
        ops.extend([memref.StoreOp.get(b, out, ivs), memref.StoreOp.get(a, out, other)])
        return []

    def row(ops: list[Operation], rivs: list[SSAValue], _: list[SSAValue]) -> list[SSAValue]:
        kb.nest(ops, [n], [], fill, rivs)
        kb.nest(ops, [n], [], swap, rivs)
        return []

    kb.nest(kb.ops, rows, [], row)


def _weighted_choice(kb: KernelBuilder, op: loop.WeightedChoiceOp, ins, out, mapping) -> None:
    w = ins[0]
    n = kb.sizes(w)[0]
    zero = kb.add(arith.ConstantOp(FloatAttr(0.0, f64)))
    none = kb.add(arith.ConstantOp(IntegerAttr(-1, IndexType())))
    replace = bool(op.replace.value.data)

    def total(ops: list[Operation], jv: list[SSAValue], c: list[SSAValue]) -> list[SSAValue]:
        return [emit(ops, arith.AddfOp(c[0], emit(ops, memref.LoadOp.get(w, jv))))]

    def draw(ops: list[Operation], ivs: list[SSAValue], _: list[SSAValue]) -> list[SSAValue]:
        u = inline_body(ops, op.body, [], mapping, ivs)
        target = emit(ops, arith.MulfOp(u, kb.nest(ops, [n], [zero], total)[0]))

        def scan(ops2: list[Operation], jv: list[SSAValue], c: list[SSAValue]) -> list[SSAValue]:
            acc, hit, pos = c
            x = emit(ops2, memref.LoadOp.get(w, jv))
            acc = emit(ops2, arith.AddfOp(acc, x))
            positive = emit(ops2, arith.CmpfOp(x, zero, "ogt"))
            first = emit(ops2, arith.AndIOp(emit(ops2, arith.CmpiOp(hit, none, "eq")),
                                            emit(ops2, arith.CmpfOp(target, acc, "olt"))))
            take = emit(ops2, arith.AndIOp(positive, first))
            return [acc, emit(ops2, arith.SelectOp(take, jv[0], hit)),
                    emit(ops2, arith.SelectOp(positive, jv[0], pos))]
        _, hit, pos = kb.nest(ops, [n], [zero, none, kb.zero], scan)
        pick = emit(ops, arith.SelectOp(emit(ops, arith.CmpiOp(hit, none, "eq")), pos, hit))
        ops.append(memref.StoreOp.get(emit(ops, arith.IndexCastOp(pick, i64)), out, ivs))
        if not replace:
            ops.append(memref.StoreOp.get(zero, w, [pick]))
        return []

    kb.nest(kb.ops, kb.sizes(out), [], draw)


KERNELS: dict[type, Callable] = {loop.ShuffleOp: _shuffle, loop.WeightedChoiceOp: _weighted_choice}
