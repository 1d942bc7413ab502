"""`convert-mt-to-loop` rules of `mt.arange` and `mt.repeat` (merged into `LOWERINGS`).

`mt.arange` computes its length in the function (NumPy's rule: ceil((stop - start) /
step), exact unsigned arithmetic for integers) and fills the result with a
`loop.elemwise` whose body reads its position (`loop.index`). Floats follow NumPy's
fill exactly: out[0] = start, out[1] = start + step, out[i] = start + i * delta with
delta = out[1] - out[0].

`mt.repeat` runs two `scf.for` loops over the elements of the repeated axis: one sums
and checks the counts, one copies each slice of x, broadcast, into its `loop.slice` of
the result:

    scf.for %i = %c0 to %n step %c1 iter_args(%off = %c0) {
      %r = memref.load %repeats[%i]
      %src = loop.slice %x [...]     (element %i along the axis, static size 1)
      %b = loop.broadcast %src to (..., %r, ...)
      %dst = loop.slice %out [...]   (%r elements from %off)
      loop.elemwise ins(%b) outs(%dst) { copy }
    }
"""

from __future__ import annotations

from typing import Callable, Sequence

from xdsl.dialects import arith, math, memref, scf
from xdsl.dialects.builtin import Float64Type, FloatAttr, IndexType, IntegerAttr, i64
from xdsl.ir import Block, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.passes.lower_sizes import MAX_ELEMENTS, alloc_result, check_sizes
from mlc.passes.lower_structure2 import copy_into, slice_view
from mlc.passes.lowering_context import FuncLowering, elemwise_kernel, where
from mlc.passes.reduce_rules import scalar_attr
from mlc.passes.scalar_rules import ScalarBuilder


def scalar_value(L: FuncLowering, v: SSAValue) -> SSAValue:
    """The element of a 0-d mt value (a literal when it is a constant)."""
    owner = v.owner
    if isinstance(owner, mt.ConstantOp):
        return L.emit(arith.ConstantOp(scalar_attr(owner.array().item(), dt.dtype_of(v.type))))
    return L.emit(memref.LoadOp.get(L.buf[v], []))


def _int_length(L: FuncLowering, op: mt.ArangeOp, start, stop, step) -> SSAValue:
    """ceil((stop - start) / step) clamped at 0, exact for every int64 input."""
    zero, one = (L.emit(arith.ConstantOp(IntegerAttr(v, i64))) for v in (0, 1))
    pos = L.emit(arith.CmpiOp(step, zero, "sgt"))
    nonempty = L.emit(arith.SelectOp(pos, L.emit(arith.CmpiOp(stop, start, "sgt")),
                                     L.emit(arith.CmpiOp(start, stop, "sgt"))))
    diff = L.emit(arith.SelectOp(pos, L.emit(arith.SubiOp(stop, start)),
                                 L.emit(arith.SubiOp(start, stop))))
    magnitude = L.emit(arith.SelectOp(pos, step, L.emit(arith.SubiOp(zero, step))))
    count = L.emit(arith.AddiOp(L.emit(arith.DivUIOp(L.emit(arith.SubiOp(diff, one)), magnitude)), one))
    count = L.emit(arith.SelectOp(nonempty, count, zero))
    limit = L.emit(arith.ConstantOp(IntegerAttr(MAX_ELEMENTS, i64)))
    L.check(L.emit(arith.CmpiOp(count, limit, "ule")), [],
            f"{op.name}{where(op)}: maximum allowed size exceeded (more than 2**60 elements)")
    return L.emit(arith.IndexCastOp(count, IndexType()))


def _float_length(L: FuncLowering, op: mt.ArangeOp, start, stop, step) -> SSAValue:
    """NumPy's ceil((stop - start) / step) computed in the dtype, checked to be finite."""
    q = L.emit(arith.DivfOp(L.emit(arith.SubfOp(stop, start)), step))
    if q.type != Float64Type():
        q = L.emit(arith.ExtFOp(q, Float64Type()))
    ceil = L.emit(arith.NegfOp(L.emit(math.FloorOp(L.emit(arith.NegfOp(q))))))
    limit = L.emit(arith.ConstantOp(FloatAttr(float(MAX_ELEMENTS), Float64Type())))
    L.check(L.emit(arith.CmpfOp(ceil, limit, "ole")), [],
            f"{op.name}{where(op)}: cannot compute the length (NaN, or more than 2**60 elements)")
    zero = L.emit(arith.ConstantOp(FloatAttr(0.0, Float64Type())))
    count = L.emit(arith.FPToSIOp(L.emit(arith.MaximumfOp(ceil, zero)), i64))
    return L.emit(arith.IndexCastOp(count, IndexType()))


