"""mlc.grad, Lop, Rop, jacobian, hessian and the gradient-only ops, through compiled
functions, against closed forms and finite differences (Theano's tutorial examples)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import mlc
import mlc.tensor as T
from mlc.gradient import DisconnectedInputError, GradientError, NotDifferentiableError

rng = np.random.default_rng(1)


def test_derivative_of_x_squared() -> None:
    x = T.dscalar("x")
    f = mlc.function([x], mlc.grad(x ** 2, x))
    assert f(4.0) == 8.0
    assert f(94.2) == pytest.approx(188.4)


def test_derivative_of_the_logistic_function() -> None:
    x = T.dmatrix("x")
    s = T.sum(1 / (1 + T.exp(-x)))
    f = mlc.function([x], mlc.grad(s, x))
    xs = np.array([[0.0, 1.0], [-1.0, -2.0]])
    sig = 1 / (1 + np.exp(-xs))
    np.testing.assert_allclose(f(xs), sig * (1 - sig), rtol=1e-12)


def test_grad_of_grad_to_third_order() -> None:
    x = T.dscalar("x")
    g1 = mlc.grad(x ** 3, x)
    g2 = mlc.grad(g1, x)
    g3 = mlc.grad(g2, x)
    assert [float(v) for v in mlc.function([x], [g1, g2, g3])(2.0)] == [12.0, 12.0, 6.0]


def test_jacobian_of_x_squared() -> None:
    x = T.TensorType("float64", shape=(3,))("x")
    J = mlc.gradient.jacobian(x ** 2, x)
    np.testing.assert_allclose(mlc.function([x], J)(np.array([4.0, 4.0, 4.0])), np.eye(3) * 8)


def test_hessian_of_sum_of_squares() -> None:
    x = T.TensorType("float64", shape=(3,))("x")
    H = mlc.gradient.hessian(T.sum(x ** 2), x)
    np.testing.assert_allclose(mlc.function([x], H)(np.array([4.0, 4.0, 4.0])), np.eye(3) * 2)


def test_jacobian_of_a_dynamic_length_vector_runs_a_map_loop() -> None:
    x = T.dvector("x")
    J = mlc.gradient.jacobian(x ** 2, x)
    assert J.owner.op.name == "mt.map"
    np.testing.assert_array_equal(mlc.function([x], J)([1.0, 2.0]), [[2.0, 0.0], [0.0, 4.0]])


def test_rop_and_lop_of_a_vector_matrix_product() -> None:
    W, V = T.dmatrix("W"), T.dmatrix("V")
    x, v = T.dvector("x"), T.dvector("v")
    y = T.dot(x, W)
    Wv, Vv, xv = rng.random((3, 3)), rng.random((3, 3)), rng.random(3)
    rop = mlc.function([W, V, x], mlc.Rop(y, W, V), on_unused_input="ignore")
    np.testing.assert_allclose(rop(Wv, Vv, xv), xv @ Vv)
    lop = mlc.function([v, x], mlc.Lop(y, W, v))
    vv = rng.random(3)
    np.testing.assert_allclose(lop(vv, xv), np.outer(xv, vv))


def test_gauss_newton_product_lop_of_rop() -> None:
    """The seed paper's Hessian-free trick: J^T (J v) for y = tanh(W x)."""
    W, V = T.dmatrix("W"), T.dmatrix("V")
    x = T.dvector("x")
    y = T.tanh(T.dot(W, x))
    jv = mlc.Rop(y, W, V)
    gn = mlc.Lop(y, W, jv)
    Wv, Vv, xv = rng.random((2, 3)), rng.random((2, 3)), rng.random(3)
    got = mlc.function([W, V, x], gn)(Wv, Vv, xv)
    d = 1 - np.tanh(Wv @ xv) ** 2
    jv_ref = d * (Vv @ xv)
    np.testing.assert_allclose(got, np.outer(d * jv_ref, xv), rtol=1e-12)


def test_mlp_gradients_match_finite_differences() -> None:
    def net(x, w1, w2):
        return T.tanh(T.dot(T.tanh(T.dot(x, w1)), w2)).mean()
    mlc.gradient.verify_grad(net, [rng.random((4, 3)), rng.random((3, 5)), rng.random((5, 2))], rng=rng)


def test_float32_gradients_keep_their_dtype() -> None:
    x = T.fvector("x")
    g = mlc.grad((x * x).sum(), x)
    assert g.dtype == "float32"
    np.testing.assert_allclose(mlc.function([x], g)(np.ones(3, np.float32)), 2 * np.ones(3))


