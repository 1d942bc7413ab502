"""Every mt op has a pullback and a pushforward rule (or an explicit mark), and every
differentiable op's rules agree with finite differences (float64, random shapes).

`CASES` gives each differentiable op a sample: input arrays and parameters. An op with
a rule but no case fails `test_every_differentiable_op_has_a_case`, so no rule goes
untested.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.dialects import mt
from mlc.passes.grad import (
    DISCONNECTED_OPS,
    NOT_DIFFERENTIABLE,
    PULLBACK,
    PUSHFORWARD,
    ZERO_GRADIENT_OPS,
)
from mlc.tensor.variable import apply

rng = np.random.default_rng(0)


def pos(*shape: int) -> np.ndarray:
    """Values in [0.5, 1.5): inside the domain of log, sqrt, pow and division."""
    return rng.random(shape) + 0.5


def sym(*shape: int) -> np.ndarray:
    return rng.standard_normal(shape)


def unary(gen: Callable = pos) -> tuple:
    return ([gen(3, 4)], {})


def binary(gen: Callable = pos) -> tuple:
    return ([gen(3, 4), gen(1, 4)], {})  # the second operand broadcasts along axis 0


CASES: dict[type, Callable[[], tuple[list[np.ndarray], dict[str, Any]]]] = {
    mt.NegOp: unary, mt.AbsOp: lambda: unary(sym), mt.ExpOp: unary, mt.LogOp: unary,
    mt.Log1pOp: unary, mt.Expm1Op: unary, mt.SqrtOp: unary, mt.SinOp: lambda: unary(sym),
    mt.CosOp: lambda: unary(sym), mt.TanhOp: lambda: unary(sym), mt.SigmoidOp: lambda: unary(sym),
    mt.AddOp: binary, mt.SubOp: binary, mt.MulOp: binary, mt.TrueDivOp: binary,
    mt.PowOp: binary, mt.MaximumOp: lambda: binary(sym), mt.MinimumOp: lambda: binary(sym),
    mt.ModOp: lambda: ([pos(3, 4) * 3, pos(1, 4)], {}),
    mt.SelectOp: lambda: ([sym(3, 4) > 0, sym(3, 4), sym(1, 4)], {}),
    mt.SecondOp: lambda: ([sym(3, 4), sym(1, 4)], {}),
    mt.CastOp: lambda: ([sym(3, 4)], {"dtype": "float64"}),
    mt.SumOp: lambda: ([sym(3, 4)], {"axes": (1,)}),
    mt.MeanOp: lambda: ([sym(3, 4)], {"axes": (0, 1)}),
    mt.ProdOp: lambda: ([pos(3, 4)], {"axes": (0,)}),
    mt.MaxOp: lambda: ([sym(3, 4)], {"axes": (1,)}),
    mt.MinOp: lambda: ([sym(3, 4)], {"axes": (0,)}),
    mt.DotOp: lambda: ([sym(3, 4), sym(4, 2)], {}),
    mt.DimShuffleOp: lambda: ([sym(3, 1, 4)], {"pattern": (2, -1, 0)}),
    mt.ReshapeOp: lambda: ([sym(3, 4)], {"shape": (2, 6)}),
    mt.ZeroGradOp: unary, mt.DisconnectedGradOp: unary,
    mt.SoftplusOp: lambda: unary(sym), mt.SoftmaxOp: lambda: ([sym(3, 4)], {"axis": 1}),
    mt.LogSoftmaxOp: lambda: ([sym(3, 4)], {"axis": 0}),
    mt.LogSumExpOp: lambda: ([sym(3, 4, 2)], {"axes": (0, 2)}),
}
DOT_RANKS = [((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 2)), ((4,), (4,))]
def _interval(lo: float, hi: float) -> Callable[[], tuple]:
    return lambda: ([rng.uniform(lo, hi, (3, 4))], {})


CASES.update({
    mt.Exp2Op: unary, mt.Log2Op: unary, mt.Log10Op: unary, mt.CbrtOp: unary, mt.TanOp: _interval(-1, 1),
    mt.ArcsinOp: _interval(-0.8, 0.8), mt.ArccosOp: _interval(-0.8, 0.8),
    mt.ArctanOp: lambda: unary(sym), mt.SinhOp: lambda: unary(sym), mt.CoshOp: lambda: unary(sym),
    mt.ArcsinhOp: lambda: unary(sym), mt.ArccoshOp: _interval(1.5, 3), mt.ArctanhOp: _interval(-0.8, 0.8),
    mt.ErfOp: lambda: unary(sym), mt.ErfcOp: lambda: unary(sym), mt.ErfinvOp: _interval(-0.8, 0.8),
    mt.ErfcinvOp: _interval(0.2, 1.8), mt.GammaOp: _interval(0.5, 3), mt.GammalnOp: _interval(0.5, 3),
    mt.Arctan2Op: lambda: binary(sym),
})
_ONE = {"starts": (0,), "stops": (0,), "steps": (1,), "squeeze": (0,), "dynamic": (0,)}
"""x[i] with i an operand."""
CASES.update({
    mt.SubtensorOp: lambda: ([sym(4, 5)], {"starts": (1, -1), "stops": (mt.NONE_HI, mt.NONE_LO),
                                           "steps": (2, -2), "squeeze": ()}),
    mt.DynamicSubtensorOp: lambda: ([sym(4, 5), np.array(2)], _ONE),
    mt.SetSubtensorOp: lambda: ([sym(4, 5), sym(5), np.array(1)], _ONE),
    mt.IncSubtensorOp: lambda: ([sym(4, 5), sym(1, 5)[0], np.array(-1)], _ONE),
    mt.AdvancedSubtensorOp: lambda: ([sym(4, 5), np.array([0, 2, 2])], {"axes": (0,)}),
    mt.AdvancedSetSubtensorOp: lambda: ([sym(4, 5), sym(3, 5), np.array([0, 2, 3])], {"axes": (0,)}),
    mt.AdvancedIncSubtensorOp: lambda: ([sym(4, 5), sym(3, 5), np.array([0, 2, 2])], {"axes": (0,)}),
})
_I = np.int64
CASES.update({
    mt.BatchedDotOp: lambda: ([sym(2, 3, 4), sym(2, 4, 5)], {}),
    mt.AllocOp: lambda: ([sym(1, 4), np.array(3, _I)], {"shape": (-1, 4)}),
    mt.DynReshapeOp: lambda: ([sym(3, 4), np.array(6, _I)], {"shape": (-1, 2)}),
    mt.SpecifyShapeOp: lambda: ([sym(3, 4), np.array(3, _I)], {"shape": (-1, 4)}),
    mt.JoinOp: lambda: ([sym(2, 4), sym(3, 4)], {"axis": 0}),
    mt.SplitOp: lambda: ([sym(5, 3), np.array([2, 3], _I)], {"axis": 0, "n": 2, "index": 1}),
    mt.RepeatOp: lambda: ([sym(3, 2), np.array([1, 0, 2], _I)], {"axis": 0}),
    mt.AllocDiagOp: lambda: ([sym(3)], {"offset": 1}),
    mt.ExtractDiagOp: lambda: ([sym(3, 4)], {"offset": -1}),
    mt.CumsumOp: lambda: ([sym(3, 4)], {"axis": 1}),
    mt.CumprodOp: lambda: ([pos(3, 4)], {"axis": 0}),
    mt.SortOp: lambda: ([sym(3, 4)], {"axis": 1}),
})
BATCHED_RANKS = [((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4)), ((2, 4), (2, 4, 5)), ((2, 4), (2, 4))]
NOT_TESTED = (mt.ConstantOp, mt.GradClipOp)
"""No inputs to differentiate (constant); gradient-altering by design (grad_clip, tested
in test_gradient.py)."""


def _vars(arrays: list[np.ndarray]) -> list:
    """Symbolic inputs: size-1 dims broadcastable, the others dynamic."""
    return [T.TensorType(a.dtype.name, shape=tuple(1 if n == 1 else None for n in a.shape))(f"x{i}")
            for i, a in enumerate(arrays)]


def _float_args(arrays: list[np.ndarray]) -> list[int]:
    return [i for i, a in enumerate(arrays) if a.dtype.kind == "f"]


def test_every_op_has_rules_or_a_mark() -> None:
    missing = [op.name for op in mt.ALL_OPS
               if (op not in PULLBACK or op not in PUSHFORWARD) and op not in NOT_DIFFERENTIABLE]
    assert not missing, f"ops without a pullback/pushforward rule or mark: {missing}"


def test_every_differentiable_op_has_a_case() -> None:
    marked = set(ZERO_GRADIENT_OPS) | set(DISCONNECTED_OPS) | set(NOT_TESTED)
    untested = [op.name for op in PULLBACK if op not in CASES and op not in marked]
    assert not untested, f"differentiable ops with no finite-difference case: {untested}"


def _op_fn(op: type, params: dict, fixed: dict[int, np.ndarray], n: int) -> Callable:
    """fun(*float_vars) applying op, with non-float inputs fixed as constants."""
    def fun(*xs: Any) -> Any:
        it = iter(xs)
        args = [T.constant(fixed[i]) if i in fixed else next(it) for i in range(n)]
        return apply(op, args, "test", **params)
    return fun


@pytest.mark.parametrize("op", list(CASES), ids=lambda op: op.name)
def test_pullback_matches_finite_differences(op: type) -> None:
    arrays, params = CASES[op]()
    floats = _float_args(arrays)
    fixed = {i: a for i, a in enumerate(arrays) if i not in floats}
    fun = _op_fn(op, params, fixed, len(arrays))
    if op is mt.DisconnectedGradOp:
        x = T.dmatrix("x")
        with pytest.raises(mlc.gradient.DisconnectedInputError):
            mlc.grad(apply(op, [x], "test").sum(), x)
        return
    if op is mt.ZeroGradOp:
        x = T.dmatrix("x")
        g = mlc.function([x], mlc.grad(apply(op, [x], "test").sum(), x))(arrays[0])
        assert np.array_equal(g, np.zeros_like(arrays[0]))
        return
    mlc.gradient.verify_grad(fun, [arrays[i] for i in floats], n_tests=1, rng=rng)


@pytest.mark.parametrize("shapes", DOT_RANKS, ids=str)
def test_dot_pullback_every_rank(shapes: tuple) -> None:
    mlc.gradient.verify_grad(T.dot, [sym(*s) for s in shapes], n_tests=1, rng=rng)


@pytest.mark.parametrize("shapes", BATCHED_RANKS, ids=str)
def test_batched_dot_pullback_every_rank(shapes: tuple) -> None:
    mlc.gradient.verify_grad(T.batched_dot, [sym(*s) for s in shapes], n_tests=1, rng=rng)


@pytest.mark.parametrize("op", [op for op in CASES if op not in (mt.ZeroGradOp, mt.DisconnectedGradOp)],
                         ids=lambda op: op.name)
def test_pushforward_matches_finite_differences(op: type) -> None:
    arrays, params = CASES[op]()
    floats = _float_args(arrays)
    fixed = {i: a for i, a in enumerate(arrays) if i not in floats}
    xs = _vars([arrays[i] for i in floats])
    vs = _vars([arrays[i] for i in floats])
    out = _op_fn(op, params, fixed, len(arrays))(*xs)
    jv = mlc.function(xs + vs, mlc.Rop(out, xs, vs), on_unused_input="ignore")
    f = mlc.function(xs, out)
    pt = [arrays[i] for i in floats]
    tangent = [sym(*p.shape) for p in pt]
    eps = 1e-6
    hi = f(*[p + eps * t for p, t in zip(pt, tangent)])
    lo = f(*[p - eps * t for p, t in zip(pt, tangent)])
    np.testing.assert_allclose(jv(*pt, *tangent), (hi - lo) / (2 * eps), rtol=1e-5, atol=1e-6)
