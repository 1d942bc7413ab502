"""Every `mt` op, compiled through the whole backend (graph passes, convert-mt-to-loop,
convert-loop-to-scf, the C emitter, gcc, the runtime), against NumPy itself.

The oracle is NumPy, not `runtime/reference/`: each test states the expected dtype by
the documented rules (dialects/dtypes.py) and computes the value with NumPy on inputs cast
to that dtype. The reference table is consulted only to pin down our documented choices
where NumPy has no answer or only a warning (integer powers with negative exponents,
integer division and remainder by zero).

Tolerances: rtol 1e-12 (float64) / 1e-5 (float32) for exactly rounded ops, 1e-10 / 1e-4
for transcendental functions; integer and bool results must be equal.

Compile cost: every distinct graph is one gcc run, so `opharness` caches compiled
functions by (op, dtypes, static shapes, params); one dynamic-shape function serves all
shapes, layouts and values of a test.
"""

from __future__ import annotations

import itertools
import os
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.dirname(__file__))
import opharness  # noqa: E402
from opharness import run_const, run_folded, run_mt  # noqa: E402

from xdsl.ir import Block  # noqa: E402

from mlc.dialects import mt  # noqa: E402
from mlc.dialects.dtypes import MtTypeError, tensor_type  # noqa: E402
from mlc.runtime.reference import evaluate  # noqa: E402

ALL_DTYPES = ("bool", "int8", "int16", "int32", "int64", "float32", "float64")
EXACT = {"float64": 1e-12, "float32": 1e-5}
TRANS = {"float64": 1e-10, "float32": 1e-4}
FLOAT_OF = {"bool": "float32", "int8": "float32", "int16": "float32", "int32": "float64",
            "int64": "float64", "float32": "float32", "float64": "float64"}
"""Theano's rule for transcendental ops and `/`: small integers give float32."""
NONE_HI, NONE_LO = mt.NONE_HI, mt.NONE_LO


def arith_dtype(*dtypes: str) -> str:
    """NumPy promotion, except that bool arithmetic gives int8 (Theano)."""
    d = np.result_type(*dtypes).name
    return "int8" if d == "bool" else d


def check(got: np.ndarray, want: np.ndarray, tol: dict | None = None, atol: float = 0.0) -> None:
    want = np.asarray(want)
    assert got.dtype == want.dtype, f"dtype {got.dtype}, expected {want.dtype}"
    assert got.shape == want.shape, f"shape {got.shape}, expected {want.shape}"
    if want.dtype.kind == "f":
        rtol = (tol or EXACT)[want.dtype.name]
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def layouts(x: np.ndarray):
    """x itself plus views of equal values with other strides: transposed, reversed
    (negative strides), and every-other-element of a larger buffer."""
    yield x
    if x.ndim >= 2:
        yield np.ascontiguousarray(x.T).T
    if x.ndim >= 1:
        yield np.ascontiguousarray(x[(slice(None, None, -1),) * x.ndim])[(slice(None, None, -1),) * x.ndim]
        big = np.zeros(tuple(2 * s for s in x.shape), x.dtype)
        view = big[(slice(None, None, 2),) * x.ndim]
        view[...] = x
        yield view


RNG = np.random.default_rng(1234)


def ident(v) -> str:
    """Test ids: op names, dtype pairs, else str."""
    if isinstance(v, type):
        return v.name
    if isinstance(v, tuple) and all(isinstance(x, str) for x in v):
        return "-".join(v)
    return str(v)


def sample(dtype: str, shape: tuple[int, ...], lo: float = -4, hi: float = 4) -> np.ndarray:
    if dtype == "bool":
        return RNG.random(shape) < 0.5
    if dtype.startswith("int"):
        return RNG.integers(int(lo), int(hi) + 1, shape).astype(dtype)
    return RNG.uniform(lo, hi, shape).astype(dtype)


SHAPES = ((3, 5), (1, 1), (0, 4), (4, 0))

# ---------------------------------------------------------------------------- unary

F_SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 1e-9, -1e-9, 30.0, -30.0, 1000.0, -1000.0,
                      np.inf, -np.inf, np.nan])
NP_UNARY = {
    mt.NegOp: np.negative, mt.AbsOp: np.abs, mt.SignOp: np.sign,
    mt.ExpOp: np.exp, mt.LogOp: np.log, mt.Log1pOp: np.log1p, mt.Expm1Op: np.expm1,
    mt.SqrtOp: np.sqrt, mt.SinOp: np.sin, mt.CosOp: np.cos, mt.TanhOp: np.tanh,
    mt.SigmoidOp: lambda x: (1 / (1 + np.exp(-x))).astype(x.dtype),
}
INT_UNARY = (mt.NegOp, mt.AbsOp, mt.SignOp)
FLOAT_UNARY = tuple(op for op in NP_UNARY if op not in INT_UNARY)
UNARY_CASES = ([(op, d) for op in INT_UNARY for d in ("float64", "float32", "int32", "int8", "int64", "bool")]
               + [(op, d) for op in FLOAT_UNARY for d in ("float64", "float32", "int32")]
               + [(mt.ExpOp, "int16"), (mt.SqrtOp, "bool"), (mt.SinOp, "int8"), (mt.LogOp, "int64")])


