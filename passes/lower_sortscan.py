"""`convert-mt-to-loop` rules of the order-dependent ops and `mt.batched_dot` (merged
into `LOWERINGS`):

- `mt.argmax`/`mt.argmin` -> `loop.arg_reduce`, whose body says whether an element
  beats the best so far (a strict comparison, so the first extreme wins; a NaN beats
  every non-NaN, so the first NaN wins, as in NumPy);
- `mt.cumsum`/`mt.cumprod` -> `loop.accumulate` with the add/mul scalar rule;
- `mt.sort`/`mt.argsort` -> `loop.sort` over a contiguous copy when needed;
- `mt.batched_dot` -> `loop.batch_matmul` (operands converted to the result dtype);
- `mt.nonzero` -> a count (`loop.reduce`), then `loop.nonzero` into a buffer of that size.

    %i = mt.argmax %x {axes = array<i64: 0>}
  ->
    loop.check %nonempty   (an empty axis is a ValueError, as in NumPy)
    loop.arg_reduce ins(%x) outs(%i) {axes = array<i64: 0>, init = -inf} { arith.cmpf ogt ... }
"""

from __future__ import annotations

from xdsl.dialects import arith, memref
from xdsl.dialects.builtin import IndexType, IntegerAttr, i64
from xdsl.ir import Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.lower_sizes import alloc_result
from mlc.passes.lowering_context import FuncLowering, copy_to_fresh, where
from mlc.passes.reduce_rules import IDENTITY, scalar_attr
from mlc.passes.scalar_rules import SCALAR_RULES, ScalarBuilder


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
    r = SCALAR_RULES[combine](sb, [acc, sb.convert(v, src, out_dtype)], out_dtype)
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    out = alloc_result(L, op, L.sizes(x))
    init = scalar_attr(0 if combine is mt.AddOp else 1, out_dtype)
    L.emit(loop.AccumulateOp([x], out, Region(block),
                             {"axis": IntegerAttr(op.params()["axis"], i64), "init": init}))
    return out


def lower_sort(L: FuncLowering, op: mt.AxisOp) -> SSAValue:
    x = L.buf[op.input]
    if not loop.is_contiguous(L.memref_type(x)):
        x = copy_to_fresh(L, x)
    out = alloc_result(L, op, L.sizes(x))
    L.emit(loop.SortOp.create(operands=[x, out], properties={
        "axis": IntegerAttr(op.params()["axis"], i64),
        "arg": IntegerAttr.from_bool(isinstance(op, mt.ArgSortOp))}))
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
    prod = SCALAR_RULES[mt.MulOp](sb, [p, q], out_dtype)
    total = SCALAR_RULES[mt.AddOp](sb, [acc, prod], out_dtype)
    block.add_ops(sb.ops + [loop.YieldOp(total)])
    L.emit(loop.BatchMatmulOp(ins, out, Region(block), {}))
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


SORTSCAN_LOWERINGS = {
    mt.ArgMaxOp: lower_arg_reduce, mt.ArgMinOp: lower_arg_reduce,
    mt.CumsumOp: lower_accumulate, mt.CumprodOp: lower_accumulate,
    mt.SortOp: lower_sort, mt.ArgSortOp: lower_sort, mt.BatchedDotOp: lower_batched_dot,
    mt.NonzeroOp: lower_nonzero,
}