def test_integer_inputs_get_zero_gradients() -> None:
    x, i = T.dvector("x"), T.ivector("i")
    g = mlc.grad((x * i).sum(), i)
    assert g.dtype == "float64"
    f = mlc.function([x, i], g, on_unused_input="ignore")
    np.testing.assert_array_equal(f([1.0, 2.0], [3, 4]), [0.0, 0.0])


def test_disconnected_input_raises_warns_or_ignores() -> None:
    x, w = T.dvector("x"), T.dvector("w")
    with pytest.raises(DisconnectedInputError, match="'w'"):
        mlc.grad(x.sum(), w)
    with pytest.warns(UserWarning, match="'w'"):
        g = mlc.grad(x.sum(), w, disconnected_inputs="warn")
    np.testing.assert_array_equal(mlc.function([w], g)([1.0, 2.0]), [0.0, 0.0])
    assert mlc.grad(x.sum(), w, disconnected_inputs="ignore", return_disconnected="None") is None


def test_non_scalar_cost_is_named() -> None:
    x = T.dvector("x")
    with pytest.raises(TypeError, match="must be a scalar.*'x'"):
        mlc.grad(x, x)


def test_op_without_rule_names_op_and_line() -> None:
    x = T.dvector("x")
    y = T.cast(x, "int32")  # integer path: zero, fine
    assert mlc.grad(y.sum(), x) is not None
    with pytest.raises(ValueError, match="'nope'"):
        mlc.grad(x.sum(), T.dvector("nope"))


def test_not_differentiable_error_type_exists() -> None:
    assert issubclass(NotDifferentiableError, TypeError)


def test_consider_constant_and_known_grads() -> None:
    x = T.dvector("x")
    y = x * x
    g = mlc.grad((y * x).sum(), x, consider_constant=[y])
    xv = np.array([1.0, 2.0])
    np.testing.assert_allclose(mlc.function([x], g)(xv), xv * xv)
    h = mlc.grad(None, x, known_grads={y: T.ones_like(y) if hasattr(T, "ones_like") else x / x})
    np.testing.assert_allclose(mlc.function([x], h)(xv), 2 * xv)


def test_gradient_only_ops() -> None:
    x, w = T.dvector("x"), T.dvector("w")
    xv, wv = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    gx, gw = mlc.grad((mlc.gradient.disconnected_grad(x) * w).sum(), [x, w],
                      disconnected_inputs="ignore")
    gx_v, gw_v = mlc.function([x, w], [gx, gw])(xv, wv)
    np.testing.assert_array_equal(gx_v, [0.0, 0.0])
    np.testing.assert_array_equal(gw_v, xv)
    clipped = mlc.grad((mlc.gradient.grad_clip(x, -0.5, 0.5) * 10).sum(), x)
    np.testing.assert_array_equal(mlc.function([x], clipped)(xv), [0.5, 0.5])
    z = mlc.grad((mlc.gradient.zero_grad(x) * w).sum(), x)
    np.testing.assert_array_equal(mlc.function([x, w], z, on_unused_input="ignore")(xv, wv), [0, 0])


def test_max_ties_share_the_gradient_as_in_theano() -> None:
    x = T.dvector("x")
    g = mlc.function([x], mlc.grad(x.max(), x))([1.0, 3.0, 3.0])
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0])


def test_verify_grad_catches_a_wrong_gradient() -> None:
    with pytest.raises(GradientError):
        mlc.gradient.verify_grad(lambda a: mlc.gradient.zero_grad(a) * a, [rng.random(3)], rng=rng)


def test_sgd_training_reduces_the_loss() -> None:
    xs = rng.random((50, 3))
    ys = xs @ np.array([1.0, -2.0, 0.5]) + 0.3
    x, y = T.dmatrix("x"), T.dvector("y")
    w, b = mlc.shared(np.zeros(3), "w"), mlc.shared(0.0, "b")
    loss = ((T.dot(x, w) + b - y) ** 2).mean()
    gw, gb = mlc.grad(loss, [w, b])
    train = mlc.function([x, y], loss, updates=[(w, w - 0.5 * gw), (b, b - 0.5 * gb)])
    first = float(train(xs, ys))
    for _ in range(300):
        last = float(train(xs, ys))
    assert last < first * 1e-3


