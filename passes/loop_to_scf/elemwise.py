"""`loop.elemwise` as a perfect `scf.for` nest over the output: load every input at the
position, inline the scalar body, store the result.

    loop.elemwise ins(%x : memref<?xf64>) outs(%o : memref<?xf64>) { math.exp }
  ->
    scf.for %i = %c0 to %n step %c1 {
      %v = memref.load %x[%i]  %e = math.exp %v  memref.store %e, %o[%i] }
"""

from __future__ import annotations

from typing import Callable

from xdsl.dialects import memref

from mlc.dialects import loop
from mlc.passes.loop_to_scf.builder import KernelBuilder, inline_body


def _elemwise(kb: KernelBuilder, op: loop.ElemwiseOp, ins, out, mapping) -> None:
    def body(ops, ivs, carried):
        loads = [memref.LoadOp.get(m, ivs) for m in ins]
        ops.extend(loads)
        r = inline_body(ops, op.body, [l.res for l in loads], mapping, ivs)
        ops.append(memref.StoreOp.get(r, out, ivs))
        return []
    kb.nest(kb.ops, kb.sizes(out), [], body)


KERNELS: dict[type, Callable] = {loop.ElemwiseOp: _elemwise}
