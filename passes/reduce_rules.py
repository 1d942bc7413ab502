"""Lowering of `mt` reductions and `mt.dot` to `loop.reduce` / `loop.matmul` kernels.

One combine rule and one identity per reduction op class (`COMBINE`, `IDENTITY`);
`mt.mean` is a sum followed by a scaling kernel.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import FloatAttr, IntegerAttr
from xdsl.ir import Attribute, Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.lowering_context import FuncLowering, copy_to_fresh, elemwise_kernel, where
from mlc.passes.scalar_rules import SCALAR_RULES, ScalarBuilder

Combine = Callable[[ScalarBuilder, SSAValue, SSAValue, str], SSAValue]


def _rule(cls: type) -> Combine:
    return lambda sb, acc, x, dtype: SCALAR_RULES[cls](sb, [acc, x], dtype)


COMBINE: dict[type, Combine] = {
    mt.SumOp: _rule(mt.AddOp), mt.MeanOp: _rule(mt.AddOp), mt.ProdOp: _rule(mt.MulOp),
    mt.MaxOp: _rule(mt.MaximumOp), mt.MinOp: _rule(mt.MinimumOp),
    mt.AnyOp: _rule(mt.OrOp), mt.AllOp: _rule(mt.AndOp),
}


def _extreme(dtype: str, high: bool) -> float | int | bool:
    if dt.is_float(dtype):
        return float("inf") if high else float("-inf")
    if dtype == "bool":
        return high
    info = np.iinfo(dtype)
    return int(info.max if high else info.min)


IDENTITY: dict[type, Callable[[str], float | int | bool]] = {
    mt.SumOp: lambda d: 0, mt.MeanOp: lambda d: 0, mt.ProdOp: lambda d: 1,
    mt.MaxOp: lambda d: _extreme(d, False), mt.MinOp: lambda d: _extreme(d, True),
    mt.AnyOp: lambda d: False, mt.AllOp: lambda d: True,
}


def scalar_attr(value: float | int | bool, dtype: str) -> Attribute:
    el = dt.elem_type(dtype)
    if dt.is_float(dtype):
        return FloatAttr(float(value), el)
    return IntegerAttr(-1 if dtype == "bool" and value else int(value), el)


def lower_reduce(L: FuncLowering, op: mt.ReduceOp) -> SSAValue:
    x = L.buf[op.input]
    axes = op.params()["axes"]
    sizes = L.sizes(x)
    if isinstance(op, (mt.MaxOp, mt.MinOp)):
        for a in axes:
            L.check(L.emit(arith.CmpiOp(sizes[a], L.index(0), "ne")), [],
                    f"{op.name}{where(op)}: zero-size reduction along axis {a} has no identity")
    src, out_dtype = dt.dtype_of(op.input.type), dt.dtype_of(op.result.type)
    # float32 sums accumulate in float64 (as Theano), so long sums keep their precision
    wide = out_dtype == "float32" and isinstance(op, (mt.SumOp, mt.ProdOp, mt.MeanOp))
    acc_dtype = "float64" if wide else out_dtype
    kept = [s for i, s in enumerate(sizes) if i not in axes]
    out = L.alloc(op.result.type.element_type, dt.shape_of(op.result.type), kept)
    block = Block(arg_types=[dt.elem_type(acc_dtype), op.input.type.element_type])
    sb = ScalarBuilder()
    acc, elem = block.args
    r = COMBINE[type(op)](sb, acc, sb.convert(elem, src, acc_dtype), acc_dtype)
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    init = scalar_attr(IDENTITY[type(op)](acc_dtype), acc_dtype)
    L.emit(loop.ReduceOp([x], out, Region(block), {"axes": int_array(axes), "init": init}))
    if isinstance(op, mt.MeanOp):
        return _scale_by_count(L, out, [sizes[a] for a in axes], out_dtype)
    return out


def _scale_by_count(L: FuncLowering, total: SSAValue, reduced: list[SSAValue], dtype: str) -> SSAValue:
    count = L.emit(arith.IndexCastOp(L.product(reduced), dt.elem_type("int64")))
    fcount = L.emit(arith.SIToFPOp(count, dt.elem_type(dtype)))
    t = L.memref_type(total)
    out = L.alloc(t.element_type, t.get_shape(), L.sizes(total))
    elemwise_kernel(L, [total], out, [], lambda sb, a: sb.add(arith.DivfOp(a[0], fcount)))
    return out


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
    prod = SCALAR_RULES[mt.MulOp](sb, [x, y], out_dtype)
    r = SCALAR_RULES[mt.AddOp](sb, [acc, prod], out_dtype)
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    L.emit(loop.MatmulOp(ins, out, Region(block), {}))
    return out
