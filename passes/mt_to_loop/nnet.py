"""Lowering of the nnet ops (dialects/mt/nnet.py) to `loop` kernels, merged into
`LOWERINGS`; `mt.softplus` is elementwise: its scalar body is `SCALAR_RULES` below.

A softmax along an axis is three passes over x, one per reduction plus the output:

    %m = loop.reduce ins(%x) {axes, init = -inf}        m = max(x)        (per row)
    %s = loop.reduce ins(%x, %mb) {axes, init = 0}      s = sum(exp(x - m))
    loop.elemwise ins(%x, %mb, %sb) outs(%r)            r = exp(x - m) / s

where %mb, %sb are the row results seen at x's shape (a `loop.dimshuffle` re-inserting
the reduced axes, then a stride-0 `loop.broadcast`): no row result is ever copied.
`mt.log_softmax` ends with (x - m) - log(s) and `mt.logsumexp` with log(s) + m, both
with m replaced by 0 where it is not finite (scipy's rule: a row of -inf gives -inf,
not NaN). float32 sums accumulate in float64. Integer inputs are converted inside the
kernel bodies, so they cost no extra pass.

`mt.one_hot` is one elementwise kernel comparing `loop.index` with the label, after
run-time checks that the number of classes n = sizes[axis] exists (IndexError) and is
>= 0 (ValueError), and that every label is in [0, n) (IndexError, from a min and a max
reduction of the labels).


    mt.softplus (f64)  ->  log1p(exp(-|x|)) + max(x, 0)
                           (math.absf, arith.negf, math.exp, math.log1p, arith.maximumf, arith.addf)

The stable form never overflows: exp only sees non-positive arguments, and for large
|x| the log1p term vanishes exactly, so softplus(1000) is 1000.0 and softplus(-1000) is
0.0 (the tail exp(-1000) underflows, as it does in NumPy's `logaddexp(0, x)`).
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from xdsl.dialects import arith, math, memref
from xdsl.dialects.builtin import (DYNAMIC_INDEX, IndexType)
from xdsl.ir import Block, Operation, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.mt.base import int_array
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, elemwise_kernel, where
from mlc.passes.mt_to_loop.scalar import Rule, ScalarBuilder, scalar_attr


Combine = Callable[[ScalarBuilder, SSAValue, list[SSAValue]], SSAValue]


# -- kernel helpers -----------------------------------------------------------------------
def reduce_kernel(L: FuncLowering, ins: list[SSAValue], axes: Sequence[int], acc_dtype: str,
                  out_dtype: str, init: float | int, combine: Combine) -> SSAValue:
    """`loop.reduce` of ins (all of ins[0]'s shape) over axes into a fresh buffer;
    combine(sb, acc, elements) gives the next accumulator (of acc_dtype)."""
    x = ins[0]
    sizes, shape = L.sizes(x), L.memref_type(x).get_shape()
    out = L.alloc(dt.elem_type(out_dtype), [d for i, d in enumerate(shape) if i not in axes],
                  [s for i, s in enumerate(sizes) if i not in axes])
    block = Block(arg_types=[dt.elem_type(acc_dtype)] + [L.memref_type(v).element_type for v in ins])
    sb = ScalarBuilder()
    r = combine(sb, block.args[0], list(block.args[1:]))
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    props = {"axes": int_array(axes), "init": scalar_attr(init, acc_dtype)}
    L.emit(loop.ReduceOp(ins, out, Region(block), props))
    return out


def spread(L: FuncLowering, m: SSAValue, axes: Sequence[int], like: SSAValue) -> SSAValue:
    """The reduced buffer m seen at like's shape: the reduced axes re-inserted with static
    size 1 (`loop.dimshuffle`), then broadcast with stride 0 (`loop.broadcast`)."""
    rank = len(L.sizes(like))
    kept = iter(range(rank - len(axes)))
    pattern = tuple(-1 if a in axes else next(kept) for a in range(rank))
    t = L.memref_type(m)
    m_shape, m_sizes = t.get_shape(), L.sizes(m)
    shape = [1 if p == -1 else m_shape[p] for p in pattern]
    view_type = loop.strided_type(t.element_type, shape)
    view = L.emit(loop.DimShuffleOp.create(operands=[m], result_types=[view_type],
                                           properties={"pattern": int_array(pattern)}))
    L.set_sizes(view, [L.index(1) if p == -1 else m_sizes[p] for p in pattern])
    full = loop.strided_type(t.element_type, L.memref_type(like).get_shape())
    out = L.emit(loop.BroadcastOp.create(operands=[view, *L.sizes(like)], result_types=[full]))
    L.set_sizes(out, L.sizes(like))
    return out


def map_kernel(L: FuncLowering, ins: list[SSAValue], dtype: str,
               body: Callable[[ScalarBuilder, list[SSAValue]], SSAValue]) -> SSAValue:
    """A fresh buffer of ins[0]'s shape holding body(elements), in dtype."""
    out = L.alloc(dt.elem_type(dtype), L.memref_type(ins[0]).get_shape(), L.sizes(ins[0]))
    elemwise_kernel(L, ins, out, [], body)
    return out


# -- the shared passes of softmax, log_softmax and logsumexp ------------------------------
def _row_max(L: FuncLowering, x: SSAValue, axes: Sequence[int], src: str, cd: str) -> SSAValue:
    def combine(sb: ScalarBuilder, acc: SSAValue, e: list[SSAValue]) -> SSAValue:
        return sb.add(arith.MaximumfOp(acc, sb.convert(e[0], src, cd)))
    return reduce_kernel(L, [x], axes, cd, cd, float("-inf"), combine)


def _finite_or_zero(L: FuncLowering, m: SSAValue, cd: str) -> SSAValue:
    """m where it is finite, else 0 (an ordered compare: NaN also gives 0)."""
    def body(sb: ScalarBuilder, a: list[SSAValue]) -> SSAValue:
        finite = sb.add(arith.CmpfOp(sb.add(math.AbsFOp(a[0])), sb.const(float("inf"), cd), "olt"))
        return sb.add(arith.SelectOp(finite, a[0], sb.const(0.0, cd)))
    return map_kernel(L, [m], cd, body)


def _shifted(sb: ScalarBuilder, e: list[SSAValue], src: str, cd: str) -> SSAValue:
    """x - m from the elements (x, m, ...) of a kernel body."""
    return sb.add(arith.SubfOp(sb.convert(e[0], src, cd), e[1]))


def _sum_exp(L: FuncLowering, x: SSAValue, mb: SSAValue, axes: Sequence[int], src: str,
             cd: str) -> SSAValue:
    """sum(exp(x - m)) over axes, with m spread to x's shape (mb); float32 accumulates
    in float64."""
    acc_dtype = "float64" if cd == "float32" else cd

    def combine(sb: ScalarBuilder, acc: SSAValue, e: list[SSAValue]) -> SSAValue:
        term = sb.add(math.ExpOp(_shifted(sb, e, src, cd)))
        return sb.add(arith.AddfOp(acc, sb.convert(term, cd, acc_dtype)))
    return reduce_kernel(L, [x, mb], axes, acc_dtype, cd, 0.0, combine)


def _operand(L: FuncLowering, op: Operation) -> tuple[SSAValue, str, str]:
    """(buffer of the input, its dtype, the dtype the op computes in)."""
    return L.buf[op.operands[0]], dt.dtype_of(op.operands[0].type), dt.dtype_of(op.results[0].type)


# -- the ops ------------------------------------------------------------------------------
def lower_softmax(L: FuncLowering, op: mt.SoftmaxOp) -> SSAValue:
    x, src, cd = _operand(L, op)
    axes = (op.params()["axis"],)
    mb = spread(L, _row_max(L, x, axes, src, cd), axes, x)
    s = _sum_exp(L, x, mb, axes, src, cd)

    def body(sb: ScalarBuilder, e: list[SSAValue]) -> SSAValue:
        return sb.add(arith.DivfOp(sb.add(math.ExpOp(_shifted(sb, e, src, cd))), e[2]))
    return map_kernel(L, [x, mb, spread(L, s, axes, x)], cd, body)


def lower_log_softmax(L: FuncLowering, op: mt.LogSoftmaxOp) -> SSAValue:
    x, src, cd = _operand(L, op)
    axes = (op.params()["axis"],)
    mb = spread(L, _finite_or_zero(L, _row_max(L, x, axes, src, cd), cd), axes, x)
    log_s = map_kernel(L, [_sum_exp(L, x, mb, axes, src, cd)], cd, lambda sb, a: sb.add(math.LogOp(a[0])))

    def body(sb: ScalarBuilder, e: list[SSAValue]) -> SSAValue:
        return sb.add(arith.SubfOp(_shifted(sb, e, src, cd), e[2]))
    return map_kernel(L, [x, mb, spread(L, log_s, axes, x)], cd, body)


def lower_logsumexp(L: FuncLowering, op: mt.LogSumExpOp) -> SSAValue:
    x, src, cd = _operand(L, op)
    axes = op.params()["axes"]
    m = _finite_or_zero(L, _row_max(L, x, axes, src, cd), cd)
    s = _sum_exp(L, x, spread(L, m, axes, x), axes, src, cd)
    return map_kernel(L, [s, m], cd, lambda sb, a: sb.add(arith.AddfOp(sb.add(math.LogOp(a[0])), a[1])))


def _load_index(L: FuncLowering, m: SSAValue, at: Sequence[int] = ()) -> SSAValue:
    """The element `at` of an integer buffer, as an index."""
    return L.emit(arith.IndexCastOp(L.emit(memref.LoadOp.get(m, [L.index(i) for i in at])), IndexType()))


def _label_bound(L: FuncLowering, y: SSAValue, src: str, low: bool) -> SSAValue:
    """The smallest (low) or largest label, as an index; an empty y gives the dtype's
    largest (low) or smallest value, which passes the range checks."""
    info = np.iinfo(src)
    op = arith.MinSIOp if low else arith.MaxSIOp
    axes = tuple(range(len(L.sizes(y))))
    bound = reduce_kernel(L, [y], axes, src, src, int(info.max if low else info.min),
                          lambda sb, acc, e: sb.add(op(acc, e[0])))
    return _load_index(L, bound)


def _class_count(L: FuncLowering, op: mt.OneHotOp) -> SSAValue:
    """sizes[axis], after checking that sizes has that entry (when its length is dynamic)."""
    sizes, axis = L.buf[op.sizes], op.params()["axis"]
    length = L.sizes(sizes)[0]
    if L.memref_type(sizes).get_shape()[0] == DYNAMIC_INDEX:
        L.check(L.emit(arith.CmpiOp(L.index(axis), length, "slt")), [length],
                f"{op.name}{where(op)}: axis {axis} is out of range for {{0}} sizes", "IndexError")
    return _load_index(L, sizes, [axis])


def _check_labels(L: FuncLowering, op: mt.OneHotOp, y: SSAValue, n: SSAValue, src: str) -> None:
    here = f"{op.name}{where(op)}"
    L.check(L.emit(arith.CmpiOp(n, L.index(0), "sge")), [n],
            f"{here}: the number of classes must be >= 0, got {{0}}")
    msg = f"{here}: label {{0}} is out of range for {{1}} classes"
    lo = _label_bound(L, y, src, low=True)
    L.check(L.emit(arith.CmpiOp(lo, L.index(0), "sge")), [lo, n], msg, "IndexError")
    hi = _label_bound(L, y, src, low=False)
    L.check(L.emit(arith.CmpiOp(hi, n, "slt")), [hi, n], msg, "IndexError")


def lower_one_hot(L: FuncLowering, op: mt.OneHotOp) -> SSAValue:
    y, src = L.buf[op.labels], dt.dtype_of(op.labels.type)
    out_dtype = dt.dtype_of(op.result.type)
    n = _class_count(L, op)
    _check_labels(L, op, y, n, src)
    rank = len(L.sizes(y))
    out = L.alloc(dt.elem_type(out_dtype), dt.shape_of(op.result.type), [*L.sizes(y), n])
    labels = spread(L, y, (rank,), out)

    def body(sb: ScalarBuilder, e: list[SSAValue]) -> SSAValue:
        j = sb.add(arith.IndexCastOp(sb.add(loop.IndexOp(rank)), dt.elem_type("int64")))
        hit = sb.add(arith.CmpiOp(j, sb.convert(e[0], src, "int64"), "eq"))
        return sb.convert(hit, "bool", out_dtype)
    elemwise_kernel(L, [labels], out, [], body)
    return out


def softplus(b: "ScalarBuilder", a: list[SSAValue], dtype: str) -> SSAValue:
    x = a[0]
    tail = b.add(math.Log1pOp(b.add(math.ExpOp(b.add(arith.NegfOp(b.add(math.AbsFOp(x))))))))
    return b.add(arith.AddfOp(tail, b.add(arith.MaximumfOp(x, b.const(0.0, dtype)))))


SCALAR_RULES: dict[type, Rule] = {mt.SoftplusOp: softplus}


LOWERINGS: dict[type, Lowering] = {
    mt.SoftmaxOp: lower_softmax,
    mt.LogSoftmaxOp: lower_log_softmax,
    mt.LogSumExpOp: lower_logsumexp,
    mt.OneHotOp: lower_one_hot,
}
