"""`convert-mt-to-loop` rules of advanced indexing (merged into `LOWERINGS`):
`mt.advanced_subtensor` becomes a `loop.gather` into a fresh buffer, the advanced
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
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IntegerAttr, i64
from xdsl.ir import Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.dtypes import DYN
from mlc.dialects.mt.base import int_array
from mlc.passes.lower_indexing import View, broadcast_value, combine, scalar_index
from mlc.passes.lowering_context import FuncLowering, copy_to_fresh, where
from mlc.passes.scalar_rules import ScalarBuilder


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


ADVANCED_LOWERINGS = {
    mt.AdvancedSubtensorOp: lower_advanced_subtensor,
    mt.AdvancedSetSubtensorOp: lower_advanced_write, mt.AdvancedIncSubtensorOp: lower_advanced_write,
}
