"""`convert-mt-to-loop` rules of the shape-building and joining ops (merged into
`LOWERINGS`): `mt.alloc`, `mt.dyn_reshape`, `mt.join`, `mt.split`, `mt.eye`,
`mt.alloc_diag`, `mt.extract_diag`. (`mt.arange` and `mt.repeat` are in
lower_generate.py.)

Sizes from the user are checked at run time (negative, too big, not matching the
element count), with ValueErrors that name the op and the user's line. Joins copy each
operand into a `loop.slice` view of one fresh buffer; splits and diagonals are views:

    %c = mt.join %a, %b {axis = 0}
  ->
    %c = memref.alloc(%na + %nb, %m)
    %va = loop.slice %c [%c0, %c0, %na, %m, %c1, %c1]    loop.elemwise ins(%a) outs(%va)
    %vb = loop.slice %c [%na, %c0, %nb, %m, %c1, %c1]    loop.elemwise ins(%b) outs(%vb)
"""

from __future__ import annotations

from typing import Sequence

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IndexType, IntegerAttr
from xdsl.ir import Operation, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.lower_sizes import alloc_result, check_sizes, checked_product, select_index, size_index
from mlc.passes.lowering_context import FuncLowering, copy_to_fresh, describe, elemwise_kernel, where
from mlc.passes.scalar_rules import ScalarBuilder


def _view_type(elem, shape: Sequence[int]):
    return loop.strided_type(elem, shape)


def result_sizes(L: FuncLowering, op: Operation, shape: Sequence[int],
                 operands: Sequence[SSAValue]) -> list[SSAValue]:
    """Index values of a `shape` parameter: static entries, then one size operand per -1."""
    it = iter(operands)
    return [size_index(L, next(it)) if s == -1 else L.index(s) for s in shape]


def slice_view(L: FuncLowering, m: SSAValue, offsets: Sequence[SSAValue],
               sizes: Sequence[SSAValue], shape: Sequence[int]) -> SSAValue:
    """`loop.slice` of m with unit steps and every dim kept (a box of m)."""
    rank = len(sizes)
    ty = _view_type(L.memref_type(m).element_type, shape)
    view = L.emit(loop.SliceOp.create(
        operands=[m, *offsets, *sizes, *[L.index(1)] * rank], result_types=[ty],
        properties={"keep": int_array(range(rank))}))
    L.set_sizes(view, sizes)
    return view


def copy_into(L: FuncLowering, src: SSAValue, dst: SSAValue, src_dtype: str, dst_dtype: str) -> None:
    elemwise_kernel(L, [src], dst, [src_dtype],
                    lambda sb, a: sb.convert(a[0], src_dtype, dst_dtype))


def broadcast_to(L: FuncLowering, op: Operation, v: SSAValue, sizes: list[SSAValue],
                 mt_value: SSAValue) -> SSAValue:
    """v (rank <= len(sizes)) seen with `sizes`: leading axes added, static 1s broadcast,
    other dims checked to match (Theano's rule: only static 1s broadcast)."""
    rank, vrank = len(sizes), L.memref_type(v).get_num_dims()
    vshape = list(L.memref_type(v).get_shape())
    if vrank < rank:
        ty = _view_type(L.memref_type(v).element_type, [1] * (rank - vrank) + vshape)
        v = L.emit(loop.DimShuffleOp.create(
            operands=[v], result_types=[ty],
            properties={"pattern": int_array([-1] * (rank - vrank) + list(range(vrank)))}))
        vshape = [1] * (rank - vrank) + vshape
    vsizes = [L.index(1) if d == 1 else s for d, s in zip(vshape, L.sizes(v))]
    for axis, (d, s, want) in enumerate(zip(vshape, vsizes, sizes)):
        if d != 1:
            L.check_equal(want, s, f"{op.name}{where(op)}: {describe(mt_value, 0)} has size {{1}} "
                          f"along axis {axis} where the result has size {{0}}")
    if 1 in vshape:
        ty = _view_type(L.memref_type(v).element_type, [-1] * rank)
        v = L.emit(loop.BroadcastOp.create(operands=[v, *sizes], result_types=[ty]))
    L.set_sizes(v, sizes)
    return v


def lower_alloc(L: FuncLowering, op: mt.AllocOp) -> SSAValue:
    shape = op.params()["shape"]
    sizes = result_sizes(L, op, shape, op.sizes)
    check_sizes(L, op, sizes)
    dtype = dt.dtype_of(op.result.type)
    out = alloc_result(L, op, sizes)
    lit = op.value.owner
    if isinstance(lit, mt.ConstantOp) and lit.array().size == 1:
        scalar = lit.array().reshape(()).item()
        elemwise_kernel(L, [], out, [], lambda sb, a: sb.const(scalar, dtype))
    else:
        value = broadcast_to(L, op, L.buf[op.value], sizes, op.value)
        copy_into(L, value, out, dtype, dtype)
    return out


