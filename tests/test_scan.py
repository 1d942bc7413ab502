"""`mlc.scan` and its shorthands compiled through the whole backend, against NumPy loops:
Theano's tutorial loop examples (A**k, polynomial evaluation by scan, map and reduce,
Fibonacci with two taps), sequence taps, several and plain (None) outputs, go_backwards,
symbolic n_steps, an Elman RNN, updates of shared variables and random draws per step,
the NumPy reference (`evaluate`) of the same op, and the errors a user can cause.
"""

from __future__ import annotations

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.tensor.random import RandomStream

HERE = "test_scan.py"


def test_power_by_repeated_multiplication():
    k, A = T.iscalar("k"), T.dvector("A")
    result, updates = mlc.scan(lambda prior, A: prior * A, outputs_info=T.ones_like(A), non_sequences=A,
                               n_steps=k)
    f = mlc.function([A, k], [result, result[-1]], updates=updates)
    a = np.arange(5.0)
    all_steps, last = f(a, 3)
    np.testing.assert_allclose(all_steps, [a, a**2, a**3])
    np.testing.assert_allclose(last, a**3)
    assert mlc.function([A, k], result)(a, 0).shape == (0, 5)


def test_polynomial_by_scan_map_and_reduce():
    c, x = T.dvector("c"), T.dscalar("x")
    terms, _ = mlc.scan(lambda ci, p, x: ci * x**p, sequences=[c, T.arange(1000)], non_sequences=x)
    f = mlc.function([c, x], terms.sum())
    assert f(np.array([1.0, 0.0, 2.0]), 3.0) == pytest.approx(19.0)
    squares, _ = mlc.map(lambda v: v**2, c)
    total, _ = mlc.reduce(lambda v, acc: acc + v, c, T.constant(0.0))
    g = mlc.function([c], [squares, total])
    sq, tot = g(np.arange(4.0))
    np.testing.assert_allclose(sq, np.arange(4.0) ** 2)
    assert tot == 6.0


def test_foldl_and_foldr_run_in_opposite_orders():
    x = T.dvector("x")
    left, _ = mlc.foldl(lambda v, acc: acc * 10 + v, x, T.constant(0.0))
    right, _ = mlc.foldr(lambda v, acc: acc * 10 + v, x, T.constant(0.0))
    f = mlc.function([x], [left, right])
    assert [float(v) for v in f(np.array([1.0, 2.0, 3.0]))] == [123.0, 321.0]


def test_fibonacci_with_two_taps():
    n = T.iscalar("n")
    init = T.as_tensor_variable(np.asarray([0.0, 1.0]))
    fib, _ = mlc.scan(lambda a, b: a + b, outputs_info=dict(initial=init, taps=[-2, -1]), n_steps=n)
    f = mlc.function([n], fib)
    np.testing.assert_allclose(f(8), [1, 2, 3, 5, 8, 13, 21, 34])


def test_sequence_taps_several_outputs_and_a_plain_output():
    X = T.dvector("X")
    (acc, diff), _ = mlc.scan(lambda xm1, x0, xp1, a: [a + x0, xp1 - xm1], sequences=dict(input=X, taps=[-1, 0, 1]),
                              outputs_info=[T.constant(0.0), None])
    f = mlc.function([X], [acc, diff])
    x = np.arange(7.0) ** 2
    got_acc, got_diff = f(x)
    np.testing.assert_allclose(got_acc, np.cumsum(x[1:-1]))
    np.testing.assert_allclose(got_diff, x[2:] - x[:-2])


def test_shortest_sequence_wins_and_go_backwards():
    a, b = T.dvector("a"), T.dvector("b")
    s, _ = mlc.scan(lambda u, v: u * v, sequences=[a, b])
    back, _ = mlc.scan(lambda u: u, sequences=a, go_backwards=True)
    f = mlc.function([a, b], [s, back])
    got, rev = f(np.arange(5.0), np.arange(3.0))
    np.testing.assert_allclose(got, np.arange(3.0) ** 2)
    np.testing.assert_allclose(rev, np.arange(5.0)[::-1])


def test_elman_rnn_matches_a_numpy_loop():
    W, U, X, h0 = T.dmatrix("W"), T.dmatrix("U"), T.dmatrix("X"), T.dvector("h0")
    hs, _ = mlc.scan(lambda x, h, W, U: T.tanh(T.dot(x, W) + T.dot(h, U)), sequences=X, outputs_info=h0,
                     non_sequences=[W, U])
    f = mlc.function([X, h0, W, U], hs)
    rng = np.random.default_rng(0)
    for steps in (0, 1, 7):
        Wv, Uv = rng.normal(size=(3, 4)), 0.3 * rng.normal(size=(4, 4))
        Xv, hv = rng.normal(size=(steps, 3)), rng.normal(size=4)
        h, want = hv, []
        for x in Xv:
            h = np.tanh(x @ Wv + h @ Uv)
            want.append(h)
        np.testing.assert_allclose(f(Xv, hv, Wv, Uv), np.array(want).reshape(steps, 4), rtol=1e-12, atol=1e-12)


