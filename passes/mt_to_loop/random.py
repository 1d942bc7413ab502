"""`convert-mt-to-loop` rules of the random samplers.

Every sampler loads `key, counter, stream` from its state buffer and runs one
`loop.elemwise` whose body computes the element's row-major position f and calls a
`loop.rand_*` scalar op at Philox counter `counter + f`; elements are independent, so
the kernel may run in any order or in parallel:

    %u = mt.random_uniform %s, %lo, %hi {shape = array<i64: 4>} : (...) -> tensor<4xf64>
  ->
    %key = memref.load %s[%c0]   %ctr = memref.load %s[%c1]   %stream = memref.load %s[%c2]
    loop.elemwise ins(%lo_b, %hi_b) outs(%u) {
      %f = loop.index {dim = 0}  ...  %c = arith.addi %ctr, %f64
      %x = loop.rand_uniform %key, %c, %stream, %l, %h : f64, f64 -> f64
    }

Parameters are checked first (`std >= 0`, `n >= 0`, `0 <= p <= 1`, `low < high`): a
constant parameter in Python at compile time, any other by a reduction and a
`loop.check` that names the op and the user's line.


`mt.random_permutation`, `mt.random_choice` and `mt.random_weighted_choice`:

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

from typing import Callable, Sequence

import numpy as np
from xdsl.dialects import arith, math, memref
from xdsl.dialects.builtin import (FloatAttr, IndexType, IntegerAttr, IntegerType,
                                   f64, i1, i64)
from xdsl.ir import Block, Region, SSAValue

from mlc.dialects import dtypes as dt
from mlc.dialects import loop, mt
from mlc.dialects.dtypes import DYN
from mlc.dialects.mt.base import int_array
from mlc.passes.mt_to_loop.builder import FuncLowering, Lowering, copy_to_fresh, describe, elemwise_kernel, where
from mlc.passes.mt_to_loop.scalar import ScalarBuilder


State = tuple[SSAValue, SSAValue, SSAValue]
"""(key, counter, stream) as i64 values."""


def load_state(L: FuncLowering, op: mt.RandomOp) -> State:
    s = L.buf[op.operands[0]]
    L.check_equal(L.index(mt.STATE_SIZE), L.sizes(s)[0],
                  f"{op.name}{where(op)}: the random state must have {{0}} entries, got {{1}}")
    key, counter, stream = (L.emit(memref.LoadOp.get(s, [L.index(k)])) for k in range(3))
    return key, counter, stream


def scalar_i64(L: FuncLowering, m: SSAValue) -> SSAValue:
    """The value of a 0-d integer buffer as i64."""
    v = L.emit(memref.LoadOp.get(m, []))
    if isinstance(v.type, IntegerType) and v.type.width.data < 64:
        v = L.emit(arith.ExtSIOp(v, i64))
    return v


def result_sizes(L: FuncLowering, op: mt.RandomOp, size_operands: Sequence[SSAValue]) -> list[SSAValue]:
    """Index values of the `shape` property, dynamic entries from the size operands
    (a negative one is a ValueError)."""
    dynamic = iter(size_operands)
    sizes = []
    for d in op.params()["shape"]:
        if d >= 0:
            sizes.append(L.index(d))
            continue
        n = L.emit(arith.IndexCastOp(scalar_i64(L, L.buf[next(dynamic)]), IndexType()))
        L.check(L.emit(arith.CmpiOp(n, L.index(0), "sge")), [n],
                f"{op.name}{where(op)}: negative dimensions are not allowed (size {{0}})")
        sizes.append(n)
    return sizes


def broadcast_params(L: FuncLowering, op: mt.RandomOp, params: Sequence[SSAValue],
                     sizes: Sequence[SSAValue]) -> list[SSAValue]:
    """Views of the parameter buffers over the result's index space (static 1 broadcasts;
    any other size must equal the result's)."""
    shape = dt.shape_of(op.results[0].type)
    out = []
    for i, v in enumerate(params):
        m = L.buf[v]
        vshape = dt.shape_of(v.type)
        for axis, d in enumerate(vshape):
            if d != 1:
                L.check_equal(sizes[axis], L.sizes(m)[axis],
                              f"{op.name}{where(op)}: {describe(v, i + 1)} ({op.PARAMS[i]}) has size "
                              f"{{1}} along axis {axis} where the result has size {{0}}")
        if any(d == 1 and s != 1 for d, s in zip(vshape, shape)):
            ty = loop.strided_type(L.memref_type(m).element_type, shape)
            m = L.emit(loop.BroadcastOp.create(operands=[m, *sizes], result_types=[ty]))
            L.set_sizes(m, list(sizes))
        out.append(m)
    return out


