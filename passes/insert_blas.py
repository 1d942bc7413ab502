"""`insert-blas`: rewrite float `loop.matmul` kernels into `blas` calls (after
`convert-mt-to-loop`, before `convert-loop-to-scf`).

A kernel qualifies when its element type is f32/f64 and its body is exactly the
multiply-accumulate `acc + a * b`. Ranks pick the call: (2,2) -> `blas.gemm`,
(2,1) -> `blas.gemv`, (1,2) -> `blas.gemv {trans}` on b, (1,1) -> `blas.dot`. Layouts
need no static check: the emitted C inspects the run-time strides and copies an operand
that BLAS cannot take (see passes/emit/blas.py). Integer and other kernels stay loops.

    loop.matmul ins(%a, %b : memref<?x?xf64>, memref<?x?xf64>) outs(%c : memref<?x?xf64>) {..}
  ->
    blas.gemm %a, %b, %c {alpha = 1.0 : f64, beta = 0.0 : f64, trans_a = false, trans_b = false}
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith
from xdsl.dialects.builtin import Float32Type, Float64Type, ModuleOp
from xdsl.ir import Operation
from xdsl.passes import ModulePass

from mlc.dialects import blas, loop


def is_multiply_accumulate(op: loop.MatmulOp) -> bool:
    """The body is `yield acc + x * y` (operands of each op in either order)."""
    block = op.body.block
    if len(block.args) != 3:
        return False
    acc, x, y = block.args
    ops = list(block.ops)
    if len(ops) != 3:
        return False
    mul, add, ret = ops
    return (isinstance(mul, arith.MulfOp) and {mul.lhs, mul.rhs} == {x, y} and x is not y
            and isinstance(add, arith.AddfOp) and {add.lhs, add.rhs} == {acc, mul.result}
            and isinstance(ret, loop.YieldOp) and list(ret.operands) == [add.result])


def blas_call(op: loop.MatmulOp) -> Operation | None:
    """The blas op computing `op`, or None when it does not qualify."""
    a, b = op.inputs
    out = op.output
    if not isinstance(out.type.element_type, (Float32Type, Float64Type)):  # type: ignore[attr-defined]
        return None
    if not is_multiply_accumulate(op):
        return None
    ranks = (a.type.get_num_dims(), b.type.get_num_dims())  # type: ignore[attr-defined]
    if ranks == (2, 2):
        return blas.GemmOp(a, b, out)
    if ranks == (2, 1):
        return blas.GemvOp(a, b, out)
    if ranks == (1, 2):
        return blas.GemvOp(b, a, out, trans=True)
    if ranks == (1, 1):
        return blas.DotOp(a, b, out)
    return None


@dataclass(frozen=True)
class InsertBlasPass(ModulePass):
    """Replace qualifying `loop.matmul` kernels by `blas.gemm`/`blas.gemv`/`blas.dot`."""

    name = "insert-blas"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for k in [k for k in op.walk() if isinstance(k, loop.MatmulOp)]:
            call = blas_call(k)
            if call is None:
                continue
            call.location = k.location
            k.parent_block().insert_op_before(call, k)  # type: ignore[union-attr]
            k.detach()
            k.erase()
