"""`convert-mt-to-loop` rules of the structure ops: constants, views (dimshuffle,
static subtensor, reshape), `mt.shape`, and the shape-building and joining ops.

Shape building and joining: `mt.alloc`, `mt.dyn_reshape`, `mt.join`, `mt.split`, `mt.eye`,
`mt.alloc_diag`, `mt.extract_diag`.

Sizes from the user are checked at run time (negative, too big, not matching the
element count), with ValueErrors that name the op and the user's line. Joins copy each
operand into a `loop.slice` view of one fresh buffer; splits and diagonals are views:

    %c = mt.join %a, %b {axis = 0}
  ->
    %c = memref.alloc(%na + %nb, %m)
    %va = loop.slice %c [%c0, %c0, %na, %m, %c1, %c1]    loop.elemwise ins(%a) outs(%va)
    %vb = loop.slice %c [%na, %c0, %nb, %m, %c1, %c1]    loop.elemwise ins(%b) outs(%vb)


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
from xdsl.dialects.builtin import (Float64Type, FloatAttr, IndexType, IntegerAttr, StringAttr, i64)
from xdsl.ir import Block, Operation, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, copy_to_fresh, describe, elemwise_kernel, where
from mlc.passes.mt_to_loop.scalar import ScalarBuilder, scalar_attr
from mlc.passes.mt_to_loop.sizes import MAX_ELEMENTS, alloc_result, check_sizes, checked_product, select_index, size_index


def _result_view_type(op: Operation) -> loop.MemRefType:
    t = op.results[0].type
    return loop.strided_type(t.element_type, t.get_shape())  # type: ignore[attr-defined]


def lower_constant(L: FuncLowering, op: mt.ConstantOp) -> SSAValue:
    t = op.result.type
    ty = loop.contiguous_type(t.element_type, t.get_shape())
    return L.emit(loop.ConstantOp.create(properties={"value": op.value}, result_types=[ty]))


def lower_dimshuffle(L: FuncLowering, op: mt.DimShuffleOp) -> SSAValue:
    return L.emit(loop.DimShuffleOp.create(
        operands=[L.buf[op.input]], result_types=[_result_view_type(op)],
        properties={"pattern": int_array(op.params()["pattern"])}))


def lower_subtensor(L: FuncLowering, op: mt.SubtensorOp) -> SSAValue:
    props = {k: int_array(v) for k, v in op.params().items()}
    props["error"] = StringAttr(f"{op.name}{where(op)}: index {{0}} is out of bounds for "
                                f"axis {{1}} with size {{2}}")
    return L.emit(loop.SubviewOp.create(operands=[L.buf[op.input]],
                                        result_types=[_result_view_type(op)], properties=props))


def lower_reshape(L: FuncLowering, op: mt.ReshapeOp) -> SSAValue:
    src = L.buf[op.input]
    if not loop.is_contiguous(L.memref_type(src)):
        src = copy_to_fresh(L, src)
    target = op.params()["shape"]
    known = 1
    for s in target:
        known *= s if s != -1 else 1
    total = L.product(L.sizes(src))
    msg = f"{op.name}{where(op)}: cannot reshape an array of size {{0}} into shape {tuple(target)}"
    if -1 in target:
        ok = known != 0
        rem = L.emit(arith.RemUIOp(total, L.index(max(known, 1))))
        cond = L.emit(arith.CmpiOp(rem, L.index(0), "eq") if ok else
                      arith.CmpiOp(total, total, "ne"))  # shape (0, -1) is never valid
        L.check(cond, [total], msg)
        inferred = L.emit(arith.DivUIOp(total, L.index(max(known, 1))))
        sizes = [inferred if s == -1 else L.index(s) for s in target]
    else:
        L.check(L.emit(arith.CmpiOp(total, L.index(known), "eq")), [total], msg)
        sizes = [L.index(s) for s in target]
    t = op.result.type
    ty = loop.contiguous_type(t.element_type, t.get_shape())
    out = L.emit(loop.ReshapeOp.create(operands=[src, *sizes], result_types=[ty]))
    L.set_sizes(out, sizes)
    return out


def lower_shape(L: FuncLowering, op: mt.ShapeOp) -> SSAValue:
    sizes = L.sizes(L.buf[op.input])
    out = L.alloc(i64, (len(sizes),), [L.index(len(sizes))])
    for k, s in enumerate(sizes):
        v = L.emit(arith.IndexCastOp(s, i64))
        L.emit(memref.StoreOp.get(v, out, [L.index(k)]))
    return out


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


LOWERINGS: dict[type, Lowering] = {
    mt.ConstantOp: lower_constant, mt.DimShuffleOp: lower_dimshuffle, mt.SubtensorOp: lower_subtensor,
    mt.ReshapeOp: lower_reshape, mt.ShapeOp: lower_shape,
    mt.AllocOp: lower_alloc, mt.DynReshapeOp: lower_dyn_reshape,
    mt.SpecifyShapeOp: lower_specify_shape, mt.JoinOp: lower_join,
    mt.SplitOp: lower_split, mt.EyeOp: lower_eye, mt.AllocDiagOp: lower_alloc_diag,
    mt.ExtractDiagOp: lower_extract_diag,
    mt.ArangeOp: lower_arange, mt.RepeatOp: lower_repeat,
}
