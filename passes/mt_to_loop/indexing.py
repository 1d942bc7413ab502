"""`convert-mt-to-loop` rules of indexing. Basic indexing with symbolic bounds : `mt.dynamic_subtensor` becomes a `loop.slice` view, `mt.set_subtensor` /
`mt.inc_subtensor` a copy of x and one kernel writing into a view of the copy.

    %s = mt.dynamic_subtensor %x[%a] {starts = [0], stops = [NONE_HI], steps = [1], dynamic = [0]}
  ->
    %v = memref.load %a[]   %i = arith.index_cast %v : i64 to index
    %begin, %len = loop.slice_bounds %n, %i, %c_none_hi, %c1
    %s = loop.slice %x [%begin, %len, %c1] {keep = array<i64: 0>}

Bounds follow Python exactly (`loop.slice_bounds`); an integer index out of range is an
IndexError and a zero step a ValueError, both naming the op and the user's line. The
value written by set/inc broadcasts by Theano's rule (static size 1), checked at run time.


Advanced indexing: `mt.advanced_subtensor` becomes a `loop.gather` into a fresh buffer, the advanced
set/inc ops a copy of x and a `loop.scatter` into it.

    %g = mt.advanced_subtensor %x[%i] {axes = array<i64: 0>}
  ->
    %w = memref.alloc() : memref<i64>          the entry of i farthest out of range
    loop.reduce ins(%i) outs(%w) {axes = array<i64: 0>, init = 0 : i64} { ... }
    loop.check %ok, %worst, %c0, %n {kind = "IndexError",
               message = "mt.advanced_subtensor (f.py:3): index {0} is out of bounds ..."}
    %o = memref.alloc(%m, %k) : memref<?x?xf64>
    loop.gather ins(%x, %i) outs(%o) {axes = array<i64: 0>, bstart = 0 : i64} { loop.yield }

Every integer index array is checked before any element is read (one `loop.reduce`
finds its entry of largest magnitude), unless the broadcast index shape is empty, as in
NumPy. A boolean mask is counted (`loop.reduce`), its positions written by
`loop.nonzero` into a buffer allocated with that count, and each column of that buffer
is an index array; the mask's shape is checked against x's axes (IndexError).


`mt.nonzero` is a count (`loop.reduce`), then `loop.nonzero` into a buffer of that size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import (IndexType, IntegerAttr, IntegerType,
                                   i64)
from xdsl.ir import Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.dtypes import DYN
from mlc.dialects.mt.base import int_array
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, copy_to_fresh, elemwise_kernel, where
from mlc.passes.mt_to_loop.scalar import ScalarBuilder
from mlc.passes.mt_to_loop.elemwise import SCALAR_RULES as ELEMWISE_RULES


MIN_BOUND = -(2**63) + 1
"""Constant bounds are clamped to [MIN_BOUND, NONE_HI]: same slice, no INT64_MIN literal in C."""


@dataclass
class View:
    """A `loop.slice` of a source: one offset per source dim, size and step per kept dim."""

    offsets: list[SSAValue]
    sizes: list[SSAValue]
    steps: list[SSAValue]
    keep: list[int]

    def apply(self, L: FuncLowering, src: SSAValue, shape: Sequence[int]) -> SSAValue:
        ty = loop.strided_type(L.memref_type(src).element_type, shape)
        m = L.emit(loop.SliceOp.create(operands=[src, *self.offsets, *self.sizes, *self.steps],
                                       result_types=[ty], properties={"keep": int_array(self.keep)}))
        L.set_sizes(m, self.sizes)
        return m


def scalar_index(L: FuncLowering, m: SSAValue) -> SSAValue:
    """The value of a 0-d integer buffer, as an index."""
    v = L.emit(memref.LoadOp.get(m, []))
    if isinstance(v.type, IntegerType) and v.type.width.data < 64:
        v = L.emit(arith.ExtSIOp(v, i64))
    return L.emit(arith.IndexCastOp(v, IndexType()))


def checked_index(L: FuncLowering, op: mt.MtOp, i: SSAValue, n: SSAValue, axis: int) -> SSAValue:
    """i wrapped like a Python index into an axis of size n; IndexError when out of range."""
    wrapped = L.emit(arith.SelectOp(L.emit(arith.CmpiOp(i, L.index(0), "slt")),
                                    L.emit(arith.AddiOp(i, n)), i))
    L.check(L.emit(arith.CmpiOp(wrapped, n, "ult")), [i, L.index(axis), n],
            f"{op.name}{where(op)}: index {{0}} is out of bounds for axis {{1}} with size {{2}}",
            "IndexError")
    return wrapped


def _omitted(L: FuncLowering, bound: SSAValue, step: SSAValue, stop: bool) -> SSAValue:
    """An omitted bound (NONE_HI/NONE_LO) under a run-time step: Python's default for
    the step's sign, as a constant that slice_bounds clamps to it."""
    if bound not in (L.index(mt.NONE_HI), L.index(MIN_BOUND)):
        return bound
    backward = L.emit(arith.CmpiOp(step, L.index(0), "slt"))
    hi, lo = L.index(mt.NONE_HI), L.index(MIN_BOUND)
    return L.emit(arith.SelectOp(backward, lo, hi) if stop else arith.SelectOp(backward, hi, lo))