def lower_dyn_reshape(L: FuncLowering, op: mt.DynReshapeOp) -> SSAValue:
    src = L.buf[op.input]
    if not loop.is_contiguous(L.memref_type(src)):
        src = copy_to_fresh(L, src)
    total = L.product(L.sizes(src))
    shape = op.params()["shape"]
    sizes = result_sizes(L, op, shape, op.sizes)
    prefix = f"{op.name}{where(op)}"
    dynamic = [k for k, s in enumerate(shape) if s == -1]
    minus = {k: L.emit(arith.CmpiOp(sizes[k], L.index(-1), "eq")) for k in dynamic}
    count = L.index(0)
    for k in dynamic:
        L.check(L.emit(arith.CmpiOp(sizes[k], L.index(-1), "sge")), [sizes[k]],
                f"{prefix}: negative dimensions are not allowed (got {{0}})")
        count = L.emit(arith.AddiOp(count, select_index(L, minus[k], L.index(1), L.index(0))))
    L.check(L.emit(arith.CmpiOp(count, L.index(1), "ule")), [],
            f"{prefix}: can only specify one unknown dimension (-1)")
    given = [select_index(L, minus[k], L.index(1), s) if k in minus else s for k, s in enumerate(sizes)]
    known = checked_product(L, op, given)
    safe = L.emit(arith.MaxSIOp(known, L.index(1)))
    inferred = L.emit(arith.DivUIOp(total, safe))
    fits = L.emit(arith.AndIOp(L.emit(arith.CmpiOp(known, L.index(0), "ne")), L.emit(
        arith.CmpiOp(L.emit(arith.RemUIOp(total, safe)), L.index(0), "eq"))))
    exact = L.emit(arith.CmpiOp(total, known, "eq"))
    has_minus = L.emit(arith.CmpiOp(count, L.index(1), "eq"))
    L.check(L.emit(arith.SelectOp(has_minus, fits, exact)), [total],
            f"{prefix}: cannot reshape an array of size {{0}} into the requested shape")
    sizes = [select_index(L, minus[k], inferred, s) if k in minus else s for k, s in enumerate(sizes)]
    t = op.result.type
    ty = loop.contiguous_type(t.element_type, t.get_shape())  # type: ignore[attr-defined]
    out = L.emit(loop.ReshapeOp.create(operands=[src, *sizes], result_types=[ty]))
    L.set_sizes(out, sizes)
    return out


def lower_specify_shape(L: FuncLowering, op: mt.SpecifyShapeOp) -> SSAValue:
    x = L.buf[op.input]
    sizes = result_sizes(L, op, op.params()["shape"], op.sizes)
    for axis, (want, got) in enumerate(zip(sizes, L.sizes(x))):
        L.check_equal(want, got, f"{op.name}{where(op)}: {describe(op.input, 0)} has size {{1}} "
                      f"along axis {axis}, but size {{0}} was specified")
    shape = dt.shape_of(op.result.type)
    if [d if d >= 0 else -1 for d in L.memref_type(x).get_shape()] == list(shape):
        return x
    zeros = [L.index(0)] * len(sizes)
    return slice_view(L, x, zeros, [L.sizes(x)[k] if d < 0 else L.index(d) for k, d in enumerate(shape)],
                      shape)


def lower_join(L: FuncLowering, op: mt.JoinOp) -> SSAValue:
    axis = op.params()["axis"]
    ins = [L.buf[v] for v in op.tensors]
    shape = dt.shape_of(op.result.type)
    sizes = [L.index(d) if d >= 0 else L.sizes(ins[0])[k] for k, d in enumerate(shape)]
    for i, m in enumerate(ins):
        for k, s in enumerate(L.sizes(m)):
            if k != axis:
                L.check_equal(sizes[k], s, f"{op.name}{where(op)}: {describe(op.tensors[i], i)} "
                              f"has size {{1}} along axis {k} where the result has size {{0}}")
    total = L.index(0)
    for m in ins:
        total = L.emit(arith.AddiOp(total, L.sizes(m)[axis]))
    sizes[axis] = total if shape[axis] < 0 else L.index(shape[axis])
    out = alloc_result(L, op, sizes)
    out_dtype, offset = dt.dtype_of(op.result.type), L.index(0)
    for v, m in zip(op.tensors, ins):
        n = L.sizes(m)[axis]
        offsets = [offset if k == axis else L.index(0) for k in range(len(shape))]
        box = [n if k == axis else s for k, s in enumerate(sizes)]
        view = slice_view(L, out, offsets, box, dt.shape_of(v.type))
        copy_into(L, m, view, dt.dtype_of(v.type), out_dtype)
        offset = L.emit(arith.AddiOp(offset, n))
    return out


