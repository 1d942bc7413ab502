"""Lowering of `mt.dot` to `loop.matmul` and of `mt.batched_dot` to `loop.batch_matmul`
(operands converted to the result dtype first); `insert-blas` later turns float matmuls
into `blas` calls.

    %z = mt.dot %x, %y : tensor<?x?xf64>, tensor<?x?xf64> -> tensor<?x?xf64>
  ->
    loop.check %aligned   (the contraction sizes agree)
    loop.matmul ins(%x, %y) outs(%z) { arith.mulf  arith.addf }
"""

from __future__ import annotations

from xdsl.ir import Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, copy_to_fresh, where
from mlc.passes.mt_to_loop.scalar import ScalarBuilder
from mlc.passes.mt_to_loop.sizes import alloc_result
from mlc.passes.mt_to_loop.elemwise import SCALAR_RULES as ELEMWISE_RULES


def _operands(L: FuncLowering, op: mt.DotOp | mt.BatchedDotOp) -> list[SSAValue]:
    """The two operands' buffers, each converted to the result dtype if it differs."""
    out_dtype, el = dt.dtype_of(op.result.type), op.result.type.element_type  # type: ignore[attr-defined]
    ins = []
    for v in (op.lhs, op.rhs):
        m, d = L.buf[v], dt.dtype_of(v.type)
        ins.append(m if d == out_dtype else copy_to_fresh(L, m, el, (d, out_dtype)))
    return ins


def _multiply_add(op: mt.DotOp | mt.BatchedDotOp) -> Region:
    """The contraction body: (acc, x, y) -> acc + x * y in the result dtype."""
    out_dtype, el = dt.dtype_of(op.result.type), op.result.type.element_type  # type: ignore[attr-defined]
    block = Block(arg_types=[el, el, el])
    sb = ScalarBuilder()
    acc, x, y = block.args
    prod = ELEMWISE_RULES[mt.MulOp](sb, [x, y], out_dtype)
    total = ELEMWISE_RULES[mt.AddOp](sb, [acc, prod], out_dtype)
    block.add_ops(sb.ops + [loop.YieldOp(total)])
    return Region(block)


def lower_dot(L: FuncLowering, op: mt.DotOp) -> SSAValue:
    ins = _operands(L, op)
    a, b = L.sizes(ins[0]), L.sizes(ins[1])
    L.check_equal(a[-1], b[0], f"{op.name}{where(op)}: shapes are not aligned: the contraction sizes are "
                  "{0} and {1}")
    out = L.alloc(op.result.type.element_type, dt.shape_of(op.result.type), a[:-1] + b[1:])
    L.emit(loop.MatmulOp(ins, out, _multiply_add(op), {}))
    return out


def lower_batched_dot(L: FuncLowering, op: mt.BatchedDotOp) -> SSAValue:
    ins = _operands(L, op)
    a, b = L.sizes(ins[0]), L.sizes(ins[1])
    prefix = f"{op.name}{where(op)}"
    L.check_equal(a[0], b[0], f"{prefix}: the batch sizes differ: {{0}} and {{1}}")
    L.check_equal(a[-1], b[1], f"{prefix}: shapes are not aligned: the contraction sizes "
                  "are {0} and {1}")
    out = alloc_result(L, op, [a[0]] + a[1:-1] + b[2:])
    L.emit(loop.BatchMatmulOp(ins, out, _multiply_add(op), {}))
    return out


LOWERINGS: dict[type, Lowering] = {mt.DotOp: lower_dot, mt.BatchedDotOp: lower_batched_dot}