def basic_view(L: FuncLowering, op: mt.BasicIndexOp, x: SSAValue) -> View:
    """The view that a basic index selects from buffer x (bounds checked at run time)."""
    p = op.params()
    values = {pos: scalar_index(L, L.buf[v]) for pos, v in zip(p["dynamic"], op.indices)}

    def bound(axis: int, k: int, const: int) -> SSAValue:
        pos = 3 * axis + k
        return values[pos] if pos in values else L.index(max(const, MIN_BOUND))

    view = View([], [], [], [])
    for axis, n in enumerate(L.sizes(x)):
        if axis in p["squeeze"]:
            view.offsets.append(checked_index(L, op, bound(axis, 0, p["starts"][axis]), n, axis))
            continue
        begin, size, step = L.index(0), n, L.index(1)
        if axis < len(p["starts"]):
            start, stop, step = (bound(axis, k, p[key][axis])
                                 for k, key in enumerate(("starts", "stops", "steps")))
            if 3 * axis + 2 in values:
                L.check(L.emit(arith.CmpiOp(step, L.index(0), "ne")), [],
                        f"{op.name}{where(op)}: slice step cannot be zero")
                start, stop = (_omitted(L, v, step, hi) for v, hi in ((start, False), (stop, True)))
            bounds = loop.SliceBoundsOp(n, start, stop, step)
            L.emit(bounds)
            begin, size = bounds.begin, bounds.length
        view.offsets.append(begin)
        view.sizes.append(size)
        view.steps.append(step)
        view.keep.append(axis)
    return view


def lower_dynamic_subtensor(L: FuncLowering, op: mt.DynamicSubtensorOp) -> SSAValue:
    x = L.buf[op.input]
    return basic_view(L, op, x).apply(L, x, dt.shape_of(op.result.type))


def broadcast_value(L: FuncLowering, op: mt.MtOp, y: SSAValue, sizes: Sequence[SSAValue],
                    shape: Sequence[int]) -> SSAValue:
    """Buffer y seen with the indexed shape (`shape`, run-time `sizes`): leading axes
    added, static-1 axes broadcast, the others checked equal (ValueError)."""
    yshape = L.memref_type(y).get_shape()
    pad = len(sizes) - len(yshape)
    ysizes = L.sizes(y)
    if pad:
        padded = tuple([1] * pad + [d for d in yshape])
        ty = loop.strided_type(L.memref_type(y).element_type, padded)
        y = L.emit(loop.DimShuffleOp.create(operands=[y], result_types=[ty], properties={
            "pattern": int_array([-1] * pad + list(range(len(yshape))))}))
        ysizes = [L.index(1)] * pad + ysizes
        L.set_sizes(y, ysizes)
    full = L.memref_type(y).get_shape()
    for axis, (d, n) in enumerate(zip(full, sizes)):
        if d != 1 or shape[axis] == 1:
            L.check_equal(n, ysizes[axis], f"{op.name}{where(op)}: the value has size {{1}} along "
                          f"axis {axis - pad} where the indexed subtensor has size {{0}}")
    if any(d == 1 and s != 1 for d, s in zip(full, shape)):
        ty = loop.strided_type(L.memref_type(y).element_type, shape)
        y = L.emit(loop.BroadcastOp.create(operands=[y, *sizes], result_types=[ty]))
        L.set_sizes(y, list(sizes))
    return y