def unary_inputs(dtype: str) -> list[np.ndarray]:
    xs = [sample(dtype, s) for s in SHAPES]
    if dtype.startswith("float"):
        xs.append(F_SPECIAL.astype(dtype).reshape(2, 7))
    elif dtype.startswith("int"):
        info = np.iinfo(dtype)
        xs.append(np.array([[info.min, info.max, -1, 0, 1, info.min + 1]], dtype))
    return xs


@pytest.mark.parametrize("op,dtype", UNARY_CASES, ids=ident)
def test_unary(op, dtype):
    out = dtype if op is mt.AbsOp else arith_dtype(dtype) if op in INT_UNARY else FLOAT_OF[dtype]
    tol = EXACT if op in INT_UNARY else TRANS
    for x in unary_inputs(dtype):
        with np.errstate(all="ignore"):
            want = NP_UNARY[op](x.astype(out))
        for v in layouts(x):
            check(run_mt(op, [v]), want, tol, atol=1e-300 if out == "float64" else 1e-37)


@pytest.mark.parametrize("op", list(NP_UNARY), ids=ident)
def test_unary_rank0(op):
    x = np.array(0.75)
    check(run_mt(op, [x]), np.asarray(NP_UNARY[op](x)), TRANS)


def test_sigmoid_is_finite_for_large_inputs():
    x = np.array([-800.0, -100.0, 0.0, 100.0, 800.0])
    with np.errstate(over="ignore"):
        check(run_mt(mt.SigmoidOp, [x]), 1 / (1 + np.exp(-x)), TRANS)

# --------------------------------------------------------------------------- binary

NP_BINARY = {
    mt.AddOp: np.add, mt.SubOp: np.subtract, mt.MulOp: np.multiply,
    mt.TrueDivOp: np.true_divide, mt.IntDivOp: np.floor_divide, mt.ModOp: np.mod,
    mt.PowOp: np.power, mt.MaximumOp: np.maximum, mt.MinimumOp: np.minimum,
    mt.EqOp: np.equal, mt.NeqOp: np.not_equal, mt.LtOp: np.less, mt.LeOp: np.less_equal,
    mt.GtOp: np.greater, mt.GeOp: np.greater_equal,
    mt.AndOp: np.bitwise_and, mt.OrOp: np.bitwise_or, mt.XorOp: np.bitwise_xor,
}
COMPARE = (mt.EqOp, mt.NeqOp, mt.LtOp, mt.LeOp, mt.GtOp, mt.GeOp)
LOGIC = (mt.AndOp, mt.OrOp, mt.XorOp)
ARITH_PAIRS = (("float64", "float64"), ("float32", "float32"), ("int32", "int32"),
               ("int8", "int8"), ("bool", "bool"), ("int32", "float32"), ("float32", "float64"))
BINARY_CASES = (
    [(op, p) for op in (mt.AddOp, mt.SubOp, mt.MulOp) for p in ARITH_PAIRS]
    + [(mt.TrueDivOp, p) for p in (("float64", "float64"), ("float32", "float32"),
                                   ("int32", "int32"), ("int8", "int16"))]
    + [(op, p) for op in (mt.IntDivOp, mt.ModOp) for p in (("int32", "int32"), ("int64", "int64"),
                                                           ("int8", "int8"), ("int16", "int32"))]
    + [(op, p) for op in (mt.MaximumOp, mt.MinimumOp)
       for p in (("float64", "float64"), ("float32", "float32"), ("int32", "int32"),
                 ("bool", "bool"), ("int8", "float32"))]
    + [(op, p) for op in COMPARE for p in (("float64", "float64"), ("int32", "int32"),
                                           ("int32", "float64"), ("bool", "bool"))]
    + [(op, p) for op in LOGIC for p in (("bool", "bool"), ("int32", "int32"),
                                         ("int8", "int8"), ("bool", "int16"))]
)


def binary_out_dtype(op, dtypes) -> str:
    if op in COMPARE:
        return "bool"
    if op in LOGIC:
        return np.result_type(*dtypes).name
    if op is mt.TrueDivOp:
        return FLOAT_OF[np.result_type(*dtypes).name]
    return arith_dtype(*dtypes)


def binary_inputs(op, dtypes, shape):
    lo, hi = (-10, 10) if op in (mt.IntDivOp, mt.ModOp) else (-4, 4)
    a, b = sample(dtypes[0], shape, lo, hi), sample(dtypes[1], shape, lo, hi)
    if op is mt.TrueDivOp and b.dtype.kind in "iu":
        b[b == 0] = 3  # x / 0 on integers: see test_true_div_int_by_zero
    return a, b


def np_binary(op, a, b, out):
    comp = np.result_type(a, b).name if op in COMPARE + LOGIC else out
    with np.errstate(all="ignore"):
        return NP_BINARY[op](a.astype(comp), b.astype(comp)).astype(out)


