"""`convert-mt-to-loop` rules of `mt.random_permutation`, `mt.random_choice` and
`mt.random_weighted_choice`; `RANDOM_LOWERINGS` (merged into `LOWERINGS`) adds the
samplers of lower_random.py.

    permutation   loop.shuffle of the result: row r, position i swaps with a draw in
                  [i, n) at counter `counter + r*n + i`;
    choice        with replacement: the gather kernel draws index f at counter
                  `counter + f`; without: loop.shuffle of 0..n-1 (counters
                  `counter + i`), then the first prod(shape) entries;
    weighted      loop.weighted_choice over a float64 copy of p (u at `counter + f`).

The last step is one `loop.elemwise` over the result that reads the population:
result[f, rest...] = a[index(f), rest...] (or index(f) itself when `a` is a 0-d count).
NumPy's checks come first, each a `loop.check` naming the op and the user's line: an
empty population, a sample larger than the population without replacement, p of the
wrong length, negative, not summing to 1 (within sqrt(eps)), or with fewer non-zero
entries than the sample.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from xdsl.dialects import arith, math, memref
from xdsl.dialects.builtin import FloatAttr, IndexType, IntegerAttr, f64, i1, i64
from xdsl.ir import Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.dtypes import DYN
from mlc.passes.lower_random import (
    State,
    count_where,
    counter_at,
    flat_position,
    load_state,
    lower_sampler,
    reduce_to_scalar,
    result_sizes,
    scalar_i64,
)
from mlc.passes.lowering_context import FuncLowering, copy_to_fresh, elemwise_kernel, where
from mlc.passes.scalar_rules import ScalarBuilder

IndexOf = Callable[[ScalarBuilder, SSAValue], SSAValue]
"""Inside the gather body: the population index (i64) of sample f (an i64 position)."""


def _to_index(L: FuncLowering, v: SSAValue) -> SSAValue:
    return L.emit(arith.IndexCastOp(v, IndexType()))


def _i64(L: FuncLowering, v: SSAValue) -> SSAValue:
    return L.emit(arith.IndexCastOp(v, i64))


def shuffle(L: FuncLowering, state: State, shape: tuple[int, ...], sizes: list[SSAValue]) -> SSAValue:
    """A fresh int64 buffer whose rows (last axis) are Fisher-Yates shuffles of 0..n-1."""
    out = L.alloc(i64, shape, sizes)
    n = _i64(L, sizes[-1])
    block = Block()
    sb = ScalarBuilder()
    i = sb.add(arith.IndexCastOp(sb.add(loop.IndexOp(len(sizes) - 1)), i64))
    j = sb.add(loop.RandIntegersOp(state[0], counter_at(sb, state, sizes), state[2], i, n))
    block.add_ops(sb.ops + [loop.YieldOp(j)])
    L.emit(loop.ShuffleOp([], out, Region(block)))
    return out


def lower_permutation(L: FuncLowering, op: mt.RandomPermutationOp) -> SSAValue:
    state = load_state(L, op)
    sizes = result_sizes(L, op, list(op.sizes))
    out = shuffle(L, state, dt.shape_of(op.result.type), sizes)
    dtype = dt.dtype_of(op.result.type)
    if dtype != "int64":
        out = copy_to_fresh(L, out, op.result.type.element_type, ("int64", dtype))
    return out


def _population(L: FuncLowering, op: mt.ChoiceOp, k: SSAValue) -> SSAValue:
    """n, the population size (index); ValueError if it is empty and k > 0."""
    a = L.buf[op.operands[1]]
    if dt.shape_of(op.operands[1].type):
        n = L.sizes(a)[0]
    else:
        n = _to_index(L, scalar_i64(L, a))
    ok = L.emit(arith.OrIOp(L.emit(arith.CmpiOp(n, L.index(0), "sgt")),
                            L.emit(arith.CmpiOp(k, L.index(0), "eq"))))
    L.check(ok, [n], f"{op.name}{where(op)}: the population must not be empty (its size is "
            "{0}) unless no samples are taken")
    return n


def _gather(L: FuncLowering, op: mt.ChoiceOp, sizes: list[SSAValue], index_of: IndexOf) -> SSAValue:
    """result[f, rest...] = a[index_of(f), rest...], or index_of(f) for a 0-d `a`."""
    a_operand = op.operands[1]
    a = L.buf[a_operand]
    rest = L.sizes(a)[1:]
    result = op.result.type
    out = L.alloc(result.element_type, dt.shape_of(result), sizes + rest)  # type: ignore[attr-defined]
    rank = len(sizes)

    def body(sb: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        j = index_of(sb, flat_position(sb, sizes))
        if not dt.shape_of(a_operand.type):
            return j
        where_ = [sb.add(arith.IndexCastOp(j, IndexType()))]
        where_ += [sb.add(loop.IndexOp(rank + d)) for d in range(len(rest))]
        return sb.add(memref.LoadOp.get(a, where_))

    elemwise_kernel(L, [], out, [], body)
    return out


def _load_at(m: SSAValue) -> IndexOf:
    return lambda sb, f: sb.add(memref.LoadOp.get(m, [sb.add(arith.IndexCastOp(f, IndexType()))]))


def lower_choice(L: FuncLowering, op: mt.RandomChoiceOp) -> SSAValue:
    state = load_state(L, op)
    sizes = result_sizes(L, op, list(op.sizes))
    k = L.product(sizes)
    n = _population(L, op, k)
    if op.params()["replace"]:
        n64 = _i64(L, n)

        def draw(sb: ScalarBuilder, f: SSAValue) -> SSAValue:
            counter = sb.add(arith.AddiOp(state[1], f))
            return sb.add(loop.RandIntegersOp(state[0], counter, state[2], sb.const(0, "int64"), n64))
        return _gather(L, op, sizes, draw)
    L.check(L.emit(arith.CmpiOp(k, n, "sle")), [k, n],
            f"{op.name}{where(op)}: cannot take a sample of {{0}} from a population of {{1}} "
            "without replacement")
    return _gather(L, op, sizes, _load_at(shuffle(L, state, (DYN,), [n])))


def _check_probabilities(L: FuncLowering, op: mt.RandomWeightedChoiceOp, w: SSAValue,
                         k: SSAValue, replace: bool) -> None:
    """NumPy's tests of p (already a float64 copy w)."""
    name = f"{op.name}{where(op)}"
    negative = count_where(L, w, lambda sb, x: sb.add(arith.CmpfOp(x, sb.const(0.0, "float64"), "ult")))
    L.check(L.emit(arith.CmpiOp(negative, L.index(0), "eq")), [negative],
            f"{name}: probabilities must not be negative or NaN ({{0}} entries are)")
    total = reduce_to_scalar(L, w, "float64", 0.0, lambda sb, acc, x: sb.add(arith.AddfOp(acc, x)))
    p_dtype = dt.dtype_of(op.p.type)
    atol = max(np.sqrt(np.finfo(np.float64).eps), np.sqrt(np.finfo(p_dtype).eps))
    one = L.emit(arith.ConstantOp(FloatAttr(1.0, f64)))
    error = L.emit(math.AbsFOp(L.emit(arith.SubfOp(total, one))))
    tol = L.emit(arith.ConstantOp(FloatAttr(float(atol), f64)))
    L.check(L.emit(arith.CmpfOp(error, tol, "ole")), [],
            f"{name}: probabilities do not sum to 1 (within {atol:.3g})")
    if not replace:
        positive = count_where(L, w, lambda sb, x: sb.add(
            arith.CmpfOp(x, sb.const(0.0, "float64"), "ogt")))
        L.check(L.emit(arith.CmpiOp(k, positive, "sle")), [k, positive],
                f"{name}: cannot take {{0}} samples without replacement when only {{1}} "
                "probabilities are non-zero")


