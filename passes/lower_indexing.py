"""`convert-mt-to-loop` rules of basic indexing with symbolic bounds (merged into
`LOWERINGS`): `mt.dynamic_subtensor` becomes a `loop.slice` view, `mt.set_subtensor` /
`mt.inc_subtensor` a copy of x and one kernel writing into a view of the copy.

    %s = mt.dynamic_subtensor %x[%a] {starts = [0], stops = [NONE_HI], steps = [1], dynamic = [0]}
  ->
    %v = memref.load %a[]   %i = arith.index_cast %v : i64 to index
    %begin, %len = loop.slice_bounds %n, %i, %c_none_hi, %c1
    %s = loop.slice %x [%begin, %len, %c1] {keep = array<i64: 0>}

Bounds follow Python exactly (`loop.slice_bounds`); an integer index out of range is an
IndexError and a zero step a ValueError, both naming the op and the user's line. The
value written by set/inc broadcasts by Theano's rule (static size 1), checked at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IndexType, IntegerType, i64
from xdsl.ir import SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.lowering_context import FuncLowering, copy_to_fresh, elemwise_kernel, where
from mlc.passes.scalar_rules import SCALAR_RULES, ScalarBuilder

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
        return SCALAR_RULES[mt.AddOp](sb, [a[0], a[1]], dtype)
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


INDEXING_LOWERINGS = {
    mt.DynamicSubtensorOp: lower_dynamic_subtensor,
    mt.SetSubtensorOp: lower_basic_write, mt.IncSubtensorOp: lower_basic_write,
}