@pytest.mark.parametrize("op,dtypes", BINARY_CASES, ids=ident)
def test_binary(op, dtypes):
    out = binary_out_dtype(op, dtypes)
    for shape in SHAPES:
        a, b = binary_inputs(op, dtypes, shape)
        want = np_binary(op, a, b, out)
        for va, vb in zip(layouts(a), layouts(b)):
            check(run_mt(op, [va, vb]), want)
        check(run_mt(op, [a, b[::-1]]), np_binary(op, a, b[::-1], out))


@pytest.mark.parametrize("op", [mt.AddOp, mt.SubOp, mt.MulOp, mt.TrueDivOp, mt.PowOp,
                                mt.MaximumOp, mt.LtOp], ids=ident)
def test_binary_rank0(op):
    a, b = np.array(1.5), np.array(-2.0)
    out = "bool" if op is mt.LtOp else "float64"
    check(run_mt(op, [a, b]), np_binary(op, a, b, out))


def test_logic_ops_reject_floats():
    for op in LOGIC:
        with pytest.raises(MtTypeError):
            opharness.result_type(op, ["float64", "int32"], [(-1,), (-1,)])


def test_int_overflow_wraps_like_numpy():
    for dtype in ("int8", "int32", "int64"):
        info = np.iinfo(dtype)
        a = np.array([info.max, info.min, info.max, info.min // 2 - 1], dtype)
        b = np.array([1, -1, info.max, 3], dtype)
        with np.errstate(all="ignore"):
            check(run_mt(mt.AddOp, [a, b]), a + b)
            check(run_mt(mt.SubOp, [a, b]), a - b)
            check(run_mt(mt.MulOp, [a, b]), a * b)
            check(run_mt(mt.NegOp, [a]), -a)
            check(run_mt(mt.AbsOp, [a]), np.abs(a))


INT_DIV_A = [7, -7, 7, -7, 0, 6, -6, 1, -1, 3]
INT_DIV_B = [2, 2, -2, -2, 5, -3, 3, -4, 4, 7]


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64"])
def test_int_div_mod_floor_semantics(dtype):
    """Python's // and %: floor toward -inf, remainder takes the divisor's sign."""
    a, b = np.array(INT_DIV_A, dtype), np.array(INT_DIV_B, dtype)
    check(run_mt(mt.IntDivOp, [a, b]), np.floor_divide(a, b))
    check(run_mt(mt.ModOp, [a, b]), np.mod(a, b))
    assert run_mt(mt.IntDivOp, [a, b]).tolist() == [x // y for x, y in zip(INT_DIV_A, INT_DIV_B)]
    assert run_mt(mt.ModOp, [a, b]).tolist() == [x % y for x, y in zip(INT_DIV_A, INT_DIV_B)]


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64"])
def test_int_div_mod_by_zero_and_min_by_minus_one(dtype):
    """Integer x // 0 and x % 0 give 0 (our semantics, as the reference table says; NumPy
    agrees, with a warning); INT_MIN // -1 wraps to INT_MIN and INT_MIN % -1 is 0."""
    info = np.iinfo(dtype)
    a = np.array([5, -5, 0, info.min, info.max, info.min], dtype)
    b = np.array([0, 0, 0, 0, -1, -1], dtype)
    for op, npf in ((mt.IntDivOp, np.floor_divide), (mt.ModOp, np.mod)):
        got = run_mt(op, [a, b])
        with np.errstate(all="ignore"):
            check(got, npf(a, b))
        np.testing.assert_array_equal(got, evaluate(_detached(op, dtype, 1), [a, b]))
        assert got[:3].tolist() == [0, 0, 0]


def _detached(op_class, dtype, rank, nargs=2, **params):
    """An op on detached block arguments, for `evaluate` (the reference table)."""
    block = Block(arg_types=[tensor_type(dtype, (-1,) * rank)] * nargs)
    return op_class.make(list(block.args), **params)


def test_true_div_int_by_zero():
    """Integer / gives floats: 1/0 = inf, -1/0 = -inf, 0/0 = nan (as NumPy)."""
    a, b = np.array([1, -1, 0, 7], np.int32), np.array([0, 0, 0, 2], np.int32)
    with np.errstate(all="ignore"):
        check(run_mt(mt.TrueDivOp, [a, b]), a.astype(np.float64) / b)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_float_int_div_mod(dtype):
    a = np.array([7.5, -7.5, 7.5, -7.5, 0.0, 1.0, -1.0, 0.0, 3.0, -0.5], dtype)
    b = np.array([2.0, 2.0, -2.0, -2.0, 3.0, 0.0, 0.0, 0.0, -0.5, 3.0], dtype)
    with np.errstate(all="ignore"):
        check(run_mt(mt.IntDivOp, [a, b]), np.floor_divide(a, b))
        check(run_mt(mt.ModOp, [a[:8], b[:8]]), np.mod(a[:8], b[:8]))
        x, y = sample(dtype, (200,), -100, 100), sample(dtype, (200,), 0.5, 10)
        y[::2] *= -1
        check(run_mt(mt.IntDivOp, [x, y]), np.floor_divide(x, y))
        # x - floor(x/y)*y may lose the low bits of x (see the exactness test below)
        np.testing.assert_allclose(run_mt(mt.ModOp, [x, y]), np.mod(x, y), rtol=0,
                                   atol=8 * np.finfo(dtype).eps * 100)


INF_A, INF_B = [np.inf, -np.inf, 3.0, -3.0], [2.0, 2.0, np.inf, np.inf]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_float_int_div_infinities(dtype):
    """As Python and NumPy: inf // 2 is nan, 3 // inf is 0, -3 // inf is -1."""
    a, b = np.array(INF_A, dtype), np.array(INF_B, dtype)
    with np.errstate(all="ignore"):
        check(run_mt(mt.IntDivOp, [a, b]), np.floor_divide(a, b))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_float_mod_infinities(dtype):
    """As Python and NumPy: inf % 2 is nan, 3 % inf is 3, -3 % inf is inf."""
    a, b = np.array(INF_A, dtype), np.array(INF_B, dtype)
    with np.errstate(all="ignore"):
        check(run_mt(mt.ModOp, [a, b]), np.mod(a, b))


def test_float_int_div_at_rounding_boundary():
    """Python: 5.0 // 0.1 == 49.0 (0.1 is slightly above 1/10, so the exact quotient is
    just below 50, though 5.0 / 0.1 rounds to 50.0); NumPy agrees with Python."""
    a, b = np.array([5.0, 1.0, 0.3]), np.array([0.1, 0.1, 0.1])
    check(run_mt(mt.IntDivOp, [a, b]), np.floor_divide(a, b))


def test_float_mod_is_exact():
    """fmod is exact, so Python's % on floats is exactly rounded: 5.0 % 0.1 ==
    0.09999999999999973 and float32 88.73906 % -9.89291 == -0.29713058."""
    a, b = np.array([5.0, 1.0, 0.3, 85.29878646]), np.array([0.1, 0.1, 0.1, 9.47757576])
    check(run_mt(mt.ModOp, [a, b]), np.mod(a, b))
    x, y = np.array([88.73906, 83.069336], np.float32), np.array([-9.89291, 1.8440844], np.float32)
    check(run_mt(mt.ModOp, [x, y]), np.mod(x, y))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_pow_float(dtype):
    a = np.array([2.0, 2.0, 0.5, 9.0, -2.0, -2.0, -8.0, 0.0, 0.0, 1.0, np.nan, 1.0, -1.0], dtype)
    b = np.array([3.0, -1.5, 0.25, 0.5, 3.0, -2.0, 1 / 3, 0.0, -1.0, np.nan, 0.0, np.inf, np.inf], dtype)
    x, y = sample(dtype, (40,), 0.01, 5), sample(dtype, (40,), -3, 3)
    with np.errstate(all="ignore"):
        for u, v in ((a, b), (x, y)):
            check(run_mt(mt.PowOp, [u, v]), np.power(u, v), TRANS)


def test_pow_int():
    """Integer powers as NumPy (wrapping); a negative exponent raises, as in NumPy."""
    a = np.array([2, -3, 0, 5, 7, 1, -1], np.int32)
    b = np.array([10, 3, 0, 0, 20, 5, 3], np.int32)
    with np.errstate(all="ignore"):
        check(run_mt(mt.PowOp, [a, b]), np.power(a, b))
    b[5] = -5
    with pytest.raises(ValueError, match="negative integer powers"):
        run_mt(mt.PowOp, [a, b])
    with pytest.raises(ValueError, match="negative integer powers"):
        evaluate(_detached(mt.PowOp, "int32", 1), [a, b])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_maximum_minimum_propagate_nan(dtype):
    a = np.array([np.nan, 1.0, np.nan, -np.inf, 0.0, 2.0], dtype)
    b = np.array([1.0, np.nan, np.nan, 3.0, -0.0, -np.inf], dtype)
    check(run_mt(mt.MaximumOp, [a, b]), np.maximum(a, b))
    check(run_mt(mt.MinimumOp, [a, b]), np.minimum(a, b))


@pytest.mark.parametrize("op", COMPARE, ids=ident)
def test_compare_with_nan(op):
    a = np.array([np.nan, 1.0, np.nan, 2.0, -np.inf, np.inf])
    b = np.array([1.0, np.nan, np.nan, 2.0, -np.inf, 1.0])
    check(run_mt(op, [a, b]), NP_BINARY[op](a, b))


def test_compare_int_float_mixed_uses_common_dtype():
    a = np.array([2**53 + 1, 3, -3], np.int64)
    b = np.array([2.0**53, 3.0, -2.5])
    check(run_mt(mt.EqOp, [a, b]), np.equal(a, b))
    check(run_mt(mt.LtOp, [a, b]), np.less(a, b))

# --------------------------------------------------------------------- select, cast


@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("int32", "float32"), ("bool", "int8")])
def test_select(dtypes):
    out = np.result_type(*dtypes).name
    for shape in SHAPES:
        c, a, b = sample("bool", shape), sample(dtypes[0], shape), sample(dtypes[1], shape)
        want = np.where(c, a.astype(out), b.astype(out))
        for vc, va, vb in zip(layouts(c), layouts(a), layouts(b)):
            check(run_mt(mt.SelectOp, [vc, va, vb]), want)


def test_select_broadcasts_static_ones():
    c = np.array([[True], [False], [True]])
    a, b = np.arange(12.0).reshape(3, 4), np.array([[-1.0, -2.0, -3.0, -4.0]])
    got = run_mt(mt.SelectOp, [c, a, b], [(-1, 1), (-1, -1), (1, -1)])
    check(got, np.where(c, a, b))


def test_select_needs_bool_condition():
    with pytest.raises(MtTypeError):
        opharness.result_type(mt.SelectOp, ["int8", "float64", "float64"], [(-1,)] * 3)


def cast_inputs(src: str, dst: str) -> np.ndarray:
    if src == "bool":
        return np.array([[True, False, True]])
    if src.startswith("int"):
        info = np.iinfo(src)
        return np.array([[info.min, info.max, -1, 0, 1, 127, -128, 300, -300]]).astype(src)
    vals = [0.0, -0.0, 0.5, -0.5, 1.9, -1.9, 100.75, -100.75]
    if dst == "bool":
        vals += [np.nan, np.inf, -np.inf, 1e-30]
    elif dst.startswith("float"):
        vals += [np.nan, np.inf, -np.inf, 1e-30, 1e300 if src == "float64" else 3e38]
    else:  # in-range values only: out-of-range float -> int is undefined in C
        info = np.iinfo(dst)
        lim = float(min(info.max, 2**24 if src == "float32" else 2**52))
        vals += [lim - 0.5, -lim + 0.5, float(info.min)]
    return np.array([vals]).astype(src)


@pytest.mark.parametrize("src,dst", list(itertools.product(ALL_DTYPES, ALL_DTYPES)))
def test_cast(src, dst):
    x = cast_inputs(src, dst)
    with np.errstate(all="ignore"):
        want = x.astype(dst)
    for v in layouts(x):
        check(run_mt(mt.CastOp, [v], dtype=dst), want)
    check(run_mt(mt.CastOp, [x[:, :0]], dtype=dst), want[:, :0])

# ----------------------------------------------------------------------- reductions

NP_REDUCE = {mt.SumOp: np.sum, mt.ProdOp: np.prod, mt.MaxOp: np.max, mt.MinOp: np.min,
             mt.MeanOp: np.mean}
REDUCE_OUT = {mt.SumOp: lambda d: d if d in ("float32", "float64", "int64") else "int64",
              mt.ProdOp: lambda d: d if d in ("float32", "float64", "int64") else "int64",
              mt.MaxOp: lambda d: d, mt.MinOp: lambda d: d, mt.MeanOp: lambda d: FLOAT_OF[d]}


def subsets(rank: int):
    return [c for k in range(rank + 1) for c in itertools.combinations(range(rank), k)]


def reduce_cases():
    for op in NP_REDUCE:
        for axes in subsets(3):
            yield op, "float64", 3, axes
        for axes in subsets(2):
            yield op, "int32", 2, axes
        yield op, "float32", 2, (0, 1)
        yield op, "float32", 2, (1,)
        yield op, "bool", 1, (0,)
        yield op, "int8", 1, (0,)
        yield op, "float64", 0, ()


def np_reduce(op, x, axes):
    out = REDUCE_OUT[op](x.dtype.name)
    acc = out if op is not mt.MeanOp else FLOAT_OF[x.dtype.name]
    with np.errstate(all="ignore"):
        return np.asarray(NP_REDUCE[op](x.astype(acc), axis=axes)).astype(out)


REDUCE_SHAPES = {0: [()], 1: [(5,), (1,), (0,)], 2: [(3, 4), (1, 5), (0, 3), (3, 0)],
                 3: [(2, 3, 4), (0, 2, 3), (2, 0, 1), (1, 1, 1)]}


@pytest.mark.parametrize("op,dtype,rank,axes", list(reduce_cases()),
                         ids=ident)
def test_reduce(op, dtype, rank, axes):
    for shape in REDUCE_SHAPES[rank]:
        x = sample(dtype, shape, -3, 3) if op is not mt.ProdOp or dtype != "float64" \
            else sample(dtype, shape, 0.5, 1.5)
        empty = any(shape[a] == 0 for a in axes)
        for v in layouts(x):
            if empty and op in (mt.MaxOp, mt.MinOp):
                with pytest.raises(ValueError):
                    run_mt(op, [v], axes=axes)
            else:
                check(run_mt(op, [v], axes=axes), np_reduce(op, x, axes), atol=1e-6)


def test_reduce_of_empty_identities():
    """sum of nothing is 0, prod 1, mean NaN; max/min raise ValueError."""
    x = np.zeros((0, 3))
    check(run_mt(mt.SumOp, [x], axes=(0, 1)), np.array(0.0))
    check(run_mt(mt.ProdOp, [x], axes=(0, 1)), np.array(1.0))
    assert np.isnan(run_mt(mt.MeanOp, [x], axes=(0, 1)))
    check(run_mt(mt.SumOp, [x], axes=(0,)), np.zeros(3))
    with pytest.raises(ValueError):
        run_mt(mt.MaxOp, [x], axes=(0, 1))
    with pytest.raises(ValueError):
        run_mt(mt.MinOp, [np.zeros((3, 0), np.int32)], axes=(1,))


def test_reduce_nan_and_int_accumulation():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])
    for op in (mt.MaxOp, mt.MinOp, mt.SumOp, mt.MeanOp):
        check(run_mt(op, [x], axes=(1,)), np.asarray(NP_REDUCE[op](x, axis=1)))
    big = np.full((2, 4), 2**30, np.int32)
    check(run_mt(mt.SumOp, [big], axes=(0, 1)), np.array(2**33, np.int64))
    check(run_mt(mt.MeanOp, [big], axes=(0, 1)), np.array(2.0**30))