def flat_position(sb: ScalarBuilder, sizes: Sequence[SSAValue]) -> SSAValue:
    """Inside a kernel body: the row-major position over `sizes` (dims 0..), as i64."""
    flat = None
    for d, n in enumerate(sizes):
        i = sb.add(loop.IndexOp(d))
        flat = i if flat is None else sb.add(arith.AddiOp(sb.add(arith.MuliOp(flat, n)), i))
    if flat is None:
        return sb.const(0, "int64")
    return sb.add(arith.IndexCastOp(flat, i64))


def counter_at(sb: ScalarBuilder, state: State, sizes: Sequence[SSAValue]) -> SSAValue:
    return sb.add(arith.AddiOp(state[1], flat_position(sb, sizes)))


def reduce_to_scalar(L: FuncLowering, m: SSAValue, acc_dtype: str, init: float | int,
                     body: Callable[[ScalarBuilder, SSAValue, SSAValue], SSAValue]) -> SSAValue:
    """Fold every element of buffer m in row-major order into one `acc_dtype` value."""
    el = dt.elem_type(acc_dtype)
    out = L.alloc(el, (), [])
    block = Block(arg_types=[el, L.memref_type(m).element_type])
    sb = ScalarBuilder()
    r = body(sb, *block.args)
    block.add_ops(sb.ops + [loop.YieldOp(r)])
    attr = FloatAttr(float(init), el) if dt.is_float(acc_dtype) else IntegerAttr(int(init), el)
    axes = list(range(L.memref_type(m).get_num_dims()))
    L.emit(loop.ReduceOp([m], out, Region(block), {"axes": int_array(axes), "init": attr}))
    return L.emit(memref.LoadOp.get(out, []))


def count_where(L: FuncLowering, m: SSAValue,
                pred: Callable[[ScalarBuilder, SSAValue], SSAValue]) -> SSAValue:
    """How many elements of m satisfy `pred` (an index value)."""
    def body(sb: ScalarBuilder, acc: SSAValue, x: SSAValue) -> SSAValue:
        one = sb.add(arith.SelectOp(pred(sb, x), sb.const(1, "int64"), sb.const(0, "int64")))
        return sb.add(arith.AddiOp(acc, one))
    return L.emit(arith.IndexCastOp(reduce_to_scalar(L, m, "int64", 0, body), IndexType()))


Pred = Callable[[ScalarBuilder, list[SSAValue]], SSAValue]
"""A validity test of one element's parameters (already in the computation dtypes)."""


def _cmpf(pred: str, value: float) -> Pred:
    return lambda sb, a: sb.add(arith.CmpfOp(a[0], sb.const(value, dt.dtype_of(a[0].type)), pred))


def _cmpi(pred: str, value: int | None = None) -> Pred:
    def test(sb: ScalarBuilder, a: list[SSAValue]) -> SSAValue:
        rhs = a[1] if value is None else sb.const(value, "int64")
        return sb.add(arith.CmpiOp(a[0], rhs, pred))
    return test


def _in_unit(sb: ScalarBuilder, a: list[SSAValue]) -> SSAValue:
    return sb.add(arith.AndIOp(_cmpf("oge", 0.0)(sb, a), _cmpf("ole", 1.0)(sb, a)))


CHECKS: dict[type, list[tuple[tuple[int, ...], Callable[..., np.ndarray], Pred, str]]] = {
    mt.RandomNormalOp: [((1,), lambda s: ~(s < 0), _cmpf("uge", 0.0), "std must not be negative")],
    mt.RandomIntegersOp: [((0, 1), lambda lo, hi: lo < hi, _cmpi("slt"), "low must be less than high")],
    mt.RandomBinomialOp: [((0,), lambda n: n >= 0, _cmpi("sge", 0), "n must not be negative"),
                          ((1,), lambda p: (p >= 0) & (p <= 1), _in_unit, "p must be in [0, 1]")],
}
"""Per sampler: (parameter positions, NumPy test for constants, scalar test, message)."""