def combine(inc: bool, dtype: str):
    """The body of a write: (old, new) -> new, or old + new (logical or for bool)."""
    def body(sb: ScalarBuilder, a: list[SSAValue]) -> SSAValue:
        if not inc:
            return a[-1]
        if dtype == "bool":
            return sb.add(arith.OrIOp(a[0], a[1]))
        return ELEMWISE_RULES[mt.AddOp](sb, [a[0], a[1]], dtype)
    return body


def lower_basic_write(L: FuncLowering, op: mt.BasicWriteOp) -> SSAValue:
    x = L.buf[op.input]
    view = basic_view(L, op, x)
    shape = type(op).indexed_shape([v.type for v in op.operands], op.params())
    out = copy_to_fresh(L, x)
    target = view.apply(L, out, shape)
    y = broadcast_value(L, op, L.buf[op.value], view.sizes, shape)
    dtype = dt.dtype_of(op.result.type)
    ins = [view.apply(L, x, shape), y] if isinstance(op, mt.IncSubtensorOp) else [y]
    elemwise_kernel(L, ins, target, [], combine(isinstance(op, mt.IncSubtensorOp), dtype))
    return out


@dataclass
class Indices:
    """Index arrays ready for a gather/scatter kernel, and the broadcast shape B."""

    arrays: list[SSAValue] = field(default_factory=list)
    axes: list[int] = field(default_factory=list)
    parts: list[tuple[tuple[int, ...], list[SSAValue]]] = field(default_factory=list)
    """(static shape, sizes) of each contribution to B, before broadcasting."""


def _check_equal(L: FuncLowering, a: SSAValue, b: SSAValue, message: str) -> None:
    if a is not b:
        L.check(L.emit(arith.CmpiOp(a, b, "eq")), [a, b], message, "IndexError")


def _reduce_to_scalar(L: FuncLowering, m: SSAValue, body, init: int) -> SSAValue:
    """Fold all of buffer m into one int64 (`body(sb, acc, element)`), as an index."""
    out = L.alloc(i64, (), [])
    block = Block(arg_types=[i64, L.memref_type(m).element_type])
    sb = ScalarBuilder()
    r = body(sb, *block.args)
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    axes = list(range(len(L.memref_type(m).get_shape())))
    props = {"axes": int_array(axes), "init": IntegerAttr(init, i64)}
    L.emit(loop.ReduceOp([m], out, Region(block), props))
    return scalar_index(L, out)


def _magnitude(sb: ScalarBuilder, v: SSAValue) -> SSAValue:
    """|v| shifted so that an index is in range of size n iff magnitude < n: v or -1 - v."""
    neg = sb.add(arith.CmpiOp(v, sb.const(0, "int64"), "slt"))
    return sb.add(arith.SelectOp(neg, sb.add(arith.SubiOp(sb.const(-1, "int64"), v)), v))


def _worst_entry(sb: ScalarBuilder, acc: SSAValue, x: SSAValue) -> SSAValue:
    if x.type != i64:
        x = sb.add(arith.ExtSIOp(x, i64))
    farther = sb.add(arith.CmpiOp(_magnitude(sb, x), _magnitude(sb, acc), "sgt"))
    return sb.add(arith.SelectOp(farther, x, acc))


def _check_range(L: FuncLowering, op: mt.MtOp, m: SSAValue, n: SSAValue, axis: int,
                 b_empty: SSAValue) -> None:
    worst = _reduce_to_scalar(L, m, _worst_entry, 0)
    neg = L.emit(arith.CmpiOp(worst, L.index(0), "slt"))
    magnitude = L.emit(arith.SelectOp(neg, L.emit(arith.SubiOp(L.index(-1), worst)), worst))
    ok = L.emit(arith.OrIOp(L.emit(arith.CmpiOp(magnitude, n, "slt")), b_empty))
    L.check(ok, [worst, L.index(axis), n],
            f"{op.name}{where(op)}: index {{0}} is out of bounds for axis {{1}} with size {{2}}",
            "IndexError")


def _count(sb: ScalarBuilder, acc: SSAValue, x: SSAValue) -> SSAValue:
    one = sb.add(arith.SelectOp(x, sb.const(1, "int64"), sb.const(0, "int64")))
    return sb.add(arith.AddiOp(acc, one))