def test_autodiff_pass_replays_from_mlc_opt(tmp_path) -> None:
    src = tmp_path / "g.mlir"
    src.write_text("""
func.func @main(%x: tensor<?xf64>) -> tensor<?xf64> {
  %y = mt.sin %x : tensor<?xf64> -> tensor<?xf64>
  %c = mt.sum %y {axes = array<i64: 0>} : tensor<?xf64> -> tensor<f64>
  %one = mt.constant {value = dense<1.0> : tensor<f64>} : tensor<f64>
  %g = ad.vjp outs(%c : tensor<f64>) seeds(%one : tensor<f64>) wrt(%x : tensor<?xf64>) : tensor<?xf64>
  func.return %g : tensor<?xf64>
}""")
    out = subprocess.run([sys.executable, "-m", "mlc.opt", str(src), "-p", "autodiff,canonicalize"],
                         capture_output=True, text=True, check=True).stdout
    assert "mt.cos %x" in out and "ad.vjp" not in out


def test_zero_gradient_paths_need_no_rule() -> None:
    """An integer side path (here through mt.shape) carries a zero gradient, no rule."""
    x = T.dvector("x")
    g = mlc.grad((x * x.shape[0]).sum(), x)
    np.testing.assert_array_equal(mlc.function([x], g)([1.0, 2.0, 3.0]), [3.0, 3.0, 3.0])


def test_psi_is_explicitly_not_differentiable() -> None:
    x = T.dvector("x")
    with pytest.raises(NotDifferentiableError, match="mt.psi"):
        mlc.grad(T.psi(x).sum(), x)


def test_gradients_through_structure_and_indexing() -> None:
    x = T.dmatrix("x")
    y = T.concatenate([x, x[::-1] * 2], axis=0)[T.arange(3), 1]
    cost = (T.sort(y) * T.arange(3)).sum() + T.cumsum(x, axis=1).sum()
    mlc.gradient.verify_grad(lambda a: T.concatenate([a, a[::-1] * 2], axis=0)[T.arange(3), 1].sum()
                             + T.cumsum(a, axis=1).sum(), [rng.random((3, 4))], rng=rng)
    assert cost.ndim == 0


def test_theano_logistic_regression_tutorial_learns() -> None:
    """The tutorial's hand-written logistic 1/(1+exp(-x.w-b)) saturates at these logits:
    stabilize and the composite pullbacks keep the cost and its gradient finite."""
    r = np.random.default_rng(7)
    n, feats = 100, 300
    xs, ys = r.standard_normal((n, feats)), r.integers(0, 2, n).astype(float)
    x, y = T.dmatrix("x"), T.dvector("y")
    w, b = mlc.shared(r.standard_normal(feats), "w"), mlc.shared(0.0, "b")
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)
    cost = xent.mean() + 0.01 * (w ** 2).sum()
    gw, gb = mlc.grad(cost, [w, b])
    train = mlc.function([x, y], cost, updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    costs = [float(train(xs, ys)) for _ in range(300)]
    assert np.isfinite(costs).all() and costs[-1] < costs[0] / 10
    predict = mlc.function([x], p_1 > 0.5)
    assert (predict(xs) == ys).mean() == 1.0


def test_theano_tensor_aliases() -> None:
    x = T.dvector("x")
    assert float(mlc.function([x], T.grad((x ** 2).sum(), x))([3.0])[0]) == 6.0
    np.testing.assert_array_equal(mlc.function([x], T.jacobian(x * 2, x))([1.0, 2.0]), 2 * np.eye(2))
    np.testing.assert_array_equal(mlc.function([x], T.hessian((x ** 2).sum(), x))([1.0]), [[2.0]])
    v = T.dvector("v")
    for op in (T.Rop, T.Lop):  # x * 3 is linear: the product does not need x
        f = mlc.function([x, v], op(x * 3, x, v), on_unused_input="ignore")
        np.testing.assert_array_equal(f([1.0], [2.0]), [6.0])


def test_grad_of_cbrt_matches_finite_differences_on_both_signs():
    """The worked example of docs/extending.md: d cbrt(x) / dx = 1 / (3 cbrt(x)^2)."""
    x = T.dvector("x")
    g = mlc.function([x], mlc.grad(T.cbrt(x).sum(), x))
    v = np.array([-8.0, -0.7, 0.3, 2.0, 27.0])
    eps = 1e-6
    fd = (np.cbrt(v + eps) - np.cbrt(v - eps)) / (2 * eps)
    np.testing.assert_allclose(g(v), fd, rtol=1e-7)
    np.testing.assert_allclose(g(v), 1 / (3 * np.cbrt(v) ** 2), rtol=1e-14)