def _failures(L: FuncLowering, op: mt.RandomOp, which: tuple[int, ...], valid: Pred,
              conv: Sequence[str], ins: list[SSAValue], sizes: list[SSAValue]) -> SSAValue:
    """How many elements fail `valid` (an index value). One parameter is tested where it
    is stored; several get a verdict buffer over the broadcast index space first."""
    src = [dt.dtype_of(op.operands[1 + i].type) for i in which]

    def test(sb: ScalarBuilder, a: list[SSAValue]) -> SSAValue:
        return valid(sb, [sb.convert(x, s, d) for x, s, d in zip(a, src, conv)])

    if len(which) == 1:
        m, verdict = L.buf[op.operands[1 + which[0]]], test
    else:
        m = L.alloc(dt.elem_type("bool"), dt.shape_of(op.results[0].type), sizes)
        elemwise_kernel(L, [ins[i] for i in which], m, src, test)
        verdict = lambda sb, a: a[0]  # noqa: E731
    return count_where(L, m, lambda sb, x: sb.add(arith.XOrIOp(verdict(sb, [x]), sb.const(1, "bool"))))


def check_params(L: FuncLowering, op: mt.RandomOp, ins: list[SSAValue], sizes: list[SSAValue],
                 dtypes: Sequence[str]) -> None:
    """ValueError when some element's parameters fail a test of `CHECKS`; constant
    parameters are tested now (no code when they pass)."""
    for which, static, valid, message in CHECKS.get(type(op), []):
        operands = [op.operands[1 + i] for i in which]
        conv = [dtypes[i] for i in which]
        if all(isinstance(v.owner, mt.ConstantOp) for v in operands) and np.all(static(*(
                v.owner.array().astype(d) for v, d in zip(operands, conv)))):  # type: ignore[union-attr]
            continue
        bad = _failures(L, op, which, valid, conv, ins, sizes)
        L.check(L.emit(arith.CmpiOp(bad, L.index(0), "eq")), [bad],
                f"{op.name}{where(op)}: {message} ({{0}} entries fail)")


Draw = Callable[[ScalarBuilder, State, SSAValue, list[SSAValue], str], SSAValue]


def _float_draw(op_class: type) -> Draw:
    def draw(sb, state, counter, args, dtype):
        return sb.add(op_class(state[0], counter, state[2], args[0], args[1]))
    return draw


def _integers_draw(sb: ScalarBuilder, state: State, counter: SSAValue, args: list[SSAValue],
                   dtype: str) -> SSAValue:
    r = sb.add(loop.RandIntegersOp(state[0], counter, state[2], args[0], args[1]))
    return sb.convert(r, "int64", dtype)


def _binomial_draw(sb: ScalarBuilder, state: State, counter: SSAValue, args: list[SSAValue],
                   dtype: str) -> SSAValue:
    r = sb.add(loop.RandBinomialOp(state[0], counter, state[2], args[0], args[1]))
    return sb.convert(r, "int64", dtype)


SAMPLERS: dict[type, tuple[Draw, Callable[[str], tuple[str, str]]]] = {
    mt.RandomUniformOp: (_float_draw(loop.RandUniformOp), lambda d: (d, d)),
    mt.RandomNormalOp: (_float_draw(loop.RandNormalOp), lambda d: (d, d)),
    mt.RandomIntegersOp: (_integers_draw, lambda d: ("int64", "int64")),
    mt.RandomBinomialOp: (_binomial_draw, lambda d: ("int64", "float64")),
}
"""Per sampler: the scalar draw and the dtypes its two parameters are converted to."""


def lower_sampler(L: FuncLowering, op: mt.RandomOp) -> SSAValue:
    """An elementwise sampler: uniform, normal, integers, binomial."""
    state = load_state(L, op)
    _, params, size_operands = op.split(list(op.operands))
    sizes = result_sizes(L, op, size_operands)
    draw, conv = SAMPLERS[type(op)]
    out_dtype = dt.dtype_of(op.results[0].type)
    dtypes = conv(out_dtype)
    ins = broadcast_params(L, op, params, sizes)
    check_params(L, op, ins, sizes, dtypes)
    src = [dt.dtype_of(v.type) for v in params]
    result = op.results[0].type
    out = L.alloc(result.element_type, dt.shape_of(result), sizes)  # type: ignore[attr-defined]

    def body(sb: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        vals = [sb.convert(a, s, d) for a, s, d in zip(args, src, dtypes)]
        return draw(sb, state, counter_at(sb, state, sizes), vals, out_dtype)

    elemwise_kernel(L, ins, out, src, body)
    return out


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


LOWERINGS: dict[type, Lowering] = {
    **{cls: lower_sampler for cls in (mt.RandomUniformOp, mt.RandomNormalOp, mt.RandomIntegersOp,
                                      mt.RandomBinomialOp)},
    mt.RandomPermutationOp: lower_permutation, mt.RandomChoiceOp: lower_choice,
    mt.RandomWeightedChoiceOp: lower_weighted_choice,
}