def _mask(L: FuncLowering, op: mt.MtOp, m: SSAValue, x_sizes: list[SSAValue], axis: int,
          idx: Indices) -> None:
    """Columns of the mask's nonzero positions become index arrays of axes axis, axis+1..."""
    msizes = L.sizes(m)
    for d, s in enumerate(msizes):
        _check_equal(L, x_sizes[axis + d], s, f"{op.name}{where(op)}: boolean index did not match "
                      f"indexed array along axis {axis + d}; size of axis is {{0}} but size of "
                      "corresponding boolean axis is {1}")
    n = _reduce_to_scalar(L, m, _count, 0)
    idx.parts.append(((DYN,), [n]))
    if not msizes:
        return
    rows = L.emit(arith.AddiOp(n, L.index(1)))
    buf = L.alloc(i64, (DYN, len(msizes)), [rows, L.index(len(msizes))])
    block = Block(arg_types=[L.memref_type(m).element_type])
    block.add_op(loop.YieldOp(block.args[0]))
    L.emit(loop.NonzeroOp([m], buf, Region(block)))
    for d in range(len(msizes)):
        col = View([L.index(0), L.index(d)], [n], [L.index(1)], [0]).apply(L, buf, (DYN,))
        idx.arrays.append(col)
        idx.axes.append(axis + d)


def _b_sizes(L: FuncLowering, op: mt.MtOp, idx: Indices,
             nb: int) -> tuple[tuple[int, ...], list[SSAValue]]:
    """The static shape and run-time sizes of B; index shapes must agree (IndexError)."""
    parts = [((1,) * (nb - len(s)) + s, [L.index(1)] * (nb - len(s)) + z) for s, z in idx.parts]
    shape = dt.broadcast_shapes(op.name, [s for s, _ in parts])
    sizes = []
    for d, static in enumerate(shape):
        cands = [z[d] for s, z in parts if s[d] != 1]
        size = L.index(static) if static >= 0 else cands[0]
        for c in cands:
            _check_equal(L, size, c, f"{op.name}{where(op)}: shape mismatch: indexing arrays could "
                          f"not be broadcast together (sizes {{0}} and {{1}} along dim {d})")
        sizes.append(size)
    return shape, sizes


def _broadcast_index(L: FuncLowering, m: SSAValue, shape: tuple[int, ...],
                     sizes: list[SSAValue]) -> SSAValue:
    pad = len(shape) - len(L.memref_type(m).get_shape())
    padded = [1] * pad + list(L.memref_type(m).get_shape())
    if pad:
        ty = loop.strided_type(L.memref_type(m).element_type, padded)
        m = L.emit(loop.DimShuffleOp.create(operands=[m], result_types=[ty], properties={
            "pattern": int_array([-1] * pad + list(range(len(padded) - pad)))}))
    if any(d == 1 and s != 1 for d, s in zip(padded, shape)):
        ty = loop.strided_type(L.memref_type(m).element_type, shape)
        m = L.emit(loop.BroadcastOp.create(operands=[m, *sizes], result_types=[ty]))
    L.set_sizes(m, sizes)
    return m


def prepare(L: FuncLowering, op: mt.AdvancedIndexOp, x: SSAValue) -> tuple[Indices, list[SSAValue], int]:
    """Checked index arrays broadcast to B, the result's sizes, and bstart."""
    types = [v.type for v in op.operands]
    shape, bstart, nb = type(op).layout(types, op.params())
    x_sizes, idx, ints = L.sizes(x), Indices(), []
    for v, axis in zip(op.indices, op.params()["axes"]):
        m = L.buf[v]
        if dt.dtype_of(v.type) == "bool":
            _mask(L, op, m, x_sizes, axis, idx)
        else:
            idx.parts.append((dt.shape_of(v.type), L.sizes(m)))
            idx.arrays.append(m)
            idx.axes.append(axis)
            ints.append((m, axis))
    b_shape, b_sizes = _b_sizes(L, op, idx, nb)
    b_empty = L.emit(arith.CmpiOp(L.product(b_sizes), L.index(0), "eq"))
    for m, axis in ints:
        _check_range(L, op, m, x_sizes[axis], axis, b_empty)
    idx.arrays = [_broadcast_index(L, m, b_shape, b_sizes) for m in idx.arrays]
    covered = {a + i for v, a in zip(op.indices, op.params()["axes"])
               for i in range(len(dt.shape_of(v.type)) if dt.dtype_of(v.type) == "bool" else 1)}
    rest = [s for a, s in enumerate(x_sizes) if a not in covered]
    return idx, rest[:bstart] + b_sizes + rest[bstart:], bstart


