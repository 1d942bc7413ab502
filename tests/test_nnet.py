"""The nnet ops and `T.nnet` against SciPy/NumPy, the numerical-stability targets of
DESIGN.md, the `stabilize` pass's numeric effect, and the stable gradients.

- every op (`mt.softmax`, `mt.log_softmax`, `mt.softplus`, `mt.logsumexp`, `mt.one_hot`)
  compiled through the whole backend (tests/opharness.py) vs `scipy.special`, for float32,
  float64 and integer inputs, on random shapes with size-1 and size-0 dims, and on rows
  holding +-inf, NaN and +-1000;
- the frontend functions, with Theano's signatures and errors;
- `log(1 + exp(1000))` is exactly 1000.0 and `log(sum(exp([1000, 1000])))` is
  1000 + log(2) to 1 ulp through compiled functions;
- the softmax and sigmoid cross-entropies: values and gradients finite and exact for
  logits of +-1000, where the plain chain rule divides 0 by 0;
- gradients of every function vs finite differences (`mlc.gradient.verify_grad`).

One compiled function serves every shape of a test (dynamic dims); gcc runs once per graph.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import scipy.special as sp

import mlc
import mlc.tensor as T
from mlc.dialects import mt

sys.path.insert(0, os.path.dirname(__file__))
from opharness import run_mt  # noqa: E402

RNG = np.random.default_rng(2024)
TOL = {"float64": dict(rtol=1e-10, atol=1e-12), "float32": dict(rtol=2e-5, atol=2e-5)}
FLOAT_OF = {"int8": "float32", "int16": "float32", "int32": "float64", "int64": "float64",
            "float32": "float32", "float64": "float64"}
SHAPES_2D = ((3, 5), (1, 4), (4, 1), (1, 1), (0, 3), (3, 0))
EDGE_ROWS = np.array([[1000.0, 1000.0, 0.0], [-np.inf, -np.inf, -np.inf], [np.inf, 1.0, 0.0],
                      [np.nan, 0.0, 1.0], [-1000.0, 0.0, 1000.0], [np.inf, -np.inf, 0.0]])


def sample(dtype: str, shape: tuple[int, ...], scale: float = 20.0) -> np.ndarray:
    if dtype.startswith("int"):
        return RNG.integers(-9, 10, shape).astype(dtype)
    return (RNG.standard_normal(shape) * scale).astype(dtype)


def check(got: np.ndarray, want: np.ndarray, dtype: str) -> None:
    assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want.astype(dtype), equal_nan=True, **TOL[dtype])


def scipy_of(fn, x: np.ndarray, **kw) -> np.ndarray:
    """SciPy on x computed in float64 (the reference for every input dtype)."""
    with np.errstate(all="ignore"):
        return np.asarray(fn(x.astype(np.float64), **kw))

# ------------------------------------------------------------------ ops vs SciPy


SOFTMAX_CASES = [("float64", 1), ("float32", 0), ("int32", 1), ("int16", 0)]


@pytest.mark.parametrize("op,ref", [(mt.SoftmaxOp, sp.softmax), (mt.LogSoftmaxOp, sp.log_softmax)],
                         ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype,axis", SOFTMAX_CASES, ids=str)
def test_softmax_ops_match_scipy(op, ref, dtype, axis):
    out = FLOAT_OF[dtype]
    for shape in SHAPES_2D:
        x = sample(dtype, shape)
        if x.shape[axis] == 0:  # SciPy's max of an empty axis raises; the result is empty
            want = np.zeros(shape)
        else:
            want = scipy_of(ref, x, axis=axis)
        check(run_mt(op, [x], axis=axis), want, out)


@pytest.mark.parametrize("op,ref", [(mt.SoftmaxOp, sp.softmax), (mt.LogSoftmaxOp, sp.log_softmax)],
                         ids=["softmax", "log_softmax"])
def test_softmax_ops_on_infinite_nan_and_huge_rows(op, ref):
    for x in (EDGE_ROWS, EDGE_ROWS.T.copy(), EDGE_ROWS[:, ::-1]):
        check(run_mt(op, [x], axis=1), scipy_of(ref, x, axis=1), "float64")


def test_softmax_of_a_rank3_tensor_along_the_middle_axis():
    x = sample("float64", (2, 4, 3))
    check(run_mt(mt.SoftmaxOp, [x], axis=1), sp.softmax(x, axis=1), "float64")
    check(run_mt(mt.LogSoftmaxOp, [x], axis=1), sp.log_softmax(x, axis=1), "float64")


@pytest.mark.parametrize("dtype,axes", [("float64", (1,)), ("float32", (0, 1)), ("int32", (0,)),
                                        ("float64", ())], ids=str)
def test_logsumexp_matches_scipy(dtype, axes):
    for shape in SHAPES_2D:
        x = sample(dtype, shape)
        kept = tuple(n for i, n in enumerate(shape) if i not in axes)
        if not axes:
            want = x.astype(np.float64)
        elif x.size == 0:  # SciPy fails on some empty inputs: the sum of no exps is 0
            want = np.full(kept, -np.inf)
        else:
            want = scipy_of(sp.logsumexp, x, axis=axes)
        check(run_mt(mt.LogSumExpOp, [x], axes=axes), np.asarray(want), FLOAT_OF[dtype])


def test_logsumexp_of_rank3_edge_rows_and_empty_axes():
    got = run_mt(mt.LogSumExpOp, [EDGE_ROWS], axes=(1,))
    check(got, scipy_of(sp.logsumexp, EDGE_ROWS, axis=1), "float64")
    x = sample("float64", (2, 3, 4))
    check(run_mt(mt.LogSumExpOp, [x], axes=(0, 2)), sp.logsumexp(x, axis=(0, 2)), "float64")
    empty = run_mt(mt.LogSumExpOp, [np.zeros((2, 0, 4))], axes=(0, 1))
    assert empty.shape == (4,) and np.all(empty == -np.inf)  # log(0): the sum of no exps


@pytest.mark.parametrize("dtype", ["float64", "float32", "int8"])
def test_softplus_matches_numpy_logaddexp(dtype):
    out = FLOAT_OF[dtype]
    for shape in ((7,), (1,), (0,)):
        x = sample(dtype, shape)
        check(run_mt(mt.SoftplusOp, [x]), np.logaddexp(0, x.astype(out)), out)
    if dtype.startswith("float"):
        x = np.array([1000, -1000, 800, -800, 50, -50, 1e-20, 0, np.inf, -np.inf, np.nan], dtype)
        got = run_mt(mt.SoftplusOp, [x])
        with np.errstate(invalid="ignore"):
            check(got, np.logaddexp(0, x), out)
        assert got[0] == 1000 and got[1] == 0


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_one_hot_matches_numpy(dtype):
    for shape, n in (((5,), 4), ((1,), 1), ((0,), 3), ((3,), 0)):
        y = RNG.integers(0, max(n, 1), shape).astype(dtype) if n else np.zeros((0,), dtype)
        got = run_mt(mt.OneHotOp, [y, np.array([7, n])], axis=1, dtype="float64")
        check(got, (y[:, None] == np.arange(n)).astype(np.float64), "float64")
    y = np.array([[2, 0], [1, 1]], dtype)
    got = run_mt(mt.OneHotOp, [y, np.array([3])], axis=0, dtype="bool")
    assert got.dtype == np.bool_ and np.array_equal(got, np.eye(3, dtype=bool)[y])


@pytest.mark.parametrize("labels,sizes,error,match", [
    ([0, 4, 1], [4], IndexError, "label 4 is out of range for 4 classes"),
    ([0, -1], [4], IndexError, "label -1 is out of range for 4 classes"),
    ([0], [-2], ValueError, "the number of classes must be >= 0, got -2"),
    ([0], [], IndexError, "axis 0 is out of range for 0 sizes"),
], ids=["too-large", "negative", "negative-count", "no-size"])
def test_one_hot_errors_name_the_op(labels, sizes, error, match):
    with pytest.raises(error, match=f"mt.one_hot: {match}"):
        run_mt(mt.OneHotOp, [np.array(labels, np.int32), np.array(sizes, np.int64)], axis=0,
               dtype="float32")

# ------------------------------------------------------------ frontend functions


def test_frontend_functions_match_scipy():
    x, v = T.dmatrix("x"), T.dvector("v")
    y = T.ivector("y")
    f = mlc.function([x, v, y], [T.nnet.softmax(x), T.nnet.log_softmax(x, axis=0),
                                 T.nnet.softplus(v), T.logsumexp(x, axis=1, keepdims=True),
                                 T.logsumexp(v), T.nnet.relu(v), T.nnet.relu(v, alpha=0.1),
                                 T.nnet.to_one_hot(y, 4), T.nnet.sigmoid(v)])
    xs, vs, ys = sample("float64", (3, 4)), sample("float64", (5,)), np.array([3, 0, 2], np.int32)
    got = f(xs, vs, ys)
    want = [sp.softmax(xs, axis=1), sp.log_softmax(xs, axis=0), np.logaddexp(0, vs),
            sp.logsumexp(xs, axis=1, keepdims=True), sp.logsumexp(vs), np.maximum(vs, 0),
            np.where(vs > 0, vs, 0.1 * vs), np.eye(4)[ys], sp.expit(vs)]
    for g, w in zip(got, want):
        check(g, np.asarray(w), "float64")


def test_categorical_crossentropy_forms_agree_with_scipy():
    p, t, y = T.dmatrix("p"), T.dmatrix("t"), T.lvector("y")
    x = T.dmatrix("x")
    f = mlc.function([p, t, y, x], [T.nnet.categorical_crossentropy(p, t),
                                    T.nnet.categorical_crossentropy(p, y),
                                    T.nnet.categorical_crossentropy(T.nnet.softmax(x), y)])
    logits = sample("float64", (4, 3))
    probs, labels = sp.softmax(logits, axis=1), np.array([2, 0, 1, 1])
    got = f(probs, np.eye(3)[labels], labels, logits)
    want = -sp.log_softmax(logits, axis=1)[np.arange(4), labels]
    for g in got:
        check(g, want, "float64")
    zero_elsewhere = np.array([[0.0, 1.0, 0.0]])  # log(0) of another class must not leak in
    assert f(zero_elsewhere, np.eye(3)[[1]], np.array([1]), logits[:1])[1] == 0.0


def test_binary_crossentropy_matches_numpy():
    o, t = T.dvector("o"), T.dvector("t")
    f = mlc.function([o, t], T.nnet.binary_crossentropy(o, t))
    out, tgt = RNG.uniform(0.05, 0.95, 6), RNG.uniform(0, 1, 6)
    check(f(out, tgt), -(tgt * np.log(out) + (1 - tgt) * np.log(1 - out)), "float64")


def test_float32_stays_float32():
    x = T.fmatrix("x")
    outs = [T.nnet.softmax(x), T.nnet.log_softmax(x), T.nnet.softplus(x), T.logsumexp(x, axis=0)]
    assert all(o.dtype == "float32" for o in outs)
    xs = sample("float32", (3, 4))
    got = mlc.function([x], outs)(xs)
    for g, w in zip(got, [sp.softmax(xs, axis=1), sp.log_softmax(xs, axis=1),
                          np.logaddexp(0, xs), sp.logsumexp(xs, axis=0)]):
        check(g, np.asarray(w, np.float64), "float32")


def test_frontend_errors_name_the_function_and_line():
    s, x, f = T.dscalar("s"), T.dmatrix("x"), T.fvector("f")
    with pytest.raises(TypeError, match=r"(?s)T.nnet.softmax: needs a tensor of at least 1 dim.*test_nnet.py"):
        T.nnet.softmax(s)
    with pytest.raises(np.exceptions.AxisError, match="T.nnet.log_softmax: axis 2 is out of bounds"):
        T.nnet.log_softmax(x, axis=2)
    with pytest.raises(TypeError, match="axis must be one int"):
        T.nnet.softmax(x, axis=(0, 1))
    with pytest.raises(TypeError, match=r"(?s)categorical_crossentropy: true_dist must have.*test_nnet.py"):
        T.nnet.categorical_crossentropy(x, f)
    with pytest.raises(TypeError, match="to_one_hot: labels must be integers, got float32"):
        T.nnet.to_one_hot(f, 3)


def test_label_out_of_range_names_the_users_line():
    p, y = T.dmatrix("p"), T.ivector("y")
    f = mlc.function([p, y], T.nnet.categorical_crossentropy(p, y))
    msg = r"mt.one_hot \(.*test_nnet.py:\d+\): label 3 is out of range for 3 classes"
    with pytest.raises(IndexError, match=msg):
        f(np.full((2, 3), 1 / 3), np.array([0, 3], np.int32))

# ------------------------------------------------- stability targets (DESIGN.md)


def test_log_one_plus_exp_at_1000_is_exactly_1000():
    x = T.dscalar("x")
    f = mlc.function([x], T.log(1 + T.exp(x)))
    assert f(1000.0) == 1000.0
    assert f(-1000.0) == 0.0
    assert f(0.0) == np.log(2.0)


def test_log_sum_exp_at_1000_1000_is_1000_plus_log2():
    v = T.dvector("v")
    got = mlc.function([v], T.log(T.sum(T.exp(v))))(np.array([1000.0, 1000.0]))
    want = 1000.0 + np.log(2.0)
    assert abs(got - want) <= np.spacing(want)


def test_every_stabilize_rewrite_gives_finite_exact_values():
    x, m = T.dvector("x"), T.dmatrix("m")
    outs = [T.log(1 + T.exp(x)), T.log(T.exp(x) + 1), T.log1p(T.exp(x)), T.log(T.nnet.sigmoid(x)),
            T.log(1 - T.nnet.sigmoid(x)), T.log(T.nnet.softmax(m)), T.log(T.sum(T.exp(m), axis=0))]
    f = mlc.function([x, m], outs)
    xs = np.array([-1000.0, -40.0, -1.0, 0.0, 2.0, 40.0, 1000.0])
    ms = np.array([[1000.0, 0.0, -1000.0], [0.0, 1.0, 2.0]])
    want = [np.logaddexp(0, xs)] * 3 + [-np.logaddexp(0, -xs), -np.logaddexp(0, xs),
                                        sp.log_softmax(ms, axis=1), sp.logsumexp(ms, axis=0)]
    for g, w in zip(f(xs, ms), want):
        assert np.all(np.isfinite(g))
        check(g, w, "float64")


def test_softmax_cross_entropy_value_and_gradient_at_huge_logits():
    x, y = T.dmatrix("x"), T.ivector("y")
    sm = T.nnet.softmax(x)
    costs = [T.nnet.categorical_crossentropy(sm, y).mean(),
             -(T.log(sm) * T.nnet.to_one_hot(y, 2)).sum(axis=1).mean()]
    costs.append(-T.log(sm)[T.arange(y.shape[0]), y].mean())  # DESIGN.md's form
    f = mlc.function([x, y], costs + [mlc.grad(c, x) for c in costs])
    xs, ys = np.array([[1000.0, 0.0], [0.0, -1000.0]]), np.array([1, 0], np.int32)
    cost1, cost2, cost3, *grads = f(xs, ys)
    want_cost = -sp.log_softmax(xs, axis=1)[np.arange(2), ys].mean()
    want_grad = (sp.softmax(xs, axis=1) - np.eye(2)[ys]) / 2
    assert cost1 == want_cost == cost2 == cost3 == 500.0
    for g in grads:
        assert np.all(np.isfinite(g))
        check(g, want_grad, "float64")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sigmoid_cross_entropy_finite_at_plus_minus_1000(dtype):
    z, t = T.vector("z", dtype=dtype), T.vector("t", dtype=dtype)
    cost = T.nnet.binary_crossentropy(T.nnet.sigmoid(z), t).sum()
    f = mlc.function([z, t], [cost, mlc.grad(cost, z)])
    zs = np.array([1000, -1000, 1000, -1000, 3], dtype)
    ts = np.array([0, 1, 1, 0, 0.25], dtype)
    value, grad = f(zs, ts)
    want = np.sum(ts * np.logaddexp(0, -zs.astype(np.float64)) + (1 - ts) * np.logaddexp(0, zs))
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(value, want, **TOL[dtype])
    check(grad, sp.expit(zs.astype(np.float64)) - ts, dtype)


def test_composite_gradients_are_finite_and_exact_at_extremes():
    x, m = T.dvector("x"), T.dmatrix("m")
    costs = [T.log(1 + T.exp(x)).sum(), T.log1p(T.exp(x)).sum(), T.log(T.nnet.sigmoid(x)).sum(),
             T.log(1 - T.nnet.sigmoid(x)).sum(), T.log(T.sum(T.exp(m))), T.log(T.nnet.softmax(m)).sum()]
    f = mlc.function([x, m], [mlc.grad(c, w) for c, w in zip(costs, [x] * 4 + [m] * 2)])
    xs = np.array([-1000.0, -3.0, 0.0, 3.0, 1000.0])
    ms = np.array([[1000.0, 1000.0], [0.0, -1000.0]])
    want = [sp.expit(xs)] * 2 + [sp.expit(-xs), -sp.expit(xs), sp.softmax(ms, axis=None),
                                 1 - 2 * sp.softmax(ms, axis=1)]
    for g, w in zip(f(xs, ms), want):
        assert np.all(np.isfinite(g))
        check(g, w, "float64")


def test_composite_steps_aside_for_consider_constant():
    """With softmax(x) held constant the gradient must not reach x through it."""
    x, w = T.dvector("x"), T.dvector("w")
    s = T.nnet.softmax(x)
    cost = T.sum(T.log(s) * w) + T.sum(x * w)
    g = mlc.function([x, w], mlc.grad(cost, x, consider_constant=[s]))
    xs, ws = sample("float64", (3,), 1.0), sample("float64", (3,), 1.0)
    check(g(xs, ws), ws, "float64")


def test_composite_keeps_the_gradient_of_an_intermediate_wrt():
    """d/ds of log(s) is w / s also when s = softmax(x) is differentiated through."""
    x, w = T.dvector("x"), T.dvector("w")
    s = T.nnet.softmax(x)
    gx, gs = mlc.grad(T.sum(T.log(s) * w), [x, s])
    xs, ws = sample("float64", (3,), 1.0), sample("float64", (3,), 1.0)
    got_x, got_s = mlc.function([x, w], [gx, gs])(xs, ws)
    check(got_s, ws / sp.softmax(xs), "float64")
    check(got_x, ws - sp.softmax(xs) * ws.sum(), "float64")


def test_rop_of_log_softmax_is_finite_at_huge_logits():
    x, v = T.dmatrix("x"), T.dmatrix("v")
    f = mlc.function([x, v], mlc.Rop(T.log(T.nnet.softmax(x)), x, v))
    xs, vs = np.array([[1000.0, 0.0, -1000.0]]), np.array([[1.0, 2.0, 3.0]])
    s = sp.softmax(xs, axis=1)
    check(f(xs, vs), vs - (s * vs).sum(axis=1, keepdims=True), "float64")

# -------------------------------------------------- gradients vs finite differences


LABELS, TARGETS = T.constant(np.array([2, 0, 1])), T.constant(np.array([0.0, 1.0, 0.3]))
GRAD_CASES = {
    "softmax": (lambda x: T.nnet.softmax(x, axis=0), (3, 4)),
    "log_softmax": (T.nnet.log_softmax, (2, 5)),
    "softplus": (T.nnet.softplus, (6,)),
    "logsumexp": (lambda x: T.logsumexp(x, axis=1, keepdims=True), (3, 4)),
    "cce-labels": (lambda x: T.nnet.categorical_crossentropy(T.nnet.softmax(x), LABELS), (3, 3)),
    "cce-probs": (lambda p: T.nnet.categorical_crossentropy(p, T.constant(np.eye(3)[[1, 0]])), (2, 3)),
    "cce-probs-labels": (lambda p: T.nnet.categorical_crossentropy(p, LABELS), (3, 3)),
    "bce": (lambda z: T.nnet.binary_crossentropy(T.nnet.sigmoid(z), TARGETS), (3,)),
    "grad-of-logsumexp": (lambda x: mlc.grad(T.logsumexp(x), x), (4,)),
}


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradient_matches_finite_differences(name):
    fun, shape = GRAD_CASES[name]
    pt = RNG.uniform(0.1, 0.9, shape) if name.startswith("cce-probs") else RNG.standard_normal(shape)
    mlc.gradient.verify_grad(fun, [pt], n_tests=1, rng=RNG)