def test_float32_reductions_accumulate_accurately():
    """NumPy sums float32 pairwise (Theano accumulated float32 in float64): the sum of a
    million 0.1f is 100000 to float32 precision, and the mean of 2**25 ones is 1."""
    y = np.full((1000, 1000), 0.1, np.float32)
    check(run_mt(mt.SumOp, [y], axes=(0, 1)), np.asarray(y.sum()))
    check(run_mt(mt.MeanOp, [y], axes=(0, 1)), np.asarray(y.mean()))
    check(run_mt(mt.MeanOp, [np.ones(2**25, np.float32)], axes=(0,)), np.array(1.0, np.float32))


def test_reduce_rejects_unsorted_axes():
    with pytest.raises(MtTypeError):
        opharness.result_type(mt.SumOp, ["float64"], [(-1, -1)], axes=(1, 0))

# ------------------------------------------------------------------------------ dot

DOT_SHAPES = {(2, 2): [((3, 4), (4, 2)), ((0, 3), (3, 2)), ((2, 0), (0, 3)), ((1, 1), (1, 1))],
              (2, 1): [((3, 4), (4,)), ((2, 0), (0,)), ((0, 2), (2,))],
              (1, 2): [((4,), (4, 3)), ((0,), (0, 2)), ((3,), (3, 0))],
              (1, 1): [((5,), (5,)), ((0,), (0,)), ((1,), (1,))]}


