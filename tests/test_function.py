"""End-to-end tests of `mlc.function`: graph -> mt -> passes -> C -> gcc -> runtime call.

Numbers are checked against NumPy; errors must name the offending input; shared
variables change only after a successful call; the in-memory and disk caches must
skip work (a new process with a warm cache runs neither the passes nor gcc).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.compile import cache


def test_theano_sneak_peek() -> None:
    a = T.dscalar()
    b = T.dscalar()
    f = mlc.function([a, b], a + b)
    assert f(1.5, 2.5) == 4.0


def test_single_output_vs_list() -> None:
    x = T.dvector("x")
    one = mlc.function([x], x * 2)
    many = mlc.function([x], [x * 2, x.sum()])
    xv = np.array([1.0, 2.0, 3.0])
    assert isinstance(one(xv), np.ndarray)
    out = many(xv)
    assert isinstance(out, list) and len(out) == 2
    np.testing.assert_allclose(out[0], xv * 2)
    assert out[1] == 6.0


@pytest.mark.parametrize("build, make_args, reference", [
    (lambda x, y: T.exp(-x ** 2) * T.sin(x) + T.log1p(abs(x)) * 0.5 - T.tanh(x),
     lambda r: [r.normal(size=(5, 4)), r.normal(size=4)],
     lambda x, y: np.exp(-x ** 2) * np.sin(x) + np.log1p(np.abs(x)) * 0.5 - np.tanh(x)),
    (lambda x, y: x + y, lambda r: [r.normal(size=(3, 4)), r.normal(size=4)], lambda x, y: x + y),
    (lambda x, y: T.dot(x, y), lambda r: [r.normal(size=(3, 4)), r.normal(size=4)], np.dot),
    (lambda x, y: x.dot(x.T), lambda r: [r.normal(size=(3, 4)), r.normal(size=4)],
     lambda x, y: x @ x.T),
    (lambda x, y: y @ y, lambda r: [r.normal(size=(3, 4)), r.normal(size=4)], lambda x, y: y @ y),
    (lambda x, y: x.sum(axis=-1, keepdims=True) / x.max(0),
     lambda r: [r.normal(size=(3, 4)), r.normal(size=4)],
     lambda x, y: x.sum(-1, keepdims=True) / x.max(0)),
    (lambda x, y: x.mean() + x.min(axis=(0, 1)) + x.prod(),
     lambda r: [r.normal(size=(3, 4)), r.normal(size=4)],
     lambda x, y: x.mean() + x.min() + x.prod()),
    (lambda x, y: x[1:, ::2] * y[-1], lambda r: [r.normal(size=(3, 4)), r.normal(size=4)],
     lambda x, y: x[1:, ::2] * y[-1]),
    (lambda x, y: x[::-1, 1].reshape((1, -1)).dimshuffle(1, 0, "x"),
     lambda r: [r.normal(size=(3, 4)), r.normal(size=4)],
     lambda x, y: x[::-1, 1].reshape(1, -1).T[:, :, None]),
    (lambda x, y: T.switch(x > 0, x, y) + T.maximum(x, 0.5) - T.minimum(y, x),
     lambda r: [r.normal(size=(3, 4)), r.normal(size=4)],
     lambda x, y: np.where(x > 0, x, y) + np.maximum(x, 0.5) - np.minimum(y, x)),
    (lambda x, y: T.nnet.sigmoid(x) + T.sqrt(abs(y)) + T.expm1(y) + T.cos(x) + T.sgn(x),
     lambda r: [r.normal(size=(3, 4)), r.normal(size=4)],
     lambda x, y: 1 / (1 + np.exp(-x)) + np.sqrt(np.abs(y)) + np.expm1(y) + np.cos(x) + np.sign(x)),
    (lambda x, y: (x.shape[0] * x.shape[1]) + y.shape,
     lambda r: [r.normal(size=(3, 4)), r.normal(size=4)],
     lambda x, y: np.array(x.shape[0] * x.shape[1]) + np.array(y.shape)),
])
def test_numbers_match_numpy(build, make_args, reference) -> None:
    x, y = T.dmatrix("x"), T.dvector("y")
    f = mlc.function([x, y], build(x, y), on_unused_input="ignore")
    args = make_args(np.random.default_rng(0))
    got, want = f(*args), reference(*args)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_dtypes_of_results_follow_weak_scalars() -> None:
    f, i = T.fvector("f"), T.ivector("i")
    fn = mlc.function([f, i], [f + 2.0, i + 1, i + 1.5, i * True, i // 2, i % 3, -i, ~i, i > 1])
    fv, iv = np.array([1.5, -2.5], np.float32), np.array([3, -4], np.int32)
    out = fn(fv, iv)
    assert [o.dtype for o in out] == [np.float32, np.int32, np.float64, np.int32, np.int32,
                                      np.int32, np.int32, np.int32, np.bool_]
    expected = [fv + np.float32(2), iv + 1, iv + 1.5, iv, iv // 2, iv % 3, -iv, ~iv, iv > 1]
    for got, want in zip(out, expected):
        np.testing.assert_array_equal(got, want)


def test_one_compiled_function_serves_many_shapes() -> None:
    x, y = T.dmatrix("x"), T.dvector("y")
    f = mlc.function([x, y], (x * y).sum(axis=1))
    for rows, cols in [(1, 1), (3, 5), (7, 2), (0, 4), (100, 33)]:
        xv, yv = np.ones((rows, cols)), np.arange(cols, dtype=float)
        np.testing.assert_allclose(f(xv, yv), (xv * yv).sum(axis=1))


def test_outputs_are_fresh_arrays() -> None:
    x = T.dvector("x")
    f = mlc.function([x], [x, x * 1.0])
    xv = np.arange(3.0)
    first = f(xv)
    assert all(o is not xv and not np.shares_memory(o, xv) for o in first)
    first[0][0] = 100.0
    first[1][0] = 100.0
    second = f(xv)
    assert second[0][0] == 0.0 and second[1][0] == 0.0 and xv[0] == 0.0
    assert not np.shares_memory(first[1], second[1])


def test_strided_and_scalar_python_arguments() -> None:
    x = T.dmatrix("x")
    f = mlc.function([x], x + 1)
    base = np.arange(24.0).reshape(4, 6)
    view = base[::2, ::-3]
    np.testing.assert_allclose(f(view), view + 1)
    np.testing.assert_allclose(f([[1, 2], [3, 4]]), [[2, 3], [4, 5]])
    s = T.fscalar("s")
    g = mlc.function([s], s * 2)
    assert g(0.1).dtype == np.float32  # Python float into float32 (Theano)


# -- bad arguments -------------------------------------------------------------------------

def _vec_fn():
    x = T.dvector("x")
    m = T.fmatrix("m")
    r = T.drow("r")
    return mlc.function([x, m, r], [x.sum() + m.sum() + r.sum()])


def test_wrong_argument_count() -> None:
    f = _vec_fn()
    with pytest.raises(TypeError, match="expected 3 arguments"):
        f(np.ones(2), np.ones((2, 2), np.float32))


@pytest.mark.parametrize("args, error, match", [
    ((np.ones(2, np.float32), np.ones((2, 2), np.float32), np.ones((1, 2))), None, None),
    ((np.ones(2), np.ones((2, 2)), np.ones((1, 2))), TypeError, "'m'"),
    ((np.ones((2, 2)), np.ones((2, 2), np.float32), np.ones((1, 2))), TypeError, "'x'"),
    ((np.ones(2), np.ones((2, 2), np.float32), np.ones((2, 2))), ValueError, "'r'"),
    (("abc", np.ones((2, 2), np.float32), np.ones((1, 2))), TypeError, "'x'"),
    ((None, np.ones((2, 2), np.float32), np.ones((1, 2))), TypeError, "'x'"),
    ((np.ones(2, np.int64), np.ones((2, 2), np.float32), np.ones((1, 2))), None, None),
    ((np.ones(2), np.ones((2, 2), np.int64), np.ones((1, 2))), TypeError, "'m'"),
])
def test_bad_arguments_name_the_input(args, error, match) -> None:
    f = _vec_fn()
    if error is None:
        assert f(*args)[0] == pytest.approx(np.sum(args[0]) + np.sum(args[1]) + np.sum(args[2]))
        return
    with pytest.raises(error, match=match):
        f(*args)


def test_runtime_shape_mismatch_is_a_value_error() -> None:
    x, y = T.dvector("x"), T.dvector("y")
    f = mlc.function([x, y], x + y)
    with pytest.raises(ValueError):
        f(np.ones(3), np.ones(4))


# -- shared variables and updates ----------------------------------------------------------

def test_shared_counter_with_updates() -> None:
    state = mlc.shared(0, name="state")
    inc = T.lscalar("inc")
    acc = mlc.function([inc], state, updates=[(state, state + inc)])
    assert acc(1) == 0 and acc(10) == 1 and state.get_value() == 11
    state.set_value(-1)
    assert acc(3) == -1 and state.get_value() == 2


def test_updates_swap_atomically() -> None:
    a = mlc.shared(np.array([1.0, 2.0]), name="a")
    b = mlc.shared(np.array([10.0, 20.0]), name="b")
    swap = mlc.function([], [], updates={a: b, b: a})
    swap()
    np.testing.assert_array_equal(a.get_value(), [10.0, 20.0])
    np.testing.assert_array_equal(b.get_value(), [1.0, 2.0])


def test_failing_call_leaves_all_shared_values_unchanged() -> None:
    a = mlc.shared(np.zeros(3), name="a")
    b = mlc.shared(np.zeros(2), name="b")
    x, y = T.dvector("x"), T.dvector("y")
    f = mlc.function([x, y], [], updates=[(a, a + x), (b, b + y)])
    f(np.ones(3), np.ones(2))
    with pytest.raises(ValueError):
        f(np.ones(3), np.ones(5))  # b + y fails after a + x was computed
    with pytest.raises(TypeError):
        f(np.ones(3), "oops")
    np.testing.assert_array_equal(a.get_value(), np.ones(3))
    np.testing.assert_array_equal(b.get_value(), np.ones(2))


def test_set_value_is_seen_by_compiled_functions() -> None:
    w = mlc.shared(np.ones(2), name="w")
    x = T.dvector("x")
    f = mlc.function([x], T.dot(x, w))
    assert f(np.array([1.0, 2.0])) == 3.0
    w.set_value(np.array([2.0, 0.0, 1.0]))
    assert f(np.array([1.0, 2.0, 3.0])) == 5.0


def test_sgd_step_on_shared_weights() -> None:
    rng = np.random.default_rng(1)
    w = mlc.shared(rng.normal(size=(3, 2)), name="w")
    x, t = T.dmatrix("x"), T.dmatrix("t")
    err = T.dot(x, w) - t
    cost = (err ** 2).mean()
    grad = T.dot(x.T, err) * (2.0 / (err.shape[0] * err.shape[1]))
    step = mlc.function([x, t], cost, updates={w: w - 0.1 * grad})
    xv, tv = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    w0 = w.get_value()
    c0 = step(xv, tv)
    np.testing.assert_allclose(c0, ((xv @ w0 - tv) ** 2).mean())
    np.testing.assert_allclose(w.get_value(), w0 - 0.1 * xv.T @ (xv @ w0 - tv) * 2 / 16)
    assert step(xv, tv) < c0


def test_givens_with_a_shared_dataset() -> None:
    data = mlc.shared(np.arange(10.0), name="data")
    batch = T.dvector("batch")
    f = mlc.function([], (batch * 2).sum(), givens={batch: data[2:5]})
    assert f() == 2 * (2 + 3 + 4)


def test_fn_runs_input_less_functions_natively() -> None:
    count = mlc.shared(0, name="count")
    tick = mlc.function([], count, updates={count: count + 1})
    tick.fn(n_calls=100)
    assert count.get_value() == 100
    x = T.dscalar("x")
    f = mlc.function([x], x + 1, name="plus_one")
    assert f.name == "plus_one" and f.inputs == [x]
    with pytest.raises(TypeError, match="without explicit inputs"):
        f.fn(n_calls=3)


def test_trust_input_and_metadata() -> None:
    x = T.dvector("x")
    f = mlc.function([x], x * 3)
    assert f.trust_input is False
    f.trust_input = True
    np.testing.assert_allclose(f(np.ones(2)), [3.0, 3.0])
    assert f.outputs[0].owner.op.name == "mt.mul"


# -- IR stages and caches ------------------------------------------------------------------

def test_ir_of_every_stage() -> None:
    x = T.dvector("x")
    f = mlc.function([x], T.exp(x) + 1.0)
    assert "mt.exp" in f.ir("mt") and "mt.exp" in f.ir()
    for stage in ("loop", "scf", "c"):
        assert f.ir(stage)
    assert "mlc_entry" in f.ir("c")
    with pytest.raises(ValueError, match="stage"):
        f.ir("llvm")


def test_same_graph_compiles_once_in_memory() -> None:
    def make():
        x = T.dmatrix("x")
        return mlc.function([x], T.tanh(x).sum(axis=0) * 7.0)
    make()
    before = dict(cache.stats)
    g = make()
    assert cache.stats["compile_module"] == before["compile_module"]
    assert cache.stats["memory_hits"] == before["memory_hits"] + 1
    np.testing.assert_allclose(g(np.zeros((2, 3))), np.zeros(3))


def test_modes() -> None:
    x = T.dvector("x")
    f = mlc.function([x], x * 2 + 0, mode="FAST_COMPILE")
    np.testing.assert_allclose(f(np.ones(2)), [2.0, 2.0])
    with pytest.raises(ValueError, match="mode"):
        mlc.function([x], x, mode="NO_SUCH_MODE")


SCRIPT = textwrap.dedent("""
    import numpy as np
    import mlc, mlc.tensor as T
    from mlc.compile import cache
    from mlc.runtime import compile as rt
    x = T.dmatrix("x"); w = mlc.shared(np.ones(3), name="w")
    f = mlc.function([x], T.dot(x, w) + 0.25, updates={w: w * 2})
    r = f(np.ones((2, 3)))
    assert r.tolist() == [3.25, 3.25], r
    print("STATS", cache.stats["compile_module"], cache.stats["disk_hits"], rt.stats["gcc_runs"])
    print("IR", "mt.dot" in f.ir("mt"))
""")


def test_disk_cache_hit_in_a_new_process(tmp_path) -> None:
    env = dict(os.environ, MLC_COMPILEDIR=str(tmp_path))
    script = tmp_path / "user_script.py"
    script.write_text(SCRIPT)

    def run() -> list[str]:
        out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                             text=True, check=True).stdout
        return [line.split() for line in out.splitlines() if line.startswith(("STATS", "IR"))]
    cold = run()
    assert cold[0] == ["STATS", "1", "0", "1"] and cold[1] == ["IR", "True"]
    warm = run()
    assert warm[0] == ["STATS", "0", "1", "0"] and warm[1] == ["IR", "True"]
