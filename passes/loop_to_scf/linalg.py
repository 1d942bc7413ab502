"""`loop.matmul` and `loop.batch_matmul` as `scf.for` nests: one loop per output dim, an
inner loop over the contraction carrying the sum (float matmuls usually became `blas`
calls in `insert-blas` before this pass; these nests serve integers and the rest).
"""

from __future__ import annotations

from typing import Callable

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, IntegerType
from xdsl.ir import Operation, SSAValue

from mlc.dialects import loop
from mlc.passes.loop_to_scf.builder import KernelBuilder, emit, inline_body


def _matmul(kb: KernelBuilder, op: loop.MatmulOp, ins, out, mapping) -> None:
    a, b = ins
    a_sizes = kb.sizes(a)
    el = a.type.element_type
    zero = IntegerAttr(0, el) if isinstance(el, IntegerType) else FloatAttr(0.0, el)
    init = kb.add(arith.ConstantOp(zero))
    n_rows = len(a_sizes) - 1

    def outer(ops, out_ivs, _):
        def inner(ops2, k_iv, carried):
            la = memref.LoadOp.get(a, out_ivs[:n_rows] + k_iv)
            lb = memref.LoadOp.get(b, k_iv + out_ivs[n_rows:])
            ops2.extend([la, lb])
            return [inline_body(ops2, op.body, [carried[0], la.res, lb.res], mapping, out_ivs + k_iv)]
        acc = kb.nest(ops, [a_sizes[-1]], [init], inner)
        ops.append(memref.StoreOp.get(acc[0], out, out_ivs))
        return []
    kb.nest(kb.ops, kb.sizes(out), [], outer)


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
            la = emit(ops2, memref.LoadOp.get(a, batch + rows + k))
            lb = emit(ops2, memref.LoadOp.get(b, batch + k + cols))
            return [inline_body(ops2, op.body, [carried[0], la, lb], mapping, ivs + k)]
        acc = kb.nest(ops, [a_sizes[-1]], [init], inner)
        ops.append(memref.StoreOp.get(acc[0], out, ivs))
        return []
    kb.nest(kb.ops, kb.sizes(out), [], outer)


KERNELS: dict[type, Callable] = {loop.MatmulOp: _matmul, loop.BatchMatmulOp: _batch_matmul}