@pytest.mark.parametrize("ranks", list(DOT_SHAPES))
@pytest.mark.parametrize("dtypes", [("float64", "float64"), ("float32", "float32"),
                                    ("int32", "int32"), ("int32", "float64")])
def test_dot(ranks, dtypes):
    out = arith_dtype(*dtypes)
    for sa, sb in DOT_SHAPES[ranks]:
        a, b = sample(dtypes[0], sa), sample(dtypes[1], sb)
        want = np.dot(a.astype(out), b.astype(out))
        for va, vb in zip(layouts(a), layouts(b)):
            check(run_mt(mt.DotOp, [va, vb]), want, atol=1e-5 if out == "float32" else 1e-12)
    a, b = sample(dtypes[0], (3,) * ranks[0]), sample(dtypes[1], (4,) * ranks[1])
    with pytest.raises(ValueError):
        run_mt(mt.DotOp, [a, b])


def test_dot_static_mismatch_is_a_type_error():
    with pytest.raises(MtTypeError):
        opharness.result_type(mt.DotOp, ["float64"] * 2, [(2, 3), (4, -1)])

# ----------------------------------------------------------------------- dimshuffle

DIMSHUFFLE_CASES = [
    ((-1, -1), (1, 0), lambda x: x.T),
    ((-1, -1), (0, -1, 1), lambda x: x[:, None, :]),
    ((-1, -1), (-1, 1, -1, 0), lambda x: x.T[None, :, None, :]),
    ((-1, -1, -1), (2, 0, 1), lambda x: x.transpose(2, 0, 1)),
    ((), (-1, -1), lambda x: x.reshape(1, 1)),
    ((1, -1), (1,), lambda x: x[0]),
    ((-1, 1, -1), (2, -1, 0), lambda x: x[:, 0, :].T[:, None, :]),
    ((1, 1), (), lambda x: x[0, 0]),
]


