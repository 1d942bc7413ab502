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


def lower_dot(L: FuncLowering, op: mt.DotOp) -> SSAValue:
    out_dtype = dt.dtype_of(op.result.type)
    el = op.result.type.element_type
    ins = []
    for v in (op.lhs, op.rhs):
        m, d = L.buf[v], dt.dtype_of(v.type)
        ins.append(m if d == out_dtype else copy_to_fresh(L, m, el, (d, out_dtype)))
    a_sizes, b_sizes = L.sizes(ins[0]), L.sizes(ins[1])
    L.check_equal(a_sizes[-1], b_sizes[0],
                  f"{op.name}{where(op)}: shapes are not aligned: the contraction sizes are "
                  "{0} and {1}")
    sizes = a_sizes[:-1] + b_sizes[1:]
    out = L.alloc(el, dt.shape_of(op.result.type), sizes)
    block = Block(arg_types=[el, el, el])
    sb = ScalarBuilder()
    acc, x, y = block.args
    prod = ELEMWISE_RULES[mt.MulOp](sb, [x, y], out_dtype)
    r = ELEMWISE_RULES[mt.AddOp](sb, [acc, prod], out_dtype)
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    L.emit(loop.MatmulOp(ins, out, Region(block), {}))
    return out


def lower_batched_dot(L: FuncLowering, op: mt.BatchedDotOp) -> SSAValue:
    out_dtype = dt.dtype_of(op.result.type)
    el = op.result.type.element_type  # type: ignore[attr-defined]
    ins = []
    for v in (op.lhs, op.rhs):
        m, d = L.buf[v], dt.dtype_of(v.type)
        ins.append(m if d == out_dtype else copy_to_fresh(L, m, el, (d, out_dtype)))
    a, b = L.sizes(ins[0]), L.sizes(ins[1])
    prefix = f"{op.name}{where(op)}"
    L.check_equal(a[0], b[0], f"{prefix}: the batch sizes differ: {{0}} and {{1}}")
    L.check_equal(a[-1], b[1], f"{prefix}: shapes are not aligned: the contraction sizes "
                  "are {0} and {1}")
    out = alloc_result(L, op, [a[0]] + a[1:-1] + b[2:])
    block = Block(arg_types=[el, el, el])
    sb = ScalarBuilder()
    acc, p, q = block.args
    prod = ELEMWISE_RULES[mt.MulOp](sb, [p, q], out_dtype)
    total = ELEMWISE_RULES[mt.AddOp](sb, [acc, prod], out_dtype)
    block.add_ops(sb.ops + [loop.YieldOp(total)])
    L.emit(loop.BatchMatmulOp(ins, out, Region(block), {}))
    return out


LOWERINGS: dict[type, Lowering] = {mt.DotOp: lower_dot, mt.BatchedDotOp: lower_batched_dot}
