"""Lowering of `mt` reductions to `loop.reduce` kernels, and of the arg-reductions and cumulative ops.

One combine rule and one identity per reduction op class (`COMBINE`, `IDENTITY`);
`mt.mean` is a sum followed by a scaling kernel.


- `mt.argmax`/`mt.argmin` -> `loop.arg_reduce`, whose body says whether an element
  beats the best so far (a strict comparison, so the first extreme wins; a NaN beats
  every non-NaN, so the first NaN wins, as in NumPy);
- `mt.cumsum`/`mt.cumprod` -> `loop.accumulate` with the add/mul scalar rule.

    %i = mt.argmax %x {axes = array<i64: 0>}
  ->
    loop.check %nonempty   (an empty axis is a ValueError, as in NumPy)
    loop.arg_reduce ins(%x) outs(%i) {axes = array<i64: 0>, init = -inf} { arith.cmpf ogt ... }
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from xdsl.dialects import arith
from xdsl.dialects.builtin import (IntegerAttr, i64)
from xdsl.ir import Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, elemwise_kernel, where
from mlc.passes.mt_to_loop.scalar import ScalarBuilder, scalar_attr
from mlc.passes.mt_to_loop.sizes import alloc_result
from mlc.passes.mt_to_loop.elemwise import SCALAR_RULES as ELEMWISE_RULES


Combine = Callable[[ScalarBuilder, SSAValue, SSAValue, str], SSAValue]


def _rule(cls: type) -> Combine:
    return lambda sb, acc, x, dtype: ELEMWISE_RULES[cls](sb, [acc, x], dtype)


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


def _beats(sb: ScalarBuilder, v: SSAValue, best: SSAValue, dtype: str, high: bool) -> SSAValue:
    """Whether element v replaces the best so far (NumPy's argmax/argmin order)."""
    if dt.is_float(dtype):
        better = sb.add(arith.CmpfOp(v, best, "ogt" if high else "olt"))
        nan_first = sb.add(arith.AndIOp(sb.add(arith.CmpfOp(v, v, "uno")),
                                        sb.add(arith.CmpfOp(best, best, "ord"))))
        return sb.add(arith.OrIOp(better, nan_first))
    pred = ("ugt" if high else "ult") if dtype == "bool" else ("sgt" if high else "slt")
    return sb.add(arith.CmpiOp(v, best, pred))


def lower_arg_reduce(L: FuncLowering, op: mt.ArgReduceOp) -> SSAValue:
    x = L.buf[op.input]
    axes = op.params()["axes"]
    sizes = L.sizes(x)
    high = isinstance(op, mt.ArgMaxOp)
    for a in axes:
        L.check(L.emit(arith.CmpiOp(sizes[a], L.index(0), "ne")), [],
                f"{op.name}{where(op)}: attempt to get {op.name[3:]} of an empty sequence "
                f"(axis {a} has size 0)")
    dtype = dt.dtype_of(op.input.type)
    el = op.input.type.element_type  # type: ignore[attr-defined]
    block = Block(arg_types=[el, el])
    sb = ScalarBuilder()
    take = _beats(sb, block.args[1], block.args[0], dtype, high)
    block.add_ops(sb.ops + [loop.YieldOp(take)])
    kept = [s for i, s in enumerate(sizes) if i not in axes]
    out = alloc_result(L, op, kept)
    start = IDENTITY[mt.MaxOp if high else mt.MinOp](dtype)
    L.emit(loop.ArgReduceOp([x], out, Region(block),
                            {"axes": int_array(axes), "init": scalar_attr(start, dtype)}))
    return out


def lower_accumulate(L: FuncLowering, op: mt.AxisOp) -> SSAValue:
    x = L.buf[op.input]
    src, out_dtype = dt.dtype_of(op.input.type), dt.dtype_of(op.result.type)
    out_el = op.result.type.element_type  # type: ignore[attr-defined]
    block = Block(arg_types=[out_el, op.input.type.element_type])  # type: ignore[attr-defined]
    sb = ScalarBuilder()
    acc, v = block.args
    combine = mt.AddOp if isinstance(op, mt.CumsumOp) else mt.MulOp
    r = ELEMWISE_RULES[combine](sb, [acc, sb.convert(v, src, out_dtype)], out_dtype)
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    out = alloc_result(L, op, L.sizes(x))
    init = scalar_attr(0 if combine is mt.AddOp else 1, out_dtype)
    L.emit(loop.AccumulateOp([x], out, Region(block),
                             {"axis": IntegerAttr(op.params()["axis"], i64), "init": init}))
    return out


LOWERINGS: dict[type, Lowering] = {
    **{cls: lower_reduce for cls in mt.REDUCE_OPS},
    mt.ArgMaxOp: lower_arg_reduce, mt.ArgMinOp: lower_arg_reduce,
    mt.CumsumOp: lower_accumulate, mt.CumprodOp: lower_accumulate,
}