@pytest.mark.parametrize("static,pattern,npf", DIMSHUFFLE_CASES, ids=ident)
def test_dimshuffle(static, pattern, npf):
    sizes = [(2, 3), (1, 4), (0, 3), (3, 0)] if len(static) >= 2 else [()]
    for dyn in sizes:
        shape = tuple(s if s >= 0 else d for s, d in zip(static, dyn + (5,)))
        x = sample("float64", shape)
        for v in layouts(x):
            check(run_mt(mt.DimShuffleOp, [v], [static], pattern=pattern), npf(x))


def test_dimshuffle_cannot_drop_a_dynamic_axis():
    with pytest.raises(MtTypeError):
        opharness.result_type(mt.DimShuffleOp, ["float64"], [(-1, -1)], pattern=(1,))

# -------------------------------------------------------------------------- reshape

RESHAPE_CASES = [
    (2, (-1,), [(3, 4), (0, 5), (1, 1)], []),
    (1, (2, -1), [(6,), (0,), (2,)], [(7,), (1,)]),
    (2, (3, 4), [(2, 6), (12, 1), (4, 3)], [(3, 5)]),
    (1, (-1, 1), [(4,), (0,)], []),
    (0, (1, 1), [()], []),
    (2, (), [(1, 1)], [(1, 2)]),
    (3, (-1, 2), [(2, 3, 4), (1, 2, 1)], [(1, 3, 1)]),
    (1, (0, -1), [], [(0,), (3,)]),
]