def _props(idx: Indices, bstart: int) -> dict:
    return {"axes": int_array(idx.axes), "bstart": IntegerAttr(bstart, i64)}


def lower_advanced_subtensor(L: FuncLowering, op: mt.AdvancedSubtensorOp) -> SSAValue:
    x = L.buf[op.input]
    idx, sizes, bstart = prepare(L, op, x)
    el = L.memref_type(x).element_type
    out = L.alloc(el, dt.shape_of(op.result.type), sizes)
    block = Block(arg_types=[el])
    block.add_op(loop.YieldOp(block.args[0]))
    L.emit(loop.GatherOp([x, *idx.arrays], out, Region(block), _props(idx, bstart)))
    return out


def lower_advanced_write(L: FuncLowering, op: mt.AdvancedWriteOp) -> SSAValue:
    x = L.buf[op.input]
    idx, sizes, bstart = prepare(L, op, x)
    shape = type(op).layout([v.type for v in op.operands], op.params())[0]
    y = broadcast_value(L, op, L.buf[op.value], sizes, shape)
    out = copy_to_fresh(L, x)
    el = L.memref_type(x).element_type
    block = Block(arg_types=[el, el])
    sb = ScalarBuilder()
    body = combine(isinstance(op, mt.AdvancedIncSubtensorOp), dt.dtype_of(op.result.type))
    r = body(sb, list(block.args))
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    L.emit(loop.ScatterOp([y, *idx.arrays], out, Region(block), _props(idx, bstart)))
    return out


def _count_nonzero(L: FuncLowering, x: SSAValue, dtype: str) -> SSAValue:
    """The number of nonzero elements of x, as an index (one `loop.reduce`)."""
    count = L.alloc(i64, (), [])
    block = Block(arg_types=[i64, L.memref_type(x).element_type])
    sb = ScalarBuilder()
    hit = sb.convert(block.args[1], dtype, "bool")
    one = sb.add(arith.SelectOp(hit, sb.const(1, "int64"), sb.const(0, "int64")))
    total = sb.add(arith.AddiOp(block.args[0], one))
    block.add_ops(sb.ops + [loop.YieldOp(total)])
    axes = int_array(range(L.memref_type(x).get_num_dims()))
    L.emit(loop.ReduceOp([x], count, Region(block), {"axes": axes, "init": IntegerAttr(0, i64)}))
    return L.emit(arith.IndexCastOp(L.emit(memref.LoadOp.get(count, [])), IndexType()))


def lower_nonzero(L: FuncLowering, op: mt.NonzeroOp) -> SSAValue:
    """Count the nonzeros, write their positions as the rows of an (N + 1) x k buffer
    (`loop.nonzero`; row N is its scratch row) and view the first N rows transposed."""
    x = L.buf[op.input]
    rank, dtype = len(L.sizes(x)), dt.dtype_of(op.input.type)
    n = _count_nonzero(L, x, dtype)
    rows = L.emit(arith.AddiOp(n, L.index(1)))
    buf = L.alloc(i64, (-1, rank), [rows, L.index(rank)])
    body = Block(arg_types=[L.memref_type(x).element_type])
    sb = ScalarBuilder()
    hit = sb.convert(body.args[0], dtype, "bool")
    body.add_ops(sb.ops + [loop.YieldOp(hit)])
    L.emit(loop.NonzeroOp([x], buf, Region(body)))
    view = L.emit(loop.SliceOp.create(
        operands=[buf, L.index(0), L.index(0), L.index(rank), n, L.index(1), L.index(1)],
        result_types=[loop.strided_type(i64, (rank, -1))], properties={"keep": int_array([1, 0])}))
    L.set_sizes(view, [L.index(rank), n])
    return view


LOWERINGS: dict[type, Lowering] = {
    mt.DynamicSubtensorOp: lower_dynamic_subtensor,
    mt.SetSubtensorOp: lower_basic_write, mt.IncSubtensorOp: lower_basic_write,
    mt.AdvancedSubtensorOp: lower_advanced_subtensor,
    mt.AdvancedSetSubtensorOp: lower_advanced_write, mt.AdvancedIncSubtensorOp: lower_advanced_write,
    mt.NonzeroOp: lower_nonzero,
}