def lower_split(L: FuncLowering, op: mt.SplitOp) -> SSAValue:
    p = op.params()
    axis, n, index = p["axis"], p["n"], p["index"]
    x, splits = L.buf[op.input], L.buf[op.splits]
    prefix = f"{op.name}{where(op)}"
    L.check_equal(L.index(n), L.sizes(splits)[0],
                  f"{prefix}: expected {{0}} split sizes, got {{1}}")
    pieces = []
    for j in range(n):
        v = L.emit(memref.LoadOp.get(splits, [L.index(j)]))
        s = L.emit(arith.IndexCastOp(v, IndexType()))
        L.check(L.emit(arith.CmpiOp(s, L.index(0), "sge")), [s],
                f"{prefix}: split sizes must be non-negative (got {{0}})")
        pieces.append(s)
    total, offset = L.index(0), L.index(0)
    for j, s in enumerate(pieces):
        if j == index:
            offset = total
        total = L.emit(arith.AddiOp(total, s))
    size = L.sizes(x)[axis]
    L.check(L.emit(arith.CmpiOp(total, size, "eq")), [total, size],
            f"{prefix}: the split sizes sum to {{0}}, but the axis has size {{1}}")
    offsets = [offset if k == axis else L.index(0) for k in range(len(L.sizes(x)))]
    box = [pieces[index] if k == axis else s for k, s in enumerate(L.sizes(x))]
    return slice_view(L, x, offsets, box, dt.shape_of(op.result.type))


def lower_eye(L: FuncLowering, op: mt.EyeOp) -> SSAValue:
    p = op.params()
    sizes = result_sizes(L, op, p["shape"], op.sizes)
    check_sizes(L, op, sizes)
    out = alloc_result(L, op, sizes)
    dtype, k = p["dtype"], p["k"]

    def body(sb: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        i, j = sb.add(loop.IndexOp(0)), sb.add(loop.IndexOp(1))
        offset = sb.add(arith.ConstantOp(IntegerAttr(k, IndexType())))
        on = sb.add(arith.CmpiOp(sb.add(arith.SubiOp(j, i)), offset, "eq"))
        return sb.add(arith.SelectOp(on, sb.const(1, dtype), sb.const(0, dtype)))
    elemwise_kernel(L, [], out, [], body)
    return out


def diagonal_view(L: FuncLowering, m: SSAValue, k: int, length: SSAValue,
                  shape: Sequence[int] = (-1,)) -> SSAValue:
    """The view of diagonal k of matrix m, `length` long (offsets 0 when empty), typed
    with static `shape` when known."""
    empty = L.emit(arith.CmpiOp(length, L.index(0), "eq"))
    row = select_index(L, empty, L.index(0), L.index(max(-k, 0)))
    col = select_index(L, empty, L.index(0), L.index(max(k, 0)))
    ty = _view_type(L.memref_type(m).element_type, shape)
    view = L.emit(loop.DiagonalOp.create(operands=[m, row, col, length], result_types=[ty]))
    L.set_sizes(view, [length])
    return view


def lower_alloc_diag(L: FuncLowering, op: mt.AllocDiagOp) -> SSAValue:
    k = op.params()["offset"]
    v = L.buf[op.input]
    n = L.sizes(v)[0]
    side = L.emit(arith.AddiOp(n, L.index(abs(k))))
    check_sizes(L, op, [side, side])
    dtype = dt.dtype_of(op.result.type)
    out = alloc_result(L, op, [side, side])
    elemwise_kernel(L, [], out, [], lambda sb, a: sb.const(0, dtype))
    copy_into(L, v, diagonal_view(L, out, k, n), dtype, dtype)
    return out


def lower_extract_diag(L: FuncLowering, op: mt.ExtractDiagOp) -> SSAValue:
    k = op.params()["offset"]
    x = L.buf[op.input]
    rows, cols = L.sizes(x)
    a = L.emit(arith.SubiOp(rows, L.index(max(-k, 0))))
    b = L.emit(arith.SubiOp(cols, L.index(max(k, 0))))
    length = L.emit(arith.MaxSIOp(L.emit(arith.MinSIOp(a, b)), L.index(0)))
    return diagonal_view(L, x, k, length, dt.shape_of(op.result.type))


STRUCTURE2_LOWERINGS = {
    mt.AllocOp: lower_alloc, mt.DynReshapeOp: lower_dyn_reshape,
    mt.SpecifyShapeOp: lower_specify_shape, mt.JoinOp: lower_join,
    mt.SplitOp: lower_split, mt.EyeOp: lower_eye, mt.AllocDiagOp: lower_alloc_diag,
    mt.ExtractDiagOp: lower_extract_diag,
}