@pytest.mark.parametrize("rank,shape,good,bad", RESHAPE_CASES, ids=ident)
def test_reshape(rank, shape, good, bad):
    for s in good:
        x = sample("float64", s)
        for v in layouts(x):
            check(run_mt(mt.ReshapeOp, [v], shape=shape), x.reshape(shape))
    for s in bad:
        with pytest.raises(ValueError):
            np.zeros(s).reshape(shape)
        with pytest.raises(ValueError):
            run_mt(mt.ReshapeOp, [np.zeros(s)], shape=shape)


def test_reshape_of_transposed_and_reversed_views():
    x = np.arange(24.0).reshape(4, 6)
    for v in (x.T, x[::-1], x[:, ::-2], x.T[::2]):
        check(run_mt(mt.ReshapeOp, [v], shape=(-1,)), v.reshape(-1))
        check(run_mt(mt.ReshapeOp, [v], shape=(-1, 2)), v.reshape(-1, 2))


def test_reshape_static_size_mismatch_is_a_type_error():
    with pytest.raises(MtTypeError):
        opharness.result_type(mt.ReshapeOp, ["float64"], [(2, 3)], shape=(4, 2))

# ------------------------------------------------------------------------ subtensor


def index_params(index: tuple) -> dict:
    """`mt.subtensor` parameters of a Python basic index, with omitted bounds encoded
    as documented in dialects/mt/structure.py (NONE_HI / NONE_LO)."""
    starts, stops, steps, squeeze = [], [], [], []
    for axis, item in enumerate(index):
        if isinstance(item, int):
            starts.append(item), stops.append(item + 1 if item != -1 else NONE_HI), steps.append(1)
            squeeze.append(axis)
            continue
        step = 1 if item.step is None else item.step
        starts.append(item.start if item.start is not None else (0 if step > 0 else NONE_HI))
        stops.append(item.stop if item.stop is not None else (NONE_HI if step > 0 else NONE_LO))
        steps.append(step)
    return dict(starts=tuple(starts), stops=tuple(stops), steps=tuple(steps), squeeze=tuple(squeeze))


S = slice
SUBTENSOR_CASES = [
    (1, (S(1, 4),)), (1, (S(-3, None),)), (1, (S(None, -2),)), (1, (S(None, None, -1),)),
    (1, (S(-2, None, -2),)), (1, (S(None, 1, -1),)), (1, (S(5, 2),)), (1, (S(-100, 100, 3),)),
    (1, (2,)), (1, (-1,)), (2, (S(1, None), S(None, None, -2))), (2, (-2, S(1, 3))),
    (2, (S(None, None, -1), 0)), (3, (1,)), (3, (S(None), -1, S(None, None, 2))),
    (2, (S(100, None, -1), S(-1, -100, -1))),
]


@pytest.mark.parametrize("rank,index", SUBTENSOR_CASES, ids=ident)
def test_subtensor(rank, index):
    params = index_params(index)
    for shape in ([(6,), (3,), (1,)], [(4, 5), (3, 3)], [(3, 4, 5), (2, 2, 1)])[rank - 1]:
        x = sample("int32", shape, -100, 100)
        try:
            want = x[index]
        except IndexError:
            with pytest.raises(IndexError):
                run_mt(mt.SubtensorOp, [x], **params)
            continue
        for v in layouts(x):
            check(run_mt(mt.SubtensorOp, [v], **params), want)


def test_subtensor_empty_axis_and_out_of_range_index():
    x = np.zeros((0,))
    for index in [(S(None, None, -1),), (S(1, 3),), (S(None),)]:
        check(run_mt(mt.SubtensorOp, [x], **index_params(index)), x[index])
    for bad in (3, -4, 0):
        y = np.arange(3.0) if bad else x
        with pytest.raises(IndexError):
            run_mt(mt.SubtensorOp, [y], **index_params((bad,)))


def test_subtensor_static_shapes():
    x = np.arange(10.0)
    params = index_params((S(-2, 1, -3),))
    assert opharness.result_type(mt.SubtensorOp, ["float64"], [(10,)], **params)[1] == (3,)
    check(run_mt(mt.SubtensorOp, [x], [(10,)], **params), x[-2:1:-3])
    with pytest.raises(MtTypeError):
        opharness.result_type(mt.SubtensorOp, ["float64"], [(10,)], **index_params((10,)))

# ---------------------------------------------------------------- shape, constant