def lower_weighted_choice(L: FuncLowering, op: mt.RandomWeightedChoiceOp) -> SSAValue:
    state = load_state(L, op)
    sizes = result_sizes(L, op, list(op.sizes))
    k = L.product(sizes)
    n = _population(L, op, k)
    p = L.buf[op.p]
    L.check_equal(n, L.sizes(p)[0], f"{op.name}{where(op)}: a and p must have the same size "
                  "(a has {0} items, p has {1})")
    w = copy_to_fresh(L, p, f64, (dt.dtype_of(op.p.type), "float64"))
    replace = op.params()["replace"]
    _check_probabilities(L, op, w, k, replace)
    idx = L.alloc(i64, (DYN,), [k])
    block = Block()
    sb = ScalarBuilder()
    zero, one = sb.const(0.0, "float64"), sb.const(1.0, "float64")
    u = sb.add(loop.RandUniformOp(state[0], counter_at(sb, state, [k]), state[2], zero, one))
    block.add_ops(sb.ops + [loop.YieldOp(u)])
    L.emit(loop.WeightedChoiceOp([w], idx, Region(block), {"replace": IntegerAttr(int(replace), i1)}))
    return _gather(L, op, sizes, _load_at(idx))


RANDOM_LOWERINGS = {
    **{cls: lower_sampler for cls in (mt.RandomUniformOp, mt.RandomNormalOp, mt.RandomIntegersOp,
                                      mt.RandomBinomialOp)},
    mt.RandomPermutationOp: lower_permutation, mt.RandomChoiceOp: lower_choice,
    mt.RandomWeightedChoiceOp: lower_weighted_choice,
}