def test_a_plain_output_whose_row_size_follows_a_capture():
    X, W = T.dmatrix("X"), T.dmatrix("W")
    ys, _ = mlc.scan(lambda x, W: T.dot(x, W), sequences=X, non_sequences=W)
    f = mlc.function([X, W], ys)
    x, w = np.ones((4, 3)), np.arange(15.0).reshape(3, 5)
    np.testing.assert_allclose(f(x, w), x @ w)


def test_updates_of_shared_variables_are_seen_by_the_next_step():
    X = T.dvector("X")
    count = mlc.shared(np.float64(0.0), name="count")
    out, updates = mlc.scan(lambda x: (x + count, {count: count + 1}), sequences=X)
    f = mlc.function([X], out, updates=updates)
    np.testing.assert_allclose(f(np.zeros(3)), [0.0, 1.0, 2.0])
    assert count.get_value() == 3.0
    np.testing.assert_allclose(f(np.zeros(2)), [3.0, 4.0])


def test_each_step_draws_new_random_numbers():
    X = T.dvector("X")
    rs = RandomStream(7)
    out, updates = mlc.scan(lambda x: x + rs.uniform(()), sequences=X)
    f = mlc.function([X], out, updates=updates)
    first, second = f(np.zeros(4)), f(np.zeros(4))
    assert len(set(first.tolist())) == 4
    assert not np.array_equal(first, second)
    assert np.all((first >= 0) & (first < 1))


def test_the_numpy_reference_agrees_with_the_compiled_loop():
    from xdsl.parser import Parser

    from mlc.passes.pipelines import make_context
    from mlc.runtime.reference import evaluate
    X, h0 = T.dmatrix("X"), T.dvector("h0")
    hs, _ = mlc.scan(lambda x, h: h * 0.5 + x, sequences=X, outputs_info=h0)
    f = mlc.function([X, h0], hs)
    x, h = np.arange(6.0).reshape(3, 2), np.ones(2)
    module = Parser(make_context(), f.ir("mt")).parse_module()
    env = dict(zip(next(iter(module.ops)).body.block.args, [x, h]))
    for op in next(iter(module.ops)).body.block.ops:
        if op.name == "func.return":
            referenced = env[op.operands[0]]
            break
        value = evaluate(op, [env[v] for v in op.operands])
        for r, v in zip(op.results, value if len(op.results) > 1 else [value]):
            env[r] = v
    want = [h]
    for row in x:
        want.append(want[-1] * 0.5 + row)
    np.testing.assert_allclose(f(x, h), np.array(want[1:]))
    np.testing.assert_allclose(referenced, np.array(want[1:]))


def test_a_step_that_changes_a_states_dtype_is_refused_at_build_time():
    x = T.dvector("x")
    with pytest.raises(TypeError, match=rf"(?s)output 0 of the step function is tensor<i64>.*tensor<f64>.*{HERE}"):
        mlc.scan(lambda v, h: T.cast(h, "int64"), sequences=x, outputs_info=T.constant(0.0))


def test_bad_arguments_are_refused_with_the_users_line():
    x = T.dvector("x")
    with pytest.raises(TypeError, match=rf"(?s)give sequences or n_steps.*{HERE}"):
        mlc.scan(lambda h: h, outputs_info=x)
    with pytest.raises(TypeError, match=rf"(?s)non_sequences\[0\].*not a symbolic variable.*{HERE}"):
        mlc.scan(lambda v, w: v, sequences=x, non_sequences=[3.0])
    with pytest.raises(TypeError, match=r"taps must be negative"):
        mlc.scan(lambda h: h, outputs_info=dict(initial=x, taps=[0]), n_steps=2)
    with pytest.raises(TypeError, match=rf"(?s)returned 2 outputs.*describes 1.*{HERE}"):
        mlc.scan(lambda v, h: [h, h], sequences=x, outputs_info=T.constant(0.0))
    shared_w = mlc.shared(np.ones(2), name="w")
    with pytest.raises(TypeError, match=r"strict=True.*'?w'? that is not in non_sequences"):
        mlc.scan(lambda v: v * shared_w, sequences=x, strict=True)


def test_run_time_errors_name_the_scan_and_the_line():
    x, n = T.dvector("x"), T.iscalar("n")
    out, _ = mlc.scan(lambda v: v * 2, sequences=x, n_steps=n)
    f = mlc.function([x, n], out)
    np.testing.assert_allclose(f(np.arange(4.0), 2), [0.0, 2.0])
    with pytest.raises(ValueError, match=rf"(?s)mt.scan.*{HERE}.*sequence 0 has 3 rows for 5 steps"):
        f(np.arange(3.0), 5)
    with pytest.raises(ValueError, match=r"step count -1 is negative"):
        f(np.arange(3.0), -1)


def test_gradients_through_scan_are_refused_clearly():
    x = T.dvector("x")
    out, _ = mlc.scan(lambda v, h: h * v, sequences=x, outputs_info=T.constant(1.0))
    with pytest.raises(TypeError, match=r"mt.scan"):
        mlc.grad(out[-1], x)