@pytest.mark.parametrize("shapes", [[()], [(0,), (7,)], [(2, 0, 3), (1, 1, 1)]])
def test_shape(shapes):
    for s in shapes:
        x = np.zeros(s, np.float32)
        for v in layouts(x):
            check(run_mt(mt.ShapeOp, [v]), np.array(s, np.int64))


@pytest.mark.parametrize("value", [np.arange(6.0).reshape(2, 3), np.array(2.5, np.float32),
                                   np.array([True, False, True]), np.array([-128, 5, 127], np.int8),
                                   np.array([[-(2**15)], [7]], np.int16), np.array([1, -2**31], np.int32),
                                   np.array([2**62, -2**63], np.int64), np.array([np.nan, np.inf, -0.0]),
                                   np.zeros((0, 2))],
                         ids=lambda v: f"{v.dtype}{v.shape}")
def test_constant(value):
    check(run_const(value), value)

@pytest.mark.parametrize("op,arrays,params", [
    (mt.SumOp, [np.arange(6.0).reshape(2, 3)], {"axes": (0, 1)}),
    (mt.AddOp, [np.array(1.5), np.array(2.0)], {}),
    (mt.DotOp, [np.arange(3.0), np.ones(3)], {}),
    (mt.MulOp, [np.arange(4, dtype=np.int32), np.full(4, 3, np.int32)], {}),
    (mt.SubtensorOp, [np.arange(5.0)], {"starts": (2,), "stops": (3,), "steps": (1,), "squeeze": (0,)}),
], ids=["sum-all", "add-rank0", "dot-vv", "mul-int", "index"])
def test_constant_folding(op, arrays, params):
    """canonicalize folds ops on constants through the NumPy reference; the folded
    graph must keep the op's type (a rank-0 result stays rank 0)."""
    want = {mt.SumOp: lambda x, axes: np.sum(x), mt.AddOp: np.add, mt.DotOp: np.dot,
            mt.MulOp: np.multiply, mt.SubtensorOp: lambda x, **p: x[2]}[op](*arrays, **params)
    check(run_folded(op, arrays, **params), np.asarray(want))

# --------------------------------------------------- broadcasting and static shapes

LAYOUT = st.sampled_from(["c", "reversed", "strided", "transposed"])


def relayout(x: np.ndarray, kind: str) -> np.ndarray:
    views = list(layouts(x))
    return {"c": views[0], "transposed": views[1] if x.ndim >= 2 else views[0],
            "reversed": views[-2] if x.ndim >= 1 else views[0],
            "strided": views[-1] if x.ndim >= 1 else views[0]}[kind]


@st.composite
def broadcast_case(draw):
    rank = draw(st.integers(0, 3))
    sizes = [draw(st.integers(0, 3)) for _ in range(rank)]
    statics = [[draw(st.sampled_from([1, -1])) for _ in range(rank)] for _ in range(2)]
    shapes = [tuple(1 if s == 1 else n for s, n in zip(stat, sizes)) for stat in statics]
    return statics, shapes, draw(LAYOUT), draw(LAYOUT)


@settings(max_examples=60, deadline=None, database=None)
@given(broadcast_case())
def test_broadcast_static_ones(case):
    """Operands broadcast along static-1 dims, mixing dtypes (float64 - int32)."""
    statics, shapes, la, lb = case
    a = sample("float64", shapes[0])
    b = sample("int32", shapes[1])
    got = run_mt(mt.SubOp, [relayout(a, la), relayout(b, lb)], statics)
    check(got, a - b.astype(np.float64))


@pytest.mark.parametrize("op", [mt.AddOp, mt.MaximumOp, mt.LtOp], ids=ident)
def test_dynamic_size_one_does_not_broadcast(op):
    """Theano semantics: only a statically broadcastable dim broadcasts."""
    a, b = np.ones((1, 3)), np.ones((5, 3))
    with pytest.raises(ValueError, match="broadcast"):
        run_mt(op, [a, b])
    with pytest.raises(ValueError):
        run_mt(op, [b, a])
    with pytest.raises(ValueError):
        run_mt(op, [np.ones((2, 3)), np.ones((3, 3))])
    check(run_mt(op, [a, b], [(1, -1), (-1, -1)]), np_binary(op, a, b, "bool" if op is mt.LtOp else "float64"))


def test_static_shapes_are_checked_at_call():
    x = np.ones((3, 4))
    check(run_mt(mt.ExpOp, [x], [(3, 4)]), np.exp(x), TRANS)
    with pytest.raises(ValueError):
        run_mt(mt.ExpOp, [np.ones((4, 3))], [(3, 4)])
    with pytest.raises(ValueError):
        run_mt(mt.AddOp, [np.ones((2, 3)), np.ones((2, 3))], [(1, -1), (-1, -1)])


def test_elemwise_static_size_mismatch_is_a_type_error():
    with pytest.raises(MtTypeError):
        opharness.result_type(mt.AddOp, ["float64"] * 2, [(2, 3), (3, 3)])
    with pytest.raises(MtTypeError):
        opharness.result_type(mt.AddOp, ["float64"] * 2, [(2, 3), (3,)])