def lower_arange(L: FuncLowering, op: mt.ArangeOp) -> SSAValue:
    dtype = dt.dtype_of(op.result.type)
    start, stop, step = (scalar_value(L, v) for v in (op.start, op.stop, op.step))
    if dt.is_float(dtype):
        nonzero = L.emit(arith.CmpfOp(step, L.emit(arith.ConstantOp(FloatAttr(0.0, step.type))), "une"))
    else:
        if dtype != "int64":
            start, stop, step = (L.emit(arith.ExtSIOp(v, i64)) for v in (start, stop, step))
        nonzero = L.emit(arith.CmpiOp(step, L.emit(arith.ConstantOp(IntegerAttr(0, i64))), "ne"))
    L.check(nonzero, [], f"{op.name}{where(op)}: step cannot be zero")
    length = (_float_length if dt.is_float(dtype) else _int_length)(L, op, start, stop, step)
    out = alloc_result(L, op, [length])
    fill = _float_fill(L, start, step, dtype) if dt.is_float(dtype) else _int_fill(start, step, dtype)
    elemwise_kernel(L, [], out, [], fill)
    return out


def _position(sb: ScalarBuilder) -> SSAValue:
    return sb.add(arith.IndexCastOp(sb.add(loop.IndexOp(0)), i64))


def _int_fill(start, step, dtype: str) -> Callable:
    def body(sb: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        v = sb.add(arith.AddiOp(start, sb.add(arith.MuliOp(_position(sb), step))))
        return sb.convert(v, "int64", dtype)
    return body


def _float_fill(L: FuncLowering, start, step, dtype: str) -> Callable:
    second = L.emit(arith.AddfOp(start, step))
    delta = L.emit(arith.SubfOp(second, start))

    def body(sb: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        i = _position(sb)
        v = sb.add(arith.AddfOp(start, sb.add(arith.MulfOp(sb.add(arith.SIToFPOp(i, start.type)), delta))))
        is0 = sb.add(arith.CmpiOp(i, sb.const(0, "int64"), "eq"))
        is1 = sb.add(arith.CmpiOp(i, sb.const(1, "int64"), "eq"))
        return sb.add(arith.SelectOp(is0, start, sb.add(arith.SelectOp(is1, second, v))))
    return body


def scf_loop(L: FuncLowering, ub: SSAValue, inits: Sequence[SSAValue],
             body: Callable[[SSAValue, list[SSAValue]], list[SSAValue]]) -> list[SSAValue]:
    """An `scf.for` over [0, ub) in the function; `body(iv, carried)` emits through L and
    returns the next carried values. Index constants it needs must exist beforehand."""
    block = Block(arg_types=[IndexType()] + [v.type for v in inits])
    saved, L.ops = L.ops, []
    try:
        carried = body(block.args[0], list(block.args[1:]))
    finally:
        inner, L.ops = L.ops, saved
    block.add_ops(inner + [scf.YieldOp(*carried)])
    for_op = scf.ForOp(L.index(0), ub, L.index(1), list(inits), block)
    L.emit(for_op)
    return list(for_op.results)


def _count(L: FuncLowering, reps: SSAValue, i: SSAValue) -> SSAValue:
    return L.emit(arith.IndexCastOp(L.emit(memref.LoadOp.get(reps, [i])), IndexType()))


def lower_repeat(L: FuncLowering, op: mt.RepeatOp) -> SSAValue:
    axis = op.params()["axis"]
    x, reps = L.buf[op.input], L.buf[op.repeats]
    sizes = list(L.sizes(x))
    prefix = f"{op.name}{where(op)}"
    L.check_equal(sizes[axis], L.sizes(reps)[0], f"{prefix}: {{1}} repeats for {{0}} elements")
    zero, limit = L.index(0), L.index(MAX_ELEMENTS)
    L.index(1)

    def add_count(i: SSAValue, carried: list[SSAValue]) -> list[SSAValue]:
        r = _count(L, reps, i)
        L.check(L.emit(arith.CmpiOp(r, zero, "sge")), [r], f"{prefix}: negative repeat count {{0}}")
        room = L.emit(arith.SubiOp(limit, carried[0]))
        L.check(L.emit(arith.CmpiOp(r, room, "ule")), [], f"{prefix}: array is too big")
        return [L.emit(arith.AddiOp(carried[0], r))]
    total = scf_loop(L, sizes[axis], [zero], add_count)[0]
    out_sizes = [total if k == axis else s for k, s in enumerate(sizes)]
    check_sizes(L, op, out_sizes)
    out = alloc_result(L, op, out_sizes)
    one_shape = [1 if k == axis else -1 for k in range(len(sizes))]
    dtype = dt.dtype_of(op.result.type)

    def copy(i: SSAValue, carried: list[SSAValue]) -> list[SSAValue]:
        r = _count(L, reps, i)
        at = [i if k == axis else zero for k in range(len(sizes))]
        one = [L.index(1) if k == axis else s for k, s in enumerate(sizes)]
        src = slice_view(L, x, at, one, one_shape)
        box = [r if k == axis else s for k, s in enumerate(sizes)]
        ty = loop.strided_type(L.memref_type(x).element_type, [-1] * len(sizes))
        wide = L.emit(loop.BroadcastOp.create(operands=[src, *box], result_types=[ty]))
        L.set_sizes(wide, box)
        dst = slice_view(L, out, [carried[0] if k == axis else zero for k in range(len(sizes))],
                         box, [-1] * len(sizes))
        copy_into(L, wide, dst, dtype, dtype)
        return [L.emit(arith.AddiOp(carried[0], r))]
    scf_loop(L, sizes[axis], [zero], copy)
    return out


GENERATE_LOWERINGS = {mt.ArangeOp: lower_arange, mt.RepeatOp: lower_repeat}
